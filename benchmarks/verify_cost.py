"""What verifying every fix at check time costs (issue 29 point 6: ``[*]`` only after verification).

Usage: python benchmarks/verify_cost.py [--repeat N] FOLDER ...

Checks every ``.py`` file under the folders in this process, cold (a new ``Checker`` and project
each run, no cache), once with the check-time verification the CLI does (``verify_fixes``) and
once without it, interleaved and reversed every other round. Time is this process's CPU time
(``time.process_time``), which a shared machine disturbs less than wall time. Prints each run,
the median of each mode, their ratio, and how many findings each mode calls fixable (the
difference is what verification refused).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from tradelint.core.config import clear_cache, config_for
from tradelint.runner.engine import Checker


def one_run(files: list[Path], verify: bool) -> tuple[float, int, int]:
    clear_cache()
    checker = Checker()
    checker.verify_fixes = verify
    started = time.process_time()
    findings = fixable = 0
    for path in files:
        try:
            found = checker.check_path(path, config_for(path))
        except Exception as exc:  # a benchmark reports, it does not stop
            print(f"{path}: {exc!r}", file=sys.stderr)
            continue
        findings += len(found)
        fixable += sum(1 for f in found if f.fix is not None)
    return time.process_time() - started, findings, fixable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    files = sorted(p for folder in args.folders for p in folder.rglob("*.py") if p.is_file())
    times: dict[bool, list[float]] = {False: [], True: []}
    counts: dict[bool, tuple[int, int]] = {}
    for round_number in range(args.repeat):
        order = (False, True) if round_number % 2 == 0 else (True, False)
        for verify in order:
            seconds, findings, fixable = one_run(files, verify)
            times[verify].append(seconds)
            counts[verify] = (findings, fixable)
            label = "verified" if verify else "unverified"
            print(f"round {round_number + 1} {label:10} {seconds:7.2f} s CPU  {findings} findings, {fixable} fixable")
    plain, checked = statistics.median(times[False]), statistics.median(times[True])
    print(f"{len(files)} files; median unverified {plain:.2f} s, verified {checked:.2f} s, ratio {checked / plain:.3f}")
    print(f"fixable: unverified {counts[False][1]}, verified {counts[True][1]} of {counts[True][0]} findings")


if __name__ == "__main__":
    main()
