"""benchmarks/afterfix_labels.py counts the verdicts of the development pool's sites still
reported after the maintainers' fix, and tells which of them a later pool run still reports.
Hand-made labels and pool results; no repository is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import load_benchmark

afterfix_labels = load_benchmark("afterfix_labels")

HEADER = "entry\trepo\tfix_commit\tsite\tcode\tverdict\tfinding_true\tidiom\treason\n"
ROWS = [
    "e001\tacme/bot\t" + "a" * 40 + "\tbot.py:3:TRD2\tTRD201\tRESIDUAL\tyes\t-\tclose not in finally\n",
    "e002\tacme/hub\t" + "b" * 40 + "\thub.py:9:TRD3\tTRD303\tMISREAD\tno\tstop flag\tthe flag ends it\n",
    "e003\tacme/hub\t" + "c" * 40 + "\thub.py:4:TRD2\tTRD202\tMESSAGE\tyes\t-\tanother claim\n",
]


def _labels(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "afterfix.tsv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _pool(tmp_path: Path, sites: list[tuple[str, str, str, bool]]) -> Path:
    pool = tmp_path / "pool"
    pool.mkdir()
    for number, (repo, commit, site, after) in enumerate(sites, 1):
        verdict = {"site": site, "found": ["x"], "after_fix": ["x"] if after else []}
        result = {"repo": repo, "commit": commit, "modes": {"default": {"sites": [verdict]}}}
        (pool / f"e{number:03d}.json").write_text(json.dumps({"results": [result]}), encoding="utf-8")
    return pool


def test_counts_per_family_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert afterfix_labels.main([str(_labels(tmp_path, ROWS))]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "TRD2: 2 sites: RESIDUAL 1, MISREAD 0, MESSAGE 1, UNSURE 0; finding true 2, false 0",
        "TRD3: 1 sites: RESIDUAL 0, MISREAD 1, MESSAGE 0, UNSURE 0; finding true 0, false 1",
        "all: 3 sites: RESIDUAL 1, MISREAD 1, MESSAGE 1, UNSURE 0; finding true 2, false 1",
    ]


def test_a_pool_run_tells_kept_clean_and_unlabelled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pool = _pool(tmp_path, [
        ("acme/bot", "a" * 40, "bot.py:3:TRD2", True),
        ("acme/hub", "b" * 40, "hub.py:9:TRD3", False),
        ("acme/new", "d" * 40, "new.py:1:TRD2", True),
    ])
    assert afterfix_labels.main([str(_labels(tmp_path, ROWS)), "--pool", str(pool)]) == 0
    assert capsys.readouterr().out.splitlines()[3:] == [
        "clean now: e002 acme/hub hub.py:9:TRD3 (MISREAD, finding true: no)",
        "RESIDUAL: kept 1, clean 0, unscored 0",
        "MISREAD: kept 0, clean 1, unscored 0",
        "MESSAGE: kept 0, clean 0, unscored 1",
        "UNSURE: kept 0, clean 0, unscored 0",
        "unlabelled: acme/new dddddddddd new.py:1:TRD2",
    ]


def test_a_malformed_label_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"afterfix.tsv:2: malformed label"):
        afterfix_labels.main([str(_labels(tmp_path, [ROWS[0].replace("RESIDUAL", "TRUE")]))])


def test_the_committed_labels_read_and_count() -> None:
    rows = afterfix_labels.read_labels(Path(__file__).resolve().parents[1] / "benchmarks" / "labels" / "afterfix67.tsv")
    assert len(rows) == 69
    assert afterfix_labels.tally(rows)["all"]["RESIDUAL"] == 32
