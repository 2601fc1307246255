"""Session 88: what can reach an ``except`` with a value its ``try`` closes still open (issue 28,
point 8; precision on applications).

Read on heads70 half a's random sample (``heads70_a3.tsv``): a trading bot's websocket check
makes its client, starts its reader task, sleeps 30 s, logs, then awaits ``client.stop()``; its
``except Exception: return False`` was reported as leaving the client open. No error of the
``try`` body can reach that handler with the client open: ``asyncio.sleep`` raises only the
task's cancellation, which ``except Exception`` does not catch, a plain call (``create_task``,
``logger.info``) is not awaited, and an error of the awaits after ``stop()`` finds the client
stopped. Twins: a request awaited before the stop, a handler that catches the cancellation
(bare, ``BaseException``, ``CancelledError``), and a stop on one branch only.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

CHECK = """\
import asyncio
import logging

logger = logging.getLogger(__name__)


class Client:
    async def run(self):
        await asyncio.sleep(1)

    async def fetch(self):
        raise ConnectionError("unreachable")

    async def stop(self):
        pass


async def check(flag):
    try:
        client = Client()
        task = asyncio.create_task(client.run())
        {before}
        logger.info("stopping")
        {stop}
        await asyncio.wait_for(task, timeout=5.0)
        return True
    {handler}
        logger.exception("check failed")
        return False
"""


def check(tmp_path: Path, before: str = "await asyncio.sleep(30)", stop: str = "await client.stop()",
          handler: str = "except Exception:") -> list[str]:
    return source_findings(tmp_path, CHECK.format(before=before, stop=stop, handler=handler), "TRD2")


def left_open(line: int) -> list[str]:
    return [f"20:9 TRD201 `client` (`Client(...)`) is closed here on one path only: the `return` at line {line} leaves it open; "
            "close it in a `finally`"]


def test_a_pause_before_the_stop_and_awaits_after_it_cannot_reach_an_except_exception_with_it_open(tmp_path: Path) -> None:
    assert check(tmp_path) == []
    assert check(tmp_path, before="await asyncio.sleep(delay=30)") == []


def test_an_await_after_an_unconditional_stop_finds_it_stopped(tmp_path: Path) -> None:
    assert check(tmp_path, before="pass") == []


def test_twin_a_request_awaited_before_the_stop_may_fail_into_the_handler(tmp_path: Path) -> None:
    assert check(tmp_path, before="await client.fetch()") == left_open(29)


def test_twin_a_handler_that_catches_the_cancellation_is_reached_by_the_pause(tmp_path: Path) -> None:
    assert check(tmp_path, handler="except BaseException:") == left_open(29)
    assert check(tmp_path, handler="except asyncio.CancelledError:") == left_open(29)
    assert check(tmp_path, handler="except (OSError, asyncio.CancelledError):") == left_open(29)


def test_twin_a_stop_on_one_branch_leaves_the_awaits_after_it_reaching_the_handler(tmp_path: Path) -> None:
    assert check(tmp_path, stop="if flag:\n            await client.stop()") == left_open(30)
