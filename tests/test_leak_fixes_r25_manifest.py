"""``benchmarks/leak_fixes_r25.txt``, the round-25 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES25.md``). Collected blind in session 60 and split by the collector before any
score (a for development, b a holdout); never scored.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    25,
    entries=13,
    repos=11,
    sites={"TRD2": 9, "TRD3": 9},
    commits={"TRD2": 5, "TRD3": 8},
    mixed=(),
    apps=(13, 0),
    kinds=Kinds(ha=4, library=0, other=9),
    halves=Halves(
        lines=(7, 6),
        sites=({"TRD2": 4, "TRD3": 4}, {"TRD2": 5, "TRD3": 5}),
        # session 60, before any score: the sha256 alternation, then two exchanges so that the commits of
        # each family split evenly (TRD2 3 and 2, TRD3 4 and 4) instead of TRD2 5 and 0, TRD3 1 and 7
        swapped=frozenset(
            {"MTrab/webastoconnect", "HBLLM/hbllm-core", "0xmtb/ave_dominaplus", "whitehawk1979/a2a-mesh"}
        ),
    ),
    others_at_least=68,  # rounds 1 to 24, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
