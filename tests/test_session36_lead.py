"""Session 36 (issue 28, the lead): precision on what a renewed library resource holds.

- **A library type that acquires nothing until used, made again right after its close, is
  closed.** ``await self._stack.aclose(); self._stack = AsyncExitStack()`` in a reset helper that
  ``close()`` reaches (GetStream/Vision-Agents' Deepgram TTS): the new stack is empty at the
  owner's end and the next close ends whatever a later use enters into it. An
  ``aiohttp.ClientSession`` made again the same way is still reported: it holds a connector from
  the moment it is made.
- **A lazy client is put to use by a call whose result, kept in a local, is entered later.**
  ``stream = client.messages.stream(...)`` then ``async with stream`` opens the client's
  connection as ``async with client.messages.stream(...)`` does (handochan/aelix-ai
  ``ce956ec0``, round 18 half a: an SDK client made per request on three branches, never
  closed). A client whose result is never awaited, entered or iterated still holds nothing.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings


def _check(tmp_path: Path, source: str, name: str = "worker.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


RESET = """\
import contextlib

import aiohttp
import httpx


class Speaker:
    def __init__(self, connect):
        self._connect = connect
        self._socket = None
        self._held = {make}

    async def start(self):
        if self._socket is None:
            self._socket = await self._held.{enter}

    async def close(self):
        await self._reset()

    async def _reset(self):
        try:
            await self._held.{close}()
        finally:
            self._held = {make}
            self._socket = None
"""


def _reset(make: str, enter: str, close: str) -> str:
    return RESET.replace("{make}", make).replace("{enter}", enter).replace("{close}", close)


def test_an_exit_stack_renewed_after_its_close_holds_nothing(tmp_path: Path) -> None:
    source = _reset("contextlib.AsyncExitStack()", "enter_async_context(self._connect())", "aclose")
    assert _check(tmp_path, source) == []


def test_an_http_client_renewed_after_its_close_holds_nothing(tmp_path: Path) -> None:
    source = _reset("httpx.AsyncClient()", "get('https://example.invalid/')", "aclose")
    assert _check(tmp_path, source) == []


def test_a_client_session_renewed_after_its_close_is_still_open(tmp_path: Path) -> None:
    source = _reset("aiohttp.ClientSession()", "get('https://example.invalid/')", "close")
    assert _check(tmp_path, source) == [
        "11:9 TRD202 `self._held` is never closed; call its `close()` in `close()`",
        "24:13 TRD202 `self._held` is never closed; call its `close()` in `close()`",
    ]


STREAM = """\
import httpx


async def events(params, make):
    client = httpx.AsyncClient()
    {body}
"""


def test_a_lazy_client_is_used_through_a_kept_stream_entered_later(tmp_path: Path) -> None:
    body = "stream = client.stream('GET', params)\n    async with stream as response:\n        async for line in response.aiter_lines():\n            yield line"
    assert _check(tmp_path, STREAM.replace("{body}", body)) == [
        "5:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
    ]


def test_a_lazy_client_closed_after_its_kept_stream_is_not_reported(tmp_path: Path) -> None:
    body = ("try:\n        stream = client.stream('GET', params)\n        async with stream as response:\n"
            "            async for line in response.aiter_lines():\n                yield line\n"
            "    finally:\n        await client.aclose()")
    assert _check(tmp_path, STREAM.replace("{body}", body)) == []


def test_a_lazy_client_whose_kept_call_is_never_awaited_holds_nothing(tmp_path: Path) -> None:
    body = "request = client.build_request('GET', params)\n    yield request"
    assert _check(tmp_path, STREAM.replace("{body}", body)) == []
