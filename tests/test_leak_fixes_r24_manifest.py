"""``benchmarks/leak_fixes_r24.txt``, the round-24 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES24.md``). Collected blind in session 54 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    24,
    entries=15,
    repos=13,
    sites={"TRD2": 7, "TRD3": 21},
    commits={"TRD2": 6, "TRD3": 9},
    mixed=(),
    apps=(15, 0),
    kinds=Kinds(ha=6, library=0, other=9),
    halves=Halves(
        lines=(8, 7),
        sites=({"TRD2": 4, "TRD3": 10}, {"TRD2": 3, "TRD3": 11}),
        # session 54, before any score: the sha256 alternation, then one exchange so that the TRD2
        # commits split 3 and 3 instead of 4 and 2
        swapped=frozenset({"irstmon/homeassistant-duofern", "tobydoescode/hass-integration-tesmart-kvm"}),
    ),
    others_at_least=65,  # rounds 1 to 23, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
