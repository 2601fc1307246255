"""Session 38 (issue 28 point 5): ends of life that never release what the object holds.

- **The end a base declares for its subclasses.** A framework ends the objects it made by one
  method of theirs, which their base declares as an empty hook (``async def shutdown(self):``
  with a docstring only), or which the project's other classes on the same library base fill
  with their releases. A subclass that closes what it holds only in its own ``__aexit__``, when
  that hook (its own override, or the base's empty one) never leads to ``__aexit__``, is never
  closed by the framework, which makes the instance from its configuration and enters no ``async
  with`` (IBM/mcp-context-forge ``d1e15b74``: plugins closed their HTTP clients only in
  ``__aexit__``, the manager ended them with ``shutdown()``).
- **``getattr(self, "name", None)`` reads the attribute.** A release written defensively
  (``client = getattr(self, "_client", None)``, then ``await client.aclose()``) closes
  ``self._client`` (the same fix).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths
from tests.conftest import tree_findings


def _check_tree(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return tree_findings(tmp_path, files, "TRD2", project=True)


BASE = """\
class Plugin:
    def __init__(self, config):
        self.config = config

    async def initialize(self):
        \"\"\"Set the plugin up.\"\"\"

    async def shutdown(self):
        \"\"\"Plugin cleanup code.\"\"\"
"""

EXIT_ONLY = """\
import httpx

from app.base import Plugin


class Moderation(Plugin):
    def __init__(self, config):
        super().__init__(config)
        self._client = httpx.AsyncClient()

    async def check(self, text):
        return await self._client.post("/check", json={"text": text})

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await self._client.aclose()
"""

HOOK_MESSAGE = (
    "TRD202 `self._client` is never closed: only `__aexit__()` closes it, and `shutdown()`, which ends a "
    "`{base}`, never leads there"
)


def test_close_only_in_aexit_under_a_base_ended_by_its_empty_hook(tmp_path: Path) -> None:
    found = _check_tree(tmp_path, {"app/__init__.py": "", "app/base.py": BASE, "app/moderation.py": EXIT_ONLY})
    assert found == ["moderation.py:9:9 " + HOOK_MESSAGE.format(base="Plugin")]


def test_hook_that_leads_to_aexit_or_closes_is_no_finding(tmp_path: Path) -> None:
    # The fix: ``shutdown()`` closes (read through ``getattr``) and ``__aexit__`` calls it.
    fixed = EXIT_ONLY.replace(
        "    async def __aexit__(self, exc_type, exc, tb):\n        await self._client.aclose()\n",
        "    async def shutdown(self):\n"
        "        client = getattr(self, \"_client\", None)\n"
        "        if client:\n"
        "            await client.aclose()\n"
        "            self._client = None\n\n"
        "    async def __aexit__(self, exc_type, exc, tb):\n        await self.shutdown()\n",
    )
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/base.py": BASE, "app/moderation.py": fixed}) == []
    # A hook overridden to call ``__aexit__``'s close path is an end that reaches it.
    calls_exit = EXIT_ONLY + "\n    async def shutdown(self):\n        await self.__aexit__(None, None, None)\n"
    assert _check_tree(tmp_path / "b", {"app/__init__.py": "", "app/base.py": BASE, "app/moderation.py": calls_exit}) == []


def test_base_whose_hook_does_something_declares_no_end(tmp_path: Path) -> None:
    # Not an empty hook for subclasses to fill: ``__aexit__`` is the class's end, as before.
    busy = BASE.replace('        """Plugin cleanup code."""\n', "        self.config = None\n")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/base.py": busy, "app/moderation.py": EXIT_ONLY}) == []


SIBLING = """\
import httpx

from framework import Plugin


class Opa(Plugin):
    def __init__(self, config):
        super().__init__(config)
        self._http = httpx.AsyncClient()

    async def check(self, text):
        return await self._http.post("/opa", json={"text": text})

    async def shutdown(self):
        await self._http.aclose()
"""


def test_library_base_whose_subclasses_release_in_a_hook(tmp_path: Path) -> None:
    # The base is not the project's: another plugin on it releases its client in ``shutdown()``.
    library_base = EXIT_ONLY.replace("from app.base import Plugin", "from framework import Plugin")
    found = _check_tree(tmp_path, {"plugins/moderation.py": library_base, "plugins/opa.py": SIBLING})
    assert found == ["moderation.py:9:9 " + HOOK_MESSAGE.format(base="Plugin")]


def test_library_base_without_such_siblings_is_not_judged(tmp_path: Path) -> None:
    library_base = EXIT_ONLY.replace("from app.base import Plugin", "from framework import Plugin")
    # The sibling's ``shutdown()`` only logs: nothing says the framework ends plugins there.
    quiet = SIBLING.replace("        await self._http.aclose()\n", "        print('bye')\n\n    async def __aexit__(self, *exc):\n        await self._http.aclose()\n")
    assert _check_tree(tmp_path, {"plugins/moderation.py": library_base, "plugins/opa.py": quiet}) == []


# --- what the process keeps, in a project whose application has an end of life ---------------

SERVICES = """\
from redis.asyncio import BlockingConnectionPool, Redis


class RedisServices(Redis):
    __POOL = BlockingConnectionPool(host="localhost", max_connections=20)

    def __init__(self):
        super().__init__(connection_pool=self.__POOL)
"""

MAIN = """\
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app):
    print("starting")
    yield
    print("stopping")


app = FastAPI(lifespan=lifespan)
"""

POOL_MESSAGE = (
    "TRD201 `RedisServices.__POOL` (`BlockingConnectionPool(...)`) is kept for the whole process and never closed; "
    "close it at the application's end of life"
)


def test_class_level_pool_in_a_project_whose_lifespan_never_closes_it(tmp_path: Path) -> None:
    found = _check_tree(tmp_path, {"services.py": SERVICES, "main.py": MAIN})
    assert found == ["services.py:5:5 " + POOL_MESSAGE]


def test_class_level_pool_closed_at_the_end_or_in_a_project_with_no_end(tmp_path: Path) -> None:
    # The fix (edraj/dmart ``097c4253``): closed after the lifespan's ``yield``, by its mangled name.
    closed = MAIN.replace(
        '    print("stopping")\n',
        '    print("stopping")\n    await RedisServices._RedisServices__POOL.aclose()\n',
    ).replace("from fastapi import FastAPI\n", "from fastapi import FastAPI\n\nfrom services import RedisServices\n")
    assert _check_tree(tmp_path, {"services.py": SERVICES, "main.py": closed}) == []
    # A script or a library: nothing ends an application, the process just exits.
    script = "import asyncio\n\nfrom services import RedisServices\n\n\nasync def main():\n    await RedisServices().ping()\n\n\nasyncio.run(main())\n"
    assert _check_tree(tmp_path / "b", {"services.py": SERVICES, "main.py": script}) == []


def test_a_folder_above_the_package_is_not_the_project(tmp_path: Path) -> None:
    # No project marker: the project is the package's own import root (or the configuration's
    # folder), never the folder above it, where another project's application (here a sibling
    # folder's lifespan) says nothing of this one (a test's tmp_path beside other tests' trees).
    (tmp_path / "other" / "app").mkdir(parents=True)
    (tmp_path / "other" / "app" / "main.py").write_text(MAIN)
    package = tmp_path / "mine" / "feeds"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text(SERVICES)
    assert [f.code for f in check_paths([package / "services.py"], select=["TRD2"])] == []
    (package / "main.py").write_text(MAIN)
    found = check_paths([package / "services.py"], select=["TRD2"])
    assert [f"{f.line}:{f.column} {f.code} {f.message}" for f in found] == ["5:5 " + POOL_MESSAGE]


DB = """\
import httpx

client = httpx.AsyncClient(base_url="https://api.example.com")


async def fetch(path):
    response = await client.get(path)
    return response.json()
"""

AIOHTTP_APP = """\
from aiohttp import web

from db import fetch


async def handle(request):
    return web.json_response(await fetch("/items"))


async def on_cleanup(app):
    print("bye")


def make_app():
    app = web.Application()
    app.router.add_get("/", handle)
    app.on_cleanup.append(on_cleanup)
    return app
"""


def test_module_global_of_another_module_outlives_the_application(tmp_path: Path) -> None:
    found = _check_tree(tmp_path, {"db.py": DB, "app.py": AIOHTTP_APP})
    assert found == [
        "db.py:3:1 TRD201 `client` (`httpx.AsyncClient(...)`) is kept for the whole process and never closed; "
        "close it at the application's end of life"
    ]


def test_module_global_closed_by_the_cleanup_of_another_module(tmp_path: Path) -> None:
    closed = AIOHTTP_APP.replace("from db import fetch\n", "import db\nfrom db import fetch\n").replace(
        '    print("bye")\n', '    await db.client.aclose()\n'
    )
    assert _check_tree(tmp_path, {"db.py": DB, "app.py": closed}) == []


# --- a class that keeps what a first-party maker function returns ---------------------------

HTTP = """\
import aiohttp


def client_session(**kwargs) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(raise_for_status=True, **kwargs)
"""

BATCH_CLIENT = """\
from app.http import client_session


class BatchClient:
    def __init__(self, project):
        self.project = project
        self._session = client_session()

    async def get(self, path):
        async with self._session.get(path) as response:
            return await response.json()

    async def close(self):
        await self._session.close()
"""

USES = """\
from app.client import BatchClient


async def jobs():
    client = BatchClient("ci")
    return await client.get("/jobs")


async def batches():
    client = BatchClient("ci")
    try:
        return await client.get("/batches")
    finally:
        await client.close()
"""


def test_class_keeping_a_maker_functions_session_is_a_resource_type(tmp_path: Path) -> None:
    # ``client_session()`` (hailtop's) returns an ``aiohttp.ClientSession``: ``BatchClient``
    # holds one from ``__init__`` and releases it in ``close()``, so each instance must be closed.
    found = _check_tree(tmp_path, {"app/__init__.py": "", "app/http.py": HTTP, "app/client.py": BATCH_CLIENT, "app/use.py": USES})
    assert found == ["use.py:5:5 TRD201 `client` (`BatchClient(...)`) is never closed; call `await client.close()` in a `finally`"]


def test_maker_function_that_returns_no_resource_makes_no_resource_type(tmp_path: Path) -> None:
    plain = HTTP.replace("    return aiohttp.ClientSession(raise_for_status=True, **kwargs)\n", "    return dict(kwargs)\n")
    found = _check_tree(tmp_path, {"app/__init__.py": "", "app/http.py": plain, "app/client.py": BATCH_CLIENT, "app/use.py": USES})
    assert found == []


# --- a class method that unpacks a stream pair and hands it to its class ---------------------

CONNECTION = """\
import asyncio


class Connection:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect_to(cls, path):
        reader, writer = await asyncio.open_unix_connection(path)
        return cls(reader, writer)

    async def send(self, data):
        self.writer.write(data)
        await self.writer.drain()
"""

ENDPOINT = """\
from app.connection import Connection


class Remote:
    def __init__(self, conn):
        self.conn = conn
        self.stopped = False

    async def stop(self):
        self.stopped = True


class Endpoint:
    def __init__(self):
        self.remotes = set()

    async def connect(self, path):
        conn = await Connection.connect_to(path)
        remote = Remote(conn=conn)
        self.remotes.add(remote)
"""


def test_class_method_handing_an_unpacked_writer_to_a_class_that_never_closes_it(tmp_path: Path) -> None:
    # ethereum/lahja ``c3dc16d0``: the connection kept the writer and had no ``close()``.
    found = _check_tree(tmp_path, {"app/__init__.py": "", "app/connection.py": CONNECTION, "app/endpoint.py": ENDPOINT})
    # Session 61: the writer moved into the instance ``connect_to`` returns, and its one caller
    # binds it to a local, judged there: that finding is the leak's one report (the advice
    # ``writer.close()`` in ``connect_to`` would close the connection it returns).
    assert found == [
        "endpoint.py:18:9 TRD201 `Connection.connect_to(...)` never closes its `self.writer`; give the class an async `close()`, call it",
    ]


def test_class_that_closes_the_unpacked_writer_it_is_given(tmp_path: Path) -> None:
    closing = CONNECTION + "\n    async def close(self):\n        self.writer.close()\n"
    ending = ENDPOINT.replace("        self.stopped = True\n", "        self.stopped = True\n        await self.conn.close()\n")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/connection.py": closing, "app/endpoint.py": ending}) == []


# --- a library resource a class keeps is lent, not handed over, to an awaited helper --------

FLOW = """\
from bleak import BleakClient
from bleak_retry_connector import establish_connection

from app.setup import pair_and_sync


class OmronConfigFlow:
    def __init__(self):
        self._cached_client = None

    async def _do_pairing(self, ble_device, address):
        if self._cached_client and self._cached_client.is_connected:
            client = self._cached_client
        else:
            client = await establish_connection(BleakClient, ble_device, address)
            self._cached_client = client
        await pair_and_sync(client, ble_device)
"""

SETUP = """\
async def pair_and_sync(client, ble_device):
    await client.pair()
    await client.write_gatt_char("2a2b", b"time")
"""


def test_class_lending_its_client_to_an_awaited_helper_still_owns_it(tmp_path: Path) -> None:
    # eigger/hass-omron ``434fe64d``: the flow kept its connected client and never disconnected it.
    found = _check_tree(tmp_path, {"app/__init__.py": "", "app/setup.py": SETUP, "app/flow.py": FLOW})
    assert found == [
        "flow.py:15:13 TRD202 `self._cached_client` is never closed; add a `close()` method that calls its `disconnect()`"
    ]


def test_class_that_disconnects_its_client_after_the_helper(tmp_path: Path) -> None:
    fixed = FLOW.replace(
        "        await pair_and_sync(client, ble_device)\n",
        "        try:\n            await pair_and_sync(client, ble_device)\n        finally:\n"
        "            if self._cached_client is not None:\n                await self._cached_client.disconnect()\n"
        "            self._cached_client = None\n",
    )
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/setup.py": SETUP, "app/flow.py": fixed}) == []


# --- an instance of the class a function of the module builds -----------------------------

QQ = """\
import botpy


def _make_bot_class(channel):
    class _Bot(botpy.Client):
        async def on_ready(self):
            channel.ready = True

    return _Bot


class QQChannel:
    def __init__(self):
        self._client = None
        self._running = False

    async def start(self):
        self._running = True
        BotClass = _make_bot_class(self)
        self._client = BotClass()
        await self._client.start(appid="id", secret="s")

    async def stop(self):
        self._running = False
"""


def test_instance_of_a_library_client_subclass_built_by_a_function(tmp_path: Path) -> None:
    # HKUDS/nanobot ``b53c3d39``: ``stop()`` never closed the botpy client ``start()`` made.
    found = _check_tree(tmp_path, {"qq.py": QQ})
    assert found == ["qq.py:20:9 TRD202 `self._client` is never closed; call its `close()` in `stop()`"]


def test_built_class_closed_at_stop_or_not_a_resource(tmp_path: Path) -> None:
    # The fix: ``stop()`` closes the client.
    closed = QQ.replace(
        "    async def stop(self):\n        self._running = False\n",
        "    async def stop(self):\n        self._running = False\n        if self._client:\n            await self._client.close()\n",
    )
    assert _check_tree(tmp_path, {"qq.py": closed}) == []
    plain = QQ.replace("class _Bot(botpy.Client):", "class _Bot:")
    assert _check_tree(tmp_path / "b", {"qq.py": plain}) == []


def test_pool_in_a_tree_of_sources_alone_with_its_configuration_at_the_top(tmp_path: Path) -> None:
    # No project marker (a tree of ``.py`` files, as the leak-fix benchmark extracts it): the
    # outermost import root above the module, the configuration's folder, is the project.
    (tmp_path / "tradelint.toml").write_text("")
    paths = []
    for name, source in {"backend/utils/services.py": SERVICES, "backend/main.py": MAIN}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        paths.append(path)
    found = [f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in check_paths(paths, select=["TRD2"])]
    assert found == ["services.py:5:5 " + POOL_MESSAGE]
