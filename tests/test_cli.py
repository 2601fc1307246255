"""The ``tradelint`` command: output formats, exit codes, discovery, suppression, config errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
CLEAN = "import asyncio\n\n\nasync def f():\n    await asyncio.create_task(g())\n"
MESSAGE = "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
HELP = "The event loop keeps only a weak reference, so the task can be garbage-collected mid-run"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # The summary's time, made exact.
    monkeypatch.setattr(cli, "clock", lambda: 0.0)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_text_output_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bug = write(tmp_path / "bug.py", BUG)
    assert run([str(bug)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{bug}:5:5: TRD301 [*] {MESSAGE}",
        "  |",
        "5 |     asyncio.create_task(g())",
        "  |     ^^^^^^^^^^^^^^^^^^^^^^^^",
        f"  = help: {HELP}",
        "",
        "Checked 1 file in 0.00s: 1 finding, 1 fixable with `--fix`.",
    ]


def test_clean_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "ok.py", CLEAN)
    assert run([str(tmp_path)]) == 0
    assert capsys.readouterr().out == "Checked 1 file in 0.00s: all checks passed.\n"


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bug = write(tmp_path / "bug.py", "import asyncio\nasync def f():\n    é = 1; asyncio.create_task(g())\n")
    assert run([str(bug), "--output-format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    # Columns count characters: the 2-byte "é" shifts the byte offset, not the column.
    assert data == [
        {
            "code": "TRD301",
            "message": MESSAGE,
            "help": HELP,
            "path": str(bug),
            "line": 3,
            "column": 12,
            "end_line": 3,
            "end_column": 36,
            "fix": {"title": "Keep a strong reference until the task is done", "safety": "safe"},
        }
    ]


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bug = write(tmp_path / "bug.py", BUG)
    assert run([str(bug), "--select", "TRD2"]) == 0
    assert run([str(bug), "--ignore", "TRD301"]) == 0
    assert run([str(bug), "--select", "TRD3,TRD2"]) == 1
    capsys.readouterr()


def test_unknown_code_on_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run([str(tmp_path), "--select", "TRD999"])
    assert exc.value.code == 2
    assert "argument --select: unknown rule code or prefix 'TRD999'" in capsys.readouterr().err


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err == f"tradelint: error: {tmp_path / 'nope'}: no such file or directory\n"


def test_noqa(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BUG.replace("(g())\n", "(g())  # noqa: TRD301\n")
    write(tmp_path / "a.py", text)
    write(tmp_path / "b.py", BUG.replace("(g())\n", "(g())  # noqa\n"))
    write(tmp_path / "c.py", BUG.replace("(g())\n", "(g())  # noqa: TRD201\n"))
    assert run([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "a.py" not in out and "b.py" not in out and "c.py:5:5: TRD301" in out


def test_syntax_error_is_one_finding_and_run_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "broken.py", "def f(:\n    pass\n")
    write(tmp_path / "bug.py", BUG)
    write(tmp_path / "nul.py", "x = 1\x00\n")
    write(tmp_path / "latin.py", "# -*- coding: nope -*-\nx = 1\n")
    (tmp_path / "bad_utf8.py").write_bytes(b"x = '\xff'\n")
    assert run([str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{tmp_path / 'broken.py'}:1:7: TRD001 syntax error: invalid syntax" in out
    grammar = f"Python {sys.version_info.major}.{sys.version_info.minor} grammar"
    assert f"  = help: Parsed with the {grammar}; no rule ran on this file" in out
    assert f"{tmp_path / 'bug.py'}:5:5: TRD301 [*] {MESSAGE}" in out
    assert f"{tmp_path / 'nul.py'}:1:6: TRD001 file contains a NUL byte: not Python source" in out
    assert f"{tmp_path / 'latin.py'}:1:1: TRD001 cannot decode file: unknown encoding: nope" in out
    assert f"{tmp_path / 'bad_utf8.py'}:1:6: TRD001 cannot decode file as utf-8: byte 0xff: invalid start byte" in out
    assert out[-1] == "Checked 5 files in 0.00s: 5 findings, 1 fixable with `--fix`."


def test_deep_nesting_does_not_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "deep.py", "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n")
    write(tmp_path / "deep2.py", "x = " + "-" * 100000 + "1\n")
    assert run([str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len([line for line in out if ": TRD001 " in line]) == 2


def test_skips_vcs_virtualenvs_and_excluded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tradelint]\nexclude = ["generated", "legacy_*.py"]\n')
    write(tmp_path / ".git" / "hook.py", BUG)
    write(tmp_path / "env" / "pyvenv.cfg", "")
    write(tmp_path / "env" / "lib" / "mod.py", BUG)
    write(tmp_path / "generated" / "api.py", BUG)
    write(tmp_path / "src" / "legacy_client.py", BUG)
    kept = write(tmp_path / "src" / "client.py", BUG)
    assert run([str(tmp_path), "--output-format", "concise"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out[:-1]] == [str(kept)]
    # A file named on the command line is checked even when excluded, as ruff does by default.
    assert run([str(tmp_path / "generated" / "api.py")]) == 1
    capsys.readouterr()


def test_per_file_ignores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tradelint]\nper-file-ignores = { "tests/*" = ["TRD3"] }\n')
    write(tmp_path / "tests" / "test_x.py", BUG)
    app = write(tmp_path / "app.py", BUG)
    assert run([str(tmp_path), "--output-format", "concise"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out[:-1]] == [str(app)]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.tradelint]\nselec = ['TRD']\n", ":2:1: [tool.tradelint] key 'selec': unknown key; did you mean 'select'?"),
        ('[tool.tradelint]\nper_file_ignores = {}\n', ":2:1: [tool.tradelint] key 'per_file_ignores': unknown key; did you mean 'per-file-ignores'?"),
        ('[tool.tradelint]\ncolour = true\n', ":2:1: [tool.tradelint] key 'colour': unknown key (known keys: select, extend-select, ignore, extend-ignore, per-file-ignores, exclude, resources, task-owners, task-owner-classes, task-keeper, task-drain-seconds, shutdown-methods, renames, rename-packs, renames-unknown-receivers, preview, check-uncalled-methods, fixable, unfixable, extend, respect-gitignore, runtime)"),
        ("[tool.tradelint]\nselect = ['TDR301']\n", ":2:1: [tool.tradelint] key 'select': unknown rule code or prefix 'TDR301'; did you mean 'TRD301'?"),
        ("[tool.tradelint]\nexclude = ['gen[erated']\n", ":2:1: [tool.tradelint] key 'exclude': unclosed character class in 'gen[erated'"),
        ("[tool.tradelint]\nselect = ['TRD999']\n", ":2:1: [tool.tradelint] key 'select': unknown rule code or prefix 'TRD999'"),
        ("[tool.tradelint]\nignore = 'TRD301'\n", ":2:1: [tool.tradelint] key 'ignore': expected a list of strings, got 'TRD301'"),
        ('[tool.tradelint\nselect = []\n', ":1:16: invalid TOML: Expected ']' at the end of a table declaration"),
        ("[tool.tradelint]\nrenames = { 'a.b' = 'not an id' }\n", ":2:13: [tool.tradelint] key 'renames.a.b': the new name must be an identifier, got 'not an id'"),
        ("[tool.tradelint]\nrenames = { 'a' = 'b', 'b' = 'a' }\n", ":2:13: [tool.tradelint] key 'renames.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
        ("[tool.tradelint]\nresources = { 'lib.Client' = 3 }\n", ":2:15: [tool.tradelint] key 'resources.lib.Client': expected a close method name, got 3"),
        ("[tool.tradelint]\nper-file-ignores = { 'tests/*' = ['XYZ1'] }\n", ":2:22: [tool.tradelint] key 'per-file-ignores.tests/*': unknown rule code or prefix 'XYZ1'"),
        ("[tool.tradelint]\nrename-packs = ['web3-v6', 'web3-v9']\n", ":2:1: [tool.tradelint] key 'rename-packs': unknown rename pack 'web3-v9' (available: ccxt-exchange-ids, driftpy-0.7, eth-abi-4, eth-account-0.13, numpy-2, pandas-2, pydantic-v2, web3-v6, web3-v7)"),
        ("[tool.tradelint]\nrename-packs = 'web3-v6'\n", ":2:1: [tool.tradelint] key 'rename-packs': expected a list of strings, got 'web3-v6'"),
        ("[tool.tradelint]\nrenames-unknown-receivers = 'yes'\n", ":2:1: [tool.tradelint] key 'renames-unknown-receivers': expected true or false, got 'yes'"),
    ],
)
def test_config_errors_exit_2_before_any_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str
) -> None:
    write(tmp_path / "pyproject.toml", toml)
    write(tmp_path / "bug.py", BUG)
    assert run([str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"tradelint: error: {tmp_path / 'pyproject.toml'}{message}\n"


def test_config_file_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "cfg.toml", "[tool.tradelint]\nignore = ['TRD301']\n")
    bug = write(tmp_path / "bug.py", BUG)
    assert run([str(bug), "--config", str(tmp_path / "cfg.toml")]) == 0
    capsys.readouterr()


def test_console_script_runs(tmp_path: Path) -> None:
    bug = write(tmp_path / "bug.py", BUG)
    proc = subprocess.run(
        [sys.executable, "-m", "flake8_tradelint", str(bug)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == f"{bug}:5:5: TRD301 [*] {MESSAGE}"
    assert proc.stderr == ""


TYPO = """\
class Vat:
    def __init__(self) -> None:
        self.spot_markets: dict[int, str] = {}


def count(vat: Vat) -> int:
    return len(vat.spot_market)
"""


@pytest.mark.parametrize(
    ("config", "args", "reported"),
    [
        ("", [], False),  # a preview rule is off by default
        ("", ["--select", "TRD4"], False),  # a prefix does not turn it on
        ("", ["--select", "TRD403"], True),  # its full code does
        ("", ["--preview"], True),
        ("preview = true\n", [], True),
        ('select = ["TRD403"]\n', [], True),
        ("preview = true\n", ["--ignore", "TRD403"], False),
        ("preview = false\n", ["--preview"], True),
    ],
)
def test_preview_rules_run_only_when_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str, args: list[str], reported: bool
) -> None:
    write(tmp_path / "pyproject.toml", "[tool.tradelint]\n" + config)
    typo = write(tmp_path / "typo.py", TYPO)
    assert run([str(typo), "--output-format", "concise", "-q", *args]) == (1 if reported else 0)
    expected = (
        f"{typo}:7:16: TRD403 `vat.spot_market` is not defined on `Vat`; did you mean `spot_markets`?\n"
        if reported
        else ""
    )
    assert capsys.readouterr().out == expected
