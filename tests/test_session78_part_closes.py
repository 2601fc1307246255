"""Session 78: a bare ``close()`` of a part is not a call of the class's own ``close()``.

``facts.never_run`` reads an ``async def close(self)`` that the project only ever calls without
``await`` as a close that never runs. It counted every bare ``<x>.close()`` of the module as such a
call, whatever ``x`` was: a stream's ``writer.close()`` (synchronous, and the way to close it)
inside the class's own ``close()`` made that ``close()`` "never run", so the class was read as
never closing its writer (a false TRD202 on the class) and as no resource at all (its instances
never reported). A bare call whose receiver is an attribute of the method's own instance (or a
local bound once to one: ``writer = self._writer``) that its class only ever fills by calling
something other than the judged class (``self._reader, self._writer = await
asyncio.open_connection(...)``), and never from a parameter, is a call of the part's method.

A class's summary also reads an acquisition awaited through a local bound once to the call
(``task = asyncio.open_connection(host, port)``, then ``self._reader, self._writer = await
task``), as the resource model already did.

Development pool, round 10's half a: python-kasa's ``XorTransport`` (``close_without_wait()``
does ``writer = self.writer; ...; writer.close()``) and the ``IotProtocol`` that closes it were
read as closing nothing; at the older commit of the same round, the transport that does so now
makes its ``SmartDevice`` holder reported for never closing it (which the round's later fix did).
Twins, each still reported or silent as before: a bare ``close()`` on a parameter's attribute (the
class is given it, so its type is not proven), and the class's own ``close()`` called bare by its
user.

A first-party factory that returns a client given what it would otherwise make for itself
(``return Client(key, session=async_get_clientsession(hass))``) hands its caller a client that
borrows Home Assistant's shared session: the factory's spec now carries the class's lending
parameters (``borrowing.lazily_given``), as a call of the class written in place does. Development
application ha-personal-bankin (heads70 half a): six findings on its setup views, one labelled
false (``benchmarks/labels/heads70_a2.tsv``). Twin: the factory returning a client that makes its
own session, still reported.

A class that keeps a holder given a part made for it (``self.protocol = protocol or
Protocol(transport=Transport(host))``) and releases the holder owns the part through it: the
class summary records the part as a second acquisition of the attribute
(:mod:`tradelint.facts.made_for_holder`). python-kasa's ``Device`` (round 10's half a) keeps an
``IotProtocol`` made around an ``XorTransport`` and was read as holding nothing. Twins: the device
given its protocol (borrowed), and the one disconnected in ``finally``.
"""

from __future__ import annotations

from pathlib import Path

from tests.trees import findings, package_project, write

TRANSPORT = '''\
import asyncio


class Transport:
    def __init__(self, host: str) -> None:
        self._host = host
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        if self._writer:
            return
        task = asyncio.open_connection(self._host, 9999)
        self._reader, self._writer = await task

    async def send(self, data: bytes) -> bytes:
        await self._connect()
        assert self._writer is not None and self._reader is not None
        self._writer.write(data)
        return await self._reader.read(100)

    async def close(self) -> None:
        writer = self._writer
        self._reader = self._writer = None
        if writer:
            writer.close()
            await writer.wait_closed()
'''

USES = '''\
from app.transport import Transport


async def ask(host: str) -> bytes:
    transport = Transport(host)
    return await transport.send(b"ping")


async def ask_and_close(host: str) -> bytes:
    transport = Transport(host)
    try:
        return await transport.send(b"ping")
    finally:
        await transport.close()
'''

GIVEN = '''\
import asyncio


class Given:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def close(self) -> None:
        writer = self._writer
        writer.close()


class Transport:
    def __init__(self, host: str) -> None:
        self._host = host
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        _, self._writer = await asyncio.open_connection(self._host, 9999)

    async def close(self) -> None:
        if self._writer:
            self._writer.close()


def stop(transport: Transport) -> None:
    transport.close()
'''


def test_a_part_closed_bare_in_close_is_closed(tmp_path: Path) -> None:
    # The class closes its writer in ``close()``: no TRD202 on it. Its instance left open is
    # reported, the one closed in ``finally`` is not. (At main ``1dab95e3``: nothing, the
    # class's ``close()`` read as never run and its acquisition through ``task`` unread.)
    root = package_project(tmp_path, {"transport.py": TRANSPORT, "uses.py": USES})
    assert findings(root, "TRD2") == [
        "app/uses.py:5:5 TRD201 `transport` (`Transport(...)`) is never closed; call `await transport.close()` in a `finally`",
    ]


def test_a_close_called_bare_by_its_user_still_never_runs(tmp_path: Path) -> None:
    # ``Given``'s writer is a parameter's: its bare ``writer.close()`` is not proven to be another
    # class's method, and nobody closes a ``Given`` anyway. ``Transport.close()`` is called bare by
    # ``stop()`` only: it never runs, and the writer the class opens stays open (and the bare call is
    # reported as such).
    root = package_project(tmp_path, {"transport.py": GIVEN})
    assert findings(root, "TRD2") == [
        "app/transport.py:19:9 TRD202 `self._writer` is never closed: `close()` closes it but is never awaited",
        "app/transport.py:27:5 TRD205 `transport.close()` is never awaited, so it releases nothing; await it in a coroutine",
    ]


LENT_CLIENT = '''\
import aiohttp


class Client:
    def __init__(self, app_id: str, session: aiohttp.ClientSession | None = None) -> None:
        self._app_id = app_id
        self._session: aiohttp.ClientSession | None = session
        self._session_owner = session is None

    async def async_close(self) -> None:
        if self._session_owner and self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self) -> dict:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get("https://example.invalid/" + self._app_id) as response:
            return await response.json()
'''

HELPERS = '''\
from homeassistant.helpers.aiohttp_client import async_get_clientsession


async def shared_client(hass):
    from ..client import Client

    credentials = await hass.credentials()
    if not credentials:
        raise RuntimeError("no credentials")
    return Client(credentials["id"], session=async_get_clientsession(hass))


async def own_client(hass):
    from ..client import Client

    credentials = await hass.credentials()
    return Client(credentials["id"])
'''

VIEWS = '''\
from ._helpers import own_client, shared_client


async def with_the_shared_session(hass) -> dict:
    client = await shared_client(hass)
    return await client.get()


async def with_its_own_session(hass) -> dict:
    client = await own_client(hass)
    return await client.get()
'''


def test_a_factory_returning_a_client_given_a_shared_session_makes_nothing(tmp_path: Path) -> None:
    # ``shared_client()`` returns a client that borrows Home Assistant's shared session, which
    # its ``async_close()`` leaves alone: the caller owns nothing (at ``1dab95e3`` it was reported,
    # the factory read as making a client with its own session). ``own_client()`` returns one that
    # makes and owns its session: still reported.
    root = tmp_path / "custom_components" / "bank"
    files = {"__init__.py": "", "client.py": LENT_CLIENT, "api/__init__.py": "", "api/_helpers.py": HELPERS, "api/views.py": VIEWS}
    for name, text in files.items():
        write(root / name, text)
    assert findings(tmp_path, "TRD2") == [
        "custom_components/bank/api/views.py:10:5 TRD201 `client` (`own_client(...)`) is never closed; call `await client.async_close()` in a `finally`",
    ]


HOLDERS = '''\
import asyncio


class Transport:
    def __init__(self, host: str) -> None:
        self._host = host
        self._writer: asyncio.StreamWriter | None = None

    async def send(self, data: bytes) -> None:
        if self._writer is None:
            _, self._writer = await asyncio.open_connection(self._host, 9999)
        self._writer.write(data)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class Protocol:
    def __init__(self, *, transport: Transport) -> None:
        self._transport = transport

    async def query(self, data: bytes) -> None:
        await self._transport.send(data)

    async def close(self) -> None:
        await self._transport.close()


class Device:
    def __init__(self, host: str, *, protocol: Protocol | None = None) -> None:
        self.protocol = protocol or Protocol(transport=Transport(host))

    async def update(self) -> None:
        await self.protocol.query(b"status")

    async def disconnect(self) -> None:
        await self.protocol.close()
'''

DEVICE_USES = '''\
from app.holders import Device, Protocol, Transport


async def poll(host: str) -> None:
    device = Device(host)
    await device.update()


async def poll_shared(host: str, protocol: Protocol) -> None:
    device = Device(host, protocol=protocol)
    await device.update()


async def poll_and_disconnect(host: str) -> None:
    device = Device(host)
    try:
        await device.update()
    finally:
        await device.disconnect()
'''


def test_a_holder_given_a_part_made_for_it_is_owned_with_the_part(tmp_path: Path) -> None:
    # ``Device`` keeps a ``Protocol`` made around a ``Transport`` made for it, and its
    # ``disconnect()`` closes the protocol, which closes the transport: a ``Device`` the caller
    # makes is the caller's to disconnect (at ``1dab95e3``: nothing reported, the device read as
    # holding only a protocol, which acquires nothing itself). Given a protocol, it borrows it;
    # disconnected in ``finally``, it is closed.
    root = package_project(tmp_path, {"holders.py": HOLDERS, "uses.py": DEVICE_USES})
    assert findings(root, "TRD2") == [
        "app/uses.py:5:5 TRD201 `device` (`Device(...)`) is never closed; call `await device.disconnect()` in a `finally`",
    ]


MIXIN = '''\
import asyncio


class CommandsMixin:
    def _ensure_processor(self) -> None:
        asyncio.create_task(self._process())

    async def _process(self) -> None:
        await asyncio.sleep(1)
'''

CONTROLLER = '''\
from .commands import CommandsMixin


class BaseController(CommandsMixin):
    """Never made by the integration: BaseController is a leftover."""

    def send(self) -> None:
        self._ensure_processor()
'''

SETUP_MAKING_IT = '''\
from .controller import BaseController


async def async_setup_entry(hass, entry):
    controller = BaseController()
    controller.send()
    return True
'''


def _integration(root: Path, name: str, setup: str) -> None:
    write(root / name / "requirements.txt", "aiohttp\n")  # (each its own project)
    for file, text in {"__init__.py": setup, "commands.py": MIXIN, "controller.py": CONTROLLER}.items():
        write(root / name / "custom_components" / name / file, text)


def test_a_mixin_composed_only_into_a_class_nothing_makes_never_runs(tmp_path: Path) -> None:
    # ``CommandsMixin`` is named only by its import and as a base of ``BaseController``, which
    # nothing names (its own docstring aside): no instance of a class built from the mixin is
    # ever made, and its discarded task is not reported (at ``1dab95e3`` it was: the mixin was
    # named). The twin integration makes a controller: reported there.
    _integration(tmp_path, "dead", "")
    _integration(tmp_path, "alive", SETUP_MAKING_IT)
    assert findings(tmp_path, "TRD3") == [
        "alive/custom_components/alive/commands.py:6:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it",
    ]


SERVICE = '''\
import asyncio


class Service:
    def start(self) -> None:
        pass

    def leftover_one(self) -> None:
        asyncio.create_task(asyncio.sleep(1))

    def leftover_two(self) -> None:
        asyncio.create_task(asyncio.sleep(2))

    def used(self) -> None:
        asyncio.create_task(asyncio.sleep(3))


async def async_setup_entry(hass, entry):
    service = Service()
    service.start()
    service.used()
    return True
'''


def test_each_method_of_a_made_class_is_judged_by_its_own_name(tmp_path: Path) -> None:
    # A class the integration makes: its two methods nothing calls never run, the one it calls
    # does. (The class's verdict is kept for its other methods: a draft of this session read the
    # second method by the name of a class it had asked about, and reported it.)
    write(tmp_path / "requirements.txt", "aiohttp\n")
    write(tmp_path / "custom_components" / "svc" / "__init__.py", SERVICE)
    assert findings(tmp_path, "TRD3") == [
        "custom_components/svc/__init__.py:15:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it",
    ]
