"""Session 54: a class, static or instance method that returns what a maker makes through a
pass-through call (``return await asyncio.wait_for(Pool.create(host), timeout)``) makes it for
its caller, as a module-level function doing the same already did (issue 28).

A module's factory read ``await asyncio.wait_for(make(), t)`` (and ``asyncio.shield``) as
``make()``; the method factories of :mod:`tradelint.models.resources.class_factories` stripped
the ``await`` only, so a server that kept ``loop.run_until_complete(Store.open_pool())`` on
``self`` and never closed it, or a handshake that unpacked ``reader, writer = await
initiator.connect()``, made nothing. A wrapper that is no pass-through call (a project's or a
library's own ``cancellable_wait(coro)``) is still not read: what it gives back is its own.
Twins: the caller closes what it gets; the method returns a shared pool it keeps.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

STORE = """\
import asyncio

import asyncio_redis


class Store:
    _shared = None

    @staticmethod
    async def open_pool(host):
        pool = None
        try:
            pool = await asyncio.wait_for(asyncio_redis.Pool.create(host=host), timeout=5)
        except asyncio.TimeoutError:
            raise SystemExit(1)
        return pool

    @classmethod
    async def shielded(cls, host):
        return await asyncio.shield(asyncio_redis.Pool.create(host=host))

    @classmethod
    async def shared(cls, host):
        if cls._shared is None:
            cls._shared = await asyncio.wait_for(asyncio_redis.Pool.create(host=host), timeout=5)
        return cls._shared


class Initiator:
    def __init__(self, token):
        self.token = token

    async def connect(self, host):
        return await asyncio.wait_for(asyncio.open_connection(host, 30303), timeout=5)

    async def connect_through(self, host):
        return await self.token.cancellable_wait(asyncio.open_connection(host, 30303), timeout=5)

"""


def _findings(tmp_path: Path, body: str) -> list[str]:
    return source_findings(tmp_path, STORE + body, "TRD2")


def test_a_static_factory_returning_through_wait_for_makes_the_pool(tmp_path: Path) -> None:
    body = """
async def lookup(host, key):
    pool = await Store.open_pool(host)
    return await pool.get(key)
"""
    assert _findings(tmp_path, body) == [
        "41:5 TRD201 `pool` (`Store.open_pool(...)`) is never closed; call `pool.close()` in a `finally`",
    ]


def test_the_pool_closed_in_a_finally_is_clean(tmp_path: Path) -> None:
    body = """
async def lookup(host, key):
    pool = await Store.open_pool(host)
    try:
        return await pool.get(key)
    finally:
        pool.close()
"""
    assert _findings(tmp_path, body) == []


def test_a_class_factory_returning_through_shield_makes_the_pool(tmp_path: Path) -> None:
    body = """
async def lookup(host, key):
    pool = await Store.shielded(host)
    return await pool.get(key)
"""
    assert _findings(tmp_path, body) == [
        "41:5 TRD201 `pool` (`Store.shielded(...)`) is never closed; call `pool.close()` in a `finally`",
    ]


def test_a_shared_pool_the_class_keeps_is_lent_not_made(tmp_path: Path) -> None:
    body = """
async def lookup(host, key):
    pool = await Store.shared(host)
    return await pool.get(key)
"""
    assert _findings(tmp_path, body) == []


def test_a_pool_run_to_completion_and_kept_on_self_is_the_servers(tmp_path: Path) -> None:
    body = """
class Server:
    def start(self, host):
        loop = asyncio.get_event_loop()
        self.pool = loop.run_until_complete(Store.open_pool(host))
        loop.run_forever()
"""
    assert _findings(tmp_path, body) == [
        "43:9 TRD202 `self.pool` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_the_server_closing_its_pool_at_stop_is_clean(tmp_path: Path) -> None:
    body = """
class Server:
    def start(self, host):
        loop = asyncio.get_event_loop()
        self.pool = loop.run_until_complete(Store.open_pool(host))
        loop.run_forever()

    def stop(self):
        self.pool.close()
"""
    assert _findings(tmp_path, body) == []


def test_an_instance_method_returning_the_connection_through_wait_for_makes_it(tmp_path: Path) -> None:
    body = """
async def handshake(host, token):
    initiator = Initiator(token)
    reader, writer = await initiator.connect(host)
    writer.write(b"auth")
    return await reader.read(64)
"""
    assert _findings(tmp_path, body) == [
        "42:5 TRD201 `writer` (`initiator.connect(...)`) is never closed; call `writer.close()` in a `finally`",
    ]


def test_the_writer_closed_in_a_finally_is_clean(tmp_path: Path) -> None:
    body = """
async def handshake(host, token):
    initiator = Initiator(token)
    reader, writer = await initiator.connect(host)
    try:
        writer.write(b"auth")
        return await reader.read(64)
    finally:
        writer.close()
"""
    assert _findings(tmp_path, body) == []


def test_a_wrapper_that_is_no_pass_through_call_is_not_read(tmp_path: Path) -> None:
    body = """
async def handshake(host, token):
    initiator = Initiator(token)
    reader, writer = await initiator.connect_through(host)
    writer.write(b"auth")
    return await reader.read(64)
"""
    assert _findings(tmp_path, body) == []
