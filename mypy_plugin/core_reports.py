"""What the core finds in a module, reported once mypy has type-checked it: the plugin reports
what ``tradelint`` and flake8 report for every rule it has a code for.

The hooks see what mypy type-checks: calls, attributes and classes, with their types. mypy
type-checks no statement of a function without annotations (unless ``check_untyped_defs``), and
several shapes of a rule are no call whose value is discarded (a task bound to ``_``, chained
into ``add_done_callback``, returned by a lambda that a loop callback drops), so the hooks alone
miss what the CLI finds from the source. mypy calls ``get_additional_indirect_deps`` for each
module right after checking it, before the module's errors are written out: the core checks
the file then, as the CLI does, and what no hook reported on that line with that code is
reported through mypy's error collector for the module (``# type: ignore[trd301]``,
``disable_error_code`` and ``# noqa`` apply as to any other report).
"""

from __future__ import annotations

import gc
from pathlib import Path

from mypy.checker import TypeChecker
from mypy.errors import Errors
from mypy.nodes import MypyFile

from mypy_plugin.codes import ERROR_CODES, already_reported
from mypy_plugin.core_bridge import INSTALLED_DIRS, CoreBridge
from mypy_plugin.settings import TYPESHED, Settings
from tradelint.api import Config, Finding, ProjectChecker

# The rules the hooks add types to (dataclass_checks, task_checks, rename_checks): the plugin
# reports each of them wherever the CLI does, and what types add. The others, which types do
# not help, are left to ``tradelint`` and flake8 (every rule has a code, for ``type: ignore``).
CLAIMED = ("TRD101", "TRD102", "TRD103", "TRD301", "TRD401")


def build_errors(file: MypyFile) -> Errors | None:
    """The build's error collector: plugins are handed it only inside a hook's context, and the
    checker of the module just checked holds it (looked for once per build)."""
    for holder in gc.get_referrers(file):
        if isinstance(holder, TypeChecker) and holder.tree is file:
            return holder.errors
    return None


class CoreReports:
    def __init__(self, settings: Settings, core: CoreBridge) -> None:
        self.settings = settings
        self.core = core
        self.checker = ProjectChecker(core.project)
        self._errors: Errors | None = None
        # The core's findings of a module, from the first hook that asks until the module has
        # been checked (then reported, and forgotten: the daemon may check it again, changed).
        self._findings: dict[str, list[Finding]] = {}

    def findings(self, path: str, config: Config) -> list[Finding]:
        """The CLI's findings for the file at ``path``."""
        found = self._findings.get(path)
        if found is None:
            self.core.checking(path)
            found = self._findings[path] = self.checker.check_path(Path(path), config, display=path)
        return found

    def decided(self, path: str, line: int, family: str, config: Config) -> bool:
        """Whether the core reports something of ``family`` (``TRD40``: a rename, known receiver
        or not) on ``line``: its verdict, reported when the module has been checked, is the CLI's."""
        return any(f.line == line and f.code.startswith(family) for f in self.findings(path, config))

    def module_checked(self, file: MypyFile) -> None:
        path = file.path
        pending = self._findings.pop(path, None)
        if file.is_stub or not path.endswith(".py") or path.startswith(TYPESHED):
            return
        if not INSTALLED_DIRS.isdisjoint(Path(path).parts):
            return  # an installed package: mypy reports nothing there
        errors = self._errors or build_errors(file)
        # The collector must be on this module (it is, right after its check): else say nothing.
        if errors is None or errors.file != path or path in errors.ignored_files:
            return
        self._errors = errors

        def problem(message: str) -> None:
            errors.report(1, 0, message, code=ERROR_CODES["TRD002"])

        config = self.settings.usable(path, problem)
        if config is None or not any(config.enabled(code, Path(path)) for code in CLAIMED):
            return
        if pending is None:
            pending = self.findings(path, config)
            del self._findings[path]
        for finding in pending:
            if finding.code not in CLAIMED or already_reported(path, finding.line, finding.code):
                continue
            errors.report(
                finding.line,
                finding.column - 1,
                finding.message,
                code=ERROR_CODES[finding.code],
                origin_span=range(finding.line, finding.end_line + 1),
                end_line=finding.end_line,
                end_column=finding.end_column - 1,
            )
