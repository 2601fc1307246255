"""Session 51 (issue 28, receivers typed through attributes): a name's declared type types it
when the code of its values does not. A memory store declares ``_index: SearchIndexClient`` in
its class body and binds it in ``__init__`` from an unannotated helper of its own; each method
then takes a ``SearchClient`` from ``get_search_client()`` and never closes it: one client, and
its transport session, leaked per call. The declared type says what the helper's call does not,
as a type checker reads it. Twins: no declaration (the receiver stays untyped and the plain
maker is not asked), the client closed in a ``finally``, a declared type of a project's own
protocol (says nothing), and an annotated local bound from an unknown call. A parameter
declared `T | None`, `Optional[T]` or `"T"` is a `T`, as a type checker reads it.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

STORE = '''\
from azure.search.documents.indexes.aio import SearchIndexClient


def make_index_client(endpoint):
    return SearchIndexClient(endpoint, None)


class Store:
    {declaration}

    def __init__(self, endpoint: str) -> None:
        self._index = make_index_client(endpoint)

    async def close(self) -> None:
        await self._index.close()

    async def get(self, name: str, key: str) -> dict:
        client = self._index.get_search_client(name)
{body}
'''

LEAKED = "        return await client.get_document(key)"
CLOSED = '''\
        try:
            return await client.get_document(key)
        finally:
            await client.close()'''


def test_a_declared_attribute_types_a_receiver_bound_from_an_unannotated_helper(tmp_path: Path) -> None:
    source = STORE.format(declaration="_index: SearchIndexClient", body=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == [
        "18:9 TRD201 `client` (`self...get_search_client(...)`) is never closed; call `await client.close()` in a `finally`",
    ]


def test_the_client_closed_in_a_finally_is_clean(tmp_path: Path) -> None:
    source = STORE.format(declaration="_index: SearchIndexClient", body=CLOSED)
    assert source_findings(tmp_path, source, "TRD2") == []


def test_without_a_declaration_the_receiver_stays_untyped(tmp_path: Path) -> None:
    source = STORE.format(declaration="pass", body=LEAKED)
    assert source_findings(tmp_path, source, "TRD2") == []


def test_a_declared_project_protocol_says_nothing(tmp_path: Path) -> None:
    source = STORE.format(declaration="_index: 'IndexLike'", body=LEAKED).replace(
        "class Store:", "class IndexLike:\n    def get_search_client(self, name): ...\n\n\nclass Store:"
    )
    assert source_findings(tmp_path, source, "TRD2") == []


LOCAL = '''\
from azure.search.documents.indexes.aio import SearchIndexClient

from .factory import index_client


async def get(name: str, key: str) -> dict:
    index: SearchIndexClient = index_client()
    async with index:
        pass
    client = index.get_search_client(name)
    return await client.get_document(key)
'''


def test_an_annotated_local_bound_from_an_unknown_call_is_its_declared_type(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LOCAL, "TRD2") == [
        "10:5 TRD201 `client` (`index.get_search_client(...)`) is never closed; call `await client.close()` in a `finally`",
    ]


def test_an_unannotated_local_bound_from_an_unknown_call_stays_untyped(tmp_path: Path) -> None:
    source = LOCAL.replace("index: SearchIndexClient = ", "index = ")
    assert source_findings(tmp_path, source, "TRD2") == []


PARAMETER = '''\
from typing import Optional

from azure.search.documents.indexes.aio import SearchIndexClient


async def get(index: {annotation}, name: str, key: str) -> dict:
    client = index.get_search_client(name)
    return await client.get_document(key)
'''


def test_a_parameter_declared_optional_or_spelled_as_a_string_is_its_class(tmp_path: Path) -> None:
    for annotation in ("SearchIndexClient | None", "Optional[SearchIndexClient]", '"SearchIndexClient"'):
        assert source_findings(tmp_path, PARAMETER.format(annotation=annotation), "TRD2") == [
            "7:5 TRD201 `client` (`index.get_search_client(...)`) is never closed; call `await client.close()` in a `finally`",
        ], annotation

