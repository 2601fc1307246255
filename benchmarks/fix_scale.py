"""``--fix`` on one file with many fixes: seconds for N fixes, to see how the cost grows.

Two shapes: N discarded tasks, one statement each, in one function (N small statements); and N
renamed attributes inside one statement (one statement of N lines). Each run is
``tradelint --no-cache --diff`` in a fresh process; the time includes start-up.

    python benchmarks/fix_scale.py --sizes 1000 2000 10000 [--shape tasks|renames]

``PYTHONPATH=/path/to/other/checkout`` measures another version of tradelint.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def tasks(n: int) -> str:
    return "import asyncio\n\n\nasync def main():\n" + "".join(f"    asyncio.create_task(job_{i}())\n" for i in range(n))


def renames(n: int) -> str:
    body = "".join(f'        "k{i}": vat.old_x + {i},\n' for i in range(n))
    return "def f(vat):\n    table = {\n" + body + "    }\n    return table\n"


def measure(shape: str, n: int, timeout: float) -> str:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pyproject.toml").write_text("[tool.tradelint]\nrenames = { 'old_x' = 'new_x' }\n", encoding="utf-8")
        (root / "many.py").write_text(tasks(n) if shape == "tasks" else renames(n), encoding="utf-8")
        command = [sys.executable, "-m", "tradelint", "--no-cache", "--quiet", "--diff", "--unsafe-fixes", "many.py"]
        started = time.perf_counter()
        try:
            proc = subprocess.run(command, cwd=root, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"> {timeout:.0f} s (stopped)"
        elapsed = time.perf_counter() - started
        changed = proc.stdout.count(b"\n+") - 1
        return f"{elapsed:.1f} s ({changed} lines changed, exit {proc.returncode})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    parser.add_argument("--shape", choices=["tasks", "renames"], nargs="+", default=["tasks", "renames"])
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    for shape in args.shape:
        for n in args.sizes:
            print(f"{shape:8} {n:>6} fixes: {measure(shape, n, args.timeout)}", flush=True)


if __name__ == "__main__":
    main()
