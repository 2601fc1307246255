"""Score TRD2xx on the hand-written resource cases (``benchmarks/resource_cases/``, issue 14).

Each case is a small module written as a reviewer would, before the change it measures: a shape
the issue lists (incident 002's provider, a session handed on, replaced, unpacked, reassigned in
``try``, yielded by a context manager or an async generator, early exits, ``= None``, httpx,
``TCPConnector``, websockets, discord.py teardowns, factories) marked ``# error: TRD2xx``, or a
near miss (``n*.py``, ``r09``) that must stay quiet. Files ``p*``/``n01``-``n13`` were written
first (batch 1), ``q*``/``n14`` after the first fixes (batch 2), ``r*`` after the second (batch 3).

``--family TRD3`` scores the hand-written task cases (``benchmarks/task_cases/``, session 6) the
same way: emitter lambdas, ``call_soon_threadsafe`` callbacks, discarded displays and
comprehensions, conditional expressions, tasks on ``self``, cogs, task owners, with near misses
(``*_ok.py``) such as a ``TaskGroup`` or a set with ``add_done_callback(discard)``; ``batchN/``
is the order they were written in. The cases are not fixtures: some marks are findings of a
preview rule (TRD302), missed by the default rules.

    python benchmarks/score_resource_cases.py [--family TRD2|TRD3] [--preview] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = {"TRD2": HERE / "resource_cases", "TRD3": HERE / "task_cases"}


def expected(cases: Path, family: str) -> set[tuple[str, int, str]]:
    found = set()
    for path in sorted(cases.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            mark = re.search(r"# error: (.*)$", line)
            if mark:
                for code in re.findall(family + r"\d\d", mark.group(1)):
                    found.add((path.relative_to(cases).as_posix(), number, code))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=sorted(CASES), default="TRD2")
    parser.add_argument("--preview", action="store_true")
    parser.add_argument("-v", action="store_true", help="also list the cases found")
    args = parser.parse_args()
    # The default configuration: the repository's own excludes these cases.
    with tempfile.TemporaryDirectory() as empty:
        config = Path(empty) / "pyproject.toml"
        config.write_text("[tool.tradelint]\n", encoding="utf-8")
        command = [sys.executable, "-m", "tradelint", "--config", str(config), "--select", args.family,
                   "--no-cache", "--exit-zero", "--output-format", "json", "."]
        if args.preview:
            command.insert(3, "--preview")
        out = subprocess.run(command, cwd=CASES[args.family], capture_output=True, text=True, check=True)
    found = {(Path(f["path"]).as_posix(), f["line"], f["code"]): f["message"] for f in json.loads(out.stdout)}
    marks = expected(CASES[args.family], args.family)
    hits, misses, extra = marks & found.keys(), marks - found.keys(), found.keys() - marks
    print(f"{'preview' if args.preview else 'default'}: {len(hits)}/{len(marks)} marked found "
          f"(recall {len(hits) / len(marks):.2f}), {len(extra)} unmarked "
          f"(precision {len(hits) / max(1, len(hits) + len(extra)):.2f})")
    for key in sorted(misses):
        print(f"  missed {key[0]}:{key[1]} {key[2]}")
    for key in sorted(extra):
        print(f"  unmarked {key[0]}:{key[1]} {key[2]} {found[key]}")
    if args.v:
        for key in sorted(hits):
            print(f"  found {key[0]}:{key[1]} {key[2]} {found[key]}")


if __name__ == "__main__":
    main()
