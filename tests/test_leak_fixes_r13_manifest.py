"""``benchmarks/leak_fixes_r13.txt``, the round-13 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES13.md``). The lead split it after its blind score (session 30), before reading
any of it: half a for development, half b the holdout.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    13,
    entries=34,
    repos=29,
    sites={"TRD2": 26, "TRD3": 22},
    commits={"TRD2": 20, "TRD3": 15},
    mixed=("acgnhiki/blrec",),
    apps=(18, 16),
    kinds=Kinds(ha=3, library=16, other=15),
    halves=Halves(lines=(19, 15), sites=({"TRD2": 14, "TRD3": 7}, {"TRD2": 12, "TRD3": 15})),  # session 30, after the blind score
    others_at_least=32,  # rounds 1 to 12, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
