"""Session 52: an attribute closed only by a release of its class that nothing calls on the one
instance the project keeps in a module global.

The class makes a pool on first use (``connect()``) and closes it in ``cleanup()``; the project
makes its one instance in a getter that keeps it in a module global (``global _data_layer``), and
no code of the project ever calls ``cleanup()`` on it nor ends the global (its own verdict: module
global never closed). No end of life reaches the class's release: the pool is leaked where the
class makes it (a development-pool fix: a server's data layer whose ``cleanup()`` nothing in the
server's lifespan called; the fix registers handlers that run it).

The chain was followed through locals handed to holders and through an integration's data
(session 40); a module global is a holder alike, its verdict the global's own.

Negative twins: the shutdown closes the global through the release; a second instance elsewhere
that is ended (every instance must be unended); the attribute named outside the class (a close by
hand may reach it); the global's own end (``await _data_layer.cleanup()`` in a shutdown hook).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check = partial(tree_findings, project=True)

LAYER = """\
import asyncpg


class DataLayer:
    def __init__(self, url):
        self.url = url
        self.pool = None

    async def connect(self):
        if not self.pool:
            self.pool = await asyncpg.create_pool(self.url)

    async def query(self, sql):
        await self.connect()
        async with self.pool.acquire() as connection:
            return await connection.fetch(sql)

    async def cleanup(self):
        if self.pool:
            await self.pool.close()
"""

GETTER = """\
from .layer import DataLayer

_data_layer = None


def get_data_layer():
    global _data_layer
    if _data_layer is None:
        _data_layer = DataLayer("postgres://db")
    return _data_layer
SHUTDOWN"""


def _run(tmp_path: Path, shutdown: str = "", extra: dict[str, str] | None = None, select: str = "TRD202") -> list[str]:
    files = {"svc/__init__.py": "", "svc/layer.py": LAYER, "svc/data.py": GETTER.replace("SHUTDOWN", shutdown)}
    files.update(extra or {})
    return _check(tmp_path, files, select)


def test_release_nothing_calls_on_the_global(tmp_path: Path) -> None:
    assert _run(tmp_path) == [
        "layer.py:11:13 TRD202 `self.pool` is closed only by `DataLayer.cleanup()`, which nothing calls on the one kept in "
        "`_data_layer`; call it where that ends"
    ]


def test_the_global_itself_is_reported_never_closed(tmp_path: Path) -> None:
    # The instance's own verdict, which the class's finding follows.
    assert _run(tmp_path, select="TRD201") == [
        "data.py:9:9 TRD201 module global `_data_layer` (`DataLayer(...)`) is never closed; close it at shutdown"
    ]


def test_shutdown_calls_the_release(tmp_path: Path) -> None:
    shutdown = """

async def shutdown():
    if _data_layer is not None:
        await _data_layer.cleanup()
"""
    assert _run(tmp_path, shutdown) == []


def test_release_called_on_another_instance(tmp_path: Path) -> None:
    # ``cleanup()`` is named on an instance of the class elsewhere: it may be called on the
    # global's too (a name, not a proof of which instance): not judged.
    other = """\
from .layer import DataLayer


async def main():
    layer = DataLayer("postgres://db")
    try:
        await layer.query("select 1")
    finally:
        await layer.cleanup()
"""
    assert _run(tmp_path, extra={"svc/main.py": other}) == []


def test_attribute_closed_by_hand_outside_the_class(tmp_path: Path) -> None:
    shutdown = """

async def shutdown():
    if _data_layer is not None and _data_layer.pool is not None:
        await _data_layer.pool.close()
"""
    assert _run(tmp_path, shutdown) == []


def test_global_never_made_by_the_project(tmp_path: Path) -> None:
    # No instance made by the project: the release is its users' to call.
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/layer.py": LAYER}, "TRD202") == []
