"""No traceback on any output path: undecodable and control-character names in every format, a
deleted working folder, a closed stdout or stderr; ``--statistics`` in every format. Real
processes, because each of these lives in the process's streams and working folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_output import _sarif_validator

ROOT = Path(__file__).resolve().parent.parent
BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
FORMATS = ["text", "concise", "json", "github", "sarif"]
UNDECODABLE = os.fsdecode(b"bad\xff.py")
CONTROL = "new\nline\x1b[31m.py"


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}


def _tradelint(args: list[str], cwd: Path, shell_prefix: str = "", shell_suffix: str = "") -> subprocess.CompletedProcess[bytes]:
    """Run tradelint, optionally through ``sh -c`` to close streams or delete the working folder."""
    command = [sys.executable, "-m", "tradelint", "--no-cache", *args]
    if not (shell_prefix or shell_suffix):
        return subprocess.run(command, capture_output=True, cwd=cwd, env=_env())
    script = f'{shell_prefix} exec "$@" {shell_suffix}'
    return subprocess.run(["sh", "-c", script, "sh", *command], capture_output=True, cwd=cwd, env=_env())


def _tree(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / name).write_text(BUG, encoding="utf-8")
    return folder


def _no_traceback(proc: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in proc.stderr and b"Traceback" not in proc.stdout, proc.stderr.decode(errors="replace")


@pytest.mark.parametrize("output_format", FORMATS)
def test_undecodable_name_in_every_format(tmp_path: Path, output_format: str) -> None:
    _tree(tmp_path, UNDECODABLE)
    proc = _tradelint(["--output-format", output_format, "src"], tmp_path)
    _no_traceback(proc)
    assert proc.returncode == 1
    out = proc.stdout.decode("utf-8")  # valid UTF-8 whatever the name's bytes
    if output_format in ("text", "concise", "github"):
        assert "src/bad\\xff.py:5:5: TRD301" in out
    elif output_format == "json":
        assert [f["path"] for f in json.loads(out)] == ["src/bad\\xff.py"]
    else:
        log = json.loads(out)
        uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "src/bad%FF.py"  # the name's own bytes, percent-encoded
        assert [e.message for e in _sarif_validator().iter_errors(log)] == []


@pytest.mark.parametrize("output_format", ["text", "concise"])
def test_control_characters_in_names_are_escaped_in_text(tmp_path: Path, output_format: str) -> None:
    _tree(tmp_path, CONTROL)
    proc = _tradelint(["--output-format", output_format, "src"], tmp_path)
    _no_traceback(proc)
    assert b"\x1b" not in proc.stdout
    first = proc.stdout.decode().splitlines()[0]
    assert first.startswith("src/new\\nline\\x1b[31m.py:5:5: TRD301 [*] ")


@pytest.mark.parametrize("output_format", FORMATS)
def test_deleted_working_folder(tmp_path: Path, output_format: str) -> None:
    src = _tree(tmp_path, "bug.py")
    gone = tmp_path / "gone"
    gone.mkdir()
    proc = _tradelint(
        ["--output-format", output_format, str(src)], tmp_path, shell_prefix=f"cd {gone} && rmdir {gone} &&"
    )
    _no_traceback(proc)
    assert proc.returncode == 1
    assert b"TRD301" in proc.stdout
    if output_format == "sarif":
        assert [e.message for e in _sarif_validator().iter_errors(json.loads(proc.stdout))] == []


@pytest.mark.parametrize("output_format", FORMATS)
def test_closed_stdout(tmp_path: Path, output_format: str) -> None:
    _tree(tmp_path, "bug.py")
    proc = _tradelint(["--output-format", output_format, "src"], tmp_path, shell_suffix=">&-")
    _no_traceback(proc)
    assert proc.returncode == 1  # the findings still decide the exit status


@pytest.mark.parametrize("output_format", ["json", "sarif"])
def test_closed_stderr_keeps_the_summary_out_of_stdout(tmp_path: Path, output_format: str) -> None:
    _tree(tmp_path, "bug.py")
    proc = _tradelint(["--output-format", output_format, "src"], tmp_path, shell_suffix="2>&-")
    assert proc.returncode == 1
    json.loads(proc.stdout)  # nothing but the report
    assert b"Checked" not in proc.stdout


def test_a_full_disk_on_stdout_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    _tree(tmp_path, "bug.py")
    proc = _tradelint(["--output-format", "json", "src"], tmp_path, shell_suffix=">/dev/full")
    _no_traceback(proc)
    assert proc.returncode == 2
    assert proc.stderr.decode().splitlines()[-1] == "tradelint: error: cannot write the report: No space left on device"


def test_statistics_honour_the_output_format(tmp_path: Path) -> None:
    _tree(tmp_path, "bug.py")
    (tmp_path / "src" / "other.py").write_text(BUG, encoding="utf-8")
    github = _tradelint(["--statistics", "--output-format", "github", "src"], tmp_path)
    assert github.stdout.decode().splitlines() == [
        "::notice title=tradelint statistics (TRD301)::2 TRD301 discarded-task (2 fixable with --fix)"
    ]
    sarif = _tradelint(["--statistics", "--output-format", "sarif", "src"], tmp_path)
    log = json.loads(sarif.stdout)
    assert [e.message for e in _sarif_validator().iter_errors(log)] == []
    assert log["runs"][0]["properties"]["statistics"] == [
        {"code": "TRD301", "name": "discarded-task", "count": 2, "fixable": 2}
    ]
    assert len(log["runs"][0]["results"]) == 2
    for proc in (github, sarif):
        assert proc.returncode == 1 and proc.stderr.decode().startswith("Checked 2 files")
