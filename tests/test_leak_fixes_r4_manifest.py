"""``benchmarks/leak_fixes_r4*.txt``, the round-4 holdout of maintainers' leak fixes, is well formed.

Only the manifests are read, with the scorer's own reader (the TRD4 file, which that reader does not
accept, with a regular expression): nothing here runs tradelint on the commits (the set stays blind
until the lead scores it once, see ``benchmarks/LEAKFIXES4.md``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, load_benchmark

BENCHMARKS = ROOT / "benchmarks"
MANIFEST = BENCHMARKS / "leak_fixes_r4.txt"
HALVES = [BENCHMARKS / "leak_fixes_r4_a.txt", BENCHMARKS / "leak_fixes_r4_b.txt"]
RENAMES = BENCHMARKS / "leak_fixes_r4_trd4.txt"
EARLIER = [
    BENCHMARKS / "leak_fixes.txt",
    *sorted(BENCHMARKS.glob("leak_fixes_r2_*.txt")),
    *sorted(BENCHMARKS.glob("leak_fixes_r3*.txt")),
]

SCORER = load_benchmark("score_leak_fixes")

TRD4_LINE = re.compile(
    r"(?P<repo>[A-Za-z0-9][\w.-]*/[\w.-]+) (?P<commit>[0-9a-f]{40})"
    r"(?P<sites>( [^\s:]+\.py:[1-9][0-9]*:TRD4)+) scope=\S+  # shape: .+"
)


def _lines(path: Path) -> list[str]:
    """The manifest's entry lines: comments and blank lines left out."""
    return [
        raw
        for raw in path.read_text(encoding="utf-8").splitlines()
        if raw.split("#", 1)[0].strip()
    ]


def _entries(path: Path) -> list[Any]:
    entries: list[Any] = SCORER.parse_manifest(path.read_text(encoding="utf-8"))
    return entries


def test_every_line_is_read_by_the_scorer_as_one_entry() -> None:
    for path in [MANIFEST, *HALVES]:
        lines = _lines(path)
        for raw in lines:
            (entry,) = SCORER.parse_manifest(raw)
            assert re.fullmatch(r"[0-9a-f]{40}", entry.commit), raw
            assert re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", entry.repo), raw
            assert "scope=" in raw and entry.scope, raw
            assert 1 <= len(entry.sites) <= 6, raw
            assert all(site.family in {"TRD2", "TRD3"} for site in entry.sites), raw
            assert all(
                site.line >= 1 and site.path.endswith(".py") for site in entry.sites
            ), raw
            assert len(set(entry.sites)) == len(entry.sites), raw
            assert "# shape:" in raw, raw
        assert len(_entries(path)) == len(lines)


def test_the_set_is_the_one_collected() -> None:
    entries = _entries(MANIFEST)
    per_repo = Counter(entry.repo for entry in entries)
    families = Counter(site.family for entry in entries for site in entry.sites)
    commits_with = Counter(
        family for entry in entries for family in {site.family for site in entry.sites}
    )
    # Two blind collections joined (LEAKFIXES4.md): 39 + 40 commits, 10 found by both, one left out.
    assert (len(entries), len(per_repo)) == (68, 56)
    assert dict(families) == {"TRD2": 46, "TRD3": 76}
    assert dict(commits_with) == {"TRD2": 34, "TRD3": 34}
    assert max(per_repo.values()) <= 2
    assert len({entry.commit for entry in entries}) == len(entries)


def test_the_halves_partition_the_set_by_repository() -> None:
    whole = _lines(MANIFEST)
    halves = [_lines(path) for path in HALVES]
    assert sorted(halves[0] + halves[1]) == sorted(whole)
    assert not set(halves[0]) & set(halves[1])
    repos = [{entry.repo for entry in _entries(path)} for path in HALVES]
    assert not repos[0] & repos[1]
    assert (len(halves[0]), len(halves[1])) == (36, 32)
    trd2 = [
        sum(site.family == "TRD2" for entry in _entries(path) for site in entry.sites)
        for path in HALVES
    ]
    assert abs(trd2[0] - trd2[1]) <= 3
    # The split: repositories sorted by sha256("owner/name"), alternately a and b, then the one pair
    # a script chose on the TRD2 counts alone swapped (26 / 20 before it).
    ordered = sorted(
        {entry.repo for entry in _entries(MANIFEST)},
        key=lambda r: hashlib.sha256(r.encode()).hexdigest(),
    )
    swapped = {"olitheolix/square", "ITISFoundation/osparc-simcore"}
    assert set(ordered[0::2]) ^ swapped == repos[0] and set(ordered[1::2]) ^ swapped == repos[1]


def test_the_rename_fixes_are_well_formed() -> None:
    lines = _lines(RENAMES)
    matches = [TRD4_LINE.fullmatch(raw) for raw in lines]
    assert all(matches), [raw for raw, match in zip(lines, matches) if not match]
    repos = Counter(match["repo"] for match in matches if match)
    sites = [site for match in matches if match for site in match["sites"].split()]
    assert (len(lines), len(repos), len(sites)) == (4, 4, 5)
    assert all(1 <= len(match["sites"].split()) <= 6 for match in matches if match)
    main = Counter(entry.repo for entry in _entries(MANIFEST))
    assert max((main + repos).values()) <= 2


def test_no_repository_was_used_by_an_earlier_round() -> None:
    earlier = {entry.repo.lower() for path in EARLIER for entry in _entries(path)}
    assert (
        len(EARLIER) == 6 and earlier
    )  # leak_fixes.txt, both round-2 halves, round 3 and its halves
    current = {entry.repo.lower() for entry in _entries(MANIFEST)}
    current |= {
        match["repo"].lower()
        for raw in _lines(RENAMES)
        if (match := TRD4_LINE.fullmatch(raw))
    }
    assert current & earlier == set()
