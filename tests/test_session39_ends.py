"""Session 39 (issue 28 points 1 and 5): ends of life of what an owner keeps.

- **A class that keeps its loop's transport is a resource type.** ``(transport, _) = await
  self.loop.create_datagram_endpoint(...)`` then ``self.transport = transport`` (or ``self.transport,
  _ = await ...``), closed by the class's ``stop()``: the class owns a socket, and whoever keeps an
  instance must stop it (XKNX/xknx ``b93be2a2``'s ``UDPClient``).
- **A renewal after a call that provably leaves the old value alone.** ``reconnect()`` awaiting
  ``self.disconnect()`` and then making a new client over the old one: when ``disconnect()`` (and
  what it calls on ``self``) only uses the client (hands it to a request class of the project that
  releases nothing it is given), the old client is dropped open (the same commit).
- **An own release is no failing use.** ``await self.c.stop()`` in an early-return branch of
  ``disconnect()`` before the final ``await self.c.stop()`` is not an ``await`` on the resource that
  raises once it is broken (the fix of the same commit, clean).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings


# Each case checked as one project named ``app``: ``file:line:column CODE message``, sorted.
_check_tree = partial(tree_findings, select="TRD2", project=True)


UDP = """\
import asyncio


class UDPClient:
    def __init__(self, loop, multicast=False):
        self.loop = loop
        self.multicast = multicast
        self.transport = None

    async def connect(self):
        if self.multicast:
            (transport, _) = await self.loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=None)
            self.transport = transport
        else:
            (transport, _) = await self.loop.create_datagram_endpoint(
                asyncio.DatagramProtocol, local_addr=("0.0.0.0", 0)
            )
            self.transport = transport

    def send(self, data):
        self.transport.sendto(data)

    async def stop(self):
        self.transport.close()
"""

REQUEST = """\
class Request:
    def __init__(self, udp_client, channel):
        self.udp_client = udp_client
        self.channel = channel
        self.handle = None

    async def start(self):
        self.udp_client.send(b"bye")

    async def stop_timeout(self):
        self.handle.cancel()
"""

OWNER_NEVER_STOPS = """\
from app.udp import UDPClient


class Gateway:
    def __init__(self, loop):
        self.client = UDPClient(loop)

    async def start(self):
        await self.client.connect()

    async def stop(self):
        pass
"""

OWNER_STOPS = OWNER_NEVER_STOPS.replace("        pass\n", "        await self.client.stop()\n")


def test_class_keeping_its_loops_transport_is_a_resource_type(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/udp.py": UDP, "app/gw.py": OWNER_NEVER_STOPS}) == [
        "gw.py:6:9 TRD202 `self.client` is never closed; call its `stop()` in `stop()`",
    ]


def test_negative_twin_owner_stops_it(tmp_path: Path) -> None:
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/udp.py": UDP, "app/gw.py": OWNER_STOPS}) == []


def test_direct_tuple_store_of_the_transport_too(tmp_path: Path) -> None:
    direct = UDP.replace(
        "            (transport, _) = await self.loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=None)\n"
        "            self.transport = transport\n",
        "            self.transport, _ = await self.loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=None)\n",
    )
    assert "self.transport, _ =" in direct
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/udp.py": direct, "app/gw.py": OWNER_NEVER_STOPS}) == [
        "gw.py:6:9 TRD202 `self.client` is never closed; call its `stop()` in `stop()`",
    ]


def test_negative_twin_transport_of_something_not_a_loop(tmp_path: Path) -> None:
    # ``self.pool.create_datagram_endpoint``: nothing says the receiver is an event loop.
    not_a_loop = UDP.replace("self.loop.create_datagram_endpoint", "self.pool.create_datagram_endpoint")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/udp.py": not_a_loop, "app/gw.py": OWNER_NEVER_STOPS}) == []


TUNNEL = """\
from app.request import Request
from app.udp import UDPClient


class Tunnel:
    def __init__(self, loop):
        self.loop = loop
        self.channel = None
        self.udp_client = None
        self.init_udp_client()

    def init_udp_client(self):
        self.udp_client = UDPClient(self.loop)

    async def start(self):
        await self.udp_client.connect()

    async def disconnect(self, ignore_error=False):
        if self.channel is None:
            return
        request = Request(self.udp_client, self.channel)
        await request.start()

    async def reconnect(self):
        await self.disconnect(True)
        self.init_udp_client()
        await self.start()

    async def stop(self):
        await self.disconnect(True)
        await self.udp_client.stop()
"""


def test_renewal_after_a_call_that_leaves_the_old_one_alone(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/udp.py": UDP, "app/request.py": REQUEST, "app/tunnel.py": TUNNEL}
    assert _check_tree(tmp_path, files) == [
        "tunnel.py:13:9 TRD202 `self.udp_client` is replaced without closing the old one; call its `stop()` first",
    ]


def test_negative_twin_the_called_method_stops_it(tmp_path: Path) -> None:
    # The fix: ``disconnect()`` stops the client (on both of its ways), so ``reconnect()`` renews a
    # closed one; the early branch's ``stop()`` is no failing use before the final one either.
    fixed = TUNNEL.replace(
        "        if self.channel is None:\n            return\n",
        "        if self.channel is None:\n            await self.udp_client.stop()\n            return\n",
    ).replace("        await request.start()\n", "        await request.start()\n        await self.udp_client.stop()\n")
    files = {"app/__init__.py": "", "app/udp.py": UDP, "app/request.py": REQUEST, "app/tunnel.py": fixed}
    assert _check_tree(tmp_path, files) == []


def test_negative_twin_handed_to_a_class_that_releases_what_it_is_given(tmp_path: Path) -> None:
    # A request class that stops the client it is given may end it: the renewal is not judged.
    releasing = REQUEST.replace("        self.handle.cancel()\n", "        await self.udp_client.stop()\n")
    files = {"app/__init__.py": "", "app/udp.py": UDP, "app/request.py": releasing, "app/tunnel.py": TUNNEL}
    assert _check_tree(tmp_path, files) == []


def test_negative_twin_handed_to_a_library_call(tmp_path: Path) -> None:
    # Handed to code the project cannot read: it may end it.
    library = TUNNEL.replace("from app.request import Request\n", "from somelib import Request\n")
    files = {"app/__init__.py": "", "app/udp.py": UDP, "app/tunnel.py": library}
    assert _check_tree(tmp_path, files) == []


def test_negative_twin_a_kept_listening_server_makes_no_resource_type(tmp_path: Path) -> None:
    # A class keeping its loop's listening server (``create_server``) is typically the program's
    # core, whose blocking ``start()`` runs its whole life: its owner is not judged by it.
    server = UDP.replace(
        "            (transport, _) = await self.loop.create_datagram_endpoint(asyncio.DatagramProtocol, sock=None)\n"
        "            self.transport = transport\n",
        "            self.transport = await self.loop.create_server(asyncio.Protocol, sock=None)\n",
    ).replace(
        "            (transport, _) = await self.loop.create_datagram_endpoint(\n"
        "                asyncio.DatagramProtocol, local_addr=(\"0.0.0.0\", 0)\n"
        "            )\n"
        "            self.transport = transport\n",
        "            self.transport = await self.loop.create_server(asyncio.Protocol, \"0.0.0.0\", 0)\n",
    )
    assert "create_datagram_endpoint" not in server
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/udp.py": server, "app/gw.py": OWNER_NEVER_STOPS}) == []


MONITOR = """\
import asyncio


class UdpMonitor:
    def __init__(self, host):
        self._host = host
        self._transport = None

    async def async_start(self):
        loop = asyncio.get_running_loop()
        try:
            self._transport, _ = await loop.create_datagram_endpoint(
                asyncio.DatagramProtocol, local_addr=("0.0.0.0", 9999)
            )
        except OSError:
            pass

    async def async_stop(self):
        if self._transport is not None:
            self._transport.close()
            self._transport = None
"""

SETUP = """\
from app.monitor import UdpMonitor

DOMAIN = "demo"


async def async_setup_entry(hass, entry):
    monitor = UdpMonitor(entry.data["host"])
    await monitor.async_start()
    hass.data[DOMAIN][entry.entry_id] = monitor
    return True


async def async_unload_entry(hass, entry):
    await hass.data[DOMAIN].pop(entry.entry_id).async_stop()
    return True
"""


def test_negative_twin_opening_method_whose_only_await_is_the_opening(tmp_path: Path) -> None:
    # ``async_start()`` awaits one thing, the transport it keeps: failing, it leaves nothing open.
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/monitor.py": MONITOR, "app/setup.py": SETUP}) == []


def test_opening_method_that_awaits_more_after_the_opening(tmp_path: Path) -> None:
    greets = MONITOR.replace(
        "        except OSError:\n            pass\n",
        "        except OSError:\n            pass\n        await self.hello()\n\n    async def hello(self):\n        self._transport.sendto(b'hi')\n",
    )
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/monitor.py": greets, "app/setup.py": SETUP}) == [
        "setup.py:7:5 TRD201 `monitor` (`UdpMonitor(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


def test_opening_method_that_makes_something_before_its_only_await(tmp_path: Path) -> None:
    # ``self._session = ClientSession()`` before the one ``await``: its failure leaves the session open.
    session_first = MONITOR.replace("import asyncio\n", "import asyncio\n\nimport aiohttp\n").replace(
        "        loop = asyncio.get_running_loop()\n",
        "        loop = asyncio.get_running_loop()\n        self._session = aiohttp.ClientSession()\n",
    ).replace("            self._transport = None\n", "            self._transport = None\n        await self._session.close()\n")
    assert _check_tree(tmp_path, {"app/__init__.py": "", "app/monitor.py": session_first, "app/setup.py": SETUP}) == [
        "setup.py:7:5 TRD201 `monitor` (`UdpMonitor(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]
