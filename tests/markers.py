"""Read the findings a fixture declares inline: ``# error: TRD101`` or ``# error: TRD101, TRD102``."""

from __future__ import annotations

import re
from pathlib import Path

MARKER = re.compile(r"#\s*error:\s*(?P<codes>TRD\d{3}(?:\s*,\s*TRD\d{3})*)\s*$")


def expected_findings(path: Path) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            for code in match.group("codes").split(","):
                found.add((number, code.strip()))
    return found
