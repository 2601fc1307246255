"""The JSON shapes the cache stores findings in, and the checks that read any stored value: a
value of another shape makes the whole cache ignored (``CacheIgnored``), never half-trusted."""

from __future__ import annotations

from typing import Any

from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Edit, Fix, Span


class CacheIgnored(Exception):
    """Why a cache file is not used, worded for the one warning a run may print."""


def _finding_data(finding: Finding) -> list[Any]:
    fix = finding.fix
    fix_data = None
    if fix is not None:
        fix_data = [
            fix.title,
            fix.safety,
            [[e.kind, e.path, [e.span.line, e.span.col, e.span.end_line, e.span.end_col], [list(p) for p in e.params]]
             for e in fix.edits],
        ]
    return [
        finding.line, finding.column, finding.code, finding.message, finding.end_line, finding.end_column, fix_data,
        finding.help,
    ]


def _expect(condition: bool) -> None:
    if not condition:
        raise CacheIgnored("unexpected content")


def _str(value: Any) -> str:
    _expect(isinstance(value, str))
    return str(value)


def _int(value: Any) -> int:
    _expect(type(value) is int)
    return int(value)


def _list(value: Any, length: int | None = None) -> list[Any]:
    _expect(isinstance(value, list) and (length is None or len(value) == length))
    return list(value)


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _finding_from(data: Any) -> Finding:
    line, column, code, message, end_line, end_column, fix_data, help = _list(data, 8)
    fix = None
    if fix_data is not None:
        title, safety, edits = _list(fix_data, 3)
        _expect(safety in ("safe", "unsafe"))
        parsed: list[Edit] = []
        for edit in _list(edits):
            kind, path, span, params = _list(edit, 4)
            l1, c1, l2, c2 = (_int(v) for v in _list(span, 4))
            pairs = tuple((_str(k), _str(v)) for k, v in (_list(p, 2) for p in _list(params)))
            parsed.append(Edit(_str(kind), _str(path), Span(l1, c1, l2, c2), pairs))
        fix = Fix(_str(title), "safe" if safety == "safe" else "unsafe", tuple(parsed))
    return Finding(
        "", _int(line), _int(column), _str(code), _str(message), _int(end_line), _int(end_column), fix,
        _optional_str(help),
    )
