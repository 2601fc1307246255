"""How much the tradelint mypy plugin adds to mypy's cold-cache time on a real package.

Usage: python benchmarks/mypy_overhead.py [PACKAGE_DIR] [--runs N] [--tradelint-config FILE]

Runs ``python -m mypy PACKAGE_DIR`` with and without ``plugins = mypy_plugin``, alternating, each
run in a fresh process with an empty cache directory (cold cache, cache written as usual), and
prints every run, the median and minimum of each variant, and their ratios (target: <= 1.10).
The ratio is taken on CPU time (user + system of the mypy process), which other load on the
machine disturbs far less than wall-clock time; wall-clock figures are printed beside it.
Both variants use the same settings (``ignore_missing_imports``, so that a package whose
dependencies are not installed still type-checks; install them for the realistic figure).

On a busy machine both figures wander by more than the overhead itself; ``--breakdown`` then
measures the plugin from inside one cold run instead: its import, and the time spent in its
``get_*_hook`` dispatch and in the hooks it returns (mypy's own hooks that the plugin's wrap are
counted as the plugin's, so the figure errs high), against the run's total CPU time.

PACKAGE_DIR defaults to aiohttp from the corpus (``benchmarks/fetch_corpus.py``). With
``--tradelint-config``, the package is copied to a temporary folder next to that file (as its
``pyproject.toml``), so that its ``[tool.tradelint]`` settings (e.g. ``renames``, which make the
attribute hooks claim names) apply to the run.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_PACKAGE = Path.home() / ".cache" / "tradelint-corpus" / "aiohttp-3.14.5" / "aiohttp"
TARGET = 1.10


def mypy_config(folder: Path, with_plugin: bool) -> Path:
    path = folder / ("with-plugin.ini" if with_plugin else "without-plugin.ini")
    lines = ["[mypy]", "ignore_missing_imports = True"]
    if with_plugin:
        lines.append("plugins = mypy_plugin")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_mypy(package: Path, config: Path, scratch: Path) -> tuple[float, float]:
    """CPU seconds and wall-clock seconds of one cold mypy run."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=scratch))
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(cache), str(package)],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    shutil.rmtree(cache, ignore_errors=True)
    # 0: clean, 1: type errors found. Anything else is a crash, which would make the timing meaningless.
    if done.returncode not in (0, 1):
        raise SystemExit(f"mypy failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return cpu, wall


BREAKDOWN_DRIVER = r"""
import sys, time

started = time.process_time()
import mypy.api, mypy.build, mypy.plugins.default  # what a mypy run imports anyway

imported = time.process_time()
from mypy_plugin import hooks

plugin_import = time.process_time() - imported
spent = {"own": 0.0, "inherited": 0.0}
calls = {"own": 0, "inherited": 0}


def timed(kind, function):
    def wrapper(*args, **kwargs):
        before = time.process_time()
        try:
            result = function(*args, **kwargs)
        finally:
            spent[kind] += time.process_time() - before
            calls[kind] += 1
        if callable(result):  # a hook handed to mypy: time it when mypy calls it
            return timed(kind, result)
        return result
    return wrapper


plugin = hooks.TradelintMypyPlugin
for name in dir(plugin):
    if name.startswith("get_") or name == "report_config_data":
        # "inherited": mypy asks every plugin in the chain, even for hooks it does not define.
        kind = "own" if name in plugin.__dict__ else "inherited"
        setattr(plugin, name, timed(kind, getattr(plugin, name)))

mypy.api.run(sys.argv[1:])
total = time.process_time() - started
print(total, plugin_import, spent["own"], calls["own"], spent["inherited"], calls["inherited"])
"""


def breakdown(package: Path, config: Path, scratch: Path) -> tuple[float, float, float, int, float, int]:
    """CPU seconds: the run, the plugin's import, its own hooks (and how many calls), and mypy
    asking it for hooks it does not define (and how many calls)."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=scratch))
    done = subprocess.run(
        [sys.executable, "-c", BREAKDOWN_DRIVER, "--config-file", str(config), "--cache-dir", str(cache), str(package)],
        capture_output=True,
        text=True,
    )
    shutil.rmtree(cache, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"breakdown run failed:\n{done.stdout}\n{done.stderr}")
    total, imported, own, own_calls, inherited, inherited_calls = done.stdout.split()
    return float(total), float(imported), float(own), int(own_calls), float(inherited), int(inherited_calls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--runs", type=int, default=5, help="runs per variant (default 5)")
    parser.add_argument("--tradelint-config", type=Path, help="a pyproject.toml to put next to the package")
    parser.add_argument("--breakdown", action="store_true", help="time the plugin from inside the runs")
    args = parser.parse_args(argv)
    package: Path = args.package.resolve()
    if not package.exists():
        parser.error(f"{package} does not exist (fetch the corpus with benchmarks/fetch_corpus.py)")

    with tempfile.TemporaryDirectory(prefix="tradelint-mypy-bench-") as tmp:
        scratch = Path(tmp)
        if args.tradelint_config is not None:
            copied = scratch / "project" / package.name
            shutil.copytree(package, copied)
            shutil.copy(args.tradelint_config, copied.parent / "pyproject.toml")
            package = copied
        configs = {False: mypy_config(scratch, False), True: mypy_config(scratch, True)}
        if args.breakdown:
            print(f"plugin CPU inside cold mypy runs on {package} ({sys.executable})")
            shares = []
            for run in range(1, args.runs + 1):
                total, imported, own, own_calls, inherited, inherited_calls = breakdown(package, configs[True], scratch)
                plugin = imported + own + inherited
                share = plugin / (total - plugin)
                shares.append(share)
                print(
                    f"  run {run}: total {total:.2f} s; plugin import {imported:.3f} s, "
                    f"{own_calls} calls of its hooks {own:.3f} s, {inherited_calls} calls of hooks it "
                    f"does not define {inherited:.3f} s -> +{share:.1%} over mypy alone"
                )
            print(f"overhead (inside, median): {1 + statistics.median(shares):.3f} (target <= {TARGET:.2f})")
            return 0
        cpu: dict[bool, list[float]] = {False: [], True: []}
        wall: dict[bool, list[float]] = {False: [], True: []}
        print(f"mypy cold-cache runs on {package} ({sys.executable})")
        for run in range(1, args.runs + 1):
            # Alternate, so that a slow spell of the machine hits both variants alike.
            for with_plugin in (False, True) if run % 2 else (True, False):
                seconds, elapsed = run_mypy(package, configs[with_plugin], scratch)
                cpu[with_plugin].append(seconds)
                wall[with_plugin].append(elapsed)
                label = "with plugin:   " if with_plugin else "without plugin:"
                print(f"  run {run} {label} {seconds:.2f} s CPU, {elapsed:.2f} s wall")

    for name, times in (("CPU", cpu), ("wall", wall)):
        without, with_ = times[False], times[True]
        print(
            f"{name:>4}: without plugin median {statistics.median(without):.2f} s (min {min(without):.2f}), "
            f"with plugin median {statistics.median(with_):.2f} s (min {min(with_):.2f}); "
            f"ratio median {statistics.median(with_) / statistics.median(without):.3f}, "
            f"min {min(with_) / min(without):.3f}"
        )
    ratio = statistics.median(cpu[True]) / statistics.median(cpu[False])
    print(f"overhead (CPU, median): {ratio:.3f} -> {'within' if ratio <= TARGET else 'ABOVE'} target {TARGET:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
