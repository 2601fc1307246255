"""Decorators that keep what ``await`` gives (``scripts/make_resource_table.py``'s method makers).

A method maker's decorator usually changes what a call is (``@asynccontextmanager``, a property,
a cache), so a decorated method makes nothing the table can say. One kind does not: a decorator
of the library whose wrapper returns, on every path, an instance of a class of the library handed
the decorated coroutine's call (``_ACMWrapper(coro(*args, **kwargs))``), a class whose
``__await__`` is that coroutine's own (``return self._coro.__await__()``, ``self._coro`` kept
from that argument by ``__init__``). Awaiting the decorated method's call then gives what the
coroutine returns: asyncssh's ``@async_context_manager`` on ``SSHClientConnection.create_process()
-> SSHClientProcess``, whose ``await conn.create_process(cmd)`` is the process (the wrapper also
lets ``async with conn.create_process(cmd) as process`` enter and exit it).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.syntax import own_returns
from tradelint.facts.uses import self_attr

_Function = ast.FunctionDef | ast.AsyncFunctionDef


def _own_returns(function: _Function) -> list[ast.expr | None]:
    """The values of ``function``'s own ``return`` statements (not a nested function's)."""
    return [node.value for node in own_returns(function)]


def _method(cls: ast.ClassDef, name: str) -> _Function | None:
    return next((m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name == name), None)


def awaits_the_wrapped(cls: ast.ClassDef) -> bool:
    """Whether awaiting an instance of ``cls`` awaits the object its constructor is handed first:
    ``__init__`` keeps its first parameter on ``self.<attr>`` in its own body, and every return of
    the plain ``__await__`` is ``self.<attr>.__await__()``."""
    init, await_ = _method(cls, "__init__"), _method(cls, "__await__")
    if not isinstance(init, ast.FunctionDef) or not isinstance(await_, ast.FunctionDef):
        return False
    params = [*init.args.posonlyargs, *init.args.args]
    if len(params) < 2 or not await_.args.args:
        return False
    receiver, given = params[0].arg, params[1].arg
    kept = {
        attr
        for stmt in init.body
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Name) and stmt.value.id == given
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        if (attr := self_attr(target, receiver)) is not None
    }
    returns = _own_returns(await_)
    own = await_.args.args[0].arg
    return bool(returns and kept) and all(
        isinstance(value, ast.Call) and not value.args and not value.keywords
        and isinstance(value.func, ast.Attribute) and value.func.attr == "__await__"
        and self_attr(value.func.value, own) in kept
        for value in returns
    )


def keeps_await(decorator: ast.stmt, wrapper_class: Callable[[ast.expr], ast.ClassDef | None]) -> bool:
    """Whether ``decorator`` (a function of the library) keeps what awaiting the decorated
    coroutine's call gives: a plain function of one parameter returning, on every path, a function
    it defines, each of whose returns is a call of a class of the library (``wrapper_class``: the
    class a callee names, None for anything else) whose first argument is the decorated function
    called, and whose instance awaits that argument (:func:`awaits_the_wrapped`)."""
    if not isinstance(decorator, ast.FunctionDef):
        return False
    params = [*decorator.args.posonlyargs, *decorator.args.args]
    if len(params) != 1 or decorator.args.kwonlyargs or decorator.args.vararg or decorator.args.kwarg:
        return False
    decorated = params[0].arg
    nested = {s.name: s for s in decorator.body if isinstance(s, ast.FunctionDef)}
    returned = _own_returns(decorator)
    if not returned or not all(isinstance(v, ast.Name) and v.id in nested for v in returned):
        return False
    for value in returned:
        assert isinstance(value, ast.Name)
        wrapper_returns = _own_returns(nested[value.id])
        if not wrapper_returns:
            return False
        for made in wrapper_returns:
            if not (
                isinstance(made, ast.Call) and made.args and isinstance(made.args[0], ast.Call)
                and isinstance(made.args[0].func, ast.Name) and made.args[0].func.id == decorated
            ):
                return False
            cls = wrapper_class(made.func)
            if cls is None or not awaits_the_wrapped(cls):
                return False
    return True


_KEEPS_AWAIT: dict[tuple[Path, int], bool] = {}


def awaited_through(project: Project, module: ModuleInfo, method: _Function, plain: set[str]) -> bool:
    """Whether every decorator of the coroutine method that is not a plain marker (``plain``:
    ``overload``...) is a function of the libraries read that keeps what ``await`` gives
    (:func:`keeps_await`): awaiting a call of the method gives what its own code returns."""
    if not isinstance(method, ast.AsyncFunctionDef):
        return False
    for decorator in method.decorator_list:
        name = decorator.id if isinstance(decorator, ast.Name) else decorator.attr if isinstance(decorator, ast.Attribute) else None
        if name in plain:
            continue
        found = library_definition(project, module, decorator) if name is not None else None
        if found is None:
            return False
        home, function = found
        key = (home.path, function.lineno)
        if key not in _KEEPS_AWAIT:

            def wrapper_class(func: ast.expr, home: ModuleInfo = home) -> ast.ClassDef | None:
                named = library_definition(project, home, func)
                return named[1] if named is not None and isinstance(named[1], ast.ClassDef) else None

            _KEEPS_AWAIT[key] = keeps_await(function, wrapper_class)
        if not _KEEPS_AWAIT[key]:
            return False
    return True


def library_definition(project: Project, module: ModuleInfo, node: ast.expr) -> tuple[ModuleInfo, ast.stmt] | None:
    """The class or function of the libraries read that ``node`` names in ``module``: one of the
    module's own, or one it imports."""
    if isinstance(node, ast.Name) and node.id in module.top_level:
        return module, module.top_level[node.id]
    qualified = module.imports.qualify(node)
    return project.lookup(qualified, module.roots) if qualified is not None else None
