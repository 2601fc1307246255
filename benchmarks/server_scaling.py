"""The language server's time per keystroke as the project around the edited buffer grows.

Usage:
    python benchmarks/server_scaling.py [--files 100 200 400 800] [--edits 10]

Run on demand, not by the tests (issue 34 point 4). For each size N it writes a project of N
modules, each with a finding (a discarded task, ``scaling.files_tree``), plus the edited module
(20 functions with a discarded task and 20 dataclasses with a constant: ``scaling.fixes_tree``,
so its check searches the whole project for each dataclass's fields), opens that module in the
server's ``Model`` (in process, as ``tradelint server`` does on ``didOpen``), checks it once,
then times ``--edits`` edits (a line typed in the first function, then removed) each followed by
the check the server runs: CPU seconds of this process per edit (median), and the exponent of
their growth with N (``scaling.exponent``). ``benchmarks/server_latency.py`` measures the same
over the protocol, wall time included.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling import exponent, files_tree, fixes_tree, write

from tradelint.core.config import clear_cache
from tradelint.server.model import Model


def per_edit(size: int, edits: int) -> tuple[float, int]:
    """Median CPU seconds per edit + check, and the findings of the edited module."""
    with tempfile.TemporaryDirectory(prefix="tradelint-server-") as folder:
        root = Path(folder)
        tree = files_tree(size)
        tree["edited.py"] = fixes_tree(20)["many.py"]
        write(tree, root)
        clear_cache()
        model = Model()
        edited = root / "edited.py"
        text = edited.read_text(encoding="utf-8")
        typed = text.replace("async def run_0():\n", "async def run_0():\n    asyncio.sleep(0)\n", 1)
        model.set_buffer(edited, text)
        found = len(model.check(edited))
        times: list[float] = []
        for i in range(edits):
            started = time.process_time()
            model.set_buffer(edited, typed if i % 2 == 0 else text)
            model.check(edited)
            times.append(time.process_time() - started)
        return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, nargs="+", default=[100, 200, 400, 800])
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    print(f"# {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    medians: list[float] = []
    for size in args.files:
        median, found = per_edit(size, args.edits)
        medians.append(median)
        print(f"{size:>6} other files: {1000 * median:.1f} ms CPU per edit (median of {args.edits}), "
              f"{found} findings in the buffer", flush=True)
    print(f"exponent {exponent(args.files, medians):.2f}; load {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
