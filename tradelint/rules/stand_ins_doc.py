"""TRD201's documentation of a test's stand-ins (session 71) and of library clients held only
from one method on (session 72), apart from the rest of :mod:`tradelint.rules.unclosed_doc` for
length."""

OPENED_BY = """gql's `Client` is held likewise only from its `connect_async()` to its `close_async()`: its
`execute()`, `execute_async()`, `execute_batch()` and `subscribe()` each open a session and
close it before they return, so a client (or an object keeping one) used only through them
holds nothing. So does an object that keeps a part of the project's opening only on use
(`self.lookup = Lookup()`, whose session its first request makes) and never uses it, when
making the part hands neither it nor a bound method of it on (a route it registers may use it).
A first-party class that opens only in some of its methods (`connect()`, `start()`) holds
nothing until one of them runs: an instance whose uses reach none of them (a test that only
subscribes, then reads `client._subs`) is not reported. Reading a field that its methods keep
plain values in opens nothing, also one a method stores back filtered (`self._subs = [s for s in
self._subs if s.get("id") not in ids]`); a comprehension making new elements (`[dict(s) for s
in self._subs]`) may hold anything.
A part of the project's kept from `__init__` (`self._transport = Transport(address)`, whose
`connect()` makes the connection) holds nothing until its own opening methods run, when every
attribute its class releases is one it is known to acquire: the holder opens only where a use
reaches one of them (`await client.connect()`, `await client._transport.connect()`), not where a
test exchanges through the part with its `send` replaced, or replaces the part itself
(`device._transport = Mock()`) before starting the holder. In an application, an acquisition in a
method nothing in the project names (a lazy `_get_session()` no request calls) opens nothing: an
instance no use opens is not reported, however it is closed.
Handed to a class or function of the project, such an instance opens only if that code may open
it: a callee whose parameter is only read off the opening path (a field, a method reaching no
opening one), or kept as `self.<attr>` that the class only reads so and no other code can reach
(another class's own `self.<attr>` of the same name is not it), opens nothing: a datagram
protocol given its listener (`_DatagramProtocol(listener)`, whose methods read
`self._listener.serial` and call `self._listener.push(packet)`) does not start it. Handed on
again, returned, read elsewhere (`protocol._listener.start()`), or given to a library, it opens.
"""

STAND_INS = """A creation that is itself the last statement of such a block (`with
pytest.raises(InvalidDsnError): await create_pool("mysql://h/d")`) makes nothing: it raises,
or the test fails.

A test's stand-ins hold no resource. A method replaced on the instance before use
(`client._read = fake_read`) no longer runs the class's code: neither it nor what only it
reaches opens anything. So is one a `patch.object` replaces where the instance is used, on its
class or on the instance (`with patch.object(Client, "_read", AsyncMock())` around the use, a
`@patch.object(...)` on the test, or pytest-mock's `mocker.patch.object(...)` or
`monkeypatch.setattr(Client, "_read", fake)` as a statement before it); a use after the `with`,
or a patch of another class, still runs the class's code. The attribute a class fills lazily (`if self._http is None: self._http
= httpx.AsyncClient()`) given a stand-in first holds it: a `unittest.mock` object, what a helper
of the module returns when every return is one (`client._http = _mock_http(body)`), or an
instance of a class of the project or of the test that acquires nothing (`FakeHTTPClient([])`),
or whose acquisitions never run for its instances: each is in a method the class overrides
without calling `super()`'s, or in a private one (a lazy `_client` getter) that no method still
running names (`class _Stub(RemoteClient)` overriding `evaluate()`, the only reader of the
base's `_client`).
A getter that also fills the attribute anew when what it holds is closed (`if self._session is
None or self._session.closed`) takes a double for closed unless the test says otherwise
(`mock_session.closed = False`, or `MagicMock(closed=False)`), and setting another field of the
instance first (`api._token = "old"`) uses nothing. Such a stand-in given to the constructor where the class would make its own
(`Cloud(client=FakeClient())`, `self._client = client or httpx.AsyncClient()`) is borrowed. A
resource made while a test patches what makes it is the test's double: `with
patch("app.api.aiohttp.ClientSession")` (or `patch.object`, `@patch`, `monkeypatch.setattr`),
read where the name is looked up, around the creation, or around every use of a lazy client made
before it; every library resource the creation ends in (a first-party class's, through the
classes it keeps) must be patched, or a class of the project on the way to it
(`@patch("app.server.Server")` for a hub whose `create_server()` makes a `Server`). A class a test defines inside a function under the name of an
import (`class Baichuan:` in a test method) is that class there, not the import.
A test that steers a lazy instance of a class of the project (one that opens nothing when it is
made) runs its code against the test's own stand-ins, and what it then opens is theirs: a test
that writes the test's values into the instance's internals (a private field, `adapter._cache =
{"BTC": contract}`, or anything of a part, `client.transport.send = fake_send`: a constant, a
display, a lambda, a function or class of the tests, a mock or an instance of a class of the
tests), makes it with such a stand-in for one of its parts (`build_loop(backend=FakeBackend())`,
`Lock(key, device=MagicMock())`; a configuration object of the project, or one a helper of the
tests builds, is none), or patches a part of it
(`patch.object(coordinator.api, "fetch", ...)`), a module of the project or a name one defines
(`patch("app.client.build_retry")`, `monkeypatch.setattr(client_module, "_sign", fake)`), or
the instance or its class in a function around the one using it (`monkeypatch.setattr(Repo,
"_fetch", fake)` in the test that runs the coroutine), before its first use, does not have it
reported as never closed. Steering after a use that may open it (`await client.fetch("b")`
first), a call of a method whose own body acquires (`await client.start()`: the test opens it),
a double in the attribute the class fills lazily (read as above), a patch of a name of another
module than the class's, a setting the project's code computes (`backend._retry = build_retry()`), a public field
(`client.timeout = 5`), a callback of the test given to it, a patch of a library's name, also
where the project looks it up (`patch("app.api.aiohttp.TCPConnector")`,
`patch("app.wire.socket.socket.connect")`: its sockets stay real), a class that opens when it is
made, and the same code outside the tests are judged as ever.

```python
async def test_status():
    with patch("app.api.aiohttp.ClientSession", return_value=MagicMock()):
        client = Client("http://host")   # not reported: the session is the test's mock
        await client.status()
```
"""
