"""Session 74: a constructor that borrows what it is given (issue 28 points 1 and 3).

``Device(host, session)`` keeps a given session and makes its own only when given none (``if
session: self.session = session else: self.session = ClientSession()``, its ``aclose()`` closing
only its own): given one, the instance holds nothing to release.

1. A subclass that hands its parameter to the base's ``__init__`` by position or by keyword
   (``super().__init__(host, session)``, ``super().__init__(host, session=session)``,
   ``Device.__init__(self, host, session)``) borrows it as the base does, and is called at its
   own position (fredrike/pydaikin ``69cf5c77``: ``DaikinSkyFi(device_ip, session, password)``,
   four findings still reported after the maintainers' fix). Twins: the subclass given no
   session makes its own.
2. A session the caller ends itself (``finally: await session.close()``) or one it makes only
   when it was given none (``if session is None: session = ClientSession()``) is lent to the
   instance, not given away. Twin: a session made and never ended is not lent (the instance
   stays reported, as before). A parameter that may be ``None`` (``session=None``,
   ``session: ClientSession | None``) handed on as it came is not lent: given nothing, the
   instance makes its own (pydaikin's parent, five development sites).
3. A constructor parameter kept as the function that gives the very attribute the class would
   otherwise make (``self._get_session = get_session``, then ``self._session =
   self._get_session()`` in the getter that makes its own only without it) is lent as a value
   would be (milanorszagh/evon-smart-home-homeassistant-integration's ``EvonApi(get_session=lambda:
   async_get_clientsession(hass))``, two application findings and two test findings in
   ``benchmarks/labels/apps72.tsv``, all false). Twins: the same class given no function, or a
   function that makes a new session at each call (its return is a constructor's call, or a
   call handed the class it makes).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

DEVICE = '''\
from aiohttp import ClientSession


class Device:
    def __init__(self, host, session: ClientSession | None = None) -> None:
        self.host = host
        if session:
            self.session = session
            self._own_session = False
        else:
            self.session = ClientSession()
            self._own_session = True

    async def update(self):
        async with self.session.get(self.host) as response:
            return await response.json()

    async def aclose(self):
        if self._own_session:
            await self.session.close()


class SkyFi(Device):
    def __init__(self, host, session: ClientSession | None, password: str) -> None:
        super().__init__(host, session)
        self.password = password


class Named(Device):
    def __init__(self, host, session: ClientSession | None = None) -> None:
        super().__init__(host, session=session)


class Classic(Device):
    def __init__(self, host, session: ClientSession | None = None) -> None:
        Device.__init__(self, host, session)
'''


PROBE = '''\
from aiohttp import ClientSession

from device import Classic, Device, Named, SkyFi


async def skyfi(host, session):
    dev = SkyFi(host, session, "pw")
    await dev.update()


async def named(host, session):
    dev = Named(host, session)
    await dev.update()


async def classic(host, session):
    dev = Classic(host, session)
    await dev.update()


async def skyfi_alone(host):
    dev = SkyFi(host, None, "pw")
    await dev.update()


async def named_alone(host):
    dev = Named(host)
    await dev.update()


async def closed_here(host):
    session = ClientSession()
    try:
        dev = Device(host, session)
        await dev.update()
    finally:
        await session.close()


async def entered_here(host):
    async with ClientSession() as session:
        dev = Device(host, session)
        await dev.update()


async def left_open(host):
    session = ClientSession()
    dev = Device(host, session)
    await dev.update()


async def made_when_absent(host, session=None):
    if session is None:
        session = ClientSession()
    dev = Device(host, session)
    await dev.update()
    return dev


async def maybe_given(host, session=None):
    dev = SkyFi(host, session, "pw")
    await dev.update()


async def maybe_typed(host, session: ClientSession | None):
    dev = Named(host, session)
    await dev.update()
'''


def _findings(tmp_path: Path) -> list[str]:
    return tree_findings(tmp_path, {"device.py": DEVICE, "probe.py": PROBE}, "TRD2")


def _at(line: int, made: str) -> str:
    return f"probe.py:{line}:5 TRD201 `dev` (`{made}(...)`) is never closed; call `await dev.aclose()` in a `finally`"


def test_a_borrowing_constructor_given_a_session_holds_nothing(tmp_path: Path) -> None:
    # Lines 7, 12, 17 (subclasses handing the parameter on), 34 (closed by the caller), 55
    # (made only when absent): none reported. Lines 22 and 27 (no session given), 48 (a made
    # session nobody ends), 61 and 66 (a parameter that may be ``None``, by its default or its
    # annotation, handed on as it came) stay. Since session 75 the sessions made at 47 and 54
    # are reported too: ``Device.aclose()`` closes only a session it made itself (under
    # ``if self._own_session:``), so one handed to it stays its maker's to close.
    session = "TRD201 `session` (`ClientSession(...)`) is never closed; open it with `async with`"
    assert _findings(tmp_path) == [
        _at(22, "SkyFi"), _at(27, "Named"), f"probe.py:47:5 {session}", _at(48, "Device"), f"probe.py:54:9 {session}",
        _at(61, "SkyFi"), _at(66, "Named"),
    ]



API = '''\
from typing import Callable

import aiohttp


class Api:
    def __init__(self, host: str, get_session: Callable[[], aiohttp.ClientSession] | None = None) -> None:
        self._host = host
        self._session: aiohttp.ClientSession | None = None
        self._own_session = False
        self._get_session_callback = get_session

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            if self._get_session_callback is not None:
                session = self._get_session_callback()
                if session is not None and not session.closed:
                    self._session = session
                    self._own_session = False
                    return session
            self._session = aiohttp.ClientSession()
            self._own_session = True
        return self._session

    async def test_connection(self) -> bool:
        session = await self._get_session()
        async with session.get(self._host) as response:
            return response.status == 200

    async def close(self) -> None:
        if self._own_session and self._session:
            await self._session.close()
            self._session = None
'''


SETUP = '''\
import aiohttp

from api import Api


class NotReady(Exception):
    pass


async def setup_with_shared(hass, shared, host):
    api = Api(host, get_session=lambda: shared)
    if not await api.test_connection():
        raise NotReady(host)
    hass.data["api"] = api
    return True


async def setup_alone(hass, host):
    api = Api(host)
    if not await api.test_connection():
        raise NotReady(host)
    hass.data["api"] = api
    return True


async def setup_with_maker(hass, host):
    api = Api(host, get_session=lambda: aiohttp.ClientSession())
    if not await api.test_connection():
        raise NotReady(host)
    hass.data["api"] = api
    return True


async def setup_with_local_maker(hass, host):
    def make():
        return aiohttp.ClientSession(base_url=host)

    api = Api(host, get_session=make)
    if not await api.test_connection():
        raise NotReady(host)
    hass.data["api"] = api
    return True
'''


def test_a_function_giving_the_session_is_lent_as_the_session_would_be(tmp_path: Path) -> None:
    # Line 11 (given a function that gets a shared session) is not reported; line 19 (given
    # nothing) is, and so are 27 and 38 (given a function that makes a new session at each call,
    # a lambda or a function defined beside the call: made for the instance, as
    # ``establish_connection(BleakClient, ...)`` is in beezly/ha-sensowash, heads70's labelled TP).
    message = "TRD201 `api` (`Api(...)`) leaks on an exit before it is handed on; call its `close()` on that path"
    assert tree_findings(tmp_path, {"api.py": API, "setup.py": SETUP}, "TRD2") == [
        f"setup.py:{line}:5 {message}" for line in (19, 27, 38)
    ]
