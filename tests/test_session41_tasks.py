"""Session 41 (issue 28 point 6): tasks ended only in part, race loops left early, and tasks a
framework keeps in a collection on ``self``.

- A plain class (first-party bases only) that has a release method of its own (``close()``,
  ``stop()``, ``shutdown()``) and keeps tasks in a collection on ``self`` that it ends only one
  at a time (``self._downloads.pop(key).cancel()`` in a command) or only in an ``except``
  handler (``except CancelledError: for t in self._loops: t.cancel()``), while nothing its
  release reaches ends them, leaves them running after its end (exo-explore/exo ``10930802``,
  bachya/ecowitt2mqtt ``b3eabfa9``). A dataclass field made with ``default_factory`` is a
  collection the class makes, as ``self._tasks = {}`` in ``__init__`` is.
- ``while pending: done, pending = await asyncio.wait(pending, return_when=FIRST_COMPLETED)``
  left by a ``return``, ``raise`` or ``break`` of its own body leaves ``pending``'s tasks running
  (omnilib/aioitertools ``f6a600ea``); ``typing.cast(...)`` around the wait is its value.
- ``self._refresh[key] = self._hass.async_create_task(...)`` in a Home Assistant integration's
  class: Home Assistant keeps the task alive, but only the collection can end it, and nothing
  the unload reaches does (fdebrus/Nikobus-HA ``e847601a``).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings, tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)
_check = partial(source_findings, select="TRD3")


DOWNLOADS = """\
import asyncio
from dataclasses import dataclass, field


@dataclass
class Coordinator:
    active: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def start_download(self, model_id, fetch):
        task = asyncio.create_task(fetch(model_id))
        self.active[model_id] = task

    async def cancel_download(self, model_id):
        if model_id in self.active:
            self.active.pop(model_id).cancel()

    def shutdown(self):
        SHUTDOWN
"""

PER_KEY_MESSAGE = (
    "TRD303 tasks in `self.active` are ended one at a time in `cancel_download()`; end every one in `shutdown()`"
)


def test_tasks_ended_one_at_a_time_outlive_the_release(tmp_path: Path) -> None:
    assert _check(tmp_path, DOWNLOADS.replace("SHUTDOWN", "print('bye')")) == [f"10:9 {PER_KEY_MESSAGE}"]


def test_tasks_the_release_ends_are_not_reported(tmp_path: Path) -> None:
    # The negative twin: the release cancels every one.
    shutdown = "for task in self.active.values():\n            task.cancel()"
    assert _check(tmp_path, DOWNLOADS.replace("SHUTDOWN", shutdown)) == []


def test_the_release_calls_the_method_that_ends_one(tmp_path: Path) -> None:
    # What the release reaches ends them, one at a time though it is written.
    shutdown = "for model_id in list(self.active):\n            await self.cancel_download(model_id)"
    source = DOWNLOADS.replace("def shutdown", "async def shutdown").replace("SHUTDOWN", shutdown)
    assert _check(tmp_path, source) == []


def test_a_class_without_a_release_is_judged_as_before(tmp_path: Path) -> None:
    # No end of its own: its owner may call ``cancel_download`` for each at its end.
    source = DOWNLOADS.replace("    def shutdown(self):\n        SHUTDOWN\n", "")
    assert _check(tmp_path, source) == []


def test_a_loop_over_the_collection_ends_them_all(tmp_path: Path) -> None:
    source = DOWNLOADS.replace(
        "if model_id in self.active:\n            self.active.pop(model_id).cancel()",
        "while self.active:\n            self.active.popitem()[1].cancel()",
    ).replace("SHUTDOWN", "print('bye')")
    assert _check(tmp_path, source) == []


def test_a_dataclass_collection_nothing_ends(tmp_path: Path) -> None:
    # ``default_factory`` makes the collection for each instance: its tasks are the class's.
    source = DOWNLOADS.replace(
        "if model_id in self.active:\n            self.active.pop(model_id).cancel()", "print(model_id in self.active)"
    ).replace("SHUTDOWN", "print('bye')")
    assert _check(tmp_path, source) == [
        "10:9 TRD303 tasks in `self.active` are never cancelled or awaited; end each one in `shutdown()`"
    ]


def test_a_framework_base_may_end_them(tmp_path: Path) -> None:
    # A base that is no first-party class may call ``cancel_download`` at its end.
    source = DOWNLOADS.replace("class Coordinator:", "class Coordinator(Service):").replace(
        "from dataclasses import dataclass, field", "from dataclasses import dataclass, field\n\nfrom framework import Service"
    ).replace("SHUTDOWN", "print('bye')")
    assert _check(tmp_path, source) == []


RUNTIME = """\
import asyncio
from contextlib import suppress


class Runtime:
    def __init__(self, server):
        self._server = server
        self._server_task = None
        self._loops = []

    def add(self, coro):
        self._loops.append(asyncio.create_task(coro))

    async def start(self):
        self._server_task = asyncio.create_task(self._server.serve())
        try:
            await self._server_task
        except asyncio.CancelledError:
            for task in self._loops:
                task.cancel()
        AFTER

    def stop(self):
        if self._server_task:
            self._server_task.cancel()
"""


def test_tasks_cancelled_only_when_an_error_is_caught(tmp_path: Path) -> None:
    # ``serve()`` that returns normally skips the handler: the loops run on.
    assert _check(tmp_path, RUNTIME.replace("AFTER", "print('done')")) == [
        "12:9 TRD303 tasks in `self._loops` are ended only when an error is caught in `start()`; end every one in `stop()`"
    ]


def test_tasks_cancelled_in_finally_are_not_reported(tmp_path: Path) -> None:
    source = RUNTIME.replace("        except asyncio.CancelledError:\n", "        finally:\n").replace("AFTER", "")
    assert _check(tmp_path, source) == []


def test_tasks_also_cancelled_on_the_normal_path(tmp_path: Path) -> None:
    after = "for task in self._loops:\n            task.cancel()"
    assert _check(tmp_path, RUNTIME.replace("AFTER", after)) == []


RACE_LOOP = """\
import asyncio
from typing import cast


async def first_ok(aws, deadline):
    pending = set(aws)
    loop = asyncio.get_running_loop()
    while pending:
        if loop.time() > deadline:
            LEAVE
        done, pending = WAIT
        for item in done:
            if item.exception() is None:
                FOUND
    return None
"""
WAIT = "await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)"
CANCEL = "for task in pending:\n                task.cancel()\n            "


def _race(leave: str = "raise TimeoutError()", found: str = "print(item.result())", wait: str = WAIT) -> str:
    return RACE_LOOP.replace("LEAVE", leave).replace("FOUND", found).replace("WAIT", wait)


def test_race_loop_left_by_a_raise(tmp_path: Path) -> None:
    assert _check(tmp_path, _race()) == [
        "11:9 TRD304 tasks left in `pending` run on when this loop is left by the `raise` at line 10; cancel them before it"
    ]


def test_race_loop_left_by_a_return(tmp_path: Path) -> None:
    source = _race(leave="break", found="return item.result()")
    assert _check(tmp_path, source) == [
        "11:9 TRD304 tasks left in `pending` run on when this loop is left by the `break` at line 10; cancel them before it"
    ]


def test_race_loop_through_cast(tmp_path: Path) -> None:
    source = _race(wait=f"cast(tuple[set, set], {WAIT})")
    assert _check(tmp_path, source) == [
        "11:9 TRD304 tasks left in `pending` run on when this loop is left by the `raise` at line 10; cancel them before it"
    ]


def test_race_loop_that_cancels_before_leaving(tmp_path: Path) -> None:
    # The negative twin (the fix): every way out cancels what is left first.
    source = _race(leave=CANCEL + "raise TimeoutError()")
    assert _check(tmp_path, source) == []


def test_race_loop_in_a_try_whose_finally_cancels(tmp_path: Path) -> None:
    source = _race(found="return item.result()").replace("    while pending:", "    try:\n      while pending:")
    source = source.replace("    return None\n", "    finally:\n        for task in pending:\n            task.cancel()\n    return None\n")
    assert _check(tmp_path, source) == []


def test_race_loop_that_hands_pending_back(tmp_path: Path) -> None:
    source = _race(leave="return done, pending").replace("pending = set(aws)", "pending = set(aws)\n    done = set()")
    assert _check(tmp_path, source) == []


def test_race_loop_broken_then_cancelled_after(tmp_path: Path) -> None:
    source = _race(leave="break").replace("    return None\n", "    for task in pending:\n        task.cancel()\n")
    assert _check(tmp_path, source) == []


def test_race_loop_over_a_collection_kept_elsewhere(tmp_path: Path) -> None:
    # ``pending`` is first the object's own collection: its holder may end what is left.
    source = _race().replace("async def first_ok(aws, deadline):", "async def first_ok(self, deadline):").replace(
        "pending = set(aws)", "pending = self._tasks"
    )
    assert _check(tmp_path, source) == []


ACTUATOR = """\
import asyncio


class Actuator:
    def __init__(self, hass):
        self._hass = hass
        self._refresh_tasks = {}

    async def refresh(self, key):
        if key in self._refresh_tasks:
            self._refresh_tasks[key].cancel()
        self._refresh_tasks[key] = self._hass.async_create_task(self._refresh(key))

    async def _refresh(self, key):
        await asyncio.sleep(1)
STOP"""

SETUP = """\
from .actuator import Actuator


async def async_setup_entry(hass, entry):
    hass.data[entry.entry_id] = Actuator(hass)
    return True


async def async_unload_entry(hass, entry):
    actuator = hass.data.pop(entry.entry_id)
    UNLOAD
    return True
"""

ACTUATOR_STOP = """
    def stop(self):
        for task in self._refresh_tasks.values():
            task.cancel()
"""


def _integration(tmp_path: Path, actuator: str, unload: str) -> list[str]:
    files = {
        "custom_components/demo/__init__.py": SETUP.replace("UNLOAD", unload),
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
        "custom_components/demo/actuator.py": actuator,
    }
    return [f for f in _check_tree(tmp_path, files) if f.startswith("actuator.py")]


def test_hass_tasks_in_a_collection_nothing_at_unload_ends(tmp_path: Path) -> None:
    assert _integration(tmp_path, ACTUATOR.replace("STOP", ACTUATOR_STOP), "print(actuator)") == [
        "actuator.py:12:9 TRD303 tasks in `self._refresh_tasks` are ended in `stop()`, but nothing the entry's unload runs calls it"
    ]


def test_hass_tasks_in_a_collection_the_unload_ends(tmp_path: Path) -> None:
    assert _integration(tmp_path, ACTUATOR.replace("STOP", ACTUATOR_STOP), "actuator.stop()") == []


# The tasks come from the project's keeper (``background.create`` holds each until it is done,
# as nicegui's ``background_tasks`` does): held, but ended by nobody.
PAGE = """\
import asyncio

from app import background


async def page(result, client, timeout):
    task = background.create(result)
    waiter = background.create(client.connected.wait())
    await asyncio.wait([task, waiter], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    GUARD
    if task.done():
        return task.result()
    task.add_done_callback(print)
    return None
"""
NO_WINNER = "if not waiter.done() and not task.done():\n        waiter.cancel()\n        task.cancel()"


def test_loser_cancelled_only_when_nobody_won(tmp_path: Path) -> None:
    # ``task`` is meant to finish (its result is read, it gets a done callback): not a loser.
    assert _check(tmp_path, PAGE.replace("GUARD", NO_WINNER)) == [
        "8:5 TRD304 task `waiter` raced in `asyncio.wait` is cancelled only while `task` runs; when `task` wins it runs on"
    ]


def test_loser_cancelled_whenever_it_is_not_done(tmp_path: Path) -> None:
    # The negative twin (nicegui's fix): the waiter is cancelled whoever won.
    guard = NO_WINNER + "\n    if not waiter.done():\n        waiter.cancel()"
    assert _check(tmp_path, PAGE.replace("GUARD", guard)) == []


def test_loser_cancelled_under_its_own_test(tmp_path: Path) -> None:
    guard = "if not waiter.done():\n        waiter.cancel()"
    assert _check(tmp_path, PAGE.replace("GUARD", guard)) == []


def test_a_release_that_picks_what_it_ends_is_no_end_of_the_object(tmp_path: Path) -> None:
    # ``close_session(sid)`` ends one session: the class has no end of its own to check.
    source = DOWNLOADS.replace("def shutdown(self):", "def close_session(self, sid):").replace("SHUTDOWN", "print(sid)")
    assert _check(tmp_path, source) == []


def test_a_set_kept_in_step_by_done_callbacks_is_not_ended_in_part(tmp_path: Path) -> None:
    # ``add_done_callback(self._tasks.discard)`` in a handler keeps each task until it is done:
    # the set-plus-discard pattern, judged as before (not an end "only when an error is caught").
    source = """\
import asyncio


class Connector:
    def __init__(self):
        self._tasks = set()

    async def probe(self, check, reload):
        try:
            await check()
        except PermissionError:
            task = asyncio.create_task(reload())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def shutdown(self):
        print("bye")
"""
    assert _check(tmp_path, source) == []
