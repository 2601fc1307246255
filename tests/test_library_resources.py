"""Library resource types read from libraries' source (``scripts/make_resource_table.py``) and
shipped as ``tradelint/packs/library_resources.json``: each rule of the script on a small
library written here (no network), each beside the negative twin it must leave out; then the
shipped table used on code that names the libraries without them installed."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from tradelint.api import check_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "lifecycles"

LIBRARY = {
    "__init__.py": "from netlib._client import Client, Pool\nfrom netlib.kafka import Producer\n",
    "_client.py": '''\
from typing import TYPE_CHECKING

import aiohttp
import httpx


class Client:
    """Owner rule: keeps a known resource on self and releases it."""

    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()

    def run(self):
        import asyncio

        async def runner():
            async with self:
                await self.serve()

        asyncio.run(runner())

    async def serve(self):
        pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()


class Pool:
    """Protocol rule with a plain close (``close(); await wait_closed()``)."""

    def close(self):
        self._closing = True

    async def wait_closed(self):
        self._closed = True

    async def __aexit__(self, *exc):
        self.close()
        await self.wait_closed()


class Wrapper(Client):
    """A first-party base: the owner rule follows it."""


class Retrying(httpx.AsyncClient):
    """Subclass rule: a resource type of another library."""


if TYPE_CHECKING:
    BaseClient = httpx.AsyncClient[bytes]
else:
    BaseClient = httpx.AsyncClient


class Aliased(BaseClient):
    """Subclass rule, through a module-level alias."""


def connect(url) -> Client:
    return Client()


def _private_factory():
    return Client()
''',
    "kafka.py": '''\
class Producer:
    """Protocol rule: ``__aexit__`` always awaits ``stop()``."""

    async def start(self):
        self.started = True

    async def stop(self):
        self.started = False

    async def __aenter__(self):
        await self.start()
        return self

    async def __aexit__(self, *exc):
        await self.stop()


class Lock:
    """Negative: ``release()`` gives back what ``__aenter__`` took; the lock lives on."""

    async def acquire(self):
        self.held = True

    async def release(self):
        self.held = False

    async def __aenter__(self):
        await self.acquire()

    async def __aexit__(self, *exc):
        await self.release()


class Transaction:
    """Negative: commit or roll back by outcome, never on every path."""

    async def commit(self):
        self.done = True

    async def close(self):
        self.done = True

    async def __aexit__(self, exc_type, exc, tb):
        if exc_type is None:
            await self.close()


class Base:
    """Negative: an abstract close."""

    async def close(self):
        raise NotImplementedError

    async def __aexit__(self, *exc):
        await self.close()


class Forgets:
    """Negative: a coroutine close that ``__aexit__`` never awaits."""

    async def close(self):
        self.done = True

    async def __aexit__(self, *exc):
        self.close()


class Program:
    """A wrapper that closes only what its constructor stores from a parameter: given one, it
    wraps its caller's resource."""

    def __init__(self, idl, provider=None):
        self.provider = provider

    async def close(self):
        await self.provider.close()

    async def __aexit__(self, *exc):
        await self.close()


class _Hidden:
    async def stop(self):
        self.done = True

    async def __aexit__(self, *exc):
        await self.stop()
''',
}


def test_each_rule_finds_its_type_and_leaves_its_twin(tmp_path: Path) -> None:
    wheel = tmp_path / "netlib-1.0"
    for name, text in LIBRARY.items():
        (wheel / "netlib" / name).parent.mkdir(parents=True, exist_ok=True)
        (wheel / "netlib" / name).write_text(text, encoding="utf-8")
    found = gen.generate([wheel])
    assert {name: (e.close, e.awaited, e.lazy, e.rule, e.ends) for name, e in found.items()} == {
        "netlib.kafka.Program": ("close", True, True, "protocol", ()),
        # Owner: opens its session in ``__init__`` (not lazy); ``run()`` ends it (``async with self``).
        "netlib._client.Client": ("close", True, False, "owner", ("run",)),
        "netlib.Client": ("close", True, False, "owner", ("run",)),
        "netlib._client.Wrapper": ("close", True, False, "owner", ("run",)),
        "netlib._client.Retrying": ("aclose", True, True, "subclass", ()),
        "netlib._client.Aliased": ("aclose", True, True, "subclass", ()),
        # A factory's instances are ended by the release only.
        "netlib._client.connect": ("close", True, False, "factory", ()),
        # Protocol: the first release ``__aexit__`` calls, plain or awaited as the method is.
        "netlib._client.Pool": ("close", False, True, "protocol", ()),
        "netlib.Pool": ("close", False, True, "protocol", ()),
        "netlib.kafka.Producer": ("stop", True, True, "protocol", ()),
        "netlib.Producer": ("stop", True, True, "protocol", ()),
    }
    assert found["netlib.kafka.Program"].given == (("provider", 1),)
    assert all(not entry.given for name, entry in found.items() if name != "netlib.kafka.Program")


def test_a_name_two_versions_judge_differently_is_left_out(tmp_path: Path) -> None:
    # ``oldlib.Redis`` is a resource in version 2 (``__aexit__`` awaits ``close()``) and not in
    # version 1 (a plain ``close()``, no ``__aexit__``): a table entry would tell 1.x users to
    # await a method that returns None. ``oldlib.Pool``, the same in both, is kept.
    both = "class Pool:\n    async def close(self):\n        self.closed = True\n\n    async def __aexit__(self, *exc):\n        await self.close()\n"
    old = both + "\n\nclass Redis:\n    def close(self):\n        self.closed = True\n"
    new = both + "\n\nclass Redis:\n    async def close(self):\n        self.closed = True\n\n    async def __aexit__(self, *exc):\n        await self.close()\n"
    for version, text in (("1.3.1", old), ("2.0.1", new)):
        (tmp_path / f"oldlib-{version}" / "oldlib").mkdir(parents=True)
        (tmp_path / f"oldlib-{version}" / "oldlib" / "__init__.py").write_text(text, encoding="utf-8")
    found = gen.generate([tmp_path / "oldlib-1.3.1", tmp_path / "oldlib-2.0.1"])
    assert sorted(found) == ["oldlib.Pool"]


def test_a_public_name_two_versions_re_export_from_different_modules_is_left_out(tmp_path: Path) -> None:
    # aiogram 2's ``aiogram.Bot`` re-exports ``aiogram.bot.Bot``, itself a re-export of the
    # resource ``aiogram.bot.bot.Bot`` (released by ``close()``); aiogram 3's ``aiogram.Bot`` is
    # ``aiogram.client.bot.Bot``, whose ``close()`` is an API call, no release. The public name is
    # judged by the class each chain ends at, not by whether the inner alias is entered yet.
    old = {
        "__init__.py": "from .bot import Bot\n",
        "bot/__init__.py": "from .bot import Bot\n",
        "bot/bot.py": (
            "import aiohttp\n\n\nclass Bot:\n    def __init__(self):\n        self.session = aiohttp.ClientSession()\n\n"
            "    async def close(self):\n        await self.session.close()\n"
        ),
    }
    new = {
        "__init__.py": "from .client.bot import Bot\n",
        "client/__init__.py": "",
        "client/bot.py": "class Bot:\n    async def close(self, timeout=None):\n        return await self.call('close')\n",
    }
    for version, files in (("2.25.2", old), ("3.31.0", new)):
        for name, text in files.items():
            path = tmp_path / f"botlib-{version}" / "botlib" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    found = gen.generate([tmp_path / "botlib-2.25.2", tmp_path / "botlib-3.31.0"])
    assert "botlib.Bot" not in found
    assert sorted(found) == ["botlib.bot.Bot", "botlib.bot.bot.Bot"]


def test_the_protocol_rule_is_asked_when_the_owner_rule_finds_only_a_private_release(tmp_path: Path) -> None:
    # aioscraper's ``AIOScraper``: an exit stack made in ``__init__`` is released only by
    # ``__aexit__`` (``self._stack.__aexit__(...)``), no name a caller would call; ``__aexit__``
    # also awaits ``close()``, which is how to end it without ``async with``.
    text = (
        "import contextlib\n\n\nclass Scraper:\n    def __init__(self):\n        self._stack = contextlib.AsyncExitStack()\n\n"
        "    async def close(self):\n        self.closed = True\n\n"
        "    async def __aexit__(self, *exc):\n        try:\n            await self.close()\n        finally:\n"
        "            await self._stack.__aexit__(*exc)\n"
    )
    (tmp_path / "scrapelib-1.0" / "scrapelib").mkdir(parents=True)
    (tmp_path / "scrapelib-1.0" / "scrapelib" / "__init__.py").write_text(text, encoding="utf-8")
    found = gen.generate([tmp_path / "scrapelib-1.0"])
    assert {name: (e.close, e.rule) for name, e in found.items()} == {"scrapelib.Scraper": ("close", "protocol")}


def test_a_release_run_to_its_end_by_an_awaited_helper_counts(tmp_path: Path) -> None:
    # SQLAlchemy's ``AsyncSession.__aexit__`` is ``await _run_to_completion(self.close())``: the
    # helper (like ``asyncio.shield``) runs the coroutine it is given to its end. Handing over the
    # bound method (``self.close``, not called) is no call of it.
    text = """\
import asyncio


async def _run_to_completion(coro):
    await asyncio.shield(asyncio.create_task(coro))


class Session:
    async def close(self):
        self.closed = True

    async def __aexit__(self, *exc):
        await _run_to_completion(self.close())


class Shielded:
    async def close(self):
        self.closed = True

    async def __aexit__(self, *exc):
        await asyncio.shield(asyncio.create_task(self.close()))


class Recorded:
    async def close(self):
        self.closed = True

    async def __aexit__(self, *exc):
        await _record(self.close)


async def _record(method):
    return method
"""
    (tmp_path / "dblib-1.0" / "dblib").mkdir(parents=True)
    (tmp_path / "dblib-1.0" / "dblib" / "__init__.py").write_text(text, encoding="utf-8")
    found = gen.generate([tmp_path / "dblib-1.0"])
    assert {name: (e.close, e.awaited, e.rule) for name, e in found.items()} == {
        "dblib.Session": ("close", True, "protocol"),
        "dblib.Shielded": ("close", True, "protocol"),
    }


def test_a_maker_a_subclass_overrides_makes_the_subclass_a_resource(tmp_path: Path) -> None:
    # python-binance: ``BaseClient.__init__`` stores ``self._init_session()``, which only the
    # subclasses define: ``AsyncClient``'s returns an ``aiohttp.ClientSession`` (closed by
    # ``close_connection()``), ``Client``'s a plain object. The factory ``AsyncClient.create`` is
    # known under the package's re-exported name too.
    files = {
        "__init__.py": "from exlib.clients import AsyncClient, Client\n",
        "clients.py": """\
import aiohttp


class BaseClient:
    def __init__(self, key):
        self.key = key
        self.session = self._init_session()

    def _init_session(self):
        raise NotImplementedError


class AsyncClient(BaseClient):
    def _init_session(self):
        return aiohttp.ClientSession()

    @classmethod
    async def create(cls, key):
        self = cls(key)
        await self.ping()
        return self

    async def ping(self):
        await self.session.get("https://example.invalid/ping")

    async def close_connection(self):
        await self.session.close()


class Client(BaseClient):
    def _init_session(self):
        return object()

    def close_connection(self):
        self.session = None
""",
    }
    for name, text in files.items():
        (tmp_path / "exlib-1.0" / "exlib" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "exlib-1.0" / "exlib" / name).write_text(text, encoding="utf-8")
    found = gen.generate([tmp_path / "exlib-1.0"])
    assert {name: (e.close, e.awaited, e.lazy, e.rule) for name, e in found.items()} == {
        "exlib.AsyncClient": ("close_connection", True, False, "owner"),
        "exlib.AsyncClient.create": ("close_connection", True, False, "factory"),
        "exlib.clients.AsyncClient": ("close_connection", True, False, "owner"),
        "exlib.clients.AsyncClient.create": ("close_connection", True, False, "factory"),
    }


def test_the_shipped_table_is_the_scripts_output_format() -> None:
    document = json.loads((ROOT / "tradelint" / "packs" / "library_resources.json").read_text(encoding="utf-8"))
    def pins(listed: str) -> set[str]:
        lines = (ROOT / "scripts" / listed).read_text(encoding="utf-8").splitlines()
        return {
            re.sub(r"\[.*\]", "", line.split("#", 1)[0].strip()).replace("==", "-")
            for line in lines if line.split("#", 1)[0].strip()
        }

    # Every library read is pinned, every hand-picked one is read (of Home Assistant's
    # requirements, those that could be downloaded), and every type names the wheel it was
    # read from.
    hand_picked, home_assistant = pins("library_resources.txt"), pins("library_resources_ha.txt")
    aio, ranked = pins("library_resources_aio.txt"), pins("library_resources_ranked.txt")
    assert hand_picked <= set(document["sources"]) <= hand_picked | home_assistant | aio | ranked
    assert not hand_picked & home_assistant and not (hand_picked | home_assistant) & aio
    assert not (hand_picked | home_assistant | aio) & ranked
    types = document["types"]
    assert len(types) > 200
    assert {entry["source"] for entry in types.values()} <= set(document["sources"])
    assert types["openai.AsyncOpenAI"]["close"] == "close"
    assert types["aiokafka.AIOKafkaProducer"]["close"] == "stop"
    assert "run" in types["disnake.client.Client"]["ends"]


def test_library_types_are_known_without_the_library() -> None:
    # fixtures/lifecycles/library_types.py names openai, aiokafka, disnake and anchorpy, none of which the
    # test environment installs: each leak above its negative twin(s), which have no finding.
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([FIXTURES / "library_types.py"])] == [
        # Used through its sub-clients, never closed (closed by ``async with``; unused: nothing open).
        "14 TRD201 `client` (`AsyncOpenAI(...)`) is never closed; call `await client.close()` in a `finally`",
        # Started, never stopped (stopped in ``finally``).
        "32 TRD201 `producer` (`AIOKafkaProducer(...)`) is never closed; call `await producer.stop()` in a `finally`",
        # Logged in, never closed (``run()`` ends it: ``async with self`` around the bot's life).
        "54 TRD201 `client` (`disnake.Client(...)`) is never closed; call `await client.close()` in a `finally`",
        # A wrapper left to make its own provider (given the caller's, it wraps it: no finding).
        "67 TRD201 `program` (`Program(...)`) is never closed; call `await program.close()` in a `finally`",
    ]


def test_a_method_that_ends_its_own_instance_closes_it(tmp_path: Path) -> None:
    # A first-party type whose ``start()`` releases it in its ``finally``: calling ``start()``
    # ends it; calling only ``connect()`` does not.
    (tmp_path / "trader.py").write_text(
        """\
import aiohttp


class Trader:
    def __init__(self):
        self.session = self._init_session()

    def _init_session(self):
        session = aiohttp.ClientSession()
        return session

    async def connect(self):
        await self.session.get("https://example.com")

    async def start(self):
        try:
            await self.connect()
        finally:
            await self.stop()

    async def stop(self):
        await self.session.close()


async def run_ended():
    trader = Trader()
    await trader.start()


async def run_leaked():
    trader = Trader()
    await trader.connect()
""",
        encoding="utf-8",
    )
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([tmp_path / "trader.py"])] == [
        "31 TRD201 `trader` (`Trader(...)`) is never closed; call `await trader.stop()` in a `finally`",
    ]


def test_a_library_is_first_party_in_its_own_code(tmp_path: Path) -> None:
    # Inside ``openai`` itself, ``AsyncOpenAI`` is its own class, judged by the first-party
    # rules (here: nothing it holds is known), not by the table made for its users; and a
    # module of another package names it by an import of ``openai`` and its name, the resource
    # tables' TRD2 trigger word that flake8's demand filter reads (``trigger_words.RESOURCE_TABLES``).
    package = tmp_path / "openai"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_client.py").write_text("class AsyncOpenAI:\n    async def close(self):\n        pass\n", encoding="utf-8")
    (package / "helpers.py").write_text(
        "from ._client import AsyncOpenAI\n\n\nasync def ask():\n    client = AsyncOpenAI()\n"
        "    return await client.chat.completions.create()\n",
        encoding="utf-8",
    )
    assert [f"{f.line} {f.code}" for f in check_paths([package / "helpers.py"])] == []
    from tradelint.rules.unclosed_async_resource import UnclosedAsyncResource
    from tradelint.core.config import Config

    from tradelint.core.trigger_words import RESOURCE_TABLES
    from tradelint.runner.demand import run_families

    assert RESOURCE_TABLES in UnclosedAsyncResource.trigger_words(Config())
    assert "TRD2" in run_families(b"from openai import AsyncOpenAI\n", Config())


def test_pins_are_read_from_lists_and_unreadable_source_is_skipped(tmp_path: Path, capsys) -> None:
    # ``--src SRC --list FILE``: a folder ``SRC/<name>-<version>`` per pin (extras dropped); a
    # pin never downloaded and a module that does not parse are skipped with a message, and the
    # rest of the package is read.
    (tmp_path / "pins.txt").write_text("# comment\nnetlib[async]==1.0\nmissing==2.0  # never downloaded\n", encoding="utf-8")
    package = tmp_path / "src" / "netlib-1.0" / "netlib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "old.py").write_text("print 'python 2'\n", encoding="utf-8")
    (package / "client.py").write_text(
        "import aiohttp\n\n\nclass Client:\n    def __init__(self):\n        self._session = aiohttp.ClientSession()\n\n"
        "    async def close(self):\n        await self._session.close()\n",
        encoding="utf-8",
    )
    out = tmp_path / "table.json"
    assert gen.main(["--out", str(out), "--src", str(tmp_path / "src"), "--list", str(tmp_path / "pins.txt")]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["sources"] == ["netlib-1.0"]
    assert document["types"] == {
        "netlib.client.Client": {
            "close": "close", "awaited": True, "lazy": False, "ends": [], "given": [], "rule": "owner", "source": "netlib-1.0",
        },
    }
    assert capsys.readouterr().err.splitlines() == [
        "skipped missing==2.0: not downloaded, or no Python source",
        "skipped 1 of 3 modules of netlib-1.0: they do not parse",
        f"1 names of 1 libraries -> {out}",
        "0 method makers of 0 libraries",
    ]
    assert document["makers"] == {}


def test_later_batches_know_the_types_found_before_and_never_rename_them(tmp_path: Path) -> None:
    # The first population: a client holding an aiohttp session. A later batch (read in a
    # project of its own) holds that client, and ships a fork of it under the same import name,
    # a stdlib shadow and a package whose name says nothing of async: only its own aio package
    # is added.
    def write(folder: str, path: str, text: str) -> Path:
        (tmp_path / folder / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / path).write_text(text, encoding="utf-8")
        return tmp_path / folder

    owner = """\
import aiohttp


class Client:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()
"""
    first = write("baselib-1.0", "baselib/__init__.py", owner)
    write("aiowrap-1.0", "aiowrap/__init__.py", """\
from baselib import Client


class Wrapper:
    def __init__(self):
        self.client = Client()

    async def shutdown(self):
        await self.client.close()
""")
    write("aiowrap-1.0", "baselib/__init__.py", owner.replace("close", "aclose"))
    write("aiowrap-1.0", "http/__init__.py", owner)
    write("aiowrap-1.0", "kombu/__init__.py", owner)
    found = gen.generate_in_batches([first], [tmp_path / "aiowrap-1.0"], 10)
    assert {name: (e.close, e.rule, e.source) for name, e in found.items()} == {
        "baselib.Client": ("close", "owner", "baselib-1.0"),
        "aiowrap.Wrapper": ("shutdown", "owner", "aiowrap-1.0"),
    }


MAKERS = {
    "__init__.py": "from weblib._api import Browser, Context, Page, Request\n",
    "_api.py": '''\
from contextlib import asynccontextmanager
from typing import Optional


class Page:
    async def close(self):
        self.closed = True

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def opener(self) -> Optional["Page"]:
        return self._opener


class Context(Page):
    async def new_page(self) -> "Page":
        return Page()

    async def spawn(self, url):
        return Page()

    @property
    def page(self) -> Page:
        return Page()

    @asynccontextmanager
    async def expect_page(self):
        yield Page()

    async def clone(self) -> "Context":
        return self

    def connect_ws(self, url) -> "_Pending[Page]":
        return _Pending(self._open(url))


class Browser(Page):
    async def new_page(self) -> Optional[Page]:
        return Page()

    async def new_context(self) -> "Context":
        return Context()


class Request:
    """No resource: its ``new_context`` makes ``new_context`` say nothing at a call."""

    async def new_context(self) -> "RequestContext":
        return RequestContext()


class RequestContext:
    async def dispose(self):
        self.done = True


class Hidden:
    """Not re-exported from a private module: no class a user holds."""

    async def new_context(self) -> "Hidden":
        return Hidden()


class _Impl:
    async def opener(self):
        return Page()


class _Pending:
    """Awaited, the page; entered, a page closed at the end of the block."""

    def __init__(self, coro):
        self._coro = coro

    def __await__(self):
        return self._coro.__await__()
''',
}


def test_methods_returning_a_new_resource_are_makers(tmp_path: Path) -> None:
    # ``new_page`` (annotated, ``Optional`` too) and ``spawn`` (``return Page()``) are makers;
    # ``new_context`` only on a known ``Browser`` (``Request.new_context`` returns no resource); not ``opener`` (it
    # returns ``self._opener``, a page that exists), ``clone`` (``return self``), a property, a
    # context manager, nor a method of a class no public module exports.
    wheel = tmp_path / "weblib-1.0"
    for name, text in MAKERS.items():
        (wheel / "weblib" / name).parent.mkdir(parents=True, exist_ok=True)
        (wheel / "weblib" / name).write_text(text, encoding="utf-8")
    makers: dict[str, gen.Maker] = {}
    found = gen.generate([wheel], makers=makers)
    assert {"weblib._api.Page", "weblib._api.Context", "weblib._api.Browser"} <= set(found)
    assert {name: (m.returns, m.is_async, m.by_name) for name, m in makers.items()} == {
        "weblib._api.Browser.new_page": ("weblib._api.Page", True, True),
        "weblib._api.Context.new_page": ("weblib._api.Page", True, True),
        "weblib._api.Context.spawn": ("weblib._api.Page", True, True),
        # A plain method returning an awaitable wrapper of a page: ``await`` gives the page.
        "weblib._api.Context.connect_ws": ("weblib._api.Page", True, True),
        # Only on a receiver known to be a ``Browser``.
        "weblib._api.Browser.new_context": ("weblib._api.Context", True, False),
    }


def test_the_shipped_table_records_playwrights_makers() -> None:
    makers = json.loads((ROOT / "tradelint" / "packs" / "library_resources.json").read_text(encoding="utf-8"))["makers"]
    generated = "playwright.async_api._generated"
    assert makers[f"{generated}.BrowserContext.new_page"] == {
        "returns": f"{generated}.Page", "async": True, "by_name": True, "source": "playwright-1.65.2"
    }
    assert makers[f"{generated}.BrowserType.connect_over_cdp"]["returns"] == f"{generated}.Browser"
    # ``APIRequest.new_context`` returns an ``APIRequestContext`` (no resource of the table): only
    # a receiver known to be a ``Browser`` makes a context. ``Page.opener()`` returns the page
    # that opened it.
    assert not makers[f"{generated}.Browser.new_context"]["by_name"] and f"{generated}.Page.opener" not in makers
