"""Session 81: a loop Home Assistant's stop waits for, also when it ends on a flag (issue 28,
point 5).

``hass.async_create_task(webserver.start())`` in the setup, where ``start()`` runs ``while not
self.closed:`` and only ``disconnect()`` sets the flag: the unload calls it, the stop does not, and
Home Assistant waits for the tracked task at its stop (a maintainer's fix made it
``hass.async_create_background_task``). The coroutine is read through the local's class
(``webserver = AveWebServer(...)``), and a ``break`` of a loop inside the loop does not end it.
Each shape has its negative twin: the flag set by what the stop runs, the loop ending itself, a
background task, a loop that breaks out."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

SERVER = """\
import asyncio


class WebServer:
    def __init__(self, host):
        self.host = host
        self.closed = False
        self.conn = None

    async def connect(self):
        return True

    async def disconnect(self):
        self.closed = True

    async def start(self):
        while not self.closed:
            try:
                if not await self.connect():
                    await asyncio.sleep(5)
                    continue
                async for message in self.conn:
                    if message is None:
                        break
                    await self.handle(message)
            except Exception:
                await asyncio.sleep(5)

    async def handle(self, message):
        pass
"""

SETUP = """\
from .web_server import WebServer

DOMAIN = "ave"


async def async_setup_entry(hass, entry):
    webserver = WebServer(entry.data["host"])
    entry.runtime_data = webserver
    hass.async_create_task(webserver.start())
    return True


async def async_unload_entry(hass, entry):
    await entry.runtime_data.disconnect()
    return True
"""

FOUND = "__init__.py:9:5 TRD301 task from `hass.async_create_task(...)` delays Home Assistant's stop; make it a background task"


def _ave(tmp_path: Path, setup: str = SETUP, server: str = SERVER) -> list[str]:
    files = {"custom_components/ave/__init__.py": setup, "custom_components/ave/web_server.py": server}
    return _check_tree(tmp_path, files)


def test_a_flag_loop_only_the_unload_ends_delays_the_stop(tmp_path: Path) -> None:
    assert _ave(tmp_path) == [FOUND]


def test_an_event_flag_loop_alike(tmp_path: Path) -> None:
    server = SERVER.replace("self.closed = False", "self.closed = asyncio.Event()").replace(
        "self.closed = True", "self.closed.set()"
    ).replace("while not self.closed:", "while not self.closed.is_set():")
    assert _ave(tmp_path, server=server) == [FOUND]


def test_the_flag_set_by_what_the_stop_runs(tmp_path: Path) -> None:
    setup = SETUP.replace(
        "    hass.async_create_task(webserver.start())\n",
        "    hass.async_create_task(webserver.start())\n\n"
        "    async def _on_stop(event):\n"
        "        await webserver.disconnect()\n\n"
        "    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _on_stop))\n",
    ).replace('DOMAIN = "ave"\n', 'DOMAIN = "ave"\nEVENT_HOMEASSISTANT_STOP = "homeassistant_stop"\n')
    assert _ave(tmp_path, setup=setup) == []


def test_a_background_task_of_the_same_loop(tmp_path: Path) -> None:
    # Home Assistant cancels its own background task at the stop, and the unload ends the loop.
    setup = SETUP.replace("hass.async_create_task(webserver.start())",
                          'hass.async_create_background_task(webserver.start(), "ave_webserver")')
    assert _ave(tmp_path, setup=setup) == []


def test_a_loop_that_sets_its_flag_itself_ends_by_itself(tmp_path: Path) -> None:
    server = SERVER.replace("            except Exception:\n                await asyncio.sleep(5)\n",
                            "            except Exception:\n                self.closed = True\n")
    assert _ave(tmp_path, server=server) == []


def test_a_loop_that_breaks_out_ends_by_itself(tmp_path: Path) -> None:
    server = SERVER.replace("            except Exception:\n                await asyncio.sleep(5)\n",
                            "            except Exception:\n                break\n")
    assert _ave(tmp_path, server=server) == []


def test_a_break_of_an_inner_loop_leaves_a_while_true_loop_running(tmp_path: Path) -> None:
    # ``break`` ends the ``async for`` over one connection; ``while True`` goes on with the next.
    server = SERVER.replace("while not self.closed:", "while True:")
    assert _ave(tmp_path, server=server) == [FOUND]


def test_a_loop_on_another_object_flag_is_not_read(tmp_path: Path) -> None:
    # ``while not hub.closed`` tests another object's flag: who sets it is not followed.
    server = SERVER.replace("    async def start(self):\n        while not self.closed:",
                            "    async def start(self, hub=None):\n        while not hub.closed:")
    assert _ave(tmp_path, server=server) == []


# A coordinator's first refresh runs in the setup; the listener loop it starts as a task Home
# Assistant tracks holds the startup up, though its ``async_shutdown()`` cancels it at the stop
# (andlo/ha-meshcentral ``89ad3035``: "Fix bootstrap timeout", fixed with ``hass.loop.create_task``).
COORDINATOR = """\
import asyncio

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class MeshCoordinator(DataUpdateCoordinator):
    def __init__(self, hass, client):
        super().__init__(hass, None, name="mesh")
        self.client = client
        self._event_task = None

    async def _async_update_data(self):
        data = await self.client.get_devices()
        if self._event_task is None or self._event_task.done():
            self._event_task = self.hass.async_create_task(self._listen_for_events())
        return data

    async def _listen_for_events(self):
        while True:
            try:
                await self.client.receive()
            except Exception:
                pass
            await asyncio.sleep(30)

    async def async_shutdown(self):
        await super().async_shutdown()
        if self._event_task is not None:
            self._event_task.cancel()
"""

MESH_SETUP = """\
from .coordinator import MeshCoordinator


async def async_setup_entry(hass, entry):
    coordinator = MeshCoordinator(hass, entry.runtime_data)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    return True


async def async_unload_entry(hass, entry):
    await entry.runtime_data.async_shutdown()
    return True
"""

STARTUP = (
    "coordinator.py:15:13 TRD303 `self._event_task` holds up Home Assistant's startup: its loop never ends; "
    "make it a background task"
)


def _mesh(tmp_path: Path, coordinator: str = COORDINATOR) -> list[str]:
    files = {"custom_components/mesh/__init__.py": MESH_SETUP, "custom_components/mesh/coordinator.py": coordinator}
    return _check_tree(tmp_path, files)


def test_a_listener_loop_made_at_the_first_refresh_holds_up_the_startup(tmp_path: Path) -> None:
    assert _mesh(tmp_path) == [STARTUP]


def test_a_background_listener_is_not_waited_for(tmp_path: Path) -> None:
    coordinator = COORDINATOR.replace("self.hass.async_create_task(self._listen_for_events())",
                                      'self.hass.async_create_background_task(self._listen_for_events(), "mesh")')
    assert _mesh(tmp_path, coordinator) == []


def test_a_one_shot_made_at_the_first_refresh_ends_by_itself(tmp_path: Path) -> None:
    coordinator = COORDINATOR.replace("        while True:\n", "        for _ in range(1):\n")
    assert _mesh(tmp_path, coordinator) == []


def test_a_loop_started_by_a_method_the_setup_does_not_run(tmp_path: Path) -> None:
    # A service starts it: not at startup; its cancel at the stop ends it there.
    coordinator = COORDINATOR.replace(
        "        data = await self.client.get_devices()\n"
        "        if self._event_task is None or self._event_task.done():\n"
        "            self._event_task = self.hass.async_create_task(self._listen_for_events())\n"
        "        return data\n",
        "        return await self.client.get_devices()\n\n"
        "    async def start_listening(self):\n"
        "        if self._event_task is None or self._event_task.done():\n"
        "            self._event_task = self.hass.async_create_task(self._listen_for_events())\n",
    )
    assert _mesh(tmp_path, coordinator) == []


def test_a_plain_class_method_of_that_name_is_no_refresh(tmp_path: Path) -> None:
    coordinator = COORDINATOR.replace("class MeshCoordinator(DataUpdateCoordinator):", "class MeshCoordinator:").replace(
        '        super().__init__(hass, None, name="mesh")\n', "        self.hass = hass\n").replace(
        "        await super().async_shutdown()\n", "")
    assert _mesh(tmp_path, coordinator) == []
