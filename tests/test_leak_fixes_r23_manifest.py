"""``benchmarks/leak_fixes_r23.txt``, the round-23 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES23.md``). Collected blind in session 52 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    23,
    entries=17,
    repos=16,
    sites={"TRD2": 7, "TRD3": 23},
    commits={"TRD2": 7, "TRD3": 10},
    mixed=(),
    apps=(16, 1),
    kinds=Kinds(ha=5, library=1, other=11),
    halves=Halves(
        lines=(8, 9),
        sites=({"TRD2": 3, "TRD3": 11}, {"TRD2": 4, "TRD3": 12}),
        # session 52, before any score: the sha256 alternation, then one exchange so that the TRD2
        # commits split 3 and 4 instead of 2 and 5
        swapped=frozenset({"rsnodgrass/hass-adtpulse", "shevchenkoxx/sphere-mvp-tg-bot"}),
    ),
    others_at_least=62,  # rounds 1 to 22, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
