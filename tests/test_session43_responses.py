"""Session 43 (issue 28): responses a function still owns when a later step fails and it goes on,
and streamed responses handed to a generator that never releases them.

A response lent to a call is still the caller's: the callee may fail before reading it. When the
function handles that error and goes on (a retry that sends the request again, a fallback), the
failed attempt's response is never released (openai/openai-python ``7aad3405``,
jbsparrow/CyberDropDownloader ``e9c942bf``). A handler that re-raises is not judged, nor a step
that releases the response before it raises (aiohttp's ``raise_for_status()``). A streamed
response handed to the module's own async generator, which iterates it with a ``yield`` in the
loop and no ``finally``, is left open when the consumer stops early (bentoml/BentoML
``0bbe9028``).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "client.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


RETRIED = """\
import asyncio

import httpx


class Api:
    def __init__(self) -> None:
        self._client = httpx.AsyncClient()

    async def close(self) -> None:
        await self._client.aclose()

    async def request(self, build, retries: int = 3):
        request = build()
        try:
            response = await self._client.send(request, stream=True)
            response.raise_for_status()
        except httpx.HTTPStatusError:
            if retries > 0:
                {release}await asyncio.sleep(1)
                return await self.request(build, retries - 1)
            raise
        return response
"""

ON_ERROR = (
    "TRD201 `response` (`self...send(...)`) is left open when a later step fails and the error is handled;"
    " call its `aclose()` in the handler"
)


def test_response_left_open_by_a_handled_status_error(tmp_path: Path) -> None:
    assert _check(tmp_path, RETRIED.replace("{release}", "")) == [f"16:13 {ON_ERROR}"]


def test_response_closed_before_the_retry_is_not(tmp_path: Path) -> None:
    assert _check(tmp_path, RETRIED.replace("{release}", "await response.aclose()\n                ")) == []


def test_handler_that_only_reraises(tmp_path: Path) -> None:
    source = RETRIED.replace("            if retries > 0:\n                {release}await asyncio.sleep(1)\n                return await self.request(build, retries - 1)\n", "")
    assert "retries - 1" not in source
    # Not a handled error; but an httpx response dropped by the error is never released.
    assert _check(tmp_path, source) == [
        "16:13 TRD201 `response` (`self...send(...)`) is left open when a later step raises;"
        " call its `aclose()` in a `finally` or in a handler that re-raises"
    ]


FALLBACK = """\
import aiohttp


class Downloader:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def download(self, urls, process):
        url = urls.pop()
        while True:
            resp = None
            try:
                resp = await self._session.get(url)
                return await process(resp)
            except ValueError:
                if not urls:
                    raise
                {release}url = urls.pop()
                continue
"""


def test_response_lent_to_a_failing_callee_and_retried(tmp_path: Path) -> None:
    assert _check(tmp_path, FALLBACK.replace("{release}", "")) == [
        "13:17 TRD201 `resp` (`self...get(...)`) is left open when a later step fails and the error is handled;"
        " call its `release()` in the handler"
    ]


def test_response_released_in_the_handler_is_not(tmp_path: Path) -> None:
    assert _check(tmp_path, FALLBACK.replace("{release}", "resp.release()\n                ")) == []


def test_aiohttp_handler_that_only_reraises_is_not(tmp_path: Path) -> None:
    # (what the collector reclaims: aiohttp's finalizer gives the connection back)
    source = FALLBACK.replace("                if not urls:\n                    raise\n                {release}url = urls.pop()\n                continue\n", "                raise\n")
    assert "continue" not in source
    assert _check(tmp_path, source) == []


def test_response_entered_is_not(tmp_path: Path) -> None:
    source = FALLBACK.replace(
        "                resp = await self._session.get(url)\n                return await process(resp)\n",
        "                async with self._session.get(url) as resp:\n                    return await process(resp)\n",
    ).replace("{release}", "")
    assert _check(tmp_path, source) == []


AIOHTTP_STATUS = """\
import aiohttp


async def fetch(session: aiohttp.ClientSession, url):
    try:
        resp = await session.get(url)
        resp.raise_for_status()
        return await resp.json()
    except aiohttp.ClientError:
        return None
"""


def test_aiohttp_raise_for_status_releases_before_it_raises(tmp_path: Path) -> None:
    # aiohttp's ``raise_for_status()`` releases the response (outside ``async with``) and then raises.
    assert _check(tmp_path, AIOHTTP_STATUS) == []
    # A step of the code's own that raises with it open: dropped with the frame, aiohttp's
    # finalizer gives the connection back; held while the handler awaits a retry, it is judged.
    own = AIOHTTP_STATUS.replace("        resp.raise_for_status()\n", "        if resp.status != 200:\n            raise aiohttp.ClientError(resp.status)\n")
    assert _check(tmp_path, own) == []
    retried = own.replace("        return None\n", "        return await fetch(session, url)\n")
    assert _check(tmp_path, retried) == [
        "6:9 TRD201 `resp` (`session.get(...)`) is left open when a later step fails and the error is handled;"
        " call its `release()` in the handler"
    ]


STREAM = """\
import httpx


class Client:
    def __init__(self) -> None:
        self.client = httpx.AsyncClient()

    async def close(self) -> None:
        await self.client.aclose()

    async def call(self, request, streamed: bool):
        resp = await self.client.send(request, stream=streamed)
        if resp.is_error:
            await resp.aread()
            raise RuntimeError(resp.text)
        if streamed:
            return self._parse_stream(resp)
        return self._parse(await resp.aread())

    def _parse(self, data):
        return data

    async def _parse_stream(self, resp: httpx.Response):
        {try}async for data in resp.aiter_bytes():
            {indent}yield self._parse(data)
"""


def test_streamed_response_handed_to_a_generator_that_never_closes_it(tmp_path: Path) -> None:
    assert _check(tmp_path, STREAM.replace("{try}", "").replace("{indent}", "")) == [
        "12:9 TRD201 `resp` (`self...send(...)`) is handed to an async generator that leaves it open when closed"
        " at its `yield`; release it in a `finally` there"
    ]


def test_generator_releasing_it_in_a_finally_is_not(tmp_path: Path) -> None:
    source = STREAM.replace("{try}", "try:\n            ").replace("{indent}", "    ") + (
        "        finally:\n            await resp.aclose()\n"
    )
    assert _check(tmp_path, source) == []


VALIDATED = """\
import httpx


class CheckedTransport(httpx.AsyncBaseTransport):
    def __init__(self, validate, wrapped: httpx.AsyncBaseTransport | None = None) -> None:
        self.wrapped = wrapped or httpx.AsyncHTTPTransport()
        self.validate = validate

    async def handle_async_request(self, request):
        async def attempt(req):
            response = await self.wrapped.handle_async_request(req)
            {check}
            return response

        return await attempt(request)
"""

ON_RAISE = (
    "TRD201 `response` (`self...handle_async_request(...)`) is left open when a later step raises;"
    " call its `aclose()` in a `finally` or in a handler that re-raises"
)


def test_httpx_response_lent_to_a_validator_that_raises(tmp_path: Path) -> None:
    # httpx has no finalizer that gives the connection back: a response dropped by an error keeps it.
    assert _check(tmp_path, VALIDATED.replace("{check}", "self.validate(response)")) == [f"11:13 {ON_RAISE}"]
    assert _check(tmp_path, VALIDATED.replace("{check}", "response.raise_for_status()")) == [f"11:13 {ON_RAISE}"]


def test_httpx_response_closed_before_it_reraises_is_not(tmp_path: Path) -> None:
    check = "try:\n                self.validate(response)\n            except Exception:\n                await response.aclose()\n                raise"
    assert _check(tmp_path, VALIDATED.replace("{check}", check)) == []
    # (a check whose result is used hands it on: ``ok = self.validate(response)``)
    assert _check(tmp_path, VALIDATED.replace("{check}", "ok = self.validate(response)")) == []


STATUS = """\
import httpx


async def stream(client: httpx.AsyncClient, request):
    response = await client.send(request, stream=True)
    if response.status_code >= 400:
        {read}
        raise RuntimeError(body)
    return response
"""


def test_httpx_error_body_read_that_fails_quietly_then_raises(tmp_path: Path) -> None:
    read = "try:\n            body = await response.aread()\n        except Exception:\n            body = b''"
    assert _check(tmp_path, STATUS.replace("{read}", read)) == [
        "5:5 TRD201 `response` (`client.send(...)`) is left open when a later step raises;"
        " call its `aclose()` in a `finally` or in a handler that re-raises"
    ]


def test_httpx_error_body_read_whole_then_raises_is_not(tmp_path: Path) -> None:
    assert _check(tmp_path, STATUS.replace("{read}", "body = await response.aread()")) == []
    read = "try:\n            body = await response.aread()\n        finally:\n            await response.aclose()"
    assert _check(tmp_path, STATUS.replace("{read}", read)) == []


def test_aiohttp_response_dropped_by_a_raise_is_not(tmp_path: Path) -> None:
    # aiohttp's ``ClientResponse.__del__`` gives the connection back when it is collected.
    source = (
        "import aiohttp\n\n\nasync def fetch(session: aiohttp.ClientSession, url):\n"
        "    resp = await session.get(url)\n    if resp.status != 200:\n        raise RuntimeError(resp.status)\n"
        "    return await resp.json()\n"
    )
    assert _check(tmp_path, source) == []
