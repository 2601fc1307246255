"""flake8 front-end: flake8 hands over the parsed tree; the engine does the rest.

``# noqa`` is applied by the engine with tradelint's one grammar (suppression.py), as under the
CLI and mypy; flake8's own pass compares codes case-sensitively and knows no equivalent codes, so
it would report lines the CLI silences. ``--disable-noqa`` turns both off. A flake8 ``select``
that names TRD codes is the highest-priority selection, as the CLI's ``--select``: it replaces
``[tool.tradelint]``'s ``select`` and ``ignore``; flake8's ``--ignore`` then applies on top.
"""

from __future__ import annotations

import ast
import gc
import os
from pathlib import Path
from typing import Any, ClassVar, Iterator, Sequence

from flake8_tradelint import __version__, context
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
        budget = context.MODULE_BUDGET  # read now: benchmarks and tests set it
        if budget is not None:
            budget = min(budget, FLAKE8_MODULE_BUDGET)
        _CHECKER = Checker(Project(keep_checked=False, module_budget=budget), batch=True)
    return _CHECKER


# The plugin's budget of modules kept for lookups, in bytes of source, smaller than the CLI's:
# what it keeps adds to what flake8 holds itself, and its time is a small part of flake8's
# (pycodestyle, pyflakes), so reading a module again costs little next to it. On the application
# subset (619 files) the plugin's peak went from 256 MB (4 MiB) to 85 MB (bare flake8: 58 MB),
# at the same CPU (29.8 and 30.2 s of flake8's 27.6 s).
FLAKE8_MODULE_BUDGET = 256 * 2**10


def _tradelint_codes(codes: Sequence[str] | None) -> tuple[str, ...] | None:
    """The TRD codes among flake8's ``select``; ``T`` and ``TR`` mean every TRD code."""
    if not codes:
        return None
    picked = tuple("TRD" if "TRD".startswith(c) else c for c in (c.strip().upper() for c in codes))
    picked = tuple(c for c in picked if c.startswith("TRD"))
    return picked or None


class TradelintPlugin:
    name = "tradelint"
    version = __version__
    # Set from flake8's options once per run (``parse_options``).
    apply_noqa: ClassVar[bool] = True
    select: ClassVar[tuple[str, ...] | None] = None

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.apply_noqa = not getattr(options, "disable_noqa", False)
        cls.select = _tradelint_codes(getattr(options, "select", None))

    def __init__(self, tree: ast.Module, filename: str, lines: Sequence[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        stdin = self.filename in ("stdin", "-", None)
        path = Path(os.getcwd()) / "stdin.py" if stdin else Path(self.filename)
        try:
            config = config_for(path)
            if self.select is not None:
                config = config.with_cli(self.select, ())
        except ConfigError as exc:
            yield 1, 0, "TRD002 " + "; ".join(exc.messages), type(self)
            return
        source = "".join(self.lines)
        # The checker freezes what is alive when it indexes a tree and after each file (see
        # below), and a frozen cycle is never collected: other plugins' garbage must be gone
        # first. pyflakes' scopes and bindings point at each other and at the tree's nodes, so
        # each file's tree stayed alive in them, frozen (a 3.6 GB peak over the corpus; 112,731
        # objects after 179 files of aiohttp and driftpy). A full collection walks only what is
        # not frozen: what flake8 and its plugins made since the last file.
        gc.collect()
        checker = _checker()
        # flake8 holds its own tokens, lines, tree and pyflakes' scopes of this file meanwhile:
        # the modules kept for lookups make room for it, so that the plugin's share stays within
        # its budget (telethon's 2.8 MiB generated module: flake8's 364 MB, then the plugin's).
        checker.project.make_room(len(source))
        with collector_paused():  # as the CLI does: no collection walks while the index is built
            findings = checker.check_source(
                path, source, config, display=self.filename, tree=self.tree, apply_noqa=self.apply_noqa
            )
        # The checker froze the tree once indexed, collected the check's young garbage and
        # froze what lives on (``Checker._between_files``): later collections walk none of it,
        # and the modules parsed for lookups are forgotten past the project's budget.
        for finding in findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
