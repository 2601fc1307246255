"""The CLI habits ruff users bring (issue 31): ``--output-file``, ``--exit-non-zero-on-fix``,
``--fix-only`` and ``--show-fixes``, with ruff's names, exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache

BUG = "import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n    asyncio.ensure_future(g())\n"
FIXED = (
    "import asyncio\n\n\nasync def f(g):\n    _keep_task(asyncio.create_task(g()))\n"
    "    _keep_task(asyncio.ensure_future(g()))\n"
)
# A finding without a fix.
NO_FIX = (
    "import asyncio\n\n\nclass Feed:\n    async def start(self):\n"
    "        self._task = asyncio.create_task(self.run())\n\n    async def run(self):\n        pass\n"
)
NO_FIX_LINE = (
    "nofix.py:6:9: TRD303 `self._task` is never cancelled or awaited; add a shutdown method that cancels and awaits it"
)


@pytest.fixture(autouse=True)
def _project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(tmp_path)
    Path("bug.py").write_text(BUG, encoding="utf-8")
    Path("nofix.py").write_text(NO_FIX, encoding="utf-8")


def test_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    # As ruff's: the report goes to the file (its folders made), nothing to stdout.
    assert run(["--no-cache", "--output-format", "concise", "-o", "reports/lint.txt", "nofix.py"]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
    assert Path("reports/lint.txt").read_text(encoding="utf-8") == (
        f"{NO_FIX_LINE}\nChecked 1 file in 0.00s: 1 finding, none fixable.\n"
    )
    # A machine-read format: the file holds only the report; the summary stays on stderr.
    assert run(["--no-cache", "--output-format", "json", "--output-file", "lint.json", "nofix.py"]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "Checked 1 file in 0.00s: 1 finding, none fixable.\n")
    assert [f["code"] for f in json.loads(Path("lint.json").read_text(encoding="utf-8"))] == ["TRD303"]
    # A file that cannot be written is an error (exit 2) naming it, and nothing is checked.
    Path("taken").write_text("", encoding="utf-8")
    assert run(["--no-cache", "-o", "taken/lint.txt", "nofix.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tradelint: error: cannot write --output-file taken/lint.txt: ")


def test_exit_non_zero_on_fix(capsys: pytest.CaptureFixture[str]) -> None:
    # --fix exits 0 when nothing remains ...
    assert run(["--no-cache", "--fix", "bug.py"]) == 0
    Path("bug.py").write_text(BUG, encoding="utf-8")
    # ... and 1 with --exit-non-zero-on-fix when it changed a file, as ruff's.
    assert run(["--no-cache", "--fix", "--exit-non-zero-on-fix", "bug.py"]) == 1
    assert Path("bug.py").read_text(encoding="utf-8").endswith(FIXED.split("\n\n\n")[1])
    # Nothing left to fix, nothing found: 0.
    assert run(["--no-cache", "--fix", "--exit-non-zero-on-fix", "bug.py"]) == 0
    # Without --fix nothing is fixed; findings still give 1.
    assert run(["--no-cache", "--exit-non-zero-on-fix", "nofix.py"]) == 1
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:  # ruff: the two exit flags conflict
        run(["--exit-zero", "--exit-non-zero-on-fix", "bug.py"])
    assert exited.value.code == 2
    assert "argument --exit-non-zero-on-fix: not allowed with argument --exit-zero" in capsys.readouterr().err


def test_fix_only(capsys: pytest.CaptureFixture[str]) -> None:
    # Fixes are applied; what remains is neither reported nor a reason to exit 1.
    assert run(["--no-cache", "--fix-only", "bug.py", "nofix.py"]) == 0
    assert capsys.readouterr().out == "Checked 2 files in 0.00s: fixed 2 findings.\n"
    assert Path("bug.py").read_text(encoding="utf-8").endswith(FIXED.split("\n\n\n")[1])
    assert Path("nofix.py").read_text(encoding="utf-8") == NO_FIX
    Path("bug.py").write_text(BUG, encoding="utf-8")
    assert run(["--no-cache", "--fix-only", "--exit-non-zero-on-fix", "bug.py"]) == 1
    assert run(["--no-cache", "--fix-only", "--exit-non-zero-on-fix", "bug.py"]) == 0  # nothing more to fix
    capsys.readouterr()
    # JSON: nothing is reported; the summary on stderr.
    Path("bug.py").write_text(BUG, encoding="utf-8")
    assert run(["--no-cache", "--fix-only", "--output-format", "json", "bug.py", "nofix.py"]) == 0
    assert capsys.readouterr() == ("", "Checked 2 files in 0.00s: fixed 2 findings.\n")


def test_fix_only_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    class Stdin:
        buffer = io.BytesIO(NO_FIX.encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    assert run(["--fix-only", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out == NO_FIX  # unchanged, the finding not reported
    assert captured.err == "Checked 1 file in 0.00s: fixed 0 findings.\n"


def test_show_fixes(capsys: pytest.CaptureFixture[str]) -> None:
    Path("second.py").write_text(BUG.replace("    asyncio.ensure_future(g())\n", ""), encoding="utf-8")
    assert run(["--no-cache", "--fix", "--show-fixes", "bug.py", "second.py", "nofix.py"]) == 1
    assert capsys.readouterr().out == (
        f"{NO_FIX_LINE}\n"
        "  |\n"
        "6 |         self._task = asyncio.create_task(self.run())\n"
        "  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  = help: `Feed` starts it in `start()`; at loop close it is destroyed while pending\n"
        "\n"
        "Fixed 3 findings:\n"
        "- bug.py:\n"
        "    2 × TRD301 (discarded-task)\n"
        "- second.py:\n"
        "    1 × TRD301 (discarded-task)\n"
        "Checked 3 files in 0.00s: fixed 3 findings, 1 remaining (none fixable).\n"
    )
    # Nothing fixed: no list. With --quiet: none either, as ruff's.
    assert run(["--no-cache", "--fix", "--show-fixes", "nofix.py", "--output-format", "concise"]) == 1
    assert capsys.readouterr().out == f"{NO_FIX_LINE}\nChecked 1 file in 0.00s: fixed 0 findings, 1 remaining (none fixable).\n"
    Path("bug.py").write_text(BUG, encoding="utf-8")
    assert run(["--no-cache", "--fix", "--show-fixes", "--quiet", "bug.py"]) == 0
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit):  # ruff: --diff conflicts with --show-fixes
        run(["--diff", "--show-fixes", "bug.py"])
