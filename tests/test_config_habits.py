"""Configuration habits ruff users bring (issue 31): ``--exclude``/``--extend-exclude`` and
``--per-file-ignores`` on the command line, ``fixable``/``unfixable``, ``tradelint.toml`` and
``.tradelint.toml`` found like ``ruff.toml``, and ``extend``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache, config_for

BUG = "import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())\n"
SESSION = "import aiohttp\n\nsession = aiohttp.ClientSession()\n"  # TRD203, no fix


@pytest.fixture(autouse=True)
def _project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    monkeypatch.chdir(tmp_path)


def write(path: str, text: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def found(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    """``path:line CODE`` of each finding of a concise run."""
    run(["--no-cache", "--output-format", "concise", "-q", *args])
    rows = [line.split(": ", 1) for line in capsys.readouterr().out.splitlines()]
    return [f"{where} {rest.split()[0]}" for where, rest in rows]


def test_cli_exclude_and_extend_exclude(capsys: pytest.CaptureFixture[str]) -> None:
    write("pyproject.toml", '[tool.tradelint]\nexclude = ["generated"]\n')
    for name in ("src/a.py", "src/legacy_b.py", "generated/c.py", "other/d.py"):
        write(name, BUG)
    assert found(capsys, ".") == ["other/d.py:5:5 TRD301", "src/a.py:5:5 TRD301", "src/legacy_b.py:5:5 TRD301"]
    # --extend-exclude adds to the file's exclude; a name pattern matches at any depth.
    assert found(capsys, "--extend-exclude", "legacy_*.py,other", ".") == ["src/a.py:5:5 TRD301"]
    # --exclude replaces it: generated/ is checked again.
    assert found(capsys, "--exclude", "legacy_*.py", ".") == [
        "generated/c.py:5:5 TRD301", "other/d.py:5:5 TRD301", "src/a.py:5:5 TRD301"
    ]
    # Relative to the current folder, like ruff's command-line patterns.
    assert found(capsys, "--exclude", "src/*", ".") == ["generated/c.py:5:5 TRD301", "other/d.py:5:5 TRD301"]
    # A file named on the command line is still checked, unless --force-exclude.
    assert found(capsys, "--exclude", "src", "src/a.py") == ["src/a.py:5:5 TRD301"]
    assert found(capsys, "--exclude", "src", "--force-exclude", "src/a.py") == []


def test_cli_per_file_ignores(capsys: pytest.CaptureFixture[str]) -> None:
    write("pyproject.toml", '[tool.tradelint]\nper-file-ignores = { "tests/*" = ["TRD3"] }\n')
    write("tests/t.py", BUG + SESSION.replace("import aiohttp\n\n", "import aiohttp\n"))
    write("app.py", BUG)
    assert found(capsys, ".") == ["app.py:5:5 TRD301", "tests/t.py:7:11 TRD203"]
    # Added to the file's:
    assert found(capsys, "--extend-per-file-ignores", "tests/*:TRD2,app.py:TRD301", ".") == []
    # Instead of the file's: tests/ gets its TRD301 back.
    assert found(capsys, "--per-file-ignores", "tests/*:TRD2", ".") == ["app.py:5:5 TRD301", "tests/t.py:5:5 TRD301"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--per-file-ignores", "tests/*"], "expected PATTERN:CODE pairs like 'tests/*:TRD3', got 'tests/*'"),
        (["--per-file-ignores", "tests/*:TRD999"], "unknown rule code or prefix 'TRD999'"),
        (["--exclude", "a,,b"], "empty pattern in 'a,,b'"),
        (["--exclude", "[ab"], "unclosed character class in '[ab'"),
    ],
)
def test_cli_pattern_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run([*args, "."])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_fixable_and_unfixable(capsys: pytest.CaptureFixture[str]) -> None:
    write("bug.py", BUG)
    write("pyproject.toml", '[tool.tradelint]\nunfixable = ["TRD301"]\n')
    # Not marked fixable, not fixed, as ruff's unfixable.
    assert run(["--no-cache", "--output-format", "concise", "bug.py"]) == 1
    out = capsys.readouterr().out
    assert " TRD301 task from" in out and "none fixable" in out
    assert run(["--no-cache", "--fix", "bug.py"]) == 1
    assert Path("bug.py").read_text(encoding="utf-8") == BUG
    capsys.readouterr()
    # fixable narrows, the longer prefix wins, unfixable on a tie.
    write("pyproject.toml", '[tool.tradelint]\nfixable = ["TRD2"]\n')
    clear_cache()
    assert not config_for(Path("bug.py")).fix_allowed("TRD301") and config_for(Path("bug.py")).fix_allowed("TRD201")
    write("pyproject.toml", '[tool.tradelint]\nfixable = ["TRD301"]\nunfixable = ["TRD3"]\n')
    clear_cache()
    assert config_for(Path("bug.py")).fix_allowed("TRD301") and not config_for(Path("bug.py")).fix_allowed("TRD302")
    assert run(["--no-cache", "--fix", "bug.py"]) == 0
    assert "_keep_task(asyncio.create_task(g()))" in Path("bug.py").read_text(encoding="utf-8")


def test_fixable_errors_name_file_and_key(capsys: pytest.CaptureFixture[str]) -> None:
    write("bug.py", BUG)
    write("pyproject.toml", '[tool.tradelint]\nfixable = []\nunfixable = ["TRD3O1"]\n')
    assert run(["bug.py"]) == 2
    where = Path("pyproject.toml").resolve()
    assert capsys.readouterr().err.splitlines() == [
        f"tradelint: error: {where}:2:1: [tool.tradelint] key 'fixable': empty list: no fix would apply; "
        "remove the key or give a value",
        f"tradelint: error: {where}:3:1: [tool.tradelint] key 'unfixable': unknown rule code or prefix "
        "'TRD3O1'; did you mean 'TRD301'?",
    ]


def test_tradelint_toml_is_found_like_ruff_toml(capsys: pytest.CaptureFixture[str]) -> None:
    write("pkg/bug.py", BUG + SESSION.replace("import aiohttp\n\n", "import aiohttp\n"))
    write("pyproject.toml", '[tool.tradelint]\nignore = ["TRD2"]\n')
    assert found(capsys, "pkg") == ["pkg/bug.py:5:5 TRD301"]
    # In the same folder: tradelint.toml before pyproject.toml, .tradelint.toml before both.
    write("tradelint.toml", 'ignore = ["TRD3"]\n')
    clear_cache()
    assert found(capsys, "pkg") == ["pkg/bug.py:7:11 TRD203"]
    write(".tradelint.toml", 'select = ["TRD301"]\n')
    clear_cache()
    assert found(capsys, "pkg") == ["pkg/bug.py:5:5 TRD301"]
    # Nearer wins: one in pkg/ applies to pkg/ whole (nothing inherited).
    write("pkg/tradelint.toml", 'select = ["TRD203"]\n')
    clear_cache()
    assert found(capsys, "pkg") == ["pkg/bug.py:7:11 TRD203"]
    assert config_for(Path("pkg/bug.py")).source == Path("pkg/tradelint.toml").resolve()
    # Its errors name it, and the key, without a table.
    write("pkg/tradelint.toml", 'selct = ["TRD203"]\n')
    clear_cache()
    assert run(["pkg"]) == 2
    assert capsys.readouterr().err == (
        f"tradelint: error: {Path('pkg/tradelint.toml').resolve()}:1:1: key 'selct': unknown key; did you mean 'select'?\n"
    )


def test_extend(capsys: pytest.CaptureFixture[str]) -> None:
    write("pyproject.toml", '[tool.tradelint]\nignore = ["TRD2"]\nexclude = ["gen"]\nper-file-ignores = { "t_*.py" = ["TRD301"] }\n')
    write("svc/pyproject.toml", '[tool.tradelint]\nextend = "../pyproject.toml"\nextend-ignore = ["TRD302"]\n')
    write("svc/app.py", BUG + SESSION.replace("import aiohttp\n\n", "import aiohttp\n"))
    write("svc/t_app.py", BUG)
    write("svc/gen/x.py", BUG)
    # The base's ignore, exclude and per-file-ignores apply, its globs relative to its own folder.
    assert found(capsys, "svc") == ["svc/app.py:5:5 TRD301"]
    config = config_for(Path("svc/app.py"))
    assert config.ignore == ("TRD2", "TRD302") and config.source == Path("svc/pyproject.toml").resolve()
    # The extending file's own keys win.
    write("svc/pyproject.toml", '[tool.tradelint]\nextend = "../pyproject.toml"\nexclude = []\n')
    clear_cache()
    assert found(capsys, "svc") == ["svc/app.py:5:5 TRD301", "svc/gen/x.py:5:5 TRD301"]
    # Selection adds up along the chain, as ruff's: the base's ignore still applies.
    write("svc/pyproject.toml", '[tool.tradelint]\nextend = "../pyproject.toml"\nignore = ["TRD301"]\n')
    clear_cache()
    assert found(capsys, "svc") == []


@pytest.mark.parametrize(
    ("base", "extend", "error"),
    [
        (None, '"missing.toml"', "[tool.tradelint] key 'extend': no such file: 'missing.toml'"),
        (None, "3", "[tool.tradelint] key 'extend': expected the path of a configuration file, got 3"),
        ('[tool.tradelint]\nextend = "svc/pyproject.toml"\n', '"../pyproject.toml"',
         "[tool.tradelint] key 'extend': 'svc/pyproject.toml' extends this file again (a cycle)"),
    ],
)
def test_extend_errors_name_file_and_key(
    base: str | None, extend: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if base is not None:
        write("pyproject.toml", base)
    write("svc/pyproject.toml", f"[tool.tradelint]\nextend = {extend}\n")
    write("svc/app.py", BUG)
    assert run(["svc/app.py"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tradelint: error: ") and err.rstrip().endswith(error), err
    assert "pyproject.toml:2:1: " in err


def test_extend_a_base_error_names_the_base(capsys: pytest.CaptureFixture[str]) -> None:
    write("base.toml", 'ignore = ["XYZ9"]\n')
    write("svc/tradelint.toml", 'extend = "../base.toml"\n')
    write("svc/app.py", BUG)
    assert run(["svc/app.py"]) == 2
    assert capsys.readouterr().err == (
        f"tradelint: error: {Path('base.toml').resolve()}:1:1: key 'ignore': unknown rule code or prefix 'XYZ9'\n"
    )


def test_gitignore_is_respected_when_walking_a_repository(capsys: pytest.CaptureFixture[str]) -> None:
    from tradelint.core.gitignore import parse

    Path(".git/info").mkdir(parents=True)
    write(".git/info/exclude", "local_*.py\n")
    write(".gitignore", "# build output\nbuild/\n*.gen.py\n/top_only.py\nnotes/**/draft.py\n!keep.gen.py\n")
    write("pkg/.gitignore", "sub/\n!/again.gen.py\nvendored.py  \n")
    for name in (
        "app.py", "build/a.py", "x.gen.py", "keep.gen.py", "top_only.py", "pkg/top_only.py", "notes/a/b/draft.py",
        "notes/draft.py", "pkg/sub/c.py", "pkg/again.gen.py", "pkg/vendored.py", "local_tmp.py", "pkg/build.py",
    ):
        write(name, BUG)
    assert [f.split(":")[0] for f in found(capsys, ".")] == [
        "app.py", "keep.gen.py", "pkg/again.gen.py", "pkg/build.py", "pkg/top_only.py"
    ]
    # As ruff's: --no-respect-gitignore and `respect-gitignore = false` check everything.
    everything = found(capsys, "--no-respect-gitignore", ".")
    assert len(everything) == 12  # all but build/, which is never walked (like dist/, .venv/, ...)
    write("pyproject.toml", "[tool.tradelint]\nrespect-gitignore = false\n")
    clear_cache()
    assert found(capsys, ".") == everything
    # A file named on the command line is checked whatever .gitignore says.
    write("pyproject.toml", "[tool.tradelint]\n")
    clear_cache()
    assert found(capsys, "x.gen.py") == ["x.gen.py:5:5 TRD301"]
    # git's `*` stops at `/`; a line with an escaped trailing space keeps it.
    [line] = parse("src/*.py\n")
    assert line.glob.fullmatch("src/a.py") and not line.glob.fullmatch("src/a/b.py")
    [spaced] = parse("name\\ \n")
    assert spaced.glob.fullmatch("name ")


def test_gitignore_outside_a_repository_is_not_read(capsys: pytest.CaptureFixture[str]) -> None:
    # ruff's walker reads .gitignore only in a git repository.
    write(".gitignore", "*.py\n")
    write("app.py", BUG)
    assert found(capsys, ".") == ["app.py:5:5 TRD301"]
