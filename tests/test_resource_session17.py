"""Session 17 (issue 28): a resource made inside ``typing.cast(T, value)`` is made where the cast
stands. ``cast`` returns its value unchanged, so ``session = cast(ClientSession,
ClientSession())`` owns a session exactly as ``session = ClientSession()`` does, and a class
that keeps ``cast(Protocol, await connect(url))`` on ``self`` holds that connection (read so in
libraries too: aiotruenas_client's ``CachingMachine`` is a resource of the library table). Each
shape has its negative twin: closed, a cast of no resource. (A ``cast`` that is not ``typing``'s
but returns its argument gives it back all the same since session 63: ``facts.given_back``.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.programs import copy_program, run_python
from tradelint.api import check_paths

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"

SOURCE = '''\
import typing
from typing import cast

import aiohttp


def cast_like(kind, value):
    return value


async def leaked_local():
    session = cast(aiohttp.ClientSession, aiohttp.ClientSession())
    await session.get("https://example.com")


async def closed_local():
    session = cast(aiohttp.ClientSession, aiohttp.ClientSession())
    try:
        await session.get("https://example.com")
    finally:
        await session.close()


async def handed_to_another_function():
    session = cast_like(aiohttp.ClientSession, aiohttp.ClientSession())
    await session.get("https://example.com")


def not_a_resource():
    return cast(int, len("abc"))


class Leaks:
    def __init__(self):
        self._session = typing.cast(aiohttp.ClientSession, aiohttp.ClientSession())

    async def fetch(self):
        await self._session.get("https://example.com")


class Closes:
    def __init__(self):
        self._session = typing.cast(aiohttp.ClientSession, aiohttp.ClientSession())

    async def close(self):
        await self._session.close()
'''


def test_a_resource_made_inside_cast_is_judged_where_the_cast_stands(tmp_path: Path) -> None:
    (tmp_path / "casts.py").write_text(SOURCE, encoding="utf-8")
    # Session 63: ``cast_like`` returns its argument on every path and keeps it nowhere else, so it
    # gives the session back as ``typing.cast`` does (``facts.given_back``): line 25 is the caller's
    # leak too (before, the call was read as a hand-off and nothing was reported there).
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([tmp_path / "casts.py"])] == [
        "12 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        "25 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        "35 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_a_library_class_keeping_a_cast_connection_is_a_resource(tmp_path: Path) -> None:
    # The owner rule of the library table, on a class shaped as aiotruenas_client's machine,
    # and its class method making the class by name (``m = Machine(); ...; return m``).
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import make_resource_table as gen

    package = tmp_path / "wslib-1.0" / "wslib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from typing import Optional, cast\n\n"
        "from websockets.client import connect\n\n\n"
        "class Machine:\n"
        "    def __init__(self):\n"
        "        self._client: Optional[object] = None\n\n"
        "    @classmethod\n"
        "    async def create(cls, host):\n"
        "        m = Machine()\n"
        "        await m._connect(host)\n"
        "        return m\n\n"
        "    async def _connect(self, host):\n"
        "        self._client = cast(object, await connect(f'wss://{host}/websocket'))\n\n"
        "    async def close(self) -> None:\n"
        "        await self._client.close()\n"
        "        self._client = None\n",
        encoding="utf-8",
    )
    found = gen.generate([tmp_path / "wslib-1.0"])
    assert {name: (e.close, e.awaited, e.rule) for name, e in found.items()} == {
        "wslib.Machine": ("close", True, "owner"),
        "wslib.Machine.create": ("close", True, "factory"),
    }


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd, timeout=120)


def test_the_async_with_fix_of_a_cast_session_runs(tmp_path: Path) -> None:
    program = copy_program(DATA / "cast_session", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout) == (0, "read ok\n")
    assert "Unclosed client session" in before.stderr
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async with cast(ClientSession, ClientSession()) as session:\n"
        "        response = await session.get(url)\n"
        "        return await response.read()\n"
    ) in text
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "read ok\n", "")


NAMED_MAKER = '''\
import aiohttp


class Client:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()

    @classmethod
    async def create(cls, url):
        client = Client()
        await client.session.get(url)
        return client



async def leaked(url):
    client = await Client.create(url)
    await client.session.get(url)


async def closed(url):
    client = await Client.create(url)
    try:
        await client.session.get(url)
    finally:
        await client.close()

'''


def test_a_class_method_that_makes_its_class_by_name_is_a_maker(tmp_path: Path) -> None:
    # ``m = CachingMachine(); await m.connect(...); return m`` in a ``@classmethod``: a new
    # instance on every path, as ``cls(...)`` would be (first-party makers were followed so
    # already; the library table's summaries now are too).
    (tmp_path / "named.py").write_text(NAMED_MAKER, encoding="utf-8")
    # (Since session 27 the maker's own request before its ``return`` is reported: a failure there
    # leaves the new client open.)
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([tmp_path / "named.py"])] == [
        "13 TRD201 `client` (`Client(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "20 TRD201 `client` (`Client.create(...)`) is never closed; call `await client.close()` in a `finally`",
    ]


def test_a_resource_kept_on_the_class_by_a_class_method_is_no_instances_to_close(tmp_path: Path) -> None:
    # ``cls._session = ClientSession()`` in a class method: shared by every instance. Reported
    # before as ``self._session`` with a fix closing it in ``close()``, which ended it for the
    # other instances too (the program then failed with "Session is closed").
    program = copy_program(DATA / "class_shared_session", tmp_path)
    before = _run(["main.py"], program)
    assert (before.returncode, before.stdout, before.stderr) == (0, "ok\nok\n", "")
    check = _run(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program)
    assert (check.returncode, check.stdout) == (0, "")
    text = (program / "main.py").read_text(encoding="utf-8")
    fixed = _run(["-m", "tradelint", "--no-cache", "--fix", "."], program)
    assert fixed.returncode == 0 and (program / "main.py").read_text(encoding="utf-8") == text
