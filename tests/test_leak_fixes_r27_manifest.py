"""``benchmarks/leak_fixes_r27.txt``, the round-27 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES27.md``). Collected blind in session 69 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    27,
    entries=12,
    repos=10,
    sites={"TRD2": 17, "TRD3": 10},
    commits={"TRD2": 7, "TRD3": 5},
    mixed=(),
    apps=(12, 0),
    kinds=Kinds(ha=8, library=0, other=4),
    halves=Halves(
        lines=(6, 6),
        sites=({"TRD2": 5, "TRD3": 3}, {"TRD2": 12, "TRD3": 7}),
        # session 69, before any score: the sha256 alternation, then one exchange so that the halves
        # have 6 commits each (TRD2 4 and 3, TRD3 2 and 3) instead of 7 and 5 (TRD2 5 and 2)
        swapped=frozenset({"magicx78/ha-openwrt-router", "steynovich/ha-saxo-portfolio"}),
    ),
    others_at_least=74,  # rounds 1 to 26, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
