"""The language server's time per keystroke as the project around the edited buffer grows.

Usage:
    python benchmarks/server_scaling.py [--files 1 100 1000] [--per-file 1] [--edits 10]

Run on demand, not by the tests (issue 34 point 4). For each size N it writes a project of N
modules, each with ``--per-file`` findings (discarded tasks, as ``scaling.files_tree`` has one),
plus the edited module (20 functions with a discarded task and 20 dataclasses with a constant:
``scaling.fixes_tree``, so its check searches the whole project for each dataclass's fields),
opens that module in the server's ``Model`` (in process, as ``tradelint server`` does on
``didOpen``), checks it once, then times ``--edits`` edits (a line typed in the first function,
then removed) each followed by the checks the server runs (the buffer, and the open files that
read it; ``--open`` opens and checks every other module first, as an editor with all of them
open): CPU seconds of this process per edit (median), and the exponent of their growth with N
(``scaling.exponent``). ``benchmarks/server_latency.py`` measures the same
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

import scaling
from scaling import exponent, files_tree, fixes_tree, write

from tradelint.core.config import clear_cache
from tradelint.server.model import Model


def other_files(size: int, per_file: int) -> dict[str, str]:
    """``size`` modules of ``per_file`` discarded tasks each (``files_tree`` when it is 1)."""
    if per_file == 1:
        return files_tree(size)
    body = "".join(f"    asyncio.create_task(job())\n" for _ in range(per_file))
    text = f"import asyncio\n\n\nasync def job():\n    pass\n\n\nasync def main():\n{body}    return 1\n"
    return {f"pkg/m{i}.py": text for i in range(size)} | {"pkg/__init__.py": ""}


def per_edit(size: int, edits: int, per_file: int = 1, open_all: bool = False, buffer: int = 20) -> tuple[float, int]:
    """Median CPU seconds per edit + check, and the findings of the edited module."""
    with tempfile.TemporaryDirectory(prefix="tradelint-server-") as folder:
        root = Path(folder)
        tree = other_files(size, per_file)
        tree["edited.py"] = fixes_tree(buffer)["many.py"]
        write(tree, root)
        clear_cache()
        model = Model()
        edited = root / "edited.py"
        text = edited.read_text(encoding="utf-8")
        typed = text.replace("async def run_0():\n", "async def run_0():\n    asyncio.sleep(0)\n", 1)
        if open_all:  # every other module open and checked too, its findings held by the server
            for name in tree:
                other = root / name
                model.set_buffer(other, other.read_text(encoding="utf-8"))
                model.check(other)
        model.set_buffer(edited, text)
        found = len(model.check(edited))
        times: list[float] = []
        for i in range(edits):
            started = time.process_time()
            for path in model.set_buffer(edited, typed if i % 2 == 0 else text):
                model.check(path)  # the edited buffer, and any open file that read it
            times.append(time.process_time() - started)
        return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--per-file", type=int, default=1, help="findings in each other module")
    parser.add_argument("--open", action="store_true", help="open (and check) every other module first")
    parser.add_argument("--buffer", type=int, nargs="+", default=[20],
                        help="the edited module's size (its functions and dataclasses, a finding each); "
                        "several sizes: the growth with the buffer's own findings, at the first --files")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--preview", action="store_true", help="preview = true in the project's configuration")
    args = parser.parse_args()
    scaling.PREVIEW = args.preview
    print(f"# {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}" + (", preview" if args.preview else ""))
    medians: list[float] = []
    if len(args.buffer) > 1:
        for size in args.buffer:
            median, found = per_edit(args.files[0], args.edits, args.per_file, args.open, size)
            medians.append(median)
            print(f"{size:>6} functions and dataclasses in the buffer ({found} findings), {args.files[0]} other "
                  f"files: {1000 * median:.1f} ms CPU per edit (median of {args.edits})", flush=True)
        print(f"exponent {exponent(args.buffer, medians):.2f}; load {os.getloadavg()[0]:.2f} at end")
        return
    for size in args.files:
        median, found = per_edit(size, args.edits, args.per_file, args.open, args.buffer[0])
        medians.append(median)
        print(f"{size:>6} other files ({size * args.per_file} findings): {1000 * median:.1f} ms CPU per edit "
              f"(median of {args.edits}), {found} findings in the buffer", flush=True)
    print(f"exponent {exponent(args.files, medians):.2f}; load {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
