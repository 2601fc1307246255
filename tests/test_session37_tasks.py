"""Session 37 (issue 28 point 6, tasks judged the way they die): two shapes of a task that nothing
ends, each with its negative twins.

- **A shielded wait that each timeout leaves running (TRD304).** ``await asyncio.wait_for(
  asyncio.shield(self._stop.wait()), timeout=interval)`` in a poll loop whose handler of the
  timeout goes on: a timeout cancels only the shield's outer future, and every turn leaves one
  more ``Event.wait`` task that nothing holds (headroomlabs-ai/headroom ``548c69a1``). Not for a
  held task, a handler that leaves the loop, or a wait outside a loop.
- **A never-ending coroutine of ``self`` dropped into the project's keeper (TRD301).** A
  widget's poll that sleeps and hands ``self.do_tick()`` to ``utils.create_task`` again (a
  keeper: it holds its tasks in a module set until they end), started and dropped in a class
  whose ``finalize()`` cannot reach it: the poll runs on after the widget is finalized (qtile
  ``dbd42c36``). Not for a one-shot call (``requeue=False``), a loop that reads a flag the
  release sets, a release that names the keeper's registry, nor a class without a release.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings


def _check(tmp_path: Path, files: dict[str, str], select: str) -> list[str]:
    return tree_findings(tmp_path, files, select)


SHIELDED = """\
import asyncio


class Tracker:
    def __init__(self):
        self._stop = asyncio.Event()
        self._task = None

    async def start(self):
        self._task = asyncio.create_task(self._poll_loop())

    async def stop(self):
        self._stop.set()
        await self._task

    async def _poll_loop(self):
        while not self._stop.is_set():
            await self._poll()
            try:
                await asyncio.wait_for(
                    {awaited},
                    timeout=10,
                )
                {after}
            except asyncio.TimeoutError:
                {handler}

    async def _poll(self):
        pass
"""

SHIELD_MESSAGE = (
    "TRD304 `asyncio.shield(...)` under `asyncio.wait_for(...)` leaves a new task running at each timeout; "
    "wait on it unshielded, or keep one task and wait on it again"
)


def _shielded(awaited: str = "asyncio.shield(self._stop.wait())", after: str = "break", handler: str = "pass") -> str:
    return SHIELDED.replace("{awaited}", awaited).replace("{after}", after).replace("{handler}", handler)


def test_shielded_wait_left_by_each_timeout(tmp_path: Path) -> None:
    assert _check(tmp_path, {"tracker.py": _shielded()}, "TRD304") == [f"tracker.py:20:17 {SHIELD_MESSAGE}"]


def test_shielded_wait_imported_names(tmp_path: Path) -> None:
    source = _shielded().replace("import asyncio\n", "import asyncio\nfrom asyncio import shield, wait_for\n", 1)
    source = source.replace("asyncio.wait_for(\n", "wait_for(\n").replace("asyncio.shield(self", "shield(self")
    assert _check(tmp_path, {"tracker.py": source}, "TRD304") == [f"tracker.py:21:17 {SHIELD_MESSAGE}"]


def test_unshielded_wait_is_cancelled_by_the_timeout(tmp_path: Path) -> None:
    # The negative twin: the fix. ``wait_for`` cancels the wait it was given when it times out.
    assert _check(tmp_path, {"tracker.py": _shielded(awaited="self._stop.wait()")}, "TRD304") == []


def test_shielded_held_task_is_not_reported(tmp_path: Path) -> None:
    # A held task: its holder can end it (and the next turn waits on the same task).
    assert _check(tmp_path, {"tracker.py": _shielded(awaited="asyncio.shield(self._task)")}, "TRD304") == []


def test_shielded_wait_whose_timeout_leaves_the_loop(tmp_path: Path) -> None:
    # One wait, one task that finishes by itself: the loop does not wait again after a timeout.
    assert _check(tmp_path, {"tracker.py": _shielded(handler="raise")}, "TRD304") == []
    assert _check(tmp_path, {"tracker.py": _shielded(handler="return")}, "TRD304") == []


def test_shielded_save_outside_a_loop(tmp_path: Path) -> None:
    # ``shield`` as meant: a save that must finish, waited for at most a while, once.
    source = """\
import asyncio


async def flush(store):
    try:
        await asyncio.wait_for(asyncio.shield(store.save()), timeout=5)
    except asyncio.TimeoutError:
        pass
"""
    assert _check(tmp_path, {"flush.py": source}, "TRD304") == []


KEEPER = """\
import asyncio

TASKS = set()


def create_task(coro):
    task = asyncio.create_task(coro)
    TASKS.add(task)
    task.add_done_callback(TASKS.discard)
    return task
"""

WIDGET = """\
import asyncio

from app.utils import create_task


class Widget:
    def finalize(self):
        self.finalized = True


class Poll(Widget):
    update_interval = 60

    def timer_setup(self):
        create_task(self.do_tick())

    async def do_tick(self, requeue=True):
        result = await self.poll()
        if result is not None:
            self.text = result
            if requeue and self.update_interval is not None:
                await asyncio.sleep(self.update_interval)
                create_task(self.do_tick())

    def force_update(self):
        create_task(self.do_tick(requeue=False))

    async def poll(self):
        return "x"
"""

PERPETUAL_MESSAGE = (
    "TRD301 task of `self.do_tick()` reschedules itself; keep it on `self` and cancel it in `finalize()`"
)


def _widget(tmp_path: Path, widget: str) -> list[str]:
    files = {"app/__init__.py": "", "app/utils.py": KEEPER, "app/widget.py": widget}
    return _check(tmp_path, files, "TRD301")


def test_self_rescheduling_poll_dropped_into_the_keeper(tmp_path: Path) -> None:
    assert _widget(tmp_path, WIDGET) == [f"widget.py:15:9 {PERPETUAL_MESSAGE}", f"widget.py:23:17 {PERPETUAL_MESSAGE}"]


def test_endless_loop_dropped_into_the_keeper(tmp_path: Path) -> None:
    source = WIDGET.replace(
        "    def force_update(self):\n        create_task(self.do_tick(requeue=False))\n",
        "    def watch(self):\n        create_task(self.watch_forever())\n\n"
        "    async def watch_forever(self):\n        while True:\n            await asyncio.sleep(1)\n",
    )
    found = _widget(tmp_path, source)
    assert "widget.py:26:9 TRD301 task of `self.watch_forever()` loops until cancelled; keep it on `self` and " \
        "cancel it in `finalize()`" in found
    assert len(found) == 3


def test_kept_on_self_is_not_this_finding(tmp_path: Path) -> None:
    # The negative twin: the fix keeps the task on ``self`` (and cancels it in ``finalize()``).
    source = WIDGET.replace("        create_task(self.do_tick())", "        self._task = create_task(self.do_tick())")
    assert _widget(tmp_path, source) == []


def test_one_shot_poll_is_not_reported(tmp_path: Path) -> None:
    # ``requeue=False``: the reschedule does not run, the task ends by itself.
    source = WIDGET.replace("        create_task(self.do_tick())\n\n    async def do_tick", "        pass\n\n    async def do_tick")
    assert _widget(tmp_path, source) == [f"widget.py:23:17 {PERPETUAL_MESSAGE}"]


def test_release_sets_the_flag_the_poll_reads(tmp_path: Path) -> None:
    source = WIDGET.replace("        if result is not None:", "        if result is not None and not self.finalized:")
    assert _widget(tmp_path, source) == []


def test_release_names_the_keepers_registry(tmp_path: Path) -> None:
    source = WIDGET.replace("from app.utils import create_task", "from app.utils import TASKS, create_task").replace(
        "        self.finalized = True", "        for task in TASKS:\n            task.cancel()"
    )
    assert _widget(tmp_path, source) == []


def test_class_without_a_release_is_not_reported(tmp_path: Path) -> None:
    source = WIDGET.replace("    def finalize(self):\n        self.finalized = True", "    def render(self):\n        pass")
    assert _widget(tmp_path, source) == []


def test_non_keeping_callee_is_not_this_finding(tmp_path: Path) -> None:
    # A first-party function that makes no task of what it is given (it awaits nothing, runs
    # nothing): no keeper, no finding here.
    files = {
        "app/__init__.py": "",
        "app/utils.py": "def create_task(coro):\n    coro.close()\n",
        "app/widget.py": WIDGET,
    }
    assert _check(tmp_path, files, "TRD301") == []


COLLECTED = """\
import asyncio


class Environment:
    async def generate(self, inputs):
        tasks = {}
        for i, item in enumerate(inputs):
            task = asyncio.create_task(self.run_rollout(item))
            tasks[task] = i
        states = []
        try:
            for coro in asyncio.as_completed(tasks.keys()):
                {body}
        finally:
            self.report(len(states))
        return states

    async def run_rollout(self, item):
        return item

    def report(self, n):
        pass
"""

COLLECTED_MESSAGE = (
    "TRD304 tasks in `tasks` given to `asyncio.as_completed(...)` run on when this loop is left early; "
    "cancel them in `finally`"
)


def _collected(body: str = "states.append(await coro)") -> str:
    return COLLECTED.replace("{body}", body)


def test_tasks_held_only_by_a_local_given_to_as_completed(tmp_path: Path) -> None:
    assert _check(tmp_path, {"env.py": _collected()}, "TRD304") == [f"env.py:8:13 {COLLECTED_MESSAGE}"]


def test_tasks_appended_to_a_local_list(tmp_path: Path) -> None:
    source = _collected().replace("tasks = {}", "tasks = []").replace(
        "            task = asyncio.create_task(self.run_rollout(item))\n            tasks[task] = i\n",
        "            tasks.append(asyncio.create_task(self.run_rollout(item)))\n",
    ).replace("tasks.keys()", "tasks")
    assert _check(tmp_path, {"env.py": source}, "TRD304") == [f"env.py:8:13 {COLLECTED_MESSAGE}"]


def test_tasks_cancelled_when_one_fails(tmp_path: Path) -> None:
    # The negative twin: the fix (PrimeIntellect-ai/verifiers f40fb353) cancels them all on an error.
    body = (
        "try:\n                    states.append(await coro)\n                except Exception:\n"
        "                    for task in tasks.keys():\n                        task.cancel()\n                    raise"
    )
    assert _check(tmp_path, {"env.py": _collected(body)}, "TRD304") == []


def test_error_swallowed_in_the_loop(tmp_path: Path) -> None:
    # Every error is handled where it is raised: the loop runs to its end, every task done.
    body = "try:\n                    states.append(await coro)\n                except Exception:\n                    pass"
    assert _check(tmp_path, {"env.py": _collected(body)}, "TRD304") == []


def test_collection_handed_on_is_not_judged(tmp_path: Path) -> None:
    source = _collected().replace("self.report(len(states))", "self.report(tasks)")
    assert _check(tmp_path, {"env.py": source}, "TRD304") == []


def test_script_main_is_not_reported(tmp_path: Path) -> None:
    # ``asyncio.run(main())`` in a script: the error ends the program, and ``asyncio.run``
    # cancels what is left.
    source = """\
import asyncio


async def work(i):
    return i


async def main():
    tasks = [asyncio.create_task(work(i)) for i in range(3)]
    for coro in asyncio.as_completed(tasks):
        print(await coro)


if __name__ == "__main__":
    asyncio.run(main())
"""
    assert _check(tmp_path, {"run.py": source}, "TRD304") == []


def test_tasks_made_by_a_comprehension_in_a_method(tmp_path: Path) -> None:
    source = """\
import asyncio


class Fetcher:
    async def fetch_all(self, urls):
        tasks = [asyncio.create_task(self.fetch(u)) for u in urls]
        results = []
        for coro in asyncio.as_completed(tasks):
            results.append(await coro)
        return results

    async def fetch(self, url):
        return url
"""
    assert _check(tmp_path, {"fetch.py": source}, "TRD304") == [
        f"fetch.py:6:9 {COLLECTED_MESSAGE}"
    ]
