"""Session 93: a class that hands the session it is given to a part that borrows it borrows it
too (issue 28 points 1 and 8: nothing a receiver does not own is reported as leaked by it).

Read on a Home Assistant integration nobody on the team had read (a fresh labelled set): its device
class kept a transport, ``self.transport = DeviceTransport(host, session=session)``, and the
transport made its own ``aiohttp`` session only when given none (``self._session = session``,
filled by a getter only when empty) and closed it only then. The transport given Home Assistant's
shared session was already read as borrowing it; the device handing the same parameter on was not,
and every ``GeekMagicDevice(host, session=shared)`` was "never closed" (2 findings in the
integration, 36 in its tests, each given a test's session): the device makes nothing either.

Twins: the device made without a session makes its own (reported); a part that makes its own
session whatever it is given borrows nothing, and neither does the device forwarding to it
(reported); a device that hands on something else than its parameter (a session it makes) is
judged as before (reported).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

TRANSPORT = """\
import aiohttp


class Transport:
    def __init__(self, host: str, session: aiohttp.ClientSession | None = None) -> None:
        self.host = host
        self._session = session
        self._owns_session = session is None

    async def get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def fetch(self) -> str:
        session = await self.get_session()
        async with session.get(f"http://{self.host}/") as response:
            return await response.text()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None
"""

# A transport that keeps what it is given beside a session it always makes: it borrows nothing.
EAGER_TRANSPORT = """\
import aiohttp


class Transport:
    def __init__(self, host: str, session: aiohttp.ClientSession | None = None) -> None:
        self.host = host
        self._given = session
        self._session = aiohttp.ClientSession()

    async def fetch(self) -> str:
        async with self._session.get(f"http://{self.host}/") as response:
            return await response.text()

    async def close(self) -> None:
        await self._session.close()
"""

DEVICE = """\
import aiohttp

from .transport import Transport


class Device:
    def __init__(self, host: str, session: aiohttp.ClientSession | None = None) -> None:
        self.transport = Transport(host, {handed})

    async def state(self) -> str:
        return await self.transport.fetch()

    async def close(self) -> None:
        await self.transport.close()
"""

HUB = """\
import aiohttp

from .device import Device


class Hub:
    def __init__(self, host: str, session: aiohttp.ClientSession | None = None) -> None:
        self.device = Device(host, session)

    async def close(self) -> None:
        await self.device.close()
"""

SETUP = """\
import aiohttp

from .device import Device
from .hub import Hub


async def probe(session: aiohttp.ClientSession, host: str) -> str:
    device = Device(host, session=session)
    return await device.state()


async def probe_hub(session: aiohttp.ClientSession, host: str) -> str:
    hub = Hub(host, session)
    return await hub.device.state()
"""

OWN_SESSION = """

async def probe_alone(host: str) -> str:
    device = Device(host)
    return await device.state()
"""


def _files(transport: str = TRANSPORT, handed: str = "session=session") -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/transport.py": transport,
        "app/device.py": DEVICE.replace("{handed}", handed),
        "app/hub.py": HUB,
        "app/setup.py": SETUP,
    }


def _never_closed(line: int, name: str, label: str) -> str:
    return f"setup.py:{line}:5 TRD201 `{name}` (`{label}(...)`) is never closed; call `await {name}.close()` in a `finally`"


def test_a_device_handing_its_session_to_a_transport_that_borrows_it_makes_nothing(tmp_path: Path) -> None:
    """By keyword (the device) and by position (the hub, two constructors deep)."""
    assert tree_findings(tmp_path, _files(), "TRD2") == []


def test_twin_a_device_made_without_a_session_makes_its_own(tmp_path: Path) -> None:
    files = {**_files(), "app/setup.py": "from .device import Device\n" + OWN_SESSION}
    assert tree_findings(tmp_path, files, "TRD2") == [_never_closed(5, "device", "Device")]


def test_twin_a_transport_that_makes_its_own_session_whatever_it_is_given(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(transport=EAGER_TRANSPORT), "TRD2") == [
        _never_closed(13, "hub", "Hub"),
        _never_closed(8, "device", "Device"),
    ]


def test_twin_a_device_handing_on_a_session_it_makes(tmp_path: Path) -> None:
    """The parameter is not what the part is given: the device's own session is judged (its
    transport never closes what it is given), the hub no longer forwards a borrowed parameter."""
    assert tree_findings(tmp_path, _files(handed="session=aiohttp.ClientSession()"), "TRD2") == [
        "device.py:8:50 TRD201 `aiohttp.ClientSession(...)` given to `Transport(...)` is never closed; call `close()` when done",
        _never_closed(13, "hub", "Hub"),
        _never_closed(8, "device", "Device"),
    ]
