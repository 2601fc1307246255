"""Session 70: a use of the resource whose error is handled where it stands does not skip the
close after it (issue 28 point 5; a false positive on fresh applications).

TRD202 reports a release that a failure of the resource itself skips: ``await self._ws.send(...)``
before ``await self._ws.close()`` raises exactly when the connection is broken, and the close is
never reached. A ``try`` of the method's own body was already read as handling that error; a
``try`` inside a loop before the close (``for uuid in chars: try: await self.client.stop_notify(uuid)
except Exception: pass``, BobMcGlobus/ha-ninebot) or a ``with contextlib.suppress(Exception):``
around the use (aavdberg/ha-petkit) was not, and the finding said the close is skipped where it
cannot be. Twins: the same loop with no ``try``, or with a ``try`` that handles some errors only
(``except ConnectionError``: another error still skips the close; wapiti-scanner/wapiti
``46b992e6``), is still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

LINK = '''\
import contextlib

import websockets


class Link:
    def __init__(self, url):
        self._url = url
        self._ws = None

    async def connect(self):
        self._ws = await websockets.connect(self._url)

    async def disconnect(self):
        if self._ws is not None:
USE
            await self._ws.close()
            self._ws = None
'''

IN_A_LOOP = '''\
            for topic in ("a", "b"):
                try:
                    await self._ws.send(f"unsubscribe {topic}")
                except Exception:
                    pass'''

SUPPRESSED = '''\
            with contextlib.suppress(Exception):
                await self._ws.send("bye")'''

UNGUARDED = '''\
            for topic in ("a", "b"):
                await self._ws.send(f"unsubscribe {topic}")'''


def test_a_use_in_a_try_inside_a_loop_does_not_skip_the_close(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LINK.replace("USE", IN_A_LOOP), "TRD202") == []


def test_a_suppressed_use_does_not_skip_the_close(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LINK.replace("USE", SUPPRESSED), "TRD202") == []


def test_twin_an_unguarded_use_in_a_loop_skips_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LINK.replace("USE", UNGUARDED), "TRD202") == [
        "12:9 TRD202 `self._ws` is closed in `disconnect()` only after `await self._ws.send()`, which raises once"
        " it is broken; close it in a `finally`",
    ]


def test_twin_a_use_whose_try_handles_some_errors_only(tmp_path: Path) -> None:
    narrow = IN_A_LOOP.replace("except Exception:", "except ConnectionError:")
    assert source_findings(tmp_path, LINK.replace("USE", narrow), "TRD202") == [
        "12:9 TRD202 `self._ws` is closed in `disconnect()` only after `await self._ws.send()`, which raises once"
        " it is broken; close it in a `finally`",
    ]
