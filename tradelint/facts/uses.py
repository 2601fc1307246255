"""How a value is used: the vocabulary that "never closed" and "never awaited" are judged in.

A *use* is a load of a local name or of ``self.attr``. Its kind says what the surrounding code does
with it; the resource and task models decide which kinds count as taking care of the value."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from tradelint.facts.context import ModuleInfo
from tradelint.facts.getattr_names import looked_up
from tradelint.facts.global_bindings import declarations
from tradelint.facts.pass_through import passed_argument
from tradelint.facts.syntax import FUNCTION_NODES, ORDERED_FIELDS, ordered_fields, walk

TRY_NODES: tuple[type[ast.AST], ...]
if sys.version_info >= (3, 11):
    TRY_NODES = (ast.Try, ast.TryStar)
else:
    TRY_NODES = (ast.Try,)
CONTAINERS = (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred, ast.JoinedStr, ast.FormattedValue)
# Builtins that look at a value without keeping it.
INSPECTORS = {"bool", "isinstance", "id", "repr", "str", "print", "type", "hash", "len", "format", "callable"}


@dataclass(frozen=True)
class Use:
    node: ast.expr
    # "method" (s.m(...)), "attribute" (s.m not called), "await", "argument", "with",
    # "return", "alias", "container", "test", "other"
    kind: str
    name: str = ""  # the method or attribute name for "method"/"attribute"
    call: ast.Call | None = None  # the call, for "method" (``s.get(...)``) and "argument"
    keyword: str | None = None  # the keyword the value is passed as, for "argument"


def classify(module: ModuleInfo, node: ast.expr) -> Use:
    parent = module.parent(node)
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
        return classify(module, parent)  # ``a + b`` joins collections: each is used as the sum is
    if isinstance(parent, ast.Attribute) and parent.value is node:
        grand = module.parent(parent)
        if isinstance(grand, ast.Call) and grand.func is parent:
            return Use(node, "method", parent.attr, call=grand)
        return Use(node, "attribute", parent.attr)
    if isinstance(parent, ast.Await):
        return Use(node, "await")
    if isinstance(parent, ast.keyword):
        call = module.parent(parent)
        if not isinstance(call, ast.Call):
            return Use(node, "other")  # a class keyword (``class Faceit(Cog, keys={...})``), given to the metaclass
        return Use(node, "argument", call=call, keyword=parent.arg)
    if isinstance(parent, ast.Call) and node is not parent.func:
        if isinstance(parent.func, ast.Name) and parent.func.id in INSPECTORS:
            return Use(node, "test")
        if (looked := looked_up(parent, node)) is not None:
            return Use(node, "attribute", looked)
        return Use(node, "argument", call=parent)
    if isinstance(parent, ast.withitem):
        return Use(node, "with")
    if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Lambda)):
        return Use(node, "return")
    if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.AugAssign)):
        return Use(node, "alias")
    if isinstance(parent, CONTAINERS):
        return Use(node, "container")
    if isinstance(parent, ast.Subscript) and parent.slice is node and isinstance(parent.ctx, ast.Store):
        return Use(node, "container")  # ``pending[task] = conn`` keeps the task as a key
    if isinstance(parent, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.IfExp, ast.Assert)):
        return Use(node, "test")
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)):
        return Use(node, "container")
    return Use(node, "other")


@dataclass(frozen=True)
class Binding:
    """Where a created value is kept: a local name, or an attribute of the method's ``self``."""

    kind: str  # "local" or "self"
    name: str
    stmt: ast.Assign | ast.AnnAssign
    cls: ast.ClassDef | None = None


def assigned_to(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> Binding | None:
    """``name = expr`` or ``self.attr = expr`` (one target), for ``expr`` directly in ``function``."""
    parent = module.parent(expr)
    if not (isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is expr):
        return None
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    if len(targets) != 1:
        return None
    return _binding(module, targets[0], parent, function)


def _binding(
    module: ModuleInfo, target: ast.expr, stmt: ast.Assign | ast.AnnAssign, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> Binding | None:
    """``name`` or ``self.attr`` as the target of ``stmt`` in ``function``; None otherwise."""
    if isinstance(target, ast.Name):
        return Binding("local", target.id, stmt)
    cls = module.parent(function)
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == self_name(function)
        and isinstance(cls, ast.ClassDef)
    ):
        return Binding("self", target.attr, stmt, cls)
    return None


def awaited_result(module: ModuleInfo, function: ast.AST, call: ast.Call) -> ast.Await | None:
    """The ``await`` that gives ``call``'s result, in ``function``: ``await call``, ``await
    asyncio.wait_for(call, t)`` (or ``shield``, :mod:`tradelint.facts.pass_through`), or the one of ``coro`` after ``coro = call`` (its only load,
    awaited itself or through ``wait_for``). None when the result is not awaited so."""
    expr: ast.expr = call
    parent = module.parent(call)
    if isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        loads = list(name_loads(function, parent.targets[0].id))
        if len(loads) != 1:
            return None
        expr = loads[0]
        parent = module.parent(expr)
    if isinstance(parent, ast.keyword):
        parent = module.parent(parent)
    if isinstance(parent, ast.Call) and passed_argument(module, parent) is expr:
        expr, parent = parent, module.parent(parent)
    return parent if isinstance(parent, ast.Await) and parent.value is expr else None


def awaited_call(module: ModuleInfo, function: ast.AST, value: ast.expr) -> ast.Call | None:
    """The call whose result ``value`` awaits, read through ``asyncio.wait_for(call, t)`` and a
    local bound once to the call (``coro = open_connection(...)``; ``await wait_for(coro, 5)``):
    the converse of :func:`awaited_result`; also a local bound once to the call and awaited
    itself (``task = open_connection(...)``; ``await task``). None for anything else."""
    if isinstance(value, ast.Await) and isinstance(value.value, ast.Name):
        bound = bound_once(function, value.value.id)
        return bound if isinstance(bound, ast.Call) else None
    if not isinstance(value, ast.Await) or not isinstance(value.value, ast.Call):
        return None
    call = value.value
    inner = passed_argument(module, call)
    if inner is not None:
        if isinstance(inner, ast.Name):
            inner = bound_once(function, inner.id) or inner
        return inner if isinstance(inner, ast.Call) else None
    return call


def assigned_part(module: ModuleInfo, value: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef, part: int) -> Binding | None:
    """``a, name = value`` or ``self.a, self.attr = value`` (one target, unpacked): the binding of
    element ``part``."""
    stmt = module.parent(value)
    if not (isinstance(stmt, ast.Assign) and stmt.value is value and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    if not isinstance(target, (ast.Tuple, ast.List)) or len(target.elts) <= part:
        return None
    return _binding(module, target.elts[part], stmt, function)


def shutdown_method(cls: ast.ClassDef, names: tuple[str, ...]) -> str | None:
    """The class's first method named like a shutdown (``close``, ``stop``, ... configurable)."""
    defined = {stmt.name for stmt in cls.body if isinstance(stmt, FUNCTION_NODES)}
    return next((m for m in names if m in defined), None)


def is_awaited_call(module: ModuleInfo, call: ast.Call) -> bool:
    return isinstance(module.parent(call), ast.Await)


def alias_target(module: ModuleInfo, use: Use) -> str | None:
    """``t = self._task`` or ``(t := self._task)``: the local the value is copied into, to
    follow its uses in turn."""
    parent = module.parent(use.node)
    if isinstance(parent, ast.Assign) and parent.value is use.node and len(parent.targets) == 1:
        target = parent.targets[0]
        if isinstance(target, ast.Name):
            return target.id
    if isinstance(parent, ast.NamedExpr) and parent.value is use.node:
        return parent.target.id
    return None


def resolve_aliases(module: ModuleInfo, uses: list[Use]) -> Iterator[Use]:
    """The uses, with each ``local = value`` replaced by the uses of ``local`` in its function;
    a ``(local := value)`` by those and by the use of the expression's own value (``if (c :=
    self._client) is not None`` tests it)."""
    for use in uses:
        name = alias_target(module, use) if use.kind == "alias" else None
        function = module.enclosing_function(use.node) if name is not None else None
        if name is None or function is None or declares_outer(function, name):
            yield use
            continue
        for load in name_loads(function, name):
            yield classify(module, load)
        parent = module.parent(use.node)
        if isinstance(parent, ast.NamedExpr):
            yield from resolve_aliases(module, [classify(module, parent)])


def name_loads(func: ast.AST, name: str) -> Iterator[ast.Name]:
    """Loads of ``name`` inside ``func``, nested functions included (closures see the local), in
    the order of ``walk``. One walk of ``func`` answers every name (kept on the node, as
    ``_self_attributes`` keeps its table): the fixes ask for each name a function binds, so a
    walk per name made a long function's cost grow with its square."""
    table: dict[str, list[ast.Name]] | None = func.__dict__.get(_NAME_LOADS)
    if table is None:
        table = {}
        for node in walk(func):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                table.setdefault(node.id, []).append(node)
        setattr(func, _NAME_LOADS, table)
    return iter(table.get(name, ()))


_NAME_LOADS = "_tradelint_name_loads"


def name_stores(func: ast.AST, name: str) -> list[ast.Name]:
    """Stores and deletions of ``name`` inside ``func``, nested functions included, in the order
    of ``walk``; one walk answers every name, as in ``name_loads``."""
    table: dict[str, list[ast.Name]] | None = func.__dict__.get(_NAME_STORES)
    if table is None:
        table = {}
        for node in walk(func):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                table.setdefault(node.id, []).append(node)
        setattr(func, _NAME_STORES, table)
    return table.get(name, [])


_NAME_STORES = "_tradelint_name_stores"


def attribute_loads(tree: ast.AST, attr: str) -> list[ast.Attribute]:
    """Loads of ``<anything>.attr`` inside ``tree``, in the order of ``walk``; one walk answers
    every attribute name, as in ``name_loads``."""
    table: dict[str, list[ast.Attribute]] | None = tree.__dict__.get(_ATTRIBUTE_LOADS)
    if table is None:
        table = {}
        for node in walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                table.setdefault(node.attr, []).append(node)
        setattr(tree, _ATTRIBUTE_LOADS, table)
    return table.get(attr, [])


_ATTRIBUTE_LOADS = "_tradelint_attribute_loads"


def declares_outer(func: ast.AST, name: str) -> bool:
    """``global name`` / ``nonlocal name``: the value outlives the frame."""
    return name in declarations(func)[1]


def self_name(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The name of a method's first parameter, None for static methods and plain functions."""
    for dec in func.decorator_list:
        if isinstance(dec, ast.Name) and dec.id == "staticmethod":
            return None
    params = func.args.posonlyargs + func.args.args
    return params[0].arg if params else None


def self_calls(method: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[ast.Call, str]]:
    """The ``self.name(...)`` calls of a method, with the name, in ``ast.walk`` order."""
    receiver = self_name(method)
    return [
        (node, node.func.attr)
        for node in ast.walk(method)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == receiver
    ]


def methods_reached(
    methods: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef], starts: Iterable[str], *, calls_only: bool
) -> set[str]:
    """The methods of ``methods`` that ``starts`` reach on ``self``, transitively: through
    ``self.name(...)`` calls with ``calls_only``, else through any ``self.name`` (a callback it
    registers or a task it starts runs too). A start is in the answer only when reached again."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        method = methods.get(todo.pop())
        if method is None:
            continue
        if calls_only:
            names = [name for _, name in self_calls(method)]
        else:
            receiver = self_name(method)
            names = [
                node.attr
                for node in ast.walk(method)
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver
            ]
        for name in names:
            if name in methods and name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def stored_target(module: ModuleInfo, node: ast.expr) -> tuple[ast.Assign, ast.expr] | None:
    """The statement that stores ``node`` and the target it stores it in: ``x = node`` (one
    target), or one element of a tuple of values stored in a tuple of targets of the same length,
    ``self.r, self.w = r, node``, which keeps ``node`` in ``self.w`` as ``self.w = node`` would.
    None for any other place."""
    parent = module.parent(node)
    if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1:
        return parent, parent.targets[0]
    if not isinstance(parent, (ast.Tuple, ast.List)) or node not in parent.elts:
        return None
    stmt = module.parent(parent)
    if not (isinstance(stmt, ast.Assign) and stmt.value is parent) or (pairs := element_pairs(stmt)) is None:
        return None
    return stmt, pairs[parent.elts.index(node)][0]


def element_pairs(stmt: ast.AST) -> list[tuple[ast.expr, ast.expr]] | None:
    """(target, value) of each element of a tuple (or list) display stored in a tuple of targets
    of the same length, ``self.r, self.w = r, w``; None for any other statement (a starred
    element on either side included)."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    target, value = stmt.targets[0], stmt.value
    if not isinstance(target, (ast.Tuple, ast.List)) or not isinstance(value, (ast.Tuple, ast.List)) or len(target.elts) != len(value.elts):
        return None
    if any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts)):
        return None
    return list(zip(target.elts, value.elts))


def self_attr(node: ast.AST | None, receiver: str) -> str | None:
    """``attr`` when ``node`` is ``<receiver>.attr``, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver:
        return node.attr
    return None


def self_attribute_loads(cls: ast.ClassDef, attr: str) -> Iterator[ast.Attribute]:
    """Loads of ``self.attr`` (``self`` being each method's first parameter) in ``cls``."""
    return self_attribute_nodes(cls, attr, ast.Load)


def self_getattr_loads(cls: ast.ClassDef, attr: str) -> Iterator[ast.Call]:
    """``getattr(self, "attr"[, default])`` in ``cls``'s methods: a load of ``self.attr`` that a
    release written defensively makes (``client = getattr(self, "_client", None)``)."""
    for stmt in cls.body:
        receiver = self_name(stmt) if isinstance(stmt, FUNCTION_NODES) else None
        for node in ast.walk(stmt) if receiver is not None else ():
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == receiver
                    and isinstance(node.args[1], ast.Constant) and node.args[1].value == attr):
                yield node


def self_attribute_nodes(cls: ast.ClassDef, attr: str, ctx: type[ast.expr_context]) -> Iterator[ast.Attribute]:
    """``self.attr`` in ``cls``'s methods, loaded or stored (``ctx``)."""
    return (node for node in _self_attributes(cls).get(attr, ()) if isinstance(node.ctx, ctx))


# Where a class keeps its table of ``self.<attr>`` nodes: the analyses ask about one attribute
# of a class after another, and each question walked every method again. Kept on the node, so
# that it goes with its tree.
_SELF_ATTRIBUTES = "_tradelint_self_attributes"


def _self_attributes(cls: ast.ClassDef) -> dict[str, list[ast.Attribute]]:
    """Every ``<receiver>.attr`` of ``cls``'s methods by ``attr``, in the order of the methods
    and of ``walk`` within each."""
    table: dict[str, list[ast.Attribute]] | None = cls.__dict__.get(_SELF_ATTRIBUTES)
    if table is not None:
        return table
    table = {}
    fields_of = ORDERED_FIELDS
    Attribute, Name, Constant = ast.Attribute, ast.Name, ast.Constant
    for stmt in cls.body:
        if not isinstance(stmt, FUNCTION_NODES):
            continue
        receiver = self_name(stmt)
        if receiver is None:
            continue
        # ``walk(stmt)``, inlined: the same breadth-first order, minus the names and constants,
        # which are leaves (so the order of the rest is unchanged) and no ``self.attr``.
        todo: list[Any] = [stmt]
        for node in todo:
            kind = node.__class__
            if kind is Attribute:
                value = node.value
                if value.__class__ is Name:
                    if value.id == receiver:
                        table.setdefault(node.attr, []).append(node)
                    continue  # ``x.attr``: its only child is the name
            fields = fields_of.get(kind)
            if fields is None:
                fields = ordered_fields(kind)
            for field in fields:
                child = getattr(node, field, None)
                if child is None:
                    continue
                if child.__class__ is list:
                    todo.extend(c for c in child if c is not None and c.__class__ is not Name and c.__class__ is not Constant)
                elif child.__class__ is not Name and child.__class__ is not Constant:
                    todo.append(child)
    setattr(cls, _SELF_ATTRIBUTES, table)
    return table


def in_cleanup_block(module: ModuleInfo, node: ast.AST, stop: ast.AST) -> str | None:
    """"finally" or "except" when ``node`` runs on an error path; None otherwise."""
    child = node
    for ancestor in module.ancestors(node):
        if ancestor is stop:
            return None
        if isinstance(ancestor, ast.ExceptHandler):
            return "except"
        if isinstance(ancestor, TRY_NODES) and child in getattr(ancestor, "finalbody", ()):
            return "finally"
        child = ancestor
    return None


def misses_cancellation(module: ModuleInfo, node: ast.AST, stop: ast.AST) -> bool:
    """Whether ``node`` runs in an ``except`` handler (the nearest, inside ``stop``) that does not
    catch a cancellation: ``except Exception`` (or narrower). ``asyncio.CancelledError`` derives
    from ``BaseException`` (Python 3.8 on), so a task cancelled in the ``try`` skips that handler;
    a bare ``except``, ``except BaseException`` and one naming ``CancelledError`` catch it."""
    for ancestor in module.ancestors(node):
        if ancestor is stop:
            return False
        if isinstance(ancestor, ast.ExceptHandler):
            if ancestor.type is None:
                return False
            caught = ancestor.type.elts if isinstance(ancestor.type, ast.Tuple) else [ancestor.type]
            names = {c.attr if isinstance(c, ast.Attribute) else c.id if isinstance(c, ast.Name) else "" for c in caught}
            return not names & {"BaseException", "CancelledError"} and "" not in names
    return False


def called_with_subject(module: ModuleInfo, node: ast.AST) -> bool:
    """``x.close_pull_request(number)`` for the load ``node`` of ``x``: the method is called with a
    positional argument, what it acts on (a request the object makes, named like a release)."""
    attribute = module.parent(node)
    call = module.parent(attribute) if attribute is not None else None
    return isinstance(call, ast.Call) and call.func is attribute and bool(call.args)


def sequential(module: ModuleInfo, first: ast.AST, second: ast.AST) -> bool:
    """Whether ``second`` runs after ``first`` on one path: not in another branch of an ``if``, a
    ``match`` or a ``try``'s handlers."""
    chain = [first, *module.ancestors(first)]
    positions = {id(node): index for index, node in enumerate(chain)}
    child: ast.AST = second
    for ancestor in module.ancestors(second):
        if id(ancestor) in positions:
            index = positions[id(ancestor)]
            mine = chain[index - 1] if index > 0 else first
            if ancestor is first:
                return False
            return _same_block(ancestor, mine, child)
        child = ancestor
    return False


def _same_block(node: ast.AST, a: ast.AST, b: ast.AST) -> bool:
    """``a`` and ``b`` (children of ``node``) can both run, ``a`` first."""
    if isinstance(node, ast.If):
        return (a in node.body) == (b in node.body)
    if isinstance(node, ast.Match):
        return False
    if isinstance(node, TRY_NODES):
        handlers = getattr(node, "handlers", [])
        if a in handlers or b in handlers:
            return a is b
        return True
    return True


def renews_after(module: ModuleInfo, node: ast.expr, attr: str, class_default: bool = False) -> bool:
    """``self.attr`` is ended at ``node`` and then, on the same path of the same method, given a
    new value (``await self.s.close(); self.s = ClientSession()``): the end renews the attribute
    and leaves the object's last value to some other end."""
    method = module.enclosing_function(node)
    receiver = self_name(method) if method is not None else None
    if method is None or receiver is None:
        return False
    owner = module.parent(method)
    if not (isinstance(owner, ast.ClassDef) and _initialised_by(owner, attr, class_default)):
        # A mixin that only declares ``attr: Task`` leaves its lifecycle to the class that
        # makes it, whose ends are not read here.
        return False
    ended = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    if ended is None:
        return False
    for target in self_attribute_nodes(owner, attr, ast.Store):
        stmt = module.parent(target)
        if (
            isinstance(stmt, (ast.Assign, ast.AnnAssign))
            and stmt.lineno > (ended.end_lineno or ended.lineno)
            and stmt.value is not None
            and not (isinstance(stmt.value, ast.Constant) and stmt.value.value is None)
            and isinstance(target.value, ast.Name)
            and target.value.id == receiver
            and module.enclosing_function(stmt) is method
            and sequential(module, ended, stmt)
        ):
            return True
    return False


def _initialised_by(cls: ast.ClassDef, attr: str, class_default: bool = False) -> bool:
    """The class's own ``__init__`` (or, with ``class_default``, its body: ``_t: Task = None``)
    gives ``self.attr`` a value: the attribute is the class's."""
    for method in cls.body:
        if class_default and isinstance(method, ast.AnnAssign) and method.value is not None and getattr(method.target, "id", "") == attr:
            return True
        if isinstance(method, FUNCTION_NODES) and method.name == "__init__" and any(
            isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == self_name(method)
            for stmt in walk(method) if isinstance(stmt, (ast.Assign, ast.AnnAssign))
            for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        ):
            return True
    return False


def _top_level_assigned(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """The values of the module's own top-level ``name = value`` statements, by each name their
    targets bind, in order (once per statement); one pass, kept on the tree as ``name_loads``
    keeps its table: each logger call asks about its logger's name."""
    table: dict[str, list[ast.expr]] | None = tree.__dict__.get(_TOP_ASSIGNED)
    if table is None:
        table = {}
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                for bound in dict.fromkeys(t.id for t in stmt.targets if isinstance(t, ast.Name)):
                    table.setdefault(bound, []).append(stmt.value)
        setattr(tree, _TOP_ASSIGNED, table)
    return table


_TOP_ASSIGNED = "_tradelint_top_assigned"


# Calls that read their arguments and keep none: the standard library's loggers (a message is
# formatted, or kept as a ``LogRecord`` only until the handlers ran) and ``print``.
LOGGER_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
LOGGER_FACTORIES = {"logging.getLogger"}


def only_reads_arguments(module: ModuleInfo, call: ast.Call) -> bool:
    """``print(task)``, ``logging.info("%r", task)``, ``_log.debug("%r", task)`` where ``_log`` is
    a module-level ``logging.getLogger(...)``: the call keeps none of its arguments."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in ("print", "repr", "str", "id", "format") and func.id not in module.imports.names and func.id not in module.top_level
    if not (isinstance(func, ast.Attribute) and func.attr in LOGGER_METHODS and isinstance(func.value, ast.Name)):
        return False
    if module.imports.names.get(func.value.id) == "logging":
        return True
    bound = _top_level_assigned(module.tree).get(func.value.id, [])
    return (
        len(bound) == 1
        and isinstance(bound[0], ast.Call)
        and module.imports.qualify(bound[0].func) in LOGGER_FACTORIES
    )


def bound_once(function: ast.AST, name: str) -> ast.expr | None:
    """The value of the only plain assignment of the local ``name`` in ``function``, if it has
    exactly one (a value read through its one binding: ``pool = Pool(); Redis(connection_pool=pool)``).
    One walk of ``function`` answers every name (kept on the node, as ``name_loads`` keeps its
    table): each client a function makes asks about its pool."""
    table: dict[str, list[ast.expr]] | None = function.__dict__.get(_BOUND)
    if table is None:
        table = {}
        for node in walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                table.setdefault(node.targets[0].id, []).append(node.value)
        setattr(function, _BOUND, table)
    values = table.get(name, ())
    return values[0] if len(values) == 1 else None


_BOUND, _TESTED = "_tradelint_bound_once", "_tradelint_tested_ifs"


def entered_call(value: ast.expr) -> ast.expr:
    """``X(...)`` for ``X(...).__aenter__()`` (awaited by the caller): a context manager entered by
    hand gives what it manages, the object itself for a resource (``ClientSession.__aenter__``
    returns the session); ``value`` itself otherwise."""
    if (
        isinstance(value, ast.Call)
        and not value.args
        and not value.keywords
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "__aenter__"
        and isinstance(value.func.value, ast.Call)
    ):
        return value.func.value
    return value


def given_or_made(function: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.expr) -> tuple[str, ast.Call] | None:
    """(parameter, call) for a value that is a parameter when one is given and a new object
    otherwise: ``session or ClientSession()``, ``ClientSession() if session is None else
    session``, ``session if session else ClientSession()``, or ``session`` itself where the
    function binds it to a call only when it is missing (``if session is None: session =
    ClientSession()``)."""
    params = {a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs}
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(value.values) == 2:
        given, made = value.values
        if isinstance(given, ast.Name) and given.id in params and isinstance(made, ast.Call):
            return given.id, made
        return None
    if isinstance(value, ast.IfExp):
        name = tested_name(value.test)
        if name is None or name[0] not in params:
            return None
        param, missing_when_true = name
        made, given = (value.body, value.orelse) if missing_when_true else (value.orelse, value.body)
        if isinstance(given, ast.Name) and given.id == param and isinstance(made, ast.Call):
            return param, made
        return None
    if isinstance(value, ast.Name) and value.id in params:
        if (tested := function.__dict__.get(_TESTED)) is None:  # one walk per function: its stores each ask
            tested = [(s, name) for s in walk(function) if isinstance(s, ast.If) and (name := tested_name(s.test))]
            setattr(function, _TESTED, tested)
        for statement, (param, missing_when_true) in tested:
            if param != value.id:
                continue
            branch = statement.body if missing_when_true else statement.orelse
            for inner in branch:
                if (
                    isinstance(inner, ast.Assign)
                    and len(inner.targets) == 1
                    and isinstance(inner.targets[0], ast.Name)
                    and inner.targets[0].id == param
                    and isinstance(made := inner.value.value if isinstance(inner.value, ast.Await) else inner.value, ast.Call)
                ):
                    return param, made
    return None


def tested_name(test: ast.expr) -> tuple[str, bool] | None:
    """(name, whether the test is true when it is missing) for ``name is None``, ``name is not
    None``, ``not name`` and ``name``."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name):
        right = test.comparators[0]
        if isinstance(right, ast.Constant) and right.value is None:
            if isinstance(test.ops[0], ast.Is):
                return test.left.id, True
            if isinstance(test.ops[0], ast.IsNot):
                return test.left.id, False
        return None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return test.operand.id, True
    if isinstance(test, ast.Name):
        return test.id, False
    return None


def endless_loop(node: ast.AST) -> bool:
    """A loop that runs until its task is cancelled: ``async for`` over a stream, ``while True``,
    or ``while self._running`` (a flag the object clears at its end). Not a loop that waits for
    a condition (``while not self.ready``, ``while n < 3``): that task ends by itself."""
    if isinstance(node, ast.AsyncFor):
        return True
    if not isinstance(node, ast.While):
        return False
    test = node.test
    if not ((isinstance(test, ast.Constant) and bool(test.value)) or isinstance(test, (ast.Name, ast.Attribute))):
        return False
    # A loop that leaves by itself (``break`` once connected, ``return`` the result) is a retry;
    # one left only from an ``except`` (``except Closed: break``) runs until cancelled or failing.
    return not any(_leaves(statement) for statement in node.body)


def _leaves(node: ast.AST) -> bool:
    """A ``break`` of the enclosing loop or a ``return`` in ``node`` (not in a nested loop's own
    ``break``, a nested function, nor an ``except`` handler: the way out on an error)."""
    if isinstance(node, (ast.Break, ast.Return)):
        return True
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ExceptHandler)):
        return False
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        # Its own ``break`` ends that loop only; a ``return`` inside still leaves ours.
        return any(isinstance(n, ast.Return) for n in ast.walk(node))
    return any(_leaves(child) for child in ast.iter_child_nodes(node))
