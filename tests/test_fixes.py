"""``--fix``: stored fixed outputs, stability, edits limited to their targets, safe writes."""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache, config_for
from tradelint.runner.engine import Checker
from tradelint.runner.fixer import FixOutcome, SourceFile, WriteError, write_atomically
from tests.conftest import FIXTURES
from tests.fixes import FIXED_SUFFIX, copy_fixtures, fix_tree, fixture_files, normalized_dump



@functools.cache
def outcome() -> FixOutcome:
    """The fixer's result on the whole fixture tree, computed by the first test that asks (not at
    collection, which every test process does, whatever it runs)."""
    return fix_tree(FIXTURES)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
FILES = fixture_files()


def _fixed(path: Path) -> str | None:
    return outcome().new_texts.get(Path(os.path.abspath(path)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixed_output_is_the_stored_one(path: Path) -> None:
    stored = path.with_name(path.name + FIXED_SUFFIX)
    new = _fixed(path)
    if new is None:
        assert not stored.exists(), f"{stored} is stale: the fixer no longer changes {path.name}"
    else:
        assert stored.exists(), "no stored fixed output; run: python -m tests.update_fixed"
        assert new == stored.read_text(encoding="utf-8")


# The files the fixer changes: those with a stored fixed output (test_fixed_output_is_the_stored_one
# holds the two to be the same set).
CHANGED = [p for p in FILES if p.with_name(p.name + FIXED_SUFFIX).exists()]


@pytest.mark.parametrize("path", CHANGED, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fix_changes_only_what_it_targets(path: Path) -> None:
    new = _fixed(path)
    assert new is not None
    assert normalized_dump(new) == normalized_dump(path.read_text(encoding="utf-8"))


def test_the_fixer_changes_exactly_the_files_its_fixes_target() -> None:
    checker = Checker()
    targets = set()
    for path in FILES:
        for finding in checker.check_path(path, config_for(path)):
            if finding.fix is not None:
                targets.update(Path(edit.path) for edit in finding.fix.edits)
    assert set(outcome().new_texts) == targets
    assert len(CHANGED) >= 20
    assert outcome().errors == []


def test_fixing_twice_changes_nothing_and_leaves_no_fixable_finding(tmp_path: Path) -> None:
    tree = copy_fixtures(tmp_path / "fixtures")
    for path, text in outcome().new_texts.items():
        (tree / path.relative_to(FIXTURES.resolve())).write_text(text, encoding="utf-8")
    again = fix_tree(tree)
    assert again.new_texts == {}
    assert [f for f in again.findings if f.fix is not None] == []
    assert again.errors == []


def test_safe_mode_applies_no_unsafe_fix(tmp_path: Path) -> None:
    outcome = fix_tree(copy_fixtures(tmp_path / "fixtures"), unsafe=False)
    leftover = [f for f in outcome.findings if f.fix is not None]
    assert leftover and all(f.fix is not None and f.fix.safety == "unsafe" for f in leftover)
    unsafe_codes = {f.code for f in leftover}
    # TRD301/TRD302 are unsafe in a class with a shutdown method: the task is ended there.
    assert unsafe_codes <= {"TRD101", "TRD102", "TRD301", "TRD302", "TRD303", "TRD305", "TRD401"}


BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
FIXED_BUG_TAIL = "async def f():\n    _keep_task(asyncio.create_task(g()))\n"


def test_fix_writes_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear_cache()
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    clean = tmp_path / "clean.py"
    clean.write_text("x = 1\n", encoding="utf-8")
    before = clean.stat().st_mtime_ns
    assert run([str(tmp_path), "--fix"]) == 0
    assert bug.read_text(encoding="utf-8").endswith(FIXED_BUG_TAIL)
    assert capsys.readouterr().out == "Checked 2 files in 0.00s: fixed 1 finding, 0 remaining.\n"
    assert clean.stat().st_mtime_ns == before  # unchanged files are not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bug.py", "clean.py"]  # no temp files left


def test_diff_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear_cache()
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    assert run([str(bug), "--diff"]) == 1
    captured = capsys.readouterr()
    assert bug.read_text(encoding="utf-8") == BUG
    assert f"--- {bug}\n+++ {bug}\n" in captured.out
    assert "-    asyncio.create_task(g())\n+    _keep_task(asyncio.create_task(g()))\n" in captured.out
    assert captured.err == "Checked 1 file in 0.00s: would fix 1 finding in 1 file.\n"


NO_FIX = (
    "import asyncio\n\n\nclass Feed:\n    async def start(self):\n"
    "        self._task = asyncio.create_task(self.run())\n\n    async def run(self):\n        pass\n"
)


def test_diff_exits_1_only_when_there_is_a_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ruff's ``--diff``: exit 0 if there are no diffs, whatever findings without a fix remain
    (issue 31); 1 with a diff; ``--exit-zero`` makes it 0; from standard input the same."""
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    clear_cache()
    clean = tmp_path / "clean.py"
    clean.write_text("x = 1\n", encoding="utf-8")
    unfixable = tmp_path / "unfixable.py"
    unfixable.write_text(NO_FIX, encoding="utf-8")
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    assert run([str(clean), "--diff"]) == 0
    assert run([str(unfixable), "--diff"]) == 0
    assert run([str(unfixable)]) == 1  # the finding is still there for a check
    captured = capsys.readouterr()
    assert captured.err.splitlines() == ["Checked 1 file in 0.00s: would fix 0 findings in 0 files."] * 2
    assert run([str(unfixable), str(bug), "--diff"]) == 1
    assert run([str(bug), "--diff", "--exit-zero"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", _Stdin(NO_FIX.encode()))
    assert run(["--diff", "-"]) == 0
    monkeypatch.setattr("sys.stdin", _Stdin(BUG.encode()))
    assert run(["--diff", "-"]) == 1


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize(
    ("raw", "expected_tail"),
    [
        (BUG.replace("\n", "\r\n").encode(), FIXED_BUG_TAIL.replace("\n", "\r\n").encode()),
        (b"\xef\xbb\xbf" + BUG.encode(), FIXED_BUG_TAIL.encode()),
        (
            b"# -*- coding: latin-1 -*-\n" + BUG.replace("g())", "g())  # caf\xe9").encode("latin-1"),
            FIXED_BUG_TAIL.replace("g()))", "g()))  # caf\xe9").encode("latin-1"),
        ),
    ],
    ids=["crlf", "bom", "latin-1"],
)
def test_fix_keeps_encoding_bom_newlines_and_mode(tmp_path: Path, raw: bytes, expected_tail: bytes) -> None:
    clear_cache()
    bug = tmp_path / "bug.py"
    bug.write_bytes(raw)
    bug.chmod(0o640)
    assert run([str(bug), "--fix"]) == 0
    data = bug.read_bytes()
    assert data.endswith(expected_tail)
    assert data.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in data) == (b"\r\n" in raw)
    assert stat.S_IMODE(bug.stat().st_mode) == 0o640


def test_read_only_file_is_reported_and_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear_cache()
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    source = SourceFile.read(bug)
    bug.chmod(0o444)  # judged by the mode bits, so it holds for root too
    with pytest.raises(WriteError, match="read-only, not fixed"):
        write_atomically(source, "x = 2\n")
    assert bug.read_text(encoding="utf-8") == BUG


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    source = SourceFile.read(bug)
    bug.write_text(BUG + "# edited meanwhile\n", encoding="utf-8")
    with pytest.raises(WriteError, match="changed on disk while fixing, not overwritten"):
        write_atomically(source, "x = 2\n")
    assert bug.read_text(encoding="utf-8").endswith("# edited meanwhile\n")


def test_a_write_never_goes_through_a_symlink(tmp_path: Path) -> None:
    # The CLI fixes the target when it is among the paths given (tests/test_fix_writes.py).
    real = tmp_path / "real.py"
    real.write_text(BUG, encoding="utf-8")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    with pytest.raises(WriteError, match="a symbolic link to a file outside the paths being fixed, not fixed"):
        write_atomically(SourceFile.read(link), "x = 2\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == BUG


OVERLAPPING = '''import asyncio

import aiohttp


async def both(url):
    rest = aiohttp.ClientSession()
    ws = aiohttp.ClientSession()
    asyncio.create_task(ws.ws_connect(url))
    (await rest.get(url)).release()
    (await ws.get(url)).release()
    await rest.close()
'''

OVERLAPPING_FIXED = '''import asyncio
from typing import Any, TypeVar

import aiohttp

_TaskT = TypeVar("_TaskT", bound="asyncio.Future[Any]")
_background_tasks: "set[asyncio.Future[Any]]" = set()


def _keep_task(task: _TaskT) -> _TaskT:
    """Hold a strong reference to ``task`` until it is done."""
    _background_tasks.add(task)
    task.add_done_callback(_background_tasks.discard)
    return task


async def both(url):
    async with aiohttp.ClientSession() as rest:
        async with aiohttp.ClientSession() as ws:
            _keep_task(asyncio.create_task(ws.ws_connect(url)))
            (await rest.get(url)).release()
            (await ws.get(url)).release()
'''


def test_overlapping_fixes_settle_over_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear_cache()
    path = tmp_path / "both.py"
    path.write_text(OVERLAPPING, encoding="utf-8")
    assert run([str(path), "--fix"]) == 0
    assert path.read_text(encoding="utf-8") == OVERLAPPING_FIXED
    assert capsys.readouterr().out == "Checked 1 file in 0.00s: fixed 3 findings, 0 remaining.\n"


UNSORTED_IMPORT = '''import asyncio
from typing import Optional, Dict, Any


async def job() -> Optional[Dict[str, Any]]:
    return None


async def main():
    asyncio.create_task(job())
'''


def test_an_added_name_joins_an_import_line_without_reordering_its_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Reduced from python-binance's binance/ws/threaded_stream.py (fix_at_scale counted it as
    # changed beyond its targets): ``TypeVar`` goes where it sorts, the line's names stay as written.
    clear_cache()
    path = tmp_path / "unsorted.py"
    path.write_text(UNSORTED_IMPORT, encoding="utf-8")
    assert run([str(path), "--fix"]) == 0
    fixed = path.read_text(encoding="utf-8")
    assert fixed.splitlines()[1] == "from typing import Optional, Dict, Any, TypeVar"
    assert "    _keep_task(asyncio.create_task(job()))\n" in fixed
    assert normalized_dump(fixed) == normalized_dump(UNSORTED_IMPORT)
    assert capsys.readouterr().out == "Checked 1 file in 0.00s: fixed 1 finding, 0 remaining.\n"


def _pairs(count: int) -> str:
    return "import aiohttp\n\n\nasync def main(url):\n" + "".join(
        f"    a{i} = aiohttp.ClientSession()\n    b{i} = aiohttp.ClientSession()\n"
        f"    (await b{i}.get(url)).release()\n    (await a{i}.get(url)).release()\n"
        for i in range(count)
    )


def _pairs_fixed(count: int) -> str:
    return "import aiohttp\n\n\nasync def main(url):\n" + "".join(
        f"    async with aiohttp.ClientSession() as a{i}:\n        async with aiohttp.ClientSession() as b{i}:\n"
        f"            (await b{i}.get(url)).release()\n        (await a{i}.get(url)).release()\n"
        for i in range(count)
    )


def test_every_async_with_fix_of_a_block_is_applied_in_one_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 24 sessions, in pairs: one ``async with`` per pass took 13 passes (the first pass wrapped
    # a0 only), past the limit of 10, and the file was left as it was ("still changing after
    # 10 passes"). Now the wraps of a block nest in one pass: two passes (the second finds
    # nothing) are enough.
    from tradelint.runner import fixer

    monkeypatch.setattr(fixer, "MAX_PASSES", 2)
    clear_cache()
    path = tmp_path / "pairs.py"
    path.write_text(_pairs(12), encoding="utf-8")
    assert run([str(path), "--fix"]) == 0
    assert path.read_text(encoding="utf-8") == _pairs_fixed(12)
    assert capsys.readouterr().out == "Checked 1 file in 0.00s: fixed 24 findings, 0 remaining.\n"


CROSSED = '''import aiohttp


async def main(url):
    first = aiohttp.ClientSession()
    second = aiohttp.ClientSession()
    (await first.get(url)).release()
    (await second.get(url)).release()
'''

CROSSED_FIXED = '''import aiohttp


async def main(url):
    async with aiohttp.ClientSession() as first:
        second = aiohttp.ClientSession()
        (await first.get(url)).release()
    (await second.get(url)).release()
'''


def test_a_wrap_that_would_cut_an_earlier_one_is_not_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ``second`` is used after ``first``'s last use: wrapping both would cut ``first``'s block.
    # As with one wrap per pass, the first is wrapped and the second stays reported, unfixed.
    clear_cache()
    path = tmp_path / "crossed.py"
    path.write_text(CROSSED, encoding="utf-8")
    assert run([str(path), "--fix", "--output-format", "concise"]) == 1
    assert path.read_text(encoding="utf-8") == CROSSED_FIXED
    assert capsys.readouterr().out == (
        f"{path}:6:9: TRD201 `second` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`\n"
        "Checked 1 file in 0.00s: fixed 1 finding, 1 remaining (none fixable).\n"
    )
