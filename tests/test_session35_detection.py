"""Session 35 (issue 28): resources kept on ``self`` that the class never closes, found where they
are made.

- **Each acquisition is reported where it is made.** An attribute stored in ``__init__`` and
  again in a retry or reconnect path leaks at each store; the finding of the second store was
  folded into the first (gndean/home-assistant-hypervolt-charger ``44619fbd``: the session made
  again on every retry; milvus-io/pymilvus ``b5a9626d``: the insecure and the secure channel on
  two branches). The fix stays on the first.
- **A field's default factory makes the instance's resource** (dataclasses ``field``, pydantic
  ``Field``/``PrivateAttr``, attrs ``factory``/``Factory``): nothing else makes it, so some method
  of the class must close it (browser-use/browser-use ``5e644981``'s cloud client from a
  ``PrivateAttr``). No fix: a caller may give its own.
- **A copy into another attribute of the same object is no hand-over** (``self._final =
  self._channel``): the class still owns the value under two names and must close it through
  one of them (pymilvus again, whose only close was never awaited).
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths
from tests.conftest import source_findings


def _check(tmp_path: Path, source: str, name: str = "worker.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


def _fixes(tmp_path: Path, source: str) -> list[tuple[int, bool]]:
    path = tmp_path / "worker.py"
    path.write_text(source)
    return [(f.line, f.fix is not None) for f in check_paths([path], select=["TRD2"])]


RETRY = """\
import aiohttp


class Coordinator:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def refresh(self):
        try:
            return await self.session.get("https://example.invalid/state")
        except aiohttp.ClientError:
            self.session = aiohttp.ClientSession()
            raise

    async def stop(self):
        {stop}
"""


def test_every_acquisition_of_an_unclosed_attribute_is_reported(tmp_path: Path) -> None:
    source = RETRY.replace("{stop}", "pass")
    assert _check(tmp_path, source) == [
        "6:9 TRD202 `self.session` is never closed; call its `close()` in `stop()`",
        "12:13 TRD202 `self.session` is never closed; call its `close()` in `stop()`",
    ]
    # One fix: the close added to ``stop()`` ends whichever session is kept last.
    assert _fixes(tmp_path, source) == [(6, True), (12, False)]


def test_closed_attribute_is_reported_at_no_acquisition(tmp_path: Path) -> None:
    assert _check(tmp_path, RETRY.replace("{stop}", "await self.session.close()")) == []


CHANNEL = """\
import grpc


class Handler:
    def __init__(self, address, secure):
        self._address = address
        self._secure = secure
        self._channel = None
        self._final = None

    def setup(self):
        if not self._secure:
            self._channel = grpc.aio.insecure_channel(self._address)
        else:
            self._channel = grpc.aio.secure_channel(self._address, grpc.ssl_channel_credentials())
        self._final = self._channel

    {close}
"""


def test_copy_into_another_attribute_is_no_hand_over(tmp_path: Path) -> None:
    found = _check(tmp_path, CHANNEL.replace("{close}", "def close(self):\n        self._channel.close()"))
    assert found == [
        "13:13 TRD202 `self._channel` is never closed: its `close()` is never awaited",
        "15:13 TRD202 `self._channel` is never closed: its `close()` is never awaited",
        "19:9 TRD205 `self._channel.close()` is never awaited, so it closes nothing; await it in a coroutine",
    ]


def test_closed_through_the_other_attribute_is_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, CHANNEL.replace("{close}", "async def close(self):\n        await self._final.close()")) == []


def test_closed_under_its_own_name_is_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, CHANNEL.replace("{close}", "async def close(self):\n        await self._channel.close()")) == []


FIELDS = """\
from dataclasses import dataclass, field

import aiohttp
import attrs
import httpx
from pydantic import BaseModel, Field, PrivateAttr


@dataclass
class Feed:
    session: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)

    async def fetch(self, url):
        async with self.session.get(url) as response:
            return await response.text()
{feed_close}

class Agent(BaseModel):
    _client: httpx.AsyncClient = PrivateAttr(default_factory=lambda: httpx.AsyncClient(timeout=10))
    other: httpx.AsyncClient = Field(default_factory=httpx.AsyncClient)

    async def run(self):
        return await self._client.get("a"), await self.other.get("b")
{agent_close}

@attrs.define
class Poller:
    http: httpx.AsyncClient = attrs.field(factory=httpx.AsyncClient)

    async def poll(self):
        return await self.http.get("c")
{poller_close}"""


def test_resources_from_default_factories_are_the_instance_s(tmp_path: Path) -> None:
    source = FIELDS.replace("{feed_close}", "").replace("{agent_close}", "").replace("{poller_close}", "")
    assert _check(tmp_path, source) == [
        "11:5 TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`",
        "19:5 TRD202 `self._client` is never closed; add a `close()` method that calls its `aclose()`",
        "20:5 TRD202 `self.other` is never closed; add a `close()` method that calls its `aclose()`",
        "28:5 TRD202 `self.http` is never closed; add a `close()` method that calls its `aclose()`",
    ]


def test_default_factory_resources_closed_by_the_class_are_not(tmp_path: Path) -> None:
    source = (
        FIELDS.replace("{feed_close}", "\n    async def close(self):\n        await self.session.close()\n")
        .replace("{agent_close}", "\n    async def aclose(self):\n        await self._client.aclose()\n        await self.other.aclose()\n")
        .replace("{poller_close}", "\n    async def stop(self):\n        await self.http.aclose()\n")
    )
    assert _check(tmp_path, source) == []


def test_default_factory_left_unclosed_by_the_class_s_release_gets_no_fix(tmp_path: Path) -> None:
    source = FIELDS.replace("{feed_close}", "\n    async def close(self):\n        pass\n").replace("{agent_close}", "").replace("{poller_close}", "")
    found = _check(tmp_path, source)
    assert found[0] == "11:5 TRD202 `self.session` is never closed; call its `close()` in `close()`"
    # The dataclass's caller may give its own session: closing it in ``close()`` is not the fix.
    assert _fixes(tmp_path, source)[0] == (11, False)


def test_a_default_value_or_a_factory_of_no_resource_is_nothing(tmp_path: Path) -> None:
    source = """\
from dataclasses import dataclass, field
from typing import Optional

import aiohttp


@dataclass
class Feed:
    session: Optional[aiohttp.ClientSession] = None
    urls: list = field(default_factory=list)
    given: Optional[aiohttp.ClientSession] = field(default=None)

    async def fetch(self, url):
        async with self.session.get(url) as response:
            return await response.text()
"""
    assert _check(tmp_path, source) == []


CHAINED = """\
import socketio


class Client:
    def __init__(self):
        self._sio = None

    async def connect(self, url):
        sio = self._sio = socketio.AsyncClient()

        @sio.event
        async def message(data):
            print(data)

        await sio.connect(url)
{rest}"""


def test_chained_store_on_self_is_the_instance_s(tmp_path: Path) -> None:
    # ``sio = self._sio = ...``: kept on the instance, used through the local.
    assert _check(tmp_path, CHAINED.replace("{rest}", "")) == [
        "9:9 TRD202 `self._sio` is never closed; add a `close()` method that calls its `disconnect()`",
    ]


def test_chained_store_closed_by_the_class_is_not(tmp_path: Path) -> None:
    rest = "\n    async def close(self):\n        await self._sio.disconnect()\n"
    assert _check(tmp_path, CHAINED.replace("{rest}", rest)) == []


def test_chained_store_closed_through_the_local_is_not_the_class_s(tmp_path: Path) -> None:
    source = CHAINED.replace("        await sio.connect(url)\n", "        try:\n            await sio.connect(url)\n        finally:\n            await sio.disconnect()\n")
    assert _check(tmp_path, source.replace("{rest}", "")) == []


ENGINE = """\
import httpx


class ScanClient(httpx.AsyncClient):
    @classmethod
    def from_config(cls, config, **kwargs):
        kwargs["timeout"] = config.get("timeout", 10)
        return cls(**kwargs)


class Engine:
    def __init__(self, config):
        self.config = config
        self.web_client = self.AsyncClient()

    def AsyncClient(self, **kwargs):
        return ScanClient.from_config(self.config, **kwargs)

    async def close(self):
        await self.web_client.aclose()

    async def request(self, url, **kwargs):
        client = self.web_client
        if "retries" in kwargs:
            client = self.AsyncClient(retries=kwargs.pop("retries"))
        {use}
"""


def test_method_returning_a_class_s_factory_makes_what_it_returns(tmp_path: Path) -> None:
    # ``self.AsyncClient()`` returns ``ScanClient.from_config(...)``, a new client on each call
    # (blacklanternsecurity/bbot ``3b1b7f85``: one per request that asked for retries).
    found = _check(tmp_path, ENGINE.replace("{use}", "return await client.get(url, **kwargs)"))
    assert found == [
        "25:13 TRD201 `client` (`self.AsyncClient(...)`) is never closed; call `await client.aclose()` in a `finally`",
    ]


def test_client_made_by_the_factory_and_closed_is_not(tmp_path: Path) -> None:
    use = "try:\n            return await client.get(url, **kwargs)\n        finally:\n            if client is not self.web_client:\n                await client.aclose()"
    assert _check(tmp_path, ENGINE.replace("{use}", use)) == []


STREAM = """\
import aiohttp
from openai import AsyncOpenAI


class Chat:
    def __init__(self, key):
        self.client = AsyncOpenAI(api_key=key)

    async def close(self):
        await self.client.close()

    async def complete(self, messages):
        {body}


async def relay(session: aiohttp.ClientSession, url):
    {relay}
"""

_YIELDING = """stream = await self.client.chat.completions.create(model="m", messages=messages, stream=True)
        async for chunk in stream:
            yield chunk.choices[0].delta.content"""


def test_streamed_response_yielded_from_is_left_open_at_the_yield(tmp_path: Path) -> None:
    relay = "resp = await session.get(url)\n    async for chunk in resp.content.iter_chunked(1024):\n        yield chunk"
    assert _check(tmp_path, STREAM.replace("{body}", _YIELDING).replace("{relay}", relay)) == [
        "13:9 TRD201 `stream` (`self...create(...)`) is left open when the generator is closed at its `yield`;"
        " release it in a `finally`",
        "19:5 TRD201 `resp` (`session.get(...)`) is left open when the generator is closed at its `yield`;"
        " release it in a `finally`",
    ]


def test_streamed_response_released_in_finally_or_entered_is_not(tmp_path: Path) -> None:
    body = "stream = await self.client.chat.completions.create(model='m', messages=messages, stream=True)\n" \
           "        try:\n            async for chunk in stream:\n                yield chunk\n        finally:\n            await stream.close()"
    relay = "resp = await session.get(url)\n    async with resp:\n        async for chunk in resp.content.iter_chunked(1024):\n            yield chunk"
    assert _check(tmp_path, STREAM.replace("{body}", body).replace("{relay}", relay)) == []


def test_stream_read_to_its_end_without_a_yield_or_not_streamed_is_not(tmp_path: Path) -> None:
    body = "stream = await self.client.chat.completions.create(model='m', messages=messages, stream=True)\n" \
           "        parts = []\n        async for chunk in stream:\n            parts.append(chunk)\n        return parts"
    relay = "reply = await session.get(url)\n    return await reply.text()"
    assert _check(tmp_path, STREAM.replace("{body}", body).replace("{relay}", relay)) == []
    whole = "reply = await self.client.chat.completions.create(model='m', messages=messages)\n        yield reply"
    assert _check(tmp_path, STREAM.replace("{body}", whole).replace("{relay}", relay)) == []
