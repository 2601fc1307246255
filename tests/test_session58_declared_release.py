"""TRD404 reads a library name against the release the project runs on (session 58).

The class is read from the installed package; when the project's own declaration (a
``requirements.txt``, ``pyproject.toml``, ...) names a major series the installed release is not
of (``web3==5.28.0`` beside web3 7), the installed class says nothing about the code: it is
silent. A declaration the installed release meets, or none, keeps the finding (the twins).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.test_library_attributes import site as site  # noqa: F401  (the fake installed package)
from tests.test_rename_history import write
from tradelint.core.config import config_for
from tradelint.facts.context import Project
from tradelint.models.renames import library_classes
from tradelint.runner.engine import Checker

USER = '''\
from fakelib.core import connect


def use():
    return connect("u").time_out
'''

FOUND = ["5:12 `connect('u').time_out` is not defined on `Client`; did you mean `timeout`?"]


@pytest.fixture
def released(site: Path) -> Iterator[Path]:  # noqa: F811
    """The fake package installed as distribution ``fakelib`` 2.1.0 (metadata only)."""
    info = site / "fakelib-2.1.0.dist-info"
    write(info / "METADATA", "Metadata-Version: 2.1\nName: fakelib\nVersion: 2.1.0\n")
    write(info / "top_level.txt", "fakelib\n")
    library_classes.installed_release.cache_clear()
    yield site
    library_classes.installed_release.cache_clear()


def check(tmp_path: Path, declaration: dict[str, str]) -> list[str]:
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.tradelint]\npreview = true\nselect = ['TRD404']\n")
    for name, text in declaration.items():
        write(project / name, text)
    write(project / "app.py", USER)
    path = project / "app.py"
    return [f"{f.line}:{f.column} {f.message}" for f in Checker(Project()).check_path(path, config_for(path))]


def test_another_major_declared_is_silent(released: Path, tmp_path: Path) -> None:
    assert check(tmp_path, {"requirements.txt": "fakelib==1.4.0\n"}) == []
    assert check(tmp_path / "b", {"requirements.txt": "fakelib>=3\n"}) == []


def test_the_installed_major_declared_is_reported(released: Path, tmp_path: Path) -> None:
    assert check(tmp_path, {"requirements.txt": "fakelib>=2.0,<3\n"}) == FOUND
    assert check(tmp_path / "b", {"requirements.txt": "fakelib\n"}) == FOUND


def test_nothing_declared_is_reported(released: Path, tmp_path: Path) -> None:
    assert check(tmp_path, {}) == FOUND


def test_help_names_the_installed_release(released: Path, tmp_path: Path) -> None:
    check(tmp_path, {})
    path = tmp_path / "project" / "app.py"
    helps = [f.help for f in Checker(Project()).check_path(path, config_for(path))]
    assert helps == ["`fakelib.core.Client` (fakelib 2.1.0, installed) lacks it: reading it raises `AttributeError`"]
