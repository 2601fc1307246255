"""Screen the mirrors on this machine for commits that may fix a leaked task (session 81).

Reads every mirror's log (``MIRRORS/owner+name/repo``) for commit messages with task words
(``create_task``, "background task", "cancel task", "garbage collect", "orphan", ...) and a word
of fixing, drops every commit a manifest names and every repository of a held-out set (the
``_b`` halves, rounds 21 and 22, the ``holdout`` files, the half b of ``heads70.txt`` and the
``_b`` label files; read by repository name alone: a held-out repository is never developed on,
whatever the commit; session 81's first screen dropped commits by hash only and so offered a
held-out repository's other commit), and prints one manifest line per commit
whose diff removes or rewrites a task creation outside tests: the removed lines are the
candidate sites, the scope their top folders (at most three commits per repository, at most
eight sites per commit). The output is a screen, not a benchmark: most candidates are
refactors (``ensure_future`` -> ``create_task``) and each missed one must be read before it is
called a leak.

    python benchmarks/screen_task_fixes.py [--mirrors /work/.mirror] > candidates.txt
    python benchmarks/score_leak_fixes.py --manifest candidates.txt --modes default
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
WORDS = (r"(create_task|background task|dangling task|task leak|leaked task|cancel(led)? (the )?task|never awaited"
         r"|garbage.collect|strong reference|orphan(ed)? task|task.*(unload|shutdown|stop)|untracked task)")
FIXING = re.compile(r"fix|leak|prevent|ensure|track|cancel|garbage|orphan|reference|dangling", re.I)
CREATORS = re.compile(r"(create_task|ensure_future|async_create_task|create_background_task|run_coroutine_threadsafe)\s*\(")
def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, errors="replace").stdout


HASH = re.compile(r"\b[0-9a-f]{40}\b")
REPO = re.compile(r"\b([A-Za-z0-9][\w.-]*/[\w.-]+)")


def used_commits() -> set[str]:
    files = [*HERE.glob("leak_fixes*.txt"), *(p for p in (HERE / "task_cases").rglob("*") if p.is_file())]
    return {h for f in files for h in HASH.findall(f.read_text(errors="replace"))}


def held_out_repositories() -> set[str]:
    """The repositories of every held-out set, lower-cased (see the module's docstring)."""
    from pool_precision import half_of

    files = [*HERE.glob("leak_fixes_r*_b.txt"), HERE / "leak_fixes_r21.txt", HERE / "leak_fixes_r22.txt",
             *HERE.glob("*holdout*.txt"), *(HERE / "labels").glob("*_b*.tsv"), *(HERE / "labels").glob("*b.tsv")]
    found = {m.lower() for f in files if f.is_file() for m in REPO.findall(f.read_text(errors="replace"))}
    heads = HERE / "heads70.txt"
    found |= {line.split()[0].lower() for line in heads.read_text().splitlines()
              if line.strip() and not line.startswith("#") and half_of(line.split()[0]) == "b"}
    return found


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
    used, held_out = used_commits(), held_out_repositories()
    per_repo: dict[str, int] = {}
    for folder in sorted(args.mirrors.iterdir()):
        if folder.name.replace("+", "/", 1).lower() in held_out:
            continue
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
