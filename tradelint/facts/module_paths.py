"""Where a module file sits in a project: its dotted name under an import root, and the folder
that packages it (helpers of :class:`tradelint.facts.context.Project`, which imports them); and
whether a dotted name is the standard library's."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path, PurePath
from typing import Any, Iterable


# Read as the standard library's: the typing backports ship nothing but typing's names (no
# resource, no attrs class, no maker of fields).
TYPING_BACKPORTS = frozenset({"typing_extensions", "mypy_extensions"})


def is_stdlib(qualified: str | None) -> bool:
    """Whether the dotted name ``qualified`` (``typing.Generic``, ``asyncio``) is of a module of
    the standard library or of a typing backport (``typing_extensions.Protocol``)."""
    if qualified is None:
        return False
    top = qualified.partition(".")[0]
    return top in sys.stdlib_module_names or top in TYPING_BACKPORTS


def drop_oldest(table: dict[Any, Any], count: int) -> None:
    """Forget the first ``count`` entries of ``table`` (insertion order: the oldest)."""
    for key in list(itertools.islice(table, count)):
        del table[key]


def unlink(value: Any) -> None:
    """Break the cycles of a memo value that is being forgotten: an analysis object that points
    at others that point back (a class model and its fields) says how with a ``break_cycles``
    method (a name no file or path object has: a memo may hold paths). Looked for in the value
    and one level into a dict or list of them."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else (value,)
    for item in items:
        break_cycles = getattr(type(item), "break_cycles", None)
        if break_cycles is not None:
            break_cycles(item)


def module_name_under(path: str, roots: Iterable[Path]) -> str | None:
    """The dotted name of the module at absolute, normal ``path`` under the first of ``roots``
    it is in where every part is an identifier: ``PurePath.relative_to`` and
    ``with_suffix("")`` in strings (both paths are absolute and normal, so a prefix of
    whole folders is what ``relative_to`` finds), without building a ``Path`` per root.

    A script named so that nothing can import it (``collect-user-submission.py``,
    ``matrix-commander.py``) is still a module when run: when no root gives a dotted name, its
    own stem names it (under a root that is its folder), so that its classes and functions
    resolve within it; never a name another module could import."""
    script: str | None = None
    for root in roots:
        base = str(root)
        prefix = base if base.endswith(os.sep) else base + os.sep
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        stem = rel[:-3] if rel.endswith(".py") else str(PurePath(rel).with_suffix(""))
        parts = stem.split(os.sep)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts)
        if script is None and rel.endswith(".py") and os.sep not in stem and "." not in stem and stem.replace("-", "_").isidentifier():
            script = stem
    return script


_PACKAGING = ("pyproject.toml", "setup.py", "setup.cfg")


def packaging_root(folder: Path, depth: int = 3) -> Path | None:
    """The nearest of ``folder`` and its ``depth`` parents that holds a packaging file, or else
    a ``src/`` folder of packages (a src layout checked out without its packaging files)."""
    candidates = (folder, *folder.parents[:depth])
    for candidate in candidates:
        if any(os.path.isfile(candidate / name) for name in _PACKAGING):
            return candidate
    for candidate in candidates:
        if os.path.isdir(candidate / "src") and candidate != folder / "src":
            return candidate
    return None
