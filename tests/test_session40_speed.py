"""Issue 30, session 40: work the front-ends leave undone, counted, never timed.

The mypy plugin's project is bounded as the CLI bounds a run over the same files: a small build
keeps every tree, so a dataclass field's search of the whole project parses each module once (the
oracle under mypy made 3,088 parses, 2,571 of them again, for the CLI's 514).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from mypy import api as mypy_api

from mypy_plugin import core_bridge
from tests.trees import write
from tradelint.core.config import clear_cache
from tradelint.facts import context

CLASSES = {"models_a": ("Alpha", "x"), "models_b": ("Beta", "y"), "models_c": ("Gamma", "z")}
USERS = 12


def _model(name: str, field: str) -> str:
    return (
        "from dataclasses import dataclass\n\n\n"
        f"@dataclass\nclass {name}:\n    {field}: int\n    LIMIT: int = 10\n"
    )


def _user(number: int) -> str:
    imports = "".join(f"from pkg.{module} import {name}\n" for module, (name, _) in CLASSES.items())
    calls = ", ".join(f"{name}({field}={number})" for name, field in CLASSES.values())
    padding = "".join(f"# line {i} of a module the search reads but mypy does not check\n" for i in range(4))
    return f'"""User {number}."""\n{padding}{imports}\n\ndef make_{number}() -> object:\n    return ({calls})\n'


def _project(root: Path) -> Path:
    write(root / "pyproject.toml", "")  # a project marker that declares no distribution
    write(root / "pkg" / "__init__.py", "")
    for module, (name, field) in CLASSES.items():
        write(root / "pkg" / f"{module}.py", _model(name, field))
    for number in range(USERS):
        write(root / "pkg" / f"user_{number}.py", _user(number))
    return root


@pytest.fixture
def projects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The plugin's core project of each build."""
    clear_cache()
    found: list[Any] = []
    real = core_bridge.CoreBridge.__init__

    def recording(self: core_bridge.CoreBridge) -> None:
        real(self)
        found.append(self.project)

    monkeypatch.setattr(core_bridge.CoreBridge, "__init__", recording)
    yield found
    clear_cache()


def _mypy(root: Path, tmp: Path) -> list[str]:
    """mypy with the plugin over the three model modules only (they import no user)."""
    config = write(tmp / "mypy.ini", "[mypy]\nplugins = mypy_plugin\npython_version = 3.11\n")
    before = os.getcwd()
    os.chdir(root)
    try:
        stdout, stderr, status = mypy_api.run(
            ["--config-file", str(config), "--cache-dir", str(tmp / "cache"), "--no-error-summary",
             "--hide-error-context", "--python-executable", sys.executable,
             *[arg for module in CLASSES for arg in ("-m", f"pkg.{module}")]]
        )
    finally:
        os.chdir(before)
    assert status in (0, 1), stdout + stderr
    return sorted(stdout.splitlines())


EXPECTED = [
    f"pkg/{module}.py:7: error: `LIMIT` in dataclass `{name}` is an instance field; annotate it `ClassVar[...]`  [trd101]"
    for module, (name, _) in CLASSES.items()
]


def test_a_small_build_parses_each_module_its_searches_read_once(
    tmp_path: Path, projects: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module budget below the users' source (about 4 KB) and above a quarter of the build's
    # cost (three small files): the CLI would keep every tree of a run over the three models.
    monkeypatch.setattr(context, "MODULE_BUDGET", 2048)
    root = _project(tmp_path / "project")
    assert _mypy(root, tmp_path) == EXPECTED
    [project] = projects
    assert project.module_budget is None
    # Each module is parsed once: the models for their classes, the users for the three searches.
    assert (project.parses, project.reparses) == (len(CLASSES) + USERS, 0)


def test_a_large_build_stays_within_the_module_budget_with_the_same_findings(
    tmp_path: Path, projects: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Negative twin: a budget the three models alone outgrow, as the CLI bounds a large run;
    # the same findings, for modules parsed again once forgotten.
    monkeypatch.setattr(context, "MODULE_BUDGET", 256)
    root = _project(tmp_path / "project")
    assert _mypy(root, tmp_path) == EXPECTED
    [project] = projects
    assert project.module_budget == 256
    assert project.reparses > 0


# -- the demand filter's words: one pattern, its shared tails written once --------------------


def test_words_after_the_same_prefixes_are_written_once_in_the_pattern() -> None:
    from tradelint.runner import demand

    packages = ["aiohttp", "aiokafka", "nats", "redis"]
    words = [f"{how}{package}".encode() for package in packages for how in ("import ", "from ", ", ")]
    pattern = demand._trie([*words, b"create_task"])
    assert pattern.count(b"nats") == 1 and pattern.count(b"kafka") == 1
    assert pattern.count(b"import") == 1


def test_the_factored_pattern_finds_what_the_substring_search_finds() -> None:
    # Negative twin of the above: words whose tails differ are not merged, and every answer is
    # the substring search's (random words over a small alphabet share prefixes and tails).
    from tradelint.runner import demand
    import random

    chance = random.Random(40)
    alphabet = b"ab ,."
    for _ in range(300):
        words = tuple({bytes(chance.choice(alphabet) for _ in range(chance.randint(1, 5))) for _ in range(chance.randint(1, 8))})
        pattern = demand._matcher(words).pattern
        assert pattern is not None
        for _ in range(20):
            data = bytes(chance.choice(alphabet) for _ in range(chance.randint(0, 12)))
            assert (pattern.search(data) is not None) == any(word in data for word in words), (words, data)
