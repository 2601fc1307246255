"""The cache's records of the reads that follow no import (``runner/cache_scans.py``): a result
that searched the project for a word is re-checked when a file that names the word, before or
after, is added, edited or removed, and only then; the records are found to hold from the files
changed since the last run, across runs over part of the tree too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_cache_deps import FACTORY
from tests.trees import configs_for, write
from tradelint.core.config import Config, clear_cache
from tradelint.core.finding import Finding
from tradelint.runner import runner
from tradelint.runner.cache import Cache
from tradelint.runner.engine import Checker

WORD = "mentions set_task_factory"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def run(tree: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, under: Path | None = None) -> tuple[list[str], list[tuple[str, int, str]]]:
    """The files checked (not answered from the cache) by a cached run over ``under`` (the
    whole tree by default), and the findings."""
    checked: list[str] = []
    check_path = Checker.check_path

    def recording(self: Checker, path: Path, config: Config, display: str | None = None) -> list[Finding]:
        checked.append(Path(path).relative_to(tree).as_posix())
        return check_path(self, path, config, display)

    with monkeypatch.context() as patch:
        patch.setattr(Checker, "check_path", recording)
        result = runner.check_files(configs_for(under or tree), cache_dir=cache)
    return sorted(checked), [(Path(f.path).relative_to(tree).as_posix(), f.line, f.code) for f in result.findings]


def project(tmp_path: Path) -> Path:
    """``app/jobs.py`` discards a task: whether a task factory of the project keeps it is found by
    reading the modules that name ``set_task_factory`` (a ``mentions`` scan)."""
    tree = tmp_path / "tree"
    write(tree / "pyproject.toml", "[project]\nname = 'app'\n")
    write(tree / "app" / "__init__.py", "")
    write(tree / "app" / "jobs.py", "import asyncio\n\n\nasync def fire() -> None:\n    asyncio.create_task(asyncio.sleep(1))\n")
    write(tree / "app" / "sub" / "__init__.py", "")
    write(tree / "app" / "sub" / "plain.py", "VALUE = 1\n")
    return tree


REPORTED = [("app/jobs.py", 5, "TRD301")]


def test_a_file_naming_the_searched_word_rechecks_the_search_before_and_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = project(tmp_path)
    cache = tmp_path / "cache"
    assert run(tree, cache, monkeypatch)[1] == REPORTED
    # Files that do not name the word: the search's result stays, whatever else changes.
    write(tree / "app" / "sub" / "plain.py", "VALUE = 2\n")
    assert run(tree, cache, monkeypatch) == (["app/sub/plain.py"], REPORTED)
    write(tree / "app" / "sub" / "other.py", "OTHER = 1\n")
    assert run(tree, cache, monkeypatch) == (["app/sub/other.py"], REPORTED)
    assert run(tree, cache, monkeypatch) == ([], REPORTED)
    # A new file that names it (the snapshot has moved twice since the search was stored).
    loop = write(tree / "app" / "sub" / "loop.py", FACTORY)
    assert run(tree, cache, monkeypatch) == (["app/jobs.py", "app/sub/loop.py"], [])
    # Named before, not after: the search is made again, and the task is reported again.
    write(loop, "VALUE = 3\n")
    assert run(tree, cache, monkeypatch) == (["app/jobs.py", "app/sub/loop.py"], REPORTED)
    # Named neither before nor after.
    write(loop, "VALUE = 4\n")
    assert run(tree, cache, monkeypatch) == (["app/sub/loop.py"], REPORTED)
    # Named, then removed.
    write(loop, FACTORY)
    assert run(tree, cache, monkeypatch) == (["app/jobs.py", "app/sub/loop.py"], [])
    with open(loop, "a", encoding="utf-8") as fh:
        fh.write("# edited, still naming it\n")
    assert run(tree, cache, monkeypatch) == (["app/jobs.py", "app/sub/loop.py"], [])
    loop.unlink()
    assert run(tree, cache, monkeypatch) == (["app/jobs.py"], REPORTED)
    assert run(tree, cache, monkeypatch) == ([], REPORTED)


def test_the_record_keeps_the_files_naming_the_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = project(tmp_path)
    cache = tmp_path / "cache"
    loop = write(tree / "app" / "sub" / "loop.py", FACTORY)
    run(tree, cache, monkeypatch)
    stored = Cache.load(cache)
    assert stored.entries[str(tree / "app" / "jobs.py")].scans.count((WORD, str(tree))) == 1
    assert stored.scans.records[WORD, str(tree)].files == {str(loop)}
    snapshot = stored.scans.snapshots[str(tree)]
    assert snapshot is not None and set(snapshot) == {str(p) for p in tree.rglob("*.py")}
    # Made again from the changed files only, it is the same.
    write(tree / "app" / "sub" / "more.py", "# set_task_factory is named here too\n")
    run(tree, cache, monkeypatch)
    assert Cache.load(cache).scans.records[WORD, str(tree)].files == {str(loop), str(tree / "app" / "sub" / "more.py")}


def test_a_result_outside_the_run_whose_search_changed_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run over part of the tree stores the records as they are now: a result it did not check
    whose search no longer holds goes, or a later run would take it as made from them."""
    tree = project(tmp_path)
    cache = tmp_path / "cache"
    assert run(tree, cache, monkeypatch)[1] == REPORTED
    write(tree / "app" / "sub" / "loop.py", FACTORY)
    assert run(tree, cache, monkeypatch, under=tree / "app" / "sub") == (["app/sub/loop.py"], [])
    assert str(tree / "app" / "jobs.py") not in Cache.load(cache).entries
    assert run(tree, cache, monkeypatch) == (["app/jobs.py"], [])
    assert run(tree, cache, monkeypatch) == ([], [])


def test_an_unrelated_leaf_edit_rechecks_that_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = project(tmp_path)
    write(tree / "app" / "sub" / "loop.py", FACTORY)
    cache = tmp_path / "cache"
    assert run(tree, cache, monkeypatch)[1] == []
    for _ in range(2):
        with open(tree / "app" / "sub" / "plain.py", "a", encoding="utf-8") as fh:
            fh.write("# edited\n")
        assert run(tree, cache, monkeypatch) == (["app/sub/plain.py"], [])


DESC = 'from dataclasses import dataclass\n\n\n@dataclass\nclass Desc:\n    NAME: str = "x"\n    size: int = 0\n'


def fix_safety(tree: Path, cache: Path | None) -> list[tuple[str, str | None]]:
    result = runner.check_files(configs_for(tree), cache_dir=cache)
    return [(f.code, f.fix.safety if f.fix else None) for f in result.findings]


def test_a_field_search_depends_on_what_the_files_it_read_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``user.py`` names a generic word (``asdict``), so the search for uses of ``Desc.NAME`` reads
    it; whether its ``x`` may hold a ``Desc`` is found through ``h.py``, which names no word the
    search asked about (``Holder`` inherits a ``Desc`` field or not): an edit of it must re-check
    the search, an unrelated edit must not."""
    tree = tmp_path / "tree"
    write(tree / "requirements.txt", "")
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "desc.py", DESC)
    write(tree / "pkg" / "base.py", (
        "from dataclasses import dataclass\n\nfrom pkg.desc import Desc\n\n\n@dataclass\nclass Base:\n    d: Desc\n"
    ))
    write(tree / "pkg" / "other.py", "class Base:\n    pass\n")
    write(tree / "pkg" / "h.py", "from pkg.base import Base\n\n\nclass Holder(Base):\n    pass\n")
    write(tree / "pkg" / "user.py", (
        "from dataclasses import asdict\n\nfrom pkg.h import Holder\n\n\n"
        "def f(x: Holder) -> object:\n    return asdict(x)\n"
    ))
    write(tree / "pkg" / "plain.py", "VALUE = 1\n")
    cache = tmp_path / "cache"
    assert fix_safety(tree, cache) == [("TRD101", "unsafe")]
    with open(tree / "pkg" / "plain.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert run(tree, cache, monkeypatch)[0] == ["pkg/plain.py"]
    write(tree / "pkg" / "h.py", "from pkg.other import Base\n\n\nclass Holder(Base):\n    pass\n")
    assert run(tree, cache, monkeypatch)[0] == ["pkg/desc.py", "pkg/h.py", "pkg/user.py"]
    assert fix_safety(tree, cache) == fix_safety(tree, None) == [("TRD101", "safe")]
    assert run(tree, cache, monkeypatch)[0] == []


def test_a_field_search_notes_the_words_it_asked_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "tree"
    write(tree / "requirements.txt", "")
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "desc.py", DESC)
    write(tree / "pkg" / "other.py", "from dataclasses import replace\n")
    write(tree / "pkg" / "plain.py", "VALUE = 1\n")
    cache = tmp_path / "cache"
    run(tree, cache, monkeypatch)
    stored = Cache.load(cache)
    (kind,) = [k for k, folder in stored.entries[str(tree / "pkg" / "desc.py")].scans if k.startswith("words ")]
    assert {"Desc", "NAME"} <= set(kind.split()[1:])
    # The files read: the class's own (it names the class), and one naming a generic word.
    assert stored.scans.records[kind, str(tree)].files == {str(tree / "pkg" / "desc.py"), str(tree / "pkg" / "other.py")}


def test_a_run_with_nothing_changed_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = project(tmp_path)
    cache = tmp_path / "cache"
    run(tree, cache, monkeypatch)
    stored = cache / "cache.json"
    os.utime(stored, ns=(10**9, 10**9))
    assert run(tree, cache, monkeypatch) == ([], REPORTED)
    assert stored.stat().st_mtime_ns == 10**9
    with open(tree / "app" / "sub" / "plain.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert run(tree, cache, monkeypatch) == (["app/sub/plain.py"], REPORTED)
    assert stored.stat().st_mtime_ns != 10**9
    # A file that changed and is checked by no run of these paths: the snapshot moves on.
    os.utime(stored, ns=(10**9, 10**9))
    write(tree / "app" / "sub" / "plain.py", "VALUE = 5\n")
    assert run(tree, cache, monkeypatch, under=tree / "app" / "jobs.py") == ([], REPORTED)
    assert stored.stat().st_mtime_ns != 10**9


def test_a_module_that_now_answers_a_stored_name_rechecks_its_importer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run looks no stored name up again while the folders and files they were resolved
    from are as they were (``cache_lookups.py``); a new module, or any new name in one of them,
    makes it look them up."""
    tree = project(tmp_path)
    write(tree / "app" / "user.py", "from app import helpers\n\nVALUE = helpers\n")
    cache = tmp_path / "cache"
    run(tree, cache, monkeypatch)
    assert run(tree, cache, monkeypatch) == ([], REPORTED)
    assert Cache.load(cache).lookups.holds()
    write(tree / "notes" / "readme.txt", "")  # a new folder where names are looked up: none changes
    assert run(tree, cache, monkeypatch) == ([], REPORTED)
    assert Cache.load(cache).lookups.holds()  # stored again, as it is now
    write(tree / "app" / "helpers.py", "X = 1\n")
    assert run(tree, cache, monkeypatch) == (["app/helpers.py", "app/user.py"], REPORTED)
    assert run(tree, cache, monkeypatch) == ([], REPORTED)
