"""What a module says of one of its globals: the values it binds the name to (at module level, and
in every function that declares it ``global``) and the annotations it declares it with
(``_client: Optional[Redis] = None``). A function that reads a global it never binds reads what
the module binds there, as a type checker reads it; asked to type a receiver
(``pubsub = _client.pubsub()``).

Here too, the one reading of ``global`` / ``nonlocal`` declarations (:func:`declarations`), asked
of a function's own scope (where a name it reads lives) or of all the code it holds (whether a
name of its frame is sent out of it)."""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import SCOPE_NODES, STATEMENT_LISTS

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class GlobalBindings:
    values: tuple[ast.expr, ...]  # every value bound to the name but ``None``
    annotations: tuple[ast.expr, ...]  # every annotation of it at module level


def reads_global(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Whether ``name`` read in ``function`` is the module's global: neither ``function`` nor a
    function around it binds it (a closure reads its enclosing function's local), or the
    function declares it ``global``. A ``nonlocal`` declaration sends the name to the
    functions around, never to the module."""
    for scope in (function, *(o for o in module.ancestors(function) if isinstance(o, _FUNCTIONS))):
        bound, globals_, nonlocals = _scope_names(scope)
        if name in globals_:
            return True
        if name in nonlocals:
            continue
        if name in bound:
            return False
    return True


# (function node -> (names bound, names declared global, names declared nonlocal)), read once per
# function.
_SCOPES: "weakref.WeakKeyDictionary[ast.AST, tuple[frozenset[str], frozenset[str], frozenset[str]]]" = (
    weakref.WeakKeyDictionary()
)


def _scope_names(function: ast.AST) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    found = _SCOPES.get(function)
    if found is not None:
        return found
    bound: set[str] = set()
    if isinstance(function, _FUNCTIONS):
        args = function.args
        bound.update(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a is not None)
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.partition(".")[0])
        elif isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            if not isinstance(node, ast.Lambda):
                bound.add(node.name)
            continue  # (its body, defaults and decorators aside, is its own scope)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue  # (its targets are its own)
        stack.extend(ast.iter_child_nodes(node))
    globals_, declared = declarations(function, nested=False)
    found = (frozenset(bound), globals_, declared - globals_)
    _SCOPES[function] = found
    return found


def declarations(function: ast.AST, nested: bool = True) -> tuple[frozenset[str], frozenset[str]]:
    """The names ``function`` declares ``global``, and those it declares ``global`` or
    ``nonlocal``. With ``nested``, anywhere in it, its nested functions and classes included:
    whether any code it holds sends a name of its frame out of it (a closure's ``nonlocal x``
    makes the frame's ``x`` outlive the call). Without, in its own scope only: where a name the
    function itself binds or reads lives (a nested function's declaration speaks for that
    function alone; :func:`reads_global`). Such a declaration is a statement, and statements are
    only in statement lists (a body, an ``else``, a ``finally``, a handler's or a case's body): a
    walk of those lists meets all of them, as a walk of every node would. Kept on the node, as
    ``name_loads`` keeps its table: a function binding many resources is asked once per
    resource."""
    key = _DECLARATIONS if nested else _OWN_DECLARATIONS
    found: tuple[frozenset[str], frozenset[str]] | None = function.__dict__.get(key)
    if found is None:
        found = _declarations(function, nested)
        setattr(function, key, found)
    return found


_DECLARATIONS = "_tradelint_declarations"
_OWN_DECLARATIONS = "_tradelint_own_declarations"


def _declarations(function: ast.AST, nested: bool) -> tuple[frozenset[str], frozenset[str]]:
    globals_: set[str] = set()
    nonlocals: set[str] = set()
    stack: list[ast.AST] = [function]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Global):
            globals_.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            nonlocals.update(node.names)
        elif not nested and node is not function and isinstance(node, SCOPE_NODES):
            continue  # (a nested function's or class's own scope)
        for field in STATEMENT_LISTS:
            children = getattr(node, field, None)
            if isinstance(children, list):
                stack.extend(children)
    return frozenset(globals_), frozenset(globals_ | nonlocals)


def global_bindings(module: ModuleInfo, name: str) -> GlobalBindings | None:
    """The values and annotations the module gives its global ``name``; None when the module
    binds it in a way no value shows (a ``for`` or ``with`` target, an import, a definition,
    ``globals()[...]``), or never binds it. Asked once per module and name."""
    memo = module.project.class_memo
    key = ("global-bindings", module.tree, name)
    if key not in memo:
        memo[key] = _bindings(module, name)
    return cast("GlobalBindings | None", memo[key])


def _bindings(module: ModuleInfo, name: str) -> GlobalBindings | None:
    values: list[ast.expr] = []
    annotations: list[ast.expr] = []
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
            return None
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name.partition(".")[0]) == name for a in stmt.names):
            return None
    scopes: list[ast.AST] = [module.tree, *_declarers(module).get(name, ())]
    for scope in scopes:
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        values.append(node.value)
                    elif any(isinstance(t, ast.Name) and t.id == name for t in ast.walk(target)):
                        return None  # (unpacked: which element it is is not read here)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
                if scope is module.tree:
                    annotations.append(node.annotation)
                if node.value is not None:
                    values.append(node.value)
            elif _binds_directly(node, name):
                return None  # (``for client in ...``, ``with make() as client``: no value read here)
    values = [v for v in values if not (isinstance(v, ast.Constant) and v.value is None)]
    if not values and not annotations:
        return None
    return GlobalBindings(tuple(values), tuple(annotations))


def _declarers(module: ModuleInfo) -> dict[str, list[ast.AST]]:
    """Name -> the functions of the module that declare it ``global`` (once per module)."""
    memo = module.project.class_memo
    key = ("global-declarers", module.tree)
    if key not in memo:
        found: dict[str, list[ast.AST]] = {}
        for node in module.index.parents:
            if isinstance(node, ast.Global):
                function = module.enclosing_function(node)
                if function is not None:
                    for name in node.names:
                        found.setdefault(name, []).append(function)
        memo[key] = found
    return cast("dict[str, list[ast.AST]]", memo[key])


def _binds_directly(node: ast.AST, name: str) -> bool:
    """Whether ``node`` itself binds ``name`` (its target, not a statement nested in its body)."""
    if isinstance(node, ast.AugAssign):
        targets: list[ast.AST] = [node.target]
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in node.items if item.optional_vars is not None]
    elif isinstance(node, ast.NamedExpr):
        targets = [node.target]
    else:
        return False
    return any(isinstance(t, ast.Name) and t.id == name for target in targets for t in ast.walk(target))


def _own_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of ``scope``'s own body: not those of functions or classes nested in it (a
    module's function binds its own locals, unless it declares the global: asked separately)."""
    found: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found
