"""``benchmarks/leak_fixes_r21.txt``, the round-21 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES21.md``). Collected blind in session 45 as one whole set, not split.
"""

from __future__ import annotations

from tests.leak_manifests import Kinds, Round, make_tests

ROUND = Round(
    21,
    entries=12,
    repos=11,
    sites={"TRD2": 9, "TRD3": 7},
    commits={"TRD2": 7, "TRD3": 5},
    mixed=(),
    apps=(8, 4),
    kinds=Kinds(ha=6, library=4, other=2),
    halves=None,
    others_at_least=56,  # rounds 1 to 20, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
