"""``benchmarks/leak_fixes_r3.txt``, the round-3 holdout of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES3.md``). Older format: no repository comments, no ENTRY_LINE, sites may be TRD4.
"""

from __future__ import annotations

from tests.leak_manifests import Earlier, Round, make_tests

ROUND = Round(
    3,
    entries=24,
    repos=20,
    sites={"TRD2": 19, "TRD3": 33},
    commits={"TRD2": 11, "TRD3": 13},
    mixed=None,
    apps=None,
    kinds=None,
    halves=None,
    earlier=Earlier(("leak_fixes.txt", "leak_fixes_r2_*.txt"), files=3),  # round 1, both round-2 halves
    families=frozenset({"TRD2", "TRD3", "TRD4"}),
    strict_lines=False,
    named_nowhere_else=False,
    commits_nowhere_else=False,
)
globals().update(make_tests(ROUND))
