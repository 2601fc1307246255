"""Performance against the floor: every ratio measured side by side, in one run, over the same files.

Usage: python benchmarks/bench.py [--corpus DIR] [--packages NAME ...] [--repeat N] [--no-flake8]

Run on demand (it is not part of the test suite), with the interpreter whose environment has
tradelint, flake8 and ruff installed. Every tool runs in a fresh process over the same explicit
list of files; each measurement is repeated and interleaved with the others, and the fastest
repetition is kept. Times are CPU seconds (user + system, the process and its children: robust
when other work shares the machine) and wall seconds; ratios are on CPU time except for
``--jobs``, whose point is wall time.

Measured:
- ``ast.parse`` loop (read + parse each file, nothing else): the floor for a Python tool;
- ``tradelint --no-cache --jobs 1`` (check) against the floor: target <= 1.5x;
- ``flake8 -j 1`` with the tradelint plugin against plain flake8 (the plugin's entry point
  dropped, same interpreter and options): target <= 1.10x;
- ``tradelint --fix --diff`` against check: target <= 1.2x;
- a second cached run with nothing changed against the first (cold cache): target <= 0.2x;
- ``--jobs N`` (N = cores) against ``--jobs 1``, wall time, and whether their outputs are identical;
- ``ruff --select RUF006,RUF012`` on the same files, for reference;
- peak memory (max RSS) of the tradelint check.

Every command runs as an installed tool does: from bytecode compiled once, in a warm-up run that
is not counted, into a folder of the benchmark's own (``PYTHONPYCACHEPREFIX``), whatever
``PYTHONDONTWRITEBYTECODE`` says. Otherwise each tradelint process compiled its own 18,000 lines
of source before checking anything (0.2 s of CPU, 0.15x of the floor on 265 K lines), which no
installed copy does (pip compiles on install) and which the floor, one line of ``import ast``,
never paid. ``--source-imports`` measures the old way.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_corpus import DEFAULT_DEST  # noqa: E402

from tradelint._version import __version__  # noqa: E402
from tradelint.cli import discover  # noqa: E402
from tradelint.core.cores import usable_cores  # noqa: E402

FLOOR = """\
import ast, sys
for name in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(name, "rb") as fh:
        data = fh.read()
    try:
        ast.parse(data, filename=name)
    except (SyntaxError, ValueError):
        pass
"""

PLAIN_FLAKE8 = """\
import sys
import flake8.plugins.finder as finder
_find = finder.find_plugins
finder.find_plugins = lambda *a, **k: [p for p in _find(*a, **k) if p.package != "tradelint"]
from flake8.main.cli import main
sys.argv[0] = "flake8"
main()
"""


@dataclass
class Sample:
    cpu: float
    wall: float
    rss_mb: float
    stdout: bytes
    returncode: int


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        stdout = out.read()
    # ru_maxrss is in KiB on Linux; the usage of the waited process includes its own children.
    return Sample(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, stdout, proc.returncode)


def findings_only(stdout: bytes) -> bytes:
    """The output without the summary line, whose elapsed time differs from run to run."""
    return b"".join(line for line in stdout.splitlines(keepends=True) if not line.startswith(b"Checked "))


def best(samples: list[Sample]) -> Sample:
    return min(samples, key=lambda s: s.cpu)


def median(samples: list[Sample]) -> Sample:
    """The median repetition by CPU (by wall for ``--jobs``, whose point is wall time)."""
    return sorted(samples, key=lambda s: s.cpu)[len(samples) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--packages", nargs="*", help="package folder names (default: every package)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-flake8", action="store_true", help="skip the (slow) flake8 pair")
    parser.add_argument("--median", action="store_true", help="report the median repetition instead of the fastest")
    parser.add_argument(
        "--demand", action="store_true",
        help="tradelint with demand-driven checking (TRADELINT_DEMAND=1: files that cannot get a finding only compiled)",
    )
    parser.add_argument(
        "--quick", action="store_true",
        help="the floor, the check and --jobs only (no --fix, flake8, ruff or cache runs): for the whole corpus",
    )
    parser.add_argument(
        "--source-imports", action="store_true",
        help="keep the environment's bytecode setting (PYTHONDONTWRITEBYTECODE: every process compiles tradelint)",
    )
    args = parser.parse_args(argv)

    corpus: Path = args.corpus.expanduser()
    folders = sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if args.packages:
        folders = [p for p in folders if p.name in args.packages]
    files = [str(f.relative_to(corpus)) for f in discover(folders, None)]
    lines = sum(len((corpus / f).read_bytes().splitlines()) for f in files)
    jobs = usable_cores()  # what --jobs defaults to
    py = sys.executable
    ruff = shutil.which("ruff", path=str(Path(py).parent)) or shutil.which("ruff")

    work = Path(tempfile.mkdtemp(prefix="tradelint-bench-"))
    listing = work / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    cache = work / "cache"
    tl = [py, "-m", "tradelint"]

    def make_commands(files: list[str], listing: Path) -> dict[str, list[str]]:
        commands: dict[str, list[str]] = {
            "floor": [py, "-c", FLOOR, str(listing)],
            "check": [*tl, "--no-cache", "--jobs", "1", *files],
            "fix_diff": [*tl, "--no-cache", "--fix", "--diff", *files],
            f"jobs_{jobs}": [*tl, "--no-cache", "--jobs", str(jobs), *files],
        }
        if args.quick:
            del commands["fix_diff"]
            return commands
        if not args.no_flake8:
            commands["flake8_plain"] = [py, "-c", PLAIN_FLAKE8, "-j", "1", *files]
            commands["flake8_plugin"] = [py, "-m", "flake8", "-j", "1", "--tradelint-no-cache", *files]
        if ruff:
            commands["ruff"] = [ruff, "check", "--isolated", "--no-cache", "--select", "RUF006,RUF012", *files]
        return commands

    commands = make_commands(files, listing)
    env: dict[str, str] | None = None
    if args.demand:
        env = {**os.environ, "TRADELINT_DEMAND": "1"}
    if not args.source_imports:
        env = {k: v for k, v in (env or os.environ).items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
        # Not counted: each command once over a few files compiles what it imports.
        few = work / "few.txt"
        few.write_text("\n".join(files[:50]) + "\n", encoding="utf-8")
        for cmd in make_commands(files[:50], few).values():
            run(cmd, corpus, env)
        if not args.quick:
            run([*tl, "--cache-dir", str(cache), "--jobs", "1", *files[:50]], corpus, env)
            shutil.rmtree(cache, ignore_errors=True)

    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    if not args.quick:
        samples["cache_cold"], samples["cache_warm"] = [], []
    print(f"{len(files)} files, {lines} lines, {len(folders)} packages; {args.repeat} repetitions", flush=True)
    for rep in range(args.repeat):
        for name, cmd in commands.items():
            samples[name].append(run(cmd, corpus, env))
            s = samples[name][-1]
            print(f"  [{rep + 1}] {name:<14} cpu {s.cpu:7.2f} s  wall {s.wall:7.2f} s  rss {s.rss_mb:6.0f} MB", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
        for name in () if args.quick else ("cache_cold", "cache_warm"):
            samples[name].append(run([*tl, "--cache-dir", str(cache), "--jobs", "1", *files], corpus, env))
            s = samples[name][-1]
            print(f"  [{rep + 1}] {name:<14} cpu {s.cpu:7.2f} s  wall {s.wall:7.2f} s", flush=True)

    pick = median if args.median else best
    b = {name: pick(runs) for name, runs in samples.items()}
    if args.median:
        b = {name: (sorted(runs, key=lambda s: s.wall)[len(runs) // 2] if name.startswith("jobs_") else s)
             for (name, s), runs in zip(b.items(), samples.values())}
    reference = findings_only(samples["check"][0].stdout)
    identical = all(
        findings_only(s.stdout) == reference for s in samples[f"jobs_{jobs}"] + samples.get("cache_warm", [])
    )
    rows = [
        ("tradelint check / ast.parse floor (CPU)", b["check"].cpu / b["floor"].cpu, "<= 1.5"),
        (f"--jobs {jobs} / --jobs 1 (wall)", b[f"jobs_{jobs}"].wall / b["check"].wall, f"~{1 / jobs:.2f} ideal"),
        (f"--jobs {jobs} / --jobs 1 (CPU)", b[f"jobs_{jobs}"].cpu / b["check"].cpu, "1.0 ideal"),
    ]
    if not args.quick:
        rows[1:1] = [
            ("tradelint --fix --diff / check (CPU)", b["fix_diff"].cpu / b["check"].cpu, "<= 1.2"),
            ("second run, cache warm / cold (CPU)", b["cache_warm"].cpu / b["cache_cold"].cpu, "<= 0.2"),
        ]
    if "flake8_plain" in b:
        rows.insert(1, ("flake8 + plugin / plain flake8 (CPU)", b["flake8_plugin"].cpu / b["flake8_plain"].cpu, "<= 1.10"))
    if "ruff" in b:
        rows.append(("ruff RUF006,RUF012 / ast.parse floor (CPU)", b["ruff"].cpu / b["floor"].cpu, "reference"))

    print()
    print(f"tradelint {__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{len(files)} files, {lines} lines; {'median' if args.median else 'best'} of {args.repeat}; "
          f"{'imports compiled in every process' if args.source_imports else 'imports from bytecode compiled before timing'}"
          f"{'; TRADELINT_DEMAND=1' if args.demand else ''}")
    print()
    print("| measurement | CPU s | wall s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for name, s in b.items():
        print(f"| {name} | {s.cpu:.2f} | {s.wall:.2f} | {s.rss_mb:.0f} |")
    print()
    print("| ratio | measured | target |")
    print("|---|---:|---|")
    for label, value, target in rows:
        print(f"| {label} | {value:.3f} | {target} |")
    print()
    print(f"--jobs {jobs}{'' if args.quick else ' and the warm cached run'} print exactly what --jobs 1 prints: "
          f"{'yes' if identical else 'NO'}")
    print(f"peak memory of one tradelint check over these files: {b['check'].rss_mb:.0f} MB")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
