"""Session 82: a client that connects on first use is used through what its methods make, and by a
request it hands to ``gather``, ``wait_for`` or a task (issue 28, points 1 and 3).

``r = Redis(...)`` opens nothing until a command runs, so a client made and never used holds
nothing to close. ``ps = r.pubsub()`` and ``pipe = r.pipeline()`` run no command either, but
``await ps.subscribe(ch)`` and ``await pipe.execute()`` take a connection of the client's pool,
which stays open until the client is closed: the client was used, and leaks. An awaited method of
an object a method of the client makes (kept in a local, or called on the spot) is a use of the
client, followed for two steps. So is a request of the client that is run without an ``await`` of
its own: handed to an awaited call (``await asyncio.gather(r.get(a), r.get(b))``, ``await
asyncio.wait_for(client.get(url), 5)``), to what schedules it (``asyncio.create_task(client.get(
url))``), directly, unpacked or in a list, a comprehension or a local that is. The twins: the made
object never awaited, handed back to the caller, the client closed in a ``finally``, a request
made and never run.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

NEVER = "TRD201 `r` (`Redis(...)`) is never closed; open it with `async with`"


def test_an_awaited_pubsub_uses_the_client(tmp_path: Path) -> None:
    source = """\
from redis.asyncio import Redis


async def listen(channel):
    r = Redis(host="cache")
    ps = r.pubsub()
    await ps.subscribe(channel)
    async for message in ps.listen():
        print(message)
"""
    assert source_findings(tmp_path, source, "TRD2") == [f"5:5 {NEVER}"]


def test_an_executed_pipeline_uses_the_client(tmp_path: Path) -> None:
    source = """\
from redis.asyncio import Redis


async def store(values):
    r = Redis(host="cache")
    pipe = r.pipeline()
    for key, value in values.items():
        pipe.set(key, value)
    return await pipe.execute()
"""
    assert source_findings(tmp_path, source, "TRD2") == [f"5:5 {NEVER}"]


def test_a_method_awaited_on_the_made_object_on_the_spot_uses_the_client(tmp_path: Path) -> None:
    source = """\
from redis.asyncio import Redis


async def listen(channel):
    r = Redis(host="cache")
    await r.pubsub().subscribe(channel)
"""
    assert source_findings(tmp_path, source, "TRD2") == [f"5:5 {NEVER}"]


def test_a_made_object_never_awaited_opens_nothing(tmp_path: Path) -> None:
    source = """\
from redis.asyncio import Redis


async def describe():
    r = Redis(host="cache")
    pipe = r.pipeline()
    pipe.set("a", 1)
    return len(pipe)
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_made_object_handed_back_is_not_a_use_here(tmp_path: Path) -> None:
    source = """\
from redis.asyncio import Redis


async def subscription():
    r = Redis(host="cache")
    ps = r.pubsub()
    return ps
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_the_client_closed_in_finally_is_not_reported(tmp_path: Path) -> None:
    source = """\
from redis.asyncio import Redis


async def listen(channel):
    r = Redis(host="cache")
    try:
        ps = r.pubsub()
        await ps.subscribe(channel)
    finally:
        await r.aclose()
"""
    assert source_findings(tmp_path, source, "TRD2") == []


HTTPX_NEVER = "TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`"


def test_requests_gathered_use_the_client(tmp_path: Path) -> None:
    source = """\
import asyncio

from redis.asyncio import Redis


async def both():
    r = Redis(host="cache")
    return await asyncio.gather(r.get("a"), r.get("b"))


async def many(keys):
    r = Redis(host="cache")
    pending = [r.get(key) for key in keys]
    return await asyncio.gather(*pending)
"""
    assert source_findings(tmp_path, source, "TRD2") == [f"7:5 {NEVER}", f"12:5 {NEVER}"]


def test_a_request_under_a_timeout_or_in_a_task_uses_the_client(tmp_path: Path) -> None:
    source = """\
import asyncio

import httpx


async def bounded(url):
    client = httpx.AsyncClient()
    return await asyncio.wait_for(client.get(url), 5)


async def in_a_task(url):
    client = httpx.AsyncClient()
    task = asyncio.create_task(client.get(url))
    return await task


async def all_of(urls):
    client = httpx.AsyncClient()
    return await asyncio.gather(*(client.get(url) for url in urls))
"""
    assert source_findings(tmp_path, source, "TRD2") == [f"7:5 {HTTPX_NEVER}", f"12:5 {HTTPX_NEVER}", f"18:5 {HTTPX_NEVER}"]


def test_a_request_never_run_opens_nothing_and_a_closed_client_is_not_reported(tmp_path: Path) -> None:
    source = """\
import asyncio

import httpx


async def never_run(url):
    client = httpx.AsyncClient()
    pending = [client.get(url)]
    return len(pending)


async def closed(urls):
    client = httpx.AsyncClient()
    try:
        return await asyncio.gather(*(client.get(url) for url in urls))
    finally:
        await client.aclose()
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_tasks_appended_to_a_local_list_only_counted_are_reported(tmp_path: Path) -> None:
    """``tasks.append(create_task(...))`` and then only ``len(tasks)`` or ``if tasks:``: the list
    dies with the frame, as ``tasks = [create_task(...) for ...]`` does, which is reported alike."""
    source = """\
import asyncio


async def start(jobs):
    tasks = []
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    print("started", len(tasks))


async def start_some(jobs):
    tasks = []
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    if not tasks:
        print("nothing to do")


async def start_and_wait(jobs):
    tasks = []
    for job in jobs:
        tasks.append(asyncio.create_task(job()))
    print("started", len(tasks))
    await asyncio.gather(*tasks)
"""
    message = "TRD302 tasks in local `tasks` (from `asyncio.create_task(...)`) are never awaited; gather or keep them"
    assert source_findings(tmp_path, source, "TRD3") == [f"7:9 {message}", f"14:9 {message}"]


def test_a_local_task_appended_to_a_list_that_dies_is_reported_at_the_list(tmp_path: Path) -> None:
    """``task = create_task(...)`` then ``tasks.append(task)``: the task is kept only by the list,
    and the list only by the frame. Twins: the list gathered, the list returned."""
    source = """\
import asyncio


async def start(jobs):
    tasks = []
    for job in jobs:
        task = asyncio.create_task(job())
        tasks.append(task)
    print("started", len(tasks))


async def start_and_wait(jobs):
    tasks = []
    for job in jobs:
        task = asyncio.create_task(job())
        tasks.append(task)
    await asyncio.gather(*tasks)


async def started(jobs):
    tasks = []
    for job in jobs:
        task = asyncio.create_task(job())
        tasks.append(task)
    return tasks
"""
    assert source_findings(tmp_path, source, "TRD3") == [
        "8:9 TRD302 tasks in local `tasks` (from `asyncio.create_task(...)`) are never awaited; gather or keep them"
    ]


def test_a_class_of_the_project_is_judged_by_its_own_code_not_by_its_views(tmp_path: Path) -> None:
    """The views and the scheduled requests are read for a library's client only: a class of the
    project is judged by what its methods open (here a test gives it a stand-in connection,
    and its listener, run as a task, opens nothing)."""
    source = """\
import asyncio

import websockets


class Client:
    def __init__(self, url):
        self._url = url
        self._conn = None

    async def connect(self):
        self._conn = await websockets.connect(self._url)

    async def listen(self):
        async for message in self._conn:
            print(message)

    async def close(self):
        if self._conn is not None:
            await self._conn.close()


class FakeConn:
    def __aiter__(self):
        return self

    async def __anext__(self):
        await asyncio.sleep(3600)


def _client() -> Client:
    return Client("ws://x")


async def test_listener_cancel():
    client = _client()
    client._conn = FakeConn()
    task = asyncio.create_task(client.listen())
    await asyncio.sleep(0)
    task.cancel()
"""
    assert source_findings(tmp_path, source, "TRD2", name="test_client.py") == []


def test_resources_stored_in_a_local_dict_that_dies_are_reported(tmp_path: Path) -> None:
    """``sessions[key] = ClientSession()`` into a local dict the function only counts: the dict
    dies with the frame, and nothing closes what it held (issue 28, point 1: a store into a dict
    moves nothing), as ``sessions.append(ClientSession())`` into a local list already was.
    Twins: the dict returned, its sessions closed."""
    source = """\
import aiohttp


async def open_all(hosts):
    sessions = {}
    for host in hosts:
        sessions[host] = aiohttp.ClientSession(base_url=host)
    return len(sessions)


async def opened(hosts):
    sessions = {}
    for host in hosts:
        sessions[host] = aiohttp.ClientSession(base_url=host)
    return sessions


async def open_and_close(hosts):
    sessions = {}
    for host in hosts:
        sessions[host] = aiohttp.ClientSession(base_url=host)
    for session in sessions.values():
        await session.close()
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "7:26 TRD201 `aiohttp.ClientSession(...)` kept in local `sessions` is never closed; close each before the function returns"
    ]
