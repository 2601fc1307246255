"""Check a run's files, in this process or in ``--jobs N`` worker processes.

Batches balanced by size, which one each worker takes next, the checker each worker keeps, and
whether a run keeps every tree or bounds its memory (:func:`bounded_run`, shared with ``--fix``).
"""

from __future__ import annotations

import ast
import gc
import os
import traceback
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable, MutableMapping, Sequence

from tradelint.core import interrupts
from tradelint.core.config import Config
from tradelint.core.cores import usable_cores
from tradelint.core.finding import Finding
from tradelint.facts import context
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.project_files import plan_run
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.runner import demand
from tradelint.runner.dependencies import module_names
from tradelint.runner.engine import Checker, collector_paused, out_of_memory
from tradelint.runner.schedule import held_first

if TYPE_CHECKING:
    import concurrent.futures


Item = tuple[int, Path, Config]
# (item, findings or the traceback of an internal error, the scans its check noted, the summaries
# of the modules checked so far in this chunk: on its last outcome only)
Outcome = tuple[int, "list[Finding] | str", tuple[tuple[str, str], ...], dict[str, list[str]]]


# A worker's checker lives as long as the worker, so each first-party module is parsed once per
# process; it is made fresh for every run (a kept one would serve trees of files since edited).
_WORKER_CHECKER: Checker | None = None
# The run's batches, which of them are taken (shared by the workers), and this worker's place.
_WORKER_BATCHES: list[list[Item]] = []
_WORKER_TAKEN: Any = None
_WORKER_AT = 0
# The files checked by every worker so far (shared): the main process shows it as progress.
_WORKER_DONE: Any = None
# The items of the run that demand-driven checking checks for some rule families only (``demand.py``):
# none, for an item whose source is only parsed.
_WORKER_FAMILIES: dict[int, frozenset[str]] = {}


def _start_worker(
    parent: int, bounded: bool, summarize: bool, batches: list[list[Item]], taken: Any, joined: Any, jobs: int,
    done: Any, families: dict[int, frozenset[str]],
) -> None:
    global _WORKER_CHECKER, _WORKER_BATCHES, _WORKER_TAKEN, _WORKER_AT, _WORKER_DONE, _WORKER_FAMILIES
    interrupts.become_worker(parent)
    _WORKER_CHECKER = new_checker(bounded, summarize=summarize)
    _WORKER_BATCHES, _WORKER_TAKEN, _WORKER_DONE, _WORKER_FAMILIES = batches, taken, done, families
    with joined.get_lock():
        number = joined.value
        joined.value += 1
    _WORKER_AT = start_of(number, jobs, len(batches))


def start_of(worker: int, workers: int, batches: int) -> int:
    """The batch a worker starts from: the workers' starts spread evenly from the first batch to
    the last (two workers: one at each end)."""
    return round(min(worker, workers - 1) * (batches - 1) / max(workers - 1, 1))


def nearest_free(taken: Sequence[int], at: int) -> int:
    """The untaken batch nearest to ``at``, the earlier of two as near. There is one: a run
    submits one task per batch, and each task takes one."""
    return min((i for i in range(len(taken)) if not taken[i]), key=lambda i: (abs(i - at), i))


# A run whose trees, kept all, would take more than this many module budgets bounds its memory; a
# smaller one keeps every tree, which is faster: bounding frees each tree after its file, makes a
# young collection per file and parses again what it forgot (1.45x the CPU of keeping everything
# on 7 application packages, 20 MiB of source: 6.6 s against 9.6 s, for 309 MB instead of 691 MB
# of peak memory). With the default budget (2.25 MiB) the limit is 12 MiB of source-equivalent
# (below), as it was with the 4 and 3 MiB budgets of before.
# ``--fix`` follows the same decision (``fix/fixer.py``).
BOUNDED_RUN_FACTOR = 16 / 3


# What keeping a run's every tree costs is not its source bytes alone. Fitted on three runs that
# kept everything (CPython 3.13, peak RSS less the 30 MB of a bare start): 619 files and 9.2 MiB
# of application code, 310 MB; 12,500 generated files and 11.2 MiB, 850 MB; the 5,796-file, 89
# MiB corpus, 3.1 GB: about 30 bytes per byte of source (trees, indexes, texts) and 40 KB per
# file (its context and analyses, frozen with it, its summary, its entries in the project's
# tables), whatever its size: a file costs its size plus 1,333 bytes of source-equivalent. So a
# tree of many small generated modules is bounded (12,500 files: 28 MiB-equivalent, where its
# 11.2 MiB of source alone were under the limit and kept 880 MB), and so is any run over 9,450
# files, while the application packages above still keep everything (10 MiB-equivalent).
FILE_COST = 1333


def run_cost(source_bytes: int, files: int) -> int:
    """What keeping every tree of a run of ``files`` files and ``source_bytes`` bytes costs, in
    bytes of source-equivalent (the module budget's unit): about 30 bytes of memory each."""
    return source_bytes + FILE_COST * files


def bounded_run(source_bytes: int, files: int) -> bool:
    """Whether a run over ``files`` files of this much source in all bounds its memory."""
    budget = context.MODULE_BUDGET  # read at run time: benchmarks and tests set it
    return budget is not None and run_cost(source_bytes, files) > BOUNDED_RUN_FACTOR * budget


def new_checker(
    bounded: bool, overlay: MutableMapping[Path, str] | None = None, *, summarize: bool = False
) -> Checker:
    """A batch checker within the module budget, or one that keeps every tree (a small run);
    ``summarize``: one that writes down each checked file's names for the cache (a fifth of a
    check's CPU on application code: only a run with a cache pays it)."""
    kind = SummarizingProject if summarize else Project
    if bounded:
        return Checker(kind(overlay), batch=True)
    return Checker(kind(overlay, module_budget=None))


class SummarizingProject(Project):
    """A project that writes down the summary (:func:`module_names`) of every file it checks,
    from the tree and index the check builds anyway: the cache stores it per file."""

    def __init__(
        self, overlay: MutableMapping[Path, str] | None = None, *, module_budget: int | None | EllipsisType = ...
    ) -> None:
        super().__init__(overlay, module_budget=module_budget)
        self.cache_names: dict[str, list[str]] = {}

    def register(self, path: Path, tree: ast.Module, text: str | None = None) -> ModuleInfo:
        info = super().register(path, tree, text)
        key = str(info.path)
        if key not in self.cache_names:
            self.cache_names[key] = module_names(info)
        return info


def _check_in_worker(_: int) -> list[Outcome]:
    """Check one batch: the untaken one nearest to the last this worker took (see ``_check``)."""
    global _WORKER_AT
    assert _WORKER_CHECKER is not None
    taken = _WORKER_TAKEN
    with taken.get_lock():
        batch = nearest_free(taken, _WORKER_AT)
        taken[batch] = 1
    _WORKER_AT = batch
    return _check_chunk(_WORKER_CHECKER, _WORKER_BATCHES[batch], _count_done, _WORKER_FAMILIES)


def _count_done() -> None:
    done = _WORKER_DONE
    with done.get_lock():
        done.value += 1


def _check_chunk(
    checker: Checker,
    items: Sequence[Item],
    on_file: Callable[[], None],
    families: dict[int, frozenset[str]] | None = None,
) -> list[Outcome]:
    with collector_paused():
        return _check_items(checker, items, on_file, families or {})


def _parses(file: Path) -> bool:
    """An item no rule family can report in: whether it parses (else it is checked in full)."""
    try:
        return demand.parses(read_source_bytes(file), str(file))
    except (UnreadableFile, OSError):
        return False


def _check_items(
    checker: Checker, items: Sequence[Item], on_file: Callable[[], None], families: dict[int, frozenset[str]]
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    project = checker.project
    for i, file, config in held_first(items, lambda item: item[1], project):
        project.scans.clear()
        only = families.get(i)
        if only is not None and not only:
            if _parses(file):
                outcomes.append((i, [], (), {}))
                on_file()
                continue
            only = None  # the full check says what is wrong with it
        try:
            if only is None:
                outcome: list[Finding] | str = checker.check_path(file, config, display=str(file))
            else:
                outcome = checker.check_path(file, config, display=str(file), families=only)
        except MemoryError:
            project.release()
            outcome = [out_of_memory(str(file))]
        except Exception:  # a bug in tradelint must not cost the rest of the run
            outcome = traceback.format_exc()
        outcomes.append((i, outcome, tuple(sorted(project.scans)), {}))
        on_file()
        if not checker.batch:
            # Every tree stays alive for cross-module lookups. The collector is paused meanwhile;
            # freezing what exists also resets its count, so that the first collection once it is
            # back (output, pickling results in a worker) does not walk every tree (as mypy does).
            gc.freeze()
    # In the order given (``held_first`` may have checked in another).
    given = {item[0]: k for k, item in enumerate(items)}
    outcomes.sort(key=lambda outcome: given[outcome[0]])
    if outcomes and isinstance(project, SummarizingProject):
        i, outcome, scanned, _ = outcomes[-1]
        outcomes[-1] = (i, outcome, scanned, project.cache_names)
        project.cache_names = {}
    return outcomes


# ``--jobs auto`` (the default) starts workers for a run of at least this much source only: below
# it, starting them and parsing the first-party modules each imports costs more than it saves.
AUTO_JOBS_MIN_BYTES = 1 << 20


def auto_jobs(source_bytes: int) -> int:
    """The processes ``--jobs auto`` uses for a run of ``source_bytes`` of source."""
    return usable_cores() if source_bytes >= AUTO_JOBS_MIN_BYTES else 1


def _check(
    items: list[Item], jobs: int | None, summarize: bool = True, progress: Callable[[int], None] | None = None
) -> Generator[Outcome, None, None]:
    """The outcome of every item, in order; ``progress`` told of each file checked as it is."""
    if not items:
        return  # every result came from the cache: no checker, no rules loaded
    tick = progress or (lambda files: None)
    sizes = [file_size(path) for _, path, _ in items]
    total = sum(sizes)
    if jobs is None:
        jobs = auto_jobs(total)
    families: dict[int, frozenset[str]] = {}
    if demand.demand_enabled() and not summarize:
        needed = demand.families_needed([(path, config) for _, path, config in items])
        families = {item[0]: found for item, found in zip(items, needed) if found is not None}
    if jobs <= 1 or len(items) < 2 * jobs:
        try:
            checker = new_checker(bounded_run(total, len(items)), summarize=summarize)
            plan_run(checker.project, len(items))
            yield from _check_chunk(checker, items, lambda: tick(1), families)
        finally:
            gc.unfreeze()
        return
    # Contiguous batches in discovery order, balanced by size, each worker taking the untaken
    # batch nearest to the last it took, from a start of its own spread over the list (two
    # workers: one from each end, meeting where they meet). A worker thus checks one stretch of
    # the files, most of a package's modules stay with one worker, and it parses the first-party
    # modules they import once; and no worker waits while another has work left. Batches handed
    # out in turn instead (each worker checking every other stretch) had both workers parse most
    # of every package: 5 packages, 2 workers, 26 % more CPU than one process against 4 %.
    # Imported here: a run in one process (most runs) does not pay for them at start.
    import concurrent.futures
    import multiprocessing

    batches = [list(chunk) for chunk in _chunks(items, sizes, jobs * BATCHES_PER_WORKER)]
    methods = multiprocessing.get_all_start_methods()
    # Forked workers: each is a child of this process, so the kernel can kill it when we die.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    taken = context.Array("b", len(batches))
    joined = context.Value("i", 0)
    done = context.Value("l", 0)
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        # Each worker checks about its share.
        initargs=(
            os.getpid(), bounded_run(total // jobs, len(items) // jobs), summarize, batches, taken, joined, jobs, done,
            families,
        ),
    )
    try:
        with interrupts.blocked():  # workers start with the signals blocked: see interrupts.py
            futures = [pool.submit(_check_in_worker, chunk) for chunk in range(len(batches))]
        told = 0
        for future in futures:
            # Outcomes in order; meanwhile, the files the workers have checked, as they check them.
            while True:
                finished, _ = concurrent.futures.wait([future], timeout=PROGRESS_POLL_SECONDS)
                count = done.value
                tick(count - told)
                told = count
                if finished:
                    break
            yield from future.result()
    except BaseException:
        # ^C, SIGTERM, an error, or the consumer gone: kill the workers now. Leaving the ``with``
        # of an executor waits for every running chunk to finish, and orphans them on SIGTERM.
        _kill_workers(pool)
        raise
    pool.shutdown(wait=True)


def _kill_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass  # already gone
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.join(1)
        except (OSError, ValueError, AssertionError, AttributeError):
            pass


# How often the main process reads the workers' count of files checked, while it waits.
PROGRESS_POLL_SECONDS = 0.1


# Batches per worker: enough that the workers end together though bytes cost more in one package
# than in another, few enough that each is a stretch of a package.
BATCHES_PER_WORKER = 8


def _chunks(items: list[Item], sizes: list[int], count: int) -> Iterable[list[Item]]:
    target = max(sum(sizes) / count, 1)
    chunk: list[Item] = []
    total = 0
    for item, size in zip(items, sizes):
        chunk.append(item)
        total += size
        if total >= target:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
