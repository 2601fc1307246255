"""A file's stored content hash is trusted while its status (size, modification and change times,
inode, device) is the one stored with it (``Cache.content_hash``): an unchanged file is not read
again, an edit is always seen (an edit that keeps the size and sets the modification time back
too), and a file modified within the file system's clock step of the run is read again. Every
cached run prints what a run without the cache prints, with that shortcut and without it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.trees import configs_for, write
from tradelint.core.config import Config, clear_cache
from tradelint.core.files import MAX_FILE_BYTES, read_source_bytes
from tradelint.core.finding import Finding
from tradelint.runner import cache as cache_module
from tradelint.runner import runner
from tradelint.runner.engine import Checker

# ``KEY`` of the same length both ways: an edit between them keeps the file's size.
BASE = "from dataclasses import dataclass\nfrom typing import ClassVar\n\n\n@dataclass\nclass Base:\n    KEY: {} = ''\n"
PLAIN, CLASSVAR = "str          ", "ClassVar[str]"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


class Runs:
    """Cached runs over a tree, each compared with a run without the cache; what each checked,
    and which files the cache read to hash them."""

    def __init__(self, tree: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tree, self.cache, self.monkeypatch = tree, cache, monkeypatch
        self.hashed: list[str] = []

    def __call__(self) -> list[str]:
        checked: list[str] = []
        self.hashed = []
        check_path = Checker.check_path
        tree = self.tree

        def recording(self: Checker, path: Path, config: Config, display: str | None = None) -> list[Finding]:
            checked.append(Path(path).relative_to(tree).as_posix())
            return check_path(self, path, config, display)

        def reading(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
            if Path(path).is_relative_to(tree):  # (not the cache file)
                self.hashed.append(Path(path).relative_to(tree).as_posix())
            return read_source_bytes(path, limit)

        with self.monkeypatch.context() as patch:
            patch.setattr(Checker, "check_path", recording)
            patch.setattr(cache_module, "read_source_bytes", reading)
            found = self.findings(self.cache)
        clear_cache()
        self.last = self.findings(None)
        assert found == self.last
        return sorted(checked)

    def findings(self, cache: Path | None) -> list[str]:
        result = runner.check_files(configs_for(self.tree), cache_dir=cache)
        return [json.dumps({**f.as_json(), "path": Path(f.path).relative_to(self.tree).as_posix()}) for f in result.findings]


def project(tmp_path: Path) -> Path:
    """``sub.py`` reaches ``base.py`` through ``mid.py``; ``leaf.py`` and ``other.py`` import nothing."""
    tree = tmp_path / "tree"
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "base.py", BASE.format(PLAIN))
    write(tree / "pkg" / "mid.py", "from pkg.base import Base\n\n\nclass Mid(Base):\n    pass\n")
    write(tree / "pkg" / "sub.py", "from pkg.mid import Mid\n\n\nclass Sub(Mid):\n    KEY = 'signals'\n")
    write(tree / "pkg" / "leaf.py", "import asyncio\n\n\nasync def fire() -> None:\n    asyncio.create_task(asyncio.sleep(1))\n")
    write(tree / "pkg" / "other.py", "X = 1\n")
    return tree


ALL = ["pkg/__init__.py", "pkg/base.py", "pkg/leaf.py", "pkg/mid.py", "pkg/other.py", "pkg/sub.py"]


def codes(runs: Runs) -> list[tuple[str, str]]:
    return [(json.loads(f)["path"], json.loads(f)["code"]) for f in runs.last]


@pytest.mark.parametrize("settled", [True, False], ids=["status trusted", "every file hashed"])
def test_warm_runs_after_edits_deletions_and_renames_print_what_a_run_without_the_cache_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: bool
) -> None:
    # Every file counts as modified long enough ago (they were just written), or none does.
    monkeypatch.setattr(cache_module, "SETTLED_NS", -10**15 if settled else 10**18)
    tree = project(tmp_path)
    runs = Runs(tree, tmp_path / "cache", monkeypatch)
    assert len(runs()) == 6
    assert ("pkg/sub.py", "TRD102") in codes(runs) and ("pkg/leaf.py", "TRD301") in codes(runs)
    assert runs() == []
    assert sorted(runs.hashed) == ([] if settled else ALL)
    # A leaf edited, its summary unchanged: that file only.
    with open(tree / "pkg" / "leaf.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert runs() == ["pkg/leaf.py"]
    # The base class's field edited, keeping the size and the modification time: seen, and the
    # subclass two imports away is checked again.
    base = tree / "pkg" / "base.py"
    before = os.stat(base)
    write(base, BASE.format(CLASSVAR))
    os.utime(base, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(base).st_size == before.st_size
    assert runs() == ["pkg/base.py", "pkg/mid.py", "pkg/sub.py"]
    assert ("pkg/sub.py", "TRD102") not in codes(runs)
    # A module deleted: its importer is checked again.
    (tree / "pkg" / "mid.py").unlink()
    assert runs() == ["pkg/sub.py"]
    # Renamed back into place from another name: the importer again, and the renamed file.
    write(tree / "pkg" / "middle.py", "from pkg.base import Base\n\n\nclass Mid(Base):\n    pass\n")
    assert runs() == ["pkg/middle.py"]
    (tree / "pkg" / "middle.py").rename(tree / "pkg" / "mid.py")
    assert runs() == ["pkg/mid.py", "pkg/sub.py"]
    write(base, BASE.format(PLAIN))
    assert runs() == ["pkg/base.py", "pkg/mid.py", "pkg/sub.py"]
    assert ("pkg/sub.py", "TRD102") in codes(runs)
    # A leaf renamed: checked under its new name, nothing else.
    (tree / "pkg" / "leaf.py").rename(tree / "pkg" / "leaf2.py")
    assert runs() == ["pkg/leaf2.py"]
    assert runs() == []


def test_a_file_modified_within_the_clock_step_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files were just written: none's status is stored with its hash, so a later write
    within the same clock step, keeping size and times, could not be missed."""
    tree = project(tmp_path)
    runs = Runs(tree, tmp_path / "cache", monkeypatch)
    monkeypatch.setattr(cache_module, "SETTLED_NS", 10**18)  # (however slow the run)
    runs()
    assert runs() == []
    assert sorted(runs.hashed) == ALL
