"""``benchmarks/leak_fixes_r5.txt``, the round-5 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES5.md``).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Round, make_tests

ROUND = Round(
    5,
    entries=33,
    repos=25,
    sites={"TRD2": 21, "TRD3": 45},
    commits={"TRD2": 14, "TRD3": 20},
    mixed=None,
    apps=(25, 8),
    apps_share=0.6,
    kinds=None,
    # The split, chosen before any scoring, no swap. The repository the lead ran tradelint on before
    # the split is in the dev half (a).
    halves=Halves(
        lines=(18, 15),
        sites=({"TRD2": 11, "TRD3": 26}, {"TRD2": 10, "TRD3": 19}),
        in_a=("BottlecapDave/HomeAssistant-OctopusEnergy",),
    ),
    others_at_least=10,  # rounds 1 to 4, their halves and the round-4 rename file
    named_nowhere_else=False,
    commits_nowhere_else=False,
)
globals().update(make_tests(ROUND))
