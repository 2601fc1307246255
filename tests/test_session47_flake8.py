"""The flake8 plugin's result cache (issue 30 point 5): a warm run answers from the cache the
command line keeps, with findings byte-identical to a cold run's; an edit re-checks the file and
the files whose findings rest on it; a damaged cache is ignored; worker processes merge."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tradelint.api import check_tree, config_for
from tradelint.runner import hosted_cache

KEEPS = """\
import asyncio

TASKS = set()


def spawn(coro):
    task = asyncio.create_task(coro)
    TASKS.add(task)
    task.add_done_callback(TASKS.discard)
    return task
"""

DROPS = """\
import asyncio


def spawn(coro):
    task = asyncio.create_task(coro)
    return task
"""

# app.py's finding rests on helpers.py: ``spawn`` discards its task only if helpers drops it.
APP = """\
from helpers import spawn


async def work():
    pass


async def main():
    spawn(work())
"""

LOOSE = "import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n"


def _project(root: Path) -> Path:
    root.mkdir(exist_ok=True)
    (root / "helpers.py").write_text(KEEPS)
    (root / "app.py").write_text(APP)
    (root / "loose.py").write_text(LOOSE)
    (root / "plain.py").write_text("x = 1\n")
    return root


def _flake8(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TRD", "--isolated", *args],
        cwd=cwd, capture_output=True, text=True, input=stdin,
    )


def _store(root: Path) -> Path:
    return root / ".tradelint_cache" / "flake8" / "cache.json"


def _entries(root: Path) -> dict[str, object]:
    payload = _store(root).read_bytes().partition(b"\n")[2]
    entries = json.loads(payload)["entries"]
    assert isinstance(entries, dict)
    return entries


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_warm_run_answers_from_the_cache_with_the_same_output(tmp_path: Path, jobs: str) -> None:
    project = _project(tmp_path)
    cold = _flake8(project, "-j", jobs, ".")
    assert cold.returncode == 1, cold.stderr
    assert sorted(cold.stdout.splitlines()) == [
        "./loose.py:5:5: TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it",
    ]
    # Every file of the run is stored, whichever worker checked it (the workers' writes merge).
    assert sorted(Path(p).name for p in _entries(project)) == ["app.py", "helpers.py", "loose.py", "plain.py"]
    before = _store(project).stat()
    os.utime(_store(project), ns=(before.st_atime_ns, 1))  # a write would give it a new time
    warm = _flake8(project, "-j", jobs, ".")
    assert (warm.stdout, warm.stderr, warm.returncode) == (cold.stdout, cold.stderr, cold.returncode)
    assert _store(project).stat().st_mtime_ns == 1  # nothing checked: nothing written


def test_an_edit_rechecks_the_file_and_the_files_resting_on_it(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert "app.py" not in _flake8(project, "-j", "1", ".").stdout
    (project / "helpers.py").write_text(DROPS)
    after_edit = _flake8(project, "-j", "1", ".")
    assert "./app.py:9:5: TRD301 task from `spawn(...)` is discarded" in after_edit.stdout
    # The same as a run without the cache, and as the next warm run.
    assert after_edit.stdout == _flake8(project, "-j", "1", "--tradelint-no-cache", ".").stdout
    assert _flake8(project, "-j", "1", ".").stdout == after_edit.stdout
    (project / "helpers.py").write_text(KEEPS)
    assert "app.py" not in _flake8(project, "-j", "1", ".").stdout


@pytest.mark.parametrize("damage", [b"garbage", b"tradelint-cache 8 0 0\n{}", None])
def test_a_damaged_cache_is_ignored_without_a_crash(tmp_path: Path, damage: bytes | None) -> None:
    project = _project(tmp_path)
    cold = _flake8(project, "-j", "1", ".")
    data = _store(project).read_bytes()
    if damage is None:  # one entry edited to claim no findings: the signature no longer matches
        damage = data.replace(b"TRD301", b"TRD399")
        assert damage != data
    _store(project).write_bytes(damage)
    run = _flake8(project, "-j", "1", ".")
    assert (run.stdout, run.returncode) == (cold.stdout, cold.returncode)
    assert "Traceback" not in run.stderr
    assert run.stderr.count("tradelint: warning: cache") <= 1
    # Written anew, and trusted by the next run.
    again = _flake8(project, "-j", "1", ".")
    assert (again.stdout, again.stderr) == (cold.stdout, cold.stderr)


def test_no_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run = _flake8(project, "-j", "1", "--tradelint-no-cache", ".")
    assert run.returncode == 1
    assert not (project / ".tradelint_cache").exists()
    (project / "setup.cfg").write_text("[flake8]\ntradelint-no-cache = true\n")
    configured = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TRD", "-j", "1", "."], cwd=project, capture_output=True, text=True
    )
    assert configured.stdout == run.stdout
    assert not (project / ".tradelint_cache").exists()


def test_the_cache_folder_is_the_one_given(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    folder = tmp_path / "elsewhere"
    run = _flake8(project, "-j", "1", "--tradelint-cache-dir", str(folder), ".")
    assert run.returncode == 1
    assert (folder / "flake8" / "cache.json").is_file()
    assert (folder / ".gitignore").is_file()
    assert not (project / ".tradelint_cache").exists()


def test_standard_input_is_never_answered_from_the_file_on_disk(tmp_path: Path) -> None:
    project = _project(tmp_path)
    _flake8(project, "-j", "1", ".")
    # An editor's unsaved buffer of plain.py, with a bug the file on disk does not have.
    run = _flake8(project, "--stdin-display-name", "plain.py", "-", stdin=LOOSE)
    assert run.stdout.splitlines() == [
        "plain.py:5:5: TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it",
    ]
    assert "plain.py" not in _flake8(project, "-j", "1", ".").stdout


def test_check_tree_stores_what_it_found_and_answers_from_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ast

    project = _project(tmp_path)
    monkeypatch.setattr(hosted_cache, "_HOSTED", {})
    folder = tmp_path / "cache"

    def check(name: str) -> list[tuple[int, str]]:
        path = project / name
        source = path.read_text()
        found = check_tree(path, source, ast.parse(source), config_for(path), display=name, cache_dir=folder)
        return [(f.line, f.code) for f in found]

    cold = {name: check(name) for name in ("app.py", "loose.py", "plain.py")}
    assert cold == {"app.py": [], "loose.py": [(5, "TRD301")], "plain.py": []}
    # An import during the run put a folder on ``sys.path`` (setuptools' finder does, when a
    # checked file's ``import distutils`` is looked up): the installed packages did not change.
    added = tmp_path / "vendored"
    (added / "vendored_pkg").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(added))
    for cache in hosted_cache._HOSTED.values():
        cache.flush()
    sys.path.remove(str(added))
    monkeypatch.setattr(hosted_cache, "_HOSTED", {})
    answered: list[str] = []
    real_get = hosted_cache.HostedCache.get

    def get(self: hosted_cache.HostedCache, path: Path, key: str, display: str) -> object:
        found = real_get(self, path, key, display)
        if found is not None:
            answered.append(display)
        return found

    monkeypatch.setattr(hosted_cache.HostedCache, "get", get)
    assert {name: check(name) for name in cold} == cold
    assert answered == ["app.py", "loose.py", "plain.py"]


def test_a_cold_write_searches_each_root_once_for_the_same_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tradelint.facts.context import Project
    from tradelint.runner import cache_scans

    root = tmp_path / "proj"
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("class Feed:\n    async def stop(self):\n        pass\n")
    (root / "pkg" / "sub" / "b.py").write_text("from pkg.a import Feed\nfeed = Feed()\nfeed.stop()\n")
    (root / "pkg" / "sub" / "c.py").write_text("FEED = 'Feed'\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_a.py").write_text("from pkg.a import Feed\nFeed().stop()\n")
    (root / "pkg" / "bad.py").write_bytes(b"\xff\xfe Feed")
    keys = [
        (kind, str(folder))
        for folder in (root, root / "pkg", root / "pkg" / "sub")
        for kind in ("mentions Feed", "mentions Feed .stop(", "releases Feed", "mentions Absent")
    ]

    def encoded() -> tuple[dict[str, Any], dict[tuple[str, str], int]]:
        scans = cache_scans.Scans(Project(), lambda path: "hash", lambda paths: True)
        return scans.encode(keys)

    batched = encoded()
    # One search per record (``files_naming``), as before the batch.
    monkeypatch.setattr(cache_scans.Scans, "_search_all", lambda self, keys: None)
    assert encoded() == batched
    records = {(kind, folder): files for kind, folder, _, files in batched[0]["records"]}
    assert records["mentions Feed", str(root / "pkg" / "sub")] == [0, 1]
    assert records["mentions Absent", str(root)] == []
