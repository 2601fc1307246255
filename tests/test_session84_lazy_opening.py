"""Session 84: an awaited method of a first-party class that opens on use, which reaches none of
the class's acquisitions, opens nothing: its failure before the object is handed on leaves
nothing to close (issue 28, point 8; precision on applications).

``jason0x43/hacs-hubitat`` (apps72, labelled false): the config flow's ``validate_input`` makes a
``HubitatHub`` (its event server is made by ``start()`` only) and awaits ``hub.check_config()``,
an API request through ``aiohttp.request``, before returning it in a dict. The awaited method was
taken for the first use that opens the hub, so its error was reported as leaking the hub. The
class's opening methods are known (:func:`.unopened.opening_methods`: the methods that store an
acquisition on ``self`` outside ``__init__`` and those reaching one); only a use that may open it
counts (:func:`.unopened.use_opens`). Twins: ``start()`` itself, and a method that reaches it.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

HUB = """\
import asyncio

import aiohttp


def _pick_port(port):
    return 0 if port is None else int(port)


class Hub:
    def __init__(self, host, port=None):
        self._server = None
        self.port = _pick_port(port)
        self.set_host(host)

    def set_host(self, host):
        self.host = host.removeprefix("http://")

    async def check(self):
        try:
            await self._request("devices")
        except aiohttp.ClientError as error:
            raise ConnectionError(str(error)) from error

    async def _request(self, path):
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://{self.host}/{path}") as response:
                response.raise_for_status()
                return await response.json()

    async def start(self):
        self._server = await asyncio.start_server(self._handle, "0.0.0.0", self.port)
        await self.register()

    async def register(self):
        await self.check()

    async def _handle(self, reader, writer):
        writer.close()

    def stop(self):
        if self._server is not None:
            self._server.close()

"""


def test_a_method_reaching_no_acquisition_opens_nothing(tmp_path: Path) -> None:
    source = HUB + """

async def validate(host):
    hub = Hub(host)
    await hub.check()
    return {"title": host, "hub": hub}


async def enter(info):
    await info["hub"].start()
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_twin_its_start_opens_it(tmp_path: Path) -> None:
    source = HUB + """

async def setup(host):
    hub = Hub(host)
    await hub.start()
    return {"title": host, "hub": hub}
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "48:5 TRD201 `hub` (`Hub(...)`) leaks if an `await` before it is handed on raises; close it on that error"]


def test_twin_a_method_reaching_its_start_opens_it(tmp_path: Path) -> None:
    source = HUB.replace("    async def register(self):", """\
    async def refresh(self):
        if self._server is None:
            await self.start()
        await self.check()

    async def register(self):""") + """

async def setup(host):
    hub = Hub(host)
    await hub.refresh()
    return {"title": host, "hub": hub}
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "53:5 TRD201 `hub` (`Hub(...)`) leaks if an `await` before it is handed on raises; close it on that error"]
