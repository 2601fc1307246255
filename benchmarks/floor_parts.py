"""What one pass over every node costs beside ``ast.parse``: the least a check in Python can do.

Usage: python benchmarks/floor_parts.py [--corpus DIR] [--packages NAME ...] [--repeat N]

In one process, over the same files (read into memory first, the collector off, as the check
runs), the fastest of N repetitions of:

- ``ast.parse`` of every file (the floor of ``bench.py``, less the reads);
- ``ast.walk`` over every tree: the standard library's one pass over every node;
- ``context.build_index`` over every tree: tradelint's one pass (calls, attributes, classes,
  functions, imports and every node's parent), which every rule reads instead of walking;
- ``summaries.summarize`` of every module: the facts other modules ask about it.

Each is printed in seconds and as a ratio of the parse. A check that parses each file once and
builds its index already costs ``1 + index / parse`` times the floor before any rule runs; the
issue's target of 1.5x leaves every rule, the summaries, the start-up and the report the rest.
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_corpus import DEFAULT_DEST  # noqa: E402

from tradelint.facts.summaries import summarize  # noqa: E402
from tradelint.cli import discover  # noqa: E402
from tradelint.facts.context import Project
from tradelint.facts.syntax import build_index  # noqa: E402


def best(repeat: int, work: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()  # type: ignore[operator]
        times.append(time.process_time() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--packages", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    corpus: Path = args.corpus.expanduser()
    folders = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if args.packages:
        folders = [p for p in folders if p.name in args.packages]
    files = list(discover(folders, None))
    sources = []
    for file in files:
        data = file.read_bytes()
        try:
            ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        sources.append((file, data))
    gc.disable()
    trees = [ast.parse(data) for _, data in sources]
    parse = best(args.repeat, lambda: [ast.parse(data) for _, data in sources])
    walk = best(args.repeat, lambda: [sum(1 for _ in ast.walk(tree)) for tree in trees])
    index = best(args.repeat, lambda: [build_index(tree) for tree in trees])

    project = Project(module_budget=None)
    infos = [project.register(file, tree, data.decode("utf-8", "replace")) for (file, data), tree in zip(sources, trees)]
    for info in infos:
        info.index, info.imports, info.top_level  # noqa: B018 (built before, not timed)
    summary = best(args.repeat, lambda: [summarize(info) for info in infos])
    print(f"{len(sources)} files, {sum(len(d) for _, d in sources) / 2**20:.1f} MiB, best of {args.repeat}, CPU s")
    print("| pass | CPU s | / parse |")
    print("|---|---:|---:|")
    for name, value in (("ast.parse", parse), ("ast.walk", walk), ("build_index", index),
                        ("summarize (index built first)", summary)):
        print(f"| {name} | {value:.3f} | {value / parse:.2f} |")


if __name__ == "__main__":
    main()
