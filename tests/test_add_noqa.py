"""``--add-noqa`` (issue 31), as ruff's: every line with a finding gets ``# noqa: CODE`` (added
to a ``noqa`` list already there), after which the same check passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache

SOURCE = '''\
import asyncio

import aiohttp

session = aiohttp.ClientSession()


async def f(g):
    asyncio.create_task(g())
    asyncio.ensure_future(g())  # noqa: RUF100 why
    asyncio.create_task(g()); asyncio.create_task(g())  # a comment
    doc = """{}""".format(asyncio.create_task(g()))
    return doc
'''
EXPECTED = '''\
import asyncio

import aiohttp

session = aiohttp.ClientSession()  # noqa: TRD203


async def f(g):
    asyncio.create_task(g())  # noqa: TRD301
    asyncio.ensure_future(g())  # noqa: RUF100, TRD301 why
    asyncio.create_task(g()); asyncio.create_task(g())  # a comment  # noqa: TRD301
    doc = """{}""".format(asyncio.create_task(g()))
    return doc
'''


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)


def test_add_noqa_silences_every_current_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(SOURCE.replace("\n", "\r\n").encode())  # line endings kept
    assert run(["--no-cache", str(path)]) == 1
    capsys.readouterr()
    assert run(["--no-cache", "--add-noqa", str(path)]) == 0
    assert capsys.readouterr() == ("", "Added 4 noqa directives.\n")
    assert path.read_bytes() == EXPECTED.replace("\n", "\r\n").encode()
    assert run(["--no-cache", str(path)]) == 0
    assert run(["--no-cache", "--add-noqa", str(path)]) == 0  # nothing more to add
    assert capsys.readouterr().err.endswith("Added 0 noqa directives.\n")


def test_lines_that_cannot_take_a_comment_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.py"
    source = (
        "import asyncio\n\n\nasync def f(g):\n"
        '    asyncio.create_task(g("""a\n    """))\n'
        "    asyncio.create_task(g()) \\\n        .add_done_callback(print)\n"
        '    asyncio.create_task(g(f"""{g}\n    """))\n'  # an f-string: one token before 3.12, several after
    )
    path.write_text(source, encoding="utf-8")
    assert run(["--no-cache", "--add-noqa", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"tradelint: {path}:5: no noqa added: the line ends inside a string",
        f"tradelint: {path}:7: no noqa added: the line continues with a backslash",
        f"tradelint: {path}:9: no noqa added: the line ends inside a string",
        "Added 0 noqa directives.",
    ]
    assert path.read_text(encoding="utf-8") == source


@pytest.mark.parametrize("other", ["--fix", "--diff", "--statistics"])
def test_add_noqa_is_not_combined(other: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.py").write_text("x = 1\n", encoding="utf-8")
    assert run(["--add-noqa", other, str(tmp_path / "m.py")]) == 2
    assert capsys.readouterr().err == f"tradelint: error: --add-noqa cannot be combined with {other}\n"


def test_a_ruff_code_silences_only_ruff_and_add_noqa_joins_tradelints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``# noqa: RUF006`` is ruff's: TRD301 is still reported there (session 33), and
    ``--add-noqa`` is the way to keep a task meant to dangle quiet in both tools."""
    path = tmp_path / "m.py"
    path.write_text("import asyncio\n\n\nasync def f(g):\n    asyncio.create_task(g())  # noqa: RUF006\n", encoding="utf-8")
    assert run(["--no-cache", "--output-format", "concise", str(path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{path}:5:5: TRD301 [*] task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
    )
    assert run(["--no-cache", "--add-noqa", str(path)]) == 0
    assert path.read_text(encoding="utf-8").splitlines()[-1] == "    asyncio.create_task(g())  # noqa: RUF006, TRD301"
    assert run(["--no-cache", str(path)]) == 0
