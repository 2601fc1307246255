"""A release is reproducible from the repository: one version, a changelog section, a tag made by
``scripts/release.py``, and a wheel that installs into a fresh virtual environment and runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tradelint._version import __version__

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "scripts" / "release.py"


def _tracked_copy(destination: Path) -> Path:
    """The repository's tracked files (what a clean clone has), outside the repository."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


def test_the_current_version_is_ready_to_release() -> None:
    proc = subprocess.run([sys.executable, str(RELEASE), "--check", __version__], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"release: {__version__} is ready to tag\n", "")


def test_release_refuses_a_version_that_disagrees() -> None:
    proc = subprocess.run([sys.executable, str(RELEASE), "--check", "9.9.9"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr == f"release: tradelint/_version.py says {__version__}, not 9.9.9\n"


def test_release_tags_with_the_changelog_section(tmp_path: Path) -> None:
    repo = _tracked_copy(tmp_path / "repo")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "release")
    env = {**os.environ, "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    proc = subprocess.run(
        [sys.executable, str(repo / "scripts" / "release.py"), "--no-build", __version__],
        capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert _git(repo, "cat-file", "-t", f"v{__version__}").strip() == "tag"  # annotated
    message = _git(repo, "tag", "-l", "--format=%(contents)", f"v{__version__}")
    assert message.startswith(f"## {__version__} (")
    again = subprocess.run(
        [sys.executable, str(repo / "scripts" / "release.py"), "--no-build", __version__],
        capture_output=True, text=True, env=env,
    )
    assert (again.returncode, again.stderr) == (2, f"release: tag v{__version__} exists already\n")


@pytest.mark.slow
def test_wheel_and_sdist_build_and_the_wheel_runs_in_a_fresh_venv(tmp_path: Path) -> None:
    source = _tracked_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        check=True, capture_output=True,
    )
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"tradelint-{__version__}-py3-none-any.whl", f"tradelint-{__version__}.tar.gz"]
    env_dir = tmp_path / "fresh"
    # No pip of its own (ensurepip: 6 s of a core): this environment's pip installs into it.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # No network in tests: the wheel alone, its dependencies (libcst) from this environment.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
         str(dist / names[0])],
        check=True, capture_output=True, env=clean, cwd=tmp_path,
    )
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"] + os.pathsep + sysconfig.get_paths()["platlib"]}
    bug = tmp_path / "bug.py"
    bug.write_text("import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n", encoding="utf-8")
    where = subprocess.run(
        [str(python), "-c", "import tradelint, flake8_tradelint; print(flake8_tradelint.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert where.stdout.startswith(str(env_dir)), where.stderr  # the wheel's copy, not this checkout's
    proc = subprocess.run(
        [str(env_dir / "bin" / "tradelint"), "--output-format", "concise", "--no-cache", str(bug)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0].startswith(f"{bug}:5:5: TRD301 ")
    version = subprocess.run([str(env_dir / "bin" / "tradelint"), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.startswith(f"tradelint {__version__} (parsers: ast of CPython ")


@pytest.mark.parametrize("module", ["flake8_tradelint", "tradelint"])
def test_python_dash_m(module: str, tmp_path: Path) -> None:
    if module == "tradelint":
        proc = subprocess.run([sys.executable, "-c", "import tradelint; print(tradelint.__version__)"],
                              capture_output=True, text=True)
        assert proc.stdout == f"{__version__}\n"
        return
    proc = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True)
    assert proc.stdout.startswith(f"tradelint {__version__} (parsers: ast of CPython ")
