"""Run tradelint (default configuration: every rule but the preview ones) over every package of the corpus; write a report.

Usage: python benchmarks/run_corpus.py [--manifest benchmarks/corpus.txt] [--corpus DIR]
                                        [--report benchmarks/CORPUS.md] [--findings FILE.json]

Fetch the corpus first with ``benchmarks/fetch_corpus.py``. Each package is checked by its own
``tradelint`` process (``--no-cache``, one job), so a crash in one package is counted and the
rest go on. The report gives, per package: files, lines, findings per code, crashes (internal
errors, or a process that died) and run time; the findings themselves go to a JSON file for the
precision review (``benchmarks/REVIEW.md``).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fetch_corpus import DEFAULT_DEST, DEFAULT_MANIFEST, measure, read_manifest  # noqa: E402

from tradelint._version import __version__  # noqa: E402
from tradelint.core.registry import all_codes  # noqa: E402

DEFAULT_REPORT = Path(__file__).with_name("CORPUS.md")


@dataclass
class PackageRun:
    name: str
    files: int
    lines: int
    seconds: float
    codes: Counter[str] = field(default_factory=Counter)
    crashes: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)


def run_package(target: Path) -> PackageRun:
    files, lines = measure(target)
    cmd = [sys.executable, "-m", "tradelint", "--no-cache", "--output-format", "json", str(target)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    run = PackageRun(target.name, files, lines, seconds)
    run.crashes = proc.stderr.count("internal error while checking")
    try:
        run.findings = json.loads(proc.stdout)
    except json.JSONDecodeError:
        run.crashes = max(run.crashes, 1)  # the process died before printing its report
        return run
    if proc.returncode not in (0, 1) and not run.crashes:
        run.crashes = 1
    run.codes = Counter(f["code"] for f in run.findings)
    return run


def render(runs: list[PackageRun], missing: list[str], wall: float) -> str:
    codes = sorted(c for c in all_codes())
    used = [c for c in codes if any(r.codes[c] for r in runs)] or codes[:1]
    head = ["package", "files", "lines", *used, "crashes", "seconds"]
    rows = [
        [r.name, str(r.files), str(r.lines), *(str(r.codes[c] or "") for c in used), str(r.crashes), f"{r.seconds:.1f}"]
        for r in runs
    ]
    total = Counter[str]()
    for r in runs:
        total.update(r.codes)
    rows.append([
        "**total**", str(sum(r.files for r in runs)), str(sum(r.lines for r in runs)),
        *(str(total[c]) for c in used), str(sum(r.crashes for r in runs)), f"{sum(r.seconds for r in runs):.1f}",
    ])
    lines = [
        "# Corpus run",
        "",
        f"tradelint {__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{time.strftime('%Y-%m-%d')}; default configuration (every rule but the preview ones), one `tradelint --no-cache` "
        f"process per package. Wall time of the whole run: {wall:.1f} s.",
        "",
        "Codes with no finding anywhere: " + (", ".join(c for c in codes if not total[c]) or "none") + ".",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    if missing:
        lines += ["", "Not fetched (run `benchmarks/fetch_corpus.py`): " + ", ".join(missing) + "."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DEST)
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    parser.add_argument("--findings", type=Path, help="also write every finding, as JSON, here")
    args = parser.parse_args(argv)

    runs: list[PackageRun] = []
    missing: list[str] = []
    start = time.perf_counter()
    for spec in read_manifest(args.manifest):
        target = args.corpus.expanduser() / spec.dirname
        if not target.is_dir():
            missing.append(spec.pin)
            continue
        run = run_package(target)
        runs.append(run)
        summary = " ".join(f"{c}={n}" for c, n in sorted(run.codes.items())) or "no findings"
        print(f"{run.name:<34} {run.files:>5} files {run.lines:>8} lines {run.seconds:6.1f} s "
              f"crashes={run.crashes} {summary}", flush=True)
    report = render(runs, missing, time.perf_counter() - start)
    args.report.write_text(report, encoding="utf-8")
    print(f"report written to {args.report}")
    if args.findings is not None:
        every = [dict(f, package=r.name) for r in runs for f in r.findings]
        args.findings.write_text(json.dumps(every, indent=1) + "\n", encoding="utf-8")
        print(f"{len(every)} findings written to {args.findings}")
    return 1 if any(r.crashes for r in runs) or missing else 0


if __name__ == "__main__":
    sys.exit(main())
