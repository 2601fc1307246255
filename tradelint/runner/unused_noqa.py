"""TRD003, ruff's RUF100 for tradelint's codes: a ``# noqa: TRD...`` code that silences nothing.

Only TRD codes are judged (another linter's codes are that linter's business), only those of
rules that run on the file (a code of a rule that is not selected may be needed when it is), and
never a bare ``# noqa`` (it may be there for another tool). Its fix removes the unused codes, or
the directive when none is left.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path
from typing import Iterable

from tradelint.core.config import Config
from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Edit, Fix, Span
from tradelint.core.registry import ENGINE_CODES, all_rules
from tradelint.core.suppression import NOQA, NOQA_CODE, without_codes

CODE = "TRD003"
HELP = "No finding of it is reported on this line, so the comment only hides future ones"
TITLE = "Remove unused `noqa` directive"


def unused_noqa(text: str, findings: Iterable[Finding], config: Config, path: Path, display: str, target: Path) -> list[Finding]:
    """One TRD003 per ``noqa`` comment of ``text`` with TRD codes that silence none of
    ``findings`` (every finding of the file, before ``noqa`` is applied)."""
    if "noqa" not in text.lower():
        return []
    by_line: dict[int, list[str]] = {}
    for finding in findings:
        by_line.setdefault(finding.line, []).append(finding.code)
    running = [code for code in all_rules() if config.enabled(code, path)]
    out = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        match = NOQA.search(token.string)
        if match is None or not match.group("codes"):
            continue
        row, column = token.start
        unused = []
        for code in (c.upper() for c in NOQA_CODE.findall(match.group("codes"))):
            if not code.startswith("TRD") or code[:4] == "TRD0" or code in ENGINE_CODES:
                continue
            if not any(rule.startswith(code) for rule in running):
                continue
            if not any(found.startswith(code) for found in by_line.get(row, ())):
                unused.append(code)
        if not unused:
            continue
        start = column + match.start()
        end = column + len(token.string)
        edit = Edit("noqa_comment", str(target), Span(row, column, row, end), (("new", without_codes(token.string, set(unused))),))
        listed = ", ".join(f"`{code}`" for code in dict.fromkeys(unused))
        out.append(
            Finding(
                display, row, start + 1, CODE, f"unused `noqa` directive (unused: {listed})", row, end + 1,
                Fix(TITLE, "safe", (edit,)), HELP,
            )
        )
    return out
