"""The content-hash cache in ``.tradelint_cache/``: which stored results still hold, and storing them.

The cache works like ruff's for a file's own content: its findings are reused when its content,
the effective configuration and tradelint itself are unchanged. A file's hash is stored with its
status (size, modification and change times, inode, device) and trusted while that is the same, as
git's index is: a file modified within 2 s of being hashed keeps none (``_settled``). Cross-module rules (a base class
in another file, a task wrapper defined elsewhere) make a result depend on other files too. What a
check read cannot be recorded as it runs (a memo filled while checking another file answers
without reading), so, as mypy does, a file's result is taken to depend on the transitive closure
of the first-party modules its imports resolve to:

- Each module has a *summary* (``dependencies.py``), stored per file: the dotted names its analyses can look up (every
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
  import counts as a change; while every folder listing and file the names were resolved from is
  as it was, none is looked up again: ``cache_lookups.py``). Editing a leaf re-checks that file; editing a module re-checks it
  and the files that reach it through imports, nothing else.

Reads that follow no import are recorded by the check itself (``Project.note_scan``, called
whether a memo answers or not) and stored with the entry; what each covered is stored once for
all entries (``cache_scans.py``: whether it still holds is found from the files changed since):

- ``tree``: every module under a folder and its content (the integration searches of
  ``framework_ends.py`` and ``hass_waits.py``; a field search that could not be made). A new
  file, or any edit under that folder, re-checks the entry.
- ``words W...``: the search of the project for a dataclass field's uses
  (``models/dataclasses/field_uses.py``): the modules naming a word its index was asked about or
  a generic word (``asdict``, ``replace``, ...), their content, and every module they reach
  through their imports. An edit of another file re-checks nothing.
- ``markers``: the project markers, ``pyproject.toml`` and requirement files in the module's folder
  and above it (the project's root, whether it is installable, its Python, its libraries' releases).
- ``mentions W1 W2 ...``: the modules whose text names every word, and their content: the search
  for a task factory that keeps every task (``set_task_factory``), for the owner that closes a
  class's resource (the class's name), for a class's last uses (``mentions CLASS .METHOD(``).
  ``releases NAME``: the files outside tests naming ``NAME`` that may hold a release of one
  (``project_evidence.may_be_evidence``), and the names of the root's files.
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
one warning. The cache is JSON: reading it never constructs objects or runs code. It is signed
with HMAC-SHA256 under a per-user key kept outside it (``cache_key.py``): a cache restored from
elsewhere, forged or edited is not used, whatever it claims.
"""

from __future__ import annotations

import dataclasses
import errno
import hmac
import json
import os
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from tradelint.core import interrupts
from tradelint.core.config import Config
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.finding import Finding
from tradelint.facts.context import Project
from tradelint.runner.cache_codec import (
    CacheIgnored, _expect, _finding_data, _finding_from, _int, _list, _optional_str, _str,
)
from tradelint.runner.cache_digests import _digest, _environment, _tool_fingerprint, sign
from tradelint.runner.cache_key import KeyUnavailable, load_key
from tradelint.runner.cache_lookups import Lookups
from tradelint.runner.cache_scans import Scans
from tradelint.runner.dependencies import config_names, module_names

CACHE_FORMAT = 8
CACHE_FILE = "cache.json"
CACHE_MAGIC = b"tradelint-cache"
# A cache is read whole; one larger than this is not a cache tradelint wrote for a sane tree.
MAX_CACHE_BYTES = 1 << 30
_UNKNOWN = object()
GITIGNORE = b"# Created by tradelint; safe to delete.\n*\n"


@dataclass
class Entry:
    key: str
    findings: tuple[Finding, ...]
    # What the check read besides imports, as (kind, folder): ``Cache.scans`` holds what each covered.
    scans: tuple[tuple[str, str], ...] = ()


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


def _entry_from(data: Any, scans: list[tuple[str, str]]) -> Entry:
    key, noted, findings = _list(data, 3)
    at = [_int(i) for i in _list(noted)]
    _expect(all(0 <= i < len(scans) for i in at))
    return Entry(_str(key), tuple(_finding_from(f) for f in _list(findings)), tuple(scans[i] for i in at))


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
    starts with a header line naming the format version, the SHA-256 of the rest (a damaged file
    costs one warning) and its HMAC-SHA256 under this user's key (a file signed under any other
    key is rebuilt silently); a file that does not match them exactly, or whose content is not
    the expected shape, is ignored whole. Without a key to trust, it is neither read nor written."""

    def __init__(
        self,
        folder: Path,
        fingerprint: str,
        warn: Callable[[str], None] | None = None,
        signing_key: bytes | None = None,
    ) -> None:
        self.folder = folder
        self.signing_key = signing_key
        self.unkeyed: str | None = None  # why there is no key, when there is none
        if signing_key is None:
            try:
                self.signing_key = load_key(folder)
            except KeyUnavailable as exc:
                self.unkeyed = str(exc)
        self.fingerprint = fingerprint
        self.environment = _environment()
        self.entries: dict[str, Entry] = {}
        self.modules: dict[str, Node] = {}
        self._hashes: dict[str, str | None] = {}
        # Per file, its content hash with the status it had when read: as stored, and as found or
        # made in this run (what is written).
        self._stats: dict[str, tuple[str, int, int, int, int, int]] = {}
        self._stats_now: dict[str, tuple[str, int, int, int, int, int]] = {}
        self._holds: dict[str, bool] = {}  # per module: its stored summary is still true
        self.lookups = Lookups()  # how names resolve to files
        self._located: dict[str, tuple[str | None, tuple[Path, ...], tuple[str, ...]]] = {}
        self._resolved: set[str] = set()  # the nodes whose names were resolved (or held) in this run
        self._reached: set[str] = set()
        self._dirty: set[str] = set()
        self._resolver = Project()
        self.scans = Scans(self._resolver, self.content_hash, self._closure_holds)
        self._loaded: dict[str, Node] = {}  # the modules as stored
        self._tainted: set[str] | None = None  # the stored modules that reach one not as stored
        self._stored: tuple[set[str], set[str]] | None = None
        self._unchanged = False
        self._warn = warn or _warn_on_stderr
        self._warned = False

    def warn(self, message: str) -> None:
        """At most one warning per run: a broken cache is a shortcut lost, not a problem to repeat."""
        if not self._warned:
            self._warned = True
            self._warn(f"tradelint: warning: cache {self.folder / CACHE_FILE}: {message}; not used")

    @classmethod
    def load(cls, folder: Path, warn: Callable[[str], None] | None = None) -> Cache:
        cache = cls(folder, _tool_fingerprint(CACHE_FORMAT), warn)
        if cache.signing_key is None:
            cache.warn(f"cannot be authenticated: {cache.unkeyed}")
            return cache
        try:  # made now: this run's listing of its parent already holds it (``cache_lookups.py``)
            if _make_folder(folder):
                _write_new(folder / ".gitignore", GITIGNORE)
        except OSError:
            pass  # (``save`` says why, if it cannot write the cache either)
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
        if not newline or len(parts) < 3 or parts[0] != CACHE_MAGIC:
            raise CacheIgnored("not a tradelint cache")
        if parts[1] != str(CACHE_FORMAT).encode():
            return  # another version of tradelint wrote it (format 4 had no signature): silently rebuilt
        if len(parts) != 4:
            raise CacheIgnored("not a tradelint cache")
        if parts[2] != _digest(payload).encode():
            raise CacheIgnored("corrupt (checksum mismatch)")
        key = self.signing_key
        if key is None or not hmac.compare_digest(parts[3], sign(key, payload).encode()):
            # Intact, but signed under another key: another user's, a CI run's (a pull request's
            # included), or forged. Never believed; rebuilt silently, as a cache restored in CI
            # on a runner with a fresh key always is.
            return
        try:
            data = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise CacheIgnored("corrupt (not JSON)") from None
        _expect(isinstance(data, dict) and set(data) == {
            "fingerprint", "environment", "roots", "modules", "lookups", "scans", "entries", "files",
        })
        if data["fingerprint"] != self.fingerprint:
            return  # written by another build of tradelint or another Python
        self._stats = _stats_from(data["files"])
        entries = data["entries"]
        _expect(isinstance(entries, dict))
        roots = [tuple(_str(r) for r in _list(rs)) for rs in _list(data["roots"])]
        self.modules = _nodes_from(data["modules"], roots)
        self._loaded = dict(self.modules)
        self.lookups.decode(data["lookups"], _expect)
        if data["environment"] != self.environment:
            return  # a package was installed, upgraded or removed: every result is checked again
        scans = self.scans.decode(data["scans"], _expect)
        self.entries = {_str(path): _entry_from(entry, scans) for path, entry in entries.items()}
        self._stored = (set(self.entries), set(self.modules))  # what the file holds, for ``save``

    def _encode(self, key: bytes) -> bytes:
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
        scans, scan_at = self.scans.encode(scan for entry in self.entries.values() for scan in entry.scans)
        payload = json.dumps(
            {
                "fingerprint": self.fingerprint,
                "environment": self.environment,
                "roots": [list(r) for r in roots],
                "modules": modules,
                # (Only when every node kept had its names resolved, or found to hold, in this run.)
                "lookups": self.lookups.data() if all(p in self._resolved for p in self.modules) else None,
                "scans": scans,
                "files": self._stats_data(),
                "entries": {
                    path: [e.key, [scan_at[s] for s in e.scans], [_finding_data(f) for f in e.findings]]
                    for path, e in self.entries.items()
                },
            },
            separators=(",", ":"),
            # ASCII with escapes: an undecodable file name (a lone surrogate) round-trips exactly.
            ensure_ascii=True,
        ).encode("ascii")
        signatures = [_digest(payload).encode(), sign(key, payload).encode()]
        return b" ".join([CACHE_MAGIC, str(CACHE_FORMAT).encode(), *signatures]) + b"\n" + payload

    def _stats_data(self) -> dict[str, list[Any]]:
        """The content hashes and statuses of the files the stored records name (found in this
        run, or as stored when this run did not look)."""
        named = set(self.modules) | set(self.entries) | self.scans.snapshot_files()
        found = {**{p: v for p, v in self._stats.items() if p not in self._hashes}, **self._stats_now}
        return {path: list(found[path]) for path in sorted(named) if path in found}

    def content_hash(self, path: str) -> str | None:
        """The SHA-256 of the file's bytes; the stored one, without reading the file, while its
        status (``_signature``) is the one stored with it."""
        if path not in self._hashes:
            signature = _signature(path)
            stored = self._stats.get(path)
            if signature is not None and stored is not None and stored[1:] == signature:
                self._hashes[path] = stored[0]
                self._stats_now[path] = stored
                return stored[0]
            try:
                # The engine's reader: a FIFO or /dev/zero must not block or never end the run here.
                found: str | None = _digest(read_source_bytes(Path(path)))
            except (OSError, UnreadableFile):
                found = None
            self._hashes[path] = found
            # Taken before the read: a write during or after it changes the status, unless it
            # lands within the file system's clock step of the last one (``_settled``).
            if found is not None and signature is not None and _settled(signature):
                self._stats_now[path] = (found, *signature)
        return self._hashes[path]

    def key(self, file: Path, config: Config) -> str | None:
        """What the file's own result depends on: content, configuration, where it sits in its package."""
        absolute = os.path.abspath(file)
        content = self.content_hash(absolute)
        if content is None:
            return None  # unreadable: check it, and report why
        module_name, roots, _ = self._locate(absolute)
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

    def _closure_holds(self, paths: Iterable[str]) -> bool:
        """Whether every module that ``paths`` reach through their stored imports (themselves
        included) is as stored: what a search that read them may also have read."""
        if self._tainted is None:
            # The stored modules not as stored (or importing one not stored), and their importers.
            importers: dict[str, list[str]] = {}
            bad: list[str] = []
            for path, node in self._loaded.items():
                for target in node.targets():
                    importers.setdefault(target, []).append(path)
                held = self._holds[path] if path in self._holds else self._check_node(path, node)
                if not held or any(t not in self._loaded for t in node.targets()):
                    bad.append(path)
            tainted = set(bad)
            while bad:
                for importer in importers.get(bad.pop(), ()):
                    if importer not in tainted:
                        tainted.add(importer)
                        bad.append(importer)
            self._tainted = tainted
        return all(path in self._loaded and path not in self._tainted for path in paths)

    def _check_node(self, path: str, stored: Node | None = None) -> bool:
        node = stored or self.modules.get(path)
        if node is None or self.content_hash(path) != node.content:
            return False
        module_name, _, roots = self._locate(path)
        if module_name != node.module_name or roots != node.roots:
            return False
        if self.lookups.holds():
            self._resolved.add(path)
            return True  # every name resolves as it did when the node was stored (``cache_lookups.py``)
        known = self.lookups.known(node.roots)
        heads = self.lookups.heads_of(node.roots)
        for name, found in node.names:
            now = known.get(name, _UNKNOWN)
            if now is _UNKNOWN:
                # (Most names are in no root's listing: the standard library, installed packages.)
                now = self._find(name, node.roots) if name.partition(".")[0].casefold() in heads else None
            if now != found:
                return False
        self._resolved.add(path)
        return True

    def _find(self, dotted: str, roots: tuple[str, ...]) -> str | None:
        return self.lookups.find(dotted, roots)

    def _locate(self, path: str) -> tuple[str | None, tuple[Path, ...], tuple[str, ...]]:
        """``Project.locate`` of an absolute path, and its roots as strings, once per path."""
        if path not in self._located:
            module_name, roots = self._resolver.locate(Path(path))
            self._located[path] = (module_name, roots, tuple(str(r) for r in roots))
        return self._located[path]

    def get(self, file: Path, key: str) -> tuple[Finding, ...] | None:
        path = os.path.abspath(file)
        entry = self.entries.get(path)
        if entry is None or entry.key != key or path not in self._reached or path in self._dirty:
            return None
        if not all(self.scans.holds(kind, folder) for kind, folder in entry.scans):
            return None
        return entry.findings

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
            self.entries[path] = Entry(result.key, stored, tuple(sorted(set(result.scans))))
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
            if (path in keep or (path in before and path not in stale and self._scans_hold(entry))) and os.path.exists(path)
        }
        reached: set[str] = set()
        stack = list(self.entries)
        while stack:
            path = stack.pop()
            if path not in reached and path in self.modules:
                reached.add(path)
                stack.extend(self.modules[path].targets())
        self.modules = {path: node for path, node in self.modules.items() if path in reached}
        # Nothing checked, nothing dropped, every scan as stored: the file already says all this.
        self._unchanged = not fresh and self._stored == (set(self.entries), set(self.modules)) and self.scans.unchanged(
            scan for entry in self.entries.values() for scan in entry.scans
        ) and self.lookups.stored is not None and self.lookups.holds() and all(
            self._stats.get(path) == found for path, found in self._stats_now.items()
        )  # (a file's status newly settled is worth a write: the next run reads it no more)

    def _scans_hold(self, entry: Entry) -> bool:
        """Whether what a result not checked in this run read besides imports is unchanged: the
        records are stored as they are now, so one that does not hold takes its result with it."""
        return all(self.scans.holds(kind, folder) for kind, folder in entry.scans)

    def _summarize(self, path: str) -> list[str]:
        """The summary of a module this run did not check (outside the given paths, or whose
        check failed): parsed here."""
        info = self._resolver.module_at(Path(path))
        return module_names(info) if info is not None else []

    def _node(self, path: str, names: Iterable[str]) -> Node:
        module_name, _, strings = self._locate(path)
        resolved = tuple((name, self._find(name, strings)) for name in sorted(set(names)))
        self._resolved.add(path)
        return Node(self.content_hash(path), module_name, strings, resolved)

    def save(self) -> None:
        """Write the cache atomically; a folder that cannot take it costs one warning, no temp file.

        The ``.gitignore`` that keeps the cache out of git goes only into a folder this call
        created: ``--cache-dir src`` must not hide the sources from git."""
        key = self.signing_key
        if key is None:
            return  # nothing to sign it with: a cache no later run could trust
        if self._unchanged:
            return  # (a warm run with nothing changed writes nothing)
        try:
            created = _make_folder(self.folder)
            if created:
                _write_new(self.folder / ".gitignore", GITIGNORE)
            data = self._encode(key)
            import tempfile  # (13 modules: only a run that writes the cache imports them)
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


# A file's status as the stored content hash is trusted by: size, modification and change times
# (the change time cannot be set back: a write, a rename over it, a ``touch -d`` all move it),
# inode and device (another file in its place).
Signature = tuple[int, int, int, int, int]

# A file modified this close (in ns) to the moment its status is taken may be written again
# within the same step of a coarse file-system clock, keeping its times: its hash is not stored
# with the status, and it is read again in the next run (git's "racily clean" entries).
SETTLED_NS = 2_000_000_000


def _signature(path: str) -> Signature | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _settled(signature: Signature) -> bool:
    return max(signature[1], signature[2]) < time.time_ns() - SETTLED_NS


def _stats_from(data: Any) -> dict[str, tuple[str, int, int, int, int, int]]:
    """``{path: [hash, size, mtime_ns, ctime_ns, inode, device], ...}``"""
    _expect(isinstance(data, dict))
    found: dict[str, tuple[str, int, int, int, int, int]] = {}
    for path, row in data.items():
        digest, *numbers = _list(row, 6)
        size, mtime, ctime, inode, device = (_int(n) for n in numbers)
        found[_str(path)] = (_str(digest), size, mtime, ctime, inode, device)
    return found


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
