"""Session 35 (issue 28): task leaks real maintainers fixed that tradelint missed, by general shape.

Work ``asyncio.gather`` leaves waiting forever. Without ``return_exceptions=True`` a failing piece
makes ``gather`` raise at once and cancels none of the others; TRD304 reported that only where one
of the others loops until something ends it. Pieces wired together by a queue wait on each other
in the same way: when the piece that would put fails, the one waiting on ``get()`` waits forever
(microsoft/RD-Agent ``cf6e418e``: a dispatcher and its workers on ``self.queue``, spread right
into the ``gather``; pulp/pulpcore ``d0f773cd``: pipeline stages between queues the function
makes, each given the queue it reads and the one it writes, collected with ``append``).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

GATHER = (
    "work gathered by `asyncio.gather(...)` runs on when one of it fails; cancel the rest in `finally`,"
    " or use a `TaskGroup`"
)


def _check(tmp_path: Path, source: str, select: str = "TRD3") -> list[str]:
    (tmp_path / "pkg").mkdir(parents=True, exist_ok=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    path = tmp_path / "pkg" / "work.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=[select])]


# --- pieces of a gather wired by a queue -----------------------------------------------------------

DISPATCH = """\
import asyncio

SENTINEL = object()


class Loop:
    def __init__(self, jobs, parallel):
        self.queue = asyncio.Queue()
        self.jobs = jobs
        self.parallel = parallel

    async def kickoff(self):
        for job in self.jobs:
            await job.prepare()
            self.queue.put_nowait(job)
        for _ in range(self.parallel):
            self.queue.put_nowait(SENTINEL)

    async def work(self):
        while True:
            job = await {queue}.get()
            if job is SENTINEL:
                break
            await job.run()

    async def run(self):
        await asyncio.gather(self.kickoff(), *[self.work() for _ in range(self.parallel)]{keyword})
"""


def test_workers_waiting_on_a_queue_a_failing_dispatcher_fills_are_reported(tmp_path: Path) -> None:
    source = DISPATCH.replace("{queue}", "self.queue").replace("{keyword}", "")
    assert _check(tmp_path, source) == [f"27:9 TRD304 {GATHER}"]


def test_workers_on_a_queue_nothing_gathered_fills_are_not(tmp_path: Path) -> None:
    # Each worker reads a queue of its own that the dispatcher never fills: no piece waits on
    # another, and the loops end themselves.
    source = DISPATCH.replace("{queue}", "self.inbox").replace("{keyword}", "")
    assert _check(tmp_path, source) == []


def test_a_dispatch_gather_that_returns_the_errors_is_not_reported(tmp_path: Path) -> None:
    source = DISPATCH.replace("{queue}", "self.queue").replace("{keyword}", ", return_exceptions=True")
    assert _check(tmp_path, source) == []


PIPELINE = """\
import asyncio


async def create_pipeline(stages, maxsize=100):
    in_q = None
    futures = []
    for stage in stages:
        out_q = {queue}
        futures.append(stage(in_q, out_q))
        in_q = out_q
    {gather}
"""


def test_pipeline_stages_between_queues_the_function_makes_are_reported(tmp_path: Path) -> None:
    source = PIPELINE.format(queue="asyncio.Queue(maxsize=maxsize)", gather="await asyncio.gather(*futures)")
    assert _check(tmp_path, source) == [f"11:5 TRD304 {GATHER}"]


def test_pipeline_stages_given_no_queue_are_not(tmp_path: Path) -> None:
    source = PIPELINE.format(queue="[]", gather="await asyncio.gather(*futures)")
    assert _check(tmp_path, source) == []


def test_pipeline_stages_cancelled_when_one_fails_are_not(tmp_path: Path) -> None:
    gather = (
        "tasks = [asyncio.ensure_future(f) for f in futures]\n"
        "    try:\n"
        "        await asyncio.gather(*tasks)\n"
        "    finally:\n"
        "        for task in tasks:\n"
        "            task.cancel()"
    )
    source = PIPELINE.format(queue="asyncio.Queue(maxsize=maxsize)", gather=gather)
    assert _check(tmp_path, source) == []


SHARED = """\
import asyncio


async def produce(queue, source):
    async for item in source:
        await queue.put(item)


async def consume(queue, sink):
    while True:
        item = await queue.get()
        if item is None:
            break
        sink.write(item)


async def relay(source, sink):
    queue = asyncio.Queue(10)
    await asyncio.gather(produce(queue, source), consume({given}, sink))
"""


def test_a_producer_and_a_consumer_sharing_a_queue_are_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, SHARED.format(given="queue")) == [f"19:5 TRD304 {GATHER}"]


def test_a_producer_and_a_consumer_on_queues_of_their_own_are_not(tmp_path: Path) -> None:
    assert _check(tmp_path, SHARED.format(given="asyncio.Queue()")) == []


def test_a_pool_of_workers_on_one_queue_is_not(tmp_path: Path) -> None:
    source = """\
import asyncio


async def worker(queue):
    while not queue.empty():
        item = queue.get_nowait()
        await item.run()


async def drain(items):
    queue = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    await asyncio.gather(*[worker(queue) for _ in range(4)])
"""
    assert _check(tmp_path, source) == []


# --- a generator-based coroutine's ``yield from`` is its ``await`` ---------------------------------

GENERATOR_WAIT = """\
import asyncio


class Client:
    @asyncio.coroutine
    def wait_connected(self):
        {wait}
"""


def test_a_discarded_wait_in_a_generator_coroutine_is_reported(tmp_path: Path) -> None:
    wait = (
        "yield from asyncio.wait([self._connected.wait(), self._closed.wait()],"
        " return_when=asyncio.FIRST_COMPLETED)"
    )
    assert _check(tmp_path, GENERATOR_WAIT.format(wait=wait)) == [
        "7:9 TRD304 the result of `asyncio.wait(...)` is discarded; keep `pending` and cancel its tasks"
    ]


def test_a_generator_coroutine_that_cancels_the_losers_is_not(tmp_path: Path) -> None:
    wait = (
        "done, pending = yield from asyncio.wait([self._connected.wait(), self._closed.wait()],"
        " return_when=asyncio.FIRST_COMPLETED)\n"
        "        for task in pending:\n"
        "            task.cancel()"
    )
    assert _check(tmp_path, GENERATOR_WAIT.format(wait=wait)) == []


# --- a keyed task cancelled only to make way for the next at its key ------------------------------

KEYED = """\
import asyncio


class Refresher:
    def __init__(self):
        self._refreshes = {}

    async def _refresh(self, module):
        await asyncio.sleep(5)

    def schedule(self, module):
        if module in self._refreshes:
            self._refreshes[module].cancel()
        self._refreshes[module] = asyncio.create_task(self._refresh(module))

    async def close(self):
{close}
"""


def test_a_keyed_task_cancelled_only_before_its_successor_is_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, KEYED.replace("{close}", "        pass")) == [
        "14:9 TRD303 tasks in `self._refreshes` are never cancelled or awaited; end each one in `close()`"
    ]


def test_a_keyed_task_the_close_ends_too_is_not(tmp_path: Path) -> None:
    close = "        for task in self._refreshes.values():\n            task.cancel()"
    assert _check(tmp_path, KEYED.replace("{close}", close)) == []


def test_a_keyed_task_cancelled_without_a_successor_is_not(tmp_path: Path) -> None:
    # ``unschedule`` ends the task at its key and stores nothing after: an end. (Session 41: in a
    # class whose own ``close()`` ends none of them, an end one key at a time leaves the rest
    # running after ``close()``: reported then, ``tests/test_session41_tasks.py``; here the class
    # has no release of its own.)
    source = KEYED.replace("    async def close(self):\n{close}\n", "") + (
        "\n    def unschedule(self, module):\n"
        "        if module in self._refreshes:\n"
        "            self._refreshes[module].cancel()\n"
    )
    assert _check(tmp_path, source) == []


def test_a_keyed_task_cancelled_one_key_at_a_time_beside_a_close_that_ends_none(tmp_path: Path) -> None:
    source = KEYED.replace("{close}", "        pass") + (
        "\n    def unschedule(self, module):\n"
        "        if module in self._refreshes:\n"
        "            self._refreshes[module].cancel()\n"
    )
    assert _check(tmp_path, source) == [
        "14:9 TRD303 tasks in `self._refreshes` are ended one at a time in `unschedule()`; end every one in `close()`"
    ]


def test_a_popped_keyed_task_cancelled_before_its_successor_is_reported(tmp_path: Path) -> None:
    schedule = (
        "        old = self._refreshes.pop(module, None)\n"
        "        if old is not None:\n"
        "            old.cancel()\n"
    )
    source = KEYED.replace("{close}", "        pass").replace(
        "        if module in self._refreshes:\n            self._refreshes[module].cancel()\n", schedule
    )
    assert _check(tmp_path, source) == [
        "15:9 TRD303 tasks in `self._refreshes` are never cancelled or awaited; end each one in `close()`"
    ]


# --- a task the end cancels only after awaiting another release -----------------------------------

LATE = """\
import asyncio


class Session:
    def __init__(self, ws):
        self._ws = ws
        self._poller = None

    async def _poll(self):
        while True:
            await asyncio.sleep(60)

    async def connect(self):
        self._poller = asyncio.create_task(self._poll())

    async def close(self):
{close}
"""


def test_a_task_cancelled_only_after_an_awaited_release_is_reported(tmp_path: Path) -> None:
    close = "        await self._ws.close()\n        if self._poller is not None:\n            self._poller.cancel()"
    assert _check(tmp_path, LATE.replace("{close}", close)) == [
        "14:9 TRD303 `self._poller` is cancelled only after `await self._ws.close()` in `close()`; cancel it first"
    ]


def test_tasks_of_a_list_cancelled_only_after_an_awaited_release_are_reported(tmp_path: Path) -> None:
    source = LATE.replace(
        "self._poller = asyncio.create_task(self._poll())",
        "self._tasks = [asyncio.ensure_future(c) for c in (self._poll(), self._poll())]\n"
        "        await asyncio.gather(*self._tasks)",
    ).replace("{close}", "        if self._ws.open:\n            await self._ws.close()\n        for task in self._tasks:\n            task.cancel()")
    assert _check(tmp_path, source) == [
        "14:9 TRD303 `self._tasks` is cancelled only after `await self._ws.close()` in `close()`; cancel it first",
        f"14:9 TRD304 {GATHER}",  # (the two pollers loop until cancelled: one failing leaves the other)
    ]


def test_a_task_cancelled_before_the_release_is_not(tmp_path: Path) -> None:
    close = "        if self._poller is not None:\n            self._poller.cancel()\n        await self._ws.close()"
    assert _check(tmp_path, LATE.replace("{close}", close)) == []


def test_a_task_cancelled_in_the_finally_of_the_release_is_not(tmp_path: Path) -> None:
    close = (
        "        try:\n            await self._ws.close()\n        finally:\n"
        "            if self._poller is not None:\n                self._poller.cancel()"
    )
    assert _check(tmp_path, LATE.replace("{close}", close)) == []


def test_a_task_also_cancelled_elsewhere_is_not_judged_late(tmp_path: Path) -> None:
    close = "        await self._ws.close()\n        self._poller.cancel()"
    source = LATE.replace("{close}", close) + "\n    def pause(self):\n        self._poller.cancel()\n"
    assert _check(tmp_path, source) == []


FLAGGED = """\
import asyncio


class Feed:
    def __init__(self, ws):
        self._ws = ws
        self.should_stop = False
        self.watcher = None

    async def _watch(self):
        while not self.should_stop:
            await asyncio.sleep(30)
{extra}
    async def start(self):
        self.watcher = asyncio.create_task(self._watch())

    async def stop(self):
        self.should_stop = True
        await self._ws.close()
        self.watcher.cancel()
"""


def test_a_late_cancel_of_a_task_the_end_flags_to_stop_first_is_not_reported(tmp_path: Path) -> None:
    # Every loop of the task tests the flag ``stop()`` sets before the release: it ends by itself.
    assert _check(tmp_path, FLAGGED.replace("{extra}", "")) == []


def test_a_late_cancel_of_a_task_with_a_loop_the_flag_does_not_stop_is_reported(tmp_path: Path) -> None:
    extra = "            async for message in self._ws:\n                print(message)\n"
    assert _check(tmp_path, FLAGGED.replace("{extra}", extra)) == [
        "17:9 TRD303 `self.watcher` is cancelled only after `await self._ws.close()` in `stop()`; cancel it first"
    ]
