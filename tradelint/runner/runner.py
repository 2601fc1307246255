"""Check many files: a content-hash cache in ``.tradelint_cache/`` and ``--jobs N`` processes.

The cache works like ruff's for a file's own content: its findings are reused when its content,
the effective configuration and tradelint itself are unchanged. Cross-module rules (a base class
in another file, a task wrapper defined elsewhere) make a result depend on other files too. What a
check read cannot be recorded as it runs (a memo filled while checking another file answers
without reading), so, as mypy does, a file's result is taken to depend on the transitive closure
of the first-party modules its imports resolve to:

- Each module has a *summary*, stored per file: the dotted names its analyses can look up (every
  import, ``from`` target and imported name; every attribute chain rooted in an imported or
  top-level name, for ``import pkg`` then ``pkg.sub.Cls``; every dotted string annotation of a
  function, a class body or the module rooted in an imported name; its own name), each
  with the file it resolves to from the module's import roots, or none, and the module's content
  hash. Every cross-module read (``Project.lookup``, ``find_module``, ``find_path``,
  ``module_at`` of a first-party file) asks for such a name, or for one that came out of a
  module that is itself in the closure (a base class's base, a re-export, a wrapper's callee).
- The dotted names in the file's configuration (``task-keeper``, resource types, rename owners,
  the names its rename packs know) are added to the summary of a checked file: ``task-keeper``
  is looked up from it.
- A result is reused only if no module of its closure changed: same content, same module name
  and roots, and every name still resolves to the same file (a created module that now answers an
  import counts as a change). Editing a leaf re-checks that file; editing a module re-checks it
  and the files that reach it through imports, nothing else.

Reads that follow no import are recorded by the check itself (``Project.note_scan``, called
whether a memo answers or not) and stored with the entry, with a digest of what they cover:

- ``tree``: the whole-project search for a dataclass field's uses (``analysis/field_uses.py``):
  the list of the project's modules and each one's content. A new file that adds a use, or any
  edit under that root, re-checks the entry.
- ``markers``: the project markers and ``pyproject.toml`` files in the module's folder and above
  it (the project's root, whether it is installable, its target Python).
- ``mentions NAME``: the modules of the project whose text names ``NAME``, and their content: the
  search for a task factory that keeps every task (``set_task_factory``), and for the owner that
  closes a class's resource through it (the class's name).
- ``folder``: a module's folder read for who imports whom (the module-level task keeper):
  its ``*.py`` files and their content, and the ``__init__.py`` files of it and three parents.

Installed packages (``library_classes.py``, the class makers' source) are read from outside the
project: the whole cache is dropped when the environment changes (the entries of ``sys.path`` and
the names, and for package metadata the times, of what they hold): an install, an upgrade or an
uninstall re-checks every file. A file of an installed package edited in place is not noticed.
Known limits, each needing a name that resolves differently from two places: a name that flows
from one module into another's analysis is taken to resolve the same from both modules' roots
(true for any name found under the shared package and configuration roots); a name that comes out
of an installed package's source and is then looked up as first-party is not tracked (it finds
nothing unless the project has a module of that library's name); a string annotation inside a
function body is not read for names. ``benchmarks/cache_soundness.py`` checks a tree for reads
outside the stored closure.

The folder is safe to delete at any time; an unreadable, corrupt or foreign cache is ignored with
one warning. The cache is JSON: reading it never constructs objects or runs code.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import errno
import gc
import hashlib
import json
import os
import re
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable, Iterator, MutableMapping, NoReturn, Sequence

from tradelint._version import __version__
from tradelint.core import interrupts
from tradelint.core.config import Config, non_empty_path
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Edit, Fix, Span
from tradelint.facts import context
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.project_files import PROJECT_MARKERS, files_naming, project_files
from tradelint.facts.syntax import resolve_relative
from tradelint.runner.engine import Checker, collector_paused

if TYPE_CHECKING:
    import concurrent.futures

CACHE_FORMAT = 4
CACHE_FILE = "cache.json"
CACHE_MAGIC = b"tradelint-cache"
# A cache is read whole; one larger than this is not a cache tradelint wrote for a sane tree.
MAX_CACHE_BYTES = 1 << 30
DEFAULT_CACHE_DIR = Path(".tradelint_cache")


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[tuple[Path, str]] = field(default_factory=list)  # (file, traceback) of internal errors
    cached: int = 0  # files answered from the cache
    checked: int = 0  # files checked


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=1, metavar="N",
        help="check in N processes ('auto': one per core); the output is the same for any N",
    )
    parser.add_argument(
        "--cache-dir", type=non_empty_path, default=DEFAULT_CACHE_DIR,
        help="where to keep results between runs (default: .tradelint_cache; safe to delete)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def _jobs(value: str) -> int:
    if value == "auto":
        return os.cpu_count() or 1
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes or 'auto', got '{value}'") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 process, got {jobs}")
    return jobs


def check_files(
    configs: dict[Path, Config],
    jobs: int = 1,
    cache_dir: Path | None = None,
    progress: Callable[[], None] | None = None,
) -> RunResult:
    """Findings for every file, in the order given, as one ``Checker`` would report them.

    ``progress`` is called once per file, as its result is known (from the cache or a check)."""
    tick = progress or (lambda: None)
    cache = Cache.load(cache_dir) if cache_dir is not None else None
    files = list(configs)
    per_file: list[list[Finding] | None] = [None] * len(files)
    keys: dict[int, str] = {}
    result = RunResult()
    if cache is not None:
        cache.prepare([os.path.abspath(file) for file in files])
        for i, file in enumerate(files):
            key = cache.key(file, configs[file])
            if key is None:
                continue
            keys[i] = key
            hit = cache.get(file, key)
            if hit is not None:
                per_file[i] = [dataclasses.replace(f, path=str(file)) for f in hit]
                result.cached += 1
                tick()
    todo = [i for i, found in enumerate(per_file) if found is None]
    result.checked = len(todo)
    items = [(i, files[i], configs[files[i]]) for i in todo]
    summaries: dict[str, list[str]] = {}
    scans: dict[int, tuple[tuple[str, str], ...]] = {}
    failed: set[int] = set()
    outcomes = _check(items, jobs, summarize=cache is not None)
    try:
        for i, outcome, scanned, summarized in outcomes:
            summaries.update(summarized)
            scans[i] = scanned
            if isinstance(outcome, str):
                result.errors.append((files[i], outcome))
                failed.add(i)
                per_file[i] = []
            else:
                per_file[i] = outcome
            tick()
    finally:
        outcomes.close()  # interrupted between two outcomes: the workers are killed now, not at exit
    if cache is not None:
        fresh = {
            files[i]: Fresh(keys[i], per_file[i] or [], scans.get(i, ()), configs[files[i]])
            for i in todo if i in keys and i not in failed
        }
        cache.update(fresh, summaries)
        cache.save()
    result.findings = [f for found in per_file for f in (found or [])]
    return result


def exit_now(code: int) -> NoReturn:
    """Exit without tearing the heap down object by object.

    A run keeps up to its module budget of trees for cross-module lookups (``Project``), all
    frozen; freeing them one by one at interpreter exit is work for nothing (when every tree was
    kept, 22 s of CPU after a 17 s check of the corpus). The operating system takes the memory
    back at once (as mypy does).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a closed or full stream: what could be said is lost, the exit status is not
    os._exit(code)


# --- checking, in this process or in workers --------------------------------------------------

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


def _start_worker(
    parent: int, bounded: bool, summarize: bool, batches: list[list[Item]], taken: Any, joined: Any, jobs: int
) -> None:
    global _WORKER_CHECKER, _WORKER_BATCHES, _WORKER_TAKEN, _WORKER_AT
    interrupts.become_worker(parent)
    _WORKER_CHECKER = new_checker(bounded, summarize=summarize)
    _WORKER_BATCHES, _WORKER_TAKEN = batches, taken
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
# of peak memory). With the default budget (4 MiB) the limit is 12 MiB of source-equivalent (below).
# ``--fix`` follows the same decision (``fix/fixer.py``).
BOUNDED_RUN_FACTOR = 3
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
    return _check_chunk(_WORKER_CHECKER, _WORKER_BATCHES[batch])


def _check_chunk(checker: Checker, items: Sequence[Item]) -> list[Outcome]:
    with collector_paused():
        return _check_items(checker, items)


def _check_items(checker: Checker, items: Sequence[Item]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    project = checker.project
    for i, file, config in items:
        project.scans.clear()
        try:
            outcome: list[Finding] | str = checker.check_path(file, config, display=str(file))
        except Exception:  # a bug in tradelint must not cost the rest of the run
            outcome = traceback.format_exc()
        outcomes.append((i, outcome, tuple(sorted(project.scans)), {}))
        if not checker.batch:
            # Every tree stays alive for cross-module lookups. The collector is paused meanwhile;
            # freezing what exists also resets its count, so that the first collection once it is
            # back (output, pickling results in a worker) does not walk every tree (as mypy does).
            gc.freeze()
    if outcomes and isinstance(project, SummarizingProject):
        i, outcome, scanned, _ = outcomes[-1]
        outcomes[-1] = (i, outcome, scanned, project.cache_names)
        project.cache_names = {}
    return outcomes


def _check(items: list[Item], jobs: int, summarize: bool = True) -> Generator[Outcome, None, None]:
    sizes = [file_size(path) for _, path, _ in items]
    total = sum(sizes)
    if jobs <= 1 or len(items) < 2 * jobs:
        try:
            yield from _check_chunk(new_checker(bounded_run(total, len(items)), summarize=summarize), items)
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
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        # Each worker checks about its share.
        initargs=(os.getpid(), bounded_run(total // jobs, len(items) // jobs), summarize, batches, taken, joined, jobs),
    )
    chunks = range(len(batches))
    try:
        with interrupts.blocked():  # workers start with the signals blocked: see interrupts.py
            results = pool.map(_check_in_worker, chunks)
        for outcomes in results:
            yield from outcomes
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


# --- the cache ----------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tool_fingerprint() -> str:
    """tradelint's version, its own source and data (rename packs), and the Python version: any
    change empties the cache."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{CACHE_FORMAT} {__version__} {sys.version_info[:2]}".encode())
    for source in sorted([*package.rglob("*.py"), *package.rglob("*.toml")]):
        h.update(source.relative_to(package).as_posix().encode())
        h.update(source.read_bytes())
    return h.hexdigest()


# What the installed packages' names and versions show: a name without a dot is a folder (a
# package) or a file without a suffix; metadata folders name the version, their time changes on
# a reinstall.
_MODULE_SUFFIXES = (".py", ".pyi", ".so", ".pyd", ".pth", ".egg-link", ".zip", ".egg")
_METADATA_SUFFIXES = (".dist-info", ".egg-info", ".pth", ".egg-link", "-stubs")


def _environment() -> str:
    """The installed packages, as ``sys.path`` shows them: what ``library_classes`` and the class
    makers read from outside the project. Hidden names and plain files are left out, so that the
    cache folder or a new data file in the current folder changes nothing."""
    h = hashlib.sha256()
    for entry in sys.path:
        h.update(repr(entry).encode("utf-8", "surrogateescape"))
        folder = entry or "."
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name.startswith(".") or name == "__pycache__":
                continue
            if "." in name and not name.endswith(_MODULE_SUFFIXES + _METADATA_SUFFIXES):
                continue
            h.update(name.encode("utf-8", "surrogateescape") + b"\0")
            if name.endswith(_METADATA_SUFFIXES):
                try:
                    h.update(str(os.stat(os.path.join(folder, name)).st_mtime_ns).encode())
                except OSError:
                    pass
    return h.hexdigest()


# --- summaries: what a module's analyses can look up in other modules ------------------------------

_DOTTED = re.compile(r"[^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)+")


def _string_annotations(info: ModuleInfo) -> Iterator[str]:
    """The dotted strings in the annotations of functions, of class bodies and at module level
    (``x: "pkg.sub.Cls"``, ``-> Optional["pkg.Cls"]``): the analyses parse them as expressions.
    Found from the index (a walk of every statement cost as much as the rest of the summary)."""
    annotations: list[ast.expr | None] = []
    for function in info.index.functions:
        args = function.args
        annotations.append(function.returns)
        annotations.extend(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        annotations.extend(a.annotation for a in (args.vararg, args.kwarg) if a is not None)
    for body in (info.tree.body, *(cls.body for cls in info.index.classes)):
        annotations.extend(stmt.annotation for stmt in body if isinstance(stmt, ast.AnnAssign))
    for annotation in annotations:
        if annotation is None or isinstance(annotation, ast.Name):
            continue
        for part in ast.walk(annotation):
            if isinstance(part, ast.Constant) and isinstance(part.value, str) and "." in part.value:
                yield part.value


def module_names(info: ModuleInfo) -> list[str]:
    """The dotted names the analyses of ``info`` can ask the project for, every prefix included
    (``pkg.sub.Cls`` may be a class of ``pkg.sub`` or a module): its imports, the names they
    bind, every attribute chain rooted in an imported or top-level name (``import pkg`` then
    ``pkg.sub.Cls``), every dotted string annotation (of a function, a class body or the module)
    rooted in an imported name, and its own name. Plain data, stored by the cache per file."""
    found: set[str] = set()
    for node, _ in info.index.imports:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = resolve_relative(node.module, node.level, info.module_name, info.is_package)
        if base is None:
            continue
        if base:
            found.add(base)
        found.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names if alias.name != "*")
    imported = info.imports.names
    bound = dict(imported)
    own = info.module_name or ""
    if own:
        for name in info.top_level:
            bound.setdefault(name, f"{own}.{name}")
    if bound:
        parents = info.index.parents
        for attribute in info.index.attributes:
            value = attribute.value
            if value.__class__ is not ast.Name or value.id not in bound:
                continue
            parts = [bound[value.id], attribute.attr]
            inner: ast.AST = attribute
            parent = parents.get(inner)
            while isinstance(parent, ast.Attribute) and parent.value is inner:
                parts.append(parent.attr)
                inner, parent = parent, parents.get(parent)
            found.add(".".join(parts))
    for annotation in _string_annotations(info):
        for chain in _DOTTED.findall(annotation):
            root, _, rest = chain.partition(".")
            if root in imported:
                found.add(f"{imported[root]}.{rest}")
    # Its own name (a top-level name is looked up as ``pkg.mod.name``), not its package's: that
    # is a dependency only when imported (``from . import x``).
    mine = {name for name in found if name.startswith(own + ".")} if own else set()
    names = _with_prefixes(found - mine)
    if own:
        names.add(own)
        names.update(own + "." + rest for rest in _with_prefixes(name[len(own) + 1:] for name in mine))
    return sorted(names)


def _with_prefixes(names: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def config_names(config: Config) -> set[str]:
    """Every dotted name in a configuration (``task-keeper``, resource types, rename owners, the
    owners and attribute types of its rename packs): some are looked up as first-party
    definitions from the checked file."""
    found: set[str] = set()
    stack: list[object] = [config]
    if config.rename_packs:
        from tradelint.core.rename_packs import PackError, pack_facts

        try:
            stack.append(pack_facts(config.rename_packs))
        except PackError:
            pass  # reported by the engine; no names from it
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            parts = value.split(".")
            if len(parts) > 1 and all(part.isidentifier() for part in parts):
                found.add(value)
        elif isinstance(value, (tuple, list, set, frozenset)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(getattr(value, f.name) for f in dataclasses.fields(value))
    return _with_prefixes(found)


@dataclass
class Entry:
    key: str
    findings: tuple[Finding, ...]
    # What the check read besides imports, and a digest of what that covered: (kind, folder, digest).
    scans: tuple[tuple[str, str, str], ...] = ()


@dataclass
class Node:
    """A module's summary as stored: its content hash, where it sits, and each name it can look
    up with the file that name resolved to (None: no first-party module)."""

    content: str | None
    module_name: str | None
    roots: tuple[str, ...]
    names: tuple[tuple[str, str | None], ...]

    def targets(self) -> Iterable[str]:
        return (found for _, found in self.names if found is not None)


@dataclass
class Fresh:
    """A result just computed, for the cache."""

    key: str
    findings: list[Finding]
    scans: tuple[tuple[str, str], ...]
    config: Config


class CacheIgnored(Exception):
    """Why a cache file is not used, worded for the one warning a run may print."""


def _finding_data(finding: Finding) -> list[Any]:
    fix = finding.fix
    fix_data = None
    if fix is not None:
        fix_data = [
            fix.title,
            fix.safety,
            [[e.kind, e.path, [e.span.line, e.span.col, e.span.end_line, e.span.end_col], [list(p) for p in e.params]]
             for e in fix.edits],
        ]
    return [
        finding.line, finding.column, finding.code, finding.message, finding.end_line, finding.end_column, fix_data,
        finding.help,
    ]


def _expect(condition: bool) -> None:
    if not condition:
        raise CacheIgnored("unexpected content")


def _str(value: Any) -> str:
    _expect(isinstance(value, str))
    return str(value)


def _int(value: Any) -> int:
    _expect(type(value) is int)
    return int(value)


def _list(value: Any, length: int | None = None) -> list[Any]:
    _expect(isinstance(value, list) and (length is None or len(value) == length))
    return list(value)


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _finding_from(data: Any) -> Finding:
    line, column, code, message, end_line, end_column, fix_data, help = _list(data, 8)
    fix = None
    if fix_data is not None:
        title, safety, edits = _list(fix_data, 3)
        _expect(safety in ("safe", "unsafe"))
        parsed: list[Edit] = []
        for edit in _list(edits):
            kind, path, span, params = _list(edit, 4)
            l1, c1, l2, c2 = (_int(v) for v in _list(span, 4))
            pairs = tuple((_str(k), _str(v)) for k, v in (_list(p, 2) for p in _list(params)))
            parsed.append(Edit(_str(kind), _str(path), Span(l1, c1, l2, c2), pairs))
        fix = Fix(_str(title), "safe" if safety == "safe" else "unsafe", tuple(parsed))
    return Finding(
        "", _int(line), _int(column), _str(code), _str(message), _int(end_line), _int(end_column), fix,
        _optional_str(help),
    )


def _entry_from(data: Any) -> Entry:
    key, scans, findings = _list(data, 3)
    return Entry(
        _str(key),
        tuple(_finding_from(f) for f in _list(findings)),
        tuple((_str(kind), _str(folder), _str(digest)) for kind, folder, digest in (_list(x, 3) for x in _list(scans))),
    )


def _nodes_from(data: Any, roots: list[tuple[str, ...]]) -> dict[str, Node]:
    """``[[path, content, module name, roots index, [missing name, ...], [[name, module index], ...]], ...]``"""
    rows = [_list(row, 6) for row in _list(data)]
    paths = [_str(row[0]) for row in rows]
    nodes: dict[str, Node] = {}
    for path, (_, content, module_name, roots_index, missing, found) in zip(paths, rows):
        index = _int(roots_index)
        _expect(0 <= index < len(roots))
        names: list[tuple[str, str | None]] = [(_str(name), None) for name in _list(missing)]
        for name, target in (_list(pair, 2) for pair in _list(found)):
            at = _int(target)
            _expect(0 <= at < len(paths))
            names.append((_str(name), paths[at]))
        nodes[path] = Node(_optional_str(content), _optional_str(module_name), roots[index], tuple(sorted(names)))
    return nodes


def _read_cache_bytes(path: Path) -> bytes | None:
    """The cache file's bytes; None when there is none. A folder, FIFO or device is refused
    without blocking, as source files are."""
    try:
        return read_source_bytes(path, limit=MAX_CACHE_BYTES)
    except UnreadableFile as exc:
        if not os.path.lexists(path):
            return None
        raise CacheIgnored(str(exc)) from None


class Cache:
    """Findings per file, and each module's summary, stored as data only (JSON): loading it can
    never construct an object or run code, whatever a pull request puts in the folder. The file
    starts with a header line naming the format version and the SHA-256 of the rest; a file that
    does not match it exactly, or whose content is not the expected shape, is ignored whole."""

    def __init__(self, folder: Path, fingerprint: str, warn: Callable[[str], None] | None = None) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.environment = _environment()
        self.entries: dict[str, Entry] = {}
        self.modules: dict[str, Node] = {}
        self._hashes: dict[str, str | None] = {}
        self._holds: dict[str, bool] = {}  # per module: its stored summary is still true
        self._scans: dict[tuple[str, str], str] = {}
        self._found: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._listings: dict[str, set[str]] = {}
        self._reached: set[str] = set()
        self._dirty: set[str] = set()
        self._resolver = Project()
        self._warn = warn or _warn_on_stderr
        self._warned = False

    def warn(self, message: str) -> None:
        """At most one warning per run: a broken cache is a shortcut lost, not a problem to repeat."""
        if not self._warned:
            self._warned = True
            self._warn(f"tradelint: warning: cache {self.folder / CACHE_FILE}: {message}; not used")

    @classmethod
    def load(cls, folder: Path, warn: Callable[[str], None] | None = None) -> Cache:
        cache = cls(folder, _tool_fingerprint(), warn)
        try:
            raw = _read_cache_bytes(folder / CACHE_FILE)
            if raw is not None:
                cache._decode(raw)
        except CacheIgnored as exc:
            cache.entries, cache.modules = {}, {}
            cache.warn(str(exc))
        except (ValueError, TypeError, KeyError, AttributeError):  # any other shape: never trusted
            cache.entries, cache.modules = {}, {}
            cache.warn("unexpected content")
        return cache

    def _decode(self, raw: bytes) -> None:
        header, newline, payload = raw.partition(b"\n")
        parts = header.split(b" ")
        if not newline or len(parts) != 3 or parts[0] != CACHE_MAGIC:
            raise CacheIgnored("not a tradelint cache")
        if parts[1] != str(CACHE_FORMAT).encode():
            return  # another version of tradelint wrote it: silently rebuilt
        if parts[2] != _digest(payload).encode():
            raise CacheIgnored("corrupt (checksum mismatch)")
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise CacheIgnored("corrupt (not JSON)") from None
        _expect(isinstance(data, dict) and set(data) == {"fingerprint", "environment", "roots", "modules", "entries"})
        if data["fingerprint"] != self.fingerprint:
            return  # written by another build of tradelint or another Python
        entries = data["entries"]
        _expect(isinstance(entries, dict))
        roots = [tuple(_str(r) for r in _list(rs)) for rs in _list(data["roots"])]
        self.modules = _nodes_from(data["modules"], roots)
        if data["environment"] != self.environment:
            return  # a package was installed, upgraded or removed: every result is checked again
        self.entries = {_str(path): _entry_from(entry) for path, entry in entries.items()}

    def _encode(self) -> bytes:
        paths = sorted(self.modules)
        at = {path: i for i, path in enumerate(paths)}
        roots: dict[tuple[str, ...], int] = {}
        modules = []
        for path in paths:
            node = self.modules[path]
            modules.append([
                path, node.content, node.module_name, roots.setdefault(node.roots, len(roots)),
                [name for name, found in node.names if found is None],
                [[name, at[found]] for name, found in node.names if found is not None],
            ])
        payload = json.dumps(
            {
                "fingerprint": self.fingerprint,
                "environment": self.environment,
                "roots": [list(r) for r in roots],
                "modules": modules,
                "entries": {
                    path: [e.key, [list(s) for s in e.scans], [_finding_data(f) for f in e.findings]]
                    for path, e in self.entries.items()
                },
            },
            separators=(",", ":"),
            # ASCII with escapes: an undecodable file name (a lone surrogate) round-trips exactly.
            ensure_ascii=True,
        ).encode("ascii")
        return b" ".join([CACHE_MAGIC, str(CACHE_FORMAT).encode(), _digest(payload).encode()]) + b"\n" + payload

    def content_hash(self, path: str) -> str | None:
        if path not in self._hashes:
            try:
                # The engine's reader: a FIFO or /dev/zero must not block or never end the run here.
                self._hashes[path] = _digest(read_source_bytes(Path(path)))
            except (OSError, UnreadableFile):
                self._hashes[path] = None
        return self._hashes[path]

    def key(self, file: Path, config: Config) -> str | None:
        """What the file's own result depends on: content, configuration, where it sits in its package."""
        absolute = os.path.abspath(file)
        content = self.content_hash(absolute)
        if content is None:
            return None  # unreadable: check it, and report why
        module_name, roots = self._resolver.locate(Path(absolute))
        return _digest(repr((content, config, module_name, roots)).encode("utf-8", "surrogateescape"))

    # -- which stored results still hold --------------------------------------------------------

    def prepare(self, files: Iterable[str]) -> None:
        """Find, for the files of this run, which stored results depend on a module that changed.

        The modules their closures reach (as stored) are each checked once: same content, same
        place, every name resolving to the same file. A module that changed makes every module
        that reaches it through stored imports dirty (one backward walk), so the cost is one
        look at each module, not one per file and module."""
        reached: set[str] = set()
        stack = [path for path in files if path in self.modules]
        while stack:
            path = stack.pop()
            if path not in reached:
                reached.add(path)
                stack.extend(t for t in self.modules[path].targets() if t not in reached)
        importers: dict[str, list[str]] = {}
        for path in reached:
            for target in self.modules[path].targets():
                importers.setdefault(target, []).append(path)
        stack = [path for path in reached if not self._still_holds(path)]
        dirty = set(stack)
        while stack:
            for importer in importers.get(stack.pop(), ()):
                if importer not in dirty:
                    dirty.add(importer)
                    stack.append(importer)
        self._reached, self._dirty = reached, dirty

    def _still_holds(self, path: str) -> bool:
        if path not in self._holds:
            self._holds[path] = self._check_node(path)
        return self._holds[path]

    def _check_node(self, path: str) -> bool:
        node = self.modules.get(path)
        if node is None or self.content_hash(path) != node.content:
            return False
        module_name, roots = self._resolver.locate(Path(path))
        if module_name != node.module_name or tuple(str(r) for r in roots) != node.roots:
            return False
        return all(self._find(name, node.roots) == found for name, found in node.names)

    def _find(self, dotted: str, roots: tuple[str, ...]) -> str | None:
        """``Project.find_path`` in strings: the same candidates in the same order (``root/a/b.py``
        then ``root/a/b/__init__.py``, root by root), each looked for in its folder's listing
        first, so that a name that is no module there (most: the standard library, installed
        packages) costs no ``stat``."""
        key = (dotted, roots)
        if key in self._found:
            return self._found[key]
        found: str | None = None
        parts = dotted.split(".")
        for root in roots:
            folder = root
            for part in parts[:-1]:
                if part.casefold() not in self._listing(folder):
                    break
                folder = os.path.join(folder, part)
            else:
                if parts[-1].casefold() in self._listing(folder):
                    for candidate in (os.path.join(folder, parts[-1] + ".py"), os.path.join(folder, parts[-1], "__init__.py")):
                        if os.path.isfile(candidate):
                            found = candidate
                            break
            if found is not None:
                break
        self._found[key] = found
        return found

    def _listing(self, folder: str) -> set[str]:
        """The names in ``folder`` less a ``.py`` suffix, case-folded: a name not here is no
        module there, on a case-insensitive file system too."""
        if folder not in self._listings:
            try:
                names = os.listdir(folder)
            except OSError:
                names = []
            self._listings[folder] = {(n[:-3] if n.endswith(".py") else n).casefold() for n in names}
        return self._listings[folder]

    def get(self, file: Path, key: str) -> tuple[Finding, ...] | None:
        path = os.path.abspath(file)
        entry = self.entries.get(path)
        if entry is None or entry.key != key or path not in self._reached or path in self._dirty:
            return None
        if any(self._scan_digest(kind, folder) != digest for kind, folder, digest in entry.scans):
            return None
        return entry.findings

    def _scan_digest(self, kind: str, folder: str) -> str:
        """A digest of what a scan covered (see the module's docstring), as it is now."""
        if (kind, folder) in self._scans:
            return self._scans[kind, folder]
        h = hashlib.sha256(kind.encode())
        parts: list[object] = []
        base = Path(folder)
        if kind == "tree":
            files = project_files(self._resolver, base)
            parts = [None] if files is None else [(str(f), self.content_hash(str(f))) for f in files]
        elif kind == "markers":
            for above in (base, *base.parents):
                for marker in PROJECT_MARKERS:
                    candidate = above / marker
                    if os.path.isfile(candidate):
                        parts.append((str(candidate), self.content_hash(str(candidate))))
                    elif os.path.lexists(candidate):
                        parts.append((str(candidate), "present"))
        elif kind.startswith("mentions "):
            # The project's modules whose text names something (``set_task_factory``, a class): a
            # scan that parses only those depends on which they are and what they say.
            if project_files(self._resolver, base) is None:
                parts = [None]
            else:
                parts = [
                    (str(f), self.content_hash(str(f)))
                    for f, _ in files_naming(self._resolver, base, kind.partition(" ")[2])
                ]
        elif kind == "folder":
            parts = [(str(f), self.content_hash(str(f))) for f in sorted(base.glob("*.py"))]
            parts += [(str(above), os.path.exists(above / "__init__.py")) for above in (base, *list(base.parents)[:3])]
        else:
            parts = [os.urandom(16)]  # a kind this build does not know: never the same twice
        h.update(repr(parts).encode("utf-8", "surrogateescape"))
        self._scans[kind, folder] = h.hexdigest()
        return self._scans[kind, folder]

    # -- storing new results ---------------------------------------------------------------------

    def update(self, fresh: dict[Path, Fresh], summaries: dict[str, list[str]]) -> None:
        """Store the new results, a summary for every module their closures reach that has no
        summary still true, and drop what no longer holds."""
        before = dict(self.modules)
        rebuilt: set[str] = set()
        pending: list[str] = []
        for file, result in fresh.items():
            path = os.path.abspath(file)
            names = summaries.get(path)
            if names is None:
                names = self._summarize(path)
            self.modules[path] = self._node(path, {*names, *config_names(result.config)})
            rebuilt.add(path)
            pending.append(path)
            stored = tuple(dataclasses.replace(f, path="") for f in result.findings)
            scans = tuple((kind, folder, self._scan_digest(kind, folder)) for kind, folder in result.scans)
            self.entries[path] = Entry(result.key, stored, scans)
        seen: set[str] = set()
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            for target in self.modules[path].targets():
                if target not in rebuilt and not (target in self.modules and self._still_holds(target)):
                    names = summaries.get(target)
                    self.modules[target] = self._node(target, names if names is not None else self._summarize(target))
                    rebuilt.add(target)
                pending.append(target)
        # A result not checked in this run that reached (as stored) a module summarized anew was
        # computed from what that module was before: it goes.
        importers: dict[str, list[str]] = {}
        for path, node in before.items():
            for target in node.targets():
                importers.setdefault(target, []).append(path)
        stale = set()
        stack = [path for path in rebuilt if path in before and before[path] != self.modules[path]]
        while stack:
            path = stack.pop()
            if path not in stale:
                stale.add(path)
                stack.extend(importers.get(path, ()))
        keep = {os.path.abspath(file) for file in fresh}
        self.entries = {
            path: entry for path, entry in self.entries.items()
            if (path in keep or (path in before and path not in stale)) and os.path.exists(path)
        }
        reached: set[str] = set()
        stack = list(self.entries)
        while stack:
            path = stack.pop()
            if path not in reached and path in self.modules:
                reached.add(path)
                stack.extend(self.modules[path].targets())
        self.modules = {path: node for path, node in self.modules.items() if path in reached}

    def _summarize(self, path: str) -> list[str]:
        """The summary of a module this run did not check (outside the given paths, or whose
        check failed): parsed here."""
        info = self._resolver.module_at(Path(path))
        return module_names(info) if info is not None else []

    def _node(self, path: str, names: Iterable[str]) -> Node:
        module_name, roots = self._resolver.locate(Path(path))
        strings = tuple(str(r) for r in roots)
        resolved = tuple((name, self._find(name, strings)) for name in sorted(set(names)))
        return Node(self.content_hash(path), module_name, strings, resolved)

    def save(self) -> None:
        """Write the cache atomically; a folder that cannot take it costs one warning, no temp file.

        The ``.gitignore`` that keeps the cache out of git goes only into a folder this call
        created: ``--cache-dir src`` must not hide the sources from git."""
        try:
            created = _make_folder(self.folder)
            if created:
                _write_new(self.folder / ".gitignore", b"# Created by tradelint; safe to delete.\n*\n")
            data = self._encode()
            with interrupts.deferred():  # a signal cannot land between creating the file and owning it
                fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{CACHE_FILE}.", suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                    # A rename replaces a link or a FIFO itself and never writes through it; a
                    # concurrent run sees the old cache or the new one.
                    os.replace(tmp, self.folder / CACHE_FILE)
                except BaseException:
                    _unlink_quietly(tmp)
                    raise
        except (OSError, UnicodeEncodeError) as exc:
            # A read-only checkout still gets its findings.
            self.warn(f"cannot be written ({getattr(exc, 'strerror', None) or exc})")


def _make_folder(folder: Path) -> bool:
    """Create ``folder`` (and its parents); True when this call created the folder itself."""
    if folder.parent != folder:
        os.makedirs(folder.parent, exist_ok=True)
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder") from None
        return False
    return True


def _write_new(path: Path, data: bytes) -> None:
    # O_EXCL | O_NOFOLLOW: never through a link planted in the folder, never over an existing file.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _warn_on_stderr(message: str) -> None:
    try:
        print(message, file=sys.stderr)
    except (OSError, ValueError):
        pass  # stderr closed: the warning is lost, the run is not
