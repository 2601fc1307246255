"""``--watch`` (issue 31), as ruff's: a check, then another whenever a watched file changes,
until the process is stopped. Driven as a user would: a real process, a file edited."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

BUG = "import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n"
# A guard against a hung test, not a measurement: each step normally takes about a second.
STEP_LIMIT = 120.0


def _read_until(proc: subprocess.Popen[str], marker: str) -> str:
    """stderr up to and including the line ``marker``."""
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + STEP_LIMIT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if not ready:
            continue
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.rstrip("\n") == marker:
            return "".join(seen)
    raise AssertionError(f"no {marker!r} on stderr; got {''.join(seen)!r}")


def test_watch_checks_again_when_a_file_changes(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradelint", "--watch", "--no-cache", "--output-format", "concise", "."],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert _read_until(proc, "Watching for file changes.") == (
            "Starting linter in watch mode...\nWatching for file changes.\n"
        )
        (tmp_path / "app.py").write_text(BUG, encoding="utf-8")
        assert _read_until(proc, "Watching for file changes.") == "File change detected...\nWatching for file changes.\n"
        # A new file is seen too.
        (tmp_path / "new.py").write_text(BUG, encoding="utf-8")
        _read_until(proc, "Watching for file changes.")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=STEP_LIMIT)
    assert proc.returncode == 143
    message = "TRD301 [*] task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
    assert re.sub(r" in \d+\.\d\ds:", " in 0.00s:", out) == (
        "Checked 1 file in 0.00s: all checks passed.\n"
        f"app.py:5:5: {message}\n"
        "Checked 1 file in 0.00s: 1 finding, 1 fixable with `--fix`.\n"
        f"app.py:5:5: {message}\n"
        f"new.py:5:5: {message}\n"
        "Checked 2 files in 0.00s: 2 findings, 2 fixable with `--fix`.\n"
    )


@pytest.mark.parametrize("other", [["--statistics"], ["--add-noqa"], ["-o", "x.txt"]])
def test_watch_is_not_combined(other: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", "--watch", *other, "."], cwd=tmp_path, capture_output=True, text=True,
        env=env, timeout=STEP_LIMIT,
    )
    flag = {"--statistics": "--statistics", "--add-noqa": "--add-noqa", "-o": "--output-file"}[other[0]]
    assert (proc.returncode, proc.stderr) == (2, f"tradelint: error: --watch cannot be combined with {flag}\n")
