"""``[tool.tradelint]`` for each checked file, read through the core's :func:`config_for`.

mypy asks for a module's configuration in three places: ``get_additional_deps`` (every parsed
module, before analysis: this is where the names the fullname-keyed hooks dispatch on are
collected), the hooks themselves (select/ignore/per-file-ignores, renames, task owners), and
``report_config_data`` (the cache key, so that editing the table re-checks the modules it covers).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any, Callable, Union

import mypy

from tradelint import __version__
from tradelint.api import Config, ConfigError, config_for

Loaded = Union[Config, ConfigError]
# Reports a configuration problem (TRD002) on line 1 of the file being checked.
ReportProblem = Callable[[str], None]
# mypy's bundled stubs: never checked, never reported, so never worth a configuration look-up.
TYPESHED = os.path.join(os.path.dirname(os.path.abspath(mypy.__file__)), "typeshed") + os.sep
DEFAULT = Config()


class Settings:
    def __init__(self) -> None:
        self._by_path: dict[str, Loaded] = {}
        self._cache_data: dict[Config, dict[str, Any]] = {}
        # Old names of owner-qualified renames (the project's and its rename packs') in any
        # configuration seen so far.
        self.renamed_names: set[str] = set()
        self._reported: set[str] = set()

    def load(self, path: str) -> Loaded:
        found = self._by_path.get(path)
        if found is None and path.startswith(TYPESHED):
            found = self._by_path[path] = DEFAULT
        if found is None:
            try:
                found = config_for(Path(path))
            except ConfigError as exc:
                found = exc
            self._by_path[path] = found
            if isinstance(found, Config):
                self.renamed_names.update(r.old for r in found.all_renames if r.owner is not None)
        return found

    def usable(self, path: str, report: ReportProblem) -> Config | None:
        """The file's config; None when unreadable (then the problem is reported, once per file,
        as flake8 reports it: TRD002)."""
        config = self.load(path)
        if isinstance(config, ConfigError):
            if path not in self._reported:
                self._reported.add(path)
                report("; ".join(config.messages))
            return None
        return config

    def enabled(self, path: str, code: str, report: ReportProblem) -> Config | None:
        """The file's config when ``code`` is enabled for it; None when off or unreadable."""
        config = self.usable(path, report)
        return config if config is not None and config.enabled(code, Path(path)) else None

    def cache_data(self, path: str) -> dict[str, Any]:
        config = self.load(path)
        if isinstance(config, ConfigError):
            return {"tradelint": __version__, "error": str(config)}
        # One dict per distinct Config: thousands of stdlib modules share the default one.
        data = self._cache_data.get(config)
        if data is None:
            data = {
                "tradelint": __version__,
                "source": str(config.source) if config.source else None,
                "select": list(config.select),
                "ignore": list(config.ignore),
                "per_file_ignores": [[glob, list(codes)] for glob, codes in config.per_file_ignores],
                "task_owners": list(config.task_owners),
                # The project's renames and the enabled packs' entries (a new pack version changes them).
                "renames": [[r.owner, r.old, r.new, r.pack, r.since, r.note] for r in config.all_renames],
            }
            self._cache_data[config] = data
        return data


def snapshot_version() -> str:
    """The plugin's version as mypy records it: tradelint's, and inside mypy's daemon also a
    digest of every ``pyproject.toml`` from the current folder up.

    ``report_config_data`` tells mypy's cache which modules a changed ``[tool.tradelint]``
    covers, but the daemon never asks it again once running: it re-checks the files that
    changed, and restarts only when mypy's options or the plugins' snapshot change. So that
    ``dmypy run`` sees an edited table, the daemon's snapshot changes with the configuration
    files it would find (a ``pyproject.toml`` in a subfolder is seen at the next restart).
    Plain ``mypy`` keeps the version alone: its cache is kept per module by ``report_config_data``."""
    if "mypy.dmypy_server" not in sys.modules:
        return __version__
    digest = hashlib.sha256()
    folder = Path.cwd()
    for candidate in (folder, *folder.parents):
        config = candidate / "pyproject.toml"
        try:
            data = config.read_bytes()
        except OSError:
            continue
        digest.update(str(config).encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
    return f"{__version__}+config.{digest.hexdigest()[:16]}"
