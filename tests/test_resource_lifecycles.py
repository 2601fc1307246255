"""TRD201/TRD202 messages and verdicts that depend on who ends an object: a framework's teardown
(discord.py), a renewing method, a factory; each as the exact message a user reads."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "lifecycles"


def _messages(path: Path, select: str = "TRD2") -> list[str]:
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=[select])]


def test_framework_teardowns_are_named() -> None:
    assert _messages(FIXTURES / "frameworks.py") == [
        # discord.py calls ``close()``, not ``logout()``, at shutdown: the one to add.
        "15 TRD202 `self.client_session` is never closed; add a `close()` method that calls its `close()`",
        # A cog without a teardown: ``cog_unload()`` is the method to add.
        "49 TRD202 `self.session` is never closed; add a `cog_unload()` method that calls its `close()`",
        # ``stop(self, ctx)`` is a bot command, not the release method.
        "63 TRD202 `self.session` is never closed; call its `close()` in `cog_unload()`",
        # Closed only in a bot command, which unloading the cog does not run.
        "77 TRD202 `self.session` is never closed; add a `cog_unload()` method that calls its `close()`",
        # ... and the one the command makes after closing it: each acquisition, where it is made.
        "82 TRD202 `self.session` is never closed; add a `cog_unload()` method that calls its `close()`",
    ]


def test_renewals_name_the_replacing_method() -> None:
    assert _messages(FIXTURES / "renewals.py") == [
        "16 TRD202 `self.session` is replaced without closing the old one; call its `close()` first",
        "70 TRD202 `self.ws` is replaced without closing the old one; call its `close()` first",
        "82 TRD202 `self.http` is replaced without closing the old one; call its `aclose()` first",
    ]


def test_a_factory_made_resource_is_owned_by_its_holder() -> None:
    assert _messages(FIXTURES / "factories.py") == [
        "29 TRD202 `self.prices` is never closed; call its `aclose()` in `stop()`",
        "55 TRD201 `p` (`Prices.open(...)`) is never closed; call `await p.aclose()` in a `finally`",
        "75 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
    ]


def test_a_fallback_session_gets_no_fix(tmp_path: Path) -> None:
    # ``session or ClientSession()`` may hold the caller's session: closing it is not ours to add.
    source = tmp_path / "client.py"
    source.write_text(
        "import aiohttp\n\n\n"
        "class Client:\n"
        "    def __init__(self, session=None):\n"
        "        self.session = session or aiohttp.ClientSession()\n\n"
        "    async def close(self):\n"
        "        pass\n",
        encoding="utf-8",
    )
    findings = check_paths([source], select=["TRD202"])
    assert [(f.line, f.message, f.fix) for f in findings] == [
        (6, "`self.session` is never closed; call its `close()` in `close()`", None)
    ]


def test_ends_are_proven_before_they_count() -> None:
    # fixtures/lifecycles/proven_ends.py: each shape above its negative twin, which has no finding.
    path = FIXTURES / "proven_ends.py"
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([path])] == [
        # A module cache fed through a local: the getter lends it, the module owns it.
        "30 TRD201 `httpx.AsyncClient()` kept in global `_CLIENTS` is never closed; close them at shutdown",
        # Lent inline to an awaited call.
        "56 TRD201 `aiohttp.ClientSession(...)` is created inline, so nothing closes it; open it with `async with`",
        # Closed only to be renewed.
        "73 TRD202 `self.http` is never closed; add a `close()` method that calls its `close()`",
        # Tested, then dropped to ``None`` unclosed.
        "100 TRD202 `self._client` is set to `None` in `close()` unclosed; call its `aclose()` first",
        # Handed to the session only on one branch of ``or``.
        "136 TRD201 `connector` (`aiohttp.TCPConnector(...)`) is never closed; open it with `async with`",
        # Handed to a callable held in a loop variable.
        "153 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        # Made by the module's own factory.
        "163 TRD201 `session` (`make_session(...)`) is never closed; open it with `async with`",
        # A task kept only in a WeakSet (its log call keeps nothing).
        "178 TRD301 task from `asyncio...create_task(...)` is kept only in weak `self._tasks`; keep a strong reference",
        "208 TRD302 task `task` from `asyncio.create_task(...)` is never awaited or kept; await or store it",
        # Cancelled only to be restarted.
        "220 TRD303 `self.pending` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
        # Handed to a class of a package that is neither installed nor in the project.
        "238 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
    ]


def test_a_factory_of_another_module_makes_what_it_returns(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "http.py").write_text(
        "import aiohttp\n\n\n"
        "def make_session() -> aiohttp.ClientSession:\n"
        "    return aiohttp.ClientSession()\n\n\n"
        "def maybe_session(flag: bool) -> object:\n"
        "    return aiohttp.ClientSession() if flag else None\n",
        encoding="utf-8",
    )
    (package / "use.py").write_text(
        "from .http import make_session, maybe_session\n\n\n"
        "async def fetch(url: str) -> bytes:\n"
        "    session = make_session()\n"
        "    async with session.get(url) as response:\n"
        "        return await response.read()\n\n\n"
        "async def fetch_closed(url: str) -> bytes:\n"
        "    async with make_session() as session, session.get(url) as response:\n"
        "        return await response.read()\n\n\n"
        "async def not_always_one(url: str) -> None:\n"
        "    thing = maybe_session(True)\n"
        "    print(thing)\n",
        encoding="utf-8",
    )
    assert [(Path(f.path).name, f.line, f.code, f.message) for f in check_paths(sorted(package.glob("*.py")), select=["TRD2"])] == [
        ("use.py", 5, "TRD201", "`session` (`make_session(...)`) is never closed; open it with `async with`"),
    ]


def test_a_generator_coroutine_borrows_what_it_yields_from(tmp_path: Path) -> None:
    # ``yield from aiohttp.request(..., connector=self._connector)`` in an ``@asyncio.coroutine``
    # borrows the connector as ``await`` does: the transport still has to close it.
    source = tmp_path / "transport.py"
    source.write_text(
        "import asyncio\n\nimport aiohttp\n\n\n"
        "class Transport:\n"
        "    def __init__(self, loop):\n"
        "        self._connector = aiohttp.TCPConnector(loop=loop)\n\n"
        "    @asyncio.coroutine\n"
        "    def request(self, url):\n"
        "        response = yield from aiohttp.request('POST', url, connector=self._connector)\n"
        "        return (yield from response.text())\n\n\n"
        "class ClosedTransport(Transport):\n"
        "    def close(self):\n"
        "        self._connector.close()\n",
        encoding="utf-8",
    )
    assert [(f.line, f.code, f.message) for f in check_paths([source], select=["TRD2"])] == [
        (8, "TRD202", "`self._connector` is never closed; add a `close()` method that calls its `close()`"),
    ]


def test_a_factory_of_first_party_resources_makes_them(tmp_path: Path) -> None:
    # ``create_client()`` returns one of two first-party clients, both released by
    # ``await client.disconnect()``: its caller owns what it returns.
    source = tmp_path / "clients.py"
    source.write_text(
        "import aiohttp\n\n\n"
        "class SshClient:\n"
        "    async def connect(self) -> None:\n"
        "        self._session = aiohttp.ClientSession()\n\n"
        "    async def disconnect(self) -> None:\n"
        "        await self._session.close()\n\n\n"
        "class HttpClient:\n"
        "    async def connect(self) -> None:\n"
        "        self._session = aiohttp.ClientSession()\n\n"
        "    async def disconnect(self) -> None:\n"
        "        await self._session.close()\n\n\n"
        "def create_client(ssh: bool) -> 'SshClient | HttpClient':\n"
        "    if ssh:\n"
        "        return SshClient()\n"
        "    return HttpClient()\n\n\n"
        "async def test_connection(ssh: bool) -> bool:\n"
        "    client = create_client(ssh)\n"
        "    await client.connect()\n"
        "    return True\n\n\n"
        "async def test_connection_closed(ssh: bool) -> bool:\n"
        "    client = create_client(ssh)\n"
        "    try:\n"
        "        await client.connect()\n"
        "    finally:\n"
        "        await client.disconnect()\n"
        "    return True\n",
        encoding="utf-8",
    )
    assert [(f.line, f.code, f.message) for f in check_paths([source], select=["TRD2"])] == [
        (27, "TRD201", "`client` (`create_client(...)`) is never closed; call `await client.disconnect()` in a `finally`"),
    ]


def test_an_exit_before_the_handoff_leaks_it() -> None:
    # fixtures/lifecycles/exits_before_handoff.py: a client made by a setup function, stored
    # where unload disconnects it, but a failed connect raises first; closed before the raise,
    # or the exit taken before the client exists: no finding. Then a client closed at the end
    # of a ``try`` whose ``except`` goes on without it, or re-raises to a caller that goes on
    # (not in ``finally``).
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([FIXTURES / "exits_before_handoff.py"])] == [
        "29 TRD201 `client` (`Client(...)`) leaks on an exit before it is handed on; call its `disconnect()` on that path",
        # (session 35: its first use, the awaited ``connect()``, may fail once it has opened something)
        "53 TRD201 `client` (`Client(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "86 TRD201 `client` (`Client(...)`) is closed outside `finally`; move `client.disconnect()` into a `finally`",
        "98 TRD201 `client` (`Client(...)`) is closed outside `finally`; move `client.disconnect()` into a `finally`",
    ]


def test_a_resource_yielded_unnamed_or_remade_by_its_release_is_reported_where_it_is_made() -> None:
    assert _messages(FIXTURES / "yielded.py", "TRD201")[-2:] == [
        "50 TRD201 `aiohttp.ClientSession(...)` is yielded and never closed; bind it and close it after the `yield` in a `finally`",
        # The state a lifespan yields is lent to the application, not handed over.
        "62 TRD201 `client` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
    ]
    # The first session is closed by ``close()``; the one ``close()`` makes is not, by anything.
    # ``Feed.reconnect()`` renews, and ``Feed.close()`` ends the new one.
    assert _messages(FIXTURES / "remade_at_release.py") == [
        "16 TRD202 `self._session` is made again in `close()` after its close; make it where it is used",
    ]


def test_a_local_task_cancelled_on_some_paths_only() -> None:
    assert _messages(FIXTURES / "task_exit_paths.py", "TRD3") == [
        "20 TRD302 task `pipeline` from `asyncio.create_task(...)` is cancelled on some paths only; cancel it in a `finally`",
        "49 TRD302 task `job` from `asyncio.create_task(...)` is cancelled on some paths only; cancel it in a `finally`",
    ]


def test_a_plain_class_of_an_unloadable_integration_ends_its_tasks_at_unload() -> None:
    # ``Round.cancel_timer()`` is reached only by a web view's ``get()``, which a request runs,
    # not the unload; ``Lobby.close_lobby()`` is called by ``async_unload_entry()``.
    assert _messages(FIXTURES / "ha_integration" / "game.py", "TRD3") == [
        "13 TRD303 `self._timer` is cancelled in `cancel_timer()`, but nothing the entry's unload runs calls it",
    ]


def test_a_plain_client_closed_only_at_stop_leaks_at_each_unload(tmp_path: Path) -> None:
    # ``Api.close()`` closes its session; only the stop listener calls it. The session's own
    # ``self._session.close()`` inside ``close()`` is the method's body, not a caller of it.
    folder = tmp_path / "custom_components" / "demo"
    folder.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    (folder / "manifest.json").write_text('{"domain": "demo"}', encoding="utf-8")
    (folder / "__init__.py").write_text(
        "from homeassistant.const import EVENT_HOMEASSISTANT_STOP\n\n"
        "from .api import Api\n\n\n"
        "async def async_setup_entry(hass, entry):\n"
        "    api = Api()\n"
        "    hass.data.setdefault('demo', {})[entry.entry_id] = api\n\n"
        "    async def _stop(event):\n"
        "        await api.close()\n\n"
        "    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop)\n"
        "    return True\n\n\n"
        "async def async_unload_entry(hass, entry):\n"
        "    hass.data['demo'].pop(entry.entry_id)\n"
        "    return True\n",
        encoding="utf-8",
    )
    (folder / "api.py").write_text(
        "import aiohttp\n\n\n"
        "class Api:\n"
        "    def __init__(self):\n"
        "        self._session = aiohttp.ClientSession()\n\n"
        "    async def close(self):\n"
        "        await self._session.close()\n",
        encoding="utf-8",
    )
    assert _messages(folder / "api.py") == [
        "6 TRD202 `self._session` is closed only at Home Assistant stop; also call `close()` on unload",
    ]
    # Also called at unload: ended there.
    text = (folder / "__init__.py").read_text(encoding="utf-8")
    (folder / "__init__.py").write_text(
        text.replace("    hass.data['demo'].pop(entry.entry_id)\n", "    await hass.data['demo'].pop(entry.entry_id).close()\n"),
        encoding="utf-8",
    )
    assert _messages(folder / "api.py") == []


def test_a_setattr_on_self_and_a_local_list_keep_the_creator_owning() -> None:
    assert _messages(FIXTURES / "stored_elsewhere.py") == [
        "10 TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`",
        "24 TRD201 `aiohttp.ClientSession(...)` kept in local `sessions` is never closed; close each before the function returns",
    ]


def _integration(tmp_path: Path, setup: str, unload: str) -> Path:
    folder = tmp_path / "custom_components" / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    (folder / "manifest.json").write_text('{"domain": "demo"}', encoding="utf-8")
    (folder / "__init__.py").write_text(
        "import asyncio\n\nimport aiohttp\n\n\n"
        f"async def async_setup_entry(hass, entry):\n{setup}    return True\n\n\n"
        f"async def async_unload_entry(hass, entry):\n{unload}    return True\n",
        encoding="utf-8",
    )
    return folder / "__init__.py"


def test_what_the_setup_keeps_for_the_integration_must_end_at_unload(tmp_path: Path) -> None:
    setup = (
        "    hass.data.setdefault('demo', {})['client'] = aiohttp.ClientSession()\n"
        "    entry.runtime_data = aiohttp.ClientSession()\n"
        "    hass.data['demo']['listener'] = asyncio.create_task(asyncio.sleep(100))\n"
        "    session = aiohttp.ClientSession()\n"
        "    hass.data['demo'][entry.entry_id] = session\n"
    )
    path = _integration(tmp_path, setup, "    hass.data['demo'].clear()\n")
    assert _messages(path, "TRD2") + _messages(path, "TRD3") == [
        "7 TRD201 `…['client']` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "8 TRD201 `entry.runtime_data` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "10 TRD201 `session` (`aiohttp.ClientSession(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "9 TRD302 task kept in `…['listener']` at setup is never cancelled at unload; cancel it in `async_unload_entry()`",
    ]
    # An unload that closes and cancels what it pops (by name: some ``close``, some ``cancel``).
    unload = (
        "    data = hass.data.pop('demo')\n"
        "    data['listener'].cancel()\n"
        "    for value in data.values():\n"
        "        if isinstance(value, aiohttp.ClientSession):\n"
        "            await value.close()\n"
        "    await entry.runtime_data.close()\n"
    )
    path = _integration(tmp_path, setup, unload)
    assert _messages(path, "TRD2") + _messages(path, "TRD3") == []


def test_an_exchange_picked_by_name_is_made_and_must_be_closed(tmp_path: Path) -> None:
    assert _messages(FIXTURES / "exchange_by_name.py") == [
        "10 TRD202 `self.exchange` is never closed; add a `close()` method that calls its `close()`",
    ]
    source = tmp_path / "quote.py"
    source.write_text(
        "import ccxt.pro as ccxtpro\n\n\n"
        "async def quote(name):\n"
        "    exchange = getattr(ccxtpro, name)()\n"
        "    return await exchange.watch_ticker('BTC/USDT')\n",
        encoding="utf-8",
    )
    assert _messages(source) == [
        "5 TRD201 `exchange` (`getattr(ccxtpro, name)(...)`) is never closed; open it with `async with`",
    ]


def test_a_first_party_maker_overridden_by_the_subclass(tmp_path: Path) -> None:
    # The base stores what ``self._init_session()`` makes; only the subclass defines it.
    (tmp_path / "clients.py").write_text(
        "import aiohttp\n\n\n"
        "class Base:\n"
        "    def __init__(self):\n"
        "        self.session = self._init_session()\n\n"
        "    def _init_session(self):\n"
        "        raise NotImplementedError\n\n\n"
        "class Http(Base):\n"
        "    def _init_session(self):\n"
        "        return aiohttp.ClientSession()\n\n"
        "    async def aclose(self):\n"
        "        await self.session.close()\n\n\n"
        "async def fetch(url):\n"
        "    http = Http()\n"
        "    return await http.session.get(url)\n",
        encoding="utf-8",
    )
    assert _messages(tmp_path / "clients.py") == [
        "21 TRD201 `http` (`Http(...)`) is never closed; call `await http.aclose()` in a `finally`",
    ]


def test_a_method_that_makes_a_resource_makes_it_for_its_caller(tmp_path: Path) -> None:
    assert _messages(FIXTURES / "method_makers.py") == [
        # (session 35: the maker's own first use, ``await redis.ping()``, may fail once connected,
        # and its handler returns None, leaving it open)
        "12 TRD201 `redis` (`aioredis.from_url(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "19 TRD201 `redis` (`self._get_redis(...)`) is never closed; call `await redis.aclose()` in a `finally`",
    ]
    # Lent to a coroutine that uses it, the lazy client is used: still the caller's to close.
    source = tmp_path / "crawls.py"
    source.write_text(
        "from redis import asyncio as aioredis\n\n\n"
        "async def crawl_stats(redis, crawl_id):\n"
        "    return await redis.get(crawl_id)\n\n\n"
        "class Crawls:\n"
        "    async def get_redis(self, crawl_id):\n"
        "        return await aioredis.from_url(f'redis://{crawl_id}')\n\n"
        "    async def stats(self, crawl_id):\n"
        "        redis = await self.get_redis(crawl_id)\n"
        "        return await crawl_stats(redis, crawl_id)\n",
        encoding="utf-8",
    )
    assert _messages(source) == [
        "13 TRD201 `redis` (`self.get_redis(...)`) is never closed; open it with `async with`",
    ]


def test_a_base_class_maker_is_judged_for_every_subclass_in_other_modules(tmp_path: Path) -> None:
    # The base's method is judged once per run and its verdict kept: each subclass in another
    # module still makes the resource, and one that defines the method itself is judged on its own.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "base.py").write_text(
        "from redis import asyncio as aioredis\n\n\n"
        "class Base:\n"
        "    async def get_redis(self, key):\n"
        "        return await aioredis.from_url(f'redis://{key}')\n",
        encoding="utf-8",
    )
    user = (
        "from pkg.base import Base\n\n\n"
        "class {name}(Base):\n{own}"
        "    async def stats(self, key):\n"
        "        redis = await self.get_redis(key)\n"
        "        return await redis.get(key)\n"
    )
    cached = "    async def get_redis(self, key):\n        return self.cached\n\n"
    for name, own in (("a", ""), ("b", ""), ("c", cached)):
        (package / f"{name}.py").write_text(user.format(name=name.upper(), own=own), encoding="utf-8")
    found = check_paths([package / f"{name}.py" for name in "abc"], select=["TRD2"])
    assert [(Path(f.path).name, f.line, f.code) for f in found] == [("a.py", 6, "TRD201"), ("b.py", 6, "TRD201")]


def test_a_pool_made_by_run_until_complete_is_made(tmp_path: Path) -> None:
    # ``loop.run_until_complete(coro)`` returns what the coroutine returns, as ``await`` does.
    source = tmp_path / "bot.py"
    source.write_text(
        "import asyncio\n\nimport asyncpg\n\n\n"
        "class Bot:\n"
        "    def __init__(self, loop: asyncio.AbstractEventLoop):\n"
        "        self.loop = loop\n"
        "        self.db = loop.run_until_complete(self.create_db_pool())\n\n"
        "    async def create_db_pool(self):\n"
        "        return await asyncpg.create_pool(dsn='postgresql://localhost/bot')\n",
        encoding="utf-8",
    )
    assert _messages(source) == [
        "9 TRD202 `self.db` is never closed; add a `close()` method that calls its `close()`",
    ]
