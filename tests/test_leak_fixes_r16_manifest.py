"""``benchmarks/leak_fixes_r16.txt``, the round-16 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES16.md``). Collected blind in session 34 and not split yet: the lead splits it (and adds
``halves=``) later; every figure of session 34 is of the whole set, unread.
"""

from __future__ import annotations

from tests.leak_manifests import Kinds, Round, make_tests

ROUND = Round(
    16,
    entries=29,
    repos=25,
    sites={"TRD2": 13, "TRD3": 28},
    commits={"TRD2": 13, "TRD3": 18},
    mixed=("nonebot/adapter-onebot", "rsocket/rsocket-py"),
    apps=(14, 15),
    kinds=Kinds(ha=2, library=15, other=12),
    halves=None,  # not split yet: the lead splits the set later
    others_at_least=41,  # rounds 1 to 15, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
