"""Resources made at a web application's startup and kept past it, on an object the framework
holds (``app.state.session``, ``app["session"]``, another module's global ``redis.pool``).

A startup handler (FastAPI/Starlette ``add_event_handler("startup", f)``, ``@app.on_event(
"startup")``, ``on_startup=[f]``; aiohttp ``app.on_startup.append(f)``) runs once; what it stores
lives until the application ends, and only a shutdown handler (``on_shutdown``, aiohttp's
``on_cleanup``, the code after a lifespan's ``yield``) can close it. Proven, not guessed: some
file of the project closes the same place (``<...>.state.session.close()``,
``<...>["session"].close()``, also handed as ``push_async_callback(app["s"].close)``; the place
is told by its last two names); when none
does, nothing ends it (fastapi-microservices ``abbdbb57``: no shutdown handler at all).
"""

from __future__ import annotations

import ast
import weakref
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_references import search_root
from tradelint.facts.project_files import files_naming
from tradelint.facts.registrations import add_name, first_string, registered_names
from tradelint.facts.uses import name_stores

STARTUP_EVENTS = frozenset({"startup", "before_server_start"})
STARTUP_LISTS = frozenset({"on_startup", "cleanup_ctx"})
# ``FastAPI(lifespan=f)``: the code before its ``yield`` is the startup; a single function given
# as ``on_startup=f`` (aiogram 2's ``start_polling(dp, on_startup=f)``) registers it too.
STARTUP_KEYWORDS = frozenset({"lifespan", "on_startup", "post_init"})
# The phases other frameworks name for what runs once as the application starts, as decorators
# (``@app.before_serving``, a blueprint's ``@bp.before_app_serving``: Quart;
# ``@app.before_server_start``: Sanic; ``@dp.startup()``: aiogram 3), as registrations
# (``dp.startup.register(f)``) or as a builder's step (python-telegram-bot's
# ``Application.builder().post_init(f)``).
STARTUP_PHASES = frozenset(
    {"before_serving", "before_app_serving", "before_server_start", "startup", "on_startup", "post_init"}
)
CLOSES = frozenset({"close", "aclose", "disconnect", "wait_closed"})


def is_startup_handler(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``function`` is registered to run at the application's startup in its module."""
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ("on_event", "listener")
            and first_string(decorator) in STARTUP_EVENTS
        ):
            return True
        # ``@app.before_serving``, ``@dp.startup()``: a phase of an object, bare or called
        # without arguments.
        target = decorator.func if isinstance(decorator, ast.Call) and not decorator.args else decorator
        if isinstance(target, ast.Attribute) and target.attr in STARTUP_PHASES:
            return True
    return function.name in _startup_names(module)


# Per module, the names its calls register as startup handlers (weakly held: they go with their
# module). Asked for each function that makes a resource: the calls are read once.
_STARTUP_NAMES: weakref.WeakKeyDictionary[ModuleInfo, frozenset[str]] = weakref.WeakKeyDictionary()


def _startup_names(module: ModuleInfo) -> frozenset[str]:
    """The names (``f``, ``<x>.f``: the ``f``) that ``module``'s calls register to run at the
    application's startup."""
    found = _STARTUP_NAMES.get(module)
    if found is None:
        names: set[str] = set()
        for node in module.index.calls:
            func = node.func
            # ``FastAPI(lifespan=f)`` names a class; the others are method calls.
            if isinstance(func, ast.Attribute) and func.attr == "add_event_handler" and first_string(node) in STARTUP_EVENTS:
                if len(node.args) > 1:
                    add_name(names, node.args[1])
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("append", "insert")
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in STARTUP_LISTS
            ):
                if node.args:
                    add_name(names, node.args[-1])
            if isinstance(func, ast.Attribute) and len(node.args) == 1 and (
                # ``dp.startup.register(f)``; ``builder.post_init(f)``, ``app.before_serving(f)``
                (func.attr == "register" and isinstance(func.value, ast.Attribute) and func.value.attr in STARTUP_PHASES)
                or func.attr in STARTUP_PHASES
            ):
                add_name(names, node.args[0])
            if isinstance(func, ast.Attribute) and func.attr == "register_listener" and _last_string(node) in STARTUP_EVENTS:
                add_name(names, node.args[0])  # Sanic's ``app.register_listener(f, "before_server_start")``
            for keyword in node.keywords:
                if keyword.arg in STARTUP_KEYWORDS:
                    add_name(names, keyword.value)
                if keyword.arg in STARTUP_LISTS and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for element in keyword.value.elts:
                        add_name(names, element)
        found = _STARTUP_NAMES[module] = frozenset(names)
    return found


SHUTDOWN_EVENTS = frozenset({"shutdown"})
SHUTDOWN_LISTS = frozenset({"on_shutdown", "on_cleanup", "cleanup_ctx"})


# Asked for each resource a function makes (weakly held: it goes with the tree).
_REGISTERS: weakref.WeakKeyDictionary[ast.AST, bool] = weakref.WeakKeyDictionary()


def registers_shutdown(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether ``function`` builds an application and registers its end of life: aiohttp's
    ``app.on_cleanup.append(f)`` / ``on_shutdown`` / ``cleanup_ctx``, ``add_event_handler(
    "shutdown", f)`` (pyaleph's ``configure_aiohttp_app``)."""
    found = _REGISTERS.get(function)
    if found is None:
        found = _REGISTERS[function] = _registers_shutdown(function)
    return found


def _registers_shutdown(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        func = node.func
        if func.attr == "add_event_handler" and first_string(node) in SHUTDOWN_EVENTS:
            return True
        if func.attr in ("append", "insert") and isinstance(func.value, ast.Attribute) and func.value.attr in SHUTDOWN_LISTS:
            return True
    return False


_ENDS_APP: weakref.WeakKeyDictionary[ast.AST, bool] = weakref.WeakKeyDictionary()


def ends_an_application(module: ModuleInfo) -> bool:
    """Whether ``module`` gives an application it builds an end of life: a lifespan
    (``FastAPI(lifespan=...)``, ``Starlette(lifespan=...)``), a shutdown handler
    (``@app.on_event("shutdown")``, ``add_event_handler("shutdown", f)``, ``on_shutdown=[...]``),
    or aiohttp's ``on_cleanup`` / ``on_shutdown`` / ``cleanup_ctx``. What lives with the module
    then lives with that application, and ends there."""
    found = _ENDS_APP.get(module.tree)
    if found is None:
        found = _ENDS_APP[module.tree] = _ends_an_application(module)
    return found


def application_global(module: ModuleInfo, value: ast.expr) -> ast.Assign | None:
    """``client = httpx.AsyncClient()`` at the top of a module that ends an application (see
    :func:`ends_an_application`): the statement binding ``value`` to a module global."""
    kept = module.parent(value)
    if (
        isinstance(kept, ast.Assign)
        and len(kept.targets) == 1
        and isinstance(kept.targets[0], ast.Name)
        and module.parent(kept) is module.tree
        and ends_an_application(module)
    ):
        return kept
    return None


def _ends_an_application(module: ModuleInfo) -> bool:
    for call in module.index.calls:
        func = call.func
        if any(k.arg in ("lifespan", "on_shutdown", "on_cleanup") and not _is_none(k.value) for k in call.keywords):
            return True
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in ("on_event", "add_event_handler") and first_string(call) in SHUTDOWN_EVENTS:
            return True
        if func.attr in ("append", "insert", "extend") and isinstance(func.value, ast.Attribute) and func.value.attr in SHUTDOWN_LISTS:
            return True
    return False


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


def _last_string(call: ast.Call) -> str | None:
    if len(call.args) > 1 and isinstance(call.args[-1], ast.Constant) and isinstance(call.args[-1].value, str):
        return call.args[-1].value
    return None


def place_key(target: ast.expr) -> tuple[str, str] | None:
    """Where a startup handler keeps it, by its last two names: ``("state", "session")`` for
    ``<x>.state.session``, ``("redis", "pool")`` for ``redis.pool``, ``("[]", "session")`` for
    ``<x>["session"]``; None for anything else (``self.x`` is the class's, TRD202)."""
    if isinstance(target, ast.Attribute) and not (isinstance(target.value, ast.Name) and target.value.id == "self"):
        return place_key_of(target)
    if isinstance(target, ast.Subscript):
        return place_key_of(target)
    return None


def closed_somewhere(module: ModuleInfo, key: tuple[str, str], close: str) -> bool:
    """Whether some file of the project closes ``<...>.name`` / ``<...>["name"]``."""
    root = search_root(module)
    word = key[1]
    module.project.note_scan(f"mentions {word}", root)
    memo = cast("dict[object, bool]", module.project.scan_memo(word))
    memo_key = ("startup-closed", root, key, close)
    if memo_key in memo:
        return memo[memo_key]
    found = False
    closes = CLOSES | {close}
    for path, data in files_naming(module.project, root, word):
        if not any(f".{c}".encode() in data for c in closes):
            continue
        other = module.project.module_at(path)
        if other is None:
            continue
        for node in other.index.attributes:
            if node.attr in closes and (place_key_of(node.value) == key or _read_from(other, node.value, key)):
                found = True
                break
        if found:
            break
    memo[memo_key] = found
    return found


def _read_from(module: ModuleInfo, value: ast.expr, key: tuple[str, str]) -> bool:
    """Whether ``value`` is a local its function binds once, to a read of the place ``key``:
    ``svc: Service = app["svc"]``, ``svc = app.get("svc")``, ``svc = getattr(app.state, "svc",
    None)``, then ``await svc.close()`` (an aiohttp ``on_cleanup`` handler's way)."""
    if not isinstance(value, ast.Name):
        return False
    function = module.enclosing_function(value)
    if function is None:
        return False
    stores = name_stores(function, value.id)
    if len(stores) != 1:
        return False
    binding = module.parent(stores[0])
    if not (isinstance(binding, ast.Assign) and binding.targets == [stores[0]] or isinstance(binding, ast.AnnAssign) and binding.target is stores[0]):
        return False
    read = binding.value
    if read is None:
        return False
    if place_key_of(read) == key:
        return True
    if not isinstance(read, ast.Call):
        return False
    if _getattr_key(read) == key:
        return True
    # ``app.get("svc")``: a mapping's read of the key, as ``app["svc"]`` is.
    getter = isinstance(read.func, ast.Attribute) and read.func.attr == "get" and read.args and key[0] == "[]"
    return bool(getter) and _key_name(read.args[0]) == key[1]


# What looking at a task does without ending it.
_LOOKS = frozenset({"done", "cancelled", "add_done_callback", "remove_done_callback", "get_name", "set_name"})


def task_read_somewhere(module: ModuleInfo, key: tuple[str, str]) -> bool:
    """Whether some file of the project reads the task kept at ``<...>.name`` /
    ``<...>["name"]`` other than to look at it (``.done()``, ``.add_done_callback(...)``): a
    ``cancel()``, an ``await``, a ``gather(...)`` or any hand-off may end it."""
    root = search_root(module)
    word = key[1]
    module.project.note_scan(f"mentions {word}", root)
    memo = cast("dict[object, bool]", module.project.scan_memo(word))
    memo_key = ("startup-task-read", root, key)
    if memo_key in memo:
        return memo[memo_key]
    found = False
    for path, _ in files_naming(module.project, root, word):
        other = module.project.module_at(path)
        if other is None:
            continue
        for node in ast.walk(other.tree):
            if (
                isinstance(node, (ast.Attribute, ast.Subscript))
                and isinstance(node.ctx, ast.Load)
                and place_key_of(node) == key
            ):
                parent = other.parent(node)
                if not (isinstance(parent, ast.Attribute) and parent.attr in _LOOKS):
                    found = True
                    break
            if isinstance(node, ast.Call) and _getattr_key(node) == key and not (
                isinstance(up := other.parent(node), ast.Attribute) and up.attr in _LOOKS
            ):
                # ``t = getattr(app.state, "ticker", None)`` (then ``t.cancel()``) reads the place too.
                found = True
                break
        if found:
            break
    memo[memo_key] = found
    return found


def _getattr_key(call: ast.Call) -> tuple[str, str] | None:
    """The place ``getattr(app.state, "ticker", ...)`` reads, as ``place_key_of`` spells it."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "getattr" and len(call.args) >= 2):
        return None
    owner, name = call.args[0], call.args[1]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    holder = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else "?"
    return (holder, name.value)


def place_key_of(expr: ast.expr) -> tuple[str, str] | None:
    if isinstance(expr, ast.Attribute):
        owner = expr.value
        name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else "?"
        return (name, expr.attr)
    if isinstance(expr, ast.Subscript):
        key = _key_name(expr.slice)
        return ("[]", key) if key is not None else None
    return None


def _key_name(key: ast.expr) -> str | None:
    """A mapping's key as places are named: a string, or a key constant's last name
    (``app[APP_STATE_CACHE]``)."""
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    if isinstance(key, (ast.Name, ast.Attribute)):
        return ast.unparse(key).rpartition(".")[2]
    return None


def kept_on_app(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, node: ast.expr) -> bool | None:
    """``app[KEY] = s`` / ``app.state.s = s`` in a function that builds an application and
    registers its end of life (or in a startup handler): whether some file of the project
    closes that place; None when the store is no such thing (an ordinary handoff)."""
    stmt = module.parent(node)
    if not (isinstance(stmt, ast.Assign) and stmt.value is node and len(stmt.targets) == 1):
        return None
    key = place_key(stmt.targets[0])
    if key is None or not (registers_shutdown(function) or is_startup_handler(module, function)):
        return None
    return closed_somewhere(module, key, "close")


def kept_from_startup(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> ast.Assign | None:
    """``app.state.session = ClientSession()`` (``app["s"] = ...``, ``redis.pool = ...``) in a
    web application's startup handler: the statement, or None."""
    parent = module.parent(expr)
    if not (isinstance(parent, ast.Assign) and parent.value is expr and len(parent.targets) == 1):
        return None
    if place_key(parent.targets[0]) is None or not is_startup_handler(module, function):
        return None
    return parent


# Registrations whose framework runs a generator to its ``yield`` at startup and resumes it
# (never throws into it) at the application's end: aiohttp's ``cleanup_ctx``; a bare generator
# given as ``lifespan=`` (Starlette wraps it in a context manager, left at shutdown).
_RESUMING_LISTS = frozenset({"cleanup_ctx"})
_RESUMING_KEYWORDS = frozenset({"lifespan"})


def resumed_by_a_framework(module: ModuleInfo, function: ast.AST) -> bool:
    """Whether ``module`` registers the generator ``function`` (by its name) where its framework
    resumes it past its ``yield`` at the application's end: ``app.cleanup_ctx.append(f)`` (also
    ``insert``, ``extend([...])``, ``+= [...]``), ``Starlette(lifespan=f)``. Its ``yield`` is
    then no way out a consumer chooses: the code after it runs at the end of life."""
    name = getattr(function, "name", None)
    if not isinstance(name, str):
        return False
    return name in registered_names(module, lists=_RESUMING_LISTS, keywords=_RESUMING_KEYWORDS)
