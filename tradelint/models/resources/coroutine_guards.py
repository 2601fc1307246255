"""A bare call the code runs only when its callable is not a coroutine function (TRD205): the
call is reached only on the path where the code has tested that very callable and found it plain.

```python
def __del__(self):
    if not asyncio.iscoroutinefunction(self.close):
        self.close()           # runs only for a plain ``close``: it creates no coroutine

if inspect.iscoroutinefunction(store.close):
    await store.close()
else:
    store.close()              # the plain branch of the same test

if asyncio.iscoroutinefunction(self.close):
    return                     # every later statement of the block runs only for a plain one
self.close()
```

Code shared between an async class and a generated (or duck-typed) sync twin says so: the
un-awaited call is the twin's, and for the coroutine function the test sends control elsewhere.
The test must name the same callable the call calls (``self.close`` for ``self.close()``): a test
of another callable, or of the object (``isinstance``), proves nothing about this call."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo

# The tests that a callable is a coroutine function, under their modules or imported bare.
_TESTS = frozenset({"iscoroutinefunction", "iscoroutinefunction_or_partial"})
_TEST_MODULES = frozenset({"asyncio", "inspect"})
_LEAVES = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def plain_only_call(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether ``call`` runs only where its callable was tested and found not to be a coroutine
    function: the body of ``if not iscoroutinefunction(f)``, the ``else`` of ``if
    iscoroutinefunction(f)``, or any later statement of a block (or of a block enclosing it) in
    which ``if iscoroutinefunction(f): return`` (or ``raise``, ``continue``, ``break``) came
    first, ``f`` being the call's own callable."""
    callee = ast.dump(call.func)
    child: ast.AST = call
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, ast.If) and child is not ancestor.test:
            tested = _tested(ancestor.test)
            if tested is not None and tested[0] == callee:
                in_body = any(s is child for s in ancestor.body)
                # The plain branch: ``if not test`` body, or ``if test`` else.
                if in_body != tested[1]:
                    return True
        for block in _blocks(ancestor):
            if any(s is child for s in block):
                for statement in block:
                    if statement is child:
                        break
                    if _leaves_when_coroutine(statement, callee):
                        return True
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return False
        child = ancestor
    return False


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists of ``node``."""
    return [value for field in ("body", "orelse", "finalbody") if isinstance(value := getattr(node, field, None), list)]


def _leaves_when_coroutine(statement: ast.stmt, callee: str) -> bool:
    """``if iscoroutinefunction(f): return`` (no ``else``): control leaves the block when ``f``
    is a coroutine function."""
    if not isinstance(statement, ast.If) or statement.orelse:
        return False
    tested = _tested(statement.test)
    return tested is not None and tested == (callee, True) and isinstance(statement.body[-1], _LEAVES)


def _tested(test: ast.expr) -> tuple[str, bool] | None:
    """The callable ``test`` tests (its dump) and whether the test holds when it is a coroutine
    function: ``iscoroutinefunction(f)`` -> (f, True), ``not iscoroutinefunction(f)`` -> (f, False)."""
    holds = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, holds = test.operand, not holds
    if not (isinstance(test, ast.Call) and len(test.args) == 1 and not test.keywords):
        return None
    func = test.func
    if isinstance(func, ast.Attribute):
        if not (func.attr in _TESTS and isinstance(func.value, ast.Name) and func.value.id in _TEST_MODULES):
            return None
    elif not (isinstance(func, ast.Name) and func.id in _TESTS):
        return None
    return ast.dump(test.args[0]), holds
