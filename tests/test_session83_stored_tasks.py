"""Session 83: a task made into a local and then stored in a place (issue 28, point 6).

``task = asyncio.create_task(self._run()); self._task = task`` keeps the task in ``self._task`` as
surely as ``self._task = asyncio.create_task(self._run())`` does, and ``task = create_task(poller());
app.state.poller = task`` in a lifespan or a startup handler keeps it in the application's state
as ``app.state.poller = create_task(poller())`` does. Both direct forms were reported when nothing
ended the place; the two-step forms were silent (the local was "stored", so kept). The task is now
judged as the place's (``models/tasks/stored_locals.stored_once``) when the function does nothing
else with the local than look at it (or, for a place of the application, give it a done-callback). Twins: the class cancels the
attribute at its end, the function awaits the local itself or returns it, the shutdown reads the
place.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

FEED = """\
import asyncio


class Feed:
    async def _run(self):
        while True:
            await asyncio.sleep(30)

    async def start(self):
        task = asyncio.create_task(self._run())
        self._task = task

    async def close(self):
        CLOSE
"""


def test_a_local_task_stored_on_self_is_the_attributes(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FEED.replace("CLOSE", "print('closed')"), "TRD3") == [
        "11:9 TRD303 `self._task` is never cancelled or awaited; cancel it in `close()`"]


def test_twin_the_close_cancels_the_attribute(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FEED.replace("CLOSE", "self._task.cancel()"), "TRD3") == []


def test_twin_the_function_awaits_the_local(tmp_path: Path) -> None:
    source = FEED.replace("        self._task = task\n", "        self._task = task\n        await task\n").replace("CLOSE", "pass")
    assert source_findings(tmp_path, source, "TRD3") == []


def test_twin_a_done_callback_given_to_the_local(tmp_path: Path) -> None:
    # (``_clear`` may drop the attribute once the task is done: the class's reading of
    # ``self._task`` does not see it, so the local is left as it was judged before.)
    source = FEED.replace("        self._task = task\n", "        task.add_done_callback(self._clear)\n        self._task = task\n").replace("CLOSE", "pass")
    assert source_findings(tmp_path, source, "TRD3") == []


def test_twin_the_function_returns_the_local(tmp_path: Path) -> None:
    source = FEED.replace("        self._task = task\n", "        self._task = task\n        return task\n").replace("CLOSE", "pass")
    assert source_findings(tmp_path, source, "TRD3") == []


LIFESPAN = """\
import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI


async def poller():
    while True:
        await asyncio.sleep(5)


@asynccontextmanager
async def lifespan(app: FastAPI):
    task = asyncio.create_task(poller())
    app.state.poller = task
    yield
AFTER

app = FastAPI(lifespan=lifespan)
"""


def test_a_local_task_stored_in_the_application_state_at_startup(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LIFESPAN.replace("AFTER", ""), "TRD3") == [
        "15:5 TRD302 task kept in `app...poller` at startup is never cancelled at shutdown; cancel it in a shutdown handler"]


def test_twin_the_code_after_the_yield_cancels_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LIFESPAN.replace("AFTER", "    app.state.poller.cancel()\n"), "TRD3") == []


STARTUP = """\
import asyncio

from aiohttp import web


async def ticker(app):
    while True:
        await asyncio.sleep(1)


async def on_startup(app):
    task = asyncio.create_task(ticker(app))
    app["ticker"] = task


async def on_cleanup(app):
    CLEANUP


def make_app():
    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
"""


def test_a_local_task_kept_in_the_app_by_a_startup_handler(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STARTUP.replace("CLEANUP", "print('bye')"), "TRD3") == [
        "13:5 TRD302 task kept in `app['ticker']` at startup is never cancelled at shutdown; cancel it in a shutdown handler"]


def test_twin_the_cleanup_cancels_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STARTUP.replace("CLEANUP", "app['ticker'].cancel()"), "TRD3") == []
