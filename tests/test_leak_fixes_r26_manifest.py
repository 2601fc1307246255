"""``benchmarks/leak_fixes_r26.txt``, the round-26 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES26.md``). Collected blind in session 61 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    26,
    entries=21,
    repos=18,
    sites={"TRD2": 15, "TRD3": 16},
    commits={"TRD2": 13, "TRD3": 8},
    mixed=(),
    apps=(20, 1),
    kinds=Kinds(ha=14, library=1, other=6),
    halves=Halves(
        lines=(11, 10),
        sites=({"TRD2": 9, "TRD3": 8}, {"TRD2": 6, "TRD3": 8}),
        # session 61, before any score: the sha256 alternation, then one exchange so that the TRD3 commits
        # split 4 and 4 (TRD2 7 and 6) instead of 5 and 3
        swapped=frozenset({"roquerodrigo/ha-xiaomi-vacuum", "faizpuru/ha-ambeo_soundbar"}),
    ),
    others_at_least=71,  # rounds 1 to 25, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
