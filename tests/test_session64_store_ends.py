"""Session 64: a local lent to a holder kept in a collection on ``self`` is ended by a release
method of the same class that loops over that collection and releases each item's attribute
keeping it (``models/resources/ended_through_store.py``; issue 28 point 5, the owner's own end of
life). Found on HBLLM/hbllm-core's WebRTC transport: ``pc = RTCPeerConnection()``, ``peer =
WebRTCPeer(node_id=node, pc=pc)``, ``self._peers[node] = peer``, and ``stop()`` runs ``for peer in
list(self._peers.values()): await peer.pc.close()``; it was reported as never closed. Twins: a
loop releasing another attribute of the holder, and one in a method that is no release."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tree_findings

# The project's own evidence that a ``PeerConnection`` must be closed (its package is not read).
GATEWAY = '''\
from rtclib import PeerConnection


class Gateway:
    def __init__(self):
        self.active = {}

    async def handle(self, key):
        pc = PeerConnection()
        self.active[key] = pc

        @pc.on("state")
        async def on_state():
            if pc.state == "failed":
                self.active.pop(key, None)
                await pc.close()

        await pc.start()
'''

TRANSPORT = '''\
from rtclib import PeerConnection


class Peer:
    def __init__(self, node, pc, channel=None):
        self.node = node
        self.pc = pc
        self.channel = channel


class Transport:
    def __init__(self):
        self._peers: dict[str, Peer] = {{}}

    async def connect(self, node):
        pc = PeerConnection()
        peer = Peer(node=node, pc=pc)
        self._peers[node] = peer
        await pc.start()

    async def {method}(self):
        for peer in {loop}:
            await peer.{attr}.close()
        self._peers.clear()
'''

LEAK = "transport.py:16:9 TRD201 `pc` lives on in `self._peers[node]` after the function, never closed; close it where that ends"


def _findings(tmp_path: Path, method: str, loop: str, attr: str) -> list[str]:
    files = {"gateway.py": GATEWAY, "transport.py": TRANSPORT.format(method=method, loop=loop, attr=attr)}
    return tree_findings(tmp_path, files, "TRD2", project=True)


@pytest.mark.parametrize("loop", ["list(self._peers.values())", "self._peers.values()", "tuple(self._peers.copy().values())"])
def test_a_release_looping_over_the_collection_ends_each_item_s_attribute(tmp_path: Path, loop: str) -> None:
    assert _findings(tmp_path, "stop", loop, "pc") == []


@pytest.mark.parametrize(
    ("method", "attr"), [("stop", "channel"), ("refresh", "pc")], ids=["another-attribute", "not-a-release"],
)
def test_a_loop_that_ends_something_else_or_is_no_end_leaves_it_reported(tmp_path: Path, method: str, attr: str) -> None:
    assert _findings(tmp_path, method, "self._peers.values()", attr) == [LEAK]


# A local entered into an exit stack and kept on ``self`` too: the stack ends it, ``self``
# borrows it (omnigent's MCP client: ``await stack.enter_async_context(session)``, then
# ``self._session = session``, reset in ``finally``). Before, the store was read as the class
# taking it over (TRD202 with a fix closing it again) or, with that fixed, as the hand-off the
# enter came before (TRD201).
ENTERED = '''\
import asyncio
from contextlib import AsyncExitStack

import aiohttp


class Conn:
    def __init__(self):
        self._session = None
        self._done = asyncio.Event()

    async def run(self):
        try:
            async with AsyncExitStack() as stack:
                session = aiohttp.ClientSession()
{enter}
                self._session = session
                await self._done.wait()
        finally:
            self._session = None

    async def close(self):
        self._done.set()
'''


def test_a_local_an_exit_stack_enters_is_borrowed_by_the_attribute_keeping_it(tmp_path: Path) -> None:
    source = ENTERED.format(enter="                await stack.enter_async_context(session)")
    assert tree_findings(tmp_path, {"conn.py": source}, "TRD2") == []


def test_a_local_kept_on_self_and_entered_by_nothing_is_the_instance_s(tmp_path: Path) -> None:
    source = ENTERED.format(enter="                await session.head('https://example.org')")
    assert tree_findings(tmp_path, {"conn.py": source}, "TRD2") == [
        "conn.py:15:17 TRD202 `self._session` is never closed; call its `close()` in `close()`",
    ]
