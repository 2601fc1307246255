"""Running the small programs the fix tests prove things with (incidents, TRD1xx, TRD3xx and
TRD2xx programs): a copy in a scratch folder, run in a fresh interpreter that imports this
checkout's tradelint and the program's own modules."""

from __future__ import annotations

import os
import shutil
import tempfile
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run_python(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), str(ROOT)]), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def copy_program(source: Path, tmp_path: Path) -> Path:
    dest = tmp_path / source.name
    shutil.copytree(source, dest)
    return dest


# What the programs import from the standard library: checked once per test process into a
# cache that each program then starts from (its own copy, so that no two programs ever share a
# cached module of their own: a ``main`` or ``app.worker`` of one is never taken for another's).
_STDLIB = "import abc, asyncio, collections, contextlib, dataclasses, enum, functools, gc, logging, signal, time, typing, weakref\n"
_WARM: dict[tuple[str, ...], Path] = {}


def forget_warm_caches() -> None:
    """Delete the warm caches this process made (the suite's end calls it, see tests/conftest.py:
    each test process left a ``tradelint-tests-mypy-*`` folder in the temporary folder before)."""
    while _WARM:
        _, cache = _WARM.popitem()
        shutil.rmtree(cache.parent, ignore_errors=True)


def mypy_cache_for(folder: Path, flags: tuple[str, ...] = ("--strict",)) -> Path:
    """A mypy cache dir in ``folder``, holding the standard library as checked with ``flags``
    (about 0.3 s per program checked instead of 2.5 s)."""
    if flags not in _WARM:
        warm = Path(tempfile.mkdtemp(prefix="tradelint-tests-mypy-"))
        try:
            (warm / "stdlib_imports.py").write_text(_STDLIB, encoding="utf-8")
            subprocess.run(
                [sys.executable, "-m", "mypy", *flags, "--config-file", "", "--cache-dir", str(warm / "cache"),
                 "stdlib_imports.py"],
                cwd=warm, capture_output=True, check=True,
            )
        except BaseException:
            shutil.rmtree(warm, ignore_errors=True)
            raise
        _WARM[flags] = warm / "cache"
    cache = folder / ".mypy_cache_tests"
    if not cache.exists():  # checked again after its fix: the program's own cache, kept
        shutil.copytree(_WARM[flags], cache)
    return cache
