"""Session 47: a resource stored on ``self`` by a method that a retry loop runs again, or that
another class's loop runs again on an instance it holds (TRD202 ``self_replaced_again``, issue 28
points 1 and 5).

A retry: the loop runs the storing method in a ``try`` whose handler goes on with the loop, and a
step after the store can raise out of it: the failing turn leaves the new resource open in the
slot and the next turn stores over it. A holder: a connection handler keeps the controller
(``self._controller``, a parameter annotated with its class) and reconnects it in a loop with
back-off (joyfulhouse/pyintellicenter ``d54184df``: ``ICBaseController.start()`` stored a new
``ICConnection`` at every reconnect by ``ICConnectionHandler``).

Twins give nothing: the storing method closes the old one first, nothing after the store can
raise, the handler leaves the loop (re-raises), the handler stops the controller (a method that
releases the slot), a store guarded by the slot, a holder of another class.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

HANDLER = """\
import asyncio

import aiohttp


class Controller:
    def __init__(self, host):
        self._host = host
        self._session = None

    async def start(self):
        self._session = aiohttp.ClientSession()
        await self._session.get(self._host)

    async def stop(self):
        if self._session:
            await self._session.close()
            self._session = None


class Handler:
    def __init__(self, controller: Controller):
        self._controller = controller
        self._stopped = False

    async def _starter(self):
        while not self._stopped:
            try:
                await self._controller.start()
                self.on_started(self._controller)
                return
            except OSError:
                await asyncio.sleep(5)

    def on_started(self, controller):
        pass
"""


def test_a_holders_retry_loop_restarts_the_controller(tmp_path: Path) -> None:
    assert source_findings(tmp_path, HANDLER, "TRD202") == [
        "12:9 TRD202 `start()` stores a new `aiohttp.ClientSession(...)` in `self._session` each time it runs without "
        "closing the old one; close it first",
    ]


def test_a_holder_of_a_subclass_counts(tmp_path: Path) -> None:
    sub = HANDLER.replace(
        "class Handler:",
        "class ModelController(Controller):\n    pass\n\n\nclass Handler:",
    ).replace("controller: Controller)", "controller: ModelController)")
    assert len(source_findings(tmp_path, sub, "TRD202")) == 1


def test_a_start_that_closes_the_old_one_first_is_clean(tmp_path: Path) -> None:
    fixed = HANDLER.replace(
        "    async def start(self):\n",
        "    async def start(self):\n        await self.stop()\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_nothing_after_the_store_can_raise_is_clean(tmp_path: Path) -> None:
    # The failing turn raised before the store: nothing new is left in the slot.
    quiet = HANDLER.replace(
        "        self._session = aiohttp.ClientSession()\n        await self._session.get(self._host)\n",
        "        await asyncio.sleep(0)\n        self._session = aiohttp.ClientSession()\n",
    )
    assert source_findings(tmp_path, quiet, "TRD202") == []


def test_a_handler_that_re_raises_is_no_retry(tmp_path: Path) -> None:
    raising = HANDLER.replace("                await asyncio.sleep(5)\n", "                raise\n")
    assert source_findings(tmp_path, raising, "TRD202") == []


def test_a_handler_that_stops_the_controller_is_clean(tmp_path: Path) -> None:
    stopping = HANDLER.replace(
        "                await asyncio.sleep(5)\n",
        "                await self._controller.stop()\n                await asyncio.sleep(5)\n",
    )
    assert source_findings(tmp_path, stopping, "TRD202") == []


def test_a_start_guarded_by_the_slot_is_clean(tmp_path: Path) -> None:
    guarded = HANDLER.replace(
        "    async def start(self):\n",
        "    async def start(self):\n        if self._session is not None:\n            return\n",
    )
    assert source_findings(tmp_path, guarded, "TRD202") == []


def test_a_holder_of_another_class_is_clean(tmp_path: Path) -> None:
    other = HANDLER.replace("controller: Controller)", "controller: Other)").replace(
        "class Handler:", "class Other:\n    async def start(self):\n        pass\n\n\nclass Handler:",
    )
    assert source_findings(tmp_path, other, "TRD202") == []


OWN_RETRY = """\
import asyncio

import websockets


class Feed:
    def __init__(self, url):
        self._url = url
        self._ws = None

    async def connect(self):
        while True:
            try:
                self._ws = await websockets.connect(self._url)
                await self._ws.send("auth")
                break
            except OSError:
                await asyncio.sleep(5)

    async def close(self):
        if self._ws is not None:
            await self._ws.close()
"""


def test_a_retry_loop_around_the_store_leaves_the_failed_one_open(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OWN_RETRY, "TRD202") == [
        "14:17 TRD202 `connect()` stores a new `websockets.connect(...)` in `self._ws` each time it runs without "
        "closing the old one; close it first",
    ]


def test_a_retry_that_closes_the_failed_one_is_clean(tmp_path: Path) -> None:
    fixed = OWN_RETRY.replace(
        "            except OSError:\n",
        "            except OSError:\n                await self.close()\n",
    )
    assert source_findings(tmp_path, fixed, "TRD202") == []


def test_a_retry_whose_store_is_its_last_step_is_clean(tmp_path: Path) -> None:
    last = OWN_RETRY.replace('                await self._ws.send("auth")\n', "")
    assert source_findings(tmp_path, last, "TRD202") == []


CALLER_RETRY = """\
import asyncio

import aiohttp


class Client:
    def __init__(self):
        self._session = None

    async def _login(self):
        self._session = aiohttp.ClientSession()
        await self._session.post("https://example.com/login")

    async def run(self):
        while True:
            try:
                await self._login()
                break
            except aiohttp.ClientError:
                await asyncio.sleep(10)

    async def close(self):
        if self._session:
            await self._session.close()
"""


def test_a_method_of_the_class_retrying_the_store(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CALLER_RETRY, "TRD202") == [
        "11:9 TRD202 `_login()` stores a new `aiohttp.ClientSession(...)` in `self._session` each time it runs without "
        "closing the old one; close it first",
    ]


def test_a_retry_whose_turn_reads_the_slot_is_clean(tmp_path: Path) -> None:
    reading = CALLER_RETRY.replace(
        "            except aiohttp.ClientError:\n",
        "            except aiohttp.ClientError:\n                if self._session:\n                    await self._session.close()\n",
    )
    assert source_findings(tmp_path, reading, "TRD202") == []


def _split(handler: str) -> dict[str, str]:
    controller, _, holder = handler.partition("class Handler:")
    return {
        "app/__init__.py": "",
        "app/controller.py": controller,
        "app/handler.py": "import asyncio\n\nfrom app.controller import Controller\n\n\nclass Handler:" + holder,
    }


def test_a_holder_in_another_module_of_the_project(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _split(HANDLER), "TRD202", project=True) == [
        "controller.py:12:9 TRD202 `start()` stores a new `aiohttp.ClientSession(...)` in `self._session` each time it "
        "runs without closing the old one; close it first",
    ]


def test_a_holder_in_another_module_that_stops_it_is_clean(tmp_path: Path) -> None:
    stopping = HANDLER.replace(
        "                await asyncio.sleep(5)\n",
        "                await self._controller.stop()\n                await asyncio.sleep(5)\n",
    )
    assert tree_findings(tmp_path, _split(stopping), "TRD202", project=True) == []


RESULT_LOOP = """\
import asyncio

import asyncpg


class Database:
    async def connect(self):
        try:
            self.pool = await asyncpg.create_pool(dsn="x")
        except OSError:
            return False
        await self.pool.execute("select 1")
        return True

    async def disconnect(self):
        await self.pool.close()


class Bot:
    async def db_connect(self):
        self.database = Database()
        connected = await self.database.connect()
        while not connected:
            await asyncio.sleep(5)
            connected = await self.database.connect()

    async def close(self):
        await self.database.disconnect()
"""


def test_a_holders_loop_until_the_call_says_it_worked_is_no_rerun(tmp_path: Path) -> None:
    # It turns again only when ``connect()`` returned False: when nothing was stored.
    assert source_findings(tmp_path, RESULT_LOOP, "TRD202") == []


def test_a_holders_loop_that_ignores_the_result_reruns_it(tmp_path: Path) -> None:
    forever = RESULT_LOOP.replace("        while not connected:\n", "        while True:\n")
    assert len(source_findings(tmp_path, forever, "TRD202")) == 1
