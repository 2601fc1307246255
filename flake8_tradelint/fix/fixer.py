"""``--fix`` / ``--diff``: apply fixes over successive passes, verify, then write atomically.

Passes run on an in-memory overlay, so ``--diff`` writes nothing and a fix in one file (a TRD102
base class) is seen when the next pass re-checks the files that depend on it.
"""

from __future__ import annotations

import ast
import codecs
import difflib
import gc
import io
import os
import stat
import tempfile
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from flake8_tradelint.config import Config
from flake8_tradelint.context import Project, child_nodes, parse_module
from flake8_tradelint.engine import Checker, collector_paused
from flake8_tradelint.files import UnreadableFile, read_source_bytes
from flake8_tradelint.finding import Finding
from flake8_tradelint.fix.codemods import CodemodError, apply_edits
from flake8_tradelint.fix.plan import Edit
from flake8_tradelint.fix.verify import apply_checked, line_limit

MAX_PASSES = 10

# libcst nests what ``ast`` keeps flat (``a and b and ...``, implicit string concatenation): its
# native parser overflows the C stack and kills the process near 10,000 levels (measured with
# libcst 1.9), and its Python visitors raise RecursionError far sooner. Files deeper than this
# are not handed to libcst at all.
MAX_FIX_DEPTH = 1000


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
        """Raises UnreadableFile, SyntaxError (coding cookie), UnicodeDecodeError or LookupError."""
        data = read_source_bytes(path)
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
    internal_errors: int = 0  # files whose check raised: a tradelint bug, reported in errors

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


# Node types with a context or operator child (``Load()``, ``Add()``, ``[Eq()]``): leaves one level
# below them that ``child_nodes`` skips.
_WITH_LEAF_CHILD = frozenset(
    {ast.Attribute, ast.Subscript, ast.Starred, ast.Name, ast.List, ast.Tuple, ast.BinOp, ast.UnaryOp,
     ast.BoolOp, ast.AugAssign, ast.Compare}
)


def fix_depth(tree: ast.AST) -> int:
    """Nesting depth as libcst will build it: ``ast`` depth (as ``ast.iter_child_nodes`` counts it),
    plus one level per extra operand of a boolean operation and per extra string of an implicit
    concatenation (both nest in libcst)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(tree, 0)]
    pop, push = stack.pop, stack.append
    BoolOp, Constant = ast.BoolOp, ast.Constant
    while stack:
        node, depth = pop()
        kind = node.__class__
        if kind is BoolOp:
            depth += len(node.values)
        elif kind is Constant and isinstance(node.value, (str, bytes)):
            depth += getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0)
        reach = depth + 1 if kind in _WITH_LEAF_CHILD else depth
        if reach > deepest:
            deepest = reach
        for child in child_nodes(node):
            push((child, depth + 1))
    return deepest


def _apply(before: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
    """Apply edits with libcst, refusing what libcst cannot take and anything that does not parse.

    ``tree`` is the ``ast`` of ``before`` when the check already has it. Returns the new text and
    its tree."""
    if tree is None:
        tree = parse_module(before)
    if fix_depth(tree) > MAX_FIX_DEPTH:
        raise CodemodError(f"nested more than {MAX_FIX_DEPTH} levels deep; libcst cannot rewrite it")
    try:
        after, _ = apply_edits(before, edits, tree)
    except RecursionError:
        raise CodemodError("nested too deeply for libcst to rewrite it") from None
    return after, parse_module(after)  # a fix never writes code that does not parse


def compute_fixes(
    files: dict[Path, Config],
    unsafe: bool,
    display: dict[Path, str] | None = None,
    progress: Callable[[], None] | None = None,
) -> FixOutcome:
    """Check ``files``, apply every applicable fix until nothing changes; nothing is written.

    ``progress`` is called once per file of the first pass (the one that checks them all).

    Every file is read once, up front: its findings, its edits and the bytes that
    :func:`write_atomically` compares with the disk all come from that one snapshot, so a file
    edited meanwhile can only be refused, never patched at positions computed on other text.
    """
    display = display or {}
    line_limit.cache_clear()  # each run reads the projects' line lengths afresh (a long-lived server)
    sources: dict[Path, SourceFile] = {}
    for path in files:
        try:
            sources[_key(path)] = SourceFile.read(path)
        except (UnreadableFile, SyntaxError, UnicodeDecodeError, LookupError):
            pass  # the check reports it (TRD001) from the disk; such a file is never written
    # One project for every pass: first-party modules are parsed once, and a fixed file's new
    # tree replaces its old one (``Project.replace_source``), so a later pass re-checks only what
    # changed or had fixes, against the current text of everything else.
    project = Project(overlay={key: source.text for key, source in sources.items()})
    checker = Checker(project)
    with collector_paused():
        return _fix_passes(files, unsafe, display, progress, sources, project, checker)


def _fix_passes(
    files: dict[Path, Config],
    unsafe: bool,
    display: dict[Path, str],
    progress: Callable[[], None] | None,
    sources: dict[Path, SourceFile],
    project: Project,
    checker: Checker,
) -> FixOutcome:
    overlay: dict[Path, str] = {}
    errors: list[str] = []
    results: dict[Path, list[Finding]] = {}
    to_check = list(files)
    by_key = {_key(p): p for p in files}
    initial = 0
    internal = 0
    broken: set[Path] = set()
    history: dict[Path, list[str]] = {}
    refused: set[Edit] = set()
    failed_checks: set[tuple[Path, str]] = set()
    try:
        for pass_number in range(MAX_PASSES):
            edits: dict[Path, list[Edit]] = {}
            fixes: dict[Path, list[tuple[Edit, ...]]] = {}  # each fix's edits, by file
            fixable_files: set[Path] = set()
            for path in to_check:
                key = _key(path)
                source = project.overlay.get(key)
                name = display.get(path, str(path))
                try:
                    findings = (
                        checker.check_path(path, files[path], display=display.get(path))
                        if source is None
                        else checker.check_source(path, source, files[path], display=display.get(path))
                    )
                except Exception as exc:  # a bug in tradelint: this file is neither checked nor fixed
                    internal += 1
                    broken.add(key)
                    errors.append(f"{name}: internal error, file left alone; please report it: {exc!r}")
                    results[path] = []
                    if pass_number == 0 and progress is not None:
                        progress()
                    continue
                finally:
                    # As the runner does: the trees kept for cross-module lookups leave later
                    # collections, which would otherwise walk them all again for every file.
                    gc.freeze()
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
                    for target in {Path(edit.path) for edit in finding.fix.edits}:
                        fixes.setdefault(target, []).append(tuple(e for e in finding.fix.edits if Path(e.path) == target))
            if pass_number == 0:
                initial = sum(len(f) for f in results.values())
            changed: dict[Path, tuple[str, ast.Module]] = {}
            for target, target_edits in edits.items():
                name = display.get(by_key.get(target, target), str(target))
                if target not in by_key:
                    # Like ruff, never write outside the files being checked (a TRD102 base class).
                    errors.append(f"{target}: fix not applied: not among the files being fixed")
                    refused.update(target_edits)
                    continue
                if target not in sources or target in broken:
                    refused.update(target_edits)
                    continue
                before = overlay.get(target, sources[target].text)
                try:
                    # The project holds the tree of every checked file's current text.
                    # Checked as a program (it compiles, no new unbound name, docstring and
                    # ``__future__`` first, line length): a refused fix leaves its finding.
                    after, tree, refusals = apply_checked(
                        before, fixes[target], project.parsed(target) or parse_module(before), target, _apply
                    )
                    for refused_edits, problem in refusals:
                        refused.update(refused_edits)
                        if (target, problem.partition(":")[0]) not in failed_checks:  # one line per check
                            failed_checks.add((target, problem.partition(":")[0]))
                            errors.append(f"{name}: fix not applied: {problem}")
                    sources[target].encode(after)
                except UnicodeEncodeError as exc:
                    # A rename to ``spöt_map`` in a file whose cookie says ascii.
                    errors.append(f"{name}: fix not applied: the fixed text cannot be encoded as {exc.encoding}")
                    refused.update(target_edits)
                    continue
                except (CodemodError, SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                    errors.append(f"{name}: fix not applied: {exc}")
                    refused.update(target_edits)
                    continue
                except Exception as exc:  # libcst cannot parse what ast could: leave the file alone
                    errors.append(f"{name}: fix not applied: {exc}")
                    refused.update(target_edits)
                    continue
                if after != before:
                    if after in history.setdefault(target, [sources[target].text]):
                        # Fixes that undo each other (renames a -> b here, b -> a through a subclass
                        # elsewhere) would never settle: the file is left as it was.
                        errors.append(f"{name}: fixes not applied: they undo each other")
                        refused.update(target_edits)
                        broken.add(target)
                        continue
                    history[target].append(after)
                    overlay[target] = after
                    changed[target] = (after, tree)
            if not changed:
                break
            for target, (after, tree) in changed.items():
                project.replace_source(target, after, tree)
            # Re-check what changed, what had fixes (a TRD102 subclass whose base was fixed), and
            # nothing else: unchanged files keep their findings.
            to_check = sorted({by_key[t] for t in changed if t in by_key} | fixable_files)
        else:
            for target in sorted(changed):
                errors.append(f"{display.get(by_key[target], str(target))}: fixes not applied: "
                              f"still changing after {MAX_PASSES} passes")
                broken.add(target)
    finally:
        gc.unfreeze()
    remaining = [f for path in files for f in results.get(path, [])]
    new_texts = {p: t for p, t in overlay.items() if t != sources[p].text and p not in broken}
    return FixOutcome(remaining, max(initial - len(remaining), 0), new_texts, sources, errors, internal)


class WriteError(Exception):
    pass


def write_atomically(source: SourceFile, text: str) -> None:
    """Replace the file whole or not at all, keeping mode, owner, encoding, BOM and line endings.

    The new text goes to a temporary file in the same folder, is flushed to disk, and replaces
    the file with one ``rename``: a reader, or a crash at any moment, sees the old file or the
    new one, never a mix. A killed run can leave only a ``.NAME.*.tradelint`` temporary file.
    """
    target = source.path.resolve()  # through a symlink, not over it
    info = target.stat()
    # The mode bits, not os.access: root may write anything, but a read-only file says "leave me".
    if not info.st_mode & stat.S_IWUSR:
        raise WriteError(f"{source.path}: read-only, not fixed")
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"{source.path}: not a regular file, not fixed")
    data = source.encode(text)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tradelint")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            try:
                os.chown(tmp, info.st_uid, info.st_gid)
            except OSError:
                pass  # only root may give a file away; the file is then owned by whoever fixed it
        # Compared last, just before the rename, to keep the window for a concurrent edit small.
        if _current_bytes(target) != source.data:
            raise WriteError(f"{source.path}: changed on disk while fixing, not overwritten")
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(target.parent)


def _current_bytes(path: Path) -> bytes | None:
    try:
        return read_source_bytes(path)
    except UnreadableFile:
        return None


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some systems cannot open a folder, which is harmless."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
