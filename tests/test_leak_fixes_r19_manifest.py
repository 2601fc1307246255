"""``benchmarks/leak_fixes_r19.txt``, the round-19 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES19.md``). Collected blind in session 37, scored blind at main and at the session's merged rules, and split by the
lead into halves (a for development, b a holdout).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    19,
    entries=22,
    repos=18,
    sites={"TRD2": 8, "TRD3": 25},
    commits={"TRD2": 6, "TRD3": 16},
    mixed=(),
    apps=(20, 2),
    kinds=Kinds(ha=0, library=2, other=20),
    halves=Halves(lines=(11, 11), sites=({"TRD2": 7, "TRD3": 7}, {"TRD2": 1, "TRD3": 18})),  # session 37, after the blind scores
    others_at_least=50,  # rounds 1 to 18, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
