"""libcst on the statements that hold edits gives exactly what libcst on the whole module gives."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from tradelint.core.config import clear_cache, config_for
from tradelint.facts.syntax import NEWLINE
from tradelint.facts.context import Project
from tradelint.runner.engine import Checker, node_span
from tradelint.fixes.regions import apply_edits
from tradelint.fixes.codemods import apply_to_module
from tradelint.runner.fixer import compute_fixes, fix_depth
from tradelint.core.fix_plan import Edit, Span
from tradelint.fixes.regions import apply_in_regions
from tradelint.models.tasks.fixes import module_keeper_code
from tests.conftest import FIXTURES
from tests.fixes import fixture_files

PATH = "/m.py"
# What a TRD301 fix asks for in a module without the keeper (``specs._module_keeper_fix``).
KEEP = (
    ("wrapper", "_keep_task"),
    ("import", "from typing import Any, TypeVar"),
    (
        "module_code",
        module_keeper_code(
            {"asyncio": "asyncio", "Any": "Any", "TypeVar": "TypeVar"}, "_keep_task", "_background_tasks", "_TaskT"
        ),
    ),
)
HELPER = (
    'from typing import Any, TypeVar\n\n_TaskT = TypeVar("_TaskT", bound="asyncio.Future[Any]")\n'
    '_background_tasks: "set[asyncio.Future[Any]]" = set()\n\n\n'
    "def _keep_task(task: _TaskT) -> _TaskT:\n"
    '    """Hold a strong reference to ``task`` until it is done."""\n'
    "    _background_tasks.add(task)\n"
    "    task.add_done_callback(_background_tasks.discard)\n"
    "    return task\n"
)


def _edits_for(tree: ast.Module, text: str) -> list[Edit]:
    """Every edit the codemods know, on every node it could target (whether a rule would or not)."""
    lines = NEWLINE.split(text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    edits: list[Edit] = []
    for node in ast.walk(tree):
        span = node_span(lines, node) if hasattr(node, "lineno") else None
        if span is None:
            continue
        if isinstance(node, ast.Call):
            edits.append(Edit("keep_task", PATH, span))
        elif isinstance(node, ast.Attribute):
            edits.append(Edit("rename_attribute", PATH, span, (("old", node.attr), ("new", node.attr + "_x"))))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            edits.append(Edit("rename_string", PATH, span, (("old", node.value), ("new", node.value + "x"))))
        elif isinstance(node, ast.alias):
            edits.append(Edit("rename_import", PATH, span, (("old", node.name), ("new", node.name + "_x"))))
        elif isinstance(node, ast.AnnAssign):
            for spelling, statement in (("ClassVar", "from typing import ClassVar"), ("typing.ClassVar", "")):
                edits.append(Edit("wrap_classvar", PATH, span, (("classvar", spelling), ("import", statement))))
            edits.append(Edit("runtime_import", PATH, node_span(lines, node.annotation), (("import", "import os"),)))
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            block = getattr(parents.get(node), "body", []) if not isinstance(parents.get(node), ast.Module) else []
            if node in block and block.index(node) + 1 < len(block):
                last = str(block[-1].lineno)
                edits.append(Edit("async_with", PATH, span, (("name", node.targets[0].id), ("last_line", last))))
    return edits


def _outcome(function: object, *args: object) -> object:
    try:
        return function(*args)  # type: ignore[operator]
    except Exception as exc:  # the same refusal, with the same message, counts as the same result
        return (type(exc).__name__, str(exc))


SOURCES = [p for p in fixture_files() if p.stat().st_size < 20_000]
# The suite's slow step runs these (about a sixth of the cost); the long command (`.ci/long`) the
# rest. Chosen by line coverage: together they run every line of tradelint that all the sources
# run in this test (the regions, the codemods, the imports they add; measured with
# sys.monitoring over all 123 sources at 2195984).
SAMPLE = {
    "TRD101.py", "TRD201.py", "aliases.py", "task_creator_aliases.py", "cross_module/pkg/base.py",
    "cross_module/pkg/sub_rel.py", "incidents/000_vat/backend/__init__.py",
    "incidents/001_cache_key_program/src/core/schemas/signals.py", "incidents/002_context_service_program/history.py",
    "lifecycles/proven_ends.py", "lifecycles/yielded.py", "renames/packs_web3_receivers.py",
}
SPLIT = [
    pytest.param(p, marks=pytest.mark.slow if p.relative_to(FIXTURES).as_posix() in SAMPLE else pytest.mark.long)
    for p in SOURCES
]


def test_the_sample_names_sources() -> None:
    assert SAMPLE <= {p.relative_to(FIXTURES).as_posix() for p in SOURCES}


@pytest.mark.parametrize("path", SPLIT, ids=lambda p: p.name)
def test_regions_give_the_whole_module_result_for_every_edit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    edits = _edits_for(tree, text)
    # Edits alone (the first few of each kind, for time), every edit of a kind together
    # (overlaps, shared regions, one head), all of them at once.
    kinds = sorted({e.kind for e in edits})
    batches = [[e] for kind in kinds for e in [e for e in edits if e.kind == kind][:3]]
    batches += [[e for e in edits if e.kind == kind] for kind in kinds]
    batches.append(edits)
    in_regions = 0
    for batch in batches:
        expected = _outcome(apply_to_module, text, batch)
        fast = _outcome(apply_in_regions, text, batch, tree)
        if fast is None:
            continue  # the caller rewrites the whole module
        in_regions += 1
        assert fast == expected, [(e.kind, e.span) for e in batch]
    assert in_regions >= len(batches) * 0.9, (in_regions, len(batches))


def _span(text: str, needle: str, occurrence: int = 0) -> Span:
    """The span of the ``occurrence``-th ``needle`` in ``text`` (one line)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1)
    return Span(line, col, line, col + len(needle))


CLASS_SOURCE = '''"""A service."""

import asyncio


class Service:
    def __init__(self):
        self.x = 1

    async def start(self):
        a = 1; asyncio.create_task(self.poll())
        asyncio.create_task(self.poll())

    async def poll(self):
        pass
'''


def test_only_the_statements_with_edits_and_the_head_change() -> None:
    text = CLASS_SOURCE
    edits = [
        Edit("keep_task", PATH, _span(text, "asyncio.create_task(self.poll())", 0), KEEP),
        Edit("keep_task", PATH, _span(text, "asyncio.create_task(self.poll())", 1), KEEP),
    ]
    after, applied = apply_in_regions(text, edits, ast.parse(text)) or ("", set())
    assert applied == set(edits)
    assert after == '''"""A service."""

import asyncio
''' + HELPER + '''

class Service:
    def __init__(self):
        self.x = 1

    async def start(self):
        a = 1; _keep_task(asyncio.create_task(self.poll()))
        _keep_task(asyncio.create_task(self.poll()))

    async def poll(self):
        pass
'''
    assert after == apply_to_module(text, edits)[0]


def test_the_helper_takes_the_files_indent_and_newlines() -> None:
    text = "import asyncio\r\n\r\n\r\nasync def f():\r\n\tif True:\r\n\t\tasyncio.create_task(g())\r\n"
    edit = Edit("keep_task", PATH, _span(text, "asyncio.create_task(g())"), KEEP)
    after = (apply_in_regions(text, [edit], ast.parse(text)) or ("", set()))[0]
    expected = (
        "import asyncio\n" + HELPER.replace("    ", "\t")
        + "\n\nasync def f():\n\tif True:\n\t\t_keep_task(asyncio.create_task(g()))\n"
    )
    assert after == expected.replace("\n", "\r\n")
    assert after == apply_to_module(text, [edit])[0]


def test_an_existing_helper_or_import_after_the_head_is_respected() -> None:
    text = (
        "import asyncio\n\nx = 1\n\n\ndef _keep_task(task):\n    return task\n\n\n"
        "async def f():\n    asyncio.create_task(g())\n\nfrom typing import ClassVar\n"
    )
    edit = Edit("keep_task", PATH, _span(text, "asyncio.create_task(g())"))
    after = (apply_in_regions(text, [edit], ast.parse(text)) or ("", set()))[0]
    assert after == text.replace("    asyncio.create_task(g())", "    _keep_task(asyncio.create_task(g()))")
    # An import to add that the module may already have after its head: the whole module decides.
    classvar = Edit("runtime_import", PATH, _span(text, "x"), (("import", "from typing import ClassVar"),))
    assert apply_in_regions(text, [classvar], ast.parse(text)) is None
    assert apply_edits(text, [classvar], ast.parse(text))[0] == text


@pytest.mark.parametrize(
    ("text", "edit"),
    [
        # A method is found by its class path anywhere in the module.
        (
            "class A:\n    async def close(self):\n        pass\n",
            Edit("append_to_method", PATH, Span(2, 4, 3, 12), (("class", "A"), ("method", "close"), ("code", "x = 1\n"), ("import", ""), ("where", "end"))),
        ),
        # Lines ended by "\r" alone: libcst does not reproduce such a module; the whole path refuses.
        ("async def f():\r    asyncio.create_task(g())\r", Edit("keep_task", PATH, Span(2, 4, 2, 28))),
    ],
    ids=["append-to-method", "lone-cr"],
)
def test_what_needs_the_whole_module_gets_it(text: str, edit: Edit) -> None:
    assert apply_in_regions(text, [edit], ast.parse(text)) is None
    assert _outcome(apply_edits, text, [edit], ast.parse(text)) == _outcome(apply_to_module, text, [edit])


def test_a_second_pass_rechecks_a_subclass_against_its_fixed_base(tmp_path: Path) -> None:
    """The TRD102 fix rewrites the base in a.py; the next pass re-checks b.py on the same project,
    which must see a.py's new tree (not a model of the old one) for the finding to go away."""
    package = tmp_path / "pkg"
    package.mkdir()
    # A project root: without one, a public class may be imported by unknown code (unsafe fix).
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    base = package / "a.py"
    base.write_text(
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Base:\n    KEY: str = \"\"\n", encoding="utf-8"
    )
    sub = package / "b.py"
    sub.write_text("from pkg.a import Base\n\n\nclass Sub(Base):\n    KEY = \"sub\"\n", encoding="utf-8")
    clear_cache()
    files = {p: config_for(p) for p in (package / "__init__.py", base, sub)}
    checker = Checker()
    assert [(f.code, f.line) for p in (base, sub) for f in checker.check_path(p, files[p])] == [
        ("TRD101", 6), ("TRD102", 5)
    ]
    outcome = compute_fixes(files, False)
    assert outcome.errors == []
    assert outcome.new_texts == {
        Path(os.path.abspath(base)): (
            "from dataclasses import dataclass\nfrom typing import ClassVar\n\n\n"
            "@dataclass\nclass Base:\n    KEY: ClassVar[str] = \"\"\n"
        )
    }
    assert (outcome.findings, outcome.fixed) == ([], 2)


def test_replace_source_serves_the_new_tree_and_forgets_memos(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("class A:\n    pass\n", encoding="utf-8")
    project = Project()
    old = project.module_at(module)
    assert old is not None
    project.class_memo[("anything", old.tree)] = 1
    assert project.lookup("m.A", (tmp_path,)) is not None
    new_text = "class B:\n    pass\n"
    project.replace_source(module, new_text, ast.parse(new_text))
    assert project.read_text(module) == new_text
    assert project.class_memo == {}
    assert project.lookup("m.A", (tmp_path,)) is None
    found = project.lookup("m.B", (tmp_path,))
    assert found is not None and found[0].tree is project.parsed(module)


def _reference_depth(tree: ast.AST) -> int:
    """The definition of ``fix_depth``, with ``ast.iter_child_nodes``."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
            depth += getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0)
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


DEEP = [
    "x = " + " and ".join(["a"] * 50),
    "x = (\n" + "\n".join(["    'a'"] * 30) + "\n)",
    "x = " + "[" * 40 + "]" * 40,
    "x = a.b.c.d.e.f[g][h](i) + -j - k < l <= m",
    "del a.b[c]\nx += (yield)\nx: T[U] = (*y,)",
]


@pytest.mark.parametrize(
    "source",
    [p.read_text(encoding="utf-8") for p in SOURCES] + DEEP,
    ids=[p.name for p in SOURCES] + [f"deep-{i}" for i in range(len(DEEP))],
)
def test_fix_depth_counts_as_iter_child_nodes_does(source: str) -> None:
    tree = ast.parse(source)
    assert fix_depth(tree) == _reference_depth(tree)
