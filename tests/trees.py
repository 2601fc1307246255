"""Small project trees written by the runner and cache tests."""

from __future__ import annotations

from pathlib import Path

from tradelint.cli import discover
from tradelint.core.config import Config, config_for


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def configs_for(*paths: Path) -> dict[Path, Config]:
    return {file: config_for(file) for file in discover(list(paths), None)}


def package_project(root: Path, files: dict[str, str], package: str = "app") -> Path:
    """A project (``pyproject.toml`` named ``demo``) with one package holding ``files``."""
    write(root / "pyproject.toml", "[project]\nname = 'demo'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    write(root / package / "__init__.py", "")
    for name, source in files.items():
        write(root / package / name, source)
    return root


def findings(root: Path, *select: str) -> list[str]:
    """``path:line:col CODE message`` of every finding of ``select`` under ``root``, sorted."""
    from tradelint.api import check_paths

    return sorted(
        f"{Path(f.path).relative_to(root).as_posix()}:{f.line}:{f.column} {f.code} {f.message}"
        for f in check_paths(sorted(root.rglob("*.py")), select=list(select))
    )
