"""Session 75: a receiver that closes only what it made itself (issue 28 point 1), and a module
that runs a coroutine at its top level is a script.

1. ``Client(aiohttp.ClientSession())`` hands the session to a class that keeps it, but whose
   ``close()`` closes it only under a flag of its own (``if self._close_session:``) that
   ``__init__`` leaves false when a session is given: ownership does not move, the caller's
   session is never closed, and it is reported where it is made. The flag is read in its usual
   forms: set in the branch that makes the session, ``self._owns = session is None``, a class
   default of ``False`` set true by a lazy getter that makes it; the guard as ``if self.F:``,
   ``if self._session and self.F:`` or ``if not self.F: return``. Twins: a flag the caller sets
   (``close_session=True``, a dataclass field), a close that is not guarded (or a base's
   ``close()`` run through ``super()``), a ``setattr`` in the class, the parameter passed
   through a call before the flag is set, the value kept in a second attribute, a caller that
   closes the session itself, another module that sets the flag on an instance
   (``client._close_session = True``, as fredrike/pydaikin ``69cf5c77``'s factory does through
   ``setattr``): none reported.
2. A module that runs ``asyncio.run(check())`` (or ``anyio.run(fetch)``, ``trio.run(fetch)``,
   which call the function they are given) at its top level is a script, as one with an ``if
   __name__ == "__main__":`` block is: when every error on the way to the close is caught, only
   the program's end (Ctrl-C) can skip it, and nothing is reported (a development application's
   ``scripts/check_zkp_funding.py``, labelled false in ``benchmarks/labels/apps72.tsv``). Twin:
   the same function in a module that does not run it is reported.
3. The leak is real: a program that hands a session to such a class and closes the class finds
   the session still open.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import tree_findings

LIB = '''\
import aiohttp


class Client:
    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        if session is None:
            session = aiohttp.ClientSession()
            self._close_session = True
        else:
            self._close_session = False
        self._session = session

    async def get(self, url):
        async with self._session.get(url) as r:
            return await r.text()

    async def close(self):
        if self._close_session:
            await self._session.close()


class Compared:
    def __init__(self, session=None):
        self._owns = session is None
        self._session = session or aiohttp.ClientSession()

    async def close(self):
        if not self._owns:
            return
        await self._session.close()


class Lazy:
    _close_session = False

    def __init__(self, session: aiohttp.ClientSession | None = None):
        self._session = session

    async def _get(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._close_session = True
        return self._session

    async def close(self):
        if self._session and self._close_session:
            await self._session.close()


class CallerSays:
    def __init__(self, session, close_session=False):
        self._session = session
        self._close_session = close_session

    async def close(self):
        if self._close_session:
            await self._session.close()


class Always:
    def __init__(self, session=None):
        self._session = session or aiohttp.ClientSession()

    async def close(self):
        await self._session.close()
'''

USE = '''\
import aiohttp

from lib import Always, CallerSays, Client, Compared, Lazy


async def inline(url):
    client = Client(aiohttp.ClientSession())
    try:
        return await client.get(url)
    finally:
        await client.close()


async def local(url):
    session = aiohttp.ClientSession()
    client = Client(session)
    try:
        return await client.get(url)
    finally:
        await client.close()


async def own(url):
    client = Client()
    try:
        return await client.get(url)
    finally:
        await client.close()


async def closed_both(url):
    session = aiohttp.ClientSession()
    client = Client(session)
    try:
        return await client.get(url)
    finally:
        await client.close()
        await session.close()


async def compared():
    c = Compared(aiohttp.ClientSession())
    try:
        pass
    finally:
        await c.close()


async def lazy():
    c = Lazy(aiohttp.ClientSession())
    try:
        pass
    finally:
        await c.close()


async def caller_says():
    c = CallerSays(aiohttp.ClientSession(), close_session=True)
    try:
        pass
    finally:
        await c.close()


async def always():
    c = Always(aiohttp.ClientSession())
    try:
        pass
    finally:
        await c.close()
'''

FACTORY = '''\
import aiohttp

from lib import Client


def make_owning(session):
    client = Client(session)
    client._close_session = True
    return client
'''

# Twins the rule must not read as proof (each class closes a given session on some path).
UNPROVEN = '''\
import dataclasses

import aiohttp


@dataclasses.dataclass
class Field:
    session: aiohttp.ClientSession
    close_session: bool = False

    async def close(self):
        if self.close_session:
            await self.session.close()


class SetAttr:
    def __init__(self, session=None, **options):
        self._session = session
        self._close_session = False
        for key, value in options.items():
            setattr(self, "_" + key, value)

    async def close(self):
        if self._close_session:
            await self._session.close()


class Rebound:
    def __init__(self, session=None):
        if session is not None:
            session = checked(session)
            self._open = True
        else:
            self._open = False
        self._session = session

    async def close(self):
        if self._open:
            await self._session.close()


class Base:
    def __init__(self, session=None):
        self._session = session

    async def close(self):
        await self._session.close()


class Drained(Base):
    def __init__(self, session=None):
        super().__init__(session)
        self._drain = False

    async def close(self):
        if self._drain:
            await self._session.close()
        await super().close()


class TwoAttributes:
    def __init__(self, session=None):
        self.session = session
        self._session = session
        self._closed = False

    async def close(self):
        if self._closed:
            await self.session.close()
        await self._session.close()


class Factory:
    def __init__(self, session=None):
        self._session = session
        self._owns = False

    @staticmethod
    def owning():
        client = Factory(aiohttp.ClientSession())
        client._owns = True
        return client

    async def close(self):
        if self._owns:
            await self._session.close()


def checked(session):
    return session
'''

USE_UNPROVEN = '''\
import aiohttp

from unproven import Drained, Factory, Field, Rebound, SetAttr, TwoAttributes


async def field():
    c = Field(session=aiohttp.ClientSession(), close_session=True)
    await c.close()


async def set_attr():
    c = SetAttr(aiohttp.ClientSession(), close_session=True)
    await c.close()


async def rebound():
    c = Rebound(aiohttp.ClientSession())
    await c.close()


async def drained():
    c = Drained(aiohttp.ClientSession())
    await c.close()


async def two_attributes():
    c = TwoAttributes(aiohttp.ClientSession())
    await c.close()


async def factory():
    c = Factory(aiohttp.ClientSession())
    await c.close()
'''


def test_a_session_handed_to_a_class_that_closes_only_its_own_stays_the_callers(tmp_path: Path) -> None:
    files = {"lib.py": LIB, "use.py": USE}
    assert tree_findings(tmp_path, files, "TRD2") == [
        "use.py:15:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        "use.py:42:18 TRD201 `aiohttp.ClientSession(...)` given to `Compared(...)` is never closed; call `close()` when done",
        "use.py:50:14 TRD201 `aiohttp.ClientSession(...)` given to `Lazy(...)` is never closed; call `close()` when done",
        "use.py:7:21 TRD201 `aiohttp.ClientSession(...)` given to `Client(...)` is never closed; call `close()` when done",
    ]


def test_a_flag_another_module_sets_proves_nothing(tmp_path: Path) -> None:
    # ``factory.py`` sets ``_close_session`` on an instance: ``Client`` and ``Lazy`` (the same
    # flag's name) are taken as closing what they are given; ``Compared``'s ``_owns`` still proves.
    files = {"lib.py": LIB, "use.py": USE, "factory.py": FACTORY}
    assert tree_findings(tmp_path, files, "TRD2") == [
        "use.py:42:18 TRD201 `aiohttp.ClientSession(...)` given to `Compared(...)` is never closed; call `close()` when done",
    ]


def test_flags_the_class_does_not_prove_false_move_the_session(tmp_path: Path) -> None:
    # A dataclass field the caller sets, a ``setattr`` in the class, a parameter passed through a
    # call before the flag is set, a base's ``close()`` that closes it anyway, a second attribute
    # closed without the flag, the class's own factory setting the flag on an instance
    # (livekit/agents ``LLM.with_azure``: ``llm._owns_client = True``): each closes a given
    # session on some path, so none is reported.
    assert tree_findings(tmp_path, {"unproven.py": UNPROVEN, "use.py": USE_UNPROVEN}, "TRD2") == []


SCRIPT_BODY = '''\
import asyncio

import ccxt.pro as ccxtpro


async def check():
    bybit = ccxtpro.bybit()
    try:
        funding = await bybit.fetch_funding_rate("ZKP/USDT:USDT")
        rate = float(funding["fundingRate"])
    except Exception as e:
        print(f"error: {e}")
        rate = 0
    spread = rate * 100
    print(f"spread = {spread:.4f}%")
    await bybit.close()
'''


ANYIO_SCRIPT = '''\
import anyio

import aiohttp


async def fetch():
    session = aiohttp.ClientSession()
    try:
        async with session.get("https://example.com") as resp:
            text = await resp.text()
    except Exception as e:
        print(f"error: {e}")
        text = ""
    print(text)
    await session.close()


anyio.run(fetch)
'''


def test_a_module_that_runs_a_coroutine_at_its_top_level_is_a_script(tmp_path: Path) -> None:
    # ``anyio.run(fetch)`` is given the function, and calls it: ``fetch`` is what the script runs.
    files = {
        "scripts/check_funding.py": SCRIPT_BODY + "\nasyncio.run(check())\n", "lib/funding.py": SCRIPT_BODY,
        "scripts/fetch.py": ANYIO_SCRIPT,
    }
    assert tree_findings(tmp_path, files, "TRD2") == [
        "funding.py:7:5 TRD201 `bybit` (`ccxtpro.bybit(...)`) is closed outside `finally`; open it with `async with`",
    ]


def test_the_handed_session_is_really_left_open() -> None:
    namespace: dict[str, object] = {}
    exec(compile(LIB, "lib.py", "exec"), namespace)  # noqa: S102 - the test's own source
    client_class = namespace["Client"]

    async def run() -> tuple[bool, bool]:
        import aiohttp

        given = aiohttp.ClientSession()
        client = client_class(given)  # type: ignore[operator]
        await client.close()
        left_open = not given.closed
        await given.close()
        own = client_class()  # type: ignore[operator]
        await own.close()
        return left_open, own._session.closed

    left_open, own_closed = asyncio.run(run())
    assert left_open and own_closed


def test_a_cached_run_rechecks_the_caller_when_a_file_starts_setting_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The proof reads every file that names the flag (a ``mentions`` scan): a factory added later
    # that sets it on an instance rechecks ``use.py``, which did not change, and its findings go.
    from tests.test_cache_scans import run
    from tests.trees import write

    tree, cache = tmp_path / "tree", tmp_path / "cache"
    write(tree / "pyproject.toml", "[project]\nname = 'app'\n")
    write(tree / "lib.py", LIB)
    write(tree / "use.py", USE)
    first = [(path, line) for path, line, code in run(tree, cache, monkeypatch)[1] if code.startswith("TRD2")]
    assert first == [("use.py", 7), ("use.py", 15), ("use.py", 42), ("use.py", 50)]
    write(tree / "factory.py", FACTORY)
    checked, findings = run(tree, cache, monkeypatch)
    assert "use.py" in checked
    assert [(path, line) for path, line, code in findings if code.startswith("TRD2")] == [("use.py", 42)]
