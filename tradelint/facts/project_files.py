"""The project a module belongs to: its root (the nearest folder with a project marker) and its
Python files, listed once and cached, for the questions asked of the whole project (who names
this field, who keeps every task)."""

from __future__ import annotations

import os
import sys
import weakref
from pathlib import Path
from typing import Iterator, cast

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover
    pass

from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.facts.context import ModuleInfo, Project

# No ``.git``: what a fix may call safe must not depend on whether the tree is a clone or an
# unpacked archive of the same files.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "tox.ini", ".gitignore")


SKIP_FOLDERS = {"__pycache__", "node_modules", "build", "dist", "site-packages", "venv", "env"}


MAX_FILES = 20000


# The file list of each project folder, per Project (a fix changes files, never the list).
_PROJECT_FILES: weakref.WeakKeyDictionary[Project, dict[Path, list[Path] | None]] = weakref.WeakKeyDictionary()


def project_root(module: ModuleInfo) -> Path | None:
    """The folder whose ``.py`` files make up ``module``'s project: the nearest one above the
    module's package with a project marker, below the home folder. None when there is none: a
    bare folder of modules may be an installed library, and who imports it cannot be told."""
    module.project.note_scan("markers", module.path.parent)
    start = module.roots[0] if module.roots else module.path.parent
    memo = module.project.class_memo
    key = ("project_root", start)
    if key not in memo:
        memo[key] = _marked_folder(start)
    return cast("Path | None", memo[key])


def _marked_folder(start: Path) -> Path | None:
    stops = {Path(os.path.abspath(os.path.expanduser("~"))), Path(start.anchor)}
    for folder in (start, *start.parents):
        if folder in stops:
            break
        if any(os.path.exists(folder / marker) for marker in PROJECT_MARKERS):
            return folder
    return None


def _is_venv(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg"))


def project_files(project: Project, root: Path) -> list[Path] | None:
    """Every ``.py`` file of the project, or None when there are too many to search."""
    memo = _PROJECT_FILES.setdefault(project, {})
    if root in memo:
        return memo[root]
    found: list[Path] = []
    result: list[Path] | None = found
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in SKIP_FOLDERS and not _is_venv(os.path.join(folder, d))
        )
        found.extend(Path(folder, name) for name in sorted(files) if name.endswith(".py"))
        if len(found) > MAX_FILES:
            result = None
            break
    memo[root] = result
    return result


def files_naming(project: Project, root: Path, name: str) -> Iterator[tuple[Path, bytes]]:
    """The project's files whose text names ``name``, with their bytes (a file that cannot be read
    as a regular file is left out): what a search for a task factory or a class parses, and what
    the cache's ``mentions NAME`` scan digests."""
    needle = name.encode("utf-8", "surrogateescape")
    for path in project_files(project, root) or ():
        # An open buffer's text (the language server), not the disk's.
        text = project.overlay.get(path)
        try:
            data = read_source_bytes(path) if text is None else text.encode("utf-8", "surrogatepass")
        except (OSError, UnreadableFile):
            continue
        if needle in data:
            yield path, data
