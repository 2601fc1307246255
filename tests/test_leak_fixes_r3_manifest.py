"""``benchmarks/leak_fixes_r3.txt``, the round-3 holdout of maintainers' leak fixes, is well formed.

Only the manifest is read, with the scorer's own reader: nothing here runs tradelint on the commits
(the set stays blind until the lead scores it once, see ``benchmarks/LEAKFIXES3.md``).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from tests.conftest import ROOT, load_benchmark

BENCHMARKS = ROOT / "benchmarks"
MANIFEST = BENCHMARKS / "leak_fixes_r3.txt"
EARLIER = [BENCHMARKS / "leak_fixes.txt", *sorted(BENCHMARKS.glob("leak_fixes_r2_*.txt"))]


SCORER = load_benchmark("score_leak_fixes")


def _lines(path: Path) -> list[str]:
    """The manifest's entry lines: comments and blank lines left out."""
    return [raw for raw in path.read_text(encoding="utf-8").splitlines() if raw.split("#", 1)[0].strip()]


def test_every_line_is_read_by_the_scorer_as_one_entry() -> None:
    lines = _lines(MANIFEST)
    for raw in lines:
        (entry,) = SCORER.parse_manifest(raw)
        assert re.fullmatch(r"[0-9a-f]{40}", entry.commit), raw
        assert re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", entry.repo), raw
        assert "scope=" in raw and entry.scope, raw
        assert 1 <= len(entry.sites) <= 6, raw
        assert all(site.family in {"TRD2", "TRD3", "TRD4"} for site in entry.sites), raw
        assert all(site.line >= 1 and site.path.endswith(".py") for site in entry.sites), raw
        assert len(set(entry.sites)) == len(entry.sites), raw
        assert "# shape:" in raw, raw
    assert len(SCORER.parse_manifest(MANIFEST.read_text(encoding="utf-8"))) == len(lines)


def test_the_set_is_the_one_collected() -> None:
    entries = SCORER.parse_manifest(MANIFEST.read_text(encoding="utf-8"))
    per_repo = Counter(entry.repo for entry in entries)
    families = Counter(site.family for entry in entries for site in entry.sites)
    commits_with = Counter(family for entry in entries for family in {site.family for site in entry.sites})
    assert (len(entries), len(per_repo)) == (24, 20)
    assert dict(families) == {"TRD2": 19, "TRD3": 33}
    assert dict(commits_with) == {"TRD2": 11, "TRD3": 13}
    assert max(per_repo.values()) <= 2
    assert len({entry.commit for entry in entries}) == len(entries)


def test_no_repository_was_used_by_an_earlier_round() -> None:
    earlier = {entry.repo.lower() for path in EARLIER for entry in SCORER.parse_manifest(path.read_text(encoding="utf-8"))}
    assert len(EARLIER) == 3 and earlier  # leak_fixes.txt and both round-2 halves
    current = {entry.repo.lower() for entry in SCORER.parse_manifest(MANIFEST.read_text(encoding="utf-8"))}
    assert current & earlier == set()
