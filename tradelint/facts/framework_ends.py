"""Where a framework ends what an application keeps: Home Assistant's config entries and entities.

A Home Assistant integration loaded from a config entry is unloaded (and reloaded, on every
options change or re-authentication) while Home Assistant keeps running. What the integration
started must end then, and only what the framework runs at that moment can end it:
``async_unload_entry()``, the callbacks handed to ``entry.async_on_unload(...)`` and an entity's
``self.async_on_remove(...)``, an entity's ``async_will_remove_from_hass()``, a coordinator's
``async_shutdown()``, and whatever those reach. A ``close()`` that only a Home Assistant *stop*
listener calls (``hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, ...)``) runs at shutdown,
not at unload: the task it would cancel runs on after each reload (TTLucian/ha-electrolux
``faae5cde``). An integration without ``async_unload_entry`` cannot be unloaded; Home Assistant's
stop ends what it started, and nothing is asked of it.

Reach is followed by name through the whole integration (every function and method of its
package whose name a reached body mentions): an over-approximation, so that a method counts as
run at unload whenever some path by that name may lead there."""

from __future__ import annotations

import ast
import os
import weakref
from pathlib import Path
from typing import cast

from tradelint.facts.awaited_uses import CORO_RUNNERS, LOOP_RUNNERS
from tradelint.facts.context import ModuleInfo
from tradelint.facts.entry_reach import reached_only_on_the_way_in
from tradelint.facts.lifespans import is_lifespan
from tradelint.facts.project_files import project_files
from tradelint.facts.pytest_fixtures import FIXTURE_DECORATORS
from tradelint.facts.syntax import FUNCTION_NODES, base_class, walk
from tradelint.facts.uses import name_loads

# What Home Assistant calls when a config entry is unloaded or removed.
UNLOAD_FUNCTIONS = ("async_unload_entry", "async_remove_entry")


# Registrations whose callback runs at unload (an entry's) or at an entity's removal.
UNLOAD_REGISTRARS = ("async_on_unload", "async_on_remove")


# Methods the framework itself runs at an object's end: an entity's removal, a coordinator's
# shutdown (registered on its config entry's unload by ``DataUpdateCoordinator`` itself).
FRAMEWORK_TEARDOWNS = ("async_will_remove_from_hass", "async_shutdown")


ENTITY_TEARDOWN = "async_will_remove_from_hass"


def ha_kind(family: list[tuple[ModuleInfo, ast.ClassDef]]) -> str:
    """``"entity"`` for a Home Assistant entity, ``"flow"`` for a config or options flow (it ends
    with its flow, not with the entry), ``"object"`` otherwise (a coordinator, a plain class)."""
    for owner_module, owner in family:
        for base in map(base_class, owner.bases):  # (``CoordinatorEntity[MyCoordinator]``)
            qualified = owner_module.imports.qualify(base) or ""
            if not qualified.startswith("homeassistant."):
                continue
            last = qualified.rpartition(".")[2]
            if last.endswith(("Flow", "FlowHandler")) or ".config_entries." in qualified or "data_entry_flow" in qualified:
                return "flow"
            if last.endswith("Entity"):
                return "entity"
    return "object"


def integration_folder(module: ModuleInfo) -> Path | None:
    """The Home Assistant integration ``module`` belongs to: the outermost package above it whose
    ``__init__`` sets up a config entry (``async_setup_entry``), or whose folder holds a
    ``manifest.json`` (every integration has one) beside an ``__init__`` that imports
    ``homeassistant``. A module of the package belongs to it whatever it imports itself (a game's
    round manager that only ``asyncio`` runs), also in a sub-folder without an ``__init__`` (a
    namespace portion of the package Python imports all the same: ``hsem/custom_sensors/``).
    Asked once per folder."""
    project = module.project
    memo = project.scan_memo("integration-folder")
    found: Path | None = None
    folder = module.path.parent
    if not os.path.isfile(folder / "__init__.py") and os.path.isfile(folder.parent / "__init__.py"):
        folder = folder.parent
    while os.path.isfile(folder / "__init__.py"):
        if folder not in memo:
            text = project.read_text(folder / "__init__.py") or ""
            memo[folder] = "async_setup_entry" in text or (
                os.path.isfile(folder / "manifest.json") and "homeassistant" in text
            )
        if memo[folder]:
            found = folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return found


def unload_reach(module: ModuleInfo) -> frozenset[str] | None:
    """The names of the functions and methods that may run when ``module``'s integration is
    unloaded (its config entry) or one of its entities removed; None when the module is in no
    integration, or in one that has no ``async_unload_entry`` (it is never unloaded)."""
    folder = integration_folder(module)
    if folder is None:
        return None
    project = module.project
    project.note_scan("tree", folder)  # for the cache, memo or not
    memo = project.scan_memo("integration-unload")
    if folder not in memo:
        memo[folder] = _reach(module, folder)
    found: frozenset[str] | None = memo[folder]
    return found


def _reach(module: ModuleInfo, folder: Path) -> frozenset[str] | None:
    project = module.project
    defined: dict[str, list[ast.AST]] = {}
    roots: list[ast.AST] = []
    reached: set[str] = set()
    unloadable = False
    setters: dict[str, list[tuple[int, str, str]]] = {}
    handed: list[tuple[str, int | str, str]] = []
    for path in project_files(project, folder) or ():
        other = module if path == module.path else project.module_at(path)
        if other is None:
            continue
        for node in walk(other.tree):
            if isinstance(node, ast.Call):
                handed.extend(_handed_functions(node))
            if isinstance(node, FUNCTION_NODES):
                _note_setter(other, node, setters)
                if _request_handler(other, node):
                    continue  # run per HTTP request, never by a call of the integration's
                defined.setdefault(node.name, []).append(node)
                if node.name in UNLOAD_FUNCTIONS and other.parent(node) is other.tree:
                    unloadable = unloadable or node.name == "async_unload_entry"
                    roots.append(node)
                elif node.name in FRAMEWORK_TEARDOWNS:
                    reached.add(node.name)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in UNLOAD_REGISTRARS
            ):
                for arg in node.args:
                    reached.update(registered(arg))
    if not unloadable:
        return None
    callbacks = _callbacks_kept(setters, handed)
    for root in roots:
        reached.update(_mentioned(root))
        reached.update(_called_back(root, callbacks))
    todo = list(reached)
    while todo:
        for function in defined.get(todo.pop(), ()):
            for name in _mentioned(function) | _called_back(function, callbacks):
                if name not in reached:
                    reached.add(name)
                    todo.append(name)
    return frozenset(reached)


def _note_setter(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, setters: dict[str, list[tuple[int, str, str]]]) -> None:
    """A method that keeps a parameter on its object (``def set_connection_callback(self, cb):
    self._connection_callback = cb``, or a constructor's ``self._on_close = on_close``): under
    the method's name (a constructor's: its class's), the parameter's position after ``self``,
    its name and the attribute it is kept in."""
    owner = module.parent(function)
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    if not (isinstance(owner, ast.ClassDef) and len(params) > 1):
        return
    receiver, params = params[0], params[1:]
    key = owner.name if function.name == "__init__" else function.name
    for stmt in function.body:
        if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Name) and stmt.value.id in params):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver:
                setters.setdefault(key, []).append((params.index(stmt.value.id), stmt.value.id, target.attr))


def _handed_functions(call: ast.Call) -> list[tuple[str, int | str, str]]:
    """The functions ``call`` is given by reference, not called (``ws.set_callback(self._on_state)``,
    ``Client(on_close=self._closed)``): (the callee's last name, the argument's position or
    keyword, the function's name)."""
    callee = _last_name(call.func)
    if not callee:
        return []
    found: list[tuple[str, int | str, str]] = []
    places: list[tuple[int | str, ast.expr]] = [*enumerate(call.args)]
    places += [(k.arg, k.value) for k in call.keywords if k.arg is not None]
    for place, arg in places:
        if isinstance(arg, (ast.Name, ast.Attribute)):
            found.append((callee, place, _last_name(arg)))
    return found


def _callbacks_kept(
    setters: dict[str, list[tuple[int, str, str]]], handed: list[tuple[str, int | str, str]]
) -> dict[str, set[str]]:
    """For each attribute a method of the integration keeps a parameter in, the functions the
    integration hands that method by reference in that parameter."""
    found: dict[str, set[str]] = {}
    for callee, place, name in handed:
        for index, param, attr in setters.get(callee, ()):
            if place in (index, param):
                found.setdefault(attr, set()).add(name)
    return found


def _called_back(function: ast.AST, callbacks: dict[str, set[str]]) -> set[str]:
    """The callbacks ``function`` runs: where it calls an attribute (``self._connection_callback(
    False)``) that keeps functions the integration handed over, those functions. The object
    runs what it was given only where its code calls it: a callback merely kept is not reached."""
    found: set[str] = set()
    if not callbacks:
        return found
    for node in walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            found |= callbacks.get(node.func.attr, set())
    return found


# Web views: the server calls their methods (``get``, ``post``) for each request.
VIEW_BASES = ("homeassistant.components.http.HomeAssistantView", "aiohttp.web.View", "aiohttp.web_urldispatcher.View")


def _request_handler(module: ModuleInfo, function: ast.AST) -> bool:
    """A method of a web view: followed by name, a ``data.get(...)`` of the unload would reach
    every view's ``get()`` and what the requests do (mholzi/beatify: 1,496 names reached, 54
    without the views)."""
    owner = module.parent(function)
    return isinstance(owner, ast.ClassDef) and any(
        module.imports.qualify(base_class(base)) in VIEW_BASES for base in owner.bases
    )


def registered(arg: ast.expr) -> set[str]:
    """What a registration runs later: the callable's name (``self.close``, ``cleanup``), what a
    lambda or ``partial(...)`` mentions. A call's result is what is registered, not the call:
    ``entry.async_on_unload(hass.bus.async_listen_once(STOP, close))`` registers the listener's
    unsubscriber, and ``close`` runs only at Home Assistant's stop."""
    if isinstance(arg, ast.Name):
        return {arg.id}
    if isinstance(arg, ast.Attribute):
        return {arg.attr}
    if isinstance(arg, ast.Lambda):
        return _mentioned(arg.body)
    if isinstance(arg, ast.Call) and _last_name(arg.func) == "partial" and arg.args:
        return registered(arg.args[0])
    return set()


def _mentioned(node: ast.AST) -> set[str]:
    """Every name and attribute a body mentions outside registrations' calls, and the
    callbacks it registers: what it may call, directly or by handing it on."""
    found: set[str] = set()
    for inner in walk(node):
        if isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.Attribute):
            found.add(inner.attr)
    return found


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def in_registration(module: ModuleInfo, node: ast.AST) -> bool:
    """``node`` is part of a callback registered to run at unload or removal
    (``self.async_on_remove(self._task.cancel)``, ``entry.async_on_unload(lambda: t.cancel())``),
    not an argument of a call made there."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if (
            isinstance(ancestor, ast.Call)
            and isinstance(ancestor.func, ast.Attribute)
            and ancestor.func.attr in UNLOAD_REGISTRARS
            and child in ancestor.args
        ):
            return isinstance(child, (ast.Attribute, ast.Name, ast.Lambda)) or (
                isinstance(child, ast.Call) and _last_name(child.func) == "partial"
            )
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False


def in_tests(module: ModuleInfo) -> bool:
    """A test module: under a ``tests``/``test`` folder, ``test_*.py`` or ``conftest.py``."""
    return in_test_path(module.path)


def in_test_path(path: Path) -> bool:
    """A test module's file: under a ``tests``/``test`` folder, ``test_*.py`` or ``conftest.py``."""
    parts = path.parts
    return "tests" in parts or "test" in parts or path.name.startswith("test_") or path.name == "conftest.py"


def goes_on_after_errors(module: ModuleInfo, function: ast.AST | None = None, *, lifespans_end: bool = True) -> bool:
    """Whether the program goes on after ``function`` (of ``module``) raises: a resource closed
    only on its success path then stays open on every failure. A module of a Home Assistant
    integration (Home Assistant catches what its config flows, setups, services and entities
    raise and goes on running: sdwilsh/hass-truenas's config flow), and any function that is not
    a program's entry: a request handler, a bot command, a service's or a library's method is
    called by code that catches and goes on (letta-ai/letta ``c38b1f59``'s MCP client, cleaned
    up only after a successful tool call). Not a test (its failure ends the test) nor a script's
    ``main()`` (``__main__.py``, a module run as ``__main__``, a click or typer command): there
    the error ends the program, and the process with it. Nor an application's lifespan, whose
    error fails the server's start or stop (``facts.lifespans``), nor a function only they, or a
    startup handler, reach (``facts.entry_reach``).

    ``lifespans_end=False`` (the task family): a lifespan is a function the program goes on after.
    A task it starts and cancels only on the way out of its ``yield`` runs on when its start-up
    fails, in every host that goes on after a failed start (a test client, an embedded server);
    the held-out halves of the leak-fix rounds lost two such true findings when the lifespan rule
    (written for resources closed after the ``yield``) also reached the task family (session 57)."""
    if in_tests(module) or (function is not None and _test_fixture(module, function)):
        return False  # a test's failure ends the test (a fixture's too, wherever it lives: a plugin's ``redbot/pytest/``)
    if integration_folder(module) is not None:
        return True
    return (
        function is not None
        and not _program_entry(module, function)
        and not (lifespans_end and is_lifespan(module, function))
        and not reached_only_on_the_way_in(module, function, _program_entry)
    )


def _test_fixture(module: ModuleInfo, function: ast.AST) -> bool:
    """``function`` is a pytest fixture, or a function defined in one (aiohttp's ``aiohttp_server``
    fixture returns its ``go()``): test code, whose error fails the test that asked for it."""
    return any(
        module.imports.qualify(d.func if isinstance(d, ast.Call) else d) in FIXTURE_DECORATORS
        for f in (function, *module.ancestors(function)) for d in getattr(f, "decorator_list", [])
    )


_AS_MAIN: weakref.WeakKeyDictionary[ModuleInfo, bool] = weakref.WeakKeyDictionary()


def _runs_as_main(module: ModuleInfo) -> bool:
    """The module has an ``if __name__ == "__main__":`` block (once per module)."""
    found = _AS_MAIN.get(module)
    if found is None:
        found = _AS_MAIN[module] = any(
            isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test) and "__main__" in ast.unparse(stmt.test)
            for stmt in module.tree.body
        )
    return found


def runs_at_top(module: ModuleInfo) -> bool:
    """The module runs a coroutine at its top level (``asyncio.run(check())``,
    ``loop.run_until_complete(main())``, ``anyio.run(fetch)``): importing it runs the program, so
    it is a script whatever its name, and only the program's end cancels what it runs. (Its errors
    are still reported as any function's: an unguarded script's failed step is labelled a leak.)"""
    return any(isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and _runs_a_coroutine(module, stmt.value) for stmt in module.tree.body)


# Runners given the coroutine function itself (``anyio.run(main)``): what they are given is called.
# (Of ``awaited_uses.FUNCTION_RUNNERS``, the two a script's top level runs its program with; the
# coroutine runners are that module's too, with uvloop's.)
_FUNCTION_RUNNERS = frozenset({"anyio.run", "trio.run"})
_PROGRAM_RUNNERS = CORO_RUNNERS | {"uvloop.run"} | _FUNCTION_RUNNERS


def _runs_a_coroutine(module: ModuleInfo, call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in LOOP_RUNNERS:
        return True
    return module.imports.qualify(func) in _PROGRAM_RUNNERS


def _runs_a_function(module: ModuleInfo, call: ast.Call) -> bool:
    return module.imports.qualify(call.func) in _FUNCTION_RUNNERS


def _program_entry(module: ModuleInfo, function: ast.AST) -> bool:
    """``function`` may be what a script runs, so that its error ends the process: in
    ``__main__.py`` or a module with an ``if __name__ == "__main__":`` block (unless the module
    only hands it on, never calling it: a request handler given to a router, ``web.post("/login",
    proxy.login)``, whose errors the server answers and goes on: matrix-org/pantalaimon
    ``c6c04b68``), named like a main, or a command of a command-line framework."""
    if module.path.name == "__main__.py" or _runs_as_main(module):
        return not _handed_on(module, function)
    name = getattr(function, "name", "")
    if name.lstrip("_") in ("main", "amain", "async_main", "run_main", "cli"):
        return True
    decorators = getattr(function, "decorator_list", [])
    return any(_last_name(d.func if isinstance(d, ast.Call) else d) == "command" for d in decorators)


def _handed_on(module: ModuleInfo, function: ast.AST) -> bool:
    """The module names ``function`` only as a value handed to something, never calling it: what
    calls it is a framework (a router, a dispatcher), not the script's own way down from its
    entry. A method counts through the receivers that are surely its class's instances: ``self``
    in the class, a name bound to a call of the class (``proxy = ProxyDaemon(...)``, then
    ``proxy.login``); a call of that name on anything else (``client.login()``) says nothing."""
    name = getattr(function, "name", None)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.decorator_list or not isinstance(name, str):
        return False
    owner = module.parent(function)
    if isinstance(owner, ast.ClassDef):
        # From the module's index (its calls and attributes), not a walk of the tree per question.
        receivers = {"self", "cls"} | {
            t.id for call in module.index.calls if isinstance(call.func, ast.Name) and call.func.id == owner.name
            and isinstance(bound := module.parent(call), ast.Assign) and bound.value is call
            for t in bound.targets if isinstance(t, ast.Name)
        }
        uses: list[ast.expr] = [n for n in module.index.attributes if n.attr == name
                and isinstance(n.value, ast.Name) and n.value.id in receivers]
    elif owner is module.tree:
        uses = list(name_loads(module.tree, name))  # one walk of the module answers every name
    else:
        return False
    called = [n for n in uses if isinstance(parent := module.parent(n), ast.Call) and (
        parent.func is n or parent.args[:1] == [n] and _runs_a_function(module, parent))]
    return bool(uses) and not called


# What Home Assistant calls to set an integration up: what it keeps lives until the unload.
SETUP_FUNCTIONS = ("async_setup_entry",)


def kept_by_integration(module: ModuleInfo, function: ast.AST, expr: ast.expr) -> ast.Assign | None:
    """``hass.data[DOMAIN][entry.entry_id] = X``, ``entry.runtime_data = X`` in the module-level
    ``async_setup_entry(hass, entry)`` of an integration that can be unloaded: the statement that
    keeps ``X`` on an object Home Assistant holds (reached from a parameter of the setup), or None."""
    stmt = module.parent(expr)
    if not (isinstance(stmt, ast.Assign) and stmt.value is expr and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return None
    return stmt if reached_from_setup(module, function, target) else None


def reached_from_setup(module: ModuleInfo, function: ast.AST, expr: ast.expr) -> bool:
    """Whether ``expr`` (``hass.data[DOMAIN][entry.entry_id]``, ``entry.runtime_data``,
    ``hass.data.setdefault(DOMAIN, {})``) is reached, through attributes, subscripts and calls,
    from a parameter of the setup ``function`` (:func:`setup_parameters`), in an integration that
    can be unloaded: what is kept there lives until the unload."""
    params = setup_parameters(module, function)
    if not params:
        return False
    root = expr
    while isinstance(root, (ast.Attribute, ast.Subscript, ast.Call)):
        root = root.func if isinstance(root, ast.Call) else root.value
    return isinstance(root, ast.Name) and root.id in params and unload_reach(module) is not None


def setup_parameters(module: ModuleInfo, function: ast.AST) -> frozenset[str]:
    """The parameters of ``function`` through which it holds what Home Assistant gives the
    setup (``hass``, ``entry``): every parameter of the module-level ``async_setup_entry``;
    of a module-level coroutine that the setup awaits (``await _setup_clients(hass, config)``),
    those the setup fills with its own parameters. What either keeps there lives until the
    unload. Empty for any other function."""
    if not (isinstance(function, ast.AsyncFunctionDef) and module.parent(function) is module.tree):
        return frozenset()
    if function.name in SETUP_FUNCTIONS:
        return frozenset(a.arg for a in function.args.args)
    memo = cast("dict[str, frozenset[str]]", module.project.class_memo.setdefault(("setup-helpers", module.tree), {}))
    if "" not in memo:
        memo[""] = frozenset()
        for name in SETUP_FUNCTIONS:
            setup = module.top_level.get(name)
            if isinstance(setup, ast.AsyncFunctionDef):
                _helpers_awaited_by(module, setup, memo)
    return memo.get(function.name, frozenset())


def _helpers_awaited_by(module: ModuleInfo, setup: ast.AsyncFunctionDef, memo: dict[str, frozenset[str]]) -> None:
    """For each module-level coroutine ``setup`` awaits in its own body, the parameters it fills
    with one of the setup's parameters (by position or keyword)."""
    own = {a.arg for a in setup.args.args}
    for node in walk(setup):
        if not (isinstance(node, ast.Await) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)):
            continue
        helper = module.top_level.get(node.value.func.id)
        if not isinstance(helper, ast.AsyncFunctionDef) or helper is setup or module.enclosing_function(node) is not setup:
            continue
        call = node.value
        names = [a.arg for a in helper.args.posonlyargs + helper.args.args]
        filled = {
            names[i] for i, arg in enumerate(call.args) if i < len(names) and isinstance(arg, ast.Name) and arg.id in own
        } | {k.arg for k in call.keywords if k.arg is not None and isinstance(k.value, ast.Name) and k.value.id in own}
        if filled:
            memo[helper.name] = memo.get(helper.name, frozenset()) | frozenset(filled)


def kept_name(stmt: ast.Assign) -> str:
    """How a message names the place ``stmt`` keeps its value in: in full when short, else its
    last key or attribute (``…["client"]``, ``….runtime_data``)."""
    target = stmt.targets[0]
    text = ast.unparse(target)
    if len(text) <= 28:
        return text
    if isinstance(target, ast.Subscript):
        return f"…[{ast.unparse(target.slice)}]"
    return f"….{target.attr}" if isinstance(target, ast.Attribute) else text


def reached_at_unload(module: ModuleInfo, name: str) -> bool:
    """Whether some function or callback the unload reaches (by name) mentions ``name``: a
    release of that name may run there."""
    reach = unload_reach(module)
    return reach is None or name in reach
