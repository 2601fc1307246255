"""Session 31: a TRD202 fix goes only where the owner's life is proven to end.

The class's release method is found by its name (``close()``, a configured shutdown name, a
framework's teardown) or, for a teardown named its own way (``finish()``), as a method that
releases something the class acquires. The second is a guess: lnbits/lnbits ``lnbits/db.py``
keeps an engine and a lock on each ``Database``, and its ``@asynccontextmanager connect()``,
entered by every query, releases the lock in its ``finally``; the fix appended the engine's
``dispose()`` there, after every query. Now:

- a method found only because it releases something is named and fixed only when
  ``facts.end_of_life`` proves it the end of the object's life, else the finding says to add a
  ``close()`` and its help says why there is no fix; a method the class names as its end is
  unchanged (twin);
- a call a ``with`` or ``async with`` enters is followed by the body that uses what it gave: a
  method of the class entering ``self.connect()`` goes on after it, and a function's
  ``async with db.connect()`` is no last use of ``db``;
- an SQLAlchemy engine made on a ``NullPool`` holds nothing to release (bomzheg/Shvatka's alembic
  ``env.py``: ``AsyncEngine(create_engine(url, poolclass=pool.NullPool))``), nor does a class
  that keeps one; the same engine on any other pool is still reported (twins).
"""

from __future__ import annotations

from pathlib import Path

from tests.programs import copy_program, run_python
from tradelint.api import check_paths, fix_source

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"

ADD_CLOSE = "TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`"


def _findings(tmp_path: Path, source: str) -> list[tuple[str, str | None, bool]]:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    return [
        (f"{f.line}:{f.column} {f.code} {f.message}", f.help, f.fix is not None)
        for f in check_paths([path], select=["TRD202"])
    ]


LOCK_PER_USE = """\
import asyncio
import aiohttp


class Client:
    def __init__(self):
        self.session = aiohttp.ClientSession()
        self.lock = asyncio.Lock()

    async def connect(self{param}):
        await self.lock.acquire()
        try:
            return await self.session.get({url})
        finally:
            self.lock.release()
{extra}"""


def test_a_method_that_releases_the_lock_it_took_is_no_end_of_life(tmp_path: Path) -> None:
    """``connect()`` releases ``self.lock`` (acquired in ``__init__``), so it was taken for the
    class's teardown, and the session closed there at every request."""
    source = LOCK_PER_USE.format(param="", url='"https://example.com"', extra="")
    assert _findings(tmp_path, source) == [
        (
            f"7:9 {ADD_CLOSE}",
            "no fix: `connect()` is not shown to end a `Client`: no `__aexit__`, teardown or last use calls it",
            False,
        )
    ]
    assert fix_source(source, tmp_path / "m.py", select=["TRD202"]).text == source


def test_a_method_taking_an_argument_was_never_the_teardown(tmp_path: Path) -> None:
    """``connect(self, url)`` needs an argument: never a release method, before or now."""
    source = LOCK_PER_USE.format(param=", url", url="url", extra="")
    assert _findings(tmp_path, source) == [
        (f"7:9 {ADD_CLOSE}", "Each `Client` leaks the `aiohttp.ClientSession(...)` it makes in `__init__()`", False)
    ]


def test_twin_the_close_the_class_names_takes_the_fix(tmp_path: Path) -> None:
    """The same class with an ``async def close()`` that releases what it holds: the close goes
    there, not in ``connect()``."""
    extra = "\n    async def close(self):\n        self.lock = None\n"
    source = LOCK_PER_USE.format(param="", url='"https://example.com"', extra=extra)
    assert _findings(tmp_path, source) == [
        (
            "7:9 TRD202 `self.session` is never closed; call its `close()` in `close()`",
            "Each `Client` leaks the `aiohttp.ClientSession(...)` it makes in `__init__()`",
            True,
        )
    ]
    fixed = fix_source(source, tmp_path / "m.py", select=["TRD202"]).text
    assert fixed == source.replace(
        "        self.lock = None\n",
        "        self.lock = None\n        if self.session is not None:\n            await self.session.close()\n",
    )


ENTERED_CONNECT = """\
import asyncio
from contextlib import asynccontextmanager

import aiohttp


class Database:
    def __init__(self, name):
        self.session = aiohttp.ClientSession()
        self.lock = asyncio.Lock()

    @asynccontextmanager
    async def connect(self):
        await self.lock.acquire()
        try:
            yield self.session
        finally:
            self.lock.release()
{extra}"""


def test_a_connect_entered_by_the_class_itself_goes_on(tmp_path: Path) -> None:
    """lnbits's shape: ``fetch()`` enters ``self.connect()`` and queries in its body."""
    extra = """
    async def fetch(self, url):
        async with self.connect() as conn:
            return await conn.get(url)
"""
    assert _findings(tmp_path, ENTERED_CONNECT.format(extra=extra)) == [
        (
            f"9:9 {ADD_CLOSE}",
            "no fix: `fetch()` calls `connect()` and goes on: `connect()` is not the end of a `Database`",
            False,
        )
    ]


def test_a_connect_entered_by_a_function_is_no_last_use(tmp_path: Path) -> None:
    """A module's ``db`` entered in a function, the body using what ``connect()`` gave: the
    call was taken for ``db``'s last use, so ``connect()`` for the end of its life."""
    extra = """

db = Database("main")


async def get_user(user_id):
    async with db.connect() as conn:
        return await conn.get(f"/users/{user_id}")
"""
    assert _findings(tmp_path, ENTERED_CONNECT.format(extra=extra)) == [
        (
            f"9:9 {ADD_CLOSE}",
            "no fix: `connect()` is not shown to end a `Database`: no `__aexit__`, teardown or last use calls it",
            False,
        )
    ]


OWN_TEARDOWN = """\
import aiohttp
import websockets


class Poller:
    def __init__(self):
        self._session = aiohttp.ClientSession()
        self._stream = websockets.connect("ws://example.com")

    async def finish(self):
        await self._stream.close()


async def main():
    poller = Poller()
    await poller.finish()
{after}"""


def test_a_teardown_named_its_own_way_proven_by_its_last_use_takes_the_fix(tmp_path: Path) -> None:
    """``finish()`` is found as the method that closes ``self._stream``, and every call of it is
    the instance's last use: the end of its life, where the session's close goes."""
    source = OWN_TEARDOWN.format(after="")
    assert _findings(tmp_path, source) == [
        (
            "7:9 TRD202 `self._session` is never closed; call its `close()` in `finish()`",
            "Each `Poller` leaks the `aiohttp.ClientSession(...)` it makes in `__init__()`",
            True,
        )
    ]
    fixed = fix_source(source, tmp_path / "m.py", select=["TRD202"]).text
    assert fixed == source.replace(
        "        await self._stream.close()\n",
        "        await self._stream.close()\n        if self._session is not None:\n"
        "            await self._session.close()\n",
    )


def test_twin_the_same_teardown_used_after_is_not_proven(tmp_path: Path) -> None:
    source = OWN_TEARDOWN.format(after="    print(poller)\n")
    assert _findings(tmp_path, source) == [
        (
            "7:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
            "no fix: `finish()` is not shown to end a `Poller`: no `__aexit__`, teardown or last use calls it",
            False,
        )
    ]


# --- the programs -----------------------------------------------------------------------------


def test_program_a_lock_released_per_request_gets_no_fix(tmp_path: Path) -> None:
    """Run: two requests through ``connect()``. The fix once closed the session at the end of
    ``connect()``, and the second request failed with "Session is closed"; now there is none."""
    program = copy_program(DATA / "lock_released_per_use", tmp_path)
    original = (program / "main.py").read_text(encoding="utf-8")
    before = run_python(["main.py"], program, timeout=120)
    assert (before.returncode, before.stdout) == (0, "got 200\ngot 200\n")
    check = run_python(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "--select", "TRD202", "main.py"], program)
    assert check.stdout.splitlines() == [f"main.py:15:9: {ADD_CLOSE}"]
    fixed = run_python(["-m", "tradelint", "--no-cache", "--fix", "--select", "TRD202", "."], program)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert (program / "main.py").read_text(encoding="utf-8") == original
    after = run_python(["main.py"], program, timeout=120)
    assert (after.returncode, after.stdout) == (0, "got 200\ngot 200\n")


def test_program_twin_the_session_is_closed_in_close(tmp_path: Path) -> None:
    """Run: the same client with a ``close()`` its user calls when done; fixed, the session is
    closed there, both requests still succeed, and nothing is reported unclosed."""
    program = copy_program(DATA / "lock_released_with_close", tmp_path)
    before = run_python(["main.py"], program, timeout=120)
    assert (before.returncode, before.stdout) == (0, "got 200\ngot 200\nclosing\n")
    assert "Unclosed client session" in before.stderr
    fixed = run_python(["-m", "tradelint", "--no-cache", "--fix", "--select", "TRD202", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async def close(self) -> None:\n"
        '        print("closing")\n'
        "        if self.session is not None:\n"
        "            await self.session.close()\n"
    ) in text
    after = run_python(["main.py"], program, timeout=120)
    assert (after.returncode, after.stdout, after.stderr) == (0, "got 200\ngot 200\nclosing\n", "")


# --- an engine on a NullPool --------------------------------------------------------------------


def _all_findings(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


ALEMBIC_ENV = """\
from sqlalchemy import create_engine
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import AsyncEngine


async def run_migrations_online(url):
    connectable = AsyncEngine(
        create_engine(
            url=url,{pool}
        )
    )
    async with connectable.connect() as connection:
        await connection.run_sync(print)
"""


def test_an_engine_wrapping_a_null_pool_engine_holds_nothing(tmp_path: Path) -> None:
    assert _all_findings(tmp_path, ALEMBIC_ENV.format(pool="\n            poolclass=pool.NullPool,")) == []


def test_twin_the_same_engine_on_its_default_pool_is_reported(tmp_path: Path) -> None:
    assert _all_findings(tmp_path, ALEMBIC_ENV.format(pool="")) == [
        "7:5 TRD201 `connectable` (`AsyncEngine(...)`) is never closed; call `await connectable.dispose()` in a `finally`"
    ]


MAKER = """\
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, NullPool


async def query(url):
    engine = create_async_engine(url, poolclass={pool})
    async with engine.connect() as connection:
        await connection.run_sync(print)


async def wrapped(url):
    sync_engine = create_engine(url, poolclass={pool})
    engine = AsyncEngine(sync_engine)
    async with engine.connect() as connection:
        await connection.run_sync(print)


class Store:
    def __init__(self, url):
        self.engine = create_async_engine(url, poolclass={pool})

    async def count(self):
        async with self.engine.connect() as connection:
            await connection.run_sync(print)


async def use(url):
    store = Store(url)
    print(store)
"""


def test_engines_made_on_a_null_pool_hold_nothing(tmp_path: Path) -> None:
    """The maker's ``poolclass=NullPool``: a local engine, one wrapping a sync engine bound to a
    local, one kept on ``self``, and the class keeping it: none reported."""
    assert _all_findings(tmp_path, MAKER.format(pool="NullPool")) == []


def test_twin_engines_made_on_a_queue_pool_are_reported(tmp_path: Path) -> None:
    assert _all_findings(tmp_path, MAKER.format(pool="AsyncAdaptedQueuePool")) == [
        "7:5 TRD201 `engine` (`create_async_engine(...)`) is never closed; call `await engine.dispose()` in a `finally`",
        "14:5 TRD201 `engine` (`AsyncEngine(...)`) is never closed; call `await engine.dispose()` in a `finally`",
        "21:9 TRD202 `self.engine` is never closed; add a `close()` method that calls its `dispose()`",
        "29:5 TRD201 `Store(...)` never closes its `self.engine`; give the class an async `close()`, call it",
    ]
