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


def run(python: str, pythonpath: str | None, tree: Path, cache: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    env.pop("TRADELINT_MODULE_BUDGET", None)
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
        rows: list[tuple[str, dict[str, object]]] = []
        rows.append(("cold", run(args.python, args.pythonpath, tree, cache)))
        rows.append(("warm, no change", run(args.python, args.pythonpath, tree, cache)))
        for label, rel in (("warm, leaf edited", args.leaf), ("warm, hub edited", args.hub)):
            with open(tree / rel, "a", encoding="utf-8") as fh:
                fh.write(EDIT)
            result = run(args.python, args.pythonpath, tree, cache)
            if args.verify:
                plain = run(args.python, args.pythonpath, tree, None)
                result["same as no cache"] = plain["digest"] == result["digest"]
            rows.append((f"{label} ({rel})", result))
    cold = float(rows[0][1]["wall"])  # type: ignore[arg-type]
    print(f"{'run':<60} {'files':>6} {'checked':>8} {'wall s':>7} {'cpu s':>7} {'x cold':>7} {'MB':>6}  findings")
    for label, r in rows:
        same = "" if "same as no cache" not in r else ("  same as without cache" if r["same as no cache"] else "  DIFFERS")
        print(
            f"{label:<60} {r['files']:>6} {r['checked']:>8} {r['wall']:>7.2f} {r['cpu']:>7.2f} "
            f"{float(r['wall']) / cold:>7.3f} {r['rss_mb']:>6.0f}  {r['findings']} {r['digest']}{same}"  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    main()
