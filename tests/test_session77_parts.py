"""Session 77: a first-party part that holds nothing until it is opened (``unopened._lazy_part``).

A first-party class whose ``__init__`` keeps an instance of another first-party class
(``self._transport = Transport(address)``) was read as holding something from its construction
whenever that part was not a lazy library client: any use of the holder "opened" it. The part is
now read by its own class: when its opening methods are known (it acquires only in methods such
as ``connect()``) and every attribute its family releases is one it is known to acquire, the
holder opens only where one of its methods reaches an opening method of the part, or where a
use through the holder (``client._transport.connect()``) does. A store that replaces the part on
the instance (a test's ``device._transport = Mock()``) leaves what the class made there unreached:
its methods reach the stand-in from then on.

In an application (as :mod:`tradelint.facts.unreachable` reads one), an acquisition in a method the
application never runs (a lazy ``_get_session()`` nothing calls) opens nothing: a class whose
only acquisitions are such holds nothing, and an instance no use opens is not reported however
it is closed (before, a close in an ``except`` only was reported as such).

Development applications labelled these false (``benchmarks/labels/heads70_a2.tsv``: ha-ingenium's
``Device(...)`` in ``tests/test_device.py``, whose transport opens only in ``listener()``;
ha-octopus-energy-es's ``OctopusClient`` in its config flow, whose ``_get_session()`` nothing
calls). Twins, each still reported: the part opened through the holder, the holder's own opening
method called, a part replaced only after the holder opened it, (``tests/test_session63_makers.py``)
a part whose release ends a session the model does not see it acquire, and the getter called.
"""

from __future__ import annotations

from pathlib import Path

from tests.trees import findings, package_project, write

TRANSPORT = '''\
import asyncio

from bleak import BleakClient


class Transport:
    def __init__(self, address: str) -> None:
        self._address = address
        self._client: BleakClient | None = None
        self._inbox: list[bytes] = []

    @property
    def is_connected(self) -> bool:
        return self._client is not None

    async def connect(self) -> None:
        self._client = BleakClient(self._address)
        await self._client.connect()

    async def disconnect(self) -> None:
        if self._client is not None:
            await self._client.disconnect()
            self._client = None

    async def send(self, frame: bytes) -> None:
        assert self._client is not None
        await self._client.write_gatt_char("x", frame)

    async def exchange(self, frame: bytes) -> bytes:
        await self.send(frame)
        await asyncio.sleep(0)
        return self._inbox.pop()
'''

CLIENT = '''\
from app.transport import Transport


class Client:
    def __init__(self, address: str) -> None:
        self.address = address
        self._transport = Transport(address)

    async def connect(self) -> None:
        await self._transport.connect()

    async def disconnect(self) -> None:
        await self._transport.disconnect()

    async def unlock(self) -> bytes:
        return await self._transport.exchange(b"unlock")

    def describe(self) -> str:
        return f"{self.address} {self._transport.is_connected}"


class Device:
    """Keeps a transport and has no end of its own."""

    def __init__(self, address: str) -> None:
        self.address = address
        self._transport = Transport(address)

    async def start(self) -> None:
        await self._transport.connect()

    def names(self) -> list[str]:
        return [self.address]
'''

TESTS = '''\
from unittest.mock import Mock

from app.client import Client, Device


async def test_exchange_with_a_stand_in():
    client = Client("aa")

    async def fake_send(frame: bytes) -> None:
        client._transport._inbox.append(frame)

    client._transport.send = fake_send
    assert await client._transport.exchange(b"x") == b"x"


async def test_connect_through_the_part():
    client = Client("aa")
    await client._transport.connect()


async def test_unlock():
    client = Client("aa")
    await client.connect()
    assert await client.unlock()


def test_device_names():
    device = Device("aa")
    assert device.names() == ["aa"]


async def test_device_with_its_transport_replaced():
    device = Device("aa")
    device._transport = Mock()
    await device.start()


async def test_device_started():
    device = Device("aa")
    await device.start()


async def test_device_replaced_after_it_started():
    device = Device("aa")
    await device.start()
    device._transport = Mock()
'''


def _project(tmp_path: Path) -> Path:
    root = package_project(tmp_path, {"transport.py": TRANSPORT, "client.py": CLIENT})
    write(root / "tests" / "__init__.py", "")
    write(root / "tests" / "test_client.py", TESTS)
    return root


def test_a_lazy_first_party_part_opens_only_where_a_use_reaches_its_opening(tmp_path: Path) -> None:
    # Silent: the exchange through the part with its ``send`` replaced (``exchange`` reaches no
    # ``connect``), the device's ``names()``, and the device whose transport is replaced before
    # ``start()``. Reported: the part connected through the holder, ``connect()`` of the holder,
    # and the devices started with their own transport.
    assert [f for f in findings(_project(tmp_path), "TRD2") if f.startswith("tests/")] == [
        "tests/test_client.py:17:5 TRD201 `client` (`Client(...)`) is never closed; call `await client.disconnect()` in a `finally`",
        "tests/test_client.py:22:5 TRD201 `client` (`Client(...)`) is never closed; call `await client.disconnect()` in a `finally`",
        "tests/test_client.py:39:5 TRD201 `Device(...)` never closes its `self._transport`; give the class an async `close()`, call it",
        "tests/test_client.py:44:5 TRD201 `Device(...)` never closes its `self._transport`; give the class an async `close()`, call it",
    ]


def test_the_holder_that_keeps_the_part_is_still_judged(tmp_path: Path) -> None:
    # The class that keeps a transport and has no end of its own is reported where it keeps it.
    assert [f for f in findings(_project(tmp_path), "TRD2") if f.startswith("app/")] == [
        "app/client.py:27:9 TRD202 `self._transport` is never closed; add a `close()` method that calls its `disconnect()`",
    ]


CLIENT_UNCALLED = '''\
import aiohttp


class ClientError(Exception):
    pass


class Client:
    def __init__(self, email: str) -> None:
        self._email = email
        self._session: aiohttp.ClientSession | None = None

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session:
            await self._session.close()
            self._session = None

    async def authenticate(self) -> str:
        if not self._email:
            raise ClientError("no email")
        return "token"
'''

FLOW = '''\
from .client import Client, ClientError


async def validate(email: str) -> dict[str, str]:
    client = Client(email)
    try:
        await client.authenticate()
    except ClientError:
        await client.close()
        return {"base": "invalid_auth"}
    return {}
'''


def _integration(tmp_path: Path, client: str) -> list[str]:
    folder = tmp_path / "custom_components" / "energy"
    write(folder / "__init__.py", "")
    write(folder / "client.py", client)
    write(folder / "config_flow.py", FLOW)
    return findings(tmp_path, "TRD2")


def test_an_acquisition_the_application_never_runs_opens_nothing(tmp_path: Path) -> None:
    # ``_get_session()`` is named nowhere but where it is defined: the client holds nothing.
    assert _integration(tmp_path, CLIENT_UNCALLED) == []


def test_the_getter_called_keeps_the_close_judged(tmp_path: Path) -> None:
    called = CLIENT_UNCALLED.replace('        return "token"', '        await self._get_session()\n        return "token"')
    assert _integration(tmp_path, called) == [
        "custom_components/energy/config_flow.py:5:5 TRD201 `client` (`Client(...)`) is closed outside `finally`; move `client.close()` into a `finally`",
    ]
