"""``tradelint PATH...``: find files, load their configuration first, check, print, exit 0/1/2."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Iterator, Sequence

from flake8_tradelint import __version__, interrupts, runner
from flake8_tradelint.config import (
    Config,
    ConfigError,
    config_for,
    did_you_mean,
    load_config_file,
    non_empty_path,
)
from flake8_tradelint.finding import Finding
from flake8_tradelint.output import FORMATS, MACHINE_FORMATS, Summary, write_findings, write_statistics
from flake8_tradelint.progress import Progress
from flake8_tradelint.registry import all_codes

# Patched by tests that assert the summary line exactly.
clock = time.perf_counter

# Folders never worth linting: VCS metadata, caches, build output, virtualenvs (also found by pyvenv.cfg).
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".tox", ".nox", ".venv", "venv", ".eggs", "node_modules", "site-packages", "__pypackages__",
    "build", "dist", ".tradelint_cache",
}


class UsageError(Exception):
    pass


def _code_list(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in value.split(","))
    if not all(codes):
        # ``--select ""`` would check nothing and pass: a variable left empty in a script.
        raise argparse.ArgumentTypeError(f"empty rule code in {value!r}; give codes or prefixes like 'TRD3,TRD401'")
    known = all_codes()
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise argparse.ArgumentTypeError(f"unknown rule code or prefix '{code}'{did_you_mean(code, known)}")
    return codes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradelint",
        description="Find dataclass constants without ClassVar, unclosed async resources, "
        "dangling asyncio tasks and stale renamed attributes.",
    )
    parser.add_argument("paths", nargs="+", type=non_empty_path, metavar="PATH", help="files or folders to check")
    parser.add_argument("--select", type=_code_list, help="comma-separated codes or prefixes to report")
    parser.add_argument("--ignore", type=_code_list, default=(), help="comma-separated codes or prefixes to skip")
    parser.add_argument(
        "--output-format",
        choices=FORMATS,
        default="text",
        help="text (default: with the source line), concise (one line each), json, "
        "github (workflow annotations), sarif (SARIF 2.1.0)",
    )
    parser.add_argument(
        "--preview", action="store_true", help="also run the preview rules (`tradelint rules` marks them)"
    )
    parser.add_argument("--statistics", action="store_true", help="print counts per code instead of the findings")
    parser.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary, no progress")
    parser.add_argument("--config", type=non_empty_path, help="a pyproject.toml to use instead of the nearest one")
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply `exclude` to files named on the command line too (for pre-commit)",
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, writing files atomically")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    runner.add_arguments(parser)
    parser.add_argument("--version", action="version", version=f"tradelint {__version__}")
    return parser


def _is_virtualenv(folder: Path) -> bool:
    # os.path, not pathlib: on 3.10-3.11 pathlib raises for a folder that cannot be searched.
    return os.path.isfile(folder / "pyvenv.cfg")


def discover(paths: Sequence[Path], forced: Config | None, force_exclude: bool = False) -> Iterator[Path]:
    """Files named on the command line are checked (unless ``force_exclude``, as ruff's
    ``--force-exclude``); folders are walked, minus exclusions."""
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
        if not os.path.isdir(path):
            if not (force_exclude and (forced or config_for(path)).is_excluded(path)):
                yield path
            continue
        unreadable: list[OSError] = []
        for folder, dirs, files in os.walk(path, onerror=unreadable.append):
            base = Path(folder)
            config = forced or config_for(base)
            dirs[:] = sorted(
                d for d in dirs
                if d not in SKIP_DIRS
                and not _is_virtualenv(base / d)
                and not config.is_excluded(base / d)
            )
            for name in sorted(files):
                file = base / name
                if name.endswith(".py") and not (forced or config_for(file)).is_excluded(file):
                    yield file
        # A folder that cannot be listed is "checked" too: reading it gives its TRD001.
        yield from (Path(error.filename) for error in unreadable if error.filename is not None)


# Subcommands other than ``check``: name -> "module:function" taking the remaining arguments and
# returning an exit code. ``tradelint PATH...`` means ``tradelint check PATH...``; to check a
# folder that is named like a subcommand, write ``tradelint ./rules``.
SUBCOMMANDS: dict[str, str] = {
    "rule": "flake8_tradelint.commands.rule:main",
    "rules": "flake8_tradelint.commands.rules:main",
    "config": "flake8_tradelint.commands.config:main",
    "renames": "flake8_tradelint.commands.renames:main",
}


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "check":
        argv = argv[1:]
    elif argv and argv[0] in SUBCOMMANDS:
        module_name, _, function = SUBCOMMANDS[argv[0]].partition(":")
        module = importlib.import_module(module_name)
        return int(getattr(module, function)(argv[1:]))
    return run_check(argv)


def run_check(argv: Sequence[str]) -> int:
    started = clock()
    parser = build_parser()
    args = parser.parse_args(argv)
    select: tuple[str, ...] | None = args.select
    ignore: tuple[str, ...] = args.ignore
    both = [code for code in select or () if code in ignore]
    if both:
        parser.error(f"{', '.join(both)} both selected and ignored; remove it from one of --select and --ignore")
    try:
        forced = load_config_file(args.config) if args.config is not None else None
        files = list(dict.fromkeys(discover(args.paths, forced, args.force_exclude)))
        # Every configuration is loaded before any file is checked: a bad one stops the run whole.
        configs = {file: (forced or config_for(file)).with_cli(select, ignore, args.preview) for file in files}
    except (ConfigError, UsageError) as exc:
        print(f"tradelint: error: {exc}", file=sys.stderr)
        return 2

    progress = Progress(len(configs), quiet=args.quiet)
    if args.fix or args.diff:
        return _run_fix(configs, args, progress, started)

    cache_dir = None if args.no_cache else args.cache_dir
    result = runner.check_files(configs, args.jobs, cache_dir, progress=progress.advance)
    progress.clear()
    for file, trace in result.errors:  # a bug in tradelint must not cost the rest of the run
        print(f"tradelint: internal error while checking {file}; please report it:\n{trace}", file=sys.stderr, end="")
    findings = result.findings
    _report(findings, args, Summary(len(configs), clock() - started, findings), not result.errors)
    if result.errors:
        return 2
    return 1 if result.findings else 0


def _report(findings: list[Finding], args: argparse.Namespace, summary: Summary, successful: bool = True) -> None:
    if args.statistics:
        write_statistics(findings, args.output_format, sys.stdout)
    else:
        write_findings(findings, args.output_format, sys.stdout, execution_successful=successful)
    if not args.quiet:
        stream = sys.stderr if args.output_format in MACHINE_FORMATS else sys.stdout
        if args.output_format == "text" and findings and not args.statistics:
            print(file=stream)
        print(summary.line(), file=stream)


def _run_fix(
    configs: dict[Path, Config], args: argparse.Namespace, progress: Progress, started: float
) -> int:
    from flake8_tradelint.fix.fixer import compute_fixes, write_fixes

    display = {file: str(file) for file in configs}
    display.update({Path(os.path.abspath(file)): str(file) for file in configs})
    outcome = compute_fixes(configs, args.unsafe_fixes, display, progress=progress.advance)
    progress.clear()
    for error in outcome.errors:
        print(f"tradelint: {error}", file=sys.stderr)
    if args.diff:
        sys.stdout.write(outcome.diff(display))
        if outcome.internal_errors:
            return 2
        if not args.quiet:
            summary = Summary(
                len(configs), clock() - started, outcome.findings, outcome.fixed, len(outcome.new_texts)
            )
            print(summary.line(), file=sys.stderr)
        return 1 if outcome.new_texts or outcome.findings else 0
    failures = write_fixes(outcome, configs)
    for message in failures:
        print(f"tradelint: {message}", file=sys.stderr)
    findings, fixed = outcome.findings, outcome.fixed
    if failures:
        # What remains is what is on disk: a fix that was not written is never counted as fixed.
        findings = runner.check_files(configs).findings
        fixed = max(outcome.initial - len(findings), 0)
    summary = Summary(len(configs), clock() - started, findings, fixed)
    _report(findings, args, summary, not failures and not outcome.internal_errors)
    if failures or outcome.internal_errors:
        return 2
    return 1 if findings else 0


def _ensure_streams() -> None:
    """A closed stdout or stderr (``>&-``) is /dev/null: output is lost, never crashes the run or
    lands in the other stream (``print(file=None)`` would write the summary into JSON on stdout);
    and no file tradelint opens can take descriptor 1 or 2 and receive the report."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    interrupts.install()
    _ensure_streams()
    # A path or identifier the terminal's encoding cannot show must not crash the run.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(argv)
        sys.stdout.flush()
    except interrupts.Interrupted as exc:  # SIGINT or SIGTERM: workers killed, temp files removed
        code = exc.code
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as Python's documentation recommends.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 1
    except OSError as exc:  # stdout on a full disk, /dev/full, a closed descriptor
        if exc.filename is not None:
            raise
        _quietly_report(f"tradelint: error: cannot write the report: {exc.strerror or exc}")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 2
    runner.exit_now(code)


def _quietly_report(message: str) -> None:
    try:
        print(message, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    main()
