"""Session 33 (issue 28): the library table reads the Azure SDK's async clients. Three general
rules of ``scripts/make_resource_table.py`` that their source needed, each beside its negative twin:

- a namespace package (``azure/core/__init__.py`` without ``azure/__init__.py``) is named from
  its wheel's folder, so its relative imports resolve and its re-exports are entered
  (``azure.core.AsyncPipelineClient``); before, its modules were named from the nearest
  ``__init__.py`` chain alone (``core._pipeline_client_async``) and every azure-* library gave
  no type at all;
- the protocol rule, forwarded: ``__aexit__`` exits what the instance holds (``await
  self._client.__aexit__(*exc_details)``) and the class's own public release coroutine ends that
  same holding or runs ``__aexit__`` (every Azure client's ``close()``);
- a method a public class inherits from a private class of its library (a generated
  ``_OperationsMixin``) is a maker of the public class.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

CORE = {
    # No ``cloudsdk/__init__.py``: a namespace package, as ``azure`` is.
    "cloudsdk/core/__init__.py": "from ._pipeline_client import AsyncPipelineClient, AsyncPipeline\n",
    "cloudsdk/core/_pipeline_client.py": '''\
class AsyncPipeline:
    """Exits only the transport it was given, and has no release of its own: not this rule's."""

    def __init__(self, transport):
        self._transport = transport

    async def __aenter__(self):
        return self

    async def __aexit__(self, *args):
        await self._transport.__aexit__(*args)


class AsyncPipelineClient:
    def __init__(self, base_url, transport=None):
        self._pipeline = AsyncPipeline(transport)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *args):
        await self._pipeline.__aexit__(*args)

    async def close(self):
        await self.__aexit__()
''',
}

SEARCH = {
    "cloudsdk/search/aio/__init__.py": "from ._client import SearchClient, Indexer, LockedView, Reporter\n",
    "cloudsdk/search/aio/_operations.py": '''\
class _IndexerOperationsMixin:
    async def get_batch(self, name):
        return Batch(self, name)

    async def get_report(self, name):
        return Batch(self, name)


class Batch:
    def __init__(self, indexer, name):
        self._client = indexer._client

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_details):
        await self._client.__aexit__(*exc_details)

    async def aclose(self):
        await self._client.close()
''',
    "cloudsdk/search/aio/_client.py": '''\
import asyncio

from cloudsdk.core import AsyncPipelineClient

from ._operations import Batch, _IndexerOperationsMixin


class SearchClient:
    def __init__(self, endpoint):
        self._client = AsyncPipelineClient(endpoint)

    async def close(self):
        await self._client.close()

    async def __aenter__(self):
        await self._client.__aenter__()
        return self

    async def __aexit__(self, *exc_details):
        await self._client.__aexit__(*exc_details)


class Indexer(_IndexerOperationsMixin):
    """Inherits ``get_batch`` from the private mixin, and defines its own ``get_report``."""

    def __init__(self, endpoint):
        self._client = AsyncPipelineClient(endpoint)

    async def get_report(self, name):
        return None

    async def close(self):
        await self.__aexit__()

    async def __aexit__(self, *exc_details):
        await self._client.__aexit__(*exc_details)


class LockedView:
    """The twin: it exits the lock it holds and has no release of its own."""

    def __init__(self):
        self._lock = asyncio.Lock()

    async def __aexit__(self, *exc_details):
        await self._lock.__aexit__(*exc_details)


class Reporter:
    """The twin: its ``close()`` ends something else than what ``__aexit__`` exits."""

    def __init__(self, sink, lock):
        self._sink = sink
        self._lock = lock

    async def __aexit__(self, *exc_details):
        await self._lock.__aexit__(*exc_details)

    async def close(self):
        await self._sink.close()
''',
}


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_azure_shaped_clients_and_their_namespace_package_re_exports(tmp_path: Path) -> None:
    core, search = tmp_path / "cloudsdk-core-1.0", tmp_path / "cloudsdk-search-1.0"
    _write(core, CORE)
    _write(search, SEARCH)
    makers: dict[str, gen.Maker] = {}
    found = gen.generate([core, search], makers=makers)
    assert {name: (e.close, e.awaited, e.rule) for name, e in found.items()} == {
        "cloudsdk.core.AsyncPipelineClient": ("close", True, "protocol"),
        "cloudsdk.core._pipeline_client.AsyncPipelineClient": ("close", True, "protocol"),
        "cloudsdk.search.aio.Indexer": ("close", True, "protocol"),
        "cloudsdk.search.aio.SearchClient": ("close", True, "protocol"),
        "cloudsdk.search.aio._client.Indexer": ("close", True, "protocol"),
        "cloudsdk.search.aio._client.SearchClient": ("close", True, "protocol"),
        "cloudsdk.search.aio._operations.Batch": ("aclose", True, "protocol"),
    }
    assert {name: (m.returns, m.is_async) for name, m in makers.items()} == {
        "cloudsdk.search.aio._client.Indexer.get_batch": ("cloudsdk.search.aio._operations.Batch", True),
    }


def test_a_namespace_package_alone_is_named_from_its_wheel(tmp_path: Path) -> None:
    core = tmp_path / "cloudsdk-core-1.0"
    _write(core, CORE)
    project = gen.WheelProject([core], module_budget=None)
    assert project.locate(core / "cloudsdk/core/_pipeline_client.py")[0] == "cloudsdk.core._pipeline_client"
    # Outside the wheels read, a module is named as before.
    other = tmp_path / "elsewhere" / "pkg"
    other.mkdir(parents=True)
    (other / "__init__.py").write_text("")
    (other / "mod.py").write_text("")
    assert project.locate(other / "mod.py")[0] == "pkg.mod"
