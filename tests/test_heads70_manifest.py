"""The session-70 precision set (``benchmarks/heads70.txt``): applications at pinned commits, the
findings ``benchmarks/heads_pool.py`` writes for them, and the labels of a sample of them, split
in halves by ``pool_precision.half_of`` (half a read to mend the rules, half b held out)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import heads_pool  # noqa: E402
import pool_precision  # noqa: E402


def test_the_manifest_pins_each_application_once() -> None:
    rows = heads_pool.manifest(ROOT / "benchmarks" / "heads70.txt")
    assert len(rows) == 426
    assert len({repo for repo, _ in rows}) == len(rows)
    assert all(re.fullmatch(r"[\w.-]+/[\w.-]+", repo) and re.fullmatch(r"[0-9a-f]{40}", commit) for repo, commit in rows)


def test_the_labels_are_of_the_manifest_and_in_their_half() -> None:
    pinned = {repo for repo, _ in heads_pool.manifest(ROOT / "benchmarks" / "heads70.txt")}
    for half, count in (("a", 106), ("b", 68)):
        rows = pool_precision.read_labels(ROOT / "benchmarks" / "labels" / f"heads70_{half}.tsv")
        assert len(rows) == count
        assert {row["repo"] for row in rows} <= pinned
        assert {pool_precision.half_of(row["repo"]) for row in rows} == {half}


def test_a_run_is_written_as_a_pool_run(tmp_path: Path) -> None:
    app = tmp_path / "apps" / "someone+bot"
    app.mkdir(parents=True)
    (app / "bot.py").write_text("import asyncio\n\n\nasync def main():\n    asyncio.create_task(main())\n")
    manifest = tmp_path / "list.txt"
    manifest.write_text("# a comment\nsomeone/bot " + "0" * 40 + "\nother/quiet " + "1" * 40 + "\n")
    (tmp_path / "apps" / "other+quiet").mkdir()
    out = tmp_path / "out"
    assert heads_pool.main(["run", str(manifest), str(out), "--apps-dir", str(tmp_path / "apps"), "--root", str(ROOT), "--jobs", "1"]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["e000.json", "e001.json"]
    assert json.loads((out / "e001.json").read_text())["results"][0]["modes"]["default"]["not_sites"] == []
    run = json.loads((out / "e000.json").read_text())["results"][0]
    assert run["repo"] == "someone/bot" and run["parent"] == "0" * 40
    assert run["modes"]["default"]["not_sites"] == [
        "bot.py:5:5: TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
    ]
    assert [row[1] for row in pool_precision.findings(out).values()] == ["someone/bot"]
