"""How findings are printed: ``text`` (with the source line), ``concise``, ``json``, ``github``
workflow annotations and SARIF 2.1.0, and ruff's other formats (``json-lines``, ``junit``,
``gitlab`` code quality, ``pylint``, ``rdjson`` for reviewdog, ``azure`` pipeline log commands,
``grouped``) in the shapes ruff gives them; ``--statistics``; the one-line run summary."""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

from tradelint._version import __version__
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.finding import Finding, valid_unicode
from tradelint.facts.syntax import NEWLINE
from tradelint.runner.engine import SourceError, decode_source

FORMATS = (
    "text", "concise", "grouped", "json", "json-lines", "github", "sarif", "junit", "gitlab", "pylint", "rdjson",
    "azure",
)
# Formats read by programs: the summary goes to stderr so stdout stays parseable.
MACHINE_FORMATS = ("json", "json-lines", "github", "sarif", "junit", "gitlab", "pylint", "rdjson", "azure")

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

LineSource = Callable[[str], "list[str] | None"]


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        if not self.enabled or not text:
            return text
        codes = {"bold": "1", "red": "1;31", "cyan": "1;36", "blue": "1;34"}[style]
        return f"\x1b[{codes}m{text}\x1b[0m"


def read_lines(display: str) -> list[str] | None:
    """The lines of a file as the engine splits them, for the source excerpt; None if unreadable
    (and for what the engine refused to read: a FIFO would block, /dev/zero never end)."""
    try:
        return NEWLINE.split(decode_source(read_source_bytes(Path(display))))
    except (OSError, SourceError, UnreadableFile):
        return None


def _fix_mark(finding: Finding) -> str:
    confirmed = " [confirmed at runtime]" if finding.confirmed else ""
    if finding.fix is None:
        return confirmed
    return (" [*]" if finding.fix.safety == "safe" else " [*unsafe]") + confirmed


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _is_control(c: str) -> bool:
    code = ord(c)
    return code < 32 or 127 <= code < 160


def readable(text: str) -> str:
    """``text`` safe to print and unambiguous: bytes a file name could not decode (surrogates from
    ``surrogateescape``) as ``\\xff``, control characters (a newline, an escape sequence) as
    ``\\n`` or ``\\x1b``, so that a name can neither break a line nor drive the terminal."""
    if text.isprintable():
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(_NAMED_ESCAPES.get(c, f"\\x{ord(c):02x}") if _is_control(c) else c for c in text)


def _cwd() -> Path | None:
    """The working folder; None when it was deleted (or cannot be reached) during the run."""
    try:
        return Path(os.getcwd())
    except OSError:
        return None


def _printable(line: str) -> str:
    """Control characters (an escape sequence in a string literal) must not drive the terminal."""
    return "".join("\ufffd" if (ord(c) < 32 and c != "\t") or ord(c) == 127 else c for c in line)


def _caret_line(line: str, column: int, end_column: int | None) -> tuple[str, str]:
    """Spaces (tabs kept, so they line up the same) up to ``column``, and carets to the end."""
    before = line[: column - 1]
    pad = "".join("\t" if c == "\t" else " " * _char_width(c) for c in before)
    stop = len(line.rstrip()) if end_column is None else end_column - 1
    width = sum(_char_width(c) for c in line[column - 1 : stop])
    return pad, "^" * max(width, 1)


def format_concise(finding: Finding, paint: _Paint) -> str:
    """``path:line:col: CODE [*] message``: the first line of ``text``, and all of ``concise``."""
    return (
        f"{paint(readable(finding.path), 'bold')}:{finding.line}:{finding.column}: "
        f"{paint(finding.code, 'red')}{paint(_fix_mark(finding), 'cyan')} {readable(finding.message)}"
    )


# A minified or generated file can hold megabytes on one line: show a window around the finding.
EXCERPT_WIDTH = 160


def _window(line: str, column: int, end_column: int | None) -> tuple[str, int, int | None]:
    """``line`` cut to about EXCERPT_WIDTH characters around ``column``, ``...`` marking the cuts,
    with the columns moved to match."""
    if len(line) <= EXCERPT_WIDTH:
        return line, column, end_column
    start = max(0, min(column - 1 - EXCERPT_WIDTH // 4, len(line) - EXCERPT_WIDTH))
    stop = start + EXCERPT_WIDTH
    shown = ("..." if start else "") + line[start:stop] + ("..." if stop < len(line) else "")
    shift = start - (3 if start else 0)
    end = None if end_column is None else min(end_column, stop + 1) - shift
    return shown, column - shift, end


# A finding that spans several lines (a call written over many) shows them, up to this many;
# longer spans show their first lines and their last.
SPAN_LINES = 4


def _span_rows(finding: Finding, lines: list[str]) -> list[tuple[int, int, int | None]]:
    """(line number, first column, end column or None for the line's end) of each line to show,
    0 for the line number of an elision."""
    last = min(max(finding.end_line, finding.line), len(lines))
    numbers = list(range(finding.line, last + 1))
    if len(numbers) > SPAN_LINES:
        numbers = numbers[: SPAN_LINES - 1] + [0, numbers[-1]]
    rows: list[tuple[int, int, int | None]] = []
    for number in numbers:
        if number == 0:
            rows.append((0, 1, None))
            continue
        text = lines[number - 1]
        start = finding.column if number == finding.line else len(text) - len(text.lstrip()) + 1
        end = finding.end_column if number == finding.end_line else None
        rows.append((number, start, end))
    return rows


def format_text(finding: Finding, lines: list[str] | None, paint: _Paint) -> list[str]:
    out = [format_concise(finding, paint)]
    gutter = " " * len(str(finding.line))
    if lines is not None and 1 <= finding.line <= len(lines):
        rows = _span_rows(finding, lines)
        gutter = " " * len(str(rows[-1][0]))
        out.append(paint(f"{gutter} |", "blue"))
        for number, start, end in rows:
            if number == 0:
                out.append(paint(f"{'.' * len(gutter)} |", "blue") + " ...")
                continue
            source, column, stop = _window(lines[number - 1], start, end)
            source = _printable(source)
            pad, carets = _caret_line(source, column, stop)
            out += [
                f"{paint(f'{number:>{len(gutter)}} |', 'blue')} {source}".rstrip(),
                f"{paint(f'{gutter} |', 'blue')} {pad}{paint(carets, 'red')}",
            ]
    if finding.help:
        # What the message does not say (also for a file with no excerpt: why it was not checked);
        # a fix is marked [*] on the first line, as ruff's.
        out.append(f"{gutter} {paint('= help:', 'cyan')} {readable(finding.help)}")
    return out


def _escape_data(text: str) -> str:
    # As the GitHub Actions toolkit escapes a workflow command's message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _relative_posix(display: str) -> str:
    """A path relative to the working directory when it is under it (what GitHub and SARIF want)."""
    path = Path(display)
    cwd = _cwd()
    if path.is_absolute() and cwd is not None:
        try:
            return path.relative_to(cwd).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def format_github(finding: Finding) -> str:
    path = valid_unicode(_relative_posix(finding.path))
    props = {
        "title": f"tradelint ({finding.code})",
        "file": path,
        "line": str(finding.line),
        "col": str(finding.column),
        "endLine": str(finding.end_line),
        "endColumn": str(finding.end_column),
    }
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in props.items())
    message = f"{path}:{finding.line}:{finding.column}: {finding.code}{_fix_mark(finding)} {valid_unicode(finding.message)}"
    return f"::error {joined}::{_escape_data(message)}"


def _artifact_location(display: str) -> dict[str, str]:
    from urllib.parse import quote

    path = _relative_posix(display)
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}  # percent-encodes the name's bytes, decodable or not
    return {"uri": quote(os.fsencode(path)), "uriBaseId": "%SRCROOT%"}


def sarif_log(findings: list[Finding], execution_successful: bool = True) -> dict[str, Any]:
    from tradelint.ruledocs import rule_docs

    docs = rule_docs()
    index = {code: i for i, code in enumerate(docs)}
    rules = [
        {
            "id": doc.code,
            "name": doc.name,
            "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": doc.section("What it does")},
            "help": {"text": doc.markdown(), "markdown": doc.markdown()},
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": [doc.family], "fixAvailability": doc.fix_availability},
        }
        for doc in docs.values()
    ]
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": "error",
            "message": {"text": valid_unicode(f.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact_location(f.path),
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        properties: dict[str, Any] = {}
        if f.help is not None:
            properties["help"] = valid_unicode(f.help)
        if f.fix is not None:
            properties["fix"] = {"title": f.fix.title, "safety": f.fix.safety}
        if f.confirmed is not None:
            properties["confirmed"] = f.confirmed
        if properties:
            result["properties"] = properties
        results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "tradelint", "version": __version__, "rules": rules}},
        "invocations": [{"executionSuccessful": execution_successful}],
        # Our columns count characters; SARIF's default is UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    cwd = _cwd()
    if cwd is not None:  # a deleted working folder has no URI: the relative ones stay relative
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": cwd.as_uri().rstrip("/") + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def format_grouped(findings: list[Finding], paint: _Paint) -> list[str]:
    """ruff's ``grouped``: each file's name, then its findings as ``line:col CODE message`` with
    the numbers aligned, and a blank line; files in name order."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    out: list[str] = []
    for path in sorted(by_path):
        group = by_path[path]
        rows = max(len(str(f.line)) for f in group)
        columns = max(len(str(f.column)) for f in group)
        out.append(f"{paint(readable(path), 'bold')}:")
        for f in group:
            out.append(
                f"  {' ' * (rows - len(str(f.line)))}{f.line}:{f.column}{' ' * (columns - len(str(f.column)))} "
                f"{paint(f.code, 'red')}{paint(_fix_mark(f), 'cyan')} {readable(f.message)}"
            )
        out.append("")
    return out


def format_pylint(finding: Finding) -> str:
    """``path:line: [CODE] message``, flake8's and ruff's ``pylint`` format."""
    return f"{readable(_relative_posix(finding.path))}:{finding.line}: [{finding.code}] {readable(finding.message)}"


def _escape_azure_data(text: str) -> str:
    # As the Azure Pipelines task library escapes a logging command's message ...
    return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_azure_property(text: str) -> str:
    # ... and a property value, which ends at ``;`` and the command at ``]``.
    return _escape_azure_data(text).replace(";", "%3B").replace("]", "%5D")


def format_azure(finding: Finding) -> str:
    """An Azure Pipelines ``task.logissue`` logging command, as ruff's ``azure`` prints it."""
    properties = {
        "type": "error",
        "sourcepath": valid_unicode(finding.path),
        "linenumber": str(finding.line),
        "columnnumber": str(finding.column),
        "code": finding.code,
    }
    joined = "".join(f"{key}={_escape_azure_property(value)};" for key, value in properties.items())
    return f"##vso[task.logissue {joined}]{_escape_azure_data(valid_unicode(finding.message))}"


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold control characters (an escape sequence in a name): shown escaped."""
    return readable(text)


def junit_report(findings: list[Finding]) -> str:
    """ruff's ``junit``: one ``testsuite`` per file (named by its path), one failed ``testcase``
    per finding, named ``org.tradelint.CODE``, with its line and column; a run without findings
    is one passing case, "No errors found"."""
    # Imported here, for this format only: it imports urllib.request, http, email and ssl (61
    # modules, a tenth of the start-up of every run).
    from xml.sax.saxutils import escape, quoteattr

    head = '<?xml version="1.0" encoding="UTF-8"?>'
    if not findings:
        return "\n".join([
            head,
            '<testsuites name="tradelint" tests="1" failures="0" errors="0">',
            '    <testsuite name="tradelint" tests="1" disabled="0" errors="0" failures="0" package="org.tradelint">',
            '        <testcase name="No errors found" classname="tradelint"/>',
            "    </testsuite>",
            "</testsuites>",
        ]) + "\n"
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    n = len(findings)
    out = [head, f'<testsuites name="tradelint" tests="{n}" failures="{n}" errors="0">']
    for path in sorted(by_path):
        group = by_path[path]
        shown = _xml_text(path)
        classname = shown[: -len(".py")] if shown.endswith(".py") else shown
        out.append(
            f"    <testsuite name={quoteattr(shown)} tests=\"{len(group)}\" disabled=\"0\" errors=\"0\" "
            f"failures=\"{len(group)}\" package=\"org.tradelint\">"
        )
        for f in group:
            message = _xml_text(f.message)
            out += [
                f"        <testcase name=\"org.tradelint.{f.code}\" classname={quoteattr(classname)} "
                f"line=\"{f.line}\" column=\"{f.column}\">",
                "            <properties>",
                '                <property name="severity" value="error"/>',
                "            </properties>",
                f"            <failure message={quoteattr(message)}>"
                f"{escape(f'line {f.line}, col {f.column}, {message}')}</failure>",
                "        </testcase>",
            ]
        out.append("    </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def gitlab_report(findings: list[Finding]) -> list[dict[str, Any]]:
    """A GitLab code quality report (a subset of Code Climate's issues), as ruff's ``gitlab``:
    ``check_name``, ``description`` (led by the code: GitLab shows no ``check_name``),
    ``severity``, a ``fingerprint`` made of the code, the path and the message (so it stays the
    same when lines move, and differs between findings; a repeat gets a salted one), and the
    location, relative to ``CI_PROJECT_DIR`` when it is set, by lines and by positions."""
    project = os.environ.get("CI_PROJECT_DIR")
    seen: set[str] = set()
    issues = []
    for f in findings:
        path = valid_unicode(
            os.path.relpath(os.path.abspath(f.path), project) if project else _relative_posix(f.path)
        )
        salt = 0
        while True:
            fingerprint = hashlib.sha256(
                f"{salt}\0{f.code}\0{path}\0{f.message}".encode("utf-8", "surrogateescape")
            ).hexdigest()[:32]
            if fingerprint not in seen:
                break
            salt += 1
        seen.add(fingerprint)
        issues.append({
            "check_name": f.code,
            "description": f"{f.code}: {valid_unicode(f.message)}",
            "severity": "major",
            "fingerprint": fingerprint,
            "location": {
                "path": path,
                "lines": {"begin": f.line, "end": f.end_line},
                "positions": {
                    "begin": {"line": f.line, "column": f.column},
                    "end": {"line": f.end_line, "column": f.end_column},
                },
            },
        })
    return issues


def _byte_column(lines: list[str] | None, line: int, column: int) -> int:
    """reviewdog counts columns in UTF-8 bytes; ours count characters."""
    if lines is None or not 1 <= line <= len(lines):
        return column
    return len(lines[line - 1][: column - 1].encode("utf-8", "surrogatepass")) + 1


def rdjson_report(findings: list[Finding], lines: LineSource = read_lines) -> dict[str, Any]:
    """reviewdog's Diagnostic Format (``rdjson``), as ruff's: the source, an overall severity, and
    each finding's message, code and range (columns in UTF-8 bytes, as reviewdog counts them)."""
    cache: dict[str, list[str] | None] = {}
    diagnostics = []
    for f in findings:
        if f.path not in cache:
            cache[f.path] = lines(f.path)
        source = cache[f.path]
        diagnostics.append({
            "code": {"value": f.code},
            "location": {
                "path": valid_unicode(f.path),
                "range": {
                    "end": {"column": _byte_column(source, f.end_line, f.end_column), "line": f.end_line},
                    "start": {"column": _byte_column(source, f.line, f.column), "line": f.line},
                },
            },
            "message": valid_unicode(f.message),
        })
    return {"diagnostics": diagnostics, "severity": "WARNING", "source": {"name": "tradelint"}}


def write_findings(
    findings: list[Finding],
    output_format: str,
    stream: TextIO,
    *,
    lines: LineSource = read_lines,
    execution_successful: bool = True,
) -> None:
    if output_format == "json":
        json.dump([f.as_json() for f in findings], stream, indent=2)
        stream.write("\n")
    elif output_format == "sarif":
        json.dump(sarif_log(findings, execution_successful), stream, indent=2)
        stream.write("\n")
    elif output_format == "github":
        for finding in findings:
            stream.write(format_github(finding) + "\n")
    elif output_format == "json-lines":
        for finding in findings:
            stream.write(json.dumps(finding.as_json(), separators=(",", ":")) + "\n")
    elif output_format == "junit":
        stream.write(junit_report(findings))
    elif output_format == "gitlab":
        json.dump(gitlab_report(findings), stream, indent=2)
        stream.write("\n")
    elif output_format == "rdjson":
        json.dump(rdjson_report(findings, lines), stream, indent=2)
        stream.write("\n")
    elif output_format == "pylint":
        for finding in findings:
            stream.write(format_pylint(finding) + "\n")
    elif output_format == "azure":
        for finding in findings:
            stream.write(format_azure(finding) + "\n")
    elif output_format == "grouped":
        for row in format_grouped(findings, _Paint(use_color(stream))):
            stream.write(row + "\n")
    elif output_format == "concise":
        paint = _Paint(use_color(stream))
        for finding in findings:
            stream.write(format_concise(finding, paint) + "\n")
    else:
        paint = _Paint(use_color(stream))
        cache: dict[str, list[str] | None] = {}
        for number, finding in enumerate(findings):
            if finding.path not in cache:
                cache[finding.path] = lines(finding.path)
            # A blank line between findings, whose excerpts would otherwise run together.
            stream.write(("\n" if number else "") + "\n".join(format_text(finding, cache[finding.path], paint)) + "\n")


def write_statistics(findings: list[Finding], output_format: str, stream: TextIO) -> None:
    """Counts per code, most frequent first, with how many have a safe fix, in the output format:
    a JSON list, a SARIF log whose run carries the counts (and the findings, as SARIF viewers
    expect), one GitHub ``notice`` per code, or text columns."""
    from tradelint.ruledocs import rule_docs

    docs = rule_docs()
    counts = Counter(f.code for f in findings)
    fixable = Counter(f.code for f in findings if f.fix is not None and f.fix.safety == "safe")
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    data = [
        {"code": code, "name": docs[code].name if code in docs else "", "count": n, "fixable": fixable[code]}
        for code, n in rows
    ]
    if output_format == "json":
        json.dump(data, stream, indent=2)
        stream.write("\n")
        return
    if output_format == "json-lines":
        for row in data:
            stream.write(json.dumps(row, separators=(",", ":")) + "\n")
        return
    if output_format == "sarif":
        log = sarif_log(findings)
        log["runs"][0]["properties"] = {"statistics": data}
        json.dump(log, stream, indent=2)
        stream.write("\n")
        return
    if output_format == "github":
        for row in data:
            title = _escape_property(f"tradelint statistics ({row['code']})")
            stream.write(
                f"::notice title={title}::"
                + _escape_data(f"{row['count']} {row['code']} {row['name']} ({row['fixable']} fixable with --fix)")
                + "\n"
            )
        return
    width = max((len(str(n)) for _, n in rows), default=1)
    for code, n in rows:
        mark = "[*]" if fixable[code] else "[ ]"
        name = docs[code].name if code in docs else ""
        stream.write(f"{n:>{width}}\t{code}\t{mark} {name}\n")


def format_fixed(fixed: Counter[tuple[str, str]], stream: TextIO) -> list[str]:
    """``--show-fixes``, as ruff's: how many findings were fixed, then each file and, most
    frequent first, how many of each code."""
    from tradelint.ruledocs import rule_docs

    docs = rule_docs()
    paint = _Paint(use_color(stream))
    by_path: dict[str, list[tuple[str, int]]] = {}
    for (path, code), n in fixed.items():
        if n > 0:
            by_path.setdefault(path, []).append((code, n))
    if not by_path:
        return []
    width = max(len(str(n)) for rows in by_path.values() for _, n in rows)
    out = [paint(f"Fixed {plural(sum(fixed.values()), 'finding')}:", "bold")]
    for path in sorted(by_path):
        out.append(f"{paint('-', 'cyan')} {paint(readable(path), 'bold')}{paint(':', 'cyan')}")
        for code, n in sorted(by_path[path], key=lambda row: (-row[1], row[0])):
            name = docs[code].name if code in docs else ""
            out.append(f"    {n:>{width}} × {paint(code, 'red')} ({name})")
    return out


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Summary:
    """The run's last line: files checked, time, findings, how many are fixable, how many fixed."""

    files: int
    elapsed: float
    findings: list[Finding]
    fixed: int | None = None  # None when nothing was being fixed
    would_fix_files: int | None = None  # --diff
    shows_remaining: bool = True  # False with --fix-only: what remains is not reported

    def line(self) -> str:
        head = f"Checked {plural(self.files, 'file')} in {self.elapsed:.2f}s: "
        if self.would_fix_files is not None:
            return head + f"would fix {plural(self.fixed or 0, 'finding')} in {plural(self.would_fix_files, 'file')}."
        safe = sum(1 for f in self.findings if f.fix is not None and f.fix.safety == "safe")
        unsafe = sum(1 for f in self.findings if f.fix is not None and f.fix.safety == "unsafe")
        if safe and unsafe:
            fixable = f"{safe} fixable with `--fix`, {unsafe} more with `--unsafe-fixes`"
        elif safe:
            fixable = f"{safe} fixable with `--fix`"
        elif unsafe:
            fixable = f"{unsafe} fixable with `--fix --unsafe-fixes`"
        else:
            fixable = "none fixable"
        if self.fixed is not None and not self.shows_remaining:
            return head + f"fixed {plural(self.fixed, 'finding')}."
        if self.fixed is not None:
            remaining = f"{len(self.findings)} remaining" + (f" ({fixable})" if self.findings else "")
            return head + f"fixed {plural(self.fixed, 'finding')}, {remaining}."
        if not self.findings:
            return head + "all checks passed."
        return head + f"{plural(len(self.findings), 'finding')}, {fixable}."
