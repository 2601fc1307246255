"""Session 68: a resource handed to a holder that a local keeps until the function returns it is
handed on at that return, not at the holder's construction (issue 28, point 3 and point 5: a
resource closed on one way out but not another).

Before, ``device = Device(session)`` counted as the hand-off: an ``await device.connect()``
between it and ``return device`` that raised dropped the device, and the session with it, and
nothing was reported; ``await session.get(url)`` before ``return Device(session)`` was reported
("leaks if an `await` before it is handed on raises"). Read by session 67's after-fix readers as
a miss (a BLE client's ``connect()``, written without a ``try``).

Principle (control flow): the hand-off of a resource carried by a local (bound once to the class
call given it) is the first later return of that local, or its store into an attribute or an
item. An ``await`` before it that raises leaves the function without handing the resource on.
Twins: the error answered through the carrier (``except BaseException: await device.close();
raise``) or through the resource itself, the carrier stored before the ``await``, and no
``await`` before the return: none reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

DEVICE = '''\
import aiohttp


class Device:
    def __init__(self, session):
        self.session = session

    async def connect(self):
        await self.session.get("https://example.org/login")

    async def close(self):
        await self.session.close()


async def open_device():
    session = aiohttp.ClientSession()
    device = Device(session)
{body}
'''

LEAKS = (
    "16:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises;"
    " close it on that error"
)


def _source(body: str) -> str:
    return DEVICE.format(body=body)


def test_an_await_between_the_holder_and_its_return(tmp_path: Path) -> None:
    body = "    await device.connect()\n    return device"
    assert source_findings(tmp_path, _source(body), "TRD201") == [LEAKS]


def test_an_await_between_the_holder_and_its_store(tmp_path: Path) -> None:
    source = _source("    await device.connect()\n    DEVICES['main'] = device").replace(
        "async def open_device", "DEVICES = {}\n\n\nasync def open_device"
    )
    assert source_findings(tmp_path, source, "TRD201") == [LEAKS.replace("16:5", "19:5")]


def test_twin_the_error_answered_through_the_holder(tmp_path: Path) -> None:
    body = (
        "    try:\n        await device.connect()\n    except BaseException:\n"
        "        await device.close()\n        raise\n    return device"
    )
    assert source_findings(tmp_path, _source(body), "TRD201") == []


def test_twin_the_error_answered_through_the_resource(tmp_path: Path) -> None:
    body = (
        "    try:\n        await device.connect()\n    except BaseException:\n"
        "        await session.close()\n        raise\n    return device"
    )
    assert source_findings(tmp_path, _source(body), "TRD201") == []


def test_twin_no_await_before_the_return(tmp_path: Path) -> None:
    assert source_findings(tmp_path, _source("    print('made')\n    return device"), "TRD201") == []
