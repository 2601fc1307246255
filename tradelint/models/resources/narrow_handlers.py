"""A value released in an ``except`` that catches some errors only (issue 28 point 5).

``except ConfigEntryNotReady: await conn.disconnect(); raise`` is the function's own word that the
value it made must be ended when the ``try`` fails, whatever its type: no table, no library source
and no class of the project need say so. An ``except`` names the errors it catches; another error
the ``try`` body is shown to raise propagates past it with the value open, and the caller never
gets the value to end it. A setup retried by its framework strands one more each time
(dknowles2/ha-pitboss ``672d18fad3``: the transport released only for ``ConfigEntryNotReady`` when
the first refresh failed, which raises ``ConfigEntryAuthFailed`` too; its fix catches
``Exception``).

Proven, not guessed:

- the value is a local of the function's own frame, every binding of it a call's result (a
  declaration ``conn: Transport`` aside) made before the ``try``, by a class or a function of its
  own, not by a method of another object it holds (a part of that object, which its owner ends);
- the ``except`` does not catch every error (bare, ``Exception``, ``BaseException``), leaves the
  function (its last statement raises or returns), and awaits a release of the value given nothing
  (``close()``, ``aclose()``, ``disconnect()``, ``shutdown()``; ``stop()``, ``cleanup()``,
  ``terminate()`` only of a value made by calling its class);
- the ``try`` body awaits something, and is shown to raise an error no releasing handler catches:
  a ``raise`` of its own (outside an inner ``try``), or an error a framework's awaited call raises
  (:data:`_FRAMEWORK_RAISES`), its class's bases known (Python's, Home Assistant's setup errors, a
  first-party class's); a library call's errors are not known, and its own error class may be all
  a handler needs;
- no other handler of that ``try``, nor of a ``try`` around it, catches every error and names the
  value or goes on, and no ``finally`` there names it;
- the value is not given to a first-party owner that releases it, nor stored on the instance
  before the handler (that owner's end may end it), nor a Home Assistant coordinator made in the
  setup whose ``async_shutdown()`` reaches the release (its config entry runs that when the setup
  fails: :func:`ended_by_its_entry`);
- the program goes on after the function fails (:func:`goes_on_after_errors`: an integration's
  setup, a service's method; not a test nor a script's ``main()``).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import Callable

from tradelint.facts.class_family import resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.coordinator_ends import ended_by_its_entry
from tradelint.facts.framework_ends import goes_on_after_errors
from tradelint.facts.handlers import catches_every_error
from tradelint.models.resources.own_closes import RELEASES, _constructed, _stands_alone
from tradelint.models.resources.statements import _own_walk

# Releases that end a connection or a client whoever made it; the others (``stop()``) may be a
# command on a shared object, and count only for a value the function makes by calling its class.
_ENDS_ANY = frozenset({"close", "aclose", "disconnect", "shutdown", "async_close", "async_disconnect", "async_shutdown"})


# Home Assistant's setup errors, each with its bases (``homeassistant.exceptions``), and what the
# framework's awaited calls raise besides the caller's own errors: the first refresh of a
# coordinator raises ``ConfigEntryAuthFailed`` on an authentication failure and ``ConfigEntryError``
# where it cannot set up, not only ``ConfigEntryNotReady``.
_HA_ERROR_BASES = {
    "ConfigEntryNotReady": ("ConfigEntryError", "IntegrationError", "HomeAssistantError"),
    "ConfigEntryAuthFailed": ("ConfigEntryError", "IntegrationError", "HomeAssistantError"),
    "ConfigEntryError": ("IntegrationError", "HomeAssistantError"),
}
_FRAMEWORK_RAISES = {"async_config_entry_first_refresh": ("ConfigEntryNotReady", "ConfigEntryAuthFailed", "ConfigEntryError")}
_EVERY_ERROR = frozenset({"Exception", "BaseException"})


@dataclass(frozen=True)
class NarrowRelease:
    """``binding`` made ``name``'s value; ``handler`` releases it for the errors it names
    (``caught``) and lets every other error of its ``try`` leave the function with it open."""

    binding: ast.Assign
    name: str
    label: str
    handler: ast.ExceptHandler
    caught: str
    escapes: str


def narrow_releases(module: ModuleInfo, skip: frozenset[int], owner_takes: Callable[[ast.Call, ast.expr], bool]) -> list[NarrowRelease]:
    """Every binding of ``module`` whose value is released only in a handler of some errors;
    ``skip`` holds the ids of the bindings already reported; ``owner_takes(call, arg)``: ``call``
    makes a first-party object that keeps and releases ``arg`` (an owner, which its own end, a
    coordinator's ``async_shutdown()`` run when the setup fails, may end)."""
    found: list[NarrowRelease] = []
    seen: set[int] = set()
    for handler in (n for n in ast.walk(module.tree) if isinstance(n, ast.ExceptHandler)):
        if catches_every_error(handler) or not handler.body or not isinstance(handler.body[-1], (ast.Raise, ast.Return)):
            continue
        function = module.enclosing_function(handler)
        trial = module.parent(handler)
        if not isinstance(function, ast.AsyncFunctionDef) or not isinstance(trial, ast.Try):
            continue
        for name, release in _released(handler):
            bindings = _bindings(module, function, name)
            if not bindings or any(id(b) in skip or id(b) in seen for b in bindings):
                continue
            if not all(b.lineno < trial.lineno and _stands_alone(function, b) and (release in _ENDS_ANY or _constructed(b)) for b in bindings):
                continue
            if not _fails(trial, handler) or _covered(module, function, trial, name) or not goes_on_after_errors(module, function):
                continue
            escapes = _escaping(module, trial, name)
            if escapes is None:
                continue
            if _given_to_an_owner(module, function, name, owner_takes) or _kept_on_self(function, name, handler):
                continue
            if any(ended_by_its_entry(module, _made(b), release) for b in bindings):
                continue  # (a coordinator whose ``async_shutdown()`` ends it: its entry runs that on every failure)
            caught = ast.unparse(handler.type) if handler.type is not None else ""
            for binding in bindings:
                seen.add(id(binding))
                found.append(NarrowRelease(binding, name, ast.unparse(_made(binding).func), handler, caught, escapes))
    found.sort(key=lambda r: (r.binding.lineno, r.binding.col_offset))
    return found


def _made(binding: ast.Assign) -> ast.Call:
    value = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
    assert isinstance(value, ast.Call)
    return value


def _released(handler: ast.ExceptHandler) -> list[tuple[str, str]]:
    """The locals ``handler`` releases (``await conn.disconnect()``, given nothing), with the release."""
    found: list[tuple[str, str]] = []
    for node in (n for stmt in handler.body for n in _own_walk(stmt)):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and not node.value.args and not node.value.keywords):
            continue
        func = node.value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and RELEASES.match(func.attr):
            found.append((func.value.id, func.attr))
    return found


def _bindings(module: ModuleInfo, function: ast.AsyncFunctionDef, name: str) -> list[ast.Assign] | None:
    """Every ``name = [await] call(...)`` of ``function``'s frame, when these are all that bind
    ``name`` there (a bare annotation aside): not a parameter, a ``global``, a loop variable."""
    arguments = function.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg) if a):
        return None
    found: list[ast.Assign] = []
    for node in _own_walk(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
        if not (isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load)):
            continue
        stmt = module.parent(node)
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            continue  # ``conn: Transport``: a declaration, no value
        if not (isinstance(stmt, ast.Assign) and stmt.targets == [node]):
            return None
        value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
        if not isinstance(value, ast.Call):
            return None
        found.append(stmt)
    return found or None


def _given_to_an_owner(module: ModuleInfo, function: ast.AST, name: str, owner_takes: Callable[[ast.Call, ast.expr], bool]) -> bool:
    """The value is given to a first-party object that keeps and releases it: that owner's end
    may end it on the other errors too."""
    for node in _own_walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            parent = module.parent(node)
            call = module.parent(parent) if isinstance(parent, ast.keyword) else parent
            if isinstance(call, ast.Call) and call.func is not node and owner_takes(call, node):
                return True
    return False


def _escaping(module: ModuleInfo, trial: ast.Try, name: str) -> str | None:
    """An error the ``try`` body is shown to raise that no handler releasing ``name`` catches: a
    ``raise X`` of the body itself (``if not connected: raise ConfigEntryNotReady`` under handlers
    of ``OSError`` and ``CredentialsError``), or an error a framework's awaited call raises besides
    the one caught (the first refresh's ``ConfigEntryAuthFailed`` under ``except
    ConfigEntryNotReady``). None when nothing shows one: which errors a library's call raises is
    not known, and a handler of its own error class may be all it needs."""
    for stmt in trial.body:
        for node in _own_walk(stmt):
            raised: list[tuple[str, ast.expr | None]] = []
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(exc, (ast.Name, ast.Attribute)) and not _in_inner_handler(module, node, trial):
                    raised.append((exc.id if isinstance(exc, ast.Name) else exc.attr, exc))
            elif isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute):
                raised.extend((error, None) for error in _FRAMEWORK_RAISES.get(node.value.func.attr, ()))
            for error, expr in raised:
                lineage = {error, *_bases(module, error, expr)}
                handler = next((h for h in trial.handlers if _catches(h, lineage)), None)
                if handler is None or (not any(n == name for n, _ in _released(handler)) and any(
                        isinstance(n, ast.Raise) for s in handler.body for n in _own_walk(s))):
                    return error  # (uncaught, or caught and raised again without the release)
    return None


def _in_inner_handler(module: ModuleInfo, node: ast.AST, trial: ast.Try) -> bool:
    """``node`` is under an inner ``try`` of the body that may catch it, or in a handler (a re-raise)."""
    for ancestor in module.ancestors(node):
        if ancestor is trial:
            return False
        if isinstance(ancestor, (ast.ExceptHandler, ast.Try)):
            return True
    return False


def _bases(module: ModuleInfo, error: str, expr: ast.expr | None) -> set[str]:
    """The names of ``error``'s base classes, as far as they are known: Python's own exceptions,
    Home Assistant's setup errors, a first-party class read from its definition. An unknown class
    is taken as a subclass of every handler's (``_UNKNOWN``): never shown to escape."""
    known = getattr(builtins, error, None)
    if isinstance(known, type) and issubclass(known, BaseException):
        return {c.__name__ for c in known.__mro__}
    if error in _HA_ERROR_BASES:
        return {*_HA_ERROR_BASES[error], "Exception", "BaseException"}
    found = resolve_class_node(module, expr) if expr is not None else None
    if found is None:
        return {_UNKNOWN}
    names: set[str] = set()
    for base in found[1].bases:
        named = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
        names |= {named, *_bases(found[0], named, base)} if named else {_UNKNOWN}
    return names


_UNKNOWN = "?"


def _catches(handler: ast.ExceptHandler, lineage: set[str]) -> bool:
    """``handler`` catches an error of ``lineage`` (its class and bases): it names one of them, or
    every error; an error of unknown bases is taken as caught."""
    if handler.type is None or _UNKNOWN in lineage:
        return True
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {c.attr if isinstance(c, ast.Attribute) else c.id if isinstance(c, ast.Name) else "" for c in caught}
    return bool(names & (lineage | _EVERY_ERROR))


def _kept_on_self(function: ast.AST, name: str, handler: ast.ExceptHandler) -> bool:
    """Before the handler, the value is stored on the instance (``self._conn = conn``,
    ``self._conns[key] = conn``): the instance holds it, and its own end may close it."""
    for node in _own_walk(function):
        if isinstance(node, ast.Assign) and node.lineno < handler.lineno and isinstance(node.value, ast.Name) and node.value.id == name:
            for target in node.targets:
                root = target.value if isinstance(target, ast.Subscript) else target
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id == "self" and target is not root:
                    return True
    return False


def _fails(trial: ast.Try, handler: ast.ExceptHandler) -> bool:
    """The ``try`` body awaits something: an error or a cancellation may come from it."""
    return any(isinstance(n, ast.Await) for stmt in trial.body for n in _own_walk(stmt))


def _covered(module: ModuleInfo, function: ast.AST, trial: ast.Try, name: str) -> bool:
    """The other errors are dealt with: a handler of every error of ``trial`` (or of a ``try``
    around it, whose body holds it) names the value or goes on, or a ``finally`` names it."""
    child: ast.AST = trial
    current: ast.AST | None = trial
    while current is not None and current is not function:
        if isinstance(current, ast.Try) and (current is trial or any(s is child for s in current.body)):
            if _names(current.finalbody, name):
                return True
            for other in current.handlers:
                if catches_every_error(other) and (_names(other.body, name) or not any(isinstance(n, ast.Raise) for s in other.body for n in _own_walk(s))):
                    return True
        child, current = current, module.parent(current)
    return False


def _names(body: list[ast.stmt], name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for stmt in body for n in _own_walk(stmt))
