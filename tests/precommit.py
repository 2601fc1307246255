"""Run this checkout's pre-commit hooks with the real ``pre-commit``, offline.

The hooks in ``.pre-commit-hooks.yaml`` are ``language: python``: for a user, pre-commit makes a
virtualenv and pip-installs tradelint from the hook repository, which needs the network. Tests
run offline, so they install the manifest's hooks as ``repo: local`` hooks that keep everything
the manifest says (id, name, entry, args, types, require_serial, ...) except the language, which
becomes ``system``: pre-commit then runs the ``tradelint`` already installed in the interpreter
running the tests (an editable install of this checkout), found first on PATH.

One test (tests/test_precommit_pin.py) runs the hooks as a user's configuration names them: this
repository at a commit SHA, ``language: python``. pre-commit then builds a virtualenv and
pip-installs tradelint from that commit; offline, pip finds tradelint's dependencies and build
backend in a folder of wheels rebuilt from the distributions installed here (:func:`wheelhouse`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import io
import os
import subprocess
import zipfile
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT

MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def manifest_hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def local_config(hooks: list[dict[str, Any]]) -> str:
    """A ``.pre-commit-config.yaml`` running ``hooks`` (entries of a user's config: an id, and
    maybe args) from the manifest, as local hooks."""
    manifest = manifest_hooks()
    local = []
    for entry in hooks:
        hook = {**manifest[entry["id"]], **{k: v for k, v in entry.items() if k != "id"}}
        hook["language"] = "system"
        hook.pop("minimum_pre_commit_version", None)
        local.append(hook)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, sort_keys=False)


def environment(home: Path) -> dict[str, str]:
    """No network, no user configuration: a private HOME and pre-commit cache, git identity set,
    and this interpreter's scripts (``tradelint``) first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        HOME=str(home),
        PRE_COMMIT_HOME=str(home / "pre-commit-cache"),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid",
        GIT_CONFIG_NOSYSTEM="1",
    )
    env.pop("NO_COLOR", None)
    return env


def git_repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True, env=env)
    return path


def sh(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def pre_commit(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return sh([sys.executable, "-m", "pre_commit", *args], cwd, env)


def wheelhouse(dest: Path, names: list[str]) -> Path:
    """Wheels of the installed distributions ``names`` in ``dest``, for ``pip --no-index
    --find-links``: each one's files as its RECORD lists them (bytecode and scripts left out),
    under the tag its WHEEL file names, with a new RECORD."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        dist = importlib.metadata.distribution(name)
        tag = next(line[5:] for line in (dist.read_text("WHEEL") or "").splitlines() if line.startswith("Tag: "))
        wheel_name = dist.metadata["Name"].replace("-", "_").replace(".", "_")
        records: list[tuple[str, str, str]] = []
        info = ""
        with zipfile.ZipFile(dest / f"{wheel_name}-{dist.version}-{tag}.whl", "w", zipfile.ZIP_DEFLATED) as wheel:
            for file in dist.files or []:
                rel = file.as_posix()
                folder, _, leaf = rel.rpartition("/")
                if rel.startswith("..") or "__pycache__" in rel:
                    continue
                if "/" not in folder and folder.endswith(".dist-info") and leaf in (
                    "RECORD", "INSTALLER", "REQUESTED", "direct_url.json"
                ):
                    info = folder  # this distribution's own, rewritten below (vendored ones are kept)
                    continue
                data = Path(str(dist.locate_file(rel))).read_bytes()
                wheel.writestr(rel, data)
                digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                records.append((rel, f"sha256={digest}", str(len(data))))
            record = io.StringIO()
            csv.writer(record, lineterminator="\n").writerows([*records, (f"{info}/RECORD", "", "")])
            wheel.writestr(f"{info}/RECORD", record.getvalue())
    return dest


def installed_dependencies(name: str) -> list[importlib.metadata.Distribution]:
    """What ``pip install NAME`` would install besides ``name`` on this interpreter (markers
    evaluated, extras left out), as the distributions installed here, transitively."""
    from packaging.requirements import Requirement

    todo = [Requirement(r) for r in importlib.metadata.requires(name) or []]
    seen: set[str] = set()
    found = []
    while todo:
        requirement = todo.pop()
        if "extra" in str(requirement.marker or "") or (requirement.marker and not requirement.marker.evaluate()):
            continue
        if requirement.name in seen:
            continue
        seen.add(requirement.name)
        dist = importlib.metadata.distribution(requirement.name)
        found.append(dist)
        todo += [Requirement(r) for r in dist.requires or []]
    return found
