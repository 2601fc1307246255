"""Screen the mirrors on this machine for commits that may fix a leaked task (session 81).

Reads every mirror's log (``MIRRORS/owner+name/repo``) for commit messages with task words
(``create_task``, "background task", "cancel task", "garbage collect", "orphan", ...) and a word
of fixing, drops the commits any ``benchmarks/leak_fixes*.txt`` or ``task_cases`` file names (by
hash alone: no line of those files is read otherwise), and prints one manifest line per commit
whose diff removes or rewrites a task creation outside tests: the removed lines are the
candidate sites, the scope their top folders (at most three commits per repository, at most
eight sites per commit). The output is a screen, not a benchmark: most candidates are
refactors (``ensure_future`` -> ``create_task``) and each missed one must be read before it is
called a leak (``leak_fixes_r28_dev.txt`` keeps the one read so and developed on).

    python benchmarks/screen_task_fixes.py [--mirrors /work/.mirror] > candidates.txt
    python benchmarks/score_leak_fixes.py --manifest candidates.txt --modes default
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORDS = (r"(create_task|background task|dangling task|task leak|leaked task|cancel(led)? (the )?task|never awaited"
         r"|garbage.collect|strong reference|orphan(ed)? task|task.*(unload|shutdown|stop)|untracked task)")
FIXING = re.compile(r"fix|leak|prevent|ensure|track|cancel|garbage|orphan|reference|dangling", re.I)
CREATORS = re.compile(r"(create_task|ensure_future|async_create_task|create_background_task|run_coroutine_threadsafe)\s*\(")
HASH = re.compile(r"\b[0-9a-f]{40}\b")


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, errors="replace").stdout


def used_commits() -> set[str]:
    files = [*HERE.glob("leak_fixes*.txt"), *(p for p in (HERE / "task_cases").rglob("*") if p.is_file())]
    return {h for f in files for h in HASH.findall(f.read_text(errors="replace"))}


def sites(diff: str) -> list[str]:
    """``path:line:TRD3`` of each removed line with a task creation, at the parent, outside tests."""
    found: list[str] = []
    path: str | None = None
    old = 0
    for line in diff.splitlines():
        if line.startswith("--- "):
            path = line[6:] if line.startswith("--- a/") else None
        elif line.startswith("@@"):
            match = re.match(r"@@ -(\d+)", line)
            old = int(match.group(1)) if match else 0
        elif line.startswith("-"):
            tested = path is not None and ("/tests/" in "/" + path or path.split("/")[0].startswith("test"))
            if path and not tested and CREATORS.search(line) and not line[1:].lstrip().startswith("#"):
                found.append(f"{path}:{old}:TRD3")
            old += 1
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    used = used_commits()
    per_repo: dict[str, int] = {}
    for folder in sorted(args.mirrors.iterdir()):
        git_dir = folder / "repo"
        git_dir = git_dir / ".git" if (git_dir / ".git").is_dir() else git_dir
        if not git_dir.is_dir():
            continue
        log = _git(git_dir, "log", "--all", "--no-merges", "-i", "-E", f"--grep={WORDS}", "--format=%H|%s")
        for record in log.splitlines():
            commit, _, subject = record.partition("|")
            if commit in used or not FIXING.search(subject) or not _git(git_dir, "rev-parse", "-q", "--verify", commit + "^").strip():
                continue
            found = sites(_git(git_dir, "show", "-U0", "--format=", commit, "--", "*.py"))
            repo = folder.name.replace("+", "/", 1)
            if not found or len(found) > 8 or per_repo.get(repo, 0) >= 3:
                continue
            per_repo[repo] = per_repo.get(repo, 0) + 1
            scopes = sorted({s.split("/")[0] if "/" in s.split(":")[0] else "." for s in found})
            print(f"{repo} {commit} {' '.join(found)} scope={','.join(scopes)}  # {subject[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
