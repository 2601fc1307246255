"""A resource made where a test has patched what makes it is a test double, and holds nothing.

``with patch("custom_components.ariosa.modbus_client.AsyncModbusTcpClient") as client_cls:``
then ``ariosa = AriosaClient(host, port, unit)``: every connection ``AriosaClient`` makes is an
``AsyncModbusTcpClient`` of that module, and while the patch is active each one is the
``unittest.mock`` object the test configured. The instance holds no connection, and its
``close()`` would release nothing (boroczkigabor/ha-ariosa-integration, Babajko/ha-logo-plc,
strongbugman/ha-octopusenergy-oejp's ``patch("httpx.AsyncClient", ...)``).

Proven, not guessed:

* **What is patched**: the target of ``patch("a.b.Name")`` (``mock.patch``, with a
  ``new``/``return_value`` or none; the text or a module constant holding it), of
  ``patch.object(module, "Name")`` and of ``monkeypatch.setattr("a.b.Name", ...)`` /
  ``monkeypatch.setattr(module, "Name", ...)``, read as the library name it is where it is
  looked up: ``"pkg.client.AsyncModbusTcpClient"`` is what ``pkg/client.py`` imports under that
  name (``pymodbus.client.AsyncModbusTcpClient``), ``"httpx.AsyncClient"`` is itself, and a
  path through a library module the project does not resolve (``"pkg.pool.asyncpg.create_pool"``)
  is that module's attribute when the table names it. Library resource types and makers (the
  resource table) count, and a class of the project (``patch("pkg.server.Server")``, session
  72): what stands on the way to the resources is the double, and what it would keep is not
  made (jason0x43/hacs-hubitat's ``Hub``, whose ``create_server()`` makes the patched
  ``Server``).
* **Where it holds**: inside the ``with`` (or ``async with``) that patches, in a function
  (or a method of a class) decorated with the patch, or after a ``monkeypatch.setattr`` earlier
  in the function's own body. A lazy resource made before the ``with`` is patched too when
  every use of it that may open it is inside (``client = RestClient(url)``, then the first
  request under ``patch("aiohttp.ClientSession")``).
* **What it makes**: the library resources the creation ends in. A library resource is itself;
  a first-party class, every library resource its lineage keeps (``self.x = Lib(...)``),
  through first-party classes it keeps, however deep; a function of the same module, what its
  returns make; a first-party function of another module, the table's makers it calls (none
  of the project's own). Anything else (a maker method) leaves the creation judged as ever.
  Each resource made must be patched, and at least one must be made.
"""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named, resolve_ref
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.summaries import definition_of
from tradelint.facts.summary_data import ClassFacts, Definition, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import name_loads
from tradelint.models.resources.mocked_parts import helper_returns, stand_in
from tradelint.models.resources.patched_methods import PATCH_OBJECTS, PATCHERS
from tradelint.models.resources.resource_types import Creation

__all__ = ["made_under_patch"]

# A patched first-party class among the patched names, by the dotted name ``patch`` replaces
# (the module where the name is looked up, and the name): :func:`_lookup_key`.
_OWN = "first-party:"


def made_under_patch(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """Whether every library resource ``c`` makes is one a test has patched where it is made."""
    function = c.function
    if function is None or not _may_patch(module, function):
        return False
    patched = _patch_scopes(module, model, function, c.call)
    if c.spec.lazy and c.name:
        # A lazy one made before the ``with``: patched when every use that may open it is inside.
        uses = [_patch_scopes(module, model, function, load) for load in name_loads(function, c.name) if not _a_test(module, function, load)]
        patched += [names for names in uses[0] if all(names in scopes for scopes in uses[1:])] if uses else []
    if not patched:
        return False  # (the common case: asked before what the creation makes, which reads the project)
    leaves = frozenset(n for names in patched for n in names if n.startswith(_OWN))
    made = _made(module, model, c.call, leaves=leaves)
    return bool(made) and any(made <= names for names in patched)


def _may_patch(module: ModuleInfo, function: ast.AST) -> bool:
    """A module importing ``unittest.mock`` (or ``mock``), or a function given ``monkeypatch``."""
    if any(q == "mock" or q.startswith(("unittest.mock", "mock.")) for q in module.summary.imports.values()):
        return True
    return isinstance(function, FUNCTION_NODES) and any(a.arg == "monkeypatch" for a in function.args.args)


def _a_test(module: ModuleInfo, function: ast.AST, load: ast.expr) -> bool:
    """``client._session is None``, ``assert client._session``: a test of it opens nothing, nor
    does giving it a stand-in (``client._session = MagicMock()``, :func:`.mocked_parts.stand_in`)."""
    parent = module.parent(load)
    if isinstance(parent, ast.Attribute) and isinstance(stmt := module.parent(parent), ast.Assign) and stmt.targets == [parent]:
        return stand_in(module, function, stmt.value)
    while isinstance(parent, ast.Attribute):
        parent = module.parent(parent)
    return isinstance(parent, (ast.Compare, ast.Assert))


def _patch_scopes(module: ModuleInfo, model: OwnershipModel, function: ast.AST, node: ast.AST) -> list[frozenset[str]]:
    """The sets of library names patched where ``node`` runs: one per ``with`` around it (every
    item of it), one for the decorators of the function and its class, one for each
    ``monkeypatch.setattr`` before it in the function's own body."""
    found: list[frozenset[str]] = []
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (ast.With, ast.AsyncWith)) and any(s is child for s in ancestor.body):
            names = {n for item in ancestor.items for n in _patched(module, model, item.context_expr)}
            if names:
                found.append(frozenset(names))
        if isinstance(ancestor, (*FUNCTION_NODES, ast.ClassDef)):
            names = {n for d in ancestor.decorator_list for n in _patched(module, model, d)}
            if names:
                found.append(frozenset(names))
        child = ancestor
    if isinstance(function, FUNCTION_NODES):
        line = getattr(node, "lineno", 0)
        names = {
            n for stmt in function.body if isinstance(stmt, ast.Expr) and stmt.lineno < line
            for n in _monkeypatched(module, model, stmt.value)
        }
        if names:
            found.append(frozenset(names))
    return found


def _patched(module: ModuleInfo, model: OwnershipModel, expr: ast.expr) -> list[str]:
    """The library resource a ``patch(...)``/``patch.object(...)`` call patches, as a list."""
    if not isinstance(expr, ast.Call) or not expr.args:
        return []
    callee = module.imports.qualify(expr.func)
    target = _text(module, expr.args[0])
    if callee in PATCHERS and target is not None:
        if (own := _first_party_class(module, target)) is not None:
            return [own]
        name = _library_name(module, target) or _through_a_module(model, target)
    elif callee in PATCH_OBJECTS and len(expr.args) >= 2:
        name = _object_name(module, expr.args[0], expr.args[1])
    else:
        return []
    return [name] if name is not None and model.builtin_close(name) is not None else []


def _first_party_class(module: ModuleInfo, target: str) -> str | None:
    """``patch("pkg.server.Server")`` of a class of the project, defined or imported in the module
    the target names: every instance made while the patch holds by code that looks the name up
    there, and all it would keep, is the test's double (:func:`_lookup_key`)."""
    found = module.project.resolve(target, module.roots)
    return _OWN + target if found is not None and found[1].kind == "class" else None


def _lookup_key(module_name: str | None, local: str) -> str | None:
    """How a class made by ``local(...)`` in the module ``module_name`` stands among the patched
    names: ``patch`` replaces the name where it is looked up, so ``from .server import Server``
    in ``hub.py`` is ``pkg.hub.Server`` (a patch of ``pkg.server.Server`` leaves it alone)."""
    return f"{_OWN}{module_name}.{local}" if module_name else None


def _call_key(module: ModuleInfo, func: ast.expr) -> str | None:
    """:func:`_lookup_key` of a call's callee: a bare name is looked up in the calling module, an
    attribute of an imported module (``server.Server(...)``) in that module."""
    if isinstance(func, ast.Name):
        return _lookup_key(module.module_name, func.id)
    qualified = module.imports.qualify(func) if isinstance(func, ast.Attribute) else None
    return _OWN + qualified if qualified is not None else None


def _ref_key(summary: ModuleSummary, kind: str, ref: str) -> str | None:
    """:func:`_lookup_key` of what an acquisition of a class of ``summary`` calls (its summary
    reference): a name of the module, or imported into it, is looked up there; a dotted path
    it does not import by that name (``server.Server(...)``) in the module the path names."""
    if kind == "local":
        return _lookup_key(summary.module_name, ref)
    local = next((name for name, dotted in summary.imports.items() if dotted == ref), None)
    return _lookup_key(summary.module_name, local) if local is not None else _OWN + ref


def _through_a_module(model: OwnershipModel, target: str) -> str | None:
    """``"pkg.pool.asyncpg.create_pool"`` where ``pkg.pool`` is not found: the attribute patched
    is the library's own (``asyncpg.create_pool``) when such a tail of it is in the table."""
    parts = target.split(".")
    return next((name for cut in range(1, len(parts) - 1) if model.builtin_close(name := ".".join(parts[cut:])) is not None), None)


def _monkeypatched(module: ModuleInfo, model: OwnershipModel, expr: ast.expr) -> list[str]:
    """``monkeypatch.setattr("a.b.Name", value)``, ``monkeypatch.setattr(module, "Name", value)``."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "setattr"):
        return []
    if not (isinstance(expr.func.value, ast.Name) and expr.func.value.id == "monkeypatch") or len(expr.args) < 2:
        return []
    first = expr.args[0]
    if (target := _text(module, first)) is not None:
        name = _library_name(module, target)
    elif len(expr.args) >= 3:
        name = _object_name(module, first, expr.args[1])
    else:
        return []
    return [name] if name is not None and model.builtin_close(name) is not None else []


def _text(module: ModuleInfo, expr: ast.expr) -> str | None:
    """A string constant, or a module-level name bound once to one (``_TARGET = "pkg.mod.Name"``)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if not isinstance(expr, ast.Name):
        return None
    values = [
        s.value for s in module.tree.body
        if isinstance(s, ast.Assign) and any(isinstance(t, ast.Name) and t.id == expr.id for t in s.targets)
    ]
    return values[0].value if len(values) == 1 and isinstance(values[0], ast.Constant) and isinstance(values[0].value, str) else None


def _object_name(module: ModuleInfo, target: ast.expr, attr: ast.expr) -> str | None:
    """``patch.object(client_module, "ClientSession")``: the name as the module looks it up."""
    if not (isinstance(attr, ast.Constant) and isinstance(attr.value, str)):
        return None
    qualified = module.imports.qualify(target)
    return _library_name(module, f"{qualified}.{attr.value}") if qualified is not None else None


def _library_name(module: ModuleInfo, target: str) -> str | None:
    """The library name ``target`` (a dotted path as ``patch`` takes it) stands for: looked up in
    the project module it starts with (``"pkg.client.AsyncModbusTcpClient"`` is what
    ``pkg/client.py`` imports as ``AsyncModbusTcpClient``), or itself when no module of the
    project starts it; None for a first-party definition."""
    project = module.project
    roots = project.locate(module.path)[1]
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        path = project.find_path(".".join(parts[:cut]), roots)
        summary = project.summary(path) if path is not None else None
        if summary is None:
            continue
        head, rest = parts[cut], parts[cut + 1:]
        if summary.defined(head) is not None:
            return None
        imported = summary.imports.get(head)
        return ".".join([imported, *rest]) if imported is not None else None
    return target if project.resolve(target, roots) is None else None


def _made(module: ModuleInfo, model: OwnershipModel, call: ast.Call, depth: int = 0, leaves: frozenset[str] = frozenset()) -> frozenset[str]:
    """The library resources ``call`` ends in; empty when that is not known. A function of the
    same module (``hub = _hub()``) makes what each of its ``return`` values makes. A patched
    first-party class (``leaves``) is where the chain ends: what it would keep is the double's."""
    found = class_named(module, call.func)
    if found is not None:
        if (key := _call_key(module, call.func)) in leaves:
            return frozenset({key}) if key is not None else frozenset()
        return _kept(module, model, found[0], found[1], 0, leaves) or frozenset()
    if isinstance(call.func, ast.Name) and depth < 2:
        helped = helper_returns(module, call.func.id)
        if helped is not None:
            made = [_made(module, model, r, depth + 1, leaves) if isinstance(r, ast.Call) else frozenset() for r in helped[1]]
            return frozenset().union(*made) if made and all(made) else frozenset()
    found_function = definition_of(module, call.func)
    if found_function is not None and found_function[1].kind in ("function", "async_function"):
        return _made_by_function(module, model, *found_function, leaves)
    qualified = module.imports.qualify(call.func)
    return frozenset({qualified}) if qualified is not None and model.builtin_close(qualified) is not None else frozenset()


def _made_by_function(
    module: ModuleInfo, model: OwnershipModel, summary: ModuleSummary, definition: Definition, leaves: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The library resources a first-party function of another module makes (``await
    asyncpg.create_pool(...)`` in the project's ``create_pool``): every call of its body that
    the resource table names, or that makes a patched class of the project (``leaves``); empty
    when one of its calls is the project's own otherwise (not followed)."""
    home = module.project.module_at(module.project.absolute(summary.path))
    function = home.top_level.get(definition.name) if home is not None else None
    if home is None or not isinstance(function, FUNCTION_NODES):
        return frozenset()
    made: set[str] = set()
    raised = {id(n) for r in ast.walk(function) if isinstance(r, ast.Raise) for n in ast.walk(r)}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and id(node) not in raised:  # (``raise InvalidDsnError(...)``)
            key = _call_key(home, node.func) if leaves else None
            if key is not None and key in leaves and class_named(home, node.func) is not None:
                made.add(key)
                continue
            if definition_of(home, node.func) is not None:
                return frozenset()
            qualified = home.imports.qualify(node.func)
            if qualified is not None and model.builtin_close(qualified) is not None:
                made.add(qualified)
    return frozenset(made)


def _kept(
    module: ModuleInfo, model: OwnershipModel, summary: ModuleSummary, facts: ClassFacts, depth: int, leaves: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The library resources the first-party class ``facts`` of ``summary`` keeps, through the
    first-party classes it keeps (a patched one, in ``leaves``, ends the chain: so does a
    first-party function that makes one, ``create_server()`` returning ``Server(...)``); None
    when something kept cannot be followed."""
    if depth > 3:
        return None
    made: set[str] = set()
    for owner, member in lineage(model.project, summary, facts):
        if member.elements or any(model.method_close(owner, a) is not None for a in member.made):
            return None  # (kept in a collection, or made by a method of what it holds: not followed)
        for acquisition in member.acquisitions:
            kind, ref = acquisition.ref
            if kind == "qualified" and model.builtin_close(ref) is not None:
                made.add(ref)
                continue
            if kind not in ("qualified", "local"):
                return None  # (a maker method of the class: not followed)
            target = resolve_ref(model.project, owner, acquisition.ref)
            key = _ref_key(owner, kind, ref) if leaves else None
            if target is not None and key is not None and key in leaves:
                made.add(key)
            elif target is not None:
                inner = _kept(module, model, target[0], target[1], depth + 1, leaves)
                if inner is None:
                    return None
                made |= inner
            elif model.owned_close(owner, acquisition.ref) is not None:
                dotted = ref if kind == "qualified" else f"{owner.module_name}.{ref}" if owner.module_name else None
                roots = module.project.locate(module.project.absolute(owner.path))[1]
                function = module.project.resolve(dotted, roots) if leaves and dotted is not None else None
                inner = _made_by_function(module, model, *function, leaves) if function is not None else frozenset()
                if not inner or not inner <= leaves:
                    return None  # (a first-party function that returns one: not followed, unless it makes a patched class)
                made |= inner
    return frozenset(made)
