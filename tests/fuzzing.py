"""Property-test harness: run the whole engine and the fixer on a folder and check what must hold.

Shared by ``tests/test_fuzz.py`` (a bounded run in the normal suite) and the long run documented in
the README (``TRADELINT_FUZZ_EXAMPLES=... python -m pytest tests/test_fuzz.py``).
"""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tradelint.core.config import clear_cache, config_for
from tradelint.runner.engine import Checker
from tradelint.runner.fixer import compute_fixes
from tests.conftest import FIXTURES
from tests.fixes import normalized_dump

# The files the mutations start from, each with the folder that makes its project (cross-module
# fixtures need their package; incidents have their own pyproject.toml).
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.py"))


def project_of(fixture: Path) -> Path:
    rel = fixture.relative_to(FIXTURES)
    if len(rel.parts) == 1:
        return fixture
    if rel.parts[0] == "incidents":
        return FIXTURES / rel.parts[0] / rel.parts[1]
    return FIXTURES / rel.parts[0]


def copy_project(fixture: Path, dest: Path) -> Path:
    """Copy the fixture's project into ``dest``; return where the fixture file now is."""
    shutil.copy(FIXTURES / "pyproject.toml", dest / "pyproject.toml")
    project = project_of(fixture)
    if project.is_file():
        shutil.copy(project, dest / project.name)
        return dest / project.name
    target = dest / project.relative_to(FIXTURES)
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("*.fixed", "__pycache__"))
    return target / fixture.relative_to(project)


@dataclass
class Outcome:
    findings: int
    fixed_files: int
    fix_errors: list[str]


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def check_and_fix_invariants(root: Path) -> Outcome:
    """Check every file, fix (unsafe included), and assert: nothing raises, every fixed file
    parses, its ``ast`` differs from the original only where fixes rewrite, and fixing the fixed
    tree again changes nothing."""
    clear_cache()
    files = python_files(root)
    checker = Checker()
    findings = 0
    for path in files:
        findings += len(checker.check_path(path, config_for(path)))  # raises on a bug

    configs = {p: config_for(p) for p in files}
    first = compute_fixes(configs, unsafe=True)
    assert first.internal_errors == 0, first.errors
    originals = {key: source.text for key, source in first.sources.items()}
    for key, new in first.new_texts.items():
        ast.parse(new)  # a fixed file always parses
        assert normalized_dump(new) == normalized_dump(originals[key]), f"{key}: a fix changed more than its target"
    for key, new in first.new_texts.items():
        source = first.sources[key]
        key.write_bytes(source.encode(new))

    clear_cache()
    second = compute_fixes({p: config_for(p) for p in files}, unsafe=True)
    assert second.internal_errors == 0, second.errors
    assert second.new_texts == {}, f"fixing twice changed {sorted(map(str, second.new_texts))}"
    return Outcome(findings, len(first.new_texts), first.errors)


# -- mutations of fixture files ------------------------------------------------------------------

HOSTILE_BYTES = [
    b"\x00", b"\xff", b"\xc3", b"\r", b"\r\n", b"\n", b"\t", b"\x0c", b"\xef\xbb\xbf", b"(", b")",
    b"[", b"]", b":", b"    ", b"async ", b"await ", b"# noqa", b"# noqa: TRD301", b"\\\n", b'"""',
    b"'", b"lambda: ", b"yield ", b"global x\n", b"del ", b"*", b"**", b"@dataclass\n", b"self.",
    b"asyncio.create_task(", b"ClassVar[", b"\xe2\x80\xa8", b"# -*- coding: latin-1 -*-\n",
]
IDENTIFIERS = [
    "create_task", "ensure_future", "ClientSession", "close", "aclose", "cancel", "self", "dataclass",
    "ClassVar", "Final", "field", "spot_map", "spot_markets", "shutdown", "__aexit__", "gather",
    "TYPE_CHECKING", "x", "_", "async_create_task", "add", "discard", "Task",
]


# Every kind of mutation (``apply_mutation``); the suite's sample applies each once.
MUTATION_KINDS = [
    "delete_line", "duplicate_line", "swap_lines", "indent", "dedent", "delete_bytes",
    "insert_bytes", "truncate", "crlf", "cr", "tabs", "replace_identifier", "splice_line",
]


@st.composite
def mutation(draw: st.DrawFn, lines_count: int, size: int) -> tuple[str, tuple[object, ...]]:
    kind = draw(st.sampled_from(MUTATION_KINDS))
    line = draw(st.integers(0, max(lines_count - 1, 0)))
    pos = draw(st.integers(0, max(size, 0)))
    if kind == "swap_lines":
        return kind, (line, draw(st.integers(0, max(lines_count - 1, 0))))
    if kind == "delete_bytes":
        return kind, (pos, draw(st.integers(1, 40)))
    if kind == "insert_bytes":
        data = draw(st.one_of(st.sampled_from(HOSTILE_BYTES), st.binary(min_size=1, max_size=8)))
        return kind, (pos, data)
    if kind == "replace_identifier":
        return kind, (draw(st.sampled_from(IDENTIFIERS)), draw(st.sampled_from(IDENTIFIERS)), line)
    if kind == "splice_line":
        other = draw(st.sampled_from(FIXTURE_FILES)).read_bytes().splitlines(keepends=True)
        return kind, (line, other[draw(st.integers(0, max(len(other) - 1, 0)))] if other else b"\n")
    return kind, (line, pos)


def apply_mutation(data: bytes, kind: str, args: tuple[object, ...]) -> bytes:
    lines = data.splitlines(keepends=True) or [b""]
    line = min(int(args[0]), len(lines) - 1) if args and isinstance(args[0], int) else 0
    if kind == "delete_line":
        del lines[line]
    elif kind == "duplicate_line":
        lines.insert(line, lines[line])
    elif kind == "swap_lines":
        other = min(int(args[1]), len(lines) - 1)  # type: ignore[call-overload]
        lines[line], lines[other] = lines[other], lines[line]
    elif kind == "indent":
        lines[line] = b"    " + lines[line]
    elif kind == "dedent":
        lines[line] = lines[line][4:] if lines[line].startswith(b"    ") else lines[line].lstrip(b" \t")
    elif kind == "tabs":
        lines[line] = lines[line].replace(b"    ", b"\t")
    elif kind == "crlf":
        return data.replace(b"\n", b"\r\n")
    elif kind == "cr":
        lines[line] = lines[line].replace(b"\n", b"\r")
    elif kind == "delete_bytes":
        pos, length = int(args[0]), int(args[1])  # type: ignore[call-overload]
        return data[:pos] + data[pos + length :]
    elif kind == "insert_bytes":
        pos = int(args[0])  # type: ignore[call-overload]
        assert isinstance(args[1], bytes)
        return data[:pos] + args[1] + data[pos:]
    elif kind == "truncate":
        return data[: int(args[1])]  # type: ignore[call-overload]
    elif kind == "replace_identifier":
        old, new, nth = str(args[0]).encode(), str(args[1]).encode(), int(args[2])  # type: ignore[call-overload]
        parts = data.split(old)
        if len(parts) > 1:
            index = nth % (len(parts) - 1)
            return old.join(parts[: index + 1]) + new + old.join(parts[index + 1 :])
    elif kind == "splice_line":
        assert isinstance(args[1], bytes)
        indent = lines[line][: len(lines[line]) - len(lines[line].lstrip(b" \t"))]
        lines.insert(line, indent + args[1].lstrip(b" \t"))
    return b"".join(lines)


@st.composite
def mutated_fixture(draw: st.DrawFn) -> tuple[Path, bytes, list[tuple[str, tuple[object, ...]]]]:
    fixture = draw(st.sampled_from(FIXTURE_FILES))
    data = fixture.read_bytes()
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        step = draw(mutation(len(data.splitlines()), len(data)))
        data = apply_mutation(data, *step)
        steps.append(step)
    return fixture, data, steps


def write_mutated(dest: Path, fixture: Path, data: bytes) -> Path:
    target = copy_project(fixture, dest)
    target.write_bytes(data)
    return target


def in_tmp(name: str) -> Path:
    """A fresh folder per example (hypothesis cannot use pytest's per-test ``tmp_path``), under
    ``$TRADELINT_FUZZ_TMP`` when set, else the system's temporary folder; the caller removes it."""
    return Path(tempfile.mkdtemp(prefix=f"tradelint-{name}-", dir=os.environ.get("TRADELINT_FUZZ_TMP")))
