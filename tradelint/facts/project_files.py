"""The project a module belongs to: its root (the nearest folder with a project marker) and its
Python files, listed once and cached, for the questions asked of the whole project (who names
this field, who keeps every task)."""

from __future__ import annotations

import os
import re
import sys
import weakref
from array import array
from bisect import bisect_right
from collections import OrderedDict
from pathlib import Path
from typing import Iterable, Iterator, Mapping, cast

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover
    pass

from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.module_paths import PROJECT_MARKERS as PROJECT_MARKERS
from tradelint.facts.module_paths import SKIP_FOLDERS as SKIP_FOLDERS


MAX_FILES = 20000


# The file list of each project folder, per Project (a fix changes files, never the list).
_PROJECT_FILES: weakref.WeakKeyDictionary[Project, dict[Path, list[Path] | None]] = weakref.WeakKeyDictionary()


def project_root(module: ModuleInfo) -> Path | None:
    """The folder whose ``.py`` files make up ``module``'s project: the nearest one above the
    module's package with a project marker, below the home folder. None when there is none: a
    bare folder of modules may be an installed library, and who imports it cannot be told."""
    module.project.note_scan("markers", module.path.parent)
    start = module.roots[0] if module.roots else module.path.parent
    memo = module.project.class_memo
    key = ("project_root", start)
    if key not in memo:
        memo[key] = _marked_folder(start)
    return cast("Path | None", memo[key])


def _marked_folder(start: Path) -> Path | None:
    stops = {Path(os.path.abspath(os.path.expanduser("~"))), Path(start.anchor)}
    for folder in (start, *start.parents):
        if folder in stops:
            break
        if any(os.path.exists(folder / marker) for marker in PROJECT_MARKERS):
            return folder
    return None


def _is_venv(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg"))


def project_files(project: Project, root: Path) -> list[Path] | None:
    """Every ``.py`` file of the project, or None when there are too many to search."""
    memo = _PROJECT_FILES.setdefault(project, {})
    if root in memo:
        return memo[root]
    found: list[Path] = []
    result: list[Path] | None = found
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in SKIP_FOLDERS and not _is_venv(os.path.join(folder, d))
        )
        found.extend(Path(folder, name) for name in sorted(files) if name.endswith(".py"))
        if len(found) > MAX_FILES:
            result = None
            break
    memo[root] = result
    return result


def in_project_files(project: Project, root: Path, path: Path) -> bool:
    """Whether ``path`` is one of ``project_files(project, root)`` (a set built once per folder,
    not a walk of the list for each class that asks)."""
    files = project_files(project, root)
    if files is None:
        return False
    known = _FILE_SETS.setdefault(project, {})
    found = known.get(root)
    if found is None or found[0] is not files:
        found = known[root] = (files, frozenset(files))
    return path in found[1]


_FILE_SETS: weakref.WeakKeyDictionary[Project, dict[Path, tuple[list[Path], frozenset[Path]]]] = weakref.WeakKeyDictionary()


def files_naming(project: Project, root: Path, name: str, skip: Path | None = None) -> Iterator[tuple[Path, bytes]]:
    """The project's files whose text names ``name``, with their bytes (a file that cannot be read
    as a regular file is left out): what a search for a task factory or a class parses, and what
    the cache's ``mentions NAME`` scan digests.

    Every class of a project may ask about its own name: after a few searches of a folder, the
    words of its files are indexed (each file read once, an open buffer's or fixed file's text
    again when it changes), and only the files with a word containing ``name`` are read again
    and searched as before (the texts of the files last read kept, with their words, while
    their text is the one read: a word of the file answers without searching its bytes). ``skip``: a file the caller has at hand (the module asking), not read."""
    needle = name.encode("utf-8", "surrogateescape")
    files = project_files(project, root) or []
    candidates: Iterable[Path] = files
    indexed: _WordIndex | None = None
    if _WORD.fullmatch(needle) and files:
        index = project.disk_words.get(root)
        if index is None:
            now = project.files_ended
            for idle in [k for k, kept in project.disk_words.items() if kept.used < now - IDLE_FILES]:
                del project.disk_words[idle]
            index = project.disk_words[root] = _WordIndex()
        index.used = project.files_ended
        if index.searches >= (SMALL_RUN_INDEX_AFTER if project in _SMALL_RUNS else INDEX_AFTER):
            candidates = index.files_with(files, needle, project.overlay)
            indexed = index
        index.searches += 1
    for path in candidates:
        if path == skip:
            continue
        try:
            if indexed is None:
                data = _text_of(path, project.overlay)
                named = needle in data
            else:
                data, words = indexed.text(path, project.overlay)
                named = needle in words or needle in data
        except (OSError, UnreadableFile):
            continue
        if named:
            yield path, data


def _text_of(path: Path, overlay: Mapping[Path, str]) -> bytes:
    # An open buffer's text (the language server), a fixed file's (``--fix``), not the disk's.
    # ``--fix``'s overlay says it as bytes (``utf8``), a packed file's without decoding them.
    utf8 = getattr(overlay, "utf8", None)
    if utf8 is not None:
        try:
            return cast(bytes, utf8(path))
        except KeyError:
            return read_source_bytes(path)
    text = overlay.get(path)
    return read_source_bytes(path) if text is None else text.encode("utf-8", "surrogatepass")


# Searches of a folder's files made by reading them all, before its words are indexed: a check of
# one file asks about a few names, a project's classes about one each.
INDEX_AFTER = 3

# A run that checks few files (a warm run checking what changed) asks a folder few questions:
# reading its files for each (0.05 to 0.1 s for OctoBot's 2,942) costs less than indexing their
# words (1.5 s) until about this many searches. The runner says so (``plan_run``); what is found
# is the same either way.
SMALL_RUN_FILES = 64
SMALL_RUN_INDEX_AFTER = 16
_SMALL_RUNS: weakref.WeakSet[Project] = weakref.WeakSet()


def plan_run(project: Project, files: int) -> None:
    """``project`` is about to check ``files`` files: a small run indexes a folder's words later."""
    if files <= SMALL_RUN_FILES:
        _SMALL_RUNS.add(project)
    else:
        _SMALL_RUNS.discard(project)


# Bytes of file texts a word index keeps (``_WordIndex.text``): the files of the last searches.
KEEP_TEXTS = 16 * 1024 * 1024

# A folder's word index not searched while this many files were checked is dropped when another
# folder's is made: a run over many projects (the corpus's 33 packages, 201 folders searched)
# kept every folder's, 16 MB of words it no longer asked about. Asked again, it is made again.
IDLE_FILES = 256

# A run of word characters: an occurrence of a name made of them lies within one such run of a
# file's bytes, so the files naming it are those with a word containing it.
_WORD = re.compile(rb"[A-Za-z0-9_]+")

# The array type code of word and file ids: an unsigned C int, or a long where an int is too
# small for them (an int of 2 bytes).
_ID = "I" if array("I").itemsize >= 4 else "L"


class _WordIndex:
    """The distinct words of each file of a project folder (its text as ``files_naming`` reads
    it), and the files of each word; a file whose text changed (``Project.text_changed``) is
    indexed again when next searched."""

    def __init__(self) -> None:
        self.searches = 0
        self.used = 0  # ``Project.files_ended`` when last searched
        # The texts of the files last read for a search (and their words), what stood for the
        # overlay's text each was read from (None: the disk's): the files a search lists are read again for the
        # next name (a module of N attributes, each asking, cost N reads and searches of it).
        self.texts: OrderedDict[Path, tuple[object | None, bytes, frozenset[bytes]]] = OrderedDict()
        self.text_size = 0
        self.built = False
        self.dirty: set[Path] = set()
        self.files: dict[Path, int] = {}
        # Numbers, not objects: the words of each file (ids), the files of each word and the
        # words of each gram are arrays of machine integers. As sets and lists of ``bytes`` and
        # ``int`` objects, ccxt's folder (721 files, 85,921 words) held 136 MB, a third of the
        # corpus check's peak; as arrays, a fifth of that.
        self.file_words: dict[int, array[int]] = {}
        self.words: list[bytes] = []
        self.word_ids: dict[bytes, int] = {}
        self.postings: list[array[int]] = []  # each word's files, each once (in no order)
        self.grams: dict[bytes, array[int]] = {}  # the words (ids, ascending) with each three or four letters
        self.starts: array[int] = array(_ID)  # of each word in ``joined``
        self.joined = b""

    def text(self, path: Path, overlay: Mapping[Path, str]) -> tuple[bytes, frozenset[bytes]]:
        """``_text_of(path, overlay)`` and its words, the same bytes object while the text is
        the one last read (the overlay's same text, or the disk's until ``text_changed``)."""
        # ``--fix``'s overlay hands out its text anew each time (kept compressed while the run is
        # bounded): what stands for the text (``version``) says whether it is the one last read.
        version = getattr(overlay, "version", None)
        current = version(path) if version is not None else overlay.get(path)
        kept = self.texts.get(path)
        if kept is not None and kept[0] is current:
            self.texts.move_to_end(path)
            return kept[1], kept[2]
        data = _text_of(path, overlay)
        self._forget(path)
        words = frozenset(_WORD.findall(data))
        self.texts[path] = (current, data, words)
        self.text_size += len(data)
        while self.text_size > KEEP_TEXTS and len(self.texts) > 1:
            self._forget(next(iter(self.texts)))
        return data, words

    def _forget(self, path: Path) -> None:
        kept = self.texts.pop(path, None)
        if kept is not None:
            self.text_size -= len(kept[1])

    def _index(self, i: int, path: Path, overlay: Mapping[Path, str]) -> bool:
        """Index file ``i``'s words anew; whether a word new to the index came."""
        self._forget(path)
        for word_id in self.file_words.pop(i, ()):
            self.postings[word_id].remove(i)  # there once: added with the id to the file's words below
        try:
            words = set(_WORD.findall(_text_of(path, overlay)))
        except (OSError, UnreadableFile):
            return False
        ids = array(_ID)
        grown = False
        for word in words:
            k = self.word_ids.get(word)
            if k is None:
                k = self.word_ids[word] = len(self.words)
                self.words.append(word)
                self.postings.append(array(_ID))
                for gram in {word[j : j + size] for size in (3, 4) for j in range(len(word) - size + 1)}:
                    grams = self.grams.get(gram)
                    if grams is None:
                        grams = self.grams[gram] = array(_ID)
                    grams.append(k)
                grown = True
            self.postings[k].append(i)
            ids.append(k)
        self.file_words[i] = ids
        return grown

    def _join(self) -> None:
        self.starts = array(_ID)
        position = 0
        for word in self.words:
            self.starts.append(position)
            position += len(word) + 1
        self.joined = b"\n".join(self.words)

    def files_with(self, files: list[Path], needle: bytes, overlay: Mapping[Path, str]) -> list[Path]:
        """The files (in ``files``' order) with a word containing ``needle``: a superset of the
        files naming it, unless a file changed on disk unseen."""
        if not self.built:
            self.files = {path: i for i, path in enumerate(files)}
            for i, path in enumerate(files):
                self._index(i, path, overlay)
            self.dirty.clear()
            self._join()
            self.built = True
        elif self.dirty:
            grown = False
            for path in self.dirty:
                changed = self.files.get(path)
                if changed is not None:
                    grown = self._index(changed, path, overlay) or grown
            self.dirty.clear()
            if grown:
                self._join()
        found: set[int] = set()
        for k in self.containing(needle):
            found.update(self.postings[k])
        return [files[i] for i in sorted(found)]

    def containing(self, needle: bytes) -> list[int]:
        """The words (ids) containing ``needle``: through its rarest four letters (three when it
        has three; a search of every word for each name made a folder of N names, each asking,
        cost N times its words, and three digits are shared by a thousandth of N numbered names),
        else by searching the words joined."""
        if len(needle) >= 3:
            size = 4 if len(needle) >= 4 else 3
            shortest: array[int] | None = None
            for i in range(len(needle) - size + 1):
                ids = self.grams.get(needle[i : i + size])
                if ids is None:
                    return []
                if shortest is None or len(ids) < len(shortest):
                    shortest = ids
            words = self.words
            return [k for k in shortest or () if needle in words[k]]
        found: list[int] = []
        joined, starts = self.joined, self.starts
        at = joined.find(needle)
        while at != -1:
            k = bisect_right(starts, at) - 1
            found.append(k)
            at = joined.find(needle, starts[k + 1]) if k + 1 < len(starts) else -1
        return found
