"""Session 51: one test of "the standard library's" (``module_paths.is_stdlib``, the typing
backports ``typing_extensions`` and ``mypy_extensions`` counted in) and one reading of "this
method hands its instance to a base's ``__init__``" (``syntax.base_init_calls``: ``super()``,
or ``Base.__init__`` given the method's own first parameter), each where an answer changed:

- a receiver its class states to be a typing backport's ``Any`` is untyped, as under
  ``typing.Any`` (it was read as another library's class, so no maker was asked of it);
- an attrs class with a base from ``mypy_extensions`` reads its bases' fields as under a
  ``typing_extensions`` base (its MRO was unread, so a resource handed to it was trusted);
- ``Base.__init__(peer, ...)`` initialises another object: what it is given is not kept on
  ``self`` (it was reported as the class's own ``self.<attr>``);
- the table generator's subclass that hands the making to its base's ``__init__`` is read under
  any name of its receiver (``Base.__init__(this)``), not under ``self`` alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

from tests.conftest import source_findings
from tests.test_library_table_rules import _write
from tests.test_session50_table import PART_BASE

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


BASE_INIT = '''\
import aiohttp


class Api:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session


class Connector(Api):
    def __init__({me}, peer: Api) -> None:
        Api.__init__({first}, aiohttp.ClientSession())
        {me}.peer = peer
'''

KEPT = "11:28 TRD202 `self.session` is never closed; add a `close()` method that calls its `close()`"


@pytest.mark.parametrize(
    ("me", "first", "expected"),
    [
        ("self", "self", [KEPT]),
        ("this", "this", [KEPT]),  # the receiver under another name: kept on it all the same
        ("self", "peer", []),  # ``peer`` is initialised, not ``self``: nothing kept on ``self``
    ],
)
def test_a_base_init_given_another_object_keeps_nothing_on_self(tmp_path: Path, me: str, first: str, expected: list[str]) -> None:
    assert source_findings(tmp_path, BASE_INIT.format(me=me, first=first), "TRD2") == expected


@pytest.mark.parametrize(
    ("subclass", "expected"),
    [
        (
            "class Lyrics(Provider):\n    def __init__(this, token):\n        Provider.__init__(this)\n        this.token = token\n",
            ("session.close", True, False, "subclass", ()),
        ),
        # twin: the base's ``__init__`` given something else initialises no ``Lyrics``
        ("class Lyrics(Provider):\n    def __init__(self, token):\n        Provider.__init__(token)\n        self.token = token\n", None),
    ],
)
def test_the_generator_reads_a_base_init_given_the_receiver_by_any_name(tmp_path: Path, subclass: str, expected: tuple[object, ...] | None) -> None:
    folder = _write(tmp_path, "lyricslib-1.0", {
        "lyricslib/__init__.py": "",
        "lyricslib/base.py": PART_BASE,
        "lyricslib/lyrics.py": "from lyricslib.base import Provider\n\n\n" + subclass,
    })
    entry = gen.generate([folder]).get("lyricslib.lyrics.Lyrics")
    got = None if entry is None else (entry.close, entry.awaited, entry.lazy, entry.rule, entry.given)
    assert got == expected
