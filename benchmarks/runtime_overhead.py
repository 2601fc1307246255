"""Wall time of a project's own test suite with and without the runtime plugin (issue 33.3).

    python benchmarks/runtime_overhead.py [--runs N] PROJECT_DIR [-- PYTEST_ARGS...]

Runs ``python -m pytest -q -p no:cacheprovider PYTEST_ARGS`` in PROJECT_DIR, alternating plain
and ``-p tradelint`` runs N times each (alternating, so that a slower moment of a shared machine
hits both), and prints the medians of wall time and of the run's CPU time (user + system of the
pytest process: the steadier figure on a loaded machine), their ratios, and the plugin's counts
and leaks.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(project: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one pytest run."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(project)])}
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"pytest exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed, _children_cpu() - cpu


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
    base, with_plugin = statistics.median(t for t, _ in plain), statistics.median(t for t, _ in plugin)
    base_cpu, plugin_cpu = statistics.median(c for _, c in plain), statistics.median(c for _, c in plugin)
    print(
        f"{args.project.name}: wall plain {base:.2f} s, -p tradelint {with_plugin:.2f} s, ratio "
        f"{with_plugin / base:.2f}; CPU plain {base_cpu:.2f} s, -p tradelint {plugin_cpu:.2f} s, ratio "
        f"{plugin_cpu / base_cpu:.2f} (medians of {args.runs}; each run wall/CPU: plain "
        f"{' '.join(f'{t:.1f}/{c:.1f}' for t, c in plain)}, plugin {' '.join(f'{t:.1f}/{c:.1f}' for t, c in plugin)}); "
        f"recorded {report['recorded']}, {len(report['leaks'])} leaks"
    )
    for leak in report["leaks"]:
        print(f"  {leak['code']} {leak['kind']} {leak['path']}:{leak['line']} {leak['what']} [{leak['test']}]")


if __name__ == "__main__":
    main()
