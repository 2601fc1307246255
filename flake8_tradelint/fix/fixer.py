"""``--fix`` / ``--diff``: apply fixes over successive passes, verify, then write atomically.

Passes run on an in-memory overlay, so ``--diff`` writes nothing and a fix in one file (a TRD102
base class) is seen when the next pass re-checks the files that depend on it.
"""

from __future__ import annotations

import ast
import codecs
import difflib
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from flake8_tradelint.config import Config
from flake8_tradelint.context import Project
from flake8_tradelint.engine import Checker
from flake8_tradelint.finding import Finding
from flake8_tradelint.fix.codemods import CodemodError, apply_edits
from flake8_tradelint.fix.plan import Edit

MAX_PASSES = 10


@dataclass
class SourceFile:
    """A file's bytes as read, and how to write text back the same way."""

    path: Path
    data: bytes
    encoding: str
    bom: bool
    text: str

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        data = path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        bom = data.startswith(codecs.BOM_UTF8)
        text = data.decode(encoding)
        if text.startswith("\ufeff"):
            text = text[1:]
        if encoding == "utf-8-sig":
            encoding = "utf-8"
        return cls(path, data, encoding, bom, text)

    def encode(self, text: str) -> bytes:
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode(self.encoding)


@dataclass
class FixOutcome:
    findings: list[Finding]  # what remains after fixing
    fixed: int
    new_texts: dict[Path, str] = field(default_factory=dict)
    sources: dict[Path, SourceFile] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def diff(self, display: dict[Path, str]) -> str:
        chunks: list[str] = []
        for path, new in sorted(self.new_texts.items()):
            old = self.sources[path].text
            name = display.get(path, str(path))
            chunks.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True), new.splitlines(keepends=True), fromfile=name, tofile=name
                )
            )
        return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in chunks)


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def compute_fixes(
    files: dict[Path, Config],
    unsafe: bool,
    display: dict[Path, str] | None = None,
    progress: Callable[[], None] | None = None,
) -> FixOutcome:
    """Check ``files``, apply every applicable fix until nothing changes; nothing is written.
    ``progress`` is called once per file of the first pass (the one that checks them all)."""
    display = display or {}
    overlay: dict[Path, str] = {}
    sources: dict[Path, SourceFile] = {}
    errors: list[str] = []
    results: dict[Path, list[Finding]] = {}
    to_check = list(files)
    by_key = {_key(p): p for p in files}
    initial = 0
    refused: set[Edit] = set()
    for pass_number in range(MAX_PASSES):
        checker = Checker(Project(overlay=dict(overlay)))
        edits: dict[Path, list[Edit]] = {}
        fixable_files: set[Path] = set()
        for path in to_check:
            key = _key(path)
            source = overlay.get(key)
            findings = (
                checker.check_path(path, files[path], display=display.get(path))
                if source is None
                else checker.check_source(path, source, files[path], display=display.get(path))
            )
            results[path] = findings
            if pass_number == 0 and progress is not None:
                progress()
            for finding in findings:
                if finding.fix is None or not finding.fix.applies(unsafe):
                    continue
                if any(e in refused for e in finding.fix.edits):
                    continue
                fixable_files.add(path)
                for edit in finding.fix.edits:
                    edits.setdefault(Path(edit.path), []).append(edit)
        if pass_number == 0:
            initial = sum(len(f) for f in results.values())
        changed: set[Path] = set()
        for target, target_edits in edits.items():
            if target not in by_key:
                # Like ruff, never write outside the files being checked (a TRD102 base class).
                errors.append(f"{target}: fix not applied: not among the files being fixed")
                refused.update(target_edits)
                continue
            try:
                if target not in sources:
                    sources[target] = SourceFile.read(target)
                before = overlay.get(target, sources[target].text)
                after, _ = apply_edits(before, target_edits)
                ast.parse(after)  # a fix never writes code that does not parse
            except (CodemodError, SyntaxError, ValueError, OSError, UnicodeDecodeError) as exc:
                errors.append(f"{display.get(by_key.get(target, target), str(target))}: fix not applied: {exc}")
                refused.update(target_edits)
                continue
            except Exception as exc:  # libcst cannot parse what ast could: leave the file alone
                errors.append(f"{display.get(by_key.get(target, target), str(target))}: fix not applied: {exc}")
                refused.update(target_edits)
                continue
            if after != before:
                overlay[target] = after
                changed.add(target)
        if not changed:
            break
        # Re-check what changed, what had fixes (a TRD102 subclass whose base was fixed), and
        # nothing else: unchanged files keep their findings.
        to_check = sorted({by_key[t] for t in changed if t in by_key} | fixable_files)
    remaining = [f for path in files for f in results.get(path, [])]
    new_texts = {p: t for p, t in overlay.items() if t != sources[p].text}
    return FixOutcome(remaining, max(initial - len(remaining), 0), new_texts, sources, errors)


class WriteError(Exception):
    pass


def write_atomically(source: SourceFile, text: str) -> None:
    """Replace the file whole or not at all, keeping mode, encoding, BOM and line endings."""
    target = source.path.resolve()  # through a symlink, not over it
    # The mode bits, not os.access: root may write anything, but a read-only file says "leave me".
    if not target.stat().st_mode & stat.S_IWUSR:
        raise WriteError(f"{source.path}: read-only, not fixed")
    if target.read_bytes() != source.data:
        raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten")
    mode = stat.S_IMODE(target.stat().st_mode)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tradelint")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(source.encode(text))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
