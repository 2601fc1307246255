"""Session 21 (issue 28, points 1 and 5): what an object keeps as an element of its own
collection, and a task ended by whoever keeps its owner.

- A resource bound to a local and then put into a collection on ``self`` (``client = Client();
  self.clients[key] = client``) is kept by the instance as an element, as if made in place: some
  method of the class must end the elements, and in a discord cog only what ``cog_unload()``
  reaches ends them (a command that closes one does not run at unload). A local the method
  closes itself is judged as the local it also is.
- Under preview, an element released by the project (``await self.clients[key].close()``) is
  evidence that a third-party class must be released, as a release of a local or attribute is.
- A task a class keeps on ``self`` is ended by the code that keeps the class's instances, when
  that code is proven to hold them (``for game in self.games: game._task.cancel()`` where the
  class puts only ``Game(...)`` in ``self.games``) and runs when its own object ends.
Each shape has its negative twin."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import preview_messages as _messages

COG = """\
import aiohttp
from redbot.core import commands


class Feeds(commands.Cog):
    def __init__(self, bot):
        self.bot = bot
        self.clients = {}

    async def follow(self, guild_id):
        client = aiohttp.ClientSession()
        self.clients[guild_id] = client
        (await client.get("https://example.com")).release()

    @commands.command()
    async def unfollow(self, ctx):
        if ctx.guild.id in self.clients:
            await self.clients[ctx.guild.id].close()
            del self.clients[ctx.guild.id]
"""


def _write(tmp_path: Path, name: str, source: str) -> Path:
    folder = tmp_path / "feeds"
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").write_text("", encoding="utf-8")
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return path


def test_a_local_put_in_a_collection_on_self_is_an_element_the_unload_must_close(tmp_path: Path) -> None:
    path = _write(tmp_path, "cog.py", COG)
    assert _messages(path, "TRD2") == [
        "11 TRD202 `aiohttp.ClientSession(...)` items of `self.clients` are never closed; close each in a `cog_unload()` method",
    ]


def test_elements_closed_at_cog_unload_are_clean(tmp_path: Path) -> None:
    unload = "\n    async def cog_unload(self):\n        for client in self.clients.values():\n            await client.close()\n"
    path = _write(tmp_path, "cog.py", COG + unload)
    assert _messages(path, "TRD2") == []


def test_a_local_the_method_also_closes_is_judged_as_a_local(tmp_path: Path) -> None:
    source = """\
import aiohttp


class Probe:
    def __init__(self):
        self.seen = []

    async def probe(self):
        session = aiohttp.ClientSession()
        self.seen.append(session)
        try:
            (await session.get("https://example.com")).release()
        finally:
            await session.close()
"""
    path = _write(tmp_path, "probe.py", source)
    assert _messages(path, "TRD2") == []


def test_a_local_put_in_a_plain_class_s_collection_is_closed_by_its_close(tmp_path: Path) -> None:
    source = """\
import aiohttp


class Pool:
    def __init__(self):
        self.sessions = []

    async def grow(self):
        session = aiohttp.ClientSession()
        self.sessions.append(session)

    async def close(self):
        for session in self.sessions:
            await session.close()
"""
    path = _write(tmp_path, "pool.py", source)
    assert _messages(path, "TRD2") == []
    dropped = source.replace("        for session in self.sessions:\n            await session.close()\n", "        self.sessions.clear()\n")
    path.write_text(dropped, encoding="utf-8")
    assert _messages(path, "TRD2") == [
        "9 TRD202 `aiohttp.ClientSession(...)` items of `self.sessions` are never closed; close each in `close()`",
    ]


THIRD_PARTY = """\
from livelib import LiveClient
from redbot.core import commands


class Live(commands.Cog):
    def __init__(self, bot):
        self.clients = {}

    async def watch(self, guild_id, user):
        client = LiveClient(unique_id=user)
        self.clients[guild_id] = client

    @commands.command()
    async def unwatch(self, ctx):
        await self.clients[ctx.guild.id].close()
        del self.clients[ctx.guild.id]
"""


def test_an_element_the_project_releases_makes_a_third_party_class_a_resource(tmp_path: Path) -> None:
    path = _write(tmp_path, "live.py", THIRD_PARTY)
    assert _messages(path, "TRD2") == [
        "10 TRD202 `LiveClient(...)` items of `self.clients` are never closed; close each in a `cog_unload()` method",
    ]


def test_an_element_never_released_is_no_evidence(tmp_path: Path) -> None:
    path = _write(tmp_path, "live.py", THIRD_PARTY.replace(".close()", ".refresh()"))
    assert _messages(path, "TRD2") == []


GAME = """\
import asyncio


class Game:
    def __init__(self, cog):
        self.cog = cog
        self._task = asyncio.create_task(self.run())

    async def run(self):
        await asyncio.sleep(10)
"""

HOLDER = """\
from redbot.core import commands

from .game import Game


class Games(commands.Cog):
    def __init__(self):
        self.games = []

    async def start(self):
        game = Game(self)
        self.games.append(game)

ENDING
"""


def _games(tmp_path: Path, ending: str) -> Path:
    _write(tmp_path, "cog.py", HOLDER.replace("ENDING", ending))
    return _write(tmp_path, "game.py", GAME)


def test_a_task_the_keeper_of_its_owners_cancels_at_unload_is_ended(tmp_path: Path) -> None:
    ending = "    def cog_unload(self):\n        return [game._task.cancel() for game in self.games]\n"
    assert _messages(_games(tmp_path, ending), "TRD3") == []


def test_a_task_the_keeper_cancels_only_in_a_command_is_reported(tmp_path: Path) -> None:
    ending = (
        "    @commands.command()\n    async def stopall(self, ctx):\n"
        "        for game in self.games:\n            game._task.cancel()\n"
    )
    assert _messages(_games(tmp_path, ending), "TRD3") == [
        "7 TRD303 `self._task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
    ]


def test_a_cancel_through_a_collection_of_unknown_elements_proves_nothing(tmp_path: Path) -> None:
    ending = (
        "    def add(self, other):\n        self.games.append(other)\n\n"
        "    def cog_unload(self):\n        for game in self.games:\n            game._task.cancel()\n"
    )
    assert _messages(_games(tmp_path, ending), "TRD3") == [
        "7 TRD303 `self._task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
    ]


BLE = """\
import asyncio

import bleak_retry_connector
from bleak import BleakClient


async def send(device, payload):
    client = await bleak_retry_connector.establish_connection(BleakClient, device, "lamp")
    await client.write_gatt_char("fff3", payload, False)


async def send_and_disconnect(device, payload):
    client = await bleak_retry_connector.establish_connection(BleakClient, device, "lamp")
    try:
        await client.write_gatt_char("fff3", payload, False)
    finally:
        await client.disconnect()


def is_client(value):
    return isinstance(value, BleakClient)


async def run_in_thread(device):
    return await asyncio.to_thread(len, device)
"""


def test_a_library_function_given_a_resource_class_makes_one(tmp_path: Path) -> None:
    path = _write(tmp_path, "ble.py", BLE)
    assert _messages(path, "TRD2") == [
        "8 TRD201 `client` (`bleak_retry_connector.establish_connection(...)`) is never closed; "
        "call `await client.disconnect()` in a `finally`",
    ]


def test_a_method_returning_what_such_a_function_makes_is_a_factory(tmp_path: Path) -> None:
    source = """\
import bleak_retry_connector
from bleak import BleakClient


class Lamp:
    def __init__(self, device):
        self._device = device

    async def turn_off(self):
        client = await self._connect()
        await client.write_gatt_char("fff3", b"\\x00", False)

    async def _connect(self) -> BleakClient:
        last = None
        for _ in range(3):
            try:
                client = await bleak_retry_connector.establish_connection(BleakClient, self._device, "lamp")
                return client
            except Exception as err:
                last = err
        raise last
"""
    path = _write(tmp_path, "lamp.py", source)
    assert _messages(path, "TRD2") == [
        "10 TRD201 `client` (`self._connect(...)`) is never closed; call `await client.disconnect()` in a `finally`",
    ]


def test_a_class_given_to_a_constructor_or_a_first_party_function_makes_nothing(tmp_path: Path) -> None:
    source = """\
from bleak import BleakClient


class Registry:
    def __init__(self, kind):
        self.kind = kind


async def connect(kind, device):
    return None


async def build(device):
    registry = Registry(BleakClient)
    made = await connect(BleakClient, device)
    return registry, made
"""
    path = _write(tmp_path, "registry.py", source)
    assert _messages(path, "TRD2") == []


DROPPED = """\
from bleak import BleakClient
from bleak_retry_connector import establish_connection


class Bed:
    def __init__(self, device):
        self._device = device
        self._client = None

    async def connect(self):
        self._client = await establish_connection(
            BleakClient, self._device, "bed", disconnected_callback=self._on_disconnect
        )

    def _on_disconnect(self, client):
        if self._client is not None:
            self._client = None

    def reset(self):
        if self._client is not None:
            self._client = None

    async def close(self):
        if self._client is not None:
            await self._client.disconnect()
"""


def test_a_drop_in_the_callback_the_resource_was_given_follows_its_own_end(tmp_path: Path) -> None:
    path = _write(tmp_path, "bed.py", DROPPED)
    assert _messages(path, "TRD2") == [
        "11 TRD202 `self._client` is set to `None` in `reset()` unclosed; call its `disconnect()` first",
    ]
    path.write_text(DROPPED.replace("    def reset(self):\n        if self._client is not None:\n            self._client = None\n\n", ""), encoding="utf-8")
    assert _messages(path, "TRD2") == []


STREAMS = """\
import asyncio


async def probe(host):
    reader, writer = await asyncio.open_connection(host, 23)
    writer.write(b"status\\n")
    return await reader.readline()


async def probe_closed(host):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, 23), timeout=5)
    try:
        writer.write(b"status\\n")
        return await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()


async def connect(host):
    return await asyncio.open_connection(host, 23)


class Shell:
    async def connect(self, host):
        coro = asyncio.open_connection(host, 23)
        self.reader, self.writer = await asyncio.wait_for(coro, 5)

    async def close(self):
        self.writer.close()
        await self.writer.wait_closed()


class Feed:
    async def connect(self, host):
        self.reader, self.writer = await asyncio.open_connection(host, 1883)

    async def close(self):
        pass


async def run_command(host):
    shell = Shell()
    try:
        await shell.connect(host)
        await shell.close()
    except OSError:
        return None
"""


def test_a_stream_s_writer_is_the_resource_of_open_connection(tmp_path: Path) -> None:
    path = _write(tmp_path, "streams.py", STREAMS)
    assert _messages(path, "TRD2") == [
        "5 TRD201 `writer` (`asyncio.open_connection(...)`) is never closed; call `writer.close()` in a `finally`",
        "36 TRD202 `self.writer` is never closed; call its `close()` in `close()`",
        "43 TRD201 `shell` (`Shell(...)`) is closed outside `finally`; move `shell.close()` into a `finally`",
    ]


def test_the_stream_fix_closes_the_writer_in_the_owner_s_close(tmp_path: Path) -> None:
    """TRD202's fix for a writer kept on ``self``: ``close()`` now closes it (not awaited: the
    writer's ``close()`` is a plain method), and the peer sees the connection end."""
    from tests.programs import copy_program, run_python

    program = copy_program(Path(__file__).resolve().parent / "data" / "resource_programs" / "stream_close", tmp_path)
    before = run_python(["main.py"], program, timeout=120)
    assert (before.returncode, before.stdout) == (0, "closing\nconnection closed by close(): False\n")
    check = run_python(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "--select", "TRD2", "main.py"], program)
    assert check.stdout.splitlines() == [
        "main.py:8:9: TRD202 [*] `self.writer` is never closed; call its `close()` in `close()`",
    ]
    fixed = run_python(["-m", "tradelint", "--no-cache", "--fix", "--select", "TRD2", "."], program, timeout=120)
    assert (fixed.returncode, fixed.stdout.endswith(": fixed 1 finding, 0 remaining.\n")) == (0, True), fixed.stdout
    text = (program / "main.py").read_text(encoding="utf-8")
    assert (
        "    async def close(self) -> None:\n"
        '        print("closing")\n'
        '        if (writer := getattr(self, "writer", None)) is not None:\n'
        "            writer.close()\n"
    ) in text
    after = run_python(["main.py"], program, timeout=120)
    assert (after.returncode, after.stdout, after.stderr) == (0, "closing\nconnection closed by close(): True\n", "")


PROBES = """\
import asyncio


async def reachable(host, port):
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=2)
    except (OSError, TimeoutError):
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def wait_for_port(host, port):
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)


async def banner(host, port):
    reader, writer = await asyncio.open_connection(host, port)
    line = await reader.readline()
    writer.close()
    return line
"""


def test_a_close_with_nothing_before_it_that_can_raise_is_reliable(tmp_path: Path) -> None:
    path = _write(tmp_path, "probes.py", PROBES)
    assert _messages(path, "TRD2") == [
        "25 TRD201 `writer` (`asyncio.open_connection(...)`) is closed outside `finally`; call `writer.close()` in a `finally`",
    ]


EXTENSION_INIT = """\
from .country import Country


async def setup(bot):
    await bot.add_cog(Country())
"""

EXTENSION_COG = """\
import asyncio

import aiohttp
from redbot.core import commands


class Country(commands.Cog):
    session = aiohttp.ClientSession()

    def cog_unload(self) -> None:
        asyncio.create_task(self.session.close())
"""


def test_a_session_in_an_extension_s_class_body_is_made_on_the_bot_s_loop(tmp_path: Path) -> None:
    folder = tmp_path / "country"
    folder.mkdir()
    (folder / "__init__.py").write_text(EXTENSION_INIT, encoding="utf-8")
    path = folder / "country.py"
    path.write_text(EXTENSION_COG, encoding="utf-8")
    assert _messages(path, "TRD2") == []
    path.write_text(EXTENSION_COG.replace("asyncio.create_task(self.session.close())", "pass"), encoding="utf-8")
    assert _messages(path, "TRD2") == [
        "8 TRD203 `aiohttp.ClientSession(...)` is created at import time; create it in a coroutine and close it",
    ]
    (folder / "__init__.py").write_text("from .country import Country\n", encoding="utf-8")
    path.write_text(EXTENSION_COG, encoding="utf-8")
    assert _messages(path, "TRD2")[0].startswith("8 TRD203 ")


WRAPPERS = """\
import aiohttp
from redis.asyncio import ConnectionPool, Redis


class ApiClient:
    def __init__(self, host, session=None):
        self._host = host
        self._session = session

    async def _get_session(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def status(self):
        session = await self._get_session()
        return await session.get(self._host)

    async def close(self):
        if self._session is not None:
            await self._session.close()


async def shared(host, get_shared_session):
    client = ApiClient(host, session=get_shared_session())
    return await client.status()


async def own(host):
    client = ApiClient(host)
    return await client.status()


async def made_for_it(host):
    client = ApiClient(host, session=aiohttp.ClientSession())
    return await client.status()


POOL = ConnectionPool.from_url("redis://localhost")


def _client():
    return Redis(connection_pool=POOL)


async def cached(key):
    redis = _client()
    return await redis.get(key)


async def pooled_here(url, key):
    pool = ConnectionPool.from_url(url)
    redis = Redis(connection_pool=pool)
    return await redis.get(key)
"""


def test_a_client_given_what_it_would_make_borrows_it(tmp_path: Path) -> None:
    # Given a shared session (from a getter), it borrows it; given one made for it, it owns it
    # (its ``close()`` closes the attribute): then it must be closed. A redis client of a
    # module's pool borrows it; of a pool made for it, it must be closed, and so must the pool,
    # which the client's ``aclose()`` leaves open (redis-py: a pool given is the caller's; session 32).
    path = _write(tmp_path, "wrappers.py", WRAPPERS)
    assert _messages(path, "TRD2") == [
        "30 TRD201 `client` (`ApiClient(...)`) is never closed; call `await client.close()` in a `finally`",
        "35 TRD201 `client` (`ApiClient(...)`) is never closed; call `await client.close()` in a `finally`",
        "52 TRD201 `pool` (`ConnectionPool.from_url(...)`) is never closed; call `await pool.aclose()` in a `finally`",
        "53 TRD201 `redis` (`Redis(...)`) is never closed; open it with `async with`",
    ]


LAZY_COG = """\
import aiohttp


class Dev:
    def __init__(self, bot):
        self.bot = bot
        self.session = None

    async def cog_load(self):
        self.session = aiohttp.ClientSession()

    async def ping(self):
        return await self.session.get("https://example.com")

    async def cog_unload(self):
        await self.session.close()


async def setup(bot):
    cog = Dev(bot)
    if not bot.dev:
        raise RuntimeError("needs --dev")
    await bot.add_cog(cog)


async def setup_after_use(bot):
    cog = Dev(bot)
    await cog.cog_load()
    if not bot.dev:
        raise RuntimeError("needs --dev")
    await bot.add_cog(cog)


async def setup_after_a_ping(bot):
    cog = Dev(bot)
    await cog.ping()
    if not bot.dev:
        raise RuntimeError("needs --dev")
    await bot.add_cog(cog)
"""


def test_a_lazy_resource_left_before_any_use_holds_nothing(tmp_path: Path) -> None:
    # Session 87: only a use that can open it counts (``cog_load()`` makes the session); ``ping()``
    # reads a session still ``None`` and opens nothing, so the raise after it leaves nothing open.
    path = _write(tmp_path, "dev.py", LAZY_COG)
    assert _messages(path, "TRD2") == [
        "27 TRD201 `cog` (`Dev(...)`) leaks on an exit before it is handed on; call its `cog_unload()` on that path",
    ]
