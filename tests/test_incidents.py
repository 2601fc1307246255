"""The three incidents as runnable programs: the failure is observed, ``tradelint --fix`` repairs a
copy, the repaired program behaves, and tradelint then reports nothing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.conftest import FIXTURES
from tests.programs import copy_program, run_python

PROGRAMS = FIXTURES / "incidents"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_python(args, cwd, timeout=120)


def _copy(name: str, tmp_path: Path) -> Path:
    return copy_program(PROGRAMS / name, tmp_path)


def _fix_and_recheck(program: Path, files: int, fixes: int, *flags: str) -> None:
    fixed = _run(["-m", "tradelint", "--fix", *flags, "."], program)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    files_checked = f"Checked {files} files in "
    assert re.fullmatch(rf"{files_checked}\d+\.\d\ds: fixed {fixes} findings, 0 remaining\.\n", fixed.stdout)
    check = _run(["-m", "tradelint", "."], program)
    assert check.returncode == 0, check.stdout
    assert re.fullmatch(rf"{files_checked}\d+\.\d\ds: all checks passed\.\n", check.stdout)


def test_000_renamed_attribute(tmp_path: Path) -> None:
    program = _copy("000_vat_program", tmp_path)
    before = _run(["main.py"], program)
    assert before.returncode == 1
    assert "AttributeError: 'Vat' object has no attribute 'spot_map'" in before.stderr
    # ``hasattr(vat, "spot_map")`` names the attribute in a string: an unsafe fix.
    _fix_and_recheck(program, 4, 2, "--unsafe-fixes")
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (0, "spot markets: 2, has spot: True\n", "")


def test_001_dataclass_cache_key(tmp_path: Path) -> None:
    program = _copy("001_cache_key_program", tmp_path)
    before = _run(["main.py"], program)
    assert before.stdout == "class key: 'analysis:signals'\ninstance key: ''\n"
    _fix_and_recheck(program, 6, 3)  # safe fixes suffice
    after = _run(["main.py"], program)
    assert (after.returncode, after.stdout, after.stderr) == (
        0,
        "class key: 'analysis:signals'\ninstance key: 'analysis:signals'\n",
        "",
    )


def test_002_unclosed_session_and_pending_task(tmp_path: Path) -> None:
    program = _copy("002_context_service_program", tmp_path)
    before = _run(["main.py"], program)
    assert before.returncode == 0
    assert "Task was destroyed but it is pending!" in before.stderr
    # Two sessions leak: the service's own, and the one its history provider opened in
    # connect() and would close in close(), which shutdown() never calls (the real leak).
    assert before.stderr.count("Unclosed client session") == 2
    # Four tasks still pending when shutdown() returns: the backfill, the discarded refresh
    # and the two responses' keep-alive handlers.
    assert "pending after shutdown: 4\n" in before.stdout
    # Cancelling the tasks at shutdown changes what shutdown does: unsafe fixes. The discarded
    # refresh is kept on the instance and ended in shutdown(), not only kept alive; both
    # sessions are closed there, the provider's through its own close().
    _fix_and_recheck(program, 3, 4, "--unsafe-fixes")
    after = _run(["main.py"], program)
    assert after.returncode == 0, after.stderr
    assert after.stdout == "levels: {'VWAP': 64210.5, 'POC': 64180.0}\npending after shutdown: 0\nstopped\n"
    assert after.stderr == ""
