"""TRD201's and TRD202's documentation of what a resource is built around, or handed out by a
getter, that belongs to someone else (included by :mod:`.unclosed_doc` and :mod:`.self_doc`)."""

BORROWED = """What is borrowed is not the borrower's to close. A first-party getter that keeps what
it makes and hands the same one to every caller (a module global it makes only when it has
none yet: `if _client is None: _client = Redis.from_url(url)`, or an early `if _ready: return
_client`; a result cached by `functools.lru_cache`, `cache`, async-lru's `alru_cache`) lends it:
`self._redis = await get_client()` and `redis = await get_client()` borrow the one the
application closes at shutdown, and are not reported. A getter that stores a new one on every
call and returns it still makes one per call: its caller owns it. A client given the part that
holds its connections (httpx's `AsyncClient(transport=t)`) made elsewhere (a module-level
transport every request shares, one a getter keeps per event loop, a parameter) holds nothing
of its own, and its `aclose()` would close the shared part: not reported; given one made for it
(in place, by a maker of new ones, a local, an attribute set to a new one in the method or
class), or one that may be `None` (a module-level `None` a test replaces, a parameter
defaulting to `None`: it then makes its own pool), it owns it and is. An
aiohttp `ClientSession(connector=c, connector_owner=False)` never closes `c` and holds nothing
(the default `connector_owner=True` owns whatever it is given). And a
fallback `if self._client is None: self._client = Client()` never runs when `__init__` stores in
that attribute a constructor argument every caller must pass, annotated without `None`.

"""
