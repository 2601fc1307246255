"""Session 44 (issue 28 point 1): library classes that open what they hold in a public coroutine
method of their own and end it in another public method, which ``scripts/make_resource_table.py``
read but no rule entered; each on a small made-up library beside its negative twin:

- a class keeping one element of a tuple a call returns (``self._transport, self._protocol =
  await self._loop.create_connection(...)`` in a private helper of ``start()``, closed by
  ``stop()``: snapcast's ``Snapserver``), and a module function returning one it started;
- a class whose release is a private coroutine that its public ``disconnect()`` schedules
  (wecom's ``WsConnectionManager``), and a holder of one made in ``__init__``, lazy as it is;
- a factory that opens a transport and hands it to a new instance of a class whose public
  ``close()`` closes it (gmqtt's ``MQTTConnection.create_connection``), and a client keeping what
  that factory makes in ``connect()`` (gmqtt's ``Client``);
- a template method: a base's ``__init__`` keeps what an abstract method with arguments makes,
  which a subclass overrides to make a client (py-consul's ``aio.Consul``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _found(tmp_path: Path, name: str, files: dict[str, str]) -> dict[str, tuple[str, bool, bool, str]]:
    folder = tmp_path / name
    _write(folder, files)
    return {key: (e.close, e.awaited, e.lazy, e.rule) for key, e in gen.generate([folder]).items()}


SERVER = '''\
import asyncio


class Protocol(asyncio.Protocol):
    pass


class Server:
    def __init__(self, loop, host):
        self._loop = loop
        self._host = host
        self._transport = None
        self._protocol = None

    async def start(self):
        await self._do_connect()

    def stop(self):
        self._do_disconnect()

    def _do_disconnect(self):
        if self._transport:
            self._transport.close()

    async def _do_connect(self):
        self._transport, self._protocol = await self._loop.create_connection(Protocol, self._host, 1705)


class {twin}:
    """Opens and closes in the same method: nothing is left to its user."""

    def __init__(self, loop, host):
        self._loop = loop
        self._host = host

    async def probe(self):
        transport, _ = await self._loop.create_connection(Protocol, self._host, 1705)
        transport.close()
'''

FACTORY = '''\
from snaplib.server import Server


async def create_server(loop, host):
    server = Server(loop, host)
    await server.start()
    return server
'''


def test_a_class_keeping_a_loop_transport_it_opens_in_start(tmp_path: Path) -> None:
    files = {"snaplib/__init__.py": FACTORY, "snaplib/server.py": SERVER.format(twin="Prober")}
    assert _found(tmp_path, "snaplib-1.0", files) == {
        "snaplib.Server": ("stop", False, True, "owner"),
        "snaplib.server.Server": ("stop", False, True, "owner"),
        "snaplib.create_server": ("stop", False, False, "factory"),
    }


def test_a_class_that_opens_and_closes_in_one_method_is_none(tmp_path: Path) -> None:
    only = SERVER.split("class Server")[0] + "class Prober" + SERVER.split("class {twin}")[1]
    assert _found(tmp_path, "probelib-1.0", {"probelib/__init__.py": only}) == {}


MANAGER = '''\
import asyncio

import aiohttp


class Manager:
    def __init__(self, url):
        self._url = url
        self._session = aiohttp.ClientSession()
        self._ws = None

    async def connect(self):
        await self._cleanup()
        self._ws = await self._session.ws_connect(self._url)

    async def _cleanup(self):
        if self._ws is not None:
            await self._ws.close()

    def disconnect(self):
        asyncio.create_task(self._async_disconnect())

    async def _async_disconnect(self):
        if self._ws is not None:
            await self._ws.close()
        await self._session.close()


class Client:
    def __init__(self, url):
        self._manager = Manager(url)

    async def connect(self):
        await self._manager.connect()
        return self

    def disconnect(self):
        self._manager.disconnect()
'''

# The twin: the connection is opened and dropped by private methods only; nothing public ends it.
UNENDED = '''\
import aiohttp


class Manager:
    def __init__(self, url):
        self._url = url
        self._ws = None

    async def connect(self):
        self._ws = await aiohttp.ClientSession().ws_connect(self._url)
        await self._drop()

    async def _drop(self):
        await self._ws.close()
'''


def test_a_private_release_a_public_disconnect_schedules(tmp_path: Path) -> None:
    found = _found(tmp_path, "wslib-1.0", {"wslib/__init__.py": MANAGER})
    assert found == {
        "wslib.Manager": ("disconnect", False, False, "owner"),
        "wslib.Client": ("disconnect", False, False, "owner"),
    }


def test_only_private_methods_release_it(tmp_path: Path) -> None:
    assert _found(tmp_path, "droplib-1.0", {"droplib/__init__.py": UNENDED}) == {}


LAZY = '''\
import asyncio


class Manager:
    def __init__(self, host):
        self._host = host
        self._reader = self._writer = None

    async def connect(self):
        self._reader, self._writer = await asyncio.open_connection(self._host, 80)

    def disconnect(self):
        if self._writer is not None:
            self._writer.close()


class Client:
    def __init__(self, host):
        self._manager = Manager(host)

    def disconnect(self):
        self._manager.disconnect()
'''


def test_a_holder_of_a_client_that_opens_in_connect_is_lazy_too(tmp_path: Path) -> None:
    assert _found(tmp_path, "streamlib-1.0", {"streamlib/__init__.py": LAZY}) == {
        "streamlib.Manager": ("disconnect", False, True, "owner"),
        "streamlib.Client": ("disconnect", False, True, "owner"),
    }


MQTT = {
    "mqttlib/__init__.py": "from mqttlib.client import Client\n",
    "mqttlib/connection.py": '''\
import asyncio


class Protocol(asyncio.Protocol):
    pass


class Connection:
    def __init__(self, transport, protocol, keepalive):
        self._transport = transport
        self._protocol = protocol
        self._keepalive = keepalive

    @classmethod
    async def create_connection(cls, host, port, keepalive):
        loop = asyncio.get_event_loop()
        transport, protocol = await loop.create_connection(Protocol, host, port)
        return Connection(transport, protocol, keepalive)

    @classmethod
    def wrap(cls, transport, protocol):
        """Hands on a transport its caller opened: the caller's to close."""
        return cls(transport, protocol, 60)

    async def close(self):
        self._transport.close()
''',
    "mqttlib/client.py": '''\
from mqttlib.connection import Connection


class Client:
    def __init__(self, client_id):
        self._client_id = client_id
        self._connection = None

    async def connect(self, host, port=1883):
        self._connection = await self._create_connection(host, port)

    async def _create_connection(self, host, port):
        connection = await Connection.create_connection(host, port, 60)
        return connection

    async def disconnect(self):
        await self._disconnect()

    async def _disconnect(self):
        if self._connection:
            await self._connection.close()
''',
}


def test_a_factory_handing_a_fresh_transport_to_its_wrapper(tmp_path: Path) -> None:
    assert _found(tmp_path, "mqttlib-1.0", MQTT) == {
        "mqttlib.connection.Connection.create_connection": ("close", True, False, "factory"),
        "mqttlib.Client": ("disconnect", True, True, "owner"),
        "mqttlib.client.Client": ("disconnect", True, True, "owner"),
    }


CONSUL = {
    "consullib/base.py": '''\
import abc


class Consul:
    def __init__(self, host="127.0.0.1", port=8500):
        self.http = self.http_connect(host, port)

    @abc.abstractmethod
    def http_connect(self, host, port):
        pass

    def describe(self, host):
        return self.describe_host(host)

    def describe_host(self, host):
        return host
''',
    "consullib/aio.py": '''\
import aiohttp

from consullib import base


class HTTPClient:
    def __init__(self, host, port):
        self._session = aiohttp.ClientSession()

    def close(self):
        return self._session.close()


class Consul(base.Consul):
    def http_connect(self, host, port):
        return HTTPClient(host, port)

    def close(self):
        return self.http.close()
''',
    "consullib/std.py": '''\
from consullib import base


class Consul(base.Consul):
    """Overrides the template method with a value that is no resource."""

    def http_connect(self, host, port):
        return (host, port)

    def close(self):
        return None
''',
}


def test_a_template_method_a_subclass_overrides_to_make_a_client(tmp_path: Path) -> None:
    assert _found(tmp_path, "consullib-1.0", CONSUL) == {
        "consullib.aio.HTTPClient": ("close", False, False, "owner"),
        "consullib.aio.Consul": ("close", False, False, "owner"),
    }


# The twin of a public release reaching a private one: the only public method that reaches the
# private close is an ``async with`` helper (aiogram 3's ``Bot.context()``), not a release.
CONTEXT = '''\
import contextlib

import aiohttp


class Bot:
    def __init__(self, token):
        self._token = token
        self._session = None

    async def connect(self):
        self._session = aiohttp.ClientSession()

    @contextlib.asynccontextmanager
    async def context(self):
        try:
            yield self
        finally:
            await self._close()

    async def _close(self):
        await self._session.close()
'''


def test_a_public_helper_that_is_no_release_is_not_taken(tmp_path: Path) -> None:
    assert _found(tmp_path, "ctxlib-1.0", {"ctxlib/__init__.py": CONTEXT}) == {}


LAZY_PART = '''\
import asyncio

import aiohttp


class WebsocketAPI:
    """Opens its session on first use, closes it in close()."""

    def __init__(self, url):
        self.url = url
        self.session = None

    async def request(self, payload):
        if self.session is None:
            self.session = aiohttp.ClientSession()
        return await self.session.post(self.url, json=payload)

    async def close(self):
        if self.session is not None:
            await self.session.close()


class {name}:
    def __init__(self, url):
        self.ws_api = WebsocketAPI(url)

{methods}
'''


def test_a_lazy_part_of_a_class_with_a_synchronous_interface_is_no_part(tmp_path: Path) -> None:
    # python-binance's synchronous ``Client`` keeps an async ``WebsocketAPI`` that only its ``ws_*``
    # methods open, each in a loop of its own: awaiting the part's release is not how it ends, and
    # its users may never open it. Its twin with a public coroutine (aiogram 3's ``Bot``) is one, and
    # so is a class whose part is its async interface (google-genai's ``client.aio``:
    # test_session41_parts).
    sync = LAZY_PART.format(name="Client", methods=(
        "    def ws_order(self, payload):\n        return self._request_sync(payload)\n\n"
        "    def _request_sync(self, payload):\n        return asyncio.run(self.ws_api.request(payload))\n"
    ))
    asyn = LAZY_PART.format(name="AsyncClient", methods="    async def order(self, payload):\n        return await self.ws_api.request(payload)\n")
    found = _found(tmp_path, "sync_lib", {"synclib/__init__.py": sync})
    assert "synclib.Client" not in found and found["synclib.WebsocketAPI"] == ("close", True, True, "owner")
    assert _found(tmp_path, "async_lib", {"asynclib/__init__.py": asyn})["asynclib.AsyncClient"] == ("ws_api.close", True, True, "part")


def test_a_subclass_driving_its_bases_lazy_part_synchronously_is_no_part(tmp_path: Path) -> None:
    # python-binance's ``Client(BaseClient)``: the base keeps the lazy async part and has no
    # synchronous method reaching it (a part entry of its own), the subclass adds the ``ws_*``
    # methods that run the part in a loop of their own. The subclass is judged over its own
    # lineage, not given its base's entry; a subclass adding a coroutine that awaits the part is
    # one, as its base is (judged by the part rule itself: it was read before its base had an entry).
    base = LAZY_PART.format(name="BaseClient", methods="    def ping(self):\n        return self.ws_api.url\n")
    base = base.replace("        return self.ws_api.url\n", "        return 'pong'\n")
    sync = base + (
        "\n\nclass Client(BaseClient):\n"
        "    def ws_order(self, payload):\n        return asyncio.run(self.ws_api.request(payload))\n"
        "\n\nclass AsyncClient(BaseClient):\n"
        "    async def order(self, payload):\n        return await self.ws_api.request(payload)\n"
    )
    found = _found(tmp_path, "sub_lib", {"sublib/__init__.py": sync})
    assert found["sublib.BaseClient"] == ("ws_api.close", True, True, "part")
    assert "sublib.Client" not in found
    assert found["sublib.AsyncClient"] == ("ws_api.close", True, True, "part")
