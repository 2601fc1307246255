"""Session 63's rules of ``scripts/make_resource_table.py`` (issue 28 point 1), each on a small
library written here, beside the twin it must leave as it was:

- **task**, reached: a class whose constructor starts a task it keeps and whose public release
  method ends that task through a private method of the class that it calls (aioredis 1's
  ``RedisConnection``: ``close()`` runs ``self._do_close(exc)``, which cancels
  ``self._reader_task``) is released by that public method, as when it ends the task itself;
  twins: a private helper that does not end the task, and one reached only through another
  public method (itself a release of its own, not followed);
- a public module's own ``from X import *`` (at its top level, or in the body of a top-level
  ``try``) re-exports X's resource types under the module's name, as a package's ``__init__``
  does (dask's ``dask/distributed.py``: ``try: from distributed import *``, so
  ``dask.distributed.Client``); twins: the star import inside a function (binds nothing in the
  module), and in a private module (``_compat.py``: a link, never a name users import).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

from tests.test_library_table_rules import _entries, _write


def _types(*folders: Path) -> dict[str, tuple[str, bool, bool, str]]:
    return _entries(gen.generate(list(folders)))


CONNECTION = '''\
import asyncio


class Connection:
    """A connection that reads its replies in a task of its own."""

    def __init__(self, reader, writer):
        self._reader = reader
        self._writer = writer
        self._reader_task = asyncio.ensure_future(self._read_data())
        self._closed = False

    async def _read_data(self):
        while not self._reader.at_eof():
            await self._reader.readline()

    def close(self):
        """Close connection."""
        self._do_close(None)

{helper}
    async def wait_closed(self):
        await asyncio.sleep(0)
'''

ENDS_THE_TASK = '''\
    def _do_close(self, exc):
        if self._closed:
            return
        self._closed = True
        self._writer.transport.close()
        self._reader_task.cancel()
        self._reader_task = None
'''

LEAVES_THE_TASK = '''\
    def _do_close(self, exc):
        if self._closed:
            return
        self._closed = True
        self._writer.transport.close()
'''

# ``close()`` runs a public method, which ends the task: that method is a release of its own.
THROUGH_A_PUBLIC_ONE = '''\
    def _do_close(self, exc):
        self.terminate()

    def terminate(self):
        self._reader_task.cancel()
'''


def _redis_library(root: Path, helper: str) -> Path:
    return _write(root, "redislike-1.0", {
        "redislike/__init__.py": "from .connection import Connection\n",
        "redislike/connection.py": CONNECTION.format(helper=helper),
    })


def test_a_release_ending_the_task_through_a_private_helper_is_the_task_rule(tmp_path: Path) -> None:
    assert _types(_redis_library(tmp_path, ENDS_THE_TASK)) == {
        "redislike.Connection": ("close", False, False, "task"),
        "redislike.connection.Connection": ("close", False, False, "task"),
    }


@pytest.mark.parametrize("helper", [LEAVES_THE_TASK, THROUGH_A_PUBLIC_ONE], ids=["helper-leaves-the-task", "through-a-public-method"])
def test_a_release_that_reaches_no_private_end_of_the_task_is_none(tmp_path: Path, helper: str) -> None:
    assert _types(_redis_library(tmp_path, helper)) == {}


def test_the_reach_rule_off_leaves_the_private_helper_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import resource_tasks

    monkeypatch.setattr(resource_tasks, "REACH_RULE", False)
    assert _types(_redis_library(tmp_path, ENDS_THE_TASK)) == {}


CLUSTER = {
    "clusterlib/__init__.py": "from .client import Client\n",
    "clusterlib/client.py": '''\
import aiohttp


class Client:
    def __init__(self, address):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()
''',
}

FACADE_TRY = '''\
try:
    from clusterlib import *
except ImportError as e:
    raise ImportError("pip install clusterlib") from e
'''

FACADE_TOP = "from clusterlib import *\n"

FACADE_IN_A_FUNCTION = '''\
def load():
    from clusterlib import *  # noqa: F403
    return Client
'''

CLUSTER_TYPES = {
    "clusterlib.Client": ("close", True, False, "owner"),
    "clusterlib.client.Client": ("close", True, False, "owner"),
}


@pytest.mark.parametrize("facade", [FACADE_TRY, FACADE_TOP], ids=["in-a-top-level-try", "at-the-top-level"])
def test_a_public_module_star_importing_another_library_re_exports_its_types(tmp_path: Path, facade: str) -> None:
    cluster = _write(tmp_path, "clusterlib-1.0", CLUSTER)
    umbrella = _write(tmp_path, "umbrella-1.0", {"umbrella/__init__.py": "", "umbrella/cluster.py": facade})
    assert _types(cluster, umbrella) == {**CLUSTER_TYPES, "umbrella.cluster.Client": ("close", True, False, "owner")}


@pytest.mark.parametrize(
    ("module", "facade"),
    [("umbrella/cluster.py", FACADE_IN_A_FUNCTION), ("umbrella/_compat.py", FACADE_TRY)],
    ids=["inside-a-function", "a-private-module"],
)
def test_a_star_import_that_binds_no_public_name_re_exports_nothing(tmp_path: Path, module: str, facade: str) -> None:
    cluster = _write(tmp_path, "clusterlib-1.0", CLUSTER)
    umbrella = _write(tmp_path, "umbrella-1.0", {"umbrella/__init__.py": "", module: facade})
    assert _types(cluster, umbrella) == CLUSTER_TYPES


def test_the_star_module_rule_off_leaves_the_module_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gen, "STAR_MODULE_RULE", False)
    cluster = _write(tmp_path, "clusterlib-1.0", CLUSTER)
    umbrella = _write(tmp_path, "umbrella-1.0", {"umbrella/__init__.py": "", "umbrella/cluster.py": FACADE_TRY})
    assert _types(cluster, umbrella) == CLUSTER_TYPES
