"""Demand-driven checking against a full check: byte-identical output on every tree?

Usage: python benchmarks/demand_identity.py [--corpus DIR] [--holdout DIR] [--apps DIR] [--app-count N]
       [--jobs N] [--only corpus|holdout|apps ...]

Runs ``tradelint --no-cache --output-format json --exit-zero`` twice over each tree, once with
``TRADELINT_DEMAND=0`` (every file checked in full) and once with ``TRADELINT_DEMAND=1`` (files that
cannot get a finding only parsed: tradelint/runner/demand.py), and compares the outputs byte for
byte. Trees: the corpus and the holdout (each one run over every package), and each of the first
``--app-count`` applications (folders named ``owner+repo``, one run each). For each tree it prints
the files, how many the demand filter only parses, both CPU times, and identical/different;
for a difference, the findings only one mode reported. Exit 1 when any tree differs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tradelint.cli import discover  # noqa: E402
from tradelint.core.config import config_for  # noqa: E402
from tradelint.runner import demand  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(folders: list[Path], cwd: Path, mode: str, jobs: str) -> tuple[bytes, float]:
    env = {**os.environ, demand.ENV: mode, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "tradelint", "--no-cache", "--output-format", "json", "--exit-zero",
           "--jobs", jobs, *(str(f.relative_to(cwd)) for f in folders)]
    before = children_cpu()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    return proc.stdout, children_cpu() - before


def light_count(folders: list[Path], cwd: Path) -> tuple[int, int]:
    here = os.getcwd()
    os.chdir(cwd)
    try:
        files = list(discover([f.relative_to(cwd) for f in folders], None))
        needed = demand.full_check_needed([(f, config_for(f.parent)) for f in files])
    finally:
        os.chdir(here)
    return len(files), needed.count(False)


def compare(name: str, folders: list[Path], cwd: Path, jobs: str) -> bool:
    files, light = light_count(folders, cwd)
    full, full_cpu = run(folders, cwd, "0", jobs)
    lazy, lazy_cpu = run(folders, cwd, "1", jobs)
    same = full == lazy
    print(f"{name}: {files} files, {light} only parsed ({light / max(files, 1):.0%}); "
          f"CPU full {full_cpu:.1f} s, demand {lazy_cpu:.1f} s; "
          f"{'identical' if same else 'DIFFERENT'} ({len(full)} bytes)", flush=True)
    if not same:
        try:
            a = Counter(json.dumps(f, sort_keys=True) for f in json.loads(full or b"[]"))
            b = Counter(json.dumps(f, sort_keys=True) for f in json.loads(lazy or b"[]"))
        except ValueError:
            print("  (output is not JSON)")
            return False
        for label, diff in (("only in the full check", a - b), ("only on demand", b - a)):
            for finding in sorted(diff):
                f = json.loads(finding)
                print(f"  {label}: {f.get('filename')}:{f.get('location', {}).get('row')} {f.get('code')} {f.get('message')}")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/work/cache/corpus"))
    parser.add_argument("--holdout", type=Path, default=Path("/work/cache/holdout"))
    parser.add_argument("--apps", type=Path, default=Path("/work/cache/apps"))
    parser.add_argument("--app-count", type=int, default=30)
    parser.add_argument("--jobs", default="auto")
    parser.add_argument("--only", nargs="*", choices=["corpus", "holdout", "apps"])
    args = parser.parse_args(argv)
    only = set(args.only or ["corpus", "holdout", "apps"])
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, "
          f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC", flush=True)
    results: list[bool] = []
    for name in ("corpus", "holdout"):
        if name in only:
            tree: Path = getattr(args, name)
            folders = sorted(p for p in tree.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
            results.append(compare(name, folders, tree, args.jobs))
    if "apps" in only:
        apps = sorted(p for p in args.apps.iterdir() if p.is_dir() and "+" in p.name)[: args.app_count]
        for app in apps:
            results.append(compare(f"app {app.name}", [app], args.apps, args.jobs))
    print(f"{results.count(True)} of {len(results)} trees identical")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
