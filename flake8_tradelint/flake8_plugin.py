"""flake8 front-end: flake8 hands over the parsed tree; the engine does the rest.

flake8 applies ``# noqa`` itself, so the engine's own noqa pass is off here, and its
``--select``/``--ignore`` apply on top of ``[tool.tradelint]`` (which is honoured as under the CLI).
"""

from __future__ import annotations

import ast
import gc
import os
from pathlib import Path
from typing import Any, Iterator, Sequence

from flake8_tradelint import __version__
from flake8_tradelint.config import ConfigError, config_for
from flake8_tradelint.context import Project
from flake8_tradelint.engine import Checker, collector_paused

_CHECKER: Checker | None = None


def _checker() -> Checker:
    # One per process: flake8's worker processes each parse a first-party module at most once.
    global _CHECKER
    if _CHECKER is None:
        # flake8 hands over a tree per file and holds none of them; kept alive here, every
        # tree would make the collector's walks and flake8's exit slower (a third of the time).
        _CHECKER = Checker(Project(keep_checked=False))
    return _CHECKER


class TradelintPlugin:
    name = "tradelint"
    version = __version__

    def __init__(self, tree: ast.Module, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        stdin = self.filename in ("stdin", "-", None)
        path = Path(os.getcwd()) / "stdin.py" if stdin else Path(self.filename)
        try:
            config = config_for(path)
        except ConfigError as exc:
            yield 1, 0, f"TRD002 {exc}", type(self)
            return
        source = "".join(self.lines)
        with collector_paused():  # as the CLI does: no collection walks while the index is built
            findings = _checker().check_source(
                path, source, config, display=self.filename, tree=self.tree, apply_noqa=False
            )
        # The modules parsed for cross-module lookups stay alive for the whole run, and every
        # collection of the oldest generation walks them again: that was the plugin's whole
        # overhead under flake8 (1.47x plain flake8 with, 1.0x without). Freezing what is alive
        # now takes it out of later collections. Only cyclic garbage that is alive at this
        # moment stays unreclaimed; plain garbage is still freed by reference counting, and the
        # young generation is collected first.
        gc.collect(0)
        gc.freeze()
        for finding in findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
