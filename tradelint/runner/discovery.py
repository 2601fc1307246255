"""The files a run checks: the Python files named, and those under the folders named minus what
is never worth linting (VCS metadata, caches, build output, virtualenvs), what the configuration
excludes and what ``.gitignore`` ignores; and the state of the files ``--watch`` looks at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator, Sequence

from tradelint.core import gitignore
from tradelint.core.config import Config, config_for


# Folders never worth linting: VCS metadata, caches, build output, virtualenvs (also found by pyvenv.cfg).
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".tox", ".nox", ".venv", "venv", ".eggs", "node_modules", "site-packages", "__pypackages__",
    "build", "dist", ".tradelint_cache",
}


class UsageError(Exception):
    pass


def _is_virtualenv(folder: Path) -> bool:
    # os.path, not pathlib: on 3.10-3.11 pathlib raises for a folder that cannot be searched.
    return os.path.isfile(folder / "pyvenv.cfg")


def discover(
    paths: Sequence[Path],
    forced: Config | None,
    force_exclude: bool = False,
    adjust: Callable[[Config], Config] = lambda config: config,
) -> Iterator[Path]:
    """Files named on the command line are checked (unless ``force_exclude``, as ruff's
    ``--force-exclude``); folders are walked, minus exclusions (``adjust``: the command line's)."""
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
        if not os.path.isdir(path):
            if not (force_exclude and adjust(forced or config_for(path)).is_excluded(path)):
                yield path
            continue
        unreadable: list[OSError] = []
        for folder, dirs, files in os.walk(path, onerror=unreadable.append):
            base = Path(folder)
            config = adjust(forced or config_for(base))
            dirs[:] = sorted(
                d for d in dirs
                if d not in SKIP_DIRS
                and not _is_virtualenv(base / d)
                and not config.is_excluded(base / d)
                and not (config.respect_gitignore and gitignore.is_ignored(base / d, is_folder=True))
            )
            for name in sorted(files):
                file = base / name
                if not name.endswith(".py"):
                    continue
                file_config = adjust(forced or config_for(file))
                if file_config.respect_gitignore and gitignore.is_ignored(file, is_folder=False):
                    continue
                if not file_config.is_excluded(file):
                    yield file
        # A folder that cannot be listed is "checked" too: reading it gives its TRD001.
        yield from (Path(error.filename) for error in unreadable if error.filename is not None)


WATCHED_NAMES = {"pyproject.toml", "tradelint.toml", ".tradelint.toml", ".gitignore"}


def snapshot(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every Python and configuration file under ``paths``, and of
    the configuration files in the folders above them."""
    seen: dict[str, tuple[int, int]] = {}

    def note(file: str) -> None:
        try:
            info = os.stat(file)
        except OSError:
            return
        seen[file] = (info.st_mtime_ns, info.st_size)

    for path in paths:
        absolute = os.path.abspath(path)
        folder = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        for above in (Path(folder), *Path(folder).parents):
            for name in WATCHED_NAMES:
                note(str(above / name))
        if not os.path.isdir(absolute):
            note(absolute)
            continue
        for base, dirs, files in os.walk(absolute):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not _is_virtualenv(Path(base) / d)]
            for name in files:
                if name.endswith(".py") or name in WATCHED_NAMES:
                    note(os.path.join(base, name))
    return seen
