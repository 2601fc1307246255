"""Calls whose result is what the callable they are given returns: ``asyncio.to_thread(func,
*args)``, an event loop's ``run_in_executor(executor, func, *args)``, Home Assistant's
``hass.async_add_executor_job(target, *args)`` (awaited, each gives what ``func`` returns, run in
another thread) and ``functools.partial(func, *args)(...)``. One reading, by each one's known
signature, for every model that looks through them, as :mod:`.pass_through` is for the calls that
await what they are given."""

from __future__ import annotations

import ast
import weakref

from tradelint.facts.context import ModuleInfo
from tradelint.facts.loop_receivers import is_loop
from tradelint.facts.summaries import definition_of

# Calls that run the callable they are given on the rest of their arguments and give back what it
# returns once awaited: by each one's known signature, the position of the callable and whether
# its keywords reach it (``asyncio.to_thread(func, /, *args, **kwargs)``; an event loop's
# ``run_in_executor(executor, func, *args)`` and Home Assistant's
# ``hass.async_add_executor_job(target, *args)`` hand no keywords on).
TO_THREAD = frozenset({"asyncio.to_thread", "asyncio.threads.to_thread"})
EXECUTOR_JOB = "async_add_executor_job"
PARTIAL = "functools.partial"
_RUNNER_NAMES = frozenset({"to_thread", "run_in_executor", EXECUTOR_JOB})


# Per wrapper call, while its tree lives: the one call it makes, so that every reading asks the same node.
_RAN: weakref.WeakKeyDictionary[ast.Call, ast.Call | None] = weakref.WeakKeyDictionary()


def ran_call(module: ModuleInfo, call: ast.Call) -> ast.Call | None:
    """The call ``call`` makes of the callable it is given, as a new (detached) ``ast.Call`` at
    ``call``'s position: ``Client(host)`` of ``await asyncio.to_thread(Client, host)``, of ``await
    loop.run_in_executor(None, Client, host)``, of ``await hass.async_add_executor_job(Client,
    host)`` and of ``functools.partial(Client, host)()``, the callable itself unwrapped from a
    ``functools.partial`` (``async_add_executor_job(partial(Client, host=h))``). What ``call`` gives
    is what that call returns. None for any other call, for a receiver not shown to be an event
    loop or Home Assistant's core, and for an executor's future not awaited where it is made.
    The new call stands where ``call`` stands: its parent is ``call``'s parent."""
    func = call.func
    if not (func.__class__ is ast.Call or getattr(func, "attr", getattr(func, "id", None)) in _RUNNER_NAMES):
        return None  # (most calls, told apart at once)
    if call in _RAN:
        return _RAN[call]
    made = _RAN[call] = _ran(module, call)
    if made is not None and (parent := module.parent(call)) is not None:
        module.index.parents[made] = parent
    return made


def ran_in_a_thread(call: ast.Call) -> bool:
    """Whether ``call`` (a call :func:`ran_call` reads) runs its callable in another thread, where a
    coroutine function only makes a coroutine: not ``functools.partial(f)()``."""
    return not isinstance(call.func, ast.Call)


def _ran(module: ModuleInfo, call: ast.Call) -> ast.Call | None:
    func = call.func
    if isinstance(func, ast.Call):
        return _unwrapped(module, func, call.args, call.keywords, call) if module.imports.qualify(func.func) == PARTIAL else None
    if not isinstance(func, (ast.Attribute, ast.Name)) or not isinstance(module.parent(call), ast.Await):
        return None
    name = func.attr if isinstance(func, ast.Attribute) else func.id
    if name == "to_thread" and module.imports.qualify(func) in TO_THREAD:
        position, keywords = 0, True
    elif name == "run_in_executor" and isinstance(func, ast.Attribute) and is_loop(module, call, func.value, depth=2):
        position, keywords = 1, False
    elif name == EXECUTOR_JOB and isinstance(func, ast.Attribute) and _last_name(func.value).lstrip("_") == "hass":
        position, keywords = 0, False
    else:
        return None
    if len(call.args) <= position or any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return None
    target = call.args[position]
    rest = call.args[position + 1:]
    given = call.keywords if keywords else []
    if isinstance(target, ast.Call) and module.imports.qualify(target.func) == PARTIAL:
        return _unwrapped(module, target, rest, given, call)
    return ast.copy_location(ast.Call(func=target, args=list(rest), keywords=list(given)), call)


def _unwrapped(module: ModuleInfo, partial: ast.Call, args: list[ast.expr], keywords: list[ast.keyword], at: ast.Call) -> ast.Call | None:
    """``functools.partial(func, *first, **kw)`` called on ``args`` and ``keywords``: ``func(*first,
    *args, **kw, **keywords)``; None when what it wraps is unpacked (``partial(*spec)``)."""
    if not partial.args or isinstance(partial.args[0], ast.Starred):
        return None
    return ast.copy_location(ast.Call(func=partial.args[0], args=[*partial.args[1:], *args], keywords=[*partial.keywords, *keywords]), at)


def _last_name(expr: ast.expr) -> str:
    """``hass`` of ``hass`` and of ``self.hass``; empty for anything else."""
    return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""


def coroutine_function(module: ModuleInfo, func: ast.expr) -> bool:
    """Whether ``func`` names an ``async def``: a first-party function, or a method of the class
    around (``self.connect``)."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        method = module.enclosing_function(func)
        cls = module.parent(method) if method is not None else None
        return isinstance(cls, ast.ClassDef) and any(isinstance(s, ast.AsyncFunctionDef) and s.name == func.attr for s in cls.body)
    named = definition_of(module, func)
    return named is not None and named[1].kind == "async_function"


def ran_sync_call(module: ModuleInfo, call: ast.Call) -> ast.Call | None:
    """:func:`ran_call`, unless it runs a first-party coroutine function in a thread (which gives
    back the coroutine, not what it returns)."""
    ran = ran_call(module, call)
    return None if ran is None or (ran_in_a_thread(call) and coroutine_function(module, ran.func)) else ran
