"""Findings of tradelint on a list of applications at pinned commits, written as a pool run that
``pool_precision.py`` draws from, scores and checks (session 70: ``heads70.txt``).

The development pool's precision samples are drawn from the parents of leak fixes; this runs the
default rules on whole applications instead (their newest commit when the list was made), each
from its own root, and writes one ``eNNN.json`` per application (``NNN`` its line in the list),
its findings of TRD2 and TRD3 in ``leak_pool.py``'s format (``results[0].modes.default.not_sites``: ``path:line:col: CODE
message``), so that

    python benchmarks/heads_pool.py run benchmarks/heads70.txt OUT [--half a|b] [--apps-dir DIR] [--mirrors M] [--root SRC]
    python benchmarks/pool_precision.py draw OUT --seed 70 [--half a|b] > sample.tsv
    python benchmarks/pool_precision.py check benchmarks/labels/heads70_a.tsv OUT

draw the sample that was labelled, and say which labelled findings a later tree still makes.
An application missing from ``--apps-dir`` (``owner+name``) is extracted from the fetch tool's
bare mirror (``--mirrors``: ``owner+name/<repo>``): every file of COMMIT the mirror has. Nothing of the
applications is committed. ``--root`` (default: this checkout) is put first on ``PYTHONPATH``;
run it under Python 3.13 (some applications use 3.12+ syntax).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from precision import read_manifest, run_tradelint  # noqa: E402
from pool_precision import half_of  # noqa: E402
from score_migrations import git, write_blobs  # noqa: E402  (the mirrors read as score_leak_fixes.py reads them)


def manifest(path: Path, half: str | None = None) -> list[tuple[str, str]]:
    """(repository, commit) of each application of the list (``precision.read_manifest``'s format);
    with ``half``, only those of that half (``pool_precision.half_of``: ``a`` is what the label
    files read, ``b`` is held out)."""
    return [(app.repo, app.commit) for app in read_manifest(path) if half is None or half_of(app.repo) == half]


def extract(repo: str, commit: str, apps: Path, mirrors: Path) -> Path:
    folder = apps / repo.replace("/", "+", 1)
    if folder.is_dir():
        return folder
    gits = sorted(p for p in (mirrors / folder.name).glob("*") if p.is_dir())
    if not gits:
        raise SystemExit(f"{repo}: no folder {folder} and no mirror under {mirrors / folder.name}")
    # Every blob of the commit the mirror has, as ``git archive`` would write them; a mirror lacks
    # its largest files (4 MiB and more), which ``git archive`` refuses to skip.
    listing = git(gits[0], "ls-tree", "-r", "-z", commit)
    wanted = [(meta.split()[2], path) for meta, _, path in (r.partition("\t") for r in listing.split("\0") if r)
              if meta.split()[1:2] == ["blob"]]
    folder.mkdir(parents=True)
    written = write_blobs(gits[0], wanted, folder)
    if written < len(wanted):
        print(f"{repo}: {len(wanted) - written} of {len(wanted)} files absent from the mirror", file=sys.stderr)
    return folder


def findings(folder: Path, root: Path) -> list[str]:
    """The default findings of TRD2 and TRD3 in ``folder``, checked from there by this
    interpreter with ``root`` first on ``PYTHONPATH`` (``precision.run_tradelint``)."""
    return [
        f"{f['path']}:{f['line']}:{f['column']}: {f['code']} {f['message']}"
        for f in run_tradelint([sys.executable, "-m", "tradelint"], str(root), folder, preview=False)
        if f["code"].startswith(("TRD2", "TRD3"))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("manifest", type=Path)
    run.add_argument("out", type=Path)
    run.add_argument("--apps-dir", type=Path, default=Path("/work/cache/apps70"))
    run.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    run.add_argument("--root", type=Path, default=HERE.parent)
    run.add_argument("--jobs", type=int, default=2)
    run.add_argument("--half", choices=("a", "b"), help="only the applications of this half (pool_precision.half_of)")
    args = parser.parse_args(argv)
    rows = manifest(args.manifest, args.half)
    args.out.mkdir(parents=True, exist_ok=True)
    folders = [extract(repo, commit, args.apps_dir, args.mirrors) for repo, commit in rows]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        found = list(pool.map(lambda folder: findings(folder, args.root.resolve()), folders))
    for index, ((repo, commit), texts) in enumerate(zip(rows, found)):
        # (one per application, also with none: a label of it is then "gone", not "unscored")
        run_ = {"repo": repo, "commit": commit, "parent": commit, "modes": {"default": {"not_sites": texts}}}
        (args.out / f"e{index:03d}.json").write_text(json.dumps({"results": [run_]}) + "\n", encoding="utf-8")
    written = sum(1 for texts in found if texts)
    print(f"{len(rows)} applications, {written} with a TRD2/TRD3 finding, {sum(map(len, found))} findings -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
