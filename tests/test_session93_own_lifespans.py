"""Session 93: a race under the project's own ``@asynccontextmanager`` in the main coroutine of
``asyncio.run`` cannot be cancelled (issue 28 point 6, TRD304's precision on application code).

Read on a Telegram bot nobody on the team had read (a fresh labelled set): ``main()``, run only by
``asyncio.run(main())``, entered ``async with app_lifespan():`` (the project's own generator,
starting and stopping its services around one ``yield``) and inside it raced the bot's task
against a shutdown waiter with ``asyncio.wait(..., FIRST_COMPLETED)``. Signals set the event; no
one holds the main task to cancel it, and ``asyncio.run`` cancels what is left when it returns.
TRD304 said both tasks "outlive a cancelled wait": it took any ``async with`` around the wait for
something that may cancel it (a timeout, a task group). A generator's context runs only before
and after its body: it cannot cancel it, nor go on after its cancellation unless a handler
around its ``yield`` catches that.

Twins: a lifespan whose ``yield`` is under ``except asyncio.CancelledError`` (it goes on after a
cancellation: reported); a timeout around the wait (reported).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

MAIN = """\
import asyncio
import contextlib

shutdown_event = asyncio.Event()


@contextlib.asynccontextmanager
async def app_lifespan():
    print("start")
{body}
    print("stop")


async def serve():
    await asyncio.sleep(3600)


async def main() -> None:
    async with {context}:
        bot_task = asyncio.create_task(serve())
        shutdown_wait = asyncio.create_task(shutdown_event.wait())
        done, pending = await asyncio.wait({bot_task, shutdown_wait}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
"""

PLAIN = "    yield"
SWALLOWING = "    try:\n        yield\n    except asyncio.CancelledError:\n        print(\"cancelled\")"


def _files(body: str = PLAIN, context: str = "app_lifespan()") -> dict[str, str]:
    return {"bot/__init__.py": "", "bot/main.py": MAIN.replace("{body}", body).replace("{context}", context)}


def _raced(line: int, name: str) -> str:
    return f"main.py:{line}:9 TRD304 task `{name}` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`"


def test_a_race_under_the_projects_own_lifespan_in_asyncio_run_is_not_reported(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(), "TRD3") == []


def test_twin_a_lifespan_that_goes_on_after_a_cancellation(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(body=SWALLOWING), "TRD3") == [_raced(23, "bot_task"), _raced(24, "shutdown_wait")]


def test_twin_a_timeout_around_the_race(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(context="asyncio.timeout(60)"), "TRD3") == [_raced(20, "bot_task"), _raced(21, "shutdown_wait")]
