"""Whether a method is the end of its object's life: the last thing done with the object, where
a fix may end the object's tasks. Proven, not guessed from a name (issue 29): a method is the end
when the object's ``__aexit__`` or a framework's teardown reaches it, or when every call of it
that the project makes on a known instance is the object's last use. It is not the end when
another method of the class calls it and goes on (``restart()`` calling ``stop()`` then
``start()``), when it is a remote call that releases nothing of ``self`` (an API's ``close()``),
or, in a short-lived object's ``__aexit__``, for work that belongs to an object it was given.

:func:`end_of_life` answers with None (proven) or the reason, one line, for a finding's help."""

from __future__ import annotations

import ast
import weakref
from pathlib import Path
from typing import cast

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.coordinator_ends import SHUTDOWN, is_coordinator
from tradelint.facts.framework_ends import ENTITY_TEARDOWN, ha_kind, unload_reach
from tradelint.facts.lifespans import is_lifespan
from tradelint.facts.ownership import framework_teardown, is_release_name
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.registrations import registered_names
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import methods_reached, self_calls, self_name

Function = ast.FunctionDef | ast.AsyncFunctionDef

# Methods a framework calls when it ends an object: Home Assistant's entity removal, a discord
# cog's unload, the context manager protocol.
TEARDOWN_METHODS = ("__aexit__", "__exit__", "async_will_remove_from_hass", "cog_unload", "__unload")

# Functions a framework runs at the end of the application: Home Assistant's config entry
# unload, aiohttp's ``on_cleanup``/``on_shutdown`` signals, Starlette/FastAPI ``on_shutdown``.
TEARDOWN_FUNCTIONS = ("async_unload_entry", "on_cleanup", "on_shutdown", "shutdown_event", "on_app_cleanup")

# Signals that take a teardown callback: ``app.on_cleanup.append(close_feed)``.
TEARDOWN_SIGNALS = frozenset({"on_cleanup", "on_shutdown"})
_TEARDOWN_EVENTS = frozenset({"shutdown"})

# Methods on ``self.x`` that release or stop something of ``self``'s.
_STOPPERS = frozenset({"cancel", "set", "clear", "kill", "release", "unsubscribe", "remove", "join", "wait_closed"})


def framework_end(module: ModuleInfo, cls: ast.ClassDef) -> str | None:
    """The method a framework runs at the end of a ``cls`` object, whether the class defines it
    or inherits the framework base's: a discord client's ``close()`` or a cog's ``cog_unload()``
    (:func:`ownership.framework_teardown`); in a Home Assistant integration that can be unloaded
    (:func:`framework_ends.unload_reach`), an entity's ``async_will_remove_from_hass()`` (run at
    its removal, the entry's unload and reload) and a coordinator's ``async_shutdown()`` (its
    base registers it on its config entry's unload, :mod:`.coordinator_ends`). None for any
    other class: its end is its own release method, or a teardown it defines
    (:data:`TEARDOWN_METHODS`)."""
    teardown = framework_teardown(module, cls)
    if teardown is not None:
        return teardown
    family = class_and_bases(module, cls)
    kind = ha_kind(family)
    if kind == "entity":
        end = ENTITY_TEARDOWN
    elif is_coordinator(family):
        end = SHUTDOWN
    else:
        return None
    return end if unload_reach(module) is not None else None


def _methods(cls: ast.ClassDef) -> dict[str, Function]:
    return {s.name: s for s in cls.body if isinstance(s, FUNCTION_NODES)}


def _entered(function: Function, call: ast.AST) -> bool:
    """Whether ``call`` is what a ``with`` or ``async with`` of ``function`` enters: its body runs
    after the call, with what it gave (lnbits's ``async with self.connect() as conn:``, then
    queries on ``conn``), so the object is still in use there."""
    return any(
        isinstance(node, (ast.With, ast.AsyncWith)) and any(item.context_expr is call for item in node.items)
        for node in ast.walk(function)
    )


def _goes_on(function: Function, call: ast.AST) -> bool:
    """Whether ``function`` does more after ``call`` on the path that makes it: a later statement
    in its block (or an enclosing one) before a ``return`` or ``raise``, the body of the ``with``
    that enters it, or the call inside a loop (the next round uses the object again)."""
    if _entered(function, call):
        return True
    path = _path_to(function, call)
    for node, block, index in reversed(path):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and block is not node.orelse:
            return True
        rest = block[index + 1 :]
        if rest:
            return not isinstance(rest[0], (ast.Return, ast.Raise))
    return False


def _path_to(node: ast.AST, target: ast.AST) -> list[tuple[ast.AST, list[ast.stmt], int]]:
    """The statements from ``node`` down to the one holding ``target``: (owner, block, index)."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        block = getattr(node, field, None)
        if not isinstance(block, list):
            continue
        for index, stmt in enumerate(block):
            if not isinstance(stmt, ast.AST) or not any(n is target for n in ast.walk(stmt)):
                continue
            if isinstance(stmt, ast.stmt):
                return [(node, block, index), *_path_to(stmt, target)]
            return _path_to(stmt, target)  # an ``except`` handler, a ``case``
    return []


def _restarter(cls: ast.ClassDef, method: Function, shutdown_names: tuple[str, ...]) -> str | None:
    """A method of the class, itself no teardown, that calls ``method`` and goes on."""
    exempt = set(shutdown_names) | set(TEARDOWN_METHODS) | {"__del__"}
    for name, caller in _methods(cls).items():
        if name in exempt or name == method.name:
            continue
        for call, callee in self_calls(caller):
            if callee == method.name and _goes_on(caller, call):
                return name
    return None


def _releases(method: Function, methods: dict[str, Function], depth: int = 0) -> bool:
    """Whether the method releases anything of ``self``: stores or deletes an attribute, stops,
    closes or cancels something, awaits an attribute (a task), or calls a method that does."""
    receiver = self_name(method)

    def on_self(node: ast.AST) -> bool:
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return isinstance(node, ast.Name) and node.id == receiver

    for node in ast.walk(method):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)) and on_self(node):
            return True
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Attribute) and on_self(node.value):
            return True
        if isinstance(node, (ast.AsyncWith, ast.With)):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name == "cancel" or (on_self(node.func.value) and (name in _STOPPERS or is_release_name(name))):
                return True
            target = node.func.value
            if isinstance(target, ast.Name) and target.id == receiver and name in methods and depth < 3:
                if _releases(methods[name], methods, depth + 1):
                    return True
    return False


def _remote_call(method: Function) -> ast.Call | None:
    """An awaited call on ``self`` or what it holds (``await self._request("close")``)."""
    receiver = self_name(method)
    for node in ast.walk(method):
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            base: ast.AST = node.value.func
            while isinstance(base, (ast.Attribute, ast.Subscript, ast.Call)):
                base = base.func if isinstance(base, ast.Call) else base.value
            if isinstance(base, ast.Name) and base.id == receiver:
                return node.value
    return None


def _given_attributes(cls: ast.ClassDef) -> set[str]:
    """Attributes ``__init__`` stores from its parameters: objects the instance was given."""
    init = _methods(cls).get("__init__")
    if init is None:
        return set()
    params = {a.arg for a in (*init.args.posonlyargs, *init.args.args, *init.args.kwonlyargs)[1:]}
    receiver = self_name(init)
    return {
        target.attr
        for node in ast.walk(init)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in params
        for target in node.targets
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver
    }


def _borrowed_work(module: ModuleInfo, cls: ast.ClassDef, work: ast.Call) -> str | None:
    """``create_task(self._tracer.export(...))`` where ``self._tracer`` was handed to ``__init__``,
    or ``create_task(tracer.export(...))`` for a parameter: the work of a longer-lived object."""
    if not work.args or not isinstance(work.args[0], ast.Call):
        return None
    func = work.args[0].func
    if not isinstance(func, ast.Attribute):
        return None
    holder = func.value
    function = module.enclosing_function(work)
    receiver = self_name(function) if function is not None else None
    if (
        isinstance(holder, ast.Attribute)
        and isinstance(holder.value, ast.Name)
        and holder.value.id == receiver
        and holder.attr in _given_attributes(cls)
    ):
        return f"self.{holder.attr}"
    if isinstance(holder, ast.Name) and function is not None and holder.id != receiver:
        if holder.id in {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}:
            return holder.id
    return None


def end_of_life(
    module: ModuleInfo,
    cls: ast.ClassDef,
    method: Function,
    shutdown_names: tuple[str, ...],
    work: ast.Call | None = None,
) -> str | None:
    """None when ``method`` is proven the last thing done with a ``cls`` object, so that a fix
    may end the object's tasks there; otherwise why not, in one line. ``work``: the call that
    creates the task to end."""
    name, owner = method.name, cls.name
    methods = _methods(cls)
    restarter = _restarter(cls, method, shutdown_names)
    if restarter is not None:
        return f"`{restarter}()` calls `{name}()` and goes on: `{name}()` is not the end of a `{owner}`"
    if not _releases(method, methods) and _remote_call(method) is not None:
        return f"`{name}()` makes a call and releases nothing of `{owner}`: it is no teardown"
    entries = [m for m in TEARDOWN_METHODS if m in methods]
    teardown = framework_teardown(module, cls)
    if teardown is not None and teardown in methods:
        entries.append(teardown)
    for entry in entries:
        if name == entry or name in methods_reached(methods, [entry], calls_only=True):
            if entry == "__aexit__" and work is not None:
                borrowed = _borrowed_work(module, cls, work)
                if borrowed is not None:
                    return f"the task does `{borrowed}`'s work, which outlives this `{owner}`'s `__aexit__`"
            return None
    if _last_use_everywhere(module, cls, name):
        return None
    return f"`{name}()` is not shown to end a `{owner}`: no `__aexit__`, teardown or last use calls it"


def _last_use_everywhere(module: ModuleInfo, cls: ast.ClassDef, method: str) -> bool:
    """Whether the project calls ``method`` on a known ``cls`` instance, and each such call is
    that instance's last use (or runs at a framework's teardown)."""
    root = project_root(module)
    if root is not None:
        # For the cache, memo or not: the files read are those naming the class and the method's call.
        module.project.note_scan(f"mentions {cls.name} .{method}(", root)
    memo = module.project.scan_memo(cls.name)
    key = ("end-of-life", root, module.path, cls.lineno, method)
    if key in memo:
        return cast(bool, memo[key])
    qualified = f"{module.module_name}.{cls.name}" if module.module_name else ""
    count, every = _call_verdicts(module, cls.name, method)
    if root is not None:
        for path, data in files_naming(module.project, root, cls.name, skip=module.path):
            if not _calls_method(module, root, path, data, method):
                continue
            other = module.project.module_at(path)
            if other is not None:
                more, all_last = _call_verdicts(other, cls.name, method, qualified)
                count, every = count + more, every and all_last
    found = count > 0 and every
    memo[key] = found
    return found


def _calls_method(module: ModuleInfo, root: Path, path: Path, data: bytes, method: str) -> bool:
    """Whether ``data``, the text of ``path``, holds ``.method(``: searched once per file and
    method name, not once per class naming it (a registry naming N classes, each asking, cost N
    searches of its N lines). Kept with the memo of the method's name, which a change to a text
    naming it drops."""
    memo = module.project.scan_memo(method)
    key = ("calls-method", root, path)
    found = memo.get(key)
    if found is None:
        found = memo[key] = f".{method}(".encode() in data
    return cast(bool, found)


def _call_verdicts(module: ModuleInfo, cls: str, method: str, qualified: str = "") -> tuple[int, bool]:
    """How many ``x.method()`` on a known ``cls`` instance the module holds (in a function), and
    whether each is the last use. ``qualified``: in another module, ``cls`` counts only where it
    resolves to that name. The calls are grouped by their receiver's name once per module, and
    each group judged once: every class whose holders share a name asks about the same calls."""
    by_receiver = _method_calls_by_receiver(module).get(method)
    if not by_receiver:
        return 0, True  # asked once per task class: no walk of the module when nothing calls it
    names, attrs = _holders(module, cls, qualified)
    count, every = 0, True
    for key in [*((False, n) for n in names), *((True, a) for a in attrs)]:
        if key in by_receiver:
            more, all_last = _receiver_verdicts(module, method, key, by_receiver[key])
            count, every = count + more, every and all_last
    return count, every


# Per module, the judged groups of ``_call_verdicts`` (weakly held: they go with their module).
_VERDICTS: weakref.WeakKeyDictionary[ModuleInfo, dict[tuple[str, bool, str], tuple[int, bool]]] = weakref.WeakKeyDictionary()


def _receiver_verdicts(module: ModuleInfo, method: str, key: tuple[bool, str], calls: list[ast.Call]) -> tuple[int, bool]:
    """For the calls ``<key>.method()`` (in functions): how many, and is each the receiver's last use?"""
    memo = _VERDICTS.get(module)
    if memo is None:
        memo = _VERDICTS[module] = {}
    found = memo.get((method, *key))
    if found is not None:
        return found
    cleanups = _registered_cleanups(module)
    count, every = 0, True
    for call in calls:
        func = call.func
        assert isinstance(func, ast.Attribute)
        receiver = func.value
        function = module.enclosing_function(call)
        if function is None:
            continue
        count += 1
        if function.name in TEARDOWN_FUNCTIONS + TEARDOWN_METHODS or function.name in cleanups:
            continue
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) and n.lineno < call.lineno for n in ast.walk(function)):
            continue  # after the ``yield`` of a lifespan, a ``cleanup_ctx`` or a fixture
        if _used_after(function, call, receiver):
            every = False
    found = memo[(method, *key)] = (count, every)
    return found


def _used_after(function: Function, call: ast.Call, receiver: ast.expr) -> bool:
    if _goes_on_in_loop(function, call) or _entered(function, call):
        return True
    end = call.end_lineno or call.lineno
    for node in ast.walk(function):
        if getattr(node, "lineno", 0) <= end or not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            continue
        if isinstance(receiver, ast.Name) and isinstance(node, ast.Name) and node.id == receiver.id:
            return True
        if isinstance(receiver, ast.Attribute) and isinstance(node, ast.Attribute) and node.attr == receiver.attr:
            return True
    return False


def _goes_on_in_loop(function: Function, call: ast.Call) -> bool:
    return any(
        isinstance(node, (ast.For, ast.AsyncFor, ast.While)) and node.lineno <= call.lineno <= (node.end_lineno or 0)
        for node in ast.walk(function)
    )


def _holders(module: ModuleInfo, cls: str, qualified: str = "") -> tuple[set[str], set[str]]:
    """Names and attribute names bound to a ``cls`` instance in the module: ``x = Cls(...)``,
    ``async with Cls() as x``, ``x: Cls``, ``self.feed = Cls(...)``."""
    names: set[str] = set()
    attrs: set[str] = set()

    def is_cls(node: ast.AST | None) -> bool:
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call):
            node = node.func
        if isinstance(node, ast.Subscript):  # ``Optional[Cls]``, ``Cls | None`` are not followed
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value == cls and not qualified
        named = (isinstance(node, ast.Name) and node.id == cls) or (isinstance(node, ast.Attribute) and node.attr == cls)
        return named and node is not None and (not qualified or module.qualify(node) == qualified)

    def bind(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            attrs.add(target.attr)

    for node in _binding_nodes_naming(module, cls):
        if isinstance(node, ast.Assign) and is_cls(node.value):
            for target in node.targets:
                bind(target)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            for target in node.targets:  # ``a, b = Cls(...), Cls(...)``
                if isinstance(target, ast.Tuple) and len(target.elts) == len(node.value.elts):
                    for element, value in zip(target.elts, node.value.elts):
                        if is_cls(value):
                            bind(element)
        elif isinstance(node, ast.AnnAssign) and (is_cls(node.annotation) or is_cls(node.value)):
            bind(node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if is_cls(item.context_expr) and item.optional_vars is not None:
                    bind(item.optional_vars)
        elif isinstance(node, ast.arg) and is_cls(node.annotation):
            names.add(node.arg)
    return names, attrs


# Per module, asked once per class or task (weakly held: they go with their module).
_BINDINGS: weakref.WeakKeyDictionary[ModuleInfo, list[ast.AST]] = weakref.WeakKeyDictionary()
_BINDING_KINDS = (ast.Assign, ast.AnnAssign, ast.With, ast.AsyncWith, ast.arg)


def _binding_nodes(module: ModuleInfo) -> list[ast.AST]:
    """The module's nodes that can bind a name to an instance, in ``ast.walk`` order."""
    found = _BINDINGS.get(module)
    if found is None:
        found = _BINDINGS[module] = [n for n in ast.walk(module.tree) if isinstance(n, _BINDING_KINDS)]
    return found


_METHOD_CALLS: weakref.WeakKeyDictionary[ModuleInfo, dict[str, dict[tuple[bool, str], list[ast.Call]]]] = weakref.WeakKeyDictionary()


def _method_calls_by_receiver(module: ModuleInfo) -> dict[str, dict[tuple[bool, str], list[ast.Call]]]:
    """The module's calls ``x.method(...)`` by method name, then by receiver: ``(False, "x")``
    for a name ``x``, ``(True, "x")`` for ``<...>.x``; in the index's order, any other receiver
    left out (no holder is bound to it). Each class asks for the calls of its own end method on
    its own holders."""
    found = _METHOD_CALLS.get(module)
    if found is None:
        found = _METHOD_CALLS[module] = {}
        for call in module.index.calls:
            func = call.func
            if isinstance(func, ast.Attribute):
                receiver = func.value
                if isinstance(receiver, ast.Name):
                    key = (False, receiver.id)
                elif isinstance(receiver, ast.Attribute):
                    key = (True, receiver.attr)
                else:
                    continue
                found.setdefault(func.attr, {}).setdefault(key, []).append(call)
    return found


_BINDINGS_BY_NAME: weakref.WeakKeyDictionary[ModuleInfo, dict[str, list[ast.AST]]] = weakref.WeakKeyDictionary()


def _binding_nodes_naming(module: ModuleInfo, cls: str) -> list[ast.AST]:
    """The module's binding nodes (``_binding_nodes``, in its order) whose value, annotation or
    context manager can be ``cls``: its name, attribute name or string is ``cls``. Indexed once
    per module: each class asks for its own holders."""
    index = _BINDINGS_BY_NAME.get(module)
    if index is None:
        index = {}
        for node in _binding_nodes(module):
            keys: list[ast.AST | None]
            if isinstance(node, ast.Assign):
                keys = list(node.value.elts) if isinstance(node.value, ast.Tuple) else [node.value]
            elif isinstance(node, ast.AnnAssign):
                keys = [node.annotation, node.value]
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                keys = [item.context_expr for item in node.items]
            else:
                assert isinstance(node, ast.arg)
                keys = [node.annotation]
            for key in dict.fromkeys(k for k in map(_spelled, keys) if k is not None):
                index.setdefault(key, []).append(node)
        _BINDINGS_BY_NAME[module] = index
    return index.get(cls, [])


def _spelled(node: ast.AST | None) -> str | None:
    """The name ``_holders``' test compares with the class's: of ``Cls``, ``mod.Cls``, ``"Cls"``,
    through one ``await`` and one call."""
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def runs_at_application_end(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` runs when the application ends: after the ``yield`` of a function the
    framework runs as its lifespan (:mod:`.lifespans`: the code after it runs once, at shutdown),
    or in a function a framework runs at the end (:data:`TEARDOWN_FUNCTIONS`, or one handed to a
    teardown signal)."""
    function = module.enclosing_function(node)
    if not isinstance(function, FUNCTION_NODES):
        return False
    if function.name in TEARDOWN_FUNCTIONS or function.name in _registered_cleanups(module):
        return True
    if not is_lifespan(module, function):
        return False
    yields = [n.lineno for n in ast.walk(function) if isinstance(n, ast.Yield) and module.enclosing_function(n) is function]
    return bool(yields) and getattr(node, "lineno", 0) > min(yields)


def _registered_cleanups(module: ModuleInfo) -> frozenset[str]:
    """Functions handed to a teardown signal: ``app.on_cleanup.append(close_feed)``,
    ``app.add_event_handler("shutdown", stop)``, ``@app.on_event("shutdown")``."""
    return registered_names(module, lists=TEARDOWN_SIGNALS, events=_TEARDOWN_EVENTS)
