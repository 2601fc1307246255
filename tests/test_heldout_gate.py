"""benchmarks/heldout_gate.py prints the held-out leak fixes' totals and, against an earlier run,
how many entries changed (never which); benchmarks/leak_pool.py run --entries scores only the
pool lines named. Hand-made scorer results; no repository is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import load_benchmark

heldout_gate = load_benchmark("heldout_gate")
leak_pool = load_benchmark("leak_pool")


def _site(found: bool, after: bool) -> dict[str, object]:
    return {"site": "a.py:1:TRD2", "found": ["a.py:1:1: TRD201 x"] if found else [],
            "after_fix": ["a.py:1:1: TRD201 x"] if after else []}


def _run(folder: Path, name: str, entries: list[tuple[str, bool, bool, list[str]]], mode: str = "default") -> None:
    folder.mkdir(exist_ok=True)
    results = [{"repo": repo, "commit": repo * 4, "modes": {mode: {"sites": [_site(found, after)],
                                                                       "not_sites": others}}}
               for repo, found, after, others in entries]
    fam = {"sites": len(entries), "found": sum(f for _, f, _, _ in entries),
           "kept_after_fix": sum(a for _, _, a, _ in entries)}
    totals = {mode: {"TRD2": fam, "TRD3": {"sites": 0, "found": 0, "kept_after_fix": 0},
                          "not_sites": sum(len(o) for *_, o in entries)}}
    (folder / f"{name}.json").write_text(json.dumps({"totals": totals, "results": results}))


def test_compare_prints_totals_and_counts_of_changed_entries_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = heldout_gate.GATE[0]
    _run(tmp_path / "old", name, [("a", True, False, []), ("b", False, False, ["x.py:1:1: TRD301 y"]),
                                  ("c", True, True, [])])
    _run(tmp_path / "new", name, [("a", True, False, []), ("b", True, False, []), ("c", True, False, [])])
    assert heldout_gate.compare(tmp_path / "old", tmp_path / "new") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        name,
        "  old: 3 entries; TRD2 2/3 (after fix 1), TRD3 0/0 (after fix 0); 1 other findings",
        "  new: 3 entries; TRD2 3/3 (after fix 0), TRD3 0/0 (after fix 0); 0 other findings",
        "  entries changed: found sites 1, after the fix 1, other findings 1",
    ]
    assert out[4:6] == [heldout_gate.GATE[1], "  old: no run"]
    assert not any("a.py" in line or " b " in line for line in out)


def test_compare_reads_the_preview_runs_with_mode_preview(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = heldout_gate.GATE[0]
    _run(tmp_path / "old", name, [("a", False, False, [])], mode="preview")
    _run(tmp_path / "new", name, [("a", True, False, [])], mode="preview")
    assert heldout_gate.main(["compare", str(tmp_path / "old"), str(tmp_path / "new"), "--mode", "preview"]) == 0
    assert capsys.readouterr().out.splitlines()[:4] == [
        name,
        "  old: 1 entries; TRD2 0/1 (after fix 0), TRD3 0/0 (after fix 0); 0 other findings",
        "  new: 1 entries; TRD2 1/1 (after fix 0), TRD3 0/0 (after fix 0); 0 other findings",
        "  entries changed: found sites 1, after the fix 0, other findings 0",
    ]


def test_the_gate_is_every_held_out_half_and_two_whole_rounds() -> None:
    assert heldout_gate.GATE[:11] == tuple(f"leak_fixes_r{n}_b.txt" for n in range(17, 28))
    assert heldout_gate.GATE[11:] == ("leak_fixes_r21.txt", "leak_fixes_r22.txt", "leak_fixes_r28_b.txt")
    assert set(heldout_gate.GATE) <= leak_pool.HELD_OUT
    assert all((Path(heldout_gate.HERE) / name).is_file() for name in heldout_gate.GATE)


def test_pool_run_scores_only_the_entries_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["acme/one " + "1" * 40 + " a.py:1:TRD2", "acme/two " + "2" * 40 + " b.py:1:TRD2",
             "acme/three " + "3" * 40 + " c.py:1:TRD3"]
    monkeypatch.setattr(leak_pool, "development_lines", lambda: lines)
    scored: list[list[str]] = []

    class Done:
        returncode = 0

    def fake_run(command: list[str], **_: object) -> Done:
        scored.append(command)
        return Done()

    monkeypatch.setattr(leak_pool.subprocess, "run", fake_run)
    mirrors = tmp_path / "mirrors"
    for repo in ("acme+one", "acme+two", "acme+three"):
        (mirrors / repo).mkdir(parents=True)
    assert leak_pool.run(tmp_path, tmp_path / "out", 1, "default", mirrors, frozenset({1, 3})) == 0
    assert sorted(Path(c[c.index("--json") + 1]).name for c in scored) == ["e001.json", "e003.json"]
