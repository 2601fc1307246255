"""``benchmarks/leak_fixes_r29.txt``, the round-29 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES29.md``). Collected blind in session 85 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    29,
    entries=8,
    repos=7,
    sites={"TRD2": 1, "TRD3": 13},
    commits={"TRD2": 1, "TRD3": 7},
    mixed=(),
    apps=(8, 0),
    kinds=Kinds(ha=1, library=0, other=7),
    halves=Halves(
        lines=(4, 4),
        sites=({"TRD3": 7}, {"TRD2": 1, "TRD3": 6}),
        # session 85, before any score: the sha256 alternation with no exchange (the only TRD2
        # commit falls in half b)
    ),
    others_at_least=81,  # rounds 1 to 28, their halves, the round-4 rename file and the session-81 file
)
globals().update(make_tests(ROUND))
