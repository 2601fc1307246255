"""The cache on a real tree: cold run, warm run with no change, warm run after editing a leaf
module and after editing a widely imported one; files re-checked, wall and CPU time, peak memory.

Each run is a fresh process under ``/usr/bin/time -v`` over a copy of the tree (the edits append a
comment line: the content changes, the meaning does not), ``--jobs 1``. With ``--verify``, each
warm run's findings are compared with a run without the cache over the same files: a stale
finding would show as a mismatch.

    python benchmarks/cache_warm.py --tree ~/.cache/tradelint-corpus/ccxt-4.5.90 \\
        --leaf ccxt/async_support/zonda.py --hub ccxt/base/exchange.py --verify
    python benchmarks/cache_warm.py --tree DIR --suggest   # modules by how many import them

``--pythonpath DIR`` runs another checkout of tradelint (the numbers before a change).

Every run is made as an installed tool runs: from bytecode compiled before the first measured run
(``compileall`` of the tradelint package and one uncounted warm-up run over a part of the tree,
into a folder of the benchmark's own, ``PYTHONPYCACHEPREFIX``), whatever
``PYTHONDONTWRITEBYTECODE`` says, as ``bench.py`` does: otherwise each process compiles the rules'
source when it first checks a file (0.2 s of CPU, which a warm run that checks one file pays and
one that checks none does not). ``--source-imports`` measures the old way.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

RUN = r"""
import hashlib, json, sys
from pathlib import Path
from tradelint.runner import runner
from tradelint.cli import discover
from tradelint.core.config import config_for
configs = {f: config_for(f) for f in discover([Path(sys.argv[1])], None)}
cache = None if sys.argv[2] == "-" else Path(sys.argv[2])
result = runner.check_files(configs, jobs=1, cache_dir=cache)
found = sorted(json.dumps(f.as_json(), sort_keys=True).replace(sys.argv[1], "") for f in result.findings)
print(json.dumps({
    "files": len(configs), "cached": result.cached, "checked": result.checked,
    "findings": len(found), "digest": hashlib.sha256("\n".join(found).encode()).hexdigest()[:16],
}))
runner.exit_now(0)
"""
EDIT = "\n# edited by benchmarks/cache_warm.py\n"


def _time(report: str, label: str) -> float:
    for line in report.splitlines():
        if line.strip().startswith(label):
            value = line.rsplit(": ", 1)[1].strip()
            if label.startswith("Elapsed"):
                parts = [float(p) for p in value.split(":")]
                seconds = 0.0
                for part in parts:
                    seconds = seconds * 60 + part
                return seconds
            return float(value)
    raise ValueError(f"no {label!r} in /usr/bin/time output")


def environment(pythonpath: str | None, bytecode: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env.pop("TRADELINT_MODULE_BUDGET", None)
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def compile_first(python: str, env: dict[str, str], tree: Path, part: Path, scratch: Path) -> None:
    """Not counted: the tradelint package compiled, and runs over a part of the tree with and
    without a cache (what the standard library, the rules and the cache import)."""
    where = subprocess.run(
        [python, "-c", "import os, tradelint; print(os.path.dirname(tradelint.__file__))"],
        capture_output=True, text=True, env=env, check=True,
    ).stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", where], env=env, check=True, capture_output=True)
    for cache in (scratch / "warm-up-cache", scratch / "warm-up-cache", None):
        subprocess.run([python, "-c", RUN, str(part), str(cache) if cache else "-"], env=env, cwd=tree, check=True, capture_output=True)


def run(env: dict[str, str], python: str, tree: Path, cache: Path | None) -> dict[str, object]:
    command = ["/usr/bin/time", "-v", python, "-c", RUN, str(tree), str(cache) if cache else "-"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tree)
    if done.returncode != 0:
        raise SystemExit(f"run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = _time(done.stderr, "Elapsed (wall clock)")
    result["cpu"] = _time(done.stderr, "User time") + _time(done.stderr, "System time")
    result["rss_mb"] = _time(done.stderr, "Maximum resident set size") / 1024
    return result


def suggest(tree: Path) -> None:
    """Modules by how many modules of the tree import them (a name matched on its last parts)."""
    files = sorted(p for p in tree.rglob("*.py") if not any(part.startswith(".") for part in p.relative_to(tree).parts))
    by_name: dict[str, Path] = {}
    for path in files:
        parts = list(path.relative_to(tree).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        for i in range(len(parts)):
            by_name.setdefault(".".join(parts[i:]), path)
    counts: Counter[Path] = Counter()
    for path in files:
        try:
            tree_ = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        seen: set[Path] = set()
        for node in ast.walk(tree_):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                target = by_name.get(name)
                if target is not None and target != path:
                    seen.add(target)
        counts.update(seen)
    imported = set(counts)
    print("most imported:")
    for path, count in counts.most_common(8):
        print(f"  {count:5d}  {path.relative_to(tree)}")
    leaves = [p for p in files if p not in imported and p.name != "__init__.py"]
    print(f"imported by none: {len(leaves)} of {len(files)}, e.g.:")
    for path in leaves[:: max(1, len(leaves) // 5)][:5]:
        print(f"         {path.relative_to(tree)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, required=True)
    parser.add_argument("--leaf", help="a module nothing imports, relative to the tree")
    parser.add_argument("--hub", help="a module many import, relative to the tree")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", help="another tradelint checkout to run")
    parser.add_argument("--verify", action="store_true", help="compare each warm run with a run without the cache")
    parser.add_argument("--suggest", action="store_true")
    parser.add_argument("--source-imports", action="store_true", help="compile tradelint's source in every run (the old way)")
    args = parser.parse_args()
    if args.suggest:
        suggest(args.tree.expanduser())
        return
    if not (args.leaf and args.hub):
        parser.error("--leaf and --hub are needed (see --suggest)")
    with tempfile.TemporaryDirectory(prefix="tl-cache-bench-") as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(
            args.tree.expanduser(), tree, symlinks=True,
            ignore=shutil.ignore_patterns(".git", ".tradelint_cache", "__pycache__"),
        )
        cache = Path(scratch) / "cache"
        env = environment(args.pythonpath, None if args.source_imports else Path(scratch) / "bytecode")
        if not args.source_imports:
            compile_first(args.python, env, tree, (tree / args.leaf).parent, Path(scratch))
        rows: list[tuple[str, dict[str, object]]] = []
        rows.append(("cold", run(env, args.python, tree, cache)))
        rows.append(("warm, no change", run(env, args.python, tree, cache)))
        for label, rel in (("warm, leaf edited", args.leaf), ("warm, hub edited", args.hub)):
            with open(tree / rel, "a", encoding="utf-8") as fh:
                fh.write(EDIT)
            result = run(env, args.python, tree, cache)
            if args.verify:
                plain = run(env, args.python, tree, None)
                result["same as no cache"] = plain["digest"] == result["digest"]
            rows.append((f"{label} ({rel})", result))
    cold = float(rows[0][1]["wall"])  # type: ignore[arg-type]
    cold_cpu = float(rows[0][1]["cpu"])  # type: ignore[arg-type]
    print(f"{'run':<60} {'files':>6} {'checked':>8} {'wall s':>7} {'cpu s':>7} {'x cold':>7} {'cpu x':>7} {'MB':>6}  findings")
    for label, r in rows:
        same = "" if "same as no cache" not in r else ("  same as without cache" if r["same as no cache"] else "  DIFFERS")
        print(
            f"{label:<60} {r['files']:>6} {r['checked']:>8} {r['wall']:>7.2f} {r['cpu']:>7.2f} "
            f"{float(r['wall']) / cold:>7.3f} {float(r['cpu']) / cold_cpu:>7.3f} {r['rss_mb']:>6.0f}  {r['findings']} {r['digest']}{same}"  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    main()
