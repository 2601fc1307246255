"""TRD003, ruff's RUF100 for tradelint's codes: unused ``# noqa: TRD...`` codes, reported only
when selected, and removed by a safe fix that keeps what else the comment says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint import cli
from tradelint.api import check_source, fix_source
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.core.suppression import without_codes

SOURCE = """\
import asyncio


async def f(g):
    asyncio.create_task(g())  # noqa: TRD301
    x = 1  # noqa: TRD301, E501
    y = 2  # type: ignore  # noqa: TRD3 - not needed
    # noqa: TRD301
    z = 3  # NOQA: trd302 some reason
    w = 4  # noqa
    v = 5  # noqa: TRD201
    u = 6  # noqa: RUF006
    return x, y, z, w, v, u
"""
FIXED = """\
import asyncio


async def f(g):
    asyncio.create_task(g())  # noqa: TRD301
    x = 1  # noqa: E501
    y = 2  # type: ignore

    z = 3
    w = 4  # noqa
    v = 5  # noqa: TRD201
    u = 6  # noqa: RUF006
    return x, y, z, w, v, u
"""


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_cache()
    monkeypatch.setattr(cli, "clock", lambda: 0.0)


def test_unused_codes_are_reported_with_a_safe_fix() -> None:
    findings = check_source(SOURCE, "m.py", select=["TRD003", "TRD3"])
    assert [(f.line, f.column, f.end_column, f.code, f.message) for f in findings] == [
        (6, 12, 32, "TRD003", "unused `noqa` directive (unused: `TRD301`)"),
        (7, 28, 53, "TRD003", "unused `noqa` directive (unused: `TRD3`)"),
        (8, 5, 19, "TRD003", "unused `noqa` directive (unused: `TRD301`)"),
        (9, 12, 38, "TRD003", "unused `noqa` directive (unused: `TRD302`)"),
    ]
    # The used one (line 5), a bare noqa, another linter's code and a code of a rule that does
    # not run (TRD201: TRD2 not selected) are left alone.
    assert all(f.fix is not None and f.fix.safety == "safe" for f in findings)
    assert findings[0].help == "No finding of it is reported on this line, so the comment only hides future ones"
    result = fix_source(SOURCE, "m.py", select=["TRD003", "TRD3"])
    assert result.text == FIXED and result.fixed == 4 and result.remaining == []
    # Fixed again: nothing more to do.
    assert fix_source(FIXED, "m.py", select=["TRD003", "TRD3"]).text == FIXED


def test_opt_in_like_ruff_s_rule() -> None:
    assert [f.code for f in check_source(SOURCE, "m.py")] == []  # the default selection ("TRD")
    assert [f.code for f in check_source(SOURCE, "m.py", select=["TRD"])] == []
    assert {f.code for f in check_source(SOURCE, "m.py", select=["TRD0", "TRD3"])} == {"TRD003"}
    assert {f.code for f in check_source(SOURCE, "m.py", select=["ALL"])} == {"TRD003"}
    # With every rule running, TRD201 on line 11 is judged too.
    assert [f.line for f in check_source(SOURCE, "m.py", select=["ALL"])] == [6, 7, 8, 9, 11]


def test_cli_fix_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE, encoding="utf-8")
    assert run([str(path), "--no-cache", "--extend-select", "TRD003", "--output-format", "concise"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{path}:6:12: TRD003 [*] unused `noqa` directive (unused: `TRD301`)"
    assert run([str(path), "--no-cache", "--extend-select", "TRD003", "--fix"]) == 0
    # TRD2 runs by default: TRD201 on line 11 is unused too.
    assert path.read_text(encoding="utf-8") == FIXED.replace("    v = 5  # noqa: TRD201\n", "    v = 5\n")


def test_beside_a_fix_that_rewrites_the_whole_module() -> None:
    """A class that gets a method (TRD202's close) is rewritten through the whole module: the
    comment edits give the same text there as in a single statement."""
    source = (
        "import aiohttp\n\n\nclass Feed:\n    def __init__(self) -> None:\n"
        "        self.session = aiohttp.ClientSession()  # noqa: TRD203\n\n"
        "    async def close(self) -> None:\n        pass  # noqa: TRD301\n"
    )
    result = fix_source(source, "m.py", select=["TRD003", "TRD2", "TRD3"])
    assert "# noqa" not in result.text
    assert "        self.session = aiohttp.ClientSession()\n" in result.text
    assert "await self.session.close()" in result.text and result.remaining == []


@pytest.mark.parametrize(
    ("comment", "unused", "expected"),
    [
        ("# noqa: TRD301", {"TRD301"}, ""),
        ("# noqa:TRD301,RUF006", {"TRD301"}, "# noqa:RUF006"),
        ("# noqa: TRD301 TRD302  # why", {"TRD302"}, "# noqa: TRD301  # why"),
        ("# fmt: skip  # noqa: TRD301", {"TRD301"}, "# fmt: skip"),
        ("# noqa", {"TRD301"}, "# noqa"),
    ],
)
def test_without_codes(comment: str, unused: set[str], expected: str) -> None:
    assert without_codes(comment, unused) == expected
