"""ruff's other output formats (issue 31), each read back the way its consumer reads it: JUnit
XML as a JUnit report, GitLab code quality with the keys GitLab requires, reviewdog's rdjson
against a schema written from reviewdog's ``DiagnosticResult`` message, Azure Pipelines logging
commands as the agent splits them, pylint lines by flake8's pylint pattern, JSON lines one
object a line; ``grouped`` as ruff prints it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.core.finding import Finding
from tradelint.output import MACHINE_FORMATS, format_azure, gitlab_report, junit_report

MESSAGE = "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
# Two findings in one file (the second after a two-byte character), one in another.
BUG = 'import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n    é = 1; asyncio.create_task(g())\n'
OTHER = "import asyncio\n\n\nasync def h(g):\n    asyncio.ensure_future(g())\n"
OTHER_MESSAGE = "task from `asyncio.ensure_future(...)` is discarded; keep it and await or cancel it"
SUMMARY = "Checked 2 files in 0.00s: 3 findings, 3 fixable with `--fix`."


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bug.py").write_text(BUG, encoding="utf-8")
    (tmp_path / "src" / "other.py").write_text(OTHER, encoding="utf-8")


def output(capsys: pytest.CaptureFixture[str], output_format: str, *extra: str) -> tuple[str, str]:
    assert run(["--no-cache", "--output-format", output_format, *extra, "src"]) == 1
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = output(capsys, "json-lines")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["path"], r["line"], r["column"], r["code"]) for r in rows] == [
        ("src/bug.py", 5, 5, "TRD301"), ("src/bug.py", 6, 12, "TRD301"), ("src/other.py", 5, 5, "TRD301"),
    ]
    # The objects of the json format, one a line, compact.
    json_out, _ = output(capsys, "json")
    assert rows == json.loads(json_out)
    assert out.splitlines()[0].startswith('{"code":"TRD301","message":')
    assert err == SUMMARY + "\n"


def test_junit_is_a_junit_report(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = output(capsys, "junit")
    assert err == SUMMARY + "\n"
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(out.encode("utf-8"))
    # Jenkins' junit.xsd: testsuites > testsuite(name, tests, failures, errors) > testcase(name,
    # classname) > failure(message); the counts add up.
    assert root.tag == "testsuites" and root.attrib == {"name": "tradelint", "tests": "3", "failures": "3", "errors": "0"}
    suites = root.findall("testsuite")
    assert [s.attrib["name"] for s in suites] == ["src/bug.py", "src/other.py"]
    assert [(s.attrib["tests"], s.attrib["failures"], s.attrib["errors"], s.attrib["package"]) for s in suites] == [
        ("2", "2", "0", "org.tradelint"), ("1", "1", "0", "org.tradelint")
    ]
    cases = [(c.attrib, c.find("failure")) for s in suites for c in s.findall("testcase")]
    assert [a for a, _ in cases] == [
        {"name": "org.tradelint.TRD301", "classname": "src/bug", "line": "5", "column": "5"},
        {"name": "org.tradelint.TRD301", "classname": "src/bug", "line": "6", "column": "12"},
        {"name": "org.tradelint.TRD301", "classname": "src/other", "line": "5", "column": "5"},
    ]
    failures = [f for _, f in cases]
    assert all(f is not None for f in failures)
    assert [(f.attrib["message"], f.text) for f in failures if f is not None] == [
        (MESSAGE, f"line 5, col 5, {MESSAGE}"),
        (MESSAGE, f"line 6, col 12, {MESSAGE}"),
        (OTHER_MESSAGE, f"line 5, col 5, {OTHER_MESSAGE}"),
    ]
    assert [p.attrib for p in root.iter("property")] == [{"name": "severity", "value": "error"}] * 3


def test_junit_escapes_and_passes_when_clean() -> None:
    clean = ET.fromstring(junit_report([]).encode())
    assert clean.attrib["tests"] == "1" and clean.attrib["failures"] == "0"
    [case] = clean.iter("testcase")
    assert case.attrib == {"name": "No errors found", "classname": "tradelint"} and list(case) == []
    hostile = Finding('a"<&>\x1b.py', 1, 1, "TRD001", 'bad <tag> & "quote" \x1b[2J', 1, 1)
    root = ET.fromstring(junit_report([hostile]).encode())  # parses: XML-escaped, no control character
    assert root.find("testsuite").attrib["name"] == 'a"<&>\\x1b.py'  # type: ignore[union-attr]
    assert next(root.iter("failure")).attrib["message"] == 'bad <tag> & "quote" \\x1b[2J'


def test_gitlab_code_quality(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    out, err = output(capsys, "gitlab")
    assert err == SUMMARY + "\n"
    issues = json.loads(out)
    # GitLab's required keys: description, check_name, fingerprint, severity (one of its five),
    # location.path, and location.lines.begin or location.positions.begin.line.
    for issue in issues:
        assert isinstance(issue["description"], str) and isinstance(issue["check_name"], str)
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["positions"]["begin"]["line"] == issue["location"]["lines"]["begin"]
    assert issues[0] == {
        "check_name": "TRD301",
        "description": f"TRD301: {MESSAGE}",
        "severity": "major",
        "fingerprint": issues[0]["fingerprint"],
        "location": {
            "path": "src/bug.py",
            "lines": {"begin": 5, "end": 5},
            "positions": {"begin": {"line": 5, "column": 5}, "end": {"line": 5, "column": 29}},
        },
    }
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 3  # unique, or GitLab shows only one of them
    # Stable: the same run gives the same fingerprints, and moving a finding's line keeps its own.
    assert [i["fingerprint"] for i in json.loads(output(capsys, "gitlab")[0])] == fingerprints
    (tmp_path / "src" / "other.py").write_text("\n\n" + OTHER, encoding="utf-8")
    moved = json.loads(output(capsys, "gitlab")[0])
    assert moved[2]["location"]["lines"]["begin"] == 7 and moved[2]["fingerprint"] == fingerprints[2]
    # In GitLab CI, paths are relative to the project folder.
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path / "src"))
    assert [i["location"]["path"] for i in gitlab_report([Finding(str(tmp_path / "src" / "a.py"), 1, 1, "X", "m", 1, 2)])] == ["a.py"]


# reviewdog's proto/rdf/reviewdog.proto, DiagnosticResult and what it holds, as a JSON schema
# (written here from the message definitions; reviewdog reads the JSON with protojson).
_POSITION = {"type": "object", "properties": {"line": {"type": "integer", "minimum": 1},
                                              "column": {"type": "integer", "minimum": 1}}}
_RANGE = {"type": "object", "required": ["start"], "properties": {"start": _POSITION, "end": _POSITION}}
_LOCATION = {"type": "object", "required": ["path"], "properties": {"path": {"type": "string"}, "range": _RANGE}}
_SEVERITY = {"enum": ["UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO"]}
_SOURCE = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "url": {"type": "string"}}}
RDJSON_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "diagnostics": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["message", "location"],
                "properties": {
                    "message": {"type": "string"},
                    "location": _LOCATION,
                    "severity": _SEVERITY,
                    "source": _SOURCE,
                    "code": {"type": "object", "required": ["value"],
                             "properties": {"value": {"type": "string"}, "url": {"type": "string"}}},
                    "suggestions": {"type": "array"},
                    "original_output": {"type": "string"},
                    "related_locations": {"type": "array"},
                },
            },
        },
        "source": _SOURCE,
        "severity": _SEVERITY,
    },
}


def test_rdjson_for_reviewdog(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = output(capsys, "rdjson")
    assert err == SUMMARY + "\n"
    result = json.loads(out)
    jsonschema.validate(result, RDJSON_SCHEMA)
    assert result["source"] == {"name": "tradelint"} and result["severity"] == "WARNING"
    first, second, third = result["diagnostics"]
    assert first == {
        "code": {"value": "TRD301"},
        "location": {"path": "src/bug.py", "range": {"end": {"column": 29, "line": 5}, "start": {"column": 5, "line": 5}}},
        "message": MESSAGE,
    }
    # reviewdog counts columns in UTF-8 bytes: `é` before the call takes two.
    assert second["location"]["range"] == {"end": {"column": 37, "line": 6}, "start": {"column": 13, "line": 6}}
    assert third["location"]["path"] == "src/other.py"
    with pytest.raises(jsonschema.ValidationError):  # the schema does reject a wrong shape
        jsonschema.validate({"diagnostics": [{"message": "m", "location": {"range": {}}}]}, RDJSON_SCHEMA)


def test_pylint(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = output(capsys, "pylint")
    assert out == (
        f"src/bug.py:5: [TRD301] {MESSAGE}\nsrc/bug.py:6: [TRD301] {MESSAGE}\nsrc/other.py:5: [TRD301] {OTHER_MESSAGE}\n"
    )
    # flake8's pylint formatter: "%(path)s:%(row)d: [%(code)s] %(text)s", read back by its pattern.
    pattern = re.compile(r"^(?P<path>[^:]+):(?P<row>\d+): \[(?P<code>[A-Z]+\d+)\] (?P<text>.+)$")
    assert [pattern.fullmatch(line).groupdict()["row"] for line in out.splitlines()] == ["5", "6", "5"]  # type: ignore[union-attr]
    assert err == SUMMARY + "\n"


AZURE = re.compile(r"^##vso\[(?P<area>[^ ]+) (?P<properties>[^\]]*)\](?P<message>.*)$")


def _azure_unescape(text: str) -> str:
    # As the agent reads a logging command back.
    for escaped, char in (("%3B", ";"), ("%5D", "]"), ("%0D", "\r"), ("%0A", "\n"), ("%AZP25", "%")):
        text = text.replace(escaped, char)
    return text


def parse_azure(line: str) -> tuple[str, dict[str, str], str]:
    found = AZURE.fullmatch(line)
    assert found is not None, line
    properties = dict(p.split("=", 1) for p in found["properties"].split(";") if p)
    return found["area"], {k: _azure_unescape(v) for k, v in properties.items()}, _azure_unescape(found["message"])


def test_azure_logging_commands(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = output(capsys, "azure")
    assert out.splitlines()[0] == (
        f"##vso[task.logissue type=error;sourcepath=src/bug.py;linenumber=5;columnnumber=5;code=TRD301;]{MESSAGE}"
    )
    assert [parse_azure(line)[1]["linenumber"] for line in out.splitlines()] == ["5", "6", "5"]
    assert err == SUMMARY + "\n"
    # A name with the command's separators, a message with a newline: escaped, read back whole.
    hostile = Finding("a;b]c%.py", 1, 2, "TRD001", "two\nlines; 100%]", 1, 2)
    line = format_azure(hostile)
    assert "\n" not in line
    assert parse_azure(line) == (
        "task.logissue",
        {"type": "error", "sourcepath": "a;b]c%.py", "linenumber": "1", "columnnumber": "2", "code": "TRD001"},
        "two\nlines; 100%]",
    )


def test_grouped(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = output(capsys, "grouped")
    assert out == (
        "src/bug.py:\n"
        f"  5:5  TRD301 [*] {MESSAGE}\n"
        f"  6:12 TRD301 [*] {MESSAGE}\n"
        "\n"
        "src/other.py:\n"
        f"  5:5 TRD301 [*] {OTHER_MESSAGE}\n"
        "\n"
        f"{SUMMARY}\n"
    )
    assert err == ""


@pytest.mark.parametrize("output_format", ["json-lines", "junit", "gitlab", "rdjson", "pylint", "azure", "grouped"])
def test_clean_runs(output_format: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    assert run(["--no-cache", "--output-format", output_format, "clean.py"]) == 0
    out, err = capsys.readouterr()
    summary = "Checked 1 file in 0.00s: all checks passed.\n"
    expected = {
        "json-lines": "", "pylint": "", "azure": "", "grouped": summary,
        "gitlab": "[]\n", "rdjson": json.dumps(
            {"diagnostics": [], "severity": "WARNING", "source": {"name": "tradelint"}}, indent=2) + "\n",
        "junit": junit_report([]),
    }
    assert out == expected[output_format]
    assert err == ("" if output_format not in MACHINE_FORMATS else summary)


NEW_FORMATS = ["json-lines", "junit", "gitlab", "pylint", "rdjson", "azure", "grouped"]


@pytest.mark.parametrize("output_format", NEW_FORMATS)
def test_hostile_names_deleted_folder_and_closed_stdout(output_format: str, tmp_path: Path) -> None:
    """As the older formats (tests/test_output_hostile.py): a name that is not UTF-8 gives valid
    UTF-8 with ``\\xff``; a control character never reaches XML or a line of text raw; a deleted
    working folder and a closed stdout give no traceback."""
    from tests.test_output_hostile import CONTROL, UNDECODABLE, _no_traceback, _tradelint, _tree

    hostile = tmp_path / "hostile"
    hostile.mkdir()
    _tree(hostile, UNDECODABLE)
    (hostile / "src" / CONTROL).write_text(BUG.splitlines(keepends=True)[0] + OTHER, encoding="utf-8")
    proc = _tradelint(["--output-format", output_format, "src"], hostile)
    _no_traceback(proc)
    assert proc.returncode == 1
    out = proc.stdout.decode("utf-8")  # valid UTF-8 whatever the name's bytes
    paths = {
        "json-lines": lambda: [json.loads(line)["path"] for line in out.splitlines()],
        "gitlab": lambda: [i["location"]["path"] for i in json.loads(out)],
        "rdjson": lambda: [d["location"]["path"] for d in json.loads(out)["diagnostics"]],
        "junit": lambda: [t.attrib["name"] for t in ET.fromstring(proc.stdout).iter("testsuite")],
    }
    if output_format in paths:
        # Each of the file's findings (2 in bad\xff.py, 1 in the other), its name escaped.
        # JSON carries a control character escaped by JSON itself; XML cannot, so it is shown escaped.
        control = "src/new\\nline\\x1b[31m.py" if output_format == "junit" else f"src/{CONTROL}"
        assert set(paths[output_format]()) == {"src/bad\\xff.py", control}
    else:
        assert "src/bad\\xff.py" in out
        # One line per finding (grouped: a header, two findings, a blank line, per file).
        assert all(line.startswith(("##vso[", "src/", "  ", "Checked")) or not line for line in out.splitlines())
    if output_format in ("pylint", "grouped"):
        assert "src/new\\nline\\x1b[31m.py" in out and "\x1b" not in out
    # A deleted working folder, a closed stdout: the findings still decide the exit status.
    gone = tmp_path / "gone"
    gone.mkdir()
    (tmp_path / "elsewhere").mkdir()
    src = _tree(tmp_path / "elsewhere", "bug.py")
    proc = _tradelint(["--output-format", output_format, str(src)], tmp_path, shell_prefix=f"cd {gone} && rmdir {gone} &&")
    _no_traceback(proc)
    assert proc.returncode == 1 and b"TRD301" in proc.stdout
    closed = _tradelint(["--output-format", output_format, str(src)], tmp_path, shell_suffix=">&-")
    _no_traceback(closed)
    assert closed.returncode == 1
