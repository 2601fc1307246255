"""Session 53 (helper B): a resource made through a call that runs its maker and gives back what
it returns.

A client is often made off the event loop: ``await hass.async_add_executor_job(make_client,
host)`` (Home Assistant's integrations, so that a constructor that loads certificates does not
block the loop), ``await asyncio.to_thread(Client, host)``, ``await loop.run_in_executor(None,
functools.partial(Client, host=h))``, or ``functools.partial(Client, host)()``. What the wrapper
gives back is what the maker returns, so the call is a creation of that resource, judged where the
wrapper's result goes (a local, ``self``, returned by a factory, the failure path before a
hand-off). The wrapper is known by its signature (which argument is run, whether keywords reach
it) and its receiver must be shown: an event loop, Home Assistant's core (``hass``).

Negative twins: the same resource closed in a ``finally`` or entered by ``async with``; an executor
job that returns something else; a coroutine function run in a thread (it gives back a coroutine);
the same method name on a receiver that is neither a loop nor ``hass``; ``wait_for`` on no resource.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

HEAD = '''\
import asyncio
import functools

import aiohttp


def make_session(url):
    return aiohttp.ClientSession(base_url=url)


async def make_async(url):
    return aiohttp.ClientSession(base_url=url)


'''


def _findings(tmp_path: Path, body: str) -> list[str]:
    return source_findings(tmp_path, HEAD + body, "TRD2")


def _never_closed(line: int, label: str) -> str:
    return f"{line}:5 TRD201 `session` (`{label}(...)`) is never closed; open it with `async with`"


def test_an_executor_job_running_a_factory_makes_what_it_returns(tmp_path: Path) -> None:
    body = '''\
async def setup(hass, url):
    session = await hass.async_add_executor_job(make_session, url)
    await session.get("/")
'''
    assert _findings(tmp_path, body) == [_never_closed(16, "make_session")]


def test_an_executor_job_on_self_hass_running_a_partial_of_a_class(tmp_path: Path) -> None:
    body = '''\
class Flow:
    def __init__(self, hass):
        self.hass = hass

    async def step(self, url):
        session = await self.hass.async_add_executor_job(functools.partial(aiohttp.ClientSession, base_url=url))
        await session.get("/")
'''
    assert _findings(tmp_path, body) == ["20:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`"]


def test_to_thread_hands_its_keywords_to_the_class(tmp_path: Path) -> None:
    body = '''\
async def fetch(url):
    session = await asyncio.to_thread(aiohttp.ClientSession, base_url=url)
    await session.get("/")
'''
    assert _findings(tmp_path, body) == [_never_closed(16, "aiohttp.ClientSession")]


def test_a_loops_run_in_executor_runs_its_second_argument(tmp_path: Path) -> None:
    body = '''\
async def fetch(url):
    loop = asyncio.get_running_loop()
    session = await loop.run_in_executor(None, make_session, url)
    await session.get("/")
'''
    assert _findings(tmp_path, body) == [_never_closed(17, "make_session")]


def test_a_partial_called_at_once_is_its_class_called(tmp_path: Path) -> None:
    body = '''\
async def fetch(url):
    session = functools.partial(aiohttp.ClientSession, base_url=url)()
    await session.get("/")
'''
    assert _findings(tmp_path, body) == ["16:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`"]


def test_kept_on_self_and_never_closed(tmp_path: Path) -> None:
    body = '''\
class Holder:
    def __init__(self, hass):
        self.hass = hass
        self.session = None

    async def start(self, url):
        self.session = await self.hass.async_add_executor_job(make_session, url)
'''
    assert _findings(tmp_path, body) == ["21:9 TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`"]


def test_left_open_when_an_await_before_the_hand_off_raises(tmp_path: Path) -> None:
    body = '''\
async def setup(hass, url, check):
    session = await hass.async_add_executor_job(make_session, url)
    await check()
    hass.data["session"] = session
'''
    assert _findings(tmp_path, body) == [
        "16:5 TRD201 `session` (`make_session(...)`) leaks if an `await` before it is handed on raises; close it on that error"
    ]


def test_a_factory_returning_what_an_executor_made_is_a_factory(tmp_path: Path) -> None:
    body = '''\
async def open_session(hass, url):
    return await hass.async_add_executor_job(make_session, url)


async def fetch(hass, url):
    session = await open_session(hass, url)
    await session.get("/")
'''
    assert _findings(tmp_path, body) == [_never_closed(20, "open_session")]


# --- negative twins ------------------------------------------------------------------------------


def test_closed_in_finally_is_clean(tmp_path: Path) -> None:
    body = '''\
async def setup(hass, url):
    session = await hass.async_add_executor_job(make_session, url)
    try:
        await session.get("/")
    finally:
        await session.close()
'''
    assert _findings(tmp_path, body) == []


def test_entered_by_async_with_is_clean(tmp_path: Path) -> None:
    body = '''\
async def fetch(url):
    async with await asyncio.to_thread(make_session, url) as session:
        await session.get("/")
'''
    assert _findings(tmp_path, body) == []


def test_an_executor_job_returning_something_else_is_clean(tmp_path: Path) -> None:
    body = '''\
async def setup(hass, url):
    size = await hass.async_add_executor_job(len, url)
    loop = asyncio.get_running_loop()
    text = await loop.run_in_executor(None, str, size)
    return text
'''
    assert _findings(tmp_path, body) == []


def test_a_coroutine_function_run_in_a_thread_makes_nothing(tmp_path: Path) -> None:
    body = '''\
async def fetch(url):
    coroutine = await asyncio.to_thread(make_async, url)
    return coroutine
'''
    assert _findings(tmp_path, body) == []


def test_a_receiver_that_is_neither_a_loop_nor_hass_is_not_read(tmp_path: Path) -> None:
    body = '''\
async def fetch(pool, url):
    session = await pool.async_add_executor_job(make_session, url)
    other = await pool.run_in_executor(None, make_session, url)
    await session.get("/")
    await other.get("/")
'''
    assert _findings(tmp_path, body) == []


def test_wait_for_on_no_resource_is_clean(tmp_path: Path) -> None:
    body = '''\
async def fetch(url, event):
    ready = await asyncio.wait_for(event.wait(), 10)
    return ready
'''
    assert _findings(tmp_path, body) == []
