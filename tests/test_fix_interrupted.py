"""No data loss: ``tradelint --fix`` killed with SIGKILL at any moment leaves every file either as
it was or fully fixed; read-only files and files changed on disk meanwhile are never overwritten.

``TRADELINT_KILL_RUNS=200 python -m pytest tests/test_fix_interrupted.py`` kills more often.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache

ROOT = Path(__file__).resolve().parent.parent
KILL_RUNS = int(os.environ.get("TRADELINT_KILL_RUNS", "10"))
FILES = 24
TEMP_FILE = re.compile(r"^\..+\.py\.[^.]+\.tradelint$")


def _source(i: int) -> bytes:
    body = (
        "import asyncio\n"
        "from dataclasses import dataclass\n\n\n"
        "@dataclass\n"
        f"class Schema{i}:\n"
        f'    CACHE_KEY: str = "key-{i}"\n'
        + "".join(f"    field_{j}: int = {j}\n" for j in range(i % 7))
        + "\n\n"
        f"async def worker_{i}():\n"
        + "".join(f"    asyncio.create_task(job_{j}())\n" for j in range(1 + i % 5))
        + "    await asyncio.sleep(0)\n"
    )
    if i % 4 == 1:
        return body.replace("\n", "\r\n").encode()
    if i % 4 == 2:
        return b"\xef\xbb\xbf" + body.encode()
    if i % 4 == 3:
        return ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + body).encode("latin-1")
    return body.encode()


def _make_tree(root: Path) -> dict[str, bytes]:
    root.mkdir()
    originals = {f"mod_{i:02d}.py": _source(i) for i in range(FILES)}
    originals["clean.py"] = b"x = 1\n"
    for name, data in originals.items():
        (root / name).write_bytes(data)
    (root / "mod_07.py").chmod(0o444)  # read-only: reported, never rewritten
    return originals


def _fix_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "tradelint", str(root), "--fix", "--unsafe-fixes"]


def _states(root: Path, originals: dict[str, bytes], fixed: dict[str, bytes]) -> dict[str, str]:
    """Each file's state; anything but "original" or "fixed" fails the test right here."""
    states = {}
    for entry in os.listdir(root):
        if TEMP_FILE.match(entry):
            continue  # a temporary file a killed run could not remove: never a checked file
        assert entry in originals, f"unexpected file {entry}"
    for name, original in originals.items():
        data = (root / name).read_bytes()
        if data == fixed[name] and data != original:
            states[name] = "fixed"
        elif data == original:
            states[name] = "original"
        else:
            raise AssertionError(f"{name} is neither its original nor its fixed version: {data[:200]!r}")
    return states


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    snapshot = {}
    for entry in os.scandir(root):
        try:
            info = entry.stat()
        except FileNotFoundError:  # a temporary file renamed meanwhile
            continue
        snapshot[entry.name] = (info.st_size, info.st_mtime_ns)
    return snapshot


def _untouched(root: Path, initial: dict[str, tuple[int, int]], with_temp: bool) -> bool:
    now = _snapshot(root)
    if not with_temp:
        now = {name: info for name, info in now.items() if not TEMP_FILE.match(name)}
    return now == initial


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes], float, float]:
    """Originals, fully fixed versions, and how long a run takes to compute and to finish."""
    base = tmp_path_factory.mktemp("reference")
    originals = _make_tree(base / "diff")
    started = time.perf_counter()
    subprocess.run([*_fix_command(base / "diff"), "--diff"], capture_output=True, check=False)
    compute = time.perf_counter() - started
    _make_tree(base / "fix")
    started = time.perf_counter()
    proc = subprocess.run(_fix_command(base / "fix"), capture_output=True, text=True)
    total = time.perf_counter() - started
    assert proc.returncode == 2, proc.stderr  # the read-only file
    assert proc.stderr == f"tradelint: {base / 'fix' / 'mod_07.py'}: read-only, not fixed\n"
    fixed = {name: (base / "fix" / name).read_bytes() for name in originals}
    changed = [n for n in originals if fixed[n] != originals[n]]
    assert len(changed) == FILES - 1  # every module but the read-only one
    return originals, fixed, compute, total


@pytest.mark.slow
def test_sigkill_at_random_moments(tmp_path: Path, reference: tuple[dict[str, bytes], dict[str, bytes], float, float]) -> None:
    originals, fixed, compute, total = reference
    rng = random.Random(8)
    seen: dict[str, int] = {}
    for attempt in range(KILL_RUNS):
        root = tmp_path / f"run{attempt}"
        _make_tree(root)
        initial = _snapshot(root)
        proc = subprocess.Popen(_fix_command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt % 2:
            time.sleep(rng.uniform(0, total * 1.1))  # anywhere in the run
        else:
            # Computing fixes takes most of a run and writing them a few milliseconds: wait for
            # the first temporary file, or for the first file replaced, then kill within 20 ms.
            with_temp = attempt % 4 == 0
            deadline = time.monotonic() + total * 5
            while proc.poll() is None and time.monotonic() < deadline and _untouched(root, initial, with_temp):
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        states = _states(root, originals, fixed)
        done = sum(1 for s in states.values() if s == "fixed")
        kind = "none" if done == 0 else "all" if done == FILES - 1 else "some"
        seen[kind] = seen.get(kind, 0) + 1
        assert states["mod_07.py"] == "original" and states["clean.py"] == "original"
        if attempt < 3:
            # What a killed run leaves, a new run finishes: every file ends fully fixed.
            subprocess.run(_fix_command(root), capture_output=True)
            assert set(_states(root, originals, fixed).values()) <= {"fixed", "original"}
            assert all((root / n).read_bytes() == fixed[n] for n in originals)
        shutil.rmtree(root, ignore_errors=True)
    print(f"SIGKILL runs: {KILL_RUNS}; files fixed when killed: {seen}")
    assert seen.get("some", 0) >= 1, f"no kill landed while files were being written: {seen}"


# Every step of one write, made to die there: the child kills itself at the n-th call of
# ``os.fsync`` or of the swap of names (``fixer._exchange``), so each moment of the
# temp-file/fsync/swap sequence is hit for certain. Each written file costs two fsyncs (its data,
# then its folder) and one swap; after the swap the old text waits under the temporary name until
# it is checked unedited, so a kill right after the swap leaves it behind.
KILLER = """
import os, signal, sys
from tradelint.cli import main
from tradelint.runner import fixer
name, n, when = sys.argv[1], int(sys.argv[2]), sys.argv[3]
module = fixer if name.startswith("_") else os
calls = 0
real = getattr(module, name)
def dying(*args, **kwargs):
    global calls
    calls += 1
    if calls == n and when == "half":  # the temporary file only half written
        os.ftruncate(args[0], os.fstat(args[0]).st_size // 2)
    if calls == n and when in ("half", "before"):
        os.kill(os.getpid(), signal.SIGKILL)
    result = real(*args, **kwargs)
    if calls == n and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(module, name, dying)
sys.argv = ["tradelint", *sys.argv[4:]]
main()
"""


@pytest.mark.parametrize(
    ("function", "nth", "when", "expected_fixed", "leftover"),
    [
        ("fsync", 1, "half", 0, 1),  # the first temporary file half written
        ("fsync", 1, "before", 0, 1),  # written, not yet flushed to disk
        ("_exchange", 1, "before", 0, 1),  # flushed, not yet swapped
        ("_exchange", 1, "after", 1, 1),  # the first file swapped into place, the old one not yet removed
        ("fsync", 23, "half", 11, 1),  # the 12th file half written
        ("_exchange", 12, "before", 11, 1),
        ("_exchange", 12, "after", 12, 1),
    ],
)
def test_killed_at_each_step_of_a_write(
    tmp_path: Path,
    reference: tuple[dict[str, bytes], dict[str, bytes], float, float],
    function: str,
    nth: int,
    when: str,
    expected_fixed: int,
    leftover: int,
) -> None:
    originals, fixed, _, _ = reference
    root = tmp_path / "tree"
    _make_tree(root)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, function, str(nth), when, str(root), "--fix", "--unsafe-fixes"],
        capture_output=True, cwd=ROOT,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    states = _states(root, originals, fixed)
    assert sum(1 for s in states.values() if s == "fixed") == expected_fixed
    assert len([e for e in os.listdir(root) if TEMP_FILE.match(e)]) == leftover
    # The next run ignores the leftover and finishes the job.
    subprocess.run(_fix_command(root), capture_output=True, cwd=ROOT)
    assert all((root / n).read_bytes() == fixed[n] for n in originals)


BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"


def test_read_only_file_is_reported_and_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clear_cache()
    locked = tmp_path / "locked.py"
    locked.write_text(BUG, encoding="utf-8")
    locked.chmod(0o444)
    other = tmp_path / "other.py"
    other.write_text(BUG, encoding="utf-8")
    stamp = locked.stat().st_mtime_ns
    assert run([str(tmp_path), "--fix"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"tradelint: {locked}: read-only, not fixed\n"
    assert locked.read_text(encoding="utf-8") == BUG and locked.stat().st_mtime_ns == stamp
    assert oct(locked.stat().st_mode & 0o777) == "0o444"
    assert "_keep_task(asyncio.create_task(g()))" in other.read_text(encoding="utf-8")


def test_file_changed_between_read_and_write_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the file while the fixes are computed: their version wins, untouched."""
    from tradelint.runner import fixer

    clear_cache()
    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    edited = "# saved from the editor meanwhile\n" + BUG
    real = fixer.compute_fixes

    def compute_then_edit(*args: object, **kwargs: object) -> fixer.FixOutcome:
        outcome = real(*args, **kwargs)  # type: ignore[arg-type]
        path.write_text(edited, encoding="utf-8")
        return outcome

    monkeypatch.setattr(fixer, "compute_fixes", compute_then_edit)
    assert run([str(path), "--fix"]) == 2
    assert capsys.readouterr().err == f"tradelint: {path}: changed on disk while fixing, not overwritten\n"
    assert path.read_text(encoding="utf-8") == edited
    assert os.listdir(tmp_path) == ["bug.py"]


def test_edits_come_from_the_bytes_that_are_compared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file changes right after the fixer reads it: findings and edits still come from what
    was read, so the write is refused instead of patching the new text at stale positions."""
    from tradelint.runner import fixer

    clear_cache()
    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    shifted = "\n\n\n" + BUG.replace("create_task(g())", "create_task(h())")
    real_read = fixer.SourceFile.read.__func__  # type: ignore[attr-defined]

    def read_then_edit(cls: type[fixer.SourceFile], p: Path) -> fixer.SourceFile:
        source = real_read(cls, p)
        p.write_text(shifted, encoding="utf-8")
        return source

    monkeypatch.setattr(fixer.SourceFile, "read", classmethod(read_then_edit))
    assert run([str(path), "--fix"]) == 2
    assert capsys.readouterr().err == f"tradelint: {path}: changed on disk while fixing, not overwritten\n"
    assert path.read_text(encoding="utf-8") == shifted
