"""Home Assistant tasks that hold up its stop: a task from ``hass.async_create_task(...)`` (or a
config entry's ``entry.async_create_task(hass, ...)``) is *tracked*: Home Assistant keeps it alive
and, when it stops, waits for it to finish (up to its stage timeouts, then warns that the task
"was still running after final writes shutdown stage; Integrations should cancel non-critical
tasks when receiving the stop event"). At the stop no config entry is unloaded and no entity is
removed, so ``async_will_remove_from_hass()`` and ``entry.async_on_unload(...)`` do not run.

A tracked task whose coroutine *waits* therefore delays the stop unless something cancels it on
``EVENT_HOMEASSISTANT_STOP``: a loop that never ends by itself (``while True`` with an ``await``,
or a loop on a flag of its object that nothing run at the stop names: ``flag_loops``),
or a timer (``await asyncio.sleep(d)``, ``d`` not a number under ``NOTICEABLE_DELAY``) written to be cancelled (it catches
``CancelledError``, or its task is kept on ``self`` and cancelled somewhere: at removal, or before
a new one starts). A timer that nobody means to cancel (a debounced save that should still run
at the stop) and a task that does not wait are none of these; nor is one made with
``async_create_background_task``, which Home Assistant cancels at the stop itself
(ramses-rf/ramses_cc ``5fa5458f``, ``ce8e12cb``).

Only the coroutine's own function is read: a method of the class family (``self._timer(30)``), a
method of the first-party class an attribute of ``self`` is annotated or constructed with
(``self.controller.process_write_queue()``, ``self.controller: ModbusController``), a function
defined in the enclosing function or at module level."""

from __future__ import annotations

import ast
import weakref
from typing import Any, Literal

from tradelint.facts.attribute_types import attribute_class, receiver_class
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import (
    ENTITY_TEARDOWN, UNLOAD_FUNCTIONS, integration_folder, kept_by_integration, registered, setup_parameters, unload_reach,
)
from tradelint.facts.holders import value_holding
from tradelint.facts.project_files import project_files
from tradelint.facts.reruns import is_slot
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.summaries import is_release_name
from tradelint.models.tasks.creators import _last_name, _methods
from tradelint.models.tasks.delays import longest_seconds
from tradelint.models.tasks.entry_objects import ended_at_unload, kept_for_the_entry
from tradelint.models.tasks.flag_loops import flag_of, leaves
from tradelint.models.tasks.function_bodies import _own_nodes

# Creators whose task Home Assistant waits for at its stop (``async_create_background_task``'s
# it cancels): ``hass.create_task`` is the thread-safe way to the same ``async_create_task``.
TRACKED_CREATORS = ("async_create_task", "create_task")


# The problems of a tracked task that outlives the config entry (``outlives_the_entry``) or, made at
# each coordinator refresh, the entity (``refresh_task``).
Outliving = Literal["hass_entry_object", "hass_outlives_entry", "hass_refresh_outlives_entity"]


# Events a listener of which runs when Home Assistant stops, before it waits for tracked tasks.
STOP_EVENTS = ("EVENT_HOMEASSISTANT_STOP", "EVENT_HOMEASSISTANT_FINAL_WRITE")


STOP_LISTENERS = ("async_listen_once", "async_listen")


# A timer's pause, in seconds, from which it holds up a stop noticeably: a pause of a second or
# two is the time the stop takes anyway; a loop holds it up whatever its pause.
NOTICEABLE_DELAY = 10


def tracked_coroutine(call: ast.Call) -> ast.Call | None:
    """The coroutine call a Home Assistant tracked creator is given: ``hass.async_create_task(c)``,
    ``self.hass.async_create_task(c)``, ``entry.async_create_task(hass, c)``; else None."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in TRACKED_CREATORS:
        return None
    receiver = _last_name(func.value).lstrip("_")
    coro: ast.expr | None = None
    if receiver == "hass" and call.args:
        coro = call.args[0]
    elif receiver.endswith("entry") and len(call.args) >= 2 and _last_name(call.args[0]).lstrip("_") == "hass":
        coro = call.args[1]
    return coro if isinstance(coro, ast.Call) else None


def held_for_the_entry(module: ModuleInfo, call: ast.Call, coro: ast.Call) -> str | None:
    """``hass.async_create_task(coordinator.async_read_initial_positions())`` in an integration's
    setup (or a coroutine it awaits with its parameters) that keeps ``coordinator`` for the entry
    (``hass.data[DOMAIN][entry.entry_id] = coordinator``, ``entry.runtime_data = ...``): the task
    is Home Assistant's, which outlives the entry, and it runs a method of an object that lives
    only as long as the entry; after a quick unload or reload it runs on against what was torn
    down (kristofferR/ha-adjustable-bed ``de27860b``, SeloraHomes/ha-selora-ai ``7a2334e3``).
    The object's name, or None. A config entry's own creators (``entry.async_create_task(hass,
    ...)``, awaited by its unload) are none of these."""
    if not (isinstance(call.func, ast.Attribute) and _last_name(call.func.value).lstrip("_") == "hass"):
        return None
    target = coro.func
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function:
        return None
    if isinstance(target, ast.Name):
        return _closure_of_kept(module, function, target.id)
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    name = target.value.id
    cls = module.parent(function)
    if isinstance(cls, ast.ClassDef) and function.args.args and name == function.args.args[0].arg:
        # ``self.hass.async_create_task(self._read_positions())`` in a class the setup keeps.
        if is_release_name(target.attr.lstrip("_").removeprefix("async_")) or not (
            kept_for_the_entry(module, cls) or ended_at_unload(module, cls)
        ):
            return None
        method = _methods(module, cls).get(target.attr)
        if method is not None and isinstance(method[1], ast.AsyncFunctionDef) and _stores_only(method[0], method[1]):
            return None
        if method is None and _given_callable(module, cls, target.attr):
            return None
        return cls.name
    if name in setup_parameters(module, function):
        return None  # ``hass`` itself, or the entry: they outlive the entry's objects
    for node in walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            if kept_by_integration(module, function, value_holding(module, node)) is not None:
                return name
    return None


def _given_callable(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    """Whether ``self.<name>`` is no method of the object but a callable it was given: no method
    of the class or its first-party bases has that name, and every assignment of the attribute in
    them stores something other than one of the object's own methods (``self._on_change =
    on_change``, a parameter). The coroutine is then the giver's work (an entity's handler handed
    to a state-tracking helper), not a method of the object the entry keeps."""
    methods = _methods(module, cls)
    stored: list[ast.expr] = []
    for _, owner in class_and_bases(module, cls):
        for stmt in owner.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or not stmt.args.args:
                continue
            receiver = stmt.args.args[0].arg
            for node in walk(stmt):
                if isinstance(node, ast.Assign):
                    stored += [node.value for t in node.targets if is_slot(t, receiver, name)]
                elif isinstance(node, ast.AnnAssign) and node.value is not None and is_slot(node.target, receiver, name):
                    stored.append(node.value)
    return bool(stored) and not any(
        isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.attr in methods
        for value in stored
    )


def _stores_only(home: ModuleInfo, target: ast.AsyncFunctionDef) -> bool:
    """Whether every ``await`` of the coroutine ``target`` is on a Home Assistant ``Store`` an
    attribute of its ``self`` holds (``self._store = Store(hass, 1, KEY)``), and there is one: a
    save, meant to be done whatever becomes of the entry (Home Assistant keeps the store, not the
    entry; TCzerny/ha-modbus-manager's daily meters)."""
    receiver = target.args.args[0].arg if target.args.args else None
    cls = home.parent(target)
    if receiver is None or not isinstance(cls, ast.ClassDef):
        return False
    stores = {
        t.attr
        for n in walk(cls)
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
        and (home.imports.qualify(n.value.func) or "").endswith("helpers.storage.Store")
        for t in n.targets
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
    }
    awaits = [n.value for n in _own_nodes(target) if isinstance(n, ast.Await)]
    return bool(awaits) and all(
        isinstance(a, ast.Call) and isinstance(a.func, ast.Attribute) and isinstance(a.func.value, ast.Attribute)
        and isinstance(a.func.value.value, ast.Name) and a.func.value.value.id == receiver and a.func.value.attr in stores
        for a in awaits
    )


def outlives_the_entry(module: ModuleInfo, call: ast.Call, coro: ast.Call) -> tuple[Outliving, str] | None:
    """A thrown-away tracked task whose coroutine does not wait by itself (``waiting_kind``) and
    still outlives the entry: it runs a method of an object kept for the entry
    (``held_for_the_entry``: ``"hass_entry_object"`` and the object's name), or it is the timer of
    an object nothing types that such an object starts (``kept_object_timer``:
    ``"hass_outlives_entry"``, ``"timer"``)."""
    held = held_for_the_entry(module, call, coro)
    if held:
        return "hass_entry_object", held
    return ("hass_outlives_entry", "timer") if kept_object_timer(module, call, coro) is not None else None


# Home Assistant's own background task: it cancels it at its stop, never at a config entry's
# unload (a config entry's ``entry.async_create_background_task(hass, ...)`` it cancels there).
BACKGROUND_CREATOR = "async_create_background_task"


def background_outlives_entry(module: ModuleInfo, call: ast.Call) -> tuple[Outliving, str] | None:
    """``hass.async_create_background_task(coro, name)`` thrown away (``dropped_by_callers``) by
    per-entry code: Home Assistant keeps the task until it stops, and nothing the entry's unload
    runs can cancel it, so after an unload or a reload it runs on against what was torn down, one
    more each reload. Only a coroutine that waits is judged (``waiting_kind``: a loop that never
    ends by itself, or a noticeable timer; one-shot work, an executor job's daily purge, ends by
    itself and the stop cancels it): made where a config entry is set up (``setup_parameters``),
    or running a method of an object kept for the entry (``held_for_the_entry``), or a timer such
    an object starts (``kept_object_timer``). The problem and what the message names."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == BACKGROUND_CREATOR and _last_name(func.value).lstrip("_") == "hass"):
        return None
    coro = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "target"), None)
    if not isinstance(coro, ast.Call) or not dropped_by_callers(module, call):
        return None
    kind = waiting_kind(module, call, coro)
    if kind is None:
        return ("hass_outlives_entry", "timer") if kept_object_timer(module, call, coro) is not None else None
    function = module.enclosing_function(call)
    if function is not None and module.enclosing_scope(call) is function and setup_parameters(module, function):
        return "hass_outlives_entry", kind[0]
    held = held_for_the_entry(module, call, coro)
    return ("hass_entry_object", held) if held else None


def _closure_of_kept(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str | None:
    """``self._hass.async_create_task(_run())`` in a method of a class the setup keeps for the
    entry, ``_run`` a coroutine defined in the method that uses its ``self``: it works on the
    object as its methods do (barneyonline/ha-enphase-ev-charger ``a1ec0a02``). The class's name."""
    cls = module.parent(function)
    if not (isinstance(cls, ast.ClassDef) and function.args.args) or is_release_name(name.lstrip("_").removeprefix("async_")):
        return None
    receiver = function.args.args[0].arg
    for node in walk(function):
        if (
            isinstance(node, ast.AsyncFunctionDef)
            and node.name == name
            and module.enclosing_function(node) is function
            and any(isinstance(n, ast.Name) and n.id == receiver for n in walk(node))
        ):
            return cls.name if kept_for_the_entry(module, cls) else None
    return None


def waiting_kind(module: ModuleInfo, call: ast.Call, coro: ast.Call, at_stop: bool = False) -> tuple[str, bool] | None:
    """How the coroutine ``coro`` (given to a tracked creator in ``call``) waits: ``"loop"`` (it
    never ends by itself) or ``"timer"`` (it sleeps), with whether it catches ``CancelledError``
    (written to be cancelled); None when it does not wait, or cannot be read. ``at_stop``: the
    question is Home Assistant's stop, where a loop on a flag of its object that nothing run at the
    stop sets never ends either (``flag_loops``)."""
    found = coroutine_function(module, call, coro)
    if found is None:
        return None
    return how_it_waits(found[0], found[1], coro, at_stop)


def runs_at_once(module: ModuleInfo, call: ast.Call, coro: ast.Call) -> bool:
    """Whether the coroutine ``coro`` (given to a tracked creator in ``call``) is not shown to
    wait: its function, when it can be read, neither loops until it is ended nor sleeps
    (``asyncio.sleep``), however briefly; one that cannot be read is not shown to. Kept on
    ``self``, such a task (one refresh, one command: BobMcGlobus/ha-ninebot's ``self._poll_task =
    self.hass.async_create_task(self.async_refresh())``) ends by itself, and RULES.md names
    ``hass.async_create_task`` a task owner; a timer of 0.3 s still acts on an entity removed
    meanwhile (AlexxIT/XiaomiGateway3 ``9bbf7e92``), and is judged."""
    found = coroutine_function(module, call, coro)
    if found is None:
        return True
    home, function = found
    return how_it_waits(home, function, coro) is None and not _pauses(home, _own_nodes(function))


def _pauses(home: ModuleInfo, nodes: list[ast.AST]) -> list[ast.Call]:
    """The ``asyncio.sleep(...)`` calls that ``nodes`` (a coroutine's own) await."""
    return [
        n.value for n in nodes
        if isinstance(n, ast.Await) and isinstance(n.value, ast.Call) and home.imports.qualify(n.value.func) == "asyncio.sleep"
    ]


def dropped_by_callers(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether the task of ``call`` is thrown away: ``call`` is a statement, or what a plain method
    returns (``def request(self, r): return self.hass.async_create_task(self.async_request(r))``)
    that some call of the method in the integration throws away (``device.request(r)``, by
    name): the integration's own wrapper, which leaves the task to callers that drop it
    (krahabb/meross_lan ``f398bd3b``)."""
    parent = module.parent(call)
    if isinstance(parent, ast.Expr):
        return True
    function = module.enclosing_function(call)
    if not (isinstance(parent, ast.Return) and isinstance(function, ast.FunctionDef)
            and isinstance(module.parent(function), ast.ClassDef)):
        return False
    name = function.name
    folder = integration_folder(module)
    if folder is None:
        return False
    project = module.project
    project.note_scan("tree", folder)
    memo = project.scan_memo("dropped-results")
    if folder not in memo:
        dropped: set[str] = set()
        for path in project_files(project, folder) or ():
            other = module if path == module.path else project.module_at(path)
            if other is not None:
                dropped.update(
                    c.func.attr for c in other.index.calls
                    if isinstance(c.func, ast.Attribute) and isinstance(other.parent(c), ast.Expr)
                )
        memo[folder] = frozenset(dropped)
    return name in memo[folder]


# The method a Home Assistant ``CoordinatorEntity`` runs at each refresh of its coordinator.
REFRESH_CALLBACK = "_handle_coordinator_update"


def refresh_task(module: ModuleInfo, call: ast.Call, coro: ast.Call) -> bool:
    """``self.hass.async_create_task(self._async_on_update())`` thrown away in an entity's
    ``_handle_coordinator_update()`` (the caller has made sure the coroutine is the entity's own),
    as a statement of its body (not under a test), its coroutine awaiting something: a task made
    anew at every refresh, which nothing cancels, neither when the next refresh makes another (they
    overlap) nor at the entity's removal, after which the last one still writes (woopstar/hsem
    ``0260cc3c``: hardware writes after the unload). A one-shot made on some refreshes only (a
    transition's) is not."""
    function, statement = module.enclosing_function(call), module.parent(call)
    if function is None or function.name != REFRESH_CALLBACK or statement is None or module.parent(statement) is not function:
        return False  # made only on some refreshes (a transition's one-shot) is no task of each
    found = coroutine_function(module, call, coro)
    return found is not None and any(isinstance(n, ast.Await) for n in _own_nodes(found[1]))


def kept_object_timer(module: ModuleInfo, call: ast.Call, coro: ast.Call) -> str | None:
    """``self.hass.async_create_task(entity._clear_pending_after_timeout(30))`` thrown away in a
    method of a class the setup keeps for the entry (``kept_for_the_entry``), its coroutine a
    timer (``await asyncio.sleep(d)``, ``d`` noticeable) that does something when it fires:
    per-entry code starts a timer that Home Assistant keeps past the unload, and it fires on what
    was unloaded (ramses-rf/ramses_cc ``5fa5458f``). The coroutine's function is read as
    ``waiting_kind`` reads it or, on a receiver nothing types (``cast(Any, entity)``), as the one
    method of that name the integration defines. The class's name, or None."""
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function:
        return None
    cls = module.parent(function)
    if not isinstance(cls, ast.ClassDef) or not kept_for_the_entry(module, cls):
        return None
    found = coroutine_function(module, call, coro)
    if found is None and isinstance(coro.func, ast.Attribute):
        methods = integration_methods(module, coro.func.attr)
        if len(methods) == 1 and isinstance(methods[0][1], ast.AsyncFunctionDef):
            found = methods[0][0], methods[0][1]
    if found is None or not _acts_when_it_fires(found[0], found[1]):
        return None
    kind = how_it_waits(found[0], found[1], coro)
    return cls.name if kind is not None and kind[0] == "timer" else None


def _acts_when_it_fires(home: ModuleInfo, target: ast.AsyncFunctionDef) -> bool:
    """Whether the timer ``target`` calls anything but ``asyncio.sleep``: a coroutine that only
    sleeps does nothing when it fires."""
    return any(
        isinstance(n, ast.Call) and home.imports.qualify(n.func) != "asyncio.sleep" for n in _own_nodes(target)
    )


def integration_methods(module: ModuleInfo, name: str) -> list[tuple[ModuleInfo, ast.AST]]:
    """Every method named ``name`` of a class of ``module``'s integration, with its module. Asked
    only of a thrown-away task's coroutine on an untyped receiver: not kept."""
    folder = integration_folder(module)
    if folder is None:
        return []
    project = module.project
    project.note_scan("tree", folder)
    found: list[tuple[ModuleInfo, ast.AST]] = []
    for path in project_files(project, folder) or ():
        other = module if path == module.path else project.module_at(path)
        if other is not None:
            found.extend(
                (other, s) for cls in other.index.classes for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == name
            )
    return found


def how_it_waits(
    home: ModuleInfo, target: ast.AsyncFunctionDef, coro: ast.Call, at_stop: bool = False
) -> tuple[str, bool] | None:
    nodes = _own_nodes(target)
    loop = any(
        isinstance(n, ast.While)
        and _never_ends_by_itself(home, target, n, at_stop)
        and any(isinstance(inner, (ast.Await, ast.AsyncFor, ast.AsyncWith)) for inner in walk(n))
        and not leaves(n)
        for n in nodes
    )
    sleeps = any(_delay_given(home, target, coro, pause) for pause in _pauses(home, nodes))
    if not loop and not sleeps:
        return None
    catches = any(
        isinstance(n, ast.ExceptHandler) and n.type is not None and any(
            _last_name(t) == "CancelledError"
            for t in (n.type.elts if isinstance(n.type, ast.Tuple) else [n.type])
        )
        for n in nodes
    )
    return ("loop" if loop else "timer"), catches


def _never_ends_by_itself(home: ModuleInfo, target: ast.AsyncFunctionDef, loop: ast.While, at_stop: bool) -> bool:
    """``while True``; at Home Assistant's stop, also a loop on a flag of the object
    (``flag_loops.flag_of``) that nothing run at the stop names (``mentioned_at_stop``)."""
    if isinstance(loop.test, ast.Constant):
        return bool(loop.test.value)
    flag = flag_of(target, loop) if at_stop else None
    return flag is not None and flag not in mentioned_at_stop(home)


def _delay_given(home: ModuleInfo, target: ast.AsyncFunctionDef, coro: ast.Call, sleep: ast.Call) -> bool:
    """Whether ``asyncio.sleep(d)`` waits noticeably: ``d`` not a number under
    ``NOTICEABLE_DELAY``, also when ``d`` is a parameter and the call gives it one
    (``self._clear_after(0)`` sleeps no time), or a local or a constant whose every value is
    worked out of numbers (``longest_seconds``)."""
    delay = sleep.args[0] if sleep.args else next((k.value for k in sleep.keywords if k.arg == "delay"), None)
    if isinstance(delay, ast.Name):
        given = _argument_for(target, coro, delay.id)
        if given is not None:
            delay = given
        elif (seconds := longest_seconds(home, target, delay)) is not None:
            # A local or a constant worked out of numbers (``delay = max(0, REFRESH_DELAY - 0.3)``).
            return seconds >= NOTICEABLE_DELAY
    if isinstance(delay, ast.Constant) and isinstance(delay.value, (int, float)):
        return bool(delay.value >= NOTICEABLE_DELAY)
    return delay is not None


def _argument_for(target: ast.AsyncFunctionDef, coro: ast.Call, name: str) -> ast.expr | None:
    """The value the call ``coro`` gives the parameter ``name`` of ``target`` (or its default)."""
    params = [*target.args.posonlyargs, *target.args.args]
    if params and params[0].arg in ("self", "cls") and isinstance(coro.func, ast.Attribute):
        params = params[1:]
    for keyword in coro.keywords:
        if keyword.arg == name:
            return keyword.value
    names = [p.arg for p in params]
    if name in names:
        index = names.index(name)
        if index < len(coro.args) and not any(isinstance(a, ast.Starred) for a in coro.args[: index + 1]):
            return coro.args[index]
        defaults = target.args.defaults
        offset = len(names) - len(defaults)
        if index >= offset:
            return defaults[index - offset]
    return None


def coroutine_function(
    module: ModuleInfo, call: ast.Call, coro: ast.Call
) -> tuple[ModuleInfo, ast.AsyncFunctionDef] | None:
    """The ``async def`` that ``coro`` calls, with its module: ``self.m(...)`` in a method (the
    class family's), ``self.attr.m(...)`` where ``self.attr`` is of a first-party class
    (``attribute_class``), ``x.m(...)`` where the code proves ``x``'s first-party class
    (``receiver_class``: a local bound once to ``Cls(...)``, a parameter annotated ``Cls``), a
    name defined in an enclosing function or at module level."""
    found = _own_coroutine(module, call, coro)
    func = coro.func
    function = module.enclosing_function(call)
    if found is None and isinstance(func, ast.Attribute) and function is not None:
        typed = receiver_class(module, function, func.value)
        method = _methods(typed[0], typed[1]).get(func.attr) if typed is not None else None
        if method is not None and isinstance(method[1], ast.AsyncFunctionDef):
            return method[0], method[1]
    return found


def _own_coroutine(
    module: ModuleInfo, call: ast.Call, coro: ast.Call
) -> tuple[ModuleInfo, ast.AsyncFunctionDef] | None:
    func = coro.func
    function = module.enclosing_function(call)
    if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Attribute)):
        method = function
        while method is not None and not isinstance(module.parent(method), ast.ClassDef):
            method = module.enclosing_function(method)
        if method is None:
            return None
        args = method.args.args
        receiver = func.value
        if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name):
            owner = receiver.value
        elif isinstance(receiver, ast.Name):
            owner = receiver
        else:
            return None
        if not args or args[0].arg != owner.id:
            return None
        cls = module.parent(method)
        assert isinstance(cls, ast.ClassDef)
        home, holder = module, cls
        if isinstance(receiver, ast.Attribute):
            typed = attribute_class(module, cls, receiver.attr)
            if typed is None:
                return None
            home, holder = typed
        found = _methods(home, holder).get(func.attr)
        if found is None or not isinstance(found[1], ast.AsyncFunctionDef):
            return None
        return found[0], found[1]
    if isinstance(func, ast.Name):
        scope: ast.AST | None = function
        while scope is not None:
            for stmt in walk(scope):
                if isinstance(stmt, ast.AsyncFunctionDef) and stmt.name == func.id and stmt is not scope:
                    return module, stmt
            scope = module.enclosing_function(scope)
        top = module.top_level.get(func.id)
        return (module, top) if isinstance(top, ast.AsyncFunctionDef) else None
    return None


def ended_at_stop(module: ModuleInfo, attr: str) -> bool:
    """Whether something that runs at Home Assistant's stop mentions ``attr`` and cancels
    something: a listener of the stop registered in the integration (``hass.bus.
    async_listen_once(EVENT_HOMEASSISTANT_STOP, self._on_stop)``) or a function of the integration
    it reaches by name, or a coordinator's ``async_shutdown()`` (which Home Assistant also runs at
    the stop)."""
    return attr in _run_at_stop(module)


_ALONE: weakref.WeakKeyDictionary[ModuleInfo, dict[str, Any]] = weakref.WeakKeyDictionary()


def _cancelling(bodies: list[ast.AST]) -> frozenset[str]:
    """The attribute names mentioned by the bodies that cancel something, all in one set: each
    task attribute asks whether any such body names it. Not an attribute the body stores a new
    value made by a call in (``self._clear.cancel(); self._clear = hass.async_create_task(...)``):
    such a body restarts the task, it does not end it."""
    found: set[str] = set()
    for body in bodies:
        nodes = list(walk(body))
        if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
                   for n in nodes):
            continue
        renewed = {
            target.attr
            for n in nodes
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, (ast.Call, ast.Await))
            for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(target, ast.Attribute)
        }
        found.update(n.attr for n in nodes if isinstance(n, ast.Attribute) and n.attr not in renewed)
    return frozenset(found)


def _at_stop(module: ModuleInfo) -> dict[str, Any]:
    """The memo of what may run at Home Assistant's stop in ``module``'s integration (or in the
    module alone, outside any): the bodies (``"bodies"``, read once per folder or module) and each
    reading of them. Kept under the stop event's name, so a change to a file naming it drops it."""
    folder = integration_folder(module)
    if folder is None:
        alone = _ALONE.setdefault(module, {})
        if "bodies" not in alone:
            alone["bodies"] = _reach_at_stop([module])
        return alone
    project = module.project
    project.note_scan("tree", folder)  # for the cache, memo or not
    memo = project.scan_memo("EVENT_HOMEASSISTANT_STOP")
    if folder not in memo:
        modules = [module if path == module.path else project.module_at(path) for path in project_files(project, folder) or ()]
        memo[folder] = {"bodies": _reach_at_stop([m for m in modules if m is not None])}
    found: dict[str, Any] = memo[folder]
    return found


def _run_at_stop(module: ModuleInfo) -> frozenset[str]:
    """What the bodies that may run at Home Assistant's stop and cancel something name (each
    task attribute asks)."""
    memo = _at_stop(module)
    if "cancelling" not in memo:
        memo["cancelling"] = _cancelling(memo["bodies"])
    found: frozenset[str] = memo["cancelling"]
    return found


def mentioned_at_stop(module: ModuleInfo) -> frozenset[str]:
    """The names (attributes and plain names) that the bodies which may run at Home Assistant's
    stop mention, cancelling or not: a flag one of them sets (``self.closed = True`` in a
    ``disconnect()`` a stop listener reaches)."""
    memo = _at_stop(module)
    if "mentioned" not in memo:
        memo["mentioned"] = frozenset(
            n.attr if isinstance(n, ast.Attribute) else n.id
            for body in memo["bodies"] for n in walk(body) if isinstance(n, (ast.Attribute, ast.Name))
        )
    found: frozenset[str] = memo["mentioned"]
    return found


def _reach_at_stop(modules: list[ModuleInfo]) -> list[ast.AST]:
    reached: set[str] = {"async_shutdown"}
    bodies: list[ast.AST] = []
    defined: dict[str, list[ast.AST]] = {}
    for module in modules:
        for node in walk(module.tree):
            if isinstance(node, FUNCTION_NODES):
                defined.setdefault(node.name, []).append(node)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in STOP_LISTENERS
                and len(node.args) >= 2
                and _last_name(node.args[0]) in STOP_EVENTS
            ):
                reached.update(registered(node.args[1]))
                if isinstance(node.args[1], ast.Lambda):
                    bodies.append(node.args[1])
    todo = list(reached)
    while todo:
        for function in defined.get(todo.pop(), ()):
            bodies.append(function)
            for inner in walk(function):
                name = inner.id if isinstance(inner, ast.Name) else inner.attr if isinstance(inner, ast.Attribute) else None
                if name is not None and name not in reached:
                    reached.add(name)
                    todo.append(name)
    return bodies


def cancelled_from_outside(module: ModuleInfo, attr: str, reach: frozenset[str]) -> bool:
    """Whether a function of ``module``'s integration that its unload reaches (its name is in
    ``reach``) cancels ``<object>.attr`` of an object other than its own ``self``
    (``device._restart_task.cancel()`` in ``async_unload_entry``, ha-ld2410 ``c0b13ef1``): the
    owner of the object ends the task the object keeps. A local alias counts (``t =
    device._task; t.cancel()``) when the function cancels something and names ``.attr``."""
    folder = integration_folder(module)
    if folder is None:
        return False
    project = module.project
    project.note_scan("tree", folder)
    memo = project.scan_memo("async_unload_entry")
    key = ("outside-cancels", folder, reach)
    if key not in memo:
        found: set[str] = set()
        for path in project_files(project, folder) or ():
            other = module if path == module.path else project.module_at(path)
            if other is None:
                continue
            for node in walk(other.tree):
                if not isinstance(node, FUNCTION_NODES) or (node.name not in reach and node.name not in UNLOAD_FUNCTIONS):
                    continue
                args = node.args.args
                own = args[0].arg if args and isinstance(other.parent(node), ast.ClassDef) else None
                nodes = list(walk(node))
                if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
                           for n in nodes):
                    continue
                found.update(
                    n.attr for n in nodes
                    if isinstance(n, ast.Attribute) and not (isinstance(n.value, ast.Name) and n.value.id == own)
                )
        memo[key] = frozenset(found)
    return attr in memo[key]


def ended_before_the_stop(module: ModuleInfo, node: ast.AST, made: ast.stmt) -> bool:
    """Whether the cancel at ``node`` is one Home Assistant's stop never runs: in an entity's
    removal, in what the unload of the integration reaches, or a restart (cancelled before the
    task is made again, in the method that makes it: ``made``)."""
    if module.enclosing_function(node) is module.enclosing_function(made) and getattr(node, "lineno", 0) < made.lineno:
        return True
    function = module.enclosing_function(node)
    while function is not None and not isinstance(module.parent(function), ast.ClassDef):
        function = module.enclosing_function(function)
    if function is None:
        return False
    if function.name == ENTITY_TEARDOWN:
        return True
    reach = unload_reach(module)
    return reach is not None and function.name in reach
