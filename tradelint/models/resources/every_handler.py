"""A resource closed by every handler of the ``try`` it is made in, the handlers together
catching every error (TRD201): on each way out by an exception the close runs, as a ``finally``
would run it; what the success path does with it is judged alone, as if no handler closed it.

```python
try:
    ws = await http.ws_connect(url)
    await ws.send_str("hello")
    self._entries[key] = Entry(ws=ws)     # kept on success
except asyncio.CancelledError:
    await self._drop(ws)                  # each handler closes it (or hands it to a release)
    raise
except Exception as e:
    await ws.close()
    raise Failed() from e
```

Every handler of that ``try`` must close it as a statement of its own body (not under an ``if``),
and the handlers together must catch a cancellation and every ``Exception``: a bare ``except``,
``except BaseException``, or ``Exception`` and ``CancelledError`` between them (only
``KeyboardInterrupt`` and ``SystemExit`` escape, which end the program). A set that misses
``CancelledError`` is judged as before (``closed_only_before_cancellation``), and so is a close
in some handlers only."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import TRY_NODES

_CATCH_ALL = frozenset({"", "BaseException"})


def closed_by_every_handler(module: ModuleInfo, stmt: ast.AST, close_nodes: list[ast.AST]) -> bool:
    """Whether ``close_nodes`` (the closes of what ``stmt`` makes, each in an ``except``) are the
    handlers of one ``try`` whose body holds ``stmt``, one close at least directly in the body of
    each handler, and the handlers catch every error but the program's own exits."""
    handlers: list[ast.ExceptHandler] = []
    for node in close_nodes:
        handler = _handler_of(module, node)
        if handler is None:
            return False
        handlers.append(handler)
    tries = {id(module.parent(h)): module.parent(h) for h in handlers}
    if len(tries) != 1:
        return False
    (statement,) = tries.values()
    if not isinstance(statement, TRY_NODES) or not _in_body(module, stmt, statement):
        return False
    every: list[ast.ExceptHandler] = list(getattr(statement, "handlers", ()))
    closed = {id(h) for h in handlers}
    if any(id(h) not in closed for h in every):
        return False
    caught: set[str] = set()
    for h in every:
        types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type] if h.type is not None else []
        caught |= {t.attr if isinstance(t, ast.Attribute) else t.id if isinstance(t, ast.Name) else "?" for t in types} or {""}
    return bool(caught & _CATCH_ALL) or {"Exception", "CancelledError"} <= caught


def _handler_of(module: ModuleInfo, node: ast.AST) -> ast.ExceptHandler | None:
    """The handler ``node`` runs in as a statement of its own body (``await ws.close()``,
    ``await self._drop(ws)``); None under an ``if``, a loop or another ``try``."""
    statement = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    handler = module.parent(statement) if isinstance(statement, (ast.Expr, ast.Assign)) else None
    return handler if isinstance(handler, ast.ExceptHandler) and any(s is statement for s in handler.body) else None


def _in_body(module: ModuleInfo, stmt: ast.AST, statement: ast.AST) -> bool:
    """Whether ``stmt`` runs in the body of the ``try`` ``statement`` (not its handlers, ``else``
    or ``finally``), in the same function."""
    child = stmt
    for ancestor in module.ancestors(stmt):
        if ancestor is statement:
            return any(s is child for s in statement.body)  # type: ignore[attr-defined]
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        child = ancestor
    return False
