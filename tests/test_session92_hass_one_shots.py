"""Session 92: a task Home Assistant tracks, kept on ``self``, that ends by itself (issue 28 point
6, RULES.md's TRD3xx "Must not flag": calls on task-owning APIs such as
``hass.async_create_task``).

Read on a labelled Home Assistant integration (heads70): a Bluetooth coordinator kept its one
refresh in ``self._poll_task = self.hass.async_create_task(self.async_refresh(), ...)`` (and looked
at it, ``if self._poll_task is not None and not self._poll_task.done()``, before making the next).
TRD303 said it "is not cancelled at entry unload". Home Assistant keeps that task and waits for
it; it is one refresh, which ends by itself. The judgement of a tracked task kept on ``self``
stands where the coroutine is shown to wait (a loop that never ends by itself, a timer): the
watchdog that loops is still reported. A task the coroutine of which ``asyncio.create_task``
runs was already judged so (a one-shot checked with ``done()`` before the next is made is not
reported; a loop is): the tracked one was judged more strictly than the untracked one.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

COORDINATOR = """\
import asyncio

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, entry):
        super().__init__(hass, None, name="demo")
        self._poll_task = None

    def on_advertisement(self):
        if self._poll_task is not None and not self._poll_task.done():
            return
        self._poll_task = {maker}({coro})

    async def _poll_once(self):
        await self.async_refresh()

    async def _clear_soon(self):
        await asyncio.sleep(0.3)
        self.async_update_listeners()

    async def _watch(self):
        while True:
            await asyncio.sleep(30)
            await self.async_refresh()
"""

SETUP = """\
from .coordinator import Coordinator

DOMAIN = "demo"


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass, entry)
    entry.runtime_data = coordinator
    entry.async_on_unload(coordinator.on_advertisement)
    return True


async def async_unload_entry(hass, entry):
    return True
"""


def _files(maker: str, coro: str) -> dict[str, str]:
    return {
        "custom_components/demo/coordinator.py": COORDINATOR.replace("{maker}", maker).replace("{coro}", coro),
        "custom_components/demo/__init__.py": SETUP,
    }


def test_a_tracked_one_shot_kept_on_self_is_not_reported(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files("self.hass.async_create_task", "self.async_refresh()"), "TRD3") == []


def test_a_tracked_one_shot_of_the_class_s_own_method_is_not_reported(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files("self.hass.async_create_task", "self._poll_once()"), "TRD3") == []


def test_twin_a_tracked_loop_kept_on_self_is_reported(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files("self.hass.async_create_task", "self._watch()"), "TRD3") == [
        "coordinator.py:14:9 TRD303 `self._poll_task` delays Home Assistant's stop; cancel it on `EVENT_HOMEASSISTANT_STOP`",
    ]


def test_twin_an_asyncio_loop_kept_on_self_is_reported(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files("asyncio.create_task", "self._watch()"), "TRD3") == [
        "coordinator.py:14:9 TRD303 `self._poll_task` is not cancelled at entry unload; cancel it from `async_unload_entry()`",
    ]


def test_twin_an_asyncio_one_shot_kept_on_self_as_before(tmp_path: Path) -> None:
    """Not reported before this session either: the tracked one-shot is now judged alike."""
    assert tree_findings(tmp_path, _files("asyncio.create_task", "self._poll_once()"), "TRD3") == []


def test_twin_a_tracked_short_timer_kept_on_self_is_still_judged(tmp_path: Path) -> None:
    """A timer of 0.3 s acts after the unload too (a Xiaomi gateway's entity cleared its state on
    a removed entity): any sleep makes the coroutine one that waits."""
    assert tree_findings(tmp_path, _files("self.hass.async_create_task", "self._clear_soon()"), "TRD3") == [
        "coordinator.py:14:9 TRD303 `self._poll_task` is not cancelled at entry unload; cancel it from `async_unload_entry()`",
    ]
