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
from typing import TYPE_CHECKING, Iterable

from tradelint.core.config import Config, ConfigError, clear_cache, config_for
from tradelint.core.files import UnreadableFile, read_source_bytes
from tradelint.core.finding import Finding
from tradelint.core.registry import ENGINE_CODES, all_rules
from tradelint.core.rename_packs import Rename
from tradelint.core.suppression import suppressed_at
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.file_context import FileContext
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.dataclasses.dataclass_model import (
    classvars_unbound_at_runtime,
    constants_without_classvar,
    is_upper_constant,
    overridden_fields,
)
from tradelint.models.dataclasses.field_intent import reported_constants
from tradelint.models.tasks.task_factories import tasks_kept_by_a_factory
from tradelint.models.tasks.task_model import TaskAnalysis
from tradelint.rules.classvar_only_bound_under_type_checking import ClassVarOnlyBoundUnderTypeChecking
from tradelint.rules.dataclass_constant_without_classvar import DataclassConstantWithoutClassVar
from tradelint.rules.dataclass_field_overridden_by_class_attribute import DataclassFieldOverriddenByClassAttribute
from tradelint.rules.discarded_task import DiscardedTask
from tradelint.rules.renamed_attribute import RenamedAttribute
from tradelint.runner.engine import SourceError, decode_source
from tradelint.runner.runner import DEFAULT_CACHE_DIR

if TYPE_CHECKING:
    import ast

    from tradelint.runner.demand import HostedDemand
    from tradelint.runner.engine import Checker

__all__ = [
    "DEFAULT_CACHE_DIR",
    "Config",
    "ConfigError",
    "Finding",
    "FixResult",
    "check_paths",
    "check_source",
    "check_tree",
    "config_for",
    "fix_source",
    "resolve_config",
    # For front-ends that another tool hosts (the mypy plugin): what they report through it, read
    # from the same models, rules and configuration as every other front-end.
    "ENGINE_CODES",
    "FUNCTION_NODES",
    "ClassVarOnlyBoundUnderTypeChecking",
    "DataclassConstantWithoutClassVar",
    "DataclassFieldOverriddenByClassAttribute",
    "DiscardedTask",
    "FileContext",
    "ModuleInfo",
    "Project",
    "ProjectChecker",
    "Rename",
    "RenamedAttribute",
    "SourceError",
    "TaskAnalysis",
    "UnreadableFile",
    "all_rules",
    "classvars_unbound_at_runtime",
    "clear_cache",
    "constants_without_classvar",
    "decode_source",
    "fit_to_build",
    "is_upper_constant",
    "overridden_fields",
    "read_source_bytes",
    "reported_constants",
    "suppressed_at",
    "tasks_kept_by_a_factory",
]


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
    from tradelint.runner.engine import Checker

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
    from tradelint.runner.engine import Checker

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
    from tradelint.runner.fixer import SourceFile, compute_fixes

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


class ProjectChecker:
    """The CLI's checks of whole files for a host that runs tradelint inside its own build (the
    mypy plugin), in the host's :class:`Project`, which its other questions share: each
    first-party module is parsed once. Files are read from disk as the CLI reads them; ``noqa``
    applies; fixes are not verified (a host shows none)."""

    def __init__(self, project: Project) -> None:
        from tradelint.runner.engine import Checker

        self._checker = Checker(project)
        self._checker.verify_fixes = False

    def check_path(self, path: Path, config: Config, *, display: str) -> list[Finding]:
        from tradelint.runner.engine import collector_paused

        with collector_paused():
            return self._checker.check_path(path, config, display=display)


def fit_to_build(project: Project, paths: Iterable[Path]) -> None:
    """Bound ``project``'s memory as the CLI bounds a run over ``paths``, the files a host's build
    checks (``runner.workers.bounded_run``): a small build keeps every tree its questions parse, a
    large one keeps the module budget. Bounded, the project forgets its trees and memos after each
    file, and a search that reads the whole project (a dataclass field's uses) parses its modules
    again for the next file: the oracle's 17 files under mypy made 3,088 parses, 2,571 of them
    again, where the CLI, keeping every tree, made 514."""
    from tradelint.facts import context
    from tradelint.runner import workers

    files = list(paths)
    if workers.bounded_run(sum(map(workers.file_size, files)), len(files)):
        project.module_budget, project.summary_limit = context.MODULE_BUDGET, context.SUMMARY_LIMIT
    else:
        project.module_budget = project.summary_limit = None


# A host that keeps its own trees and plugins alive (flake8) leaves less room: the modules kept
# for lookups stay within this budget there (the CLI keeps 2.25 MiB). Not below the size of a base
# every file of a package asks for: at 256 KiB, ccxt's 450 KB ``base/exchange.py`` (under its
# 150 KB async base) never stayed, and was parsed again for each of ccxt's 721 files (1,902
# parses again over the corpus, 594 in ccxt; at 1 MiB 245 there, the same peak: 200 MB).
HOSTED_MODULE_BUDGET = 2**20

_HOSTED: list[Checker] = []
_HOSTED_DEMAND: list[HostedDemand] = []


def _hosted_checker() -> Checker:
    if not _HOSTED:
        from tradelint.facts import context
        from tradelint.runner.engine import Checker
        from tradelint.runner.hosted_cache import RecordingProject

        budget = context.MODULE_BUDGET  # read now: benchmarks and tests set it
        if budget is not None:
            budget = min(budget, HOSTED_MODULE_BUDGET)
        hosted = Checker(RecordingProject(keep_checked=False, module_budget=budget), batch=True)
        # A host (flake8) shows no fixes: none is worked out, so none is verified with libcst.
        hosted.verify_fixes = hosted.show_fixes = False
        _HOSTED.append(hosted)
    return _HOSTED[0]


def check_tree(
    path: Path,
    source: str,
    tree: ast.Module,
    config: Config,
    *,
    display: str,
    apply_noqa: bool = True,
    on_demand: bool = True,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """Findings for a file that a host (flake8) has already parsed into ``tree``; one checker
    serves every file of the run, so cross-module facts are learnt once. ``on_demand``: only the
    rule families the file's words, and those of the first-party modules it imports, can start
    a finding for run on it (``demand.HostedDemand``); a file with none is not looked at. The
    findings carry no fixes (a host shows none): see ``FileContext.fixes``. ``cache_dir``: the
    results are read from and stored in the cache there, as the command line's are
    (``runner.hosted_cache``); the file must be ``path`` on disk (not standard input)."""
    import gc

    from tradelint.runner.demand import HostedDemand
    from tradelint.runner.engine import collector_paused
    from tradelint.runner.hosted_cache import HostedCache, RecordingProject, hosted_cache, names_from_tree

    cached: HostedCache | None = None
    key: str | None = None
    if cache_dir is not None:
        cached = hosted_cache(cache_dir)
        key = cached.key(path, config, apply_noqa)
        if key is not None:
            hit = cached.get(path, key, display)
            if hit is not None:
                return hit

    families: frozenset[str] | None = None
    if on_demand:
        if not _HOSTED_DEMAND:
            _HOSTED_DEMAND.append(HostedDemand(_hosted_checker().project))
        families = _HOSTED_DEMAND[0].families(path, source.encode("utf-8", "surrogatepass"), config)
        if not families:
            if cached is not None and key is not None:
                project = _hosted_checker().project
                cached.put(path, key, [], (), names_from_tree(project, path, tree, source), config, project)
            return []
        if "any" in families:
            families = None

    # The checker freezes what is alive when it indexes a tree and after each file, and a frozen
    # cycle is never collected: the host's garbage must be gone first. pyflakes' scopes and
    # bindings point at each other and at the tree's nodes, so each file's tree stayed alive in
    # them, frozen (a 3.6 GB peak over the corpus; 112,731 objects after 179 files of aiohttp
    # and driftpy). A full collection walks only what is not frozen: what the host and its
    # plugins made since the last file. (Freezing nothing instead costs more: flake8's own
    # collections then walk what it keeps, 2.0 s of collection against 0.8 s on 619 files.)
    gc.collect()
    checker = _hosted_checker()
    # The host holds its own tokens, lines, tree and scopes of this file meanwhile: the modules
    # kept for lookups make room for it, so that tradelint's share stays within its budget
    # (telethon's 2.8 MiB generated module: flake8's 364 MB, then the plugin's).
    checker.project.make_room(len(source))
    project = checker.project
    assert isinstance(project, RecordingProject)
    project.scans.clear()
    project.recording, project.checked_names = key is not None, None
    try:
        with collector_paused():  # as the CLI does: no collection walks while the index is built
            # The checker froze the tree once indexed, collected the check's young garbage and
            # froze what lives on (``Checker._between_files``): later collections walk none of it,
            # and the modules parsed for lookups are forgotten past the project's budget.
            findings = checker.check_source(
                path, source, config, display=display, tree=tree, apply_noqa=apply_noqa, families=families
            )
    finally:
        project.recording = False
    if cached is not None and key is not None:
        cached.put(path, key, findings, tuple(sorted(project.scans)), project.checked_names, config, project)
    return findings
