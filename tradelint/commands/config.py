"""``tradelint config [PATH]``: the configuration that applies to PATH, where it comes from, as
TOML that can be pasted back into ``[tool.tradelint]``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Sequence

from tradelint.core.config import (
    KNOWN_KEYS,
    Config,
    ConfigError,
    config_for,
    load_config_file,
    non_empty_path,
    print_error,
)

TomlValue = str | bool | int | float | list["TomlValue"] | dict[str, "TomlValue"]
FIELD_TYPES = {f.name: f.type for f in dataclasses.fields(Config)}


def _value(config: Config, key: str) -> TomlValue:
    """The TOML value of a key, from the shape of its ``Config`` field."""
    attribute = key.replace("-", "_")
    raw = getattr(config, attribute)
    kind = str(FIELD_TYPES[attribute])
    if kind.startswith("tuple[Rename"):
        return {(f"{r.owner}.{r.old}" if r.owner else r.old): r.new for r in raw}
    if kind.startswith("tuple[tuple[str, tuple[str"):
        return {k: list(v) for k, v in raw}
    if kind.startswith("tuple[tuple[str, str]"):
        return {k: v for k, v in raw}
    if kind.startswith("tuple[str"):
        return list(raw)
    if kind in ("bool", "int", "float", "str"):
        return raw  # type: ignore[no-any-return]
    raise TypeError(f"tradelint config cannot print key '{key}' of type {kind}")


def to_toml(value: TomlValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    if not value:
        return "{}"
    return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {to_toml(v)}" for k, v in value.items()) + " }"


def describe(config: Config, path: Path, forced: bool) -> str:
    lines = [f"# Effective tradelint configuration for {path}"]
    if config.source is None:
        folder = path if path.is_dir() else path.parent
        lines.append(
            f"# From: built-in defaults (no .tradelint.toml, tradelint.toml or pyproject.toml with "
            f"[tool.tradelint] in {folder} or above)"
        )
    else:
        lines.append(f"# From: {config.source}" + (" (--config)" if forced else ""))
    if path.is_file():
        extra = config.per_file_ignored(path)
        if extra:
            lines.append(f"# per-file-ignores add for this file: {', '.join(extra)}")
        if config.is_excluded(path):
            lines.append("# This file matches `exclude`: skipped when its folder is checked")
    lines.append("[tool.tradelint]")
    for key in KNOWN_KEYS:
        if key.startswith("extend"):
            continue  # folded into ``select`` and ``ignore`` above; an extended file's keys into these
        if key == "task-keeper" and not config.task_keeper:
            # An empty value is an error in the table: say it is unset, in a comment.
            lines.append("# task-keeper: not set (TRD301/302 fixes in a package need one; see the README)")
            continue
        line = f"{key} = {to_toml(_value(config, key))}"
        if key == "shutdown-methods":
            line += "  # the built-in names are always included"
        if key == "task-owner-classes":
            line += "  # on top of python-discord's Scheduler (pydis_core, botcore): cancel_all"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="tradelint config",
        description="Print the configuration that applies to PATH and the file it comes from.",
    )
    parser.add_argument("path", nargs="?", type=non_empty_path, default=Path("."), metavar="PATH")
    parser.add_argument("--config", type=non_empty_path, help="a pyproject.toml to use instead of the nearest one")
    args = parser.parse_args(argv)
    path: Path = args.path
    if not path.exists():
        print(f"tradelint: error: {path}: no such file or directory", file=sys.stderr)
        return 2
    try:
        config = load_config_file(args.config) if args.config is not None else config_for(path)
    except ConfigError as exc:
        print_error(exc)
        return 2
    sys.stdout.write(describe(config, path, forced=args.config is not None))
    return 0
