"""Session 29 (tasks, issue 28 point 6): TRD3xx shapes missed on the fix sets (all halves were
development material), each turned by the general fact behind it and tested with its negative
twin.

- A local collection of tasks made whole (``tasks = [create_task(c()) for c in calls]``, or a
  display of creators) holds them as one filled by ``append`` does: an async generator's
  ``yield`` leaves them running unless a ``finally`` names them, and a ``try`` waiting on them
  whose handler of some errors only cancels them (``except CancelledError:``) leaves them on
  every other error (pydantic-ai ``d48c553a``).
- A task attribute given its default in the class body (``_clear_task: Task = None``) is the
  class's, as one set in ``__init__`` is: a cancel that only makes way for the next task
  (``cancel()`` then ``self._clear_task = create_task(...)``) ends nothing at the object's end
  (XiaomiGateway3 ``9bbf7e92``).
- Tasks handed to a race of the module's own (``async def first_of(*tasks)`` waiting with
  ``FIRST_COMPLETED`` and cancelling the losers only after the wait returns) run on when the
  race is cancelled: reported where the caller makes them (devbis/ble2mqtt ``691d6a60``)."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _findings(path: Path, *select: str) -> list[tuple[str, int, int, str]]:
    """``(code, line, column, message)`` of each default-rules finding of ``path``."""
    return [(f.code, f.line, f.column, f.message) for f in check_paths([path], select=list(select))]


def _write(tmp_path: Path, source: str, name: str = "service.py") -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


# --- a collection made whole, left at a generator's yield ----------------------------------------

STREAM = """\
import asyncio


async def stream(calls):
    tasks = [asyncio.create_task(c()) for c in calls]
    try:
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                yield await task
    HANDLER
        for task in tasks:
            task.cancel()
        raise
"""


def test_comprehension_tasks_left_at_a_yield_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, STREAM.replace("HANDLER", "except asyncio.CancelledError:"))
    assert _findings(path, "TRD3") == [(
        "TRD302", 5, 5,
        "task from `asyncio.create_task(...)` in `tasks` runs on when the consumer stops this generator at a "
        "`yield`; cancel it in a `finally`",
    )]


def test_comprehension_tasks_ended_by_every_exit_are_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, STREAM.replace("HANDLER", "except BaseException:"))
    assert _findings(path, "TRD3") == []


# --- a collection made whole, cancelled for some errors only -------------------------------------

GATHER = """\
import asyncio


async def run_all(fetch, urls):
    tasks = [asyncio.create_task(fetch(u)), asyncio.create_task(fetch(u + "/b"))]
    try:
        return await asyncio.gather(*tasks)
    HANDLER
        for task in tasks:
            task.cancel()
        raise
"""


def test_display_tasks_cancelled_for_some_errors_are_reported_once(tmp_path: Path) -> None:
    path = _write(tmp_path, GATHER.replace("HANDLER", "except asyncio.TimeoutError:"))
    assert _findings(path, "TRD3") == [(
        "TRD302", 5, 5,
        "tasks in `tasks` (from `asyncio.create_task(...)`) are cancelled only on `asyncio.TimeoutError`; "
        "any other error leaves them running",
    )]


def test_display_tasks_cancelled_for_every_error_are_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, GATHER.replace("HANDLER", "except Exception:"))
    assert _findings(path, "TRD3") == []


def test_tasks_gathered_with_return_exceptions_are_not_reported(tmp_path: Path) -> None:
    source = GATHER.replace("HANDLER", "except asyncio.TimeoutError:").replace("gather(*tasks)", "gather(*tasks, return_exceptions=True)")
    assert _findings(_write(tmp_path, source), "TRD3") == []


# --- a class-body default makes the task attribute the class's -----------------------------------

ACTION = """\
import asyncio
from asyncio import Task


class Action:
    _clear_task: Task = None

    async def clear_state(self):
        await asyncio.sleep(0.3)

    def set_state(self, data):
        if self._clear_task:
            self._clear_task.cancel()
        self._clear_task = asyncio.get_running_loop().create_task(self.clear_state())
TAIL"""


def test_task_cancelled_only_to_make_way_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, ACTION.replace("TAIL", ""))
    assert _findings(path, "TRD3") == [(
        "TRD303", 14, 9,
        "`self._clear_task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
    )]


def test_task_also_cancelled_at_the_end_is_not_reported(tmp_path: Path) -> None:
    tail = "\n    async def close(self):\n        if self._clear_task:\n            self._clear_task.cancel()\n"
    path = _write(tmp_path, ACTION.replace("TAIL", tail))
    assert _findings(path, "TRD3") == []


# --- tasks handed to a race of the module's own --------------------------------------------------

RACE = """\
import asyncio


async def first_of(*tasks, return_when=asyncio.FIRST_COMPLETED):
    BODY
    for task in pending:
        task.cancel()
    return done


class Bridge:
    async def start(self, read, write):
        loop = asyncio.get_running_loop()
        done = await first_of(loop.create_task(read()), loop.create_task(write()))
        for task in done:
            task.result()
"""

RACE_UNGUARDED = "done, pending = await asyncio.wait(tasks, return_when=return_when)"
RACE_GUARDED = """try:
        done, pending = await asyncio.wait(tasks, return_when=return_when)
    except asyncio.CancelledError:
        for task in tasks:
            task.cancel()
        raise"""


def test_tasks_handed_to_a_race_cancelled_only_after_its_wait_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, RACE.replace("BODY", RACE_UNGUARDED))
    message = (
        "task from `loop.create_task(...)` raced by `first_of()` outlives a cancelled race: it cancels the "
        "losers only after its wait returns; cancel them in its `finally`"
    )
    assert _findings(path, "TRD3") == [("TRD304", 14, 31, message), ("TRD304", 14, 57, message)]


def test_tasks_handed_to_a_race_that_ends_them_when_cancelled_are_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, RACE.replace("BODY", RACE_GUARDED))
    assert _findings(path, "TRD3") == []


def test_tasks_handed_to_a_race_only_run_under_asyncio_run_are_not_reported(tmp_path: Path) -> None:
    serve = (
        "\n\nasync def serve(read, write):\n"
        "    await first_of(asyncio.create_task(read()), asyncio.create_task(write()))\n"
    )
    run = "\n\ndef run(read, write):\n    asyncio.run(serve(read, write))\n"
    head = RACE.replace("BODY", RACE_UNGUARDED).split("\n\nclass Bridge")[0]
    _write(tmp_path, "[project]\nname = 'bridge'\n", "pyproject.toml")  # where the callers are looked for
    assert [f[:2] for f in _findings(_write(tmp_path, head + serve), "TRD3")] == [("TRD304", 12), ("TRD304", 12)]
    assert _findings(_write(tmp_path, head + serve + run, "script.py"), "TRD3") == []


def test_a_wait_that_is_no_race_hands_on_nothing(tmp_path: Path) -> None:
    source = RACE.replace("BODY", RACE_UNGUARDED).replace("return_when=asyncio.FIRST_COMPLETED", "return_when=asyncio.ALL_COMPLETED")
    assert _findings(_write(tmp_path, source), "TRD3") == []


# --- a task cancelled when a wait times out, not when the wait is cancelled ----------------------

TIMED = """\
import asyncio


async def fetch_slice(candle_task, remaining):
    fetch = asyncio.create_task(candle_task)
    done, _ = await asyncio.wait({fetch}, timeout=remaining)
    if not done:
        AFTER
        raise TimeoutError("slice expired")
    return fetch.result()
"""


def test_task_cancelled_only_when_the_wait_times_out_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, TIMED.replace("AFTER", "fetch.cancel()"))
    assert _findings(path, "TRD3") == [(
        "TRD304", 5, 5,
        "task `fetch` cancelled when `asyncio.wait` times out outlives a cancelled wait; cancel it in `finally`",
    )]


def test_task_only_reported_on_after_a_timed_wait_is_not_reported(tmp_path: Path) -> None:
    # ``await asyncio.wait({t}, timeout=...)`` and then a look at it is a progress report.
    source = TIMED.replace("AFTER", "print('still running')").replace("return fetch.result()", "return await fetch")
    assert _findings(_write(tmp_path, source), "TRD3") == []


def test_task_cancelled_in_finally_around_a_timed_wait_is_not_reported(tmp_path: Path) -> None:
    source = TIMED.replace("AFTER", "pass").replace(
        "    done, _ = await asyncio.wait({fetch}, timeout=remaining)\n",
        "    try:\n        done, _ = await asyncio.wait({fetch}, timeout=remaining)\n    finally:\n        fetch.cancel()\n",
    )
    assert _findings(_write(tmp_path, source), "TRD3") == []


# --- a guard about the task and something else covers nothing ------------------------------------

CLEANUP = """\
import asyncio


async def cleanup(voice_client, reason):
    disconnect_task = None
    if voice_client:
        disconnect_task = asyncio.create_task(voice_client.disconnect())
    await asyncio.sleep(0)
    if TEST:
        await disconnect_task
"""


def test_task_awaited_under_a_test_of_something_else_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, CLEANUP.replace("TEST", "disconnect_task and reason != 'shutdown'"))
    assert _findings(path, "TRD3") == [(
        "TRD302", 7, 9,
        "task `disconnect_task` from `asyncio.create_task(...)` is awaited on some paths only; cancel it on the others",
    )]


def test_task_awaited_under_a_test_of_itself_alone_is_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, CLEANUP.replace("TEST", "disconnect_task and not disconnect_task.done()"))
    assert _findings(path, "TRD3") == []


# --- narrowed on the applications ---------------------------------------------------------------

def test_tasks_only_waited_for_in_full_are_not_reported(tmp_path: Path) -> None:
    # ``asyncio.wait`` raises none of the tasks' errors: only a cancellation leaves it, and the
    # handler ends them there (PikalaxBOT's rock-paper-scissors menus).
    source = GATHER.replace("HANDLER", "except asyncio.CancelledError:").replace(
        "return await asyncio.gather(*tasks)", "await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)"
    )
    assert _findings(_write(tmp_path, source), "TRD3") == []


POLLS = """\
import asyncio


async def polls(bot):
    while True:
        futs = {asyncio.create_task(bot.wait_for("a")), asyncio.create_task(bot.wait_for("b"))}
        done, pending = await asyncio.wait(futs, timeout=60.0, return_when=asyncio.FIRST_COMPLETED)
        [f.cancel() for f in pending]
        yield done.pop().result()


async def download(senders):
    while True:
        tasks = [asyncio.create_task(s.next()) for s in senders]
        for task in tasks:
            data = await task
            if not data:
                break
            yield data
"""


def test_collection_made_again_each_turn_is_judged_per_turn(tmp_path: Path) -> None:
    # ``futs`` is made anew each turn, its losers cancelled before the ``yield``: nothing is left
    # there (PikalaxBOT's poll maker). ``tasks`` is still iterated across the ``yield``: a consumer
    # that stops there leaves the other senders' requests running (Ultroid's FastTelethon).
    assert _findings(_write(tmp_path, POLLS), "TRD3") == [(
        "TRD302", 14, 9,
        "task from `asyncio.create_task(...)` in `tasks` runs on when the consumer stops this generator at a "
        "`yield`; cancel it in a `finally`",
    )]


def test_cancel_under_a_test_of_something_else_lets_the_task_finish(tmp_path: Path) -> None:
    # ``if t and not t.done() and (consumed or closed): t.cancel()``: the other branch chooses to
    # let the task (a watchdog that closes what was not consumed) finish (AstrBot, round 4 b).
    source = CLEANUP.replace("TEST", "disconnect_task and reason != 'shutdown'").replace(
        "await disconnect_task", "disconnect_task.cancel()"
    )
    assert _findings(_write(tmp_path, source), "TRD3") == []
