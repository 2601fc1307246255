"""``benchmarks/leak_fixes_r20.txt``, the round-20 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES20.md``). Collected blind in session 44 as one whole set; split by the lead in
session 45 (a for development, b a holdout), before reading any site.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    20,
    entries=21,
    repos=19,
    sites={"TRD2": 13, "TRD3": 12},
    commits={"TRD2": 11, "TRD3": 10},
    mixed=(),
    apps=(14, 7),
    kinds=Kinds(ha=0, library=7, other=14),
    halves=Halves(lines=(11, 10), sites=({"TRD2": 5, "TRD3": 7}, {"TRD2": 8, "TRD3": 5})),  # session 45
    others_at_least=53,  # rounds 1 to 19, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
