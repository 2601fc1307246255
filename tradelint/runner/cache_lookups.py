"""How the cache resolves the dotted names of module summaries to files (``Lookups.find``, as
``Project.find_path`` does, in strings), and what those answers were read from.

Every stored module summary lists the names its analyses can look up, each with the file it
resolved to; a warm run must know that each still resolves the same. Looking each up again costs
a warm run of an unchanged 3,000-file project a third of its time. But an answer depends only on
the listings of the folders looked at and on whether the candidate files looked for are files:
the cache stores, with the summaries, a digest of each such listing and each candidate's answer
(``data``). When every one is as stored (``holds``), every stored name resolves as it did, and
none is looked up again. They are stored only when every summary kept was resolved (or shown to
hold) in the run that stores them, so that they cover every stored name.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Callable


def listing_digest(names: set[str]) -> str:
    return hashlib.sha256("\0".join(sorted(names)).encode("utf-8", "surrogateescape")).hexdigest()


class Lookups:
    def __init__(self) -> None:
        self._found: dict[tuple[str, ...], dict[str, str | None]] = {}  # per roots, by name
        self._found_under: dict[tuple[str, str], str | None] = {}
        self._listings: dict[str, set[str]] = {}
        self._heads: dict[tuple[str, ...], set[str]] = {}
        self._candidates: dict[str, bool] = {}  # the files looked for in this run, and whether they are
        self.stored: tuple[dict[str, str], dict[str, bool]] | None = None
        self._held: bool | None = None

    def holds(self) -> bool:
        """Whether the folders and files the stored names were resolved from are as they were."""
        if self._held is None:
            stored = self.stored
            self._held = stored is not None and all(
                listing_digest(self.listing(folder)) == digest for folder, digest in stored[0].items()
            ) and all(os.path.isfile(candidate) == found for candidate, found in stored[1].items())
        return self._held

    def data(self) -> list[Any]:
        """What the names resolved in this run (and, when they held, the stored ones) were
        resolved from, as JSON data."""
        folders = {folder: listing_digest(names) for folder, names in self._listings.items()}
        candidates = dict(self._candidates)
        if self._held and self.stored is not None:
            folders = {**self.stored[0], **folders}
            candidates = {**self.stored[1], **candidates}
        return [sorted(folders.items()), sorted(candidates.items())]

    def decode(self, data: Any, expect: Callable[[bool], None]) -> None:
        if data is None:
            return
        expect(isinstance(data, list) and len(data) == 2 and all(isinstance(part, list) for part in data))
        folders: dict[str, str] = {}
        for item in data[0]:
            expect(isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item))
            folders[item[0]] = item[1]
        candidates: dict[str, bool] = {}
        for item in data[1]:
            expect(isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and type(item[1]) is bool)
            candidates[item[0]] = item[1]
        self.stored = (folders, candidates)

    def heads_of(self, roots: tuple[str, ...]) -> set[str]:
        """The names in any of ``roots``' listings: a dotted name whose first part is none of them
        is no module there."""
        heads = self._heads.get(roots)
        if heads is None:
            heads = self._heads[roots] = set().union(*(self.listing(root) for root in roots))
        return heads

    def known(self, roots: tuple[str, ...]) -> dict[str, str | None]:
        """The names already looked up from ``roots``, and what each resolved to."""
        return self._found.setdefault(roots, {})

    def find(self, dotted: str, roots: tuple[str, ...]) -> str | None:
        """``Project.find_path`` in strings: the same candidates in the same order (``root/a/b.py``
        then ``root/a/b/__init__.py``, root by root), each looked for in its folder's listing
        first, so that a name that is no module there (most: the standard library, installed
        packages) costs no ``stat``."""
        known = self.known(roots)
        if dotted in known:
            return known[dotted]
        found: str | None = None
        parts = dotted.split(".")
        if parts[0].casefold() not in self.heads_of(roots):
            known[dotted] = None  # in no root's listing (most names: the standard library, packages)
            return None
        for root in roots:
            found = self._find_under(dotted, parts, root)
            if found is not None:
                break
        known[dotted] = found
        return found

    def _find_under(self, dotted: str, parts: list[str], root: str) -> str | None:
        """``dotted`` under one root (shared by the many folders whose roots list it)."""
        key = (dotted, root)
        if key in self._found_under:
            return self._found_under[key]
        found: str | None = None
        folder = root
        for part in parts[:-1]:
            if part.casefold() not in self.listing(folder):
                break
            folder = os.path.join(folder, part)
        else:
            if parts[-1].casefold() in self.listing(folder):
                for candidate in (os.path.join(folder, parts[-1] + ".py"), os.path.join(folder, parts[-1], "__init__.py")):
                    self._candidates[candidate] = os.path.isfile(candidate)
                    if self._candidates[candidate]:
                        found = candidate
                        break
        self._found_under[key] = found
        return found

    def listing(self, folder: str) -> set[str]:
        """The names in ``folder`` less a ``.py`` suffix, case-folded: a name not here is no
        module there, on a case-insensitive file system too."""
        if folder not in self._listings:
            try:
                names = os.listdir(folder)
            except OSError:
                names = []
            self._listings[folder] = {(n[:-3] if n.endswith(".py") else n).casefold() for n in names}
        return self._listings[folder]
