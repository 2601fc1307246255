"""What the project ships, read from its files (never imported): whether it is installable, what
a module exports to its users, and which Python versions it targets."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tradelint.facts.context import ModuleInfo

NOT_SHIPPED = {"test", "tests", "testing", "doc", "docs", "example", "examples", "script", "scripts",
               "benchmark", "benchmarks", "tools"}


def _reads_toml(path: Path) -> dict[str, object]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return {}


def is_installable(root: Path) -> bool:
    """Whether ``root`` declares a distribution that other projects can install and import."""
    if os.path.isfile(root / "setup.py") or os.path.isfile(root / "setup.cfg"):
        return True
    return _names_project(_reads_toml(root / "pyproject.toml"))


def _names_project(data: dict[str, object]) -> bool:
    """A ``pyproject.toml``'s content names the project (``[project]``, ``[tool.poetry]``)."""
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    project = data.get("project")
    return (isinstance(project, dict) and "name" in project) or (isinstance(poetry, dict) and "name" in poetry)


def packaged(root: Path) -> bool:
    """Whether ``root`` declares a distribution it means to build for others to import: a
    ``setup.py`` or ``setup.cfg``, or a ``pyproject.toml`` naming the project (``[project]``,
    ``[tool.poetry]``) that also names a build backend (``[build-system]``) and does not turn
    packaging off (``[tool.uv] package = false``, ``[tool.poetry] package-mode = false``). A
    ``pyproject.toml`` naming no build backend is how uv writes an application (``uv init``, not
    ``uv init --lib``): uv installs its dependencies and never the project itself, and no other
    project imports it. (:func:`is_installable` answers whether pip could install the folder at
    all, which the fallback backend always allows.)"""
    if os.path.isfile(root / "setup.py") or os.path.isfile(root / "setup.cfg"):
        return True
    data = _reads_toml(root / "pyproject.toml")
    if not _names_project(data):
        return False
    tool = data.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if (isinstance(uv, dict) and uv.get("package") is False) or (isinstance(poetry, dict) and poetry.get("package-mode") is False):
        return False
    return isinstance(data.get("build-system"), dict)


def target_python(module: ModuleInfo) -> tuple[int, int]:
    """The oldest Python the project supports: ``requires-python``, ruff's or black's
    ``target-version``, mypy's ``python_version``; else the running interpreter."""
    module.project.note_scan("markers", module.path.parent)
    found: list[tuple[int, int]] = []
    for folder in (module.path.parent, *module.path.parent.parents):
        path = folder / "pyproject.toml"
        if not os.path.isfile(path):
            continue
        data = _reads_toml(path)
        project = data.get("project")
        if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
            found += _versions(project["requires-python"], lower_bound=True)
        tool = data.get("tool")
        if isinstance(tool, dict):
            for name in ("ruff", "black"):
                section = tool.get(name)
                if isinstance(section, dict):
                    value = section.get("target-version")
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            found += _versions(item.replace("py3", "3."), lower_bound=False)
            mypy = tool.get("mypy")
            if isinstance(mypy, dict) and isinstance(mypy.get("python_version"), str):
                found += _versions(mypy["python_version"], lower_bound=False)
        break  # the nearest pyproject.toml is the project's
    return min(found) if found else (sys.version_info.major, sys.version_info.minor)


def _versions(spec: str, *, lower_bound: bool) -> list[tuple[int, int]]:
    """``>=3.9,<4`` -> [(3, 9)]; ``3.13`` -> [(3, 13)]; ``~=3.10`` -> [(3, 10)]."""
    out: list[tuple[int, int]] = []
    for clause in spec.split(","):
        clause = clause.strip()
        match = re.fullmatch(r"(>=|~=|==|>)?\s*3\.(\d+)(?:\.\*|\.\d+)?", clause)
        if match is None:
            continue
        minor = int(match.group(2)) + (1 if match.group(1) == ">" else 0)
        if lower_bound and match.group(1) is None:
            continue
        out.append((3, minor))
    return out
