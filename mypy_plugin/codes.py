"""One mypy error code per tradelint rule, named after it (``trd102``), so that
``disable_error_code = ["trd102"]`` and ``# type: ignore[trd102]`` work like any mypy code.

Codes and descriptions come from the core's rule registry: nothing here lists rules by hand.
"""

from __future__ import annotations

from pathlib import Path

from mypy.errorcodes import ErrorCode
from mypy.nodes import Context
from mypy.plugin import CheckerPluginInterface, SemanticAnalyzerPluginInterface

from tradelint.api import ENGINE_CODES, all_rules, suppressed_at

CATEGORY = "tradelint"


def _build() -> dict[str, ErrorCode]:
    codes = {code: ErrorCode(code.lower(), rule.name, CATEGORY) for code, rule in all_rules().items()}
    # A broken [tool.tradelint] table is reported through mypy as TRD002, as under flake8.
    codes["TRD002"] = ErrorCode("trd002", ENGINE_CODES["TRD002"], CATEGORY)
    return codes


ERROR_CODES = _build()


_LINES: dict[str, list[str]] = {}
# What the hooks reported, by file: (line, code). The core's report of the module skips these.
_REPORTED: dict[str, set[tuple[int, str]]] = {}


def _source_lines(path: str) -> list[str]:
    """The file's lines as the CLI reads them, once per file and build."""
    lines = _LINES.get(path)
    if lines is None:
        from tradelint.api import SourceError, UnreadableFile, decode_source, read_source_bytes

        try:
            lines = decode_source(read_source_bytes(Path(path))).splitlines()
        except (UnreadableFile, SourceError):
            lines = []
        _LINES[path] = lines
    return lines


def fail(api: CheckerPluginInterface | SemanticAnalyzerPluginInterface, message: str, context: Context, code: str) -> None:
    """Report ``code`` unless the line's ``# noqa`` silences it, with the grammar the CLI and the
    flake8 plugin use (suppression.py): mypy users see what flake8 users see."""
    path = api.path if isinstance(api, CheckerPluginInterface) else api.modules[api.cur_mod_id].path
    _REPORTED.setdefault(path, set()).add((context.line, code))
    if suppressed_at(_source_lines(path), context.line, code):
        return
    api.fail(message, context, code=ERROR_CODES[code])


def already_reported(path: str, line: int, code: str) -> bool:
    return (line, code) in _REPORTED.get(path, ())


def forget_source(path: str) -> None:
    _LINES.pop(path, None)
    _REPORTED.pop(path, None)


def forget_sources() -> None:
    _LINES.clear()
    _REPORTED.clear()
