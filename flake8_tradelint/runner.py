"""Check many files: a content-hash cache in ``.tradelint_cache/`` and ``--jobs N`` processes.

The cache works like ruff's: a file's findings are reused when its content, the effective
configuration and tradelint itself are unchanged. Cross-module rules (a base class in another
file, a task wrapper defined elsewhere) make a result depend on other files too, so each entry
also records every first-party module name its check looked for, under which import roots, the
file that name resolved to (or none) and that file's content hash. The entry is reused only if
each of those names still resolves to the same file with the same content: editing a base class,
or creating a module that was missing, re-checks the files that read it.

The folder is safe to delete at any time; an unreadable or foreign cache is ignored.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import gc
import hashlib
import os
import pickle
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NoReturn, Sequence

from flake8_tradelint import __version__
from flake8_tradelint.config import Config
from flake8_tradelint.context import Project
from flake8_tradelint.engine import Checker, collector_paused
from flake8_tradelint.files import UnreadableFile, read_source_bytes
from flake8_tradelint.finding import Finding

CACHE_FORMAT = 1
CACHE_FILE = "cache.pickle"
DEFAULT_CACHE_DIR = Path(".tradelint_cache")

# (module name, import roots, file found or None, content hash of that file or None)
Resolution = tuple[str, tuple[str, ...], str | None, str | None]


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
        "--cache-dir", type=Path, default=DEFAULT_CACHE_DIR,
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
    project = Project()
    files = list(configs)
    per_file: list[list[Finding] | None] = [None] * len(files)
    keys: dict[int, str] = {}
    result = RunResult()
    if cache is not None:
        for i, file in enumerate(files):
            key = cache.key(file, configs[file], project)
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
    resolutions: dict[tuple[str, tuple[Path, ...]], Path | None] = {}
    failed: set[int] = set()
    for i, outcome, seen in _check(items, jobs):
        resolutions.update(seen)
        if isinstance(outcome, str):
            result.errors.append((files[i], outcome))
            failed.add(i)
            per_file[i] = []
        else:
            per_file[i] = outcome
        tick()
    if cache is not None:
        fresh = {files[i]: (keys[i], per_file[i] or []) for i in todo if i in keys and i not in failed}
        cache.update(fresh, resolutions, project)
        cache.save()
    result.findings = [f for found in per_file for f in (found or [])]
    return result


def exit_now(code: int) -> NoReturn:
    """Exit without tearing the heap down object by object.

    A run keeps every module's tree for cross-module lookups; freeing those millions of objects
    one by one at interpreter exit took longer than the check itself (22 s of CPU after a 17 s
    check of the corpus). The operating system takes the memory back at once (as mypy does).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


# --- checking, in this process or in workers --------------------------------------------------

Item = tuple[int, Path, Config]
Outcome = tuple[int, "list[Finding] | str", dict[tuple[str, tuple[Path, ...]], Path | None]]

# A worker's checker lives as long as the worker, so each first-party module is parsed once per
# process; it is made fresh for every run (a kept one would serve trees of files since edited).
_WORKER_CHECKER: Checker | None = None


def _start_worker() -> None:
    global _WORKER_CHECKER
    _WORKER_CHECKER = Checker()


def _check_in_worker(items: Sequence[Item]) -> list[Outcome]:
    assert _WORKER_CHECKER is not None
    return _check_chunk(_WORKER_CHECKER, items)


def _check_chunk(checker: Checker, items: Sequence[Item]) -> list[Outcome]:
    with collector_paused():
        return _check_items(checker, items)


def _check_items(checker: Checker, items: Sequence[Item]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for i, file, config in items:
        try:
            outcome: list[Finding] | str = checker.check_path(file, config, display=str(file))
        except Exception:  # a bug in tradelint must not cost the rest of the run
            outcome = traceback.format_exc()
        outcomes.append((i, outcome, {}))
        # Every tree stays alive for cross-module lookups. The collector is paused meanwhile;
        # freezing what exists also resets its count, so that the first collection once it is
        # back (output, pickling results in a worker) does not walk every tree (as mypy does).
        gc.freeze()
    if outcomes:
        i, outcome, _ = outcomes[-1]
        outcomes[-1] = (i, outcome, checker.project.resolutions())
    return outcomes


def _check(items: list[Item], jobs: int) -> Iterator[Outcome]:
    if jobs <= 1 or len(items) < 2 * jobs:
        try:
            yield from _check_chunk(Checker(), items)
        finally:
            gc.unfreeze()
        return
    # Two contiguous chunks per worker, balanced by size, in discovery order: a package's modules
    # mostly stay with one worker, which parses the first-party modules they import once. Many
    # small chunks balance better but have every worker parse most of every package (5 packages,
    # 2 workers: 39 % more CPU than one process with 16 chunks, 16 % with 2); one chunk per worker
    # leaves a worker idle when per-byte costs differ (the corpus, 2 workers: wall 0.68x of one
    # process with 2 chunks, 0.52x with 4, 0.63x with 8).
    chunks = [list(chunk) for chunk in _chunks(items, jobs * 2)]
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker) as pool:
        for outcomes in pool.map(_check_in_worker, chunks):
            yield from outcomes


def _chunks(items: list[Item], count: int) -> Iterable[list[Item]]:
    sizes = [_size(path) for _, path, _ in items]
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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# --- the cache ----------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tool_fingerprint() -> str:
    """tradelint's version, its own source and the Python version: any change empties the cache."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{CACHE_FORMAT} {__version__} {sys.version_info[:2]}".encode())
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode())
        h.update(source.read_bytes())
    return h.hexdigest()


@dataclass
class Entry:
    key: str
    findings: tuple[Finding, ...]
    reads: str  # the id of the group of resolutions this result depended on


class Cache:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.entries: dict[str, Entry] = {}
        self.groups: dict[str, tuple[Resolution, ...]] = {}
        self._hashes: dict[str, str | None] = {}
        self._valid_groups: dict[str, bool] = {}
        self._resolver = Project()

    @classmethod
    def load(cls, folder: Path) -> Cache:
        cache = cls(folder, _tool_fingerprint())
        try:
            with open(folder / CACHE_FILE, "rb") as fh:
                data: Any = pickle.load(fh)
            if data["fingerprint"] == cache.fingerprint:
                cache.entries = data["entries"]
                cache.groups = data["groups"]
        except Exception:  # missing, truncated, foreign: a cache is only ever a shortcut
            pass
        return cache

    def content_hash(self, path: str) -> str | None:
        if path not in self._hashes:
            try:
                # The engine's reader: a FIFO or /dev/zero must not block or never end the run here.
                self._hashes[path] = _digest(read_source_bytes(Path(path)))
            except (OSError, UnreadableFile):
                self._hashes[path] = None
        return self._hashes[path]

    def key(self, file: Path, config: Config, project: Project) -> str | None:
        """What the file's own result depends on: content, configuration, where it sits in its package."""
        absolute = os.path.abspath(file)
        content = self.content_hash(absolute)
        if content is None:
            return None  # unreadable: check it, and report why
        module_name, roots = project.locate(Path(absolute))
        return _digest(repr((content, config, module_name, roots)).encode())

    def get(self, file: Path, key: str) -> tuple[Finding, ...] | None:
        entry = self.entries.get(os.path.abspath(file))
        if entry is None or entry.key != key or not self._group_holds(entry.reads):
            return None
        return entry.findings

    def _group_holds(self, group: str) -> bool:
        if group not in self._valid_groups:
            resolutions = self.groups.get(group)
            self._valid_groups[group] = resolutions is not None and all(
                self._holds(resolution) for resolution in resolutions
            )
        return self._valid_groups[group]

    def _holds(self, resolution: Resolution) -> bool:
        dotted, roots, path, content = resolution
        found = self._resolver.find_path(dotted, tuple(Path(r) for r in roots))
        if (str(found) if found is not None else None) != path:
            return False
        return path is None or self.content_hash(path) == content

    def update(
        self,
        fresh: dict[Path, tuple[str, list[Finding]]],
        seen: dict[tuple[str, tuple[Path, ...]], Path | None],
        project: Project,
    ) -> None:
        """Store the new results; each depends on what was looked up from its folder's roots, and on."""
        by_roots: dict[tuple[Path, ...], list[tuple[str, Path | None]]] = {}
        for (dotted, roots), found in seen.items():
            by_roots.setdefault(roots, []).append((dotted, found))
        closures: dict[tuple[Path, ...], str] = {}
        for file, (key, findings) in fresh.items():
            roots = project.locate(Path(os.path.abspath(file)))[1]
            if roots not in closures:
                closures[roots] = self._group(self._closure(roots, by_roots, project), by_roots)
            stored = tuple(dataclasses.replace(f, path="") for f in findings)
            self.entries[os.path.abspath(file)] = Entry(key, stored, closures[roots])
        self.entries = {path: entry for path, entry in self.entries.items() if os.path.exists(path)}
        live = {entry.reads for entry in self.entries.values()}
        self.groups = {k: v for k, v in self.groups.items() if k in live}

    @staticmethod
    def _closure(
        start: tuple[Path, ...],
        by_roots: dict[tuple[Path, ...], list[tuple[str, Path | None]]],
        project: Project,
    ) -> list[tuple[Path, ...]]:
        # A module found from these roots resolves its own names from its own roots: follow them.
        reached = [start]
        seen = {start}
        for roots in reached:
            for _, found in by_roots.get(roots, ()):
                if found is not None:
                    their = project.locate(found)[1]
                    if their not in seen:
                        seen.add(their)
                        reached.append(their)
        return reached

    def _group(
        self,
        closure: list[tuple[Path, ...]],
        by_roots: dict[tuple[Path, ...], list[tuple[str, Path | None]]],
    ) -> str:
        resolutions: list[Resolution] = []
        for roots in closure:
            for dotted, found in by_roots.get(roots, ()):
                path = str(found) if found is not None else None
                resolutions.append((dotted, tuple(str(r) for r in roots), path, self.content_hash(path) if path else None))
        resolutions.sort(key=repr)
        group = _digest(repr(resolutions).encode())
        self.groups[group] = tuple(resolutions)
        return group

    def save(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            marker = self.folder / ".gitignore"
            if not marker.exists():
                marker.write_text("# Created by tradelint; safe to delete.\n*\n", encoding="utf-8")
            tmp = self.folder / f".{CACHE_FILE}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                pickle.dump(
                    {"fingerprint": self.fingerprint, "entries": self.entries, "groups": self.groups},
                    fh,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            os.replace(tmp, self.folder / CACHE_FILE)  # atomic: a concurrent run sees old or new
        except OSError:
            pass  # a read-only checkout still gets its findings
