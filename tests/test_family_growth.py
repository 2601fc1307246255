"""A class family's members found by the field-use search from shared tables (issue 34): a
subclass written before its base joins on the next pass, a member re-declaring or slotting a
field, writing it or overriding it as a class attribute answers for that field only, and a class
outside the family never does. The answers are those of the search that walked every member."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.facts.context import Project
from tradelint.models.dataclasses.dataclass_model import class_model
from tradelint.models.dataclasses.field_uses import field_uses

MODELS = '''from dataclasses import dataclass, fields


@dataclass
class Base:
    A: int = 1


class Late(Mid):
    A = 5


@dataclass
class Mid(Base):
    A: int = 2


@dataclass
class Leaf(Mid):
    __slots__ = ("A", "B")
    B: int = 3

    def reset(self) -> None:
        self.A = 0


class Copy(Late):
    def load(self, other: "Copy") -> None:
        for f in fields(other):
            setattr(self, f.name, getattr(other, f.name))


class Other:
    A = 1
'''

FIELDS = "app/models.py:29: `fields()` of a value that may be an instance"


def _answers(root: Path, position: int, name: str) -> tuple[list[tuple[str, str]], ...]:
    project = Project()
    module = project.module_at(root / "app" / "models.py")
    assert module is not None
    uses = field_uses(class_model(module, module.index.classes[position]), name)
    return tuple([(e.describe(uses.root), e.strength) for e in found] for found in (uses.evidence, uses.intent, uses.overrides))


def test_a_family_grown_from_shared_tables_answers_per_member(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "models.py").write_text(MODELS, encoding="utf-8")
    (app / "use.py").write_text("from app.models import Leaf\n\nMade = Leaf\nMade(A=4)\n", encoding="utf-8")
    call = ("app/use.py:4: a call passes `A=`", "breaks")
    write = ("app/models.py:24: an instance's `A` is written", "breaks")
    slots_a = ("app/models.py:19: `Leaf.__slots__` names `A`", "breaks")
    intent_a = [("app/models.py:24: `Leaf.reset()` sets `self.A`", "observes"), call]
    override_a = [("app/models.py:10: `Late` sets `A` as a class attribute", "observes")]
    answers_b = (
        [("app/models.py:19: `Leaf.__slots__` names `B`", "breaks"),
         ("app/models.py:21: dataclass `Leaf` re-declares `B` as its own field", "observes"), (FIELDS, "breaks")],
        [],
        [],
    )
    assert _answers(tmp_path, 0, "A") == (
        [("app/models.py:15: dataclass `Mid` re-declares `A` as its own field", "observes"), slots_a, write,
         (FIELDS, "breaks"), call],
        intent_a,
        override_a,
    )
    assert _answers(tmp_path, 0, "B") == answers_b
    assert _answers(tmp_path, 2, "A") == ([slots_a, write, (FIELDS, "breaks"), call], intent_a, override_a)
    assert _answers(tmp_path, 2, "B") == answers_b
    # ``Late`` is no dataclass: only the whole-instance use may see it; ``Other`` never joins.
    assert _answers(tmp_path, 1, "A") == ([(FIELDS, "breaks")], [], [])


# A chain written backwards (each subclass before its base: one class joins per pass), a member
# in another module whose name the word index cannot answer for (``·`` is no word character: the
# files are then searched by their text), and an alias of it used in a third module. The answers
# are those of the search before a family kept its names and files (issue 34, session 14).
BACKWARDS = '''from dataclasses import dataclass


class D(C):
    X = 4


class C(B):
    def reset(self) -> None:
        self.X = 0


@dataclass
class B:
    X: int = 1
    Y: int = 2
'''
OTHER = "from app.models import D\n\n\nclass E·F(D):\n    Y = 5\n\n\nAlias = E·F\n"


def _answers_in(root: Path, name: str, position: int, field: str) -> tuple[list[tuple[str, str]], ...]:
    module = Project().module_at(root / "app" / f"{name}.py")
    assert module is not None
    uses = field_uses(class_model(module, module.index.classes[position]), field)
    return tuple([(e.describe(uses.root), e.strength) for e in found] for found in (uses.evidence, uses.intent, uses.overrides))


def test_a_family_grown_pass_by_pass_across_modules_and_unindexed_names(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "models.py").write_text(BACKWARDS, encoding="utf-8")
    (app / "other.py").write_text(OTHER, encoding="utf-8")
    (app / "use.py").write_text("from app.other import Alias\n\nAlias(X=3)\nAlias(1, 2)\n", encoding="utf-8")
    write = ("app/models.py:10: an instance's `X` is written", "observes")
    keyword = ("app/use.py:3: a call passes `X=`", "breaks")
    by_position = [("app/use.py:4: a call passes `X` by position", "breaks")]
    answers_x = (
        [write, keyword, *by_position],
        [("app/models.py:10: `C.reset()` sets `self.X`", "observes"), keyword],
        [("app/models.py:5: `D` sets `X` as a class attribute", "observes")],
    )
    y_by_position = [("app/use.py:4: a call passes `Y` by position", "breaks")]
    assert _answers_in(tmp_path, "models", 2, "X") == answers_x  # B: D, C and E·F join
    assert _answers_in(tmp_path, "models", 1, "X") == answers_x  # C
    assert _answers_in(tmp_path, "models", 2, "Y") == (
        y_by_position, [], [("app/other.py:5: `E·F` sets `Y` as a class attribute", "observes")]
    )
    assert _answers_in(tmp_path, "models", 0, "Y") == _answers_in(tmp_path, "models", 2, "Y")  # D
    assert _answers_in(tmp_path, "other", 0, "Y") == (y_by_position, [], [])  # E·F: its lineage unindexed
    assert _answers_in(tmp_path, "other", 0, "X") == ([write, keyword, *by_position], [keyword], [])


# Issue 34's ``depth`` axis: a chain of dataclasses, each subclassing the one before, with a
# constant each. The class at depth k has k ancestors and N - k descendants: its search shares
# them (a chunk of the module's walk, its base's lineage and fields) instead of listing them, and
# thousands of classes deep nothing recurses. A subclass in another module joins the family of
# each class above it (a keyword there shows ``K10`` is meant as a field), and a call of ``C5``
# with six arguments passes the first six fields by position (no fix for them). 1500 deep (past
# the interpreter's recursion limit of 1000: a walk that recursed per class would fail) in the
# suite; 3000 deep, 2.5 times the cost, in the long command (`.ci/long`).
DEPTHS = [1500, pytest.param(3000, marks=pytest.mark.long)]


@pytest.mark.parametrize("depth", DEPTHS)
def test_a_chain_thousands_of_classes_deep_gives_exactly_its_findings(tmp_path: Path, depth: int) -> None:
    from tradelint.api import check_paths
    from tradelint.rules.dataclass_constant_without_classvar import DataclassConstantWithoutClassVar

    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    parts = ["from dataclasses import dataclass\n\n\n@dataclass\nclass C0:\n    K0: int = 0\n"]
    parts += [f"\n\n@dataclass\nclass C{i}(C{i - 1}):\n    K{i}: int = {i}\n" for i in range(1, depth)]
    (app / "chain.py").write_text("".join(parts), encoding="utf-8")
    middle = f"C{depth // 2}"
    (app / "use.py").write_text(
        f"from app.chain import C5, {middle}\n\n\nclass Sub({middle}):\n    pass\n\n\nSub(K10=1)\nC5(0, 1, 2, 3, 4, 5)\n",
        encoding="utf-8",
    )
    found = check_paths([app / "chain.py", app / "use.py"], select=["TRD101"])
    expected = [
        (str(app / "chain.py"), 6 + 5 * i, "TRD101", DataclassConstantWithoutClassVar.message(f"K{i}", f"C{i}"))
        for i in range(depth)
        if i != 10  # ``Sub(K10=1)``: a field by intent
    ]
    assert [(f.path, f.line, f.code, f.message) for f in found] == expected
    fixed = {f.message.split("`")[1] for f in found if f.fix is not None}
    assert fixed == {f"K{i}" for i in range(6, depth) if i != 10}
