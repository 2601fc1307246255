"""``[tool.tradelint]`` in the nearest ``pyproject.toml``: read, validated and cached in one place.

Every front-end (CLI, flake8 plugin, mypy plugin) asks :func:`config_for` and gets the same
:class:`Config`, so a setting can never mean one thing under flake8 and another under the CLI.
"""

from __future__ import annotations

import difflib
import keyword
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from flake8_tradelint.files import UnreadableFile, read_source_bytes
from flake8_tradelint.globs import FilePattern, GlobError, absolute_posix, file_pattern
from flake8_tradelint.registry import all_codes, preview_codes

SHUTDOWN_METHODS = (
    "__aexit__",
    "__exit__",
    "close",
    "aclose",
    "stop",
    "shutdown",
    "disconnect",
    "cleanup",
    "teardown",
    "terminate",
    "on_shutdown",
    "on_cleanup",
)

KNOWN_KEYS = (
    "select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "resources",
    "task-owners",
    "task-keeper",
    "shutdown-methods",
    "renames",
    "rename-packs",
    "renames-unknown-receivers",
    "preview",
)


class ConfigError(Exception):
    """A configuration problem, already worded for the user: file, key and what is wrong."""

    def __init__(self, path: Path | str, key: str | None, problem: str) -> None:
        where = f"{path}: [tool.tradelint]" + (f" key '{key}'" if key else "")
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class Rename:
    """``owner.old -> new``; ``owner`` is None for an entry that matches any receiver.

    Entries from a rename pack also say which pack and library version they come from, and
    whether the old name is distinctive enough to report on a receiver whose type is unknown.
    """

    owner: str | None
    old: str
    new: str
    pack: str | None = None
    since: str | None = None  # "web3 6.0.0": the first version where only the new name works
    any_receiver: bool = False
    note: str | None = None  # what else the fix needs ("drop the await")


@dataclass(frozen=True)
class Config:
    root: Path | None = None
    source: Path | None = None
    select: tuple[str, ...] = ("TRD",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    resources: tuple[tuple[str, str], ...] = ()
    task_owners: tuple[str, ...] = ()
    # The project's own task keeper (``"myapp.util.keep_task"``): TRD301/302 fixes call it.
    task_keeper: str = ""
    shutdown_methods: tuple[str, ...] = SHUTDOWN_METHODS
    renames: tuple[Rename, ...] = field(default=())
    rename_packs: tuple[str, ...] = ()
    # Entries of the enabled packs, after the project's own ``renames`` (which win on a clash).
    pack_renames: tuple[Rename, ...] = ()
    renames_unknown_receivers: bool = False
    # Preview rules on (``preview = true`` or ``--preview``); off, one runs only if selected by name.
    preview: bool = False
    # ``--ignore`` without ``--select``: applied after ``select``/``ignore``, whatever their prefixes.
    cli_ignore: tuple[str, ...] = ()

    @property
    def all_renames(self) -> tuple[Rename, ...]:
        own = {(r.owner, r.old) for r in self.renames}
        return self.renames + tuple(r for r in self.pack_renames if (r.owner, r.old) not in own)

    def with_cli(self, select: tuple[str, ...] | None, ignore: tuple[str, ...], preview: bool = False) -> Config:
        """As ruff: ``--select`` replaces the file's ``select`` *and* ``ignore`` (the command line
        is the highest-priority selection); ``--ignore`` alone removes codes from the file's set;
        ``--preview`` turns preview rules on whatever the file says."""
        cfg = replace(self, preview=True) if preview else self
        if select is not None:
            return replace(cfg, select=select, ignore=ignore, cli_ignore=())
        return replace(cfg, cli_ignore=cfg.cli_ignore + ignore)

    def per_file_ignored(self, path: Path) -> tuple[str, ...]:
        """The codes ``per-file-ignores`` adds for ``path``; globs behave as ruff's (globs.py)."""
        if not self.per_file_ignores:
            return ()
        target = absolute_posix(path)
        ignored: tuple[str, ...] = ()
        for pattern, codes in self.per_file_ignores:
            if file_pattern(pattern, self.root, allow_negation=True).hits(target):
                ignored += codes
        return ignored

    def enabled(self, code: str, path: Path | None = None) -> bool:
        """ruff's precedence: between ``select`` and ``ignore`` the longer (more specific) matching
        prefix wins, ``ignore`` on a tie; then ``--ignore`` and ``per-file-ignores`` always remove.
        A preview rule needs ``preview`` or its full code in ``select`` first."""
        if not self.preview and code not in self.select and code in preview_codes():
            return False
        selected = _longest_match(code, self.select)
        if selected < 0 or _longest_match(code, self.ignore) >= selected:
            return False
        if _longest_match(code, self.cli_ignore) >= 0:
            return False
        if path is not None and _longest_match(code, self.per_file_ignored(path)) >= 0:
            return False
        return True

    def is_excluded(self, path: Path) -> bool:
        """As ruff: the path or any folder above it, up to the config's folder, matches a pattern."""
        if not self.exclude:
            return False
        patterns = [file_pattern(p, self.root) for p in self.exclude]
        current = Path(absolute_posix(path))
        root = Path(absolute_posix(self.root)) if self.root is not None else None
        while True:
            if any(p.hits(current.as_posix()) for p in patterns):
                return True
            if current == root or current.parent == current:
                return False
            current = current.parent


def _longest_match(code: str, prefixes: tuple[str, ...]) -> int:
    """Length of the longest prefix of ``code`` among ``prefixes``; -1 when none matches."""
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'select'?"`` for the closest candidate, or ``""``."""
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _is_identifier(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _string_list(path: Path, key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, key, f"expected a list of strings, got {value!r}")
    return tuple(value)


def _codes(path: Path, key: str, value: object) -> tuple[str, ...]:
    codes = _string_list(path, key, value)
    known = all_codes()
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise ConfigError(path, key, f"unknown rule code or prefix '{code}'{did_you_mean(code, known)}")
    return codes


def _globs(path: Path, key: str, patterns: Iterable[str], negation: bool) -> None:
    for pattern in patterns:
        try:
            FilePattern.make(pattern, path.parent, allow_negation=negation)
        except GlobError as exc:
            raise ConfigError(path, key, str(exc)) from None


def _table(path: Path, key: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(path, key, f"expected a table, got {value!r}")
    return value


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate the ``[tool.tradelint]`` table; raise ConfigError naming the first problem."""
    for key in data:
        if key not in KNOWN_KEYS:
            hint = did_you_mean(key, KNOWN_KEYS) or f" (known keys: {', '.join(KNOWN_KEYS)})"
            raise ConfigError(path, key, f"unknown key{hint}")
    cfg = Config(root=path.parent.resolve(), source=path)
    if "select" in data:
        cfg = replace(cfg, select=_codes(path, "select", data["select"]))
    if "ignore" in data:
        cfg = replace(cfg, ignore=_codes(path, "ignore", data["ignore"]))
        both = [code for code in cfg.ignore if "select" in data and code in cfg.select]
        if both:
            # Not an error in ruff (ignore wins), but one of the two entries is a mistake.
            raise ConfigError(path, "ignore", f"'{both[0]}' is also in 'select'; keep it in one of the two")
    if "per-file-ignores" in data:
        table = _table(path, "per-file-ignores", data["per-file-ignores"])
        for glob in table:
            _globs(path, f"per-file-ignores.{glob}", [glob], negation=True)
        cfg = replace(
            cfg,
            per_file_ignores=tuple(
                (glob, _codes(path, f"per-file-ignores.{glob}", codes)) for glob, codes in table.items()
            ),
        )
    if "exclude" in data:
        cfg = replace(cfg, exclude=_string_list(path, "exclude", data["exclude"]))
        _globs(path, "exclude", cfg.exclude, negation=False)
    if "resources" in data:
        resources = []
        for ctor, method in _table(path, "resources", data["resources"]).items():
            if not all(_is_identifier(part) for part in ctor.split(".")):
                raise ConfigError(path, f"resources.{ctor}", "expected a dotted name like 'mylib.Client'")
            if not isinstance(method, str) or not _is_identifier(method):
                raise ConfigError(path, f"resources.{ctor}", f"expected a close method name, got {method!r}")
            resources.append((ctor, method))
        cfg = replace(cfg, resources=tuple(resources))
    if "task-owners" in data:
        cfg = replace(cfg, task_owners=_string_list(path, "task-owners", data["task-owners"]))
    if "task-keeper" in data:
        value = data["task-keeper"]
        parts = value.split(".") if isinstance(value, str) else []
        # "" is the default, printed by ``tradelint config``: no keeper of the project's own.
        if value != "" and (len(parts) < 2 or not all(_is_identifier(p) for p in parts)):
            raise ConfigError(
                path, "task-keeper", f"expected the dotted name of a function, like 'myapp.tasks.keep_task', got {value!r}"
            )
        cfg = replace(cfg, task_keeper=value)
    if "shutdown-methods" in data:
        names = _string_list(path, "shutdown-methods", data["shutdown-methods"])
        for name in names:
            if not _is_identifier(name):
                raise ConfigError(path, "shutdown-methods", f"'{name}' is not a method name")
        cfg = replace(cfg, shutdown_methods=SHUTDOWN_METHODS + tuple(n for n in names if n not in SHUTDOWN_METHODS))
    if "renames" in data:
        cfg = replace(cfg, renames=_parse_renames(path, _table(path, "renames", data["renames"])))
    if "rename-packs" in data:
        from flake8_tradelint.rename_packs import available_packs, load_pack

        names = _string_list(path, "rename-packs", data["rename-packs"])
        known = available_packs()
        for name in names:
            if name not in known:
                raise ConfigError(
                    path, "rename-packs", f"unknown rename pack '{name}' (available: {', '.join(sorted(known))})"
                )
        unique = tuple(dict.fromkeys(names))
        cfg = replace(
            cfg,
            rename_packs=unique,
            pack_renames=tuple(r for name in unique for r in load_pack(name).renames),
        )
    if "renames-unknown-receivers" in data:
        value = data["renames-unknown-receivers"]
        if not isinstance(value, bool):
            raise ConfigError(path, "renames-unknown-receivers", f"expected true or false, got {value!r}")
        cfg = replace(cfg, renames_unknown_receivers=value)
    if "preview" in data:
        value = data["preview"]
        if not isinstance(value, bool):
            raise ConfigError(path, "preview", f"expected true or false, got {value!r}")
        cfg = replace(cfg, preview=value)
    return cfg


def _parse_renames(path: Path, table: Mapping[str, Any]) -> tuple[Rename, ...]:
    renames = []
    for key, new in table.items():
        where = f"renames.{key}"
        parts = key.split(".")
        if not all(_is_identifier(p) for p in parts):
            raise ConfigError(path, where, "expected 'old_name' or 'package.module.Class.old_name'")
        if not isinstance(new, str) or not _is_identifier(new):
            raise ConfigError(path, where, f"the new name must be an identifier, got {new!r}")
        if new == parts[-1]:
            raise ConfigError(path, where, "renames an attribute to itself")
        owner = ".".join(parts[:-1]) or None
        renames.append(Rename(owner, parts[-1], new))
    by_owner = {(r.owner, r.old): r.new for r in renames}
    for r in renames:
        # An unqualified entry applies to every receiver, so it continues a qualified one too.
        follow = (r.owner, r.new) if (r.owner, r.new) in by_owner else (None, r.new)
        if follow in by_owner:
            raise ConfigError(
                path,
                f"renames.{(r.owner + '.') if r.owner else ''}{r.old}",
                f"'{r.old}' -> '{r.new}' and '{r.new}' -> '{by_owner[follow]}' chain or cycle; "
                "give each old name its final new name",
            )
    return tuple(renames)


def read_pyproject(path: Path) -> Mapping[str, Any] | None:
    """The ``[tool.tradelint]`` table of ``path``, or None when it has none."""
    try:
        raw = read_source_bytes(path)
        data = tomllib.loads(raw.decode("utf-8"))
    except UnreadableFile as exc:
        raise ConfigError(path, None, str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, None, f"invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise ConfigError(path, None, f"invalid TOML: not UTF-8 (at line {line}, column {column})") from None
    except RecursionError:
        raise ConfigError(path, None, "invalid TOML: nested too deeply") from None
    tool = data.get("tool")
    if not isinstance(tool, dict) or "tradelint" not in tool:
        return None
    section = tool["tradelint"]
    if not isinstance(section, dict):
        raise ConfigError(path, None, "[tool.tradelint] must be a table")
    return section


_DIR_CACHE: dict[Path, Config] = {}


def config_for(path: Path) -> Config:
    """The config for a file or folder: the nearest ``pyproject.toml`` with ``[tool.tradelint]``."""
    start = Path(os.path.abspath(path))
    directory = start if os.path.isdir(start) else start.parent
    visited: list[Path] = []
    found: Config | None = None
    for folder in (directory, *directory.parents):
        if folder in _DIR_CACHE:
            found = _DIR_CACHE[folder]
            break
        visited.append(folder)
        candidate = folder / "pyproject.toml"
        if os.path.isfile(candidate):  # os.path: False, not an error, in an unsearchable folder
            section = read_pyproject(candidate)
            if section is not None:
                found = parse_config(section, candidate)
                break
    if found is None:
        found = Config()
    for folder in visited:
        _DIR_CACHE[folder] = found
    return found


def load_config_file(path: Path) -> Config:
    """An explicitly named config file: its ``[tool.tradelint]`` table, defaults if it has none."""
    section = read_pyproject(path)
    if section is None:
        return Config(root=path.parent.resolve(), source=path)
    return parse_config(section, path)


def clear_cache() -> None:
    _DIR_CACHE.clear()
