"""Generated and mutated programs through the whole engine and the fixer: nothing escapes, every
fixed file parses, fixes change only their targets, and fixing twice is a no-op.

The suite's slow step (``pytest -m slow``) runs a fixed sample: every mutation kind once (on
three shapes of project in turn), 25 generated programs alone and 10 beside fixable code. The long
command (``.ci/long``, ``pytest -m long``) runs the 100 reproducible examples of each property that
the slow step ran before, and ``TRADELINT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -m
"slow or long"`` explores new ones (see the README).
"""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.fuzzing import (
    FIXTURE_FILES,
    MUTATION_KINDS,
    Outcome,
    apply_mutation,
    check_and_fix_invariants,
    copy_project,
    in_tmp,
    mutated_fixture,
    write_mutated,
)

LONG_RUN = "TRADELINT_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("TRADELINT_FUZZ_EXAMPLES", "0")) or None

FUZZ = settings(
    max_examples=EXAMPLES or 100,
    deadline=None,
    # The suite runs the same examples every time; the long run draws new ones.
    derandomize=not LONG_RUN,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
# The slow step's samples of the properties whose 100 examples run in the long command: the first
# 25 generated programs alone (the same every time), and 10 beside fixable code (each example
# checks and fixes a whole fixture file: 0.7 s of a core).
SAMPLE = settings(FUZZ, max_examples=EXAMPLES or 25)
SEEDED_SAMPLE = settings(FUZZ, max_examples=EXAMPLES or 10)


def _programs() -> st.SearchStrategy[str]:
    import hypothesmith  # its grammar takes a second or two to build: only where a test draws from it

    return hypothesmith.from_grammar()


# One grammar for every property, built when first drawn from, not when each test process
# collects this module (which every process of the suite does, whatever it runs).
PROGRAMS = st.deferred(_programs)

# Fixture files with fixes, used as seeds next to generated code so that fixes have work to do.
SEEDS = [p for p in FIXTURE_FILES if p.parent == FIXTURES]


def _run_in(tmp: Path, files: dict[str, bytes]) -> Outcome:
    shutil.copy(FIXTURES / "pyproject.toml", tmp / "pyproject.toml")
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    return check_and_fix_invariants(tmp)


def _generated_alone(program: str) -> None:
    tmp = in_tmp("grammar")
    try:
        _run_in(tmp, {"generated.py": program.encode("utf-8", "surrogatepass")})
    finally:
        shutil.rmtree(tmp)


@pytest.mark.long
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@FUZZ
@given(program=PROGRAMS)
def test_generated_programs(program: str) -> None:
    _generated_alone(program)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@SAMPLE
@given(program=PROGRAMS)
def test_generated_programs_sample(program: str) -> None:
    _generated_alone(program)


def _beside_fixable_code(seed: Path, program: str, before: bool) -> None:
    seed_text = seed.read_text(encoding="utf-8")
    source = program + "\n" + seed_text if before else seed_text + "\n" + program
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)  # a generated statement that only parses alone (e.g. a trailing backslash)
    note(source)
    tmp = in_tmp("seeded")
    try:
        outcome = _run_in(tmp, {seed.name: source.encode("utf-8", "surrogatepass")})
        event(f"fixed files: {min(outcome.fixed_files, 1)}")
    finally:
        shutil.rmtree(tmp)


@pytest.mark.long
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@FUZZ
@given(seed=st.sampled_from(SEEDS), program=PROGRAMS, before=st.booleans())
def test_generated_programs_beside_fixable_code(seed: Path, program: str, before: bool) -> None:
    _beside_fixable_code(seed, program, before)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@SEEDED_SAMPLE
@given(seed=st.sampled_from(SEEDS), program=PROGRAMS, before=st.booleans())
def test_generated_programs_beside_fixable_code_sample(seed: Path, program: str, before: bool) -> None:
    _beside_fixable_code(seed, program, before)


@pytest.mark.long
@FUZZ
@given(case=mutated_fixture())
def test_mutated_fixture_files(case: tuple[Path, bytes, list[tuple[str, tuple[object, ...]]]]) -> None:
    fixture, data, steps = case
    note(f"{fixture.relative_to(FIXTURES)} {steps!r}")
    tmp = in_tmp("mutated")
    try:
        write_mutated(tmp, fixture, data)
        outcome = check_and_fix_invariants(tmp)
        event(f"fixed files: {min(outcome.fixed_files, 1)}")
    finally:
        shutil.rmtree(tmp)


# The slow step's sample of ``test_mutated_fixture_files`` (about 3 s of a core where the 100
# examples take minutes): every mutation kind once, each at the line of the fixture's first
# finding (where a fix has work to do), on the three shapes of project the property draws from
# in turn: a single file, a package whose module reads another's class, an incident project.
SHAPES = [
    FIXTURES / "TRD301.py",
    FIXTURES / "cross_module" / "pkg" / "sub_rel.py",
    FIXTURES / "incidents" / "002_context_service" / "app" / "context" / "service.py",
]


def _each_kind_args(kind: str, data: bytes) -> tuple[object, ...]:
    """Arguments of ``kind`` that touch the first line declaring a finding."""
    lines = data.splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if b"# error:" in text)
    pos = sum(len(text) for text in lines[:line]) + len(lines[line]) - len(lines[line].lstrip())
    args: dict[str, tuple[object, ...]] = {
        "swap_lines": (line, line + 1),
        "delete_bytes": (pos, 12),
        "insert_bytes": (pos, b"await "),
        "truncate": (0, pos + 8),
        "replace_identifier": ("create_task", "ensure_future", 0) if b"create_task" in data else ("ClassVar", "Final", 0),
        "splice_line": (line, b"    asyncio.create_task(poll())  # spliced from TRD301.py\n"),
    }
    return args.get(kind, (line, 0))


@pytest.mark.slow
@pytest.mark.parametrize("kind", MUTATION_KINDS)
def test_each_mutation_kind_on_a_fixture(tmp_path: Path, kind: str) -> None:
    fixture = SHAPES[MUTATION_KINDS.index(kind) % len(SHAPES)]
    original = fixture.read_bytes()
    data = apply_mutation(original, kind, _each_kind_args(kind, original))
    assert data != original, kind  # the sample mutates what it names
    write_mutated(tmp_path, fixture, data)
    check_and_fix_invariants(tmp_path)


# Cases the long runs found, kept so they run every time.
REGRESSIONS = [
    # The alias import ``from typing import ClassVar as CV`` deleted: ``TTL: CV[int]`` becomes
    # ``t.ClassVar[CV[int]]``, right; the test's normaliser stripped only one ClassVar layer.
    ("aliases.py", [("splice_line", (0, b'"""A docstring from another fixture."""\n')), ("delete_line", (12, 0)), ("delete_line", (0, 0))]),
]


@pytest.mark.parametrize(("name", "steps"), REGRESSIONS, ids=[name for name, _ in REGRESSIONS])
def test_mutated_fixture_regressions(tmp_path: Path, name: str, steps: list[tuple[str, tuple[object, ...]]]) -> None:
    fixture = FIXTURES / name
    data = fixture.read_bytes()
    for kind, args in steps:
        data = apply_mutation(data, kind, args)
    write_mutated(tmp_path, fixture, data)
    outcome = check_and_fix_invariants(tmp_path)
    assert outcome.fixed_files == 1


def test_the_harness_sees_a_fix_that_changes_more_than_its_target(tmp_path: Path) -> None:
    """The invariant check can fail: a fixer that also adds a statement is caught."""
    from tradelint.runner import fixer

    target = copy_project(FIXTURES / "TRD301.py", tmp_path)
    original = fixer._apply

    def sloppy(before: str, edits: list[fixer.Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
        after = original(before, edits, tree)[0] + "\nadded_by_a_bug = 1\n"
        return after, ast.parse(after)

    fixer._apply = sloppy  # type: ignore[assignment]
    try:
        with pytest.raises(AssertionError, match="a fix changed more than its target"):
            check_and_fix_invariants(tmp_path)
    finally:
        fixer._apply = original  # type: ignore[assignment]
    assert target.exists()


def test_mutations_are_applied() -> None:
    data = b"a = 1\nb = 2\n"
    assert apply_mutation(data, "delete_line", (0, 0)) == b"b = 2\n"
    assert apply_mutation(data, "swap_lines", (0, 1)) == b"b = 2\na = 1\n"
    assert apply_mutation(data, "insert_bytes", (1, b"\x00")) == b"a\x00 = 1\nb = 2\n"
    assert apply_mutation(data, "crlf", (0, 0)) == b"a = 1\r\nb = 2\r\n"
    assert apply_mutation(data, "truncate", (0, 3)) == b"a ="
