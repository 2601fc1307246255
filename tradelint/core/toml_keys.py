"""Where a key is written in a TOML file, so a configuration error can point at its line."""

from __future__ import annotations

import re

_HEADER = re.compile(r"\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def _key_parts(dotted: str) -> list[str]:
    """``tool . "trade-lint".x`` -> ``["tool", "trade-lint", "x"]`` (TOML dotted keys)."""
    parts = re.findall(r"\s*(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)", dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def locate_key(text: str, table: str | None, key: str | None) -> tuple[int, int] | None:
    """Where ``key`` (``per-file-ignores.tests/*``: a key, then a sub-key) of ``table`` is set in
    ``text``, as a 1-based (line, column); the table's header when the key is not found, None
    when neither is. A best-effort scan, not a TOML parser: it is only used to point at a
    problem that the real parser already accepted as valid TOML."""
    wanted_table = _key_parts(table) if table else []
    first, _, sub = (key or "").partition(".")
    current: list[str] = []
    header: tuple[int, int] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        found = _HEADER.match(line)
        if found and not line.lstrip().startswith("[["):
            current = _key_parts(found.group(1))
            if current == wanted_table and header is None:
                header = (number, line.index("[") + 1)
            continue
        assignment = re.match(r"\s*([^=#]+?)\s*=", line)
        if assignment is None or not key:
            continue
        full = current + _key_parts(assignment.group(1))
        target = [*wanted_table, first]
        if full[: len(target)] == target or (sub and current == target and full[len(current):][:1] == [sub]):
            column = assignment.start(1) + 1
            if sub and len(full) == len(target):
                inner = _find_key(line[line.index("=") :], sub)
                if inner is not None:
                    column = line.index("=") + inner
            return number, column
    return header


def _find_key(line: str, key: str) -> int | None:
    for spelling in (f'"{key}"', f"'{key}'", key):
        index = line.find(spelling)
        if index >= 0:
            return index + 1
    return None
