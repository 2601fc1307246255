"""The runner: ``--jobs N`` gives the output of one process; the cache reuses exactly what is still true."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.trees import configs_for, write
from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache, config_for
from tradelint.core.finding import Finding
from tradelint.runner import cache as cache_module
from tradelint.runner import runner
from tradelint.runner import workers as workers_module

BASE = (
    "from dataclasses import dataclass\n"
    "from typing import ClassVar\n\n\n"
    "@dataclass\n"
    "class CacheSchema:\n"
    "    CACHE_KEY: {annotation} = ''\n"
)
SUB = "from .base import CacheSchema\n\n\nclass SignalsSchema(CacheSchema):\n    CACHE_KEY = 'signals'\n"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def summary(findings: list[Finding]) -> list[tuple[str, int, int, str, str, object]]:
    return [(Path(f.path).name, f.line, f.column, f.code, f.message, f.fix) for f in findings]


@pytest.mark.slow
def test_jobs_give_the_output_of_one_process() -> None:
    configs = configs_for(FIXTURES)
    assert len(list(workers_module._chunks([(i, f, c) for i, (f, c) in enumerate(configs.items())], [workers_module.file_size(f) for f in configs], 16))) > 2
    one = runner.check_files(configs, jobs=1)
    two = runner.check_files(configs, jobs=2)
    assert len(one.findings) > 50
    assert [f.as_json() for f in two.findings] == [f.as_json() for f in one.findings]
    assert [f.fix for f in two.findings] == [f.fix for f in one.findings]
    assert (two.checked, two.errors) == (one.checked, one.errors) == (len(configs), [])


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_each_worker_checks_a_stretch_of_the_files(workers: int) -> None:
    """Workers taking batches in any interleaving: every batch is checked once; two workers each
    take a stretch of the list, one from each end (a package's files, and the modules they
    import, stay with one worker); more workers grow stretches from starts spread over it."""
    batches = 16
    for turns in ([0, 1] * 8, [0] * 5 + [1] * 11, [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 1], list(range(workers)) * 8):
        taken = [0] * batches
        at = [workers_module.start_of(w, workers, batches) for w in range(workers)]
        took: list[list[int]] = [[] for _ in range(workers)]
        for turn in turns[:batches]:
            w = turn % workers
            batch = workers_module.nearest_free(taken, at[w])
            taken[batch] = 1
            at[w] = batch
            took[w].append(batch)
        assert sorted(b for t in took for b in t) == list(range(batches))
        if workers == 2:
            for stretch in took:
                assert sorted(stretch) == list(range(min(stretch), max(stretch) + 1))
    assert [workers_module.start_of(w, 2, batches) for w in range(2)] == [0, batches - 1]
    assert [workers_module.start_of(w, 4, batches) for w in range(4)] == [0, 5, 10, 15]


@pytest.mark.slow
def test_jobs_text_output_is_byte_identical(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "clock", lambda: 0.0)  # the summary line states the run time
    assert run(["--no-cache", "--jobs", "1", str(FIXTURES)]) == 1
    one = capsys.readouterr().out
    assert run(["--no-cache", "--jobs", "2", str(FIXTURES)]) == 1
    assert capsys.readouterr().out == one
    assert one.count(": TRD") > 50


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_bad_jobs_value(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["--jobs", value, str(FIXTURES)])
    assert exc.value.code == 2
    expected = (
        f"expected at least 1 process, got {value}" if value != "many"
        else "expected a number of processes or 'auto', got 'many'"
    )
    assert capsys.readouterr().err.splitlines()[-1] == f"tradelint: error: argument --jobs/-j: {expected}"


def test_second_run_comes_from_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    configs = configs_for(FIXTURES)
    first = runner.check_files(configs, cache_dir=cache)
    second = runner.check_files(configs, cache_dir=cache)
    assert (first.cached, first.checked) == (0, len(configs))
    assert (second.cached, second.checked) == (len(configs), 0)
    assert summary(second.findings) == summary(first.findings)
    assert [f.path for f in second.findings] == [f.path for f in first.findings]
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_editing_a_file_rechecks_only_that_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    a = write(tmp_path / "a.py", "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n")
    write(tmp_path / "b.py", "x = 1\n")
    runner.check_files(configs_for(tmp_path), cache_dir=cache)
    write(a, "import asyncio\n\n\nasync def f():\n    await asyncio.create_task(g())\n")
    again = runner.check_files(configs_for(tmp_path), cache_dir=cache)
    assert (again.cached, again.checked, again.findings) == (1, 1, [])


def test_editing_the_base_class_in_another_module_rechecks_the_subclass(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write(tmp_path / "pkg" / "__init__.py", "")
    base = write(tmp_path / "pkg" / "base.py", BASE.format(annotation="str"))
    sub = write(tmp_path / "pkg" / "sub.py", SUB)
    first = runner.check_files(configs_for(sub), cache_dir=cache)
    assert [(f.line, f.code) for f in first.findings] == [(5, "TRD102")]

    write(base, BASE.format(annotation="ClassVar[str]"))  # sub.py itself is unchanged
    second = runner.check_files(configs_for(sub), cache_dir=cache)
    assert (second.cached, second.checked, second.findings) == (0, 1, [])

    third = runner.check_files(configs_for(sub), cache_dir=cache)
    assert (third.cached, third.checked, third.findings) == (1, 0, [])


def test_a_module_that_appears_rechecks_the_files_that_looked_for_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write(tmp_path / "pkg" / "__init__.py", "")
    sub = write(tmp_path / "pkg" / "sub.py", SUB)
    first = runner.check_files(configs_for(sub), cache_dir=cache)
    assert first.findings == []  # the base cannot be found: nothing is known about it

    write(tmp_path / "pkg" / "base.py", BASE.format(annotation="str"))
    second = runner.check_files(configs_for(sub), cache_dir=cache)
    assert (second.cached, [(f.line, f.code) for f in second.findings]) == (0, [(5, "TRD102")])


def test_changing_the_configuration_rechecks(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write(tmp_path / "a.py", "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n")
    assert len(runner.check_files(configs_for(tmp_path), cache_dir=cache).findings) == 1
    write(tmp_path / "pyproject.toml", '[tool.tradelint]\nignore = ["TRD301"]\n')
    clear_cache()
    again = runner.check_files(configs_for(tmp_path), cache_dir=cache)
    assert (again.cached, again.findings) == (0, [])


@pytest.mark.parametrize("content", [b"", b"not a cache", b"tradelint-cache 2 0\n{}", b"tradelint-cache 1 0\n{}"])
def test_a_broken_or_foreign_cache_is_ignored_and_replaced(tmp_path: Path, content: bytes) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / cache_module.CACHE_FILE).write_bytes(content)
    write(tmp_path / "src" / "a.py", "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n")
    first = runner.check_files(configs_for(tmp_path / "src"), cache_dir=cache)
    second = runner.check_files(configs_for(tmp_path / "src"), cache_dir=cache)
    assert (first.cached, len(first.findings)) == (0, 1)
    assert (second.cached, summary(second.findings)) == (1, summary(first.findings))


def test_cli_uses_the_cache_dir_and_no_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bug = write(tmp_path / "src" / "bug.py", "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n")
    concise = ["--output-format", "concise", "--quiet"]
    assert run([*concise, "--no-cache", str(bug)]) == 1
    assert not (tmp_path / ".tradelint_cache").exists()  # the default folder, see conftest
    assert run([*concise, str(bug)]) == 1
    assert (tmp_path / ".tradelint_cache" / cache_module.CACHE_FILE).is_file()
    assert run([*concise, "--cache-dir", str(tmp_path / "elsewhere"), str(bug)]) == 1
    assert (tmp_path / "elsewhere" / cache_module.CACHE_FILE).is_file()
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[0] == out[1] == out[2]
    assert out[0].startswith(f"{bug}:5:5: TRD301")


def test_special_files_are_neither_hashed_nor_cached(tmp_path: Path) -> None:
    # Hashing a FIFO for the cache key would block forever; the engine reports it unread.
    os.mkfifo(tmp_path / "pipe.py")
    cache = tmp_path / "cache"
    configs = {tmp_path / "pipe.py": config_for(tmp_path / "pipe.py")}
    for _ in range(2):
        result = runner.check_files(configs, cache_dir=cache)
        assert (result.cached, result.checked) == (0, 1)
        assert [(f.code, f.message) for f in result.findings] == [
            ("TRD001", "not checked: a named pipe, not a regular file")
        ]


def test_jobs_default_is_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``--jobs``: one process per usable core for a run big enough to gain from them."""
    seen: list[int | None] = []
    monkeypatch.setattr(runner, "check_files", lambda configs, jobs, *a, **k: seen.append(jobs) or runner.RunResult())
    run(["--no-cache", str(FIXTURES)])
    run(["--no-cache", "--jobs", "auto", str(FIXTURES)])
    run(["--no-cache", "-j", "1", str(FIXTURES)])
    assert seen == [None, None, 1]
    monkeypatch.setattr(workers_module, "usable_cores", lambda: 6)
    assert workers_module.auto_jobs(workers_module.AUTO_JOBS_MIN_BYTES) == 6
    assert workers_module.auto_jobs(workers_module.AUTO_JOBS_MIN_BYTES - 1) == 1


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_files_as_they_are_checked(jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are counted while the check runs, not once it is over: at one job (each file as it
    is checked) and with workers (their shared count, read while the first batch is checked)."""
    monkeypatch.setattr(workers_module, "PROGRESS_POLL_SECONDS", 0)
    configs = configs_for(FIXTURES)
    items = [(i, f, c) for i, (f, c) in enumerate(configs.items())]
    yielded = 0
    ticks: list[tuple[int, int]] = []  # (files told, outcomes yielded by then)
    outcomes = workers_module._check(items, jobs, summarize=False, progress=lambda n: ticks.append((n, yielded)))
    for _ in outcomes:
        yielded += 1
    assert yielded == len(items)
    assert sum(n for n, _ in ticks) == len(items)
    before_any_outcome = [n for n, at in ticks if at == 0 and n]
    assert len(before_any_outcome) >= 2
    if jobs == 1:
        assert before_any_outcome == [1] * len(items)
