"""Session 28 (tasks, issue 28 point 6): TRD3xx shapes missed on the development fix sets,
each turned by the general rule behind it and tested with its negative twin.

- A ``def`` made inside a function is a first-party function too: a closure that returns a
  task it made (``def run_long(aw): return asyncio.create_task(...)``) is a task wrapper, and a
  local given its task is judged as one given ``create_task``'s (gpt-researcher ``e02d9c47``).
- A method that drops ``self.attr`` after an ``await`` joins the task by other means only when
  that await waits for something (an event, a queue's join): a set-up that awaits a client's
  creation and then sets ``self._task = None`` ends nothing (philips-airpurifier ``87119d02``).
- An async generator's ``yield`` is a way out its consumer chooses (``break``, ``aclose()``):
  a task it made and still holds there (a local, or a local list of tasks it waits on in the
  loop around the ``yield``) runs on unless a ``finally`` around the ``yield`` ends it
  (crawl4ai ``9fb2aa8d``).
- ``asyncio.gather`` cancels none of its awaitables when one fails: a local task gathered with
  other work and cancelled in a handler of some errors only (``except Tripwire:``) runs on after
  any other error, unless a ``finally`` or a handler of every error ends it (openai-agents-python
  ``5804bd03``)."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _messages(path: Path, *select: str) -> list[str]:
    """``line code message`` of each default-rules finding of ``path`` for ``select``."""
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=list(select))]


def _write(tmp_path: Path, source: str, name: str = "service.py") -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


# --- a closure that returns a task is a task wrapper --------------------------------------------

CLOSURE = """\
import asyncio


async def handle(websocket):
    running = None

    def run_long(awaitable):
        async def safe_run():
            await awaitable
        return asyncio.create_task(safe_run())

    while True:
        try:
            data = await websocket.receive_text()
            if running and not running.done():
                continue
            running = run_long(work(data))
        except Exception:
            break
    TAIL


async def work(data):
    await asyncio.sleep(1)
"""


def test_closure_wrapper_task_only_looked_at_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, CLOSURE.replace("TAIL", "return None"))
    # One finding for the closure's callers, where it makes the task.
    assert _messages(path, "TRD3") == [
        "10 TRD302 task made here is left running by its caller's local `running` (`run_long(...)`); "
        "await or cancel it there"
    ]


def test_closure_wrapper_task_cancelled_at_the_end_is_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, CLOSURE.replace("TAIL", "if running:\n        running.cancel()"))
    assert _messages(path, "TRD3") == []


def test_closure_wrapper_task_cancelled_before_leaving_the_loop_is_not_reported(tmp_path: Path) -> None:
    # gpt-researcher's fix: the task is cancelled on the way out of the loop.
    source = CLOSURE.replace("TAIL", "return None").replace(
        "        except Exception:\n            break",
        "        except Exception:\n            if running:\n                running.cancel()\n            break",
    )
    assert "running.cancel()" in source
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_two_callers_of_one_closure_make_one_finding(tmp_path: Path) -> None:
    source = CLOSURE.replace("TAIL", "return None").replace(
        "            running = run_long(work(data))",
        "            if data == 'a':\n                running = run_long(work(data))\n"
        "            else:\n                running = run_long(work(data + 'b'))",
    )
    assert [m.split(" TRD302")[0] for m in _messages(_write(tmp_path, source), "TRD3")] == ["10"]


def test_closure_that_keeps_its_task_is_no_wrapper(tmp_path: Path) -> None:
    source = CLOSURE.replace("TAIL", "return None").replace(
        "        return asyncio.create_task(safe_run())",
        "        task = asyncio.create_task(safe_run())\n        websocket.tasks.add(task)\n        return task",
    )
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_name_rebound_in_the_function_is_not_the_closure(tmp_path: Path) -> None:
    source = CLOSURE.replace("TAIL", "return None").replace(
        "    while True:", "    run_long = websocket.spawn\n    while True:"
    )
    assert _messages(_write(tmp_path, source), "TRD3") == []


# --- a drop after an await joins the task only when the await waits for something --------------

ENTITY = """\
import asyncio


class Fan:
    async def init(self):
        self._client = await Client.create(self.host)
        self._observer = None

    async def async_added_to_hass(self):
        self._observer = asyncio.create_task(self._observe())

    async def _observe(self):
        async for status in self._client.observe():
            self.status = status
"""


def test_reset_after_a_creation_await_ends_nothing(tmp_path: Path) -> None:
    assert _messages(_write(tmp_path, ENTITY), "TRD3") == [
        "10 TRD303 `self._observer` is never cancelled or awaited; add a shutdown method that cancels and awaits it"
    ]


def test_reset_after_waiting_for_the_worker_to_finish_joins_it(tmp_path: Path) -> None:
    source = ENTITY + """
    async def stop(self):
        self._close.set()
        await self._closed.wait()
        self._observer = None
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []


# --- an async generator's yield is an exit -------------------------------------------------------

STREAM = """\
import asyncio


async def stream(urls, crawl):
    monitor = asyncio.create_task(watch())
    try:
        active = []
        queue = list(urls)
        while queue or active:
            while queue and len(active) < 4:
                task = asyncio.create_task(crawl(queue.pop()))
                active.append(task)
            done, pending = await asyncio.wait(active, return_when=asyncio.FIRST_COMPLETED)
            for finished in done:
                yield finished.result()
            active = list(pending)
    finally:
        monitor.cancel()
        CLEANUP


async def watch():
    while True:
        await asyncio.sleep(1)
"""


def test_tasks_held_at_a_yield_with_no_finally_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, STREAM.replace("CLEANUP", "pass"))
    assert _messages(path, "TRD3") == [
        "11 TRD302 task from `asyncio.create_task(...)` in `active` runs on when the consumer stops this "
        "generator at a `yield`; cancel it in a `finally`"
    ]


def test_tasks_cancelled_in_the_finally_are_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, STREAM.replace("CLEANUP", "for task in active:\n            task.cancel()"))
    assert _messages(path, "TRD3") == []


def test_a_generator_that_awaits_its_task_before_each_yield_is_not_reported(tmp_path: Path) -> None:
    source = """\
import asyncio


async def stream(urls, crawl):
    for url in urls:
        task = asyncio.create_task(crawl(url))
        yield await task
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_a_local_task_used_after_the_yield_is_reported(tmp_path: Path) -> None:
    source = """\
import asyncio


async def relay(source, beat):
    pinger = asyncio.create_task(beat())
    async for item in source:
        yield item
    pinger.cancel()
"""
    assert _messages(_write(tmp_path, source), "TRD3") == [
        "5 TRD302 task from `asyncio.create_task(...)` in `pinger` runs on when the consumer stops this "
        "generator at a `yield`; cancel it in a `finally`"
    ]


def test_a_local_task_cancelled_in_a_finally_around_the_yield_is_not_reported(tmp_path: Path) -> None:
    source = """\
import asyncio


async def relay(source, beat):
    pinger = asyncio.create_task(beat())
    try:
        async for item in source:
            yield item
    finally:
        pinger.cancel()
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_a_task_handed_on_is_its_new_holders(tmp_path: Path) -> None:
    source = """\
import asyncio


async def relay(self, source, beat):
    pinger = asyncio.create_task(beat())
    self.pingers.append(pinger)
    async for item in source:
        yield item
    pinger.cancel()
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []


# --- a gathered task cancelled by a handler of one error only ------------------------------------

GATHER = """\
import asyncio


class Tripwire(Exception):
    pass


async def turn(check, model):
    model_task = asyncio.create_task(model())
    try:
        verdict, result = await asyncio.gather(check(), model_task)
    except HANDLED:
        model_task.cancel()
        raise
    return verdict, result
"""


def test_task_cancelled_on_one_error_of_a_gather_only_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, GATHER.replace("HANDLED", "Tripwire"))
    assert _messages(path, "TRD3") == [
        "9 TRD302 task `model_task` from `asyncio.create_task(...)` is cancelled only on `Tripwire`; "
        "other errors from the gather leave it running",
        # The coroutine beside it becomes a task only the gather holds: nothing can cancel it.
        "11 TRD302 `check(...)` runs on when `model_task` fails: the gather's task of it is cancelled by "
        "nothing; make it a task and cancel it",
    ]


def test_task_cancelled_on_every_error_of_a_gather_is_not_reported(tmp_path: Path) -> None:
    assert _messages(_write(tmp_path, GATHER.replace("HANDLED", "BaseException")), "TRD3") == []


def test_task_cancelled_in_a_finally_around_the_gather_is_not_reported(tmp_path: Path) -> None:
    source = GATHER.replace("HANDLED", "Tripwire").replace(
        "    return verdict, result", "    finally:\n        model_task.cancel()\n    return verdict, result"
    )
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_gather_that_returns_exceptions_waits_for_every_task(tmp_path: Path) -> None:
    source = GATHER.replace("HANDLED", "Tripwire").replace(
        "gather(check(), model_task)", "gather(check(), model_task, return_exceptions=True)"
    )
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_a_pytest_fixture_is_resumed_after_its_yield(tmp_path: Path) -> None:
    source = """\
import asyncio

import pytest


@pytest.fixture
async def cache():
    task = asyncio.create_task(invalidate_forever())
    yield task
    task.cancel()
"""
    assert _messages(_write(tmp_path, source, "test_cache.py"), "TRD3") == []


def test_a_task_that_drops_itself_at_its_end_is_one_shot_work(tmp_path: Path) -> None:
    source = """\
import asyncio


class Tracker:
    def __init__(self):
        self._save_task = None

    async def _debounced_save(self):
        await asyncio.sleep(30)
        await self.save()
        self._save_task = None

    def schedule(self):
        if self._save_task is None or self._save_task.done():
            self._save_task = asyncio.create_task(self._debounced_save())

    async def save(self):
        pass
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []


# --- as_completed of coroutines, left early ----------------------------------------------------

SYNC = """\
import asyncio


async def sync_forever(client):
    while True:
        try:
            coros = [client.sync(), client.send_to_device()]
            if client.should_upload_keys:
                coros.append(client.keys_upload())
            for response in asyncio.as_completed(coros):
                await client.run_callbacks(await response)
        except asyncio.CancelledError:
            HANDLER
"""


def test_as_completed_loop_left_by_an_expected_cancellation_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, SYNC.replace("HANDLER", "break"))
    assert _messages(path, "TRD3") == [
        "10 TRD304 tasks `asyncio.as_completed(...)` makes of coroutines run on when this loop is left early; "
        "make them with `create_task` and cancel them in `finally`"
    ]


def test_as_completed_loop_whose_cancellation_propagates_is_not_reported(tmp_path: Path) -> None:
    # (every other error is caught in the body and the loop goes on: only a cancellation leaves it)
    source = SYNC.replace("HANDLER", "raise").replace(
        "                await client.run_callbacks(await response)\n",
        "                try:\n                    await client.run_callbacks(await response)\n"
        "                except Exception as error:\n                    client.log(error)\n",
    )
    assert "client.log(error)" in source
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_as_completed_loop_left_by_an_error_is_reported(tmp_path: Path) -> None:
    # (DevilXD/TwitchDropsMiner 8ee49beb, round 11's development half: "asyncio.as_completed
    # doesn't cancel tasks on errors"; tasks made inline are held by nothing else either)
    source = """\
import asyncio


async def fetch_all(client, chunks):
    merged = {}
    for coro in asyncio.as_completed([client.fetch(c) for c in chunks]):
        merged.update(await coro)
    return merged


async def add_all(gui, campaigns):
    for i, coro in enumerate(asyncio.as_completed([asyncio.create_task(gui.add(c)) for c in campaigns]), start=1):
        await coro
        gui.progress(i)
"""
    message = ("TRD304 tasks `asyncio.as_completed(...)` makes of coroutines run on when this loop is left early; "
               "make them with `create_task` and cancel them in `finally`")
    assert _messages(_write(tmp_path, source), "TRD3") == [f"6 {message}", f"12 {message}"]


def test_as_completed_loop_in_a_test_ends_with_the_test(tmp_path: Path) -> None:
    source = """\
import asyncio


async def test_fetch_all(client, chunks):
    for coro in asyncio.as_completed([client.fetch(c) for c in chunks]):
        assert await coro
"""
    path = tmp_path / "tests" / "test_fetch.py"
    path.parent.mkdir()
    path.write_text(source)
    assert _messages(path, "TRD3") == []


def test_as_completed_loop_that_returns_early_is_reported(tmp_path: Path) -> None:
    source = """\
import asyncio


async def first_book(exchange, names):
    fetches = [exchange.fetch(name) for name in names]
    for next_done in asyncio.as_completed(fetches):
        book = await next_done
        if book is None:
            return None
    return book
"""
    assert _messages(_write(tmp_path, source), "TRD3") == [
        "6 TRD304 tasks `asyncio.as_completed(...)` makes of coroutines run on when this loop is left early; "
        "make them with `create_task` and cancel them in `finally`"
    ]


def test_as_completed_of_tasks_the_function_holds_is_not_this_rule(tmp_path: Path) -> None:
    source = """\
import asyncio


async def first_book(exchange, names):
    fetches = [asyncio.create_task(exchange.fetch(name)) for name in names]
    try:
        for next_done in asyncio.as_completed(fetches):
            book = await next_done
            if book is None:
                return None
    finally:
        for fetch in fetches:
            fetch.cancel()
    return book
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []


def test_a_context_managers_yield_is_left_early_only_by_an_error(tmp_path: Path) -> None:
    source = """\
import asyncio
from contextlib import asynccontextmanager


@asynccontextmanager
async def lifespan(app):
    ticker = asyncio.create_task(app.tick())
    yield
    ticker.cancel()
"""
    assert _messages(_write(tmp_path, source), "TRD3") == []
