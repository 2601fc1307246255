"""Session 56: an ``await`` of the resource's own release, on a branch that leaves, is no error
before its hand-off.

``ws = await connect(url); if not name: await ws.close(); return; self.peers[name] = ws`` in a
``try`` whose ``except Exception`` logs and goes on: the only ``await`` between the creation and
the hand-off closes the resource itself on a way out (``models/resources/error_paths.py``). An
error there comes while it is being closed, not from something that leaves it open. The twin
awaits a send before the hand-off: an error there is caught, and the socket is left open.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

PEERS = """\
import logging

import aiohttp

log = logging.getLogger(__name__)


class Hub:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.peers: dict[str, aiohttp.ClientWebSocketResponse] = {}

    async def close(self) -> None:
        for ws in self.peers.values():
            await ws.close()

    async def join(self, url: str) -> None:
        try:
            ws = await self.session.ws_connect(url)
            name = ws.headers.get("x-peer")
            if not name:
                await ws.close()
                return
            self.peers[name] = ws
        except Exception:
            log.exception("could not join %s", url)

    async def join_greeting(self, url: str) -> None:
        try:
            ws = await self.session.ws_connect(url)
            name = ws.headers.get("x-peer")
            if not name:
                await ws.close()
                return
            await ws.send_str("hello")
            self.peers[name] = ws
        except Exception:
            log.exception("could not join %s", url)
"""


def test_its_own_close_on_a_way_out_is_no_error_before_the_hand_off(tmp_path: Path) -> None:
    assert source_findings(tmp_path, PEERS, "TRD201") == [
        "30:13 TRD201 `ws` (`self...ws_connect(...)`) leaks when an error before it is handed on is caught; "
        "close it in that `except`",
    ]
