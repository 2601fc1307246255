"""Check one file: decode, parse once with ``ast``, run the enabled rules, apply ``noqa``."""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import sys
import tokenize
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from tradelint.core.config import Config
from tradelint.core.files import MAX_FILE_BYTES, UnreadableFile, read_source_bytes
from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Edit, Fix, FixSpec, Span
from tradelint.core.messages import fit
from tradelint.core.registry import Report, all_rules
from tradelint.core.suppression import suppressed_at
from tradelint.runner.unused_noqa import CODE as UNUSED_NOQA
from tradelint.runner.unused_noqa import unused_noqa
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.file_context import FileContext
from tradelint.facts.syntax import parse_module
from tradelint.facts.unpassed_defaults import under_unpassed_default
from tradelint.facts.awaitable_tests import under_false_awaitable_test
from tradelint.facts.uncalled_functions import uncalled_function
from tradelint.facts.unimportable import unimportable
from tradelint.facts.unreachable import JUDGED_FAMILIES, uncalled
from tradelint.runner.fix_check import verified

# TRD001's help when nothing more specific can be said.
NOT_CHECKED = "No rule ran on this file"


class SourceError(Exception):
    """The file cannot be turned into an ``ast``; the message says why, for a TRD001 finding."""

    def __init__(self, message: str, line: int = 1, column: int = 1, help: str = NOT_CHECKED) -> None:
        super().__init__(message)
        self.line = max(line, 1)
        self.column = max(column, 1)
        self.help = help


def decode_source(data: bytes) -> str:
    """Decode as Python does: BOM, then a coding cookie, then UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if exc.msg == "encoding problem: utf-8":
            raise SourceError(
                "cannot decode file: a UTF-8 byte order mark and a coding cookie for another encoding",
                help=DECODE_HELP,
            ) from None
        if not exc.msg.startswith("invalid or missing encoding declaration"):
            raise SourceError(f"cannot decode file: {exc.msg}", help=DECODE_HELP) from None
        # Not UTF-8 in the first two lines, no cookie: decoding below says which byte, where.
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise SourceError(
            f"cannot decode file as {encoding}: byte 0x{byte}: {exc.reason}", line, column, DECODE_HELP
        ) from None
    except LookupError as exc:
        raise SourceError(f"cannot decode file: {exc}", help=DECODE_HELP) from None
    return text[1:] if text.startswith("\ufeff") else text


GRAMMAR = f"Python {sys.version_info.major}.{sys.version_info.minor} grammar"
# Newer syntax than the running interpreter's fails to parse: the help says which grammar it was.
SYNTAX_HELP = f"Parsed with the {GRAMMAR}; no rule ran on this file"
DECODE_HELP = "No rule ran on this file; save it as UTF-8 or declare its encoding (PEP 263)"


def parse_source(text: str, filename: str) -> ast.Module:
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise SourceError("file contains a NUL byte: not Python source", line, nul - text.rfind("\n", 0, nul))
    try:
        return parse_module(text, filename=filename)
    except SyntaxError as exc:
        return _raise_syntax(exc)
    except ValueError as exc:
        raise SourceError(f"syntax error: {exc}", help=SYNTAX_HELP) from None
    except RecursionError:
        raise SourceError("file is too deeply nested to parse") from None
    except MemoryError:
        raise SourceError(OUT_OF_MEMORY) from None
    except SystemError:  # CPython's compile() out of memory: "returned NULL without setting an exception"
        raise SourceError(OUT_OF_MEMORY) from None


def _raise_syntax(exc: SyntaxError) -> ast.Module:
    # The grammar is the running interpreter's: newer syntax (``type X = int`` under 3.11) fails.
    raise SourceError(f"syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1, SYNTAX_HELP) from None


def _char_column(lines: list[str], line: int, byte_col: int) -> int:
    """0-based character column from ``ast``'s 0-based UTF-8 byte offset."""
    if not 1 <= line <= len(lines):
        return byte_col
    return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def node_span(lines: list[str], node: ast.AST) -> Span:
    line = getattr(node, "lineno", 1)
    end_line = getattr(node, "end_lineno", None) or line
    return Span(
        line,
        _char_column(lines, line, getattr(node, "col_offset", 0)),
        end_line,
        _char_column(lines, end_line, getattr(node, "end_col_offset", None) or 0),
    )


class Checker:
    """Runs rules over files; one per process, so first-party modules are parsed once."""

    def __init__(self, project: Project | None = None, *, batch: bool = False) -> None:
        self.project = project or Project()
        self.rules = {code: cls() for code, cls in all_rules().items()}
        # Checking many files in one process with the collector paused (the runner, the fixer,
        # the flake8 plugin): see ``_between_files``.
        self.batch = batch
        self.project.freeze_parsed = batch
        # Keep a fix only when it passes the fixer's checks (``fix_check``); off where nothing
        # shows fixes (flake8) and in the fixer, whose passes are the verification.
        self.verify_fixes = True
        # Whether findings carry fixes at all: a host that shows none (flake8) is spared the
        # work of finding them (``FileContext.fixes``).
        self.show_fixes = True

    def check_path(
        self, path: Path, config: Config, display: str | None = None, families: frozenset[str] | None = None
    ) -> list[Finding]:
        """Findings for the file at ``path``; ``families``: see :meth:`check_source`."""
        display = display or str(path)
        try:
            data = read_source_bytes(path)
        except UnreadableFile as exc:
            if exc.refused:
                return [_engine_finding(display, "TRD001", f"not checked: {exc}", help=REFUSED_HELP)]
            return [_engine_finding(display, "TRD001", str(exc))]
        return self.check_source(path, data, config, display=display, families=families)

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
        """Findings for one file; with ``families`` (``TRD3``...), only the rules of those
        families run (``demand``: the others cannot report there)."""
        if not self.batch:
            return self._check_source(path, source, config, display, tree, apply_noqa, families)
        try:
            return self._check_source(path, source, config, display, tree, apply_noqa, families)
        finally:
            self._between_files()

    def _between_files(self) -> None:
        """Memory stays bounded by what one file needs, and the collector walks each object once.

        A checked tree and its index are frozen as soon as they are built (``_check_source``),
        and so is a module parsed for a lookup (``Project.module_at``): they hold no cycles, so
        reference counting frees them, and no collection walks them. What the check made besides
        (its context and analyses point at each other) is young: one young collection frees the
        garbage among it, then what lives on is frozen too. The project then forgets modules over
        its budget.
        """
        gc.collect(0)
        self.project.end_file()
        gc.freeze()

    def _check_source(
        self,
        path: Path,
        source: bytes | str,
        config: Config,
        display: str | None,
        tree: ast.Module | None,
        apply_noqa: bool,
        families: frozenset[str] | None = None,
    ) -> list[Finding]:
        display = display or str(path)
        try:
            text = decode_source(source) if isinstance(source, bytes) else source
            if tree is None:
                tree = self.project.parsed(path) or parse_source(text, display)
        except SourceError as exc:
            # As ruff reports a syntax error whatever is selected: a file that cannot be parsed
            # was not checked, and saying "all checks passed" for it would be a lie.
            return [_engine_finding(display, "TRD001", str(exc), exc.line, exc.column, exc.help)]
        module = self.project.register(path, tree, text)
        if self.batch:
            module.index  # noqa: B018 (every rule reads it: built now, and frozen with the tree)
            gc.freeze()
        ctx = FileContext(module, config, fixes=self.show_fixes)
        reports: list[tuple[str, Report]] = []
        try:
            for code, rule in self.rules.items():
                if (families is None or code[:4] in families) and config.enabled(code, path):
                    reports.extend((code, report) for report in rule.check(ctx))
            # What an application never runs leaks nothing: a module that cannot be imported
            # (``facts.unimportable``), a method nothing names (``facts.unreachable``), a module's
            # function nothing names (``facts.uncalled_functions``), a branch
            # behind a parameter no call gives (``facts.unpassed_defaults``), or behind a test
            # that a plain function's result is awaitable (``facts.awaitable_tests``).
            if not config.check_uncalled_methods and any(code[:4] in JUDGED_FAMILIES for code, _ in reports):
                dead = unimportable(module)
                reports = [
                    (code, r) for code, r in reports
                    if code[:4] not in JUDGED_FAMILIES or not (
                        dead or uncalled(module, r.node) or uncalled_function(module, r.node) or under_unpassed_default(module, r.node)
                        or under_false_awaitable_test(module, r.node))
                ]
        except RecursionError:
            return [_engine_finding(display, "TRD001", "file is too deeply nested to analyse")]
        finally:
            if self.batch:
                # The context and its analyses point at each other; an analysis a memo keeps
                # (the ownership model keeps the first file's resource table) must not keep
                # this file's context, and its module and tree, with it.
                vars(ctx).clear()
        judge_noqa = apply_noqa and config.enabled(UNUSED_NOQA, path)
        if not reports and not judge_noqa:
            return []  # most files: no need to split the source into lines for columns and noqa
        lines = module.lines
        findings = {
            self._finding(module, display, code, report if self.show_fixes and config.fix_allowed(code) else replace(report, fix=None))
            for code, report in reports
        }
        if judge_noqa:
            unused = unused_noqa(text, findings, config, path, display, module.path)
            findings |= {f if config.fix_allowed(UNUSED_NOQA) else replace(f, fix=None) for f in unused}
        if apply_noqa:
            findings = {f for f in findings if f.code == UNUSED_NOQA or not suppressed_at(lines, f.line, f.code)}
        if self.verify_fixes and any(f.fix is not None for f in findings):
            return verified(sorted(findings), text, tree, module.path)
        return sorted(findings)

    def _finding(self, module: ModuleInfo, display: str, code: str, report: Report) -> Finding:
        span = node_span(module.lines, report.node)
        fix = None
        if report.fix is not None:
            fix = self._fix(module, report.fix)
        return Finding(
            display, span.line, span.col + 1, code, report.message, span.end_line, span.end_col + 1, fix, report.help
        )

    def _fix(self, module: ModuleInfo, spec: FixSpec) -> Fix | None:
        edits = []
        for edit in spec.edits:
            target = module if edit.path is None else self.project.module_at(edit.path)
            if target is None:
                return None
            span = node_span(target.lines, edit.node)
            edits.append(Edit(edit.kind, str(target.path), span, edit.params))
        return Fix(spec.title, spec.safety, tuple(edits))


REFUSED_HELP = f"Only regular files of at most {MAX_FILE_BYTES // 2**20} MiB are checked"


# A file whose check ran out of memory (a ``ulimit``, a container's limit): one line for it, and
# the run goes on with the next file once what the project kept is released.
OUT_OF_MEMORY = "not checked: out of memory while checking this file"


def out_of_memory(display: str) -> Finding:
    return _engine_finding(display, "TRD001", OUT_OF_MEMORY)


def _engine_finding(
    display: str, code: str, message: str, line: int = 1, column: int = 1, help: str = NOT_CHECKED
) -> Finding:
    # A message quotes what it cannot control (a link's target, the parser's words): cut to the limit.
    return Finding(display, line, column, code, fit("{m}", m=message), line, column, help=help)


def check_files(paths: Iterable[Path], config: Config) -> list[Finding]:
    """Convenience for tests and the mypy plugin: one checker, one config."""
    checker = Checker()
    found: list[Finding] = []
    for path in paths:
        found.extend(checker.check_path(path, config))
    return found


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while files are checked.

    Trees and indexes are built of millions of container objects that all stay alive, and
    each young collection walked them once more before they could be frozen: 1.1 s of a 17 s
    check of the corpus (1,346 collections). The analyses make few cycles (a file's context
    and its analyses), so pausing the collector costs no measurable memory; it is restored, not
    just re-enabled, so a caller that had turned it off keeps it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
