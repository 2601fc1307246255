"""``flake8 --select TRD`` and ``tradelint`` report the same (path, line, code) over all fixtures."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>TRD\d{3}) ")


@pytest.mark.slow
def test_flake8_and_cli_agree_on_fixtures() -> None:
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TRD", "--isolated", "fixtures"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert flake8.returncode == 1, flake8.stderr
    via_flake8 = set()
    for line in flake8.stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        assert match, f"unexpected flake8 output line: {line!r}"
        via_flake8.add((match["path"].removeprefix("./"), int(match["line"]), match["code"]))

    cli = subprocess.run(
        [sys.executable, "-m", "tradelint", "--output-format", "json", "fixtures"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert cli.returncode == 1, cli.stderr
    via_cli = {(f["path"], f["line"], f["code"]) for f in json.loads(cli.stdout)}

    assert len(via_cli) > 200
    assert via_flake8 == via_cli
    # flake8's columns are the CLI's too (both 1-based characters).
    cols_flake8 = {(m["path"].removeprefix("./"), int(m["line"]), int(m["col"])) for m in map(FLAKE8_LINE.match, flake8.stdout.splitlines()) if m}
    cols_cli = {(f["path"], f["line"], f["column"]) for f in json.loads(cli.stdout)}
    assert cols_flake8 == cols_cli
    assert (FIXTURES / "TRD301.py").is_file()


BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"


def _flake8(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TRD", "--isolated", "."],
        cwd=cwd, capture_output=True, text=True,
    )


def test_flake8_honours_tool_tradelint(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tradelint]\nper-file-ignores = { "quiet.py" = ["TRD301"] }\n')
    (tmp_path / "loud.py").write_text(BUG)
    (tmp_path / "quiet.py").write_text(BUG)
    proc = _flake8(tmp_path)
    assert proc.returncode == 1
    assert [line.split(" ")[0] for line in proc.stdout.splitlines()] == ["./loud.py:5:5:"]


def test_flake8_reports_a_broken_config_as_trd002(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\nselec = ['TRD']\n")
    (tmp_path / "bug.py").write_text(BUG)
    proc = _flake8(tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"./bug.py:1:1: TRD002 {tmp_path / 'pyproject.toml'}:2:1: [tool.tradelint] key 'selec': unknown key; "
        "did you mean 'select'?"
    ]


def test_flake8_runs_preview_rules_only_when_tradelint_is_told_to(tmp_path: Path) -> None:
    typo = "class Vat:\n    def __init__(self):\n        self.spot_markets = {}\n\n\ndef count(vat: Vat):\n    return vat.spot_market\n"
    (tmp_path / "typo.py").write_text(typo)
    assert _flake8(tmp_path).stdout == ""
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\npreview = true\n")
    assert [line.split(" ")[:2] for line in _flake8(tmp_path).stdout.splitlines()] == [["./typo.py:7:12:", "TRD403"]]
