"""Session 54: an ``__aenter__`` inherited from a first-party base runs the subclass's methods.

``async with Link(url) as link`` runs ``__aexit__`` only once ``__aenter__`` has returned. When
a base class defines ``__aenter__`` as ``await self.connect()`` and a subclass's ``connect()``
makes its own session and then awaits a handshake, a failed (or cancelled) handshake leaves the
session open: ``__aexit__`` never runs, and the caller holds no instance to close. Before, the
check read ``__aenter__`` from the class's own body only, so the subclass's session was judged
closed by its ``disconnect()``. Also, an ``await`` after the making in a ``try`` whose handler
of every error (or ``finally``) cleans up is not a failure that leaves it open: what the handler
does is not judged here.

Twins: the base's ``__aenter__`` with no later ``await`` in ``connect()``, a ``connect()`` that
closes the session in an ``except BaseException`` before re-raising (its own ``__aenter__`` or
the base's), and an ``__aenter__`` with
a ``try`` of its own.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

BASE = """\
import aiohttp


class Transport:
    async def __aenter__(self) -> "Transport":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.disconnect()

    async def connect(self) -> None:
        raise NotImplementedError

    async def disconnect(self) -> None:
        raise NotImplementedError


"""

INHERITED = BASE + """\
class Link(Transport):
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        await self._handshake()

    async def _handshake(self) -> None:
        assert self._session is not None
        async with self._session.get(self._url) as response:
            response.raise_for_status()

    async def disconnect(self) -> None:
        if self._session is not None:
            await self._session.close()
"""

# A ``finally`` that releases nothing leaves it open all the same (the class's own ``__aenter__``).
LOGGED = """\
import aiohttp


class Logged:
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Logged":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        try:
            await self._handshake()
        finally:
            print("tried", self._url)

    async def _handshake(self) -> None:
        assert self._session is not None
        async with self._session.get(self._url) as response:
            response.raise_for_status()
"""

TWINS = BASE + """\
class Quiet(Transport):
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()

    async def disconnect(self) -> None:
        if self._session is not None:
            await self._session.close()


class Careful(Transport):
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        try:
            await self._handshake()
        except BaseException:
            await self.disconnect()
            raise

    async def _handshake(self) -> None:
        assert self._session is not None
        async with self._session.get(self._url) as response:
            response.raise_for_status()

    async def disconnect(self) -> None:
        if self._session is not None:
            await self._session.close()


class OwnCareful:
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "OwnCareful":
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.disconnect()

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        try:
            await self._handshake()
        except BaseException:
            await self._close_session()
            raise

    async def _handshake(self) -> None:
        assert self._session is not None
        async with self._session.get(self._url) as response:
            response.raise_for_status()

    async def _close_session(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def disconnect(self) -> None:
        if self._session is not None:
            await self._session.close()


class Guarded(Transport):
    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Guarded":
        try:
            await self.connect()
        except BaseException:
            await self.disconnect()
            raise
        return self

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()
        await self._handshake()

    async def _handshake(self) -> None:
        assert self._session is not None
        async with self._session.get(self._url) as response:
            response.raise_for_status()

    async def disconnect(self) -> None:
        if self._session is not None:
            await self._session.close()
"""


def test_a_base_aenter_running_the_subclass_connect_that_fails_after_making_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, INHERITED, "TRD2") == [
        "25:9 TRD202 `self._session` leaks when `__aenter__()` fails after making it; "
        "close it there before re-raising",
    ]


def test_a_finally_that_releases_nothing_still_leaves_it_open(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LOGGED, "TRD2") == [
        "18:9 TRD202 `self._session` leaks when `__aenter__()` fails after making it; "
        "close it there before re-raising",
    ]


def test_no_later_await_a_handler_of_every_error_or_a_guarded_aenter_is_not_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD2") == []
