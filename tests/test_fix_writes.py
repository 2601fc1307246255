"""``--fix`` writes: never through a link out of the paths given, never counts a fix it did not
write (summary, JSON and SARIF agree with the disk), never overwrites an edit made meanwhile."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tradelint import cli
from tradelint.runner import runner
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.runner import fixer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
FIXED = "_keep_task(asyncio.create_task(g()))"


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)


def _json(out: str) -> list[tuple[str, int, str]]:
    return [(Path(f["path"]).name, f["line"], f["code"]) for f in json.loads(out)]


def _disk(paths: list[Path]) -> list[tuple[str, int, str]]:
    """What a plain check of the disk finds now: the reports must agree with it."""
    configs = {p: cli.config_for(p) for p in paths}
    return [(Path(f.path).name, f.line, f.code) for f in runner.check_files(configs).findings]


def test_a_link_to_a_file_outside_the_given_paths_is_not_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside" / "secret.py"
    outside.parent.mkdir()
    outside.write_text(BUG, encoding="utf-8")
    tree = tmp_path / "tree"
    tree.mkdir()
    link = tree / "link.py"
    link.symlink_to(outside)
    assert run(["--fix", "--output-format", "json", str(tree)]) == 2
    out, err = capsys.readouterr()
    assert outside.read_text(encoding="utf-8") == BUG
    assert link.is_symlink()
    assert f"tradelint: {link}: a symbolic link to a file outside the paths being fixed, not fixed" in err
    assert _json(out) == [("link.py", 5, "TRD301")] == _disk([link])
    assert "fixed 0 findings, 1 remaining" in err


def test_a_link_to_a_file_being_fixed_leaves_the_fix_to_that_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "real.py").write_text(BUG, encoding="utf-8")
    (tmp_path / "alias.py").symlink_to(tmp_path / "real.py")
    assert run(["--fix", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert (tmp_path / "alias.py").is_symlink()
    assert FIXED in (tmp_path / "real.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["read-only", "long name"])
@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_a_fix_not_written_is_not_counted(
    tmp_path: Path, kind: str, output_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.py"
    other.write_text(BUG, encoding="utf-8")
    name = "locked.py" if kind == "read-only" else "n" * (255 - 3) + ".py"
    stuck = tmp_path / name
    stuck.write_text(BUG, encoding="utf-8")
    if kind == "read-only":
        stuck.chmod(0o444)
    assert run(["--fix", "--output-format", output_format, str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert stuck.read_text(encoding="utf-8") == BUG
    assert FIXED in other.read_text(encoding="utf-8")
    why = "read-only" if kind == "read-only" else "name too long for a temporary file beside it"
    assert f"tradelint: {stuck}: {why}, not fixed\n" in err
    summary = "Checked 2 files in 0.00s: fixed 1 finding, 1 remaining (1 fixable with `--fix`)."
    assert summary in (out if output_format == "text" else err)
    on_disk = _disk([stuck, other])
    assert on_disk == [(name, 5, "TRD301")]
    if output_format == "json":
        assert _json(out) == on_disk
    elif output_format == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results] == [
            (5, "TRD301")
        ]
        assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(name)
        assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    else:
        assert f"{stuck}:5:5: TRD301" in out


def _source(path: Path) -> fixer.SourceFile:
    return fixer.SourceFile.read(path)


APPEND_ON_REQUEST = """
import sys
sys.stdin.readline()
with open(sys.argv[1], "a", encoding="utf-8") as fh:
    fh.write("# saved meanwhile\\n")
print("done", flush=True)
"""


def test_an_append_between_the_last_compare_and_the_swap_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process appends in the one instant no compare made before the rename can see:
    after the last compare, before the file is replaced. It is given half a second to finish
    (it may be held in ``open`` until the write is over, which is the point)."""
    import select
    import subprocess

    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    source = _source(path)
    editor = subprocess.Popen(
        [sys.executable, "-c", APPEND_ON_REQUEST, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert editor.stdin is not None and editor.stdout is not None
    asked = []

    def append_once() -> None:
        if not asked:
            asked.append(True)
            editor.stdin.write("go\n")  # type: ignore[union-attr]
            editor.stdin.flush()  # type: ignore[union-attr]
            select.select([editor.stdout], [], [], 0.5)

    real_replace, real_exchange = os.replace, getattr(fixer, "_exchange", None)

    def replace(*args: object, **kwargs: object) -> None:
        append_once()
        real_replace(*args, **kwargs)  # type: ignore[arg-type]

    def exchange(*args: object) -> bool:
        append_once()
        assert real_exchange is not None
        return bool(real_exchange(*args))

    monkeypatch.setattr(os, "replace", replace)
    if real_exchange is not None:
        monkeypatch.setattr(fixer, "_exchange", exchange)
    try:
        fixer.write_atomically(source, source.text.replace("create_task(g())", "create_task(h())"))
        refused = False
    except fixer.WriteError as exc:
        assert str(exc) == f"{path}: changed on disk while fixing, not overwritten"
        refused = True
    assert editor.wait(timeout=10) == 0
    monkeypatch.undo()
    text = path.read_text(encoding="utf-8")
    assert text.endswith("# saved meanwhile\n")  # never lost
    # Refused (the file is theirs, untouched), or written before their append reached it.
    assert text == (BUG if refused else BUG.replace("g()", "h()")) + "# saved meanwhile\n"
    assert sorted(os.listdir(tmp_path)) == ["bug.py"]


def test_a_file_held_open_for_writing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer that opened the file before the write and writes after it: its edit must not go
    to a file that no longer has a name."""
    monkeypatch.setattr(fixer, "LEASE_WAIT_SECONDS", 0.1, raising=False)
    path = tmp_path / "bug.py"
    path.write_text(BUG, encoding="utf-8")
    source = _source(path)
    with open(path, "a", encoding="utf-8") as writer:
        try:
            fixer.write_atomically(source, source.text.replace("g()", "h()"))
        except fixer.WriteError as exc:
            assert str(exc) == f"{path}: open for writing in another program, not overwritten"
        writer.write("# written through a descriptor opened before the fix\n")
    assert path.read_text(encoding="utf-8") == BUG + "# written through a descriptor opened before the fix\n"
    assert sorted(os.listdir(tmp_path)) == ["bug.py"]


def test_appends_while_fixing_are_never_lost(tmp_path: Path) -> None:
    from concurrent_edits import measure

    result = measure(tmp_path, edits=400, pause=0.0002)
    print(f"edits {result.edits}: lost {result.lost}; writes {result.writes}, refused {result.refused}")
    assert result.lost == 0
    assert result.writes >= 1  # some writes went through: the test exercised the swap
