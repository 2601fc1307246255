"""Fixes for editor buffers (the language server): the text in memory, not the disk.

``--fix`` reads its files from the disk (:func:`tradelint.runner.fixer.compute_fixes`); an
editor's buffer is newer than the disk. These functions hand the buffers to the same fixer passes
(``_fix_passes``: the same successive passes, the same refusals of fixes that do not parse, do not
settle or cannot be encoded), so an edit offered in the editor is the edit ``--fix`` would write
for the same text.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Mapping

from tradelint.core.config import Config
from tradelint.core.finding import Finding
from tradelint.facts.context import Project
from tradelint.runner import fixer
from tradelint.runner.engine import Checker, collector_paused
from tradelint.runner.fixer import FixOutcome, SourceFile


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def buffer_source(path: Path, text: str) -> SourceFile:
    """A buffer as the fixer's snapshot of a file: UTF-8, as editors hand text over."""
    return SourceFile(_key(path), text.encode("utf-8", "surrogatepass"), "utf-8", False, text)


def disk_source(path: Path) -> SourceFile | None:
    try:
        return SourceFile.read(path)
    except Exception:  # unreadable or undecodable: the check reports it; never fixed
        return None


class _OnlyOneFix(Checker):
    """A checker whose findings keep their fix only for one finding (by code and position).

    The fixer applies every applicable fix it is shown; "apply this fix" must apply one, through
    the same passes and checks, so the others are hidden from it. After the first pass the chosen
    finding is gone (fixed) and nothing else is applied."""

    def __init__(self, project: Project, target: Path, finding: Finding) -> None:
        super().__init__(project)
        self.target = _key(target)
        self.wanted = (finding.code, finding.line, finding.column, finding.end_line, finding.end_column)
        self.passes = 0

    def check_source(
        self,
        path: Path,
        source: bytes | str,
        config: Config,
        *,
        display: str | None = None,
        tree: ast.Module | None = None,
        apply_noqa: bool = True,
        families: frozenset[str] | None = None,
    ) -> list[Finding]:
        found = super().check_source(
            path, source, config, display=display, tree=tree, apply_noqa=apply_noqa, families=families
        )
        first = self.passes == 0 and _key(path) == self.target
        if _key(path) == self.target:
            self.passes += 1
        return [
            f if first and (f.code, f.line, f.column, f.end_line, f.end_column) == self.wanted else _without_fix(f)
            for f in found
        ]


def _without_fix(finding: Finding) -> Finding:
    if finding.fix is None:
        return finding
    return Finding(
        finding.path, finding.line, finding.column, finding.code, finding.message,
        finding.end_line, finding.end_column, None, finding.help,
    )


def fix_buffers(
    files: Mapping[Path, Config],
    buffers: Mapping[Path, str],
    unsafe: bool,
    only: tuple[Path, Finding] | None = None,
) -> FixOutcome:
    """Fixes for ``files`` (their text from ``buffers`` where open, else from the disk), computed
    as ``--fix`` computes them; nothing is written. Other modules are read from ``buffers`` too
    (a base class being edited). ``only``: apply that one finding's fix in that file, nothing else.

    ``outcome.new_texts`` holds the fixed text of each changed file, ``outcome.sources`` the text
    the fixes were computed on."""
    overlay = {_key(path): text for path, text in buffers.items()}
    sources: dict[Path, SourceFile] = {}
    for path in files:
        key = _key(path)
        source = buffer_source(key, overlay[key]) if key in overlay else disk_source(key)
        if source is not None:
            sources[key] = source
            overlay[key] = source.text
    project = Project(overlay=overlay)
    checker = Checker(project) if only is None else _OnlyOneFix(project, only[0], only[1])
    display = {path: str(path) for path in files}
    with collector_paused():
        return fixer._fix_passes(dict(files), unsafe, display, None, sources, project, checker)
