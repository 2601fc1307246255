"""Check and fix every file of the real-code corpus; count crashes, unparsable and unstable fixes.

Usage: python benchmarks/fix_at_scale.py [--corpus DIR] [--manifest FILE] [--no-mypy] [--json OUT] [PACKAGE...]

For each package of the corpus (``benchmarks/fetch_corpus.py`` puts it in
~/.cache/tradelint-corpus; ``--manifest benchmarks/holdout.txt`` keeps the packages it names),
on a temporary copy:

1. check every file; an exception escaping the engine is a crash;
2. compute every fix, unsafe ones included (what ``--diff --unsafe-fixes`` prints): each fixed
   file must parse, and its ``ast`` may differ from the original only where fixes rewrite;
   fixes the fixer refused because the fixed file failed a check (``tradelint.fixes.verify``:
   compile, undefined names, header, line length) are counted by check;
3. each fixed file is checked again as a program, against the original, by means independent of
   the fixer's own: it must ``compile()`` (when the original did), pyflakes may report no
   undefined name the original did not have (compared by name, as a multiset), and the fixer's
   checks run once more on the whole change, which may span several passes;
4. mypy, on the fixed files only, before and after (``--ignore-missing-imports
   --follow-imports=skip``, so each file is judged on its own, and other modules are ``Any``):
   once with mypy's defaults and once with ``--strict``. A fixed file that had no error in a mode
   before must have none after; errors are compared by file, code and message (lines move);
5. ``tradelint --fix --unsafe-fixes`` on the copy: the files written must be exactly the ones
   computed in 2, byte for byte in their own encoding;
6. fix the fixed copy again: nothing may change (a fix that keeps finding work is unstable).

Exit status 1 when any count that must be zero is not.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tradelint.cli import discover, run  # noqa: E402
from tradelint.core.config import clear_cache, config_for  # noqa: E402
from tradelint.facts.syntax import parse_module  # noqa: E402
from tradelint.runner.engine import Checker  # noqa: E402
from tradelint.runner.fixer import compute_fixes  # noqa: E402
from tradelint.fixes.verify import check_fix  # noqa: E402
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
    # Step 2: fixes refused by the fixer's checks, by check.
    refused_compile: int = 0
    refused_undefined_name: int = 0
    refused_header: int = 0
    refused_line_length: int = 0
    # Step 3: fixed files that fail an independent check.
    compile_failures: int = 0
    new_undefined_names: int = 0  # pyflakes
    final_check_failures: int = 0  # the fixer's checks on the whole change
    # Step 4: mypy on the fixed files.
    mypy_clean_before: int = 0
    mypy_new_errors: int = 0  # in files mypy accepted before
    mypy_new_errors_any_file: int = 0
    strict_clean_before: int = 0
    strict_new_errors: int = 0  # in files ``mypy --strict`` accepted before
    strict_new_errors_any_file: int = 0
    cli_exit_codes: list[int] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # new mypy errors in files that had some: JSON only


REFUSED = re.compile(r"fix not applied: (compile|undefined-name|header|line-length) check failed")


def _compiles(text: str, filename: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return str(exc)
    return None


def _pyflakes_undefined(tree: ast.Module, filename: str) -> Counter[str]:
    """Undefined names as pyflakes sees them: a second opinion, independent of the fixer's."""
    from pyflakes import checker, messages

    found = checker.Checker(tree, filename=filename).messages
    return Counter(str(m.message_args[0]) for m in found if isinstance(m, messages.UndefinedName))


def _check_program(result: PackageResult, key: Path, old: str, new: str, new_tree: ast.Module) -> None:
    error = _compiles(new, str(key))
    if error is not None and _compiles(old, str(key)) is None:
        result.compile_failures += 1
        result.problems.append(f"fixed file does not compile: {key}: {error}")
    old_tree = parse_module(old)
    added = _pyflakes_undefined(new_tree, str(key)) - _pyflakes_undefined(old_tree, str(key))
    if added:
        result.new_undefined_names += sum(added.values())
        result.problems.append(f"new undefined names (pyflakes) in {key}: {', '.join(sorted(added))}")
    problem = check_fix(old, new, old_tree, new_tree, key)
    if problem is not None:
        result.final_check_failures += 1
        result.problems.append(f"fixed file fails a fixer check on the whole change: {key}: {problem}")


MYPY_MODES = {"mypy": [], "strict": ["--strict"]}
MYPY_LINE = re.compile(r"^(?P<path>.+?):\d+(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$")
MypyErrors = dict[str, Counter[tuple[str, str]]]


def _mypy(files: list[Path], scratch: Path, mode: str) -> MypyErrors:
    """mypy's errors per file (by code and message), each file judged alone: imports of other
    modules are skipped, so they are ``Any``. Files are checked together when mypy can take
    them together (no two with the same module name), else one by one."""
    if not files:
        return {}
    command = [
        sys.executable, "-m", "mypy", "--ignore-missing-imports", "--follow-imports=skip",
        "--no-error-summary", "--show-error-codes", "--no-color-output", "--hide-error-context",
        "--no-pretty", "--cache-dir", str(scratch / ".mypy_cache"), *MYPY_MODES[mode],
    ]
    proc = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, cwd=scratch)
    if proc.returncode == 2:  # "Duplicate module named ...", or a file mypy cannot take
        errors: MypyErrors = {}
        for file in files:
            alone = subprocess.run([*command, str(file)], capture_output=True, text=True, cwd=scratch)
            if alone.returncode == 2:
                errors[str(file)] = Counter({("mypy-crash", alone.stderr.strip()[-200:]): 1})
            else:
                errors.update(_mypy_errors(alone.stdout, scratch))
        return errors
    return _mypy_errors(proc.stdout, scratch)


def _mypy_errors(output: str, scratch: Path) -> MypyErrors:
    errors: MypyErrors = {}
    for line in output.splitlines():
        match = MYPY_LINE.match(line)
        if match is None:
            continue
        path = os.path.abspath(os.path.join(scratch, match["path"]))
        # Line numbers inside messages move with the fix ("defined on line 12").
        message = re.sub(r"line \d+", "line N", match["message"])
        errors.setdefault(path, Counter())[(match["code"] or "", message)] += 1
    return errors


def _compare_mypy(
    result: PackageResult, mode: str, files: list[Path], before: MypyErrors, after: MypyErrors, scratch: Path
) -> None:
    """Count the fixed files ``mode`` accepted before, and the errors they have now."""
    for file in files:
        old = before.get(str(file), Counter())
        added = after.get(str(file), Counter()) - old
        setattr(result, f"{mode}_new_errors_any_file", getattr(result, f"{mode}_new_errors_any_file") + sum(added.values()))
        if old:
            if added:
                shown = "; ".join(f"{message} [{code}]" for code, message in sorted(added))
                result.notes.append(f"{mode}: new errors in {os.path.relpath(file, scratch)}: {shown}")
            continue
        setattr(result, f"{mode}_clean_before", getattr(result, f"{mode}_clean_before") + 1)
        if added:
            setattr(result, f"{mode}_new_errors", getattr(result, f"{mode}_new_errors") + sum(added.values()))
            shown = "; ".join(f"{message} [{code}]" for code, message in sorted(added))
            result.problems.append(f"{mode}: new errors in {os.path.relpath(file, scratch)}, clean before: {shown}")


def _quiet_run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(argv)
    return code, err.getvalue()


def run_package(package: Path, scratch: Path, mypy: bool = True) -> PackageResult:
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
    for error in outcome.errors:
        refused = REFUSED.search(error)
        if refused is not None:
            field_name = "refused_" + refused.group(1).replace("-", "_")
            setattr(result, field_name, getattr(result, field_name) + 1)
    for key, new in outcome.new_texts.items():
        try:
            new_tree = parse_module(new)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            result.unparsable_outputs += 1
            result.problems.append(f"unparsable fix {key}: {exc}")
            continue
        old = outcome.sources[key].text
        if normalized_dump(new) != normalized_dump(old):
            result.changed_beyond_targets += 1
            result.problems.append(f"fix changed more than its targets: {key}")
        _check_program(result, key, old, new, new_tree)

    fixed_files = sorted(outcome.new_texts)
    mypy_before = {mode: _mypy(fixed_files, scratch, mode) for mode in MYPY_MODES} if mypy else {}
    code, err = _quiet_run([str(copy), "--fix", "--unsafe-fixes"])
    result.cli_exit_codes.append(code)
    if code == 2:
        result.problems.append(f"--fix exit 2:\n{err[-2000:]}")
    for key, new in outcome.new_texts.items():
        if key.read_bytes() != outcome.sources[key].encode(new):
            result.written_differs += 1
            result.problems.append(f"written file differs from the computed fix: {key}")
    for mode, before in mypy_before.items():
        _compare_mypy(result, mode, fixed_files, before, _mypy(fixed_files, scratch, mode), scratch)

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
    "compile_failures",
    "new_undefined_names",
    "final_check_failures",
    "mypy_new_errors",
    "strict_new_errors",
)
REFUSED_COUNTS = ("refused_compile", "refused_undefined_name", "refused_header", "refused_line_length")
MYPY_COUNTS = ("mypy_clean_before", "mypy_new_errors_any_file", "strict_clean_before", "strict_new_errors_any_file")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", help="package folder names (default: all)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--manifest", type=Path, help="only the packages this manifest pins (benchmarks/holdout.txt)")
    parser.add_argument("--no-mypy", action="store_true", help="skip step 4 (mypy before and after)")
    parser.add_argument("--json", type=Path, help="write every count and problem here")
    args = parser.parse_args(argv)
    packages = sorted(p for p in args.corpus.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    if args.manifest is not None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from fetch_corpus import read_manifest

        pinned = {spec.dirname for spec in read_manifest(args.manifest)}
        missing = sorted(pinned - {p.name for p in packages})
        if missing:
            print(f"not in {args.corpus}: {', '.join(missing)}; run benchmarks/fetch_corpus.py", file=sys.stderr)
        packages = [p for p in packages if p.name in pinned]
    if args.packages:
        packages = [p for p in packages if p.name in args.packages]
    if not packages:
        print(f"no packages under {args.corpus}; run benchmarks/fetch_corpus.py first", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="tradelint-scale-") as scratch:
        for package in packages:
            result = run_package(package, Path(scratch), mypy=not args.no_mypy)
            results.append(result)
            zero = " ".join(f"{k}={getattr(result, k)}" for k in MUST_BE_ZERO)
            refused = " ".join(f"{k}={getattr(result, k)}" for k in (*REFUSED_COUNTS, *MYPY_COUNTS))
            print(
                f"{result.package}: {result.files} files, {result.findings} findings "
                f"({result.trd001} TRD001), {result.fixes_applied} fixes in {result.files_fixed} files, "
                f"{result.fixes_refused} refused; {zero}; {refused}; {result.seconds}s",
                flush=True,
            )
            for problem in result.problems:
                print(f"  {problem}", flush=True)
    totals = {k: sum(getattr(r, k) for r in results) for k in (
        "files", "findings", "trd001", "fixes_applied", "files_fixed", "fixes_refused", *MUST_BE_ZERO,
        *REFUSED_COUNTS, *MYPY_COUNTS,
    )}
    print(f"python {sys.version.split()[0]}; total: " + ", ".join(f"{k}={v}" for k, v in totals.items()))
    if args.json is not None:
        args.json.write_text(json.dumps({"totals": totals, "packages": [asdict(r) for r in results]}, indent=2))
    return 1 if any(totals[k] for k in MUST_BE_ZERO) else 0


if __name__ == "__main__":
    sys.exit(main())
