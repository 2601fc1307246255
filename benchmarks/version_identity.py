"""Two versions of tradelint, byte-identical output? (issue 30: performance work changes no finding)

Usage: python benchmarks/version_identity.py OLD NEW [--corpus DIR] [--apps DIR ...] [--fixtures DIR]
       [--only corpus fixtures apps]

``OLD`` and ``NEW`` are source trees (a ``git archive`` of main extracted somewhere, a worktree):
each command runs as ``python -P -m tradelint`` with ``PYTHONPATH`` set to the tree (``-P``: the
folder it runs in, the fixtures' repository, is not put first on the path), so neither an editable
install nor the current folder can stand in for it. The two
versions run one after the other on each tree, so that both see the same load; the CPU each took
(user + system of the child) is printed beside the verdict.

Compared, byte for byte (stdout and exit status):

- the corpus (``benchmarks/fetch_corpus.py``), ``--no-cache --jobs 1 --output-format json --exit-zero``
  (``--check-args "--select TRD --output-format concise"``: those options instead of
  ``--output-format json``, here and for the applications);
- ``fixtures/`` (of ``NEW``), plain, ``--preview``, ``--statistics`` and ``--diff --unsafe-fixes``
  (each ``--no-cache --exit-zero``);
- every application tree under each ``--apps`` folder (folders named ``owner+repo``),
  ``--no-cache --output-format json --exit-zero``.

The one part of an output that is not a finding, the elapsed time of the summary line ("Checked
123 files in 7.38s"), is blanked in both before comparing. Exit 1 when any output differs; the
differing lines are shown.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import resource
import shlex
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_corpus import DEFAULT_DEST  # noqa: E402

ELAPSED = re.compile(rb"( files? in )\d+(\.\d+)?s")
APPS = [Path("/work/cache/apps"), Path("/work/cache/apps23")]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tree: Path, cwd: Path, args: list[str]) -> tuple[bytes, int, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = _children_cpu()
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "tradelint", *args], cwd=cwd, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False,
    )
    return ELAPSED.sub(rb"\1<t>s", proc.stdout), proc.returncode, _children_cpu() - before


def compare(name: str, old: Path, new: Path, cwd: Path, args: list[str]) -> bool:
    old_out, old_rc, old_cpu = run(old, cwd, args)
    new_out, new_rc, new_cpu = run(new, cwd, args)
    same = old_out == new_out and old_rc == new_rc
    print(f"{name}: {len(new_out):,} bytes, cpu old {old_cpu:.2f} s new {new_cpu:.2f} s: "
          f"{'identical' if same else 'DIFFERENT'}", flush=True)
    if not same:
        diff = difflib.unified_diff(
            old_out.decode("utf-8", "replace").splitlines(), new_out.decode("utf-8", "replace").splitlines(),
            "old", "new", lineterm="", n=1,
        )
        print("\n".join(list(diff)[:40]))
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--apps", type=Path, nargs="*", default=APPS)
    parser.add_argument("--fixtures", type=Path, default=None, help="default: NEW/fixtures")
    parser.add_argument("--only", nargs="*", choices=["corpus", "fixtures", "apps"], default=["corpus", "fixtures", "apps"])
    parser.add_argument(
        "--check-args", default="--output-format json",
        help="options of the corpus and application runs besides --no-cache --exit-zero (and --jobs 1 on the corpus)",
    )
    args = parser.parse_args()
    check_args = shlex.split(args.check_args)
    old, new = args.old.resolve(), args.new.resolve()
    results: list[bool] = []
    if "corpus" in args.only:
        corpus_args = ["--no-cache", "--jobs", "1", *check_args, "--exit-zero", "."]
        results.append(compare("corpus", old, new, args.corpus, corpus_args))
    if "fixtures" in args.only:
        fixtures = (args.fixtures or new / "fixtures").resolve()
        for extra in ([], ["--preview"], ["--statistics"], ["--diff", "--unsafe-fixes"]):
            label = "fixtures " + (" ".join(extra) or "plain")
            results.append(compare(label, old, new, fixtures.parent, ["--no-cache", "--exit-zero", *extra, fixtures.name]))
    if "apps" in args.only:
        trees = sorted(p for folder in args.apps for p in folder.iterdir() if p.is_dir() and "+" in p.name)
        for tree in trees:
            results.append(compare(tree.name, old, new, tree, ["--no-cache", *check_args, "--exit-zero", "."]))
    print(f"{results.count(True)} of {len(results)} identical")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
