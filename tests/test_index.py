"""The module index: one pass that records what rules ask about, and nothing wrong."""

from __future__ import annotations

import ast
import sys
import typing

import pytest

from tradelint.facts.syntax import Index, build_index, child_nodes, node_field_names, walk

SAMPLE = """\
import a.b as c
from .x import (y as z, w)
def f(a, /, b: int = 1, *args: str, c, d=2, **kw) -> None:
    global g
    x = {**a, 'k': [b async for b in c if b], 1: {v for v in w}, 2: (u for u in w)}
    y: list[int] = [*a, *b]
    x[1:2, ::3] += lambda q=1: q or not q and -q
    del x[0], y
    return f'{x!r:>{b}}' if not a else -x @ a
@dec
async def g():
    nonlocal_ = await h()
    async with a as (b, c), d:
        async for e in f:
            yield e
    while (n := 1) < 2 < 3:
        break
    else:
        continue
    try:
        raise E from None
    except (A, B) as e:
        pass
    else:
        assert x, "m"
    finally:
        yield from z
class C(B, metaclass=M):
    "doc"
    match a:
        case {'k': [1, *rest], **other} | None if rest: pass
        case P(1, x=1) as p: pass
        case [Q(), True, -1 | 1j, "s"]: pass
"""
if sys.version_info >= (3, 11):
    SAMPLE += "try:\n    pass\nexcept* ValueError:\n    pass\n"
if sys.version_info >= (3, 12):
    SAMPLE += "type Alias[T: int, *Ts, **P] = list[create_task]\ndef gen[U](u: U) -> U: return u\nclass K[V]: pass\n"

SINGLETONS = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _index(source: str) -> Index:
    return build_index(ast.parse(source))


def test_every_node_but_operator_singletons_has_its_parent() -> None:
    tree = ast.parse(SAMPLE)
    index = build_index(tree)
    expected = {
        child: node
        for node in ast.walk(tree)
        for child in ast.iter_child_nodes(node)
        if not isinstance(child, SINGLETONS)
    }
    assert len(expected) >= 180
    assert index.parents == expected
    # From 3.12 the sample ends in ``type Alias = list[create_task]``: the alias is walked too.
    assert index.mentions_tasks is (sys.version_info >= (3, 12))


def _mentions_node(annotation: object) -> bool:
    if isinstance(annotation, type):
        return issubclass(annotation, ast.AST)
    return any(_mentions_node(arg) for arg in typing.get_args(annotation))


def test_walked_fields_are_exactly_those_that_can_hold_nodes() -> None:
    # The walk skips fields by name, for speed. From 3.13 on, ``ast`` states each field's type:
    # check every node type against it. Before, check the node types of the sample by what
    # their instances hold.
    checked = 0
    if sys.version_info >= (3, 13):
        for kind in vars(ast).values():
            field_types = getattr(kind, "_field_types", None) if isinstance(kind, type) else None
            if field_types and issubclass(kind, ast.AST):
                expected = {f for f, t in field_types.items() if _mentions_node(t)} - {"ctx", "op", "ops"}
                assert set(node_field_names(kind)) == expected, kind.__name__
                checked += 1
    else:
        for node in ast.walk(ast.parse(SAMPLE)):
            holds_nodes = {
                f
                for f, value in ast.iter_fields(node)
                if (isinstance(value, ast.AST) and not isinstance(value, SINGLETONS))
                or (isinstance(value, list) and any(isinstance(v, ast.AST) for v in value))
            } - {"ops"}
            assert holds_nodes <= set(node_field_names(type(node))), type(node).__name__
            checked += 1
    assert checked > 70


def test_type_checking_imports_are_flagged_in_the_body_only() -> None:
    index = _index(
        "import os\n"
        "if TYPE_CHECKING:\n"
        "    from typing import ClassVar\n"
        "    if sys.version_info > (3,):\n"
        "        import json\n"
        "else:\n"
        "    import re\n"
        "if typing.TYPE_CHECKING:\n"
        "    import csv\n"
        "from __future__ import annotations\n"
    )
    flags = [(ast.unparse(node), flag) for node, flag in index.imports]
    assert flags == [
        ("import os", False),
        ("from typing import ClassVar", True),
        ("import json", True),
        ("import re", False),
        ("import csv", True),
        ("from __future__ import annotations", False),
    ]
    assert index.future_annotations is True
    assert index.mentions_tasks is False


@pytest.mark.parametrize(
    ("source", "mentions"),
    [
        ("asyncio.create_task(x)", True),
        ("from asyncio import ensure_future", True),
        ("t = Task(c)", True),
        ("create_task_later = 1", False),
        ("'create_task'", False),
    ],
)
def test_task_mentions(source: str, mentions: bool) -> None:
    assert _index(source).mentions_tasks is mentions


def test_collections_are_in_source_order() -> None:
    index = _index("@d(1)\ndef f():\n    g(h(2))\nclass A:\n    def m(self): self.x.y()\n")
    assert [ast.unparse(c) for c in index.calls] == ["d(1)", "g(h(2))", "h(2)", "self.x.y()"]
    assert [f.name for f in index.functions] == ["f", "m"]
    assert [c.name for c in index.classes] == ["A"]
    assert [ast.unparse(a) for a in index.attributes] == ["self.x.y", "self.x"]


def test_child_nodes_is_iter_child_nodes_without_singletons() -> None:
    for node in ast.walk(ast.parse(SAMPLE)):
        expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, SINGLETONS)]
        actual = child_nodes(node)
        assert len(actual) == len(expected) and all(a is e for a, e in zip(actual, expected)), type(node).__name__


def test_walk_is_ast_walk_without_singletons() -> None:
    """The same nodes in the same order, from every node of the sample (a function's body, an
    expression, a pattern), so that an analysis finds the same first match either way."""
    tree = ast.parse(SAMPLE)
    for start in ast.walk(tree):
        if isinstance(start, SINGLETONS):
            continue
        expected = [n for n in ast.walk(start) if not isinstance(n, SINGLETONS)]
        actual = list(walk(start))
        assert len(actual) == len(expected) and all(a is e for a, e in zip(actual, expected)), type(start).__name__


def test_walk_stopped_early_yields_the_same_prefix() -> None:
    tree = ast.parse(SAMPLE)
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name)]
    for stop in (names[0], names[len(names) // 2], names[-1]):
        seen = []
        for node in walk(tree):
            seen.append(node)
            if node is stop:
                break
        assert seen == [n for n in ast.walk(tree) if not isinstance(n, SINGLETONS)][: len(seen)]
        assert seen[-1] is stop
