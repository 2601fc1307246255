"""Session 41 (issue 28 points 1 and 2): objects released by releasing one of their parts.

aiogram 3's ``Bot`` has no release of its own: its ``__init__`` makes ``self.session =
AiohttpSession()`` unless one is given, its ``__aexit__`` awaits ``self.session.close()``, and its
``close()`` is a Telegram API call. google-genai's ``Client`` keeps the ``AsyncClient`` of its
``aio`` property, made over its own API client, ended by ``await client.aio.aclose()``; it has
no ``__aexit__``. The table generator's **part** rule (``scripts/resource_parts.py``) records
such a class with its close as a path (``session.close``, ``aio.aclose``); the model reads ``await
x.session.close()`` as the close, an un-awaited one as TRD205, ``async with x`` as an end, and a
first-party class alike (its ``__aexit__`` alone ends it; a holder's property gives its part).
Each shape beside its negative twin: the same code correctly closed gives nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import source_findings, tree_findings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen
import merge_part_entries as merge

# A made-up library of both shapes, and the twins the rule must leave out.
PARTLIB = {
    "partlib/__init__.py": "from .bot import Bot\nfrom .client import Client\n",
    "partlib/session.py": '''\
import aiohttp


class HttpSession:
    def __init__(self):
        self._session = None

    async def request(self, url):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return await self._session.get(url)

    async def close(self):
        if self._session is not None:
            await self._session.close()
''',
    "partlib/bot.py": '''\
from .session import HttpSession


class Bot:
    """Released by its part: ``close()`` is an API call, ``__aexit__`` closes the session."""

    def __init__(self, token, session=None):
        if session is None:
            session = HttpSession()
        self.session = session
        self.token = token

    async def close(self, request_timeout=None):
        return await self.session.request("close")

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.session.close()


class Dispatcher:
    """Twin: its exit does something else with the session it made."""

    def __init__(self):
        self.session = HttpSession()

    async def __aexit__(self, *exc):
        await self.session.request("bye")


class SharedBot:
    """Twin: keeps the session it is given, makes none."""

    def __init__(self, session):
        self.session = session

    async def __aexit__(self, *exc):
        await self.session.close()
''',
    "partlib/client.py": '''\
from typing import Optional, Union

from .session import HttpSession


class Options:
    """May carry the caller's transport: a ``Client`` given one holds none of its own."""

    transport: Optional["HttpSession"] = None
    timeout: float = 10.0


class AsyncPart:
    def __init__(self, api):
        self._api = api

    async def aclose(self):
        await self._api.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()


class Client:
    """Released by the part its ``aio`` property gives; no exit, no release coroutine."""

    def __init__(self, key, *, options: Optional[Union[Options, dict]] = None, retries: int = 3):
        self._api = HttpSession()
        self._aio = AsyncPart(self._api)

    @property
    def aio(self):
        return self._aio

    def close(self):
        self._api = None


class Wrapper:
    """Twin: its part wraps what the caller gave."""

    def __init__(self, api):
        self._aio = AsyncPart(api)

    @property
    def aio(self):
        return self._aio


class Hidden:
    """Twin: the part is reached by no public name."""

    def __init__(self):
        self._aio = AsyncPart(HttpSession())
''',
}


def _library(tmp_path: Path) -> Path:
    folder = tmp_path / "partlib-1.0"
    for name, text in PARTLIB.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_the_part_rule_enters_a_class_released_through_its_part_and_leaves_the_twins(tmp_path: Path) -> None:
    found = gen.generate([_library(tmp_path)])
    parts = {name: (e.close, e.awaited, e.lazy, e.given, e.enter) for name, e in found.items() if e.rule == "part"}
    # (and re-exported by the package, as every type is)
    bot, client = ("session.close", True, True, (("session", 1),), True), ("aio.aclose", True, True, (("options", -1),), False)
    assert parts == {"partlib.bot.Bot": bot, "partlib.Bot": bot, "partlib.client.Client": client, "partlib.Client": client}
    for twin in ("Dispatcher", "SharedBot", "Wrapper", "Hidden"):
        assert not any(name.endswith(f".{twin}") for name in found)


def test_without_the_rule_none_of_them_is_entered(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gen, "PART_RULE", False)
    # (nor the exit rule, asked after it: ``Bot.__aexit__`` ends the session it may make, which
    # that rule alone would take as ``Bot``'s release; session 64)
    monkeypatch.setattr(gen, "EXIT_RULE", False)
    found = gen.generate([_library(tmp_path)])
    assert not any(name.endswith((".Bot", ".Client")) for name in found)


def test_without_the_part_rule_the_exit_rule_takes_the_exit_alone(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gen, "PART_RULE", False)
    found = gen.generate([_library(tmp_path)])
    assert {name: (e.close, e.rule) for name, e in found.items() if name.endswith((".Bot", ".Client"))} == {
        "partlib.Bot": ("__aexit__", "exit"), "partlib.bot.Bot": ("__aexit__", "exit"),
    }


def test_the_merge_adds_the_rule_s_entries_and_changes_no_other(tmp_path: Path) -> None:
    folder = _library(tmp_path)
    table = tmp_path / "table.json"
    before = {
        "comment": "test",
        "sources": ["other-1.0"],
        "types": {"other.Thing": {"close": "close", "awaited": True, "lazy": True, "ends": [], "given": [], "rule": "owner", "source": "other-1.0"}},
        "makers": {},
        "returns": {},
    }
    table.write_text(json.dumps(before), encoding="utf-8")
    assert merge.main(["--table", str(table), str(folder)]) == 0
    after = json.loads(table.read_text(encoding="utf-8"))
    assert after["types"]["other.Thing"] == before["types"]["other.Thing"]
    assert {n for n, e in after["types"].items() if e["rule"] == "part"} == {
        "partlib.bot.Bot", "partlib.Bot", "partlib.client.Client", "partlib.Client"}
    assert after["types"]["partlib.client.Client"]["enter"] is False
    assert "enter" not in after["types"]["partlib.bot.Bot"]
    assert after["sources"] == ["other-1.0", "partlib-1.0"]


BOT = '''\
from aiogram.client.bot import Bot


async def leak(chat: int) -> None:
    bot = Bot(token="1:x")
    await bot.send_message(chat, "hi")


async def closed(chat: int) -> None:
    bot = Bot(token="1:x")
    try:
        await bot.send_message(chat, "hi")
    finally:
        await bot.session.close()


async def not_awaited(chat: int) -> None:
    bot = Bot(token="1:x")
    try:
        await bot.send_message(chat, "hi")
    finally:
        bot.session.close()


async def entered(chat: int) -> None:
    async with Bot(token="1:x") as bot:
        await bot.send_message(chat, "hi")


async def given(chat: int, session) -> None:
    bot = Bot(token="1:x", session=session)
    await bot.send_message(chat, "hi")


async def other_part(chat: int) -> None:
    bot = Bot(token="1:x")
    await bot.send_message(chat, "hi")
    await bot.session.stream_content("https://x/file")
'''


def test_a_bot_is_closed_by_its_session_s_awaited_close_or_async_with(tmp_path: Path) -> None:
    assert source_findings(tmp_path, BOT, "TRD2") == [
        "5:5 TRD201 `bot` (`Bot(...)`) is never closed; call `await bot.session.close()` in a `finally`",
        "18:5 TRD201 `bot` (`Bot(...)`) is never closed: its `session.close()` is never awaited",
        "22:9 TRD205 `bot.session.close()` is never awaited, so it closes nothing; await it",
        "36:5 TRD201 `bot` (`Bot(...)`) is never closed; call `await bot.session.close()` in a `finally`",
    ]


GENAI = '''\
from google import genai


async def models() -> list[str]:
    client = genai.Client(api_key="k")
    pager = await client.aio.models.list()
    return [m.name async for m in pager]


async def models_closed() -> list[str]:
    client = genai.Client(api_key="k")
    try:
        pager = await client.aio.models.list()
        return [m.name async for m in pager]
    finally:
        await client.aio.aclose()


async def models_on_a_given_transport(http) -> list[str]:
    client = genai.Client(api_key="k", http_options=genai.types.HttpOptions(httpx_async_client=http))
    pager = await client.aio.models.list()
    return [m.name async for m in pager]


async def models_sync_closed() -> list[str]:
    client = genai.Client(api_key="k")
    try:
        pager = await client.aio.models.list()
        return [m.name async for m in pager]
    finally:
        client.close()
'''


def test_a_genai_client_is_closed_by_its_aio_part_only(tmp_path: Path) -> None:
    # ``client.close()`` closes the sync transports only: its async ones stay open. Given
    # ``http_options`` (which may carry the caller's transport), it is not judged.
    assert source_findings(tmp_path, GENAI, "TRD2") == [
        "5:5 TRD201 `client` (`genai.Client(...)`) is never closed; call `await client.aio.aclose()` in a `finally`",
        "26:5 TRD201 `client` (`genai.Client(...)`) is never closed; call `await client.aio.aclose()` in a `finally`",
    ]


OWNERS = '''\
from aiogram.client.bot import Bot
from google.genai import Client as GenAIClient


class Notifier:
    def __init__(self) -> None:
        self.bot = Bot(token="1:x")

    async def send(self, chat: int) -> None:
        await self.bot.send_message(chat, "hi")

    async def aclose(self) -> None:
        await self.bot.session.close()


class Leaky:
    def __init__(self) -> None:
        self.bot = Bot(token="1:x")

    async def send(self, chat: int) -> None:
        await self.bot.send_message(chat, "hi")

    async def aclose(self) -> None:
        pass


class Unawaited:
    def __init__(self) -> None:
        self.bot = Bot(token="1:x")

    async def send(self, chat: int) -> None:
        await self.bot.send_message(chat, "hi")

    async def aclose(self) -> None:
        self.bot.session.close()


class Session:
    def __init__(self) -> None:
        self._client = GenAIClient(api_key="k")

    async def run(self) -> None:
        async with self._client.aio.live.connect(model="m") as live:
            await live.send("hi")

    async def aclose(self) -> None:
        await self._client.aio.aclose()


class LeakySession:
    def __init__(self) -> None:
        self._client = GenAIClient(api_key="k")

    async def run(self) -> None:
        async with self._client.aio.live.connect(model="m") as live:
            await live.send("hi")

    async def aclose(self) -> None:
        self._client.close()
'''


def test_a_class_closes_what_it_keeps_through_the_part(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OWNERS, "TRD2") == [
        "18:9 TRD202 `self.bot` is never closed; call its `session.close()` in `aclose()`",
        "29:9 TRD202 `self.bot` is never closed: its `session.close()` is never awaited",
        "35:9 TRD205 `self.bot.session.close()` is never awaited, so it closes nothing; await it",
        "52:9 TRD202 `self._client` is never closed; call its `aio.aclose()` in `aclose()`",
    ]


FIRST_PARTY = {
    "pkg/__init__.py": "",
    "pkg/api.py": '''\
import aiohttp


class Api:
    def __init__(self, token: str, session: aiohttp.ClientSession | None = None) -> None:
        if session is None:
            session = aiohttp.ClientSession()
        self.session = session
        self.token = token

    async def get_me(self) -> dict:
        async with self.session.get("https://x/me") as resp:
            return await resp.json()

    async def __aenter__(self) -> "Api":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


class Client:
    def __init__(self) -> None:
        self._session = aiohttp.ClientSession()

    @property
    def http(self) -> aiohttp.ClientSession:
        return self._session

    async def get_me(self) -> dict:
        async with self._session.get("https://x/me") as resp:
            return await resp.json()
''',
    "pkg/use.py": '''\
from pkg.api import Api, Client


async def leak() -> dict:
    api = Api("t")
    return await api.get_me()


async def closed() -> dict:
    api = Api("t")
    try:
        return await api.get_me()
    finally:
        await api.session.close()


async def not_awaited() -> dict:
    api = Api("t")
    try:
        return await api.get_me()
    finally:
        api.session.close()


async def entered() -> dict:
    async with Api("t") as api:
        return await api.get_me()


async def client_leak() -> dict:
    client = Client()
    return await client.get_me()


async def client_closed() -> dict:
    client = Client()
    try:
        return await client.get_me()
    finally:
        await client.http.close()
''',
}


def test_a_first_party_class_ended_by_its_exit_alone_is_closed_through_its_part(tmp_path: Path) -> None:
    # ``Api`` was told to be closed by ``await api.__aexit__()``, and ``await api.session.close()``
    # in a ``finally`` was no close (a false report); ``client.http`` is the property giving
    # ``self._session``, which the class never closes itself (its own TRD202 stays).
    assert tree_findings(tmp_path, FIRST_PARTY, "TRD2", project=True) == [
        "api.py:24:9 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
        "use.py:18:5 TRD201 `api` (`Api(...)`) is never closed: its `session.close()` is never awaited",
        "use.py:22:9 TRD205 `api.session.close()` is never awaited, so it closes nothing; await it",
        "use.py:31:5 TRD201 `Client(...)` never closes its `self._session`; give the class an async `close()`, call it",
        "use.py:5:5 TRD201 `api` (`Api(...)`) is never closed; call `await api.session.close()` in a `finally`",
    ]


def test_the_name_two_majors_bind_alike_is_not_judged(tmp_path: Path) -> None:
    # ``aiogram.Bot`` is aiogram 2's ``Bot`` (closed by ``await bot.close()``) and aiogram 3's
    # (closed through its session): the table keeps a name only where every wheel defining it
    # agrees, so only aiogram 3's own module path is entered.
    source = BOT.replace("from aiogram.client.bot import Bot", "from aiogram import Bot")
    assert source_findings(tmp_path, source, "TRD2") == []


SYNC_ONLY = '''\
import asyncio

from google.genai import Client


class Search:
    def __init__(self, api_key: str) -> None:
        self._client = Client(api_key=api_key)

    async def query(self, text: str) -> str:
        response = await asyncio.to_thread(lambda: self._client.models.generate_content(model="m", contents=text))
        return response.text


class AsyncSearch:
    def __init__(self, api_key: str) -> None:
        self._client = Client(api_key=api_key)

    async def query(self, text: str) -> str:
        response = await self._client.aio.models.generate_content(model="m", contents=text)
        return response.text


async def sync_local(text: str) -> str:
    client = Client(api_key="k")
    response = await asyncio.to_thread(lambda: client.models.generate_content(model="m", contents=text))
    return response.text
'''


def test_a_client_whose_async_part_nothing_reaches_holds_nothing(tmp_path: Path) -> None:
    # Only the sync API (``client.models``) is used: the ``aio`` client never opens its
    # transports. The twin reaches ``aio`` and is reported.
    assert source_findings(tmp_path, SYNC_ONLY, "TRD2") == [
        "17:9 TRD202 `self._client` is never closed; add a `close()` method that calls its `aio.aclose()`",
    ]
