"""Session 84: resources kept in a local collection that the function walks, and a maker's new
collection of resources (issue 28, points 1 and 3).

``agustinchavez/Fully-Automated-Polymarket-AI-Trading-Bot`` ``694f9eb2`` (round 28, half a):
``fetch_structured_sources()`` called ``get_enabled_connectors(config)``, which builds a list of
research connectors (each opening its own ``httpx.AsyncClient`` on first use, closed by its
``close()``) and returns it; the method walked the list, fetched through each connector, and
dropped it, so every call leaked one client per connector. A local collection the function walks
was taken to end its elements elsewhere; it keeps them to the frame when every use of the walk's
element is a use through it that is no release (:mod:`.walked_elements`), and a first-party
function returning a new collection of resources it made is their maker
(``factories.elements_spec``). Twins: a walk that closes each element, one that hands each on,
a maker that keeps the collection too, and a lazy element no walk opens.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

CONNECTOR = """\
import httpx


class Connector:
    def __init__(self, url):
        self._url = url
        self._client = None

    def _get_client(self):
        if self._client is None:
            self._client = httpx.AsyncClient()
        return self._client

    def relevant(self, question):
        return question.startswith(self._url)

    async def fetch(self, question):
        response = await self._get_client().get(self._url, params={"q": question})
        return response.json()

    async def close(self):
        if self._client is not None:
            await self._client.aclose()
"""

REGISTRY = """\
from connector import Connector


def enabled_connectors(urls):
    connectors = []
    for url in urls:
        if url:
            connectors.append(Connector(url))
    log_names([c.relevant("x") for c in connectors])
    return connectors


def log_names(names):
    print(names)
"""

FETCHER = """\
from registry import enabled_connectors


async def fetch_sources(urls, question):
    connectors = enabled_connectors(urls)
    if not connectors:
        return []
    results = []
    for connector in connectors:
        if connector.relevant(question):
            results.append(await connector.fetch(question))
    return results
"""

# A walk that uses each connector, then a release of them in a ``finally`` (``{RELEASE}``).
FETCH_ALL = CONNECTOR + """

async def fetch_all(urls, question):
    connectors = [Connector(url) for url in urls]
    try:
        return [await c.fetch(question) for c in connectors]
    finally:
        {RELEASE}
"""


def test_a_makers_new_collection_of_resources_is_the_callers(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": REGISTRY, "fetcher.py": FETCHER}, "TRD2") == [
        "fetcher.py:5:5 TRD201 `connectors` (`enabled_connectors(...)`) holds new resources, each of them never closed; "
        "close each before the function returns"]


def test_twin_each_closed_in_a_walk(tmp_path: Path) -> None:
    fetcher = FETCHER.replace("    return results\n", "    for connector in connectors:\n        await connector.close()\n    return results\n")
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": REGISTRY, "fetcher.py": fetcher}, "TRD2") == []


def test_twin_each_handed_on_in_a_walk(tmp_path: Path) -> None:
    fetcher = FETCHER.replace("            results.append(await connector.fetch(question))",
                              "            results.append(await fetch_one(connector, question))") + """

async def fetch_one(connector, question):
    try:
        return await connector.fetch(question)
    finally:
        await connector.close()
"""
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": REGISTRY, "fetcher.py": fetcher}, "TRD2") == []


def test_twin_a_maker_that_keeps_the_collection_makes_nothing_for_the_caller(tmp_path: Path) -> None:
    registry = REGISTRY.replace("    return connectors\n", "    OPEN.extend(connectors)\n    return connectors\n") + "\n\nOPEN = []\n"
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": registry, "fetcher.py": FETCHER}, "TRD2") == []


def test_a_walked_local_collection_of_resources(tmp_path: Path) -> None:
    source = CONNECTOR + """

async def fetch_all(urls, question):
    connectors = [Connector(url) for url in urls]
    return [await c.fetch(question) for c in connectors if c.relevant(question)]
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "27:19 TRD201 `Connector(...)` kept in local `connectors` is never closed; close each before the function returns"]


def test_twin_a_lazy_element_no_walk_opens_holds_nothing(tmp_path: Path) -> None:
    source = CONNECTOR + """

async def pick(urls, question):
    connectors = [Connector(url) for url in urls]
    return sum(1 for c in connectors if c.relevant(question))
"""
    assert source_findings(tmp_path, source, "TRD2") == []


def test_twin_closed_through_gather_of_a_walk(tmp_path: Path) -> None:
    source = "import asyncio\n" + FETCH_ALL.replace("{RELEASE}", "await asyncio.gather(*(c.close() for c in connectors))")
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_makers_collection_walked_where_it_is_made(tmp_path: Path) -> None:
    fetcher = """\
from registry import enabled_connectors


async def fetch_sources(urls, question):
    return [await c.fetch(question) for c in enabled_connectors(urls) if c.relevant(question)]
"""
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": REGISTRY, "fetcher.py": fetcher}, "TRD2") == [
        "fetcher.py:5:46 TRD201 `enabled_connectors(...)` makes new resources that this walk never closes; close each in it"]


def test_twin_a_walk_where_it_is_made_that_closes_each(tmp_path: Path) -> None:
    fetcher = """\
from registry import enabled_connectors


async def close_sources(urls):
    for connector in enabled_connectors(urls):
        await connector.close()
"""
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": REGISTRY, "fetcher.py": fetcher}, "TRD2") == []


def test_twin_a_walk_releasing_a_part_of_each(tmp_path: Path) -> None:
    source = FETCH_ALL.replace("{RELEASE}", "for c in connectors:\n            await c._client.aclose()")
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_makers_collection_named_through_its_module(tmp_path: Path) -> None:
    fetcher = FETCHER.replace("from registry import enabled_connectors", "import registry").replace(
        "connectors = enabled_connectors(urls)", "connectors = registry.enabled_connectors(urls)")
    assert tree_findings(tmp_path, {"connector.py": CONNECTOR, "registry.py": REGISTRY, "fetcher.py": fetcher}, "TRD2") == [
        "fetcher.py:5:5 TRD201 `connectors` (`registry.enabled_connectors(...)`) holds new resources, each of them never closed; "
        "close each before the function returns"]


def test_a_collection_made_by_a_method_of_the_class(tmp_path: Path) -> None:
    source = CONNECTOR + """

class Fetcher:
    def __init__(self, urls):
        self.urls = urls

    def _connectors(self):
        found = []
        for url in self.urls:
            found.append(Connector(url))
        return found

    async def fetch(self, question):
        connectors = self._connectors()
        return [await c.fetch(question) for c in connectors]
"""
    assert source_findings(tmp_path, source, "TRD2") == [
        "37:9 TRD201 `connectors` (`self._connectors(...)`) holds new resources, each of them never closed; close each before the function returns"]
