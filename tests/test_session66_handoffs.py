"""Session 66: a resource handed to a first-party class is its new owner's only where that class
is shown to end it (issue 28 point 1), read the same way on both sides of the handoff.

- A constructor parameter the class's base stores (``super().__init__(transport=transport)``, or
  no ``__init__`` of its own) is taken as the base stores it: the holder then becomes the resource
  its caller must end. Before, the handoff read the base (the transport was the holder's) and the
  holder's own judgement did not (it held nothing): nobody was reported (python-kasa's protocols).
- A method named with a release word and a word of its own, called on the part with what it acts
  on (``self.client.stop_notify(char)``, ``self.session.close_stream("feed")``), ends that thing,
  not the part: a class whose only such call is that holds the part without ending it. Before, it
  counted as the part's release (yalexs-ble's ``Session``), and the creator was taken as having
  handed the client on. A release word alone ends the part whatever it is given
  (``self.ws.close(code)``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tree_findings

PROTOCOLS = '''\
import aiohttp


class Transport:
    def __init__(self, url):
        self._session = aiohttp.ClientSession()

    async def send(self, request):
        return await self._session.get(request)

    async def close(self):
        await self._session.close()


class BaseProtocol:
    def __init__(self, *, transport):
        self._transport = transport

    async def close(self):
        await self._transport.close()


class {name}(BaseProtocol):
{init}
    async def query(self, request):
        return await self._transport.send(request)


async def query(url):
    protocol = {name}(transport=Transport(url))
    return await protocol.query("x")
'''

INITS = {
    "Inherited": "",
    "Forwarded": "    def __init__(self, *, transport):\n        super().__init__(transport=transport)\n",
    "Stored": "    def __init__(self, *, transport):\n        self._transport = transport\n",
}


@pytest.mark.parametrize("name", list(INITS))
def test_a_holder_whose_base_stores_and_closes_the_transport_must_be_closed(tmp_path: Path, name: str) -> None:
    source = PROTOCOLS.format(name=name, init=INITS[name])
    line = source.splitlines().index(f"    protocol = {name}(transport=Transport(url))") + 1
    assert tree_findings(tmp_path, {"proto.py": source}, "TRD2") == [
        f"proto.py:{line}:5 TRD201 `protocol` (`{name}(...)`) is never closed; call `await protocol.close()` in a `finally`"
    ]


@pytest.mark.parametrize("name", list(INITS))
def test_the_holder_closed_in_a_finally_ends_the_transport_too(tmp_path: Path, name: str) -> None:
    source = PROTOCOLS.format(name=name, init=INITS[name]).replace(
        '    return await protocol.query("x")\n',
        '    try:\n        return await protocol.query("x")\n    finally:\n        await protocol.close()\n',
    )
    assert tree_findings(tmp_path, {"proto.py": source}, "TRD2") == []


NOTIFIER = '''\
import aiohttp


class Notifier:
    def __init__(self, session):
        self.session = session

    async def stop_watch(self):
        {release}


async def watch():
    session = aiohttp.ClientSession()
    notifier = Notifier(session)
    await notifier.stop_watch()
'''


def test_a_release_word_with_a_subject_of_its_own_ends_that_not_the_part(tmp_path: Path) -> None:
    source = NOTIFIER.format(release='await self.session.close_stream("feed")')
    assert tree_findings(tmp_path, {"notify.py": source}, "TRD2") == [
        "notify.py:13:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`"
    ]


@pytest.mark.parametrize("release", ["await self.session.close()", "await self.session.close_all()"])
def test_a_release_of_the_part_itself_ends_it(tmp_path: Path, release: str) -> None:
    # ``close_all()`` is given nothing to act on: the session's own release, as before.
    assert tree_findings(tmp_path, {"notify.py": NOTIFIER.format(release=release)}, "TRD2") == []


# A function the resource is lent to that looks an attribute up by name (``getattr(client,
# "get_services", None)``, ``hasattr(client, "pair")``) reads it as ``client.get_services`` is:
# it keeps nothing. Before, the lookup was taken as handing the client to unknown code, and its
# creator was relieved of it (eigger/hass-omron's pairing retry).
LOOKUP = '''\
from bleak import BleakClient
from bleak_retry_connector import establish_connection


async def refresh(client):
    {look}
    if not callable(get):
        return
    await get()


async def retry_pairing(device):
    client = await establish_connection(BleakClient, device, device.address)
    await refresh(client)
    await client.pair()
'''


@pytest.mark.parametrize("look", ['get = getattr(client, "get_services", None)', "get = client.get_services"])
def test_a_lookup_by_name_in_a_borrowing_function_keeps_nothing(tmp_path: Path, look: str) -> None:
    assert tree_findings(tmp_path, {"pair.py": LOOKUP.format(look=look)}, "TRD2") == [
        "pair.py:13:5 TRD201 `client` (`establish_connection(...)`) is never closed; call `await client.disconnect()` in a `finally`"
    ]


def test_a_release_looked_up_by_name_is_still_a_release(tmp_path: Path) -> None:
    source = LOOKUP.format(look='get = getattr(client, "disconnect", None)').replace("    await client.pair()\n", "")
    assert tree_findings(tmp_path, {"pair.py": source}, "TRD2") == [
        "pair.py:13:5 TRD201 `client` (`establish_connection(...)`) is closed by the function it is given, outside `finally`;"
        " call `await client.disconnect()` in a `finally`"
    ]


# A local the function closes only on a way that never stores it (an early return) and keeps in a
# collection on ``self`` on the other is the holder's to end there: reported as living on in the
# holder, with no ``async with`` fix (which would close the stored one as the function returns).
# Before, "closed outside `finally`; open it with `async with`" (gpustack's peer connections).
PEERS = '''\
import asyncio

from websockets import connect


class Peer:
    def __init__(self, key, ws):
        self.key = key
        self.ws = ws


class Server:
    def __init__(self):
        self.peers = {{}}

    async def join(self, uri):
        ws = await connect(uri)
        key = ws.response.headers.get("id")
        if not key:
            await ws.close()
            return
{store}
'''


def test_closed_only_on_a_way_that_never_stores_it_lives_on_in_the_holder(tmp_path: Path) -> None:
    source = PEERS.format(store="        self.peers[key] = Peer(key, ws)")
    assert tree_findings(tmp_path, {"peers.py": source}, "TRD2") == [
        "peers.py:17:9 TRD201 `ws` lives on in `self.peers[key]` after the function, never closed; close it where that ends"
    ]


def test_closed_after_it_is_stored_is_still_closed_outside_finally(tmp_path: Path) -> None:
    source = PEERS.format(store="        self.peers[key] = Peer(key, ws)\n        await asyncio.sleep(1)\n        await ws.close()")
    assert tree_findings(tmp_path, {"peers.py": source}, "TRD2") == [
        "peers.py:17:9 TRD201 `ws` (`connect(...)`) is closed outside `finally`; open it with `async with`"
    ]


HANDLED = PEERS.replace(
    '''        key = ws.response.headers.get("id")
        if not key:
            await ws.close()
            return
''',
    '''        try:
            key = await ws.recv()
        except BaseException:
            await ws.close()
            raise
        await asyncio.sleep(1)
''',
)


def test_a_close_of_the_failures_before_the_store_keeps_its_own_report(tmp_path: Path) -> None:
    # The handler's close is about the errors before the store (here the ``sleep``, outside the
    # ``try``), which the report names, as for an integration's store that its unload ends
    # (melcloudhome's setup).
    source = HANDLED.format(store="        self.peers[key] = Peer(key, ws)")
    assert tree_findings(tmp_path, {"peers.py": source}, "TRD2") == [
        "peers.py:17:9 TRD201 `ws` (`connect(...)`) is closed outside `finally`; open it with `async with`"
    ]
