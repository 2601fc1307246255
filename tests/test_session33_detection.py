"""Session 33 (issue 28): shapes that round 15's development half (opened once its holdout half
had been scored blind) showed tradelint could not see, each a general rule beside its negative
twin:

- tasks (or resources) kept in a collection held as an element of a collection on ``self``
  (a map of maps: ``self._streams[conn][stream] = task``, ``self._x.setdefault(k, {})[j] = t``)
  are the outer collection's elements: no method reaching them to end them is the same finding
  as for a flat collection (vmagamedov/grpclib ``9ffb2d05``: the stream handler tasks of a lost
  connection were never cancelled); reaching the inner collections (``for streams in
  self._streams.values()``, ``self._streams.pop(conn).values()``) is followed no further and
  counts as ending them.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str, select: str = "TRD3") -> list[str]:
    path = tmp_path / "server.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=[select])]


# --- a map of maps on self -------------------------------------------------------------------------

STREAMS = """\
import asyncio
from collections import defaultdict


class Server:
    def __init__(self):
        self._connections = {}
        self._streams = defaultdict(dict)

    async def _handle(self, stream):
        await asyncio.sleep(1)

    async def _serve(self, protocol, queue):
        while True:
            stream = await queue.get()
            task = asyncio.create_task(self._handle(stream))
            {store}

    def connection_made(self, protocol, queue):
        self._connections[protocol] = asyncio.create_task(self._serve(protocol, queue))

    async def close(self):
        for task in self._connections.values():
            task.cancel()
{end}"""


def _streams(store: str, end: str) -> str:
    return STREAMS.replace("{store}", store).replace("{end}", end)


def test_tasks_in_a_map_of_maps_never_ended(tmp_path: Path) -> None:
    expected = ["16:13 TRD303 tasks in `self._streams` are never cancelled or awaited; end each one in `close()`"]
    assert _check(tmp_path, _streams("self._streams[protocol][stream] = task", "")) == expected
    store = "self._streams.setdefault(protocol, {})[stream] = task"
    assert _check(tmp_path, _streams(store, "")) == expected


def test_tasks_in_a_map_of_maps_ended_through_the_inner_maps_twin(tmp_path: Path) -> None:
    store = "self._streams[protocol][stream] = task"
    loops = "        for streams in self._streams.values():\n            for task in streams.values():\n                task.cancel()\n"
    popped = "        for task in self._streams.pop(None, {}).values():\n            task.cancel()\n"
    indexed = "        for task in self._streams[None].values():\n            task.cancel()\n"
    iterated = "        for task in self._streams[None]:\n            task.cancel()\n"
    for end in (loops, popped, indexed, iterated):
        assert _check(tmp_path, _streams(store, end)) == [], end


def test_an_inner_map_dropped_ends_nothing(tmp_path: Path) -> None:
    store = "self._streams[protocol][stream] = task"
    dropped = "        del self._streams[None]\n"
    assert _check(tmp_path, _streams(store, dropped)) == [
        "16:13 TRD303 tasks in `self._streams` are never cancelled or awaited; end each one in `close()`"
    ]


# --- a resource kept in a module's collection, taken out or replaced ------------------------------

REGISTRY = """\
import aiohttp

bots: dict[int, aiohttp.ClientSession] = {}


async def start_bot(key: int) -> None:
    if key in bots:
        raise ValueError(key)
    bot = aiohttp.ClientSession()
    bots[key] = bot
    try:
        (await bot.get("http://x")).release()
    except aiohttp.ClientError:
{on_error}


async def restart_bot(key: int) -> None:
{restart}
    bot = aiohttp.ClientSession()
    bots[key] = bot


async def stop_bot(key: int) -> None:
    await bots.pop(key).close()
"""


def _registry(on_error: str, restart: str) -> str:
    return REGISTRY.replace("{on_error}", on_error).replace("{restart}", restart)


def test_element_of_a_module_collection_taken_out_or_replaced_unclosed(tmp_path: Path) -> None:
    source = _registry("        del bots[key]", "    old = bots[key]\n    print(old.headers)")
    assert _check(tmp_path, source, "TRD2") == [
        "9:5 TRD201 this `aiohttp.ClientSession` is taken out of global `bots` unclosed; call its `close()` first",
        "20:5 TRD201 this `aiohttp.ClientSession` is stored in global `bots` over one never closed; call the old one's "
        "`close()` first",
    ]


def test_element_of_a_module_collection_closed_first_or_maybe_over_twin(tmp_path: Path) -> None:
    closed = _registry("        await bots.pop(key).close()", "    await bots[key].close()")
    assert _check(tmp_path, closed, "TRD2") == []
    # The old one looked at in a condition (it may be closed already), or not read at all.
    tested = _registry("        await bot.close()\n        del bots[key]", "    if bots[key].closed:\n        pass")
    assert _check(tmp_path, tested, "TRD2") == []
    unread = _registry("        raise", "    pass")
    assert _check(tmp_path, unread, "TRD2") == []


STORAGE = "from bot import Bot\n\nbots: dict[int, Bot] = {}\n"

BOT = """\
import aiohttp


class API:
    def __init__(self, key):
        self.session = aiohttp.ClientSession(headers={"key": key})

    async def get(self, path):
        async with self.session.get(path) as response:
            return await response.json()


class Bot:
    def __init__(self, key):
        self.key = key
        self.api = API(key)

    async def start(self):
        (await self.api.get("/me")).release()

    async def stop(self):
        {stop}
"""

ROUTER = """\
from bot import Bot
from storage import bots


async def restart(key):
    old = bots[key]
    bot = Bot(old.key)
    bots[key] = bot
    await bot.start()


async def stop(key):
    await bots.pop(key).stop()
"""


def _project(tmp_path: Path, stop: str) -> list[str]:
    for name, text in (("storage.py", STORAGE), ("bot.py", BOT.replace("{stop}", stop)), ("router.py", ROUTER)):
        (tmp_path / name).write_text(text)
    findings = check_paths([tmp_path / "router.py", tmp_path / "bot.py", tmp_path / "storage.py"], select=["TRD2"])
    return [f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in findings]


def test_an_owner_released_through_the_part_it_holds_in_an_imported_registry(tmp_path: Path) -> None:
    """``Bot.stop()`` closes ``self.api.session``: a ``Bot`` owns the session its ``API`` keeps,
    so it is a resource released by ``stop()``; the route that replaces the one it read from the
    project's registry leaks the old one (EXG1O/Telegram-Bots-Hub ``407d0901``)."""
    assert _project(tmp_path, "await self.api.session.close()") == [
        "router.py:7:5 TRD201 this `Bot` is stored in global `bots` over one never closed; call the old one's `stop()` first",
    ]


def test_an_owner_that_releases_no_part_is_no_resource_twin(tmp_path: Path) -> None:
    # ``stop()`` ends nothing the bot holds: ``Bot`` is no resource type, and API's session is
    # reported where it is kept (no class closes it), and where the bot keeps the API, since
    # ``Bot.stop()`` cannot end it (session 34: an owner's end must reach what its parts hold).
    assert _project(tmp_path, "self.key = None") == [
        "bot.py:6:9 TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`",
        "bot.py:16:9 TRD202 `self.api` holds a `self.session` that nothing closes, and `stop()` cannot end it; "
        "give `API` a `close()` that closes it and call it from `stop()`",
    ]


POOL = """\
import aiohttp


class Pool:
    def __init__(self):
        self._clients = {}

    async def renew(self, key):
{renew}
        self._clients[key] = aiohttp.ClientSession()

    async def close(self):
        for client in self._clients.values():
            await client.close()
"""


def test_element_of_self_replaced_after_reading_it(tmp_path: Path) -> None:
    renew = "        old = self._clients[key]\n        print(old.headers)"
    assert _check(tmp_path, POOL.replace("{renew}", renew), "TRD2") == [
        "11:9 TRD202 `renew()` stores this `aiohttp.ClientSession(...)` in `self._clients` over one never closed; "
        "call the old one's `close()` first",
    ]


def test_element_of_self_closed_or_checked_before_replaced_twin(tmp_path: Path) -> None:
    for renew in (
        "        await self._clients[key].close()",
        "        old = self._clients[key]\n        await old.close()",
        "        if not self._clients[key].closed:\n            return",
        "        await self._clients.pop(key).close()",
        # read on another branch than the store: the slot may be empty where it is stored
        "        if key in self._clients:\n            old = self._clients[key]\n            print(old.headers)\n            return\n"
        "        else:\n            pass",
    ):
        assert _check(tmp_path, POOL.replace("{renew}", renew), "TRD2") == [], renew
