"""The README's pre-commit configuration as a user writes it: this repository pinned at a full
commit SHA, hooks run as ``language: python``. pre-commit clones the commit, builds its own
virtualenv and pip-installs tradelint there (offline: from wheels of what is installed here, see
tests/precommit.py), then runs the hook on a commit. Slow (a virtualenv and a build): marked
``slow``, run by ``.ci/run`` after the main suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.precommit import environment, git_repo, installed_dependencies, pre_commit, sh, wheelhouse

pytestmark = pytest.mark.slow

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
MESSAGE = "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def test_hook_pinned_at_a_commit_sha_installs_and_runs(tmp_path: Path) -> None:
    env = environment(tmp_path / "home")
    # The repository the user names: a clone of this checkout; the pin is its HEAD's full SHA.
    hooks = tmp_path / "tradelint-hooks"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(hooks)], check=True, env=env)
    sha = sh(["git", "rev-parse", "HEAD"], hooks, env).stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{40}", sha)
    # Offline pip: tradelint's dependencies and its build backend, nothing else.
    needed = [dist.metadata["Name"] for dist in installed_dependencies("tradelint")]
    wheels = wheelhouse(tmp_path / "wheels", [*needed, "setuptools"])
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels), VIRTUALENV_NO_PERIODIC_UPDATE="1")

    repo = git_repo(tmp_path / "repo", env)
    (repo / "service.py").write_text(BUG, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {sha}\n    hooks:\n      - id: tradelint-fix\n      - id: tradelint\n",
        encoding="utf-8",
    )
    assert pre_commit(["validate-config", ".pre-commit-config.yaml"], repo, env).returncode == 0
    assert pre_commit(["install"], repo, env).returncode == 0
    sh(["git", "add", "-A"], repo, env)
    first = sh(["git", "commit", "-q", "-m", "add service"], repo, env)
    assert first.returncode == 1, first.stderr
    # The check runs in pre-commit's own environment, not this interpreter's.
    assert f"py_env-python{sys.version_info.major}.{sys.version_info.minor}" in "".join(
        p.name for p in (tmp_path / "home" / "pre-commit-cache").glob("repo*/*")
    )
    assert re.search(r"^tradelint \(fix\)\.+Failed$", first.stderr, re.MULTILINE), first.stderr
    assert "fixed 1 finding, 0 remaining." in first.stderr
    assert re.search(r"^tradelint\.+Passed$", first.stderr, re.MULTILINE), first.stderr
    assert (repo / "service.py").read_text(encoding="utf-8").endswith("    _keep_task(asyncio.create_task(g()))\n")
    sh(["git", "add", "-A"], repo, env)
    second = sh(["git", "commit", "-q", "-m", "add service"], repo, env)
    assert second.returncode == 0, second.stderr
    # Without the fixing hook, the finding itself fails the commit.
    (repo / "other.py").write_text(BUG, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {sha}\n    hooks:\n      - id: tradelint\n", encoding="utf-8"
    )
    sh(["git", "add", "-A"], repo, env)
    third = sh(["git", "commit", "-q", "-m", "add other"], repo, env)
    assert third.returncode == 1
    assert f"other.py:5:5: TRD301 [*] {MESSAGE}\n" in third.stderr
