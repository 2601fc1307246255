"""``benchmarks/leak_fixes_r11.txt``, the round-11 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES11.md``). 16 of the 21 commits come from applications (the "Imbalances" note there).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    11,
    entries=21,
    repos=18,
    sites={"TRD2": 15, "TRD3": 13},
    commits={"TRD2": 13, "TRD3": 8},
    mixed=(),
    apps=(16, 5),
    kinds=Kinds(ha=6, library=5, other=10),
    halves=Halves(lines=(10, 11), sites=({"TRD2": 8, "TRD3": 6}, {"TRD2": 7, "TRD3": 7})),  # session 28
    others_at_least=28,  # rounds 1 to 10, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
