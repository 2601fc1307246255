"""``--fix`` cost is linear in the number of fixes and in the size of the edited statement.

Asserted as algorithmic properties (how many libcst parses, position comparisons and statement
look-ups a fix needs), not as times: ``benchmarks/fix_scale.py`` measures the times."""

from __future__ import annotations

from pathlib import Path

import libcst
import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.fixes import codemods, regions


def tasks(n: int) -> str:
    return "import asyncio\n\n\nasync def main():\n" + "".join(f"    asyncio.create_task(job_{i}())\n" for i in range(n))


def renames(n: int) -> str:
    return "def f(vat):\n    table = {\n" + "".join(f'        "k{i}": vat.old_x + {i},\n' for i in range(n)) + "    }\n    return table\n"


@pytest.fixture(autouse=True)
def _fresh() -> None:
    clear_cache()


class Counts:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.parses = 0
        self.compares = 0
        self.contains = 0
        real_parse, real_at, real_contains = libcst.parse_module, codemods._at, regions._contains

        def parse(*args: object, **kwargs: object) -> libcst.Module:
            self.parses += 1
            return real_parse(*args, **kwargs)  # type: ignore[arg-type]

        def at(*args: object, **kwargs: object) -> bool:
            self.compares += 1
            return bool(real_at(*args, **kwargs))  # type: ignore[arg-type]

        def contains(*args: object) -> bool:
            self.contains += 1
            return bool(real_contains(*args))  # type: ignore[arg-type]

        monkeypatch.setattr(libcst, "parse_module", parse)
        monkeypatch.setattr(regions.cst, "parse_module", parse)
        monkeypatch.setattr(codemods.cst, "parse_module", parse)
        monkeypatch.setattr(codemods, "_at", at)
        monkeypatch.setattr(regions, "_contains", contains)


def _fix(tmp_path: Path, text: str, *extra: str) -> tuple[int, str]:
    path = tmp_path / "many.py"
    path.write_text(text, encoding="utf-8")
    code = run(["--no-cache", "--quiet", "--fix", *extra, str(path)])
    return code, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("n", [500, 2000])
def test_many_fixes_in_one_function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    counts = Counts(monkeypatch)
    code, fixed = _fix(tmp_path, tasks(n))
    assert code == 0
    assert fixed.count("_keep_task(asyncio.create_task(") == n
    # One libcst parse per 64 KB batch of statements plus the module head, for each of the two
    # passes (the second confirms nothing is left): not one per fix.
    assert counts.parses <= 2 * (2 + len(tasks(n)) // regions.BATCH_CHARS + 1)
    # Each node compares only the edits that start where it starts: no edit x node product.
    assert counts.compares <= 2 * n
    # Each edit finds its statement by bisection: a few containment tests per nesting level.
    assert counts.contains <= 4 * n


def test_many_fixes_in_one_statement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\nrenames = { 'old_x' = 'new_x' }\n", encoding="utf-8")
    counts = Counts(monkeypatch)
    code, fixed = _fix(tmp_path, renames(3000), "--unsafe-fixes")
    assert code == 0 and fixed == renames(3000).replace("old_x", "new_x")
    assert counts.compares <= 2 * 3000
    assert counts.parses <= 4


def test_a_statement_too_large_to_rewrite_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(codemods, "MAX_REWRITE_CHARS", 20_000)
    monkeypatch.setattr(regions, "MAX_REWRITE_CHARS", 20_000)
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\nrenames = { 'old_x' = 'new_x' }\n", encoding="utf-8")
    # Parenthesised, so the renames need libcst (a plain token replacement is spliced as text).
    text = renames(1000).replace("vat.old_x", "(vat.old_x)")
    code, after = _fix(tmp_path, text, "--unsafe-fixes")
    assert code == 1 and after == text
    err = capsys.readouterr().err
    size = len("".join(text.splitlines(keepends=True)[1:-1]))
    assert err == (
        f"tradelint: {tmp_path / 'many.py'}: fix not applied: the statement at lines 2-1003 is too large "
        f"to rewrite safely ({size:,} characters; the limit is 20,000)\n"
    )
