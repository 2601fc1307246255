"""The result cache under a host (the flake8 plugin): ``api.check_tree`` answers a file from the
cache that the command line keeps (``cache.py``), so that a second flake8 run over unchanged files
costs about what plain flake8 costs.

The same rules decide what still holds: a file's result is reused while its content, its
configuration (the same key as the command line's, :meth:`Cache.key`), tradelint and the modules
its closure of imports reaches are unchanged, and the scans it made still hold; editing a module
re-checks it and the files that reach it, nothing else. The host's results live beside the
command line's, in ``flake8/`` under the same cache folder: they carry no fixes (a host shows
none) and ``--disable-noqa`` is part of their key, so the two front-ends never answer each other,
and neither pushes the other's results out (the cache keeps one result per file).

flake8 checks its files in worker processes (``--jobs``) and hands each file to the plugin alone,
so each process reads the cache once, at its first file, and writes what it checked when it
ends (:class:`HostedCache.flush`, a ``multiprocessing`` finalizer: it runs at the end of the
main process and of every pool worker that ends normally; a worker killed writes nothing). The
writes are serialized by a lock on a file in that folder: each writer reads the cache as the
writers before it left it, adds its results (``Cache.update``, which keeps every other result
that still holds) and replaces the file atomically. A reader never sees a half-written file, and
a cache that is corrupt, forged or another version's is ignored whole, as on the command line.
What a result was computed from is found when it is stored, as on the command line: a module
edited during the run, after a file that imports it was checked, is stored as it is then. A
writer's summary of a module another worker checked lacks the dotted names of the configuration
(``config_names``: ``task-keeper``, resource types); where the configuration has some, the later
write of that module's own summary drops the results resting on the first, which the next run
checks again (once: they are then stored beside that summary).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import sys
from pathlib import Path
from types import EllipsisType
from typing import TYPE_CHECKING, Iterator, MutableMapping

from tradelint.core.config import Config
from tradelint.core.finding import Finding
from tradelint.facts.context import ModuleInfo, Project
from tradelint.runner.cache import GITIGNORE, Cache, Fresh, _make_folder, _write_new
from tradelint.runner.dependencies import module_names

if TYPE_CHECKING:
    import ast

# The host's own store, under the cache folder (``.tradelint_cache/flake8/cache.json``).
HOST_STORE = "flake8"
LOCK_NAME = "cache.lock"


class RecordingProject(Project):
    """A host's project that, while ``recording``, writes down the summary (:func:`module_names`)
    of each file it checks, from the tree and index the check builds anyway: what the cache
    stores for it."""

    def __init__(
        self,
        overlay: MutableMapping[Path, str] | None = None,
        *,
        keep_checked: bool = True,
        module_budget: int | None | EllipsisType = ...,
    ) -> None:
        super().__init__(overlay, keep_checked=keep_checked, module_budget=module_budget)
        self.recording = False
        self.checked_names: list[str] | None = None

    def register(self, path: Path, tree: ast.Module, text: str | None = None) -> ModuleInfo:
        info = super().register(path, tree, text)
        if self.recording:
            self.checked_names = module_names(info)
        return info


def names_from_tree(project: Project, path: Path, tree: ast.Module, text: str) -> list[str]:
    """The summary of a file the check did not look at (no rule family can report in it): read
    from the host's tree, without keeping it."""
    return module_names(ModuleInfo(path, tree, project, text))


class HostedCache:
    """The cache as one host process uses it: read at its first file, written when it ends."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.store = folder / HOST_STORE
        self.pid = os.getpid()
        # ``sys.path`` as the run found it: what the cache's environment is read from when it is
        # written (``flush``), whatever the run's imports added (a corpus file's ``import
        # distutils`` made tradelint look the name up, and setuptools' finder then put its
        # vendored folder on ``sys.path``: the whole corpus's write named an environment no
        # later run has, and the next run dropped every result).
        self.sys_path = list(sys.path)
        self._warned = False
        _make_cache_folder(folder)
        self.cache = Cache.load(self.store, self._warn)
        # What was read lives as long as the process: frozen, the host's own collections do not
        # walk it (tens of thousands of objects, walked by each of flake8's full collections).
        # The garbage of the moment goes first, or it would stay frozen with it.
        gc.collect()
        gc.freeze()
        self.fresh: dict[Path, Fresh] = {}
        self.summaries: dict[str, list[str]] = {}
        self._held: set[str] = set()  # the stored modules whose closure is as stored
        self.project: Project | None = None  # the project the checks of this process ran in
        self._flush_registered = False

    def _warn(self, message: str) -> None:
        if not self._warned:  # one warning per process, whichever of its loads found the fault
            self._warned = True
            try:
                print(message, file=sys.stderr)
            except (OSError, ValueError):
                pass

    def key(self, path: Path, config: Config, apply_noqa: bool) -> str | None:
        """The command line's key for the file (content, configuration, place in its package)
        and the host's options that change its findings; None for a file that cannot be read."""
        key = self.cache.key(path, config)
        if key is None:
            return None
        return hashlib.sha256(f"{key} {HOST_STORE} noqa={apply_noqa}".encode()).hexdigest()

    def get(self, path: Path, key: str, display: str) -> list[Finding] | None:
        """The stored findings of the file, if they still hold (``Cache.get`` after
        ``Cache.prepare``, a file at a time)."""
        absolute = os.path.abspath(path)
        entry = self.cache.entries.get(absolute)
        if entry is None or entry.key != key or not self._closure_holds(absolute):
            return None
        if not all(self.cache.scans.holds(kind, folder) for kind, folder in entry.scans):
            return None
        return [dataclasses.replace(f, path=display) for f in entry.findings]

    def _closure_holds(self, path: str) -> bool:
        """Whether every module the file reaches through its stored imports (itself included) is
        as stored. Each module is looked at once per process: a module whose closure holds has
        every module of it holding too, so the walks of later files stop there."""
        modules = self.cache.modules
        reached: set[str] = set()
        stack = [path]
        while stack:
            module = stack.pop()
            if module in reached or module in self._held:
                continue
            if module not in modules or not self.cache._still_holds(module):
                return False
            reached.add(module)
            stack.extend(modules[module].targets())
        self._held |= reached
        return True

    def put(
        self,
        path: Path,
        key: str,
        findings: list[Finding],
        scans: tuple[tuple[str, str], ...],
        names: list[str] | None,
        config: Config,
        project: Project,
    ) -> None:
        """A result just computed, written when the process ends; ``names``: the file's summary
        (None: the store parses the file for it)."""
        self.fresh[path] = Fresh(key, findings, scans, config)
        self.project = project
        if names is not None:
            self.summaries[os.path.abspath(path)] = names
        if not self._flush_registered:
            self._flush_registered = True
            from multiprocessing import util  # (flake8 has imported it already)

            util.Finalize(None, self.flush, exitpriority=10)

    def flush(self) -> None:
        """Store this process's results: under the lock, into the cache as other writers left it."""
        if os.getpid() != self.pid or not self.fresh:
            return  # a process forked after the first file: its parent writes what it checked
        fresh, summaries = self.fresh, self.summaries
        self.fresh, self.summaries = {}, {}
        with _locked(self.store) as locked:
            if not locked:
                return
            now, sys.path[:] = sys.path[:], self.sys_path
            try:
                merged = Cache.load(self.store, self._warn)
            finally:
                sys.path[:] = now
            if merged.signing_key is None:
                return
            if self.project is not None:
                # What the scans covered is found with the checks' project: it has listed the
                # files of each folder the checks searched (``project_files``) already.
                merged.scans.resolver = self.project
            # (Every stored module looked at: the name lookups are stored again for the next run.)
            merged.prepare([*merged.entries, *(os.path.abspath(p) for p in fresh)])
            merged.update(fresh, summaries)
            merged.save()


_HOSTED: dict[Path, HostedCache] = {}


def hosted_cache(folder: Path) -> HostedCache:
    """This process's cache for ``folder`` (one per process: a forked worker makes its own)."""
    known = _HOSTED.get(folder)
    if known is None or known.pid != os.getpid():
        known = _HOSTED[folder] = HostedCache(folder)
    return known


def _make_cache_folder(folder: Path) -> None:
    """The cache folder, with a ``.gitignore`` if this call made it (as ``Cache.load`` does for
    the folder it is given: here the host's store under it)."""
    try:
        if _make_folder(folder):
            _write_new(folder / ".gitignore", GITIGNORE)
    except OSError:
        pass  # there already, or cannot be made (``Cache.save`` says why, if it cannot write)


@contextlib.contextmanager
def _locked(store: Path) -> Iterator[bool]:
    """Hold the store's write lock (an exclusive ``flock`` on ``cache.lock`` in it); True when
    held. Where there is no ``flock`` (Windows), writers are not serialized: each still replaces
    the file atomically, and a result one of them drops is checked again by the next run."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    try:
        os.makedirs(store, exist_ok=True)
        fd = os.open(store / LOCK_NAME, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        yield False  # a folder that cannot take a lock cannot take the cache either
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            locked = False  # a file system without locks: better no write than a lost one
        else:
            locked = True
        yield locked
    finally:
        os.close(fd)  # (releases the lock)
