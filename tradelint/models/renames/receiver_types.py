"""The class of an expression, inferred without mypy, for the TRD4xx rules.

A type is a dotted name (``driftpy.pickle.vat.Vat``) or :data:`UNKNOWN`. It comes from a
constructor call, a parameter/variable/attribute annotation (``Optional[X]``, ``X | None`` and
string annotations included), the return annotation of a first-party function or method,
``self.x`` assigned from any of these, and the facts of the enabled rename packs
(``web3.Web3.eth`` is a ``web3.eth.Eth``). A class or module named directly (``Web3``, ``np``) is
its own type: ``Web3.toChecksumAddress`` reads the attribute from the class.

Inference is flow-insensitive: a name assigned two different types, or anything unknown, is
:data:`UNKNOWN`, and the rules built on it report nothing there.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping, NamedTuple

from tradelint.facts.class_body import annotation_head
from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.pytest_fixtures import fixture_param
from tradelint.facts.syntax import FUNCTION_NODES, child_nodes, own_nodes, own_returns, parse_expression
from tradelint.facts.uses import self_name
from tradelint.models.renames.library_classes import library_class, library_function

UNKNOWN = "?"
OPTIONAL = {"typing.Optional", "typing_extensions.Optional"}
UNION = {"typing.Union", "typing_extensions.Union"}
SELF = {"typing.Self", "typing_extensions.Self"}
# Annotations that say nothing about the value.
UNTYPED = {"typing.Any", "typing_extensions.Any", "builtins.object"}
BUILTIN_CLASSES = {name for name in dir(builtins) if isinstance(getattr(builtins, name), type)}
TYPING_CONTAINERS = {
    f"{module}.{name}": f"builtins.{name.lower()}"
    for module in ("typing", "typing_extensions")
    for name in ("Dict", "List", "Set", "FrozenSet", "Tuple")
}
MAX_DEPTH = 12

class Binding(NamedTuple):
    """How a name got its value: ``annotation``, ``value`` (an expression typed in ``scope``),
    ``type`` (known already) or ``unknown``. A tuple: made for every binding of every scope
    typed, it costs a third of a frozen dataclass."""

    kind: str
    value: ast.expr | str | None = None
    scope: Env | None = None


class Env:
    """A scope's names and how each was bound; each name is typed only when a lookup asks.

    The names are collected on the first lookup (``collect``): a method's env is also the scope
    of the values it assigns to ``self.x``, needed for its class's attributes long before (and
    often without) any name of the method being looked up.
    """

    def __init__(
        self, types: ReceiverTypes, self_type: str = UNKNOWN, collect: Callable[[Env], None] | None = None
    ) -> None:
        self.types = types
        self.self_type = self_type
        self._bindings: dict[str, list[Binding]] = {}
        self._collect = collect
        self.resolved: dict[str, str] = {}

    @property
    def bindings(self) -> dict[str, list[Binding]]:
        if self._collect is not None:
            collect, self._collect = self._collect, None
            collect(self)
        return self._bindings

    def bind(self, name: str, kind: str, value: ast.expr | str | None = None, scope: Env | None = None) -> None:
        self._bindings.setdefault(name, []).append(Binding(kind, value, scope))

    def has(self, name: str) -> bool:
        return name in self.bindings

    def type_of(self, name: str, depth: int) -> str | None:
        """None when the scope never binds ``name``."""
        if name not in self.bindings:
            return None
        found = self.resolved.get(name)
        if found is not None:
            return found
        self.resolved[name] = UNKNOWN  # ``x = f(x)`` ends here
        evaluated = [(binding.kind, self._evaluate(binding, depth)) for binding in self.bindings[name]]
        kinds = {found for _, found in evaluated}
        # A declared type is the name's, as a type checker reads it: a value whose code says
        # nothing (``vat: Vat`` in the class, ``self.vat = load()``) does not unmake it.
        declared = {found for kind, found in evaluated if kind == "annotation"}
        if len(declared) == 1 and UNKNOWN not in declared and kinds - declared <= {UNKNOWN}:
            kinds = declared
        result = next(iter(kinds)) if len(kinds) == 1 else UNKNOWN
        self.resolved[name] = result
        return result

    def _evaluate(self, binding: Binding, depth: int) -> str:
        kind, value = binding.kind, binding.value
        if kind == "type" and isinstance(value, str):
            return value
        if kind == "annotation" and isinstance(value, ast.expr):
            return self.types.annotation_type(value, self.self_type)
        if kind == "value" and isinstance(value, ast.expr):
            return self.types.expr_type(value, binding.scope or self, depth + 1)
        return UNKNOWN


@dataclass(frozen=True)
class TypeFacts:
    """Facts about third-party classes: their other import paths, attribute and return types."""

    owners: Mapping[str, str] = field(default_factory=dict)
    attribute_types: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, type_name: str) -> str:
        return self.owners.get(type_name, type_name)


NO_FACTS = TypeFacts()


def strip_optional(module: ModuleInfo, annotation: ast.expr) -> ast.expr | None:
    """``Optional[X]``, ``X | None``, ``Union[X, None]``, ``X or None``, ``"X"`` -> ``X``; other unions
    -> None."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        members = [m for m in (annotation.left, annotation.right) if not _is_none(m)]
        return strip_optional(module, members[0]) if len(members) == 1 else None
    if isinstance(annotation, ast.BoolOp) and isinstance(annotation.op, ast.Or) and not _is_none(annotation.values[0]):
        # ``-> Web3 or None`` (EthTx/ethtx's ``connect_chain``): evaluated, it is ``Web3``, a class
        # being true, and the intent is ``Optional[Web3]``.
        return strip_optional(module, annotation.values[0])
    if isinstance(annotation, ast.Subscript):
        head = module.imports.qualify(annotation.value)
        if head in OPTIONAL:
            return strip_optional(module, annotation.slice)
        if head in UNION and isinstance(annotation.slice, ast.Tuple):
            members = [m for m in annotation.slice.elts if not _is_none(m)]
            return strip_optional(module, members[0]) if len(members) == 1 else None
        return None if head in UNION else annotation
    return annotation


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# Where the statements of a scope are: everything else is an expression, and an expression binds
# a name only through a walrus.
BLOCK_NODES = (ast.stmt, ast.excepthandler, ast.match_case)
SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# The nodes that bind a name in their scope (the parser makes no subclasses: ``type`` tells).
BINDING_NODES = frozenset({
    ast.AnnAssign, ast.Assign, ast.For, ast.AsyncFor, ast.NamedExpr, ast.AugAssign, ast.With, ast.AsyncWith,
    ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler,
    ast.Global, ast.Nonlocal,
})


def _paths_to(module: ModuleInfo, starts: list[ast.AST], stop: tuple[type[ast.AST], ...]) -> frozenset[ast.AST]:
    """``starts`` and their ancestors, up to (not including) the first one of type ``stop``."""
    parents = module.index.parents
    paths: set[ast.AST] = set()
    for start in starts:
        node: ast.AST | None = start
        while node is not None and node not in paths and not isinstance(node, stop):
            paths.add(node)
            node = parents.get(node)
    return frozenset(paths)


def walrus_paths(module: ModuleInfo) -> frozenset[ast.AST]:
    """The expressions on the way from a statement down to a walrus (most modules have none)."""
    key = ("walrus-paths", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if not isinstance(found, frozenset):
        named = ast.NamedExpr
        parents = module.index.parents
        text = module.text
        # No ``:=`` in the source, no walrus: the test costs a tenth of looking at every node.
        maybe = ":=" in text if text is not None else named in set(map(type, parents))
        walruses: list[ast.AST] = [node for node in parents if type(node) is named] if maybe else []
        found = memo[key] = _paths_to(module, walruses, BLOCK_NODES)
    return found


def store_paths(module: ModuleInfo) -> frozenset[ast.AST]:
    """Every node on the way from the module down to a ``name.attr`` store."""
    key = ("store-paths", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if not isinstance(found, frozenset):
        stores: list[ast.AST] = [
            node for node in module.index.attributes if type(node.ctx) is ast.Store and type(node.value) is ast.Name
        ]
        found = memo[key] = _paths_to(module, stores, ())
    return found


def scope_nodes(scope: ast.AST, keep: Callable[[ast.AST], bool]) -> Iterator[ast.AST]:
    """The nodes ``keep`` accepts in a scope's own body (nested functions and classes have scopes
    of their own), in the order of a full walk; a rejected node's subtree is not visited."""
    stack = [child for child in child_nodes(scope) if keep(child)]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPE_NODES):
            stack.extend(child for child in child_nodes(node) if keep(child))


# The only fields that hold statements, except handlers or match cases (``_field_types``, 3.13).
BLOCK_FIELDS = {"body", "orelse", "finalbody", "handlers", "cases"}
_BLOCK_FIELDS_OF: dict[type, tuple[str, ...]] = {}


def _block_fields(kind: type) -> tuple[str, ...]:
    found = _BLOCK_FIELDS_OF.get(kind)
    if found is None:
        found = _BLOCK_FIELDS_OF[kind] = tuple(name for name in getattr(kind, "_fields", ()) if name in BLOCK_FIELDS)
    return found


def statement_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """``scope_nodes`` keeping statements, except handlers and match cases only: read from the
    fields that hold them, without listing the expressions around them."""
    stack: list[ast.AST] = [child for name in _block_fields(type(scope)) for child in getattr(scope, name)]
    fields_of, block_fields, scopes = _BLOCK_FIELDS_OF, _block_fields, SCOPE_NODES
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        if kind not in scopes:
            for name in fields_of.get(kind) or block_fields(kind):
                stack.extend(getattr(node, name))


def binding_nodes(module: ModuleInfo, scope: ast.AST) -> Iterator[ast.AST]:
    """What can bind a name in a scope: its statements, its walruses and the paths to them (a
    seventh of the nodes of a full walk, in its order)."""
    paths = walrus_paths(module)
    if not paths:
        return statement_nodes(scope)
    blocks = BLOCK_NODES
    return scope_nodes(scope, lambda node: isinstance(node, blocks) or node in paths)


IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def fallback_names(module: ModuleInfo) -> frozenset[str]:
    """Names imported in a ``try`` that falls back on ``except ImportError`` to something else
    (``opentracing``, or the project's no-op stub): which one is bound depends on the machine."""
    key = ("import-fallback-names", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if isinstance(found, frozenset):
        return found
    names: set[str] = set()
    parents = module.index.parents
    for stmt, _ in module.index.imports:
        parent = parents.get(stmt)
        while parent is not None and not isinstance(parent, SCOPE_NODES):
            if isinstance(parent, ast.Try) and any(_catches_import_error(h) for h in parent.handlers):
                # Only a handler that binds the name gives it another value: one that prints and
                # exits (crytic/slither's ``from web3 import Web3``) leaves the library's or none.
                rebound = _bound_in([h for h in parent.handlers if _catches_import_error(h)])
                names.update(n for n in ((a.asname or a.name).split(".")[0] for a in stmt.names) if n in rebound or "*" in rebound)
                break
            parent = parents.get(parent)
    found = memo[key] = frozenset(names)
    return found


def _bound_in(handlers: list[ast.ExceptHandler]) -> set[str]:
    bound: set[str] = set()
    for handler in handlers:
        for node in ast.walk(handler):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.Global):
                bound.update(node.names)
    return bound


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    kind = handler.type
    elts = kind.elts if isinstance(kind, ast.Tuple) else [kind] if kind is not None else []
    return any(isinstance(e, ast.Name) and e.id in IMPORT_ERRORS for e in elts)


def find_class(module: ModuleInfo, type_name: str) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class a qualified type name refers to (``module``'s own classes included)."""
    found = module.project.lookup(type_name, module.roots) if "." in type_name else None
    if found is None and type_name.rpartition(".")[0] == module.module_name:
        stmt = module.top_level.get(type_name.rpartition(".")[2])
        found = (module, stmt) if stmt is not None else None
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    return found[0], found[1]


def types_for(module: ModuleInfo, facts: TypeFacts) -> ReceiverTypes:
    """One inference per module and set of facts, shared by every rule and every importer."""
    key = (f"receiver-types:{id(facts)}", module.tree)
    found = module.project.class_memo.get(key)
    if not isinstance(found, ReceiverTypes):
        found = ReceiverTypes(module, facts)
        module.project.class_memo[key] = found
    return found


class ReceiverTypes:
    def __init__(self, module: ModuleInfo, facts: TypeFacts) -> None:
        self.module = module
        self.facts = facts
        self._envs: dict[ast.AST, Env] = {}
        self._self_stores: dict[ast.AST, list[tuple[str, Binding]]] = {}
        self._class_types: dict[ast.ClassDef, Env] = {}
        self._module_env: Env | None = None
        self._mro: dict[str, list[tuple[ModuleInfo, ast.ClassDef]]] = {}

    def break_cycles(self) -> None:
        """Forgotten by the project's memo (``Project.forget_memos``): its scopes point back at it."""
        for env in self._envs.values():
            env.__dict__.clear()
        self.__dict__.clear()

    # -- names -----------------------------------------------------------------------------------

    def class_name(self, cls: ast.ClassDef) -> str | None:
        """The qualified name of a top-level class of this module."""
        if self.module.module_name is None or self.module.top_level.get(cls.name) is not cls:
            return None
        return f"{self.module.module_name}.{cls.name}"

    def annotation_type(self, annotation: ast.expr | None, self_type: str = UNKNOWN) -> str:
        if annotation is None:
            return UNKNOWN
        inner = strip_optional(self.module, annotation)
        if isinstance(inner, ast.Subscript):
            # A parametrised container is still the container: ``dict[str, Any]`` is a dict.
            head = inner.value
            generic = TYPING_CONTAINERS.get(self.module.qualify(head) or "")
            if generic is not None:
                return generic
            inner = head if isinstance(head, ast.Name) and head.id in BUILTIN_CLASSES else None
        if inner is None or annotation_head(self.module, inner) is not inner:
            return UNKNOWN
        if (
            isinstance(inner, ast.Name)
            and inner.id in BUILTIN_CLASSES
            and inner.id not in self.module.imports.names
            and inner.id not in self.module.top_level
        ):
            return UNKNOWN if inner.id == "object" else f"builtins.{inner.id}"
        if self.module.imports.root_name(inner) in fallback_names(self.module):
            return UNKNOWN
        qualified = self.module.qualify(inner)
        if qualified is None or qualified in UNTYPED:
            return UNKNOWN
        if qualified in SELF:
            return self_type
        return self.facts.canonical(qualified)

    def reference(self, expr: ast.expr) -> str | None:
        """The class or module an expression names directly (``Web3``, ``np``, ``ccxt.pro``)."""
        root = self.module.imports.root_name(expr)
        if root is None or not (root in self.module.imports.names or root in self.module.top_level):
            return None
        if root in fallback_names(self.module):
            return None
        qualified = self.module.qualify(expr)
        return self.facts.canonical(qualified) if qualified is not None else None

    # -- expressions -------------------------------------------------------------------------------

    def expr_type(self, expr: ast.expr, env: Env, depth: int = 0) -> str:
        if depth > MAX_DEPTH:
            return UNKNOWN
        if isinstance(expr, ast.Await):
            # What awaiting gives: an ``async def``'s return type; for anything else (a class
            # with ``__await__``, a sync function returning an awaitable) not the callee's type.
            inner = expr.value
            return self.call_type(inner, env, depth + 1, awaited=True) if isinstance(inner, ast.Call) else UNKNOWN
        if isinstance(expr, ast.Call):
            return self.call_type(expr, env, depth + 1)
        if isinstance(expr, ast.Name):
            found = env.type_of(expr.id, depth)
            if (found is None or env is self.module_env) and expr.id in fallback_names(self.module):
                # ``import pyarrow`` or, on ImportError, ``pyarrow = PyArrowMock()`` (OctoBot): which
                # one is bound depends on the machine.
                return UNKNOWN
            if found is None and env is not self.module_env:
                found = self.module_env.type_of(expr.id, depth)
            if found is not None:
                return found
            return self.reference(expr) or UNKNOWN
        if isinstance(expr, ast.Attribute):
            root = self.module.imports.root_name(expr)
            if root is not None and not env.has(root) and not self.module_env.has(root):
                ref = self.reference(expr)
                if ref is not None:
                    return ref
            owner = self.expr_type(expr.value, env, depth + 1)
            return self.member_type(owner, expr.attr, depth + 1)
        if isinstance(expr, (ast.BoolOp, ast.IfExp, ast.NamedExpr)):
            # ``get_web3() or Web3(...)``, ``a if ok else None``, ``(w3 := get_web3())``: one type
            # on every branch that is not ``None``.
            branches = (
                expr.values if isinstance(expr, ast.BoolOp)
                else [expr.body, expr.orelse] if isinstance(expr, ast.IfExp)
                else [expr.value]
            )
            kinds = {self.expr_type(b, env, depth + 1) for b in branches if not _is_none(b)}
            return kinds.pop() if len(kinds) == 1 else UNKNOWN
        return UNKNOWN

    def call_type(self, call: ast.Call, env: Env, depth: int = 0, awaited: bool = False) -> str:
        """A constructor's class, or the annotated return type of a function or method (of an
        ``async def`` only when awaited: called alone it gives a coroutine)."""
        func = call.func
        if self.module.imports.root_name(func) in fallback_names(self.module):
            return UNKNOWN
        is_local = isinstance(func, ast.Name) and (env.has(func.id) or self.module_env.has(func.id))
        found = None if is_local else resolve_definition(self.module, func)
        if found is not None:
            defining, stmt = found
            if isinstance(stmt, ast.ClassDef):
                if awaited:
                    return UNKNOWN
                return f"{defining.module_name}.{stmt.name}" if defining.module_name else UNKNOWN
            if isinstance(stmt, FUNCTION_NODES):
                return self._returned(defining, stmt, awaited)
            return UNKNOWN
        root = self.module.imports.root_name(func)
        if root is not None and not env.has(root) and not self.module_env.has(root):
            ref = self.reference(func)
            # A third-party name called like a class (``Web3(...)``, ``pd.DataFrame(...)``).
            if ref is not None and ref.rpartition(".")[2][:1].isupper():
                return UNKNOWN if awaited else ref
            if ref is not None:
                # An installed library's function: its return annotation, read from its source.
                library_func = library_function(self.module.project, ref, self.module.roots)
                if library_func is not None:
                    return self._returned(library_func[0], library_func[1], awaited)
        if isinstance(func, ast.Attribute):
            owner = self.expr_type(func.value, env, depth + 1)
            if owner != UNKNOWN:
                return self.method_return_type(owner, func.attr, depth + 1, awaited)
        return UNKNOWN

    def _returned(
        self, module: ModuleInfo, func: ast.FunctionDef | ast.AsyncFunctionDef, awaited: bool, self_type: str = UNKNOWN
    ) -> str:
        if isinstance(func, ast.AsyncFunctionDef) != awaited or _is_overload(func):
            # An ``@overload`` is one of several signatures: which one applies is not known here.
            return UNKNOWN
        if func.returns is None and self_type != UNKNOWN and _returns_self(func):
            # A builder's ``def create(self): ...; return self``: the receiver's own type.
            return self_type
        return types_for(module, self.facts).annotation_type(func.returns, self_type=self_type)

    def member_type(self, owner: str, attr: str, depth: int = 0) -> str:
        if owner == UNKNOWN or depth > MAX_DEPTH:
            return UNKNOWN
        for module, cls in self.mro(owner):
            found = types_for(module, self.facts).class_attribute_types(cls).type_of(attr, depth)
            if found is not None:
                return found
        return self.facts.attribute_types.get(f"{owner}.{attr}", UNKNOWN)

    def method_return_type(self, owner: str, name: str, depth: int = 0, awaited: bool = False) -> str:
        if owner == UNKNOWN or depth > MAX_DEPTH:
            return UNKNOWN
        for module, cls in self.mro(owner):
            for stmt in cls.body:
                if isinstance(stmt, FUNCTION_NODES) and stmt.name == name:
                    return self._returned(module, stmt, awaited, self_type=owner)
        return self.facts.attribute_types.get(f"{owner}.{name}()", UNKNOWN)

    def mro(self, type_name: str) -> list[tuple[ModuleInfo, ast.ClassDef]]:
        """The first-party classes of a type's hierarchy, depth first (enough for lookups)."""
        cached = self._mro.get(type_name)
        if cached is not None:
            return cached
        found_all: list[tuple[ModuleInfo, ast.ClassDef]] = []
        seen: set[int] = set()
        stack = [type_name]
        while stack and len(seen) < MAX_DEPTH * 4:
            name = stack.pop(0)
            found = find_class(self.module, name) or library_class(self.module.project, name, self.module.roots)
            if found is None or id(found[1]) in seen:
                continue
            seen.add(id(found[1]))
            found_all.append(found)
            module, cls = found
            stack.extend(q for q in (module.qualify(base) for base in cls.bases) if q is not None)
        self._mro[type_name] = found_all
        return found_all

    # -- scopes ------------------------------------------------------------------------------------

    def function_env(self, func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Env:
        """A function's local names: parameters, assignments, loop and ``with`` targets, imports."""
        if func is None:
            return self.module_env
        cached = self._envs.get(func)
        if cached is None:
            cls = self.module.parent(func)
            own_type = (self.class_name(cls) if isinstance(cls, ast.ClassDef) else None) or UNKNOWN
            receiver = self_name(func) if isinstance(cls, ast.ClassDef) else None
            cached = Env(self, own_type, lambda env: self._collect_function(func, receiver, env))
            self._envs[func] = cached
        return cached

    def _collect_function(self, func: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str | None, env: Env) -> None:
        args = func.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            if arg.arg == receiver:
                env.bind(arg.arg, "type", env.self_type)
            elif arg.annotation is None and (fixture := fixture_param(self.module, func, arg.arg)) is not None:
                # pytest passes the fixture of that name: what the fixture returns or yields.
                values = [n.value for n in own_nodes(fixture) if isinstance(n, (ast.Return, ast.Yield))]
                for value in values or [None]:
                    env.bind(arg.arg, "unknown" if value is None else "value", value, self.function_env(fixture))
            else:
                env.bind(arg.arg, "annotation" if arg.annotation is not None else "unknown", arg.annotation)
        for extra in (args.vararg, args.kwarg):
            if extra is not None:
                env.bind(extra.arg, "unknown")
        self._collect_assignments(func, env)

    @property
    def module_env(self) -> Env:
        if self._module_env is None:
            self._module_env = Env(self, collect=lambda env: self._collect_assignments(self.module.tree, env))
        return self._module_env

    def self_stores(self, method: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, Binding]]:
        """What a method of a class assigns to ``self.<attr>``, in walk order."""
        cached = self._self_stores.get(method)
        if cached is not None:
            return cached
        found: list[tuple[str, Binding]] = []
        receiver = self_name(method)
        paths = store_paths(self.module)
        if receiver is not None and method in paths:
            env = self.function_env(method)  # the values are typed there
            for node in scope_nodes(method, paths.__contains__):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _is_self_attribute(node, receiver):
                    parent = self.module.parent(node)
                    if isinstance(parent, ast.AnnAssign) and parent.target is node:
                        found.append((node.attr, Binding("annotation", parent.annotation)))
                    elif isinstance(parent, ast.Assign) and parent.targets == [node]:
                        found.append((node.attr, Binding("value", parent.value, env)))
                    else:
                        found.append((node.attr, Binding("unknown")))
        self._self_stores[method] = found
        return found

    def _collect_assignments(self, scope: ast.AST, env: Env) -> None:
        at_module = scope is self.module.tree
        binders = BINDING_NODES
        for node in binding_nodes(self.module, scope):
            if type(node) not in binders:
                continue
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                env.bind(node.target.id, "annotation", node.annotation)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        env.bind(target.id, "value", node.value)
                    else:
                        _mark_unknown(target, env)
            elif isinstance(node, ast.NamedExpr):
                # ``if (w3 := get_web3()) is not None:``: the value's type, as for ``=``.
                env.bind(node.target.id, "value", node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor, ast.AugAssign)):
                _mark_unknown(node.target, env)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        _mark_unknown(item.optional_vars, env)
            elif isinstance(node, ast.Import) and not at_module:
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    env.bind(local, "type", self.facts.canonical(alias.name if alias.asname else local))
            elif isinstance(node, ast.ImportFrom) and not at_module:
                for alias in node.names:
                    if node.level == 0 and node.module:
                        env.bind(alias.asname or alias.name, "type", self.facts.canonical(f"{node.module}.{alias.name}"))
                    else:
                        env.bind(alias.asname or alias.name, "unknown")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not at_module:
                env.bind(node.name, "unknown")
            elif isinstance(node, ast.ExceptHandler) and node.name:
                env.bind(node.name, "unknown")
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                for name in node.names:
                    env.bind(name, "unknown")

    def class_attribute_types(self, cls: ast.ClassDef) -> Env:
        """Attributes of a class: class-body annotations, property getters' return annotations and
        ``self.x`` assignments in methods."""
        cached = self._class_types.get(cls)
        if cached is not None:
            return cached
        attrs = Env(self)
        self._class_types[cls] = attrs
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                attrs.bind(stmt.target.id, "annotation", stmt.annotation)
            elif isinstance(stmt, FUNCTION_NODES) and stmt.returns is not None and _is_property(stmt):
                # ``@property def web3(self) -> Web3`` (crytic/slither): ``self.web3`` is a Web3.
                attrs.bind(stmt.name, "annotation", stmt.returns)
        for method in cls.body:
            if isinstance(method, FUNCTION_NODES):
                for attr, binding in self.self_stores(method):
                    attrs.bindings.setdefault(attr, []).append(binding)
        return attrs

    def receiver_type(self, receiver: ast.expr, at: ast.AST) -> str:
        # Typed where it is evaluated: a ``def``'s annotations and defaults in the enclosing scope.
        return self.type_in(receiver, self.module.evaluating_function(at))

    def type_in(self, receiver: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> str:
        """The type of ``receiver`` in the body of ``func`` (None: at module level)."""
        return self.expr_type(receiver, self.function_env(func))


def _is_property(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A getter: ``@property``, ``@functools.cached_property`` (not a ``@x.setter``)."""
    return any(ast.unparse(d) in ("property", "cached_property", "functools.cached_property") for d in func.decorator_list)


def _returns_self(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A method whose every ``return`` (its own, not a nested function's) gives its receiver back."""
    receiver = self_name(func)
    if receiver is None or any(ast.unparse(d) in ("classmethod", "property") for d in func.decorator_list):
        return False
    returns = own_returns(func)
    return bool(returns) and all(
        isinstance(node.value, ast.Name) and node.value.id == receiver for node in returns
    )


def _is_overload(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(ast.unparse(d).rpartition(".")[2] == "overload" for d in func.decorator_list)


def _mark_unknown(target: ast.AST, env: Env) -> None:
    # The usual targets first: ``x``, ``self.x`` and ``d[k]`` (whose names are loads), ``a, b``.
    if isinstance(target, ast.Name):
        if isinstance(target.ctx, ast.Store):
            env.bind(target.id, "unknown")
        return
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return
    if (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and isinstance(target.slice, (ast.Name, ast.Constant))
    ):
        return
    if isinstance(target, ast.Tuple) and all(isinstance(elt, ast.Name) for elt in target.elts):
        for elt in target.elts:
            if isinstance(elt, ast.Name) and isinstance(elt.ctx, ast.Store):
                env.bind(elt.id, "unknown")
        return
    for node in ast.walk(target):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            env.bind(node.id, "unknown")


def _is_self_attribute(node: ast.AST, receiver: str | None) -> bool:
    return (
        receiver is not None
        and isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
    )


def _attr(node: ast.AST) -> str:
    return node.attr if isinstance(node, ast.Attribute) else ""

