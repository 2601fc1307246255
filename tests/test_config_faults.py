"""Configuration faults: a clear error naming the file and the key, exit 2, and no partial run
(nothing printed on stdout, nothing fixed). Plus the precedence of ``select`` and ``ignore``."""

from __future__ import annotations

from pathlib import Path

import pytest

from flake8_tradelint.cli import run
from flake8_tradelint.config import clear_cache

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


KNOWN = (
    "select, ignore, per-file-ignores, exclude, resources, task-owners, task-keeper, shutdown-methods, renames, "
    "rename-packs, renames-unknown-receivers, preview"
)

FAULTS: list[tuple[str, bytes, str]] = [
    # broken TOML
    ("unclosed-table", b"[tool.tradelint\nselect = []\n",
     ": invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 16)"),
    ("duplicate-key", b"[tool.tradelint]\nselect = ['TRD']\nselect = ['TRD3']\n",
     ": invalid TOML: Cannot overwrite a value (at line 3, column 18)"),
    ("not-utf8", b"[tool.tradelint]\nexclude = ['caf\xe9']\n", ": invalid TOML: not UTF-8 (at line 2, column 16)"),
    ("nested-too-deeply", b"[tool.tradelint]\nx = " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
     ": invalid TOML: nested too deeply"),
    ("section-not-a-table", b"[tool]\ntradelint = 3\n", ": [tool.tradelint] must be a table"),
    # unknown keys and codes
    ("unknown-key", b"[tool.tradelint]\nselec = ['TRD']\n", " key 'selec': unknown key; did you mean 'select'?"),
    ("unknown-key-no-suggestion", b"[tool.tradelint]\nzzz = 1\n", f" key 'zzz': unknown key (known keys: {KNOWN})"),
    ("unknown-code", b"[tool.tradelint]\nselect = ['TRD999']\n", " key 'select': unknown rule code or prefix 'TRD999'"),
    ("unknown-prefix", b"[tool.tradelint]\nignore = ['E501']\n", " key 'ignore': unknown rule code or prefix 'E501'"),
    ("unknown-code-per-file", b"[tool.tradelint]\nper-file-ignores = { 'tests/*' = ['XYZ1'] }\n",
     " key 'per-file-ignores.tests/*': unknown rule code or prefix 'XYZ1'"),
    # wrong types, every key
    ("select-string", b"[tool.tradelint]\nselect = 'TRD'\n", " key 'select': expected a list of strings, got 'TRD'"),
    ("ignore-ints", b"[tool.tradelint]\nignore = [301]\n", " key 'ignore': expected a list of strings, got [301]"),
    ("per-file-ignores-list", b"[tool.tradelint]\nper-file-ignores = ['tests/*']\n",
     " key 'per-file-ignores': expected a table, got ['tests/*']"),
    ("per-file-ignores-string", b"[tool.tradelint]\nper-file-ignores = { 'tests/*' = 'TRD3' }\n",
     " key 'per-file-ignores.tests/*': expected a list of strings, got 'TRD3'"),
    ("exclude-bool", b"[tool.tradelint]\nexclude = true\n", " key 'exclude': expected a list of strings, got True"),
    ("resources-list", b"[tool.tradelint]\nresources = ['lib.Client']\n", " key 'resources': expected a table, got ['lib.Client']"),
    ("resources-method-int", b"[tool.tradelint]\nresources = { 'lib.Client' = 3 }\n",
     " key 'resources.lib.Client': expected a close method name, got 3"),
    ("resources-bad-name", b"[tool.tradelint]\nresources = { 'lib.Cli ent' = 'close' }\n",
     " key 'resources.lib.Cli ent': expected a dotted name like 'mylib.Client'"),
    ("task-owners-table", b"[tool.tradelint]\ntask-owners = { a = 1 }\n", " key 'task-owners': expected a list of strings, got {'a': 1}"),
    ("shutdown-methods-int", b"[tool.tradelint]\nshutdown-methods = 1\n", " key 'shutdown-methods': expected a list of strings, got 1"),
    ("shutdown-methods-keyword", b"[tool.tradelint]\nshutdown-methods = ['finally']\n",
     " key 'shutdown-methods': 'finally' is not a method name"),
    ("renames-list", b"[tool.tradelint]\nrenames = ['a']\n", " key 'renames': expected a table, got ['a']"),
    ("preview-string", b"[tool.tradelint]\npreview = 'yes'\n", " key 'preview': expected true or false, got 'yes'"),
    # conflicting options
    ("select-and-ignore-same-code", b"[tool.tradelint]\nselect = ['TRD3']\nignore = ['TRD3']\n",
     " key 'ignore': 'TRD3' is also in 'select'; keep it in one of the two"),
    # rename maps
    ("rename-cycle", b"[tool.tradelint]\nrenames = { 'a' = 'b', 'b' = 'a' }\n",
     " key 'renames.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
    ("rename-cycle-qualified", b"[tool.tradelint]\nrenames = { 'pkg.Vat.a' = 'b', 'pkg.Vat.b' = 'a' }\n",
     " key 'renames.pkg.Vat.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
    ("rename-cycle-through-unqualified", b"[tool.tradelint]\nrenames = { 'pkg.Vat.a' = 'b', 'b' = 'a' }\n",
     " key 'renames.pkg.Vat.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
    ("rename-chain", b"[tool.tradelint]\nrenames = { 'a' = 'b', 'b' = 'c' }\n",
     " key 'renames.a': 'a' -> 'b' and 'b' -> 'c' chain or cycle; give each old name its final new name"),
    ("rename-to-itself", b"[tool.tradelint]\nrenames = { 'pkg.Vat.a' = 'a' }\n", " key 'renames.pkg.Vat.a': renames an attribute to itself"),
    ("rename-to-invalid", b"[tool.tradelint]\nrenames = { 'a.b' = 'not an id' }\n",
     " key 'renames.a.b': the new name must be an identifier, got 'not an id'"),
    ("rename-to-keyword", b"[tool.tradelint]\nrenames = { 'spot_map' = 'class' }\n",
     " key 'renames.spot_map': the new name must be an identifier, got 'class'"),
    ("rename-to-dotted", b"[tool.tradelint]\nrenames = { 'spot_map' = 'a.b' }\n",
     " key 'renames.spot_map': the new name must be an identifier, got 'a.b'"),
    ("rename-to-number", b"[tool.tradelint]\nrenames = { 'spot_map' = 3 }\n",
     " key 'renames.spot_map': the new name must be an identifier, got 3"),
    ("rename-bad-old", b"[tool.tradelint]\nrenames = { 'pkg..a' = 'b' }\n",
     " key 'renames.pkg..a': expected 'old_name' or 'package.module.Class.old_name'"),
]


@pytest.mark.parametrize(("toml", "message"), [(t, m) for _, t, m in FAULTS], ids=[i for i, _, _ in FAULTS])
@pytest.mark.parametrize("mode", [[], ["--fix"], ["--diff"]], ids=["check", "fix", "diff"])
def test_config_fault_stops_the_run_before_any_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: bytes, message: str, mode: list[str]
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(toml)
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path), *mode]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"tradelint: error: {tmp_path / 'pyproject.toml'}: [tool.tradelint]{message}\n"
    assert bug.read_text(encoding="utf-8") == BUG


def test_a_broken_config_deep_in_the_tree_stops_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Files under a good config come first, but nothing is checked or fixed: all configs load first."""
    first = tmp_path / "a_good" / "bug.py"
    first.parent.mkdir()
    first.write_text(BUG, encoding="utf-8")
    broken = tmp_path / "z_broken" / "pyproject.toml"
    broken.parent.mkdir()
    broken.write_text("[tool.tradelint]\nignore = 'TRD3'\n", encoding="utf-8")
    (broken.parent / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path), "--fix"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"tradelint: error: {broken}: [tool.tradelint] key 'ignore': expected a list of strings, got 'TRD3'\n"
    assert first.read_text(encoding="utf-8") == BUG


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "cannot read file: No such file or directory"),
        (lambda p: p.mkdir(), "a folder, not a regular file"),
        (lambda p: __import__("os").mkfifo(p), "a named pipe, not a regular file"),
    ],
    ids=["missing", "folder", "fifo"],
)
def test_config_option_that_is_not_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, problem: str
) -> None:
    config = tmp_path / "cfg.toml"
    make(config)  # type: ignore[operator]
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path / "bug.py"), "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"tradelint: error: {config}: [tool.tradelint]: {problem}\n"


def test_same_code_selected_and_ignored_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        run([str(tmp_path), "--select", "TRD3,TRD1", "--ignore", "TRD3"])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.endswith(
        "tradelint: error: TRD3 both selected and ignored; remove it from one of --select and --ignore\n"
    )


# -- precedence, as ruff: the more specific prefix wins; ignore wins a tie; the command line's
# ``--select`` replaces the file's select and ignore; ``--ignore`` and per-file-ignores always remove.


@pytest.mark.parametrize(
    ("toml", "args", "reported"),
    [
        ("select = ['TRD301']\nignore = ['TRD3']", [], True),
        ("select = ['TRD3']\nignore = ['TRD301']", [], False),
        ("select = ['TRD30']\nignore = ['TRD3']", [], True),
        ("ignore = ['TRD301']", ["--select", "TRD301"], True),
        ("ignore = ['TRD3']", ["--select", "TRD"], True),
        ("select = ['TRD301']", ["--ignore", "TRD3"], False),
        ("select = ['TRD2']", ["--select", "TRD3"], True),
        ("select = ['TRD301']\nper-file-ignores = { 'bug.py' = ['TRD3'] }", [], False),
        ("per-file-ignores = { 'bug.py' = ['TRD3'] }", ["--select", "TRD301"], False),
    ],
    ids=[
        "specific-select-beats-broad-ignore", "specific-ignore-beats-broad-select", "longer-prefix-wins",
        "cli-select-drops-file-ignore", "cli-select-drops-file-ignore-prefix", "cli-ignore-always-removes",
        "cli-select-replaces-file-select", "per-file-ignores-always-remove", "per-file-ignores-beat-cli-select",
    ],
)
def test_select_and_ignore_precedence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, args: list[str], reported: bool
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.tradelint]\n{toml}\n", encoding="utf-8")
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path), *args]) == (1 if reported else 0)
    out = capsys.readouterr().out
    assert (": TRD301 " in out) == reported
