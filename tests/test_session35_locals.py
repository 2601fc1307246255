"""Session 35 (issue 28): resources held in a function's locals, the shapes the maintainers'
fixes showed in repositories of the development pool.

A lazy resource holds nothing until it is used, and the engine waits for a first awaited use
before an error can leave it open. That first use is often what opens it: ``connection =
Connection(url); await connection.connect(); return connection`` (mosquito/aiormq ``dc4efec6``),
whose ``connect()`` opens the socket and then fails in the handshake, leaving the socket open
and the caller with nothing to close.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths
from tests.conftest import source_findings


def _check(tmp_path: Path, source: str) -> list[str]:
    return source_findings(tmp_path, source, "TRD2")


CONNECT = """\
import asyncio


class Connection:
    def __init__(self, url):
        self.url = url
        self.writer = None

    async def connect(self):
        _, self.writer = await asyncio.open_connection(self.url, 5672)
        await self.handshake()

    async def handshake(self):
        self.writer.write(b"AMQP")

    async def close(self):
        self.writer.close()
        await self.writer.wait_closed()


async def connect(url):
    connection = Connection(url)
{opening}
    return connection


async def serve(url):
    connection = await connect(url)
    try:
        await connection.handshake()
    finally:
        await connection.close()
"""


def test_first_use_that_opens_a_lazy_resource_may_fail_open(tmp_path: Path) -> None:
    found = _check(tmp_path, CONNECT.replace("{opening}", "    await connection.connect()"))
    assert found == [
        "22:5 TRD201 `connection` (`Connection(...)`) leaks if an `await` before it is handed on raises;"
        " close it on that error"
    ]


def test_first_use_closed_on_its_error_is_not(tmp_path: Path) -> None:
    opening = (
        "    try:\n"
        "        await connection.connect()\n"
        "    except BaseException:\n"
        "        await connection.close()\n"
        "        raise"
    )
    assert _check(tmp_path, CONNECT.replace("{opening}", opening)) == []


def test_an_await_of_something_else_before_any_use_is_not(tmp_path: Path) -> None:
    # (a lazy resource not used yet holds nothing: an error of another await leaves nothing open)
    opening = "    await asyncio.sleep(0)"
    assert _check(tmp_path, CONNECT.replace("{opening}", opening)) == []


# A third-party class the project releases (``await fs.close()``, so a resource by the project's
# evidence) is a library object whose code is not read: an awaited call given it borrows it, as
# one given a type of the library table does, and uses it. Handed on later (here to the object
# the caller enters, which closes it), every error before that leaves it open
# (meridianlabs-ai/inspect_scout ``4acfaba4``: the S3 filesystem lent to an awaited URI resolver).
LENT = """\
from fsspec_lib import AsyncFilesystem


class Reader:
    def __init__(self, fs, uri):
        self.fs = fs
        self.uri = uri


class Owned:
    def __init__(self, fs, reader):
        self.fs = fs
        self.reader = reader

    async def __aenter__(self):
        return self.reader

    async def __aexit__(self, *exc):
        await self.fs.close()


async def resolve(fs, uri):
    if not uri:
        raise ValueError("no uri")
    return uri


async def open_member(uri):
    fs = AsyncFilesystem()
{resolve}
    return Owned(fs, Reader(fs, local))


async def size(uri):
    fs = AsyncFilesystem()
    try:
        return len(await resolve(fs, uri))
    finally:
        await fs.close()
"""


def _check_project(tmp_path: Path, source: str) -> list[str]:
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "store.py").write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([package / "store.py"], select=["TRD2"])]


def test_library_object_lent_to_an_awaited_call_before_its_hand_on(tmp_path: Path) -> None:
    found = _check_project(tmp_path, LENT.replace("{resolve}", "    local = await resolve(fs, uri)"))
    assert found == [
        "29:5 TRD201 `fs` (`AsyncFilesystem(...)`) leaks if an `await` before it is handed on raises;"
        " close it on that error"
    ]


def test_library_object_closed_on_the_lent_call_error_is_not(tmp_path: Path) -> None:
    resolve = (
        "    try:\n"
        "        local = await resolve(fs, uri)\n"
        "    except BaseException:\n"
        "        await fs.close()\n"
        "        raise"
    )
    assert _check_project(tmp_path, LENT.replace("{resolve}", resolve)) == []


def test_a_pytest_fixture_is_test_code_wherever_it_lives(tmp_path: Path) -> None:
    # (a pytest plugin's fixture, Cog-Creators/Red-DiscordBot's ``redbot/pytest/rpc.py``: its error
    # fails the test that asked for it, which ends what it made)
    source = CONNECT.replace("{opening}", "    await connection.connect()").replace(
        "async def connect(url):", "@pytest.fixture\nasync def connect(url):"
    )
    found = _check(tmp_path, "import pytest\n" + source)
    assert found == []


def test_a_function_a_pytest_fixture_defines_is_test_code_too(tmp_path: Path) -> None:
    # (aiohttp's ``aiohttp_server`` fixture returns its ``go()``, which starts a server for the test)
    source = CONNECT.replace("{opening}", "    await connection.connect()").replace(
        "async def connect(url):\n", "@pytest.fixture\ndef connector():\n    async def connect(url):\n"
    )
    lines = source.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("    async def connect(url):"))
    end = next(i for i, line in enumerate(lines) if line.startswith("    return connection"))
    for i in range(start + 1, end + 1):
        lines[i] = "    " + lines[i]
    lines.insert(end + 1, "    return connect")
    found = _check(tmp_path, "import pytest\n" + "\n".join(lines))
    assert found == []
