"""The checks on the leak-fix benchmark manifests (``benchmarks/leak_fixes_r<N>*.txt``), shared by rounds.

Each ``tests/test_leak_fixes_r<N>_manifest.py`` states its round as a :class:`Round` (the counts the
collection reported, and which checks that round's manifest format allows) and adds the tests
:func:`make_tests` builds from it to its own namespace, so a failure names the round's file and the
check, as when each round had its own copy of these checks. Only the manifests are read, with the
scorer's own reader (and, for the other rounds' manifests and the TRD4 rename file, plain regular
expressions): nothing here runs tradelint on the commits, which stay blind until the lead scores them.

A check runs for a round when its data is given. The defaults are today's collection rules, so a new
round gets all of them; an older round that predates a rule says so in its own data.

Which check runs for which round (the test names are those the per-round files had; the commit that
made this module lists every former assertion and where it went):

    test_...                                            rounds  data that turns it on or shapes it
    every_line_is_read_by_the_scorer_as_one_entry       3-11    families, strict_lines, format_halves
    each_repository_is_introduced_once_and_its_...      5-11    apps (the manifest has kind comments)
    the_set_is_the_one_collected                        3-11    entries, repos, sites, commits, mixed
    most_commits_come_from_applications                 5-7     apps, apps_share
    the_split_between_applications_and_libraries_...    8-11    apps (no apps_share)
    no_repository_was_used_by_an_earlier_round          3, 4    earlier (+ renames' repos)
    no_repository_is_shared_with_another_manifest       5-11    others_at_least
    no_repository_is_named_in_another_benchmark_file    6-11    named_nowhere_else
    no_commit_is_shared_with_another_benchmark_file     7-11    commits_nowhere_else
    the_kinds_of_project_are_the_ones_collected         7-11    kinds
    the_halves_partition_the_set_by_repository          4-11    halves
    the_rename_fixes_are_well_formed                    4       renames

"No line in both halves" was asserted in rounds 4 to 6 only; rounds 7 to 11 implied it (the union of the
halves equals the whole, whose commits are distinct), and it is now asserted for every split round.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, load_benchmark

BENCHMARKS = ROOT / "benchmarks"
SCORER = load_benchmark("score_leak_fixes")

REPO = r"[A-Za-z0-9][\w.-]*/[\w.-]+"
# Rounds 5 on: the whole line, down to the trailing comment's shape and fix.
ENTRY_LINE = re.compile(
    rf"(?P<repo>{REPO}) (?P<commit>[0-9a-f]{{40}})"
    r"(?P<sites>( [^\s:]+\.py:[1-9][0-9]*:TRD[23])+) scope=\S+  # shape: .+; fix .+"
)
REPO_COMMENT = re.compile(rf"# (?P<repo>{REPO}) \((?P<kind>app: [^)]+|library)\)")
TRD4_LINE = re.compile(
    rf"(?P<repo>{REPO}) (?P<commit>[0-9a-f]{{40}})"
    r"(?P<sites>( [^\s:]+\.py:[1-9][0-9]*:TRD4)+) scope=\S+  # shape: .+"
)
HA = "app: Home Assistant custom integration"

Check = Callable[[], None]


@dataclass(frozen=True)
class Halves:
    """The split into ``leak_fixes_r<N>_a.txt`` (dev) and ``_b.txt`` (holdout): repositories sorted by
    sha256("owner/name"), alternately a and b, made before any score."""

    lines: tuple[int, int]  # entry lines of a and b
    # Sites per family of a and b; None: not recorded (round 4, which has trd2_gap instead).
    sites: tuple[dict[str, int], dict[str, int]] | None
    trd2_gap: int | None = None  # round 4: the TRD2 sites of the halves differ by at most this
    swapped: frozenset[str] = frozenset()  # round 4: one pair exchanged after the alternation
    in_a: tuple[str, ...] = ()  # round 5: the repository the lead ran tradelint on before the split


@dataclass(frozen=True)
class Kinds:
    """Commits per kind of project, from the ``# owner/name (kind)`` comments."""

    ha: int  # "app: Home Assistant custom integration"
    library: int
    other: int  # every other app kind


@dataclass(frozen=True)
class Earlier:
    """Rounds 3 and 4: the earlier rounds' manifests, listed by glob and read with the scorer."""

    globs: tuple[str, ...]
    files: int


@dataclass(frozen=True)
class Renames:
    """Round 4's TRD4 rename fixes, kept apart in ``leak_fixes_r4_trd4.txt``."""

    name: str
    lines: int
    repos: int
    sites: int


@dataclass(frozen=True)
class Round:
    """One round's manifest ``benchmarks/leak_fixes_r<number>.txt``: what was collected, and the exceptions
    an older round needs (the defaults are the rules since round 7)."""

    number: int
    entries: int
    repos: int
    sites: dict[str, int]  # sites per family
    commits: dict[str, int]  # commits with at least one site of the family
    # The repositories of the commits with sites of both families, in manifest order; None: not
    # checked (rounds 3 to 8).
    mixed: tuple[str, ...] | None
    # Commits from (applications, libraries); None: the manifest has no ``# owner/name (kind)``
    # comments (rounds 3, 4), so neither they nor the kinds are checked.
    apps: tuple[int, int] | None
    kinds: Kinds | None  # None: not checked (rounds 3 to 6)
    halves: Halves | None
    # How many other leak_fixes*.txt files there are at least (rounds 5 on); rounds 3 and 4 compare
    # with a fixed list of earlier manifests instead.
    others_at_least: int | None = None
    earlier: Earlier | None = None
    apps_share: float | None = None  # rounds 5 to 7: applications gave at least this share
    families: frozenset[str] = frozenset({"TRD2", "TRD3"})
    # The whole line matches ENTRY_LINE; False (rounds 3, 4): only "# shape:" is required.
    strict_lines: bool = True
    format_halves: bool = False  # round 4 checks its halves' lines too
    named_nowhere_else: bool = True  # False: rounds 3 to 5 predate the rule
    commits_nowhere_else: bool = True  # False: rounds 3 to 6 predate the rule
    renames: Renames | None = None

    @property
    def manifest(self) -> Path:
        return BENCHMARKS / f"leak_fixes_r{self.number}.txt"

    @property
    def report(self) -> Path:
        return BENCHMARKS / f"LEAKFIXES{self.number}.md"

    @property
    def halves_files(self) -> tuple[Path, Path]:
        return (
            BENCHMARKS / f"leak_fixes_r{self.number}_a.txt",
            BENCHMARKS / f"leak_fixes_r{self.number}_b.txt",
        )

    def owns(self, path: Path) -> bool:
        """``path`` is one of this round's own manifests (the whole set, a half, the TRD4 file)."""
        return path.name == self.manifest.name or path.name.startswith(f"leak_fixes_r{self.number}_")


def raw_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def lines(path: Path) -> list[str]:
    """The manifest's entry lines: comments and blank lines left out."""
    return [raw for raw in raw_lines(path) if raw.split("#", 1)[0].strip()]


def entries(path: Path) -> list[Any]:
    parsed: list[Any] = SCORER.parse_manifest(path.read_text(encoding="utf-8"))
    return parsed


def repo_kinds(path: Path) -> dict[str, str]:
    """owner/name -> "app" or "library", from the comment line above each repository's entries."""
    kinds: dict[str, str] = {}
    for raw in raw_lines(path):
        match = REPO_COMMENT.fullmatch(raw)
        if match:
            assert match["repo"] not in kinds, raw
            kinds[match["repo"]] = "library" if match["kind"] == "library" else "app"
    return kinds


# Labels of findings drawn at random from the development pool (``pool_precision.py``) name the
# pool's repositories by design: the rounds' development halves and the rounds before halves. They
# hold no commit, and no entry of theirs is a commit of a held-out half (checked in session 55: none).
POOL_LABELS = (
    "pool55.tsv", "pool55b.tsv", "pool56.tsv", "pool58a.tsv", "pool58b.tsv", "pool58a_trd3_spec.tsv", "pool58b_trd3_spec.tsv", "pool59.tsv", "pool60.tsv", "pool64.tsv", "pool66.tsv", "pool68.tsv", "pool69.tsv",
    # The development pool's sites still reported after the fix, read in session 67: fix commits
    # of development lines only (none is a commit or a repository of a held-out half).
    "afterfix67.tsv",
    # The 31 after-fix sites of the pool lines session 67 had no mirror for, read in session 68.
    "afterfix68.tsv",
)


def _other_benchmark_texts(r: Round) -> dict[str, str]:
    """Every other file under benchmarks/ (manifests, reports, label files but the development
    pool's precision samples), by its name relative to benchmarks/, lower-cased. A check names the
    file that breaks it, never its text: a held-out half's labels are among these files, and a
    failing ``assert x not in text`` would print them whole into the CI log."""
    others = [
        path
        for pattern in ("*.txt", "*.md", "labels/*")
        for path in BENCHMARKS.glob(pattern)
        if path.is_file() and path not in (r.manifest, r.report, *r.halves_files)
        and not (path.parent.name == "labels" and path.name in POOL_LABELS)
    ]
    assert others
    return {path.relative_to(BENCHMARKS).as_posix(): path.read_text(encoding="utf-8", errors="replace").lower() for path in others}


def _naming(texts: dict[str, str], needle: str) -> list[str]:
    """The names of the files among ``texts`` that contain ``needle``."""
    return sorted(name for name, text in texts.items() if needle in text)


def _every_line(r: Round) -> None:
    """Each entry line is read by the scorer as exactly one well-formed entry."""
    for path in [r.manifest, *(r.halves_files if r.format_halves else ())]:
        path_lines = lines(path)
        for raw in path_lines:
            if r.strict_lines:
                assert ENTRY_LINE.fullmatch(raw), raw
            (entry,) = SCORER.parse_manifest(raw)
            assert re.fullmatch(r"[0-9a-f]{40}", entry.commit), raw
            assert re.fullmatch(REPO, entry.repo), raw
            assert "scope=" in raw and entry.scope, raw
            assert 1 <= len(entry.sites) <= 6, raw
            assert all(site.family in r.families for site in entry.sites), raw
            assert all(site.line >= 1 and site.path.endswith(".py") for site in entry.sites), raw
            assert len(set(entry.sites)) == len(entry.sites), raw
            if not r.strict_lines:
                assert "# shape:" in raw, raw
        assert len(entries(path)) == len(path_lines)


def _introduced_once(r: Round) -> None:
    """Each repository has one ``# owner/name (kind)`` comment, in order, and its entries follow it."""
    kinds = repo_kinds(r.manifest)
    current = None
    seen: list[str] = []
    for raw in raw_lines(r.manifest):
        match = REPO_COMMENT.fullmatch(raw)
        if match:
            current = match["repo"]
            seen.append(current)
        elif raw.split("#", 1)[0].strip():
            assert raw.split()[0] == current, raw
    assert sorted(seen, key=str.lower) == seen
    assert set(kinds) == {entry.repo for entry in entries(r.manifest)}


def _the_set(r: Round) -> None:
    """The counts the collection reported, and its limits (at most 2 commits per repository)."""
    found = entries(r.manifest)
    per_repo = Counter(entry.repo for entry in found)
    families = Counter(site.family for entry in found for site in entry.sites)
    commits_with = Counter(family for entry in found for family in {site.family for site in entry.sites})
    assert (len(found), len(per_repo)) == (r.entries, r.repos)
    assert dict(families) == r.sites
    assert dict(commits_with) == r.commits
    if r.mixed is not None:
        mixed = [entry for entry in found if len({site.family for site in entry.sites}) == 2]
        assert [entry.repo for entry in mixed] == list(r.mixed)
    assert max(per_repo.values()) <= 2
    assert len({entry.commit for entry in found}) == len(found)


def _apps(r: Round) -> None:
    """How many commits come from applications, as collected (and, rounds 5 to 7, the share asked for)."""
    assert r.apps is not None
    kinds = repo_kinds(r.manifest)
    found = entries(r.manifest)
    apps = sum(kinds[entry.repo] == "app" for entry in found)
    assert (apps, len(found) - apps) == r.apps
    if r.apps_share is not None:
        assert apps >= r.apps_share * len(found)


def _earlier_rounds(r: Round) -> None:
    """Rounds 3 and 4 were collected from repositories no earlier round had used."""
    assert r.earlier is not None
    paths = [path for pattern in r.earlier.globs for path in sorted(BENCHMARKS.glob(pattern))]
    earlier = {entry.repo.lower() for path in paths for entry in entries(path)}
    assert len(paths) == r.earlier.files and earlier
    current = {entry.repo.lower() for entry in entries(r.manifest)}
    if r.renames is not None:
        current |= {
            match["repo"].lower()
            for raw in lines(BENCHMARKS / r.renames.name)
            if (match := TRD4_LINE.fullmatch(raw))
        }
    assert current & earlier == set()


def _other_manifests(r: Round) -> None:
    """No repository of the round is in any other leak_fixes*.txt (read by first token, so that files
    the scorer cannot read, like the TRD4 one, count too)."""
    assert r.others_at_least is not None
    others = sorted(path for path in BENCHMARKS.glob("leak_fixes*.txt") if not r.owns(path))
    assert len(others) >= r.others_at_least
    earlier = {raw.split()[0].lower() for path in others for raw in lines(path) if raw.split()}
    assert earlier and all(re.fullmatch(REPO, repo) for repo in earlier)
    current = {entry.repo.lower() for entry in entries(r.manifest)}
    assert current & earlier == set()


def _named_elsewhere(r: Round) -> None:
    """The collection's exclusion rule: no owner/name of the set appears in any other file under
    benchmarks/ (manifests, reports, label files)."""
    texts = _other_benchmark_texts(r)
    named = {repo: files for repo in sorted({entry.repo for entry in entries(r.manifest)}) if (files := _naming(texts, repo.lower()))}
    assert not named, f"repositories of {r.manifest.name} named in other benchmark files: {named}"


def _commits_elsewhere(r: Round) -> None:
    """Forks share history: a repository name that is new can still carry a commit an earlier round
    used (round 7 dropped two such candidates), so the commits themselves are checked too."""
    texts = _other_benchmark_texts(r)
    shared = {entry.commit[:9]: files for entry in entries(r.manifest) if (files := _naming(texts, entry.commit[:9]))}
    assert not shared, f"commits of {r.manifest.name} found in other benchmark files: {shared}"


def _kinds(r: Round) -> None:
    """No Discord cog collection; Home Assistant custom integrations and bots/services beside the
    libraries, as many of each as collected."""
    assert r.kinds is not None
    kind_of: dict[str, str] = {}
    for raw in raw_lines(r.manifest):
        match = REPO_COMMENT.fullmatch(raw)
        if match:
            kind_of[match["repo"]] = match["kind"]
    per_kind = Counter(kind_of[entry.repo] for entry in entries(r.manifest))
    assert not any("cog" in kind.lower() for kind in per_kind)
    assert per_kind[HA] == r.kinds.ha
    assert per_kind["library"] == r.kinds.library
    assert sum(per_kind.values()) - per_kind["library"] - per_kind[HA] == r.kinds.other


def _halves(r: Round) -> None:
    """Split by the lead before any score, by a script that printed only counts: repositories sorted by
    sha256("owner/name"), alternately a (dev) and b (holdout), then the round's exceptions."""
    split = r.halves
    assert split is not None
    whole = lines(r.manifest)
    halves = [lines(path) for path in r.halves_files]
    assert sorted(halves[0] + halves[1]) == sorted(whole)
    assert not set(halves[0]) & set(halves[1])
    repos = [{entry.repo for entry in entries(path)} for path in r.halves_files]
    assert not repos[0] & repos[1]
    assert (len(halves[0]), len(halves[1])) == split.lines
    families = [
        Counter(site.family for entry in entries(path) for site in entry.sites) for path in r.halves_files
    ]
    if split.sites is not None:
        assert [dict(sorted(c.items())) for c in families] == list(split.sites)
    if split.trd2_gap is not None:
        assert abs(families[0]["TRD2"] - families[1]["TRD2"]) <= split.trd2_gap
    ordered = sorted(
        {entry.repo for entry in entries(r.manifest)},
        key=lambda repo: hashlib.sha256(repo.encode()).hexdigest(),
    )
    assert set(ordered[0::2]) ^ split.swapped == repos[0]
    assert set(ordered[1::2]) ^ split.swapped == repos[1]
    for repo in split.in_a:
        assert repo in repos[0]


def _renames(r: Round) -> None:
    """The TRD4 file, which the scorer does not read, is checked with TRD4_LINE."""
    assert r.renames is not None
    rename_lines = lines(BENCHMARKS / r.renames.name)
    matches = [TRD4_LINE.fullmatch(raw) for raw in rename_lines]
    assert all(matches), [raw for raw, match in zip(rename_lines, matches) if not match]
    repos = Counter(match["repo"] for match in matches if match)
    sites = [site for match in matches if match for site in match["sites"].split()]
    assert (len(rename_lines), len(repos), len(sites)) == (r.renames.lines, r.renames.repos, r.renames.sites)
    assert all(1 <= len(match["sites"].split()) <= 6 for match in matches if match)
    main = Counter(entry.repo for entry in entries(r.manifest))
    assert max((main + repos).values()) <= 2


def make_tests(r: Round) -> dict[str, Check]:
    """The round's tests, by the names its own file used to give them."""
    assert (r.earlier is None) != (r.others_at_least is None), "compare with earlier rounds one way"
    checks: list[tuple[str, Callable[[Round], None]]] = [
        ("every_line_is_read_by_the_scorer_as_one_entry", _every_line)
    ]
    if r.apps is not None:
        checks.append(("each_repository_is_introduced_once_and_its_entries_follow", _introduced_once))
    checks.append(("the_set_is_the_one_collected", _the_set))
    if r.apps is not None:
        name = (
            "most_commits_come_from_applications"
            if r.apps_share is not None
            else "the_split_between_applications_and_libraries_is_the_one_collected"
        )
        checks.append((name, _apps))
    if r.earlier is not None:
        checks.append(("no_repository_was_used_by_an_earlier_round", _earlier_rounds))
    if r.others_at_least is not None:
        checks.append(("no_repository_is_shared_with_another_manifest", _other_manifests))
    if r.named_nowhere_else:
        checks.append(("no_repository_is_named_in_another_benchmark_file", _named_elsewhere))
    if r.commits_nowhere_else:
        checks.append(("no_commit_is_shared_with_another_benchmark_file", _commits_elsewhere))
    if r.kinds is not None:
        checks.append(("the_kinds_of_project_are_the_ones_collected", _kinds))
    if r.halves is not None:
        checks.append(("the_halves_partition_the_set_by_repository", _halves))
    if r.renames is not None:
        checks.append(("the_rename_fixes_are_well_formed", _renames))
    return {f"test_{name}": _bind(f"test_{name}", check, r) for name, check in checks}


def _bind(name: str, check: Callable[[Round], None], r: Round) -> Check:
    def test() -> None:
        check(r)

    test.__name__ = test.__qualname__ = name
    test.__doc__ = check.__doc__
    return test
