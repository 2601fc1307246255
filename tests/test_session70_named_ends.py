"""Session 70: a method named like an end is the object's end only when it ends something
(issue 28: "methods named like shutdown that are not the end of the object's life").

One-shot work kept in a collection on ``self`` until it is done (each task drops its own entry,
here through a done callback) needs no end in an object that has none of its own; an object with
an end must still end the work in flight there. The end was read from names alone, so
``cleanup_invalid_descriptions_in_db()`` (it deletes rows through a session it opens and closes)
made MaiBot's ``ImageManager`` an object with an end, and the advice was to cancel the image
tasks in it. A release word alone (``close()``, ``stop()``) stays an end whatever its body; a
release word with an object counts when the method ends something the object holds (cancels,
closes, stops, drops or awaits it), itself or through a method of the class.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

KEEPER = '''\
import asyncio


class ImageManager:
    def __init__(self, db):
        self._db = db
        self._pending = {}

    def schedule(self, key, data):
        if key in self._pending:
            return
        task = asyncio.create_task(self._describe(key, data))
        self._pending[key] = task
        task.add_done_callback(lambda finished: self._forget(key, finished))

    async def _describe(self, key, data):
        await self._db.store(key, len(data))

    def _forget(self, key, task):
        self._pending.pop(key, None)

END
'''

ROWS = '''\
    def cleanup_invalid_rows(self):
        with self._db.session() as session:
            for row in session.rows():
                if not row.description:
                    session.delete(row)
'''


def _flagged(end: str) -> list[str]:
    return [
        f"12:9 TRD303 tasks in `self._pending` are never cancelled or awaited; end each one in `{end}()`",
    ]


def test_a_cleanup_of_rows_is_no_end_of_the_object(tmp_path: Path) -> None:
    assert source_findings(tmp_path, KEEPER.replace("END", ROWS), "TRD3") == []


def test_twin_a_named_release_that_closes_what_the_object_holds(tmp_path: Path) -> None:
    end = "    async def close_connection(self):\n        await self._db.close()\n"
    assert source_findings(tmp_path, KEEPER.replace("END", end), "TRD3") == _flagged("close_connection")


def test_twin_a_named_release_that_drops_what_the_object_holds(tmp_path: Path) -> None:
    end = "    def stop_polling(self):\n        self._db = None\n"
    assert source_findings(tmp_path, KEEPER.replace("END", end), "TRD3") == _flagged("stop_polling")


def test_twin_a_named_release_reaching_a_bare_one(tmp_path: Path) -> None:
    end = (
        "    async def shutdown_all(self):\n        await self.close()\n\n"
        "    async def close(self):\n        pass\n"
    )
    found = source_findings(tmp_path, KEEPER.replace("END", end), "TRD3")
    assert found == _flagged("shutdown_all") or found == _flagged("close")


def test_twin_a_bare_release_word_is_an_end_whatever_its_body(tmp_path: Path) -> None:
    end = "    async def close(self):\n        pass\n"
    assert source_findings(tmp_path, KEEPER.replace("END", end), "TRD3") == _flagged("close")


def test_twin_the_end_cancels_the_work_in_flight(tmp_path: Path) -> None:
    end = (
        "    async def close_connection(self):\n"
        "        for task in list(self._pending.values()):\n            task.cancel()\n"
        "        await self._db.close()\n"
    )
    assert source_findings(tmp_path, KEEPER.replace("END", end), "TRD3") == []
