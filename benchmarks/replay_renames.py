"""Replay ``tradelint renames --since C^`` at each commit C of a real repository's history.

Each commit is checked out in a temporary worktree and compared with its parent, as a developer
would run the command right after committing: what renames it prints (from class definitions and
from edited accesses), and how many accesses under an old name it reports. The output is what the
precision review of ``renames`` reads (every printed rename judged by hand).

    python benchmarks/replay_renames.py CLONE [--commits 150] [--json replay.json]

``benchmarks/apps.txt`` pins the application repositories used, by commit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def replay(repo: Path, commits: int) -> list[dict[str, Any]]:
    results = []
    for commit in git(repo, "rev-list", "--no-merges", "-n", str(commits), "HEAD").split():
        try:
            if not git(repo, "diff", "--name-only", f"{commit}^", commit, "--", "*.py").strip():
                continue
        except subprocess.CalledProcessError:
            continue  # the root commit
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "tree"
            git(repo, "worktree", "add", "-q", "-f", "--detach", str(tree), commit)
            try:
                run = subprocess.run(
                    [sys.executable, "-m", "tradelint", "renames", "--since", f"{commit}^", "."],
                    cwd=tree, capture_output=True, text=True, timeout=600,
                )
            finally:
                git(repo, "worktree", "remove", "-f", str(tree))
        lines = run.stdout.splitlines()
        renames = [line.strip() for line in lines if line.startswith("  ")]
        results.append({
            "commit": commit,
            "subject": git(repo, "log", "-1", "--format=%s", commit).strip(),
            "renames": renames,
            "remaining": sum(": TRD40" in line for line in lines),
            "exit": run.returncode,
        })
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("clone", type=Path, help="a git clone with its history")
    parser.add_argument("--commits", type=int, default=150, help="how many commits back from HEAD")
    parser.add_argument("--json", type=Path, help="write the results as JSON")
    args = parser.parse_args()
    results = replay(args.clone.resolve(), args.commits)
    for result in results:
        if result["renames"]:
            print(f"{result['commit'][:10]} {result['subject'][:60]}")
            for line in result["renames"]:
                print(f"    {line}")
            print(f"    accesses under an old name: {result['remaining']}")
    found = sum(len(r["renames"]) for r in results)
    print(f"{len(results)} commits replayed, {found} renames printed")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
