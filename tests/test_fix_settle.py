"""Fixes that share an over-long line (``fixes/verify._settle_lengths``): the answer is the one of
trying each fix in order with the ones kept before it, found in a few applications of the whole
file, not by halving; what the rounds cannot trace is still found by halving, and every text kept
passes every check (issue 34, point 3)."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from tradelint.api import check_source
from tradelint.core.fix_plan import Edit, Span
from tradelint.fixes.line_length import line_limit
from tradelint.fixes.verify import apply_checked, check_fix
from tradelint.runner.fix_check import _apply

HEAD = "import asyncio\n\n\nasync def job(*a: int) -> None:\n    pass\n\n\nasync def main() -> None:\n"
Fixes = list[tuple[Edit, ...]]


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    line_limit.cache_clear()


def _fixes(tmp_path: Path, source: str) -> tuple[Fixes, Path]:
    """Every fix of ``source`` (found where the line length is 400), and a path to verify them
    at the line length 88."""
    (tmp_path / "wide").mkdir(exist_ok=True)
    (tmp_path / "wide" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 400\n", encoding="utf-8")
    (tmp_path / "narrow").mkdir(exist_ok=True)
    (tmp_path / "narrow" / "pyproject.toml").write_text("[tool.ruff]\nline-length = 88\n", encoding="utf-8")
    found = check_source(source, path=tmp_path / "wide" / "m.py")
    return [f.fix.edits for f in found if f.fix is not None], tmp_path / "narrow" / "m.py"


def _one_at_a_time(source: str, fixes: Fixes, path: Path) -> tuple[str, list[tuple[tuple[Edit, ...], str]]]:
    """The answer the rounds must give: each fix tried in order with the ones kept before it."""
    tree = ast.parse(source)
    kept: Fixes = []
    text = source
    refused = []
    for fix in fixes:
        candidate, candidate_tree = _apply(source, [e for f in (*kept, fix) for e in f], tree)
        problem = check_fix(source, candidate, tree, candidate_tree, path)
        if problem is None:
            kept.append(fix)
            text = candidate
        else:
            refused.append((fix, problem))
    return text, refused


def _pair(i: int, pad: str) -> str:
    return f"    [asyncio.create_task(job({10000 + i}, 1{pad})), asyncio.create_task(job({10000 + i}, 2{pad}))]\n"


def test_two_fixes_on_each_of_many_lines_are_settled_in_a_few_applications(tmp_path: Path) -> None:
    """300 lines, each with two discarded tasks: on two lines of three each keeper call fits the
    limit alone but not both (the first is kept), on the third neither fits (both refused). The
    text and refusals are those of one fix at a time, in at most five applications (halving made
    about 2k log2 n: hundreds)."""
    source = HEAD + "".join(_pair(i, ", 22" if i % 3 == 2 else "") for i in range(300))
    fixes, path = _fixes(tmp_path, source)
    assert len(fixes) == 600
    calls: list[int] = []

    def counting(before: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
        calls.append(len(edits))
        return _apply(before, edits, tree)

    after, _, refused = apply_checked(source, fixes, ast.parse(source), path, counting)
    assert len(calls) <= 5
    lines = after.splitlines()
    assert lines[-300] == "    [_keep_task(asyncio.create_task(job(10000, 1))), asyncio.create_task(job(10000, 2))]"
    assert lines[-298] == "    [asyncio.create_task(job(10002, 1, 22)), asyncio.create_task(job(10002, 2, 22))]"
    assert after.count("_keep_task(asyncio.create_task(job(") == 200
    assert [edits for edits, _ in refused] == [
        fix for i, fix in enumerate(fixes) if i % 2 == 1 or (i // 2) % 3 == 2
    ]
    assert {why for _, why in refused} == {
        f"line-length check failed: line {n} would be {96 if (n - 20) % 3 == 2 else 100} characters long; the "
        "limit is 88 (ruff line-length in pyproject.toml)"
        for n in range(20, 320)
    }


def test_a_fix_that_leaves_a_name_unbound_is_still_refused_among_crowded_lines(tmp_path: Path) -> None:
    """The rounds trace only lines too long; a fix that would leave a name unbound, among fixes
    sharing lines, is found by halving and refused, and the text kept passes every check."""
    source = HEAD + "".join(_pair(i, "") for i in range(40))
    fixes, path = _fixes(tmp_path, source)
    line = len(HEAD.splitlines()) + 21  # the 21st pair
    unbinding = (Edit("rename_attribute", str(path), Span(line, 4, line, 5), ()),)

    def apply(before: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
        text, new_tree = _apply(before, [e for e in edits if e.kind != "rename_attribute"], tree)
        if any(e.kind == "rename_attribute" for e in edits):
            text += "print(missing)\n"
            new_tree = ast.parse(text)
        return text, new_tree

    everything = [*fixes[:41], unbinding, *fixes[41:]]
    after, after_tree, refused = apply_checked(source, everything, ast.parse(source), path, apply)
    assert "missing" not in after
    assert check_fix(source, after, ast.parse(source), after_tree, path) is None
    assert [edits for edits, _ in refused] == [*fixes[1:41:2], unbinding, *fixes[41::2]]
    assert refused[20][1].startswith("undefined-name check failed: `missing` would be unbound")
    assert after.count("_keep_task(asyncio.create_task(job(") == 40


@pytest.mark.parametrize("seed", range(12))
def test_the_rounds_give_the_answer_of_one_fix_at_a_time(tmp_path: Path, seed: int) -> None:
    """Lines of one to three discarded tasks, of random lengths around the limit: the kept text,
    the fixes refused and why are those of trying each fix in order with the ones kept before."""
    rng = random.Random(seed)
    lines = []
    for i in range(rng.randint(5, 25)):
        calls = [f"asyncio.create_task(job({i}{', 7' * rng.randint(0, 8)}))" for _ in range(rng.randint(1, 3))]
        lines.append(f"    [{', '.join(calls)}]\n" if len(calls) > 1 else f"    {calls[0]}\n")
    source = HEAD + "".join(lines)
    fixes, path = _fixes(tmp_path, source)
    after, _, refused = apply_checked(source, fixes, ast.parse(source), path, _apply)
    assert (after, refused) == _one_at_a_time(source, fixes, path)
