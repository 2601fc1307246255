"""Configuration faults: a clear error naming the file and the key, exit 2, and no partial run
(nothing printed on stdout, nothing fixed). Plus the precedence of ``select`` and ``ignore``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache

BUG = "import asyncio\n\n\nasync def f():\n    asyncio.create_task(g())\n"


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


KNOWN = (
    "select, extend-select, ignore, extend-ignore, per-file-ignores, exclude, resources, task-owners, task-owner-classes, task-keeper, task-drain-seconds, shutdown-methods, renames, "
    "rename-packs, renames-unknown-receivers, preview, check-uncalled-methods, fixable, unfixable, extend, respect-gitignore, runtime"
)

FAULTS: list[tuple[str, bytes, str]] = [
    # broken TOML
    ("unclosed-table", b"[tool.tradelint\nselect = []\n",
     ":1:16: invalid TOML: Expected ']' at the end of a table declaration"),
    ("duplicate-key", b"[tool.tradelint]\nselect = ['TRD']\nselect = ['TRD3']\n",
     ":3:18: invalid TOML: Cannot overwrite a value"),
    ("not-utf8", b"[tool.tradelint]\nexclude = ['caf\xe9']\n", ":2:16: invalid TOML: not UTF-8"),
    ("nested-too-deeply", b"[tool.tradelint]\nx = " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
     ": invalid TOML: nested too deeply"),
    ("section-not-a-table", b"[tool]\ntradelint = 3\n", ":2:1: [tool] key 'tradelint': must be a table"),
    # unknown keys and codes
    ("unknown-key", b"[tool.tradelint]\nselec = ['TRD']\n", ":2:1: [tool.tradelint] key 'selec': unknown key; did you mean 'select'?"),
    ("unknown-key-no-suggestion", b"[tool.tradelint]\nzzz = 1\n", f":2:1: [tool.tradelint] key 'zzz': unknown key (known keys: {KNOWN})"),
    ("unknown-code", b"[tool.tradelint]\nselect = ['TRD999']\n", ":2:1: [tool.tradelint] key 'select': unknown rule code or prefix 'TRD999'"),
    ("unknown-prefix", b"[tool.tradelint]\nignore = ['E501']\n", ":2:1: [tool.tradelint] key 'ignore': unknown rule code or prefix 'E501'"),
    ("unknown-code-per-file", b"[tool.tradelint]\nper-file-ignores = { 'tests/*' = ['XYZ1'] }\n",
     ":2:22: [tool.tradelint] key 'per-file-ignores.tests/*': unknown rule code or prefix 'XYZ1'"),
    # wrong types, every key
    ("select-string", b"[tool.tradelint]\nselect = 'TRD'\n", ":2:1: [tool.tradelint] key 'select': expected a list of strings, got 'TRD'"),
    ("ignore-ints", b"[tool.tradelint]\nignore = [301]\n", ":2:1: [tool.tradelint] key 'ignore': expected a list of strings, got [301]"),
    ("per-file-ignores-list", b"[tool.tradelint]\nper-file-ignores = ['tests/*']\n",
     ":2:1: [tool.tradelint] key 'per-file-ignores': expected a table, got ['tests/*']"),
    ("per-file-ignores-string", b"[tool.tradelint]\nper-file-ignores = { 'tests/*' = 'TRD3' }\n",
     ":2:22: [tool.tradelint] key 'per-file-ignores.tests/*': expected a list of strings, got 'TRD3'"),
    ("exclude-bool", b"[tool.tradelint]\nexclude = true\n", ":2:1: [tool.tradelint] key 'exclude': expected a list of strings, got True"),
    ("resources-list", b"[tool.tradelint]\nresources = ['lib.Client']\n", ":2:1: [tool.tradelint] key 'resources': expected a table, got ['lib.Client']"),
    ("resources-method-int", b"[tool.tradelint]\nresources = { 'lib.Client' = 3 }\n",
     ":2:15: [tool.tradelint] key 'resources.lib.Client': expected a close method name, got 3"),
    ("resources-bad-name", b"[tool.tradelint]\nresources = { 'lib.Cli ent' = 'close' }\n",
     ":2:15: [tool.tradelint] key 'resources.lib.Cli ent': expected a dotted name like 'mylib.Client'"),
    ("task-owners-table", b"[tool.tradelint]\ntask-owners = { a = 1 }\n", ":2:1: [tool.tradelint] key 'task-owners': expected a list of strings, got {'a': 1}"),
    ("shutdown-methods-int", b"[tool.tradelint]\nshutdown-methods = 1\n", ":2:1: [tool.tradelint] key 'shutdown-methods': expected a list of strings, got 1"),
    ("shutdown-methods-keyword", b"[tool.tradelint]\nshutdown-methods = ['finally']\n",
     ":2:1: [tool.tradelint] key 'shutdown-methods': 'finally' is not a method name"),
    ("renames-list", b"[tool.tradelint]\nrenames = ['a']\n", ":2:1: [tool.tradelint] key 'renames': expected a table, got ['a']"),
    ("preview-string", b"[tool.tradelint]\npreview = 'yes'\n", ":2:1: [tool.tradelint] key 'preview': expected true or false, got 'yes'"),
    # conflicting options
    ("select-and-ignore-same-code", b"[tool.tradelint]\nselect = ['TRD3']\nignore = ['TRD3']\n",
     ":3:1: [tool.tradelint] key 'ignore': 'TRD3' is also in 'select'; keep it in one of the two"),
    # rename maps
    ("rename-cycle", b"[tool.tradelint]\nrenames = { 'a' = 'b', 'b' = 'a' }\n",
     ":2:13: [tool.tradelint] key 'renames.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
    ("rename-cycle-qualified", b"[tool.tradelint]\nrenames = { 'pkg.Vat.a' = 'b', 'pkg.Vat.b' = 'a' }\n",
     ":2:13: [tool.tradelint] key 'renames.pkg.Vat.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
    ("rename-cycle-through-unqualified", b"[tool.tradelint]\nrenames = { 'pkg.Vat.a' = 'b', 'b' = 'a' }\n",
     ":2:13: [tool.tradelint] key 'renames.pkg.Vat.a': 'a' -> 'b' and 'b' -> 'a' chain or cycle; give each old name its final new name"),
    ("rename-chain", b"[tool.tradelint]\nrenames = { 'a' = 'b', 'b' = 'c' }\n",
     ":2:13: [tool.tradelint] key 'renames.a': 'a' -> 'b' and 'b' -> 'c' chain or cycle; give each old name its final new name"),
    ("rename-to-itself", b"[tool.tradelint]\nrenames = { 'pkg.Vat.a' = 'a' }\n", ":2:13: [tool.tradelint] key 'renames.pkg.Vat.a': renames an attribute to itself"),
    ("rename-to-invalid", b"[tool.tradelint]\nrenames = { 'a.b' = 'not an id' }\n",
     ":2:13: [tool.tradelint] key 'renames.a.b': the new name must be an identifier, got 'not an id'"),
    ("rename-to-keyword", b"[tool.tradelint]\nrenames = { 'spot_map' = 'class' }\n",
     ":2:13: [tool.tradelint] key 'renames.spot_map': the new name must be an identifier, got 'class'"),
    ("rename-to-dotted", b"[tool.tradelint]\nrenames = { 'spot_map' = 'a.b' }\n",
     ":2:13: [tool.tradelint] key 'renames.spot_map': the new name must be an identifier, got 'a.b'"),
    ("rename-to-number", b"[tool.tradelint]\nrenames = { 'spot_map' = 3 }\n",
     ":2:13: [tool.tradelint] key 'renames.spot_map': the new name must be an identifier, got 3"),
    ("rename-bad-old", b"[tool.tradelint]\nrenames = { 'pkg..a' = 'b' }\n",
     ":2:13: [tool.tradelint] key 'renames.pkg..a': expected 'old_name' or 'package.module.Class.old_name'"),
    # empty or blank values: each would silently check nothing, or everything
    ("select-empty-list", b"[tool.tradelint]\nselect = []\n",
     ":2:1: [tool.tradelint] key 'select': empty list: it would select no rule; remove the key or give a value"),
    ("select-blank", b"[tool.tradelint]\nselect = ['']\n", ":2:1: [tool.tradelint] key 'select': empty entry ''; remove it or give a value"),
    ("ignore-blank", b"[tool.tradelint]\nignore = [' ']\n", ":2:1: [tool.tradelint] key 'ignore': empty entry ' '; remove it or give a value"),
    ("exclude-blank", b"[tool.tradelint]\nexclude = ['']\n", ":2:1: [tool.tradelint] key 'exclude': empty entry ''; remove it or give a value"),
    ("per-file-ignores-blank-glob", b"[tool.tradelint]\nper-file-ignores = { '' = ['TRD3'] }\n",
     ":2:22: [tool.tradelint] key 'per-file-ignores.''': empty glob; remove it or give a pattern"),
    ("per-file-ignores-no-codes", b"[tool.tradelint]\nper-file-ignores = { 'tests/*' = [] }\n",
     ":2:22: [tool.tradelint] key 'per-file-ignores.tests/*': empty list: it ignores nothing; remove the key or give a value"),
    ("per-file-ignores-blank-code", b"[tool.tradelint]\nper-file-ignores = { 'tests/*' = [''] }\n",
     ":2:22: [tool.tradelint] key 'per-file-ignores.tests/*': empty entry ''; remove it or give a value"),
    ("task-owners-blank", b"[tool.tradelint]\ntask-owners = ['hass.async_create_task', '']\n",
     ":2:1: [tool.tradelint] key 'task-owners': empty entry ''; remove it or give a value"),
    ("task-owners-not-a-name", b"[tool.tradelint]\ntask-owners = ['hass.']\n",
     ":2:1: [tool.tradelint] key 'task-owners': 'hass.' is not a dotted name like 'hass.async_create_task'"),
    ("task-owner-classes-list", b"[tool.tradelint]\ntask-owner-classes = ['lib.Scheduler']\n",
     ":2:1: [tool.tradelint] key 'task-owner-classes': expected a table, got ['lib.Scheduler']"),
    ("task-owner-classes-method-int", b"[tool.tradelint]\ntask-owner-classes = { 'lib.Scheduler' = 3 }\n",
     ":2:24: [tool.tradelint] key 'task-owner-classes.lib.Scheduler': expected the method that cancels its tasks, got 3"),
    ("task-owner-classes-bare-name", b"[tool.tradelint]\ntask-owner-classes = { 'Scheduler' = 'cancel_all' }\n",
     ":2:24: [tool.tradelint] key 'task-owner-classes.Scheduler': expected a dotted class name like 'mylib.scheduling.Scheduler'"),
    ("shutdown-methods-blank", b"[tool.tradelint]\nshutdown-methods = ['']\n",
     ":2:1: [tool.tradelint] key 'shutdown-methods': empty entry ''; remove it or give a value"),
    ("rename-packs-blank", b"[tool.tradelint]\nrename-packs = ['']\n",
     ":2:1: [tool.tradelint] key 'rename-packs': empty entry ''; remove it or give a value"),
    ("resources-blank-method", b"[tool.tradelint]\nresources = { 'lib.Client' = '' }\n",
     ":2:15: [tool.tradelint] key 'resources.lib.Client': expected a close method name, got ''"),
    ("rename-blank-key", b"[tool.tradelint]\nrenames = { '' = 'b' }\n",
     ":2:1: [tool.tradelint] key 'renames.': expected 'old_name' or 'package.module.Class.old_name'"),
    ("rename-blank-new", b"[tool.tradelint]\nrenames = { 'a' = '' }\n",
     ":2:13: [tool.tradelint] key 'renames.a': the new name must be an identifier, got ''"),
    # names compared as Python reads them (NFKC): a ligature is the plain name
    ("rename-to-itself-nfkc", "[tool.tradelint]\nrenames = { 'field' = '\ufb01eld' }\n".encode(),
     ":2:13: [tool.tradelint] key 'renames.field': renames an attribute to itself: 'field' once NFKC-normalised, as Python reads names"),
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
    assert captured.err == f"tradelint: error: {tmp_path / 'pyproject.toml'}{message}\n"
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
    assert captured.err == f"tradelint: error: {broken}:2:1: [tool.tradelint] key 'ignore': expected a list of strings, got 'TRD3'\n"
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
    assert captured.err == f"tradelint: error: {config}: {problem}\n"


def test_same_code_selected_and_ignored_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As ruff: not an error; ignore wins a tie, the other selected codes still run."""
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path), "--select", "TRD3,TRD1", "--ignore", "TRD3"]) == 0
    assert run([str(tmp_path), "--select", "TRD3,TRD1", "--ignore", "TRD1"]) == 1
    assert run([str(tmp_path), "--select", "TRD301", "--ignore", "TRD3"]) == 1


def test_every_problem_of_a_file_at_once_with_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        "[project]\nname = 'x'\n\n[tool.tradelint]\nselect = ['TRD999']\nignore = 'x'\nzzz = 1\n\n"
        "[tool.tradelint.renames]\na = 'not id'\n",
        encoding="utf-8",
    )
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"tradelint: error: {config}:5:1: [tool.tradelint] key 'select': unknown rule code or prefix 'TRD999'",
        f"tradelint: error: {config}:6:1: [tool.tradelint] key 'ignore': expected a list of strings, got 'x'",
        f"tradelint: error: {config}:7:1: [tool.tradelint] key 'zzz': unknown key (known keys: {KNOWN})",
        f"tradelint: error: {config}:10:1: [tool.tradelint] key 'renames.a': the new name must be an identifier, got 'not id'",
    ]


def test_broken_toml_elsewhere_in_the_file_does_not_blame_the_tradelint_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.tradelint]\nselect = ['TRD3']\n\n[tool.black]\nline-length = = 3\n", encoding="utf-8")
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"tradelint: error: {config}:5:15: invalid TOML: Invalid value\n"


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("pyproject.toml", "[tool.black]\nline-length = 3\n",
         ": no [tool.tradelint] table; --config takes a pyproject.toml with one, or a tradelint.toml whose "
         "top level is the tradelint table"),
        ("tradelint.toml", "select = ['TRD1']\nbogus = true\n",
         f":2:1: key 'bogus': unknown key (known keys: {KNOWN})"),
    ],
    ids=["pyproject-without-table", "tradelint-toml-error"],
)
def test_config_option_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, body: str, expected: str
) -> None:
    config = tmp_path / "cfg" / name
    config.parent.mkdir()
    config.write_text(body, encoding="utf-8")
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path / "bug.py"), "--config", str(config)]) == 2
    assert capsys.readouterr().err == f"tradelint: error: {config}{expected}\n"


def test_tradelint_toml_is_the_table_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "tradelint.toml"
    config.write_text("select = ['TRD1']\n", encoding="utf-8")
    (tmp_path / "bug.py").write_text(BUG, encoding="utf-8")
    assert run([str(tmp_path / "bug.py"), "--config", str(config)]) == 0
    config.write_text("select = ['TRD3']\n", encoding="utf-8")
    assert run([str(tmp_path / "bug.py"), "--config", str(config)]) == 1


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", ""], "argument --select: empty rule code in ''; give codes or prefixes like 'TRD3,TRD401'"),
        (["--select", " "], "argument --select: empty rule code in ' '; give codes or prefixes like 'TRD3,TRD401'"),
        (["--select", "TRD3,"], "argument --select: empty rule code in 'TRD3,'; give codes or prefixes like 'TRD3,TRD401'"),
        (["--ignore", ""], "argument --ignore: empty rule code in ''; give codes or prefixes like 'TRD3,TRD401'"),
        (["--config", ""], "argument --config: empty path"),
        (["--cache-dir", ""], "argument --cache-dir: empty path"),
    ],
)
def test_empty_flag_values_are_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    bug = tmp_path / "bug.py"
    bug.write_text(BUG, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        run([*args, str(bug)])
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"tradelint: error: {message}"


@pytest.mark.parametrize(
    ("command", "prog"), [([], "tradelint"), (["config"], "tradelint config"), (["renames", "--since", "HEAD"], "tradelint renames")]
)
def test_an_empty_path_is_an_error(capsys: pytest.CaptureFixture[str], command: list[str], prog: str) -> None:
    with pytest.raises(SystemExit) as exc:
        run([*command, ""])
    assert exc.value.code == 2
    name = "PATH" if prog != "tradelint renames" else "path"
    assert capsys.readouterr().err.splitlines()[-1] == f"{prog}: error: argument {name}: empty path"


RENAMED = "def f(vat):\n    return vat.{name}\n"


@pytest.mark.parametrize(
    ("old", "written"),
    [("\ufb01eld_old", "field_old"), ("cafe\u0301_old", "caf\u00e9_old")],
    ids=["ligature", "decomposed"],
)
def test_rename_keys_match_identifiers_as_python_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, written: str
) -> None:
    """A key written with a ligature or in NFD names the attribute Python sees; the new name is
    written NFKC-normalised, and a second run finds nothing left to fix."""
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.tradelint]\nrenames = {{ '{old}' = 'ne\u0301w_name' }}\n", encoding="utf-8"
    )
    code = tmp_path / "code.py"
    code.write_text(RENAMED.format(name=written), encoding="utf-8")
    assert run(["--no-cache", "--fix", "--unsafe-fixes", str(code)]) == 0
    assert code.read_text(encoding="utf-8") == RENAMED.format(name="n\u00e9w_name")
    capsys.readouterr()
    clear_cache()
    assert run(["--no-cache", "--output-format", "concise", str(code)]) == 0
