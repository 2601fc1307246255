"""Session 97 (issue 28, precision): a project whose ``pyproject.toml`` names no build backend is an
application.

The readings of code that never runs (a method nothing names, a module's function nothing names,
a branch behind a parameter no call gives, a module that cannot be imported) judge only an
application: a library's code is called by projects that import it. A ``pyproject.toml`` naming
the project (``[project]``, ``[tool.poetry]``) was read as a library. But ``uv init`` writes an
application's ``pyproject.toml`` with no ``[build-system]`` (``uv init --lib`` writes one), and uv
never installs such a project, so nothing imports it. Packaging turned off says the same
(``[tool.uv] package = false``, ``[tool.poetry] package-mode = false``). A development bot's worker
builder that nothing calls was labelled false (``benchmarks/labels/apps93.tsv``).

Twins, still judged as a library's: a build backend named, ``setup.py`` beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_session76_uncalled import CLIENT, MAIN, UNUSED  # (a method nothing names, judged in a library only)
from tests.trees import findings, write

BACKEND = "[build-system]\nrequires = ['hatchling']\nbuild-backend = 'hatchling.build'\n"


def _project(root: Path, pyproject: str, setup: bool = False) -> Path:
    write(root / "pyproject.toml", pyproject)
    if setup:
        write(root / "setup.py", "from setuptools import setup\nsetup()\n")
    write(root / "app" / "__init__.py", "")
    write(root / "app" / "client.py", CLIENT)
    write(root / "app" / "main.py", MAIN)
    return root


@pytest.mark.parametrize(
    "pyproject",
    [
        "[project]\nname = 'bot'\nversion = '0.1.0'\ndependencies = ['aiohttp']\n",
        "[project]\nname = 'bot'\n\n[tool.uv]\npackage = false\n\n" + BACKEND,
        "[tool.poetry]\nname = 'bot'\npackage-mode = false\n\n" + BACKEND,
    ],
    ids=["no-build-backend", "uv-package-false", "poetry-package-mode-false"],
)
def test_an_application_s_method_nothing_names_is_not_judged(tmp_path: Path, pyproject: str) -> None:
    assert findings(_project(tmp_path, pyproject), "TRD2") == []


@pytest.mark.parametrize(
    ("pyproject", "setup"),
    [
        ("[project]\nname = 'client-lib'\n\n" + BACKEND, False),
        ("[tool.poetry]\nname = 'client-lib'\n\n" + BACKEND, False),
        ("[project]\nname = 'client-lib'\n", True),
    ],
    ids=["build-backend", "poetry-build-backend", "setup-py"],
)
def test_a_library_s_method_is_still_judged(tmp_path: Path, pyproject: str, setup: bool) -> None:
    assert findings(_project(tmp_path, pyproject, setup), "TRD2") == [UNUSED]
