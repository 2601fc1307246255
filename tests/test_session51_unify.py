"""Session 51: one test of "the standard library's" (``module_paths.is_stdlib``, the typing
backports ``typing_extensions`` and ``mypy_extensions`` counted in), where an answer changed:

- a receiver its class states to be a typing backport's ``Any`` is untyped, as under
  ``typing.Any`` (it was read as another library's class, so no maker was asked of it);
- an attrs class with a base from ``mypy_extensions`` reads its bases' fields as under a
  ``typing_extensions`` base (its MRO was unread, so a resource handed to it was trusted).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import source_findings

# The session 50 driver (tests/test_session50_receivers.py), its ``db`` stated as ``Any``.
DRIVER = '''\
import {module}
import motor.motor_asyncio
import pymongo.errors


class Driver:
    def __init__(self, url: str) -> None:
        self._conn = motor.motor_asyncio.AsyncIOMotorClient(url)

    @property
    def db(self) -> "{module}.Any":
        return self._conn.get_database()

    async def wipe(self, name: str) -> None:
        db = self.db
        results = await db.list_collections(filter={{"name": name}})
        for result in results:
            await db[result["name"]].drop()
'''


@pytest.mark.parametrize("module", ["typing", "typing_extensions", "mypy_extensions"])
def test_a_receiver_stated_as_a_backports_any_is_untyped(tmp_path: Path, module: str) -> None:
    assert source_findings(tmp_path, DRIVER.format(module=module), "TRD2") == [
        "16:9 TRD201 `results` (`db.list_collections(...)`) is never closed; call `await results.close()` in a `finally`",
    ]


# The session 50 attrs case (tests/test_session50_attrs.py's SPELLINGS ``Derived``), with a
# second base from the standard library or a backport: none holds an attrs field, so ``client``
# is still the second positional field, and the class never closes it.
ATTRS = '''\
import attrs
from {module} import Any
from redis.asyncio import Redis


@attrs.define
class Named:
    name: str


@attrs.define
class Derived(Named, Any):
    client: Redis
{release}

def derived(url: str) -> Derived:
    client = Redis.from_url(url)
    return Derived("n", client)
'''

RELEASE = "\n    async def aclose(self) -> None:\n        await self.client.aclose()\n"


@pytest.mark.parametrize("module", ["typing", "typing_extensions", "mypy_extensions"])
def test_an_attrs_class_over_a_backports_base_reads_its_fields(tmp_path: Path, module: str) -> None:
    assert source_findings(tmp_path, ATTRS.format(module=module, release=""), "TRD2") == [
        "17:5 TRD201 `client` (`Redis.from_url(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]


@pytest.mark.parametrize("module", ["typing", "typing_extensions", "mypy_extensions"])
def test_an_attrs_class_over_a_backports_base_releasing_the_field_takes_it(tmp_path: Path, module: str) -> None:
    assert source_findings(tmp_path, ATTRS.format(module=module, release=RELEASE), "TRD2") == []
