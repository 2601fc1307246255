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

# The config flow's step that calls the check and answers its error (both flows end with it).
FLOW_STEP = """

class Flow:
    async def async_step_user(self, session: ClientSession, url: str) -> str:
        try:
            await validate(session, url)
        except RuntimeError:
            return "invalid_auth"
        return "ok"
"""

FLOW = """\
import asyncio

from aiohttp import ClientSession

from .client import UbusClient


async def validate(session: ClientSession, url: str) -> None:
    client = UbusClient(session=session, url=url, username="admin")
{before}    await client.connect()
    await client.close()
""" + FLOW_STEP

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


RPC_CLIENT = """\
from datetime import UTC, datetime, timedelta

from aiohttp import ClientSession


class RpcClient:
    _EMPTY = "00000000"

    def __init__(self, *, session: ClientSession, url: str, timeout: int = 15) -> None:
        self._session = session
        self._url = url
        self._timeout = timeout
        self._session_id = self._EMPTY
        self._expires_at = datetime.min.replace(tzinfo=UTC)

    async def connect(self) -> str:
        body = await self._request("login", ensure=False)
        session_id = body.get("id")
        if not isinstance(session_id, str):
            raise RuntimeError("no session")
        self._session_id = session_id
        self._expires_at = datetime.now(tz=UTC) + timedelta(seconds=300)
        return session_id

    async def _ensure_connected(self) -> None:
        if self._session_id == self._EMPTY or datetime.now(tz=UTC) >= self._expires_at:
            await self.connect()

    async def _request(self, method: str, ensure: bool = True) -> dict:
        if ensure:
            await self._ensure_connected()
        response = await self._session.post(self._url, json={"method": method, "id": self._session_id}, timeout=self._timeout)
        return await response.json()

    async def close(self) -> None:
        if self._session_id == self._EMPTY:
            return
        await self._request("logout")
        self._session_id = self._EMPTY
{extra}"""

RPC_FLOW = """\
from aiohttp import ClientSession

from .client import RpcClient


async def validate(session: ClientSession, url: str) -> None:
    client = RpcClient(session=session, url=url)
    await client.connect()
    await client.close()
""" + FLOW_STEP

# A start that keeps a task before the login that may fail: the task is held, and an error in the
# login leaves it running.
KEEPER = """
    def _keep_alive(self) -> None:
        self._pinger = asyncio.get_running_loop().create_task(self._request("ping"))
"""


def test_a_login_reached_again_through_its_own_requests_keeps_nothing_when_it_fails(tmp_path: Path) -> None:
    """The start's request re-enters it (``connect()`` -> ``_request()`` -> ``_ensure_connected()``
    -> ``connect()``, under a flag it passes false); the id it keeps comes from a class constant,
    and the expiry it keeps is arithmetic: nothing it keeps can need a release."""
    files = {"client.py": RPC_CLIENT.replace("{extra}", ""), "flow.py": RPC_FLOW}
    assert tree_findings(tmp_path, files, "TRD2") == []


def test_twin_the_login_starts_a_task_the_release_reads_before_it_can_fail(tmp_path: Path) -> None:
    client = RPC_CLIENT.replace("{extra}", KEEPER).replace(
        '        body = await self._request("login", ensure=False)',
        '        self._keep_alive()\n        body = await self._request("login", ensure=False)',
    ).replace("        self._session_id = self._EMPTY\n", "        self._session_id = self._EMPTY\n        self._pinger.cancel()\n")
    files = {"client.py": "import asyncio\n" + client, "flow.py": RPC_FLOW}
    assert tree_findings(tmp_path, files, "TRD2") == [
        "flow.py:7:5 TRD201 `client` (`RpcClient(...)`) is closed here on one path only: an error in the `await` "
        "at line 8 leaves it open; close it in a `finally`"
    ]


def test_a_union_annotation_of_any_length_is_read_without_recursion(tmp_path: Path) -> None:
    """``url: "int | int | ... | None"`` (1,500 members, which every supported Python parses) is
    read without recursion: read recursively it raised RecursionError, and the whole calling file
    was reported as "TRD001 file is too deeply nested to analyse" instead of analysed."""
    long_union = " | ".join(["int"] * 1500) + " | None"
    client = CLIENT.format(connect=LOGIN, close="").replace("url: str,", f'url: "{long_union}",')
    assert tree_findings(tmp_path, {"client.py": client, "flow.py": FLOW.replace("{before}", "")}, "TRD2") == []
