"""``benchmarks/leak_fixes_r28.txt``, the round-28 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES28.md``). Collected blind in session 83 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    28,
    entries=15,
    repos=14,
    sites={"TRD2": 11, "TRD3": 15},
    commits={"TRD2": 7, "TRD3": 8},
    mixed=(),
    apps=(15, 0),
    kinds=Kinds(ha=1, library=0, other=14),
    halves=Halves(
        lines=(8, 7),
        sites=({"TRD2": 6, "TRD3": 7}, {"TRD2": 5, "TRD3": 8}),
        # session 83, before any score: the sha256 alternation, then one exchange so that TRD3 splits
        # 4 and 4 commits (TRD2 4 and 3) instead of 5 and 3 (TRD2 3 and 4)
        swapped=frozenset({"funkekaiser/polyarb", "zotovprog/polymarket-assistant"}),
    ),
    others_at_least=78,  # rounds 1 to 27, their halves, the round-4 rename file and the session-81 file
)
globals().update(make_tests(ROUND))
