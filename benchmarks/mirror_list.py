"""The repositories the benchmarks read, in the order a session should fetch them.

The fetch tool brings 500 repositories per session, and the benchmarks name more (over 1,000 in
session 87, whose machine came new with no mirror): what is fetched first must be what every
measurement needs. In order: the precision applications (``apps72.txt``, then the half ``a`` of
``heads70.txt`` that the label files read, ``pool_precision.half_of``), the held-out gate's files
(``heldout_gate.GATE``: reported every session, totals only), the older precision applications
(``apps28.txt``), the held-out rounds' other files, the development halves of rounds 17 to 29, the
development pool (every other leak-fix manifest) from the newest round down, and last the half
``b`` of ``heads70.txt`` (held out: totals only). Each repository once.

    python benchmarks/mirror_list.py [--missing /work/.mirror]

``--missing`` prints only those without a mirror folder there (``owner+name``).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from heldout_gate import GATE  # noqa: E402
from pool_precision import half_of  # noqa: E402


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
    heads = _repos(HERE / "heads70.txt") if (HERE / "heads70.txt").is_file() else []
    held = [f"leak_fixes_r{n}{half}.txt" for n in range(17, 30) for half in ("_b", "")]
    dev_halves = [f"leak_fixes_r{n}_a.txt" for n in range(29, 16, -1)]
    pool = sorted((p.name for p in HERE.glob("leak_fixes*.txt")), key=lambda n: (-_round(n), n))
    order: list[str] = []

    def add(repos: list[str]) -> None:
        order.extend(r for r in repos if r not in order)

    add(_repos(HERE / "apps72.txt") if (HERE / "apps72.txt").is_file() else [])
    add([r for r in heads if half_of(r) == "a"])
    for name in [*GATE, "apps28.txt", *held, *dev_halves, *pool]:
        path = HERE / name
        if path.is_file():
            add(_repos(path))
    add(heads)
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
