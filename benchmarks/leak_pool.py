"""Score a source tree on the whole development pool of leak fixes, and compare two such runs.

The development pool is every line of the leak-fix manifests (``benchmarks/leak_fixes*.txt``)
except the held-out halves (``HELD_OUT``, never scored here) and the renames manifest, each
repository and commit once (a round's whole file and its halves list the same lines). Each line
is scored alone by ``score_leak_fixes.py`` (its own one-line manifest), so a run can stop and go
on, score what has a mirror now, and spread over processes; one JSON per line lands in ``OUT``.
``--checkout`` checks each commit as a full checkout would (the whole commit extracted, the scope checked in
it). ``--entries`` scores only the lines of those numbers (a label file's ``eNNN``), to read what a change
does to labelled findings before the whole pool runs.

    python benchmarks/leak_pool.py run SRC OUT [--jobs 2] [--modes default] [--mirrors /work/.mirror] [--entries N,...] [--checkout]
    python benchmarks/leak_pool.py compare OUT [OTHER]

``compare`` prints the sites found per family (and those still reported after the fix); with
``OTHER``, every site whose verdict differs and every other finding at a parent that appeared or
vanished, to be read. Nothing of the repositories is committed: see ``score_leak_fixes.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Rounds 17 to 29 keep their half b out of development; a round's whole file lists those lines too.
HELD_OUT = frozenset(f"leak_fixes_r{n}{half}.txt" for n in range(17, 30) for half in ("", "_b"))
NOT_LEAKS = frozenset({"leak_fixes_r4_trd4.txt"})  # renames: scored by score_migrations.py


# Development halves added after the pool's entries were first numbered (``--entries``, labels by
# entry): they come after every other file, in this order, so that no entry's number changes
# (``leak_fixes_r28_a.txt`` and ``leak_fixes_r29_a.txt`` sort among the rounds 2 to 9 by name).
APPENDED = ("leak_fixes_r28_a.txt", "leak_fixes_r29_a.txt")


def development_lines() -> list[str]:
    """The pool's manifest lines, each repository and commit once, in manifest order (the files
    by name, then :data:`APPENDED`)."""
    names = sorted(p.name for p in HERE.glob("leak_fixes*.txt") if p.name not in APPENDED)
    names += [name for name in APPENDED if (HERE / name).exists()]
    seen: set[tuple[str, str]] = set()
    lines: list[str] = []
    for name in names:
        if name in HELD_OUT or name in NOT_LEAKS:
            continue
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if not fields or line.startswith("#") or len(fields) < 2:
                continue
            if (fields[0], fields[1]) not in seen:
                seen.add((fields[0], fields[1]))
                lines.append(line)
    return lines


def _mirror(mirrors: Path, repo: str) -> bool:
    return (mirrors / repo.replace("/", "+")).is_dir()


def run(src: Path, out: Path, jobs: int, modes: str, mirrors: Path, entries: frozenset[int] | None = None, checkout: bool = False) -> int:
    out.mkdir(parents=True, exist_ok=True)
    lines = development_lines()
    todo = [(i, line) for i, line in enumerate(lines, 1)
            if not (out / f"e{i:03d}.json").is_file() and _mirror(mirrors, line.split()[0])
            and (entries is None or i in entries)]
    absent = sum(1 for line in lines if not _mirror(mirrors, line.split()[0]))
    print(f"{len(lines)} lines in the pool, {absent} without a mirror, {len(todo)} to score", flush=True)
    with tempfile.TemporaryDirectory(prefix="leak-pool-") as tmp:
        def score(item: tuple[int, str]) -> int:
            i, line = item
            manifest = Path(tmp) / f"e{i:03d}.txt"
            manifest.write_text(line + "\n", encoding="utf-8")
            command = [sys.executable, str(HERE / "score_leak_fixes.py"), "--manifest", str(manifest),
                       "--root", str(src), "--mirrors", str(mirrors), "--modes", modes,
                       "--json", str(out / f"e{i:03d}.json"), *(["--checkout"] if checkout else [])]
            with open(out / f"e{i:03d}.log", "w", encoding="utf-8") as log:
                return subprocess.run(command, cwd=src, stdout=log, stderr=subprocess.STDOUT, check=False).returncode

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            failed = sum(1 for code in pool.map(score, todo) if code)
    print(f"done: {len(todo) - failed} scored, {failed} failed (see their .log)")
    return 1 if failed else 0


def _load(out: Path) -> tuple[dict[tuple[str, ...], tuple[bool, bool]], dict[tuple[str, ...], list[str]]]:
    sites: dict[tuple[str, ...], tuple[bool, bool]] = {}
    others: dict[tuple[str, ...], list[str]] = {}
    for path in sorted(out.glob("e*.json")):
        for result in json.loads(path.read_text(encoding="utf-8"))["results"]:
            for mode, run_ in result["modes"].items():
                key = (mode, result["repo"], result["commit"][:8])
                for verdict in run_["sites"]:
                    found = bool(verdict["found"])
                    sites[(*key, verdict["site"])] = (found, found and bool(verdict["after_fix"]))
                others[key] = sorted(run_["not_sites"])
    return sites, others


def compare(out: Path, other: Path | None) -> int:
    sites, others = _load(out)
    for mode in sorted({k[0] for k in sites}):
        for family in ("TRD2", "TRD3"):
            keys = [k for k in sites if k[0] == mode and k[3].split(":")[2].startswith(family)]
            found = sum(sites[k][0] for k in keys)
            kept = sum(sites[k][1] for k in keys)
            print(f"{mode} {family}: {found}/{len(keys)} found, {kept} still reported after the fix")
    if other is None:
        return 0
    sites_b, others_b = _load(other)
    print(f"then {other}:")
    for mode in sorted({k[0] for k in sites_b}):
        for family in ("TRD2", "TRD3"):
            keys = [k for k in sites_b if k[0] == mode and k[3].split(":")[2].startswith(family)]
            print(f"{mode} {family}: {sum(sites_b[k][0] for k in keys)}/{len(keys)} found, "
                  f"{sum(sites_b[k][1] for k in keys)} still reported after the fix")
    for key in sorted(sites.keys() & sites_b.keys()):
        if sites[key] != sites_b[key]:
            print(f"SITE {' '.join(key)}: (found, after fix) {sites[key]} -> {sites_b[key]}")
    for key in sorted(others.keys() & others_b.keys()):
        gone = [t for t in others[key] if t not in others_b[key]]
        new = [t for t in others_b[key] if t not in others[key]]
        for text in gone:
            print(f"GONE {' '.join(key)}: {text}")
        for text in new:
            print(f"NEW {' '.join(key)}: {text}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_ = commands.add_parser("run", help="score SRC on every pool line with a mirror, one JSON each in OUT")
    run_.add_argument("src", type=Path)
    run_.add_argument("out", type=Path)
    run_.add_argument("--jobs", type=int, default=2)
    run_.add_argument("--modes", default="default")
    run_.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    run_.add_argument("--entries", help="only these line numbers, comma-separated (e.g. 107,267)")
    run_.add_argument("--checkout", action="store_true",
                      help="check each commit as a full checkout would (score_leak_fixes.py --checkout): the whole "
                           "commit extracted, the scope checked in it; default: the scope alone")
    compare_ = commands.add_parser("compare", help="totals of OUT; with OTHER, what changed")
    compare_.add_argument("out", type=Path)
    compare_.add_argument("other", type=Path, nargs="?")
    args = parser.parse_args(argv)
    if args.command == "run":
        entries = frozenset(int(n) for n in args.entries.split(",")) if args.entries else None
        return run(args.src.resolve(), args.out.resolve(), args.jobs, args.modes, args.mirrors, entries, args.checkout)
    return compare(args.out, args.other)


if __name__ == "__main__":
    raise SystemExit(main())
