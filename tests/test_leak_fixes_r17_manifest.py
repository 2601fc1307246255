"""``benchmarks/leak_fixes_r17.txt``, the round-17 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES17.md``). Collected blind in session 35 and not yet scored or split: the lead
splits it into halves (a for development, b a holdout) later and then adds ``halves=`` here.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    17,
    entries=30,
    repos=25,
    sites={"TRD2": 26, "TRD3": 21},
    commits={"TRD2": 17, "TRD3": 13},
    mixed=(),
    apps=(15, 15),
    kinds=Kinds(ha=2, library=15, other=13),
    halves=Halves(lines=(16, 14), sites=({"TRD2": 18, "TRD3": 6}, {"TRD2": 8, "TRD3": 15})),  # session 35, after the blind score
    others_at_least=44,  # rounds 1 to 16, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
