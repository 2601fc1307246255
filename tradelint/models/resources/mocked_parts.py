"""A first-party object whose connection is a test double before its first use holds nothing.

``unit = SolarmanUnit(port); unit.client = AsyncMock()`` in a test (kellerza/sunsynk's
``test_solarman.py``): ``SolarmanUnit`` keeps what it acquires in ``self.client`` and makes it
only when that is empty (``if self.client: return self.client`` before ``self.client =
PySolarmanV5Async(...)``). Given a ``unittest.mock`` object there before anything else is done
with it, every method that would open it finds the double and opens nothing: the instance holds
no connection, and ``await unit.disconnect()`` would release nothing. An object of
``unittest.mock`` is no resource, whatever it stands in for.

Proven, not guessed: every acquisition of the class's lineage outside ``__init__`` is kept on an
attribute the test sets, and made only when that attribute is empty (under a test of it, or after
an early exit taken when it is set); the test's first uses of the instance set each such
attribute to a stand-in (:func:`stand_in`: a call of ``Mock``, ``MagicMock``, ``AsyncMock``,
``NonCallableMock``, ``NonCallableMagicMock`` or ``create_autospec`` of ``unittest.mock``; what
a function of the same module returns when each of its returns is one, session 71's
``client._http = _mock_http(body)``; an instance of a class of the project, or of the test
function itself, whose lineage acquires nothing, ``client._client = FakeModbus()``, or whose
acquisitions never run for its instances, session 72's ``class _Stub(RemoteClient)`` overriding
``evaluate()``, the only reader of the base's lazy ``_client``; or a local bound once to one of
these), and every store to them in the function is one. The same stand-in
given to the constructor in the place of what the class would make is borrowed
(``factories.borrows``). A class that acquires in ``__init__``, one
whose acquisition replaces the attribute whatever it holds, or a test that uses the instance first
(or sets the attribute to anything else) is judged as ever.
"""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.summaries import names_a_base
from tradelint.facts.summary_data import Acquisition, ClassFacts, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES, TASK_STARTERS, contains
from tradelint.facts.uses import bound_once, name_loads, self_attr, self_name
from tradelint.models.resources.resource_types import Creation

INERT_BASES = frozenset({"object", "ABC", "abc.ABC", "Generic", "typing.Generic"})
_DOUBLES = frozenset(
    f"{package}.{name}"
    for package in ("unittest.mock", "mock")
    for name in ("Mock", "MagicMock", "AsyncMock", "NonCallableMock", "NonCallableMagicMock", "create_autospec")
)


def is_double(module: ModuleInfo, function: ast.AST | None, value: ast.expr) -> bool:
    """``value`` is an object of ``unittest.mock``: a call of one of its classes (or of
    ``create_autospec``), or a local bound once to one."""
    if isinstance(value, ast.Name) and isinstance(function, FUNCTION_NODES):
        value = bound_once(function, value.id) or value
    return isinstance(value, ast.Call) and module.imports.qualify(value.func) in _DOUBLES


def stand_in(module: ModuleInfo, function: ast.AST | None, value: ast.expr, depth: int = 0) -> bool:
    """``value`` stands in for a resource and holds none: an object of ``unittest.mock``
    (:func:`is_double`), what a function of the same module returns on every path when each of
    its returns is one (``client._http = _mock_http(body)``), or an instance of a first-party
    class whose lineage acquires nothing and has no base but its own and ``object``/``ABC``/
    ``Generic`` (a test's ``FakeHTTPClient([])``); a local bound once to one of these alike."""
    if isinstance(value, ast.Name) and isinstance(function, FUNCTION_NODES):
        value = bound_once(function, value.id) or value
    if not isinstance(value, ast.Call):
        return False
    if module.imports.qualify(value.func) in _DOUBLES:
        return True
    if isinstance(value.func, ast.Name) and depth < 2:
        helped = helper_returns(module, value.func.id)
        if helped is not None:
            helper, returns = helped
            return bool(returns) and all(r is not None and stand_in(module, helper, r, depth + 1) for r in returns)
    return _class_stands_in(module, function, value.func, depth)


def _class_stands_in(
    module: ModuleInfo, function: ast.AST | None, func: ast.expr, depth: int, nearer: tuple[ast.ClassDef, ...] = ()
) -> bool:
    """The class ``func`` names stands in for a resource: one the function defines (:func:`_stands_in`),
    or a first-party class whose lineage has no base but its own and inert ones and acquires nothing
    an instance runs (:func:`_runs_nothing_acquiring`; ``nearer``: a test's subclass of it)."""
    local = _local_class(function, func)
    if local is not None:
        return _stands_in(module, function, local, depth)
    found = class_named(module, func)
    if found is None:
        return False
    family = lineage(module.project, *found)
    if not bases_all_read(family):
        return False  # (a base that is not first-party: a library's client, subclassed)
    return _runs_nothing_acquiring(module, family, nearer)


def _runs_nothing_acquiring(module: ModuleInfo, family: list[tuple[ModuleSummary, ClassFacts]], nearer: tuple[ast.ClassDef, ...]) -> bool:
    """No acquisition of the lineage runs for an instance of its nearest class (or of the
    ``nearer`` subclasses): each is in a method a nearer class overrides without calling
    ``super()``'s, or in a private one (``_client``, a lazy getter) that no other method whose
    code runs names. A test's ``class _Stub(RemoteClient)`` overriding ``evaluate()``, the only
    user of the base's lazy ``_client``, holds nothing: ``ExperimentManager(client=_Stub(...))``
    opens no connection (mistralai/mistral-vibe's tests)."""
    acquisitions = [(i, a) for i, (_, f) in enumerate(family, len(nearer)) for a in (*f.acquisitions, *f.made, *f.elements)]
    if not acquisitions:
        return True
    classes = [*nearer]
    for summary, facts in family:
        found = class_node(module, summary, facts)
        if found is None:
            return False
        classes.append(found[1])
    runs, nodes = _running_methods(classes)
    for index, acquisition in acquisitions:
        method = acquisition.method
        if index not in runs.get(method, {index}):
            continue  # overridden without ``super()``: this code never runs
        if not method.startswith("_") or method.startswith("__"):
            return False
        if any(name != method and any(isinstance(n, ast.Attribute) and n.attr == method for n in ast.walk(node)) for name, node in nodes):
            return False
    return True


def _running_methods(classes: list[ast.ClassDef]) -> tuple[dict[str, set[int]], list[tuple[str, ast.AST]]]:
    """For each method name of ``classes`` (nearest first), the indices of the classes whose
    definition of it runs for an instance of the nearest (the nearest definition, and a farther
    one while the nearer calls ``super().<name>(...)`` or ``Base.<name>(self, ...)``), and those
    definitions."""
    runs: dict[str, set[int]] = {}
    extends: dict[str, bool] = {}
    nodes: list[tuple[str, ast.AST]] = []
    for index, cls in enumerate(classes):
        for node in cls.body:
            if not isinstance(node, FUNCTION_NODES) or (node.name in runs and not extends[node.name]):
                continue
            runs.setdefault(node.name, set()).add(index)
            nodes.append((node.name, node))
            receiver = self_name(node) or ""
            extends[node.name] = any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == node.name and names_a_base(n, receiver)
                for n in ast.walk(node)
            )
    return runs, nodes


def bases_all_read(family: list[tuple[ModuleSummary, ClassFacts]]) -> bool:
    """Whether every base of a lineage (:func:`.ownership.lineage`) is in it or is an inert one
    (``object``, ``ABC``, ``Generic``): no library base the lineage could not read."""
    return len(family) == 1 + sum(1 for _, f in family for b in f.bases if b[1] not in INERT_BASES)


def helper_returns(module: ModuleInfo, name: str) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[ast.expr | None]] | None:
    """The function ``name`` defined at the top of ``module`` and the values of its ``return``
    statements (a bare ``return``: None); None when the module defines no such function."""
    helper = next((s for s in module.tree.body if isinstance(s, FUNCTION_NODES) and s.name == name), None)
    return (helper, [n.value for n in ast.walk(helper) if isinstance(n, ast.Return)]) if helper is not None else None


def _local_class(function: ast.AST | None, func: ast.expr) -> ast.ClassDef | None:
    """The class ``func`` names when the function making it defines it (a test's own fake)."""
    if not isinstance(func, ast.Name) or not isinstance(function, FUNCTION_NODES):
        return None
    return next((n for n in ast.walk(function) if isinstance(n, ast.ClassDef) and n.name == func.id), None)


def _stands_in(module: ModuleInfo, function: ast.AST | None, cls: ast.ClassDef, depth: int) -> bool:
    """A class a function defines stands in for a resource when none of its methods keeps a
    call's result on the instance and each base is ``object`` or a stand-in class itself."""
    if depth >= 2 or cls.keywords:
        return False
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id in INERT_BASES:
            continue
        if module.imports.qualify(base) not in _DOUBLES and not _class_stands_in(module, function, base, depth + 1, (cls,)):
            return False
    return not any(
        isinstance(n, (ast.Assign, ast.AnnAssign)) and isinstance(n.value, (ast.Call, ast.Await))
        and any(isinstance(t, ast.Attribute) for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
        for n in ast.walk(cls)
    )


def mocked_before_use(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """Whether the first-party instance ``c`` makes (a local) has each attribute its class keeps
    an acquisition in set to a test double before any other use, the class making one only when
    the attribute is empty: it never opens anything."""
    if c.function is None or not c.spec.first_party or not isinstance(c.stmt, ast.Assign):
        return False
    filled = _lazily_filled(module, model, c.call.func)
    if not filled:
        return False
    attrs = set(filled)
    mocked: set[str] = set()
    for load in sorted(name_loads(c.function, c.name), key=lambda n: (n.lineno, n.col_offset)):
        parent = module.parent(load)
        stmt = module.parent(parent) if isinstance(parent, ast.Attribute) else None
        if isinstance(stmt, ast.Assign) and isinstance(parent, ast.Attribute) and parent in stmt.targets and parent.attr in attrs:
            if not stand_in(module, c.function, stmt.value) or not _flags_cleared(c.function, stmt, filled[parent.attr]):
                return False  # ``unit.client = None``, a real one, a mock the getter takes for closed: judged as ever
            mocked.add(parent.attr)
            continue
        if isinstance(stmt, ast.Assign) and isinstance(parent, ast.Attribute) and parent in stmt.targets:
            continue  # ``api._token = "old"``: another field set runs none of the class's code
        if mocked != attrs:
            return False  # used before every part was replaced
    return mocked == attrs


def _lazily_filled(module: ModuleInfo, model: OwnershipModel, func: ast.expr) -> dict[str, frozenset[str]] | None:
    """The attributes the first-party class ``func`` names keeps its acquisitions in, when each is
    made outside ``__init__`` and only while its attribute is empty, each with the flags of what
    it holds that make the getter fill it anew (``self._session.closed``: :func:`_empty_test`);
    None otherwise."""
    found = class_named(module, func)
    if found is None:
        return None
    attrs: dict[str, frozenset[str]] = {}
    for owner_module, facts in lineage(module.project, *found):
        if facts.elements or any(model.method_close(owner_module, a) is not None for a in facts.made):
            return None  # (kept in a collection, or made by a method of its own: not told here)
        acquisitions = [a for a in facts.acquisitions if _holds(model, owner_module, a)]
        if not acquisitions:
            continue
        node = class_node(module, owner_module, facts)
        if node is None:
            return None
        methods = {s.name: s for s in node[1].body if isinstance(s, FUNCTION_NODES)}
        for acquisition in acquisitions:
            method = methods.get(acquisition.method)
            flags = _only_when_empty(node[0], method, acquisition.attr, acquisition.line) if method is not None else None
            if acquisition.method == "__init__" or flags is None:
                return None
            attrs[acquisition.attr] = attrs.get(acquisition.attr, frozenset()) | flags
    return attrs or None


def _holds(model: OwnershipModel, module: ModuleSummary, acquisition: Acquisition) -> bool:
    """What ``self.<attr> = X(...)`` keeps must be released, or is a task it starts (as
    ``unopened`` reads an acquisition)."""
    kind, name = acquisition.ref
    return kind in ("maker", "class_maker") or name.rpartition(".")[2] in TASK_STARTERS or model.owned_close(module, acquisition.ref) is not None


def _only_when_empty(module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str, line: int) -> frozenset[str] | None:
    """Whether the store of ``self.<attr>`` at ``line`` in ``method`` runs only while the attribute
    is empty: under ``if not self.<attr>:`` / ``if self.<attr> is None:`` (also ``or
    self.<attr>.closed``: the flags so named, returned), or after ``if self.<attr>: return ...``
    at the top of the method's own body; None when it may run otherwise."""
    receiver = self_name(method)
    if receiver is None:
        return None
    store = next((n for n in ast.walk(method) if isinstance(n, ast.Assign) and n.lineno == line and any(
        self_attr(t, receiver) == attr for t in ast.walk(n) if isinstance(t, ast.Attribute))), None)
    if store is None:
        return None
    for ancestor in module.ancestors(store):
        if ancestor is method:
            break
        if not isinstance(ancestor, ast.If):
            continue
        flags = _empty_test(ancestor.test, receiver, attr)
        if flags is not None and any(store is s or contains(s, store) for s in ancestor.body):
            return flags
    for stmt in method.body:
        if stmt is store or contains(stmt, store):
            return None
        if (
            isinstance(stmt, ast.If)
            and _set_test(stmt.test, receiver, attr)
            and stmt.body
            and isinstance(stmt.body[-1], (ast.Return, ast.Raise))
            and not stmt.orelse
        ):
            return frozenset()
    return None


def _empty_test(test: ast.expr, receiver: str, attr: str) -> frozenset[str] | None:
    """``not self.<attr>``, ``self.<attr> is None``: no flags; ``self.<attr> is None or
    self.<attr>.closed`` (evon's aiohttp getter): the flags after the first test, each of which
    fills it anew when true; None for any other test."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) and len(test.values) >= 2:
        flags = [v.attr for v in test.values[1:] if isinstance(v, ast.Attribute) and self_attr(v.value, receiver) == attr]
        if _empty_test(test.values[0], receiver, attr) == frozenset() and len(flags) == len(test.values) - 1:
            return frozenset(flags)
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return frozenset() if self_attr(test.operand, receiver) == attr else None
    plain = (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is)
        and self_attr(test.left, receiver) == attr
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    )
    return frozenset() if plain else None


def _flags_cleared(function: ast.AST, store: ast.Assign, flags: frozenset[str]) -> bool:
    """Whether the stand-in ``store`` gives has each of ``flags`` set false before the store: a
    keyword of the double's call (``MagicMock(closed=False)``), or a statement of the function
    (``mock_session.closed = False``) on the local it is bound to. A double's attributes are
    true by default: a getter that fills the attribute anew when ``closed`` would make a real one."""
    if not flags:
        return True
    value: ast.expr | None = store.value
    given: set[str] = set()
    if isinstance(value, ast.Name):
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Assign) and node.lineno < store.lineno and len(node.targets) == 1
                and isinstance(target := node.targets[0], ast.Attribute) and isinstance(target.value, ast.Name)
                and target.value.id == value.id and _false(node.value)
            ):
                given.add(target.attr)
        value = bound_once(function, value.id) if isinstance(function, FUNCTION_NODES) else None
    if isinstance(value, ast.Call):
        given.update(k.arg for k in value.keywords if k.arg is not None and _false(k.value))
    return flags <= given


def _false(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and not value.value


def _set_test(test: ast.expr, receiver: str, attr: str) -> bool:
    """``self.<attr>``, ``self.<attr> is not None``."""
    if self_attr(test, receiver) == attr:
        return True
    return (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot)
        and self_attr(test.left, receiver) == attr
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    )
