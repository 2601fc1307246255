"""``benchmarks/leak_fixes_r21.txt``, the round-21 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES21.md``). Collected blind in session 45, scored blind at main, then split by the
lead (a for development, b a holdout).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    21,
    entries=13,
    repos=12,
    sites={"TRD2": 10, "TRD3": 7},
    commits={"TRD2": 8, "TRD3": 5},
    mixed=(),
    apps=(9, 4),
    kinds=Kinds(ha=6, library=4, other=3),
    halves=Halves(lines=(7, 6), sites=({"TRD2": 8, "TRD3": 1}, {"TRD2": 2, "TRD3": 6})),  # session 45, after the blind scores
    others_at_least=56,  # rounds 1 to 20, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
