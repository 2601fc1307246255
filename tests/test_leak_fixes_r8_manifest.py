"""``benchmarks/leak_fixes_r8.txt``, the round-8 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES8.md``). Round 8 did not reach the brief's preference for applications: 10 of the
26 commits come from applications (the "Imbalance" note there).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    8,
    entries=26,
    repos=19,
    sites={"TRD2": 18, "TRD3": 21},
    commits={"TRD2": 14, "TRD3": 12},
    mixed=None,
    apps=(10, 16),
    kinds=Kinds(ha=4, library=16, other=6),
    halves=Halves(lines=(14, 12), sites=({"TRD2": 9, "TRD3": 11}, {"TRD2": 9, "TRD3": 10})),  # session 25
    others_at_least=19,  # rounds 1 to 7, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
