"""``benchmarks/leak_fixes_r13.txt``, the round-13 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES13.md``). Not split: the lead splits the set later, before any score, so the
round has no halves yet.
"""

from __future__ import annotations

from tests.leak_manifests import Kinds, Round, make_tests

ROUND = Round(
    13,
    entries=32,
    repos=27,
    sites={"TRD2": 22, "TRD3": 22},
    commits={"TRD2": 18, "TRD3": 15},
    mixed=("acgnhiki/blrec",),
    apps=(16, 16),
    kinds=Kinds(ha=0, library=16, other=16),
    halves=None,
    others_at_least=32,  # rounds 1 to 12, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
