"""Session 30 (issue 28): what round 12, opened for development, showed tradelint could not see.

Each test is a general rule of ownership or lifetime, with its negative twin:

- a first-party class derived from a library resource type is a resource (LedFx/LedFx
  ``7aed5515``: ``class QLCWebsocketClient(aiohttp.ClientSession)``), ended by the base's release
  or a method of its own that calls it, not by any method named like a release (point 1);
- a first-party factory called through its module (``prerequisites.get_redis()``,
  reflex-dev/reflex ``c03ab4be``) makes what it returns, as when imported by name (point 1);
- a module global that lives with an application whose end of life the module declares (a
  lifespan, ``on_shutdown``, ``on_cleanup``) must be closed there (e2b-dev/code-interpreter
  ``ecc61872``; point 5);
- a resource a closure caches in a ``nonlocal`` lives with the enclosing frame and must be closed
  by its code (python/the-knights-who-say-ni ``eaf3b018``; point 5);
- work ``asyncio.gather`` leaves running when one of it fails (flyte/mqtt-io ``0f510f1e``; point 6);
- a task awaited only for its result, left running by the class's end of life (allenporter/python-
  google-nest-sdm ``3d617c61``, round 13's development half; point 6).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _project(tmp_path: Path, files: dict[str, str], select: str = "TRD2") -> list[str]:
    (tmp_path / "pkg").mkdir(parents=True, exist_ok=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    paths = []
    for name, source in files.items():
        path = tmp_path / "pkg" / name
        path.write_text(source)
        paths.append(path)
    findings = check_paths(paths, select=[select])
    return [f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in findings]


# --- a subclass of a library resource type ------------------------------------------------------

SUBCLASS = """\
import aiohttp


class WebsocketClient(aiohttp.ClientSession):
    def __init__(self, url):
        super().__init__()
        self.websocket = None
        self.url = url

    async def connect(self):
        self.websocket = await self.ws_connect(self.url)

    async def disconnect(self):
        if self.websocket is not None:
            await self.websocket.close()
{extra}

class Integration:
    def __init__(self):
        self._client = None

    async def connect(self):
        self._client = WebsocketClient("ws://x")
        await self._client.connect()

    async def disconnect(self):
        if self._client is not None:
            await self._client.{end}()


async def probe(url):
    client = WebsocketClient(url)
    await client.connect()
    await client.{end}()
"""

SHUTDOWN = """
    async def shutdown(self):
        await self.disconnect()
        await self.close()
"""


def test_a_subclass_of_a_library_resource_is_one_that_its_own_disconnect_does_not_end(tmp_path: Path) -> None:
    assert _project(tmp_path, {"qlc.py": SUBCLASS.format(extra="", end="disconnect")}) == [
        "qlc.py:23:9 TRD202 `self._client` is never closed; call its `close()` in `disconnect()`",
        "qlc.py:32:5 TRD201 `client` (`WebsocketClient(...)`) is never closed; call `await client.close()` in a `finally`",
    ]


def test_a_method_of_the_subclass_that_calls_the_bases_release_ends_it(tmp_path: Path) -> None:
    assert _project(tmp_path, {"qlc.py": SUBCLASS.format(extra=SHUTDOWN, end="shutdown")}) == [
        "qlc.py:36:5 TRD201 `client` (`WebsocketClient(...)`) is closed outside `finally`; move `client.close()` into a `finally`",
    ]


def test_the_bases_release_ends_the_subclass(tmp_path: Path) -> None:
    assert _project(tmp_path, {"qlc.py": SUBCLASS.format(extra="", end="close")}) == [
        "qlc.py:32:5 TRD201 `client` (`WebsocketClient(...)`) is closed outside `finally`; move `client.close()` into a `finally`",
    ]


# --- a factory called through its module -------------------------------------------------------

PREREQUISITES = """\
def get_redis():
    try:
        from redis.asyncio import Redis
    except ImportError:
        return None
    return Redis.from_url("redis://localhost")


def redis_url():
    return "redis://localhost"
"""

TOKENS = """\
from . import prerequisites


class RedisTokenManager:
    def __init__(self, redis):
        self.redis = redis

    async def get(self, token):
        return await self.redis.get(token)


def create():
    redis = prerequisites.get_redis()
    return RedisTokenManager(redis)


async def read(token):
    url = prerequisites.redis_url()
    return url + token
"""


def test_a_factory_called_through_its_module_makes_what_it_returns(tmp_path: Path) -> None:
    assert _project(tmp_path, {"prerequisites.py": PREREQUISITES, "tokens.py": TOKENS}) == [
        "tokens.py:13:5 TRD201 `redis` (`prerequisites.get_redis(...)`) is never closed; "
        "make it in the coroutine that uses it and close it there",
    ]


def test_a_receiver_that_closes_what_it_is_given_takes_it_from_a_module_factory(tmp_path: Path) -> None:
    closing = TOKENS.replace(
        "    async def get(self, token):",
        "    async def close(self):\n        await self.redis.aclose()\n\n    async def get(self, token):",
    )
    assert _project(tmp_path, {"prerequisites.py": PREREQUISITES, "tokens.py": closing}) == []


# --- a module global of an application with an end of life ---------------------------------------

SERVER = """\
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

client = httpx.AsyncClient()
kernels = {{}}


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    for kernel in kernels.values():
        await kernel.close()
{close}

app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health():
    response = await client.get("http://localhost:8888/api")
    return response.status_code
"""


def test_a_module_global_outlives_the_application_whose_lifespan_does_not_close_it(tmp_path: Path) -> None:
    assert _project(tmp_path, {"main.py": SERVER.format(close="")}) == [
        "main.py:6:1 TRD201 module global `client` (`httpx.AsyncClient(...)`) outlives the application; "
        "close it at its end of life",
    ]


def test_a_module_global_closed_by_the_lifespan_is_not_reported(tmp_path: Path) -> None:
    assert _project(tmp_path, {"main.py": SERVER.format(close="    await client.aclose()\n")}) == []


def test_a_module_global_of_a_module_that_ends_no_application_is_not_reported(tmp_path: Path) -> None:
    source = SERVER.format(close="").replace("app = FastAPI(lifespan=lifespan)", "app = FastAPI()")
    assert _project(tmp_path, {"main.py": source}) == []


# --- a resource a closure caches ---------------------------------------------------------------

CLOSURE = """\
import aiohttp


def session_factory():
    _session = None

    def session():
        nonlocal _session
        if _session is None:
            _session = aiohttp.ClientSession()
        return _session
{close}
    return session


session = session_factory()
"""

CLOSER = """
    async def close():
        if _session is not None:
            await _session.close()
"""


def test_a_resource_a_closure_caches_is_never_closed(tmp_path: Path) -> None:
    assert _project(tmp_path, {"abc.py": CLOSURE.format(close="")}) == [
        "abc.py:10:13 TRD201 `_session` (`aiohttp.ClientSession(...)`) kept by a closure is never closed; close it at shutdown",
    ]


def test_a_resource_a_closure_caches_and_another_closes_is_not_reported(tmp_path: Path) -> None:
    assert _project(tmp_path, {"abc.py": CLOSURE.format(close=CLOSER)}) == []


# --- work gather leaves running ------------------------------------------------------------------

GATHERED = """\
import asyncio
import logging


class Server:
    async def _rx_loop(self):
        while True:
            await asyncio.sleep(1)

    async def _publish_loop(self):
        while True:
            await asyncio.sleep(1)

    async def _connect(self):
        await asyncio.sleep(0)

    async def main_loop(self):
        while True:
            await self._connect()
            self.critical_tasks = [
                asyncio.create_task(coro) for coro in (self._rx_loop(), self._publish_loop())
            ]
            try:
                await asyncio.gather(*self.critical_tasks{keyword})
            except Exception:
                logging.exception("critical task failed")
{ending}            await asyncio.sleep(5)
"""

CANCELLING = """\
            finally:
                for task in self.critical_tasks:
                    task.cancel()
"""


def test_tasks_gather_leaves_running_when_one_fails_are_reported_where_they_are_made(tmp_path: Path) -> None:
    assert _project(tmp_path, {"server.py": GATHERED.format(keyword="", ending="")}, "TRD304") == [
        "server.py:20:13 TRD304 work gathered by `asyncio.gather(...)` runs on when one of it fails; "
        "cancel the rest in `finally`, or use a `TaskGroup`",
    ]


def test_tasks_cancelled_in_the_finally_around_the_gather_are_not_reported(tmp_path: Path) -> None:
    assert _project(tmp_path, {"server.py": GATHERED.format(keyword="", ending=CANCELLING)}, "TRD304") == []


def test_a_gather_that_returns_the_errors_leaves_nothing(tmp_path: Path) -> None:
    source = GATHERED.format(keyword=", return_exceptions=True", ending="")
    assert _project(tmp_path, {"server.py": source}, "TRD304") == []


COROUTINES = """\
import asyncio


async def reader(ws):
    while True:
        await ws.recv()


async def ping(ws):
    await ws.ping()


async def {name}(ws):
    await asyncio.gather(reader(ws), ping(ws))
"""


def test_coroutines_gather_leaves_running_are_reported_at_the_gather(tmp_path: Path) -> None:
    assert _project(tmp_path, {"client.py": COROUTINES.format(name="serve")}, "TRD304") == [
        "client.py:14:5 TRD304 work gathered by `asyncio.gather(...)` runs on when one of it fails; "
        "cancel the rest in `finally`, or use a `TaskGroup`",
    ]


def test_a_gather_in_a_scripts_main_ends_with_the_program(tmp_path: Path) -> None:
    assert _project(tmp_path, {"client.py": COROUTINES.format(name="main")}, "TRD304") == []


def test_a_gather_of_work_that_ends_by_itself_is_not_reported(tmp_path: Path) -> None:
    source = COROUTINES.format(name="serve").replace("    while True:\n        await ws.recv()", "    await ws.recv()")
    assert _project(tmp_path, {"client.py": source}, "TRD304") == []


def test_a_gather_of_loops_that_end_themselves_is_not_reported(tmp_path: Path) -> None:
    paging = "    while True:\n        page = await ws.recv()\n        if not page:\n            break"
    source = COROUTINES.format(name="serve").replace("    while True:\n        await ws.recv()", paging)
    assert _project(tmp_path, {"client.py": source}, "TRD304") == []


# --- a task the method ending the others leaves running ------------------------------------------

SUBSCRIBER = """\
import asyncio


class Subscriber:
    def __init__(self, api):
        self._api = api
        self._device_manager_task = asyncio.create_task(self._load_devices())
        self._watchdog_task = asyncio.create_task(self._watchdog())

    async def get_device_manager(self):
        return await self._device_manager_task

    async def _load_devices(self):
        return await self._api.devices()

    async def _watchdog(self):
        while True:
            await asyncio.sleep(10)

    def stop(self):
        self._watchdog_task.cancel()
{more}"""


def test_a_task_the_method_ending_the_others_leaves_running_is_reported(tmp_path: Path) -> None:
    assert _project(tmp_path, {"subscriber.py": SUBSCRIBER.format(more="")}, "TRD303") == [
        "subscriber.py:7:9 TRD303 `self._device_manager_task` is left running by `stop()`, "
        "which ends the other tasks of `Subscriber`; end it there",
    ]


def test_a_task_the_ending_method_also_cancels_is_not_reported(tmp_path: Path) -> None:
    more = "        self._device_manager_task.cancel()\n"
    assert _project(tmp_path, {"subscriber.py": SUBSCRIBER.format(more=more)}, "TRD303") == []


def test_a_task_ended_by_a_method_the_ending_method_calls_is_not_reported(tmp_path: Path) -> None:
    more = "        self._drop_devices()\n\n    def _drop_devices(self):\n        self._device_manager_task.cancel()\n"
    assert _project(tmp_path, {"subscriber.py": SUBSCRIBER.format(more=more)}, "TRD303") == []
