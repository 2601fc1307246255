"""``benchmarks/leak_fixes_r7.txt``, the round-7 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES7.md``). Round 7's point was diversity: no Discord cog collection, Home Assistant
custom integrations and bots/services beside the libraries.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    7,
    entries=30,
    repos=24,
    sites={"TRD2": 22, "TRD3": 16},
    commits={"TRD2": 16, "TRD3": 14},
    mixed=None,
    apps=(18, 12),
    apps_share=0.5,
    kinds=Kinds(ha=9, library=12, other=9),
    halves=Halves(lines=(15, 15), sites=({"TRD2": 13, "TRD3": 6}, {"TRD2": 9, "TRD3": 10})),  # session 23
    others_at_least=16,  # rounds 1 to 6, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
