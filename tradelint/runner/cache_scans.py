"""The reads a check made that follow no import (``Project.note_scan``), for the cache: what each
covered when it was stored, and whether that still holds, found without reading the project again.

A scan is ``(kind, folder)`` (the kinds are described in ``cache.py``). Each is stored once per
cache, shared by every result that noted it, as a *record*:

- ``tree`` and ``mentions NAME`` cover the project's files under a root (``project_files``). The
  cache keeps one *snapshot* per such root: every file's path and content hash when the records
  were stored. A ``tree`` record holds while the root's files and their contents are those of the
  snapshot. A ``mentions NAME`` record keeps the files whose bytes named ``NAME`` then: it holds
  while no file added, removed or changed since the snapshot named ``NAME`` before (it is in the
  record) or names it now (its bytes read again). A file whose content hash is unchanged names
  what it named, so this is exactly "the files naming ``NAME`` and their contents are the same",
  the digest an earlier format stored, without reading the project's unchanged files: a warm run
  with nothing changed reads none, and one changed file is read once for every name.
- ``markers`` and ``folder`` keep a digest of what they covered (the markers above a folder, a
  folder's ``*.py`` files and ``__init__.py`` chain), compared with a digest made now.

A record is stored only as it is when the cache is written: a result whose records do not hold
then (a result of a file outside this run's paths) is dropped (``Cache.update``), so that every
result kept was computed from what the stored records describe.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.facts.context import Project
from tradelint.facts.project_files import PROJECT_MARKERS, files_naming, project_files
from tradelint.facts.requirements import declares

_ABSENT = object()


@dataclass(frozen=True)
class Record:
    """A scan as stored: ``digest`` for ``markers`` and ``folder``; for ``mentions NAME``, the
    files naming ``NAME`` (None when the root is too large to search)."""

    digest: str | None = None
    files: frozenset[str] | None = None


def _root_kind(kind: str) -> bool:
    return kind == "tree" or kind.startswith(("mentions ", "releases ", "words "))


class Scans:
    """The stored records and snapshots, and what holds of them now (each found once per run)."""

    def __init__(
        self, resolver: Project, content_hash: Callable[[str], str | None], closure_holds: Callable[[Iterable[str]], bool]
    ) -> None:
        self.resolver = resolver
        self.content_hash = content_hash
        self.closure_holds = closure_holds  # whether no module these reach through imports changed
        # Per root, its files and their content hashes (None: unreadable) when stored; None for the
        # whole map: the root held more files than a search reads (``project_files`` gave up).
        self.snapshots: dict[str, dict[str, str | None] | None] = {}
        self.records: dict[tuple[str, str], Record] = {}
        self._current: dict[str, dict[str, str | None] | None] = {}
        self._changed: dict[str, set[str] | None] = {}
        self._holds: dict[tuple[str, str], bool] = {}
        self._now: dict[tuple[str, str], Record] = {}
        self._texts: dict[str, bytes | None] = {}
        self._tokens: dict[str, tuple[bool, frozenset[str], str] | None] = {}
        self._marked: dict[str, list[tuple[str, str | None]]] = {}
        self._sources: dict[str, list[tuple[str, str | None]]] = {}
        self._inits: dict[str, bool] = {}
        self._written: list[str] = []  # the roots whose snapshots ``encode`` wrote

    # -- now ---------------------------------------------------------------------------------

    def current(self, root: str) -> dict[str, str | None] | None:
        """The project's files under ``root`` now, with their content hashes."""
        if root not in self._current:
            files = project_files(self.resolver, Path(root))
            self._current[root] = None if files is None else {str(f): self.content_hash(str(f)) for f in files}
        return self._current[root]

    def changed(self, root: str) -> set[str] | None:
        """The files under ``root`` added, removed or changed since its snapshot; None when that
        cannot be told (no snapshot, or one side too large to list)."""
        if root not in self._changed:
            stored = self.snapshots.get(root, _ABSENT)
            now = self.current(root)
            found: set[str] | None
            if stored is _ABSENT:
                found = None
            elif stored is None or now is None:
                found = set() if stored is None and now is None else None
            else:
                assert isinstance(stored, dict)
                found = {p for p in stored.keys() | now.keys() if stored.get(p, _ABSENT) != now.get(p, _ABSENT)}
            self._changed[root] = found
        return self._changed[root]

    def _names(self, path: str, root: str, kind: str) -> bool:
        """Whether ``path``, a file under ``root`` now, is one the ``mentions`` or ``releases``
        search ``kind`` reads (``search_reads``)."""
        now = self.current(root)
        if now is None or path not in now:
            return False
        if path not in self._texts:
            try:
                self._texts[path] = read_source_bytes(Path(path))
            except (OSError, UnreadableFile):
                self._texts[path] = None
        data = self._texts[path]
        return data is not None and search_reads(kind, _relative(path, root), data)

    def _moved(self, root: str, changed: set[str]) -> bool:
        """Whether a file was added under ``root`` or removed since its snapshot."""
        stored, now = self.snapshots.get(root) or {}, self.current(root) or {}
        return any(p not in stored or p not in now for p in changed)

    def holds(self, kind: str, folder: str) -> bool:
        """Whether the stored record of this scan still describes the files."""
        key = (kind, folder)
        if key not in self._holds:
            stored = self.records.get(key)
            self._holds[key] = stored is not None and self._check(kind, folder, stored)
        return self._holds[key]

    def _check(self, kind: str, folder: str, stored: Record) -> bool:
        if kind == "tree":
            return self.changed(folder) == set()
        if kind.startswith(_TEXT_KINDS):
            changed = self.changed(folder)
            if changed is None:
                return False
            if kind.startswith("releases ") and self._moved(folder, changed):
                return False  # (a file added or removed: what is the project's own code changed)
            named = stored.files or frozenset()
            return not any(p in named or self._names(p, folder, kind) for p in changed)
        if kind.startswith("words "):
            changed = self.changed(folder)
            if changed is None:
                return False
            words = _words(kind)
            read = stored.files or frozenset()
            return not any(p in read or self._read_for(p, folder, words) for p in changed) and self.closure_holds(read)
        if kind in ("markers", "folder"):
            return stored.digest == self.now(kind, folder).digest
        return False  # a kind this build does not know

    def now(self, kind: str, folder: str) -> Record:
        """The record of this scan as the files are now."""
        key = (kind, folder)
        if key in self._now:
            return self._now[key]
        record = Record()
        if kind.startswith(_TEXT_KINDS):
            record = self._mentions(kind, folder)
        elif kind.startswith("words "):
            made = self._words(kind, folder)
            if made is None:
                self._read_all([key])
                return self._now[key]
            record = made
        elif kind in ("markers", "folder"):
            record = Record(digest=self._digest_of(kind, folder))
        elif kind != "tree":
            record = Record(digest=os.urandom(16).hex())  # a kind this build does not know: never the same twice
        self._now[key] = record
        return record

    def _mentions(self, kind: str, root: str) -> Record:
        kept = self._mentions_kept(kind, root)
        if kept is not None:
            return kept
        name = kind.split(" ")[1]
        return Record(files=frozenset(
            str(f) for f, data in files_naming(self.resolver, Path(root), name) if search_reads(kind, _relative(str(f), root), data)
        ))

    def _mentions_kept(self, kind: str, root: str) -> Record | None:
        """A text scan's record found without searching the root: from the changed files alone
        when the stored record held (None: the root's files are to be searched)."""
        now = self.current(root)
        if now is None:
            return Record()
        stored = self.records.get((kind, root))
        changed = self.changed(root)
        if stored is not None and stored.files is not None and changed is not None:
            # The unchanged files are read as they were: only the changed ones are read.
            kept = stored.files - changed
            return Record(files=frozenset(kept | {p for p in changed if self._names(p, root, kind)}))
        return None

    def _search_all(self, keys: list[tuple[str, str]]) -> None:
        """The records of these text scans made from every file of their roots, each file read
        once for all of a root's scans: a cold run notes one for each class asked about, and a
        search of each (``files_naming``) indexed the words of every root's files again, nested
        roots included (a fifth of a cold run's CPU on 5 packages). The same files: those whose
        bytes the search reads (``search_reads``, which also asks for every word)."""
        for root in sorted({folder for _, folder in keys}):
            mine = [kind for kind, folder in keys if folder == root]
            found: dict[str, set[str]] = {kind: set() for kind in mine}
            for path in project_files(self.resolver, Path(root)) or ():
                try:
                    data = read_source_bytes(path)
                except (OSError, UnreadableFile):
                    continue
                relative = _relative(str(path), root)
                for kind in mine:
                    if search_reads(kind, relative, data):
                        found[kind].add(str(path))
            for kind in mine:
                self._now[kind, root] = Record(files=frozenset(found[kind]))

    def _digest_of(self, kind: str, folder: str) -> str:
        """A digest of what a ``markers`` or ``folder`` scan covered, as it is now; each folder's
        markers, ``*.py`` files and ``__init__.py`` looked at once per run (folders share parents)."""
        h = hashlib.sha256(kind.encode())
        parts: list[object] = []
        if kind == "markers":
            for above in _chain(folder):
                parts.extend(self._markers(above))
        else:
            if folder not in self._sources:
                try:
                    with os.scandir(folder) as listing:
                        names = sorted(entry.name for entry in listing if entry.name.endswith(".py"))
                except OSError:
                    names = []
                self._sources[folder] = [(p, self.content_hash(p)) for p in (os.path.join(folder, n) for n in names)]
            parts = list(self._sources[folder])
            for above in _chain(folder, 3):
                if above not in self._inits:
                    self._inits[above] = os.path.exists(os.path.join(above, "__init__.py"))
                parts.append((above, self._inits[above]))
        h.update(repr(parts).encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def _markers(self, folder: str) -> list[tuple[str, str | None]]:
        if folder not in self._marked:
            found: list[tuple[str, str | None]] = []
            try:
                with os.scandir(folder) as listing:
                    declarations = sorted(e.name for e in listing if declares(e.name) and e.name not in PROJECT_MARKERS)
            except OSError:
                declarations = []
            # The project markers, then the other files that declare its requirements
            # (``requirements-dev.txt``, a Home Assistant ``manifest.json``: ``facts/requirements``).
            for marker in (*PROJECT_MARKERS, *declarations):
                candidate = os.path.join(folder, marker)
                if os.path.isfile(candidate):
                    found.append((candidate, self.content_hash(candidate)))
                elif os.path.lexists(candidate):
                    found.append((candidate, "present"))
            self._marked[folder] = found
        return self._marked[folder]

    def _words(self, kind: str, root: str) -> Record | None:
        """The files a field search may have read: those naming a word it asked about, or a
        generic word (``field_uses``); from the changed files alone when the record held. None:
        every file is to be read (``_read_all``, once for all such records)."""
        now = self.current(root)
        if now is None:
            return Record()
        stored = self.records.get((kind, root))
        changed = self.changed(root)
        if stored is not None and stored.files is not None and changed is not None:
            words = _words(kind)
            kept = stored.files - changed
            return Record(files=frozenset(kept | {p for p in changed if self._read_for(p, root, words)}))
        return None

    def _read_all(self, keys: list[tuple[str, str]]) -> None:
        """The records of these ``words`` scans made from every file of their roots, each file
        read once for all of them (a cold run notes one for each field searched)."""
        for root in sorted({folder for _, folder in keys}):
            mine = [(kind, _words(kind)) for kind, folder in keys if folder == root]
            found: dict[str, set[str]] = {kind: set() for kind, _ in mine}
            for path in self.current(root) or {}:
                known = self._facts(path, keep=False)
                if known is not None:
                    for kind, words in mine:
                        if _names_any(known, words):
                            found[kind].add(path)
            for kind, _ in mine:
                self._now[kind, root] = Record(files=frozenset(found[kind]))

    def _facts(self, path: str, keep: bool = True) -> tuple[bool, frozenset[str], str] | None:
        """Whether the text of ``path`` names a generic word, its words, and the text (None:
        unreadable); kept for the changed files only."""
        if path in self._tokens:
            return self._tokens[path]
        # Imported when a file is read for a field search: a run that reads none does not pay for them.
        from tradelint.models.dataclasses.family_index import WORD
        from tradelint.models.dataclasses.field_uses import GENERIC_WORDS

        text = self.resolver.read_text(Path(path))
        found = None if text is None else (GENERIC_WORDS.search(text) is not None, frozenset(WORD.findall(text)), text)
        if keep:
            self._tokens[path] = found
        return found

    def _read_for(self, path: str, root: str, words: frozenset[str]) -> bool:
        """Whether a field search asking about ``words`` may read ``path``, a file under ``root``
        now."""
        now = self.current(root)
        if now is None or path not in now:
            return False
        known = self._facts(path)
        return known is not None and _names_any(known, words)

    def unchanged(self, used: Iterable[tuple[str, str]]) -> bool:
        """Whether the records of ``used`` and their roots' snapshots, written now, would be
        those stored (each record holds, no file under a root changed)."""
        keys = set(used)
        if keys != set(self.records):
            return False
        roots = {folder for kind, folder in keys if _root_kind(kind)}
        return roots == set(self.snapshots) and all(self.changed(r) == set() for r in roots) and all(
            self.holds(*key) for key in keys
        )

    # -- stored ------------------------------------------------------------------------------

    def snapshot_files(self) -> set[str]:
        """The files the snapshots to be written name."""
        return {path for root in self._written for path in (self.current(root) or {})}

    def encode(self, used: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], dict[tuple[str, str], int]]:
        """The records of ``used`` as they are now, and the snapshots of their roots, as JSON
        data; with each scan's position in the records."""
        keys = sorted(set(used))
        self._read_all([k for k in keys if k[0].startswith("words ") and k not in self._now and self._words(*k) is None])
        if not self.resolver.overlay:  # (files as on disk: what ``files_naming`` reads then)
            self._search_all([
                k for k in keys if k[0].startswith(_TEXT_KINDS) and k not in self._now and self._mentions_kept(*k) is None
            ])
        roots = self._written = sorted({folder for kind, folder in keys if _root_kind(kind)})
        snapshots: list[list[Any]] = []
        positions: dict[str, dict[str, int]] = {}
        for root in roots:
            now = self.current(root)
            if now is None:
                snapshots.append([root, None])
                continue
            paths = sorted(now)
            positions[root] = {p: i for i, p in enumerate(paths)}
            snapshots.append([root, [[_relative(p, root), now[p]] for p in paths]])
        records: list[list[Any]] = []
        for kind, folder in keys:
            record = self.now(kind, folder)
            files = None
            if record.files is not None:
                at = positions.get(folder, {})
                files = sorted(at[p] for p in record.files if p in at)
            records.append([kind, folder, record.digest, files])
        return {"snapshots": snapshots, "records": records}, {key: i for i, key in enumerate(keys)}

    def decode(self, data: Any, expect: Callable[[bool], None]) -> list[tuple[str, str]]:
        """Read what ``encode`` wrote; the scans by position."""
        expect(isinstance(data, dict) and set(data) == {"snapshots", "records"})
        expect(isinstance(data["snapshots"], list) and isinstance(data["records"], list))
        ordered: dict[str, list[str]] = {}
        for item in data["snapshots"]:
            expect(isinstance(item, list) and len(item) == 2 and isinstance(item[0], str))
            root, rows = item
            if rows is None:
                self.snapshots[root] = None
                continue
            expect(isinstance(rows, list))
            files: dict[str, str | None] = {}
            for row in rows:
                expect(isinstance(row, list) and len(row) == 2 and isinstance(row[0], str))
                expect(row[1] is None or isinstance(row[1], str))
                files[os.path.join(root, row[0])] = row[1]
            self.snapshots[root] = files
            ordered[root] = sorted(files)
        keys: list[tuple[str, str]] = []
        for item in data["records"]:
            expect(isinstance(item, list) and len(item) == 4)
            kind, folder, digest, indices = item
            expect(isinstance(kind, str) and isinstance(folder, str) and (digest is None or isinstance(digest, str)))
            named: frozenset[str] | None = None
            if indices is not None:
                expect(isinstance(indices, list) and folder in ordered)
                paths = ordered[folder]
                expect(all(type(i) is int and 0 <= i < len(paths) for i in indices))
                named = frozenset(paths[i] for i in indices)
            self.records[kind, folder] = Record(digest, named)
            keys.append((kind, folder))
        return keys


# The scans whose records keep the files a search read, each chosen by its text (and path):
# ``mentions W1 W2 ...``, the files naming every word (a class's name, ``.stop(``); ``releases NAME``,
# the files outside tests naming ``NAME`` that may hold evidence of a release (``project_evidence``).
_TEXT_KINDS = ("mentions ", "releases ")


def search_reads(kind: str, relative: str, data: bytes) -> bool:
    """Whether the search ``kind`` reads a file at ``relative`` (to its root) with text ``data``."""
    words = [w.encode("utf-8", "surrogateescape") for w in kind.split(" ")[1:] if w]
    if not all(w in data for w in words):
        return False
    if kind.startswith("releases "):
        # Imported when a changed file names the class: a run that reads none does not pay for it.
        from tradelint.models.resources.project_evidence import may_be_evidence

        return may_be_evidence(Path(relative), data)
    return True


def _names_any(facts: tuple[bool, frozenset[str], str], words: frozenset[str]) -> bool:
    """A text names a generic word, or one of ``words`` as the search's index tells words (runs of
    word characters; any other is looked for in the text)."""
    from tradelint.models.dataclasses.family_index import WORD

    generic, tokens, text = facts
    return generic or not tokens.isdisjoint(words) or any(w in text for w in words if not WORD.fullmatch(w))


def _words(kind: str) -> frozenset[str]:
    return frozenset(w for w in kind.partition(" ")[2].split(" ") if w)


def _relative(path: str, root: str) -> str:
    prefix = root if root.endswith(os.sep) else root + os.sep
    return path[len(prefix):] if path.startswith(prefix) else path


def _chain(folder: str, count: int | None = None) -> list[str]:
    """``folder`` and its parents (``count`` of them at most), as ``Path(folder).parents`` lists them."""
    found = [folder]
    while count is None or len(found) <= count:
        parent = os.path.dirname(found[-1])
        if parent == found[-1]:
            break
        found.append(parent)
    return found
