"""A lazy first-party object a test steers opens what the test's stand-ins let it open.

A test that writes its own values into the internals of a lazy first-party object it made
(``adapter._contract_cache = {...}``, ``client._transport.send = fake_send``), makes it with a
stand-in for a part (``build_loop(backend=FakeBackend())``), or patches a part of it, a name of
the project, or the object or its class around the function using it (``patch.object(
coordinator.api, "get_status_list", ...)``, ``monkeypatch.setattr(Repository, "_fetch", fake)``
in the test that runs the coroutine, ``patch("app.client.build_retry")``), runs the class's code
against its own stand-ins: whether the code that would open the instance runs at all, and what it
opens, is what those stand-ins make of it, which no reading of the class follows. Such an
instance that the test never closes is not reported as left open. On heads70's development half
(session 85) it removes 100 findings, and each of the 54 read was false.

Only a lazy instance (its class opens nothing when it is made: :attr:`ResourceSpec.lazy`) of a
first-party class, kept in a local of a test module, is read so, and in the function using it
only what comes before its first use (``await client.fetch("b")`` then ``client._cache = {}``:
the first fetch ran the class's own code). A store to a public attribute of the instance itself
(``client.timeout = 5``) or of a value the project's code computes, a configuration object of the
project or one a helper of the tests builds, a callback given to it, a patch of a name of another
module than the class's (``"app.server.Other"``), and a patch of a library's name, also where the
project looks it up (``"app.api.aiohttp.TCPConnector"``, ``"app.wire.socket.socket.connect"``:
read by :mod:`.patched_makers`), steer nothing. A test that calls a method of the class whose own
body acquires (``await client.start()``) opens it itself, and one that puts a double in an
attribute the class fills lazily (``api._session = mock_session``) is read by
:func:`.mocked_parts.mocked_before_use`, which knows when the class fills it anew. A class
that opens in ``__init__``, a library's client and any object made outside the tests are judged
as ever, and so is an instance the test closes on one path but not another (what it closes, it
opened)."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_test_path, in_tests
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.summary_data import ClassFacts, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import bound_once, name_loads
from tradelint.models.resources.mocked_parts import (
    helper_returns,
    is_double,
    mocked_before_use,
    stand_in,
)
from tradelint.models.resources.patched_methods import PATCH_OBJECTS, PATCHERS
from tradelint.models.resources.resource_types import Creation

__all__ = ["run_on_stand_ins", "steered_by_test"]

_PATCHES = PATCHERS | PATCH_OBJECTS | {f"{patcher}.multiple" for patcher in PATCHERS}


def run_on_stand_ins(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """Whether what ``c``'s first-party instance opens is a test's stand-ins' doing: each part it
    would open set to a double before its first use (:func:`.mocked_parts.mocked_before_use`),
    or the test steers it (:func:`steered_by_test`)."""
    return mocked_before_use(module, model, c) or steered_by_test(module, c)


def steered_by_test(module: ModuleInfo, c: Creation) -> bool:
    """Whether ``c`` is a lazy first-party instance kept in a local of a test that writes its
    internals or patches it, a part of it, its class or something of the project."""
    if not (c.kind == "local" and c.name and c.function is not None and c.spec.lazy and c.spec.first_party and in_tests(module)):
        return False
    test = _outermost_function(module, c.function)
    if any(_a_test_double(module, test, argument) for argument in (*c.call.args, *(k.value for k in c.call.keywords))):
        return True  # (made with a stand-in for one of its parts: ``build_loop(backend=FakeBackend())``)
    made_by = ast.dump(c.call.func)
    family = _family(module, c.call.func)
    slots = {a.attr for _, facts in family for a in facts.acquisitions if a.method != "__init__"}
    starters = {a.method for _, facts in family for a in facts.acquisitions} - {"__init__"}
    loads = list(name_loads(c.function, c.name))
    if any(_calls(module, load, starters) for load in loads):
        return False  # the test starts it itself (``await client.start()``, whose body acquires)
    if any(_fills_a_slot(module, load, slots) for load in loads):
        return False  # (a double in the attribute the class fills lazily: :func:`.mocked_parts.mocked_before_use` reads it)
    homes = {summary.path for summary, _ in family}
    first_use = min((load.lineno for load in loads if not _stored_through(module, load)), default=1 << 30)
    for node in ast.walk(test):
        own = _inside(module, node, c.function)
        if own and getattr(node, "lineno", 0) > first_use:
            continue  # (steered after a use that may have opened it: what it opened is the class's)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and _made_by_test(module, test, node.value) and any(_internal_store(target, c.name) for target in targets):
                return True
        elif isinstance(node, ast.Call) and node.args and _is_patch(module, node.func) and _steers(module, node, c.name, made_by, own, homes):
            return True
    return False


def _family(module: ModuleInfo, func: ast.expr) -> list[tuple[ModuleSummary, ClassFacts]]:
    """The first-party class ``func`` names and its first-party bases; none for a maker."""
    found = class_named(module, func)
    return lineage(module.project, *found) if found is not None else []


def _fills_a_slot(module: ModuleInfo, load: ast.expr, slots: set[str]) -> bool:
    """``load`` is the base of a store into an attribute the class fills lazily (``api._session =
    mock_session``)."""
    attribute = module.parent(load)
    return isinstance(attribute, ast.Attribute) and attribute.value is load and isinstance(attribute.ctx, ast.Store) and attribute.attr in slots


def _calls(module: ModuleInfo, load: ast.expr, methods: set[str]) -> bool:
    """``load`` is the receiver of a call of one of ``methods`` (``client.start()``)."""
    attribute = module.parent(load)
    return isinstance(attribute, ast.Attribute) and attribute.value is load and attribute.attr in methods and isinstance(
        module.parent(attribute), ast.Call)


def _stored_through(module: ModuleInfo, load: ast.expr) -> bool:
    """``load`` is the base of a store's target, at any depth (``client.transport.send = fake``):
    no use of the instance (the first use is the first load that is not one)."""
    node: ast.AST = load
    parent = module.parent(node)
    while isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is node:
        if isinstance(parent.ctx, ast.Store):
            return True
        node, parent = parent, module.parent(parent)
    return False


def _outermost_function(module: ModuleInfo, function: ast.AST) -> ast.AST:
    """The test around ``function``: the outermost function it is nested in (``async def
    scenario()`` inside the test that runs it), or itself."""
    outer = function
    for ancestor in module.ancestors(function):
        if isinstance(ancestor, FUNCTION_NODES):
            outer = ancestor
        elif isinstance(ancestor, ast.ClassDef):
            break
    return outer


def _internal_store(target: ast.expr, name: str) -> bool:
    """``target`` writes inside the instance ``name`` holds: a private attribute of it at any
    depth (``name._cache``), or anything of one of its parts (``name.transport.send``)."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_internal_store(element, name) for element in target.elts)
    if isinstance(target, ast.Subscript):
        target = target.value
    attrs: list[str] = []
    while isinstance(target, ast.Attribute):
        attrs.append(target.attr)
        target = target.value
    if not (isinstance(target, ast.Name) and target.id == name and attrs):
        return False
    return len(attrs) >= 2 or any(a.startswith("_") and not a.startswith("__") for a in attrs)


def _made_by_test(module: ModuleInfo, test: ast.AST, value: ast.expr) -> bool:
    """``value`` is the test's own: a constant other than ``None``, a display (``{"BTC": ...}``
    filling a cache), a lambda or a function the test module defines (``fake_send``), a test
    double (:func:`_a_test_double`), or a local bound once to one of these. A value the project's code computes (``backend._retry_config =
    build_config()``) is a setting, not a stand-in."""
    if isinstance(value, ast.Name):
        value = bound_once(test, value.id) or value
    if isinstance(value, ast.Constant):
        return value.value is not None
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.Tuple, ast.DictComp, ast.ListComp, ast.SetComp, ast.Lambda)):
        return True
    if isinstance(value, ast.Name):
        return _a_test_definition(module, test, value)
    return _a_test_double(module, test, value)


def _a_test_double(module: ModuleInfo, test: ast.AST, value: ast.expr, depth: int = 0) -> bool:
    """``value`` is a ``unittest.mock`` object, an instance of a class the tests define
    (``FakeBackend([...])``, from the test module or imported from one), what a function of the
    test module returns when each of its returns is one (``_patch_sdk(events)``), or a local
    bound once to one: a configuration object of the project (``DeviceConfig(host)``), or one a
    helper of the tests builds, is none."""
    if isinstance(value, ast.Name):
        value = bound_once(test, value.id) or value
    if not isinstance(value, ast.Call):
        return False
    if is_double(module, test, value) or _a_test_class(module, test, value.func) and stand_in(module, test, value):
        return True  # (a class of the tests that acquires nothing; ``RealSession()`` of the tests is real)
    helped = helper_returns(module, value.func.id) if isinstance(value.func, ast.Name) and depth < 2 else None
    return helped is not None and bool(helped[1]) and all(r is not None and _a_test_double(module, helped[0], r, depth + 1) for r in helped[1])


def _a_test_class(module: ModuleInfo, test: ast.AST, func: ast.expr) -> bool:
    """``func`` names a class the test, its module or another test module of the project defines
    (a function of the tests may build a real object: ``build_config()``)."""
    if not isinstance(func, ast.Name):
        return False
    if _defined_by_the_test(module, test, func.id, (ast.ClassDef,)):
        return True
    found = class_named(module, func)
    return found is not None and in_test_path(Path(found[0].path))


def _a_test_definition(module: ModuleInfo, test: ast.AST, name: ast.Name) -> bool:
    """``name`` is a function or class the test or its module defines (``fake_send``,
    ``FakeTool``), or one imported from a test module of the project (``tests.stubs``)."""
    if _defined_by_the_test(module, test, name.id, (*FUNCTION_NODES, ast.ClassDef)):
        return True
    dotted = module.imports.qualify(name)
    if dotted is None:
        return False
    parts = dotted.split(".")
    for count in range(len(parts) - 1, 0, -1):
        path = module.project.find_path(".".join(parts[:count]), module.roots)
        if path is not None:
            return in_test_path(path)
    return False


def _defined_by_the_test(module: ModuleInfo, test: ast.AST, name: str, kinds: tuple[type[ast.AST], ...]) -> bool:
    """The test or its module defines ``name`` as one of ``kinds`` (a function, a class)."""
    return any(isinstance(n, kinds) and getattr(n, "name", None) == name for n in (*ast.walk(test), *module.tree.body))


def _is_patch(module: ModuleInfo, func: ast.expr) -> bool:
    """``patch(...)``, ``patch.object(...)`` or ``patch.multiple(...)`` of ``unittest.mock``,
    pytest-mock's ``mocker.patch(...)`` and ``mocker.patch.object(...)``, or pytest's
    ``monkeypatch.setattr(...)``."""
    if module.imports.qualify(func) in _PATCHES:
        return True
    if isinstance(func, ast.Attribute) and func.attr == "object":
        func = func.value
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return False
    return (func.value.id, func.attr) in {("mocker", "patch"), ("monkeypatch", "setattr")}


def _inside(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    return any(a is function for a in module.ancestors(node))


def _steers(module: ModuleInfo, patch: ast.Call, name: str, made_by: str, own: bool, homes: set[str]) -> bool:
    """A patch whose target reaches the instance: a part of it, the instance or the very class
    it was made by (patched in a function around the one using it; in that function, which of
    its methods a patch replaces where it is used is read by :mod:`.patched_methods`), or a
    name the class's module defines (``"app.client.build_retry"``, ``monkeypatch.setattr(
    client_module, "_sign", fake)``, a method of a class of the project). A library's name reached through a module of the project
    (``"app.wire.socket.socket.connect"``, ``"app.api.aiohttp.TCPConnector"``) is not one."""
    target = patch.args[0]
    if ast.dump(target) == made_by or isinstance(target, ast.Name) and target.id == name:
        return not own
    root = target
    while isinstance(root, ast.Attribute):
        root = root.value
    if isinstance(root, ast.Name) and root.id == name:
        return True
    if isinstance(target, ast.Constant) and isinstance(target.value, str):
        dotted: str | None = target.value
    else:
        dotted = module.imports.qualify(target)
        attribute = patch.args[1] if len(patch.args) > 1 else None
        if dotted is not None and isinstance(attribute, ast.Constant) and isinstance(attribute.value, str):
            dotted = f"{dotted}.{attribute.value}"
    return dotted is not None and _bound_by_the_project(module, dotted, homes)


def _bound_by_the_project(module: ModuleInfo, dotted: str, homes: set[str]) -> bool:
    """``dotted`` names a module of the project under ``module``'s roots, a name it defines (not
    one it imports: a library's ``aiohttp.TCPConnector`` patched where the project looks it up
    is read by :mod:`.patched_makers`), or an attribute of one (a method of its class)."""
    parts = [p for p in dotted.split(".") if p]
    for count in range(len(parts), 0, -1):
        path = module.project.find_path(".".join(parts[:count]), module.roots)
        if path is None:
            continue
        rest = parts[count:]
        if not rest:
            return True
        if homes and str(path) not in homes:
            return False  # (a name of another module than the class's: not on its way, ``app.server.Other``)
        summary = module.project.summary(path)
        return summary is not None and rest[0] in summary.definitions and len(rest) <= 2
    return False
