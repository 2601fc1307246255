"""The first-party class of an attribute of ``self``, read from what the class's own methods store
in it: shared by the task model (whose loop a tracked task runs, ``hass_waits``) and the resource
model (whose release a bare call leaves unawaited, ``unawaited_release``)."""

from __future__ import annotations

import ast

from tradelint.facts.class_body import annotation_head
from tradelint.facts.class_family import class_and_bases, resolve_class_node, resolve_definition, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.global_bindings import global_bindings, reads_global
from tradelint.facts.syntax import FUNCTION_NODES, own_returns, plain_assignments, walk
from tradelint.facts.uses import bound_once

ClassRef = tuple[ModuleInfo, ast.ClassDef]

# How far a receiver's class is followed through stores, parameters and factories' annotations.
DEPTH = 4


def attribute_class(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class of ``self.attr`` in ``cls``, when every store of it in the class's
    own methods says the same: ``self.attr: C = ...``, ``self.attr = C(...)``, or ``self.attr =
    param`` of a parameter annotated ``C``; or the class body's ``attr: C``. None when a store says
    nothing (``self.attr = make()``) or two say different classes."""
    memo = module.project.class_memo
    key = ("attribute-class", cls)
    one: dict[str, ast.expr | None] = memo.setdefault(key, {})
    if attr not in one:  # the stores' dumps compared once per class and attribute, not per question
        named = attribute_class_expressions(module, cls).get(attr)
        one[attr] = named[0] if named and len({ast.dump(n) for n in named}) == 1 else None
    head = one[attr]
    return resolve_class_node(module, head) if head is not None else None


def attribute_class_expressions(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, list[ast.expr]]:
    """For each attribute of ``cls``, what its stores name as its class (an empty list: a store
    that names none); once per class."""
    memo = module.project.class_memo
    key = ("attribute-classes", cls)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    named: dict[str, list[ast.expr]] = {}
    unknown: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            named.setdefault(stmt.target.id, []).append(stmt.annotation)
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES) or not method.args.args:
            continue
        me = method.args.args[0].arg
        params = {a.arg: a.annotation for a in (*method.args.args, *method.args.kwonlyargs)}
        for node in walk(method):
            targets: list[ast.expr]
            if isinstance(node, ast.AnnAssign):
                targets, value, annotation = [node.target], node.value, node.annotation
            elif isinstance(node, ast.Assign):
                targets, value, annotation = node.targets, node.value, None
            else:
                continue
            for target in targets:
                if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == me):
                    continue
                given = params.get(value.id) if isinstance(value, ast.Name) else None
                if annotation is not None:
                    named.setdefault(target.attr, []).append(annotation)
                elif isinstance(value, ast.Call):
                    named.setdefault(target.attr, []).append(value.func)
                elif given is not None:
                    named.setdefault(target.attr, []).append(given)
                elif not (isinstance(value, ast.Constant) and value.value is None):
                    unknown.add(target.attr)
    for attr in unknown:
        named[attr] = []
    memo[key] = named
    return named


def receiver_class(module: ModuleInfo, function: ast.AST, expr: ast.expr, depth: int = 0) -> ClassRef | None:
    """The first-party class of ``expr`` read in ``function``, when the code proves it: ``self``
    (the method's class); ``self.attr`` (every store of it in the class, or, when the class stores
    none, in its subclasses, says one class: a constructor, an annotation, a factory's return
    annotation); a parameter (its annotation, or its default's class: ``factory=Factory()``); a
    local bound once (its value's class). None otherwise."""
    if depth > DEPTH or not isinstance(function, FUNCTION_NODES):
        return None
    me = _self_name(function)
    parent = module.parent(function)
    cls = parent if isinstance(parent, ast.ClassDef) and me is not None else None
    if isinstance(expr, ast.Name):
        if cls is not None and expr.id == me:
            return module, cls
        args = function.args
        positional = [*args.posonlyargs, *args.args]
        defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
        defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
        for arg in (*positional, *args.kwonlyargs):
            if arg.arg == expr.id:
                if arg.annotation is not None:
                    head = annotation_head(module, _optional(arg.annotation))
                    return resolve_class_node(module, head) if head is not None else None
                default = defaults.get(arg.arg)
                return value_class(module, function, default, depth + 1) if default is not None else None
        value = _bound_past_none(function, expr.id)
        if value is None and reads_global(module, function, expr.id):
            return _global_class(module, function, expr.id, depth + 1)
        return value_class(module, function, value, depth + 1) if value is not None else None
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and cls is not None and expr.value.id == me:
        found = family_attribute_classes(module, cls, expr.attr, depth + 1)
        return found[0] if found is not None and len({id(c[1]) for c in found}) == 1 else None
    return None


def receiver_classes(module: ModuleInfo, function: ast.AST, expr: ast.expr) -> list[ClassRef] | None:
    """``receiver_class``, where ``self.attr`` may hold an instance of one of several classes,
    each proven (the stores of several subclasses): all of them; None when one is unknown."""
    if isinstance(function, FUNCTION_NODES) and isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        parent = module.parent(function)
        if isinstance(parent, ast.ClassDef) and expr.value.id == _self_name(function):
            return family_attribute_classes(module, parent, expr.attr)
    found = receiver_class(module, function, expr)
    return [found] if found is not None else None


def value_class(module: ModuleInfo, function: ast.AST, value: ast.expr, depth: int = 0) -> ClassRef | None:
    """The first-party class of what ``value`` evaluates to: a constructor call, or a call of a
    function or method (of a receiver whose class is proven) whose return annotation names one,
    or ``a or b`` whose operands are each proven of the same class."""
    if depth > DEPTH:
        return None
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        # ``api_factory or build_api_factory(throttler)``: the value is one of the operands; its
        # class is proven when every operand's is, and they are one class.
        operands = [receiver_class(module, function, v, depth + 1) if isinstance(v, ast.Name) else value_class(module, function, v, depth + 1) for v in value.values]
        first = operands[0]
        return first if first is not None and all(o is not None and o[1] is first[1] for o in operands) else None
    if not isinstance(value, ast.Call):
        return None
    made = resolve_class_node(module, value.func)
    if made is not None:
        return made
    func = value.func
    if isinstance(func, ast.Attribute) and (own := _own_class_maker(module, func)) is not None:
        return own
    if isinstance(func, ast.Attribute):
        owner = receiver_class(module, function, func.value, depth + 1)
        if owner is None:
            return None
        # The class's own method first: its bases are resolved (their modules parsed: ccxt's
        # exchanges' 450 KB base) only when it has none of that name.
        mine = [stmt for stmt in owner[1].body if isinstance(stmt, FUNCTION_NODES) and stmt.name == func.attr]
        if mine:
            return _returned_class(owner[0], mine[0])
        for home, node in class_and_bases(*owner):
            for stmt in node.body:
                if isinstance(stmt, FUNCTION_NODES) and stmt.name == func.attr:
                    return _returned_class(home, stmt)
        return None
    found = resolve_definition(module, func) if isinstance(func, ast.Name) else None
    if found is not None and isinstance(found[1], FUNCTION_NODES):
        return _returned_class(found[0], found[1])
    return None


def family_attribute_classes(module: ModuleInfo, cls: ast.ClassDef, attr: str, depth: int = 0) -> list[ClassRef] | None:
    """The classes ``self.attr`` of ``cls`` may hold: ``attribute_class``, with stores of a
    factory's result read through its return annotation, and, for a class that stores nothing in
    ``self.attr``, the stores of its subclasses in the project (a base's ``terminate()`` ending
    what each subclass makes). None when a store says nothing."""
    found = attribute_class(module, cls, attr)
    if found is not None or depth > DEPTH:
        return [found] if found is not None else None
    owners: list[ClassRef] = [(module, cls)] if attr in attribute_class_expressions(module, cls) else []
    if not owners:
        owners = [sub for sub in subclasses_in_project(module, cls, mixins_only=False) if attr in attribute_class_expressions(*sub)]
    classes: list[ClassRef] = []
    for home, owner in owners:
        for method, node in _self_assigns(home, owner).get(attr, ()):
            if isinstance(node.value, ast.Constant) and node.value.value is None:
                continue
            made = attribute_class(home, owner, attr) or value_class(home, method, node.value, depth + 1)
            if made is None:
                return None
            classes.append(made)
    return classes or None


def _self_assigns(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, list[tuple[ast.AST, ast.Assign]]]:
    """For each attribute, the plain assignments to ``self.attr`` in the methods of ``cls``, with
    their method, in the order of the methods and of ``walk``: one walk per class, not one per
    attribute asked (every ``x = self.attr.make()`` of a file asked for its receiver's class)."""
    memo = module.project.class_memo
    key = ("self-assigns", cls)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    table: dict[str, list[tuple[ast.AST, ast.Assign]]] = {}
    for method in cls.body:
        me = _self_name(method) if isinstance(method, FUNCTION_NODES) else None
        if me is None:
            continue
        for node in walk(method):
            if isinstance(node, ast.Assign):
                stored = [t.attr for t in node.targets if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == me]
                for attr in dict.fromkeys(stored):
                    table.setdefault(attr, []).append((method, node))
    memo[key] = table
    return table


def _own_class_maker(module: ModuleInfo, func: ast.Attribute) -> ClassRef | None:
    """The first-party class ``Transport`` of ``Transport.connect(...)``, when ``connect`` is a
    ``@classmethod`` (the class's own or a first-party base's) every ``return`` of which makes an
    instance of the class it is called on (``return cls(reader=reader, writer=writer)``): what the
    call gives is an instance of the very class named, whatever the return annotation says (an
    abstract ``TransportAPI``). ethereum/trinity ``cb49f383``."""
    named = resolve_class_node(module, func.value)
    if named is None:
        return None
    for _, node in class_and_bases(*named):
        for stmt in node.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name == func.attr:
                return named if _returns_cls(stmt) else None
    return None


def _returns_cls(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``method`` is a ``@classmethod`` whose every ``return`` (one at least, nested functions
    aside) is a call of its first parameter (``cls(...)``)."""
    if not any(isinstance(d, ast.Name) and d.id == "classmethod" for d in method.decorator_list) or not method.args.args:
        return False
    first = method.args.args[0].arg
    returns = own_returns(method)
    return bool(returns) and all(
        isinstance(r.value, ast.Call) and isinstance(r.value.func, ast.Name) and r.value.func.id == first for r in returns
    )


def _returned_class(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> ClassRef | None:
    if function.returns is None:
        return None
    head = annotation_head(module, _optional(function.returns))
    return resolve_class_node(module, head) if head is not None else None


def _optional(annotation: ast.expr) -> ast.expr:
    """``X`` of ``Optional[X]`` and ``X | None``."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        kept = [a for a in sides if not (isinstance(a, ast.Constant) and a.value is None)]
        return kept[0] if len(kept) == 1 else annotation
    if isinstance(annotation, ast.Subscript) and getattr(annotation.value, "id", getattr(annotation.value, "attr", "")) == "Optional":
        return annotation.slice
    return annotation


def _self_name(function: ast.AST) -> str | None:
    if not isinstance(function, FUNCTION_NODES) or not function.args.args:
        return None
    for d in function.decorator_list:
        name = d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else ""
        if name in ("staticmethod", "classmethod"):
            return None
    return function.args.args[0].arg


def _global_class(module: ModuleInfo, function: ast.AST, name: str, depth: int) -> ClassRef | None:
    """The first-party class of the module global ``name`` a function reads without binding it:
    its module-level annotation (``_client: Optional[Client] = None``), else what every value the
    module binds it to (at module level, or in a function declaring it ``global``) says, when they
    say one class."""
    bindings = global_bindings(module, name)
    if bindings is None:
        return None
    if bindings.annotations:
        heads = {ast.dump(h): h for a in bindings.annotations if (h := annotation_head(module, _optional(a))) is not None}
        return resolve_class_node(module, next(iter(heads.values()))) if len(heads) == 1 else None
    found = [value_class(module, function, value, depth) for value in bindings.values]
    return found[0] if found and found[0] is not None and all(f is not None and f[1] is found[0][1] for f in found) else None


def _bound_past_none(function: ast.AST, name: str) -> ast.expr | None:
    """The local's one value (``bound_once``), ``None`` bindings aside: ``playground = None``
    before the ``try`` that makes ``playground = NodeJSPlayground(...)``. A method called on it
    is called on that value, since ``None`` has none."""
    value = bound_once(function, name)
    if value is not None:
        return value
    made = local_binding(function, name)
    return made.value if made is not None else None


def local_binding(function: ast.AST, name: str) -> ast.Assign | None:
    """The one assignment of the local ``name`` in ``function`` whose value is not ``None``."""
    found = plain_assignments(function).get(name, ())
    return found[0] if len(found) == 1 else None
