"""A verdict kept with the scans of the project's folder it relied on.

Some facts read the project's files as a whole to answer (which files name a word, which folders
hold a module: ``Project.note_scan``). The cache must know every file whose findings relied on
such a scan, so that it checks the file again when a file it scanned for changes. A verdict kept
in the project's ``class_memo`` is asked by many files: each asker, the first or a later one,
notes the scans the verdict relied on (:func:`scanned_verdict`), and the judge records each scan
as it makes it (:func:`note`). Used by ``unreachable`` (a class named outside its body),
``uncalled_functions`` and ``unimportable``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from tradelint.facts.context import Project

__all__ = ["Scans", "note", "scanned_verdict"]

# Scans a kept verdict relied on: ``(kind, folder)``, as ``Project.note_scan`` takes them.
Scans = list[tuple[str, Path]]


def note(project: Project, kind: str, folder: Path, into: Scans) -> None:
    """``project.note_scan(kind, folder)``, recorded in ``into`` for the verdict being judged."""
    project.note_scan(kind, folder)
    into.append((kind, folder))


def scanned_verdict(project: Project, key: tuple[Any, ...], judge: Callable[[Scans], bool]) -> bool:
    """``judge``'s verdict, kept in ``class_memo`` under ``key`` with the scans it recorded in the
    list it is given (:func:`note`): judged once, and each later asker notes those scans again."""
    memo = project.class_memo
    if key not in memo:
        scans: Scans = []
        memo[key] = (judge(scans), scans)
    else:
        for kind, folder in memo[key][1]:
            project.note_scan(kind, folder)
    return bool(memo[key][0])
