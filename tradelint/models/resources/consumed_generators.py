"""An async generator every consumer of which ends it holds nothing across its ``yield``.

TRD204 warns that a consumer that stops early leaves the generator suspended, its ``async with``
open until garbage collection. That cannot happen when every use of the generator function the
project makes ends the generator on every way out:

- ``Depends(get_session)``: a dependency framework enters a yielding dependency as a context
  manager and exits it after the response;
- ``asynccontextmanager(get_session)``: the wrapper's ``__aexit__`` resumes or closes it;
- ``aclosing(gen(...))`` or ``gen = make(...)`` whose consuming function closes it in a ``finally``
  (``await gen.aclose()``, or run to its end there by a loop runner).

Every reference is found (a module-level function by its name in the project's files that name it;
a method only when it is private, on ``self``/``cls`` in its own module). A name used any other
way (iterated with ``async for``, returned, handed on) leaves the warning as it was.
"""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import own_nodes, walk

_WRAPPERS = frozenset({"Depends", "Security", "asynccontextmanager", "aclosing"})


def closed_by_every_consumer(module: ModuleInfo, function: ast.AST) -> bool:
    """Whether every reference to the async generator ``function`` ends what it makes (above)."""
    if not isinstance(function, ast.AsyncFunctionDef):
        return False
    owner = module.parent(function)
    name = function.name
    refs: list[tuple[ModuleInfo, ast.expr]]
    if isinstance(owner, ast.ClassDef):
        if not name.startswith("_") or name.startswith("__"):
            return False
        refs = [
            (module, node) for node in module.index.attributes
            if node.attr == name and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", owner.name)
        ]
        if len(refs) != sum(1 for node in module.index.attributes if node.attr == name):
            return False  # named on something else too
    elif owner is module.tree:
        refs = [(module, node) for node in ast.walk(module.tree) if isinstance(node, ast.Name) and node.id == name]
        if not name.startswith("_"):
            root = project_root(module)
            if root is None:
                return False
            module.project.note_scan(f"mentions {name}", root)
            for path, _ in files_naming(module.project, root, name, skip=module.path):
                other = module.project.module_at(path)
                if other is None:
                    return False
                refs += [(other, node) for node in ast.walk(other.tree) if isinstance(node, ast.Name) and node.id == name]
                if any(node.attr == name for node in other.index.attributes):
                    return False  # ``engine.get_session``: read through its module, not followed
    else:
        return False
    return bool(refs) and all(_ended(home, node) for home, node in refs)


def _ended(module: ModuleInfo, ref: ast.expr) -> bool:
    parent = module.parent(ref)
    if isinstance(parent, ast.Call) and parent.func is not ref and _wrapper(parent.func) and parent.args and parent.args[0] is ref:
        return True  # ``Depends(get_session)``, ``asynccontextmanager(get_session)``
    if not (isinstance(parent, ast.Call) and parent.func is ref):
        return False
    holder = module.parent(parent)
    if isinstance(holder, ast.Call) and _wrapper(holder.func) and holder.args and holder.args[0] is parent:
        return True  # ``aclosing(gen())``
    if not (isinstance(holder, ast.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0], ast.Name)):
        return False
    consumer = module.enclosing_function(parent)
    return consumer is not None and _closed_in_finally(consumer, holder.targets[0].id)


def _wrapper(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in _WRAPPERS


def _closed_in_finally(function: ast.AST, name: str) -> bool:
    """Whether a ``finally`` of ``function`` (at its top, not in a nested function) calls
    ``name.aclose()``, and the name is bound once."""
    bindings = [n for n in walk(function) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    if len(bindings) != 1:
        return False
    for node in own_nodes(function):
        if isinstance(node, ast.Try) and any(_closes(stmt, name) for stmt in node.finalbody):
            return True
    return False


def _closes(stmt: ast.stmt, name: str) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "aclose"
        and isinstance(n.func.value, ast.Name) and n.func.value.id == name
        for n in ast.walk(stmt)
    )
