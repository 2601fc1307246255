"""Questions about statements and control flow that the resource analysis asks of one function:
is a name stored, replaced, handed on, closed on every path, yielded, renewed by a caller."""

from __future__ import annotations

import ast
import re
import weakref
from typing import TYPE_CHECKING, Callable, TypeGuard

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import _last_name
from tradelint.facts.handlers import caught_names
from tradelint.facts.lifespans import is_lifespan
from tradelint.facts.ownership import is_release_name
from tradelint.facts.pytest_fixtures import FIXTURE_DECORATORS
from tradelint.facts.syntax import FUNCTION_NODES, capword, child_nodes, walk
from tradelint.facts.uses import (
    TRY_NODES,
    Use,
    classify,
    declares_outer,
    sequential,
    name_loads,
    self_attr,
    self_name,
)
from tradelint.models.resources.bracketed_opens import closed_in_finally_around
from tradelint.models.resources.resource_types import CLOSE_METHODS

if TYPE_CHECKING:
    pass


CONTEXT_MANAGERS = {"contextlib.contextmanager", "contextlib.asynccontextmanager"}


# Methods named to make a thing again, over the one made before.
RENEWING = re.compile(
    r"^_*re(connect|create|new|fresh|set|start|open|init|initiali[sz]e|load|login|auth\w*)(_\w*)?$"
)


def _renewed_by_a_caller(cls: ast.ClassDef, method: str, attr: str, alone: Callable[[str], bool] = lambda _: False) -> bool:
    """A renewing method of ``cls`` calls ``self.<method>`` without first looking at ``self.attr``
    or calling anything else on ``self``, outside an ``if`` that proves no open value is held
    (``if self.x is None or self.x.closed:``): ``if force or self.x is None:`` does not. Nor
    from a ``try`` whose ``finally`` closes the slot again (:mod:`.bracketed_opens`)."""
    for stmt in cls.body:
        if not isinstance(stmt, FUNCTION_NODES) or stmt.name == method or not RENEWING.match(stmt.name):
            continue
        receiver = self_name(stmt)
        if receiver is None:
            continue
        parents = {id(child): node for node in ast.walk(stmt) for child in ast.iter_child_nodes(node)}
        for ref in ast.walk(stmt):
            if self_attr(ref, receiver) != method:
                continue
            tests: list[ast.expr] = []
            guarded = False
            child: ast.AST = ref
            node = parents.get(id(ref))
            while node is not None and node is not stmt:
                if isinstance(node, (ast.If, ast.While, ast.IfExp)) and child is not node.test:
                    tests.append(node.test)
                    in_body = child in node.body if isinstance(node, (ast.If, ast.While)) else child is node.body
                    if not in_body or _proves_absent(node.test, receiver, attr) or _flag_of_release(cls, node.test, receiver, attr):
                        guarded = True
                        break
                child, node = node, parents.get(id(node))
            if guarded or closed_in_finally_around(cls, stmt, ref, attr, parents):
                continue  # (``try: await self.open() ... finally: await self.close()``: ends its own)
            in_tests = {id(n) for test in tests for n in ast.walk(test)}
            line = getattr(ref, "lineno", 0)
            if not any(
                getattr(n, "lineno", line) < line
                and id(n) not in in_tests
                and isinstance(n, ast.Attribute)
                and isinstance(n.value, ast.Name)
                and n.value.id == receiver
                and (n.attr == attr or isinstance(parents.get(id(n)), ast.Call) and not alone(n.attr))
                for n in ast.walk(stmt)
            ):
                return True
    return False


def _flag_of_release(cls: ast.ClassDef, test: ast.expr, receiver: str, attr: str) -> bool:
    """``if self.status == "stopped":`` where a method of ``cls`` that closes ``self.attr`` also
    sets ``self.status = "stopped"``: the flag says the old value was released (opsdroid's mock
    API server resets its runner only once ``stop()`` has cleaned it up)."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Eq, ast.Is))
        and isinstance(test.comparators[0], ast.Constant)
        and (flag := self_attr(test.left, receiver)) is not None
        and flag != attr
    ):
        return False
    value = test.comparators[0].value
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES) or (me := self_name(method)) is None:
            continue
        closes = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and self_attr(n.func.value, me) == attr
            and is_release_name(n.func.attr)
            for n in ast.walk(method)
        )
        sets = any(
            isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant) and n.value.value == value
            and any(self_attr(t, me) == flag for t in n.targets)
            for n in ast.walk(method)
        )
        if closes and sets:
            return True
    return False


def _proves_absent(test: ast.expr, receiver: str, attr: str) -> bool:
    """Whether ``test`` holds only when ``self.attr`` is unset or closed."""
    if isinstance(test, ast.BoolOp):
        proofs = [_proves_absent(v, receiver, attr) for v in test.values]
        return all(proofs) if isinstance(test.op, ast.Or) else any(proofs)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return self_attr(test.operand, receiver) == attr
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq)):
        return self_attr(test.left, receiver) == attr and isinstance(test.comparators[0], ast.Constant)
    # ``self.x.closed``, ``self.x.is_closed``, ``getattr(...)``: anything else about the old value.
    return any(self_attr(n, receiver) == attr for n in ast.walk(test))


def _is_context_manager(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(module.imports.qualify(dec) in CONTEXT_MANAGERS for dec in function.decorator_list)


def _is_teardown_generator(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A generator whose caller resumes it once, after the value is used, to run what follows
    the ``yield``: a pytest fixture, or an ``async def`` with a single ``yield`` outside any loop
    (a FastAPI dependency, a lifespan), also an ``@asynccontextmanager`` registered as an
    application's lifespan (``facts.lifespans``). What it makes and yields is lent, not handed over: the
    code after the ``yield`` must close it (an error in the user's code is not thrown into a
    fixture nor a lifespan, so there it need not be in ``finally``)."""
    if any(
        module.imports.qualify(dec.func if isinstance(dec, ast.Call) else dec) in FIXTURE_DECORATORS
        for dec in function.decorator_list
    ):
        return bool(_own_of(function, YIELDS))
    if not isinstance(function, ast.AsyncFunctionDef) or (
            function.decorator_list and not (_is_context_manager(module, function) and is_lifespan(module, function))):
        return False
    yields = _own_of(function, YIELDS)
    return len(yields) == 1 and not any(
        isinstance(a, (ast.For, ast.AsyncFor, ast.While)) for a in module.ancestors(yields[0]) if _inside(a, function)
    )


def _lent_for_a_block(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, expr: ast.expr) -> bool:
    """``yield ClientSession()`` in a context manager, a fixture or a dependency, alone or in the
    state a lifespan yields (``yield {"client": AsyncClient()}``): the value is lent for the
    caller's block, and the code after the ``yield`` must close it."""
    return _yielded(module, expr) and (_is_context_manager(module, function) or _is_teardown_generator(module, function))


def _yielded(module: ModuleInfo, expr: ast.expr) -> bool:
    """``expr`` is what a ``yield`` gives, or an element of the literal tuple, list, set or dict
    it gives."""
    node: ast.AST = expr
    parent = module.parent(node)
    while isinstance(parent, (ast.Tuple, ast.List, ast.Set)) or (
        isinstance(parent, ast.Dict) and any(v is node for v in parent.values)
    ):
        node, parent = parent, module.parent(parent)
    return isinstance(parent, (ast.Yield, ast.YieldFrom)) and parent.value is node


def _inside(node: ast.AST, function: ast.AST) -> bool:
    if node is function:
        return False
    ids = _OWN_IDS.get(function)
    if ids is None:
        ids = _OWN_IDS[function] = frozenset(map(id, _own_walk(function)))
    return id(node) in ids


def _is_async_generator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An undecorated ``async def`` that yields: a decorator (``@asynccontextmanager``, a pytest
    fixture) drives the generator to its end, so its ``async with`` exits in time."""
    return isinstance(function, ast.AsyncFunctionDef) and not function.decorator_list and bool(_own_of(function, YIELDS))


def _yields_inside(module: ModuleInfo, item: ast.withitem) -> bool:
    block = module.parent(item)
    assert isinstance(block, (ast.With, ast.AsyncWith))
    return any(isinstance(node, ast.Yield) for stmt in block.body for node in _own_walk(stmt))


# A function's own nodes, asked for each resource it makes (weakly held: they go with the tree).
_OWN_NODES: weakref.WeakKeyDictionary[ast.AST, list[ast.AST]] = weakref.WeakKeyDictionary()
_STORES: weakref.WeakKeyDictionary[ast.AST, dict[str, list[ast.stmt]]] = weakref.WeakKeyDictionary()


def _own_walk(node: ast.AST) -> list[ast.AST]:
    """``node`` and its descendants, not entering nested functions, lambdas or classes (the
    caller must not change the list: a function's is kept)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        found = _OWN_NODES.get(node)
        if found is None:
            found = _OWN_NODES[node] = _walk_own(node)
        return found
    return _walk_own(node)


YIELDS = (ast.Yield, ast.YieldFrom)
EXITS = (ast.Return, ast.Raise)
_OWN_IDS: weakref.WeakKeyDictionary[ast.AST, frozenset[int]] = weakref.WeakKeyDictionary()
_OWN_OF: weakref.WeakKeyDictionary[ast.AST, dict[tuple[type, ...], list[ast.AST]]] = weakref.WeakKeyDictionary()


def _own_of(function: ast.AST, kinds: tuple[type, ...]) -> list[ast.AST]:
    """The function's own nodes of ``kinds`` (``YIELDS``, ``EXITS``), in ``_own_walk``'s order,
    kept per function: asked once per resource it makes."""
    per_kind = _OWN_OF.get(function)
    if per_kind is None:
        per_kind = _OWN_OF[function] = {}
    found = per_kind.get(kinds)
    if found is None:
        found = per_kind[kinds] = [node for node in _own_walk(function) if isinstance(node, kinds)]
    return found


def _walk_own(node: ast.AST) -> list[ast.AST]:
    found: list[ast.AST] = [node]
    stack = list(child_nodes(node))
    while stack:
        current = stack.pop()
        found.append(current)
        if not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(child_nodes(current))
    return found


def _calls_coroutine_function(module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool:
    """``worker(session)`` where ``worker`` is an ``async def`` of this module that only calls
    methods of the parameter (``session.get(...)``), none closing it: a coroutine that borrows
    the argument while it runs. One that closes, returns, stores or passes it on may own it."""
    if not isinstance(call.func, ast.Name):
        return False
    function = module.top_level.get(call.func.id)
    if not isinstance(function, ast.AsyncFunctionDef) or call.func.id in module.imports.names:
        return False
    params = function.args.posonlyargs + function.args.args
    name = None
    for position, value in enumerate(call.args):
        if value is arg and position < len(params) and not isinstance(value, ast.Starred):
            name = params[position].arg
    for keyword in call.keywords:
        if keyword.value is arg:
            name = keyword.arg
    if name is None:
        return False
    loads = list(name_loads(function, name))
    for node in loads:
        parent = module.parent(node)
        grand = module.parent(parent) if parent is not None else None
        if not (
            isinstance(parent, ast.Attribute)
            and isinstance(grand, ast.Call)
            and grand.func is parent
            and parent.attr not in CLOSE_METHODS
            and not is_release_name(parent.attr)
            and parent.attr not in ("detach", "__aenter__")
        ):
            return False
    return bool(loads)


def _closes_a_part(module: ModuleInfo, use: Use) -> bool:
    """``self.provider.session.close()``: the owner closes what the first-party object holds."""
    if use.kind != "attribute":
        return False
    part = module.parent(use.node)
    method = module.parent(part) if part is not None else None
    return (
        isinstance(method, ast.Attribute)
        and method.value is part
        and (method.attr in CLOSE_METHODS or is_release_name(method.attr))
        and isinstance(module.parent(method), ast.Call)
    )


def _default_of(module: ModuleInfo, expr: ast.expr) -> ast.expr | None:
    """``given or X()`` or ``X() if given is None else given``: the expression ``expr`` (the
    made value) is the fallback of."""
    parent = module.parent(expr)
    if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and parent.values[-1] is expr:
        return parent
    if isinstance(parent, ast.IfExp) and parent.test is not expr:
        return parent
    return None


def _closure_method(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method ``function`` is nested in, directly, when it sees the method's ``self``."""
    outer = module.parent(function)
    if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)) or not isinstance(module.parent(outer), ast.ClassDef):
        return None
    receiver = self_name(outer)
    params = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
    if receiver is None or any(p.arg == receiver for p in params):
        return None
    return outer


def _handed_to(module: ModuleInfo, expr: ast.expr) -> ast.Call | None:
    """The call ``expr`` is passed to, directly (``RestApi(session=ClientSession())``)."""
    parent = module.parent(expr)
    if isinstance(parent, ast.keyword):
        parent = module.parent(parent)
        return parent if isinstance(parent, ast.Call) else None
    if isinstance(parent, ast.Call) and expr in parent.args:
        return parent
    return None


def _unpacked_name(module: ModuleInfo, value: ast.Tuple, expr: ast.expr) -> str | None:
    stmt = module.parent(value)
    if not (isinstance(stmt, ast.Assign) and stmt.value is value and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not (isinstance(target, ast.Tuple) and len(target.elts) == len(value.elts)):
        return None
    element = target.elts[value.elts.index(expr)]
    return element.id if isinstance(element, ast.Name) else None


def _stores(function: ast.AST, name: str) -> list[ast.stmt]:
    by_name = _STORES.get(function)
    if by_name is None:
        by_name = {}
        for node in _own_walk(function):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                # ``s.token = x`` sets an attribute of ``s``; only a ``Name`` stored rebinds it.
                stored = {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
                for each in stored:
                    by_name.setdefault(each, []).append(node)
        _STORES[function] = by_name
    return by_name.get(name, [])


def _replaced_before_use(module: ModuleInfo, function: ast.AST, stmt: ast.AST, name: str) -> bool:
    """``s = ClientSession()`` followed, on the same path and before any use of ``s``, by another
    ``s = ...``: the first is lost (the shape of a session re-created inside ``try`` while
    ``finally`` closes only the second)."""
    line = getattr(stmt, "end_lineno", None) or 0
    later = [s for s in _stores(function, name) if s is not stmt and s.lineno > line and sequential(module, stmt, s)]
    if not later:
        return False
    first = min(later, key=lambda s: s.lineno)
    if _in_loop_between(module, stmt, function):
        return False
    return not any(line < load.lineno <= first.lineno for load in name_loads(function, name))


def _first_touch(
    module: ModuleInfo, function: ast.AST, receiver: str, attr: str, line: int, *, tests_allowed: bool = False
) -> bool:
    """Whether the store of ``self.attr`` on ``line`` is the first thing ``function`` does with
    the object: no read of ``self.attr``, no other method called, no ``getattr`` before it (any
    of which may check or close the old value). With ``tests_allowed``, reads that only test
    it (``if self.attr is not None:``, ``hasattr(self, "attr")``) are no touch: a test closes
    nothing."""
    for node in walk(function):
        if getattr(node, "lineno", line) >= line:
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver:
            if node.attr == attr and tests_allowed and classify(module, node).kind == "test":
                continue
            parent = module.parent(node)
            if tests_allowed and node.attr != attr and not (isinstance(parent, ast.Call) and parent.func is node):
                continue  # ``hasattr(self._local, "client")`` calls no method of ``self``
            if node.attr == attr or isinstance(parent, ast.Call):
                return False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr"):
            if tests_allowed and node.func.id == "hasattr":
                continue
            return False
    return True


def _replaced_unclosed(
    module: ModuleInfo, function: ast.AST, stmt: ast.AST, name: str, closes: list[ast.AST]
) -> bool:
    """``s = X()``, used, then ``s = ...`` again on the same path with no close of ``s`` between:
    the first value can no longer be closed."""
    line = getattr(stmt, "end_lineno", None) or 0
    later = [s for s in _stores(function, name) if s is not stmt and s.lineno > line and sequential(module, stmt, s)]
    if not later or _in_loop_between(module, stmt, function):
        return False
    first = min(later, key=lambda s: s.lineno)
    return not any(line < getattr(node, "lineno", 0) <= first.lineno for node in closes)


def ends_process(node: ast.Raise) -> bool:
    """``raise SystemExit(1)`` (or ``KeyboardInterrupt``): the process ends, and what it opened
    with it; no exit that leaks."""
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    return exc is not None and _last_name(exc) in ("SystemExit", "KeyboardInterrupt")


def _caught_to_go_on(module: ModuleInfo, node: ast.Raise, function: ast.AST) -> bool:
    """The ``raise`` is in the body of a ``try`` of ``function`` whose handlers all end without
    raising, one of them catching ``Exception`` or everything: the function goes on after it."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            return False
        handlers: list[ast.ExceptHandler] = getattr(ancestor, "handlers", [])
        if isinstance(ancestor, TRY_NODES) and child in getattr(ancestor, "body", ()) and handlers:
            broad = any(h.type is None or _last_name(h.type) in ("Exception", "BaseException") for h in handlers)
            return broad and not any(isinstance(n, ast.Raise) for h in handlers for n in walk(h))
        child = ancestor
    return False



def _in_loop_between(module: ModuleInfo, stmt: ast.AST, function: ast.AST) -> bool:
    for ancestor in module.ancestors(stmt):
        if ancestor is function:
            return False
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)):
            return True
    return False


def _dotted(func: ast.expr) -> str:
    """``pkg.Provider.create``, for a callee that is a chain of names."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    assert isinstance(func, ast.Name)
    parts.append(func.id)
    return ".".join(reversed(parts))


def _capword_callee(func: ast.expr) -> bool:
    """``Provider(...)``, ``pkg.Provider(...)``, or a factory: ``Provider.create(...)``."""
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if not capword(name) and isinstance(func, ast.Attribute):
        owner = func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else owner.id if isinstance(owner, ast.Name) else ""
    return capword(name)


def _keyword_is_false(call: ast.Call, name: str) -> bool:
    return any(
        kw.arg == name and isinstance(kw.value, ast.Constant) and kw.value.value is False for kw in call.keywords
    )


_COLLECTION_MAKERS = frozenset({"dict", "list", "set", "defaultdict", "OrderedDict", "WeakValueDictionary"})


def _module_collection(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Whether ``name`` in ``function`` is a collection the module makes at top level (``{}``,
    ``dict()``, ``[]``), not rebound locally."""
    values = _top_level_values(module).get(name, [])
    if len(values) != 1:
        return False
    value = values[0]
    made = isinstance(value, (ast.Dict, ast.List, ast.Set)) or (
        isinstance(value, ast.Call) and ast.unparse(value.func).rpartition(".")[2] in _COLLECTION_MAKERS
    )
    if not made:
        return False
    return not any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store) for node in walk(function)
    ) or declares_outer(function, name)


# Per module (weakly held: they go with the tree), asked for each name a resource is stored under.
_TOP_VALUES: weakref.WeakKeyDictionary[ast.AST, dict[str, list[ast.expr]]] = weakref.WeakKeyDictionary()


def _top_level_values(module: ModuleInfo) -> dict[str, list[ast.expr]]:
    """The values of the module's own top-level ``name = value`` (and ``name: T = value``)
    statements, by each name their targets bind, in order; once per statement."""
    found = _TOP_VALUES.get(module.tree)
    if found is None:
        found = _TOP_VALUES[module.tree] = {}
        for stmt in module.tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for bound in dict.fromkeys(t.id for t in targets if isinstance(t, ast.Name)):
                    found.setdefault(bound, []).append(stmt.value)
    return found


def _closes_held(module: ModuleInfo, node: ast.expr) -> bool:
    """``await <node>.<held>.close()`` (or ``aclose()``)."""
    held = module.parent(node)
    method = module.parent(held) if held is not None else None
    call = module.parent(method) if method is not None else None
    return (
        isinstance(method, ast.Attribute)
        and method.attr in ("close", "aclose")
        and isinstance(call, ast.Call)
        and call.func is method
        and isinstance(module.parent(call), ast.Await)
    )


def _set_on_self(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, expr: ast.expr) -> str | None:
    """``setattr(self, "session", ClientSession())`` in a method: the attribute, as
    ``self.session = ...`` would name it; None for anything else."""
    call = module.parent(expr)
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "setattr"
        and "setattr" not in module.imports.names
        and "setattr" not in module.top_level
        and len(call.args) == 3
        and call.args[2] is expr
        and isinstance(module.parent(function), ast.ClassDef)
    ):
        return None
    receiver, name = call.args[0], call.args[1]
    if not (isinstance(receiver, ast.Name) and receiver.id == self_name(function)):
        return None
    return name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None


# Uses of a local collection that keep or look at its elements without ending or handing any on.
def _run_to_completion(parent: ast.AST | None, call: ast.Call) -> TypeGuard[ast.Call]:
    """``loop.run_until_complete(make_pool())``: the loop runs the coroutine and returns its result,
    as ``await`` does (a bot's ``__init__`` that opens its pool before the loop runs)."""
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr == "run_until_complete"
        and len(parent.args) == 1
        and parent.args[0] is call
    )


# What may raise, leave or suspend between a creation and its close.
_BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Match)
_RUNS = (ast.Call, ast.Await, ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Break, ast.Continue)


def closed_at_once(
    module: ModuleInfo, stmt: ast.AST, closes: list[ast.AST], runs: tuple[type[ast.expr | ast.stmt], ...] = _RUNS, answered: bool = False,
) -> bool:
    """Whether a close follows the creation with nothing between that can raise, leave or
    suspend (a call, an ``await``, an exit): ``_, writer = await asyncio.open_connection(h, p)``
    then ``writer.close()``, a probe that only connects. Read by position: the handlers of a
    ``try`` around the creation do not run when it succeeds, and the close's own statement is
    the close. Without ``answered``, a close under a branch the creation is not in (``if bad:
    await s.close(); return``) is no such close: the other way goes on with it open."""
    end = (getattr(stmt, "end_lineno", 0) or 0, getattr(stmt, "end_col_offset", 0) or 0)
    function = module.enclosing_function(stmt)
    if function is None:
        return False
    ancestors = set(map(id, module.ancestors(stmt)))
    skipped: set[int] = set()
    for ancestor in module.ancestors(stmt):
        if isinstance(ancestor, TRY_NODES) and any(id(s) in ancestors or s is stmt for s in getattr(ancestor, "body", ())):
            skipped.update(id(n) for handler in getattr(ancestor, "handlers", ()) for n in walk(handler))
    released = {n.attr for close in closes for n in (close, module.parent(close)) if isinstance(n, ast.Attribute)}
    running = [node for node in walk(function) if isinstance(node, runs) and id(node) not in skipped and not _asks_for(node, released)]
    for close in closes:
        statement = next((a for a in module.ancestors(close) if isinstance(a, ast.stmt)), None)
        if statement is None:
            continue
        if not answered and any(_skips(a, close) and id(a) not in ancestors for a in module.ancestors(statement, function)):
            continue  # (under a branch the creation is not in: the other way goes on)
        start = (statement.lineno, statement.col_offset)
        # With ``answered``, what runs in the body of a ``try`` whose handler holds the close
        # leads to the close when it fails (``except ConnectionError: await c.disconnect()``).
        led = {
            id(n) for a in module.ancestors(close) if isinstance(a, TRY_NODES)
            and any(close in walk(h) for h in getattr(a, "handlers", ())) for s in getattr(a, "body", ()) for n in walk(s)
        } if answered else set()
        led |= _swallowed_between(function, end, start)
        if start > end and not any(end < (node.lineno, node.col_offset) < start for node in running if id(node) not in led):
            return True
    return False


def _swallowed_between(function: ast.AST, end: tuple[int, int], start: tuple[int, int]) -> set[int]:
    """What runs in the body of a ``try`` lying wholly between the creation and the close whose
    handlers catch everything (``except:``, ``except BaseException:``): an error or a cancellation
    there goes to the handler and on to the close (``try: writer.write(ping); await
    writer.drain() except: error = "write_error"`` then ``writer.close()``); not what leaves the
    ``try`` (``return``, ``break``, ``continue``) or suspends a generator (``yield``). What the
    handlers run is read as any statement between."""
    swallowed: set[int] = set()
    for node in walk(function):
        if not isinstance(node, ast.Try) or not any("BaseException" in caught_names(h) for h in node.handlers):
            continue
        if not end < (node.lineno, node.col_offset) or not (node.end_lineno or 0, node.end_col_offset or 0) < start:
            continue
        swallowed.update(
            id(n) for s in node.body for n in walk(s)
            if not isinstance(n, (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom)))
    return swallowed


def _skips(branch: ast.AST, close: ast.AST) -> bool:
    """A branch whose other way skips ``close``; not one testing the resource itself (``if conn
    is not None: conn.close()``: that way has nothing to close)."""
    node = close.value if isinstance(close, ast.Attribute) else close
    tested = isinstance(branch, (ast.If, ast.While)) and isinstance(node, ast.Name) and any(
        isinstance(n, ast.Name) and n.id == node.id for n in ast.walk(branch.test))
    return isinstance(branch, _BRANCHES) and not tested


def _asks_for(node: ast.AST, released: set[str]) -> bool:
    """``hasattr(conn, "close")`` before ``conn.close()``: a test of a name for the release it
    then calls, which neither raises (an ``AttributeError`` is its ``False``) nor suspends, and
    is true of the resource whose release it is: it cannot skip the close it guards."""
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr" and not node.keywords
        and len(node.args) == 2 and isinstance(node.args[0], ast.Name)
        and isinstance(node.args[1], ast.Constant) and node.args[1].value in released
    )


def awaited_before_close(module: ModuleInfo, stmt: ast.AST, closes: list[ast.AST]) -> bool:
    """Whether an ``await`` lies between the creation and each of its closes (issue 28, point 5:
    a close on one path of several): ``client = AsyncClient(...)``, ``await client.login(pw)``,
    ``await client.close()`` -- a failed login or a cancellation there skips the close. Not an
    ``await`` in the ``try`` whose handler holds the close: its failure leads to the close."""
    return bool(closes) and not closed_at_once(module, stmt, closes, (ast.Await, ast.AsyncFor, ast.AsyncWith), answered=True)


def closed_after(function: ast.AST, name: str, node: ast.AST, is_close: Callable[[ast.Name], bool]) -> bool:
    """Whether the function closes ``name`` itself after ``node`` (a load of it handed to a
    callee): ``await work(client); await client.cleanup()`` lends the client to ``work``; the
    creator still owns it (issue 28, point 1: a hand-off is proven, never assumed)."""
    line = getattr(node, "lineno", 0)
    return any(load.lineno > line and is_close(load) for load in name_loads(function, name))


def lent_owner_left_open(module: ModuleInfo, call: ast.Call) -> bool:
    """``yield Socket(session, ws)``, or ``sock = Socket(session, ws)`` then ``yield sock``, in
    a context manager, a fixture or a teardown generator (a lifespan, a dependency), where no
    code of the function releases the owner after the ``yield`` (nor hands it on): the owner is
    lent for the block only, as the resource itself would be, and what it was given is left
    open at the block's end (nonebot/nonebot2 ``c1e06c2e``: the aiohttp driver's
    ``websocket()`` yielded a ``WebSocket`` holding a new session that nothing closed)."""
    function = module.enclosing_function(call)
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not (
        _is_context_manager(module, function) or _is_teardown_generator(module, function)
    ):
        return False
    if _yielded(module, call):
        return True
    stmt = module.parent(call)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    yielded = False
    for load in name_loads(function, stmt.targets[0].id):
        if _yielded(module, load):
            yielded = True
            continue
        use = classify(module, load)
        if use.kind not in ("method", "attribute", "test") or is_release_name(use.name):
            return False  # released, or handed on to what may release it
    return yielded
