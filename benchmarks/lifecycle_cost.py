"""CPU time of whole-corpus checks by several tradelint installs, interleaved (issue 14 point 6).

Usage: python benchmarks/lifecycle_cost.py [--repeat N] LABEL=TRADELINT [EXTRA ARGS] ...

e.g. with a detached worktree and venv per version under /tmp::

    python benchmarks/lifecycle_cost.py --repeat 3 \\
        "before=/tmp/v-before/bin/tradelint" "after=/tmp/v-after/bin/tradelint" \\
        "after, no TRD2/TRD3=/tmp/v-after/bin/tradelint --ignore TRD2,TRD3"

Each run is one ``tradelint --no-cache --jobs 1 --output-format json`` process over the
corpus's package folders (``corpus.txt`` in the fetched corpus). Rounds are interleaved and
reversed every other round; the time is user + system CPU of the process (``os.wait4``), which a
shared machine disturbs far less than wall time. Prints each run, then min and median per label.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_corpus import DEFAULT_DEST, DEFAULT_MANIFEST, read_manifest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("versions", nargs="+", help="LABEL=TRADELINT [EXTRA ARGS]")
    args = parser.parse_args()
    folders = [str(args.corpus / spec.dirname) for spec in read_manifest(DEFAULT_MANIFEST)]
    configs = {label: command.split() for label, _, command in (v.partition("=") for v in args.versions)}
    times: dict[str, list[float]] = {label: [] for label in configs}
    counts: dict[str, int] = {}
    for round_ in range(args.repeat):
        order = list(configs) if round_ % 2 == 0 else list(reversed(configs))
        for label in order:
            cmd = [*configs[label], "--no-cache", "--jobs", "1", "--output-format", "json", *folders]
            with tempfile.TemporaryFile() as out:
                proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
                _, _, usage = os.wait4(proc.pid, 0)
                out.seek(0)
                counts[label] = len(json.loads(out.read()))
            times[label].append(usage.ru_utime + usage.ru_stime)
            print(f"round {round_} {label}: {times[label][-1]:.2f} CPU s, {counts[label]} findings", flush=True)
    for label, values in times.items():
        print(f"{label:40} min {min(values):7.2f}  median {statistics.median(values):7.2f}  findings {counts[label]}")


if __name__ == "__main__":
    main()
