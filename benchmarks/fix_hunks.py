"""List every hunk ``tradelint --fix --unsafe-fixes`` would write, per package, for reading.

Usage: python benchmarks/fix_hunks.py [--corpus DIR] [--manifest FILE] [--safe] [PACKAGE_OR_FOLDER...]

Each hunk is numbered (``package#N``) and labelled with the findings whose fixes it holds (code,
safety, the line of the finding); a hunk that holds no finding's edit is what a fix adds
elsewhere in the file (an import, a helper). Nothing is written. This is the list
``benchmarks/FIXREVIEW.md`` gives a verdict on; run it again on another commit to redo the review.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fetch_corpus import read_manifest  # noqa: E402

from tradelint.cli import discover  # noqa: E402
from tradelint.core.config import clear_cache, config_for  # noqa: E402
from tradelint.runner.engine import Checker  # noqa: E402
from tradelint.runner.fixer import compute_fixes  # noqa: E402

DEFAULT_CORPUS = Path.home() / ".cache" / "tradelint-corpus"
HUNK_HEAD = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


def package_hunks(folder: Path, unsafe: bool) -> list[str]:
    """The labelled hunks of one folder, as text blocks."""
    clear_cache()
    files = list(dict.fromkeys(discover([folder], None)))
    configs = {f: config_for(f) for f in files}
    checker = Checker()
    fixes: dict[str, list[tuple[int, str]]] = {}  # path -> (edit line, label)
    for path in files:
        for finding in checker.check_path(path, configs[path]):
            if finding.fix is None or not finding.fix.applies(unsafe):
                continue
            label = f"{finding.code} {finding.fix.safety} (line {finding.line}: {finding.fix.title})"
            for edit in finding.fix.edits:
                fixes.setdefault(os.path.abspath(edit.path), []).append((edit.span.line, label))
    outcome = compute_fixes(configs, unsafe)
    blocks: list[str] = []
    for path, new in sorted(outcome.new_texts.items()):
        old = outcome.sources[path].text
        name = os.path.relpath(path, folder.parent)
        lines = list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), name, name))
        hunks: list[list[str]] = []
        for line in lines[2:]:
            if line.startswith("@@"):
                hunks.append([])
            hunks[-1].append(line if line.endswith("\n") else line + "\n")
        here = fixes.get(str(path), [])
        for hunk in hunks:
            head = HUNK_HEAD.match(hunk[0])
            assert head is not None
            start, length = int(head[1]), int(head[2] or 1)
            labels = sorted({label for line, label in here if start <= line < start + length})
            if not labels:
                codes = sorted({label.split(" (")[0] for _, label in here})
                labels = [f"added by a fix elsewhere in the file ({', '.join(codes)})"]
            blocks.append(f"{name} {hunk[0].rstrip()}\n  " + "\n  ".join(labels) + "\n" + "".join(hunk[1:]))
    for error in outcome.errors:
        blocks.append(f"(refused) {error}\n")
    return blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="package folder names under --corpus, or folders")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--manifest", type=Path, help="every package this manifest pins (benchmarks/holdout.txt)")
    parser.add_argument("--safe", action="store_true", help="safe fixes only (what --fix writes)")
    args = parser.parse_args(argv)
    names = list(args.packages)
    if args.manifest is not None:
        names += [spec.dirname for spec in read_manifest(args.manifest)]
    if not names:
        parser.error("name packages or give --manifest")
    for name in names:
        folder = Path(name) if os.path.isdir(name) else args.corpus / name
        if not folder.is_dir():
            print(f"## {name}: not found under {args.corpus}\n", flush=True)
            continue
        blocks = package_hunks(folder.resolve(), unsafe=not args.safe)
        hunks = [b for b in blocks if not b.startswith("(refused)")]
        print(f"## {folder.name}: {len(hunks)} hunks\n", flush=True)
        for number, block in enumerate(blocks, 1):
            prefix = "" if block.startswith("(refused)") else f"[{folder.name}#{number}] "
            print(prefix + block, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
