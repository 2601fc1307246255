"""Session 22 (tasks): false TRD3xx findings on real applications, removed by general rules.

- Home Assistant: a callback an object of the integration is given by reference (kept by the
  method it is handed to, ``ws.set_connection_callback(self._on_connection)``) runs at unload
  when what the unload reaches calls the attribute that keeps it (troykelly/homeassistant-emby).
- Home Assistant: a task its class ends in its own ``stop()`` is not reported when no code of
  the project makes an instance that outlives that end (txxa/hass-ans); reported, the message
  names the method that ends it and says the unload does not run it.
- TRD304: a race whose function only runs, awaited and uncancellable, under ``asyncio.run``
  (JeffSteinbok/hass-dreo's WebSocket thread) cannot have its wait cancelled.
Each shape has its negative twin."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ha_integration, preview_messages as _messages

SOCKET = """\
import asyncio

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Socket:
    def __init__(self):
        self._connection_callback = None

    def set_connection_callback(self, callback):
        self._connection_callback = callback

    async def disconnect(self):
        if self._connection_callback:
            CALL


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass):
        super().__init__(hass, None, name="demo")
        self._health = None
        self._socket = Socket()
        self._socket.set_connection_callback(self._on_connection)

    def start_health(self):
        self._health = asyncio.create_task(self._check())

    async def _check(self):
        while self._socket is not None:
            await asyncio.sleep(60)

    def _on_connection(self, connected):
        if not connected and self._health is not None:
            self._health.cancel()
            self._health = None

    async def shutdown_socket(self):
        await self._socket.disconnect()


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass)
    entry.async_on_unload(coordinator.shutdown_socket)
    return True


async def async_unload_entry(hass, entry):
    return True
"""


def test_a_callback_the_unload_makes_its_object_run_is_reached(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, SOCKET.replace("CALL", "self._connection_callback(False)"))
    assert _messages(path, "TRD3") == []


def test_a_callback_only_kept_is_not_reached(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, SOCKET.replace("CALL", "self._connection_callback = None"))
    assert _messages(path, "TRD3") == [
        "26 TRD303 `self._health` is cancelled in `_on_connection()`, but nothing the entry's unload runs calls it",
    ]


ORCHESTRATOR = """\
import asyncio


class Delivery:
    def __init__(self):
        self._retry_task = None

    async def start_retries(self):
        self._retry_task = asyncio.create_task(self._retry())

    async def _retry(self):
        await asyncio.sleep(1)

    async def stop_retries(self):
        if self._retry_task:
            self._retry_task.cancel()
            self._retry_task = None


class Orchestrator:
    def __init__(self):
        self.delivery = Delivery()
        self._pending = {}
        self._dispatcher = None

    async def start(self):
        await self.delivery.start_retries()
        self._dispatcher = asyncio.create_task(self._dispatch())

    async def _dispatch(self):
        while True:
            key = await self._next()
            self._pending[key] = asyncio.create_task(self._run(key))

    async def _next(self):
        return 1

    async def _run(self, key):
        await asyncio.sleep(key)

    async def stop(self):
        if self._dispatcher:
            self._dispatcher.cancel()
        await self.delivery.stop_retries()
        for task in self._pending.values():
            task.cancel()


async def async_setup_entry(hass, entry):
    SETUP
    return True


async def async_unload_entry(hass, entry):
    return True
"""


def test_a_class_that_ends_its_tasks_in_its_own_stop_and_is_never_made_is_clean(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, ORCHESTRATOR.replace("SETUP", "pass"))
    assert _messages(path, "TRD3") == []


def test_an_instance_the_setup_makes_and_the_unload_never_stops_is_reported(tmp_path: Path) -> None:
    setup = "hass.data['demo'] = Orchestrator()\n    await hass.data['demo'].start()"
    path = ha_integration(tmp_path, ORCHESTRATOR.replace("SETUP", setup))
    assert _messages(path, "TRD3") == [
        "9 TRD303 `self._retry_task` is cancelled in `stop_retries()`, but nothing the entry's unload runs calls it",
        "28 TRD303 `self._dispatcher` is cancelled in `stop()`, but nothing the entry's unload runs calls it",
        "33 TRD303 tasks in `self._pending` are ended in `stop()`, but nothing the entry's unload runs calls it",
    ]


def test_an_instance_handed_on_as_a_value_may_outlive_the_unload(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, ORCHESTRATOR.replace("SETUP", "hass.data['demo'] = {'factory': Orchestrator}"))
    assert len(_messages(path, "TRD3")) == 3


def test_an_owner_whose_end_never_ends_what_it_made_leaves_it_running(tmp_path: Path) -> None:
    source = ORCHESTRATOR.replace("SETUP", "pass").replace("        await self.delivery.stop_retries()\n", "")
    path = ha_integration(tmp_path, source)
    assert _messages(path, "TRD3") == [
        "9 TRD303 `self._retry_task` is cancelled in `stop_retries()`, but nothing the entry's unload runs calls it",
    ]


TRANSPORT = """\
import asyncio
import threading


class Transport:
    def start(self):
        def runner():
            asyncio.run(self._serve())

        self._thread = threading.Thread(target=runner, daemon=True)
        self._thread.start()

    async def _serve(self):
        try:
            while True:
                try:
                    AWAIT
                except ConnectionError:
                    pass
        finally:
            self._thread = None

    async def _handle(self):
        reader = asyncio.create_task(self._read())
        pinger = asyncio.create_task(self._ping())
        done, pending = await asyncio.wait([reader, pinger], return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()

    async def _read(self):
        await asyncio.sleep(1)

    async def _ping(self):
        await asyncio.sleep(1)
"""


def _transport(tmp_path: Path, awaited: str) -> Path:
    folder = tmp_path / "transport"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    path = folder / "transport.py"
    path.write_text(TRANSPORT.replace("AWAIT", awaited), encoding="utf-8")
    return path


def test_a_race_only_asyncio_run_s_main_coroutine_awaits_cannot_be_cancelled(tmp_path: Path) -> None:
    path = _transport(tmp_path, "await self._handle()")
    assert _messages(path, "TRD304") == []


def test_a_race_under_a_timeout_can_be_cancelled(tmp_path: Path) -> None:
    path = _transport(tmp_path, "await asyncio.wait_for(self._handle(), 30)")
    assert _messages(path, "TRD304") == [
        "24 TRD304 task `reader` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
        "25 TRD304 task `pinger` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
    ]


def test_a_race_awaited_where_its_cancellation_is_caught_can_outlive_it(tmp_path: Path) -> None:
    path = _transport(tmp_path, "await self._handle()").parent / "transport.py"
    path.write_text(path.read_text(encoding="utf-8").replace("except ConnectionError", "except BaseException"), encoding="utf-8")
    assert len(_messages(path, "TRD304")) == 2


def test_a_race_whose_function_another_caller_runs_is_judged_as_before(tmp_path: Path) -> None:
    path = _transport(tmp_path, "await self._handle()")
    path.write_text(
        path.read_text(encoding="utf-8") + "\n\nasync def on_request(transport):\n    await transport._handle()\n",
        encoding="utf-8",
    )
    assert len(_messages(path, "TRD304")) == 2
