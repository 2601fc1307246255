"""What the plugin needs from mypy's syntax tree: an expression as the user wrote it (for
messages) and which expressions stand alone as statements (their value is discarded)."""

from __future__ import annotations

from mypy.nodes import (
    Block,
    BytesExpr,
    CallExpr,
    ClassDef,
    Context,
    Decorator,
    Expression,
    ExpressionStmt,
    FloatExpr,
    ForStmt,
    FuncDef,
    IfStmt,
    IndexExpr,
    IntExpr,
    MatchStmt,
    MemberExpr,
    MypyFile,
    NameExpr,
    OverloadedFuncDef,
    Statement,
    StrExpr,
    SuperExpr,
    TryStmt,
    WhileStmt,
    WithStmt,
)


def render(expr: Expression) -> str:
    """``self.manager.spawn``, ``asyncio.get_running_loop().create_task``, ``vats[0]``; ``...``
    stands for anything more complex, which messages never need verbatim."""
    if isinstance(expr, NameExpr):
        return expr.name
    if isinstance(expr, MemberExpr):
        return f"{render(expr.expr)}.{expr.name}"
    if isinstance(expr, SuperExpr):
        return f"super().{expr.name}"
    if isinstance(expr, CallExpr):
        return f"{render(expr.callee)}({', '.join(render(arg) for arg in expr.args)})"
    if isinstance(expr, IndexExpr):
        return f"{render(expr.base)}[{render(expr.index)}]"
    if isinstance(expr, StrExpr):
        return repr(expr.value)
    if isinstance(expr, (IntExpr, FloatExpr)):
        return str(expr.value)
    if isinstance(expr, BytesExpr):
        return f"b{expr.value!r}"
    return "..."


Span = tuple[int, int, "int | None", "int | None"]


def span(node: Context) -> Span:
    return (node.line, node.column, node.end_line, node.end_column)


def discarded_expressions(tree: MypyFile) -> set[Span]:
    """Where the expressions that are a whole statement are: ``create_task(poll())`` on a line of
    its own. Only statements are walked, never expressions: one cheap pass per module.

    Spans, not nodes: mypy checks a function with a value-restricted type variable once per value,
    on copies of its body, and a copy keeps its original's span. No other expression has the
    span of a whole statement (``spawn(x).cancel()`` does not share the end of ``spawn(x)``).
    """
    found: set[Span] = set()
    stack: list[Statement | Block] = list(tree.defs)
    while stack:
        node = stack.pop()
        if isinstance(node, ExpressionStmt):
            found.add(span(node.expr))
        elif isinstance(node, Block):
            stack.extend(node.body)
        elif isinstance(node, FuncDef):
            stack.append(node.body)
        elif isinstance(node, Decorator):
            stack.append(node.func.body)
        elif isinstance(node, OverloadedFuncDef):
            stack.extend(item for item in node.items if isinstance(item, (FuncDef, Decorator)))
            if node.impl is not None:
                stack.append(node.impl)
        elif isinstance(node, ClassDef):
            stack.append(node.defs)
        elif isinstance(node, IfStmt):
            stack.extend(node.body)
            if node.else_body is not None:
                stack.append(node.else_body)
        elif isinstance(node, (WhileStmt, ForStmt)):
            stack.append(node.body)
            if node.else_body is not None:
                stack.append(node.else_body)
        elif isinstance(node, WithStmt):
            stack.append(node.body)
        elif isinstance(node, TryStmt):
            stack.append(node.body)
            stack.extend(node.handlers)
            for extra in (node.else_body, node.finally_body):
                if extra is not None:
                    stack.append(extra)
        elif isinstance(node, MatchStmt):
            stack.extend(node.bodies)
    return found
