"""``benchmarks/leak_fixes_r16.txt``, the round-16 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES16.md``). Collected blind in session 34, scored blind whole, then split by the lead: half a
for development, half b a holdout scored at a session's end only.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    16,
    entries=29,
    repos=25,
    sites={"TRD2": 13, "TRD3": 28},
    commits={"TRD2": 13, "TRD3": 18},
    mixed=("nonebot/adapter-onebot", "rsocket/rsocket-py"),
    apps=(14, 15),
    kinds=Kinds(ha=2, library=15, other=12),
    halves=Halves(lines=(15, 14), sites=({"TRD2": 8, "TRD3": 10}, {"TRD2": 5, "TRD3": 18})),  # session 34, after the blind score
    others_at_least=41,  # rounds 1 to 15, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
