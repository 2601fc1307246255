"""TRD201's documentation of holders opened outside ``__init__``: a first-party class that opens
a resource on ``self`` in a method of its own, or in one its factory class method runs, and
never closes it (included by :mod:`.unclosed_doc`)."""

HOLDERS = """A first-party class that opens a public resource in a method of its own (`async def
setup(self): self.api = await connect(host)`, or through a library maker called on a value it
keeps: `self.ws = await self.session.ws_connect(url)`) and never closes it: an instance holds it
once that method has run, and the function that made and ran it closes it through it (`await
coordinator.api.close()`) or hands it on (planbnet/livisi_unofficial `3749b125`;
fuatakgun/eufy_security `e9763d329e`). A factory class method that makes the instance and runs a
method of it before returning it (`obj = cls(host); await obj._init(); return obj`: the
constructor its callers see, as an `__init__` cannot await) hands over what that method opens,
as `__init__` would (kongo09/philips-airpurifier-coap `87119d02bd`):
```python
class CoAPClient:
    async def _init(self):
        self._context = await Context.create_client_context()   # TRD202: never shut down

    @classmethod
    async def create(cls, host):
        client = cls(host)
        await client._init()
        return client

async def probe(host):
    client = await CoAPClient.create(host)   # reported: it holds `self._context`
    return await client.get_status()
```
"""
