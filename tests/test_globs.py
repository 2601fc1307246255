"""``per-file-ignores`` and ``exclude`` globs behave as ruff's: stated exactly, and compared with
the real ruff on the same tree (ruff's F401 where tradelint has TRD301)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tradelint.cli import discover
from tradelint.core.config import clear_cache, config_for

FILES = ["tests/a.py", "tests/sub/b.py", "src/tests/c.py", "pkg/__init__.py", "d.py", "src/test_e.py"]
SOURCE = "import os\nimport asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"

# pattern -> the files still reported (not ignored), as ruff 0.17 reports them.
PER_FILE_IGNORES = {
    "tests/*": {"d.py", "pkg/__init__.py", "src/test_e.py", "src/tests/c.py"},  # * crosses /
    "tests/*.py": {"d.py", "pkg/__init__.py", "src/test_e.py", "src/tests/c.py"},
    "tests": set(FILES),  # a folder name alone matches nothing
    "tests/": set(FILES),
    "__init__.py": set(FILES) - {"pkg/__init__.py"},  # the file name, anywhere
    "*.py": set(),
    "test_*.py": set(FILES) - {"src/test_e.py"},
    "**/tests/*": {"d.py", "pkg/__init__.py", "src/test_e.py"},
    "*/tests/*": {"d.py", "pkg/__init__.py", "src/test_e.py", "tests/a.py", "tests/sub/b.py"},
    "tests/**": {"d.py", "pkg/__init__.py", "src/test_e.py", "src/tests/c.py"},
    "!tests/*": {"tests/a.py", "tests/sub/b.py"},  # negated: everything else is ignored
    "!src/**": {"src/test_e.py", "src/tests/c.py"},
    "src/test_?.py": set(FILES) - {"src/test_e.py"},
    "{src,pkg}/*": {"d.py", "tests/a.py", "tests/sub/b.py"},
    "src/[t]est_e.py": set(FILES) - {"src/test_e.py"},
    "./tests/*": {"d.py", "pkg/__init__.py", "src/test_e.py", "src/tests/c.py"},
    "tests/*/b.py": set(FILES) - {"tests/sub/b.py"},
    "sub/b.py": set(FILES),
    "[!d].py": {"d.py", "pkg/__init__.py", "src/test_e.py"},
}

# pattern -> the files a folder walk checks.
EXCLUDE = {
    "tests": {"d.py", "pkg/__init__.py", "src/test_e.py"},  # any folder named tests
    "src/tests": set(FILES) - {"src/tests/c.py"},
    "sub": set(FILES) - {"tests/sub/b.py"},
    "test_*.py": set(FILES) - {"src/test_e.py"},
    "pkg/*": set(FILES) - {"pkg/__init__.py"},
    "*/tests/*": set(FILES) - {"src/tests/c.py"},
    "{d,src/test_e}.py": {"tests/a.py", "tests/sub/b.py", "src/tests/c.py", "pkg/__init__.py"},
}


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    for name in FILES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SOURCE, encoding="utf-8")
    return tmp_path


def _write_config(root: Path, key: str, pattern: str) -> None:
    value = f"{{ {json.dumps(pattern)} = [CODE] }}" if key == "per-file-ignores" else f"[{json.dumps(pattern)}]"
    (root / "pyproject.toml").write_text(
        f"[tool.ruff]\n{'exclude = ' + value if key == 'exclude' else ''}\n"
        f"[tool.ruff.lint]\nselect = [\"F401\"]\n{key + ' = ' + value.replace('CODE', json.dumps('F401')) if key != 'exclude' else ''}\n"
        f"[tool.tradelint]\n{key} = {value.replace('CODE', json.dumps('TRD301'))}\n",
        encoding="utf-8",
    )
    clear_cache()


def _tradelint_reported(root: Path) -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in (root / name for name in FILES)
        if config_for(path).enabled("TRD301", path)
    }


def _tradelint_walked(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in discover([root], None)}


def _ruff(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=root, capture_output=True, text=True,
        env={**os.environ, "RUFF_NO_CACHE": "true"},
    )


@pytest.mark.parametrize("pattern", PER_FILE_IGNORES)
def test_per_file_ignores(tree: Path, pattern: str) -> None:
    _write_config(tree, "per-file-ignores", pattern)
    assert _tradelint_reported(tree) == PER_FILE_IGNORES[pattern]


@pytest.mark.parametrize("pattern", EXCLUDE)
def test_exclude(tree: Path, pattern: str) -> None:
    _write_config(tree, "exclude", pattern)
    assert _tradelint_walked(tree) == EXCLUDE[pattern]


def test_ruff_agrees(tree: Path) -> None:
    """The tables above are what the real ruff does with the same patterns."""
    for pattern, expected in PER_FILE_IGNORES.items():
        _write_config(tree, "per-file-ignores", pattern)
        proc = _ruff(tree, "check", "--output-format", "json", ".")
        assert proc.returncode in (0, 1), proc.stderr
        by_ruff = {Path(d["filename"]).relative_to(tree).as_posix() for d in json.loads(proc.stdout)}
        assert by_ruff == expected == _tradelint_reported(tree), pattern
    for pattern, expected in EXCLUDE.items():
        _write_config(tree, "exclude", pattern)
        proc = _ruff(tree, "check", "--show-files", ".")
        assert proc.returncode == 0, proc.stderr
        shown = {Path(line).relative_to(tree).as_posix() for line in proc.stdout.splitlines() if line.endswith(".py")}
        assert shown == expected == _tradelint_walked(tree), pattern


def test_force_exclude_on_named_files_agrees_with_ruff(tree: Path) -> None:
    _write_config(tree, "exclude", "tests")
    named = [tree / "tests" / "sub" / "b.py", tree / "d.py"]
    proc = _ruff(tree, "check", "--force-exclude", "--show-files", *map(str, named))
    assert proc.returncode == 0, proc.stderr
    assert [Path(line).name for line in proc.stdout.splitlines()] == ["d.py"]
    assert list(discover(named, None, force_exclude=True)) == [tree / "d.py"]
    assert list(discover(named, None)) == named  # without it, a named file is always checked


def test_matching_is_linear_in_the_path_whatever_the_pattern() -> None:
    """``*a*a*a*a*a*a*b`` against a long run of ``a``: a backtracking regex tries every way of
    splitting the run between the stars (minutes); the automaton follows each character once."""
    from tradelint.core.globs import Glob

    steps = 0
    real = Glob._step

    def counting(self: Glob, current: frozenset[int], char: str) -> frozenset[int]:
        nonlocal steps
        steps += 1
        return real(self, current, char)

    glob = Glob("*a*a*a*a*a*a*b")
    Glob._step = counting  # type: ignore[method-assign]
    try:
        for length in (1_000, 4_000):
            steps = 0
            assert not glob.fullmatch("a" * length)
            assert steps == length
            assert glob.fullmatch("a" * length + "b")
    finally:
        Glob._step = real  # type: ignore[method-assign]


def test_a_pathological_per_file_ignores_glob_in_a_real_run(tmp_path: Path) -> None:
    """The same pattern in ``per-file-ignores``, a path of 1,000 ``a``: the run ends at once (a
    backtracking matcher does not end within the timeout)."""
    folder = tmp_path
    for _ in range(4):
        folder = folder / ("a" * 250)
    folder.mkdir(parents=True)
    (folder / "aaaa.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tradelint]\nper-file-ignores = { "*a*a*a*a*a*a*b" = ["TRD301"] }\n', encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "tradelint", "--no-cache", "--output-format", "concise", "--quiet", str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 1 and proc.stdout.count("TRD301") == 1
