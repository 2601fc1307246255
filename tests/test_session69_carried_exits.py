"""Session 69: the exits on the way to a carrier's hand-off, and the carrier's own release on them
(issue 28, point 1 and point 5: a resource closed on one way out but not another).

Session 68 read ``device = Device(session)`` ... ``return device`` as handing the session on at
``return device`` for an ``await`` that raises on the way, but not for the other ways out: a
``return None`` or a ``raise`` between the holder and its return dropped the device and the
session with it, unreported, while the same exit before ``return Device(session)`` was reported
("leaks on an exit before it is handed on"). And an exit that released the holder first
(``await device.close(); return None``) was reported as an ``await`` that may raise before the
hand-off: that ``await`` is the release itself.

Principle (control flow, the same hand-off for every way out): the hand-off of a resource carried
by a local is the local's later return or store (``outliving.carrier_handoff``); an exit before it
that neither names the carrier (``return device``) nor follows a release of it (``await
device.close()``) or of the resource leaves the resource open. Twins: the exit that releases the
holder, the one that returns it, and no exit at all: none reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

DEVICE = '''\
import aiohttp


class Device:
    def __init__(self, session):
        self.session = session

    async def ping(self):
        async with self.session.get("http://device/ping") as response:
            return response.ok

    async def close(self):
        await self.session.close()


async def open_device(ok):
    session = aiohttp.ClientSession()
    device = Device(session)
{body}
'''

EXIT = (
    "17:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks on an exit before it is handed on;"
    " call its `close()` on that path"
)


def _source(body: str) -> str:
    return DEVICE.format(body=body)


def test_a_return_between_the_holder_and_its_return(tmp_path: Path) -> None:
    body = "    if not ok:\n        return None\n    return device"
    assert source_findings(tmp_path, _source(body), "TRD201") == [EXIT]


def test_a_raise_between_the_holder_and_its_store(tmp_path: Path) -> None:
    body = "    if not ok:\n        raise RuntimeError('offline')\n    DEVICES['main'] = device"
    source = _source(body).replace("async def open_device", "DEVICES = {}\n\n\nasync def open_device")
    assert source_findings(tmp_path, source, "TRD201") == [EXIT.replace("17:5", "20:5")]


def test_an_error_swallowed_before_the_return(tmp_path: Path) -> None:
    body = "    try:\n        await device.ping()\n    except OSError:\n        return None\n    return device"
    assert source_findings(tmp_path, _source(body), "TRD201") == [EXIT]


def test_twin_the_exit_releases_the_holder(tmp_path: Path) -> None:
    body = "    if not ok:\n        await device.close()\n        return None\n    return device"
    assert source_findings(tmp_path, _source(body), "TRD201") == []


def test_twin_the_exit_releases_the_resource(tmp_path: Path) -> None:
    body = "    if not ok:\n        await session.close()\n        return None\n    return device"
    assert source_findings(tmp_path, _source(body), "TRD201") == []


def test_twin_the_exit_returns_the_holder(tmp_path: Path) -> None:
    body = "    if not ok:\n        return device\n    print('checked')\n    return device"
    assert source_findings(tmp_path, _source(body), "TRD201") == []


def test_twin_no_exit_before_the_return(tmp_path: Path) -> None:
    assert source_findings(tmp_path, _source("    print('made')\n    return device"), "TRD201") == []
