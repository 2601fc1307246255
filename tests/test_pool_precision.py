"""benchmarks/pool_precision.py draws a seeded sample of a pool run's non-site findings (each
distinct finding once, labelled applications left out, at most two of a repository per code),
counts precision from labels, and tells which labelled findings a later run still makes.
Hand-made pool results; no repository is read."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from tests.conftest import load_benchmark

pool_precision = load_benchmark("pool_precision")


def _result(repo: str, not_sites: list[str]) -> dict[str, object]:
    return {"results": [{"repo": repo, "parent": "p" * 40, "modes": {"default": {"not_sites": not_sites}}}]}


def _pool(tmp_path: Path, lines: list[str]) -> Path:
    pool = tmp_path / "pool"
    pool.mkdir()
    (pool / "e001.json").write_text(json.dumps(_result("acme/bot", lines)))
    # The same finding at a later commit of the same repository is one finding; a labelled
    # application's findings are never drawn.
    (pool / "e002.json").write_text(json.dumps(_result("acme/bot", lines[:1])))
    (pool / "e003.json").write_text(json.dumps(_result("Rapptz/RoboDanny", ["bot.py:1:1: TRD301 task is discarded"])))
    return pool


LINES = [
    "a.py:3:5: TRD301 task from `asyncio.create_task(...)` is discarded",
    "a.py:9:5: TRD301 task from `loop.create_task(...)` is discarded",
    "b.py:4:9: TRD301 task from `asyncio.ensure_future(...)` is discarded",
    "c.py:7:1: TRD201 `session` is never closed",
]


def test_draw_takes_each_finding_once_and_at_most_two_of_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_precision, "QUOTA", {"TRD301": 5, "TRD201": 5})
    rows = pool_precision.draw(_pool(tmp_path, LINES), 55)
    assert len([r for r in rows if r[5] == "TRD301"]) == 2
    assert [(r[0], r[1], r[3], r[4]) for r in rows if r[5] == "TRD201"] == [("e001", "acme/bot", "c.py", 7)]
    # The draw is the same for the same seed.
    assert rows == pool_precision.draw(tmp_path / "pool", 55)


HEADER = "entry\trepo\tpath\tline\tcode\tverdict\tkind\tin_test\treason\n"
LABELS = HEADER + "".join(
    "\t".join(r) + "\n"
    for r in [
        ("e001", "acme/bot", "a.py", "3", "TRD301", "TP", "app", "no", "bare create_task"),
        ("e001", "acme/bot", "c.py", "7", "TRD201", "FP", "app", "no", "closed in on_cleanup"),
        ("e009", "acme/lib", "d.py", "2", "TRD201", "TP", "library", "yes", "never closed"),
        ("e009", "acme/lib", "d.py", "8", "TRD201", "UNSURE", "library", "no", "closed by a plugin?"),
    ]
)


def test_score_per_family_and_per_code_and_for_applications(tmp_path: Path) -> None:
    labels = tmp_path / "labels.tsv"
    labels.write_text(LABELS)
    figures = pool_precision.score(labels)
    assert figures["all"]["family"] == {
        "TRD2": {"findings": 3, "TP": 1, "FP": 1, "UNSURE": 1, "precision": 0.5},
        "TRD3": {"findings": 1, "TP": 1, "FP": 0, "UNSURE": 0, "precision": 1.0},
    }
    assert figures["app"]["code"]["TRD201"] == {"findings": 1, "TP": 0, "FP": 1, "UNSURE": 0, "precision": 0.0}


def test_check_tells_kept_from_gone(tmp_path: Path) -> None:
    labels = tmp_path / "labels.tsv"
    labels.write_text(LABELS)
    result = pool_precision.check(labels, _pool(tmp_path, LINES[:1]))
    assert result["kept"] == ["acme/bot a.py:3 TRD301 TP"]
    assert result["gone"] == ["acme/bot c.py:7 TRD201 FP"]
    assert result["unscored"] == ["acme/lib d.py:2 TRD201 TP", "acme/lib d.py:8 TRD201 UNSURE"]


def test_a_malformed_label_is_one_clear_error(tmp_path: Path) -> None:
    labels = tmp_path / "labels.tsv"
    labels.write_text(HEADER + "e001\tacme/bot\ta.py\t3\tTRD301\tMAYBE\tapp\tno\tx\n")
    with pytest.raises(SystemExit, match=r"labels.tsv:2: verdict must be TP/FP/UNSURE"):
        pool_precision.score(labels)


def test_weighted_precision_counts_each_code_by_its_population() -> None:
    figures = {"code": {
        "TRD201": {"precision": 0.5}, "TRD205": {"precision": 1.0}, "TRD301": {"precision": None},
    }}
    population = collections.Counter({"TRD201": 30, "TRD205": 10, "TRD301": 5})
    assert pool_precision.weighted(figures, population) == {"TRD2": 0.625}


def test_draw_leaves_out_the_repositories_of_every_labels_file_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pool = _pool(tmp_path, LINES)
    one = tmp_path / "one.tsv"
    one.write_text(HEADER + "e001\tacme/bot\ta.py\t3\tTRD301\tTP\tapp\tno\tbare create_task\n")
    two = tmp_path / "two.tsv"
    two.write_text(HEADER + "e004\tacme/other\tx.py\t2\tTRD301\tTP\tapp\tno\tbare create_task\n")
    (pool / "e004.json").write_text(json.dumps(_result("acme/other", ["x.py:2:1: TRD301 task is discarded"])))
    (pool / "e005.json").write_text(json.dumps(_result("acme/third", ["y.py:4:1: TRD301 task is discarded"])))
    assert pool_precision.main(["draw", str(pool), "--exclude-labels", str(one), "--exclude-labels", str(two)]) == 0
    rows = capsys.readouterr().out.splitlines()
    # Both files' repositories are left out, not only the last file's.
    assert [r.split("\t")[1] for r in rows[1:]] == ["acme/third"]


def test_score_counts_several_labels_files_together(tmp_path: Path) -> None:
    one = tmp_path / "one.tsv"
    one.write_text(LABELS)
    two = tmp_path / "two.tsv"
    two.write_text(HEADER + "e010\tacme/svc\te.py\t5\tTRD201\tTP\tapp\tno\tnever closed\n")
    figures = pool_precision.score([one, two])
    assert figures["all"]["family"]["TRD2"]["TP"] == 2  # type: ignore[index]
    assert figures["all"]["family"]["TRD2"]["FP"] == 1  # type: ignore[index]


def test_draw_leaves_out_what_an_earlier_sample_read_and_splits_by_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pool_precision, "QUOTA", {"TRD301": 5, "TRD201": 5})
    pool = _pool(tmp_path, LINES)
    # A finding at a (repository, path, code) a labels file read is never drawn again.
    read = {("acme/bot", "c.py", "TRD201")}
    assert [r[3] for r in pool_precision.draw(pool, 55, read=read) if r[5] == "TRD201"] == []
    assert pool_precision.half_of("acme/bot") == "a" and pool_precision.half_of("acme/svc") == "b"
    labels = tmp_path / "labels.tsv"
    labels.write_text(LABELS)
    # The labels read a.py's TRD301 and c.py's TRD201 of acme/bot: b.py's TRD301 is left, in half a.
    for half, drawn in (("a", ["b.py"]), ("b", [])):
        pool_precision.main(["draw", str(pool), "--seed", "55", "--exclude-read", str(labels), "--half", half])
        rows = capsys.readouterr().out.splitlines()[1:]
        assert [r.split("\t")[3] for r in rows] == drawn


def test_score_of_the_labelled_findings_a_run_still_makes(tmp_path: Path) -> None:
    labels = tmp_path / "labels.tsv"
    labels.write_text(LABELS)
    figures = pool_precision.score(labels, kept=_pool(tmp_path, LINES[:1]))
    assert figures["all"]["family"] == {"TRD3": {"findings": 1, "TP": 1, "FP": 0, "UNSURE": 0, "precision": 1.0}}
