"""Session 64: a class of a package the library table names, which the table itself does not name,
is judged by the project's own evidence (issue 28 point 1: ownership proven by what closes it).

Before, a package with any entry in ``packs/library_resources.json`` was "judged by its own code"
as a whole: a class of it that the generator read and entered under no rule (pytapo's ``Streamer``,
meraki's ``AsyncDashboardAPI``, telethon's ``MTProtoSender``) was taken to hold nothing, even where
the project stops every instance it makes but one. A missing generator rule became a lost
finding. Now the table speaks only for the names it has (a type, a versioned type, a holder), and
every other class of the package is judged as a class of a package the table does not read: by
the project's own releases of it (``models/resources/project_evidence.py``). A file that makes
one and has no resource word of its own is still read (``runner/demand.py``).

Twins: a class the table names (a type, a versioned type, a holder) stays the table's; a class
the project never releases is no resource.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import tree_findings
from tests.test_session51_deep_part import _clear_table_caches

KNOWN = {"close": "close", "awaited": True, "lazy": False, "ends": [], "given": [], "rule": "owner", "source": "camlib-1.0"}
HOLDER = {"close": "close", "awaited": True, "given": [["session", 1]]}


def _table_with(monkeypatch: pytest.MonkeyPatch, entries: dict[str, dict[str, Any]]) -> Iterator[None]:
    """The shipped table plus ``entries`` (section -> name -> entry), for the test's duration."""
    from tradelint.models.resources import library_table

    document: dict[str, Any] = copy.deepcopy(library_table._document())
    for section, named in entries.items():
        document[section].update(json.loads(json.dumps(named)))
    monkeypatch.setattr(library_table, "_document", lru_cache(maxsize=1)(lambda: document))
    _clear_table_caches()
    yield
    monkeypatch.undo()
    _clear_table_caches()


@pytest.fixture
def cam_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _table_with(monkeypatch, {"types": {"camlib.Camera": KNOWN}, "holders": {"camlib.Storage": HOLDER}})


SNAPSHOT = '''\
from camlib import Streamer


async def snapshot(cam):
    streamer = Streamer(cam)
    info = await streamer.start()
    try:
        return info["frame"]
    finally:
        await streamer.stop()
'''

# No word of a resource of its own: read because it makes a class the project releases elsewhere.
PREVIEW = '''\
from camlib import Streamer


async def preview(cam):
    streamer = Streamer(cam)
    info = await streamer.start()
    return info["frame"]
'''



def test_a_class_the_table_does_not_name_is_judged_by_the_project(tmp_path: Path, cam_table: None) -> None:
    assert tree_findings(tmp_path, {"snapshot.py": SNAPSHOT, "preview.py": PREVIEW}, "TRD2", project=True) == [
        "preview.py:5:5 TRD201 `streamer` (`Streamer(...)`) is never closed; call `await streamer.stop()` in a `finally`",
    ]


def test_a_class_the_project_never_releases_is_no_resource(tmp_path: Path, cam_table: None) -> None:
    assert tree_findings(tmp_path, {"preview.py": PREVIEW}, "TRD2", project=True) == []


def test_the_table_speaks_for_the_names_it_has(cam_table: None) -> None:
    from tradelint.models.resources.library_table import library_judged

    assert [library_judged(name) for name in ("camlib.Camera", "camlib.Storage", "camlib.Streamer", "aiogram.Bot", "nolib.Thing")] == [
        True, True, False, True, False,
    ]


@pytest.fixture
def hub_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _table_with(monkeypatch, {
        "types": {"hublib.stream.Stream": {**KNOWN, "source": "hublib-2.0"}},
        "makers": {"hublib.hub.Hub.open_stream": {"returns": "hublib.stream.Stream", "async": True, "by_name": True, "source": "hublib-2.0"}},
    })


USES_A_STREAM = '''\
from hublib.hub import Hub


async def peek(hub=None):
    hub = hub or Hub()
    stream = await hub.open_stream()
    return await stream.read()
'''


def test_a_library_maker_applies_where_the_library_is_imported(tmp_path: Path, hub_table: None) -> None:
    assert tree_findings(tmp_path, {"app/peek.py": USES_A_STREAM}, "TRD2", project=True) == [
        "peek.py:6:5 TRD201 `stream` (`hub.open_stream(...)`) is never closed; call `await stream.close()` in a `finally`",
    ]


def test_in_the_library_s_own_repository_its_code_says_what_its_methods_make(tmp_path: Path, hub_table: None) -> None:
    """a2a-python's own request handler calling its own ``QueueManager.tap()``: the table read a
    later release of the library (whose names the checkout may not even define); there, the
    project's own code is judged, as a first-party class is."""
    files = {
        # (this checkout defines neither ``hublib.hub`` nor ``hublib.stream`` as the table read them)
        "hublib/__init__.py": "",
        "hublib/peek.py": USES_A_STREAM,
    }
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_a_project_module_named_like_the_library_is_not_the_library(tmp_path: Path, hub_table: None) -> None:
    """apscheduler's ``eventbrokers/redis.py`` imports the redis library, whose makers still
    apply there (``self.client.pubsub()``): only a module of the library's own package is its code."""
    files = {
        "app/__init__.py": "",
        "app/brokers/__init__.py": "",
        "app/brokers/hublib.py": USES_A_STREAM,
    }
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "hublib.py:6:5 TRD201 `stream` (`hub.open_stream(...)`) is never closed; call `await stream.close()` in a `finally`",
    ]


# Session 65: the makers a subclass inherits from its base's imports follow the same reading.
BASE = '''\
from hublib.hub import Hub


class Reader:
    hub: Hub
'''

SUB = '''\
from {package}.base import Reader


class Peeker(Reader):
    async def peek(self):
        stream = await self.hub.open_stream()
        return await stream.read()
'''


def test_a_base_s_library_makers_apply_to_its_subclass(tmp_path: Path, hub_table: None) -> None:
    files = {"app/__init__.py": "", "app/base.py": BASE, "app/sub.py": SUB.format(package="app"), "app/hublib.py": ""}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "sub.py:6:9 TRD201 `stream` (`self.hub.open_stream(...)`) is never closed; call `await stream.close()` in a `finally`",
    ]


def test_inside_the_library_s_own_package_a_base_s_imports_say_nothing(tmp_path: Path, hub_table: None) -> None:
    files = {"hublib/__init__.py": "", "hublib/base.py": BASE, "hublib/sub.py": SUB.format(package="hublib")}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []
