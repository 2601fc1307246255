"""Wall time of a project's own test suite with and without the runtime plugin (issue 33.3).

    python benchmarks/runtime_overhead.py [--runs N] PROJECT_DIR [-- PYTEST_ARGS...]

Runs ``python -m pytest -q -p no:cacheprovider PYTEST_ARGS`` in PROJECT_DIR, alternating plain
and ``-p tradelint`` runs N times each (alternating, so that a slower moment of a shared machine
hits both), and prints the medians, their ratio, and the plugin's counts and leaks.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(project: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(project)])}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"pytest exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    plain, plugin = [], []
    for _ in range(args.runs):
        plain.append(timed(args.project, args.pytest_args))
        plugin.append(timed(args.project, ["-p", "tradelint", *args.pytest_args]))
    report = json.loads((args.project / ".tradelint_cache" / "runtime.json").read_text(encoding="utf-8"))
    base, with_plugin = statistics.median(plain), statistics.median(plugin)
    print(
        f"{args.project.name}: plain {base:.2f} s, -p tradelint {with_plugin:.2f} s, "
        f"ratio {with_plugin / base:.2f} (median of {args.runs}); recorded {report['recorded']}, "
        f"{len(report['leaks'])} leaks"
    )
    for leak in report["leaks"]:
        print(f"  {leak['code']} {leak['kind']} {leak['path']}:{leak['line']} {leak['what']} [{leak['test']}]")


if __name__ == "__main__":
    main()
