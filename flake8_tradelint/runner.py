"""Check many files: a content-hash cache in ``.tradelint_cache/`` and ``--jobs N`` processes.

The cache works like ruff's: a file's findings are reused when its content, the effective
configuration and tradelint itself are unchanged. Cross-module rules (a base class in another
file, a task wrapper defined elsewhere) make a result depend on other files too, so each entry
also records every first-party module name its check looked for, under which import roots, the
file that name resolved to (or none) and that file's content hash. The entry is reused only if
each of those names still resolves to the same file with the same content: editing a base class,
or creating a module that was missing, re-checks the files that read it.

The folder is safe to delete at any time; an unreadable, corrupt or foreign cache is ignored with
one warning. The cache is JSON: reading it never constructs objects or runs code.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import gc
import errno
import hashlib
import multiprocessing
import os
import json
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generator, Iterable, MutableMapping, NoReturn, Sequence

from flake8_tradelint import __version__, context, interrupts
from flake8_tradelint.config import Config, non_empty_path
from flake8_tradelint.context import Project
from flake8_tradelint.engine import Checker, collector_paused
from flake8_tradelint.files import UnreadableFile, read_source_bytes
from flake8_tradelint.finding import Finding
from flake8_tradelint.fix.plan import Edit, Fix, Span

CACHE_FORMAT = 3
CACHE_FILE = "cache.json"
CACHE_MAGIC = b"tradelint-cache"
# A cache is read whole; one larger than this is not a cache tradelint wrote for a sane tree.
MAX_CACHE_BYTES = 1 << 30
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
    outcomes = _check(items, jobs)
    try:
        for i, outcome, seen in outcomes:
            resolutions.update(seen)
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
        fresh = {files[i]: (keys[i], per_file[i] or []) for i in todo if i in keys and i not in failed}
        cache.update(fresh, resolutions, project)
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
Outcome = tuple[int, "list[Finding] | str", dict[tuple[str, tuple[Path, ...]], Path | None]]

# A worker's checker lives as long as the worker, so each first-party module is parsed once per
# process; it is made fresh for every run (a kept one would serve trees of files since edited).
_WORKER_CHECKER: Checker | None = None


def _start_worker(parent: int, bounded: bool) -> None:
    global _WORKER_CHECKER
    interrupts.become_worker(parent)
    _WORKER_CHECKER = new_checker(bounded)


# A run over this many times the module budget of source bounds its memory; a smaller one keeps
# every tree, which is faster: bounding frees each tree after its file, makes a young collection
# per file and parses again what it forgot (1.45x the CPU of keeping everything on 7 application
# packages, 20 MiB of source: 6.6 s against 9.6 s, for 309 MB instead of 691 MB of peak memory).
# With the default budget (4 MiB) the threshold is 12 MiB of source, about 400 MB kept. ``--fix``
# follows the same threshold (``fix/fixer.py``).
BOUNDED_RUN_FACTOR = 3


def bounded_run(source_bytes: int) -> bool:
    """Whether a run over this much source bounds its memory."""
    budget = context.MODULE_BUDGET  # read at run time: benchmarks and tests set it
    return budget is not None and source_bytes > BOUNDED_RUN_FACTOR * budget


def new_checker(bounded: bool, overlay: MutableMapping[Path, str] | None = None) -> Checker:
    """A batch checker within the module budget, or one that keeps every tree (a small run)."""
    if bounded:
        return Checker(Project(overlay), batch=True)
    return Checker(Project(overlay, module_budget=None))


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
        if not checker.batch:
            # Every tree stays alive for cross-module lookups. The collector is paused meanwhile;
            # freezing what exists also resets its count, so that the first collection once it is
            # back (output, pickling results in a worker) does not walk every tree (as mypy does).
            gc.freeze()
    if outcomes:
        i, outcome, _ = outcomes[-1]
        outcomes[-1] = (i, outcome, checker.project.resolutions())
    return outcomes


def _check(items: list[Item], jobs: int) -> Generator[Outcome, None, None]:
    sizes = [file_size(path) for _, path, _ in items]
    total = sum(sizes)
    if jobs <= 1 or len(items) < 2 * jobs:
        try:
            yield from _check_chunk(new_checker(bounded_run(total)), items)
        finally:
            gc.unfreeze()
        return
    # Two contiguous chunks per worker, balanced by size, in discovery order: a package's modules
    # mostly stay with one worker, which parses the first-party modules they import once. Many
    # small chunks balance better but have every worker parse most of every package (5 packages,
    # 2 workers: 39 % more CPU than one process with 16 chunks, 16 % with 2); one chunk per worker
    # leaves a worker idle when per-byte costs differ (the corpus, 2 workers: wall 0.68x of one
    # process with 2 chunks, 0.52x with 4, 0.63x with 8).
    chunks = [list(chunk) for chunk in _chunks(items, sizes, jobs * 2)]
    methods = multiprocessing.get_all_start_methods()
    # Forked workers: each is a child of this process, so the kernel can kill it when we die.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), bounded_run(total // jobs)),  # each worker checks about its share
    )
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
    key, reads, findings = _list(data, 3)
    return Entry(_str(key), tuple(_finding_from(f) for f in _list(findings)), _str(reads))


def _resolution_from(data: Any) -> Resolution:
    dotted, roots, path, content = _list(data, 4)
    return (_str(dotted), tuple(_str(r) for r in _list(roots)), _optional_str(path), _optional_str(content))


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
    """Findings per file, stored as data only (JSON): loading it can never construct an object or
    run code, whatever a pull request puts in the folder. The file starts with a header line naming
    the format version and the SHA-256 of the rest; a file that does not match it exactly, or whose
    content is not the expected shape, is ignored whole."""

    def __init__(self, folder: Path, fingerprint: str, warn: Callable[[str], None] | None = None) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.entries: dict[str, Entry] = {}
        self.groups: dict[str, tuple[Resolution, ...]] = {}
        self._hashes: dict[str, str | None] = {}
        self._valid_groups: dict[str, bool] = {}
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
            cache.entries, cache.groups = {}, {}
            cache.warn(str(exc))
        except (ValueError, TypeError, KeyError, AttributeError):  # any other shape: never trusted
            cache.entries, cache.groups = {}, {}
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
        _expect(isinstance(data, dict) and set(data) == {"fingerprint", "entries", "groups"})
        if data["fingerprint"] != self.fingerprint:
            return  # written by another build of tradelint or another Python
        entries, groups = data["entries"], data["groups"]
        _expect(isinstance(entries, dict) and isinstance(groups, dict))
        self.entries = {_str(path): _entry_from(entry) for path, entry in entries.items()}
        self.groups = {
            _str(group): tuple(_resolution_from(r) for r in _list(resolutions)) for group, resolutions in groups.items()
        }

    def _encode(self) -> bytes:
        payload = json.dumps(
            {
                "fingerprint": self.fingerprint,
                "entries": {
                    path: [e.key, e.reads, [_finding_data(f) for f in e.findings]] for path, e in self.entries.items()
                },
                "groups": {group: [list(r[:1]) + [list(r[1])] + list(r[2:]) for r in rs] for group, rs in self.groups.items()},
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

    def key(self, file: Path, config: Config, project: Project) -> str | None:
        """What the file's own result depends on: content, configuration, where it sits in its package."""
        absolute = os.path.abspath(file)
        content = self.content_hash(absolute)
        if content is None:
            return None  # unreadable: check it, and report why
        module_name, roots = project.locate(Path(absolute))
        return _digest(repr((content, config, module_name, roots)).encode("utf-8", "surrogateescape"))

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
        group = _digest(repr(resolutions).encode("utf-8", "surrogateescape"))
        self.groups[group] = tuple(resolutions)
        return group

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
