"""``benchmarks/heads_pool.py``: the applications of a list, or of one half of it, extracted from
the fetch tool's mirrors, which lack a repository's largest files (session 87: ``git archive``
refused such a commit, so one apps72 application could not be checked)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import load_benchmark

HEADS = load_benchmark("heads_pool")
PRECISION = load_benchmark("pool_precision")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}).stdout.strip()


def test_a_half_keeps_the_applications_of_that_half_in_order(tmp_path: Path) -> None:
    repos = [f"owner/app{i}" for i in range(12)]
    listing = tmp_path / "apps.txt"
    listing.write_text("# a list\n" + "".join(f"{r} {'0' * 40}\n" for r in repos), encoding="utf-8")
    assert [r for r, _ in HEADS.manifest(listing)] == repos
    for half in ("a", "b"):
        assert [r for r, _ in HEADS.manifest(listing, half)] == [r for r in repos if PRECISION.half_of(r) == half]


def test_a_file_the_mirror_lacks_is_skipped_and_the_rest_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    (work / "pkg").mkdir(parents=True)
    _git(work, "init", "-q")
    (work / "pkg" / "app.py").write_text("import asyncio\n", encoding="utf-8")
    (work / "big.bin").write_bytes(b"\0" * 64)
    (work / ".gitignore").write_text("build/\n", encoding="utf-8")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "one")
    commit = _git(work, "rev-parse", "HEAD")
    mirrors = tmp_path / "mirrors"
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(mirrors / "owner+app" / "repo"))
    big = _git(work, "rev-parse", "HEAD:big.bin")
    loose = mirrors / "owner+app" / "repo" / "objects" / big[:2] / big[2:]
    loose.unlink()  # (a local clone links the loose objects it finds; a mirror lacks its largest blobs)
    folder = HEADS.extract("owner/app", commit, tmp_path / "apps", mirrors)
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [".gitignore", "pkg/app.py"]
    assert (folder / "pkg" / "app.py").read_text(encoding="utf-8") == "import asyncio\n"
    assert capsys.readouterr().err == "owner/app: 1 of 3 files absent from the mirror\n"
