"""Issue 28, round 4's dev half (session 15): ownership proven through class and static methods,
keys of ``self``, and error paths that leave a resource open; each shape with its negative twins,
as the exact messages a user reads."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lifecycles"


def _messages(path: Path, select: str = "TRD2") -> list[str]:
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=[select])]


def test_class_and_static_methods_make_what_they_return() -> None:
    assert _messages(FIXTURES / "class_factories.py") == [
        # ``cls(url, session)`` keeps a session the class never closes: handed into the returned
        # instance, judged at the callers that keep it (line 133; session 56), not at line 56.
        # ``login`` awaits a request before it hands the session on: an error there leaks it.
        "67 TRD201 `session` (`ClientSession(...)`) is never closed; open it with `async with`",
        # A static method returning a library resource (the cached ``shared_pool`` makes none).
        "79 TRD201 `pool` (`Database.create_pool(...)`) is never closed; open it with `async with`",
        # A class method giving its class a session the class closes: a resource released by ``close()``.
        "97 TRD201 `client` (`Client.open(...)`) is never closed; call `await client.close()` in a `finally`",
        # Either of two holders; an ``except`` returns before the held session is closed.
        "116 TRD201 `api.session` is closed outside `finally`; close it in a `finally`",
        "133 TRD201 `PlainApi.from_url(...)` never closes its `self.session`; give the class an async `close()`, call it",
        # ``bot = cls(token); bot.http = ClientSession()``: set on the new instance, closed by ``close()``.
        "154 TRD201 `bot` (`Bot.start(...)`) is never closed; call `await bot.close()` in a `finally`",
        # A module factory returning another factory's session; a lazy type given a client at birth.
        "203 TRD201 `client` (`make_client(...)`) is never closed; open it with `async with`",
        "209 TRD201 `service` (`Service.new(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]


def test_an_awaited_project_coroutine_gets_no_async_with_fix(tmp_path: Path) -> None:
    # ``async with make_session()`` would enter the coroutine, not the session.
    source = tmp_path / "m.py"
    source.write_text(
        "from aiohttp import ClientSession\n\n\n"
        "async def make_session():\n"
        "    return ClientSession()\n\n\n"
        "def make_plain():\n"
        "    return ClientSession()\n\n\n"
        "async def get(url):\n"
        "    s = await make_session()\n"
        "    return await (await s.get(url)).text()\n\n\n"
        "async def get_plain(url):\n"
        "    s = make_plain()\n"
        "    return await (await s.get(url)).text()\n",
        encoding="utf-8",
    )
    findings = check_paths([source], select=["TRD201"])
    assert [(f.line, f.fix is not None) for f in findings] == [(13, False), (18, True)]


def test_a_class_method_gives_its_class_what_it_made(tmp_path: Path) -> None:
    # ``return cls(session)`` where the class closes ``self.session``: nothing to report there,
    # and no ``async with`` fix that would close the session the instance keeps.
    source = tmp_path / "client.py"
    source.write_text(
        "from aiohttp import ClientSession\n\n\n"
        "class Client:\n"
        "    def __init__(self, session):\n"
        "        self.session = session\n\n"
        "    @classmethod\n"
        "    async def open(cls):\n"
        "        session = ClientSession()\n"
        "        (await session.get('https://example.org/ping')).release()\n"
        "        return cls(session)\n\n"
        "    async def close(self):\n"
        "        await self.session.close()\n",
        encoding="utf-8",
    )
    # (Session 27: the ping that can fail before the hand-off is reported, with no fix.)
    assert _messages(source) == [
        "10 TRD201 `session` (`ClientSession(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]
    assert [f.fix for f in check_paths([source], select=["TRD201"])] == [None]
    source.write_text(source.read_text(encoding="utf-8").replace("        (await session.get('https://example.org/ping')).release()\n", ""), encoding="utf-8")
    assert _messages(source) == []


def test_an_error_swallowed_before_the_handoff_leaves_it_open() -> None:
    assert _messages(FIXTURES / "error_before_handoff.py") == [
        "32 TRD201 `service` (`CacheService(...)`) leaks when an error before it is handed on is caught; "
        "close it in that `except`",
        "41 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks when an error before it is handed on is caught; "
        "close it in that `except`",
        # (session 35: re-raised, the error of its first use, ``connect()``, propagates with it open)
        "57 TRD201 `service` (`CacheService(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


def test_a_resource_kept_under_a_key_of_self() -> None:
    assert _messages(FIXTURES / "keyed_on_self.py", "TRD") == [
        "13 TRD202 `self['http_session']` is never closed: its `close()` is never awaited",
        "17 TRD205 `self['http_session'].close()` is never awaited, so it closes nothing; await it",
        "23 TRD202 `self['relay_session']` is never closed; close it where the `Relay` ends",
    ]


def test_an_annotated_pool_made_by_run_until_complete(tmp_path: Path) -> None:
    source = tmp_path / "bot.py"
    source.write_text(
        "import asyncio\n\nimport asyncpg\n\n\n"
        "class Bot:\n"
        "    def __init__(self, loop: asyncio.AbstractEventLoop):\n"
        "        self.db: asyncpg.Pool = loop.run_until_complete(self.create_db_pool())\n\n"
        "    async def create_db_pool(self):\n"
        "        return await asyncpg.create_pool(dsn='postgresql://localhost/bot')\n\n\n"
        "class ClosingBot(Bot):\n"
        "    def __init__(self, loop: asyncio.AbstractEventLoop):\n"
        "        self.pool: asyncpg.Pool = loop.run_until_complete(self.create_db_pool())\n\n"
        "    async def close(self):\n"
        "        await self.pool.close()\n",
        encoding="utf-8",
    )
    assert _messages(source) == [
        "8 TRD202 `self.db` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_an_aenter_that_fails_after_making_a_resource() -> None:
    assert _messages(FIXTURES / "enter_failure.py") == [
        "16 TRD202 `self._session` leaks when `__aenter__()` fails after making it; close it there before re-raising",
    ]
