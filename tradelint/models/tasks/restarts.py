"""An end of a task on ``self`` that is a restart: the method cancels the task (or the tasks of a
collection on ``self``) and then, on the same path, calls the class's own method that starts it
again (``self.t.cancel(); await self.start()``). A restart ends the old generation only; the new
one, and the object's last one, must still be ended by the object's end. The direct form
(``self.t.cancel(); self.t = create_task(...)``) is ``facts.uses.renews_after``'s; this is the
same question asked through the methods the restart calls on ``self`` (OctoBot-Trading's
``OHLCVUpdater.resume()`` cancels its update loops and runs the producer again: the cancel is no
end of the object's life).

Deliberately strict: the call must be a statement of its own (``await self.start()``,
``self.start()``, ``x = await self.start()``) that runs whenever the cancel did (a later statement
of a block holding the cancel, not under a branch of its own), and the method it calls (or a
method that one calls on ``self``, to a small depth) must store a task made by ``create_task`` /
``ensure_future`` into the same attribute, or add one to it. A method the class does not define
(a base the project does not have) says nothing, and a cancel in the class's own release method
(``close()``, ``stop()``, ``__aexit__``...) stays its end whatever it calls next."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import is_release_name
from tradelint.facts.syntax import TASK_MAKERS, class_methods, last_name, own_nodes
from tradelint.facts.uses import self_attribute_loads, self_name
from tradelint.models.tasks.read_uses import ends_task_elements

Method = ast.FunctionDef | ast.AsyncFunctionDef
# How many calls on ``self`` deep a restart's start is looked for (``resume -> start -> _spawn``).
_DEPTH = 3
_ADDERS = frozenset({"append", "add", "extend", "appendleft", "insert", "setdefault"})


def restarts_after(module: ModuleInfo, node: ast.expr, attr: str) -> bool:
    """``self.attr`` (or its elements) is ended at ``node``, and then, on every path on which the
    end ran, the method calls one of its class's methods that starts a task into ``self.attr``."""
    method = module.enclosing_function(node)
    receiver = self_name(method) if method is not None else None
    if method is None or receiver is None:
        return False
    owner = module.parent(method)
    if not isinstance(owner, ast.ClassDef) or method.name in ("__aexit__", "__exit__") or is_release_name(method.name):
        return False  # the class's own release is its end, whatever it calls after (precision first)
    methods = class_methods(owner)
    for call in _calls_after(module, node, method, receiver):
        callee = methods.get(call)
        if callee is not None and callee is not method and _starts_into(callee, attr, methods, _DEPTH, {id(method)}):
            return True
    return False


def _calls_after(module: ModuleInfo, node: ast.AST, method: Method, receiver: str) -> Iterator[str]:
    """The names of the methods called on ``receiver`` by a statement of its own that runs
    whenever ``node`` did: a later statement of a block holding it, walking out to the method's
    body, with no ``return``, ``raise``, ``break`` or ``continue`` on the way that could leave
    the block first."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if isinstance(child, ast.stmt):
            if _jumps(child):
                return
            for block in _blocks(ancestor):
                if child in block:
                    for later in block[block.index(child) + 1:]:
                        name = _self_call(later, receiver)
                        if name is not None:
                            yield name
                        if _jumps(later):
                            return
        if ancestor is method:
            return
        child = ancestor


def _jumps(stmt: ast.AST) -> bool:
    """A statement that can leave its block early: it is, or holds, a jump (nested functions
    aside; a ``break`` inside a loop nested in an ``if`` is counted too: stricter than needed)."""
    if isinstance(stmt, ast.Return | ast.Raise | ast.Break | ast.Continue):
        return True
    # A loop's own ``break`` and ``continue`` (and a nested loop's) stay inside it.
    kinds = (ast.Return, ast.Raise) if isinstance(stmt, ast.For | ast.AsyncFor | ast.While) else (ast.Return, ast.Raise, ast.Break, ast.Continue)
    return any(isinstance(n, kinds) for n in own_nodes(stmt))


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    return [block for field in ("body", "orelse", "finalbody") if isinstance(block := getattr(node, field, None), list)]


def _self_call(stmt: ast.stmt, receiver: str) -> str | None:
    """``self.m(...)``, ``await self.m(...)`` as the whole statement or an assignment's value."""
    value = stmt.value if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign) else None
    if isinstance(value, ast.Await):
        value = value.value
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == receiver
    ):
        return value.func.attr
    return None


def _starts_into(method: Method, attr: str, methods: dict[str, Method], depth: int, seen: set[int]) -> bool:
    """``method`` (or a method it calls on ``self``, ``depth`` deep) stores a task it makes into
    ``self.attr`` or adds one to it."""
    seen.add(id(method))
    receiver = self_name(method)
    if receiver is None:
        return False
    callees: list[Method] = []
    for node in own_nodes(method):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and _makes_task(node.value):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_on_self(t, attr, receiver) for t in targets):
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _ADDERS and _on_self(node.func.value, attr, receiver) and any(map(_makes_task, node.args)):
                return True
            if isinstance(node.func.value, ast.Name) and node.func.value.id == receiver:
                callee = methods.get(node.func.attr)
                if callee is not None and id(callee) not in seen:
                    callees.append(callee)
    return depth > 1 and any(
        id(callee) not in seen and _starts_into(callee, attr, methods, depth - 1, seen) for callee in callees
    )


def _on_self(target: ast.expr, attr: str, receiver: str) -> bool:
    """``self.attr`` or ``self.attr[key]``."""
    if isinstance(target, ast.Subscript):
        target = target.value
    return isinstance(target, ast.Attribute) and target.attr == attr and isinstance(target.value, ast.Name) and target.value.id == receiver


def _makes_task(expr: ast.expr) -> bool:
    return any(isinstance(n, ast.Call) and last_name(n.func) in TASK_MAKERS for n in ast.walk(expr))


def restarted_in(module: ModuleInfo, cls: ast.ClassDef, attr: str, elements: bool) -> str | None:
    """The first method of ``cls`` that cancels ``self.attr`` (with ``elements``, the tasks in
    that collection) only to start it again through a method of the class: for the message of
    a task no end of the object ends."""
    for load in self_attribute_loads(cls, attr):
        parent = module.parent(load)
        cancels = ends_task_elements(module, load) if elements else (
            isinstance(parent, ast.Attribute) and parent.attr == "cancel" and isinstance(module.parent(parent), ast.Call)
        )
        if cancels and restarts_after(module, load, attr):
            method = module.enclosing_function(load)
            return method.name if method is not None else None
    return None
