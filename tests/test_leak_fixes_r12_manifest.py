"""``benchmarks/leak_fixes_r12.txt``, the round-12 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES12.md``). 17 of the 25 commits come from applications (at least two thirds, as
the collection aimed). Not split: session 29's holdout as a whole, opened for development in session 30.
"""

from __future__ import annotations

from tests.leak_manifests import Kinds, Round, make_tests

ROUND = Round(
    12,
    entries=25,
    repos=24,
    sites={"TRD2": 19, "TRD3": 15},
    commits={"TRD2": 17, "TRD3": 9},
    mixed=("reflex-dev/reflex",),
    apps=(17, 8),
    kinds=Kinds(ha=2, library=8, other=15),
    halves=None,
    apps_share=2 / 3,
    others_at_least=31,  # rounds 1 to 11, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
