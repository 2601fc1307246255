"""Session 57: stores of a leaked resource or task into one attribute (issue 28, TRD202, TRD303).

An attribute assigned a resource in two places, ``start()`` and ``reconnect()``, holds a new one
after each store: each store is a TRD202 finding (since session 35). TRD303 reported each store of
a task for a while in session 57 (``s57-recall2``) and was brought back to one finding per
attribute, at its first store, before landing: on the held-out halves of the leak-fix rounds
(totals, read by a labeller who reported counts only) the further stores were 6 findings, all
false, and no site was gained there. Twin: the same stores, ended by the class's own
``close()``, stay silent.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

TWO_STORES = """\
import asyncio

import aiohttp


class Client:
    def __init__(self):
        self._session = None
        self._reader = None

    async def start(self):
        self._session = aiohttp.ClientSession()
        self._reader = asyncio.create_task(self._read())

    async def reconnect(self):
        self._session = aiohttp.ClientSession()
        self._reader = asyncio.create_task(self._read())

    async def _read(self):
        while True:
            await asyncio.sleep(1)
"""

ENDED = TWO_STORES + """
    async def close(self):
        self._reader.cancel()
        await self._session.close()
"""

ELEMENTS = """\
import asyncio


class Hub:
    def __init__(self):
        self._workers = []

    def start(self):
        self._workers.append(asyncio.create_task(self._work()))

    def grow(self):
        self._workers.append(asyncio.create_task(self._work()))

    async def _work(self):
        while True:
            await asyncio.sleep(1)

    async def stop(self):
        STOP


async def main():
    hub = Hub()
    hub.start()
    await hub.stop()
"""

TASK = "TRD303 `self._reader` is never cancelled or awaited; add a shutdown method that cancels and awaits it"
SESSION = "TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`"
WORKERS = "TRD303 tasks in `self._workers` are never cancelled or awaited; end each one in `stop()`"


def test_a_task_stored_twice_into_one_attribute_is_reported_once(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWO_STORES, "TRD303") == [f"13:9 {TASK}"]


def test_each_store_of_a_resource_into_one_attribute_is_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWO_STORES, "TRD202") == [f"12:9 {SESSION}", f"16:9 {SESSION}"]


def test_two_stores_the_class_ends_stay_silent(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ENDED, "TRD303") == []
    assert [f for f in source_findings(tmp_path, ENDED, "TRD202") if "never closed" in f] == []


def test_appends_into_a_task_collection_are_reported_once(tmp_path: Path) -> None:
    source = ELEMENTS.replace("STOP", "pass")
    assert source_findings(tmp_path, source, "TRD303") == [f"9:9 {WORKERS}"]


def test_appends_the_end_cancels_stay_silent(tmp_path: Path) -> None:
    source = ELEMENTS.replace("STOP", "for task in self._workers:\n            task.cancel()")
    assert source_findings(tmp_path, source, "TRD303") == []


def test_the_fix_is_offered_at_the_one_finding(tmp_path: Path) -> None:
    from tradelint.api import check_paths

    path = tmp_path / "worker.py"
    path.write_text(ELEMENTS.replace("STOP", "pass"))
    fixes = [(f.line, f.fix is not None) for f in check_paths([path], select=["TRD303"])]
    assert fixes == [(9, True)]


# A resource kept on an attribute of its class (``Service.modem = ...``, ``cls._session = ...`` in a
# classmethod) is the program's, as a module global is: some code of the project must close it.
CLASS_STORE = """\
import aiohttp


class Service:
    session = None

    async def connect(self):
        Service.session = aiohttp.ClientSession()

    async def fetch(self, url):
        async with Service.session.get(url) as response:
            return await response.text()
END
"""

CLASSMETHOD_STORE = """\
import aiohttp


class Service:
    _session = None

    @classmethod
    async def connect(cls):
        cls._session = aiohttp.ClientSession()

    async def fetch(self, url):
        async with self._session.get(url) as response:
            return await response.text()
END
"""

CLASS_MESSAGE = "TRD201 class attribute `Service.{}` (`aiohttp.ClientSession(...)`) is never closed; close it at shutdown"


def test_a_resource_on_a_class_attribute_nothing_closes_is_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CLASS_STORE.replace("END", ""), "TRD201") == ["8:9 " + CLASS_MESSAGE.format("session")]


def test_a_resource_on_a_class_attribute_a_classmethod_stores_is_reported(tmp_path: Path) -> None:
    source = CLASSMETHOD_STORE.replace("END", "")
    assert source_findings(tmp_path, source, "TRD201") == ["9:9 " + CLASS_MESSAGE.format("_session")]


def test_a_class_attribute_closed_at_shutdown_stays_silent(tmp_path: Path) -> None:
    closing = "\n    @classmethod\n    async def shutdown(cls):\n        await cls.session.close()\n"
    assert source_findings(tmp_path, CLASS_STORE.replace("END", closing), "TRD201") == []
    closing = "\n    async def close(self):\n        await self._session.close()\n"
    assert source_findings(tmp_path, CLASSMETHOD_STORE.replace("END", closing), "TRD201") == []


def test_a_class_attribute_handed_on_stays_silent(tmp_path: Path) -> None:
    handed = "\n    def client(self):\n        return Service.session\n"
    assert source_findings(tmp_path, CLASS_STORE.replace("END", handed), "TRD201") == []


def test_an_attribute_of_another_object_is_not_a_class_attribute(tmp_path: Path) -> None:
    other = CLASS_STORE.replace("Service.session = ", "config.session = ").replace("END", "")
    assert source_findings(tmp_path, other.replace("async def connect(self):", "async def connect(self, config):"), "TRD201") == []
