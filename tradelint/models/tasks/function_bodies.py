"""A function's own nodes and statements (nested functions, lambdas and classes left out), the
names a statement binds and whether a body always exits: plain syntax questions the task
analysis asks of every function it judges, kept apart because they know nothing of tasks."""

from __future__ import annotations

import ast

from tradelint.facts.syntax import ORDERED_FIELDS, STATEMENT_LISTS, child_nodes, ordered_fields, walk


def _binds(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Assign):
        targets: list[ast.expr] = node.targets
    elif isinstance(node, ast.With):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For)):
        targets = [node.target]
    else:
        return False
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in walk(t))


def _always_exits(body: list[ast.stmt]) -> bool:
    """Whether control can never fall off the end of ``body`` (every path returns or raises).

    Conservative: loops and ``match`` are taken to fall through."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_exits(last.body) and _always_exits(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _always_exits(last.body)
    if isinstance(last, ast.Try):
        if last.finalbody and _always_exits(last.finalbody):
            return True
        body_exits = _always_exits(last.body) or _always_exits(last.orelse)
        return body_exits and all(_always_exits(h.body) for h in last.handlers)
    return False


def _own_nodes(func: ast.AST) -> list[ast.AST]:
    """Nodes of a function body, not descending into nested functions or classes."""
    # ``child_nodes`` inlined (the same fields in the same order), and the nodes pushed in the
    # order it gives them: the same list as popping ``child_nodes(node)`` off a stack.
    found: list[ast.AST] = []
    stack = child_nodes(func)
    pop, push, extend, keep = stack.pop, stack.append, stack.extend, found.append
    table = ORDERED_FIELDS
    while stack:
        node = pop()
        keep(node)
        kind = node.__class__
        if kind in _SCOPE_TYPES:
            continue
        fields = table.get(kind)
        if fields is None:
            fields = ordered_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            if value.__class__ is list:
                extend([child for child in value if child is not None])
            else:
                push(value)
    return found


def _own_statements(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The statements of ``_own_nodes(func)`` (with the ``except`` handlers and ``case``
    clauses that hold some), in the same order: the depth-first walk pushes the same statement
    lists in the same order, and the expressions it also pushes hold no statement (a lambda's
    body is an expression), so skipping them changes nothing between two statements."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(func.body)
    table = _STATEMENT_FIELDS
    while stack:
        node = stack.pop()
        found.append(node)
        kind = node.__class__
        if kind in _SCOPE_TYPES:
            continue
        fields = table.get(kind)
        if fields is None:
            fields = table[kind] = tuple(f for f in getattr(kind, "_fields", ()) if f in STATEMENT_LISTS)
        for name in fields:
            stack.extend(getattr(node, name))
    return found


# Per statement, handler or case type: its fields that hold statements, handlers or cases.
_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}


_SCOPE_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
