"""Check many files: the run behind the command line (:func:`check_files`), its options
(``--jobs``, ``--cache-dir``, ``--no-cache``) and the exit that skips tearing the heap down.

A run takes what still holds from the content-hash cache (``cache.py``), checks the other files
in this process or in ``--jobs N`` worker processes (``workers.py``), and stores their results.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NoReturn

from tradelint.core.config import Config, non_empty_path
from tradelint.core.finding import Finding
from tradelint.runner.cache import Cache, Fresh
from tradelint.runner.workers import _check

DEFAULT_CACHE_DIR = Path(".tradelint_cache")


@dataclass
class RunResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[tuple[Path, str]] = field(default_factory=list)  # (file, traceback) of internal errors
    cached: int = 0  # files answered from the cache
    checked: int = 0  # files checked


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs", "-j", type=_jobs, default=None, metavar="N",
        help="check in N processes (default 'auto': one per usable core, one process for a small run);"
        " the output is the same for any N",
    )
    parser.add_argument(
        "--cache-dir", type=non_empty_path, default=DEFAULT_CACHE_DIR,
        help="where to keep results between runs (default: .tradelint_cache; safe to delete)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def _jobs(value: str) -> int | None:
    """A number of processes, or None for ``auto`` (see :func:`workers.auto_jobs`)."""
    if value == "auto":
        return None
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes or 'auto', got '{value}'") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 process, got {jobs}")
    return jobs


def check_files(
    configs: dict[Path, Config],
    jobs: int | None = 1,
    cache_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Findings for every file, in the order given, as one ``Checker`` would report them.

    ``jobs``: processes, None for as many as the run can use (:func:`workers.auto_jobs`).
    ``progress`` is called with the number of files whose result became known since its last
    call (from the cache or a check), as they are known, also while workers check."""
    tick = progress or (lambda files: None)
    cache = Cache.load(cache_dir) if cache_dir is not None else None
    files = list(configs)
    per_file: list[list[Finding] | None] = [None] * len(files)
    keys: dict[int, str] = {}
    result = RunResult()
    if cache is not None:
        cache.prepare([os.path.abspath(file) for file in files])
        for i, file in enumerate(files):
            key = cache.key(file, configs[file])
            if key is None:
                continue
            keys[i] = key
            hit = cache.get(file, key)
            if hit is not None:
                per_file[i] = [dataclasses.replace(f, path=str(file)) for f in hit]
                result.cached += 1
                tick(1)
    todo = [i for i, found in enumerate(per_file) if found is None]
    result.checked = len(todo)
    items = [(i, files[i], configs[files[i]]) for i in todo]
    summaries: dict[str, list[str]] = {}
    scans: dict[int, tuple[tuple[str, str], ...]] = {}
    failed: set[int] = set()
    outcomes = _check(items, jobs, summarize=cache is not None, progress=tick)
    try:
        for i, outcome, scanned, summarized in outcomes:
            summaries.update(summarized)
            scans[i] = scanned
            if isinstance(outcome, str):
                result.errors.append((files[i], outcome))
                failed.add(i)
                per_file[i] = []
            else:
                per_file[i] = outcome
    finally:
        outcomes.close()  # interrupted between two outcomes: the workers are killed now, not at exit
    if cache is not None:
        fresh = {
            files[i]: Fresh(keys[i], per_file[i] or [], scans.get(i, ()), configs[files[i]])
            for i in todo if i in keys and i not in failed
        }
        cache.update(fresh, summaries)
        cache.save()
    result.findings = [f for found in per_file for f in (found or [])]
    return result


def exit_now(code: int) -> NoReturn:
    """Exit without tearing the heap down object by object.

    A run keeps up to its module budget of trees for cross-module lookups (``Project``), all
    frozen; freeing them one by one at interpreter exit is work for nothing (when every tree was
    kept, 22 s of CPU after a 17 s check of the corpus). The operating system takes the memory
    back at once (as mypy does).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a closed or full stream: what could be said is lost, the exit status is not
    os._exit(code)
