"""An engine made on a ``NullPool`` holds nothing to release.

SQLAlchemy's ``NullPool`` keeps no connection: each one is closed when it is given back, so an
engine made with ``poolclass=NullPool`` (alembic's ``env.py`` template makes its migration engine
so) holds no connection between uses, and its ``dispose()`` frees nothing. The pool argument is
read where the engine is made: on the maker itself (``create_async_engine(url,
poolclass=NullPool)``), or on the sync engine an ``AsyncEngine`` wraps (``AsyncEngine(
create_engine(url, poolclass=pool.NullPool))``, directly or through a local bound once)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import bound_once

# SQLAlchemy's public spellings of the class (``sqlalchemy.pool.impl`` defines it).
NULL_POOLS = frozenset({"sqlalchemy.NullPool", "sqlalchemy.pool.NullPool", "sqlalchemy.pool.impl.NullPool"})


def pools_nothing(module: ModuleInfo, call: ast.Call, release: str) -> bool:
    """Whether ``call``, released by ``release``, makes an engine on a ``NullPool``, or wraps one
    (its first argument). Only an engine: its ``dispose()`` ends the pool and nothing else (a
    session on such an engine holds its connection until it is closed)."""
    if release != "dispose":
        return False
    if _null_pool_argument(module, call):
        return True
    if not call.args:
        return False
    wrapped = call.args[0]
    function = module.enclosing_function(call)
    if isinstance(wrapped, ast.Name) and function is not None:
        wrapped = bound_once(function, wrapped.id) or wrapped
    return isinstance(wrapped, ast.Call) and _null_pool_argument(module, wrapped)


def _null_pool_argument(module: ModuleInfo, call: ast.Call) -> bool:
    return any(k.arg == "poolclass" and module.qualify(k.value) in NULL_POOLS for k in call.keywords)
