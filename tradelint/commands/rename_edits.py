"""Renames that no class definition shows, found from the accesses a commit edited.

Incident 000: `vat.spot_map` became `vat.spot_markets` in one module (driftpy's `Vat` never had
`spot_map`); the crash was the access left in another. Between REV and the working tree, a changed
hunk that replaces `R.old` by `R.new` (the same receiver expression, or a receiver of the same
inferred type), where every `R.old` of the file is gone afterwards and the two names are related,
is a rename of `old` to `new` for that receiver, unless the receiver's class (first-party, or an
installed library's, read from its source) still defines `old`.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.renames.library_classes import library_members, library_module
from tradelint.models.renames.receiver_types import NO_FACTS, UNKNOWN, ReceiverTypes, find_class
from tradelint.models.renames.rename_model import defines


class Access(NamedTuple):
    line: int  # where the attribute name is (the last line of a multi-line access)
    receiver: str  # the receiver's source text
    last: str | None  # the receiver's last name: ``vat`` for ``state.vat``
    attr: str
    type_name: str


@dataclass
class EditedRename:
    path: str  # the first file, relative to the repository root, where the edit was seen
    line: int
    receiver: str
    owner: str | None  # the receiver's type, as an importer spells it; None when unknown
    old: str
    new: str
    receivers: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.owner}.{self.old}" if self.owner else self.old


def accesses(module: ModuleInfo) -> list[Access]:
    types = ReceiverTypes(module, NO_FACTS)
    found = []
    for node in module.index.attributes:
        if node.attr.startswith("__") and node.attr.endswith("__"):
            continue
        func = module.enclosing_function(node)
        receiver = node.value
        last = receiver.id if isinstance(receiver, ast.Name) else receiver.attr if isinstance(receiver, ast.Attribute) else None
        found.append(
            Access(node.end_lineno or node.lineno, ast.unparse(receiver), last, node.attr, types.type_in(receiver, func))
        )
    return found


def _changed_hunks(old_text: str, new_text: str) -> list[tuple[range, range]]:
    """Old and new line ranges (1-based) of each replaced block: a run of changes with nothing but
    blank lines between them, so a line deleted near the one inserted for it counts
    (tompollard/tableone's ``levelcounts.iteritems()`` moved below a blank line as ``.items()``)."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    blocks: list[list[int]] = []
    bridged = False  # only blank lines since the last block: it goes on
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            bridged = bool(blocks) and blocks[-1][1] == i1 and not any(line.strip() for line in old_lines[i1:i2])
            if bridged:
                blocks[-1][1], blocks[-1][3] = i2, j2
            continue
        if blocks and (bridged or (blocks[-1][1] == i1 and blocks[-1][3] == j1)):
            blocks[-1][1], blocks[-1][3] = i2, j2
        else:
            blocks.append([i1, i2, j1, j2])
    return [(range(i1 + 1, i2 + 1), range(j1 + 1, j2 + 1)) for i1, i2, j1, j2 in blocks if i2 > i1 and j2 > j1]


def _closely_related(a: str, b: str) -> bool:
    """A shared word (``spot_map``/``spot_markets``), or most of the letters (``qty``/``quantity``
    is too far): an edit is weaker evidence than a class that lost one member and gained another."""
    return bool(_words(a) & _words(b)) or difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.75


def _same_receiver(a: Access, b: Access) -> bool:
    """The same expression of the same type, or two receivers of one known type. A receiver whose
    type appeared or changed with the edit is another object (seen replaying v2-risk-dashboard: an
    aiohttp ``response.status`` became a requests ``response.status_code``): not a rename."""
    if a.type_name != b.type_name:
        return False
    return a.receiver == b.receiver or a.type_name != UNKNOWN


def edited_pairs(before: ModuleInfo, after: ModuleInfo, old_text: str, new_text: str) -> list[tuple[Access, Access]]:
    """(old access, new access) pairs where an edit replaced one attribute by a related one."""
    old_accesses, new_accesses = accesses(before), accesses(after)
    pairs = []
    for old_lines, new_lines in _changed_hunks(old_text, new_text):
        removed = [a for a in old_accesses if a.line in old_lines]
        added = [a for a in new_accesses if a.line in new_lines]
        for gone in removed:
            if any(a.attr == gone.attr and _same_receiver(gone, a) for a in added):
                continue  # still there after the edit
            candidates: dict[str, Access] = {}
            for came in added:
                if (
                    came.attr != gone.attr
                    and _same_receiver(gone, came)
                    and _closely_related(gone.attr, came.attr)
                    and not any(a.attr == came.attr and _same_receiver(came, a) for a in removed)
                ):
                    candidates.setdefault(came.attr, came)
            if len(candidates) != 1:
                continue
            came = next(iter(candidates.values()))
            # Every access under the old name on this receiver is gone from the file: a rename, not
            # one call site moved to a sibling method.
            if any(a.attr == gone.attr and _same_receiver(gone, a) for a in new_accesses):
                continue
            pairs.append((gone, came))
    return pairs


_UNREADABLE: frozenset[str] = frozenset({"<unreadable>"})


def _module_names(module: ModuleInfo, type_name: str) -> frozenset[str] | None:
    """The names a module receiver has; :data:`_UNREADABLE` for a module not installed (an import
    of it says it is one) or open (``__getattr__``); None when ``type_name`` is not a module."""
    if type_name == UNKNOWN:
        return None
    found = module.project.find_module(type_name, module.roots) or library_module(module.project, type_name, module.roots)
    if found is None:
        imported = set(module.imports.names.values())
        return _UNREADABLE if type_name in imported and type_name.rpartition(".")[2][:1].islower() else None
    if "__getattr__" in found.top_level:
        return _UNREADABLE
    names = set(found.top_level) | set(found.imports.names)
    for stmt in found.tree.body:
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []:
            names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return frozenset(names)


def still_defines(module: ModuleInfo, type_name: str, name: str) -> bool:
    """Whether the class behind ``type_name`` defines ``name`` (first-party, or an installed library
    read from its source); False when the class cannot be found."""
    if type_name == UNKNOWN:
        return False
    types = ReceiverTypes(module, NO_FACTS)
    if any(defines(m, cls, name) for m, cls in types.mro(type_name)):
        return True
    members = library_members(type_name, module.roots)
    return members is not None and name in members


def importable_name(project: Project, module: ModuleInfo, type_name: str, repo: Path) -> str:
    """The dotted name importers use for a first-party class (see ``importable_module``)."""
    found = find_class(module, type_name)
    if found is None:
        return type_name
    defining, cls = found
    dotted = importable_module(project, defining.path, repo)
    return f"{dotted}.{cls.name}" if dotted else type_name


def importable_module(project: Project, file: Path, repo: Path) -> str | None:
    """The dotted name importers use for a first-party module. A module of a folder without
    ``__init__.py`` (``backend/state.py``) is ``backend.state`` to its importers, not the ``state``
    it is to itself: the name is taken from the project's root (``src/`` first) where the file is
    under it, from its package root otherwise (a script is its own name)."""
    path = Path(os.path.abspath(file))
    package_root = path.parent
    while (package_root / "__init__.py").is_file() and package_root.parent != package_root:
        package_root = package_root.parent
    _, roots = project.locate(path)
    config_root = next((r for r in roots if (r / "pyproject.toml").is_file()), None)
    candidates = [
        base
        for base in (config_root / "src" if config_root else None, config_root, Path(os.path.abspath(repo)))
        if base is not None and _under(package_root, base)
    ]
    for base in [*candidates, package_root]:
        if not _under(path, base):
            continue
        parts = list(path.relative_to(base).with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts)
    return None


def _under(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
    except ValueError:
        return False
    return True


def _enclosing_class_defines(module: ModuleInfo, line: int, name: str) -> bool:
    """A method's own ``self.name``: the class of the method defines it (BackendState's own map)."""
    for cls in module.index.classes:
        if cls.lineno <= line <= (cls.end_lineno or cls.lineno) and defines(module, cls, name):
            return any(isinstance(s, FUNCTION_NODES) for s in cls.body)
    return False


def find_edited_renames(
    project: Project, repo: Path, edits: list[tuple[str, Path, str, str]]
) -> list[EditedRename]:
    """``edits``: (path relative to the repository, path now, text at REV, text now) per file."""
    found: dict[tuple[str | None, str, str], EditedRename] = {}
    for rel, path, old_text, new_text in edits:
        from tradelint.facts.syntax import parse_module

        try:
            old_tree, new_tree = parse_module(old_text), parse_module(new_text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        before = ModuleInfo(path, old_tree, project, old_text)
        after = ModuleInfo(path, new_tree, project, new_text)
        for gone, came in edited_pairs(before, after, old_text, new_text):
            type_name = came.type_name if came.type_name != UNKNOWN else gone.type_name
            if type_name.startswith("builtins."):
                continue  # a dict's or a list's methods are not renamed by a commit
            names = _module_names(after, type_name)
            if names is not None and (names is _UNREADABLE or gone.attr in names or came.attr not in names):
                # A module's function (``st.expander`` -> ``st.subheader``): a rename only when the
                # module can be read and has lost the old name; a different call is not one.
                continue
            if still_defines(after, type_name, gone.attr):
                continue  # the class has both: a call moved to another method, not a rename
            if type_name == UNKNOWN and _enclosing_class_defines(after, came.line, gone.attr):
                continue
            owner = importable_name(project, after, type_name, repo) if type_name != UNKNOWN else None
            key = (owner, gone.attr, came.attr)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = EditedRename(rel, came.line, came.receiver, owner, gone.attr, came.attr)
            for access in (gone, came):
                if access.last is not None:
                    entry.receivers.add(access.last)
    # One old name renamed two ways is not a rename anyone can apply.
    olds: dict[tuple[str | None, str], int] = {}
    for owner, old, _ in found:
        olds[(owner, old)] = olds.get((owner, old), 0) + 1
    return [entry for (owner, old, _), entry in found.items() if olds[(owner, old)] == 1]


def _words(name: str) -> set[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return {w for w in spaced.split("_") if len(w) >= 3}
