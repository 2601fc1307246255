"""The held-out gate: score a source tree on the held-out leak fixes and print totals only.

The held-out halves (``leak_fixes_r17_b.txt`` .. ``leak_fixes_r28_b.txt``) and the whole files of
rounds 21 and 22 are never read site by site: a session reports their totals and, against an
earlier run, how many entries changed, never which. ``run`` scores each manifest with
``score_leak_fixes.py --modes default`` (its per-site output goes to ``/dev/null``; its JSON to
``OUT/<manifest>.json``, not to be opened) and prints one totals line per manifest. ``compare``
prints, per manifest, both runs' totals and the number of entries whose found sites, sites still
reported after the fix, or other findings at the parent differ.

    python benchmarks/heldout_gate.py run SRC OUT [--jobs 2] [--mirrors /work/.mirror] [--mode preview]
    python benchmarks/heldout_gate.py compare OLD NEW [--mode preview]

``--mode preview`` scores with the preview rules on (``score_leak_fixes.py --modes preview``): what
promoting them would add, in totals.

Nothing of the repositories is committed: see ``score_leak_fixes.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# (Round 28's half b, collected in session 83, comes last: the earlier runs' order is kept.)
GATE = tuple(f"leak_fixes_r{n}_b.txt" for n in range(17, 28)) + ("leak_fixes_r21.txt", "leak_fixes_r22.txt", "leak_fixes_r28_b.txt")
FAMILIES = ("TRD2", "TRD3")


def _score(src: Path, out: Path, name: str, mirrors: Path, mode: str = "default") -> int:
    command = [sys.executable, str(HERE / "score_leak_fixes.py"), "--manifest", str(HERE / name),
               "--root", str(src), "--modes", mode, "--mirrors", str(mirrors),
               "--json", str(out / f"{name}.json")]
    return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode


def _load(out: Path, name: str) -> dict[str, Any] | None:
    path = out / f"{name}.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _totals(data: dict[str, Any] | None, mode: str = "default") -> str:
    if data is None:
        return "no run"
    row = data["totals"][mode]
    parts = [f"{fam} {row[fam]['found']}/{row[fam]['sites']} (after fix {row[fam]['kept_after_fix']})"
             for fam in FAMILIES]
    return f"{len(data['results'])} entries; " + ", ".join(parts) + f"; {row['not_sites']} other findings"


def _entry_key(result: dict[str, Any]) -> tuple[str, str]:
    return result["repo"], result["commit"]


def _changed(old: dict[str, Any], new: dict[str, Any], mode: str = "default") -> tuple[int, int, int]:
    """How many entries differ in found sites, sites kept after the fix, and other findings."""
    before = {_entry_key(r): r["modes"][mode] for r in old["results"]}
    found = after = others = 0
    for result in new["results"]:
        then = before.get(_entry_key(result))
        now = result["modes"][mode]
        if then is None:
            found, after, others = found + 1, after + 1, others + 1
            continue
        found += [bool(v["found"]) for v in then["sites"]] != [bool(v["found"]) for v in now["sites"]]
        after += ([bool(v["found"] and v["after_fix"]) for v in then["sites"]]
                  != [bool(v["found"] and v["after_fix"]) for v in now["sites"]])
        others += sorted(then["not_sites"]) != sorted(now["not_sites"])
    return found, after, others


def run(src: Path, out: Path, jobs: int, mirrors: Path, mode: str = "default") -> int:
    out.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        codes = list(pool.map(lambda name: _score(src.resolve(), out, name, mirrors, mode), GATE))
    for name, code in zip(GATE, codes):
        print(f"{name}: {_totals(_load(out, name), mode)}" + (f" (scorer exit {code})" if code else ""))
    return 0 if not any(codes) else 1


def compare(old_dir: Path, new_dir: Path, mode: str = "default") -> int:
    for name in GATE:
        old, new = _load(old_dir, name), _load(new_dir, name)
        print(f"{name}\n  old: {_totals(old, mode)}\n  new: {_totals(new, mode)}")
        if old is not None and new is not None:
            found, after, others = _changed(old, new, mode)
            print(f"  entries changed: found sites {found}, after the fix {after}, other findings {others}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run")
    run_p.add_argument("src", type=Path)
    run_p.add_argument("out", type=Path)
    run_p.add_argument("--jobs", type=int, default=2)
    run_p.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    run_p.add_argument("--mode", choices=("default", "preview"), default="default")
    cmp_p = sub.add_parser("compare")
    cmp_p.add_argument("old", type=Path)
    cmp_p.add_argument("new", type=Path)
    cmp_p.add_argument("--mode", choices=("default", "preview"), default="default")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.src, args.out, args.jobs, args.mirrors, args.mode)
    return compare(args.old, args.new, args.mode)


if __name__ == "__main__":
    raise SystemExit(main())
