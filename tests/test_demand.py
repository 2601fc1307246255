"""Demand-driven checking (``TRADELINT_DEMAND=1``): which files are only compiled, and the output
stays that of a full check (``benchmarks/demand_identity.py`` measures it on real trees)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.trees import configs_for, write
from tradelint import api
from tradelint.core.config import Config, clear_cache
from tradelint.core.registry import Rule, all_rules
from tradelint.facts.context import Project
from tradelint.models.resources.resource_types import BUILTIN_RESOURCES
from tradelint.runner import demand, runner

WRAPPER = "import asyncio\n\n\ndef spawn(coro):\n    return asyncio.create_task(coro)\n"
USES_WRAPPER = "from .tasks import spawn\n\n\nasync def main(coro):\n    spawn(coro)\n"
IMPORTS_OTHER = "from .tasks import other\n\n\ndef f():\n    return 1\n"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def test_every_rule_declares_trigger_words() -> None:
    for code, rule in all_rules().items():
        assert rule.triggers, code
        assert all(isinstance(word, str) and word for word in rule.triggers), code
    with pytest.raises(RuntimeError, match="TRD999 declares no trigger words"):
        type("Forgetful", (Rule,), {"code": "TRD999", "name": "forgetful"})


def test_every_table_resource_is_named_by_a_trigger_word() -> None:
    # A file checked for TRD2 only when it has a TRD2 word: a resource of the built-in table that
    # no word names (``asyncio.open_connection`` was such) was found only in files some other
    # family's word sent to the full check. A third-party one counts where its package is
    # imported (``trigger_words.RESOURCE_TABLES``), as the resource model can only name it so.
    config = Config()
    for qualified in BUILTIN_RESOURCES:
        source = f"import {qualified.partition('.')[0]}\n\nx = {qualified}()\n".encode()
        assert "TRD2" in demand.run_families(source, config), qualified


def test_configuration_adds_trigger_words(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", (
        "[tool.tradelint]\ntask-keeper = \"app.util.keep_task\"\n"
        "resources = { \"mylib.Pool\" = \"shutdown\" }\n"
        "renames = { \"lib.Client.fetchBalance\" = \"fetch_balance\" }\n"
    ))
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "util.py", "def keep_task(task):\n    return task\n")
    file = write(tmp_path / "app" / "m.py", "x = 1\n")
    words = demand.trigger_words(configs_for(tmp_path)[file], file)
    assert b"keep_task" in words["TRD3"]
    assert b"Pool" in words["TRD2"]
    assert b"fetchBalance" in words["TRD4"]
    assert b"noqa" not in words.get("TRD0", ())  # TRD003 is opt-in


def test_only_files_that_can_get_a_finding_are_checked_in_full(tmp_path: Path) -> None:
    files = {
        "tasks": write(tmp_path / "pkg" / "tasks.py", WRAPPER),
        "init": write(tmp_path / "pkg" / "__init__.py", ""),
        "user": write(tmp_path / "pkg" / "user.py", USES_WRAPPER),
        "other": write(tmp_path / "pkg" / "other_user.py", IMPORTS_OTHER),
        "plain": write(tmp_path / "pkg" / "plain.py", "def f():\n    return 1\n"),
        "broken": write(tmp_path / "pkg" / "broken.py", "def f(:\n"),
    }
    configs = configs_for(tmp_path)
    needed = dict(zip(configs, demand.full_check_needed(list(configs.items()))))
    assert needed[files["tasks"]]  # a trigger word
    assert needed[files["user"]]  # names the wrapper of a module checked in full
    assert not needed[files["other"]]  # imports that module, names nothing it defines
    assert not needed[files["plain"]] and not needed[files["init"]] and not needed[files["broken"]]
    assert demand.parses(b"x = 1\n", "x.py")
    assert not demand.parses(files["broken"].read_bytes(), "broken.py")
    assert demand.parses(b"return 1\n", "r.py")  # the parser accepts it (compile() would not)
    assert not demand.parses(b"nonlocal x\n", "n.py")  # refused by the symbol table: checked in full


# The fixture packages of more than one module (one run of them all): files that find their
# findings through another module's definitions, spread over the processes of a run of two jobs.
PACKAGES = [FIXTURES / name for name in ("cross_module", "incidents", "library_attributes", "renames")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("jobs", "trees"),
    # One process over the whole fixture tree (every rule's trigger words); two over the packages.
    [(1, [FIXTURES]), (2, PACKAGES)],
    ids=["1-fixtures", "2-packages"],
)
def test_demand_output_is_the_full_check_output(
    jobs: int, trees: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "tasks.py", WRAPPER)
    write(tmp_path / "pkg" / "user.py", USES_WRAPPER)
    write(tmp_path / "pkg" / "broken.py", "def f(:\n")
    write(tmp_path / "pkg" / "nul.py", "x = 1\0\n")
    write(tmp_path / "pkg" / "outside.py", "return 1\n")  # compile() refuses, ast.parse accepts
    for tree in ([tmp_path], trees):
        configs = configs_for(*tree)
        monkeypatch.setenv(demand.ENV, "0")
        full = runner.check_files(configs, jobs=jobs)
        monkeypatch.setenv(demand.ENV, "1")
        lazy = runner.check_files(configs, jobs=jobs)
        assert [f.as_json() for f in lazy.findings] == [f.as_json() for f in full.findings]
        assert (lazy.errors, lazy.checked) == (full.errors, full.checked)
    assert full.findings  # the fixtures have findings
    ast.parse("return 1\n")  # the premise of outside.py


SUBCLASS = "from .models import Base\n\n\nclass Child(Base):\n    LIMIT = 5\n"
MODELS = "from dataclasses import dataclass\n\n\n@dataclass\nclass Base:\n    x: int = 0\n"


def test_a_hosted_file_is_checked_for_the_families_it_or_what_it_names_can_start(tmp_path: Path) -> None:
    files = {
        "tasks": write(tmp_path / "pkg" / "tasks.py", WRAPPER),
        "init": write(tmp_path / "pkg" / "__init__.py", ""),
        "user": write(tmp_path / "pkg" / "user.py", USES_WRAPPER),
        "other": write(tmp_path / "pkg" / "other_user.py", IMPORTS_OTHER),
        "models": write(tmp_path / "pkg" / "models.py", MODELS),
        "child": write(tmp_path / "pkg" / "child.py", SUBCLASS),
        "plain": write(tmp_path / "pkg" / "plain.py", "def f():\n    return 1\n"),
    }
    configs = configs_for(tmp_path)
    hosted = demand.HostedDemand(Project())
    families = {name: hosted.families(path, path.read_bytes(), configs[path]) for name, path in files.items()}
    assert families["tasks"] == {"TRD3"}  # its own words
    assert families["user"] == {"TRD3"}  # names the wrapper of a module with TRD3 words
    assert families["child"] == {"TRD1"}  # subclasses a dataclass of another module
    assert families["models"] == {"TRD1"}
    assert not families["other"] and not families["plain"] and not families["init"]
    # Asked in the other order (the importer first, as a host may hand files over), the same.
    again = demand.HostedDemand(Project())
    assert again.families(files["child"], files["child"].read_bytes(), configs[files["child"]]) == {"TRD1"}
    assert again.families(files["models"], files["models"].read_bytes(), configs[files["models"]]) == {"TRD1"}


def test_hosted_checks_on_demand_report_what_a_full_check_reports(tmp_path: Path) -> None:
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "tasks.py", WRAPPER)
    write(tmp_path / "pkg" / "models.py", MODELS)
    write(tmp_path / "pkg" / "child.py", SUBCLASS)
    write(tmp_path / "pkg" / "user.py", USES_WRAPPER)
    write(tmp_path / "pkg" / "plain.py", "def f():\n    return 1\n")
    found: dict[bool, list[tuple[str, int, str]]] = {}
    for on_demand in (False, True):
        api._HOSTED.clear()
        api._HOSTED_DEMAND.clear()
        found[on_demand] = []
        for path, config in configs_for(tmp_path).items():
            text = path.read_text(encoding="utf-8")
            for finding in api.check_tree(
                path, text, ast.parse(text), config, display=path.name, on_demand=on_demand
            ):
                found[on_demand].append((finding.path, finding.line, finding.code))
    api._HOSTED.clear()
    api._HOSTED_DEMAND.clear()
    # user.py names no task word: its finding rests on tasks.py's wrapper.
    assert found[True] == found[False] == [("user.py", 5, "TRD301")]


def test_a_hosted_file_counts_the_words_of_a_module_that_ignores_their_rules(tmp_path: Path) -> None:
    # The wrapper's own file ignores TRD301; its caller does not, and its discarded task is found.
    write(tmp_path / "pyproject.toml", '[tool.tradelint]\nper-file-ignores = { "pkg/tasks.py" = ["TRD3"] }\n')
    write(tmp_path / "pkg" / "__init__.py", "")
    write(tmp_path / "pkg" / "tasks.py", WRAPPER)
    user = write(tmp_path / "pkg" / "user.py", USES_WRAPPER)
    configs = configs_for(tmp_path)
    assert demand.HostedDemand(Project()).families(user, user.read_bytes(), configs[user]) == {"TRD3"}
    api._HOSTED.clear()
    api._HOSTED_DEMAND.clear()
    try:
        found = [
            (f.path, f.line, f.code)
            for path, config in configs.items()
            for f in api.check_tree(
                path, path.read_text(encoding="utf-8"), ast.parse(path.read_bytes()), config, display=path.name
            )
        ]
    finally:
        api._HOSTED.clear()
        api._HOSTED_DEMAND.clear()
    assert found == [("user.py", 5, "TRD301")]


def test_a_hosted_class_on_a_third_party_base_is_checked_for_dataclass_rules(tmp_path: Path) -> None:
    # The dataclass model reads installed packages' class makers: such a base may make its
    # subclasses dataclass-like with no word of theirs (``class Hero(SQLModel, table=True)``).
    on_library = write(tmp_path / "pkg" / "hero.py", "from sqlmodel import SQLModel\n\n\nclass Hero(SQLModel, table=True):\n    LIMIT = 5\n")
    on_stdlib = write(tmp_path / "pkg" / "err.py", "import enum\n\n\nclass Color(enum.Enum):\n    RED = 1\n")
    on_own = write(tmp_path / "pkg" / "sub.py", "from pkg.err import Color\n\n\nclass Shade(Color):\n    DARK = 2\n")
    write(tmp_path / "pkg" / "__init__.py", "")
    configs = configs_for(tmp_path)
    hosted = demand.HostedDemand(Project())
    # (And TRD2: a class of a third-party package may be a resource the project releases elsewhere.)
    assert hosted.families(on_library, on_library.read_bytes(), configs[on_library]) == {"TRD1", "TRD2"}
    assert not hosted.families(on_stdlib, on_stdlib.read_bytes(), configs[on_stdlib])
    assert not hosted.families(on_own, on_own.read_bytes(), configs[on_own])


def test_import_shaped_words_are_found_as_the_substring_search_finds_them() -> None:
    # ``import P`` / ``from P`` / ``, P`` words are looked up in one pass over the source (the
    # library table gives 700 of them), with the substring search's answers: a longer name
    # that begins with the package, overlapping prefixes, and plain words beside them.
    words = (b"import aiohttp", b"from openai", b", nats", b"create_task")
    cases = {
        b"import aiohttp_retry\n": True,  # begins with the package, as ``in`` finds it
        b"from import aiohttp\n": True,  # ``import aiohttp`` inside ``from import ...``
        b"import os, natsort\n": True,
        b"from openai import AsyncOpenAI\n": True,
        b"loop.create_task(x)\n": True,
        b"import  aiohttp\n": False,  # two spaces: not the word
        b"from .openai import x\n": False,
        b"import httpx\nx = (1, 2)\n": False,
    }
    assert {data: demand._has_word(data, words) for data in cases} == cases
    assert {data: any(word in data for word in words) for data in cases} == cases
