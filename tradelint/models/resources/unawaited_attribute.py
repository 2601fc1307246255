"""A first-party object kept on ``self`` whose only release is never awaited (TRD202, session 38).

TRD205 reports ``self.controller.close()`` as a statement, where ``close`` is an ``async def`` of
the first-party class every store of ``self.controller`` names: the call only creates a coroutine.
When that is the owner's only end of the object, the object is never released, whatever its
class holds, and the leak is where the owner makes it, as for a local made and "closed" so
(``made_here``, TRD201): OpenHands/OpenHands ``a48b0220``, an ``AgentController`` (running the
agent's task and its sandbox) made by ``create_controller()`` and ended by a plain ``def close()``
calling ``self.controller.close()``.

Proven, not guessed:

- the release is a bare statement of a release-named method (``unawaited_release.RELEASE``) that
  every class the attribute may hold defines as an undecorated ``async def`` (TRD205's reading);
- each store reported is a constructor call of a first-party class (or a class method that makes
  its own class), in a method of the class, not ``None``;
- no method of the class awaits a release of the attribute, except one that renews it (a store of
  the attribute follows the awaited release in the same method: ``await self.controller.close()``
  then ``self.controller = AgentController(...)`` ends the old one, never the last);
- no code of the module outside the class awaits a release of the attribute through an instance
  (``await bridge.link.disconnect()``);
- the attribute is never handed on: every read of it is the receiver of a method or attribute
  (``self.controller.start()``), or a test of it (``if self.controller is not None``); returned,
  passed, aliased or yielded, whoever gets it may end it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tradelint.facts.attribute_types import value_class
from tradelint.facts.context import ModuleInfo
from tradelint.facts.file_context import FileContext
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.models.resources.unawaited_release import RELEASE, unawaited_releases_of


@dataclass(frozen=True)
class NeverAwaitedAttribute:
    """``store`` keeps on ``self.{attr}`` an object whose only release, ``{method}()``, is called
    without ``await`` (``release``)."""

    store: ast.Assign
    attr: str
    label: str
    method: str
    release: ast.Call


def never_awaited_attributes(ctx: FileContext) -> list[NeverAwaitedAttribute]:
    """Every store of ``self.attr`` in the checked file whose object's only release is an
    un-awaited call (see the module's docstring), in source order."""
    module = ctx.module
    found: list[NeverAwaitedAttribute] = []
    seen: set[tuple[int, str]] = set()
    for release in unawaited_releases_of(ctx):
        if release.released is not None:
            continue
        receiver = release.call.func.value if isinstance(release.call.func, ast.Attribute) else None
        method = module.enclosing_function(release.call)
        if not (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and isinstance(method, FUNCTION_NODES)):
            continue
        cls = module.parent(method)
        if not isinstance(cls, ast.ClassDef) or not method.args.args or receiver.value.id != method.args.args[0].arg:
            continue
        key = (id(cls), receiver.attr)
        if key in seen:
            continue
        seen.add(key)
        stores = _stores(module, cls, receiver.attr)
        if not stores or _awaited_end(cls, receiver.attr) or _handed_on(module, cls, receiver.attr) or _ended_from_outside(module, cls, receiver.attr):
            continue
        found.extend(NeverAwaitedAttribute(store, receiver.attr, label, release.method, release.call) for store, label in stores)
    found.sort(key=lambda f: (f.store.lineno, f.store.col_offset))
    return found


def _self_attr(node: ast.AST, attr: str, selves: frozenset[str]) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id in selves


def _methods(cls: ast.ClassDef) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, frozenset[str]]]:
    """The class's methods, each with the name its instance goes by there (``self``)."""
    return [(m, frozenset({m.args.args[0].arg})) for m in cls.body if isinstance(m, FUNCTION_NODES) and m.args.args]


def _stores(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> list[tuple[ast.Assign, str]] | None:
    """The stores of ``self.attr`` that make a first-party object, with the maker's text; None when
    a store keeps anything else (a parameter, a library's object), which says nothing of it."""
    found: list[tuple[ast.Assign, str]] = []
    for method, selves in _methods(cls):
        for node in walk(method):
            if not isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not any(_self_attr(t, attr, selves) for t in targets):
                continue
            value = node.value
            if isinstance(value, ast.Constant) and value.value is None or value is None:
                continue
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                return None
            call = value.value if isinstance(value, ast.Await) else value
            if not isinstance(call, ast.Call) or value_class(module, method, value) is None:
                return None
            found.append((node, ast.unparse(call.func)))
    return found or None


def _awaited_end(cls: ast.ClassDef, attr: str) -> bool:
    """A method of the class awaits a release of ``self.attr`` that no store of it follows in that
    method: an end of the object, not a renewal."""
    for method, selves in _methods(cls):
        stores = [n.lineno for n in walk(method) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and _self_attr(n, attr, selves)]
        for node in walk(method):
            if (isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(func := node.value.func, ast.Attribute)
                    and RELEASE.match(func.attr) and _self_attr(func.value, attr, selves)
                    and not any(line > node.lineno for line in stores)):
                return True
    return False


def _handed_on(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """A read of ``self.attr`` that is neither the receiver of an attribute (``self.x.close``) nor
    a test of it (``self.x is not None``, ``if self.x:``, ``not self.x``)."""
    for method, selves in _methods(cls):
        for node in walk(method):
            if not (_self_attr(node, attr, selves) and isinstance(node.ctx, ast.Load)):  # type: ignore[attr-defined]
                continue
            parent = module.parent(node)
            if isinstance(parent, ast.Attribute) and parent.value is node:
                continue
            if isinstance(parent, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops):
                continue
            if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not) or isinstance(parent, ast.BoolOp) and _tested(module, parent):
                continue
            if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node:
                continue
            return True
    return False


def _tested(module: ModuleInfo, node: ast.AST) -> bool:
    """``node`` (an ``and``/``or``) is the test of an ``if``, a ``while`` or an ``assert``."""
    parent = module.parent(node)
    return isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node


def _ended_from_outside(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Code of the module outside ``cls`` awaits a release of ``<instance>.attr``."""
    inside = {id(n) for n in walk(cls)}
    return any(
        isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(func := node.value.func, ast.Attribute)
        and RELEASE.match(func.attr) and isinstance(func.value, ast.Attribute) and func.value.attr == attr and id(node) not in inside
        for node in walk(module.tree)
    )
