"""Where a module file sits in a project: its dotted name under an import root, and the folder
that packages it (helpers of :class:`tradelint.facts.context.Project`, which imports them); and
whether a dotted name is the standard library's."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path, PurePath
from typing import Any, Callable, Iterable


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


# Files that mark a project's folder (no ``.git``: what a fix may call safe must not depend on
# whether the tree is a clone or an unpacked archive of the same files).
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "tox.ini", ".gitignore")


# Folders no project's own code lives in (also what ``project_files`` leaves out of a walk).
SKIP_FOLDERS = frozenset({"__pycache__", "node_modules", "build", "dist", "site-packages", "venv", "env"})


def source_folders(root: Path, depth: int = 3) -> dict[str, tuple[Path, ...]]:
    """The other source roots a repository holds below ``root`` (a monorepo's ``lib/python/``,
    ``toolkit-dist/``): by the name of each folder they hold, the source roots holding one. A
    source root is a folder that is no package (no ``__init__.py``), down to ``depth`` levels
    below ``root``, found without entering a package, a hidden, skipped or virtual-env folder."""
    found: dict[str, list[Path]] = {}
    level = [root]
    for _ in range(depth + 1):  # (the folders of the last level's source roots too)
        below: list[Path] = []
        for folder in level:
            try:
                entries = sorted(e.name for e in os.scandir(folder) if e.is_dir(follow_symlinks=False))
            except OSError:
                continue
            for name in entries:
                if name.startswith(".") or name in SKIP_FOLDERS:
                    continue
                path = folder / name
                if folder != root and name.isidentifier():
                    found.setdefault(name, []).append(folder)
                if not os.path.isfile(path / "__init__.py") and not os.path.isfile(path / "pyvenv.cfg"):
                    below.append(path)
        level = below
    return {name: tuple(folders) for name, folders in found.items()}


def sibling_source(dotted: str, roots: tuple[Path, ...], folders_of: Callable[[Path], dict[str, tuple[Path, ...]]]) -> Path | None:
    """The file of first-party module ``dotted`` whose top-level package no folder of ``roots``
    holds, in another source root of the same repository: a package of a sibling distribution
    that a module imports as installed (``hailtop.client`` from ``ci/``, ``hailtop`` under
    ``hail/python/``). ``folders_of``: :func:`source_folders` of a root, memoised. Only a
    regular package (``__init__.py``) that one source root alone holds: a name that several
    hold (a vendored copy) does not say which of them is installed, and a namespace package
    (no ``__init__.py``) may be extended by optional distributions. Searched only from a root
    that marks a project (a folder holding checkouts of several repositories is none: what one
    of them imports is not another's code)."""
    top = dotted.partition(".")[0]
    if not top.isidentifier() or is_stdlib(top) or any(os.path.isdir(os.path.join(root, top)) for root in roots):
        return None
    # A distribution's folder named as its package (``plugins/toolkit/toolkit/``) holds no package.
    holders = {
        folder
        for root in roots
        if _repository_folder(root)
        for folder in folders_of(root).get(top, ())
        if os.path.isfile(os.path.join(folder, top, "__init__.py"))
    }
    if len(holders) != 1:
        return None
    folder = str(holders.pop())
    rel = os.path.join(*dotted.split("."))
    return next((Path(c) for c in (os.path.join(folder, rel + ".py"), os.path.join(folder, rel, "__init__.py")) if os.path.isfile(c)), None)


def _repository_folder(root: Path) -> bool:
    """A root that is a project's folder: no package (a folder inside a package holds no
    repository's source roots), with a project marker."""
    return not os.path.isfile(os.path.join(root, "__init__.py")) and any(os.path.exists(os.path.join(root, m)) for m in PROJECT_MARKERS)
