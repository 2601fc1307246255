"""``benchmarks/leak_fixes_r4*.txt``, the round-4 holdout of maintainers' leak fixes, is well formed.

The checks are in ``tests/leak_manifests.py``; nothing runs tradelint on the commits (see
``benchmarks/LEAKFIXES4.md``). Two blind collections joined: 39 + 40 commits, 10 found by both, one
left out. The TRD4 rename fixes, which the scorer does not read, are kept in ``leak_fixes_r4_trd4.txt``.
"""

from __future__ import annotations

from tests.leak_manifests import Earlier, Halves, Renames, Round, make_tests

ROUND = Round(
    4,
    entries=68,
    repos=56,
    sites={"TRD2": 46, "TRD3": 76},
    commits={"TRD2": 34, "TRD3": 34},
    mixed=None,
    apps=None,
    kinds=None,
    # The split: sha256 order, alternately a and b, then the one pair a script chose on the TRD2
    # counts alone swapped (26 / 20 before it).
    halves=Halves(
        lines=(36, 32),
        sites=None,
        trd2_gap=3,
        swapped=frozenset({"olitheolix/square", "ITISFoundation/osparc-simcore"}),
    ),
    # leak_fixes.txt, both round-2 halves, round 3 and its halves
    earlier=Earlier(("leak_fixes.txt", "leak_fixes_r2_*.txt", "leak_fixes_r3*.txt"), files=6),
    strict_lines=False,
    format_halves=True,
    named_nowhere_else=False,
    commits_nowhere_else=False,
    renames=Renames("leak_fixes_r4_trd4.txt", lines=4, repos=4, sites=5),
)
globals().update(make_tests(ROUND))
