"""``benchmarks/leak_fixes_r26.txt``, the round-26 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES26.md``). Collected blind in session 61 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    26,
    entries=17,
    repos=15,
    sites={"TRD2": 12, "TRD3": 15},
    commits={"TRD2": 10, "TRD3": 7},
    mixed=(),
    apps=(16, 1),
    kinds=Kinds(ha=10, library=1, other=6),
    halves=Halves(
        lines=(9, 8),
        sites=({"TRD2": 7, "TRD3": 8}, {"TRD2": 5, "TRD3": 7}),
        # session 61, before any score: the sha256 alternation alone (TRD2 5 and 5 commits, TRD3 4 and 3)
    ),
    others_at_least=71,  # rounds 1 to 25, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
