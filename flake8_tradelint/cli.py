"""``tradelint PATH...``: find files, load their configuration first, check, print, exit 0/1/2."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Iterator, Sequence

from flake8_tradelint import __version__
from flake8_tradelint.config import Config, ConfigError, config_for, load_config_file
from flake8_tradelint.engine import Checker
from flake8_tradelint.finding import Finding
from flake8_tradelint.registry import all_codes

# Folders never worth linting: VCS metadata, caches, build output, virtualenvs (also found by pyvenv.cfg).
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".tox", ".nox", ".venv", "venv", ".eggs", "node_modules", "site-packages", "__pypackages__",
    "build", "dist", ".tradelint_cache",
}


class UsageError(Exception):
    pass


def _code_list(value: str) -> tuple[str, ...]:
    codes = tuple(c.strip() for c in value.split(",") if c.strip())
    known = all_codes()
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise argparse.ArgumentTypeError(f"unknown rule code or prefix '{code}'")
    return codes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradelint",
        description="Find dataclass constants without ClassVar, unclosed async resources, "
        "dangling asyncio tasks and stale renamed attributes.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders to check")
    parser.add_argument("--select", type=_code_list, help="comma-separated codes or prefixes to report")
    parser.add_argument("--ignore", type=_code_list, default=(), help="comma-separated codes or prefixes to skip")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    parser.add_argument("--config", type=Path, help="a pyproject.toml to use instead of the nearest one")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes, writing files atomically")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    parser.add_argument("--version", action="version", version=f"tradelint {__version__}")
    return parser


def _is_virtualenv(folder: Path) -> bool:
    # os.path, not pathlib: on 3.10-3.11 pathlib raises for a folder that cannot be searched.
    return os.path.isfile(folder / "pyvenv.cfg")


def discover(paths: Sequence[Path], forced: Config | None) -> Iterator[Path]:
    """Files named on the command line are always checked; folders are walked, minus exclusions."""
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
        if not os.path.isdir(path):
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
SUBCOMMANDS: dict[str, str] = {}


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
    parser = build_parser()
    args = parser.parse_args(argv)
    select: tuple[str, ...] | None = args.select
    ignore: tuple[str, ...] = args.ignore
    both = [code for code in select or () if code in ignore]
    if both:
        parser.error(f"{', '.join(both)} both selected and ignored; remove it from one of --select and --ignore")
    try:
        forced = load_config_file(args.config) if args.config is not None else None
        files = list(dict.fromkeys(discover(args.paths, forced)))
        # Every configuration is loaded before any file is checked: a bad one stops the run whole.
        configs = {file: (forced or config_for(file)).with_cli(select, ignore) for file in files}
    except ConfigError as exc:
        print(f"tradelint: error: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"tradelint: error: {exc}", file=sys.stderr)
        return 2

    if args.fix or args.diff:
        return _run_fix(configs, args)

    checker = Checker()
    findings: list[Finding] = []
    internal_errors = 0
    for file, config in configs.items():
        try:
            findings.extend(checker.check_path(file, config, display=str(file)))
        except Exception:  # a bug in tradelint must not cost the rest of the run
            internal_errors += 1
            print(f"tradelint: internal error while checking {file}; please report it:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)

    _print_findings(findings, args.output_format, len(configs))
    if internal_errors:
        return 2
    return 1 if findings else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _print_findings(findings: list[Finding], output_format: str, checked: int, fixed: int | None = None) -> None:
    if output_format == "json":
        json.dump([f.as_json() for f in findings], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for finding in findings:
        print(finding.as_text())
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safety == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.safety == "unsafe")
    if fixed is not None:
        print(f"Fixed {_plural(fixed, 'finding')}; {len(findings)} remaining in {_plural(checked, 'file')}.")
    elif findings:
        hints = [f"{safe} fixable with `--fix`"] if safe else []
        hints += [f"{unsafe} {'more ' if safe else ''}with `--unsafe-fixes`"] if unsafe else []
        hint = f" ({', '.join(hints)})" if hints else ""
        print(f"Found {_plural(len(findings), 'finding')} in {_plural(checked, 'file')}{hint}.")
    else:
        print(f"All checks passed ({_plural(checked, 'file')}).")


def _run_fix(configs: dict[Path, Config], args: argparse.Namespace) -> int:
    from flake8_tradelint.fix.fixer import WriteError, compute_fixes, write_atomically

    display = {file: str(file) for file in configs}
    display.update({Path(os.path.abspath(file)): str(file) for file in configs})
    outcome = compute_fixes(configs, args.unsafe_fixes, display)
    for error in outcome.errors:
        print(f"tradelint: {error}", file=sys.stderr)
    if args.diff:
        sys.stdout.write(outcome.diff(display))
        count = len(outcome.new_texts)
        print(f"Would fix {_plural(outcome.fixed, 'finding')} in {_plural(count, 'file')}.", file=sys.stderr)
        if outcome.internal_errors:
            return 2
        return 1 if outcome.new_texts or outcome.findings else 0
    failed = 0
    for path, text in sorted(outcome.new_texts.items()):
        try:
            write_atomically(outcome.sources[path], text)
        except (WriteError, OSError) as exc:
            failed += 1
            print(f"tradelint: {exc}", file=sys.stderr)
    _print_findings(outcome.findings, args.output_format, len(configs), fixed=outcome.fixed)
    if failed or outcome.internal_errors:
        return 2
    return 1 if outcome.findings else 0


def main(argv: Sequence[str] | None = None) -> None:
    # A path or identifier the terminal's encoding cannot show must not crash the run.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(argv)
        sys.stdout.flush()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # ``tradelint . | head``: the reader left. No traceback; and no second error when Python
        # flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 2
    sys.exit(code)


if __name__ == "__main__":
    main()
