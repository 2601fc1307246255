"""The development pool's sites still reported after the maintainers' fix, read one by one (session 67).

Issue 28 asks that every flagged site be clean after the fix commit. A site found at the parent
and still reported at the fix is either a leak the fix left (the maintainers' fix is partial: the
finding is true), a correct fix tradelint misreads (a false positive on fixed code), or a finding
at the mapped line that makes another claim than the site's leak. Labels (tab-separated, a
header): ``entry repo fix_commit site code verdict finding_true idiom reason``; ``verdict`` is
``RESIDUAL`` (the fixed code still leaks as the finding says), ``MISREAD``, ``MESSAGE`` or
``UNSURE``; ``finding_true`` is ``yes``, ``no`` or ``unsure``.

    python benchmarks/afterfix_labels.py benchmarks/labels/afterfix67.tsv [--pool POOL_DIR]

Without ``--pool``: the counts per verdict and family, and how many of the findings are true.
With ``--pool`` (a ``leak_pool.py run`` folder): which labelled sites that run still reports
after the fix (``kept``) and which it no longer does (``clean``), per verdict, and every site
it reports after the fix that has no label (to be read). Nothing of the repositories is read.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import sys
from pathlib import Path

COLUMNS = ("entry", "repo", "fix_commit", "site", "code", "verdict", "finding_true", "idiom", "reason")
VERDICTS = ("RESIDUAL", "MISREAD", "MESSAGE", "UNSURE")
TRUTH = ("yes", "no", "unsure")


def read_labels(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for number, row in enumerate(rows, 2):
        if tuple(row) != COLUMNS or row["verdict"] not in VERDICTS or row["finding_true"] not in TRUTH:
            raise SystemExit(f"{path}:{number}: malformed label (columns {', '.join(COLUMNS)}; "
                             f"verdict one of {', '.join(VERDICTS)}; finding_true one of {', '.join(TRUTH)})")
    return rows


def _key(repo: str, commit: str, site: str) -> tuple[str, str, str]:
    return repo, commit, site


def after_fix(pool: Path) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """(sites the run finds at the parent and still reports after the fix, every site it scored)."""
    kept: set[tuple[str, str, str]] = set()
    scored: set[tuple[str, str, str]] = set()
    for path in sorted(pool.glob("e*.json")):
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            for verdict in result["modes"]["default"]["sites"]:
                key = _key(result["repo"], result["commit"], verdict["site"])
                scored.add(key)
                if verdict["found"] and verdict["after_fix"]:
                    kept.add(key)
    return kept, scored


def tally(rows: list[dict[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = collections.defaultdict(lambda: collections.Counter())
    for row in rows:
        family = row["site"].rsplit(":", 1)[-1]
        for group in (family, "all"):
            out[group][row["verdict"]] += 1
            out[group][f"true:{row['finding_true']}"] += 1
    return {group: dict(counts) for group, counts in sorted(out.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--pool", type=Path, help="a leak_pool.py run folder: which labelled sites it still reports")
    args = parser.parse_args(argv)
    rows = read_labels(args.labels)
    for group, counts in tally(rows).items():
        verdicts = ", ".join(f"{v} {counts.get(v, 0)}" for v in VERDICTS)
        print(f"{group}: {sum(counts.get(v, 0) for v in VERDICTS)} sites: {verdicts}; "
              f"finding true {counts.get('true:yes', 0)}, false {counts.get('true:no', 0)}")
    if args.pool is None:
        return 0
    kept, scored = after_fix(args.pool)
    labelled = {_key(r["repo"], r["fix_commit"], r["site"]) for r in rows}
    states: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for row in rows:
        key = _key(row["repo"], row["fix_commit"], row["site"])
        state = "kept" if key in kept else "clean" if key in scored else "unscored"
        states[row["verdict"]][state] += 1
        if state == "clean":
            print(f"clean now: {row['entry']} {row['repo']} {row['site']} ({row['verdict']}, finding true: {row['finding_true']})")
    for verdict in VERDICTS:
        counts = states[verdict]
        print(f"{verdict}: kept {counts['kept']}, clean {counts['clean']}, unscored {counts['unscored']}")
    for repo, commit, site in sorted(kept - labelled):
        print(f"unlabelled: {repo} {commit[:10]} {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
