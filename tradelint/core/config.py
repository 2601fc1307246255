"""``[tool.tradelint]`` in the nearest ``pyproject.toml``: read, validated and cached in one place.

Every front-end (CLI, flake8 plugin, mypy plugin) asks :func:`config_for` and gets the same
:class:`Config`, so a setting can never mean one thing under flake8 and another under the CLI.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from tradelint.core.config_errors import ConfigError as ConfigError
from tradelint.core.config_errors import print_error as print_error
from tradelint.core.config_values import did_you_mean as did_you_mean
from tradelint.core.config_values import non_empty_path as non_empty_path
from tradelint.core.config_values import _codes, _dotted, _globs, _is_identifier, _non_empty, _string_list, _table, identifier
from tradelint.core import gitignore
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.globs import FilePattern, absolute_posix, file_pattern
from tradelint.core.keeper_lookup import keeper_problem
from tradelint.core.toml_keys import locate_key
from tradelint.core.registry import OPT_IN_CODES, preview_codes
from tradelint.core.rename_packs import Rename, available_packs, load_pack

SHUTDOWN_METHODS = (
    "__aexit__", "__exit__", "close", "aclose", "stop", "shutdown", "disconnect", "cleanup", "teardown",
    "terminate", "on_shutdown", "on_cleanup",
)

KNOWN_KEYS = (
    "select",
    "extend-select",
    "ignore",
    "extend-ignore",
    "per-file-ignores",
    "exclude",
    "resources",
    "task-owners",
    "task-owner-classes",
    "task-keeper",
    "task-drain-seconds",
    "shutdown-methods",
    "renames",
    "rename-packs",
    "renames-unknown-receivers",
    "preview",
    "check-uncalled-methods",
    "fixable",
    "unfixable",
    "extend",
    "respect-gitignore",
    "runtime",
)


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
    # Third-party classes whose instances hold tasks, and the method that cancels them all
    # (``"pydis_core.utils.scheduling.Scheduler" = "cancel_all"``), on top of the defaults in models/tasks/owners.py.
    task_owner_classes: tuple[tuple[str, str], ...] = ()
    # The project's own task keeper (``"myapp.util.keep_task"``): TRD301/302 fixes call it.
    task_keeper: str = ""
    # How long a TRD3xx fix lets held tasks finish at the end of their owner before cancelling.
    task_drain_seconds: float = 5.0
    shutdown_methods: tuple[str, ...] = SHUTDOWN_METHODS
    renames: tuple[Rename, ...] = field(default=())
    rename_packs: tuple[str, ...] = ()
    # Entries of the enabled packs, after the project's own ``renames`` (which win on a clash).
    pack_renames: tuple[Rename, ...] = ()
    renames_unknown_receivers: bool = False
    # Whether TRD2xx/TRD3xx judge a method an application never runs (``facts/unreachable.py``):
    # off, nothing is reported in one; on for excerpts whose callers are elsewhere.
    check_uncalled_methods: bool = False
    # Preview rules on (``preview = true`` or ``--preview``); off, one runs only if selected by name.
    preview: bool = False
    # The pytest plugin (``tradelint.runtime``) records leaks whenever pytest runs, without
    # ``-p tradelint`` or ``--tradelint``.
    runtime: bool = False
    # ``--ignore`` without ``--select``: applied after ``select``/``ignore``, whatever their prefixes.
    cli_ignore: tuple[str, ...] = ()
    # ``--extend-select``: on top of the file's selection, whatever its ``ignore`` says (the
    # command line comes after the file, as in ruff).
    cli_extend_select: tuple[str, ...] = ()
    # ``--exclude``/``--extend-exclude`` and ``--per-file-ignores``: patterns of the command line,
    # relative to the current folder (``--exclude``/``--per-file-ignores`` also empty the file's).
    cli_exclude: tuple[str, ...] = ()
    cli_per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Codes whose fixes apply (``fixable``, default all) minus ``unfixable``, as ruff's.
    fixable: tuple[str, ...] = ("ALL",)
    unfixable: tuple[str, ...] = ()
    # Where ``exclude`` and ``per-file-ignores`` are relative to when they come from a file that
    # this one ``extend``s (its folder); None: ``root``.
    exclude_root: Path | None = None
    per_file_ignores_root: Path | None = None
    # Folder walks skip what git ignores (``.gitignore``), as ruff's ``respect-gitignore``.
    respect_gitignore: bool = True
    # The files this one ``extend``s, nearest first: the editor re-reads all when one changes.
    extended: tuple[Path, ...] = ()

    @property
    def all_renames(self) -> tuple[Rename, ...]:
        own = {(r.owner, r.old) for r in self.renames}
        return self.renames + tuple(r for r in self.pack_renames if (r.owner, r.old) not in own)

    def with_cli(
        self,
        select: tuple[str, ...] | None,
        ignore: tuple[str, ...],
        preview: bool = False,
        extend_select: tuple[str, ...] = (),
    ) -> Config:
        """As ruff: ``--select`` replaces the file's ``select`` *and* ``ignore`` (the command line
        is the highest-priority selection); ``--ignore`` alone removes codes from the file's set;
        ``--extend-select`` adds codes whatever the file ignores; ``--preview`` turns preview
        rules on whatever the file says."""
        cfg = replace(self, preview=True) if preview else self
        if select is not None:
            return replace(cfg, select=select + extend_select, ignore=ignore, cli_ignore=(), cli_extend_select=())
        return replace(
            cfg, cli_ignore=cfg.cli_ignore + ignore, cli_extend_select=cfg.cli_extend_select + extend_select
        )

    def with_cli_files(
        self,
        exclude: tuple[str, ...] | None,
        extend_exclude: tuple[str, ...],
        per_file_ignores: tuple[tuple[str, str], ...] | None,
        extend_per_file_ignores: tuple[tuple[str, str], ...],
    ) -> Config:
        """ruff's ``--exclude`` (replaces the file's ``exclude``), ``--extend-exclude``,
        ``--per-file-ignores`` (replaces the file's) and ``--extend-per-file-ignores``."""
        if exclude is None and not extend_exclude and per_file_ignores is None and not extend_per_file_ignores:
            return self
        pairs = (per_file_ignores or ()) + extend_per_file_ignores
        return replace(
            self,
            exclude=self.exclude if exclude is None else (),
            cli_exclude=(exclude or ()) + extend_exclude,
            per_file_ignores=self.per_file_ignores if per_file_ignores is None else (),
            cli_per_file_ignores=tuple((pattern, (code,)) for pattern, code in pairs),
        )

    def per_file_ignored(self, path: Path) -> tuple[str, ...]:
        """The codes ``per-file-ignores`` adds for ``path``; globs behave as ruff's (globs.py)."""
        if not self.per_file_ignores and not self.cli_per_file_ignores:
            return ()
        target = absolute_posix(path)
        ignored: tuple[str, ...] = ()
        own = self.per_file_ignores_root or self.root
        for root, table in ((own, self.per_file_ignores), (None, self.cli_per_file_ignores)):
            for pattern, codes in table:
                if file_pattern(pattern, root, allow_negation=True).hits(target):
                    ignored += codes
        return ignored

    def fix_allowed(self, code: str) -> bool:
        """``fixable``/``unfixable``, as ruff's: the longer matching prefix wins, ``unfixable`` on a tie."""
        allowed = _longest_match(code, self.fixable)
        return allowed >= 0 and _longest_match(code, self.unfixable) < allowed

    def enabled(self, code: str, path: Path | None = None) -> bool:
        """ruff's precedence: between ``select`` and ``ignore`` the longer (more specific) matching
        prefix wins, ``ignore`` on a tie; then ``--ignore`` and ``per-file-ignores`` always remove.
        A preview rule needs ``preview`` or its full code in ``select`` first."""
        if (
            not self.preview
            and code not in self.select
            and code not in self.cli_extend_select
            and code in preview_codes()
        ):
            return False
        if code in OPT_IN_CODES and max(_longest_match(code, self.select + self.cli_extend_select), 0) < 4:
            if "ALL" not in self.select + self.cli_extend_select:
                return False
        selected = _longest_match(code, self.select)
        if (selected < 0 or _longest_match(code, self.ignore) >= selected) and _longest_match(
            code, self.cli_extend_select
        ) < 0:
            return False
        if _longest_match(code, self.cli_ignore) >= 0:
            return False
        if path is not None and _longest_match(code, self.per_file_ignored(path)) >= 0:
            return False
        return True

    def is_excluded(self, path: Path) -> bool:
        """As ruff: the path or any folder above it, up to the config's folder (the current
        folder for the command line's patterns), matches a pattern."""
        root = self.exclude_root or self.root
        if _excluded(path, [file_pattern(p, root) for p in self.exclude], root):
            return True
        return bool(self.cli_exclude) and _excluded(path, [file_pattern(p, None) for p in self.cli_exclude], Path.cwd())


def _excluded(path: Path, patterns: list[FilePattern], root: Path | None) -> bool:
    if not patterns:
        return False
    current = Path(absolute_posix(path))
    top = Path(absolute_posix(root)) if root is not None else None
    while True:
        if any(p.hits(current.as_posix()) for p in patterns):
            return True
        if current == top or current.parent == current:
            return False
        current = current.parent


def _longest_match(code: str, prefixes: tuple[str, ...]) -> int:
    """Length of the longest prefix of ``code`` among ``prefixes``; -1 when none matches.
    ``ALL`` (ruff's selector for every rule) is the empty prefix: the least specific."""
    return max((0 if p == "ALL" else len(p) for p in prefixes if p == "ALL" or code.startswith(p)), default=-1)


def parse_config(
    data: Mapping[str, Any],
    path: Path,
    text: str | None = None,
    table: str | None = "tool.tradelint",
    base: Config | None = None,
) -> Config:
    """Validate the tradelint table (``table``: its name in the file; None for a
    ``tradelint.toml``, where it is the whole file); raise one ConfigError carrying every
    problem, each at its line and column in ``text`` (the file's TOML) when given. ``base``: the
    configuration this one ``extend``s, whose settings apply where this one sets none."""
    errors: list[ConfigError] = []
    for key in data:
        if key not in KNOWN_KEYS:
            hint = did_you_mean(key, KNOWN_KEYS) or f" (known keys: {', '.join(KNOWN_KEYS)})"
            errors.append(ConfigError(path, key, f"unknown key{hint}"))
    cfg = Config(root=path.parent.resolve(), source=path)
    if base is not None:
        cfg = replace(
            base,
            root=cfg.root,
            source=path,
            exclude_root=base.exclude_root or base.root,
            per_file_ignores_root=base.per_file_ignores_root or base.root,
        )
    for key, handler in _HANDLERS:
        if key in data:
            try:
                cfg = handler(cfg, path, data[key], data)
            except ConfigError as exc:
                errors.append(exc)
    if errors:
        for error in errors:
            error.table = table
            if text is not None:
                error.position = error.position or locate_key(text, table, error.key)
        errors.sort(key=lambda e: e.position or (0, 0))
        first = errors[0]
        first.others = errors[1:]
        raise first
    return cfg


Handler = Callable[[Config, Path, Any, Mapping[str, Any]], Config]


def _select(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    return replace(cfg, select=_non_empty(path, "select", _codes(path, "select", value), "it would select no rule"))


def _extend_select(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    return replace(cfg, select=cfg.select + _codes(path, "extend-select", value))


def _ignore(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    ignore = _codes(path, "ignore", value)
    both = [code for code in ignore if "select" in data and code in cfg.select]
    if both:
        # Not an error in ruff (ignore wins), but one of the two entries is a mistake.
        raise ConfigError(path, "ignore", f"'{both[0]}' is also in 'select'; keep it in one of the two")
    return replace(cfg, ignore=cfg.ignore + ignore)


def _extend_ignore(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    return replace(cfg, ignore=cfg.ignore + _codes(path, "extend-ignore", value))


def _per_file_ignores(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    table = _table(path, "per-file-ignores", value)
    for glob in table:
        if not glob.strip():
            raise ConfigError(path, f"per-file-ignores.{glob!r}", "empty glob; remove it or give a pattern")
        _globs(path, f"per-file-ignores.{glob}", [glob], negation=True)
    return replace(
        cfg,
        per_file_ignores_root=None,
        per_file_ignores=tuple(
            (
                glob,
                _non_empty(
                    path, f"per-file-ignores.{glob}", _codes(path, f"per-file-ignores.{glob}", codes), "it ignores nothing"
                ),
            )
            for glob, codes in table.items()
        ),
    )


def _exclude(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    exclude = _string_list(path, "exclude", value)
    _globs(path, "exclude", exclude, negation=False)
    return replace(cfg, exclude=exclude, exclude_root=None)


def _resources(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    resources = []
    for ctor, method in _table(path, "resources", value).items():
        if not all(_is_identifier(part) for part in ctor.split(".")):
            raise ConfigError(path, f"resources.{ctor}", "expected a dotted name like 'mylib.Client'")
        if not isinstance(method, str) or not _is_identifier(method):
            raise ConfigError(path, f"resources.{ctor}", f"expected a close method name, got {method!r}")
        resources.append((_dotted(ctor), identifier(method)))
    return replace(cfg, resources=tuple(resources))


def _task_owners(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    owners = _string_list(path, "task-owners", value)
    for owner in owners:
        if not all(_is_identifier(part) for part in owner.split(".")):
            raise ConfigError(path, "task-owners", f"'{owner}' is not a dotted name like 'hass.async_create_task'")
    return replace(cfg, task_owners=tuple(_dotted(owner) for owner in owners))


def _task_owner_classes(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    owners = []
    for cls, method in _table(path, "task-owner-classes", value).items():
        if not all(_is_identifier(part) for part in cls.split(".")) or "." not in cls:
            raise ConfigError(
                path, f"task-owner-classes.{cls}", "expected a dotted class name like 'mylib.scheduling.Scheduler'"
            )
        if not isinstance(method, str) or not _is_identifier(method):
            raise ConfigError(
                path, f"task-owner-classes.{cls}", f"expected the method that cancels its tasks, got {method!r}"
            )
        owners.append((_dotted(cls), identifier(method)))
    return replace(cfg, task_owner_classes=tuple(owners))


def _task_keeper(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    parts = value.split(".") if isinstance(value, str) else []
    if len(parts) < 2 or not all(_is_identifier(p) for p in parts):
        raise ConfigError(
            path, "task-keeper", f"expected the dotted name of a function, like 'myapp.tasks.keep_task', got {value!r}"
        )
    problem = keeper_problem(path.parent, _dotted(value))
    if problem is not None:
        raise ConfigError(path, "task-keeper", problem)
    return replace(cfg, task_keeper=_dotted(value))


def _task_drain_seconds(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3600:
        raise ConfigError(
            path, "task-drain-seconds", f"expected a number of seconds from 0 to 3600, like 5, got {value!r}"
        )
    return replace(cfg, task_drain_seconds=float(value))


def _shutdown_methods(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    names = _string_list(path, "shutdown-methods", value)
    for name in names:
        if not _is_identifier(name):
            raise ConfigError(path, "shutdown-methods", f"'{name}' is not a method name")
    names = tuple(identifier(n) for n in names)
    return replace(cfg, shutdown_methods=SHUTDOWN_METHODS + tuple(n for n in names if n not in SHUTDOWN_METHODS))


def _renames(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    return replace(cfg, renames=_parse_renames(path, _table(path, "renames", value)))


def _rename_packs(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    names = _string_list(path, "rename-packs", value)
    known = available_packs()
    for name in names:
        if name not in known:
            raise ConfigError(
                path, "rename-packs", f"unknown rename pack '{name}' (available: {', '.join(sorted(known))})"
            )
    unique = tuple(dict.fromkeys(names))
    return replace(cfg, rename_packs=unique, pack_renames=tuple(r for name in unique for r in load_pack(name).renames))


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(path, key, f"expected true or false, got {value!r}")
    return value


def _flag(key: str) -> Handler:
    """The handler of a true/false key, stored in the field of the same name."""

    def handle(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
        changes: dict[str, Any] = {key.replace("-", "_"): _bool(path, key, value)}
        return replace(cfg, **changes)

    return handle


def _fixable(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    return replace(cfg, fixable=_non_empty(path, "fixable", _codes(path, "fixable", value), "no fix would apply"))


def _unfixable(cfg: Config, path: Path, value: Any, data: Mapping[str, Any]) -> Config:
    return replace(cfg, unfixable=_codes(path, "unfixable", value))


# In this order: ``extend-*`` after the key they extend, ``ignore`` after ``select``.
_HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("select", _select),
    ("extend-select", _extend_select),
    ("ignore", _ignore),
    ("extend-ignore", _extend_ignore),
    ("per-file-ignores", _per_file_ignores),
    ("exclude", _exclude),
    ("resources", _resources),
    ("task-owners", _task_owners),
    ("task-owner-classes", _task_owner_classes),
    ("task-keeper", _task_keeper),
    ("task-drain-seconds", _task_drain_seconds),
    ("shutdown-methods", _shutdown_methods),
    ("renames", _renames),
    ("rename-packs", _rename_packs),
    ("renames-unknown-receivers", _flag("renames-unknown-receivers")),
    ("preview", _flag("preview")),
    ("check-uncalled-methods", _flag("check-uncalled-methods")),
    ("fixable", _fixable),
    ("unfixable", _unfixable),
    ("respect-gitignore", _flag("respect-gitignore")),
    ("runtime", _flag("runtime")),
)


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
        # Compared as Python compares identifiers: ``ﬁeld`` is ``field`` once parsed.
        parts = [identifier(p) for p in parts]
        new = identifier(new)
        if new == parts[-1]:
            raise ConfigError(
                path, where, f"renames an attribute to itself: '{new}' once NFKC-normalised, as Python reads names"
            )
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


@dataclass(frozen=True)
class Section:
    """The tradelint table of a TOML file, and the file's text (for error positions)."""

    data: Mapping[str, Any]
    text: str


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _toml_text(path: Path) -> tuple[str, Mapping[str, Any]]:
    try:
        raw = read_source_bytes(path)
        text = raw.decode("utf-8")
        return text, tomllib.loads(text)
    except UnreadableFile as exc:
        raise ConfigError(path, None, str(exc), table=None) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        position = (int(found.group(1)), int(found.group(2))) if found else None
        problem = message[: found.start()] if found else message
        raise ConfigError(path, None, f"invalid TOML: {problem}", table=None, position=position) from None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise ConfigError(path, None, "invalid TOML: not UTF-8", table=None, position=(line, column)) from None
    except RecursionError:
        raise ConfigError(path, None, "invalid TOML: nested too deeply", table=None) from None


def read_pyproject(path: Path) -> Section | None:
    """The ``[tool.tradelint]`` table of ``path``, or None when it has none."""
    text, data = _toml_text(path)
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, dict):
        raise ConfigError(path, None, "must be a table", table="tool", position=locate_key(text, None, "tool"))
    if not isinstance(tool, dict) or "tradelint" not in tool:
        return None
    section = tool["tradelint"]
    if not isinstance(section, dict):
        raise ConfigError(
            path, "tradelint", "must be a table", table="tool", position=locate_key(text, "tool", "tradelint")
        )
    return Section(section, text)


def read_tradelint_toml(path: Path) -> Section:
    """A ``tradelint.toml`` (as ruff's ``ruff.toml``): the whole file is the tradelint table."""
    text, data = _toml_text(path)
    return Section(data, text)


_DIR_CACHE: dict[Path, Config] = {}
# The same answers by the name asked (a file's or a folder's absolute path, as a string): every
# file is asked for at least twice in a run (discovery, then its check) and its folder again for
# import roots, and a string costs no ``Path`` built, hashed and walked up, nor a ``stat``.
_PATH_CACHE: dict[str, Config] = {}


def config_for(path: Path) -> Config:
    """The config for a file or folder: the nearest ``pyproject.toml`` with ``[tool.tradelint]``."""
    name = os.path.abspath(path)
    known = _PATH_CACHE.get(name)
    if known is None:
        known = _PATH_CACHE[name] = _config_for(Path(name))
    return known


def _config_for(start: Path) -> Config:
    directory = start if os.path.isdir(start) else start.parent
    visited: list[Path] = []
    found: Config | None = None
    # Up from the folder, one parent at a time: most files stop at their folder, known from a
    # file before (``(directory, *directory.parents)`` built every parent first: 0.08 s of the
    # discovery of 2,942 files, 0.40 -> 0.32 s).
    folder = directory
    while True:
        if folder in _DIR_CACHE:
            found = _DIR_CACHE[folder]
            break
        visited.append(folder)
        # As ruff's .ruff.toml, ruff.toml, then pyproject.toml: the first file that configures.
        for name in CONFIG_FILES:
            candidate = folder / name
            if os.path.isfile(candidate):  # os.path: False, not an error, in an unsearchable folder
                section = read_tradelint_toml(candidate) if name != "pyproject.toml" else read_pyproject(candidate)
                if section is not None:
                    found = _parse_extending(section, candidate, None if name != "pyproject.toml" else "tool.tradelint")
                    break
        if found is not None:
            break
        parent = folder.parent
        if parent == folder:
            break
        folder = parent
    if found is None:
        found = Config()
    for folder in visited:
        _DIR_CACHE[folder] = found
    return found


CONFIG_FILES = (".tradelint.toml", "tradelint.toml", "pyproject.toml")


def _parse_extending(section: Section, path: Path, table: str | None, seen: tuple[Path, ...] = ()) -> Config:
    """``section`` of the file at ``path``, on top of the file its ``extend`` names (relative to
    its folder), as ruff's ``extend``: the extended file's settings apply where this one sets none."""
    value = section.data.get("extend")
    base = None
    if value is not None:
        position = locate_key(section.text, table, "extend")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(path, "extend", f"expected the path of a configuration file, got {value!r}",
                              table=table, position=position)
        target = Path(os.path.abspath(path.parent / os.path.expanduser(value)))
        if target in seen or target == Path(os.path.abspath(path)):
            raise ConfigError(path, "extend", f"'{value}' extends this file again (a cycle)", table=table, position=position)
        if not os.path.isfile(target):
            raise ConfigError(path, "extend", f"no such file: '{value}'", table=table, position=position)
        # As ruff's: a pyproject.toml's [tool] table, any other file's top level.
        base = load_config_file(target, (*seen, Path(os.path.abspath(path))), top_level=target.name != "pyproject.toml")
        base = replace(base, extended=(target, *base.extended))
    return parse_config(section.data, path, section.text, table, base)


def load_config_file(path: Path, seen: tuple[Path, ...] = (), top_level: bool = False) -> Config:
    """An explicitly named config file (``--config``): a ``pyproject.toml`` with a
    ``[tool.tradelint]`` table, or a ``tradelint.toml`` / ``.tradelint.toml`` whose top level is
    that table (as ruff's ``ruff.toml``). Anything else is an error: a file named on purpose
    that configures nothing is a mistake, not a request for the defaults."""
    if top_level or path.name in CONFIG_FILES[:2]:
        return _parse_extending(read_tradelint_toml(path), path, None, seen)
    section = read_pyproject(path)
    if section is None:
        raise ConfigError(
            path,
            None,
            "no [tool.tradelint] table; --config takes a pyproject.toml with one, or a "
            "tradelint.toml whose top level is the tradelint table",
            table=None,
        )
    return _parse_extending(section, path, "tool.tradelint", seen)


def clear_cache() -> None:
    gitignore.clear_cache()
    _DIR_CACHE.clear()
    _PATH_CACHE.clear()
