"""``tradelint rules``: every code with its name, family, whether a fix is available, and
whether it is a preview rule."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from tradelint.ruledocs import rule_docs


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="tradelint rules", description="List every rule.")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    docs = list(rule_docs().values())
    if args.output_format == "json":
        data = [
            {
                "code": d.code,
                "name": d.name,
                "family": d.family,
                "fix": d.fix_availability,
                "summary": d.summary,
                "incident": d.incident.number if d.incident else None,
                "preview": d.preview,
            }
            for d in docs
        ]
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    rows = [("code", "name", "family", "fix", "preview")] + [
        (d.code, d.name, d.family, d.fix_availability, "yes" if d.preview else "") for d in docs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4]).rstrip())
    return 0
