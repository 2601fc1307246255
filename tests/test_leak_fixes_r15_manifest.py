"""``benchmarks/leak_fixes_r15.txt``, the round-15 blind set of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES15.md``). Collected blind in session 32, scored blind whole, then split by the lead: half a for a later
session's development, half b a holdout; every figure of session 32 is of the whole set, unread.
"""

from __future__ import annotations

from tests.leak_manifests import Halves, Kinds, Round, make_tests

ROUND = Round(
    15,
    entries=31,
    repos=26,
    sites={"TRD2": 24, "TRD3": 25},
    commits={"TRD2": 15, "TRD3": 16},
    mixed=(),
    apps=(8, 23),
    kinds=Kinds(ha=1, library=23, other=7),
    halves=Halves(lines=(15, 16), sites=({"TRD2": 12, "TRD3": 12}, {"TRD2": 12, "TRD3": 13})),  # session 32, after the blind score
    others_at_least=38,  # rounds 1 to 14, their halves and the round-4 rename file
)
globals().update(make_tests(ROUND))
