"""Session 32 (issue 28): shapes that round 14 (both halves, opened for development once its
holdout half had been scored) showed tradelint could not see. Each is a general rule of
lifetime or of how a library says its object ends, beside its negative twin:

- a task stored over one that still runs when *another* task of the class reaches the store: a
  heartbeat task's reconnect replaces the reader while the reader still runs (supabase/realtime-py
  ``70778e5a``). The reader reaching the store through its own reconnect alone replaces a task
  that is ending, as before (point 6);
- a loop whose only way out is an ``except`` handler (``except ConnectionClosed: break``) runs
  until it is cancelled or fails, like ``while True`` (point 6);
- the library table's protocol rule takes the public release that runs what ``__aexit__`` runs
  when that is a private method (grpc's ``aio.Channel``: ``__aexit__`` awaits ``self._close(None)``,
  ``close(grace=None)`` awaits ``self._close(grace)``), and a function returning an instance of a
  class of its own module found by that rule is a factory (``grpc.aio.insecure_channel``) (point 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tradelint.api import check_paths

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen


def _check(tmp_path: Path, source: str, select: str = "TRD305") -> list[str]:
    path = tmp_path / "client.py"
    path.write_text(source)
    findings = check_paths([path], select=[select])
    return [f"{f.line}:{f.column} {f.code} {f.message} | {f.help}" for f in findings]


def _fixes(tmp_path: Path, source: str) -> list[object]:
    path = tmp_path / "client.py"
    path.write_text(source)
    return [f.fix for f in check_paths([path], select=["TRD305"])]


# --- another task of the class reaches the store --------------------------------------------------

TWO_TASKS = """\
import asyncio


class Realtime:
    def __init__(self, connect):
        self._connect = connect
        self.ws = None
        self._listen_task = None
        self._beat_task = None

    async def connect(self):
        for attempt in range(5):
            try:
                self.ws = await self._connect()
                return await self._on_connect()
            except OSError:
                await asyncio.sleep(attempt)

    async def _on_connect(self):
        self._listen_task = asyncio.create_task(self._listen())
        self._beat_task = asyncio.create_task(self._beat())

    async def _reconnect(self):
        self.ws = None
        await self.connect()

    async def _listen(self):
        try:
            async for message in self.ws:
                print(message)
        except ConnectionError:
            await self._reconnect()

    async def _beat(self):
        while self.running:
            try:
                await self.ws.send("ping")
                await asyncio.sleep(15)
            except ConnectionError:
                if self.auto_reconnect:
                    await self._reconnect()
                else:
                    break

    async def close(self):
        if self._listen_task:
            self._listen_task.cancel()
        if self._beat_task:
            self._beat_task.cancel()
"""


def test_a_task_replaced_by_another_task_s_reconnect_is_reported_without_a_fix(tmp_path: Path) -> None:
    assert _check(tmp_path, TWO_TASKS) == [
        "20:9 TRD305 `self._listen_task` is stored over a task that still runs; cancel the old one first"
        " | it runs `_listen()`, which loops until cancelled; the `_beat()` task reaches it too",
        "21:9 TRD305 `self._beat_task` is stored over a task that still runs; cancel the old one first"
        " | it runs `_beat()`, which loops until cancelled; the `_listen()` task reaches it too",
    ]
    # Cancelling the old task there can cancel the task running the reconnect: no fix.
    assert _fixes(tmp_path, TWO_TASKS) == [None, None]


def test_a_task_that_alone_reaches_its_own_store_replaces_a_task_that_is_ending(tmp_path: Path) -> None:
    # The negative twin: the heartbeat is gone, the reader's own reconnect is the only way back.
    one_task = TWO_TASKS.replace(
        "        self._beat_task = asyncio.create_task(self._beat())\n", ""
    )
    assert _check(tmp_path, one_task) == []


def test_a_loop_left_only_from_an_except_handler_loops_until_cancelled(tmp_path: Path) -> None:
    source = """\
import asyncio


class Poller:
    def __init__(self):
        self._task = None

    async def _poll(self):
        while self.running:
            try:
                await asyncio.sleep(1)
            except ConnectionError:
                break

    async def _start(self):
        self._task = asyncio.create_task(self._poll())

    async def run(self):
        while True:
            await self._start()
            await asyncio.sleep(30)

    async def close(self):
        if self._task is not None:
            self._task.cancel()
"""
    assert _check(tmp_path, source) == [
        "16:9 TRD305 `self._task` is stored over a task that still runs; cancel the old one first"
        " | it runs `_poll()`, which loops until cancelled; `run()` calls it in a loop",
    ]
    # The negative twin: a retry that leaves once it has done its work ends by itself.
    retry = source.replace("                await asyncio.sleep(1)\n", "                await asyncio.sleep(1)\n                break\n")
    assert _check(tmp_path, retry) == []


# --- the library table: a public twin of the private closer --------------------------------------

CHANNEL = {
    "rpclib/__init__.py": "",
    "rpclib/aio/__init__.py": "from rpclib.aio._channel import insecure_channel, secure_channel\n",
    "rpclib/aio/_channel.py": '''\
class Channel:
    def __init__(self, target, options=None):
        self._target = target
        self._core = object()

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await self._close(None)

    async def _close(self, grace):
        if grace:
            await self._drain(grace)
        self._core.close()

    async def _drain(self, grace):
        return grace

    async def close(self, grace=None):
        """Closes the channel."""
        await self._close(grace)


class Stream:
    """The twin: its public method does something else first, then runs the closer."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await self._finish()

    async def _finish(self):
        self._done = True

    async def close(self):
        await self.send_goodbye()
        await self._finish()

    async def send_goodbye(self):
        return None


class Empty:
    """The twin: the private method does nothing."""

    async def __aexit__(self, exc_type, exc, tb):
        await self._close()

    async def _close(self):
        pass

    async def close(self):
        await self._close()


def insecure_channel(target, options=None):
    return Channel(target, options)


def secure_channel(target, credentials, options=None):
    return Channel(target, options)


def make_stream():
    return Stream()
''',
}


def test_the_public_release_that_runs_the_private_closer_of_aexit(tmp_path: Path) -> None:
    folder = tmp_path / "rpclib-1.0"
    for name, text in CHANNEL.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    found = gen.generate([folder])
    assert {name: (e.close, e.awaited, e.rule) for name, e in found.items()} == {
        "rpclib.aio._channel.Channel": ("close", True, "protocol"),
        "rpclib.aio._channel.insecure_channel": ("close", True, "factory"),
        "rpclib.aio._channel.secure_channel": ("close", True, "factory"),
        "rpclib.aio.insecure_channel": ("close", True, "factory"),
        "rpclib.aio.secure_channel": ("close", True, "factory"),
    }


# --- a pool lent to a library client that never closes what it is lent ----------------------------

POOL = """\
from redis import asyncio as aioredis


class Shard:
    def __init__(self, url):
        self.url = url
        self._redis = None

    def _ensure_redis(self):
        if self._redis is None:
            pool = aioredis.ConnectionPool.from_url(self.url)
            self._redis = aioredis.Redis(connection_pool=pool)

    async def publish(self, channel, message):
        self._ensure_redis()
        await self._redis.publish(channel, message)

    async def flush(self):
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None


async def once(url):
    pool = aioredis.ConnectionPool.from_url(url)
    client = aioredis.Redis(connection_pool=pool)
    try:
        await client.publish("a", "b")
    finally:
        await client.aclose()
"""


def test_a_pool_lent_to_a_redis_client_stays_its_creator_s(tmp_path: Path) -> None:
    assert _check(tmp_path, POOL, "TRD201") == [
        "11:13 TRD201 `pool` lives on in `self._redis` after the function, never closed; close it where that ends"
        " | The `aioredis.ConnectionPool.from_url` is lent to what is kept there; closing it in the function would"
        " end it too soon",
        "25:5 TRD201 `pool` (`aioredis...from_url(...)`) is never closed; call `await pool.aclose()` in a `finally`"
        " | An unclosed `aioredis.ConnectionPool.from_url` leaks its connections and sockets",
    ]


def test_a_pool_the_client_is_told_to_close_is_closed_with_it(tmp_path: Path) -> None:
    # The negative twins: redis-py's documented flags, on the client's release or its constructor.
    released = POOL.replace("await self._redis.aclose()", "await self._redis.aclose(close_connection_pool=True)")
    made = released.replace(
        "client = aioredis.Redis(connection_pool=pool)",
        "client = aioredis.Redis(connection_pool=pool, auto_close_connection_pool=True)",
    )
    assert _check(tmp_path, made, "TRD201") == []


# --- a release that a failure of the resource itself skips ---------------------------------------

WRITER = """\
import asyncio


class Logger:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def disconnect(self):
        self.writer.write(b"")
        await self.writer.drain()
        self.writer.close()
        await self.writer.wait_closed()
"""


def test_a_close_after_an_await_on_the_resource_itself_is_skipped_by_its_failure(tmp_path: Path) -> None:
    assert _check(tmp_path, WRITER, "TRD202") == [
        "10:9 TRD202 `self.writer` is closed in `disconnect()` only after `await self.writer.drain()`, which raises"
        " once it is broken; close it in a `finally` | An error of the `asyncio.open_connection` itself leaves"
        " `disconnect()` before the close: it stays open when it most needs closing",
    ]


def test_a_close_in_a_finally_or_after_other_awaits_is_not_skipped(tmp_path: Path) -> None:
    # The negative twins: the close in a ``finally``; an ``await`` of something else before it.
    guarded = WRITER.replace(
        """        self.writer.write(b"")
        await self.writer.drain()
        self.writer.close()
""",
        """        try:
            self.writer.write(b"")
            await self.writer.drain()
        finally:
            self.writer.close()
""",
    )
    other = WRITER.replace("        await self.writer.drain()\n", "        await asyncio.sleep(0)\n")
    assert _check(tmp_path, guarded, "TRD202") == []
    assert _check(tmp_path, other, "TRD202") == []


# --- a first-party package named like a library; a client borrowed down a chain of calls --------

def _write_tree(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


AGENT = {
    "agent/__init__.py": "",
    "agent/review/__init__.py": "",
    "agent/integrations/__init__.py": "",
    "agent/integrations/tools.py": """\
from langsmith import AsyncClient


def _client(key):
    return AsyncClient(api_key=key)
""",
    "agent/review/trace.py": """\
from ..integrations.tools import _client


async def _list(client, project):
    return [run async for run in client.list_runs(project_name=project)]


async def _search(client, project):
    return await _list(client, project)


async def resolve(key, project):
    client = _client(key)
    runs = await _search(client, project)
    if not runs:
        return None
    return runs
""",
}


def test_a_factory_of_a_first_party_package_named_like_a_library_and_a_borrowed_chain(tmp_path: Path) -> None:
    # ``agent`` is also the name of a library of the table (agent-py): the project's own package is
    # meant. A library client of the table handed to a first-party coroutine has moved unless that
    # code only calls through it, here two calls deep (langchain-ai/open-swe ``56367639``).
    paths = _write_tree(tmp_path, AGENT)
    found = [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths(paths, select=["TRD201"])]
    assert found == [
        "13:5 TRD201 `client` (`_client(...)`) is never closed; call `await client.aclose()` in a `finally`",
    ]


def test_a_client_kept_at_the_end_of_the_chain_has_moved(tmp_path: Path) -> None:
    # The negative twin: the last callee keeps what it is handed, so nothing proves a borrow.
    files = {name.replace("agent/", "app/"): text for name, text in AGENT.items()}
    files["app/review/trace.py"] = files["app/review/trace.py"].replace(
        "    return [run async for run in client.list_runs(project_name=project)]\n",
        "    REGISTRY.append(client)\n    return [run async for run in client.list_runs(project_name=project)]\n",
    ).replace("from ..integrations.tools import _client\n", "from ..integrations.tools import _client\n\nREGISTRY = []\n")
    paths = _write_tree(tmp_path, files)
    assert [f.line for f in check_paths(paths, select=["TRD201"])] == []
