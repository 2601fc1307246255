"""Session 93: a test case's teardown that closes what its setup opened ends it whatever a test
does (issue 28 point 5: an end of life followed; TRD202's precision).

Read on a Discord bot nobody on the team had read (a fresh labelled set): an
``IsolatedAsyncioTestCase`` opened ``self.data`` in ``asyncSetUp`` and closed it in
``asyncTearDown``; one test closed it itself, after an ``await`` on it, and opened a new one for
the teardown to close. TRD202 said ``self.data`` "is closed in the test only after an ``await``
on it, which raises once it is broken": if that ``await`` raises, the test leaves before its
close, but the teardown runs right after and closes it. A test's close that an error skips is
left to its case's ``tearDown``/``asyncTearDown`` when that closes the attribute with nothing
failing on the way. (Not to a release method of an application's class: between a failed
``check_login()`` and the owner's ``stop()`` a reconnect may replace what was left open; a
development-pool finding of that shape, labelled true, stays.)

Twins: no teardown (reported, twice: each binding); a teardown that uses the attribute before
closing it (the teardown itself is judged: reported).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CASE = """\
import unittest

import aiosqlite


class Store:
    def __init__(self, path: str) -> None:
        self.path = path
        self.db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        self.db = await aiosqlite.connect(self.path)

    async def record(self, text: str) -> None:
        await self.db.execute("INSERT INTO log VALUES (?)", (text,))

    async def close(self) -> None:
        await self.db.close()


class StoreTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.store = Store(":memory:")
        await self.store.open()
{teardown}
    async def test_reopen(self):
        await self.store.record("one")
        await self.store.close()
        self.store = Store(":memory:")
        await self.store.open()
"""

TEARDOWN = """
    async def asyncTearDown(self):
        await self.store.close()
"""

USING_TEARDOWN = """
    async def asyncTearDown(self):
        await self.store.record("end")
        await self.store.close()
"""


def _found(tmp_path: Path, teardown: str) -> list[str]:
    return tree_findings(tmp_path, {"tests/test_store.py": CASE.replace("{teardown}", teardown)}, "TRD2")


def _after_use(line: int, method: str, use: str) -> str:
    return (
        f"test_store.py:{line}:9 TRD202 `self.store` is closed in `{method}()` only after `await self.store.{use}()`, "
        "which raises once it is broken; close it in a `finally`"
    )


def test_a_close_in_a_test_is_left_to_the_teardown_that_closes_it(tmp_path: Path) -> None:
    assert _found(tmp_path, TEARDOWN) == []


def test_twin_no_teardown(tmp_path: Path) -> None:
    assert _found(tmp_path, "") == [_after_use(23, "test_reopen", "record"), _after_use(29, "test_reopen", "record")]


def test_twin_a_teardown_that_uses_it_before_closing_it(tmp_path: Path) -> None:
    assert _found(tmp_path, USING_TEARDOWN) == [_after_use(23, "asyncTearDown", "record"), _after_use(33, "asyncTearDown", "record")]
