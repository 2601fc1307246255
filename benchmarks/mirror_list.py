"""The repositories the benchmarks read, in the order a session should fetch them.

The fetch tool brings about 500 repositories per session, and the benchmarks name more (548 in
session 48): what is fetched first must be what every measurement needs. In order: the precision
applications (``apps28.txt``), the held-out halves and whole files of rounds 17 to 29 (reported
every session, totals only), the development halves of those rounds, then the development pool
(``leak_pool.development_lines``) from the newest round down. Each repository once.

    python benchmarks/mirror_list.py [--missing /work/.mirror]

``--missing`` prints only those without a mirror folder there (``owner+name``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _repos(path: Path) -> list[str]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split("#", 1)[0].split()
        if words and "/" in words[0]:
            found.append(words[0])
    return found


def _round(name: str) -> int:
    match = re.match(r"leak_fixes_r(\d+)", name)
    return int(match.group(1)) if match else 0


def fetch_order() -> list[str]:
    held = [f"leak_fixes_r{n}{half}.txt" for n in range(17, 30) for half in ("_b", "")]
    dev_halves = [f"leak_fixes_r{n}_a.txt" for n in range(29, 16, -1)]
    pool = sorted((p.name for p in HERE.glob("leak_fixes*.txt")), key=lambda n: (-_round(n), n))
    order: list[str] = []
    for name in ["apps28.txt", *held, *dev_halves, *pool]:
        path = HERE / name
        if path.is_file():
            order.extend(r for r in _repos(path) if r not in order)
    return order


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--missing", type=Path, help="print only the repositories without a mirror here")
    args = parser.parse_args(argv)
    for repo in fetch_order():
        if args.missing is None or not (args.missing / repo.replace("/", "+")).is_dir():
            print(repo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
