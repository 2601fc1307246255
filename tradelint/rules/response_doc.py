"""The part of TRD201's documentation (:mod:`tradelint.rules.unclosed_doc`) on HTTP responses:
what holds a pooled connection, where a response is reported, and where it is not."""

RESPONSES = """An HTTP response holds a pooled connection until it is read whole or released: aiohttp's
`resp = await session.get(url)` (any request method of a `ClientSession`), httpx's `await
client.send(request, stream=True)` (a `stream=` that is not a literal `False`) and `await
transport.handle_async_request(request)`. Only a receiver the code proves a session counts (a
parameter's annotation, a local's constructor, every store of `self.<attr>`, Home
Assistant's `async_get_clientsession(hass)`): `cache.get(key)` of anything else is a lookup.
A response is reported where nothing can give its connection back any more: discarded
(`await self._session.get("/nodes")` as a statement: chaiNNer-org/chaiNNer `5b4fe115`),
bound and never read, released (`release()`, `aclose()`, `async with`) nor handed on, or
(an httpx one) rebound to the next response while still open, on the way to the next store or
around a loop (a retry: pinecone-io/pinecone-python-client `28d3d684`). An aiohttp response
rebound so is not reported: it gives its connection back once its whole body has come in, read
or not (`ClientResponse._response_eof`), so the small answer a retry or a poll replaces (a 401,
a "not ready yet") holds up nothing; only one whose body is still coming would, which the code
cannot tell apart (development applications ha-superloop and ha-digital-frames, labelled
false; `tests/test_session79_script_and_responses.py` runs both). One read on some paths only
is not reported, nor one whose session the block entered or a `finally` closes (closing the
session ends its responses), nor a HEAD response (`session.head(url)`, `session.request("HEAD", url)`):
aiohttp parses it with an empty payload whose end releases the connection before the response is returned. No fix is offered:
```python
async def fetch(client: httpx.AsyncClient, request):
    response = await client.send(request, stream=True)   # reported: the retry drops it open
    if response.status_code == 401:
        response = await client.send(request, stream=True)
    return response
```

An SDK client's request with a literal `stream=True` returns a streamed response too: `await
client.chat.completions.create(..., stream=True)` reached through the attributes of a client
the library table knows (`openai.AsyncOpenAI`, `anthropic.AsyncAnthropic`), closed by
`close()`. A streamed response (of any of these kinds) that an async generator iterates with
a `yield` inside the loop, released neither in a `finally` nor by `async with`, is reported:
a consumer that stops early (a client gone, a `break`) closes the generator at that `yield`,
and the response keeps its connection while the server goes on sending
(Open-LLM-VTuber/Open-LLM-VTuber `6c2102f1`). Read to its end with no `yield` inside the loop,
it is not:
```python
async def complete(self, messages):
    stream = await self.client.chat.completions.create(model=MODEL, messages=messages, stream=True)  # reported
    async for chunk in stream:
        yield chunk.choices[0].delta.content
```

A response is the caller's while it is only lent to a call (`await process(resp)`,
`self.validate(response)`): the callee may fail before reading it. A response that a later step
can fail with, before any release (a call it is lent to, a method of it that is no release
such as httpx's `raise_for_status()`, a `raise`), inside a `try` whose handler swallows the
error and goes on (a `return`, a `continue` to the loop's next request, or on to code that never
uses it) without releasing it, is reported: each failure of a retry keeps one connection
(openai/openai-python `7aad3405`, jbsparrow/CyberDropDownloader `e9c942bf`). A handler that
re-raises is not judged, nor aiohttp's `raise_for_status()`, which releases before it raises;
an aiohttp response only when the handler awaits something first (a retry, the next turn's
request): dropped with the frame, its finalizer gives the connection back. An httpx response
has no finalizer: one a later statement can raise with before any release or hand-on (a
`raise`, `raise_for_status()`, a validator it is lent to) is reported unless a `try` around that
step releases it (pydantic/pydantic-ai `9ddd334d`).
A streamed response handed to the module's own async generator that iterates it with a `yield`
in the loop and no `finally` is reported as one made there (bentoml/BentoML `0bbe9028`):
```python
while True:
    try:
        resp = await self._session.get(url)   # reported
        return await process(resp)            # (fails: DownloadError)
    except DownloadError:
        url = next_mirror()                   # releases nothing: call resp.release() first
        continue
```

"""
