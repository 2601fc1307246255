"""Session 36 (issue 28): resources made by library calls, and the shapes around them.

- **A discarded transport whose protocol never closes it is never closed.** ``_, protocol =
  await loop.create_connection(factory, ...)`` leaves the transport to the protocol that
  ``connection_made`` handed it; when the protocol's class is the project's own (read from the
  factory: a class, ``lambda: Proto(...)``, ``functools.partial``, a parameter's default) and no
  method of its lineage closes what it keeps, nothing does (aiortc/aioice ``1c305f65``,
  aiortc/aioquic ``eef10c5c``).
- **A fallback argument is made on every call.** ``kwargs.get("session", ClientSession())``
  evaluates the fallback before the lookup, so a session is made and dropped even when the
  caller gave one (zxdavb/evohome-async ``023b7991``); ``kwargs.get("session") or
  ClientSession()`` makes it only when missing.
- **A builder's chain rooted at the class it builds makes one.** python-telegram-bot's
  ``Application.builder().token(t).build()``: the library table knows ``build()`` returns an
  ``Application``; the chain's root says the receiver is that library's builder
  (marketcalls/openalgo ``c92e0304``), once the code awaits a method of what it bound it to (an
  application only ``run_polling()`` runs is started and shut down by it). Stopping a part of a
  library object (``app.updater.stop()``) does not release it: the table says its release is
  ``shutdown()``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings


def _check(tmp_path: Path, source: str, name: str = "worker.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


PROTOCOL = """\
import asyncio
import functools


class Relay(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def send(self, data):
        self.transport.write(data)
{close}

async def open_relay(host, factory=Relay):
    loop = asyncio.get_running_loop()
    _, relay = await loop.create_connection(lambda: Relay(), host, 3478)
    _, other = await loop.create_datagram_endpoint(functools.partial(factory), remote_addr=(host, 3478))
    await relay.allocate()
    return relay, other
"""


def test_a_discarded_transport_that_its_protocol_never_closes_is_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, PROTOCOL.replace("{close}", "")) == [
        "15:5 TRD201 the transport of `loop.create_connection(...)` is discarded and `Relay` never closes it; keep it and call its `close()`",
        "16:5 TRD201 the transport of `loop.create_datagram_endpoint(...)` is discarded and `Relay` never closes it; keep it and call its `close()`",
    ]


def test_a_discarded_transport_its_protocol_closes_is_not_reported(tmp_path: Path) -> None:
    close = "\n    def close(self):\n        self.transport.close()\n"
    assert _check(tmp_path, PROTOCOL.replace("{close}", close)) == []


def test_a_discarded_transport_of_a_protocol_not_read_is_not_reported(tmp_path: Path) -> None:
    # A base of another package may close it; a protocol that hands the transport on is not followed.
    source = PROTOCOL.replace("{close}", "").replace("class Relay(asyncio.Protocol):", "class Relay(asyncio.Protocol, somelib.Base):")
    assert _check(tmp_path, "import somelib\n" + source) == []
    handed = PROTOCOL.replace("{close}", "").replace("self.transport = transport", "self.transport = transport\n        register(transport)")
    assert _check(tmp_path, handed) == []


FALLBACK = """\
import aiohttp


class Client:
    def __init__(self, **kwargs):
        self._session = {made}

    async def close(self):
        await self._session.close()
"""


def test_a_resource_made_as_a_lookup_fallback_is_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, FALLBACK.replace("{made}", 'kwargs.get("session", aiohttp.ClientSession())')) == [
        "6:47 TRD201 `aiohttp.ClientSession(...)` is made even when `kwargs.get()` finds what it looks up, and then dropped unclosed; make it only when missing",
    ]
    assert _check(tmp_path, FALLBACK.replace("{made}", 'kwargs.pop("session", aiohttp.ClientSession())')) == [
        "6:47 TRD201 `aiohttp.ClientSession(...)` is made even when `kwargs.pop()` finds what it looks up, and then dropped unclosed; make it only when missing",
    ]


def test_a_resource_made_only_when_the_lookup_misses_is_not_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, FALLBACK.replace("{made}", 'kwargs.get("session") or aiohttp.ClientSession()')) == []
    assert _check(tmp_path, FALLBACK.replace("{made}", 'kwargs.get("session", None) or aiohttp.ClientSession()')) == []


BUILDER = """\
from telegram.ext import Application


class Service:
    def __init__(self, token):
        self.token = token
        self.application = None

    async def run(self, stop):
        self.application = Application.builder().token(self.token).build()
        await self.application.initialize()
        await self.application.start()
        await stop.wait()
{end}
"""


def test_an_application_a_builder_makes_and_nothing_shuts_down_is_reported(tmp_path: Path) -> None:
    assert _check(tmp_path, BUILDER.replace("{end}", "")) == [
        "10:9 TRD202 `self.application` is never closed; add a `close()` method that calls its `shutdown()`",
    ]


def test_an_application_a_builder_makes_and_the_class_shuts_down_is_not_reported(tmp_path: Path) -> None:
    source = BUILDER.replace("{end}", "").replace(
        "        await self.application.initialize()\n        await self.application.start()\n        await stop.wait()\n",
        "        try:\n            await self.application.initialize()\n            await stop.wait()\n"
        "        finally:\n            await self.application.shutdown()\n",
    )
    assert "finally" in source
    assert _check(tmp_path, source) == []


def test_a_plain_maker_on_a_receiver_that_nothing_types_makes_nothing(tmp_path: Path) -> None:
    source = BUILDER.replace("{end}", "").replace("Application.builder().token(self.token).build()", "make_builder().token(self.token).build()")
    assert _check(tmp_path, source) == []


def test_an_application_only_its_own_runner_runs_is_not_reported(tmp_path: Path) -> None:
    # ``run_polling()`` initializes, starts and shuts the application down itself: never awaited here.
    source = """\
from telegram.ext import Application, CommandHandler


class Bot:
    def __init__(self, token):
        self.app = Application.builder().token(token).build()
        self.app.add_handler(CommandHandler("start", print))

    def run(self):
        self.app.run_polling()


def main():
    app = Application.builder().token("t").build()
    app.run_polling()
"""
    assert _check(tmp_path, source) == []


def test_stopping_a_part_of_a_library_object_does_not_release_it(tmp_path: Path) -> None:
    # ``updater.stop()`` stops the polling; only ``shutdown()`` releases the application's clients.
    source = BUILDER.replace("{end}", "\n    async def stop(self):\n        await self.application.updater.stop()\n")
    assert _check(tmp_path, source) == [
        "10:9 TRD202 `self.application` is never closed; call its `shutdown()` in `stop()`",
    ]
