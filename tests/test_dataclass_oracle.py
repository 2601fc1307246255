"""TRD101-103 against CPython: every reported shape, and every shape that must not be reported, is
built under the running interpreter and asked what its instances really see.

``tests/data/oracle/project`` holds small packages (stdlib makers in every spelling, attrs,
project-made makers of both kinds, bases in other modules and in an installed package, which is
``tests/data/oracle/site`` put on the path). Each probed line carries one marker:

- ``# error: TRD10x``: reported, and CPython must confirm the claim: the value on that line (or,
  for a declaration, a subclass's plain value of that name) never reaches an instance;
- ``# runtime: seen``: not reported, and instances do see the value;
- ``# runtime: shadowed -- why``: not reported although the value is shadowed (a lower-case field,
  an explicit ``field()``, a maker whose runtime is not modelled), the reason written out;
- ``# runtime: error -- why``: not reported; a subclass's plain value fails loudly (pydantic).

The findings must be exactly the ``error`` markers, and every probe must come out as marked: a
rule claim that CPython contradicts fails here.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mypy import api as mypy_api

from tradelint.core.config import config_for
from tradelint.runner.engine import Checker
from tests.conftest import FIXTURES, ROOT
from tests.markers import expected_findings

ORACLE = ROOT / "tests" / "data" / "oracle"
PROJECT = ORACLE / "project"
SITE = ORACLE / "site"
FILES = sorted(PROJECT.rglob("*.py"))
RUNTIME = re.compile(r"#\s*runtime:\s*(?P<outcome>seen|shadowed|error)\b")
TRD1 = ("TRD101", "TRD102", "TRD103")
# The fixtures of the three rules and of their import spellings, checked by mypy with the plugin.
AGREEMENT_FIXTURES = ["TRD101.py", "TRD102.py", "TRD103.py", "aliases.py"]
MYPY_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<message>.*?)  \[(?P<code>trd10[123])\]$")

# Run in a fresh interpreter: for each probe, build the class (or a plain subclass of it that
# sets the name), construct an instance with None for each required parameter, and say whether
# the instance sees the value.
PROBE = r"""
import importlib, inspect, json, sys

def build(cls):
    args, kwargs = [], {}
    for p in inspect.signature(cls).parameters.values():
        if p.default is not inspect.Parameter.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.kind is p.POSITIONAL_ONLY:
            args.append(None)
        else:
            kwargs[p.name] = None
    return cls(*args, **kwargs)

results = []
for module, cls_name, name, mode in json.loads(sys.argv[1]):
    cls = getattr(importlib.import_module(module), cls_name)
    if mode == "own" and name not in cls.__dict__:
        mode = "subclass"  # ``x = attr.ib()`` declares a field; attrs removes it from the class
    try:
        if mode == "subclass":
            value = object()
            cls = type(cls)("Probe", (cls,), {name: value, "__module__": module})
        else:
            value = cls.__dict__[name]
        instance = build(cls)
    except Exception as error:
        results.append("error")  # the class or the instance cannot be made: loud, not silent
        continue
    results.append("seen" if getattr(instance, name, None) is value else "shadowed")
print(json.dumps(results))
"""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _probes() -> list[tuple[Path, int, str, tuple[str, str, str, str]]]:
    """(file, line, expected outcome, probe) for every marked line in a class body."""
    probes = []
    for path in FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        errors = {line: code for line, code in expected_findings(path)}
        tree = ast.parse("\n".join(lines))
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
            for stmt in cls.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    name, declares = stmt.target.id, True
                elif isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                    name, declares = stmt.targets[0].id, False
                else:
                    continue
                code = errors.get(stmt.lineno)
                marker = RUNTIME.search(lines[stmt.lineno - 1])
                if code is None and marker is None:
                    continue
                if code is not None:
                    # TRD101/TRD103 claim a subclass's value is lost; TRD102 that this one is.
                    expected, mode = "shadowed", ("own" if code == "TRD102" else "subclass")
                else:
                    assert marker is not None
                    expected, mode = marker["outcome"], ("subclass" if declares else "own")
                probes.append((path, stmt.lineno, expected, (_module_name(path), cls.name, name, mode)))
    return probes


Message = tuple[str, int, str, str]  # path, line, code, message


def cli_messages(paths: list[Path], base: Path) -> set[Message]:
    # The installed package is found the way the CLI finds any: on sys.path, without importing it.
    sys.path.insert(0, str(SITE))
    importlib.invalidate_caches()
    try:
        checker = Checker()
        return {
            (path.relative_to(base).as_posix(), f.line, f.code, f.message)
            for path in paths
            for f in checker.check_path(path, config_for(path))
            if f.code in TRD1
        }
    finally:
        sys.path.remove(str(SITE))


@pytest.fixture(scope="module")
def cli() -> set[Message]:
    return cli_messages(FILES, PROJECT)


@pytest.fixture(scope="module")
def findings(cli: set[Message]) -> dict[Path, set[tuple[int, str]]]:
    found: dict[Path, set[tuple[int, str]]] = {path: set() for path in FILES}
    for path, line, code, _ in cli:
        found[PROJECT / path].add((line, code))
    return found


def mypy_messages(cwd: Path, targets: list[str], tmp: Path) -> set[Message]:
    """What mypy with the plugin reports, the installed package on its search path."""
    config = tmp / "mypy.ini"
    config.write_text(
        f"[mypy]\nplugins = mypy_plugin\npython_version = 3.11\nignore_missing_imports = True\nmypy_path = {SITE}\n",
        encoding="utf-8",
    )
    before = os.getcwd()
    os.chdir(cwd)
    try:
        stdout, stderr, status = mypy_api.run(
            ["--config-file", str(config), "--cache-dir", str(tmp / "cache"), "--no-error-summary",
             "--hide-error-context", "--python-executable", sys.executable, *targets]
        )
    finally:
        os.chdir(before)
    assert status in (0, 1), stdout + stderr
    found = set()
    for line in stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match and not Path(match["path"]).is_absolute() and not match["path"].startswith(".."):
            found.add((Path(match["path"]).as_posix(), int(match["line"]), match["code"].upper(), match["message"]))
    return found


@pytest.fixture(scope="module")
def runtime() -> dict[tuple[Path, int], str]:
    probes = _probes()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT), str(SITE)]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([p[3] for p in probes])],
        capture_output=True, text=True, env=env, cwd=str(PROJECT), check=False,
    )
    assert result.returncode == 0, result.stderr
    outcomes = json.loads(result.stdout)
    return {(path, line): outcome for (path, line, _, _), outcome in zip(probes, outcomes)}


def test_every_marked_line_is_probed() -> None:
    probes = _probes()
    marked = {
        (path, number)
        for path in FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RUNTIME.search(line) or re.search(r"#\s*error:", line)
    }
    assert {(path, line) for path, line, _, _ in probes} == marked
    assert len(probes) >= 120


@pytest.mark.parametrize("path", [p for p in FILES if p.name != "__init__.py"], ids=lambda p: p.relative_to(PROJECT).as_posix())
def test_findings_are_exactly_the_markers(path: Path, findings: dict[Path, set[tuple[int, str]]]) -> None:
    expected = {(line, code) for line, code in expected_findings(path) if code in TRD1}
    assert sorted(findings[path] - expected) == [], "reported, not marked"
    assert sorted(expected - findings[path]) == [], "marked, not reported"


def test_cpython_confirms_every_marker(runtime: dict[tuple[Path, int], str]) -> None:
    wrong = [
        f"{path.relative_to(PROJECT)}:{line}: marked {expected}, CPython: {runtime[(path, line)]}"
        for path, line, expected, _ in _probes()
        if runtime[(path, line)] != expected
    ]
    assert wrong == []


def test_cpython_confirms_every_reported_finding(
    findings: dict[Path, set[tuple[int, str]]], runtime: dict[tuple[Path, int], str]
) -> None:
    # Independent of the markers: whatever tradelint reports, the runtime must agree with.
    contradicted = [
        f"{path.relative_to(PROJECT)}:{line}: {code}, CPython: {runtime.get((path, line), 'not probed')}"
        for path, reported in findings.items()
        for line, code in sorted(reported)
        if runtime.get((path, line)) != "shadowed"
    ]
    assert contradicted == []


def test_mypy_plugin_agrees_with_the_cli_on_the_oracle(cli: set[Message], tmp_path: Path) -> None:
    packages = sorted({p.relative_to(PROJECT).parts[0] for p in FILES})
    reported = mypy_messages(PROJECT, [arg for package in packages for arg in ("-p", package)], tmp_path)
    assert sorted(reported - cli) == [], "mypy only"
    assert sorted(cli - reported) == [], "CLI only"


@pytest.mark.slow
def test_mypy_plugin_agrees_with_the_cli_on_the_fixtures(tmp_path: Path) -> None:
    paths = [FIXTURES / name for name in AGREEMENT_FIXTURES]
    expected = cli_messages(paths, FIXTURES)
    assert {code for _, _, code, _ in expected} == set(TRD1)
    reported = mypy_messages(FIXTURES, AGREEMENT_FIXTURES, tmp_path)
    assert sorted(reported - expected) == [], "mypy only"
    assert sorted(expected - reported) == [], "CLI only"
