"""Session 69: a renewal is no end of life, whether or not ``__init__`` names the attribute (issue
28, point 5: "closed on one end of life but not another"; the brief's ``restart`` calling ``stop``).

``await self.s.close(); self.s = ClientSession()`` in ``reconnect()`` ends the old session only:
the object's last one must be ended elsewhere (``facts.renewals.renews_after``, since session
33). That reading asked the class's ``__init__`` to give the attribute a value, so that a mixin
renewing what another class makes is not judged; a class that makes the session in its own
``start()`` and renews it in ``reconnect()``, with no ``__init__``, had its renewal read as the
end, and its last session was never reported. So for a task renewed in ``restart()``.

Principle (ownership): the attribute is the class's when the class itself gives it a value in
another method than the renewing one (``__init__``, or ``start()``); then a renewal ends only the
old value. Twins: a ``close()`` that ends the last one, and a mixin whose only store is the
renewal itself.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SESSION = '''\
import aiohttp


class Client:
    async def start(self):
        self.s = aiohttp.ClientSession()

    async def reconnect(self):
        await self.s.close()
        self.s = aiohttp.ClientSession()
{more}'''

NEVER = "TRD202 `self.s` is never closed; add a `close()` method that calls its `close()`"


def test_a_session_renewed_but_never_ended(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SESSION.format(more=""), "TRD202") == [f"6:9 {NEVER}", f"10:9 {NEVER}"]


def test_twin_a_close_ends_the_last_one(tmp_path: Path) -> None:
    more = "\n    async def close(self):\n        await self.s.close()\n"
    assert source_findings(tmp_path, SESSION.format(more=more), "TRD202") == []


def test_twin_a_mixin_renews_what_another_class_makes(tmp_path: Path) -> None:
    source = '''\
import aiohttp


class Reconnecting:
    async def reconnect(self):
        await self.s.close()
        self.s = aiohttp.ClientSession()
'''
    assert source_findings(tmp_path, source, "TRD202") == []


TASK = '''\
import asyncio


class Poller:
    async def start(self):
        self._t = asyncio.create_task(self.run())

    async def restart(self):
        self._t.cancel()
        self._t = asyncio.create_task(self.run())

    async def run(self):
        while True:
            await asyncio.sleep(1)
{more}'''


def test_a_task_restarted_but_never_ended(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TASK.format(more=""), "TRD303") == [
        "6:9 TRD303 `self._t` is never cancelled or awaited; add a shutdown method that cancels and awaits it"
    ]


def test_twin_a_stop_ends_the_last_task(tmp_path: Path) -> None:
    more = "\n    async def stop(self):\n        self._t.cancel()\n"
    assert source_findings(tmp_path, TASK.format(more=more), "TRD303") == []
