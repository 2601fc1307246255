"""Issue 34, session 25: a bounded run (one that forgets trees past its module budget) checks a
file whose tree a lookup parsed while that tree is held, keeps the summary of a module with its
tree, and says the same as a run that keeps everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import load_benchmark
from tradelint import cli
from tradelint.core.config import clear_cache, config_for
from tradelint.facts import context
from tradelint.facts.context import Project
from tradelint.runner import engine, workers
from tradelint.runner.engine import Checker
from tradelint.runner.schedule import held_first
from tradelint.runner.snapshots import Snapshots, SnapshotTexts, SourceFile

# A worker that also discards a task (a fix in every worker module), for ``--fix``.
FIXABLE = "\n\nasync def job():\n    pass\n\n\nasync def main():\n    asyncio.create_task(job())\n    return 1\n"


def _registry(root: Path, n: int, fixable: bool = False) -> list[Path]:
    """The scaling benchmark's registry axis: ``pkg/registry.py`` names the classes of ``n``
    modules ``pkg/w*.py`` (checked after it: each parsed first for the registry's lookups)."""
    scaling = load_benchmark("scaling")
    tree = scaling.registry_tree(n)
    if fixable:
        tree = {name: text + FIXABLE if name.startswith("pkg/w") else text for name, text in tree.items()}
    root.mkdir(parents=True, exist_ok=True)
    scaling.write(tree, root)
    return sorted(root.rglob("*.py"))


def test_held_first_takes_a_held_file_next_and_every_file_once(tmp_path: Path) -> None:
    files = _registry(tmp_path, 6)
    project = Project(module_budget=10**6)
    order = []
    for path in held_first(files, lambda p: p, project):
        order.append(path.name)
        if path.name == "__init__.py":
            project.module_at(tmp_path / "pkg" / "w3.py")  # a lookup: w3 is checked next
            project.module_at(tmp_path / "pkg" / "w1.py")
    assert order == ["__init__.py", "w3.py", "w1.py", "registry.py", "w0.py", "w2.py", "w4.py", "w5.py"]
    assert project.parsed_ahead is None  # asked only while a run takes its files
    # Keeping every tree, a run checks in the order given: it parses no file twice.
    unbounded = Project(module_budget=None)
    taken = []
    for path in held_first(files, lambda p: p, unbounded):
        taken.append(path)
        unbounded.module_at(files[-1])
    assert taken == files


def _outcomes(files: list[Path], budget: int | None) -> list[tuple[int, object]]:
    checker = workers.new_checker(budget is not None)
    checker.project.module_budget = budget
    items = [(i, path, config_for(path)) for i, path in enumerate(files)]
    return [(i, found) for i, found, _, _ in workers._check_chunk(checker, items, lambda: None)]


def test_a_bounded_run_parses_fewer_checked_files_again_and_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The registry's check parses every worker module; past the budget most are forgotten at
    # once. In the order given, each was then parsed again for its own check; held first, only
    # those forgotten are.
    files = _registry(tmp_path, 60)
    parses = []
    real = engine.parse_source

    def counting(*args: object, **kwargs: object) -> object:
        parses.append(args[1])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "parse_source", counting)
    everything = _outcomes(files, None)
    assert [i for i, _ in everything] == list(range(len(files)))
    # The registry and 60 % of the worker modules: a third of them held after the registry's
    # check, and the registry parsed again with room to spare for the first held ones.
    workers_bytes = sum(len(p.read_bytes()) for p in files if p.name.startswith("w"))
    budget = len((tmp_path / "pkg" / "registry.py").read_bytes()) + workers_bytes * 6 // 10
    parses.clear()
    bounded = _outcomes(files, budget)
    assert bounded == everything  # outcomes in the order given, findings the same
    held = len(parses)
    monkeypatch.setattr(workers, "held_first", lambda items, path_of, project: iter(items))
    parses.clear()
    assert _outcomes(files, budget) == everything
    assert held < len(parses) - 15, (held, len(parses))


def test_a_bounded_fix_writes_what_an_unbounded_one_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    original = tmp_path / "original"
    _registry(original, 40, fixable=True)
    results = []
    for budget in (None, 2048, 1):
        copy = tmp_path / f"budget-{budget}"
        shutil.copytree(original, copy)
        monkeypatch.setattr(context, "MODULE_BUDGET", budget)
        clear_cache()
        code = cli.run(["--no-cache", "--jobs", "1", "--fix", "--unsafe-fixes", str(copy)])
        out, err = capsys.readouterr()
        written = {p.relative_to(copy): p.read_bytes() for p in sorted(copy.rglob("*.py"))}
        results.append((code, out.replace(str(copy), "COPY"), err.replace(str(copy), "COPY"), written))
    assert results[0] == results[1] == results[2]
    assert sum(data != (original / path).read_bytes() for path, data in results[0][3].items()) == 40


def test_a_held_module_is_summarised_once_whatever_the_summary_limit(tmp_path: Path) -> None:
    # A summary is kept with its tree while the tree is held (the limit counts the summaries
    # that outlive their trees), and handed over when the tree is forgotten: trimmed instead,
    # every forgotten module was summarised again (as were 10,000 of 12,800 registry modules).
    files = [p for p in _registry(tmp_path, 5) if p.name.startswith("w")]
    made = []
    summarize = context.SUMMARIZERS[0]
    context.SUMMARIZERS[0] = lambda module: made.append(module.path) or summarize(module)
    try:
        project = Project(module_budget=10**6, summary_limit=2)
        summaries = [project.module_at(path).summary for path in files]  # type: ignore[union-attr]
        project.end_file()  # within the budget: every tree held, no summary trimmed
        project.module_budget = 1
        project.end_file()  # every tree forgotten, its summary kept (then the oldest trimmed)
        assert len(made) == len(files)
        assert project.summary(files[-1]) is summaries[-1] and project.parses == len(files)
    finally:
        context.SUMMARIZERS[0] = summarize


def test_a_registry_of_two_classes_looks_no_further(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The elements of ``self.workers`` are of many classes: nothing is proven once two are seen,
    # and the other classes' modules are not parsed to tell (a registry of N classes parsed N
    # modules again for the first class that asked).
    from tradelint.facts import class_family

    files = _registry(tmp_path, 30)
    looked = []
    real = class_family.resolve_definition

    def counting(*args: object) -> object:
        looked.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("tradelint.models.tasks.other_objects.resolve_definition", counting)
    checker = Checker(Project(module_budget=None))
    found = [f for path in files for f in checker.check_path(path, config_for(path))]
    assert sum(f.code == "TRD303" for f in found) == 30  # nothing proven: every task unended
    assert len(looked) == 2


@pytest.mark.parametrize(
    "data",
    [b"x = 'caf\xc3\xa9'\n", b"\xef\xbb\xbfx = 1\n", b"# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n", b"x = 1\r\n"],
    ids=["utf-8", "bom", "latin-1", "crlf"],
)
def test_a_packed_snapshot_gives_the_utf8_of_its_text(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(data)
    snapshots = Snapshots(packed=True)
    snapshots.add(path, SourceFile.read(path))
    overlay = SnapshotTexts(snapshots)
    assert overlay.utf8(path) == overlay[path].encode("utf-8", "surrogatepass")
    overlay[path] = "y = 2\n"
    assert overlay.utf8(path) == b"y = 2\n"
    with pytest.raises(KeyError):
        overlay.utf8(tmp_path / "absent.py")
