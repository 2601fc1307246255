"""A library class that closes what it is given, known from the shipped table where the library
is not installed (issue 28 point 1, session 57).

``fsm_redis = Redis(...)``; ``storage = RedisStorage(redis=fsm_redis)``; the application's end
awaits ``storage.close()`` (or ``dp.storage.close()``), and aiogram's ``RedisStorage.close()`` is
``await self.redis.aclose(close_connection_pool=True)``. The table's holder section
(``scripts/resource_holders.py``, read from the library's source) says so: the client handed
there is released where the holder is released, so the holder takes it over
(:func:`holder_takes`), and the holder, given a resource made for it, is what must be released
then (:func:`library_holder_spec`, ``ResourceSpec.takes``: judged as a first-party holder is, so one never
released is reported where it is made). A parameter under a documented owner flag passed false
(aiohttp's ``connector_owner=False``) is taken by nothing: the creator still owns what it gave.
An installed library's own source is read first (``facts.library_ownership``)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming
from tradelint.models.resources.library_table import Holder, library_holder
from tradelint.models.resources.process_globals import closed_in_project, project_folder
from tradelint.models.resources.resource_types import ResourceSpec, passed


def holder_takes(module: ModuleInfo, qualified: str, call: ast.Call, arg: ast.expr) -> bool | None:
    """Whether the table's holder ``qualified``, constructed by ``call``, closes ``arg``: True
    (given where its release closes, the owner flag left true), False (the flag passed false),
    None when ``qualified`` is no holder of the table, ``arg`` is given elsewhere (judged as
    any library call is) or the flag passed is not a constant. A holder made at the top of a module is kept for the process, and no
    creation of its own (what a global is handed to is not followed): it takes the resource
    only where the project releases it (:func:`_global_released`), else the creator still owns
    it and is judged for it."""
    holder = library_holder(qualified)
    if holder is None:
        return None
    for name, position, flag in holder.given:
        if passed(call, name, position) is arg:
            taken = _flag_truth(call, flag)
            if taken and module.enclosing_function(call) is None:
                return _global_released(module, call, holder.close)
            return taken
    return None  # (given elsewhere: judged as any library call is)


def _global_released(module: ModuleInfo, call: ast.Call, close: str) -> bool:
    """Whether a file of the project releases the holder ``call`` makes at the top of a module:
    through the global it is bound to (``storage = RedisStorage(...)``, then ``await
    storage.close()`` or ``await dp.storage.close()``, as a process global is), or through the
    global it is handed to under a keyword (``dp = Dispatcher(storage=RedisStorage(...))``,
    then ``await dp.storage.close()``)."""
    parent = module.parent(call)
    if _bound_global(module, call) is not None:
        return closed_in_project(module, _bound_global(module, call) or "", close)
    outer = module.parent(parent) if isinstance(parent, ast.keyword) and parent.arg is not None else None
    owner = _bound_global(module, outer) if isinstance(outer, ast.Call) else None
    return owner is not None and _released_through(module, owner, parent.arg or "", close)  # type: ignore[union-attr]


def _bound_global(module: ModuleInfo, call: ast.AST) -> str | None:
    parent = module.parent(call)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    return None


def _released_through(module: ModuleInfo, owner: str, attr: str, close: str) -> bool:
    """Whether a file of the project calls a release on ``<owner>.<attr>`` (``dp.storage.close()``,
    ``app.dp.storage.close()``)."""
    root = project_folder(module)
    module.project.note_scan(f"mentions {attr}", root)
    for path, data in files_naming(module.project, root, attr):
        other = module.project.module_at(path) if f".{close}(".encode() in data else None
        for node in other.index.attributes if other is not None else ():
            part = node.value
            if node.attr == close and isinstance(part, ast.Attribute) and part.attr == attr and _names(part.value, owner):
                return True
    return False


def _names(chain: ast.expr, name: str) -> bool:
    return (isinstance(chain, ast.Name) and chain.id == name) or (isinstance(chain, ast.Attribute) and chain.attr == name)


def library_holder_spec(qualified: str, call: ast.Call) -> ResourceSpec | None:
    """The spec of the table's holder ``qualified`` for ``call``: released by its own release,
    a resource only where it is given one made for it (``takes``: the parameters it closes,
    those whose owner flag is passed false left out)."""
    holder = library_holder(qualified)
    if holder is None:
        return None
    takes = tuple((name, position) for name, position, flag in holder.given if _flag_truth(call, flag) is not False)
    return _spec(holder, takes) if takes else None


def _spec(holder: Holder, takes: tuple[tuple[str, int], ...]) -> ResourceSpec:
    return ResourceSpec(
        holder.close, first_party=True, library=True, awaited=holder.awaited, coroutine_close=holder.awaited, takes=takes
    )


def _flag_truth(call: ast.Call, flag: tuple[str, int, bool | None] | None) -> bool | None:
    if flag is None:
        return True
    name, position, default = flag
    value = passed(call, name, position)
    if value is None:
        return default
    return bool(value.value) if isinstance(value, ast.Constant) else None
