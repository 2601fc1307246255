"""Session 47 (issue 28 point 6): Home Assistant's own background task outlives a config entry.

``hass.async_create_background_task(coro, name)`` makes a task Home Assistant keeps until it
stops and cancels then; nothing cancels it when a config entry is unloaded or reloaded (the
entry's own ``entry.async_create_background_task(hass, coro, name)`` is cancelled there). Thrown
away by per-entry code, it is judged as a tracked task (``hass.async_create_task``) that
outlives the entry:

- in ``async_setup_entry`` (or a coroutine it awaits with its ``hass`` and ``entry``), when its
  coroutine waits: a loop that never ends by itself, or a timer of 10 s or more that then acts;
- anywhere, when it runs a method of an object the setup keeps for the entry that waits so.

Each shape has a negative twin: the entry's own background task, a one-shot coroutine, and the
task kept and cancelled by the unload give nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

INIT = "custom_components/demo/__init__.py"

SETUP_LOOP = """\
import asyncio


async def _poll(hass):
    while True:
        await asyncio.sleep(60)
        await hass.services.async_call("demo", "refresh")


async def async_setup_entry(hass, entry):
    hass.async_create_background_task(_poll(hass), "demo poll")
    return True


async def async_unload_entry(hass, entry):
    return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
"""

LOOP = (
    "TRD301 looping task from `hass.async_create_background_task(...)` outlives the config entry; make it "
    "the entry's background task"
)


def test_background_loop_started_by_the_setup_outlives_the_entry(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {INIT: SETUP_LOOP}) == [f"__init__.py:11:5 {LOOP}"]


def test_the_entrys_own_background_task_is_cancelled_at_unload(tmp_path: Path) -> None:
    source = SETUP_LOOP.replace(
        'hass.async_create_background_task(_poll(hass), "demo poll")',
        'entry.async_create_background_task(hass, _poll(hass), "demo poll")',
    )
    assert _check_tree(tmp_path, {INIT: source}) == []


def test_one_shot_background_task_of_the_setup_is_not_reported(tmp_path: Path) -> None:
    source = SETUP_LOOP.replace("    while True:\n        await asyncio.sleep(60)\n        await", "    await")
    assert _check_tree(tmp_path, {INIT: source}) == []


def test_background_task_kept_and_cancelled_at_unload_is_not_reported(tmp_path: Path) -> None:
    source = SETUP_LOOP.replace(
        '    hass.async_create_background_task(_poll(hass), "demo poll")\n',
        '    entry.runtime_data = hass.async_create_background_task(_poll(hass), "demo poll")\n',
    ).replace("    return await hass", "    entry.runtime_data.cancel()\n    return await hass")
    assert _check_tree(tmp_path, {INIT: source}) == []


SETUP_TIMER = """\
import asyncio


async def async_setup_entry(hass, entry):
    async def _delayed_discovery():
        await asyncio.sleep(30)
        await hass.services.async_call("demo", "discover")

    hass.async_create_background_task(_delayed_discovery(), "demo discovery")
    return True


async def async_unload_entry(hass, entry):
    return True
"""


def test_background_timer_of_the_setup_fires_after_an_unload(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {INIT: SETUP_TIMER}) == [
        "__init__.py:9:5 TRD301 timer task from `hass.async_create_background_task(...)` outlives the config entry; "
        "make it the entry's background task"
    ]


def test_short_background_timer_is_not_reported(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {INIT: SETUP_TIMER.replace("sleep(30)", "sleep(2)")}) == []


KEPT_OBJECT = """\
import asyncio

from .client import Client


async def async_setup_entry(hass, entry):
    client = Client(hass)
    entry.runtime_data = client
    client.start()
    return True


async def async_unload_entry(hass, entry):
    await entry.runtime_data.stop()
    return True
"""

CLIENT = """\
import asyncio


class Client:
    def __init__(self, hass):
        self.hass = hass

    def start(self):
        self.hass.async_create_background_task(self._listen(), "demo listen")

    async def _listen(self):
        while True:
            await self.hass.services.async_call("demo", "subscribe")
            await asyncio.sleep(30)

    async def stop(self):
        pass
"""


def test_background_task_of_an_object_kept_for_the_entry_runs_past_the_unload(tmp_path: Path) -> None:
    files = {INIT: KEPT_OBJECT, "custom_components/demo/client.py": CLIENT}
    assert _check_tree(tmp_path, files) == [
        "client.py:9:9 TRD301 task from `self...async_create_background_task(...)` runs a method of `Client` past "
        "the config entry's unload; make it the entry's background task"
    ]


def test_one_shot_background_task_of_an_object_kept_for_the_entry_is_not_reported(tmp_path: Path) -> None:
    # One-shot work (a daily purge in an executor job) ends by itself, and the stop cancels it.
    client = CLIENT.replace("        while True:\n            await self", "        await self").replace(
        "            await asyncio.sleep(30)\n", ""
    )
    files = {INIT: KEPT_OBJECT, "custom_components/demo/client.py": client}
    assert _check_tree(tmp_path, files) == []


def test_entry_background_task_of_an_object_kept_for_the_entry_is_not_reported(tmp_path: Path) -> None:
    client = CLIENT.replace(
        'self.hass.async_create_background_task(self._listen(), "demo listen")',
        'self.entry.async_create_background_task(self.hass, self._listen(), "demo listen")',
    )
    files = {INIT: KEPT_OBJECT, "custom_components/demo/client.py": client}
    assert _check_tree(tmp_path, files) == []


# A task the setup keeps for the entry (in ``hass.data`` or ``entry.runtime_data``, as itself or
# as a part of a display or a record), whatever made it, and bound to a local first or not: only
# the unload can end it. ``hass.async_create_task`` keeps it alive until Home Assistant stops, not
# until the unload, as ``asyncio.create_task``'s keeper does.
KEPT = """\
import asyncio
from dataclasses import dataclass


@dataclass
class RuntimeData:
    client: object
    poller: asyncio.Task


async def _poll(hass):
    while True:
        await asyncio.sleep(60)


async def async_setup_entry(hass, entry):
    task = CREATE(_poll(hass))
    entry.runtime_data = RuntimeData(object(), task)
    return True


async def async_unload_entry(hass, entry):
    UNLOAD
    return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
"""

KEPT_AT_SETUP = (
    "TRD302 task kept in `entry.runtime_data` at setup is never cancelled at unload; cancel it in "
    "`async_unload_entry()`"
)


def test_local_task_kept_in_a_record_at_setup_is_never_cancelled_at_unload(tmp_path: Path) -> None:
    for creator in ("asyncio.create_task", "hass.async_create_task", "hass.loop.create_task"):
        source = KEPT.replace("CREATE", creator).replace("UNLOAD", "pass")
        assert _check_tree(tmp_path / creator, {INIT: source}) == [f"__init__.py:18:5 {KEPT_AT_SETUP}"], creator


def test_local_task_kept_at_setup_and_cancelled_at_unload_is_not_reported(tmp_path: Path) -> None:
    for creator in ("asyncio.create_task", "hass.async_create_task"):
        source = KEPT.replace("CREATE", creator).replace("UNLOAD", "entry.runtime_data.poller.cancel()")
        assert _check_tree(tmp_path / creator, {INIT: source}) == [], creator


def test_tracked_task_stored_at_setup_is_judged_as_an_asyncio_task(tmp_path: Path) -> None:
    source = KEPT.replace(
        "    task = CREATE(_poll(hass))\n    entry.runtime_data = RuntimeData(object(), task)\n",
        '    hass.data.setdefault("demo", {})[entry.entry_id] = {"poller": hass.async_create_task(_poll(hass))}\n',
    ).replace("UNLOAD", "pass")
    assert _check_tree(tmp_path, {INIT: source}) == [
        "__init__.py:17:5 TRD302 task kept in `…[entry.entry_id]` at setup is never cancelled at unload; cancel it "
        "in `async_unload_entry()`"
    ]


def test_entry_task_stored_at_setup_is_left_to_the_entry(tmp_path: Path) -> None:
    # ``entry.async_create_background_task(hass, coro, name)``: the unload itself cancels it.
    source = KEPT.replace("CREATE(_poll(hass))", "entry.async_create_background_task(hass, _poll(hass), 'poll')")
    assert _check_tree(tmp_path, {INIT: source.replace("UNLOAD", "pass")}) == []
