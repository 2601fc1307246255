"""Where a resource made before the ``try`` whose ``finally`` closes it is lost before that
``try`` is entered: an exit (``return``, ``raise``) or an ``await`` between them."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors
from tradelint.facts.handlers import goes_on, named_first_in_handler
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import TRY_NODES, sequential
from tradelint.models.resources.returned_parts import says_absent
from tradelint.models.resources.statements import EXITS, _caught_to_go_on, _own_of, ends_process


def before_try(
    module: ModuleInfo, function: ast.AST, stmt: ast.AST, name: str, closes: list[ast.AST], lazy: bool, maybe_none: bool = False,
    owned_flag: tuple[int, bool] | None = None,
) -> str | None:
    """What leaks ``s = X()`` before the ``try`` whose ``finally`` closes it is entered: a
    ``return`` or ``raise`` there (``early_exit``), or an ``await`` (``error_before_try``: it can
    raise, and cancellation can end any ``await``: ``session = ClientSession(); await
    login(session); try: ... finally: await session.close()``, HA-RohlikCZ ``52e496d2``). A lazy
    client holds nothing until it is used: only an ``await`` after its first use (which opens
    it) counts. Not where an error ends the program (a test, a script's ``main()``), nor, for a
    maker that returns ``None`` on some path (``maybe_none``), or says by a flag whether it made
    one (``owned_flag``), an exit taken when it made nothing."""
    if _exits_before_try(module, function, stmt, name, closes, maybe_none, owned_flag):
        return "early_exit"
    start = _try_start(module, closes)
    if start is None or not goes_on_after_errors(module, function):
        return None  # (a test's or a script's error ends the program, and what it opened)
    line = getattr(stmt, "end_lineno", None) or 0
    # (closed before the ``try``, it has nothing left to leak there)
    start = min([start, *(n for n in (getattr(c, "lineno", 0) for c in closes) if n > line)])
    used = not lazy
    for node in _own_of(function, (ast.Await,)):
        if not line < getattr(node, "lineno", 0) < start:
            continue
        if not used:
            used = any(isinstance(n, ast.Name) and n.id == name for n in walk(node))
            continue  # (its first use opens it: failing, it may hold nothing)
        if _enters(node, name):
            continue  # ``await stack.__aenter__()``: entering it, as ``async with`` would
        if sequential(module, stmt, node) and not _guarded_by_try(module, node, function, name) and not named_first_in_handler(module, node, function, name):
            return "error_before_try"
    return None


def _try_start(module: ModuleInfo, closes: list[ast.AST]) -> int | None:
    """The first line of the earliest ``try`` whose ``finally`` holds one of ``closes``: the
    outermost, when that ``finally`` is itself in the ``finally`` of another ``try`` (``finally:
    try: await flush() finally: await s.close()``), whose every way out runs it."""
    starts = []
    for node in closes:
        child: ast.AST = node
        start = None
        for ancestor in module.ancestors(node):
            if isinstance(ancestor, FUNCTION_NODES):
                break
            if isinstance(ancestor, TRY_NODES) and child in getattr(ancestor, "finalbody", ()):
                start = getattr(ancestor, "lineno", 0)
            elif isinstance(ancestor, TRY_NODES) and start is not None and child not in getattr(ancestor, "body", ()):
                break  # (in a handler or an ``else`` of an outer ``try``: that one's start is not it)
            child = ancestor
        if start is not None:
            starts.append(start)
    return min(starts) if starts else None


def _guarded_by_try(module: ModuleInfo, node: ast.AST, function: ast.AST, name: str) -> bool:
    """``node`` is in the body of a ``try`` of ``function`` whose handlers or ``finally`` name
    ``name`` (they close it, or hand it on)."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, TRY_NODES) and child in getattr(ancestor, "body", ()):
            rest = [*getattr(ancestor, "handlers", ()), *getattr(ancestor, "finalbody", ())]
            if any(isinstance(n, ast.Name) and n.id == name for part in rest for n in walk(part)):
                return True
            if any(goes_on(h) for h in getattr(ancestor, "handlers", ())):
                return True  # (caught and gone on from: the function reaches its ``try``)
        child = ancestor
    return False


def _exits_before_try(
    module: ModuleInfo, function: ast.AST, stmt: ast.AST, name: str, closes: list[ast.AST], maybe_none: bool = False,
    owned_flag: tuple[int, bool] | None = None,
) -> ast.stmt | None:
    """A ``return`` or ``raise`` between ``s = X()`` and the ``try`` whose ``finally`` closes it,
    on the same path: that exit leaks ``s``. A ``return s`` hands it on and is not one."""
    line = getattr(stmt, "end_lineno", None) or 0
    start = _try_start(module, closes)
    if start is None:
        return None
    for node in _own_of(function, EXITS):
        assert isinstance(node, (ast.Return, ast.Raise))
        if not line < node.lineno < start:
            continue
        if isinstance(node, ast.Return) and node.value is not None and any(
            isinstance(n, ast.Name) and n.id == name for n in walk(node.value)
        ):
            continue
        if isinstance(node, ast.Raise) and (ends_process(node) or _caught_to_go_on(module, node, function)):
            continue  # ``raise SystemExit``; ``try: ... raise ValueError() except Exception: log()``
        if named_first_in_handler(module, node, function, name):
            continue  # ``except Exception: await s.close(); raise``
        if maybe_none and _when_absent(module, node, function, name):
            continue  # ``s = await make(url); if s is None: return``: a maker that made nothing
        if owned_flag is not None and _when_unowned(module, node, function, stmt, owned_flag):
            continue  # ``s, err = await connect(config); if err: return``: the flag says it made nothing
        if sequential(module, stmt, node):
            return node
    return None


def _enters(node: ast.AST, name: str) -> bool:
    """``await name.__aenter__()``."""
    call = getattr(node, "value", None)
    func = call.func if isinstance(call, ast.Call) else None
    return isinstance(func, ast.Attribute) and func.attr == "__aenter__" and isinstance(func.value, ast.Name) and func.value.id == name


def _when_absent(module: ModuleInfo, node: ast.AST, function: ast.AST, name: str) -> bool:
    """``node`` is in the body of an ``if name is None:`` (or ``if not name:``) of ``function``:
    taken only when the maker (one that returns ``None`` on some path) made nothing."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.If) and child in ancestor.body and says_absent(ancestor.test, name):
            return True
        child = ancestor
    return False


def _when_unowned(module: ModuleInfo, node: ast.AST, function: ast.AST, stmt: ast.AST, owned_flag: tuple[int, bool]) -> bool:
    """``node`` is in the body of an ``if`` of ``function`` taken when the flag that ``stmt``
    unpacked from a tuple maker (``s, err = await connect(config)``) says the caller owns
    nothing: ``if err:`` for an error flag, ``if not owned:`` for an ownership flag."""
    position, owned = owned_flag
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None
    if not (isinstance(target, ast.Tuple) and len(target.elts) > position and isinstance(flag := target.elts[position], ast.Name)):
        return False
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            return False
        if isinstance(ancestor, ast.If) and child in ancestor.body and _tests(ancestor.test, flag.id, not owned):
            return True
        child = ancestor
    return False


def _tests(test: ast.expr, name: str, value: bool) -> bool:
    """``name`` (for ``True``) or ``not name`` (for ``False``)."""
    if not value:
        return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _tests(test.operand, name, True)
    return isinstance(test, ast.Name) and test.id == name
