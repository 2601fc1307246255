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
