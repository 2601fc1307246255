"""Session 40 (issue 28 point 6): tasks an object keeps and waits for, ended only after the wait.

A method that makes tasks, keeps them in one of its object's collections (the elements
themselves, or a field of each element: ``for t in self.tasks: t.output = create_task(...)``),
waits for them with ``asyncio.wait`` over that collection and cancels them only after the wait
returns is where their lifetime ends. ``asyncio.wait`` cancels nothing when it is itself
cancelled, and a cancelled wait skips the cancels written after it: the tasks run on
(knexer/llmtaskgraph ``e91ab005``: a cancelled graph run left its subtasks running as zombies).
TRD304 now reports each creation stored in that collection, anywhere in the class; not when a
``finally`` or cancellation handler around the wait ends them, when another method of the class
ends them, when the collection is handed out of the class, or under ``asyncio.run`` alone.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)


GRAPH = """\
import asyncio


class Node:
    def __init__(self, work):
        self.work = work
        self.output = None

    async def run(self, graph):
        return await self.work()


class Graph:
    def __init__(self):
        self.nodes = []
        self.started = False

    def add(self, node):
        self.nodes.append(node)
        if self.started:
            node.output = asyncio.create_task(node.run(self))

    async def run(self):
        self.started = True
        for node in self.nodes:
            node.output = asyncio.create_task(node.run(self))
        while any(not node.output.done() for node in self.nodes):
            WAIT
        for node in self.nodes:
            if node.output.exception() is not None:
                for other in self.nodes:
                    other.output.cancel()
                raise RuntimeError("a node failed")
        self.started = False
"""

BARE_WAIT = "await asyncio.wait([node.output for node in self.nodes])"
GUARDED_WAIT = """try:
                await asyncio.wait([node.output for node in self.nodes])
            except asyncio.CancelledError:
                for node in self.nodes:
                    node.output.cancel()
                raise"""
FINALLY_WAIT = """try:
                await asyncio.wait([node.output for node in self.nodes])
            finally:
                pass"""

KEPT_MESSAGE = (
    "TRD304 task kept in `self.nodes` (as `.output`) is cancelled only after `asyncio.wait` returns in "
    "`run()`; a cancelled wait leaves it running: cancel it in `finally`"
)


def test_tasks_on_elements_cancelled_only_after_the_wait(tmp_path: Path) -> None:
    findings = _check_tree(tmp_path, {"graph.py": GRAPH.replace("WAIT", BARE_WAIT)})
    assert findings == [f"graph.py:21:13 {KEPT_MESSAGE}", f"graph.py:26:13 {KEPT_MESSAGE}"]


def test_a_handler_of_the_cancellation_ends_them(tmp_path: Path) -> None:
    # The fix: the cancelled wait cancels every node's task before it goes on.
    assert _check_tree(tmp_path, {"graph.py": GRAPH.replace("WAIT", GUARDED_WAIT)}) == []


def test_a_finally_that_ends_nothing_is_no_end(tmp_path: Path) -> None:
    findings = _check_tree(tmp_path, {"graph.py": GRAPH.replace("WAIT", FINALLY_WAIT)})
    assert len(findings) == 2


def test_another_method_of_the_class_ends_them(tmp_path: Path) -> None:
    stop = """
    def stop(self):
        for node in self.nodes:
            if node.output is not None:
                node.output.cancel()
"""
    assert _check_tree(tmp_path, {"graph.py": GRAPH.replace("WAIT", BARE_WAIT) + stop}) == []


def test_the_collection_handed_out_of_the_class(tmp_path: Path) -> None:
    handed = """
    def snapshot(self):
        return self.nodes
"""
    assert _check_tree(tmp_path, {"graph.py": GRAPH.replace("WAIT", BARE_WAIT) + handed}) == []


def test_not_cancelled_after_the_wait_is_not_this_shape(tmp_path: Path) -> None:
    # Nothing in the method ends them: it does not say where their lifetime ends.
    source = GRAPH.replace("WAIT", BARE_WAIT).replace("other.output.cancel()", "print(other.output)")
    assert _check_tree(tmp_path, {"graph.py": source}) == []


WORKERS = """\
import asyncio


class Pool:
    def __init__(self, jobs):
        self.jobs = jobs
        self.tasks = []

    async def execute(self):
        for job in self.jobs:
            self.tasks.append(asyncio.create_task(job()))
        BODY
"""

RACE = """done, pending = await asyncio.wait(self.tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in self.tasks:
            task.cancel()
        return done"""
RACE_IN_TRY = """try:
            done, pending = await asyncio.wait(self.tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in self.tasks:
                task.cancel()
        return done"""


def test_tasks_that_are_the_elements(tmp_path: Path) -> None:
    findings = _check_tree(tmp_path, {"pool.py": WORKERS.replace("BODY", RACE)})
    assert findings == [
        "pool.py:11:13 TRD304 task kept in `self.tasks` is cancelled only after `asyncio.wait` returns in `execute()`; "
        "a cancelled wait leaves it running: cancel it in `finally`"
    ]


def test_tasks_that_are_the_elements_cancelled_in_finally(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"pool.py": WORKERS.replace("BODY", RACE_IN_TRY)}) == []


def test_only_under_asyncio_run(tmp_path: Path) -> None:
    main = """
async def main(jobs):
    await Pool(jobs).execute()


if __name__ == "__main__":
    asyncio.run(main([]))
"""
    assert _check_tree(tmp_path, {"pool.py": WORKERS.replace("BODY", RACE) + main}) == []


LOCAL = """\
import asyncio


async def pair(first, second):
    one = asyncio.create_task(first())
    two = asyncio.create_task(second())
    BODY
    return one.result(), two.result()


class Service:
    async def handle(self, request):
        return await pair(request.a, request.b)
"""

WAIT_ALL = """await asyncio.wait([one, two])
    if one.exception() is not None:
        two.cancel()"""


def test_named_tasks_cancelled_after_a_wait_for_all_are_not_judged(tmp_path: Path) -> None:
    # A wait for all of them returns when every task is done: a cancel after it ends no running
    # task (hail-is/hail's diff_one cancels a done task on an error path), so it says nothing of
    # where the function means their lifetime to end.
    assert _check_tree(tmp_path, {"pair.py": LOCAL.replace("BODY", WAIT_ALL)}) == []


# TRD305: a task replaced while it runs, when the loop is another object's (its first-party
# class typed from the coordinator's own store) and Home Assistant runs the store again at each
# update (gndean/home-assistant-hypervolt-charger ``31ac39ea``).

API = """\
import asyncio


class Api:
    async def listen(self, url):
        await self._listen_forever(url)

    async def _listen_forever(self, url):
        while True:
            await asyncio.sleep(1)

    async def fetch(self):
        return {}
"""

COORDINATOR = """\
import asyncio

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .api import Api


class Coordinator(DataUpdateCoordinator[dict]):
    def __init__(self, hass, api: Api) -> None:
        super().__init__(hass, None, name="demo")
        self.api = api
        self.push_task = None

    async def _async_update_data(self):
        return await self._update(ARGS)

    async def _update(self, retry=True):
        try:
            state = await self.api.fetch()
            if not state:
                raise ValueError("empty")
            return state
        except Exception:
            if retry:
                CANCEL
                self.push_task = asyncio.create_task(self.api.listen("wss://push"))
                return await self._update(False)
            return {}

    async def async_unload(self):
        if self.push_task:
            self.push_task.cancel()
"""

REPLACED_MESSAGE = (
    "coordinator.py:26:17 TRD305 [*unsafe] `self.push_task` is stored over a task that still runs; cancel the old one first"
)


def _coordinator(args: str = "", cancel: str = "pass") -> dict[str, str]:
    return {
        "demo/__init__.py": "",
        "demo/api.py": API,
        "demo/coordinator.py": COORDINATOR.replace("ARGS", args).replace("CANCEL", cancel),
    }


def test_a_coordinator_update_replaces_another_objects_loop(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, _coordinator()) == [REPLACED_MESSAGE.replace(" [*unsafe]", "")]


def test_the_old_task_cancelled_before_the_store(tmp_path: Path) -> None:
    # The fix: cancel the running task before making the new one.
    cancel = "if self.push_task:\n                    self.push_task.cancel()"
    assert _check_tree(tmp_path, _coordinator(cancel=cancel)) == []


def test_the_update_passes_the_guard_false(tmp_path: Path) -> None:
    # The periodic path never stores: the caller, not the parameter's default, decides.
    assert _check_tree(tmp_path, _coordinator(args="retry=False")) == []


def test_not_a_coordinator(tmp_path: Path) -> None:
    files = _coordinator()
    files["demo/coordinator.py"] = files["demo/coordinator.py"].replace(
        "class Coordinator(DataUpdateCoordinator[dict]):", "class Coordinator:"
    ).replace('super().__init__(hass, None, name="demo")', "self.hass = hass")
    assert _check_tree(tmp_path, files) == []


def test_another_objects_method_that_ends_by_itself(tmp_path: Path) -> None:
    files = _coordinator()
    files["demo/api.py"] = API.replace("while True:", "for _ in range(3):")
    assert _check_tree(tmp_path, files) == []


def test_an_untyped_attribute_is_not_followed(tmp_path: Path) -> None:
    files = _coordinator()
    files["demo/coordinator.py"] = files["demo/coordinator.py"].replace("api: Api", "api")
    assert _check_tree(tmp_path, files) == []


FEED = """\
import asyncio


class Feed:
    def __init__(self):
        self._reader = None

    async def _read(self):
        await self._read_forever()

    async def _read_forever(self):
        LOOP
            await asyncio.sleep(1)

    async def _connect(self):
        self._reader = asyncio.create_task(self._read())

    async def start(self):
        await self._connect()

    async def reconnect(self):
        await self._connect()

    async def close(self):
        if self._reader is not None:
            self._reader.cancel()
"""


def test_the_loop_in_a_method_the_task_awaits(tmp_path: Path) -> None:
    # The task's coroutine loops through a method of its class that it awaits.
    assert _check_tree(tmp_path, {"feed.py": FEED.replace("LOOP", "while True:")}) == [
        "feed.py:16:9 TRD305 `self._reader` is stored over a task that still runs; cancel the old one first"
    ]


def test_an_awaited_method_that_ends_by_itself(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"feed.py": FEED.replace("LOOP", "for _ in range(3):")}) == []
