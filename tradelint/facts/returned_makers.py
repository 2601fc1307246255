"""What a maker method returns on every path: one class, or one constructor's call (the summary's
reading of ``self.session = self._init_session()``, and the ownership model's of a subclass's
override of a template method), and the method of a value a store keeps."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import capword, walk


def returned_class(maker: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Name | ast.Attribute | None:
    """The one class (a name, not a call) a plain method returns on every path: ``return
    engineio.AsyncClient``; None otherwise."""
    if not isinstance(maker, ast.FunctionDef):
        return None
    returned: list[ast.expr | None] = []
    for node in walk(maker):
        if isinstance(node, ast.Return):
            returned.append(node.value)
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
    first = returned[0] if returned else None
    if not isinstance(first, (ast.Name, ast.Attribute)) or any(v is None or ast.dump(v) != ast.dump(first) for v in returned):
        return None
    return first


def returned_call(maker: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Call | None:
    """The one constructor's call a function returns on every path (``return ClientSession(...)``,
    or a local bound once to it); None otherwise."""
    bound: dict[str, list[ast.expr]] = {}
    returned: list[ast.expr] = []
    for node in walk(maker):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.Return) and node.value is not None:
            returned.append(node.value)
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
    made: list[ast.Call] = []
    for value in returned:
        if isinstance(value, ast.Name) and len(bound.get(value.id, ())) == 1:
            value = bound[value.id][0]
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call):
            return None
        made.append(value)
    if not made or any(ast.dump(m.func) != ast.dump(made[0].func) for m in made):
        return None
    return made[0]


def method_of_a_value(call: ast.Call, receiver: str | None) -> str | None:
    """The method ``call`` calls on a value that is neither the instance (``receiver``, the
    method's first parameter) nor an import: ``self._session.ws_connect(url)``, or
    ``session.ws_connect(url)`` of a parameter. What it makes is a library maker's to say
    (``ClassFacts.made``), resolved where the class is judged. A CapWords name is a class."""
    func = call.func
    if not isinstance(func, ast.Attribute) or capword(func.attr):
        return None
    value = func.value
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == receiver:
        return func.attr
    return func.attr if isinstance(value, ast.Name) and value.id != receiver else None
