"""Which release of a library a project declares it runs on, read from its own files (never
installed, never imported): the version a name of that library means when two releases bind it
differently (aiogram 2's ``Bot`` is ended by ``close()``, aiogram 3's by ``session.close()``).

The declarations are the nearest ones found upward from the module's folder: a
``pyproject.toml``'s ``[project]`` dependencies (and optional ones), Poetry's dependency tables,
``requirements*.txt`` files (pip's encodings: UTF-8, or UTF-16 with its byte order mark),
``setup.cfg``'s ``install_requires`` and a Home Assistant ``manifest.json``'s ``requirements``."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:\(([^)]*)\)|([^;#]*))")
_CLAUSE = re.compile(r"\s*(===|==|~=|!=|<=|>=|<|>|\^|~)?\s*v?([0-9]+(?:\.[0-9]+)*)(\.\*)?(?:[-_.+!]?[A-Za-z0-9][A-Za-z0-9.+-]*)?")


def normal(name: str) -> str:
    """A distribution's normal name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _text(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(1_000_000)
    except OSError:
        return ""
    for mark, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig")):
        if data.startswith(mark):
            return data.decode(codec, "replace")
    return data.decode("utf-8", "replace")


def _lines(items: object) -> list[str]:
    return [item for item in items if isinstance(item, str)] if isinstance(items, list) else []


def declares(name: str) -> bool:
    """Whether a file named ``name`` is one ``declared`` reads (the cache's ``markers`` digest
    covers these too: an edit of ``requirements-dev.txt`` changes what a check may find)."""
    return (name.startswith("requirements") and name.endswith((".txt", ".in"))) or name in (
        "manifest.json", "setup.cfg", "pyproject.toml",
    )


def _declared_in(folder: str) -> dict[str, list[str]]:
    """Every requirement ``folder``'s own files declare: normal name -> specifiers."""
    found: dict[str, list[str]] = {}

    def add(line: str) -> None:
        match = _REQUIREMENT.match(line)
        if match is not None and not line.lstrip().startswith(("-", "#")):
            found.setdefault(normal(match.group(1)), []).append((match.group(2) or match.group(3) or "").strip())

    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for name in names:
        path = Path(folder, name)
        if name.startswith("requirements") and name.endswith((".txt", ".in")):
            for line in _text(path).splitlines():
                add(line)
        elif name == "manifest.json":
            try:
                data = json.loads(_text(path))
            except ValueError:
                continue
            for line in _lines(data.get("requirements") if isinstance(data, dict) else None):
                add(line)
        elif name == "setup.cfg":
            text = _text(path)
            section = re.search(r"^install_requires\s*=\s*\n((?:[ \t]+\S.*\n?)+)", text, re.M)
            for line in section.group(1).splitlines() if section else ():
                add(line)
        elif name == "pyproject.toml":
            try:
                data = tomllib.loads(_text(path))
            except (tomllib.TOMLDecodeError, RecursionError):
                continue
            project = data.get("project")
            if isinstance(project, dict):
                for line in _lines(project.get("dependencies")):
                    add(line)
                optional = project.get("optional-dependencies")
                for group in optional.values() if isinstance(optional, dict) else ():
                    for line in _lines(group):
                        add(line)
            tool = data.get("tool")
            poetry = tool.get("poetry") if isinstance(tool, dict) else None
            if isinstance(poetry, dict):
                tables = [poetry.get("dependencies")]
                groups = poetry.get("group")
                tables += [g.get("dependencies") for g in groups.values() if isinstance(g, dict)] if isinstance(groups, dict) else []
                for table in tables:
                    for dist, spec in table.items() if isinstance(table, dict) else ():
                        version = spec.get("version") if isinstance(spec, dict) else spec
                        found.setdefault(normal(dist), []).append(version if isinstance(version, str) else "")
    return found


def declared(folder: Path, dist: str) -> tuple[str, ...] | None:
    """The specifiers the nearest declaration of distribution ``dist`` upward from ``folder``
    gives (``("==3.14.0",)``); None when none declares it. Read on every call (the files may
    change under a language server): asked only for a name two releases bind differently."""
    current, dist = os.path.abspath(folder), normal(dist)
    while True:
        found = _declared_in(current).get(dist)
        if found is not None:
            return tuple(found)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _release(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+", 1)[0])[:4])


def allows_major(specifiers: tuple[str, ...], version: str) -> bool:
    """Whether some release of ``version``'s major series (3.x for ``3.31.0``) meets every
    specifier: the table reads one release per major version, a project pins its own (aiogram
    ``==3.14.0`` is aiogram 3). PEP 440's operators and Poetry's ``^`` and ``~``; ``!=`` and a
    clause it cannot read allow any."""
    major = (_release(version) or (0,))[0]
    for specifier in specifiers:
        for clause in specifier.split(","):
            match = _CLAUSE.fullmatch(clause.strip()) if clause.strip() not in ("", "*") else None
            if match is None or match.group(1) == "!=":
                continue
            op, want = match.group(1) or "==", _release(match.group(2))
            if not want:
                continue
            first, later = want[0], any(want[1:])
            if op in ("==", "===", "~", "^") or (op == "~=" and len(want) > 1):
                ok = major == first
            elif op in (">=", "~="):
                ok = major >= first
            elif op == ">":
                ok = major >= first if later or len(want) > 1 else major > first
            elif op == "<=":
                ok = major <= first
            else:  # "<"
                ok = major <= first if later else major < first
            if not ok:
                return False
    return True
