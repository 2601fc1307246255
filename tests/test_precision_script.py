"""benchmarks/precision.py counts labels per family and code, and in --run mode finds unlabelled
findings and labels whose finding is gone. Hand-made manifest and labels; a stub stands in for
tradelint, so no application and no network is needed."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from tests.conftest import load_benchmark

precision = load_benchmark("precision")

MANIFEST = textwrap.dedent(
    """\
    # header
    acme/bot 0123456789abcdef0123456789abcdef01234567  # kind: bot
    acme/ha 89abcdef0123456789abcdef0123456789abcdef sub  # kind: ha-integration
    """
)
HEADER = "app\tpath\tline\tcode\tmode\tverdict\treason\n"
LABELS = HEADER + "".join(
    "\t".join(r) + "\n"
    for r in [
        ("acme/bot", "a.py", "1", "TRD301", "default", "TP", "bare create_task"),
        ("acme/bot", "a.py", "2", "TRD301", "default", "TP", "bare create_task"),
        ("acme/bot", "a.py", "3", "TRD301", "default", "FP", "mock loop"),
        ("acme/bot", "b.py", "4", "TRD201", "default", "UNSURE", "closed by a plugin?"),
        ("acme/ha", "c.py", "5", "TRD101", "default", "TP", "constant field"),
        ("acme/ha", "c.py", "6", "TRD302", "preview", "FP", "kept elsewhere"),
        ("acme/ha", "c.py", "7", "TRD404", "preview", "TP", "stale name"),
    ]
)


def _files(tmp_path: Path, labels: str = LABELS) -> list[str]:
    (tmp_path / "apps.txt").write_text(MANIFEST)
    (tmp_path / "labels.tsv").write_text(labels)
    return [
        "--manifest",
        str(tmp_path / "apps.txt"),
        "--labels",
        str(tmp_path / "labels.tsv"),
        "--json",
        str(tmp_path / "out.json"),
        "--apps-dir",
        str(tmp_path / "apps"),
    ]


def test_manifest_reads_commit_subdir_and_kind(tmp_path):
    _files(tmp_path)
    apps = precision.read_manifest(tmp_path / "apps.txt")
    assert [(a.repo, a.subdir, a.kind, a.folder) for a in apps] == [
        ("acme/bot", "", "bot", "acme+bot"),
        ("acme/ha", "sub", "ha-integration", "acme+ha/sub"),
    ]


def test_counts_per_family_and_code_from_labels(tmp_path):
    assert precision.main(_files(tmp_path)) == 0
    fig = json.loads((tmp_path / "out.json").read_text())["figures"]
    d, p = fig["default"], fig["preview"]
    assert d["family"]["TRD3"] == {
        "findings": 3,
        "TP": 2,
        "FP": 1,
        "UNSURE": 0,
        "unlabelled": 0,
        "precision": round(2 / 3, 4),
    }
    # UNSURE is counted as a finding but left out of TP / (TP + FP)
    assert (
        d["family"]["TRD2"]["UNSURE"] == 1 and d["family"]["TRD2"]["precision"] is None
    )
    assert d["family"]["TRD1"]["precision"] == 1.0
    assert "TRD4" not in d["family"] and "TRD302" not in d["code"]
    # preview counts every finding --preview makes: the default ones too
    assert (
        p["family"]["TRD3"]["findings"] == 4 and p["family"]["TRD3"]["precision"] == 0.5
    )
    assert p["code"]["TRD404"]["TP"] == 1 and p["family"]["TRD4"]["precision"] == 1.0
    apps = json.loads((tmp_path / "out.json").read_text())["apps"]
    assert [(a["app"], a["kind"], a["default"], a["preview_only"]) for a in apps] == [
        ("acme/bot", "bot", 4, 0),
        ("acme/ha", "ha-integration", 1, 2),
    ]


def test_malformed_label_fails(tmp_path):
    bad = LABELS + "acme/bot\td.py\t9\tTRD301\tdefault\tMAYBE\twhy\n"
    assert precision.main(_files(tmp_path, bad)) == 1
    stray = LABELS + "other/app\td.py\t9\tTRD301\tdefault\tTP\twhy\n"
    assert precision.main(_files(tmp_path, stray)) == 1


STUB = textwrap.dedent(
    """\
    import json, os, sys
    preview = "--preview" in sys.argv
    here = os.path.basename(os.getcwd())
    out = {
        "acme+bot": [("a.py", 1, "TRD301"), ("a.py", 2, "TRD301"), ("new.py", 8, "TRD303")],
        "sub": [("c.py", 5, "TRD101")] + ([("c.py", 6, "TRD302")] if preview else []),
    }[here]
    print(json.dumps([{"path": p, "line": l, "code": c} for p, l, c in out]))
    """
)


def test_run_lists_unlabelled_and_gone_and_fails(tmp_path, capsys):
    args = _files(tmp_path)
    (tmp_path / "stub.py").write_text(STUB)
    (tmp_path / "apps" / "acme+bot").mkdir(parents=True)
    (tmp_path / "apps" / "acme+ha" / "sub").mkdir(parents=True)
    cmd = f"{sys.executable} {tmp_path / 'stub.py'}"
    status = precision.main([*args, "--run", "--tradelint-cmd", cmd])
    out = capsys.readouterr().out
    assert status == 1  # new.py:8 has no label
    assert "UNLABELLED\tacme/bot\tnew.py\t8\tTRD303\tdefault" in out
    gone = {
        line.split("\t")[2] + ":" + line.split("\t")[3]
        for line in out.splitlines()
        if line.startswith("GONE")
    }
    assert gone == {"a.py:3", "b.py:4", "c.py:7"}
    fig = json.loads((tmp_path / "out.json").read_text())
    assert fig["figures"]["default"]["family"]["TRD3"] == {
        "findings": 3,
        "TP": 2,
        "FP": 0,
        "UNSURE": 0,
        "unlabelled": 1,
        "precision": 1.0,
    }
    assert fig["figures"]["preview"]["code"]["TRD302"]["FP"] == 1
    assert [(a["app"], a["default"], a["preview_only"]) for a in fig["apps"]] == [
        ("acme/bot", 3, 0),
        ("acme/ha", 1, 1),
    ]
