"""Check and fix every file of the real-code corpus; count crashes, unparsable and unstable fixes.

Usage: python benchmarks/fix_at_scale.py [--corpus DIR] [--json OUT] [PACKAGE...]

For each package of the corpus (``benchmarks/fetch_corpus.py`` puts it in
~/.cache/tradelint-corpus), on a temporary copy:

1. check every file; an exception escaping the engine is a crash;
2. compute every fix, unsafe ones included (what ``--diff --unsafe-fixes`` prints): each fixed
   file must parse, and its ``ast`` may differ from the original only where fixes rewrite;
3. ``tradelint --fix --unsafe-fixes`` on the copy: the files written must be exactly the ones
   computed in 2, byte for byte in their own encoding;
4. fix the fixed copy again: nothing may change (a fix that keeps finding work is unstable).

Exit status 1 when any count that must be zero is not.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flake8_tradelint.cli import discover, run  # noqa: E402
from flake8_tradelint.config import clear_cache, config_for  # noqa: E402
from flake8_tradelint.context import parse_module  # noqa: E402
from flake8_tradelint.engine import Checker  # noqa: E402
from flake8_tradelint.fix.fixer import compute_fixes  # noqa: E402
from tests.fixes import normalized_dump  # noqa: E402

DEFAULT_CORPUS = Path.home() / ".cache" / "tradelint-corpus"


@dataclass
class PackageResult:
    package: str
    files: int = 0
    findings: int = 0
    trd001: int = 0
    check_crashes: int = 0
    fix_internal_errors: int = 0
    fixes_applied: int = 0
    files_fixed: int = 0
    fixes_refused: int = 0  # "fix not applied": the fixer declined, the file is left alone
    unparsable_outputs: int = 0
    changed_beyond_targets: int = 0
    written_differs: int = 0
    unstable_files: int = 0
    cli_exit_codes: list[int] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def _quiet_run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(argv)
    return code, err.getvalue()


def run_package(package: Path, scratch: Path) -> PackageResult:
    result = PackageResult(package.name)
    started = time.perf_counter()
    copy = scratch / package.name
    shutil.copytree(package, copy, symlinks=True)
    clear_cache()
    files = list(dict.fromkeys(discover([copy], None)))
    configs = {f: config_for(f) for f in files}
    result.files = len(files)

    checker = Checker()
    for path in files:
        try:
            found = checker.check_path(path, configs[path])
        except Exception:
            result.check_crashes += 1
            result.problems.append(f"check crash {path.relative_to(scratch)}:\n{traceback.format_exc()}")
            continue
        result.findings += len(found)
        result.trd001 += sum(1 for f in found if f.code == "TRD001")

    outcome = compute_fixes(configs, unsafe=True)
    result.fix_internal_errors = outcome.internal_errors
    result.fixes_applied = outcome.fixed
    result.files_fixed = len(outcome.new_texts)
    result.fixes_refused = sum(1 for e in outcome.errors if "not applied" in e)
    result.problems += [e for e in outcome.errors if "internal error" in e]
    for key, new in outcome.new_texts.items():
        try:
            parse_module(new)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            result.unparsable_outputs += 1
            result.problems.append(f"unparsable fix {key}: {exc}")
            continue
        if normalized_dump(new) != normalized_dump(outcome.sources[key].text):
            result.changed_beyond_targets += 1
            result.problems.append(f"fix changed more than its targets: {key}")

    code, err = _quiet_run([str(copy), "--fix", "--unsafe-fixes"])
    result.cli_exit_codes.append(code)
    if code == 2:
        result.problems.append(f"--fix exit 2:\n{err[-2000:]}")
    for key, new in outcome.new_texts.items():
        if key.read_bytes() != outcome.sources[key].encode(new):
            result.written_differs += 1
            result.problems.append(f"written file differs from the computed fix: {key}")

    clear_cache()
    again = compute_fixes({f: config_for(f) for f in files}, unsafe=True)
    result.unstable_files = len(again.new_texts)
    result.problems += [f"unstable: {k} changes again" for k in sorted(again.new_texts)]
    code, err = _quiet_run([str(copy), "--fix", "--unsafe-fixes", "--diff"])
    result.cli_exit_codes.append(code)
    if code == 2:
        result.problems.append(f"second --diff exit 2:\n{err[-2000:]}")
    result.seconds = round(time.perf_counter() - started, 1)
    shutil.rmtree(copy)
    return result


MUST_BE_ZERO = (
    "check_crashes",
    "fix_internal_errors",
    "unparsable_outputs",
    "changed_beyond_targets",
    "written_differs",
    "unstable_files",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="package folder names (default: all)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, help="write every count and problem here")
    args = parser.parse_args(argv)
    packages = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if args.packages:
        packages = [p for p in packages if p.name in args.packages]
    if not packages:
        print(f"no packages under {args.corpus}; run benchmarks/fetch_corpus.py first", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="tradelint-scale-") as scratch:
        for package in packages:
            result = run_package(package, Path(scratch))
            results.append(result)
            zero = " ".join(f"{k}={getattr(result, k)}" for k in MUST_BE_ZERO)
            print(
                f"{result.package}: {result.files} files, {result.findings} findings "
                f"({result.trd001} TRD001), {result.fixes_applied} fixes in {result.files_fixed} files, "
                f"{result.fixes_refused} refused; {zero}; {result.seconds}s",
                flush=True,
            )
            for problem in result.problems:
                print(f"  {problem}", flush=True)
    totals = {k: sum(getattr(r, k) for r in results) for k in (
        "files", "findings", "trd001", "fixes_applied", "files_fixed", "fixes_refused", *MUST_BE_ZERO
    )}
    print(f"python {sys.version.split()[0]}; total: " + ", ".join(f"{k}={v}" for k, v in totals.items()))
    if args.json is not None:
        args.json.write_text(json.dumps({"totals": totals, "packages": [asdict(r) for r in results]}, indent=2))
    return 1 if any(totals[k] for k in MUST_BE_ZERO) else 0


if __name__ == "__main__":
    sys.exit(main())
