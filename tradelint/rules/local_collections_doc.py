"""The part of TRD201's documentation (:mod:`tradelint.rules.unclosed_doc`) on resources kept in a
local collection: one that dies with the frame, one the function walks, and a maker's new
collection of them (session 84)."""

LOCAL_COLLECTIONS = """A local list, set or dict made in the function (a display, annotated or not, or `list()`) that it
only adds to, takes from, stores into, tests, counts or logs (`sessions[host] = ClientSession()`,
then `len(sessions)`) dies with the frame: its elements are never closed (TRD302 reads it alike).
A dict of its own only stored into, looked up with `get` or tested
(`clients[host] = client`) dies alike, taking nothing over: the client's other uses decide.
So does one the function walks (a `for` over it, over its `.values()` or `.items()`, or a
comprehension's), made by a display or a comprehension, when every use of the walk's element is a
use through it named like no release, or a test: `clients = [Client(h) for h in hosts]`, then
`[await c.fetch(q) for c in clients]`, leaves each client open. A walk that releases the element
(`await c.close()`, also in `asyncio.gather(*(c.close() for c in clients))`) or hands it on
(`await fetch_one(c)`) leaves the collection to its other uses; a lazy element no walk opens
(`sum(1 for c in clients if c.relevant(q))`, a method reaching none of its class's acquisitions)
holds nothing.

A first-party function (named or through its module, or a method of the class called on `self`)
that returns on every path one such collection it made (or an empty display), filled only with resources it makes there, alike released, and hands it on nowhere
else, makes each element for its caller: `connectors = get_enabled_connectors(config)` kept in a
local that dies with the frame, or walked where it is made (`for c in get_enabled_connectors(config):
await c.fetch(q)`), leaves every connector open (an element of a lazy class is taken as opened by
any use through it there)
(agustinchavez/Fully-Automated-Polymarket-AI-Trading-Bot `694f9eb2`: each call of
`fetch_structured_sources()` built and dropped one `httpx.AsyncClient` per connector).

"""
