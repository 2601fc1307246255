"""``tradelint rule CODE``: a rule's documentation; ``--all`` prints ``docs/rules.md``."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from tradelint.core.config import did_you_mean
from tradelint.ruledocs import RuleDoc, rule_docs, rules_markdown


def find_rule(key: str) -> RuleDoc | None:
    """By code (any case) or by name."""
    docs = rule_docs()
    if key.upper() in docs:
        return docs[key.upper()]
    by_name = {doc.name: doc for doc in docs.values()}
    return by_name.get(key)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="tradelint rule", description="Print a rule's documentation.")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("code", nargs="?", help="a rule code (TRD301) or name (discarded-task)")
    group.add_argument("--all", action="store_true", help="every rule, as docs/rules.md")
    args = parser.parse_args(argv)
    if args.all:
        sys.stdout.write(rules_markdown())
        return 0
    doc = find_rule(args.code)
    if doc is None:
        docs = rule_docs()
        candidates = [*docs, *(d.name for d in docs.values())]
        print(f"tradelint: error: unknown rule '{args.code}'{did_you_mean(args.code, candidates)}", file=sys.stderr)
        return 2
    sys.stdout.write(doc.markdown())
    return 0
