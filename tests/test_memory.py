"""Memory: a checked tree is released after its file, the modules kept for cross-module lookups
stay within the project's budget, and what is found never depends on that budget."""

from __future__ import annotations

import weakref
from pathlib import Path

import pytest

from flake8_tradelint import cli, context, runner
from flake8_tradelint.cli import discover
from flake8_tradelint.config import clear_cache, config_for
from flake8_tradelint.context import Project
from flake8_tradelint.engine import Checker
from flake8_tradelint.finding import Finding
from tests.conftest import FIXTURES

DATA = Path(__file__).parent / "data"
# Multi-module projects: base classes, task wrappers and resource types defined in other files.
PROJECTS = [FIXTURES, DATA / "trd1xx_programs", DATA / "task_programs", DATA / "resource_programs", DATA / "oracle"]


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def check_all(budget: int | None) -> tuple[list[Finding], Project]:
    project = Project(module_budget=budget)
    checker = Checker(project, batch=True)
    found: list[Finding] = []
    for file in discover(PROJECTS, None):
        found.extend(checker.check_path(file, config_for(file)))
        if budget is not None:
            # Between two files the project keeps at most its budget (down to half, once over).
            assert project._kept <= budget
    return found, project


def test_findings_do_not_depend_on_the_module_budget() -> None:
    kept_all, everything = check_all(None)
    assert len(kept_all) > 100
    assert everything.reparses == 0
    for budget in (1, 4096, 64 * 1024):
        bounded, project = check_all(budget)
        assert [(f.as_json(), f.fix) for f in bounded] == [(f.as_json(), f.fix) for f in kept_all], budget
    # Budget 1 keeps nothing between files: every module a later file reads is parsed again.
    _, starved = check_all(1)
    assert starved.reparses > 10
    assert starved._modules == {}


def test_a_checked_tree_is_released_with_its_file(tmp_path: Path) -> None:
    base = tmp_path / "pkg" / "base.py"
    base.parent.mkdir()
    (base.parent / "__init__.py").write_text("")
    base.write_text("import asyncio\n\n\ndef spawn(coro):\n    return asyncio.create_task(coro)\n")
    user = base.parent / "user.py"
    user.write_text("from pkg.base import spawn\n\n\nasync def main(work):\n    spawn(work())\n")
    project = Project(module_budget=1)
    checker = Checker(project, batch=True)
    findings = checker.check_path(user, config_for(user))
    # The wrapper in another module was read (and parsed) for the finding...
    assert [(f.line, f.code) for f in findings] == [(5, "TRD301")]
    assert project.parses == 1
    # ... and neither tree outlives the check: nothing else refers to them once it is done.
    assert project._modules == {} and project.class_memo == {} and project._lookup_cache == {}
    tree = context.parse_module(user.read_text())
    ref = weakref.ref(tree)
    assert checker.check_source(user, user.read_text(), config_for(user), tree=tree) == findings
    del tree
    assert ref() is None
    assert project.reparses == 1  # the wrapper's module, forgotten after the first file


def test_a_module_kept_within_budget_is_not_parsed_again(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import asyncio\n\n\ndef spawn(coro):\n    return asyncio.create_task(coro)\n")
    for name in ("b", "c", "d"):
        (tmp_path / f"{name}.py").write_text("from a import spawn\n\n\nasync def main(work):\n    spawn(work())\n")
    project = Project()  # the default budget: megabytes
    checker = Checker(project, batch=True)
    for name in ("b", "c", "d"):
        path = tmp_path / f"{name}.py"
        assert [f.code for f in checker.check_path(path, config_for(path))] == ["TRD301"]
    assert (project.parses, project.reparses) == (1, 0)
    assert len(project._modules) == 4


@pytest.mark.parametrize("args", [["--output-format", "json"], ["--fix", "--unsafe-fixes", "--diff"]])
def test_the_cli_prints_the_same_with_any_budget(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "clock", lambda: 0.0)  # the summary line states the run time
    paths = [str(p) for p in PROJECTS]
    outputs = []
    for budget in (None, 1):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        code = cli.run(["--no-cache", "--jobs", "1", *args, *paths])
        out, _ = capsys.readouterr()
        outputs.append((code, out))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][1]) > 1000


def test_nothing_the_check_made_outlives_it_in_a_cycle() -> None:
    """The batch checker freezes what lives on after each file, and the collector never walks
    frozen objects: a cycle that holds a module when it is forgotten would never be freed. Every
    rule on (preview too), every module forgotten after every file: nothing is left to collect."""
    import gc
    from dataclasses import replace

    project = Project(module_budget=1)
    checker = Checker(project, batch=True)
    was_enabled = gc.isenabled()
    gc.disable()
    gc.unfreeze()  # what an earlier test froze is not this check's
    gc.collect()
    try:
        for file in discover(PROJECTS, None):
            checker.check_path(file, replace(config_for(file), preview=True))
        project._modules.clear()
        project.forget_memos()
        del checker, project
        gc.unfreeze()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        leaked = sorted({type(o).__qualname__ for o in gc.garbage if type(o).__module__.startswith("flake8_tradelint")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
    assert leaked == []


def test_only_a_run_over_three_budgets_of_source_bounds_its_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounding memory costs time (each tree freed after its file, parsed again when forgotten):
    a run small enough to keep every tree within about three budgets keeps them all."""
    monkeypatch.setattr(context, "MODULE_BUDGET", 1000)
    assert (runner.bounded_run(3000), runner.bounded_run(3001)) == (False, True)
    small, large = runner.new_checker(False), runner.new_checker(True)
    assert (small.batch, small.project.module_budget) == (False, None)
    assert (large.batch, large.project.module_budget) == (True, 1000)
    monkeypatch.setattr(context, "MODULE_BUDGET", None)
    assert runner.bounded_run(10**12) is False
