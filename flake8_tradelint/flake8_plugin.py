"""flake8 front-end: flake8 hands over the parsed tree; the engine does the rest.

``# noqa`` is applied by the engine with tradelint's one grammar (suppression.py), as under the
CLI and mypy; flake8's own pass compares codes case-sensitively and knows no equivalent codes, so
it would report lines the CLI silences. ``--disable-noqa`` turns both off. A flake8 ``select``
that names TRD codes is the highest-priority selection, as the CLI's ``--select``: it replaces
``[tool.tradelint]``'s ``select`` and ``ignore``; flake8's ``--ignore`` then applies on top.

Results are cached as the command line's are, in the same folder (``.tradelint_cache``): a file
is checked again only when it, its configuration or a module it imports changed. flake8 options
(also in its configuration, ``tradelint-no-cache = true``): ``--tradelint-cache-dir DIR`` and
``--tradelint-no-cache`` (neither read nor write the cache), as the command line's
``--cache-dir`` and ``--no-cache``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any, ClassVar, Iterator, Sequence

from tradelint import __version__
from tradelint.api import DEFAULT_CACHE_DIR, Config, ConfigError, check_tree, config_for


def _tradelint_codes(codes: Sequence[str] | None) -> tuple[str, ...] | None:
    """The TRD codes among flake8's ``select``; ``T`` and ``TR`` mean every TRD code."""
    if not codes:
        return None
    picked = tuple("TRD" if "TRD".startswith(c) else c for c in (c.strip().upper() for c in codes))
    picked = tuple(c for c in picked if c.startswith("TRD"))
    return picked or None


# ``with_cli`` makes a new configuration; one per project serves every file of it, so that what
# is learnt per configuration (trigger words, which families a module can get) is learnt once.
_SELECTED: dict[tuple[int, tuple[str, ...]], tuple[Config, Config]] = {}


def _selected(config: Config, select: tuple[str, ...]) -> Config:
    known = _SELECTED.get((id(config), select))
    if known is None or known[0] is not config:
        known = _SELECTED[id(config), select] = (config, config.with_cli(select, ()))
    return known[1]


class TradelintPlugin:
    name = "tradelint"
    version = __version__
    apply_noqa: ClassVar[bool] = True
    select: ClassVar[tuple[str, ...] | None] = None
    cache_dir: ClassVar[Path | None] = None

    @classmethod
    def add_options(cls, parser: Any) -> None:
        parser.add_option(
            "--tradelint-cache-dir", default=str(DEFAULT_CACHE_DIR), parse_from_config=True, metavar="DIR",
            help="where tradelint keeps results between runs, shared with the tradelint command"
            " (default: %(default)s; safe to delete)",
        )
        parser.add_option(
            "--tradelint-no-cache", action="store_true", parse_from_config=True,
            help="tradelint neither reads nor writes its cache",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.apply_noqa = not getattr(options, "disable_noqa", False)
        cls.select = _tradelint_codes(getattr(options, "select", None))
        folder = getattr(options, "tradelint_cache_dir", None) or str(DEFAULT_CACHE_DIR)
        # Standard input (``-``, whatever ``--stdin-display-name`` calls it: an editor's unsaved
        # buffer) is not the file on disk the cache's keys are read from.
        stdin = "-" in (getattr(options, "filenames", None) or ())
        off = stdin or getattr(options, "tradelint_no_cache", False)
        # Absolute now: the cache is one folder whatever a later change of directory does.
        cls.cache_dir = None if off else Path(os.path.abspath(folder))

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
                config = _selected(config, self.select)
        except ConfigError as exc:
            yield 1, 0, "TRD002 " + "; ".join(exc.messages), type(self)
            return
        source = "".join(self.lines)
        findings = check_tree(
            path, source, self.tree, config, display=self.filename, apply_noqa=self.apply_noqa,
            cache_dir=None if stdin else self.cache_dir,
        )
        for finding in findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
