"""Session 43 (issue 28, resources): resources lost on the failure paths of a start.

1. A release that fails on an instance that never started: a resource made in ``__init__`` is
   held from the instance's birth, so its release must work before any start ran. One that first
   dereferences an attribute ``__init__`` leaves ``None`` (``if self.ws.closed is False:`` before
   ``await self.session.close()``), with no test of that attribute on the way, raises there and
   never reaches the close (Rapptz/discord.py ``5a2b8e2c``).
2. A release that awaits, before its close, a method of the class's own that uses the resource
   (``await self.logout()`` posting through ``self._session``), where the method that makes the
   resource can fail part way (an ``await`` after the creation, outside any ``try``): the failed
   start leaves what the release needs unset, and the release fails before the close
   (Gobot1234/steam.py ``9297f798``).
3. What a script's module only hands on (a request handler given to a router, ``web.post(
   "/login", proxy.login)``) is no program entry: the server answers its errors and goes on, so
   a resource lost by an ``await`` between its creation and the statement that keeps it leaks on
   every failed request (matrix-org/pantalaimon ``c6c04b68``).

Each shape has its negative twin: the same code guarded, closed on the failure or run as the
script's own step gives nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings

_check = partial(source_findings, select="TRD2")

UNSET_BEFORE_CLOSE = """\
import aiohttp


class Client:
    def __init__(self):
        self.ws = None
        self.session = aiohttp.ClientSession()

    async def connect(self, url):
        self.ws = await self.session.ws_connect(url)

    async def close(self):
        if self.ws.closed is False:
            await self.ws.close()
        await self.session.close()
"""


def test_release_dereferences_what_init_leaves_none(tmp_path: Path) -> None:
    assert _check(tmp_path, UNSET_BEFORE_CLOSE) == [
        "7:9 TRD202 `self.session` is closed in `close()` only after `self...closed`, which raises while `self.ws` "
        "is None; test it first"
    ]


def test_release_tests_what_init_leaves_none(tmp_path: Path) -> None:
    source = UNSET_BEFORE_CLOSE.replace("if self.ws.closed is False:", "if self.ws is not None and not self.ws.closed:")
    assert _check(tmp_path, source) == []


def test_release_dereference_after_the_close(tmp_path: Path) -> None:
    source = UNSET_BEFORE_CLOSE.replace(
        "        if self.ws.closed is False:\n            await self.ws.close()\n        await self.session.close()\n",
        "        await self.session.close()\n        if self.ws.closed is False:\n            await self.ws.close()\n",
    )
    assert _check(tmp_path, source) == []


def test_release_dereference_when_made_by_the_start(tmp_path: Path) -> None:
    # The session made in ``connect()``, not ``__init__``: an instance holds nothing before it starts.
    source = UNSET_BEFORE_CLOSE.replace("        self.session = aiohttp.ClientSession()\n", "        self.session = None\n").replace(
        "    async def connect(self, url):\n",
        "    async def connect(self, url):\n        self.session = aiohttp.ClientSession()\n")
    assert _check(tmp_path, source) == []


LOGOUT_BEFORE_CLOSE = """\
import aiohttp


class Http:
    def __init__(self):
        self._session = None
        self.session_id = None

    async def request(self, method, url, **kwargs):
        async with self._session.request(method, url, **kwargs) as r:
            return await r.json()

    async def login(self, user, password):
        self._session = aiohttp.ClientSession()
        resp = await self.request("POST", "/login", data={"user": user, "password": password})
        self.session_id = resp["session"]

    async def logout(self):
        await self.request("POST", "/logout", data={"session": self.session_id})

    async def close(self):
        await self.logout()
        await self._session.close()
"""


def test_release_awaits_an_own_request_after_a_failing_start(tmp_path: Path) -> None:
    assert _check(tmp_path, LOGOUT_BEFORE_CLOSE) == [
        "14:9 TRD202 `self._session` is closed in `close()` only after `await self.logout()`, which raises once it is "
        "broken; close it in a `finally`"
    ]


def test_start_closes_it_on_failure(tmp_path: Path) -> None:
    source = LOGOUT_BEFORE_CLOSE.replace(
        '        resp = await self.request("POST", "/login", data={"user": user, "password": password})\n',
        '        try:\n            resp = await self.request("POST", "/login", data={"user": user, "password": password})\n'
        "        except BaseException:\n            await self._session.close()\n            raise\n",
    )
    assert _check(tmp_path, source) == []


def test_release_own_request_handled(tmp_path: Path) -> None:
    source = LOGOUT_BEFORE_CLOSE.replace(
        "        await self.logout()\n        await self._session.close()\n",
        "        try:\n            await self.logout()\n        finally:\n            await self._session.close()\n",
    )
    assert _check(tmp_path, source) == []


def test_start_awaits_only_on_another_branch(tmp_path: Path) -> None:
    # The awaits after the creation are on the other branch (another backend): its start cannot
    # fail part way holding it.
    source = LOGOUT_BEFORE_CLOSE.replace(
        "    async def login(self, user, password):\n        self._session = aiohttp.ClientSession()\n"
        '        resp = await self.request("POST", "/login", data={"user": user, "password": password})\n'
        '        self.session_id = resp["session"]\n',
        "    async def login(self, user, password, token=None):\n        if token is None:\n"
        "            self._session = aiohttp.ClientSession()\n        else:\n"
        '            resp = await self.request("POST", "/login", data={"token": token})\n'
        '            self.session_id = resp["session"]\n',
    )
    assert "        else:\n" in source
    assert _check(tmp_path, source) == []


HANDLER_IN_SCRIPT = """\
from aiohttp import web
from nio import AsyncClient


class Proxy:
    def __init__(self):
        self.clients = {}

    async def login(self, request):
        body = await request.json()
        client = AsyncClient("https://example.org", body["user"])
        response = await client.login(body["password"])
        self.clients[response.access_token] = client
        return web.Response(text="ok")

    async def shutdown(self, app):
        for client in self.clients.values():
            await client.close()


def main():
    proxy = Proxy()
    app = web.Application()
    app.add_routes([web.post("/login", proxy.login)])
    app.on_shutdown.append(proxy.shutdown)
    web.run_app(app)


if __name__ == "__main__":
    main()
"""


def test_script_handler_goes_on_after_errors(tmp_path: Path) -> None:
    assert _check(tmp_path, HANDLER_IN_SCRIPT) == [
        "11:9 TRD201 `self.clients` (`AsyncClient(...)`) leaks if an `await` before it is stored raises; close it on "
        "that error"
    ]


def test_script_step_ends_the_program(tmp_path: Path) -> None:
    # The script calls the method itself on its way down from ``main()``: its error ends the process.
    source = HANDLER_IN_SCRIPT.replace(
        '    app.add_routes([web.post("/login", proxy.login)])\n',
        '    asyncio.run(proxy.login(None))\n',
    ).replace("from aiohttp import web\n", "import asyncio\n\nfrom aiohttp import web\n")
    assert _check(tmp_path, source) == []


def test_script_handler_closes_on_failure(tmp_path: Path) -> None:
    source = HANDLER_IN_SCRIPT.replace(
        '        response = await client.login(body["password"])\n',
        '        try:\n            response = await client.login(body["password"])\n'
        "        except BaseException:\n            await client.close()\n            raise\n",
    )
    assert _check(tmp_path, source) == []
