"""Session 60 (lead): a library's maker whose method name a first-party class of the module also
defines (issue 28, round 25's development half: ``self.playwright = await
async_playwright().start()`` in a scanner's own ``start()``).

Until now such a name was dropped from the module's makers altogether: the call might be the
first-party method, so the name alone says nothing. But a receiver *shown* to be of the
library's class (here the result of ``async_playwright()``, which the library table types as
Playwright's context manager) says what the call is, whatever the module's own classes define.

Principle: a library maker whose name the module's own classes share makes a resource only on a
receiver proven to be of the maker's class, as any maker whose name alone proves nothing. Twins:
the same call on a receiver nothing types (``await self.engine.start()``) and the first-party
method called on an instance of its own class stay silent; the same resource ended at the owner's
end stays silent.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SCANNER = """\
from playwright.async_api import async_playwright


class Scanner:
    async def start(self):
        self.playwright = await async_playwright().start()
        self.browser = await self.playwright.chromium.launch()

    async def stop(self):
        await self.browser.close()


async def main():
    pw = await async_playwright().start()
    browser = await pw.chromium.launch()
    await browser.close()
"""

TWINS = """\
from playwright.async_api import async_playwright


class Engine:
    async def start(self):
        return self


class Scanner:
    def __init__(self, engine):
        self.engine = engine
        self.own = Engine()

    async def start(self):
        self.running = await self.engine.start()
        self.mine = await self.own.start()
        self.playwright = await async_playwright().start()
        self.browser = await self.playwright.chromium.launch()

    async def stop(self):
        await self.browser.close()
        await self.playwright.stop()


async def main():
    pw = await async_playwright().start()
    try:
        browser = await pw.chromium.launch()
        await browser.close()
    finally:
        await pw.stop()
"""


def test_a_typed_receiver_makes_the_resource_whatever_the_module_names(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SCANNER, "TRD2") == [
        "6:9 TRD202 `self.playwright` is never closed; call its `stop()` in `stop()`",
        "14:5 TRD201 `pw` (`async_playwright().start(...)`) is never closed; call `await pw.stop()` in a `finally`",
    ]


def test_untyped_and_first_party_receivers_and_ended_ones_stay_silent(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD2") == []


# A chain of first-party callees ends what it is handed only by ending the whole object: a
# release-like method given what to end (a BLE client's ``stop_notify(uuid)``) ends a part
# (session 59's callee chains took it for the client's end: a development-pool fix site lost).
CHAIN = """\
from bleak import BleakClient
from bleak_retry_connector import establish_connection

UUID = "00002a2b-0000-1000-8000-00805f9b34fb"


async def _read_time(client):
    await client.start_notify(UUID, print)
    await client.stop_notify(UUID)


async def _sync(client):
    await _read_time(client)


async def _close_it(client):
    try:
        await _read_time(client)
    finally:
        await client.disconnect()


class Flow:
    async def pair(self, device):
        client = await establish_connection(BleakClient, device, device.address)
        self._client = client
        await _sync(client)

    async def pair_and_close(self, device):
        client = await establish_connection(BleakClient, device, device.address)
        await _close_it(client)
"""


def test_a_part_ended_deep_in_a_chain_is_no_end_of_the_whole(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CHAIN, "TRD2") == [
        "25:9 TRD202 `self._client` is never closed; add a `close()` method that calls its `disconnect()`",
    ]
