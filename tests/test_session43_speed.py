"""Session 43 (issue 30, memory and CPU): what changed is how much is kept and in which order
facts are asked, never an answer. Behaviour only, no timing.

- A module parsed only for its summary (``Project.summary``) is not kept when the trees kept
  besides the checked file's are past the budget (the first past it is kept, as before): ccxt's ``__init__``
  asks whether 109 exchange modules bind their classes, and their trees were all held until the
  end of that one file. The summary is the same, and kept.
- ``first_party.supplies`` answers once per name while the project's memos last, and again
  after a module's text changes.
- A generator's object bound more than once is not judged, whether the loop that leaves it comes
  before or after the second binding (the test of the bindings is now asked last).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings
from tradelint.facts.context import Project
from tradelint.facts.first_party import supplies


def _package(root: Path) -> Path:
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from pkg.big import Big\n")
    (pkg / "big.py").write_text(
        "import asyncio\nfrom pkg import small as helper\nLIMIT = 3\n\n\nclass Big:\n"
        + "".join(f"    def m{i}(self):\n        return {i}\n" for i in range(200))
    )
    (pkg / "small.py").write_text("def tiny():\n    return 1\n")
    return pkg


def test_a_module_read_for_its_summary_past_the_budget_is_not_kept(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    unbounded = Project(module_budget=None)
    bounded = Project(module_budget=10)  # (small.py alone passes it)
    assert bounded.summary(pkg / "small.py") is not None
    assert bounded.kept(pkg / "small.py") is not None  # the first past the budget is kept
    expected = unbounded.summary(pkg / "big.py")
    found = bounded.summary(pkg / "big.py")
    assert expected is not None and found is not None
    assert found.to_json() == expected.to_json()
    assert unbounded.kept(pkg / "big.py") is not None
    assert bounded.kept(pkg / "big.py") is None
    # Asked again, the summary kept answers: not parsed a second time.
    parses = bounded.parses
    assert bounded.summary(pkg / "big.py") is found
    assert bounded.parses == parses
    # A module asked for its nodes is kept whatever the budget.
    assert bounded.module_at(pkg / "big.py") is not None
    assert bounded.kept(pkg / "big.py") is not None


def test_a_module_that_does_not_parse_has_no_summary_past_the_budget(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def broken(:\n" + "x = 1\n" * 100)
    project = Project(module_budget=10)
    assert project.summary(tmp_path / "broken.py") is None
    assert project.summary(tmp_path / "broken.py") is None


def test_supplies_answers_as_the_module_binds_and_again_after_a_change(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    for budget in (None, 100):
        project = Project(module_budget=budget)
        roots = (tmp_path,)
        answers = {
            dotted: supplies(project, dotted, roots)
            for dotted in ("pkg.big.Big", "pkg.big.LIMIT", "pkg.big.helper", "pkg.big.asyncio", "pkg.big.Other",
                           "pkg.small", "pkg.small.tiny", "pkg.small.huge", "pkg.Big", "pkg.Small", "other.Big")
        }
        assert answers == {
            "pkg.big.Big": True, "pkg.big.LIMIT": True, "pkg.big.helper": True, "pkg.big.asyncio": True,
            "pkg.big.Other": False, "pkg.small": True, "pkg.small.tiny": True, "pkg.small.huge": False,
            "pkg.Big": True, "pkg.Small": False, "other.Big": False,
        }, budget
        assert all(supplies(project, dotted, roots) is answer for dotted, answer in answers.items())
        project.replace_source(pkg / "small.py", "def huge():\n    return 2\n", None)
        assert supplies(project, "pkg.small.tiny", roots) is False
        assert supplies(project, "pkg.small.huge", roots) is True


def test_a_module_importing_everything_may_supply_any_name(tmp_path: Path) -> None:
    pkg = _package(tmp_path)
    (pkg / "star.py").write_text("from pkg.small import *\n")
    project = Project()
    assert supplies(project, "pkg.star.tiny", (tmp_path,)) is True
    assert supplies(project, "pkg.star.anything", (tmp_path,)) is True


GENERATOR = """\
import aiohttp


async def pages(url):
    async with aiohttp.ClientSession() as session:
        for page in range(10):
            yield page


"""


def test_a_generator_object_bound_once_and_left_by_break(tmp_path: Path) -> None:
    # A synchronous function's generator, left by a coroutine of its own run on its own loop; a
    # coroutine's is closed by the running loop (session 97).
    source = GENERATOR + """\
def first(loop, url):
    gen = pages(url)

    async def inner():
        async for page in gen:
            if page > 3:
                break

    loop.run_until_complete(inner())


async def first_of_a_coroutine(url):
    gen = pages(url)
    async for page in gen:
        if page > 3:
            break
"""
    assert source_findings(tmp_path, source, "TRD201") == [
        "11:11 TRD201 `pages(...)` holds a cleanup at its `yield` and is left by the `break` at line 16 before it is "
        "exhausted; wrap it in `contextlib.aclosing()`",
    ]


def test_a_generator_object_bound_twice_is_not_judged(tmp_path: Path) -> None:
    source = GENERATOR + """\
async def first(url):
    gen = pages(url)
    async for page in gen:
        if page > 3:
            break
    gen = None


async def again(url):
    gen = pages(url)
    it = gen.__aiter__()
    async for page in it:
        break
    it = None
"""
    assert source_findings(tmp_path, source, "TRD201") == []


def test_a_loop_or_a_step_in_a_nested_function_still_leaves_it(tmp_path: Path) -> None:
    # Only a function whose lines hold an ``async for`` or a step is walked for the object's
    # uses: a nested function's loop is in those lines.
    source = GENERATOR + """\
def outer(loop, url):
    gen = pages(url)

    async def inner():
        async for page in gen:
            return page

    return loop.run_until_complete(inner())


def stepped(loop, url):
    gen = pages(url)

    async def inner():
        return await anext(gen)

    return loop.run_until_complete(inner())
"""
    assert source_findings(tmp_path, source, "TRD201") == [
        "11:11 TRD201 `pages(...)` holds a cleanup at its `yield` and is left by the `return` at line 15 before it is "
        "exhausted; wrap it in `contextlib.aclosing()`",
        "21:11 TRD201 `pages(...)` holds a cleanup at its `yield` and is stepped by hand and never closed (line 24); "
        "wrap it in `contextlib.aclosing()`",
    ]
