"""Session 58 (`s58-resprec`): three judgements of the resource model that a fresh sample of
TRD2 findings (sample 58, half a) showed too narrow (issue 28, precision of TRD2).

- lifetime: a lazy resource its holder never opens holds nothing (`s55-unopened`), whether its
  attribute is written ``self.x = X()`` or annotated, ``self.x: X = X()`` (the annotated store
  was not judged at all: a listener used only for its connection handler, whose ``start()`` is
  never called, was reported as never stopped).
- control flow: a use of a resource before its close skips the close only when it runs on the
  way to it; a branch before the close that always leaves the method (ends in ``return`` or
  ``raise``) does not (``if enable: ...; await self._page.goto(url); return True`` before the
  close under ``not enable``).
- control flow: a method named to renew (``refresh()``, ``reload_and_evaluate()``) that calls
  the opening method inside a ``try`` whose ``finally`` closes the slot again, under the same
  condition, ends what it opened on every way out: it is no evidence that an open value is held
  when the opening runs.

Each has its twin that stays reported: the listener started; the branch that goes on to the close;
the close outside the ``finally``, or in one under another condition.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

LISTENER = """\
import asyncio


class Listener:
    def __init__(self, handler):
        self._handler = handler
        self._server = None

    async def start(self):
        self._server = await asyncio.start_server(self.handle, "0.0.0.0", 8080)

    async def stop(self):
        self._server.close()
        await self._server.wait_closed()

    async def handle(self, reader, writer):
        await self._handler(reader, writer)


class Front:
    def __init__(self, handler):
        self._listener: Listener = Listener(handler)

    async def dispatch(self, reader, writer):
        await self._listener.handle(reader, writer)
"""

LINK = """\
import aiohttp


class Link:
    def __init__(self):
        self._ws = None
        self._session = aiohttp.ClientSession()

    async def set_live(self, enable):
        if enable:
            if self._ws is None:
                self._ws = await self._session.ws_connect("wss://example.com")
            await self._ws.send_str("hello")
            return True
        if self._ws is not None:
            await self._ws.close()
        self._ws = None
        return False

    async def close(self):
        if self._ws is not None:
            await self._ws.close()
        await self._session.close()
"""

TAB = """\
import aiohttp


class Tab:
    def __init__(self, url):
        self.url = url
        self.client = None
        self.websocket = None

    async def open_websocket(self):
        self.client = aiohttp.ClientSession()
        self.websocket = await self.client.ws_connect(self.url)

    async def close_websocket(self):
        if self.websocket:
            await self.websocket.close()
        if self.client:
            await self.client.close()

    async def refresh(self, manage_socket=True):
        try:
            if manage_socket:
                await self.open_websocket()
            await self.websocket.send_json({"method": "Page.reload"})
        finally:
            if manage_socket:
                await self.close_websocket()
"""

LISTENER_NEVER_STOPPED = "22:9 TRD202 `self._listener` is never closed; add a `close()` method that calls its `stop()`"
LINK_CLOSED_AFTER_USE = (
    "12:17 TRD202 `self._ws` is closed in `set_live()` only after `await self._ws.send_str()`, which raises once it "
    "is broken; close it in a `finally`"
)
TAB_REPLACED = [
    "11:9 TRD202 `self.client` is replaced without closing the old one; call its `close()` first",
    "12:9 TRD202 `self.websocket` is replaced without closing the old one; call its `close()` first",
]


def test_an_annotated_lazy_resource_never_opened_is_silent(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LISTENER, "TRD202") == []


def test_the_same_store_without_annotation_is_silent_too(tmp_path: Path) -> None:
    source = LISTENER.replace("self._listener: Listener = Listener(handler)", "self._listener = Listener(handler)")
    assert source_findings(tmp_path, source, "TRD202") == []


def test_an_annotated_lazy_resource_its_holder_starts_stays_reported(tmp_path: Path) -> None:
    source = LISTENER.replace("await self._listener.handle(reader, writer)", "await self._listener.start()")
    assert source_findings(tmp_path, source, "TRD202") == [LISTENER_NEVER_STOPPED]


def test_a_use_in_a_branch_that_returns_does_not_precede_the_close(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LINK, "TRD202") == []


def test_a_use_in_a_branch_that_goes_on_to_the_close_stays_reported(tmp_path: Path) -> None:
    source = LINK.replace("            return True\n", "")
    assert source_findings(tmp_path, source, "TRD202") == [LINK_CLOSED_AFTER_USE]


def test_a_branch_that_raises_does_not_precede_the_close_either(tmp_path: Path) -> None:
    source = LINK.replace("            return True\n", "            raise RuntimeError(enable)\n")
    assert source_findings(tmp_path, source, "TRD202") == []


def test_an_opening_closed_in_the_finally_around_it_is_not_a_renewal(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TAB, "TRD202") == []


def test_an_opening_closed_after_it_outside_a_finally_stays_reported(tmp_path: Path) -> None:
    source = TAB.replace(
        "        finally:\n            if manage_socket:\n                await self.close_websocket()\n",
        "        finally:\n            pass\n        await self.close_websocket()\n",
    )
    assert source_findings(tmp_path, source, "TRD202") == TAB_REPLACED


def test_a_finally_closing_under_another_condition_stays_reported(tmp_path: Path) -> None:
    source = TAB.replace("        finally:\n            if manage_socket:", "        finally:\n            if self.url:")
    assert source_findings(tmp_path, source, "TRD202") == TAB_REPLACED
