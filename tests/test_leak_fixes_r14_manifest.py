"""``benchmarks/leak_fixes_r14.txt``, the round-14 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES14.md``). Collected blind in session 31, scored blind whole, then split by the lead: half a development,
half b session 31's holdout.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    14,
    entries=35,
    repos=28,
    sites={"TRD2": 29, "TRD3": 22},
    commits={"TRD2": 19, "TRD3": 17},
    mixed=("gndean/home-assistant-hypervolt-charger",),
    apps=(18, 17),
    kinds=Kinds(ha=3, library=17, other=15),
    halves=Halves(lines=(18, 17), sites=({"TRD2": 13, "TRD3": 13}, {"TRD2": 16, "TRD3": 9})),  # session 31, after the blind score
    others_at_least=35,  # rounds 1 to 13, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
