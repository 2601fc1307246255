"""``benchmarks/leak_fixes_r18.txt``, the round-18 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES18.md``). Collected blind in session 36 and not yet scored or split: the lead
splits it into halves (a for development, b a holdout) later and then adds ``halves=`` here.
"""

from __future__ import annotations

from tests.leak_manifests import Kinds, Round, make_tests

ROUND = Round(
    18,
    entries=30,
    repos=21,
    sites={"TRD2": 22, "TRD3": 21},
    commits={"TRD2": 15, "TRD3": 15},
    mixed=(),
    apps=(21, 9),
    kinds=Kinds(ha=0, library=9, other=21),
    halves=None,  # not split yet
    others_at_least=47,  # rounds 1 to 17, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
