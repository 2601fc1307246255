"""Session 59: resources handed to the caller inside a tuple by the project's own code (issue 28).

A function that returns a tuple one of whose elements is a resource it made, and neither keeps
nor ends that element, is a maker at that position: whoever unpacks the call (``a, b = await
f()``, ``x = f(); a = x[0]``) owns the element bound there and must end it, as for a direct
maker. A position whose element the function also ends or keeps on a long-lived owner is no
maker position. An element of the tuple may be a flag telling whether the caller owns the
resource (``db, should_close = await _ensure_db(db)``, jason-easyazz/zoe-ai-assistant
``b2f99f59``'s shape): ``True`` on the paths that make it, ``False`` on those that hand back
something else (what the caller passed, ``None``). The caller must end the element when the flag
is true; a release the flag guards ends it; a caller that passes a value of its own for the
parameter handed back unowned is lent it.

Twins: the caller ends the element, keeps it on ``self`` and ends it in ``close()``; the maker
ends or keeps the element itself; the flag guards the release; a tuple of plain values; a tuple
kept whole and handed on; a flag that does not tell ownership (``True`` on a path that makes
nothing).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

MAKERS = """\
import aiohttp


def make_pair(url):
    session = aiohttp.ClientSession()
    return session, url


async def open_pair(url):
    session = aiohttp.ClientSession(base_url=url)
    return session, url
"""


def _findings(tmp_path: Path, body: str) -> list[str]:
    return source_findings(tmp_path, MAKERS + body, "TRD2")


def test_unpacked_sync_maker_leaks(tmp_path: Path) -> None:
    body = """

async def main():
    session, url = make_pair("http://x")
    response = await session.get(url)
    return response.status
"""
    assert _findings(tmp_path, body) == [
        "15:5 TRD201 `session` (`make_pair(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_unpacked_async_maker_leaks(tmp_path: Path) -> None:
    body = """

async def main():
    session, url = await open_pair("http://x")
    response = await session.get(url)
    return response.status
"""
    assert _findings(tmp_path, body) == [
        "15:5 TRD201 `session` (`open_pair(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_indexed_element_of_a_kept_tuple_leaks(tmp_path: Path) -> None:
    body = """

async def main():
    pair = await open_pair("http://x")
    session = pair[0]
    response = await session.get(pair[1])
    return response.status
"""
    assert _findings(tmp_path, body) == [
        "16:5 TRD201 `session` (`open_pair(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_indexed_element_closed_is_silent(tmp_path: Path) -> None:
    body = """

async def main():
    pair = await open_pair("http://x")
    session = pair[0]
    try:
        response = await session.get(pair[1])
        return response.status
    finally:
        await session.close()
"""
    assert _findings(tmp_path, body) == []


def test_tuple_handed_on_whole_is_not_judged(tmp_path: Path) -> None:
    body = """

async def main(registry):
    pair = await open_pair("http://x")
    registry.append(pair)
    session = pair[0]
    response = await session.get(pair[1])
    return response.status
"""
    assert _findings(tmp_path, body) == []


def test_library_pair_read_by_index(tmp_path: Path) -> None:
    source = """\
import asyncio


async def send(host):
    pair = await asyncio.open_connection(host, 80)
    writer = pair[1]
    writer.write(b"ping")


async def send_closed(host):
    pair = await asyncio.open_connection(host, 80)
    writer = pair[1]
    try:
        writer.write(b"ping")
    finally:
        writer.close()
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "6:5 TRD201 `writer` (`asyncio.open_connection(...)`) is never closed; call `writer.close()` in a `finally`"
    ]


def test_caller_closes_the_element(tmp_path: Path) -> None:
    body = """

async def main():
    session, url = await open_pair("http://x")
    try:
        response = await session.get(url)
        return response.status
    finally:
        await session.close()
"""
    assert _findings(tmp_path, body) == []


def test_element_kept_on_self_and_closed_in_close(tmp_path: Path) -> None:
    body = """

class Client:
    async def start(self):
        self.session, self.url = await open_pair("http://x")

    async def close(self):
        await self.session.close()


class Client2:
    async def start(self):
        session, url = await open_pair("http://x")
        self.session = session

    async def close(self):
        await self.session.close()
"""
    assert _findings(tmp_path, body) == []


def test_maker_that_keeps_or_ends_the_element_is_no_maker(tmp_path: Path) -> None:
    source = """\
import aiohttp


class Pool:
    def __init__(self):
        self.sessions = []

    async def lend(self, url):
        session = aiohttp.ClientSession()
        self.sessions.append(session)
        return session, url

    async def close(self):
        for session in self.sessions:
            await session.close()


async def probe(url):
    async with aiohttp.ClientSession() as session:
        response = await session.get(url)
        status = response.status
    return session, status


async def main(pool: Pool):
    session, url = await pool.lend("http://x")
    response = await session.get(url)
    return response.status
    closed, status = await probe("http://x")
    return status
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_tuple_of_plain_values(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def status_of(url):
    async with aiohttp.ClientSession() as session:
        response = await session.get(url)
        return response.status, url


async def main():
    status, url = await status_of("http://x")
    return status
"""
    assert source_findings(tmp_path, source, "TRD2") == []


OWNED_FLAG = """\
import aiohttp


async def ensure_session(session):
    if session is not None:
        return session, False
    try:
        made = aiohttp.ClientSession()
    except Exception:
        return None, False
    return made, True


async def fetch(url, session=None):
    http, owned = await ensure_session(session)
    if http is None:
        return None
    response = await http.get(url)
    return response.status
"""


def test_flagged_element_never_closed(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OWNED_FLAG, "TRD2") == [
        "15:5 TRD201 `http` (`ensure_session(...)`) is never closed; call `await http.close()` in a `finally`"
    ]


def test_flag_guards_the_close(tmp_path: Path) -> None:
    guarded = OWNED_FLAG.replace(
        "    response = await http.get(url)\n    return response.status\n",
        "    try:\n        response = await http.get(url)\n        return response.status\n"
        "    finally:\n        if owned:\n            await http.close()\n",
    )
    assert guarded != OWNED_FLAG
    assert source_findings(tmp_path, guarded, "TRD2") == []


def test_flagged_maker_given_the_callers_own_value(tmp_path: Path) -> None:
    lent = OWNED_FLAG + """

class Api:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def fetch(self, url):
        http, owned = await ensure_session(self.session)
        response = await http.get(url)
        return response.status

    async def close(self):
        await self.session.close()
"""
    assert source_findings(tmp_path, lent, "TRD2") == [
        "15:5 TRD201 `http` (`ensure_session(...)`) is never closed; call `await http.close()` in a `finally`"
    ]


def test_flagged_method_maker(tmp_path: Path) -> None:
    source = """\
import aiohttp


class Fetcher:
    def __init__(self, shared=None):
        self.shared = shared

    async def _session(self, given):
        if given is not None:
            return given, False
        return aiohttp.ClientSession(), True

    async def fetch(self, url):
        http, owned = await self._session(None)
        return (await http.get(url)).status

    async def fetch_closed(self, url):
        http, owned = await self._session(None)
        try:
            return (await http.get(url)).status
        finally:
            if owned:
                await http.close()
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "14:9 TRD201 `http` (`self._session(...)`) is never closed; call `await http.close()` in a `finally`"
    ]


def test_flag_that_does_not_tell_ownership(tmp_path: Path) -> None:
    """``True`` on a path that makes nothing: the element is no flag of ownership, and a
    function whose other tuples hand back something else is no maker."""
    source = OWNED_FLAG.replace("        return session, False\n", "        return session, True\n")
    assert source != OWNED_FLAG
    assert source_findings(tmp_path, source, "TRD2") == []


def test_starred_target_is_not_read(tmp_path: Path) -> None:
    """``url, *middle, last = ...``: the name after the star is not the element at its index
    (here ``last`` is the count, the session is in ``middle``); which element a name gets is
    not read."""
    source = """\
import aiohttp


async def open_quad(url):
    session = aiohttp.ClientSession(base_url=url)
    return url, 1, session, 2


async def main():
    url, *middle, last = await open_quad("http://x")
    return last + len(middle)
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_error_flag_tells_ownership_too(tmp_path: Path) -> None:
    """``return config, True`` when it failed (the caller's own value back), ``return made,
    False`` when it made one: the flag tells ownership in the reverse sense, and a caller that
    leaves on the error and never closes what it got otherwise leaks it."""
    source = """\
import aiohttp


async def connect(config):
    try:
        session = aiohttp.ClientSession(base_url=config)
    except ValueError:
        return config, True
    return session, False


async def status(config):
    session, err = await connect(config)
    if err:
        return None
    response = await session.get("/version")
    return response.status


async def status_closed(config):
    session, err = await connect(config)
    if err:
        return None
    try:
        response = await session.get("/version")
        return response.status
    finally:
        await session.close()
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "13:5 TRD201 `session` (`connect(...)`) is never closed; call `await session.close()` in a `finally`"
    ]


def test_exit_when_the_flag_says_made_leaks(tmp_path: Path) -> None:
    """The twin of the error flag's early exit: leaving when the flag says the session was made
    (``if not err: return``) before the ``try`` that closes it leaks it."""
    source = """\
import aiohttp


async def connect(config):
    try:
        session = aiohttp.ClientSession(base_url=config)
    except ValueError:
        return config, True
    return session, False


async def status_left(config, quick):
    session, err = await connect(config)
    if not err and quick:
        return None
    try:
        response = await session.get("/version")
        return response.status
    finally:
        await session.close()
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "13:5 TRD201 `session` (`connect(...)`) leaks on an exit before its `try`; create it just before it"
    ]
