"""What a class maker does at runtime, read from its code (never imported, never run).

A class maker is whatever turns a class body into the class instances use: a decorator, a
metaclass, a base class's ``__init_subclass__``. ``typing.dataclass_transform`` only tells a type
checker that one behaves like a dataclass; what the runtime does is in the maker's code. So a
maker's code is followed, first-party or installed (found with ``importlib.util.find_spec`` on the
top-level package, which imports nothing):

- it applies a known maker (``dataclasses.dataclass``, attrs, pydantic dataclasses), directly,
  through an alias, ``functools.partial`` or another followed function: it has that maker's
  semantics;
- it applies none and touches nothing: it changes nothing about fields (a plain class);
- it rewrites the namespace or ``__annotations__``, sets or deletes class attributes, builds its
  own class, or hands the class to code that cannot be followed: *unknown*, and nothing is claimed.
"""

from __future__ import annotations

import ast
import importlib.util
import os
from pathlib import Path
from typing import Union

from tradelint.facts.class_body import Maker, known_maker
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.module_paths import is_stdlib
from tradelint.facts.syntax import FUNCTION_NODES, walk

UNKNOWN = Maker("unknown")
# What a maker does to a class: a known maker, UNKNOWN, or None (nothing a field depends on).
Effect = Union[Maker, None]

DATACLASS_TRANSFORM = {"typing.dataclass_transform", "typing_extensions.dataclass_transform"}
PARTIAL = {"functools.partial"}
# Bases and metaclasses whose classes never become dataclass-like by themselves, though
# pydantic's are marked ``dataclass_transform``: UPPER_CASE settings fields are intended there,
# and its metaclass rewrites the namespace.
PYDANTIC_MODEL_PREFIXES = ("pydantic.", "pydantic_settings.")
# Builds a class, or writes a class's namespace, from outside its body.
CLASS_BUILDERS = {
    "types.new_class", "dataclasses.make_dataclass", "attr.make_class", "attrs.make_class",
    "typing.NamedTuple", "collections.namedtuple",
}
NAMESPACE_WRITERS = {"setattr", "delattr", "vars", "exec", "eval", "__build_class__"}
# A mapping (a metaclass's namespace, ``cls.__dict__``) changed in place.
MUTATING_METHODS = {"update", "pop", "popitem", "setdefault", "clear", "__setitem__", "__delitem__"}
# The places a class's fields are declared or computed: a maker that touches them rewrites fields.
FIELD_DUNDERS = {
    "__annotations__", "__annotate__", "__dataclass_fields__", "__dataclass_params__",
    "__attrs_attrs__", "__set_name__",
}
# Calls that can receive the class without changing it.
HARMLESS_CALLS = {
    "isinstance", "issubclass", "hasattr", "getattr", "id", "repr", "str", "print", "len",
    "callable", "type", "super", "bool", "hash", "format", "iter", "sorted", "any", "all",
    "append", "add", "debug", "info", "warning", "warn", "error", "exception", "get",
}
MAX_DEPTH = 8
def _qualify(module: ModuleInfo, node: ast.AST) -> str | None:
    return module.imports.qualify(node)


def combine(effects: list[Effect]) -> Effect:
    """Several makers on one class: one kind is that kind; different kinds, or any unknown, unknown."""
    known = [e for e in effects if e is not None]
    if not known:
        return None
    if any(e.kind == "unknown" for e in known) or len({e.kind for e in known}) > 1:
        return UNKNOWN
    return known[-1]


def is_pydantic_model_name(qualified: str | None) -> bool:
    return (
        qualified is not None
        and qualified.startswith(PYDANTIC_MODEL_PREFIXES)
        and not qualified.startswith("pydantic.dataclasses")
    )


def is_transform_marked(module: ModuleInfo, node: ast.stmt) -> bool:
    if not isinstance(node, (ast.ClassDef, *FUNCTION_NODES)):
        return False
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if _qualify(module, target) in DATACLASS_TRANSFORM:
            return True
    return False


# -- finding definitions: first-party, then installed -------------------------------------------

Definition = tuple[ModuleInfo, Union[ast.stmt, ast.expr]]


def module_assignments(module: ModuleInfo) -> dict[str, ast.expr]:
    """Module-level ``name = value`` (aliases such as ``frozen = partial(dataclass, frozen=True)``)."""
    key = ("module-assignments", module.tree)
    memo = module.project.class_memo
    found = memo.get(key)
    if isinstance(found, dict):
        return found
    assigned: dict[str, ast.expr] = {}
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            assigned[stmt.targets[0].id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            assigned[stmt.target.id] = stmt.value
    memo[key] = assigned
    return assigned


def resolve(module: ModuleInfo, expr: ast.AST) -> Definition | None:
    """The class, function or module-level value an expression names, in this module, another
    first-party module, or an installed package's source."""
    if isinstance(expr, ast.Name) and expr.id not in module.imports.names:
        if expr.id in module.top_level:
            return module, module.top_level[expr.id]
        value = module_assignments(module).get(expr.id)
        return (module, value) if value is not None else None
    qualified = module.imports.qualify(expr)
    if qualified is None:
        return None
    return lookup(module, qualified)


def lookup(module: ModuleInfo, qualified: str, depth: int = 0) -> Definition | None:
    if depth > MAX_DEPTH or "." not in qualified:
        return None
    found = module.project.lookup(qualified, module.roots)
    if found is not None:
        return found
    module_name, _, name = qualified.rpartition(".")
    owner = module.project.find_module(module_name, module.roots)
    if owner is None:
        owner = installed_module(module, module_name)
    if owner is None:
        return None
    stmt = owner.top_level.get(name)
    if stmt is not None:
        return owner, stmt
    value = module_assignments(owner).get(name)
    if value is not None:
        return owner, value
    target = owner.imports.names.get(name)
    if target is not None and target != qualified:
        return lookup(owner, target, depth + 1)
    return None


def installed_module(module: ModuleInfo, dotted: str) -> ModuleInfo | None:
    """An installed module's source, found from its top-level package without importing it."""
    top = dotted.split(".", 1)[0]
    if not top.isidentifier() or is_stdlib(top):
        return None
    project = module.project
    roots = installed_roots(project, top)
    if not roots:
        return None
    return project.find_module(dotted, roots)


def installed_roots(project: Project, top: str) -> tuple[Path, ...]:
    """The folders ``import top`` would search (a namespace package may have several)."""
    cached = project.installed_roots.get(top)
    if cached is not None:
        return cached
    found: tuple[Path, ...] = ()
    if project.installed_finder is not None:
        found = project.installed_finder(top)
    if not found:
        found = _find_spec_roots(top)
    project.installed_roots[top] = found
    return found


def _find_spec_roots(top: str) -> tuple[Path, ...]:
    try:
        # A top-level name: find_spec imports no parent package, so nothing of it runs.
        spec = importlib.util.find_spec(top)
    except Exception:  # a broken .pth hook or finder must not stop a check
        return ()
    if spec is None:
        return ()
    if spec.submodule_search_locations:
        return tuple(dict.fromkeys(Path(location).parent for location in spec.submodule_search_locations))
    if spec.origin and spec.origin.endswith(".py"):
        return (Path(spec.origin).parent,)
    return ()


def is_installed(module: ModuleInfo) -> bool:
    """Whether a module was read from an installed package (never the project's to fix)."""
    return is_installed_path(module.project, module.path)


def is_installed_path(project: Project, path: Path) -> bool:
    """:func:`is_installed` for a module known by its path (its tree may be forgotten)."""
    if not {"site-packages", "dist-packages"}.isdisjoint(path.parts):
        return True
    absolute = os.path.abspath(path)
    return any(
        absolute.startswith(os.path.abspath(root) + os.sep)
        for roots in project.installed_roots.values()
        for root in roots
    )


def installed_path(project: Project, dotted: str) -> Path | None:
    """The file of an installed module, without parsing it (what :func:`installed_module` reads)."""
    top = dotted.split(".", 1)[0]
    if not top.isidentifier() or is_stdlib(top):
        return None
    roots = installed_roots(project, top)
    return project.find_path(dotted, roots) if roots else None


# -- effects ------------------------------------------------------------------------------------


def expression_effect(module: ModuleInfo, expr: ast.AST, depth: int = 0) -> Effect:
    """What applying ``expr`` to a class does (``expr`` as a decorator is written).

    An expression that cannot be followed counts as doing nothing here: an unmarked decorator the
    analysis cannot see was never dataclass-like (a marked one is judged by :func:`decorator_effect`).
    """
    if depth > MAX_DEPTH:
        return UNKNOWN
    call = expr if isinstance(expr, ast.Call) else None
    target = expr.func if isinstance(expr, ast.Call) else expr
    qualified = _qualify(module, target)
    maker = known_maker(qualified, call)
    if maker is not None:
        return maker
    if call is not None and qualified in PARTIAL and call.args:
        inner = expression_effect(module, call.args[0], depth + 1)
        if inner is not None and inner.kind == "attrs":
            # ``partial(attr.s, auto_attribs=True)``: the options are the partial's.
            return known_maker(_qualify(module, call.args[0]), call) or inner
        return inner
    if is_stdlib(qualified):
        return None  # functools.total_ordering, typing.final, ...
    found = resolve(module, target)
    if found is None:
        return None
    owner, node = found
    if isinstance(node, FUNCTION_NODES):
        return function_effect(owner, node, depth + 1)
    if isinstance(node, ast.ClassDef):
        return UNKNOWN if is_transform_marked(owner, node) else None
    if isinstance(node, ast.expr):
        effect = expression_effect(owner, node, depth + 1)
        if effect is None and call is not None:
            # ``make = dataclass_factory(); @make(frozen=True)``: what the alias returns is unseen.
            return None
        return effect
    return None


def function_effect(module: ModuleInfo, fn: ast.FunctionDef | ast.AsyncFunctionDef, depth: int = 0) -> Effect:
    """The effect of a function that receives a class (a decorator, ``__init_subclass__``, a
    metaclass's ``__new__``), over its whole body, nested functions included."""
    memo = module.project.class_memo
    key = ("function-effect", fn)
    if key in memo:
        cached = memo[key]
        return cached if isinstance(cached, Maker) else None
    memo[key] = None  # recursion (a decorator calling itself) ends here
    effect = _function_effect(module, fn, depth)
    memo[key] = effect
    return effect


def _function_effect(module: ModuleInfo, fn: ast.FunctionDef | ast.AsyncFunctionDef, depth: int) -> Effect:
    if depth > MAX_DEPTH:
        return UNKNOWN
    params: set[str] = set()
    local_functions: set[str] = set()
    # Local names bound to a maker (``decorate = dataclass(frozen=True)``): calling them applies it.
    local_makers: set[str] = set()
    locals_: set[str] = set()
    for node in [fn, *(n for stmt in fn.body for n in walk(stmt))]:
        if isinstance(node, (*FUNCTION_NODES, ast.Lambda)):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if arg is not None:
                    params.add(arg.arg)
            if node is not fn and isinstance(node, FUNCTION_NODES):
                local_functions.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            locals_.add(node.id)
    # The body only: the decorators (``dataclass_transform`` itself) and annotations do not run on the class.
    body = [node for stmt in fn.body for node in walk(stmt)]
    called = {id(node.func) for node in body if isinstance(node, ast.Call)}
    effects: list[Effect] = []
    for node in body:
        if isinstance(node, ast.Attribute) and node.attr in FIELD_DUNDERS:
            return UNKNOWN
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if _writes_into(target, params):
                    return UNKNOWN
            if isinstance(node, ast.Assign) and _mentions_maker(module, node.value):
                local_makers.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load) and id(node) not in called:
            # ``return dataclass`` (a decorator factory handing the maker back), ``partial(dataclass, ...)``.
            maker = known_maker(_qualify(module, node), None)
            if maker is not None and not (isinstance(node, ast.Name) and node.id in locals_):
                effects.append(maker)
        elif isinstance(node, ast.Call):
            effect = _call_effect(module, node, params, local_functions | local_makers, locals_, depth)
            if effect is not None and effect.kind == "unknown":
                return UNKNOWN
            effects.append(effect)
    return combine(effects)


def _writes_into(target: ast.AST, params: set[str]) -> bool:
    """``cls.x = ...``, ``namespace["x"] = ...``, ``del cls.x``: a write into a received object."""
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_writes_into(e, params) for e in target.elts)
    if isinstance(target, ast.Starred):
        return _writes_into(target.value, params)
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return False
    root: ast.AST = target
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    return isinstance(root, ast.Name) and root.id in params


def _mentions_maker(module: ModuleInfo, expr: ast.expr) -> bool:
    return any(
        known_maker(_qualify(module, node), None) is not None
        for node in walk(expr)
        if isinstance(node, (ast.Name, ast.Attribute))
    )


def _call_effect(
    module: ModuleInfo, call: ast.Call, params: set[str], local_callables: set[str], locals_: set[str], depth: int
) -> Effect:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    builtin = isinstance(func, ast.Name) and func.id not in locals_ and func.id not in module.imports.names
    if builtin and name in NAMESPACE_WRITERS:
        return UNKNOWN
    if builtin and name == "type" and len(call.args) == 3:
        return UNKNOWN
    qualified = _qualify(module, func)
    if qualified in CLASS_BUILDERS:
        return UNKNOWN
    maker = known_maker(qualified, call)
    if maker is not None:
        return maker
    if isinstance(func, ast.Call):
        # ``dataclass(frozen=True)(cls)``: the inner call is seen on its own.
        return None
    if isinstance(func, ast.Attribute) and _is_super_or_type(func.value, locals_, module):
        # ``super().__new__(mcs, name, bases, namespace)``: the chain is judged where it is defined;
        # passing anything but the namespace received builds a different class.
        if func.attr == "__new__" and len(call.args) >= 4 and not (
            isinstance(call.args[3], ast.Name) and call.args[3].id in params
        ):
            return UNKNOWN
        return None
    if isinstance(func, ast.Attribute) and name in MUTATING_METHODS and _root_in(func.value, params):
        return UNKNOWN
    if isinstance(func, ast.Name) and func.id in local_callables:
        return None  # a nested function is part of this body; a local maker alias was counted
    # Handing over the class itself (or the namespace) lets the callee change it; ``cls.__name__``
    # and other values read from it do not.
    passes_received = any(
        _is_name_in(arg.value if isinstance(arg, ast.Starred) else arg, params) for arg in call.args
    ) or any(_is_name_in(keyword.value, params) for keyword in call.keywords)
    if qualified is not None and is_stdlib(qualified):
        if qualified in PARTIAL and call.args:
            return expression_effect(module, call, depth + 1)
        return None if not passes_received or name in HARMLESS_CALLS else UNKNOWN
    found = resolve(module, func) if isinstance(func, (ast.Name, ast.Attribute)) else None
    if found is not None:
        owner, node = found
        if isinstance(node, FUNCTION_NODES):
            return function_effect(owner, node, depth + 1)
        if isinstance(node, ast.expr):
            return expression_effect(owner, node, depth + 1)
    if passes_received and name not in HARMLESS_CALLS:
        return UNKNOWN  # the class goes where the analysis cannot follow
    return None


def _is_super_or_type(expr: ast.expr, locals_: set[str], module: ModuleInfo) -> bool:
    """``super()`` / ``super(Meta, mcs)`` or the builtin ``type``: the next class in the chain."""
    if isinstance(expr, ast.Call):
        expr = expr.func
        name = "super"
    else:
        name = "type"
    return (
        isinstance(expr, ast.Name)
        and expr.id == name
        and expr.id not in locals_
        and expr.id not in module.imports.names
    )


def _is_name_in(expr: ast.AST, params: set[str]) -> bool:
    return isinstance(expr, ast.Name) and expr.id in params


def _root_in(expr: ast.AST, params: set[str]) -> bool:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return isinstance(expr, ast.Name) and expr.id in params


def metaclass_effect(module: ModuleInfo, expr: ast.expr, depth: int = 0) -> Effect:
    """What a metaclass does to each class it makes: its ``__new__`` and ``__init__`` followed;
    ``__prepare__`` (its own namespace) or ``__call__`` (its own instance creation) is unknown."""
    qualified = _qualify(module, expr)
    if isinstance(expr, ast.Name) and expr.id == "type" and expr.id not in module.imports.names:
        return None
    if is_pydantic_model_name(qualified):
        return UNKNOWN
    if is_stdlib(qualified):
        return None  # ABCMeta, EnumMeta: no field is theirs
    found = resolve(module, expr)
    if found is None or depth > MAX_DEPTH:
        return UNKNOWN
    owner, node = found
    if not isinstance(node, ast.ClassDef):
        return UNKNOWN
    memo = owner.project.class_memo
    key = ("metaclass-effect", node)
    if key in memo:
        cached = memo[key]
        return cached if isinstance(cached, Maker) else None
    memo[key] = None
    effects: list[Effect] = []
    for stmt in node.body:
        if isinstance(stmt, FUNCTION_NODES):
            if stmt.name in ("__prepare__", "__call__"):
                effects.append(UNKNOWN)
            elif stmt.name in ("__new__", "__init__"):
                effects.append(function_effect(owner, stmt, depth + 1))
    for base in node.bases:
        effects.append(metaclass_effect(owner, base, depth + 1))
    effect = combine(effects)
    memo[key] = effect
    return effect
