"""Time and peak memory as a tree grows: copies of corpus packages, or a synthetic monorepo.

Usage:
    python benchmarks/scale.py copies [--copies 1 2 4] [--packages NAME ...] [--flake8]
    python benchmarks/scale.py synthetic [--files 12500 25000 50000] [--dest /tmp/tradelint-mono]

Run on demand, not by the tests. ``copies`` lays out K copies of the chosen corpus packages
(each copy under its own folder, so each is a project of its own with the same module names) and
checks each tree in one process: peak memory should follow the largest file and the module
budget, not the number of copies. ``synthetic`` writes a monorepo of N generated modules (packages
of 100 modules; classes whose bases, dataclass fields and task wrappers live in sibling modules,
so cross-module lookups are exercised; a discarded task every 7 modules, so there are findings)
and checks it: time should grow linearly, memory stay flat. Every run is a fresh process; CPU is
user + system time, RSS the kernel's maximum resident set. ruff runs on the same files for
reference (``ruff check --isolated --no-cache --select RUF006,RUF012``).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import PLAIN_FLAKE8  # noqa: E402
from fetch_corpus import DEFAULT_DEST  # noqa: E402

APP = ["driftpy-0.8.89", "aiohttp-3.14.5", "py-cord-2.8.1", "hikari-2.7.0", "web3-8.0.0"]


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, float, int, bytes]:
    """(CPU s, wall s, peak RSS MB, exit status, stdout) of one fresh process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        stdout = out.read()
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), stdout


def count(tree: Path) -> tuple[int, int, int]:
    files = lines = size = 0
    for path in tree.rglob("*.py"):
        data = path.read_bytes()
        files += 1
        lines += data.count(b"\n")
        size += len(data)
    return files, lines, size


def run_tools(tree: Path, label: str, flake8: bool, tools: list[str]) -> None:
    py = sys.executable
    ruff = shutil.which("ruff", path=str(Path(py).parent)) or shutil.which("ruff")
    files, lines, size = count(tree)
    commands = {
        "check": [py, "-m", "tradelint", "--no-cache", "--jobs", "1", "--output-format", "concise", "."],
        "fix_diff": [py, "-m", "tradelint", "--no-cache", "--jobs", "1", "--fix", "--unsafe-fixes", "--diff", "."],
    }
    if flake8:
        commands["flake8_plugin"] = [py, "-m", "flake8", "-j", "1", "--tradelint-no-cache", "--select", "TRD", "."]
        # The same flake8, options and interpreter without the plugin's entry point: what flake8
        # alone holds (it keeps every file's results, pycodestyle's included, until the report).
        commands["flake8_bare"] = [py, "-c", PLAIN_FLAKE8, "-j", "1", "--select", "TRD", "."]
    if ruff:
        commands["ruff"] = [ruff, "check", "--isolated", "--no-cache", "--select", "RUF006,RUF012", "."]
    for name, cmd in commands.items():
        if name not in tools and not (name.startswith("flake8_") and flake8):
            continue
        cpu, wall, rss, code, out = measure(cmd, tree)
        found = out.count(b"\n")
        print(f"| {label} | {files} | {lines} | {size / 2**20:.1f} | {name} | {cpu:.2f} | {wall:.2f} | {rss:.0f} | {found} |",
              flush=True)


def header() -> None:
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| tree | files | lines | MiB | tool | CPU s | wall s | peak RSS MB | output lines |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")


def copies(args: argparse.Namespace) -> None:
    corpus: Path = args.corpus.expanduser()
    header()
    for k in args.copies:
        dest = args.dest / f"copies-{k}x"
        shutil.rmtree(dest, ignore_errors=True)
        for i in range(k):
            for name in args.packages:
                shutil.copytree(corpus / name, dest / f"copy{i}" / name)
        run_tools(dest, f"{k}x", args.flake8, args.tools)
        shutil.rmtree(dest, ignore_errors=True)


MODULE = '''"""Synthetic module {pkg}.m{i}: service classes over a sibling module's bases."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from {pkg}.m{base} import Service{base}, Record{base}, spawn{base}


@dataclass
class Record{i}(Record{base}):
    name: str = ""
    tags: list[str] = field(default_factory=list)
    LIMIT = {i}


def spawn{i}(coro):
    return asyncio.create_task(coro)


class Service{i}(Service{base}):
    def __init__(self) -> None:
        super().__init__()
        self.queue: asyncio.Queue[Record{i}] = asyncio.Queue()
        self.count = 0

    async def handle(self, record: Record{i}) -> None:
        self.count += 1
        await self.queue.put(record)

    async def run(self) -> None:
        while True:
            record = await self.queue.get()
            await self.handle(record)
{extra}

def build_{i}(n: int) -> list[Record{i}]:
    return [Record{i}(name=str(k), tags=[str(k)]) for k in range(n)]
'''

ROOT = '''"""Synthetic root module of {pkg}."""

import asyncio
from dataclasses import dataclass


@dataclass
class Record0:
    ident: int = 0


def spawn0(coro):
    return asyncio.create_task(coro)


class Service0:
    def __init__(self) -> None:
        self.started = False

    async def close(self) -> None:
        self.started = False
'''

DISCARDED = '''
    async def kick(self) -> None:
        spawn{base}(self.run())
'''


def synthetic(args: argparse.Namespace) -> None:
    header()
    for n in args.files:
        dest = args.dest / f"mono-{n}"
        shutil.rmtree(dest, ignore_errors=True)
        written = 0
        p = 0
        while written < n:
            pkg = f"pkg{p:04d}"
            folder = dest / "src" / pkg
            folder.mkdir(parents=True)
            (folder / "__init__.py").write_text("")
            (folder / "m0.py").write_text(ROOT.format(pkg=pkg))
            written += 2
            i = 1
            while i < 99 and written < n:
                base = max(0, i - 1 - (i % 5))
                extra = DISCARDED.format(base=base) if i % 7 == 0 else ""
                (folder / f"m{i}.py").write_text(MODULE.format(pkg=pkg, i=i, base=base, extra=extra))
                written += 1
                i += 1
            p += 1
        (dest / "pyproject.toml").write_text('[project]\nname = "mono"\n')
        run_tools(dest, f"synthetic {n}", args.flake8, args.tools)
        if not args.keep:
            shutil.rmtree(dest, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("copies")
    c.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    c.add_argument("--packages", nargs="+", default=APP)
    c.add_argument("--copies", nargs="+", type=int, default=[1, 2, 4])
    s = sub.add_parser("synthetic")
    s.add_argument("--files", nargs="+", type=int, default=[12500, 25000, 50000])
    s.add_argument("--keep", action="store_true", help="leave the generated trees in place")
    for p in (c, s):
        p.add_argument("--dest", type=Path, default=Path(tempfile.gettempdir()) / "tradelint-scale")
        p.add_argument("--flake8", action="store_true", help="also flake8 --select TRD (slow)")
        p.add_argument("--tools", nargs="+", default=["check", "fix_diff", "ruff"], help="of: check fix_diff ruff")
    args = parser.parse_args(argv)
    copies(args) if args.mode == "copies" else synthetic(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
