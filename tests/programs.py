"""Running the small programs the fix tests prove things with (incidents, TRD1xx, TRD3xx and
TRD2xx programs): a copy in a scratch folder, run in a fresh interpreter that imports this
checkout's tradelint and the program's own modules."""

from __future__ import annotations

import os
import shutil
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
