"""Session 68: a close written in a nested function that the creator hands, uncalled, to what runs
it later (an aiohttp cleanup signal, ``entry.async_on_unload(_close)``) is handed on at that
registration (issue 28, point 5: framework lifecycles are ends of life).

Before, the close inside ``async def _on_cleanup(app): await fetcher.close()`` counted as a close
of the creating function itself, written outside ``finally`` after an ``await``: "closed outside
`finally`; move `fetcher.close()` into a `finally`", a fix that would close the object as the
application factory returns (aleph-im/pyaleph ``8c4520e6``, read in session 68 as a correct fix
misread). The same code without the registration said the same.

Principle (lifetime): the nested function runs when the framework calls it, so the registration is
the hand-off, as it is for a bound release (``entry.async_on_unload(client.close)``): an
``await`` before it that raises leaks the resource. Twins: the nested function never registered
(still "closed outside `finally`"), and an ``await`` of a use between the creation and the
registration (reported as leaking on that error).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

FACTORY = '''\
import aiohttp
from aiohttp import web


class Fetcher:
    def __init__(self, url):
        self.url = url
        self._session = None

    async def open(self):
        self._session = aiohttp.ClientSession(self.url)

    async def close(self):
        if self._session is not None:
            await self._session.close()
            self._session = None


async def make_app(url):
    app = web.Application()
    fetcher = Fetcher(url)
    await fetcher.open()

    async def _on_cleanup(_app):
        await fetcher.close()
{register}
    return app
'''

SETUP = '''\
import aiohttp


async def async_setup_entry(hass, entry):
    session = aiohttp.ClientSession()
    await session.post("https://example.org/login")

    async def _close():
        await session.close()

    entry.async_on_unload(_close)
    return True
'''


def test_closed_by_a_cleanup_handler_the_factory_registers(tmp_path: Path) -> None:
    source = FACTORY.format(register="\n    app.on_cleanup.append(_on_cleanup)")
    assert source_findings(tmp_path, source, "TRD201") == []


def test_twin_the_handler_never_registered(tmp_path: Path) -> None:
    assert source_findings(tmp_path, FACTORY.format(register=""), "TRD201") == [
        "21:5 TRD201 `fetcher` (`Fetcher(...)`) is closed outside `finally`; move `fetcher.close()` into a `finally`"
    ]


def test_an_await_before_the_registration_leaks_it(tmp_path: Path) -> None:
    assert [f for f in source_findings(tmp_path, SETUP, "TRD201") if "response" not in f] == [
        "5:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises;"
        " close it on that error"
    ]


def test_twin_registered_before_the_await(tmp_path: Path) -> None:
    source = SETUP.replace('    await session.post("https://example.org/login")\n', "").replace(
        "    return True", '    await session.post("https://example.org/login")\n    return True'
    )
    assert [f for f in source_findings(tmp_path, source, "TRD201") if "response" not in f] == []
