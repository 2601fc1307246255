"""Count TRD101/TRD102 findings on the corpus by what their fix is: safe, unsafe, or none.

Usage: python benchmarks/trd1xx_fix_safety.py [--corpus DIR] [--list] [PACKAGE...]

Each package of the corpus is checked as one project (one ``Checker``), as ``tradelint PACKAGE``
would. With ``--list``, every finding is printed with its fix's safety, for reading.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tradelint.cli import discover  # noqa: E402
from tradelint.core.config import clear_cache, config_for  # noqa: E402
from tradelint.runner.engine import Checker  # noqa: E402

DEFAULT_CORPUS = Path.home() / ".cache" / "tradelint-corpus"
CODES = ("TRD101", "TRD102")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--list", action="store_true", help="print every finding and its fix safety")
    args = parser.parse_args(argv)
    packages = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if args.packages:
        packages = [p for p in packages if p.name in args.packages]
    totals: Counter[tuple[str, str]] = Counter()
    for package in packages:
        clear_cache()
        checker = Checker()
        counts: Counter[tuple[str, str]] = Counter()
        for path in dict.fromkeys(discover([package], None)):
            for finding in checker.check_path(path, config_for(path)):
                if finding.code not in CODES:
                    continue
                safety = finding.fix.safety if finding.fix is not None else "none"
                counts[finding.code, safety] += 1
                if args.list:
                    print(f"  {finding.path}:{finding.line}: {finding.code} [{safety}] {finding.message}")
        if counts:
            print(f"{package.name}: " + ", ".join(f"{c} {s}={n}" for (c, s), n in sorted(counts.items())), flush=True)
        totals.update(counts)
    for code in CODES:
        row = {s: totals[code, s] for s in ("safe", "unsafe", "none")}
        print(f"{code}: " + ", ".join(f"{s}={n}" for s, n in row.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
