"""Session 67: closed on every error, handed on at success inside a holder the function returns
(issue 28, point 1). Found reading the development pool's sites still reported after the
maintainers' fix: an Apple TV library's connect made its session manager through the project's
factory, put it in the device it returns, and closed it in the ``except`` that re-raises when the
device's first connect fails; tradelint said the manager was closed outside ``finally``, and that
fix would close the manager the returned device holds.

Principle (ownership): a ``return`` hands on what it returns and every value carried inside it; a
local bound to a value carrying the resource (``device = Device(manager)``) is such a value, as
``return Device(manager)`` already was, when nothing leaves before the ``try`` whose handler
closes it. Twins: the holder dropped (``return True``); a ``raise`` before that ``try`` (pyatv's
parent, whose fix moved the loop that raises into the ``try``): still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

CONNECT = """\
import asyncio

from aiohttp import ClientSession


class SessionManager:
    def __init__(self, session: ClientSession) -> None:
        self._session = session

    async def close(self) -> None:
        await self._session.close()


def make_manager() -> SessionManager:
    return SessionManager(ClientSession())


class Device:
    def __init__(self, manager: SessionManager) -> None:
        self._manager = manager

    async def connect(self) -> None:
        await asyncio.sleep(0)

    async def close(self) -> None:
        await self._manager.close()


async def connect() -> Device:
    manager = make_manager()
    device = Device(manager)
    try:
        await device.connect()
    except BaseException:
        await manager.close()
        raise
    return device
"""

DROPPED = CONNECT.replace("async def connect() -> Device:", "async def connect() -> bool:").replace(
    "    return device\n", "    return True\n"
)


def test_closed_on_every_error_and_returned_inside_its_holder(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CONNECT, "TRD201") == []


def test_twin_the_holder_dropped(tmp_path: Path) -> None:
    assert source_findings(tmp_path, DROPPED, "TRD201") == [
        "30:5 TRD201 `manager` (`make_manager(...)`) is closed outside `finally`; move `manager.close()` into a `finally`",
    ]


LEAVES_FIRST = CONNECT.replace(
    "    device = Device(manager)\n    try:",
    "    device = Device(manager)\n    if not device:\n        raise RuntimeError(\"no device\")\n    try:",
)


def test_twin_a_raise_before_the_try_whose_handler_closes_it(tmp_path: Path) -> None:
    # pyatv's parent: a ``raise`` in the loop before the ``try`` leaks the manager; its fix moved
    # the loop into the ``try``. (Session 87: the ``except`` close answers the failure of the
    # device's connect, not the raise before it; the manager goes on inside the returned device,
    # so the cure is a close on that path, never a ``finally`` that would close what the device holds.)
    assert source_findings(tmp_path, LEAVES_FIRST, "TRD201") == [
        "30:5 TRD201 `manager` (`make_manager(...)`) leaks on an exit before it is handed on; call its `close()` on that path",
    ]
