"""Session 26 (issue 28): the library table's protocol rule counts a release that ``__aexit__``
awaits under a test of the object's own state (psycopg's ``AsyncConnection``: ``if
self.closed: return``, then ``if not getattr(self, "_pool", None): await self.close()``), never
one under a test of the exception arguments (``commit()`` or ``rollback()`` by outcome) nor one
in an ``except``; and a class method that says it returns its class (``-> Self``) and returns a
local on every path makes one (``AsyncConnection.connect``). Each shape beside its negative
twins; then the shipped table used on ``psycopg`` code (ansible/awx ``e873bb13``)."""

from __future__ import annotations

import sys
from pathlib import Path

from tradelint.api import check_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

LIBRARY = '''\
from typing import Self


class Connection:
    """Closed unless a pool owns it, after commit or rollback by outcome."""

    async def commit(self):
        self.done = True

    async def rollback(self):
        self.done = False

    async def close(self):
        self.closed = True

    @classmethod
    async def connect(cls, dsn: str = "") -> Self:
        rv = await _wait(cls._connect_gen(dsn))
        return rv

    @classmethod
    async def cached(cls) -> Self:
        """Negative: an instance the class keeps (``cls._instance``), shared."""
        conn = cls._instance
        return conn

    @classmethod
    def _connect_gen(cls, dsn):
        return cls()

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if self.closed:
            return
        if exc_type:
            try:
                await self.rollback()
            except Exception:
                pass
        else:
            await self.commit()
        if not getattr(self, "_pool", None):
            await self.close()


async def _wait(value):
    return value


class Transaction:
    """Negative: only commit or roll back, by outcome."""

    async def commit(self):
        self.done = True

    async def rollback(self):
        self.done = False

    async def close(self):
        self.done = True

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is None:
            await self.commit()
        else:
            await self.rollback()


class Failing:
    """Negative: closed only when the block raised (in an ``except``, or under ``if exc``)."""

    async def close(self):
        self.done = True

    async def flush(self):
        self.done = False

    async def __aexit__(self, *exc):
        try:
            await self.flush()
        except Exception:
            await self.close()
        if exc[0] is not None:
            await self.close()


class Outcome:
    """Negative: an early return when the block raised, then the guarded close: by outcome."""

    async def close(self):
        self.done = True

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is not None:
            return
        if self._open:
            await self.close()


class Locked:
    """A release under a lock and a test of its own state."""

    async def aclose(self):
        self.done = True

    async def __aexit__(self, *exc):
        async with self._lock:
            if self._open:
                await self.aclose()


class Released:
    """Negative: ``release()`` gives back what ``__aenter__`` took."""

    async def release(self):
        self.held = False

    async def __aexit__(self, *exc):
        if self.held:
            await self.release()
'''


def test_a_release_under_a_test_of_the_objects_own_state_ends_it(tmp_path: Path) -> None:
    (tmp_path / "pglib-1.0" / "pglib").mkdir(parents=True)
    (tmp_path / "pglib-1.0" / "pglib" / "__init__.py").write_text(LIBRARY, encoding="utf-8")
    found = gen.generate([tmp_path / "pglib-1.0"])
    assert {name: (e.close, e.awaited, e.lazy, e.rule, e.ends, e.given) for name, e in found.items()} == {
        "pglib.Connection": ("close", True, True, "protocol", (), ()),
        # Awaited: an instance, connected.
        "pglib.Connection.connect": ("close", True, False, "factory", (), ()),
        "pglib.Locked": ("aclose", True, True, "protocol", (), ()),
    }


def test_the_shipped_table_knows_psycopgs_async_connection(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        """\
import psycopg


async def leaked(dsn):
    conn = await psycopg.AsyncConnection.connect(dsn)
    await conn.execute("select 1")


async def ended(dsn):
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        await conn.execute("select 1")
""",
        encoding="utf-8",
    )
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([tmp_path / "app.py"])] == [
        "5 TRD201 `conn` (`psycopg...connect(...)`) is never closed; call `await conn.close()` in a `finally`",
    ]
