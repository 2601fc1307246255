"""``tradelint renames --since REV``: renames in first-party classes, found in the git history.

Between REV and the working tree, a class that lost one attribute and gained another of the same
role (class attribute or dataclass field, property, method, ``self.x`` assignment) had it renamed.
The pairs are printed as ready ``[tool.tradelint] renames`` entries, and every access still using
an old name in the current tree is reported (TRD401 where the receiver is proven, TRD402 where its
type is unknown). When a class lost or gained several members of one role, only pairs whose
definitions are identical apart from the name are taken, and the two names must be related (a
shared word, or mostly the same letters): a wrong entry costs more than a missing one.

Renames that no class definition shows (incident 000: `vat.spot_map` edited to
`vat.spot_markets` on driftpy's `Vat`) are found from the edited accesses themselves, in
``rename_edits``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

from tradelint.commands.rename_edits import EditedRename, _words, find_edited_renames, importable_module
from tradelint.core.config import Config, ConfigError, config_for, non_empty_path, print_error
from tradelint.core.files import MAX_FILE_BYTES, UnreadableFile, read_source_bytes
from tradelint.core.finding import Finding
from tradelint.core.rename_packs import Rename
from tradelint.facts.context import Project
from tradelint.facts.syntax import FUNCTION_NODES, parse_module
from tradelint.facts.uses import self_name
from tradelint.output import readable
from tradelint.runner.engine import Checker, SourceError, decode_source

PROPERTY_DECORATORS = {"property", "cached_property", "functools.cached_property"}
ROLES = ("property", "method", "class attribute", "instance attribute")


class GitError(Exception):
    pass


@dataclass(frozen=True)
class Member:
    role: str
    shape: str  # the definition with its own name blanked out, to pair renamed members


@dataclass(frozen=True)
class FoundRename:
    path: str  # relative to the repository root, in the working tree
    module: str | None
    cls: str
    old: str
    new: str
    role: str

    @property
    def key(self) -> str:
        owner = f"{self.module}.{self.cls}" if self.module else self.cls
        return f"{owner}.{self.old}"


def git(root: Path, *args: str) -> str:
    """git's output as ``os.fsdecode`` gives names: a path that is not UTF-8 keeps its bytes (as
    surrogates), so it names the same file when handed back to git or opened."""
    result = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True)
    if result.returncode != 0:
        raise GitError(readable(result.stderr.decode("utf-8", "replace").strip()) or f"git {' '.join(args)} failed")
    return result.stdout.decode("utf-8", "surrogateescape")


def _decorator_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for dec in func.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        names.add(ast.unparse(target))
    return names


def _blank(node: ast.AST, name: str) -> str:
    """``ast.dump`` of a definition with its own name replaced, so a renamed one compares equal."""
    return ast.dump(node).replace(repr(name), "'<name>'")


def class_members(cls: ast.ClassDef) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for stmt in cls.body:
        if isinstance(stmt, FUNCTION_NODES):
            decorators = _decorator_names(stmt)
            if decorators & PROPERTY_DECORATORS or any(d.endswith((".setter", ".deleter")) for d in decorators):
                members[stmt.name] = Member("property", _blank(stmt, stmt.name))
            elif stmt.name not in members:
                members[stmt.name] = Member("method", _blank(stmt, stmt.name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            shape = ast.dump(ast.Tuple([stmt.annotation, stmt.value or ast.Constant(None)], ast.Load()))
            members.setdefault(stmt.target.id, Member("class attribute", shape))
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    members.setdefault(target.id, Member("class attribute", ast.dump(stmt.value)))
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES):
            continue
        receiver = self_name(method)
        for node in ast.walk(method):
            if isinstance(node, ast.Assign):
                values = [(t, node.value) for t in node.targets]
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                values = [(node.target, node.value)]
            else:
                continue
            for target, value in values:
                if (
                    isinstance(target, ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == receiver
                    and target.attr not in members
                ):
                    members[target.attr] = Member("instance attribute", ast.dump(value))
    return members


def classes(tree: ast.Module) -> Iterator[tuple[str, ast.ClassDef]]:
    """Classes by dotted path inside the module (``Outer.Inner``), outside functions."""
    stack: list[tuple[str, ast.AST]] = [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                name = f"{prefix}{child.name}"
                yield name, child
                stack.append((f"{name}.", child))
            elif isinstance(child, (ast.If, ast.Try)):
                stack.append((prefix, child))


def pair_renames(old: dict[str, Member], new: dict[str, Member]) -> list[tuple[str, str, str]]:
    """(old name, new name, role) for members that vanished while a related one of the same role
    appeared: the names must be related (a shared word, or mostly the same letters), and either
    the definitions are the same apart from the name, or it is the only pair of that role."""
    found = []
    for role in ROLES:
        removed = sorted(n for n, m in old.items() if m.role == role and n not in new and not _dunder(n))
        added = sorted(n for n, m in new.items() if m.role == role and n not in old and not _dunder(n))
        only_pair = len(removed) == 1 and len(added) == 1

        def fits(gone: str, came: str) -> bool:
            return related_names(gone, came) and (only_pair or old[gone].shape == new[came].shape)

        for gone in removed:
            forward = [came for came in added if fits(gone, came)]
            if len(forward) == 1 and [g for g in removed if fits(g, forward[0])] == [gone]:
                found.append((gone, forward[0], role))
    return found


def related_names(a: str, b: str) -> bool:
    """``spot_map``/``spot_markets``, ``qty``/``quantity``; not ``string_reference``/``proven``."""
    return bool(_words(a) & _words(b)) or difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.5


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _parse(source: str) -> ast.Module | None:
    try:
        return parse_module(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def changed_files(root: Path, rev: str) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Python files changed since REV: (path at REV, path now) pairs, then deleted, then added."""
    out = git(root, "diff", "--no-ext-diff", "--name-status", "-M", "-z", rev, "--")
    fields = out.split("\0")
    pairs: list[tuple[str, str]] = []
    deleted: list[str] = []
    added: list[str] = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status.startswith(("R", "C")):
            pairs.append((fields[i + 1], fields[i + 2]))
            i += 3
            continue
        if status.startswith("M"):
            pairs.append((fields[i + 1], fields[i + 1]))
        elif status.startswith("D"):
            deleted.append(fields[i + 1])
        elif status.startswith("A"):
            added.append(fields[i + 1])
        i += 2
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "-z").split("\0")
    added += [path for path in untracked if path]
    return (
        [(a, b) for a, b in pairs if a.endswith(".py") and b.endswith(".py")],
        [path for path in deleted if path.endswith(".py")],
        [path for path in added if path.endswith(".py")],
    )


class History:
    """The files of a repository as they were at REV, read under the limits a check applies to
    the files it reads: a blob over ``MAX_FILE_BYTES`` is never read whole (git's output is cut
    off there), one too deeply nested is not analysed, and each skipped file costs one line on
    stderr, once."""

    def __init__(self, root: Path, rev: str) -> None:
        self.root, self.rev = root, rev
        self._texts: dict[str, str | None] = {}
        self._skipped: set[str] = set()

    def skip(self, path: str, reason: str) -> None:
        if path not in self._skipped:
            self._skipped.add(path)
            print(f"tradelint renames: {readable(path)} at {readable(self.rev)}: skipped: {reason}", file=sys.stderr)

    def text_at(self, path: str) -> str | None:
        """The file's text at REV, decoded as Python decodes a source file (BOM, coding cookie,
        UTF-8), as the file now is; None when it cannot be read or is skipped."""
        if path not in self._texts:
            self._texts[path] = None
            try:
                self._texts[path] = decode_source(_blob(self.root, self.rev, path))
            except UnreadableFile as exc:
                self.skip(path, str(exc))
            except (GitError, SourceError):
                pass
        return self._texts[path]

    def classes_at(self, path: str) -> dict[str, ast.ClassDef]:
        text = self.text_at(path)
        if text is None:
            return {}
        try:
            tree = parse_module(text)
        except (SyntaxError, ValueError):
            return {}
        except (RecursionError, MemoryError):
            self.skip(path, "file is too deeply nested to parse")
            return {}
        return dict(classes(tree))


def _blob(root: Path, rev: str, path: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """``git show REV:path``, read no further than ``limit`` bytes: a 30 MB blob must not cost
    30 MB (nor, parsed, gigabytes)."""
    with subprocess.Popen(
        ["git", "-c", "core.quotepath=off", "show", f"{rev}:{path}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    ) as process:
        data = process.stdout.read(limit + 1) if process.stdout is not None else b""
        if len(data) > limit:
            process.kill()
            raise UnreadableFile(f"file is too large (more than {limit / 2**20:.0f} MiB)", refused=True)
        if process.wait() != 0:
            raise GitError(f"git show {readable(rev)}:{readable(path)} failed")
    return data


def _old_classes(history: History, path: str) -> dict[str, ast.ClassDef]:
    return history.classes_at(path)


def _new_classes(root: Path, path: str) -> dict[str, ast.ClassDef]:
    try:
        tree = _parse(decode_source(read_source_bytes(root / path)))
    except (OSError, UnreadableFile, SourceError):
        return {}
    return dict(classes(tree)) if tree is not None else {}


def find_renames(history: History, project: Project) -> list[FoundRename]:
    root = history.root
    pairs, deleted, added = changed_files(root, history.rev)
    # (path now, class name, class at REV, class now)
    matched: list[tuple[str, str, ast.ClassDef, ast.ClassDef]] = []
    for old_path, new_path in pairs:
        before = _old_classes(history, old_path)
        for name, cls in _new_classes(root, new_path).items():
            if name in before:
                matched.append((new_path, name, before[name], cls))
    # A file moved and edited beyond git's rename detection: pair its classes by a unique name.
    gone: dict[str, list[ast.ClassDef]] = {}
    for path in deleted:
        for name, cls in _old_classes(history, path).items():
            gone.setdefault(name, []).append(cls)
    new: dict[str, list[tuple[str, ast.ClassDef]]] = {}
    for path in added:
        for name, cls in _new_classes(root, path).items():
            new.setdefault(name, []).append((path, cls))
    for name, olds in gone.items():
        news = new.get(name, [])
        if len(olds) == 1 and len(news) == 1:
            matched.append((news[0][0], name, olds[0], news[0][1]))
    found: list[FoundRename] = []
    for path, name, before_cls, now_cls in matched:
        module = importable_module(project, root / path, root)
        try:
            pairs_found = pair_renames(class_members(before_cls), class_members(now_cls))
        except RecursionError:  # a member too deeply nested to compare (``ast.unparse`` recurses)
            history.skip(path, "file is too deeply nested to analyse")
            continue
        for old, new_name, role in pairs_found:
            found.append(FoundRename(path, module, name, old, new_name, role))
    return found


def python_files(root: Path) -> Iterator[Path]:
    from tradelint.runner.discovery import discover

    yield from discover([root], None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradelint renames",
        description="Find attributes renamed since REV (git), in first-party classes or in the accesses "
        "a commit edited, print them as [tool.tradelint] renames entries, and report accesses that still "
        "use the old names.",
    )
    parser.add_argument("--since", required=True, metavar="REV", help="a commit, tag or branch to compare with")
    parser.add_argument("path", nargs="?", type=non_empty_path, default=Path("."), help="inside the git repository (default: .)")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    start: Path = args.path
    rev: str = args.since
    try:
        root = Path(git(start if start.is_dir() else start.parent, "rev-parse", "--show-toplevel").strip())
    except (GitError, OSError) as exc:
        print(f"tradelint renames: error: {start} is not inside a git repository ({exc})", file=sys.stderr)
        return 2
    try:
        git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except GitError:
        shallow = git(root, "rev-parse", "--is-shallow-repository").strip() == "true"
        hint = (
            "; this clone is shallow, so older commits are not here: fetch more history "
            "(git fetch --deepen=N, or --unshallow) or name a commit inside it"
            if shallow
            else ""
        )
        print(f"tradelint renames: error: unknown revision '{readable(rev)}'{hint}", file=sys.stderr)
        return 2
    project = Project()
    history = History(root, rev)
    try:
        renames = find_renames(history, project)
        edited = find_edited_renames(project, root, file_edits(history))
        config = config_for(root)
    except GitError as exc:
        print(f"tradelint renames: error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print_error(exc)
        return 2
    seen = {(r.old, r.new) for r in renames}
    edited = [e for e in edited if (e.old, e.new) not in seen]
    if not renames and not edited:
        print(f"No renamed attributes in first-party classes or edited accesses since {readable(rev)}.")
        return 0
    if renames:
        print(f"Renamed since {readable(rev)}:")
        for r in renames:
            print(f"  {readable(r.path)}: {r.cls}.{r.old} -> {r.new} ({r.role})")
    if edited:
        if renames:
            print()
        print(f"Renamed in edited accesses since {readable(rev)}:")
        for e in edited:
            owner = f"`{e.owner}`" if e.owner else "type unknown"
            print(f"  {readable(e.path)}:{e.line}: {e.receiver}.{e.old} -> {e.receiver}.{e.new} ({owner})")
    configured = {(c.owner, c.old): c.new for c in config.renames}
    pairs = [(r.key, r.new) for r in renames] + [(e.key, e.new) for e in edited]
    entries = ", ".join(f'"{key}" = "{new}"' for key, new in pairs)
    print()
    print("[tool.tradelint] entries (merge into `renames` in pyproject.toml):")
    print(readable(f"renames = {{ {entries} }}"))
    already = [key for key, new in pairs if configured.get(_split_key(key)) == new]
    if already:
        print(readable(f"(already configured: {', '.join(already)})"))
    findings = remaining_accesses(root, renames, project, edited)
    print()
    if not findings:
        print("No access under an old name remains.")
        return 0
    print("Accesses under an old name:")
    for finding in findings:
        print(readable(finding.as_text()))
    return 1


def _split_key(key: str) -> tuple[str | None, str]:
    owner, _, old = key.rpartition(".")
    return (owner or None, old)


def _text_now(root: Path, path: str) -> str | None:
    try:
        return decode_source(read_source_bytes(root / path))
    except (OSError, UnreadableFile, SourceError):
        return None


def file_edits(history: History) -> list[tuple[str, Path, str, str]]:
    """(path now, absolute path, text at REV, text now) of every Python file changed in place or moved."""
    root = history.root
    pairs, _, _ = changed_files(root, history.rev)
    edits = []
    for old_path, new_path in pairs:
        before, after = history.text_at(old_path), _text_now(root, new_path)
        if before is not None and after is not None and before != after:
            edits.append((new_path, root / new_path, before, after))
    return edits


def remaining_accesses(
    root: Path, renames: list[FoundRename], project: Project, edited: Sequence[EditedRename] = ()
) -> list[Finding]:
    entries = tuple(Rename(r.key.rpartition(".")[0], r.old, r.new) for r in renames) + tuple(
        Rename(e.owner, e.old, e.new, receivers=tuple(sorted(e.receivers))) for e in edited
    )
    # A class's renamed member on a receiver of unknown type is worth a look only where the
    # receiver's name says it may be one (``state``, ``backend_state`` for ``BackendState``):
    # ``request.state.vat.spot_markets`` is not a ``BackendState``'s old ``spot_markets``.
    class_words = {(r.old, r.new): _words(r.cls.rpartition(".")[2]) for r in renames}
    checker = Checker(project)
    findings: list[Finding] = []
    for file in python_files(root):
        try:
            base = config_for(file)
        except ConfigError:
            base = Config()
        config = replace(
            base,
            select=("TRD401", "TRD402"),
            ignore=(),
            per_file_ignores=(),
            renames=entries,
            pack_renames=(),
            rename_packs=(),
            renames_unknown_receivers=True,
        )
        display = os.path.relpath(file, root) if file.is_absolute() else str(file)
        for finding in checker.check_path(file, config, display=display):
            if finding.code == "TRD402" and not _named_like_owner(finding, class_words):
                continue
            findings.append(finding)
    return sorted(findings)


# TRD402's message names the access, its help the new name (rules/renamed_attribute*.py).
UNPROVEN = re.compile(r"^`(?P<receiver>[^`]*)\.(?P<old>\w+)` may be a renamed ")
UNPROVEN_NEW = re.compile(r"^Renamed to `(?P<new>\w+)`")


def _named_like_owner(finding: Finding, class_words: dict[tuple[str, str], set[str]]) -> bool:
    match = UNPROVEN.match(finding.message)
    new = UNPROVEN_NEW.match(finding.help or "")
    if match is None or new is None:
        return True
    words = class_words.get((match["old"], new["new"]))
    if words is None:
        return True  # an entry found from edited accesses: its receivers were chosen already
    last = re.split(r"[.(\[]", match["receiver"].rstrip(")]"))[-1]
    return bool(_words(last) & words)
