"""Static findings against the pytest plugin's last report: a TRD2xx/TRD3xx finding whose lines
hold a runtime leak of its family is confirmed; a leak in a checked file that no static finding
covers is listed apart, with its shape, as a candidate for a rule."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Iterable, TextIO

from tradelint.core.finding import Finding
from tradelint.runtime.leaks import KIND_TEXT, Leak

REPORT_NAME = "runtime.json"


def load_leaks(path: Path) -> list[Leak] | None:
    """The leaks of the report at ``path``; None when there is none or it cannot be read (a
    report is a hint, never a reason for the check to fail)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Leak(**leak) for leak in data["leaks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def _family(code: str) -> str:
    return code[:4]  # TRD2, TRD3


def confirm(findings: list[Finding], leaks: list[Leak], checked: Iterable[Path]) -> tuple[list[Finding], list[Leak]]:
    """The findings with ``confirmed`` set on every TRD2xx/TRD3xx one, and the leaks in checked
    files that no finding of their family covers (one per site, kind and code)."""
    by_file: dict[str, list[int]] = {}
    for i, leak in enumerate(leaks):
        by_file.setdefault(_real(leak.path), []).append(i)
    matched: set[int] = set()
    out = []
    for finding in findings:
        family = _family(finding.code)
        if family not in ("TRD2", "TRD3"):
            out.append(finding)
            continue
        hits = [
            i
            for i in by_file.get(_real(finding.path), ())
            if _family(leaks[i].code) == family and finding.line <= leaks[i].line <= finding.end_line
        ]
        matched.update(hits)
        out.append(replace(finding, confirmed=bool(hits)))
    files = {_real(str(path)) for path in checked}
    unmatched: dict[tuple[str, int, str, str], Leak] = {}
    for i, leak in enumerate(leaks):
        if i not in matched and _real(leak.path) in files:
            unmatched.setdefault((leak.path, leak.line, leak.kind, leak.code), leak)
    return out, list(unmatched.values())


def write_runtime_only(report: Path, confirmed: int, leaks: list[Leak], stream: TextIO, quiet: bool = False) -> None:
    """What the runtime report adds to a check: how many findings it confirmed (not with
    ``--quiet``), and the leaks no static rule found, each with the code of its shape (``TRD3xx``
    when the shape is unknown)."""
    if not quiet:
        print(f"Runtime report {report}: {confirmed} finding{'' if confirmed == 1 else 's'} confirmed", file=stream)
    if not leaks:
        return
    print(f"Runtime leaks no static rule found ({len(leaks)}):", file=stream)
    for leak in sorted(leaks, key=lambda leak: (leak.path, leak.line, leak.kind)):
        path = os.path.relpath(leak.path) if os.path.isabs(leak.path) else leak.path
        test = f" [{leak.test}]" if leak.test else ""
        code = leak.code if len(leak.code) > 4 else f"{leak.code}xx"
        print(
            f"  {path}:{leak.line}: {code} ({leak.shape}) {leak.what} {KIND_TEXT.get(leak.kind, leak.kind)}{test}",
            file=stream,
        )
