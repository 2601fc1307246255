"""``benchmarks/leak_fixes_r9.txt``, the round-9 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES9.md``). Round 9 did not reach the brief's preference for applications: 12 of the
29 commits come from applications (the "Imbalances" note there).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    9,
    entries=29,
    repos=22,
    sites={"TRD2": 26, "TRD3": 18},
    commits={"TRD2": 19, "TRD3": 11},
    mixed=("kongo09/philips-airpurifier-coap",),
    apps=(12, 17),
    kinds=Kinds(ha=1, library=17, other=11),
    halves=Halves(lines=(14, 15), sites=({"TRD2": 10, "TRD3": 14}, {"TRD2": 16, "TRD3": 4})),  # session 26
    others_at_least=22,  # rounds 1 to 8, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
