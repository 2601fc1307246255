""".gitignore files, read as git reads them, so a folder walk skips what git ignores (as ruff's
``respect-gitignore``, on by default).

As ruff's walker (the ``ignore`` crate), only inside a git repository (a folder with ``.git``,
or below one): the ``.gitignore`` of every folder from the repository's top down to the file,
and ``.git/info/exclude``. Git's rules: blank lines and ``#`` comments are skipped, trailing
spaces dropped (unless escaped); ``!`` re-includes; a trailing ``/`` matches folders only; a
pattern with a ``/`` elsewhere is relative to its file's folder, one without matches a name at
any depth; ``*`` and ``?`` do not cross ``/``, ``**`` between separators does; the last
matching line wins, a deeper file's lines after a shallower one's. Patterns are matched by
globs.py's automaton, in time linear in the path whatever the pattern. The files are read, never
``git`` run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tradelint.core.globs import Glob, GlobError, compile_glob


@dataclass(frozen=True)
class Line:
    glob: Glob
    negated: bool
    folders_only: bool
    anchored: bool  # matched against the path below the file's folder, not the name alone


def parse(text: str) -> tuple[Line, ...]:
    lines = []
    for raw in text.splitlines():
        pattern = raw.rstrip("\r")
        # Trailing spaces go, unless the last one is escaped ("a\ ").
        stripped = pattern.rstrip(" ")
        if stripped.endswith("\\") and len(stripped) < len(pattern):
            stripped += " "
        pattern = stripped
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        if negated:
            pattern = pattern[1:]
        elif pattern.startswith(("\\!", "\\#")):
            pattern = pattern[1:]
        folders_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        if not pattern:
            continue
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        try:
            lines.append(Line(compile_glob(pattern, git=True), negated, folders_only, anchored))
        except GlobError:
            continue  # git skips a line it cannot read; so do we
    return tuple(lines)


@dataclass(frozen=True)
class IgnoreFile:
    folder: str  # absolute, POSIX: the lines' paths are relative to it
    lines: tuple[Line, ...]

    def verdict(self, path: str, is_folder: bool) -> bool | None:
        """True (ignored), False (re-included by ``!``) or None (no line matches ``path``,
        absolute POSIX, below ``folder``)."""
        relative = path[len(self.folder) :].lstrip("/")
        name = relative.rsplit("/", 1)[-1]
        found = None
        for line in self.lines:
            if line.folders_only and not is_folder:
                continue
            if line.glob.fullmatch(relative if line.anchored else name):
                found = not line.negated
        return found


@lru_cache(maxsize=4096)
def _read(path: str, folder: str) -> IgnoreFile | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read(1 << 20)
    except OSError:
        return None
    return IgnoreFile(folder, parse(text))


@lru_cache(maxsize=4096)
def repository_top(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` (absolute) that holds ``.git``; None outside a repository."""
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


@lru_cache(maxsize=4096)
def ignore_files(folder: str) -> tuple[IgnoreFile, ...]:
    """Every ignore file that applies in ``folder`` (absolute POSIX), outermost first."""
    top = repository_top(folder)
    if top is None:
        return ()
    parent = os.path.dirname(folder)
    found = list(ignore_files(parent)) if folder != top and parent != folder else []
    if folder == top:
        exclude = _read(os.path.join(top, ".git", "info", "exclude"), top)
        if exclude is not None:
            found.append(exclude)
    own = _read(os.path.join(folder, ".gitignore"), folder)
    if own is not None:
        found.append(own)
    return tuple(found)


def is_ignored(path: Path, is_folder: bool) -> bool:
    """Whether git ignores ``path`` by the ignore files of its folder and those above it (its
    folders are pruned by the walk before their contents are seen, as git does)."""
    absolute = Path(os.path.abspath(path)).as_posix()
    return _last_verdict(ignore_files(os.path.dirname(absolute)), absolute, is_folder)


def _last_verdict(ignores: Iterable[IgnoreFile], path: str, is_folder: bool) -> bool:
    """Whether ``path`` (absolute POSIX) is ignored by ``ignores``, outermost first: the last
    line that matches it decides."""
    verdict = False
    for ignore in ignores:
        found = ignore.verdict(path, is_folder)
        if found is not None:
            verdict = found
    return verdict


def is_ignored_below(path: Path, is_folder: bool, top: Path) -> bool:
    """Whether the ``.gitignore`` files of ``top`` and of its folders down to ``path`` ignore
    ``path`` or a folder on the way: for a tree exported without its ``.git`` (``path`` below
    ``top``), where :func:`is_ignored` finds no repository."""
    files: list[IgnoreFile] = []
    current = Path(os.path.abspath(top))
    parts = Path(os.path.abspath(path)).relative_to(current).parts
    for i, part in enumerate(parts):
        own = _read(os.path.join(current, ".gitignore"), current.as_posix())
        if own is not None:
            files.append(own)
        current = current / part
        if _last_verdict(files, current.as_posix(), is_folder or i < len(parts) - 1):
            return True
    return False


def clear_cache() -> None:
    _read.cache_clear()
    repository_top.cache_clear()
    ignore_files.cache_clear()
