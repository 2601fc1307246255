"""One suppression model, one selection model: the CLI, flake8 and the mypy plugin report the
same lines of the same file under the same ``noqa`` comments and the same configuration."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from mypy import api

from tradelint import api as tradelint_api
from tradelint.core.suppression import suppressed

PROGRAM = '''\
import asyncio


async def work() -> None:
    await asyncio.sleep(0)


async def main() -> None:
    asyncio.create_task(work())
    asyncio.create_task(work())  # noqa
    asyncio.create_task(work())  # NOQA: trd301
    asyncio.create_task(work())  # noqa:TRD301,TRD302
    asyncio.create_task(work())  # noqa: TRD3
    asyncio.create_task(work())  # noqa: RUF006
    asyncio.create_task(work())  # noqa: ASYNC300
    asyncio.create_task(work())  # noqa : TRD301
    asyncio.create_task(work())  # noqa: E501
    asyncio.create_task(work())  # noqa: TRD302
    task = asyncio.create_task(work())  # noqa: RUF006
    other = asyncio.create_task(work())  # noqa: ASYNC300
'''
# Reported everywhere: no comment; "noqa : X" is not the grammar (as in flake8 and ruff, a bare
# noqa then); E501, TRD302, RUF006 and ASYNC300 name other codes (another linter's code silences
# only that linter, as in flake8 and ruff).
EXPECTED_TRD301 = [9, 14, 15, 17, 18]
EXPECTED_TRD302 = [19, 20]


def _project(tmp_path: Path, table: str = "") -> Path:
    (tmp_path / "pyproject.toml").write_text(
        # preview on, as before issue 28 made TRD302 a default rule: the program keeps its second task code.
        '[tool.mypy]\nplugins = ["mypy_plugin"]\n\n[tool.tradelint]\npreview = true\n' + table, encoding="utf-8"
    )
    (tmp_path / "app.py").write_text(PROGRAM, encoding="utf-8")
    return tmp_path


def _cli(project: Path, *args: str) -> list[tuple[int, str]]:
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", "--output-format", "concise", "--no-cache", "app.py", *args],
        cwd=project, capture_output=True, text=True,
    )
    return sorted((int(m[1]), m[2]) for m in re.finditer(r"^app\.py:(\d+):\d+: (TRD\d+)", proc.stdout, re.M))


def _flake8(project: Path, *args: str) -> list[tuple[int, str]]:
    """flake8 on app.py; ``--select TRD`` unless ``args`` make their own selection."""
    selection = [] if any(a.endswith("select") for a in args) else ["--select", "TRD"]
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *selection, *args, "app.py"],
        cwd=project, capture_output=True, text=True,
    )
    return sorted((int(m[1]), m[2]) for m in re.finditer(r"^(?:\./)?app\.py:(\d+):\d+: (TRD\d+)", proc.stdout, re.M))


def _mypy(project: Path) -> list[tuple[int, str]]:
    import os

    cwd = os.getcwd()
    os.chdir(project)
    try:
        stdout, stderr, status = api.run(
            ["--config-file", "pyproject.toml", "--cache-dir", str(project / ".mypy_cache"),
             "--no-error-summary", "--hide-error-context", "app.py"]
        )
    finally:
        os.chdir(cwd)
    assert status in (0, 1), stdout + stderr
    return sorted((int(m[1]), m[2].upper()) for m in re.finditer(r"^app\.py:(\d+): error: .*\[(trd\d+)\]$", stdout, re.M))


def test_the_same_lines_in_every_front_end(tmp_path: Path) -> None:
    project = _project(tmp_path)
    expected = sorted([(n, "TRD301") for n in EXPECTED_TRD301] + [(n, "TRD302") for n in EXPECTED_TRD302])
    assert _cli(project) == expected
    assert _flake8(project) == expected
    # The mypy plugin checks TRD301 only among the task rules (it needs no more than the types).
    assert _mypy(project) == [(n, "TRD301") for n in EXPECTED_TRD301]


def test_disable_noqa_under_flake8_reports_every_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert [line for line, code in _flake8(project, "--disable-noqa") if code == "TRD301"] == list(range(9, 19))


def test_command_line_select_overrides_configured_ignore_in_cli_and_flake8(tmp_path: Path) -> None:
    project = _project(tmp_path, 'ignore = ["TRD301"]\n')
    assert _cli(project) == [(19, "TRD302"), (20, "TRD302")]
    # no select: the file's ignore holds
    assert _flake8(project, "--extend-select", "TRD") == [(19, "TRD302"), (20, "TRD302")]
    with_select = sorted([(n, "TRD301") for n in EXPECTED_TRD301] + [(n, "TRD302") for n in EXPECTED_TRD302])
    assert _cli(project, "--select", "TRD3") == with_select
    assert _flake8(project, "--select", "TRD3") == with_select


def test_noqa_grammar() -> None:
    assert suppressed("x  # noqa", "TRD301")
    assert suppressed("x  # NoQA:trd301", "TRD301")
    assert suppressed("x  # noqa: TRD302, TRD301", "TRD301")
    assert suppressed("x  # noqa: TRD302 TRD301", "TRD301")
    assert not suppressed("x  # noqa: RUF006", "TRD301")
    assert not suppressed("x  # noqa: RUF006", "TRD302")
    assert not suppressed("x  # noqa: ASYNC300", "TRD301")
    assert suppressed("x  # noqa: RUF006, TRD301", "TRD301")
    assert not suppressed("x  # noqa: TRD3011", "TRD301")
    assert not suppressed("x = '# noqa: TRD301'", "TRD302")
    assert not suppressed("x  # no qa", "TRD301")


def test_api_check_and_fix_source(tmp_path: Path) -> None:
    source = "import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n"
    findings = tradelint_api.check_source(source, tmp_path / "m.py")
    assert [(f.line, f.column, f.code) for f in findings] == [(5, 5, "TRD301")]
    assert tradelint_api.check_source(source, tmp_path / "m.py", ignore=["TRD3"]) == []
    assert [f.code for f in tradelint_api.check_source("def (:\n", tmp_path / "m.py", select=["TRD1"])] == ["TRD001"]
    result = tradelint_api.fix_source(source, tmp_path / "m.py", unsafe=True)
    assert (result.fixed, result.remaining, result.errors) == (1, [], [])
    assert tradelint_api.check_source(result.text, tmp_path / "m.py") == []
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    assert [f.code for f in tradelint_api.check_paths([tmp_path / "m.py"])] == ["TRD301"]


def test_mypy_also_honours_type_ignore_with_the_rule_code(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "app.py").write_text(
        PROGRAM.replace("    asyncio.create_task(work())\n", "    asyncio.create_task(work())  # type: ignore[trd301]\n", 1),
        encoding="utf-8",
    )
    assert _mypy(project) == [(14, "TRD301"), (15, "TRD301"), (17, "TRD301"), (18, "TRD301")]
