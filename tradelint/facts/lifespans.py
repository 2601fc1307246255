"""A function an ASGI framework runs as an application's lifespan, not a context manager its
users enter (issue 28, point 5: framework lifecycles are ends of life, followed as the framework
runs them).

``FastAPI(lifespan=f)``, ``Starlette(lifespan=f)``, ``APIRouter(lifespan=f)`` and ``app.router.
lifespan_context = f`` hand ``f`` (an ``@asynccontextmanager``) to Starlette's
``Router.lifespan``, which alone enters it (starlette/routing.py)::

    async with self.lifespan_context(app) as maybe_state:
        ...
        await send({"type": "lifespan.startup.complete"})
        started = True
        await receive()
    except BaseException:
        ... send "lifespan.shutdown.failed" if started else "lifespan.startup.failed"
        raise

The block around its ``yield`` is the server's own lifespan channel: ``send`` and ``receive`` of
the lifespan messages, never a request (each request is a call of its own), so no error of the
application's work is thrown in at the ``yield``; the code after it runs once, when the server
shuts down. An error of the lifespan itself, before the ``yield`` (the start-up) or after it (the
shutdown), fails the server's start or stop and is raised out of the server's lifespan task
(uvicorn then exits, "Application startup failed. Exiting."): the program does not go on after
it. So the code after the ``yield`` is the end of life of what the lifespan makes, closed there
on every way the server ends, as a pytest fixture's teardown is; an ``@asynccontextmanager`` the
project enters itself (``async with scope():``) is judged as ever, the error of its block being
thrown in at the ``yield``.

Proven, not guessed: the function is named (in its module, or through an import of it in another
file of the project) as the ``lifespan`` keyword of a call or assigned to a ``lifespan_context``.
"""

from __future__ import annotations

import ast
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_references import search_root
from tradelint.facts.project_files import files_naming

Function = ast.FunctionDef | ast.AsyncFunctionDef


def is_lifespan(module: ModuleInfo, function: ast.AST) -> bool:
    """Whether ``function``, a function at the top of ``module``, is registered as an
    application's lifespan: ``lifespan=function`` given to a call, or ``<x>.lifespan_context =
    function``, in ``module`` or in a file of the project importing it."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or module.parent(function) is not module.tree:
        return False
    memo = cast("dict[object, bool]", module.project.class_memo)
    key = ("lifespan", module.path, function.lineno, function.name)
    if key not in memo:
        memo[key] = _registered(module, function)
    return memo[key]


def _registered(module: ModuleInfo, function: Function) -> bool:
    if any(_names(module, value, function.name, None) for value in _lifespan_values(module)):
        return True
    if module.module_name is None:
        return False
    qualified = f"{module.module_name}.{function.name}"
    root = search_root(module)
    module.project.note_scan(f"mentions {function.name}", root)
    for path, data in files_naming(module.project, root, function.name, skip=module.path):
        if b"lifespan" not in data:
            continue
        other = module.project.module_at(path)
        if other is not None and any(_names(other, value, function.name, qualified) for value in _lifespan_values(other)):
            return True
    return False


def _lifespan_values(module: ModuleInfo) -> list[ast.expr]:
    """What ``module`` registers as a lifespan: each ``lifespan=`` keyword's value, and each value
    assigned to a ``lifespan_context`` attribute."""
    values = [k.value for call in module.index.calls for k in call.keywords if k.arg == "lifespan"]
    for node in module.index.attributes:
        if node.attr == "lifespan_context" and isinstance(node.ctx, ast.Store):
            stmt = module.parent(node)
            if isinstance(stmt, ast.Assign) and node in stmt.targets:
                values.append(stmt.value)
    return values


def _names(module: ModuleInfo, value: ast.expr, name: str, qualified: str | None) -> bool:
    """``value`` is the function: its own name in its module (not shadowed by an import), or a
    name or attribute another module resolves through its imports to ``qualified``."""
    if qualified is None:
        return isinstance(value, ast.Name) and value.id == name and module.imports.qualify(value) is None
    return isinstance(value, (ast.Name, ast.Attribute)) and module.imports.qualify(value) == qualified
