"""``benchmarks/leak_fixes_r12.txt``, the round-12 blind set of maintainers' leak fixes, is well formed.

Only the manifest is read, with the scorer's own reader (and, for the other rounds' manifests, a plain
regular expression on the first token of each entry line): nothing here runs tradelint on the commits
(the set stays blind until the lead scores it, see ``benchmarks/LEAKFIXES12.md``). Not split: the lead
splits it later, before any score.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, load_benchmark

BENCHMARKS = ROOT / "benchmarks"
MANIFEST = BENCHMARKS / "leak_fixes_r12.txt"
REPORT = BENCHMARKS / "LEAKFIXES12.md"
HALVES = (BENCHMARKS / "leak_fixes_r12_a.txt", BENCHMARKS / "leak_fixes_r12_b.txt")
OTHERS = sorted(
    path
    for path in BENCHMARKS.glob("leak_fixes*.txt")
    if path != MANIFEST and not path.name.startswith("leak_fixes_r12")
)

SCORER = load_benchmark("score_leak_fixes")

REPO = r"[A-Za-z0-9][\w.-]*/[\w.-]+"
ENTRY_LINE = re.compile(
    rf"(?P<repo>{REPO}) (?P<commit>[0-9a-f]{{40}})"
    r"(?P<sites>( [^\s:]+\.py:[1-9][0-9]*:TRD[23])+) scope=\S+  # shape: .+; fix .+"
)
REPO_COMMENT = re.compile(rf"# (?P<repo>{REPO}) \((?P<kind>app: [^)]+|library)\)")


def _raw_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _lines(path: Path) -> list[str]:
    """The manifest's entry lines: comments and blank lines left out."""
    return [raw for raw in _raw_lines(path) if raw.split("#", 1)[0].strip()]


def _entries(path: Path) -> list[Any]:
    entries: list[Any] = SCORER.parse_manifest(path.read_text(encoding="utf-8"))
    return entries


def _kinds() -> dict[str, str]:
    """owner/name -> "app" or "library", from the comment line above each repository's entries."""
    kinds: dict[str, str] = {}
    for raw in _raw_lines(MANIFEST):
        match = REPO_COMMENT.fullmatch(raw)
        if match:
            assert match["repo"] not in kinds, raw
            kinds[match["repo"]] = "library" if match["kind"] == "library" else "app"
    return kinds


def _other_benchmark_text() -> str:
    others = [
        path
        for pattern in ("*.txt", "*.md", "labels/*")
        for path in BENCHMARKS.glob(pattern)
        if path.is_file() and path not in (MANIFEST, REPORT, *HALVES)
    ]
    assert others
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in others).lower()


def test_every_line_is_read_by_the_scorer_as_one_entry() -> None:
    lines = _lines(MANIFEST)
    for raw in lines:
        assert ENTRY_LINE.fullmatch(raw), raw
        (entry,) = SCORER.parse_manifest(raw)
        assert re.fullmatch(r"[0-9a-f]{40}", entry.commit), raw
        assert re.fullmatch(REPO, entry.repo), raw
        assert "scope=" in raw and entry.scope, raw
        assert 1 <= len(entry.sites) <= 6, raw
        assert all(site.family in {"TRD2", "TRD3"} for site in entry.sites), raw
        assert all(
            site.line >= 1 and site.path.endswith(".py") for site in entry.sites
        ), raw
        assert len(set(entry.sites)) == len(entry.sites), raw
    assert len(_entries(MANIFEST)) == len(lines)


def test_each_repository_is_introduced_once_and_its_entries_follow() -> None:
    kinds = _kinds()
    current = None
    seen: list[str] = []
    for raw in _raw_lines(MANIFEST):
        match = REPO_COMMENT.fullmatch(raw)
        if match:
            current = match["repo"]
            seen.append(current)
        elif raw.split("#", 1)[0].strip():
            assert raw.split()[0] == current, raw
    assert sorted(seen, key=str.lower) == seen
    assert set(kinds) == {entry.repo for entry in _entries(MANIFEST)}


def test_the_set_is_the_one_collected() -> None:
    entries = _entries(MANIFEST)
    per_repo = Counter(entry.repo for entry in entries)
    families = Counter(site.family for entry in entries for site in entry.sites)
    commits_with = Counter(
        family for entry in entries for family in {site.family for site in entry.sites}
    )
    assert (len(entries), len(per_repo)) == (25, 24)
    assert dict(families) == {"TRD2": 19, "TRD3": 15}
    assert dict(commits_with) == {"TRD2": 17, "TRD3": 9}
    mixed = [entry.repo for entry in entries if len({site.family for site in entry.sites}) == 2]
    assert mixed == ['reflex-dev/reflex']
    assert max(per_repo.values()) <= 2
    assert len({entry.commit for entry in entries}) == len(entries)


def test_the_split_between_applications_and_libraries_is_the_one_collected() -> None:
    """17 of the 25 commits come from applications (see ``benchmarks/LEAKFIXES12.md``)."""
    kinds = _kinds()
    entries = _entries(MANIFEST)
    apps = sum(kinds[entry.repo] == "app" for entry in entries)
    assert (apps, len(entries) - apps) == (17, 8)
    assert 3 * apps >= 2 * len(entries)


def test_no_repository_is_shared_with_another_manifest() -> None:
    assert len(OTHERS) >= 31  # rounds 1 to 11, their halves and the round-4 rename file
    earlier = {
        raw.split()[0].lower() for path in OTHERS for raw in _lines(path) if raw.split()
    }
    assert earlier and all(re.fullmatch(REPO, repo) for repo in earlier)
    current = {entry.repo.lower() for entry in _entries(MANIFEST)}
    assert current & earlier == set()


def test_no_repository_is_named_in_another_benchmark_file() -> None:
    """The collection's exclusion rule: no owner/name of the set appears in any other file under
    benchmarks/ (manifests, reports, label files)."""
    text = _other_benchmark_text()
    for repo in {entry.repo for entry in _entries(MANIFEST)}:
        assert repo.lower() not in text, repo


def test_no_commit_is_shared_with_another_benchmark_file() -> None:
    """Forks share history: a repository name that is new can still carry a commit an earlier round
    used, so the commits themselves are checked too."""
    text = _other_benchmark_text()
    for entry in _entries(MANIFEST):
        assert entry.commit[:9] not in text, (entry.repo, entry.commit)


def test_the_kinds_of_project_are_the_ones_collected() -> None:
    """No Discord cog collection; 2 Home Assistant custom integration commits, bots and services beside the libraries."""
    kind_of: dict[str, str] = {}
    for raw in _raw_lines(MANIFEST):
        match = REPO_COMMENT.fullmatch(raw)
        if match:
            kind_of[match["repo"]] = match["kind"]
    per_kind = Counter(kind_of[entry.repo] for entry in _entries(MANIFEST))
    assert not any("cog" in kind.lower() for kind in per_kind)
    assert per_kind["app: Home Assistant custom integration"] == 2
    assert per_kind["library"] == 8
    assert sum(per_kind.values()) - per_kind["library"] - per_kind[
        "app: Home Assistant custom integration"
    ] == 15
