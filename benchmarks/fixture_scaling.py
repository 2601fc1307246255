"""Growth of the check's cost with the size of one module, on shapes nobody wrote for it.

Each file of ``fixtures/`` (or the files given) is written k times into one module, every
top-level name of copy i renamed ``NAME_i`` (so that the copies are different classes and
functions, not one name defined k times), and checked in this process with
``tradelint.api.check_source`` at each k. Printed per file: the CPU seconds and findings at each
size and the exponent of a least-squares fit of log(time) on log(k); the files whose exponent is
above the limit (issue 34: 1.15) are listed at the end. A cost that grows with the square of the
module (a walk of the module for each finding) shows as an exponent near 2.

The line length is set to 400, so that the refusal search of fixes that make lines too long
(``fixes/verify.apply_checked``) does not hide the rest (``benchmarks/scaling.py --axes refused``
measures that one). Not part of the test suite; run on demand::

    python benchmarks/fixture_scaling.py [--sizes 10 20 40 80] [--limit 1.15] [FILE ...]
"""

from __future__ import annotations

import argparse
import ast
import gc
import math
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tradelint.api import check_source  # noqa: E402

CONFIG = "[tool.tradelint]\npreview = true\n\n[tool.ruff]\nline-length = 400\n"


def renamed_copies(text: str, k: int) -> list[str] | None:
    """``text`` k times, the top-level names of copy i suffixed ``_i``; None if it does not parse.
    (``tests/test_fixture_copies.py`` checks that each copy is judged as if alone.)"""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    names.add(target.id)
    if not names:
        return [text] * k
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    return [pattern.sub(lambda m, i=i: f"{m.group(1)}_{i}", text) for i in range(k)]


def copies(text: str, k: int) -> str | None:
    """The ``renamed_copies`` of ``text`` as one module, a blank line between them."""
    pieces = renamed_copies(text, k)
    return None if pieces is None else "\n\n".join(pieces)


def measure(source: str, name: str) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(prefix="tradelint-fixture-scaling-"))
    (folder / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    gc.collect()
    start = time.process_time()
    findings = check_source(source, path=folder / name)
    return time.process_time() - start, len(findings)


def exponent(sizes: list[int], times: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-3)) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10, 20, 40, 80])
    parser.add_argument("--limit", type=float, default=1.15)
    parser.add_argument("--min-seconds", type=float, default=0.2, help="files faster than this at the largest size are not judged")
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "fixtures").rglob("*.py"))
    over: list[str] = []
    print(f"# CPython {sys.version.split()[0]}, sizes {args.sizes}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if copies(text, 1) is None:
            continue
        times: list[float] = []
        found: list[int] = []
        for k in args.sizes:
            source = copies(text, k)
            assert source is not None
            cpu, count = measure(source, path.name)
            times.append(cpu)
            found.append(count)
        fit = exponent(args.sizes, times)
        judged = times[-1] >= args.min_seconds
        label = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        row = " | ".join(f"{k}: {t:.2f} s, {n}" for k, t, n in zip(args.sizes, times, found))
        print(f"{fit:5.2f}{'' if judged else ' (not judged)'}  {label}  {row}", flush=True)
        if judged and fit > args.limit:
            over.append(f"{label} ({fit:.2f})")
    print(f"# over {args.limit}: {len(over)}" + ("".join(f"\n#   {o}" for o in over)))


if __name__ == "__main__":
    main()
