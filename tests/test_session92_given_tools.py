"""Session 92: a client given a shared session to work with holds nothing until it logs in
(issue 28 points 1 and 8: ownership moves only when proven, and nothing a receiver does not own
is reported as leaked by it).

Read on a labelled Home Assistant integration (apps72): the config flow made a client of its own
with Home Assistant's shared ``aiohttp`` session, awaited its ``connect()`` (a login that keeps
the id it gets only after its last ``await``) and then its ``close()`` (which logs out with that
id, and does nothing without one). TRD201 said the ``close()`` ran on one path only: "an error in
the ``await`` at line N leaves it open". But a failed login leaves the client holding nothing:
its ``close()`` would not even send a request. Two readings of the class made it look otherwise:

- the session it is given, stored in ``__init__`` and used by ``close()`` to send the logout,
  counted as held from the construction, as if made for the client: a value the class is given
  is held only when a release of the class ends it (``await self._session.close()``, or hands it
  on), not when the release only works with it (``self._session.post(...)``), and a parameter
  annotated as a plain value (``url: str``) holds nothing;
- a request sent through that session (``async with self._session.post(...)``) counted as an
  acquisition of the client, whose failing ``await`` after it leaves it open: a call of a given
  tool's own method keeps nothing on the instance.

The function's own close (TRD201 "closed here on one path only") now asks, like the hand-off
rules did, whether an ``await`` of the value's own start, its first use, fails holding nothing.

Twins: the class closes the session it is given (it owns it: reported); the start keeps a
websocket it makes before an ``await`` that may fail (reported); an ``await`` of something else
comes between the creation and the start (reported).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CLIENT = """\
from aiohttp import ClientSession


class UbusClient:
    def __init__(self, *, session: ClientSession, url: str, username: str) -> None:
        self._session = session
        self._url = url
        self._username = username
        self._session_id = ""

    async def connect(self) -> str:
{connect}

    async def close(self) -> None:
        if not self._session_id:
            return
        async with self._session.post(self._url, json={{"destroy": self._session_id}}):
            pass
        self._session_id = ""{close}
"""

LOGIN = """\
        async with self._session.post(self._url, json={"login": self._username}) as response:
            payload = await response.json()
        session_id = payload.get("id")
        if not isinstance(session_id, str):
            raise RuntimeError("no session")
        self._session_id = session_id
        return session_id"""

WEBSOCKET_LOGIN = """\
        self._ws = await self._session.ws_connect(self._url)
        await self._ws.send_json({"login": self._username})
        self._session_id = str(await self._ws.receive_json())
        return self._session_id"""

FLOW = """\
import asyncio

from aiohttp import ClientSession

from .client import UbusClient


async def validate(session: ClientSession, url: str) -> None:
    client = UbusClient(session=session, url=url, username="admin")
{before}    await client.connect()
    await client.close()


class Flow:
    async def async_step_user(self, session: ClientSession, url: str) -> str:
        try:
            await validate(session, url)
        except RuntimeError:
            return "invalid_auth"
        return "ok"
"""

OWN_CLOSE = "\n\n    async def aclose(self) -> None:\n        await self._session.close()"


def _files(connect: str = LOGIN, close: str = "", before: str = "") -> dict[str, str]:
    return {
        "client.py": CLIENT.format(connect=connect, close=close),
        "flow.py": FLOW.replace("{before}", before),
    }


def _reported(line: int) -> list[str]:
    return [
        f"flow.py:9:5 TRD201 `client` (`UbusClient(...)`) is closed here on one path only: an error in the `await` "
        f"at line {line} leaves it open; close it in a `finally`"
    ]


def test_a_client_given_a_shared_session_holds_nothing_when_its_login_fails(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(), "TRD2") == []


def test_twin_a_client_that_closes_the_session_it_is_given_owns_it(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(close=OWN_CLOSE), "TRD2") == _reported(10)


def test_twin_a_start_that_keeps_a_websocket_before_a_failing_await(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(connect=WEBSOCKET_LOGIN), "TRD2") == [
        "client.py:12:9 TRD202 `self._ws` is never closed; call its `close()` in `close()`",
        *_reported(10),
    ]


def test_twin_an_await_of_something_else_before_the_start(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(before="    await asyncio.sleep(0)\n"), "TRD2") == _reported(10)
