"""Demand-driven checking: which files of a run cannot get a finding, so that only a syntax check
is needed for them (``TRADELINT_DEMAND=1``; off by default, see below).

A file is checked in full when its source contains a trigger word of a rule enabled for it
(``Rule.trigger_words``: each rule's own and the configuration's: keepers, task owners, extra
resource types, renames and packs), the word ``noqa`` where TRD003 is enabled, or when it imports
a first-party module of the run that is checked in full (a base class, a wrapper, an owner: the
facts another file's finding can rest on), transitively. Any other file is only compiled: a
syntax error or an unreadable file gets exactly the check's TRD001, as the full check is run
for it then.

Off by default: output identity with a full check is measured by ``benchmarks/demand_identity.py``
and has not been reached on every tree (benchmarks/RESULTS.md). Runs with a cache check in full
(the cache stores each checked file's summary).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import Iterable, Sequence

from tradelint.core.config import Config
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.registry import all_rules
from tradelint.facts.context import Project
from tradelint.facts.syntax import resolve_relative
from tradelint.runner.unused_noqa import CODE as UNUSED_NOQA

# The switch: "1" checks on demand, anything else in full.
ENV = "TRADELINT_DEMAND"


def demand_enabled() -> bool:
    return os.environ.get(ENV) == "1"


_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import\b([^\n#;]*)|import[ \t]+([^\n#;]*))", re.M)


def trigger_words(config: Config, path: Path) -> tuple[bytes, ...]:
    """The words one of which ``path``'s source must contain to be checked in full for itself."""
    words: set[str] = set()
    for code, rule in all_rules().items():
        if config.enabled(code, path):
            words.update(rule.trigger_words(config))
    if config.enabled(UNUSED_NOQA, path):
        words.add("noqa")  # matched case-insensitively: see ``_has_word``
    return tuple(sorted(word.encode("utf-8") for word in words if word))


def _has_word(data: bytes, words: Iterable[bytes]) -> bool:
    lowered: bytes | None = None
    for word in words:
        if word == b"noqa":
            lowered = data.lower() if lowered is None else lowered
            if word in lowered:
                return True
        elif word in data:
            return True
    return False


def _imported(data: bytes, module_name: str | None, is_package: bool) -> set[str]:
    """The dotted names a source imports (each ``from M import n``: ``M`` and ``M.n``)."""
    found: set[str] = set()
    for match in _IMPORT.finditer(data):
        source, names, plain = match.groups()
        if plain is not None:
            for part in plain.decode("utf-8", "replace").replace("(", " ").replace(")", " ").split(","):
                dotted = part.split(" as ")[0].strip().rstrip("\\").strip()
                if dotted:
                    found.add(dotted)
            continue
        text = source.decode("utf-8", "replace")
        level = len(text) - len(text.lstrip("."))
        base = resolve_relative(text[level:] or None, level, module_name, is_package)
        if base is None:
            continue
        if base:
            found.add(base)
        for part in names.decode("utf-8", "replace").replace("(", " ").replace(")", " ").split(","):
            name = part.split(" as ")[0].strip().rstrip("\\").strip()
            if name and name != "*":
                found.add(f"{base}.{name}" if base else name)
    return found


def _suffixes(path: Path) -> list[str]:
    """Every dotted name that may denote ``path``'s module, from any root (``a.b.c``, ``b.c``, ``c``)."""
    parts = list(path.with_suffix("").parts[1:])
    if parts and parts[-1] == "__init__":
        parts.pop()
    return [".".join(parts[i:]) for i in range(len(parts)) if all(p.isidentifier() for p in parts[i:])]


def full_check_needed(files: Sequence[tuple[Path, Config]]) -> list[bool]:
    """For each file, whether it must be checked in full: it has a trigger word, its source could
    not be read here, or it imports (transitively) a first-party module that must."""
    project = Project()
    needed = [True] * len(files)
    imports: list[set[str]] = []
    by_name: dict[str, list[int]] = {}
    for i, (path, config) in enumerate(files):
        try:
            data = read_source_bytes(path)
        except (UnreadableFile, OSError):
            imports.append(set())
            continue
        absolute = Path(os.path.abspath(path))
        module_name, _ = project.locate(absolute)
        needed[i] = _has_word(data, trigger_words(config, path))
        imports.append(_imported(data, module_name, absolute.name == "__init__.py"))
        for name in _suffixes(absolute):
            by_name.setdefault(name, []).append(i)
    # Importers of each file, then a walk from the files checked in full.
    importers: dict[int, list[int]] = {}
    for i, names in enumerate(imports):
        for name in names:
            for j in by_name.get(name, ()):
                if j != i:
                    importers.setdefault(j, []).append(i)
    todo = [i for i, need in enumerate(needed) if need]
    while todo:
        j = todo.pop()
        for i in importers.get(j, ()):
            if not needed[i]:
                needed[i] = True
                todo.append(i)
    return needed


def compiles(data: bytes, display: str) -> bool:
    """Whether the source compiles (then it parses, and the full check's TRD001 has nothing to
    say about it); False for anything else, which the full check then judges. Compiling checks
    more than parsing (a ``return`` outside a function): such a file is checked in full."""
    if b"\0" in data:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, display, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError, OverflowError):
        return False
    return True
