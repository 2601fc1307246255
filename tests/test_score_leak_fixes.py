"""``benchmarks/score_leak_fixes.py`` on a tiny repository built here: a leak at the parent, the
maintainers' fix, and what the scorer reads from them (no network)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, load_benchmark


SCORER = load_benchmark("score_leak_fixes")

LEAKY = '''\
import asyncio

import aiohttp


class Feed:
    def __init__(self) -> None:
        self.session = aiohttp.ClientSession()

    async def start(self) -> None:
        asyncio.create_task(
            self.poll()
        )

    async def poll(self) -> None:
        await asyncio.sleep(1)

    async def stop(self) -> None:
        pass


async def once() -> None:
    asyncio.create_task(asyncio.sleep(1))
'''

FIXED = '''\
import asyncio

import aiohttp


class Feed:
    def __init__(self) -> None:
        self.session = aiohttp.ClientSession()
        self._poller: "asyncio.Task[None] | None" = None

    async def start(self) -> None:
        self._poller = asyncio.create_task(
            self.poll()
        )

    async def poll(self) -> None:
        await asyncio.sleep(1)

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
        await self.session.close()


async def once() -> None:
    asyncio.create_task(asyncio.sleep(1))
'''


@pytest.fixture(scope="module")
def mirrors(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("leakfix")
    work = base / "work"
    (work / "app").mkdir(parents=True)
    git(work, "init", "-q")
    (work / "app" / "feed.py").write_text(LEAKY, encoding="utf-8")
    (work / "README").write_text("not python\n", encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "leak")
    (work / "app" / "feed.py").write_text(FIXED, encoding="utf-8")
    git(work, "commit", "-q", "-am", "fix")
    commit = git(work, "rev-parse", "HEAD").strip()
    git(base, "clone", "-q", "--mirror", str(work), str(base / "mirrors" / "someone+app" / "repo"))
    return base / "mirrors", commit


def test_manifest_lines_are_read() -> None:
    entries = SCORER.parse_manifest(
        "# comment\n"
        "someone/app abc123 app/feed.py:11:TRD3 app/feed.py:8:TRD2@9  # trailing\n"
        "other/x def456 bot.py:3:TRD2 scope=.,cogs\n"
    )
    assert [(e.repo, e.commit, e.scope) for e in entries] == [
        ("someone/app", "abc123", ["app"]), ("other/x", "def456", [".", "cogs"])]
    assert entries[0].sites == [SCORER.Site("app/feed.py", 11, "TRD3"), SCORER.Site("app/feed.py", 8, "TRD2", 9)]
    with pytest.raises(ValueError, match="TRD2 or TRD3"):
        SCORER.parse_site("app/feed.py:8:TRD4")


def test_a_site_outside_the_scope_adds_its_top_folder(capsys: pytest.CaptureFixture[str]) -> None:
    # ``scope=.`` is the top-level files only: a site under webapp/ would never be extracted.
    (entry,) = SCORER.parse_manifest("other/x def456 bot.py:3:TRD2 webapp/api/trading.py:9:TRD2 scope=.\n")
    assert entry.scope == [".", "webapp"]
    assert "webapp/api/trading.py is outside scope=." in capsys.readouterr().err
    (entry,) = SCORER.parse_manifest("other/x def456 bot.py:3:TRD2 webapp/api/trading.py:9:TRD2 scope=.,webapp\n")
    assert entry.scope == [".", "webapp"]


def test_a_site_is_its_statement_and_is_mapped_through_the_diff() -> None:
    # The discarded call spans lines 11-13; the line the fix rewrote maps to its replacement.
    assert SCORER.statement_span(LEAKY, 11) == (11, 13)
    assert SCORER.statement_span(LEAKY, 7) == (7, 7)  # ``def __init__``: its header only
    assert SCORER.map_line(LEAKY, FIXED, 8) == (8, 8)  # unchanged
    assert SCORER.map_line(LEAKY, FIXED, 11) == (12, 12)  # rewritten: the replacing line
    assert SCORER.map_line(LEAKY, FIXED, 23) == (26, 26)  # moved down by the lines added above


def test_found_at_the_parent_gone_at_the_fix(mirrors: tuple[Path, str]) -> None:
    root, commit = mirrors
    entry = SCORER.parse_manifest(f"someone/app {commit} app/feed.py:11:TRD3 app/feed.py:8:TRD2")[0]
    result = SCORER.score(entry, root)
    run = result["modes"]["default"]
    assert run["found"] == {"TRD2": 1, "TRD3": 1}
    assert run["kept_after_fix"] == {"TRD2": 0, "TRD3": 0}
    assert [v["site"] for v in run["sites"]] == ["app/feed.py:11:TRD3", "app/feed.py:8:TRD2"]
    assert [f.split(": ", 1)[1].split(" ", 1)[0] for v in run["sites"] for f in v["found"]] == ["TRD301", "TRD202"]
    # The other discarded task, which the commit left, is printed to be read.
    assert [t.split(" ", 2)[:2] for t in run["not_sites"]] == [["app/feed.py:23:5:", "TRD301"]]
    totals = SCORER.totals([result])
    assert totals["default"]["TRD3"] == {"sites": 1, "found": 1, "recall": 1.0, "kept_after_fix": 0,
                                         "precision_at_fix": 1.0}


def test_a_finding_left_after_the_fix_is_counted(mirrors: tuple[Path, str]) -> None:
    root, commit = mirrors
    # Scored as if the commit had fixed ``once()``: its finding is still there at the fix.
    entry = SCORER.parse_manifest(f"someone/app {commit} app/feed.py:23:TRD3")[0]
    run = SCORER.score(entry, root)["modes"]["preview"]
    assert run["found"]["TRD3"] == 1 and run["kept_after_fix"]["TRD3"] == 1
    assert run["sites"][0]["after_fix"][0].startswith("app/feed.py:26:5: TRD301")


def test_a_commit_without_a_mirror_is_named_and_left_out_of_the_totals(
        mirrors: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, commit = mirrors
    manifest = tmp_path / "m.txt"
    manifest.write_text(f"someone/app {commit} app/feed.py:11:TRD3\n"
                        f"nobody/gone {'a' * 40} bot.py:3:TRD2 bot.py:9:TRD3\n", encoding="utf-8")
    summary = tmp_path / "s.json"
    assert SCORER.main(["--manifest", str(manifest), "--mirrors", str(root), "--summary-json", str(summary)]) == 0
    out = capsys.readouterr().out
    assert f"not scored: no mirror of nobody/gone under {root} (aaaaaaaaaa, 2 site(s))" in out
    assert "not scored (no mirror): 1 commit(s), 2 site(s); the totals above count only the scored ones" in out
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["commits"] == 1
    assert data["not_scored"] == [{"repo": "nobody/gone", "commit": "a" * 40, "sites": 2}]
    assert data["totals"]["default"]["TRD3"]["sites"] == 1 and data["totals"]["default"]["TRD2"]["sites"] == 0


HELPER = '''\
import asyncio


def spawn(coro):
    task = asyncio.create_task(coro)
    task.add_done_callback(lambda t: t.exception())
    return task
'''

USER = '''\
import asyncio

from helpers import spawn


async def tick() -> None:
    await asyncio.sleep(1)


async def run() -> None:
    spawn(tick())
'''


@pytest.fixture(scope="module")
def helper_mirror(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("checkout")
    work = base / "work"
    (work / "app").mkdir(parents=True)
    git(work, "init", "-q")
    (work / "helpers.py").write_text(HELPER, encoding="utf-8")
    (work / "app" / "tick.py").write_text(USER, encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "leak")
    (work / "app" / "tick.py").write_text(USER.replace("    spawn(tick())", "    await spawn(tick())"), encoding="utf-8")
    git(work, "commit", "-q", "-am", "fix")
    commit = git(work, "rev-parse", "HEAD").strip()
    git(base, "clone", "-q", "--mirror", str(work), str(base / "mirrors" / "someone+ticker" / "repo"))
    return base / "mirrors", commit


@pytest.mark.parametrize("checkout", [False, True])
def test_checkout_checks_the_scope_in_the_whole_commit(
        helper_mirror: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, checkout: bool) -> None:
    # The scope alone lacks the project's task factory (a module of the repository's root); a
    # full checkout has it, and still reports only what lies in the scope.
    root, commit = helper_mirror
    monkeypatch.setattr(SCORER, "CHECKOUT", checkout)
    monkeypatch.setattr(SCORER, "MODES", ("default",))
    entry = SCORER.parse_manifest(f"someone/ticker {commit} app/tick.py:11:TRD3 scope=app")[0]
    run = SCORER.score(entry, root)["modes"]["default"]
    assert run["found"]["TRD3"] == (1 if checkout else 0)
    assert run["sites"][0]["found"] == (["app/tick.py:11:5: TRD301 task from `spawn(...)` is discarded; keep it and await or cancel it"] if checkout else [])
    assert run["kept_after_fix"]["TRD3"] == 0
    assert run["not_sites"] == []


def test_the_checked_tree_is_never_imported_from(tmp_path: Path) -> None:
    # Each run is ``python -m tradelint`` with the checked tree as its working directory. Under
    # Python 3.13, ``runpy`` imports ``importlib.util`` and ``types`` before tradelint's own guard
    # (``tradelint/__main__.py``) runs: a repository's own ``types.py`` was imported in their place
    # (a Home Assistant integration of round 24, half a, failed so). The runs' environment keeps the working
    # directory off ``sys.path`` (``PYTHONSAFEPATH``: Python 3.11's; 3.10 has no such guard).
    (tmp_path / "shadow_probe.py").write_text("")
    env = SCORER.tool_env(Path(__file__).resolve().parent.parent)
    probe = "import importlib.util; print(importlib.util.find_spec('shadow_probe') is not None)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert result.stdout == f"{sys.version_info < (3, 11)}\n"
