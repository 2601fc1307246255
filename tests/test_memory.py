"""Memory: a checked tree is released after its file, the modules kept for cross-module lookups
stay within the project's budget, and what is found never depends on that budget."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tracemalloc
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tradelint import cli
from tradelint.cli import discover
from tradelint.core.config import Config, clear_cache, config_for
from tradelint.core.finding import Finding
from tradelint.facts import context
from tradelint.facts.context import Project
from tradelint.facts.syntax import parse_module
from tradelint.runner import fixer, workers
from tradelint.runner.engine import Checker

DATA = Path(__file__).parent / "data"
# Multi-module projects: base classes, task wrappers and resource types defined in other files.
PROJECTS = [FIXTURES, DATA / "trd1xx_programs", DATA / "task_programs", DATA / "resource_programs", DATA / "oracle"]
# The fixture projects of more than one module: a module read for another's lookup is what a
# budget forgets and parses again, so over these every budget takes the paths it takes over the
# whole tree, at about a quarter of the cost.
PACKAGES = [FIXTURES / name for name in ("cross_module", "incidents", "library_attributes", "renames")]


@dataclass(frozen=True)
class Trees:
    """What a budget comparison runs over, and how much it must find there (fewer: the tree is
    no longer what the comparison was written for)."""

    paths: list[Path]
    findings: int
    summaries: int
    fixed_files: int
    flake8_lines: int


# The suite's slow step compares budgets over the packages; the long command (`.ci/long`) over
# the whole tree, as the slow step did before.
TREES = [
    pytest.param(
        Trees(PACKAGES, findings=60, summaries=20, fixed_files=8, flake8_lines=60), marks=pytest.mark.slow, id="packages"
    ),
    pytest.param(
        Trees(PROJECTS, findings=100, summaries=50, fixed_files=10, flake8_lines=200), marks=pytest.mark.long, id="whole"
    ),
]


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def check_all(budget: int | None, paths: list[Path]) -> tuple[list[Finding], Project]:
    project = Project(module_budget=budget)
    checker = Checker(project, batch=True)
    found: list[Finding] = []
    for file in discover(paths, None):
        found.extend(checker.check_path(file, config_for(file)))
        if budget is not None:
            # Between two files the project keeps at most its budget (down to half, once over).
            assert project._kept <= budget
    return found, project


@pytest.mark.parametrize("trees", TREES)
def test_findings_do_not_depend_on_the_module_budget(trees: Trees) -> None:
    kept_all, everything = check_all(None, trees.paths)
    assert len(kept_all) > trees.findings
    assert everything.reparses == 0
    starved = None
    for budget in (1, 4096, 64 * 1024):
        bounded, project = check_all(budget, trees.paths)
        assert [(f.as_json(), f.fix) for f in bounded] == [(f.as_json(), f.fix) for f in kept_all], budget
        starved = project if budget == 1 else starved
    # Budget 1 keeps nothing between files: every module a later file reads is parsed again.
    assert starved is not None
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
    tree = parse_module(user.read_text())
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


def test_a_file_that_names_its_own_module_is_not_parsed_again(tmp_path: Path) -> None:
    """Under flake8 no checked tree is kept (``keep_checked=False``): a qualified name of the
    file's own module (``from pkg import spawn`` in ``pkg/__init__.py``) is read from the tree being checked,
    not from a second one parsed from the disk (telethon's 2.8 MiB module: +144 MB)."""
    init = tmp_path / "pkg" / "__init__.py"
    init.parent.mkdir()
    init.write_text(
        "import asyncio\n\n\ndef spawn(coro):\n    return asyncio.create_task(coro)\n\n\n"
        "from pkg import spawn as start\n\n\nasync def main(work):\n    start(work())\n"
    )
    project = Project(keep_checked=False)
    checker = Checker(project, batch=True)
    tree = parse_module(init.read_text())
    findings = checker.check_source(init, init.read_text(), config_for(init), tree=tree)
    assert [(f.line, f.code) for f in findings] == [(12, "TRD301")]
    assert project.parses == 0 and project._modules == {}
    assert project._current is None  # and it is not kept past its file either


@pytest.mark.parametrize("trees", TREES)
@pytest.mark.parametrize(
    ("args", "budgets"),
    [
        (["--output-format", "json"], (None, 1)),
        (["--fix", "--unsafe-fixes", "--diff"], (None, 1, 4096)),
        (["--fix", "--diff"], (None, 1)),
    ],
)
def test_the_cli_prints_the_same_with_any_budget(
    args: list[str], budgets: tuple[int | None, ...], trees: Trees, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No budget: a small run, every tree and text kept. 1 byte and 4 KiB: bounded runs (a
    batch checker, modules forgotten and parsed again, ``--fix``'s snapshots compressed)."""
    monkeypatch.setattr(cli, "clock", lambda: 0.0)  # the summary line states the run time
    paths = [str(p) for p in trees.paths]
    outputs = []
    for budget in budgets:
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        code = cli.run(["--no-cache", "--jobs", "1", *args, *paths])
        out, _ = capsys.readouterr()
        outputs.append((code, out))
    assert all(output == outputs[0] for output in outputs)
    assert len(outputs[0][1]) > 1000


@pytest.mark.parametrize("trees", TREES)
def test_fix_writes_the_same_with_any_budget(
    trees: Trees, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--fix --unsafe-fixes`` on copies of the projects: the same files written, byte for byte,
    and the same report, whether the run keeps everything or is bounded."""
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    results = []
    for budget in (None, 1, 4096):
        copy = tmp_path / f"budget-{budget}"
        for project in trees.paths:
            # A fixture package goes where it was, under its configuration (fixtures/pyproject.toml).
            within = project.relative_to(FIXTURES.parent) if project.is_relative_to(FIXTURES) else Path(project.name)
            shutil.copytree(project, copy / within)
            if within.parent.name == FIXTURES.name:
                shutil.copy(FIXTURES / "pyproject.toml", copy / within.parent / "pyproject.toml")
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        code = cli.run(["--no-cache", "--jobs", "1", "--fix", "--unsafe-fixes", str(copy)])
        out, err = capsys.readouterr()
        written = {p.relative_to(copy): p.read_bytes() for p in sorted(copy.rglob("*.py"))}
        results.append((code, out.replace(str(copy), "COPY"), err.replace(str(copy), "COPY"), written))
    assert results[0] == results[1] == results[2]
    originals = {p.relative_to(FIXTURES.parent): p.read_bytes() for p in FIXTURES.rglob("*.py")}
    changed = [path for path, data in results[0][3].items() if originals.get(path, data) != data]
    assert len(changed) > trees.fixed_files  # the fixtures were fixed, not left alone


def test_a_bounded_fix_keeps_each_file_as_read_compressed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A bounded ``--fix`` keeps only the compressed bytes of each file it read; each comes back
    as the same ``SourceFile`` (bytes, encoding, BOM, text), so the write still compares the disk
    with exactly what was read. A small run keeps them as read."""
    files = {
        "bom.py": b"\xef\xbb\xbfimport asyncio\r\n\r\nasync def f():\r\n    asyncio.create_task(g())\r\n",
        "latin.py": "# -*- coding: latin-1 -*-\nimport asyncio\nname = 'caf\xe9'\n".encode("latin-1"),
        "plain.py": b"import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = {tmp_path / name: config_for(tmp_path / name) for name in files}
    outcomes = []
    for budget in (None, 1):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        outcome = fixer.compute_fixes(paths, unsafe=True)
        assert isinstance(outcome.sources, fixer.Snapshots) and outcome.sources.packed is (budget == 1)
        for path in paths:
            assert outcome.sources[path] == fixer.SourceFile.read(path)
        outcomes.append((outcome.new_texts, [f.as_json() for f in outcome.findings], outcome.errors))
    assert outcomes[0] == outcomes[1]
    assert sorted(p.name for p in outcomes[0][0]) == ["bom.py", "plain.py"]


def test_a_bounded_fix_refuses_a_file_edited_after_it_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in a small run (tests/test_fix_interrupted.py): findings and edits come from the bytes
    read, kept compressed, and the write compares the disk with them, so it is refused."""
    monkeypatch.setattr(context, "MODULE_BUDGET", 1)
    bug = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
    path = tmp_path / "bug.py"
    path.write_text(bug, encoding="utf-8")
    shifted = "\n\n\n" + bug.replace("create_task(g())", "create_task(h())")
    real_read = fixer.SourceFile.read.__func__  # type: ignore[attr-defined]

    def read_then_edit(cls: type[fixer.SourceFile], p: Path) -> fixer.SourceFile:
        source: fixer.SourceFile = real_read(cls, p)
        p.write_text(shifted, encoding="utf-8")
        return source

    monkeypatch.setattr(fixer.SourceFile, "read", classmethod(read_then_edit))
    assert cli.run(["--no-cache", str(path), "--fix"]) == 2
    assert capsys.readouterr().err == f"tradelint: {path}: changed on disk while fixing, not overwritten\n"
    assert path.read_text(encoding="utf-8") == shifted


def _generated_package(root: Path, modules: int) -> dict[Path, Config]:
    """A package of modules that look each other up (a base class and a task wrapper elsewhere),
    a discarded task in each, about 5 KB of source apiece. No ``task-keeper``: no fix either."""
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for i in range(modules):
        other = (i + 1) % modules
        lines = [
            "import asyncio",
            f"from pkg.m{other} import Base{other}, spawn{other}",
            "",
            "",
            f"def spawn{i}(coro):",
            "    return asyncio.create_task(coro)",
            "",
            "",
            f"class Base{i}:",
            "    limit = 1",
            "",
            "",
            f"async def main{i}(work):",
            f"    spawn{other}(work())",
            "",
        ]
        for j in range(60):
            lines += [f"def helper_{j}(a, b, c):", f"    return [a + b * {j}, (c, a), {{'k': b}}, a.x.y(b, c)]", ""]
        (package / f"m{i}.py").write_text("\n".join(lines) + "\n")
    return {path: config_for(path) for path in sorted(package.glob("m*.py"))}


@pytest.mark.parametrize(
    # The slow step's package is half the long command's: it keeps a tenth where a small run keeps
    # every tree (a twentieth with 24 modules), the same paths taken at less than half the cost.
    "modules", [pytest.param(12, marks=pytest.mark.slow), pytest.param(24, marks=pytest.mark.long)]
)
def test_a_bounded_fix_keeps_less_than_a_small_one(
    modules: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same findings, with a small budget, keeping a fraction of the memory between two files
    (tracemalloc, after each file's check): trees are forgotten past the budget and the texts
    kept compressed. A small run keeps every tree (the default for a run this size)."""
    files = _generated_package(tmp_path, modules)
    fixer.compute_fixes(dict(list(files.items())[:2]), unsafe=False)  # what is loaded once, loaded
    kept: list[int] = []
    check_source = Checker.check_source

    def measured(self: Checker, *args: Any, **kwargs: Any) -> list[Finding]:
        found = check_source(self, *args, **kwargs)
        kept[-1] = max(kept[-1], tracemalloc.get_traced_memory()[0])
        return found

    monkeypatch.setattr(Checker, "check_source", measured)
    results = []
    for budget in (None, 8 * 1024):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        kept.append(0)
        tracemalloc.start()
        try:
            outcome = fixer.compute_fixes(files, unsafe=False)
        finally:
            tracemalloc.stop()
        results.append((outcome.new_texts, [f.as_json() for f in outcome.findings]))
    assert results[0] == results[1]
    # Each module's discarded task gets the safe keeper fix (a package needs no configuration):
    # every file rewritten, nothing left to report.
    assert (len(results[0][0]), results[0][1]) == (modules, [])
    assert kept[1] * 5 < kept[0], kept


def _dataclass_package(root: Path, name: str, modules: int) -> Path:
    """Module ``mI`` defines ``BaseI`` and ``ChildI(BaseI-1)``, whose plain ``limit = 2`` shadows
    the base's field (TRD102): each check reads the module before it."""
    package = root / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for i in range(modules):
        lines = ["from dataclasses import dataclass", ""]
        if i:
            lines += [f"from {name}.m{i - 1} import Base{i - 1}", ""]
        lines += ["", "@dataclass", f"class Base{i}:", "    limit: int = 1", "    name: str = ''", ""]
        if i:
            lines += ["", "@dataclass", f"class Child{i}(Base{i - 1}):", "    limit = 2", ""]
        (package / f"m{i}.py").write_text("\n".join(lines))
    return package


def test_a_long_server_session_stays_within_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every buffer of a package opened and checked in turn: the server's project keeps at most
    its budget between two checks (it kept every module before), with the same diagnostics."""
    from tradelint.server.model import Model

    package = _dataclass_package(tmp_path, "pkg", 30)
    sessions = []
    for budget in (None, 600):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        model = Model()
        diagnostics, kept = [], []
        for path in sorted(package.glob("m*.py"), key=lambda p: int(p.stem[1:])):
            for open_path in model.set_buffer(path, path.read_text()):
                diagnostics.append((open_path.name, [f.as_json() for f in model.check(open_path)]))
            kept.append(model.project._kept)
        sessions.append((diagnostics, kept, model.project))
    (everything, kept_all, unbounded), (bounded, kept_bounded, project) = sessions
    assert bounded == everything
    assert sum(1 for _, found in everything for f in found if f["code"] == "TRD102") == 29
    assert max(kept_bounded) <= 600 < kept_all[-1]
    assert len(project._modules) < 6 < len(unbounded._modules)
    # A forgotten buffer that a later check looks up is parsed again from its text.
    assert (unbounded.parses, project.parses > 0) == (0, True)


def test_a_mypy_build_stays_within_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mypy plugin's project forgets modules past its budget when its hooks move to another
    file: the same reports, and never more than the budget kept from one file to the next."""
    from mypy import api

    from mypy_plugin.core_bridge import CoreBridge

    kept: list[int] = []
    checking = CoreBridge.checking

    def recorded(self: CoreBridge, path: str) -> None:
        another = path != self._checking
        checking(self, path)
        if another:  # what is kept from one file to the next (within one file, it may grow)
            kept.append(self.project._kept)

    monkeypatch.setattr(CoreBridge, "checking", recorded)
    (tmp_path / "pyproject.toml").write_text('[tool.mypy]\nplugins = ["mypy_plugin"]\n\n[tool.tradelint]\n')
    monkeypatch.chdir(tmp_path)
    reports = []
    for budget, name in ((None, "kept"), (600, "bounded")):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        _dataclass_package(tmp_path, name, 20)
        kept.clear()
        stdout, stderr, status = api.run(
            ["--cache-dir", str(tmp_path / ".mypy_cache"), "--no-error-summary", "--show-traceback", "-p", name]
        )
        assert (status, stderr) == (1, ""), stdout
        reports.append((stdout.replace(name, "PKG"), max(kept)))
    (everything, kept_all), (bounded, kept_bounded) = reports
    assert bounded == everything
    assert everything.count("[trd102]") == 19
    assert kept_bounded <= 600 < kept_all


def test_the_shared_library_project_stays_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """``library_members`` without a project (``renames --since``) asks a shared one, which applies
    its budget after each answer: the same members, and no more than the budget kept."""
    from tradelint.models.renames import library_classes

    # Installed with the test extras (driftpy with --no-deps): read from their source.
    names = ["driftpy.pickle.vat.Vat", "web3.Web3", "driftpy.drift_client.DriftClient", "asyncio.Queue"]
    answers = []
    for budget in (None, 1):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        library_classes._shared_project.cache_clear()
        found = [library_classes.library_members(name, ()) for name in names]
        project = library_classes._shared_project()
        answers.append((found, project._kept, project.parses))
    (everything, kept_all, _), (bounded, kept_bounded, parses) = answers
    assert bounded == everything
    assert everything[0] is not None and "spot_markets" in everything[0]
    assert everything[2] is not None and len(everything[2]) > 100
    assert kept_bounded <= 1 < kept_all
    assert parses > 0


def test_a_run_is_bounded_by_what_its_trees_would_cost_not_by_its_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tree of many small generated modules costs more per byte than real code: 12,500 files
    and 11.2 MiB kept 880 MB when the decision counted bytes alone (under 3 budgets of 4 MiB). The
    limit is the same 12 MiB of source-equivalent under the default budget of 2.25 MiB."""
    monkeypatch.setattr(context, "MODULE_BUDGET", 9 * 2**20 // 4)
    mib = 2**20
    assert workers.bounded_run(int(11.2 * mib), 12_500)  # the synthetic monorepo: bounded now
    assert not workers.bounded_run(int(9.2 * mib), 619)  # five application packages: kept, faster
    assert workers.bounded_run(89 * mib, 5_796)  # the corpus
    assert workers.bounded_run(0, 10_000)  # past about 9,450 files, whatever their size
    assert not workers.bounded_run(int(11.9 * mib), 1)  # one large file alone fits
    assert workers.run_cost(1000, 3) == 1000 + 3 * workers.FILE_COST
    monkeypatch.setattr(context, "MODULE_BUDGET", None)  # no budget: never bounded
    assert not workers.bounded_run(89 * mib, 5_796)


def check_all_trimmed(budget: int | None, summary_limit: int | None, paths: list[Path]) -> tuple[list[Finding], int]:
    project = Project(module_budget=budget, summary_limit=summary_limit)
    checker = Checker(project, batch=True)
    found: list[Finding] = []
    most = 0
    for file in discover(paths, None):
        checker.project.make_room(file.stat().st_size)
        if budget is not None:
            assert project._kept + file.stat().st_size <= budget or project._kept == 0
        found.extend(checker.check_path(file, config_for(file)))
        most = max(most, len(project._summaries))
    return found, most


@pytest.mark.parametrize("trees", TREES)
def test_forgetting_summaries_and_making_room_change_no_finding(trees: Trees) -> None:
    """A bounded project forgets the oldest half of its summaries (and lasting verdicts and path
    memos) past its limit, and a front-end can make room for a large file before checking it:
    the facts are asked again (parsed again), and every finding and fix is the same."""
    kept_all, everything = check_all_trimmed(None, None, trees.paths)
    # Every module asked for summarised, none forgotten.
    assert len(kept_all) > trees.findings and everything > trees.summaries
    expected = [(f.as_json(), f.fix) for f in kept_all]
    for budget, limit in ((4 * 2**20, 2), (4096, 8), (1, 1)):
        found, most = check_all_trimmed(budget, limit, trees.paths)
        assert [(f.as_json(), f.fix) for f in found] == expected, (budget, limit)
        # Over the limit only by the modules forgotten since the last trim (summarised as they go).
        assert most < everything, (budget, limit, most)


@pytest.mark.parametrize("trees", TREES)
def test_the_cli_prints_the_same_when_summaries_are_forgotten(
    trees: Trees, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    paths = [str(p) for p in trees.paths]
    outputs = []
    for budget, limit in ((None, context.SUMMARY_LIMIT), (4096, 2)):
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        monkeypatch.setattr(context, "SUMMARY_LIMIT", limit)
        clear_cache()
        code = cli.run(["--no-cache", "--jobs", "1", "--output-format", "json", *paths])
        out, _ = capsys.readouterr()
        outputs.append((code, out))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][1]) > 1000


@pytest.mark.parametrize("trees", TREES)
def test_flake8_reports_the_same_under_any_budget(trees: Trees) -> None:
    """The plugin makes room for each file before it is checked (forgetting modules kept for
    lookups) and forgets them past its budget: ``flake8 --select TRD`` prints the same."""
    outputs = []
    for budget in (None, "1", "4096"):
        env = {k: v for k, v in os.environ.items() if k != "TRADELINT_MODULE_BUDGET"}
        if budget is not None:
            env["TRADELINT_MODULE_BUDGET"] = budget
        proc = subprocess.run(
            [sys.executable, "-m", "flake8", "-j", "1", "--select", "TRD", "--isolated", *map(str, trees.paths)],
            capture_output=True, text=True, env=env,
        )
        assert proc.returncode == 1, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0].count(" TRD") > trees.flake8_lines


def test_forgetting_memos_never_touches_the_files_they_name(tmp_path: Path) -> None:
    """A memo may hold paths (a project's root, a module's file): forgetting it breaks the cycles
    of analysis objects only, and a ``Path`` has an ``unlink`` that deletes its file."""
    from tradelint.facts.context import Project

    kept = tmp_path / "kept.py"
    kept.write_text("x = 1\n", encoding="utf-8")
    project = Project()
    project.class_memo[("root", tmp_path)] = kept
    project.class_memo[("roots", tmp_path)] = [kept, tmp_path]
    project.forget_memos()
    assert kept.read_text(encoding="utf-8") == "x = 1\n" and project.class_memo == {}


def test_returning_free_memory_is_safe_to_call_anywhere() -> None:
    """``heap.return_free_memory`` hands glibc's free pages back, and does nothing where there is
    no ``malloc_trim`` (musl, macOS, Windows): never an error, whatever the platform."""
    from tradelint.core import heap

    for _ in range(2):  # the first call looks the function up, the second uses it
        heap.return_free_memory()
    assert heap._LOOKED_UP
