"""A resource the process keeps from import to exit, in a project whose application has an end of
life that never closes it (issue 28 point 5: the program's end is an end of life).

``POOL = BlockingConnectionPool(...)`` in a class body, or ``client = AsyncIOMotorClient(url)`` at
the top of a module, is made once at import and shared by everything; only the application's end
can close it. A module that builds an application and ends it itself is judged where it is
(:func:`tradelint.facts.app_startup.application_global`); this is the rest of the project: when
some module of it gives an application an end of life (a lifespan, a shutdown handler, aiohttp's
``on_cleanup``), the project has the place to close what it keeps for the process, and a
global that no file of the project closes there or anywhere is left open at every shutdown
(edraj/dmart ``4037ae40`` and ``097c4253``: a class-level redis pool never disconnected, first
after ``serve()`` returned, then in the new lifespan). A project with no such end (a script, a
library) says nothing: its process simply exits.

What closes it, anywhere in the project: a release called on a chain that names it
(``await RedisServices.POOL.disconnect()``, ``await db.client.close()``, ``await
bot.session.close()`` on a global ``bot``), also spelled with its mangled name for a private class
attribute (``RedisServices._RedisServices__POOL.aclose()``).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

from tradelint.facts.app_startup import CLOSES, ends_an_application
from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root

# The words one of which a module that ends an application names (see ``ends_an_application``).
_END_WORDS = ("lifespan", "shutdown", "on_cleanup", "cleanup_ctx")


def kept_for_the_process(module: ModuleInfo, expr: ast.expr, lazy: bool) -> tuple[ast.Assign, str] | None:
    """``POOL = Pool(...)`` in the body of a top-level class, or ``client = Client(...)`` at the top
    of a module that ends no application itself, in a project that ends one: the statement and
    the name the global is known by (``RedisServices.POOL``, ``client``); None otherwise. A
    ``lazy`` one (an ``httpx.AsyncClient``, opened by its first request) that its module never
    reads holds nothing."""
    stmt = module.parent(expr)
    if not (isinstance(stmt, ast.Assign) and stmt.value is expr and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    holder = module.parent(stmt)
    name = stmt.targets[0].id
    if holder is module.tree:
        if ends_an_application(module):
            return None  # judged as the application's own global (``application_global``)
    elif isinstance(holder, ast.ClassDef) and module.parent(holder) is module.tree:
        name = f"{holder.name}.{name}"
    else:
        return None
    if lazy and not _read(module, stmt.targets[0].id, isinstance(holder, ast.ClassDef)):
        return None
    return (stmt, name) if project_ends_an_application(module) else None


def _read(module: ModuleInfo, name: str, attribute: bool) -> bool:
    """Whether ``module`` loads the global ``name`` (a class attribute: ``<x>.name``, as written)."""
    if attribute:
        return any(node.attr == name for node in module.index.attributes)
    return any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) for node in ast.walk(module.tree))


def project_folder(module: ModuleInfo) -> Path:
    """The project's folder: the nearest one with a project marker, else the outermost of the
    module's own import root and its configuration's folder (a tree of sources alone, checked
    with its configuration at the top: the folder that holds the application's modules too);
    never the folder above the top package, which may hold other projects."""
    from tradelint.core.config import config_for

    found = project_root(module)
    if found is not None:
        return found
    try:
        configured = config_for(module.path.parent).root
    except Exception:  # a broken configuration is reported by the engine, not here
        configured = None
    above = [root for root in (*module.roots[:1], configured) if root is not None and module.path.is_relative_to(root)]
    return min(above, key=lambda root: len(root.parts)) if above else module.path.parent


def project_ends_an_application(module: ModuleInfo) -> bool:
    """Whether some module of ``module``'s project gives an application an end of life."""
    root = project_folder(module)
    for word in _END_WORDS:
        module.project.note_scan(f"mentions {word}", root)
    memo = cast("dict[Path, bool]", module.project.scan_memo("lifespan").setdefault("app-ends", {}))
    if root not in memo:
        memo[root] = any(
            (other := module.project.module_at(path)) is not None and ends_an_application(other)
            for word in _END_WORDS
            for path, _ in files_naming(module.project, root, word)
        )
    return memo[root]


def closed_in_project(module: ModuleInfo, name: str, close: str) -> bool:
    """Whether a file of the project calls a release on a chain naming the global ``name``."""
    owner, _, attr = name.rpartition(".")
    spellings = {attr}
    if owner and attr.startswith("__") and not attr.endswith("__"):
        spellings.add(f"_{owner.lstrip('_')}{attr}")  # a private class attribute, as Python mangles it
    closes = CLOSES | {close, "stop", "shutdown"}
    root = project_folder(module)
    for word in sorted(spellings):
        module.project.note_scan(f"mentions {word}", root)
        for path, data in files_naming(module.project, root, word):
            if not any(f".{c}(".encode() in data for c in closes):
                continue
            other = module.project.module_at(path)
            if other is not None and any(
                node.attr in closes and _names(node.value, spellings) for node in other.index.attributes
            ):
                return True
    return False


def _names(chain: ast.expr, spellings: set[str]) -> bool:
    """Whether the receiver chain (``RedisServices.POOL``, ``bot.session``) names one of them."""
    while True:
        if isinstance(chain, ast.Name):
            return chain.id in spellings
        if isinstance(chain, ast.Attribute):
            if chain.attr in spellings:
                return True
            chain = chain.value
        elif isinstance(chain, ast.Call):
            chain = chain.func
        else:
            return False
