"""Session 54 (lazy SDK clients reached through what their calls return): a library client that
opens its transport on first use and is released through a part (a generated SDK's
``_client_wrapper.httpx_client.httpx_client.aclose()``, as the library table records it) holds
nothing while no use reaches that part. A call through one of its sub-clients reaches it when its
result is put to use: entered by hand (``await asyncio.wait_for(ctx.__aenter__(), 10)``), kept
in a local or an attribute of ``self`` and entered or awaited later, or, for a private part
(every public sub-client shares it), handed on by a coroutine function (a stream returned or
given to a call). The release written step by step through ``getattr`` and locals is the
release. Twins: a result described by synchronous code (never run), a public part's synchronous
API (google-genai's ``models`` beside its ``aio`` part), the release written along the path,
and a path stopped half way.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

ENTERED = '''\
import asyncio

from deepgram import AsyncDeepgramClient


class Listener:
    def __init__(self, api_key: str) -> None:
        self.client = AsyncDeepgramClient(api_key=api_key)
        self._context = None
        self.connection = None

    async def start(self) -> None:
        self._context = self.client.listen.v2.connect(model="flux")
        self.connection = await asyncio.wait_for(self._context.__aenter__(), timeout=10.0)

    async def close(self) -> None:
{close}
'''

NO_RELEASE = '''\
        if self._context is not None:
            await self._context.__aexit__(None, None, None)
        self.connection = None'''

STEPWISE = '''\
        wrapper = getattr(self.client, "_client_wrapper", None)
        http_client = getattr(wrapper, "httpx_client", None)
        httpx_client = getattr(http_client, "httpx_client", None)
        if httpx_client is not None:
            await httpx_client.aclose()'''

THROUGH_A_LOCAL = '''\
        http = self.client._client_wrapper.httpx_client
        await http.httpx_client.aclose()'''

HALF_WAY = '''\
        wrapper = getattr(self.client, "_client_wrapper", None)
        http_client = getattr(wrapper, "httpx_client", None)
        print(http_client)'''

LISTENER_FINDING = (
    "8:9 TRD202 `self.client` is never closed; call its `_client_wrapper...httpx_client.aclose()` in `close()`"
)


def test_a_sub_client_call_entered_by_hand_opens_the_client(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ENTERED.format(close=NO_RELEASE), "TRD2") == [LISTENER_FINDING]


def test_the_release_written_through_getattr_and_locals_is_the_release(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ENTERED.format(close=STEPWISE), "TRD2") == []


def test_the_release_path_continued_from_a_local_is_the_release(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ENTERED.format(close=THROUGH_A_LOCAL), "TRD2") == []


def test_a_path_stopped_half_way_releases_nothing(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ENTERED.format(close=HALF_WAY), "TRD2") == [LISTENER_FINDING]


STREAMED = '''\
from elevenlabs.client import AsyncElevenLabs


def from_response(stream):
    return stream


class Speaker:
    def __init__(self, api_key: str, client: AsyncElevenLabs | None = None) -> None:
        self.client = client if client is not None else AsyncElevenLabs(api_key=api_key)

    {kind} speak(self, text: str):
        stream = self.client.text_to_speech.stream(text=text)
        return from_response(stream)
'''


def test_a_stream_handed_on_by_a_coroutine_function_opens_the_client(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STREAMED.format(kind="async def"), "TRD2") == [
        "10:9 TRD202 `self.client` is never closed; add a `close()` method that calls its `_client_wrapper...aclose()`"
    ]


def test_a_result_a_synchronous_method_hands_on_is_never_run(tmp_path: Path) -> None:
    assert source_findings(tmp_path, STREAMED.format(kind="def"), "TRD2") == []


PUBLIC_PART = '''\
from google import genai


class Writer:
    def __init__(self) -> None:
        self.client = genai.Client()

    async def ask(self, question: str):
        return self.client.models.generate_content(model="m", contents=question)
'''


def test_a_public_parts_synchronous_api_handed_on_reaches_no_part(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PUBLIC_PART, "TRD2") == []


LOCAL = '''\
from deepgram import AsyncDeepgramClient


async def listen() -> object:
    client = AsyncDeepgramClient()
    context = client.listen.v2.connect(model="flux")
    connection = await context.__aenter__()
    return connection
'''


def test_a_local_client_whose_call_is_entered_by_hand_is_opened(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LOCAL, "TRD2") == [
        "5:5 TRD201 `client` (`AsyncDeepgramClient(...)`) is never closed; call `await client._client_wrapper...aclose()` in a `finally`"
    ]


def test_a_local_client_whose_call_is_only_described_is_not_opened(tmp_path: Path) -> None:
    source = LOCAL.replace("    connection = await context.__aenter__()\n    return connection\n", "    return None\n")
    assert source_findings(tmp_path, source, "TRD2") == []
