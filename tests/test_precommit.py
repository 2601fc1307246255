"""The hooks of ``.pre-commit-hooks.yaml`` under the real ``pre-commit``, in a scratch git
repository: the checking hook fails a commit with the finding, the fixing hook repairs the file,
and the next commit passes. How the hooks run offline: see tests/precommit.py."""

from __future__ import annotations

import re
from pathlib import Path

from tests.precommit import MANIFEST, environment, git_repo, local_config, manifest_hooks, pre_commit, sh

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
FIXED_TAIL = "async def f():\n    _keep_task(asyncio.create_task(g()))\n"
MESSAGE = "task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def test_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    env = environment(tmp_path)
    proc = pre_commit(["validate-manifest", str(MANIFEST)], tmp_path, env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    hooks = manifest_hooks()
    assert list(hooks) == ["tradelint", "tradelint-fix"]
    assert hooks["tradelint"]["entry"] == "tradelint check --force-exclude"
    assert hooks["tradelint-fix"]["entry"] == "tradelint check --fix --force-exclude"
    assert all(h["language"] == "python" and h["types_or"] == ["python", "pyi"] for h in hooks.values())


def test_check_hook_fails_then_fix_hook_repairs_then_commit_passes(tmp_path: Path) -> None:
    env = environment(tmp_path / "home")
    repo = git_repo(tmp_path / "repo", env)
    (repo / "pyproject.toml").write_text('[tool.tradelint]\nexclude = ["generated"]\n', encoding="utf-8")
    (repo / "generated").mkdir()
    # Excluded in the configuration: pre-commit names it, --force-exclude keeps it skipped.
    (repo / "generated" / "client.py").write_text(BUG, encoding="utf-8")
    (repo / "README.txt").write_text("not python\n", encoding="utf-8")
    bug = repo / "service.py"
    bug.write_text(BUG, encoding="utf-8")

    config = repo / ".pre-commit-config.yaml"
    config.write_text(local_config([{"id": "tradelint"}]), encoding="utf-8")
    assert pre_commit(["install"], repo, env).returncode == 0
    sh(["git", "add", "-A"], repo, env)

    # git passes the hook's output on to stderr.
    commit = ["git", "commit", "-q", "-m", "add service"]
    first = sh(commit, repo, env)
    assert (first.returncode, first.stdout) == (1, ""), first.stdout
    assert re.search(r"^tradelint\.+Failed$", first.stderr, re.MULTILINE), first.stderr
    assert "- exit code: 1" in first.stderr
    assert f"service.py:5:5: TRD301 [*] {MESSAGE}\n" in first.stderr
    assert "5 |     asyncio.create_task(g())" in first.stderr
    assert "generated/client.py" not in first.stderr
    assert "Checked 1 file in " in first.stderr  # service.py only: README.txt is not python
    assert sh(["git", "rev-parse", "--verify", "-q", "HEAD"], repo, env).returncode != 0  # nothing committed

    config.write_text(local_config([{"id": "tradelint-fix"}, {"id": "tradelint"}]), encoding="utf-8")
    sh(["git", "add", "-A"], repo, env)
    second = sh(commit, repo, env)
    assert (second.returncode, second.stdout) == (1, ""), second.stdout
    assert re.search(r"^tradelint \(fix\)\.+Failed$", second.stderr, re.MULTILINE), second.stderr
    assert "- files were modified by this hook" in second.stderr
    assert "fixed 1 finding, 0 remaining." in second.stderr
    assert re.search(r"^tradelint\.+Passed$", second.stderr, re.MULTILINE), second.stderr
    assert bug.read_text(encoding="utf-8").endswith(FIXED_TAIL)
    assert (repo / "generated" / "client.py").read_text(encoding="utf-8") == BUG

    sh(["git", "add", "-A"], repo, env)
    third = sh(commit, repo, env)
    assert (third.returncode, third.stdout) == (0, ""), third.stdout
    assert re.search(r"^tradelint \(fix\)\.+Passed$", third.stderr, re.MULTILINE), third.stderr
    assert re.search(r"^tradelint\.+Passed$", third.stderr, re.MULTILINE), third.stderr
    log = sh(["git", "log", "--format=%s"], repo, env)
    assert log.stdout == "add service\n"
    committed = sh(["git", "show", "HEAD:service.py"], repo, env)
    assert committed.stdout.endswith(FIXED_TAIL)
