"""A resource kept on an attribute of its class, not of an instance (issue 28, session 57).

``Service.modem = Modem(...)`` in a method of ``Service``, or ``cls._session = ClientSession()`` in
a classmethod: the class holds it, every instance shares it, and it lives as long as the class,
the process. No instance's ``close()`` is its end (ending it there would end it for every other
instance); it is the program's, as a module global is, and some code of the project must close
it at shutdown. Reported (TRD201, as a module global never closed) at each store when no file of
the project closes ``<anything>.<attr>`` (``Service.modem.close()``, ``cls._session.close()``,
``self._session.close()``: an instance reads its class's attribute) and no code of the module
hands the value on (given to a call, entered with ``with``, returned, yielded, stored or bound
elsewhere: whoever gets it may close it)."""

from __future__ import annotations

import ast

from tradelint.facts.app_startup import CLOSES
from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_references import search_root
from tradelint.facts.project_files import files_naming
from tradelint.facts.uses import self_name


def class_attribute_store(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> tuple[ast.stmt, str, ast.ClassDef] | None:
    """(the statement, the attribute, the class) of ``<Class>.<attr> = expr`` in a method of
    ``Class``, or ``cls.<attr> = expr`` in one of its classmethods; None otherwise."""
    stmt = module.parent(expr)
    if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is expr):
        return None
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    cls = module.parent(function)
    if len(targets) != 1 or not isinstance(cls, ast.ClassDef):
        return None
    target = targets[0]
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    owner = target.value.id
    classmethod = any(isinstance(d, ast.Name) and d.id == "classmethod" for d in function.decorator_list)
    if owner == cls.name or (classmethod and owner == self_name(function)):
        return stmt, target.attr, cls
    return None


def class_attribute_closed(module: ModuleInfo, name: str, close: str) -> bool:
    """Whether some file of the project closes ``<...>.<name>`` (any receiver: the class, ``cls``
    or an instance reading it), or code of the module hands ``<...>.<name>`` on as a value."""
    if _handed_on(module, name):
        return True
    closes = CLOSES | {close}
    root = search_root(module)
    module.project.note_scan(f"mentions {name}", root)
    homes = [module] + [m for path, data in files_naming(module.project, root, name, skip=module.path)
                        if any(f".{c}".encode() in data for c in closes) and (m := module.project.module_at(path)) is not None]
    return any(
        node.attr in closes and isinstance(node.value, ast.Attribute) and node.value.attr == name
        for home in homes for node in home.index.attributes
    )


def _handed_on(module: ModuleInfo, name: str) -> bool:
    """A load of ``<...>.<name>`` itself (not of its attribute, not a test of it) given to a call,
    entered, returned, yielded, awaited or bound to another name or place."""
    for node in module.index.attributes:
        if node.attr != name or not isinstance(node.ctx, ast.Load):
            continue
        parent = module.parent(node)
        if isinstance(parent, ast.Call) and node is not parent.func:
            return True
        if isinstance(parent, ast.keyword) or isinstance(parent, ast.Starred):
            return True
        if isinstance(parent, ast.withitem) or isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await)):
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and parent.value is node:
            return True
        if isinstance(parent, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
            return True
    return False
