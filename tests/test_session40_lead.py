"""Session 40 (the lead): a holder's part kept on ``self`` and closed by the class's release
(hail-is/hail ``aioazure/fs.py``: ``credentials = AzureCredentials.from_file(...)``, then
``self._credential = credentials.credential``, closed by the file system's ``close()``). With the
azure credentials in the library table (session 40), the holder was reported as never closed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CREDS = '''\
import aiohttp


class Creds:
    @staticmethod
    def default():
        return Creds(aiohttp.ClientSession())

    def __init__(self, session):
        self.session = session

    async def close(self):
        await self.session.close()
'''

FS = '''\
from creds import Creds


class FS:
    def __init__(self, credentials=None):
        if credentials is None:
            credentials = Creds.default()
        self._session = credentials.session

    async def close(self):
        if self._session:
            await self._session.close()
            self._session = None
'''

REPORTED = [
    "fs.py:7:13 TRD201 `credentials` (`Creds.default(...)`) is never closed; make it in the coroutine"
    " that uses it and close it there",
]


def test_a_part_kept_on_self_and_closed_by_the_class_is_taken_over(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"creds.py": CREDS, "fs.py": FS}, "TRD2") == []


def test_a_part_kept_where_no_release_closes_it_stays_the_creators(tmp_path: Path) -> None:
    source = FS.replace("            await self._session.close()\n", "            pass\n")
    assert tree_findings(tmp_path, {"creds.py": CREDS, "fs.py": source}, "TRD2") == REPORTED


def test_a_part_kept_in_another_attribute_than_the_closed_one_stays_the_creators(tmp_path: Path) -> None:
    source = FS.replace("self._session = credentials.session", "self._other = credentials.session")
    assert tree_findings(tmp_path, {"creds.py": CREDS, "fs.py": source}, "TRD2") == REPORTED
