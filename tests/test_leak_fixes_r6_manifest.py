"""``benchmarks/leak_fixes_r6.txt``, the round-6 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES6.md``).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Round, make_tests

ROUND = Round(
    6,
    entries=30,
    repos=24,
    sites={"TRD2": 30, "TRD3": 17},
    commits={"TRD2": 20, "TRD3": 15},
    mixed=None,
    apps=(27, 3),
    apps_share=0.7,
    kinds=None,
    # Split in session 20 before any score and without reading the entries, no swap.
    halves=Halves(lines=(15, 15), sites=({"TRD2": 17, "TRD3": 9}, {"TRD2": 13, "TRD3": 8})),
    others_at_least=13,  # rounds 1 to 5, their halves and the round-4 rename file
    commits_nowhere_else=False,
)
globals().update(make_tests(ROUND))
