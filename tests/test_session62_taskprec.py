"""Session 62 (branch s62-taskprec): tasks the program already ends (TRD302).

A local task whose function, once it made it, can only be left by a cancellation: it awaits a
waiter it makes in that expression and nothing else can reach (``await asyncio.Event().wait()``,
``await asyncio.Future()``, ``await loop.create_future()``: "wait until cancelled"). No normal
path goes on after that await; its cancellation leaves through the handlers that catch it and the
``finally`` blocks around it. A task cancelled on that way out is cancelled on every path.

Twins that stay reported: the handler swallows the cancellation and the function then returns
with the task on some path; a handler that catches only ``Exception`` (the cancellation passes
it); a shared event (``stop.wait()``) that someone may set, after which the function returns; a
normal return before the wait that leaves the task running; another ``await`` between the
creation and the wait, which may raise (then the function is not left by a cancellation only: the
handler of the cancellation does not run, and the task is left running by that error).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SOME_PATHS = "TRD302 task `task` from `asyncio.create_task(...)` is cancelled on some paths only; cancel it in a `finally`"

HEAD = """\
import asyncio


async def listen(bus):
    while True:
        await bus.get()


"""

EVENT_WAIT = HEAD + """\
async def run_bot(bus):
    task = None
    try:
        task = asyncio.create_task(listen(bus))
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        if task:
            task.cancel()
    finally:
        print("stopped")
"""

FUTURE_RERAISED = HEAD + """\
async def serve(bus):
    task = asyncio.create_task(listen(bus))
    try:
        await asyncio.get_running_loop().create_future()
    except asyncio.CancelledError:
        task.cancel()
        raise
"""

FUTURE_IN_OUTER_TRY = HEAD + """\
async def serve(bus):
    task = asyncio.create_task(listen(bus))
    try:
        try:
            await asyncio.Future()
        finally:
            print("leaving")
    except BaseException:
        task.cancel()
        raise
"""

SWALLOWED = HEAD + """\
async def serve(bus):
    task = asyncio.create_task(listen(bus))
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        pass
    if bus.closing:
        task.cancel()
"""

ONLY_ERRORS = HEAD + """\
async def serve(bus):
    task = asyncio.create_task(listen(bus))
    try:
        await asyncio.Future()
    except Exception:
        task.cancel()
"""

SHARED_EVENT = HEAD + """\
async def serve(bus, stop):
    task = asyncio.create_task(listen(bus))
    try:
        await stop.wait()
    except asyncio.CancelledError:
        task.cancel()
"""

RETURN_BEFORE = HEAD + """\
async def serve(bus):
    task = asyncio.create_task(listen(bus))
    if bus.closed:
        return
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        task.cancel()
"""

KEPT_WAITER = HEAD + """\
class Server:
    async def serve(self, bus):
        task = asyncio.create_task(listen(bus))
        try:
            await self._loop.create_future()
        except asyncio.CancelledError:
            task.cancel()
"""

AWAIT_BEFORE = HEAD + """\
async def serve(bus, conn):
    task = asyncio.create_task(listen(bus))
    try:
        await conn.handshake()
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        task.cancel()
        raise
"""


def test_a_wait_until_cancelled_whose_handler_cancels_the_task(tmp_path: Path) -> None:
    assert source_findings(tmp_path, EVENT_WAIT, "TRD302") == []


def test_a_fresh_future_whose_handler_cancels_the_task_and_reraises(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FUTURE_RERAISED, "TRD302") == []


def test_the_cancellation_goes_through_an_inner_finally_to_an_outer_handler(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FUTURE_IN_OUTER_TRY, "TRD302") == []


def test_a_swallowed_cancellation_goes_on_after_the_try(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SWALLOWED, "TRD302") == ["10:5 " + SOME_PATHS]


def test_a_handler_of_errors_only_lets_the_cancellation_out(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ONLY_ERRORS, "TRD302") == ["10:5 " + SOME_PATHS]


def test_a_shared_event_may_be_set(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SHARED_EVENT, "TRD302") == ["10:5 " + SOME_PATHS]


def test_a_normal_return_before_the_wait(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RETURN_BEFORE, "TRD302") == ["10:5 " + SOME_PATHS]


def test_a_waiter_made_by_an_objects_attribute_may_be_kept(tmp_path: Path) -> None:
    assert source_findings(tmp_path, KEPT_WAITER, "TRD302") == ["11:9 " + SOME_PATHS]


def test_an_await_that_may_raise_before_the_wait(tmp_path: Path) -> None:
    assert source_findings(tmp_path, AWAIT_BEFORE, "TRD302") == ["10:5 " + SOME_PATHS]
