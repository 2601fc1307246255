"""Precision on code nobody on the team has read: a random sample of the findings tradelint makes
at the parents of the development pool's leak fixes, away from the fixed sites (session 55).

The 39 labelled applications (``precision.py``) have been read by every session since session 28,
and rules were mended against them: their figures are a development set. This script measures the
same thing on a fresh sample. A development-pool run (``leak_pool.py run``) records, per entry,
the findings at the fix's parent that are not the fixed sites (``not_sites``, default rules); 328
repositories of bots, services, integrations and libraries, most never read for precision.

    python benchmarks/pool_precision.py draw POOL_DIR [--seed 55] [--quota CODE=N,...] [--exclude-labels F ...]
        [--exclude-read F ...] [--half a|b] > sample.tsv
    python benchmarks/pool_precision.py score benchmarks/labels/pool55.tsv [MORE_LABELS ...] [--pool POOL_DIR] [--kept POOL_DIR] [--json OUT]
    python benchmarks/pool_precision.py check benchmarks/labels/pool55.tsv POOL_DIR

``draw``: each distinct finding once (repository, path, code, message; the first entry that
makes it), the repositories of the labelled applications (``apps28.txt``) left out, then per code a
seeded random sample of the quota below, at most two findings of one repository per code.
``score``: precision = TP / (TP + FP) per family and per code, over every row and over the rows
whose repository is an application (``kind`` = ``app``). ``check``: which labelled findings a
later pool run still makes (``kept``) or no longer makes (``gone``: its line and message, by path
and code), so a rule change can be read against the labels.

Labels (tab-separated, a header): ``entry repo path line code verdict kind in_test reason``;
``verdict`` TP, FP or UNSURE; ``kind`` app, library or example; ``in_test`` yes or no.
"""

from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUOTA = {
    "TRD201": 50, "TRD202": 50, "TRD205": 20, "TRD204": 16,
    "TRD301": 24, "TRD303": 30, "TRD304": 20, "TRD302": 20,
}
COLUMNS = ("entry", "repo", "path", "line", "code", "verdict", "kind", "in_test", "reason")
VERDICTS = ("TP", "FP", "UNSURE")
KINDS = ("app", "library", "example")
FINDING = re.compile(r"(.+?):(\d+):(\d+): (TRD\d+) (.*)")


def apps_repos() -> set[str]:
    return {
        line.split()[0]
        for line in (HERE / "apps28.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }


def findings(pool: Path) -> dict[tuple[str, str, str, str], tuple[str, str, str, str, int, str, str]]:
    """Each distinct non-site finding of a pool run: (repo, path, code, message) ->
    (entry, repo, parent, path, line, code, message), the first entry that makes it."""
    skip = apps_repos()
    seen: dict[tuple[str, str, str, str], tuple[str, str, str, str, int, str, str]] = {}
    for result in sorted(pool.glob("e*.json")):
        entry = result.stem
        for run in json.loads(result.read_text())["results"]:
            if run["repo"] in skip:
                continue
            for text in run["modes"]["default"]["not_sites"]:
                m = FINDING.match(text)
                if m is None:
                    continue
                path, line, _, code, message = m.groups()
                seen.setdefault((run["repo"], path, code, message), (entry, run["repo"], run["parent"], path, int(line), code, message))
    return seen


def draw(
    pool: Path, seed: int, quota: dict[str, int] | None = None, exclude: frozenset[str] | set[str] = frozenset(),
    read: frozenset[tuple[str, str, str]] | set[tuple[str, str, str]] = frozenset(),
) -> list[tuple[str, str, str, str, int, str, str]]:
    """The sample: ``quota`` findings per code (``QUOTA`` by default), none of a repository in
    ``exclude`` (a later sample, held out from the repositories an earlier one was read in) nor
    at a (repository, path, code) in ``read`` (a finding an earlier sample read there)."""
    by_code: dict[str, list[tuple[str, str, str, str, int, str, str]]] = collections.defaultdict(list)
    for row in findings(pool).values():
        if row[1] not in exclude and (row[1], row[3], row[5]) not in read:
            by_code[row[5]].append(row)
    rng = random.Random(seed)
    out = []
    for code, wanted in (quota or QUOTA).items():
        rows = sorted(by_code[code])
        rng.shuffle(rows)
        per_repo: collections.Counter[str] = collections.Counter()
        taken = 0
        for row in rows:
            if taken == wanted:
                break
            if per_repo[row[1]] < 2:
                per_repo[row[1]] += 1
                out.append(row)
                taken += 1
    return out


def half_of(repo: str) -> str:
    """``a`` or ``b``: a repository's half of a sample, by the parity of its name's SHA-1 (one
    half is read to mend the rules, the other kept unread until the end)."""
    return "a" if int(hashlib.sha1(repo.encode()).hexdigest(), 16) % 2 == 0 else "b"


def read_labels(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SystemExit(f"{path}: header must be {' '.join(COLUMNS)}")
        rows = list(reader)
    for n, row in enumerate(rows, start=2):
        if row["verdict"] not in VERDICTS or row["kind"] not in KINDS or row["in_test"] not in ("yes", "no"):
            raise SystemExit(f"{path}:{n}: verdict must be TP/FP/UNSURE, kind app/library/example, in_test yes/no")
        if not row["line"].isdigit() or not (row["reason"] or "").strip():
            raise SystemExit(f"{path}:{n}: a label needs a line number and a reason")
    return rows


def tally(rows: list[dict[str, str]]) -> dict[str, dict[str, dict[str, int | float | None]]]:
    out: dict[str, dict[str, dict[str, int | float | None]]] = {}
    for level, width in (("family", 4), ("code", 6)):
        groups: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for row in rows:
            groups[row["code"][:width]][row["verdict"]] += 1
        out[level] = {
            name: {
                "findings": sum(c.values()), "TP": c["TP"], "FP": c["FP"], "UNSURE": c["UNSURE"],
                "precision": round(c["TP"] / (c["TP"] + c["FP"]), 4) if c["TP"] + c["FP"] else None,
            }
            for name, c in sorted(groups.items())
        }
    return out


def score(labels: Path | list[Path], pool: Path | None = None, kept: Path | None = None) -> dict[str, object]:
    """The tallies of one labels file or several together; with ``pool``, also each family's
    precision weighted by how many distinct findings of each code the pool run makes (the sample
    takes a quota per code, not a share); with ``kept``, of the labelled findings that pool run
    still makes only (as :func:`check` finds them: the figures of a rule change)."""
    rows = [row for path in ([labels] if isinstance(labels, Path) else labels) for row in read_labels(path)]
    if kept is not None:
        now = _made(kept)
        rows = [row for row in rows if (row["repo"], row["path"], row["code"], int(row["line"])) in now]
    out: dict[str, object] = {"all": tally(rows), "app": tally([r for r in rows if r["kind"] == "app"])}
    if pool is not None:
        population = collections.Counter(code for (_, _, code, _) in findings(pool))
        out["weighted"] = weighted(tally(rows), population)
    return out


def weighted(figures: dict[str, dict[str, dict[str, int | float | None]]], population: collections.Counter[str]) -> dict[str, float | None]:
    """Per family: sum over its codes of (population x precision) / sum of the population."""
    sums: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    for code, f in figures["code"].items():
        if f["precision"] is not None and population[code]:
            sums[code[:4]][0] += population[code] * float(f["precision"])
            sums[code[:4]][1] += population[code]
    return {family: round(a / b, 4) if b else None for family, (a, b) in sorted(sums.items())}


def check(labels: Path, pool: Path) -> dict[str, list[str]]:
    """The labelled findings a pool run still makes at the same line (``kept``), those it no
    longer makes (``gone``), and those whose entry the run did not score (``unscored``)."""
    now = _made(pool)
    scored = {result.stem for result in pool.glob("e*.json")}
    out: dict[str, list[str]] = {"kept": [], "gone": [], "unscored": []}
    for row in read_labels(labels):
        key = (row["repo"], row["path"], row["code"], int(row["line"]))
        verdict = "kept" if key in now else "gone" if row["entry"] in scored else "unscored"
        out[verdict].append(f"{row['repo']} {row['path']}:{row['line']} {row['code']} {row['verdict']}")
    return out


def _made(pool: Path) -> set[tuple[str, str, str, int]]:
    """(repository, path, code, line) of every finding a pool run makes: each line, also when
    another line of the file has the same message (``findings`` keeps one of those for a draw;
    a set labelled whole, ``labels/apps72.tsv``, has every line)."""
    skip = apps_repos()
    made: set[tuple[str, str, str, int]] = set()
    for result in sorted(pool.glob("e*.json")):
        for run in json.loads(result.read_text())["results"]:
            if run["repo"] in skip:
                continue
            for text in run["modes"]["default"]["not_sites"]:
                m = FINDING.match(text)
                if m is not None:
                    path, line, _, code, _ = m.groups()
                    made.add((run["repo"], path, code, int(line)))
    return made


def _print_tally(title: str, figures: dict[str, dict[str, dict[str, int | float | None]]]) -> None:
    print(f"## {title}")
    print("| family/code | findings | TP | FP | UNSURE | precision |")
    print("|---|---:|---:|---:|---:|---:|")
    for level in ("family", "code"):
        for name, f in figures[level].items():
            print(f"| {name} | {f['findings']} | {f['TP']} | {f['FP']} | {f['UNSURE']} | {f['precision']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    d = sub.add_parser("draw")
    d.add_argument("pool", type=Path)
    d.add_argument("--seed", type=int, default=55)
    d.add_argument("--quota", help="CODE=N,... instead of the default quota")
    d.add_argument(
        "--exclude-labels", type=Path, action="append", default=[], help="leave out every repository of this labels file (repeatable)"
    )
    d.add_argument(
        "--exclude-read", type=Path, action="append", default=[],
        help="leave out the findings at a (repository, path, code) this labels file read (repeatable)",
    )
    d.add_argument("--half", choices=("a", "b"), help="only the rows of repositories in this half (halves())")
    s = sub.add_parser("score")
    s.add_argument("labels", type=Path, nargs="+")
    s.add_argument("--json", type=Path)
    s.add_argument("--pool", type=Path, help="weight each family's precision by the codes' counts in this pool run")
    s.add_argument("--kept", type=Path, help="count only the labelled findings this pool run still makes")
    c = sub.add_parser("check")
    c.add_argument("labels", type=Path)
    c.add_argument("pool", type=Path)
    args = parser.parse_args(argv)
    if args.verb == "draw":
        print("entry\trepo\tparent\tpath\tline\tcode\tmessage")
        quota = {k: int(v) for k, _, v in (p.partition("=") for p in args.quota.split(","))} if args.quota else None
        exclude = {r["repo"] for path in args.exclude_labels for r in read_labels(path)}
        read = {(r["repo"], r["path"], r["code"]) for path in args.exclude_read for r in read_labels(path)}
        for row in draw(args.pool, args.seed, quota, exclude, read):
            if args.half is None or half_of(row[1]) == args.half:
                print("\t".join(map(str, row)))
    elif args.verb == "score":
        figures = score(args.labels, args.pool, args.kept)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1) + "\n")
        _print_tally("every labelled finding", figures["all"])  # type: ignore[arg-type]
        _print_tally("findings in applications", figures["app"])  # type: ignore[arg-type]
        if "weighted" in figures:
            print("weighted by the pool's findings per code:", figures["weighted"])
    else:
        result = check(args.labels, args.pool)
        for key in result["gone"]:
            print("gone", key)
        print(f"kept {len(result['kept'])}, gone {len(result['gone'])}, unscored {len(result['unscored'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
