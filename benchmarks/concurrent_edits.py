"""Edits made by another process while ``--fix`` writes a file: how many are lost.

Another process appends ``# edit N`` lines to a file (open, append, close, as an editor's
autosave or a generator would), while this one repeatedly reads the file, rewrites one line and
writes it back with :func:`tradelint.runner.fixer.write_atomically`, as ``--fix`` does. Every
append must survive: each write either lands on exactly the text it read, or is refused.

    python benchmarks/concurrent_edits.py [--edits 400] [--pause 0.0005]

``PYTHONPATH=/path/to/other/checkout`` measures another version of tradelint.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

APPENDER = """
import sys, time
path, count, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for i in range(count):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"# edit {i}\\n")
    time.sleep(pause)
"""

START = "import asyncio\n\nVALUE = 0\n"


@dataclass
class Result:
    edits: int
    lost: int
    writes: int
    refused: int


def measure(folder: Path, edits: int = 400, pause: float = 0.0005) -> Result:
    from tradelint.runner import fixer

    path = folder / "edited.py"
    path.write_text(START, encoding="utf-8")
    appender = subprocess.Popen([sys.executable, "-c", APPENDER, str(path), str(edits), str(pause)])
    writes = refused = 0
    value = 0
    try:
        while appender.poll() is None:
            source = fixer.SourceFile.read(path)
            value += 1
            text = re.sub(r"VALUE = \d+", f"VALUE = {value}", source.text)
            try:
                fixer.write_atomically(source, text)
                writes += 1
            except (fixer.WriteError, OSError):
                refused += 1
    finally:
        appender.wait()
    final = path.read_text(encoding="utf-8")
    present = set(re.findall(r"^# edit (\d+)$", final, re.MULTILINE))
    for name in path.parent.iterdir():
        if name.name.endswith(".tradelint"):
            raise AssertionError(f"temporary file left: {name}")
    return Result(edits, edits - len(present), writes, refused)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=400)
    parser.add_argument("--pause", type=float, default=0.0005)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            r = measure(Path(folder), args.edits, args.pause)
            print(
                f"edits {r.edits}: lost {r.lost}; writes {r.writes}, refused {r.refused} "
                f"({time.perf_counter() - started:.1f} s)"
            )


if __name__ == "__main__":
    main()
