"""tradelint's Python API: check files or source text, get findings and fixes.

Also importable as ``tradelint`` (``import tradelint; tradelint.check_source(...)``). The CLI's
standard-input mode is built on these functions; the rest of the CLI uses the same engine with a
cache and worker processes on top.

Configuration is the one the CLI would use for the path (the nearest ``pyproject.toml`` with
``[tool.tradelint]``) unless ``config`` is given; ``select``/``ignore``/``preview`` then apply
as the command-line flags do.

>>> findings = check_source("import asyncio\\nasync def f(g):\\n    asyncio.create_task(g())\\n")
>>> [(f.line, f.code) for f in findings]
[(3, 'TRD301')]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from flake8_tradelint.config import Config, config_for
from flake8_tradelint.finding import Finding

__all__ = ["Config", "Finding", "FixResult", "check_paths", "check_source", "fix_source", "resolve_config"]


@dataclass(frozen=True)
class FixResult:
    """What :func:`fix_source` did: the fixed text (the input when nothing applied), how many
    findings its fixes repaired, the findings that remain, and why any fix was refused."""

    text: str
    fixed: int
    remaining: list[Finding]
    errors: list[str]


def resolve_config(
    path: str | os.PathLike[str],
    *,
    config: Config | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    preview: bool = False,
) -> Config:
    """The configuration for ``path`` with command-line style selection applied on top."""
    base = config if config is not None else config_for(Path(path))
    return base.with_cli(None if select is None else tuple(select), tuple(ignore), preview)


def check_source(
    source: str | bytes,
    path: str | os.PathLike[str] = "stdin.py",
    *,
    config: Config | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    preview: bool = False,
) -> list[Finding]:
    """Findings for ``source`` as if it were the file at ``path`` (its configuration,
    per-file-ignores and first-party imports apply). Never raises for bad input: a file that
    cannot be decoded or parsed gives one TRD001 finding."""
    from flake8_tradelint.engine import Checker

    target = Path(path)
    cfg = resolve_config(target, config=config, select=select, ignore=ignore, preview=preview)
    return Checker().check_source(target, source, cfg, display=str(path))


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    config: Config | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    preview: bool = False,
) -> list[Finding]:
    """Findings for the given files (not folders), checked together so that cross-module rules
    see each other, in the order given."""
    from flake8_tradelint.engine import Checker

    checker = Checker()
    found: list[Finding] = []
    for raw in paths:
        path = Path(raw)
        cfg = resolve_config(path, config=config, select=select, ignore=ignore, preview=preview)
        found.extend(checker.check_path(path, cfg, display=str(raw)))
    return found


def fix_source(
    source: str | bytes,
    path: str | os.PathLike[str] = "stdin.py",
    *,
    unsafe: bool = False,
    config: Config | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    preview: bool = False,
) -> FixResult:
    """Apply the fixes ``tradelint --fix`` (``unsafe``: ``--unsafe-fixes``) would apply to
    ``source`` as the file at ``path``; nothing is written. The same checks as ``--fix`` guard
    the result: a fixed text that would not be a sound program is refused (see ``errors``)."""
    from flake8_tradelint.fix.fixer import SourceFile, compute_fixes

    target = Path(path)
    cfg = resolve_config(target, config=config, select=select, ignore=ignore, preview=preview)
    data = source.encode("utf-8") if isinstance(source, str) else source
    text = source if isinstance(source, str) else None
    try:
        read = SourceFile.from_bytes(target, data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        remaining = check_source(data, path, config=cfg)
        return FixResult(text if text is not None else data.decode("utf-8", "replace"), 0, remaining, [])
    outcome = compute_fixes({target: cfg}, unsafe, {target: str(path)}, sources={target: read})
    new_text = next(iter(outcome.new_texts.values()), read.text)
    return FixResult(new_text, outcome.fixed, outcome.findings, outcome.errors)
