"""``benchmarks/leak_fixes_r10.txt``, the round-10 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES10.md``). 11 of the 21 commits come from applications (the "Imbalances" note there).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    10,
    entries=21,
    repos=17,
    sites={"TRD2": 19, "TRD3": 9},
    commits={"TRD2": 13, "TRD3": 8},
    mixed=(),
    apps=(11, 10),
    kinds=Kinds(ha=3, library=10, other=8),
    halves=Halves(lines=(10, 11), sites=({"TRD2": 12, "TRD3": 3}, {"TRD2": 7, "TRD3": 6})),  # session 27
    others_at_least=25,  # rounds 1 to 9, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
