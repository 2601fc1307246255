"""``tradelint config``, configuration found by walking up from each file, ``--config``."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import (
    KNOWN_KEYS,
    SHUTDOWN_METHODS,
    Config,
    clear_cache,
    load_config_file,
    parse_config,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"
SESSION = "import aiohttp\n\nsession = aiohttp.ClientSession()\n"
FULL = """[tool.tradelint]
select = ["TRD2", "TRD3"]
ignore = ["TRD203"]
per-file-ignores = { "tests/*" = ["TRD3"], "!src/**" = ["TRD201"] }
exclude = ["generated", "legacy_*.py"]
resources = { "mylib.Client" = "aclose" }
task-owners = ["hass.async_create_task"]
task-keeper = "myapp.tasks.keep_task"
shutdown-methods = ["on_stop"]
renames = { "driftpy.pickle.vat.Vat.spot_map" = "spot_markets", "old_price" = "last_price" }
rename-packs = ["web3-v6"]
renames-unknown-receivers = true
preview = true
"""
DEFAULT_SHUTDOWN = ", ".join(f'"{m}"' for m in SHUTDOWN_METHODS)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_config_prints_the_effective_configuration_and_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = write(tmp_path / "pyproject.toml", FULL)
    write(tmp_path / "myapp" / "__init__.py", "")
    write(tmp_path / "myapp" / "tasks.py", "def keep_task(task):\n    return task\n")  # the keeper named
    test_file = write(tmp_path / "tests" / "test_x.py", BUG)
    assert run(["config", str(test_file)]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"# Effective tradelint configuration for {test_file}\n"
        f"# From: {pyproject}\n"
        "# per-file-ignores add for this file: TRD3, TRD201\n"
        "[tool.tradelint]\n"
        'select = ["TRD2", "TRD3"]\n'
        'ignore = ["TRD203"]\n'
        'per-file-ignores = { "tests/*" = ["TRD3"], "!src/**" = ["TRD201"] }\n'
        'exclude = ["generated", "legacy_*.py"]\n'
        'resources = { "mylib.Client" = "aclose" }\n'
        'task-owners = ["hass.async_create_task"]\n'
        "task-owner-classes = {}  # on top of python-discord's Scheduler (pydis_core, botcore): cancel_all\n"
        'task-keeper = "myapp.tasks.keep_task"\n'
        "task-drain-seconds = 5.0\n"
        f'shutdown-methods = [{DEFAULT_SHUTDOWN}, "on_stop"]  # the built-in names are always included\n'
        'renames = { "driftpy.pickle.vat.Vat.spot_map" = "spot_markets", "old_price" = "last_price" }\n'
        'rename-packs = ["web3-v6"]\n'
        "renames-unknown-receivers = true\n"
        "preview = true\n"
        "check-uncalled-methods = false\n"
        'fixable = ["ALL"]\n'
        "unfixable = []\n"
        "respect-gitignore = true\n"
        "runtime = false\n"
    )
    # What it prints is configuration: read back, it is the same configuration.
    printed = parse_config(tomllib.loads(out)["tool"]["tradelint"], pyproject)
    assert printed == load_config_file(pyproject)
    assert [line.split(" = ")[0] for line in out.splitlines()[4:]] == [k for k in KNOWN_KEYS if not k.startswith("extend")]

    legacy = write(tmp_path / "src" / "legacy_api.py", "x = 1\n")
    assert run(["config", str(legacy)]) == 0
    assert capsys.readouterr().out.splitlines()[2] == "# This file matches `exclude`: skipped when its folder is checked"


def test_config_defaults_and_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    write(project / "app.py", BUG)
    assert run(["config", str(project)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:3] == [
        f"# Effective tradelint configuration for {project}",
        f"# From: built-in defaults (no .tradelint.toml, tradelint.toml or pyproject.toml with [tool.tradelint] "
        f"in {project} or above)",
        "[tool.tradelint]",
    ]
    printed = parse_config(tomllib.loads(out)["tool"]["tradelint"], project / "pyproject.toml")
    assert dataclasses.replace(printed, root=None, source=None) == Config()
    other = write(tmp_path / "other.toml", '[tool.tradelint]\nignore = ["TRD301"]\n')
    assert run(["config", str(project), "--config", str(other)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == f"# From: {other} (--config)"
    assert 'ignore = ["TRD301"]' in lines


def test_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "pyproject.toml", "[tool.tradelint]\nignor = ['TRD301']\n")
    assert run(["config", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"tradelint: error: {tmp_path / 'pyproject.toml'}:2:1: [tool.tradelint] key 'ignor': unknown key; "
        "did you mean 'ignore'?\n"
    )
    assert run(["config", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err == f"tradelint: error: {tmp_path / 'missing'}: no such file or directory\n"


def test_each_file_uses_its_nearest_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As ruff: the closest pyproject.toml with the tool's table, per file; one without the
    table is passed over; no inheritance between them; relative globs from each file's folder."""
    write(tmp_path / "pyproject.toml", "[tool.tradelint]\nper-file-ignores = { 'tests/*' = ['TRD3'] }\n")
    write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'a'\n")  # no [tool.tradelint]: skipped
    write(tmp_path / "b" / "pyproject.toml", "[tool.tradelint]\nignore = ['TRD203']\n")
    files = {
        "top.py": BUG + SESSION,
        "tests/t.py": BUG,
        "a/tests/t.py": BUG,  # root's "tests/*" is rooted at the root: does not reach a/tests
        "a/m.py": SESSION,
        "b/m.py": SESSION,  # b ignores TRD203
        "b/tests/t.py": BUG,  # b's table replaces the root's: its per-file-ignores do not apply
    }
    for name, text in files.items():
        write(tmp_path / name, text)
    assert run([str(tmp_path), "--output-format", "concise", "-q"]) == 1
    reported = sorted(
        (Path(line.split(":")[0]).relative_to(tmp_path).as_posix(), line.split(": ")[1].split()[0])
        for line in capsys.readouterr().out.splitlines()
    )
    assert reported == [
        ("a/m.py", "TRD203"),
        ("a/tests/t.py", "TRD301"),
        ("b/tests/t.py", "TRD301"),
        ("top.py", "TRD203"),
        ("top.py", "TRD301"),
    ]
    assert run(["config", str(tmp_path / "a" / "m.py")]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"# From: {tmp_path / 'pyproject.toml'}"
    assert run(["config", str(tmp_path / "b" / "m.py")]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"# From: {tmp_path / 'b' / 'pyproject.toml'}"

    # --config replaces every one of them, for every file; its globs are rooted at its folder.
    override = write(tmp_path / "ci" / "tradelint.toml", "select = ['TRD2']\n")  # the table itself, as ruff.toml
    assert run([str(tmp_path), "--output-format", "concise", "-q", "--config", str(override)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sorted(Path(line.split(":")[0]).relative_to(tmp_path).as_posix() for line in out) == [
        "a/m.py", "b/m.py", "top.py",
    ]
