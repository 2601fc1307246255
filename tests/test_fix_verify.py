"""A fixed file is checked as a program before it is written or shown (``fix/verify.py``).

The refusal tests replace the codemod with one that returns a given broken text, so each check
is seen through the CLI with its exact message, whatever the real fixes insert: the file is left
as it was, the finding stays, and ``--diff`` shows nothing for it.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from tradelint import cli
from tradelint.cli import run
from tradelint.core.config import clear_cache
from tradelint.core.fix_plan import Edit
from tradelint.fixes.line_length import LineLimit, line_limit
from tradelint.fixes.unbound_names import unbound_names
from tradelint.runner import fixer

BUG = "import asyncio\n\n\nasync def f() -> None:\n    asyncio.create_task(g())\n"


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "clock", lambda: 0.0)
    clear_cache()
    line_limit.cache_clear()


def _codemod_returning(text: str) -> Callable[..., tuple[str, ast.Module]]:
    def fake(before: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
        return text, ast.parse(text)

    return fake


def _refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], source: str, fixed: str
) -> tuple[Path, str]:
    """Run ``--fix`` on ``source`` with a codemod that writes ``fixed``; return the file and the
    one stderr line, after checking that nothing was written and nothing counts as fixed."""
    bug = tmp_path / "bug.py"
    bug.write_text(source, encoding="utf-8")
    monkeypatch.setattr(fixer, "_apply", _codemod_returning(fixed))
    assert run([str(bug), "--fix", "--quiet"]) == 1
    assert bug.read_text(encoding="utf-8") == source
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{bug}:") and " TRD301 " in captured.out  # the finding stays
    assert run([str(bug), "--fix"]) == 1
    summary = capsys.readouterr().out.splitlines()[-1]
    # A refused fix is no fix: the finding is neither counted fixable nor marked ``[*]``.
    assert summary == "Checked 1 file in 0.00s: fixed 0 findings, 1 remaining (none fixable)."
    assert " TRD301 [*" not in captured.out
    assert run([str(bug), "--diff"]) == 0  # no diff to show: exit 0, as ruff's
    shown = capsys.readouterr()
    assert shown.out == ""
    assert shown.err.splitlines()[-1] == "Checked 1 file in 0.00s: would fix 0 findings in 0 files."
    assert bug.read_text(encoding="utf-8") == source
    return bug, captured.err


def test_a_fix_that_leaves_a_name_unbound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The keeper is imported for type checkers only: at runtime ``keep`` is unbound in ``f``.
    fixed = (
        "import asyncio\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from helpers import keep\n\n\n"
        "async def f() -> None:\n    keep(asyncio.create_task(g()))\n"
    )
    bug, err = _refused(tmp_path, monkeypatch, capsys, BUG, fixed)
    assert err == (
        f"tradelint: {bug}: fix not applied: undefined-name check failed: "
        "`keep` would be unbound at runtime in `f` (line 9)\n"
    )


def test_a_fix_that_does_not_compile_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "from __future__ import annotations\n" + BUG
    # A helper inserted above the ``__future__`` import: it parses, but does not compile.
    fixed = "_tasks = set()\nfrom __future__ import annotations\n\nimport asyncio\n\nasync def f() -> None:\n    pass\n"
    bug, err = _refused(tmp_path, monkeypatch, capsys, source, fixed)
    assert err == (
        f"tradelint: {bug}: fix not applied: compile check failed: the fixed file does not compile: "
        "from __future__ imports must occur at the beginning of the file (line 2)\n"
    )


def test_a_fix_that_moves_the_docstring_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = '"""Tasks."""\nimport asyncio\n\nasync def f() -> None:\n    asyncio.create_task(g())\n'
    fixed = '_tasks = set()\n"""Tasks."""\nimport asyncio\n\nasync def f() -> None:\n    _tasks.add(asyncio.create_task(g()))\n'
    bug, err = _refused(tmp_path, monkeypatch, capsys, source, fixed)
    assert err == (
        f"tradelint: {bug}: fix not applied: header check failed: "
        "the module docstring would no longer be the first statement\n"
    )


def test_a_fix_over_the_projects_line_length_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "setup.cfg").write_text("[flake8]\nmax-line-length = 40\n", encoding="utf-8")
    fixed = BUG.replace("    asyncio.create_task(g())", "    asyncio.ensure_future(asyncio.create_task(g()))")
    bug, err = _refused(tmp_path, monkeypatch, capsys, BUG, fixed)
    assert err == (
        f"tradelint: {bug}: fix not applied: line-length check failed: line 5 would be 51 characters long; "
        "the limit is 40 (flake8 max-line-length in setup.cfg)\n"
    )


def test_one_refused_fix_leaves_the_others_of_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fixes of a file are checked together, then the failing ones are found: the call that
    would grow past the limit keeps its finding, the other is fixed."""
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 74\n", encoding="utf-8")
    long_call = "    asyncio.create_task(g(11111111111, 2222222222, 3333333333))"
    bug = tmp_path / "bug.py"
    bug.write_text(BUG + "\n\nasync def h() -> None:\n" + long_call + "\n", encoding="utf-8")
    assert run([str(bug), "--fix", "--quiet"]) == 1
    text = bug.read_text(encoding="utf-8")
    assert "    _keep_task(asyncio.create_task(g()))\n" in text
    assert text.endswith(long_call + "\n")
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{bug}:")
    assert captured.out.count("TRD301") == 1
    assert len(long_call) + len("_keep_task()") == 75
    assert captured.err.startswith(f"tradelint: {bug}: fix not applied: line-length check failed: line ")
    assert captured.err.endswith(" would be 75 characters long; the limit is 74 (ruff line-length in pyproject.toml)\n")


def test_fixes_that_pass_alone_but_not_together_keep_the_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two discarded tasks on one line: each keeper call fits the limit alone, both together do
    not. The first is fixed (and marked ``[*]``), the second keeps its finding, and the file's
    other fixes are not lost with them."""
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 75\n", encoding="utf-8")
    pair = "    asyncio.create_task(g()), asyncio.create_task(h(1, 2, 3))"
    assert len(pair) + len("_keep_task()") <= 75 < len(pair) + 2 * len("_keep_task()")
    bug = tmp_path / "bug.py"
    bug.write_text(BUG + "\n\nasync def k() -> None:\n" + pair + "\n", encoding="utf-8")
    assert run([str(bug), "--output-format", "concise"]) == 1
    shown = capsys.readouterr().out
    assert [line.removeprefix(f"{bug}:")[:16] for line in shown.splitlines()[:-1]] == [
        "5:5: TRD301 [*] ", "9:5: TRD301 [*] ", "9:31: TRD301 tas"
    ]
    assert run([str(bug), "--fix", "--quiet"]) == 1
    text = bug.read_text(encoding="utf-8")
    assert "    _keep_task(asyncio.create_task(g()))\n" in text
    assert text.endswith("    _keep_task(asyncio.create_task(g())), asyncio.create_task(h(1, 2, 3))\n")
    assert capsys.readouterr().out.count(" TRD301 ") == 1


def test_fixes_that_make_lines_too_long_are_traced_to_their_lines(tmp_path: Path) -> None:
    """200 discarded tasks, three of whose keeper calls would pass the line length: exactly those
    three are refused, the 197 others applied together, and the file is applied twice (all, then
    all but the three), not once per fix (one at a time took minutes at 2,000)."""
    from tradelint.api import check_source
    from tradelint.fixes.verify import apply_checked
    from tradelint.runner.fix_check import _apply

    long_at = {17, 100, 163}
    lines = ["import asyncio\n\n\nasync def g(*a: int) -> None:\n    pass\n\n\nasync def f() -> None:\n"]
    for i in range(200):
        args = "11111111111, 2222222222, 3333333333" if i in long_at else str(i)
        lines.append(f"    asyncio.create_task(g({args}))\n")
    source = "".join(lines)
    (tmp_path / "narrow").mkdir()
    (tmp_path / "narrow" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 74\n", encoding="utf-8")
    path = tmp_path / "narrow" / "many.py"
    found = check_source(source, path=tmp_path / "many.py")  # 88: every fix passes there
    fixes = [f.fix.edits for f in found if f.fix is not None]
    assert len(fixes) == 200
    calls: list[int] = []

    def counting(before: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
        calls.append(len(edits))
        return _apply(before, edits, tree)

    after, _, refused = apply_checked(source, fixes, ast.parse(source), path, counting)
    assert after.count("_keep_task(asyncio.create_task(g(") == 197
    assert [after_line for after_line in after.splitlines() if "11111111111" in after_line] == [
        "    asyncio.create_task(g(11111111111, 2222222222, 3333333333))"
    ] * 3
    assert [edits for edits, _ in refused] == [fixes[i] for i in sorted(long_at)]
    assert [why for _, why in refused] == [
        f"line-length check failed: line {n} would be 75 characters long; the limit is 74 (ruff line-length in pyproject.toml)"
        for n in (37, 120, 183)
    ]
    assert [after.splitlines()[n - 1] for n in (37, 120, 183)] == [
        "    asyncio.create_task(g(11111111111, 2222222222, 3333333333))"
    ] * 3
    assert calls == [200, 197]


def test_fixes_that_fail_otherwise_are_found_by_halving(tmp_path: Path) -> None:
    """A check that names no line a fix can be traced from (here: a name left unbound): the
    refused fixes are found by halving, in order, with the others kept: 3 of 256 in at most
    2 * 3 * 8 + 1 applications, not 257."""
    from tradelint.core.fix_plan import Span
    from tradelint.fixes.verify import apply_checked

    before = "x = 1\n"
    bad = {5, 77, 200}
    fixes = [(Edit("append", str(tmp_path / "m.py"), Span(1, 0, 1, 5), (("n", str(i)),)),) for i in range(256)]
    calls: list[int] = []

    def append(text: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
        calls.append(len(edits))
        numbers = [int(e.param("n")) for e in edits]
        added = "".join(f"y{n} = {'missing' if n in bad else n}\n" for n in numbers)
        return text + added, ast.parse(text + added)

    after, _, refused = apply_checked(before, fixes, ast.parse(before), tmp_path / "m.py", append)
    assert [int(edits[0].param("n")) for edits, _ in refused] == sorted(bad)
    assert [why for _, why in refused] == [
        f"undefined-name check failed: `missing` would be unbound at runtime at module level (line {n})"
        for n in (7, 78, 200)  # the line in the text it was tried in: the ones kept before it, and it
    ]
    assert after == before + "".join(f"y{n} = {n}\n" for n in range(256) if n not in bad)
    assert len(calls) <= 2 * 3 * 8 + 1


# -- the scope checker ------------------------------------------------------------------------


def _unbound(source: str) -> list[tuple[str, str, int]]:
    return sorted(((u.scope, u.name, u.line) for u in unbound_names(ast.parse(textwrap.dedent(source)))), key=lambda u: u[2])


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            """
            from dataclasses import dataclass
            @dataclass
            class Desc:
                def setup(self):
                    import typing
                TIMEOUT: typing.ClassVar[int] = 3
            """,
            [("Desc", "typing", 7)],
            id="import-bound-only-in-a-method",
        ),
        pytest.param(
            """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from typing import ClassVar
            else:
                Final = None
            class Desc:
                TIMEOUT: ClassVar[int] = 3
                LIMIT: Final = 3
            def local() -> None:
                x: ClassVar[int] = 1  # a local's annotation is never evaluated
            """,
            [("Desc", "ClassVar", 8)],
            id="type-checking-import",
        ),
        pytest.param(
            """
            from __future__ import annotations
            import dataclasses
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from typing import ClassVar
                from decimal import Decimal
            class Plain:
                TIMEOUT: ClassVar[int] = 3
            @dataclasses.dataclass
            class Desc:
                TIMEOUT: ClassVar[int] = 3  # the dataclass looks the name up to see ClassVar
                price: Decimal = 0
            def f(x: Decimal) -> Decimal:
                return x
            """,
            [("Desc", "ClassVar", 12)],
            id="postponed-annotations",
        ),
        pytest.param(
            """
            start = helper()
            def helper():
                return later
            later = 1
            class C:
                a = 1
                b = [a for _ in range(3)]
                c = [1 for _ in range(a)]
                d = a
                def m(self):
                    return a
            """,
            [("<module>", "helper", 2), ("C.<listcomp>", "a", 8), ("C.m", "a", 12)],
            id="module-order-class-scope-comprehensions",
        ),
        pytest.param(
            """
            def setup():
                global CONFIG
                CONFIG = {}
            def read():
                return CONFIG, MISSING
            def outer():
                count = 0
                def inner():
                    nonlocal count
                    count += 1
                    return total
                total = 2
                return inner
            gone = 1
            del gone
            print(gone)
            maybe = 1
            if maybe:
                del maybe
            print(maybe)
            squares = [(last := i) for i in range(3)]
            print(last, lambda: undefined_in_lambda)
            """,
            [("read", "MISSING", 6), ("<module>", "gone", 17), ("<lambda>", "undefined_in_lambda", 23)],
            id="global-nonlocal-del-walrus-lambda",
        ),
        pytest.param(
            """
            from os import *
            print(anything)
            """,
            [],
            id="star-import",
        ),
    ],
)
def test_unbound_names(source: str, expected: list[tuple[str, str, int]]) -> None:
    assert _unbound(source) == expected


# -- the line length ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, LineLimit(88, "the default")),
        ({"pyproject.toml": "[tool.ruff]\nline-length = 120\n"}, LineLimit(120, "ruff line-length in pyproject.toml")),
        (
            {"pyproject.toml": "[tool.ruff]\nline-length = 120\n[tool.ruff.lint.pycodestyle]\nmax-line-length = 100\n"},
            LineLimit(100, "ruff line-length in pyproject.toml"),
        ),
        ({"ruff.toml": "line-length = 99\n"}, LineLimit(99, "ruff line-length in ruff.toml")),
        ({".ruff.toml": "line-length = 98\n"}, LineLimit(98, "ruff line-length in .ruff.toml")),
        ({"pyproject.toml": "[tool.black]\nline-length = 79\n"}, LineLimit(79, "black line-length in pyproject.toml")),
        ({"tox.ini": "[flake8]\nmax_line_length = 110\n"}, LineLimit(110, "flake8 max-line-length in tox.ini")),
        ({".flake8": "[flake8]\nmax-line-length = 127\n"}, LineLimit(127, "flake8 max-line-length in .flake8")),
        # Every tool must accept the fix: the strictest wins.
        (
            {"pyproject.toml": "[tool.black]\nline-length = 100\n", "setup.cfg": "[flake8]\nmax-line-length = 90\n"},
            LineLimit(90, "flake8 max-line-length in setup.cfg"),
        ),
        # A ruff configuration without a length means ruff's default; flake8's table has none.
        ({"pyproject.toml": "[tool.ruff]\nselect = ['E']\n", "setup.cfg": "[flake8]\nselect = E\n"}, LineLimit(88, "the default")),
    ],
)
def test_line_limit_is_read_from_the_project(tmp_path: Path, files: dict[str, str], expected: LineLimit) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    assert line_limit(package) == expected


def test_the_line_limit_does_not_depend_on_a_git_folder(tmp_path: Path) -> None:
    """Issue 29: a clone and an unpacked archive of the same files get the same limit."""
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 79\n", encoding="utf-8")
    package = tmp_path / "repo" / "pkg"
    package.mkdir(parents=True)
    without = line_limit(package)
    line_limit.cache_clear()
    (tmp_path / "repo" / ".git").mkdir()
    assert line_limit(package) == without == LineLimit(79, "ruff line-length in pyproject.toml")


def test_the_nearest_configuration_of_a_tool_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 79\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ruff.toml").write_text("line-length = 120\n", encoding="utf-8")
    assert line_limit(tmp_path / "sub") == LineLimit(120, "ruff line-length in ruff.toml")
