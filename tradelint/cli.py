"""``tradelint PATH...``: find files, load their configuration first, check, print, exit 0/1/2."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence, TextIO

from tradelint._version import __version__
from tradelint.core import interrupts
from tradelint.core.config import (
    Config,
    ConfigError,
    clear_cache,
    config_for,
    did_you_mean,
    load_config_file,
    non_empty_path,
    print_error,
)
from tradelint.core.files import UnreadableFile
from tradelint.core.finding import Finding
from tradelint.core.globs import FilePattern, GlobError
from tradelint.core.progress import Progress
from tradelint.core.registry import all_codes
from tradelint.output import FORMATS, MACHINE_FORMATS, Summary, format_fixed, write_findings, write_statistics
from tradelint.runner import runner
from tradelint.runner.discovery import UsageError, discover, snapshot
from tradelint.runtime.leaks import Leak
from tradelint.runtime.matching import REPORT_NAME, confirm, load_leaks, write_runtime_only

# Patched by tests that assert the summary line exactly.
clock = time.perf_counter

def _code_list(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in value.split(","))
    if not all(codes):
        # ``--select ""`` would check nothing and pass: a variable left empty in a script.
        raise argparse.ArgumentTypeError(f"empty rule code in {value!r}; give codes or prefixes like 'TRD3,TRD401'")
    known = all_codes()
    for code in codes:
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise argparse.ArgumentTypeError(f"unknown rule code or prefix '{code}'{did_you_mean(code, known)}")
    return codes


def _glob_list(value: str) -> tuple[str, ...]:
    """``--exclude a,b/*``: globs as in ``exclude``, relative to the current folder."""
    patterns = tuple(p.strip() for p in value.split(","))
    if not all(patterns):
        raise argparse.ArgumentTypeError(f"empty pattern in {value!r}")
    for pattern in patterns:
        try:
            FilePattern.make(pattern, None)
        except GlobError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return patterns


def _pattern_code_list(value: str) -> tuple[tuple[str, str], ...]:
    """``--per-file-ignores 'tests/*:TRD3,scripts/*:TRD201'``: ruff's ``PATTERN:CODE`` pairs."""
    pairs = []
    for item in value.split(","):
        pattern, colon, code = item.partition(":")
        if not colon or ":" in code or not pattern.strip() or not code.strip():
            raise argparse.ArgumentTypeError(f"expected PATTERN:CODE pairs like 'tests/*:TRD3', got {item!r}")
        _glob_list(pattern)
        pairs.append((pattern.strip(), _code_list(code)[0]))
    return tuple(pairs)


def _joined(values: list[tuple[str, ...]] | None) -> tuple[str, ...] | None:
    """Repeated ``--select A --select B`` add up, as ruff's do."""
    return None if values is None else tuple(code for codes in values for code in codes)


def _pairs(values: list[tuple[tuple[str, str], ...]] | None) -> tuple[tuple[str, str], ...] | None:
    return None if values is None else tuple(pair for pairs in values for pair in pairs)


# Every subcommand, with the one line ``--help`` shows for it.
COMMANDS_HELP = """commands (`tradelint COMMAND --help` for each):
  check [PATH ...]   check files and folders (the default command; PATH defaults to .)
  rule CODE          show a rule's documentation
  rules              list every rule with its code, name, fix safety and status
  config [PATH]      print the configuration that applies to PATH and where it comes from
  renames            suggest rename entries from git history (--since REV) or list them
  server             run the language server over stdio (needs the 'server' extra)
"""


def version_line() -> str:
    """``tradelint 0.2.0 (parsers: ast of CPython 3.11.7, libcst 1.9.0)``: detection parses
    with the running interpreter's grammar, fixes with libcst."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        libcst = version("libcst")
    except PackageNotFoundError:  # pragma: no cover - a broken install
        libcst = "not installed"
    interpreter = f"{sys.implementation.name} {'.'.join(map(str, sys.version_info[:3]))}"
    return f"tradelint {__version__} (parsers: ast of {interpreter.replace('cpython', 'CPython')}, libcst {libcst})"


class _VersionAction(argparse.Action):
    """``--version``: the line is made only when asked for (libcst's version is read from its
    package metadata: 40 ms of every run's start otherwise)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        formatter = parser._get_formatter()  # as argparse's own ``version`` action prints it
        formatter.add_text(version_line())
        parser._print_message(formatter.format_help(), sys.stdout)
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradelint",
        usage="tradelint [check] [OPTIONS] [PATH ...]\n       tradelint {rule,rules,config,renames,server} ...",
        description="Find dataclass constants without ClassVar, unclosed async resources, "
        "dangling asyncio tasks and stale renamed attributes.",
        epilog=COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", type=non_empty_path, metavar="PATH",
        help="files or folders to check (default: .); '-' reads one file from standard input",
    )
    parser.add_argument(
        "--select", type=_code_list, action="append",
        help="comma-separated codes or prefixes to report, or ALL; replaces the configured "
        "select and ignore; repeat to add more",
    )
    parser.add_argument(
        "--extend-select", type=_code_list, action="append", metavar="EXTEND_SELECT",
        help="codes or prefixes to report on top of the selection",
    )
    parser.add_argument("--ignore", type=_code_list, action="append", help="comma-separated codes or prefixes to skip")
    parser.add_argument(
        "--extend-ignore", type=_code_list, action="append", metavar="EXTEND_IGNORE",
        help="codes or prefixes to skip on top of --ignore and the configuration",
    )
    exits = parser.add_mutually_exclusive_group()
    exits.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings (errors still exit 2)"
    )
    exits.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 if any file was fixed, even if no finding remains",
    )
    parser.add_argument(
        "--stdin-filename", type=Path, metavar="PATH",
        help="the name of the file read from standard input: its configuration, per-file-ignores "
        "and imports apply (implies '-' when no PATH is given)",
    )
    parser.add_argument(
        "--output-format",
        choices=FORMATS,
        default="text",
        help="text (default: with the source line), concise (one line each), grouped (by file), json, "
        "json-lines, github (workflow annotations), sarif (SARIF 2.1.0), junit, gitlab (code quality), "
        "pylint, rdjson (reviewdog), azure (pipeline log commands)",
    )
    parser.add_argument(
        "--preview", action="store_true", help="also run the preview rules (`tradelint rules` marks them)"
    )
    parser.add_argument("--statistics", action="store_true", help="print counts per code instead of the findings")
    parser.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary, no progress")
    parser.add_argument(
        "--config", type=non_empty_path,
        help="a pyproject.toml or tradelint.toml to use instead of the nearest configuration",
    )
    parser.add_argument(
        "--exclude", type=_glob_list, action="append", metavar="PATTERN",
        help="comma-separated globs of files and folders to skip, instead of the configured exclude "
        "(relative to the current folder)",
    )
    parser.add_argument(
        "--extend-exclude", type=_glob_list, action="append", metavar="PATTERN",
        help="globs to skip on top of the configured exclude",
    )
    parser.add_argument(
        "--per-file-ignores", type=_pattern_code_list, action="append", metavar="PATTERN:CODE",
        help="comma-separated PATTERN:CODE pairs, instead of the configured per-file-ignores",
    )
    parser.add_argument(
        "--extend-per-file-ignores", type=_pattern_code_list, action="append", metavar="PATTERN:CODE",
        help="PATTERN:CODE pairs on top of the configured per-file-ignores",
    )
    parser.add_argument(
        "--no-respect-gitignore", dest="respect_gitignore", action="store_false",
        help="also check what .gitignore files ignore (respected by default, as by ruff)",
    )
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply `exclude` to files named on the command line too (for pre-commit)",
    )
    parser.add_argument(
        "-o", "--output-file", type=non_empty_path, metavar="PATH",
        help="write the findings (and, for text formats, the summary) to PATH instead of stdout",
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, writing files atomically")
    parser.add_argument(
        "--fix-only",
        action="store_true",
        help="apply fixes but neither report nor exit 1 for the findings that remain (implies --fix)",
    )
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff, write nothing, and exit 0 if there is no diff",
    )
    shown.add_argument("--show-fixes", action="store_true", help="list what was fixed, by file and code")
    parser.add_argument(
        "-w", "--watch", action="store_true",
        help="check again whenever a Python file or a configuration file under PATH changes (polls; Ctrl-C ends it)",
    )
    parser.add_argument(
        "--add-noqa",
        action="store_true",
        help="add `# noqa: CODE` to every line with a finding (to adopt tradelint on a large codebase)",
    )
    runner.add_arguments(parser)
    parser.add_argument("--version", action=_VersionAction, nargs=0, help="show program's version number and exit")
    return parser


# Subcommands other than ``check``: name -> "module:function" taking the remaining arguments and
# returning an exit code. ``tradelint PATH...`` means ``tradelint check PATH...``; to check a
# folder that is named like a subcommand, write ``tradelint ./rules``.
SUBCOMMANDS: dict[str, str] = {
    "rule": "tradelint.commands.rule:main",
    "rules": "tradelint.commands.rules:main",
    "config": "tradelint.commands.config:main",
    "renames": "tradelint.commands.renames:main",
    "server": "tradelint.commands.server:main",
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
    if args.watch:
        return _watch(args, [a for a in argv if a not in ("-w", "--watch")])
    select = _joined(args.select)
    ignore = _joined(args.ignore) or ()
    extend_select = _joined(args.extend_select) or ()
    ignore += _joined(args.extend_ignore) or ()
    stdin = args.stdin_filename is not None or [str(p) for p in args.paths] == ["-"]

    def adjust(config: Config) -> Config:
        if not args.respect_gitignore:
            config = replace(config, respect_gitignore=False)
        return config.with_cli_files(
            _joined(args.exclude),
            _joined(args.extend_exclude) or (),
            _pairs(args.per_file_ignores),
            _pairs(args.extend_per_file_ignores) or (),
        )

    try:
        if any(str(p) == "-" for p in args.paths) and (len(args.paths) > 1):
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        forced = load_config_file(args.config) if args.config is not None else None
        clashing = [flag for flag, on in (("--fix", args.fix), ("--fix-only", args.fix_only), ("--diff", args.diff),
                    ("--statistics", args.statistics), ("standard input", stdin)) if on]
        if args.add_noqa and clashing:
            raise UsageError(f"--add-noqa cannot be combined with {clashing[0]}")
        if stdin:
            return _run_stdin(args, forced, select, extend_select, ignore, started, adjust)
        files = list(dict.fromkeys(discover(args.paths or [Path(".")], forced, args.force_exclude, adjust)))
        # Every configuration is loaded before any file is checked: a bad one stops the run whole.
        configs = {
            file: adjust(forced or config_for(file)).with_cli(select, ignore, args.preview, extend_select)
            for file in files
        }
    except (ConfigError, UsageError) as exc:
        print_error(exc)
        return 2

    try:
        out = _open_output(args.output_file)
    except OSError as exc:
        print(f"tradelint: error: cannot write --output-file {args.output_file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        return _check_and_report(configs, args, started, out)
    finally:
        if out is not sys.stdout:
            out.close()


# How often --watch looks at the files' modification times and sizes.
WATCH_INTERVAL = 0.5


def _watch(args: argparse.Namespace, argv: list[str]) -> int:
    """ruff's ``--watch``: check, then check again whenever a file changes, until interrupted
    (SIGINT or SIGTERM: exit 130 or 143). Polls: no file-watching library needed."""
    clashing = [flag for flag, on in (("--add-noqa", args.add_noqa), ("--statistics", args.statistics),
                ("--output-file", args.output_file is not None),
                ("standard input", args.stdin_filename is not None or [str(p) for p in args.paths] == ["-"])) if on]
    if clashing:
        print_error(UsageError(f"--watch cannot be combined with {clashing[0]}"))
        return 2
    paths = args.paths or [Path(".")]
    print("Starting linter in watch mode...", file=sys.stderr)
    while True:
        seen = snapshot(paths)
        clear_cache()
        run_check(argv)
        sys.stdout.flush()
        print("Watching for file changes.", file=sys.stderr, flush=True)
        while snapshot(paths) == seen:
            time.sleep(WATCH_INTERVAL)
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[2J\x1b[H")  # clear the screen, as ruff does
        print("File change detected...", file=sys.stderr)


def _open_output(path: Path | None) -> TextIO:
    """stdout, or the ``--output-file`` (its folders made, as ruff's), written as UTF-8."""
    if path is None:
        return sys.stdout
    if path.parent != Path():
        path.parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8", errors="backslashreplace")


def _check_and_report(configs: dict[Path, Config], args: argparse.Namespace, started: float, out: TextIO) -> int:
    progress = Progress(len(configs), quiet=args.quiet)
    if args.fix or args.fix_only or args.diff:
        return _run_fix(configs, args, progress, started, out)
    if args.add_noqa:
        return _run_add_noqa(configs, args, progress)

    cache_dir = None if args.no_cache else args.cache_dir
    result = runner.check_files(configs, args.jobs, cache_dir, progress=progress.advance)
    progress.clear()
    for file, trace in result.errors:  # a bug in tradelint must not cost the rest of the run
        print(f"tradelint: internal error while checking {file}; please report it:\n{trace}", file=sys.stderr, end="")
    findings, runtime_only = _runtime_confirmation(result.findings, configs, args)
    _report(findings, args, Summary(len(configs), clock() - started, findings), not result.errors, out)
    if runtime_only is not None:
        stream = sys.stderr if args.output_format in MACHINE_FORMATS else (out or sys.stdout)
        confirmed = sum(bool(f.confirmed) for f in findings)
        write_runtime_only(args.cache_dir / REPORT_NAME, confirmed, runtime_only, stream, args.quiet)
    if result.errors:
        return 2
    return _exit_status(args, bool(result.findings))


def _run_add_noqa(configs: dict[Path, Config], args: argparse.Namespace, progress: Progress) -> int:
    """ruff's ``--add-noqa``: every current finding silenced on its line; "Added N noqa
    directives." on stderr; exit 0 (2 when a file could not be written)."""
    from tradelint.runner.add_noqa import add_noqa
    from tradelint.runner.fixer import FixOutcome, SourceFile, write_fixes

    cache_dir = None if args.no_cache else args.cache_dir
    result = runner.check_files(configs, args.jobs, cache_dir, progress=progress.advance)
    progress.clear()
    by_display = {str(file): file for file in configs}
    lines: dict[Path, dict[int, set[str]]] = {}
    for finding in result.findings:
        if finding.code != "TRD001" and finding.path in by_display:
            lines.setdefault(by_display[finding.path], {}).setdefault(finding.line, set()).add(finding.code)
    outcome = FixOutcome([], 0)
    added = 0
    for file, codes in lines.items():
        try:
            source = SourceFile.read(file)
        except (UnreadableFile, OSError, SyntaxError, UnicodeDecodeError, LookupError, ValueError):
            continue  # reported as TRD001 by the check
        done = add_noqa(source.text, codes)
        for line, why in done.refused:
            print(f"tradelint: {file}:{line}: no noqa added: {why}", file=sys.stderr)
        if done.text != source.text:
            key = Path(os.path.abspath(file))
            outcome.new_texts[key] = done.text
            outcome.sources = {**outcome.sources, key: source}
            added += done.directives
    failures = write_fixes(outcome, configs)
    for message in failures:
        print(f"tradelint: {message}", file=sys.stderr)
    if not args.quiet:
        print(f"Added {added} noqa directive{'' if added == 1 else 's'}.", file=sys.stderr)
    return 2 if failures or result.errors else 0


def _exit_status(args: argparse.Namespace, remaining: bool, fixed: bool = False) -> int:
    """ruff's exit codes: 1 for findings left; with ``--diff`` only for a diff to show; with
    ``--fix-only`` never for findings; ``--exit-non-zero-on-fix`` adds 1 for any fix made;
    ``--exit-zero`` makes every one 0."""
    if args.exit_zero:
        return 0
    if args.diff:
        return int(fixed)
    if args.fix_only:
        return int(args.exit_non_zero_on_fix and fixed)
    return int(remaining or (args.exit_non_zero_on_fix and fixed))


def _runtime_confirmation(
    findings: list[Finding], configs: dict[Path, Config], args: argparse.Namespace
) -> tuple[list[Finding], list[Leak] | None]:
    """With the pytest plugin's last report in the cache folder (``pytest -p tradelint``): the
    findings it confirms marked, and the runtime leaks no static rule found."""
    leaks = load_leaks(args.cache_dir / REPORT_NAME)
    if leaks is None:
        return findings, None
    return confirm(findings, leaks, configs)


def _run_stdin(
    args: argparse.Namespace,
    forced: Config | None,
    select: tuple[str, ...] | None,
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    started: float,
    adjust: Callable[[Config], Config],
) -> int:
    """One file read from standard input, checked as if it were at ``--stdin-filename``
    (default ``stdin.py`` in the current folder), through the Python API. With ``--fix`` the
    fixed text goes to stdout and the findings to stderr; with ``--diff``, the diff to stdout."""
    from tradelint import api

    path = args.stdin_filename or Path("stdin.py")
    config = adjust(forced or config_for(path)).with_cli(select, ignore, args.preview, extend_select)
    data = sys.stdin.buffer.read()
    if args.force_exclude and config.is_excluded(path):
        if args.fix:
            sys.stdout.buffer.write(data)
        return 0
    if not (args.fix or args.fix_only or args.diff):
        findings = api.check_source(data, path, config=config)
        try:
            out = _open_output(args.output_file)
        except OSError as exc:
            print(f"tradelint: error: cannot write --output-file {args.output_file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        try:
            _report(findings, args, Summary(1, clock() - started, findings), out=out)
        finally:
            if out is not sys.stdout:
                out.close()
        return _exit_status(args, bool(findings))
    result = api.fix_source(data, path, unsafe=args.unsafe_fixes, config=config)
    for error in result.errors:
        print(f"tradelint: {error}", file=sys.stderr)
    from tradelint.runner.fixer import SourceFile, unified_diff

    try:
        read: SourceFile | None = SourceFile.from_bytes(path, data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        read = None
    changed = read is not None and result.text != read.text
    if args.diff:
        sys.stdout.write(unified_diff(read.text, result.text, str(path)) if read is not None and changed else "")
        summary = Summary(1, clock() - started, result.remaining, result.fixed, int(changed))
        if not args.quiet:
            print(summary.line(), file=sys.stderr)
        # As ruff's: 1 only when there is a diff to show; findings without a fix do not count.
        return _exit_status(args, bool(result.remaining), changed)
    sys.stdout.buffer.write(read.encode(result.text) if read is not None and changed else data)
    summary = Summary(1, clock() - started, result.remaining, result.fixed, shows_remaining=not args.fix_only)
    _report(result.remaining, args, summary, out=sys.stderr)
    return _exit_status(args, bool(result.remaining), changed)


def _report(
    findings: list[Finding],
    args: argparse.Namespace,
    summary: Summary,
    successful: bool = True,
    out: TextIO | None = None,
    fixed: Counter[tuple[str, str]] | None = None,
) -> None:
    """Findings (none with ``--fix-only``), what was fixed (``--show-fixes``) and the summary line,
    to ``out``: stdout, the ``--output-file``, or stderr when stdout carries a fixed file. The
    summary and the list of fixes go to stderr after a machine-read format."""
    out = out or sys.stdout
    if args.statistics:
        write_statistics(findings, args.output_format, out)
    elif not args.fix_only:
        write_findings(findings, args.output_format, out, execution_successful=successful)
    if args.quiet:
        return
    side = sys.stderr if args.output_format in MACHINE_FORMATS else out
    if args.output_format == "text" and findings and not args.statistics and not args.fix_only:
        print(file=side)
    if args.show_fixes and fixed:
        for row in format_fixed(fixed, side):
            print(row, file=side)
    print(summary.line(), file=side)


def _run_fix(
    configs: dict[Path, Config], args: argparse.Namespace, progress: Progress, started: float, out: TextIO
) -> int:
    from tradelint.runner.fixer import compute_fixes, write_fixes

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
        # As ruff's: 1 only when there is a diff to show; findings without a fix do not count.
        return _exit_status(args, bool(outcome.findings), bool(outcome.new_texts))
    failures = write_fixes(outcome, configs)
    for message in failures:
        print(f"tradelint: {message}", file=sys.stderr)
    findings, fixed = outcome.findings, outcome.fixed
    if failures:
        # What remains is what is on disk: a fix that was not written is never counted as fixed.
        findings = runner.check_files(configs).findings
        fixed = max(outcome.initial - len(findings), 0)
    summary = Summary(len(configs), clock() - started, findings, fixed, shows_remaining=not args.fix_only)
    fixed_codes = outcome.fixed_codes(findings if failures else None)
    _report(findings, args, summary, not failures and not outcome.internal_errors, out, fixed_codes)
    if failures or outcome.internal_errors:
        return 2
    return _exit_status(args, bool(findings), fixed > 0)


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
        interrupts.raise_if_received()  # one a finalizer or libcst swallowed still ends the run so
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
