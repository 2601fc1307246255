"""Session 50 (issue 28, precision): a library maker asked by its name alone (a module that
imports the library, a receiver nothing types) is not asked of a receiver its class says is a
class of another library. ``db = self.db`` is what the class's ``db`` property says it is
(``-> "motor.core.Database"``): motor's database, whose ``list_collections()`` the table does
not know, not pymongo's ``AsyncDatabase``, whose command cursor the table's fully regenerated
population now types (read on Red-DiscordBot's Mongo driver, which imports ``pymongo.errors``).
Twins: the property says pymongo's own ``AsyncDatabase`` (its maker's cursor, never closed), and
a local nothing types (asked by the maker's name, as before).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

DRIVER = '''\
import pymongo.errors
import motor.core
import motor.motor_asyncio
from pymongo.asynchronous.database import AsyncDatabase


class Driver:
    def __init__(self, url: str) -> None:
        self._conn = motor.motor_asyncio.AsyncIOMotorClient(url)

    @property
    def db(self) -> "{annotation}":
        return self._conn.get_database()

    async def wipe(self, name: str) -> None:
        db = self.db
        results = await db.list_collections(filter={{"name": name}})
        for result in results:
            await db[result["name"]].drop()
'''


def test_a_receiver_its_class_says_is_another_librarys_makes_nothing_of_the_maker(tmp_path: Path) -> None:
    assert source_findings(tmp_path, DRIVER.format(annotation="motor.core.Database"), "TRD2") == []


def test_a_receiver_its_class_says_is_the_makers_class_makes_the_cursor(tmp_path: Path) -> None:
    assert source_findings(tmp_path, DRIVER.format(annotation="AsyncDatabase"), "TRD2") == [
        "17:9 TRD201 `results` (`db.list_collections(...)`) is never closed; call `await results.close()` in a `finally`",
    ]


def test_an_untyped_receiver_is_asked_by_the_makers_name(tmp_path: Path) -> None:
    source = DRIVER.format(annotation="motor.core.Database").replace("        db = self.db\n", "        db = self._conn.get_database()\n")
    assert source_findings(tmp_path, source, "TRD2") == [
        "17:9 TRD201 `results` (`db.list_collections(...)`) is never closed; call `await results.close()` in a `finally`",
    ]
