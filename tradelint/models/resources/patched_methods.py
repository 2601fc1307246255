"""Methods a test's ``patch.object`` replaces around a use of an instance.

``with patch.object(FlowHandler, "async_step_user", AsyncMock(...)):`` (or on the instance
itself, ``patch.object(flow, "async_step_user", ...)``, or ``mocker.patch.object(...)``) makes
the named method a stand-in for the body of the ``with``: a call inside it that reaches the
class's opening code only through that method opens nothing there, as a store on the instance
(``flow.async_step_user = fake``) already says from the store on (:mod:`.unopened`). The same
for a ``patch.object`` decorating the function that uses the instance, for all of its body, and
for one made by a statement that comes first in a block around the use, which stays in force
until the test ends (pytest-mock's ``mocker.patch.object(Cls, "m")``, ``monkeypatch.setattr(Cls,
"m", fake)``).

Only a constant method name counts, and only a target that is the very class the instance was
made by (the same expression) or the local holding the instance."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, statement_block

__all__ = ["PATCHERS", "PATCH_OBJECTS", "patched_around"]

# ``unittest.mock.patch.object`` and ``unittest.mock.patch`` by their qualified names (also read
# by :mod:`.patched_makers` and :mod:`.steered_in_tests`).
PATCH_OBJECTS = frozenset({"unittest.mock.patch.object", "mock.patch.object"})
PATCHERS = frozenset({"unittest.mock.patch", "mock.patch"})


def patched_around(module: ModuleInfo, load: ast.expr, made_by: ast.expr) -> frozenset[str]:
    """The methods replaced where ``load`` (a load of the local holding the instance ``made_by``
    made) runs: by a ``with`` item around it, a decorator of its function, or a lasting patch
    that comes first in a block around it."""
    names: set[str] = set()
    child: ast.AST = load
    for ancestor in module.ancestors(load):
        block = statement_block(ancestor, child)
        if block is not None:
            earlier = block[: next(i for i, s in enumerate(block) if s is child)]
            names.update(_replaced(module, (s.value for s in earlier if isinstance(s, ast.Expr)), load, made_by, statements=True))
        child = ancestor
        if isinstance(ancestor, (ast.With, ast.AsyncWith)):
            names.update(_replaced(module, (item.context_expr for item in ancestor.items), load, made_by))
        if isinstance(ancestor, FUNCTION_NODES):
            names.update(_replaced(module, ancestor.decorator_list, load, made_by))
            break
        if isinstance(ancestor, (ast.Lambda, ast.ClassDef)):
            break
    return frozenset(names)


def _replaced(module: ModuleInfo, exprs: Iterable[ast.expr], load: ast.expr, made_by: ast.expr, statements: bool = False) -> set[str]:
    """The method names the patches among ``exprs`` replace on ``made_by`` or ``load``'s local;
    ``statements``: patch calls standing as statements (in force from then on), else the items
    of a ``with`` or decorators."""
    found: set[str] = set()
    for expr in exprs:
        if not (isinstance(expr, ast.Call) and len(expr.args) >= 2):
            continue
        if not (_lasting_patch(module, expr) if statements else _is_patch_object(module, expr)):
            continue
        target, name = expr.args[0], expr.args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            continue
        if ast.dump(target) == ast.dump(made_by) or isinstance(target, ast.Name) and isinstance(load, ast.Name) and target.id == load.id:
            found.add(name.value)
    return found


def _lasting_patch(module: ModuleInfo, call: ast.Call) -> bool:
    """A patch in force from its statement to the test's end: pytest-mock's
    ``mocker.patch.object(...)``, pytest's ``monkeypatch.setattr(...)`` (by the names the tests
    give their fixtures; ``unittest.mock.patch.object(...)`` alone patches nothing until entered
    or started)."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "setattr" and isinstance(func.value, ast.Name):
        return func.value.id == "monkeypatch"
    return _mocker_patch_object(func)


def _is_patch_object(module: ModuleInfo, call: ast.Call) -> bool:
    """``patch.object(...)`` from ``unittest.mock`` (or ``mock``), or pytest-mock's
    ``mocker.patch.object(...)``."""
    return module.imports.qualify(call.func) in PATCH_OBJECTS or _mocker_patch_object(call.func)


def _mocker_patch_object(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Attribute) and func.attr == "object"
        and isinstance(func.value, ast.Attribute) and func.value.attr == "patch"
        and isinstance(func.value.value, ast.Name) and func.value.value.id == "mocker"
    )
