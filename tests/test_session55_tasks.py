"""Session 55: tasks, the false positives of a fresh random sample (TRD302, TRD303, TRD304).

One-shot work kept in a collection on ``self`` until it is done, where each task leaves the
collection by itself: its own coroutine deletes its entry at its end (in its ``else`` and its
``except``, or a ``finally``), or a done callback given to it pops its key (a lambda calling a
method of the class that does). That is the set-plus-``discard`` pattern written by hand: the
collection holds only running work, which ends by itself, so no end of the class need reach it.

Tasks ended through the sum of their lists (``for t in fetchers + parsers + [saver]: t.cancel()``):
``a + b`` joins collections, so each operand is used as the sum is (``facts.uses.classify``).

A race in a function that only runs awaited up to ``asyncio.run`` (TRD304's own exemption),
where the awaiting module imports it under another name (``from app.bot import main as
bot_main``) and has a ``main()`` of its own, called plainly: that ``main`` is not the function.

A task kept on another object (``session.runner = create_task(...)``) that the owner of those
objects ends by collecting them (``[s.runner for s in self._sessions.values()]``, then cancel and
gather): a comprehension's element is used as the collected list is.

A task raced in ``asyncio.wait`` that waits on an event of the object, in a private method run
only as a task the object keeps, whose every cancel (``aclose()``) sets that event first: the
raced event wait finishes as soon as the wait is cancelled. The other raced task (a receive) is
still reported.

A coalesced one-shot task on ``self`` (``if self.t is not None and not self.t.done(): return``
before ``self.t = create_task(self.save())``, a save that neither loops nor sleeps): it marks the
one run in flight and ends by itself; cancelling it at the end would drop the write.

Twins: a map no task leaves (its coroutine does not touch it), a done callback that only logs
while another method pops keys on request, and a task that loops until cancelled in a class with
an end of its own (it leaves the map only when it fails), and a debounced reload there that
leaves its map only after its sleep (it fires after the end); lists whose sum is only measured; the aliased
function awaited under a timeout in another module (``wait_for`` can cancel it); an owner that only counts its sessions' tasks; an ``aclose()`` that sets the event only
after the cancel; a save that sleeps first (a debounce), and one restarted with no guard.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

LEAVE = """\
import asyncio


class Replier:
    def __init__(self) -> None:
        self._working: dict[int, asyncio.Task[None]] = {}

    def answer(self, user: int, query: str) -> None:
        async def reply() -> None:
            try:
                await asyncio.sleep(0)
                print(query)
            except asyncio.CancelledError:
                raise
            except Exception:
                del self._working[user]
                raise
            else:
                del self._working[user]

        if user in self._working:
            self._working[user].cancel()
        self._working[user] = asyncio.get_running_loop().create_task(reply())


class Describer:
    def __init__(self) -> None:
        self._pending: dict[str, asyncio.Task[None]] = {}

    def schedule(self, key: str, data: bytes) -> None:
        if key in self._pending:
            return
        task = asyncio.create_task(self._describe(key, data))
        self._pending[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))

    async def _describe(self, key: str, data: bytes) -> None:
        await asyncio.sleep(0)
        print(key, len(data))

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        self._pending.pop(key, None)


class Fetcher:
    def __init__(self) -> None:
        self._jobs: dict[str, asyncio.Task[None]] = {}

    def fetch(self, url: str) -> None:
        self._jobs[url] = asyncio.create_task(self._get(url))

    async def _get(self, url: str) -> None:
        try:
            await asyncio.sleep(1)
            print(url)
        finally:
            self._jobs.pop(url, None)
"""

LEAVE_TWINS = """\
import asyncio


class Hoarder:
    def __init__(self) -> None:
        self._working: dict[int, asyncio.Task[None]] = {}

    def answer(self, user: int, query: str) -> None:
        async def reply() -> None:
            await asyncio.sleep(0)
            print(query)

        self._working[user] = asyncio.get_running_loop().create_task(reply())


class Forgetter:
    def __init__(self) -> None:
        self._pending: dict[str, asyncio.Task[None]] = {}

    def schedule(self, key: str) -> None:
        task = asyncio.create_task(self._describe(key))
        self._pending[key] = task
        task.add_done_callback(lambda done: print(key, done))

    async def _describe(self, key: str) -> None:
        await asyncio.sleep(0)

    def forget(self, key: str) -> None:
        self._pending.pop(key, None)


class Poller:
    def __init__(self) -> None:
        self._loops: dict[str, asyncio.Task[None]] = {}

    def watch(self, url: str) -> None:
        self._loops[url] = asyncio.create_task(self._poll(url))

    async def _poll(self, url: str) -> None:
        try:
            while True:
                await asyncio.sleep(1)
                print(url)
        finally:
            self._loops.pop(url, None)

    async def close(self) -> None:
        print("closed")


class Reloader:
    def __init__(self) -> None:
        self._pending: dict[str, asyncio.Task[None]] = {}

    def changed(self, name: str) -> None:
        async def reload_later() -> None:
            await asyncio.sleep(2)
            self._pending.pop(name, None)
            print("reloading", name)

        if name in self._pending:
            self._pending[name].cancel()
        self._pending[name] = asyncio.create_task(reload_later())

    async def close(self) -> None:
        print("closed")
"""


def test_tasks_that_leave_their_collection_when_done(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LEAVE, "TRD303") == []


def test_tasks_that_never_leave_their_collection(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LEAVE_TWINS, "TRD303") == [
        "13:9 TRD303 tasks in `self._working` are never cancelled or awaited; end each one in a shutdown method",
        "21:9 TRD303 tasks in `self._pending` are never cancelled or awaited; end each one in a shutdown method",
        "37:9 TRD303 tasks in `self._loops` are never cancelled or awaited; end each one in `close()`",
        "63:9 TRD303 tasks in `self._pending` are never cancelled or awaited; end each one in `close()`",
    ]


CONCATENATED = """\
import asyncio


async def work(n: int) -> None:
    await asyncio.sleep(n)


async def run_all() -> None:
    fetchers = [asyncio.create_task(work(i)) for i in range(3)]
    parsers = [asyncio.create_task(work(i)) for i in range(2)]
    saver = asyncio.create_task(work(9))
    await asyncio.sleep(1)
    for task in fetchers + parsers + [saver]:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def count_all() -> int:
    fetchers = [asyncio.create_task(work(i)) for i in range(3)]
    parsers = [asyncio.create_task(work(i)) for i in range(2)]
    await asyncio.sleep(1)
    return print(len(fetchers + parsers)) or 0
"""


def test_tasks_ended_through_the_sum_of_their_lists(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CONCATENATED, "TRD302") == [
        "19:17 TRD302 tasks in local `fetchers` (from `asyncio.create_task(...)`) are never awaited; gather or keep them",
        "20:16 TRD302 tasks in local `parsers` (from `asyncio.create_task(...)`) are never awaited; gather or keep them",
    ]


BOT = """\
import asyncio


async def serve() -> None:
    await asyncio.sleep(3600)


async def watch() -> None:
    await asyncio.sleep(60)


async def main(name: str) -> None:
    server = asyncio.create_task(serve())
    watcher = asyncio.create_task(watch())
    done, pending = await asyncio.wait({server, watcher}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
"""

CLI = """\
import asyncio

from app.bot import main as bot_main


async def _run(name: str) -> None:
    try:
        await bot_main(name)
    except KeyboardInterrupt:
        print("bye")


def main() -> None:
    asyncio.run(_run("bot"))


if __name__ == "__main__":
    main()
"""

TIMED = """\
import asyncio

from app.bot import main as bot_main


async def _run(name: str) -> None:
    await asyncio.wait_for(bot_main(name), 60)


def main() -> None:
    asyncio.run(_run("bot"))
"""


def test_race_only_run_under_asyncio_run_through_an_aliased_import(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/bot.py": BOT, "app/cli.py": CLI}
    assert tree_findings(tmp_path, files, "TRD304", project=True) == []


def test_race_also_awaited_under_a_timeout_through_an_aliased_import(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/bot.py": BOT, "app/cli.py": CLI, "app/timed.py": TIMED}
    assert tree_findings(tmp_path, files, "TRD304", project=True) == [
        "bot.py:13:5 TRD304 task `server` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
        "bot.py:14:5 TRD304 task `watcher` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
    ]


DAEMON = """\
import asyncio


class Session:
    def __init__(self, key: str) -> None:
        self.key = key
        self.runner: "asyncio.Task[None] | None" = None


class Daemon:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def open(self, key: str) -> None:
        session = Session(key)
        session.runner = asyncio.create_task(self._run(session))
        self._sessions[key] = session

    async def _run(self, session: Session) -> None:
        while True:
            await asyncio.sleep(1)
            print(session.key)

    async def shutdown(self) -> None:
        runners = [s.runner for s in self._sessions.values() if s.runner is not None]
        for runner in runners:
            runner.cancel()
        await asyncio.gather(*runners, return_exceptions=True)
"""

COUNTED = """\
import asyncio


class Session:
    def __init__(self, key: str) -> None:
        self.key = key
        self.runner: "asyncio.Task[None] | None" = None


class Daemon:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}

    def open(self, key: str) -> None:
        session = Session(key)
        session.runner = asyncio.create_task(self._run(session))
        self._sessions[key] = session

    async def _run(self, session: Session) -> None:
        while True:
            await asyncio.sleep(1)
            print(session.key)

    async def shutdown(self) -> None:
        busy = len([s.runner for s in self._sessions.values() if s.runner is not None])
        print("stopping", busy)
"""


def test_owner_ends_the_tasks_its_objects_keep_through_a_comprehension(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/daemon.py": DAEMON}
    assert tree_findings(tmp_path, files, "TRD303", project=True) == []


def test_owner_only_counts_the_tasks_its_objects_keep(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/daemon.py": COUNTED}
    assert tree_findings(tmp_path, files, "TRD303", project=True) == [
        "daemon.py:16:9 TRD303 task in `session.runner` is never cancelled or awaited; `Session` keeps it and nothing ends it",
    ]


SET_FIRST = """\
import asyncio


class Session:
    def __init__(self) -> None:
        self._closing = asyncio.Event()
        self._main = asyncio.create_task(self._run())

    async def _receive(self) -> None:
        await asyncio.sleep(3600)

    async def _run(self) -> None:
        while True:
            receiver = asyncio.create_task(self._receive())
            closing = asyncio.create_task(self._closing.wait())
            done, pending = await asyncio.wait([receiver, closing], return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            if closing in done:
                return

    async def aclose(self) -> None:
        self._closing.set()
        if self._main:
            self._main.cancel()
"""

SET_LATE = """\
import asyncio


class Session:
    def __init__(self) -> None:
        self._closing = asyncio.Event()
        self._main = asyncio.create_task(self._run())

    async def _receive(self) -> None:
        await asyncio.sleep(3600)

    async def _run(self) -> None:
        while True:
            receiver = asyncio.create_task(self._receive())
            closing = asyncio.create_task(self._closing.wait())
            done, pending = await asyncio.wait([receiver, closing], return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            if closing in done:
                return

    async def aclose(self) -> None:
        if self._main:
            self._main.cancel()
        self._closing.set()
"""


def test_raced_event_wait_set_before_every_cancel(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SET_FIRST, "TRD304") == [
        "14:13 TRD304 task `receiver` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
    ]


def test_raced_event_wait_set_after_the_cancel(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SET_LATE, "TRD304") == [
        "14:13 TRD304 task `receiver` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
        "15:13 TRD304 task `closing` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`",
    ]


COALESCED = """\
import asyncio
import json


class Stats:
    def __init__(self, path: str) -> None:
        self._path = path
        self._data: dict[str, int] = {}
        self._save_task: "asyncio.Task[None] | None" = None

    async def save(self) -> None:
        text = json.dumps(self._data)
        await asyncio.to_thread(self._write, text)

    def _write(self, text: str) -> None:
        with open(self._path, "w") as f:
            f.write(text)

    def schedule_save(self) -> None:
        if self._save_task is not None and not self._save_task.done():
            return
        self._save_task = asyncio.create_task(self.save())

    async def stop(self) -> None:
        print("stopped")
"""

COALESCED_TWINS = """\
import asyncio
import json


class Debounced:
    def __init__(self, path: str) -> None:
        self._path = path
        self._data: dict[str, int] = {}
        self._save_task: "asyncio.Task[None] | None" = None

    async def save(self) -> None:
        await asyncio.sleep(2)
        text = json.dumps(self._data)
        await asyncio.to_thread(self._write, text)

    def _write(self, text: str) -> None:
        with open(self._path, "w") as f:
            f.write(text)

    def schedule_save(self) -> None:
        if self._save_task is not None and not self._save_task.done():
            return
        self._save_task = asyncio.create_task(self.save())

    async def stop(self) -> None:
        print("stopped")


class Restarted:
    def __init__(self, path: str) -> None:
        self._path = path
        self._data: dict[str, int] = {}
        self._save_task: "asyncio.Task[None] | None" = None

    async def save(self) -> None:
        text = json.dumps(self._data)
        await asyncio.to_thread(self._write, text)

    def _write(self, text: str) -> None:
        with open(self._path, "w") as f:
            f.write(text)

    def schedule_save(self) -> None:
        self._save_task = asyncio.create_task(self.save())

    async def stop(self) -> None:
        print("stopped")
"""


def test_coalesced_one_shot_save(tmp_path: Path) -> None:
    # In an object with no end of its own, the one run in flight ends by itself.
    no_end = COALESCED.replace('    async def stop(self) -> None:\n        print("stopped")\n', "")
    assert source_findings(tmp_path, no_end, "TRD303") == []


def test_coalesced_save_of_an_object_with_an_end_twin(tmp_path: Path) -> None:
    # An object with an end of its own drains the run in flight there.
    assert source_findings(tmp_path, COALESCED, "TRD303") == [
        "22:9 TRD303 `self._save_task` is never cancelled or awaited; cancel it in `stop()`"
    ]


def test_debounced_or_unguarded_save(tmp_path: Path) -> None:
    assert source_findings(tmp_path, COALESCED_TWINS, "TRD303") == [
        "23:9 TRD303 `self._save_task` is never cancelled or awaited; cancel it in `stop()`",
        "44:9 TRD303 `self._save_task` is never cancelled or awaited; cancel it in `stop()`",
    ]


COALESCED_LOOP = """\
import asyncio


class Portal:
    def __init__(self) -> None:
        self._events: "asyncio.Queue[str]" = asyncio.Queue()
        self._dispatcher: "asyncio.Task[None] | None" = None

    async def _try_dispatch(self) -> None:
        try:
            await self._dispatch()
        except Exception:
            print("dispatcher failed")

    async def _dispatch(self) -> None:
        while True:
            print(await self._events.get())

    def start(self) -> None:
        if self._dispatcher is not None and not self._dispatcher.done():
            return
        self._dispatcher = asyncio.create_task(self._try_dispatch())
"""


def test_guarded_run_that_calls_an_endless_loop(tmp_path: Path) -> None:
    # The run wraps a ``while True`` of another method: no one-shot work, however guarded.
    assert source_findings(tmp_path, COALESCED_LOOP, "TRD303") == [
        "22:9 TRD303 `self._dispatcher` is never cancelled or awaited; add a shutdown method that cancels and awaits it"
    ]
