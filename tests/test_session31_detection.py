"""Session 31 (issue 28): shapes rounds 12 and 13, opened for development, showed tradelint could
not see. Each test is a general rule of ownership or lifetime, with its negative twin:

- the transport an event loop's connection maker returns is a resource (``transport, protocol =
  await loop.create_connection(...)``), released by ``transport.close()``; so is a listening
  server (``asyncio.start_unix_server``, ``loop.create_server``; aleph-im/aleph-vm ``6aecbfe5``)
  and aiohttp's ``AppRunner`` from its ``setup()`` to its ``cleanup()`` (shinnytech/tqsdk-python
  ``cfa8544c``), neither entered by ``async with`` (point 1);
- an owner that makes in ``__init__`` only what holds nothing until used (aiohttp's ``AppRunner``
  before its ``setup()``) holds nothing until then either: made and used only through methods
  that never touch what it holds, it is not judged (opsdroid's ``Web`` in its tests); and a
  renewal guarded by a flag that the release itself sets (``if self.status == "stopped":``)
  replaces nothing open (point 8);
- an ``__aenter__`` that opens what ``__aexit__`` closes (``await self.transport.connect()``) and
  then awaits something that can fail leaves it open, since ``__aexit__`` runs only once
  ``__aenter__`` has returned (graphql-python/gql ``0084b95d``; point 5);
- a class of no base whose ``__init__`` passes its keywords on (``super().__init__(**kwargs)``) is a
  mixin: what it keeps on ``self`` is ended where the classes built from it end it (Red's
  ``RPCMixin``, closed by ``Red.close()``; point 5);
- a resource handed to an installed library class that forwards it to its base's ``__init__``
  (``web.SockSite(runner, sock)``) is judged by the base's code: ``BaseSite`` keeps the runner
  and never cleans it up, so the creator still owns it (point 1);
- a resource kept in a collection of ``self`` and taken out of it again unreleased, on the error
  path of the function that made it (acgnhiki/blrec ``5d3f54b0``: ``del self._tasks[room_id]``
  when the task's setup fails; point 5);
- a library class the project releases through a receiver its annotation types (a Home Assistant
  integration's ``runtime_data`` dataclass field, ``client: Gateway``, and ``await
  entry.runtime_data.client.disconnect()`` at unload) is a resource wherever it is made, such as a
  config flow's connection probe (Xerolux/idm-heatpump-hass ``1133398b``; point 1).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, files: dict[str, str], select: str = "TRD2") -> list[str]:
    paths = []
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        paths.append(path)
    findings = check_paths(paths, select=[select])
    return [f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in findings]


# --- an event loop's transport ------------------------------------------------------------------

TRANSPORT = """\
import asyncio


class Client(asyncio.Protocol):
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop = loop
        self.transport = None

    async def connect(self, host):
        self.transport, _ = await self._loop.create_connection(lambda: self, host, 23)
{extra}

async def probe(host):
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, remote_addr=(host, 9))
    transport.sendto(b"ping")
{probe_end}
"""


def test_loop_transport_kept_on_self_and_never_closed(tmp_path: Path) -> None:
    source = TRANSPORT.format(extra="", probe_end="")
    assert _check(tmp_path, {"client.py": source}) == [
        "client.py:10:9 TRD202 `self.transport` is never closed; add a `close()` method that calls its `close()`",
        "client.py:15:5 TRD201 `transport` (`loop.create_datagram_endpoint(...)`) is never closed; call `transport.close()` in a `finally`",
    ]


def test_loop_transport_closed_twin(tmp_path: Path) -> None:
    extra = """
    def close(self):
        self.transport.close()
"""
    probe_end = """    transport.close()
"""
    source = TRANSPORT.format(extra=extra, probe_end=probe_end).replace(
        "    transport.sendto(b\"ping\")\n    transport.close()\n",
        "    try:\n        transport.sendto(b\"ping\")\n    finally:\n        transport.close()\n",
    )
    assert _check(tmp_path, {"client.py": source}) == []


def test_loop_transport_discarded_or_held_by_its_protocol_is_not_judged(tmp_path: Path) -> None:
    source = """\
import asyncio


async def open_quic(loop: asyncio.AbstractEventLoop, make_protocol):
    _, protocol = await loop.create_datagram_endpoint(make_protocol, local_addr=("::", 0))
    return protocol


async def associate(owner, connection):
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(lambda: connection, local_addr=("::", 0))
    owner.connection = connection
    return transport.get_extra_info("socket")
"""
    assert _check(tmp_path, {"quic.py": source}) == []


def test_a_module_function_of_the_same_name_is_no_loop(tmp_path: Path) -> None:
    source = """\
import aioredis


async def connect(host):
    conn, _ = await aioredis.create_connection((host, 6379))
    return conn
"""
    assert _check(tmp_path, {"redis_conn.py": source}) == []


# --- an element taken out of a collection of self unreleased ------------------------------------

DROPPED = """\
import aiohttp


class Recorder:
    def __init__(self, room):
        self.room = room
        self._session = None

    async def setup(self):
        self._session = aiohttp.ClientSession()

    async def destroy(self):
        await self._session.close()


class Manager:
    def __init__(self):
        self._tasks = {{}}

    async def add_task(self, room):
        task = Recorder(room)
        self._tasks[room] = task
        try:
            await task.setup()
        except Exception:
{handler}            raise

    async def destroy_all(self):
        for task in self._tasks.values():
            await task.destroy()
        self._tasks.clear()
"""


def test_element_taken_out_unreleased_on_the_error_path(tmp_path: Path) -> None:
    source = DROPPED.format(handler="            del self._tasks[room]\n")
    assert _check(tmp_path, {"manager.py": source}) == [
        "manager.py:21:9 TRD202 `add_task()` takes this `Recorder(...)` out of `self._tasks` unclosed; call its `destroy()` first",
    ]


def test_element_popped_unreleased(tmp_path: Path) -> None:
    source = DROPPED.format(handler="            self._tasks.pop(room)\n")
    assert _check(tmp_path, {"manager.py": source}) == [
        "manager.py:21:9 TRD202 `add_task()` takes this `Recorder(...)` out of `self._tasks` unclosed; call its `destroy()` first",
    ]


def test_element_released_before_it_is_taken_out_twin(tmp_path: Path) -> None:
    source = DROPPED.format(handler="            del self._tasks[room]\n            await task.destroy()\n")
    assert _check(tmp_path, {"manager.py": source}) == []


def test_element_left_in_the_collection_twin(tmp_path: Path) -> None:
    source = DROPPED.format(handler="            pass\n")
    assert _check(tmp_path, {"manager.py": source}) == []


# --- evidence through an annotated receiver ---------------------------------------------------

INTEGRATION = """\
from dataclasses import dataclass

from gatewaylib import Gateway


@dataclass
class RuntimeData:
    client: Gateway


async def async_unload_entry(hass, entry):
    {release}
    return True
"""

CONFIG_FLOW = """\
from gatewaylib import Gateway


async def test_connection(host):
    client = Gateway(host)
    try:
        await client.connect()
        return await client.probe()
    except Exception:
        return False
"""


def test_annotated_receiver_released_makes_the_type_a_resource(tmp_path: Path) -> None:
    files = {
        "custom_components/foo/__init__.py": INTEGRATION.format(release="await entry.runtime_data.client.disconnect()"),
        "custom_components/foo/config_flow.py": CONFIG_FLOW,
    }
    assert _check(tmp_path, files) == [
        "config_flow.py:5:5 TRD201 `client` (`Gateway(...)`) is never closed; call `await client.disconnect()` in a `finally`",
    ]


def test_annotated_receiver_not_released_twin(tmp_path: Path) -> None:
    files = {
        "custom_components/foo/__init__.py": INTEGRATION.format(release="await entry.runtime_data.client.refresh()"),
        "custom_components/foo/config_flow.py": CONFIG_FLOW,
    }
    assert _check(tmp_path, files) == []


def test_collection_annotation_is_no_evidence(tmp_path: Path) -> None:
    source = INTEGRATION.replace("client: Gateway", "client: list[Gateway]").format(
        release="await entry.runtime_data.client.disconnect()"
    )
    files = {"custom_components/foo/__init__.py": source, "custom_components/foo/config_flow.py": CONFIG_FLOW}
    assert _check(tmp_path, files) == []


# --- listening servers and aiohttp's runner ------------------------------------------------------

SERVERS = """\
import asyncio

from aiohttp import web


async def serve(handler, path):
    {serve}


async def serve_forever(app, sock):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.SockSite(runner, sock)
    {run}


class Node:
    def __init__(self):
        self.server = None

    async def start(self):
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(asyncio.Protocol, "::", 8000)
{node_end}"""


def test_servers_and_runners_never_closed(tmp_path: Path) -> None:
    source = SERVERS.format(
        serve="await asyncio.start_unix_server(handler, path=path)",
        run="await site.start()\n    await asyncio.sleep(3600)",
        node_end="",
    )
    assert _check(tmp_path, {"serve.py": source}) == [
        "serve.py:7:11 TRD201 `asyncio.start_unix_server(...)` is discarded, so nothing closes it; keep it and call its `close()`",
        "serve.py:11:5 TRD201 `runner` (`web.AppRunner(...)`) is never closed; call `await runner.cleanup()` in a `finally`",
        "serve.py:24:9 TRD202 `self.server` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_servers_and_runners_closed_twin(tmp_path: Path) -> None:
    source = SERVERS.format(
        serve="server = await asyncio.start_unix_server(handler, path=path)\n    try:\n        await server.serve_forever()\n"
        "    finally:\n        server.close()\n        await server.wait_closed()",
        run="try:\n        await site.start()\n        await asyncio.sleep(3600)\n    finally:\n        await runner.cleanup()",
        node_end="\n    def close(self):\n        self.server.close()\n",
    )
    assert _check(tmp_path, {"serve.py": source}) == []


def test_runner_fix_is_no_async_with(tmp_path: Path) -> None:
    """``AppRunner`` is no async context manager: the finding offers no ``async with`` fix."""
    source = SERVERS.format(serve="pass", run="await site.start()", node_end="\n    def close(self):\n        self.server.close()\n")
    path = tmp_path / "serve.py"
    path.write_text(source)
    (finding,) = check_paths([path], select=["TRD2"])
    assert (finding.line, finding.fix) == (11, None)


# --- an owner of what holds nothing until used ----------------------------------------------------

WEB = """\
from aiohttp import web


class Web:
    def __init__(self):
        self.status = "stopped"
        self.app = web.Application()
        self.runner = web.AppRunner(self.app)

    async def start(self):
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.status = "running"

    async def stop(self):
        await self.runner.cleanup()
        self.status = "stopped"

    async def index(self, request):
        return web.Response(text=self.status)

    def reset(self):
        if self.{flag} == "stopped":
            self.app = web.Application()
            self.runner = web.AppRunner(self.app)


async def test_index():
    app = Web()
    assert (await app.index(None)).text == "stopped"


async def test_start():
    app = Web()
    await app.{method}()
"""


def test_lazy_owner_used_only_where_it_holds_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, {"web_app.py": WEB.format(flag="status", method="index")}) == []


def test_lazy_owner_started_and_never_stopped_twin(tmp_path: Path) -> None:
    assert _check(tmp_path, {"web_app.py": WEB.format(flag="status", method="start")}) == [
        "web_app.py:34:5 TRD201 `app` (`Web(...)`) is never closed; call `await app.stop()` in a `finally`",
    ]


def test_renewal_under_a_flag_the_release_does_not_set_twin(tmp_path: Path) -> None:
    source = WEB.format(flag="mode", method="index").replace('self.status = "stopped"\n        self.app', 'self.status = "stopped"\n        self.mode = "stopped"\n        self.app')
    assert _check(tmp_path, {"web_app.py": source}) == [
        "web_app.py:26:13 TRD202 `self.runner` is replaced without closing the old one; call its `cleanup()` first",
    ]


def test_a_server_maker_not_awaited_where_it_is_made_is_not_judged(tmp_path: Path) -> None:
    source = """\
import asyncio


async def relay(loop: asyncio.AbstractEventLoop, factory):
    coro = loop.create_server(factory, "0.0.0.0")
    server = await loop.create_task(coro)
    try:
        await server.serve_forever()
    finally:
        server.close()
"""
    assert _check(tmp_path, {"relay.py": source}) == []


# --- __aenter__ failing after it opened what __aexit__ closes ------------------------------------

ENTER = """\
class Client:
    def __init__(self, transport):
        self.transport = transport
        self.schema = None

    async def __aenter__(self):
{enter}
        return self

    async def __aexit__(self, *exc):
        await self.transport.close()

    async def fetch_schema(self):
        self.schema = await self.transport.execute("schema")
"""


def test_enter_fails_after_opening(tmp_path: Path) -> None:
    enter = "        await self.transport.connect()\n        await self.fetch_schema()"
    assert _check(tmp_path, {"client.py": ENTER.format(enter=enter)}) == [
        "client.py:7:9 TRD202 `self.transport` is left open when `__aenter__()` fails after opening it; "
        "close it there before re-raising",
    ]


def test_enter_opening_last_or_guarded_twin(tmp_path: Path) -> None:
    last = "        await self.fetch_schema()\n        await self.transport.connect()"
    guarded = (
        "        await self.transport.connect()\n        try:\n            await self.fetch_schema()\n"
        "        except BaseException:\n            await self.transport.close()\n            raise"
    )
    assert _check(tmp_path, {"a.py": ENTER.format(enter=last)}) == []
    assert _check(tmp_path, {"b.py": ENTER.format(enter=guarded)}) == []


# --- a cooperative mixin's attribute, ended by the class built from it ---------------------------

MIXIN = """\
import aiohttp


class SessionMixin:
    def __init__(self, **kwargs):
        super().__init__({forward})
        self.http = aiohttp.ClientSession()
"""

BOT = """\
from .mixin import SessionMixin


class Base:
    def __init__(self, **kwargs):
        self.options = kwargs


class Bot(SessionMixin, Base):
    async def close(self):
        await self.http.close()


async def main():
    bot = Bot(prefix="!")
    try:
        pass
    finally:
        await bot.close()
"""


def test_cooperative_mixin_closed_by_the_class_built_from_it(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/mixin.py": MIXIN.format(forward="**kwargs"), "pkg/bot.py": BOT}
    assert _check(tmp_path, files) == []


def test_class_with_its_own_init_is_no_mixin_twin(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/mixin.py": MIXIN.format(forward=""), "pkg/bot.py": BOT}
    assert _check(tmp_path, files) == [
        "mixin.py:7:9 TRD202 `self.http` is never closed; add a `close()` method that calls its `close()`",
    ]
