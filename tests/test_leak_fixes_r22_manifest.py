"""``benchmarks/leak_fixes_r22.txt``, the round-22 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES22.md``). Collected blind in session 46, scored blind at main, then split by the
lead (a for development, b a holdout).
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    22,
    entries=12,
    repos=11,
    sites={"TRD2": 14, "TRD3": 5},
    commits={"TRD2": 8, "TRD3": 5},
    mixed=("joyfulhouse/eg4_web_monitor",),
    apps=(10, 2),
    kinds=Kinds(ha=6, library=2, other=4),
    halves=Halves(lines=(6, 6), sites=({"TRD2": 11, "TRD3": 1}, {"TRD2": 3, "TRD3": 4})),  # session 46, after the blind scores
    others_at_least=59,  # rounds 1 to 21, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
