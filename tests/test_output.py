"""Output formats, ``--statistics``, ``--quiet``, the summary line, colour and progress."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Fix
from tradelint.output import format_github, format_text, _Paint
from tradelint.core.progress import PROGRESS_THRESHOLD, Progress
from tests.conftest import ROOT

DATA = Path(__file__).resolve().parent / "data"
BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
MESSAGE = "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
HELP = "The event loop keeps only a weak reference, so the task can be garbage-collected mid-run"
SESSION = "import aiohttp\n\nsession = aiohttp.ClientSession()\n"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    monkeypatch.delenv("NO_COLOR", raising=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_text_excerpt_handles_tabs_wide_characters_and_multiline_spans() -> None:
    paint = _Paint(False)
    fix = Fix("Keep a strong reference until the task is done", "unsafe", ())
    wide = Finding("m.py", 3, 10, "TRD301", "msg", 3, 34, fix, "why it matters")
    line = '\t名前 = 1; asyncio.create_task(g())'
    assert format_text(wide, ["", "", line], paint) == [
        "m.py:3:10: TRD301 [*unsafe] msg",
        "  |",
        f"3 | {line}",
        # The tab is kept (it lines up the same), each wide character takes two cells.
        "  | \t          ^^^^^^^^^^^^^^^^^^^^^^^^",
        # The help, not the fix's title: the message already says what to do.
        "  = help: why it matters",
    ]
    multi = Finding("m.py", 10, 5, "TRD201", "msg", 12, 2)
    lines = [""] * 9 + ["    s = Session(   ", "  a,", ")"]
    # Every line of the span, underlined from its first non-blank character.
    assert format_text(multi, lines, paint) == [
        "m.py:10:5: TRD201 msg",
        "   |",
        "10 |     s = Session(",
        "   |     ^^^^^^^^^^^^",
        "11 |   a,",
        "   |   ^^",
        "12 | )",
        "   | ^",
    ]
    # A longer span: its first lines, an elision, its last line.
    tall = Finding("m.py", 8, 1, "TRD201", "msg", 14, 2)
    lines = [""] * 7 + ["f(", " 1,", " 2,", " 3,", " 4,", " 5,", ")"]
    assert format_text(tall, lines, paint) == [
        "m.py:8:1: TRD201 msg",
        "   |",
        " 8 | f(",
        "   | ^^",
        " 9 |  1,",
        "   |  ^^",
        "10 |  2,",
        "   |  ^^",
        ".. | ...",
        "14 | )",
        "   | ^",
    ]
    # An escape sequence in the source must not reach the terminal; no source, no excerpt.
    esc = Finding("m.py", 1, 1, "TRD001", "msg", 1, 1)
    assert format_text(esc, ["x = '\x1b[2J'"], paint)[2] == "1 | x = '\ufffd[2J'"
    assert format_text(esc, None, paint) == ["m.py:1:1: TRD001 msg"]


def test_concise_and_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bug = write(tmp_path / "bug.py", BUG)
    assert run([str(bug), "--output-format", "concise"]) == 1
    assert capsys.readouterr().out == (
        f"{bug}:5:5: TRD301 [*] {MESSAGE}\nChecked 1 file in 0.00s: 1 finding, 1 fixable with `--fix`.\n"
    )
    assert run([str(bug), "--output-format", "concise", "--quiet"]) == 1
    assert capsys.readouterr().out == f"{bug}:5:5: TRD301 [*] {MESSAGE}\n"
    assert run([str(bug), "-q"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[-1] == f"  = help: {HELP}"
    assert captured.err == ""


def test_summary_counts_unsafe_and_unfixable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", '[tool.tradelint]\nrenames = { "spot_map" = "spot_markets" }\n')
    write(tmp_path / "a.py", "def f(vat):\n    return vat.spot_map\n")  # unqualified rename: unsafe fix
    assert run([str(tmp_path / "a.py"), "-q"]) == 1
    capsys.readouterr()
    assert run([str(tmp_path / "a.py"), "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Checked 1 file in 0.00s: 1 finding, 1 fixable with `--fix --unsafe-fixes`."
    )
    write(tmp_path / "b.py", SESSION)
    assert run([str(tmp_path), "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Checked 2 files in 0.00s: 2 findings, 1 fixable with `--fix --unsafe-fixes`."
    )
    write(tmp_path / "c.py", BUG)
    assert run([str(tmp_path), "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Checked 3 files in 0.00s: 3 findings, 1 fixable with `--fix`, 1 more with `--unsafe-fixes`."
    )
    assert run([str(tmp_path / "b.py"), "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "Checked 1 file in 0.00s: 1 finding, none fixable."
    assert run([str(tmp_path), "--fix", "--output-format", "concise"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Checked 3 files in 0.00s: fixed 1 finding, 2 remaining (1 fixable with `--fix --unsafe-fixes`)."
    )


def test_machine_formats_keep_stdout_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bug = write(tmp_path / "bug.py", BUG)
    for fmt in ("json", "github", "sarif"):
        assert run([str(bug), "--output-format", fmt]) == 1
        captured = capsys.readouterr()
        assert captured.err == "Checked 1 file in 0.00s: 1 finding, 1 fixable with `--fix`.\n"
        if fmt != "github":
            json.loads(captured.out)


def _parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a line as the GitHub Actions runner does (ActionCommand.TryParseV2)."""
    assert line.startswith("::")
    end = line.index("::", 2)
    head, message = line[2:end], line[end + 2 :]
    command, _, props = head.partition(" ")

    def unescape(text: str, prop: bool) -> str:
        pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
        for escaped, plain in pairs + [("%25", "%")]:
            text = text.replace(escaped, plain)
        return text

    properties = {}
    for prop in props.split(","):
        key, _, value = prop.partition("=")
        properties[key] = unescape(value, True)
    return command, properties, unescape(message, False)


def test_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "src" / "a,b: 100%.py", BUG)
    assert run(["src", "--output-format", "github"]) == 1
    out = capsys.readouterr().out
    assert out == (
        "::error title=tradelint (TRD301),file=src/a%2Cb%3A 100%25.py,line=5,col=5,endLine=5,endColumn=29"
        f"::src/a,b: 100%25.py:5:5: TRD301 [*] {MESSAGE}\n"
    )
    command, props, message = _parse_workflow_command(out.rstrip("\n"))
    assert command == "error"
    assert props == {
        "title": "tradelint (TRD301)",
        "file": "src/a,b: 100%.py",
        "line": "5",
        "col": "5",
        "endLine": "5",
        "endColumn": "29",
    }
    assert message == f"src/a,b: 100%.py:5:5: TRD301 [*] {MESSAGE}"
    # An absolute path under the working directory is made relative, as GitHub expects.
    finding = Finding(str(tmp_path / "x.py"), 1, 1, "TRD203", "m\nn", 1, 2)
    assert format_github(finding) == (
        "::error title=tradelint (TRD203),file=x.py,line=1,col=1,endLine=1,endColumn=2::x.py:1:1: TRD203 m%0An"
    )


def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # Every format jsonschema knows (draft-04's own list lacks the schema's "uri-reference").
    checker = jsonschema.FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers)
    return validator_class(schema, format_checker=checker)


def test_sarif_is_valid_against_the_official_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "src" / "my app.py", BUG)
    write(tmp_path / "src" / "session.py", SESSION)
    write(tmp_path / "src" / "broken.py", "def f(:\n")
    assert run(["src", "--output-format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    validator = _sarif_validator()
    errors = [e.message for e in validator.iter_errors(log)]
    assert errors == []

    run_ = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert run_["invocations"] == [{"executionSuccessful": True}]
    rules = run_["tool"]["driver"]["rules"]
    codes = [r["id"] for r in rules]
    assert codes[:4] == ["TRD001", "TRD002", "TRD003", "TRD101"] and "TRD301" in codes
    trd301 = rules[codes.index("TRD301")]
    assert trd301["name"] == "discarded-task"
    assert trd301["shortDescription"]["text"].startswith("Flags a task whose creation result is thrown away:")
    assert "## Why is this bad?" in trd301["help"]["markdown"]
    assert "## Incident" in trd301["help"]["text"]
    assert trd301["properties"] == {"tags": ["asyncio tasks"], "fixAvailability": "sometimes"}

    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run_["results"]}
    assert sorted(results) == ["src/broken.py", "src/my%20app.py", "src/session.py"]
    bug = results["src/my%20app.py"]
    assert bug == {
        "ruleId": "TRD301",
        "ruleIndex": codes.index("TRD301"),
        "level": "error",
        "message": {"text": MESSAGE},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "src/my%20app.py", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 29},
                }
            }
        ],
        "properties": {
            "help": HELP,
            "fix": {"title": "Keep a strong reference until the task is done", "safety": "safe"},
        },
    }
    assert results["src/broken.py"]["ruleId"] == "TRD001"


def test_sarif_schema_check_can_fail() -> None:
    """The validator really applies the schema, formats included: broken logs are rejected."""
    validator = _sarif_validator()
    assert not validator.is_valid({"version": "2.1.0"})  # no runs
    bad_level = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [
        {"message": {"text": "m"}, "level": "fatal"}]}]}
    assert not validator.is_valid(bad_level)
    bad_uri = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b\\c"}}}]}]}]}
    assert not validator.is_valid(bad_uri)


def test_statistics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "a.py", BUG + "\n\nasync def h():\n    asyncio.create_task(g())\n")
    write(tmp_path / "b.py", SESSION)
    assert run([str(tmp_path), "--statistics"]) == 1
    assert capsys.readouterr().out == (
        "2\tTRD301\t[*] discarded-task\n"
        "1\tTRD203\t[ ] resource-created-at-import-time\n"
        "Checked 2 files in 0.00s: 3 findings, 2 fixable with `--fix`.\n"
    )
    assert run([str(tmp_path), "--statistics", "--output-format", "json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [
        {"code": "TRD301", "name": "discarded-task", "count": 2, "fixable": 2},
        {"code": "TRD203", "name": "resource-created-at-import-time", "count": 1, "fixable": 0},
    ]
    assert captured.err == "Checked 2 files in 0.00s: 3 findings, 2 fixable with `--fix`.\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_for_long_runs() -> None:
    ticks = iter(range(1000))
    term = _Terminal()
    progress = Progress(PROGRESS_THRESHOLD + 1, term, clock=lambda: next(ticks) * 0.06)
    for _ in range(PROGRESS_THRESHOLD + 1):
        progress.advance()
    progress.clear()
    text = term.getvalue()
    # Redrawn every other file (0.12 s apart at 0.06 s a file) and at the end, then erased; the
    # time is counted from the start of the run (the clock's first reading).
    assert text.startswith("\rtradelint: checked 1/201 files (0%), 0.1s\rtradelint: checked 3/201 files (1%), 0.2s")
    assert text.endswith("\rtradelint: checked 201/201 files (100%), 12.1s\r\x1b[K")
    assert text.count("\r") == 102
    for stream, total, quiet in ((io.StringIO(), 500, False), (_Terminal(), 200, False), (_Terminal(), 500, True)):
        progress = Progress(total, stream, quiet=quiet)
        for _ in range(total):
            progress.advance()
        progress.clear()
        assert stream.getvalue() == ""


def _run_on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """Run tradelint with stdout and stderr each on its own pseudo-terminal."""
    out_master, out_slave = pty.openpty()
    err_master, err_slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tradelint", *args],
        cwd=cwd, stdout=out_slave, stderr=err_slave, stdin=subprocess.DEVNULL,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    os.close(out_slave)
    os.close(err_slave)
    chunks: dict[int, list[bytes]] = {out_master: [], err_master: []}
    open_fds = [out_master, err_master]
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], 60)
        assert ready, "tradelint on a terminal did not finish"
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
            if data:
                chunks[fd].append(data)
            else:
                open_fds.remove(fd)
                os.close(fd)
    code = proc.wait(timeout=60)
    decode = lambda fd: b"".join(chunks[fd]).decode().replace("\r\n", "\n")  # noqa: E731
    return code, decode(out_master), decode(err_master)


def test_colour_and_progress_on_a_real_terminal(tmp_path: Path) -> None:
    for i in range(PROGRESS_THRESHOLD + 50):
        write(tmp_path / "pkg" / f"m{i:03}.py", "x = 1\n")
    write(tmp_path / "pkg" / "bug.py", BUG)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    code, out, err = _run_on_terminal(["pkg"], tmp_path, env)
    assert code == 1
    assert "\x1b[1mpkg/bug.py\x1b[0m:5:5: \x1b[1;31mTRD301\x1b[0m\x1b[1;36m [*]\x1b[0m task from" in out
    assert "\x1b[1;31m^^^^^^^^^^^^^^^^^^^^^^^^\x1b[0m" in out
    assert re.fullmatch(r"(\rtradelint: checked \d+/251 files \(\d+%\), \d+\.\ds)+\r\x1b\[K", err), err
    assert err.count("checked 251/251 files (100%)") == 1

    code, out, err = _run_on_terminal(["pkg"], tmp_path, {**env, "NO_COLOR": "1"})
    assert code == 1
    assert "\x1b" not in out
    assert out.startswith(f"pkg/bug.py:5:5: TRD301 [*] {MESSAGE}\n  |\n5 |     asyncio.create_task(g())\n")
    for jobs in ("1", "2"):  # at any job count: the workers count their files
        code, out, err = _run_on_terminal(["pkg", "--jobs", jobs], tmp_path, env)
        assert code == 1
        assert re.fullmatch(r"(\rtradelint: checked \d+/251 files \(\d+%\), \d+\.\ds)+\r\x1b\[K", err), err
        assert err.count("checked 251/251 files (100%)") == 1
    code, out, err = _run_on_terminal(["pkg", "--quiet"], tmp_path, env)
    assert (code, err) == (1, "")
    assert re.search(r"Checked \d+ files", out) is None


def test_no_colour_when_not_a_terminal(tmp_path: Path) -> None:
    write(tmp_path / "bug.py", BUG)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", "bug.py"],
        cwd=tmp_path, capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 1
    assert "\x1b" not in proc.stdout and "\x1b" not in proc.stderr
    assert re.fullmatch(
        rf"bug\.py:5:5: TRD301 \[\*\] {re.escape(MESSAGE)}\n  \|\n5 \|     asyncio\.create_task\(g\(\)\)\n"
        rf"  \|     \^{{24}}\n  = help: {re.escape(HELP)}\n\n"
        r"Checked 1 file in \d+\.\d\ds: 1 finding, 1 fixable with `--fix`\.\n",
        proc.stdout,
    )
