"""Session 56: tasks whose end their owner holds by other means than a cancel (TRD302, TRD303).

A local task kept through its bound ``cancel``: returned as a framework callback's cleanup
(``return t.cancel``), or put in the owner's list of cleanups (``self._cleanups.append(t.cancel)``)
that its end calls. The bound method holds the task, and whoever holds it ends it. Twin: the bound
method only put in a local the function drops.

A task whose loop the owner's end stops with a flag: the task runs a method of the class that
loops ``while self.running:`` / ``while not self.stopping:`` with a bounded wait at each turn
(a sleep, a ``wait_for`` with a timeout), and an end method of the class (directly, or through a
method of the class it calls) sets the flag to the value that ends the loop. Twins: a turn that
waits without bound (``await queue.get()``), a flag no end method sets, a ``while True`` loop.

A one-shot timer that clears its own attribute through a helper its coroutine awaits after its
sleep (``await asyncio.sleep(window)``, then ``await self._reset()``, which sets the attribute to
``None``), in a class with no end of its own. Twin: the helper clears another attribute.

Tasks the class's end makes to run releases, kept on ``self`` as a display
(``self._closing = [ensure_future(self.kernel.shutdown()), ensure_future(self.manager.close())]``):
judged as one such task is (they are the teardown). Twin: a display whose tasks run work that
loops.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

BOUND_RETURNED = """\
import asyncio


async def watch(value):
    while True:
        await asyncio.sleep(1)


def effect_for(value):
    def effect():
        task = asyncio.create_task(watch(value))
        return task.cancel

    return effect
"""

BOUND_IN_CLEANUPS = """\
import asyncio


class Channel:
    def __init__(self, ws):
        self._ws = ws
        self._cleanups = []

    async def open(self):
        reader = asyncio.create_task(self._read())
        self._cleanups.append(reader.cancel)

    async def _read(self):
        async for message in self._ws:
            print(message)

    async def close(self):
        for cleanup in self._cleanups:
            cleanup()
"""

BOUND_DROPPED = """\
import asyncio


class Channel:
    async def open(self, ws):
        reader = asyncio.create_task(self._read(ws))
        stop = reader.cancel
        print(stop)

    async def _read(self, ws):
        async for message in ws:
            print(message)
"""

LOCAL_MSG = "TRD302 task `{}` from `asyncio.create_task(...)` is never awaited or kept; await or store it"


def test_a_bound_cancel_returned_keeps_the_task(tmp_path: Path) -> None:
    assert source_findings(tmp_path, BOUND_RETURNED, "TRD302") == []


def test_a_bound_cancel_in_the_owners_cleanups_keeps_the_task(tmp_path: Path) -> None:
    assert source_findings(tmp_path, BOUND_IN_CLEANUPS, "TRD302") == []


def test_a_bound_cancel_in_a_dropped_local_keeps_nothing(tmp_path: Path) -> None:
    assert source_findings(tmp_path, BOUND_DROPPED, "TRD302") == ["6:9 " + LOCAL_MSG.format("reader")]


FLAG_LOCAL = """\
import asyncio


class Relay:
    def __init__(self, socket):
        self.socket = socket
        self.running = False

    async def start(self):
        self.running = True
        listener = asyncio.create_task(self.listen())
        await asyncio.sleep(0)

    async def listen(self):
        while self.running:
            try:
                frame = await asyncio.wait_for(self.socket.recv(), timeout=0.5)
            except asyncio.TimeoutError:
                continue
            await self.forward(frame)

    async def forward(self, frame):
        print(frame)

    async def stop(self):
        self.running = False
"""

FLAG_ON_SELF = """\
import asyncio


class Sweeper:
    def __init__(self):
        self.stopping = False
        self.sweep_task = None

    def begin(self):
        self.sweep_task = asyncio.create_task(self.sweep())

    async def sweep(self):
        while not self.stopping:
            await self.touch()
            await asyncio.sleep(30)

    async def touch(self):
        print("touch")

    def _halt(self):
        if not self.stopping:
            self.stopping = True

    async def stop(self):
        self._halt()
"""


def test_a_local_task_its_owner_stops_with_a_flag(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FLAG_LOCAL, "TRD302") == []


def test_a_task_on_self_its_end_stops_with_a_flag_through_a_helper(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FLAG_ON_SELF, "TRD303") == []


def test_a_flag_loop_that_blocks_on_a_queue_is_not_stopped_by_the_flag(tmp_path: Path) -> None:
    source = FLAG_LOCAL.replace(
        "frame = await asyncio.wait_for(self.socket.recv(), timeout=0.5)", "frame = await self.socket.recv()"
    )
    assert source_findings(tmp_path, source, "TRD302") == ["11:9 " + LOCAL_MSG.format("listener")]


def test_a_wait_for_without_a_timeout_is_no_bound(tmp_path: Path) -> None:
    source = FLAG_LOCAL.replace("timeout=0.5", "timeout=None")
    assert source_findings(tmp_path, source, "TRD302") == ["11:9 " + LOCAL_MSG.format("listener")]


def test_a_flag_no_end_method_sets_ends_nothing(tmp_path: Path) -> None:
    source = FLAG_ON_SELF.replace("self._halt()", "print('stopping')")
    assert source_findings(tmp_path, source, "TRD303") == [
        "10:9 TRD303 `self.sweep_task` is never cancelled or awaited; cancel it in `stop()`"
    ]


def test_a_flag_set_to_the_value_that_keeps_the_loop_ends_nothing(tmp_path: Path) -> None:
    source = FLAG_ON_SELF.replace("self.stopping = True", "self.stopping = False")
    assert source_findings(tmp_path, source, "TRD303") == [
        "10:9 TRD303 `self.sweep_task` is never cancelled or awaited; cancel it in `stop()`"
    ]


def test_a_loop_that_tests_no_flag_is_still_reported(tmp_path: Path) -> None:
    source = FLAG_ON_SELF.replace("while not self.stopping:", "while True:")
    assert source_findings(tmp_path, source, "TRD303") == [
        "10:9 TRD303 `self.sweep_task` is never cancelled or awaited; cancel it in `stop()`"
    ]


ONE_SHOT = """\
import asyncio


class Limiter:
    def __init__(self, window):
        self.window = window
        self.used = 0
        self._reset_task = None

    def __del__(self):
        if self._reset_task is not None:
            self._reset_task.cancel()

    async def __aenter__(self):
        self.used += 1
        if self._reset_task is None:
            self._reset_task = asyncio.create_task(self._later())

    async def __aexit__(self, *exc):
        return None

    async def _reset(self):
        if self._reset_task is not None:
            self._reset_task = None
        self.used = 0

    async def _later(self):
        await asyncio.sleep(self.window)
        await self._reset()
"""


def test_a_one_shot_timer_cleared_by_a_helper_it_awaits(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ONE_SHOT, "TRD303") == []


def test_a_helper_that_clears_another_attribute_drops_nothing(tmp_path: Path) -> None:
    source = ONE_SHOT.replace("            self._reset_task = None\n", "            self._other = None\n")
    assert source_findings(tmp_path, source, "TRD303") == [
        "17:13 TRD303 `self._reset_task` is cancelled only in `__del__()`, which cannot run while the task"
        " holds `self`; cancel it in `__aexit__()`"
    ]


TEARDOWNS = """\
import asyncio


class Bridge:
    def __init__(self, kernel, manager):
        self.kernel = kernel
        self.manager = manager
        self._closing = []

    def on_close(self):
        self._closing = [
            asyncio.ensure_future(self.kernel.shutdown()),
            asyncio.ensure_future(self.manager.close()),
        ]
"""


def test_a_display_of_teardown_tasks_made_by_the_end(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TEARDOWNS, "TRD303") == []


def test_a_display_with_a_task_that_is_no_release(tmp_path: Path) -> None:
    source = TEARDOWNS.replace("self.manager.close()", "self.manager.poll()")
    assert [f.split(" TRD303")[0] for f in source_findings(tmp_path, source, "TRD303")] == ["11:9"]


GATHERED_LOOPS = """\
import asyncio
import logging

log = logging.getLogger(__name__)


class Syncer:
    async def pull(self):
        while True:
            try:
                await self.fetch()
            except Exception:
                log.exception("pull failed, retrying")
            await asyncio.sleep(10)

    async def push(self):
        while True:
            try:
                await self.send()
            except Exception:
                log.exception("push failed, retrying")
            else:
                log.info("pushed")
            await asyncio.sleep(10)

    async def fetch(self):
        pass

    async def send(self):
        pass

    async def run(self):
        while True:
            try:
                await asyncio.gather(self.pull(), self.push())
            except Exception:
                log.exception("restarting")
"""

GATHER_MSG = (
    "TRD304 work gathered by `asyncio.gather(...)` runs on when one of it fails; cancel the rest in"
    " `finally`, or use a `TaskGroup`"
)


def test_a_gather_of_loops_that_catch_every_error(tmp_path: Path) -> None:
    assert source_findings(tmp_path, GATHERED_LOOPS, "TRD304") == []


def test_a_gathered_loop_that_catches_some_errors_only_can_fail(tmp_path: Path) -> None:
    source = GATHERED_LOOPS.replace("except Exception:\n                log.exception(\"push", "except ValueError:\n                log.exception(\"push")
    assert source_findings(tmp_path, source, "TRD304") == ["35:17 " + GATHER_MSG]


def test_a_gathered_loop_whose_handler_raises_can_fail(tmp_path: Path) -> None:
    source = GATHERED_LOOPS.replace('log.exception("pull failed, retrying")', "raise")
    assert source_findings(tmp_path, source, "TRD304") == ["35:17 " + GATHER_MSG]


def test_only_the_pieces_another_may_fail_beside_are_reported(tmp_path: Path) -> None:
    # ``pull`` cannot fail; ``push`` can: ``pull`` runs on when ``push`` fails, not the reverse.
    source = GATHERED_LOOPS.replace(
        "await asyncio.gather(self.pull(), self.push())",
        "a = asyncio.create_task(self.pull())\n                b = asyncio.create_task(self.push())\n"
        "                await asyncio.gather(a, b)",
    ).replace("except Exception:\n                log.exception(\"push", "except ValueError:\n                log.exception(\"push")
    assert source_findings(tmp_path, source, "TRD304") == ["35:17 " + GATHER_MSG]  # ``a``, not ``b`` (line 36)


LIFESPAN = """\
import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI


async def sweep():
    while True:
        await asyncio.sleep(60)


@asynccontextmanager
async def lifespan(app):
    app.state.sweeper = asyncio.create_task(sweep())
    yield
    task = getattr(app.state, "sweeper", None)
    if task is not None:
        task.cancel()


app = FastAPI(lifespan=lifespan)
"""


def test_a_startup_task_read_back_through_getattr_at_shutdown(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LIFESPAN, "TRD302") == []


def test_a_startup_task_only_looked_at_through_getattr(tmp_path: Path) -> None:
    source = LIFESPAN.replace('task = getattr(app.state, "sweeper", None)', 'task = getattr(app.state, "sweeper", None).done()')
    assert source_findings(tmp_path, source, "TRD302") == [
        "14:5 TRD302 task kept in `app...sweeper` at startup is never cancelled at shutdown; cancel it in a shutdown handler"
    ]


COG = """\
import asyncio

from discord.ext import commands


class Ticker(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.running = True
        self.ticker = bot.loop.create_task(self.tick())

    async def tick(self):
        while self.running:
            await asyncio.sleep(5)

    def cog_unload(self):
        self.running = False
"""


def test_a_cog_whose_unload_clears_the_flag(tmp_path: Path) -> None:
    assert source_findings(tmp_path, COG, "TRD303") == []


def test_a_cog_whose_flag_only_a_command_clears(tmp_path: Path) -> None:
    # The framework names the cog's end: a command its unload never calls is no end.
    source = COG.replace("def cog_unload(self):", "async def pause_ticks(self):")
    assert [f.split(" `")[0] for f in source_findings(tmp_path, source, "TRD303")] == ["10:9 TRD303"]


def test_a_bound_cancel_in_a_display_kept_on_self(tmp_path: Path) -> None:
    source = BOUND_DROPPED.replace("stop = reader.cancel\n        print(stop)", "self._stops = [reader.cancel]")
    assert source_findings(tmp_path, source, "TRD302") == []


def test_a_bound_cancel_in_a_local_display_keeps_nothing(tmp_path: Path) -> None:
    source = BOUND_DROPPED.replace("stop = reader.cancel", "stop = [reader.cancel]")
    assert source_findings(tmp_path, source, "TRD302") == ["6:9 " + LOCAL_MSG.format("reader")]


WATCHER = """\
import asyncio


class Match:
    def __init__(self):
        self.watchers = set()

    async def play(self):
        await asyncio.sleep(60)

    async def chatter(self):
        while True:
            await asyncio.sleep(1)

    def start(self):
        done = asyncio.Event()
        main = asyncio.create_task(self.play())
        main.add_done_callback(lambda _: done.set())
        side = asyncio.create_task(self.chatter())

        async def watch():
            await done.wait()
            try:
                main.result()
            finally:
                side.cancel()

        watcher = asyncio.create_task(watch())
        self.watchers.add(watcher)
        watcher.add_done_callback(self.watchers.discard)
"""


def test_a_task_a_closure_run_as_a_task_cancels_in_its_finally(tmp_path: Path) -> None:
    assert source_findings(tmp_path, WATCHER, "TRD302") == []


def test_a_closure_only_defined_cancels_nothing(tmp_path: Path) -> None:
    source = WATCHER.replace("watcher = asyncio.create_task(watch())", "watcher = None")
    assert source_findings(tmp_path, source, "TRD302") == [
        "19:9 TRD302 task `side` from `asyncio.create_task(...)` is cancelled on some paths only; cancel it in a `finally`"
    ]


def test_a_cancel_outside_the_closures_finally_is_skipped_by_its_errors(tmp_path: Path) -> None:
    source = WATCHER.replace("            finally:\n                side.cancel()", "            except ValueError:\n                pass\n            side.cancel()")
    assert source_findings(tmp_path, source, "TRD302") == [
        "19:9 TRD302 task `side` from `asyncio.create_task(...)` is cancelled on some paths only; cancel it in a `finally`"
    ]


PIPELINE = """\
import asyncio


async def stage(in_q, out_q):
    while True:
        item = await in_q.get()
        await out_q.put(item)


async def pipeline(stages):
    in_q = asyncio.Queue()
    pieces = []
    for s in stages:
        out_q = asyncio.Queue()
        pieces.append(s(in_q, out_q))
        in_q = out_q
    try:
        await asyncio.gather(*pieces)
    except Exception:
        pass
"""


def test_one_element_of_a_collection_stands_for_several_pieces(tmp_path: Path) -> None:
    # The pieces one ``append`` makes in a loop may fail, and leave the others running.
    assert [f.split(" work")[0] for f in source_findings(tmp_path, PIPELINE, "TRD304")] == ["18:9 TRD304"]
