"""``benchmarks/leak_fixes_r18.txt``, the round-18 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES18.md``). Collected blind in session 36, scored blind at its start and end, and split by the lead into
halves (a for development, b a holdout).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    18,
    entries=30,
    repos=21,
    sites={"TRD2": 22, "TRD3": 21},
    commits={"TRD2": 15, "TRD3": 15},
    mixed=(),
    apps=(21, 9),
    kinds=Kinds(ha=0, library=9, other=21),
    halves=Halves(lines=(16, 14), sites=({"TRD2": 14, "TRD3": 12}, {"TRD2": 8, "TRD3": 9})),  # session 36, after the blind score at main
    others_at_least=47,  # rounds 1 to 17, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
