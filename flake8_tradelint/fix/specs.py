"""Build each family's fix at detection time, from what the analysis already knows.

Decisions live here (is the fix available? is it safe?), so the codemods only locate and rewrite.
"""

from __future__ import annotations

import ast
import builtins
import sys
from typing import Iterator

from flake8_tradelint.analysis.dataclass_model import (
    CLASSVAR,
    ClassModel,
    FieldInfo,
    annotation_head,
    is_field_call,
    is_upper_constant,
    resolve_definition,
)
from flake8_tradelint.analysis.field_uses import field_uses, target_python
from flake8_tradelint.analysis.uses import declares_outer, name_loads, self_name
from flake8_tradelint.context import FUNCTION_NODES, ModuleInfo, child_nodes
from flake8_tradelint.fix.plan import EditSpec, FixSpec, Safety


# -- TRD1xx ---------------------------------------------------------------------------------------


# Python functions bind as methods when read through an instance: a callable constant that stops
# being a field would receive ``self`` (``self.KEY_FN(3)`` -> TypeError). These values cannot be
# functions.
_SCALAR_TYPES = {"int", "str", "float", "bool", "bytes", "complex", "Decimal", "Enum", "Path"}
# ``ClassVar[Final[int]]`` is accepted from Python 3.13 (earlier ``typing`` raises TypeError at
# class creation, and mypy rejects it); before that no spelling is both a class variable and Final.
CLASSVAR_FINAL_FROM = (3, 13)


def _module_scope_bindings(module: ModuleInfo, name: str) -> Iterator[ast.AST]:
    """Statements that bind ``name`` in the module's namespace (not inside a function or class),
    and ``global name`` declarations, which let a function re-bind it."""
    stack: list[ast.AST] = list(module.tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                yield node
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                yield node
            continue
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, (ast.Store, ast.Del)):
            yield node
            continue
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            yield node
        if isinstance(node, ast.Lambda) or isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        stack.extend(child_nodes(node))
    for function in module.index.functions:
        for node in ast.walk(function):
            if isinstance(node, ast.Global) and name in node.names:
                yield node


def _class_binds(cls: ast.ClassDef, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for stmt in cls.body
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(stmt)
    ) or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and s.name == name for s in cls.body)


def _bound_as(
    module: ModuleInfo, local: str, wanted: set[str], before: int, *, allow_type_checking: bool = False
) -> bool:
    """Whether ``local`` always names one of ``wanted`` at module scope when line ``before`` runs:
    every module-scope binding is a runtime import of it, and one comes earlier. With
    ``allow_type_checking``: whether no module-scope binding names anything else (also true
    when there is none)."""
    bindings = list(_module_scope_bindings(module, local))
    earlier = allow_type_checking
    for node in bindings:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            return False  # ``ClassVar = ...``, a ``def``, a ``global``: shadowed
        if not allow_type_checking and any(node is imp and tc for imp, tc in module.index.imports):
            return False
        for alias in node.names:
            if (alias.asname or alias.name.split(".")[0]) != local:
                continue
            if isinstance(node, ast.Import):
                target = alias.name if alias.asname else alias.name.split(".")[0]
            elif node.level or not node.module:
                return False
            else:
                target = f"{node.module}.{alias.name}"
            if target not in wanted:
                return False
        earlier = earlier or node.lineno < before
    return earlier


def classvar_spelling(module: ModuleInfo, cls: ast.ClassDef) -> tuple[str, str] | None:
    """How ``cls``'s body can name ``ClassVar`` when the class is created, and the import to add
    if it cannot; None when every spelling is taken. A reused import must be bound at module scope
    at runtime before the class, never re-bound; an import inside a function or under
    ``TYPE_CHECKING`` does not count."""
    for local, qualified in sorted(module.imports.names.items()):
        if _class_binds(cls, local):
            continue
        if qualified in CLASSVAR and _bound_as(module, local, CLASSVAR, cls.lineno):
            return local, ""
    for local, qualified in sorted(module.imports.names.items()):
        if qualified == "typing" and not _class_binds(cls, local) and _bound_as(module, local, {"typing"}, cls.lineno):
            return f"{local}.ClassVar", ""
    for local in ("ClassVar", "_ClassVar"):
        # Free, or bound only by imports of ``ClassVar`` itself (under ``TYPE_CHECKING``, or after
        # the class): the added import binds the same object.
        if not _class_binds(cls, local) and _bound_as(module, local, CLASSVAR, sys.maxsize, allow_type_checking=True):
            alias = "" if local == "ClassVar" else " as _ClassVar"
            return local, f"from typing import ClassVar{alias}"
    return None


def wrap_classvar_edit(module: ModuleInfo, stmt: ast.AnnAssign, spelling: tuple[str, str], *, other_file: bool) -> EditSpec:
    name, import_stmt = spelling
    return EditSpec(
        "wrap_classvar",
        stmt,
        (("classvar", name), ("import", import_stmt)),
        path=module.path if other_file else None,
    )


def _final_head(module: ModuleInfo, annotation: ast.expr) -> bool:
    head = annotation_head(module, annotation)
    if head is None:
        return False
    qualified = module.imports.qualify(head)
    if qualified is not None:
        return qualified in ("typing.Final", "typing_extensions.Final")
    return isinstance(head, (ast.Name, ast.Attribute)) and (head.id if isinstance(head, ast.Name) else head.attr) == "Final"


def _names_in(annotation: ast.expr) -> set[str]:
    return {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(annotation) if isinstance(n, (ast.Name, ast.Attribute))}


def is_callable_constant(module: ModuleInfo, stmt: ast.AnnAssign) -> bool:
    """Whether the value may be a Python function, which a class variable would turn into a
    method: a lambda, a ``Callable`` annotation, a name of a function here or in another module."""
    value = stmt.value
    if isinstance(value, ast.Lambda):
        return True
    annotation_names = _names_in(stmt.annotation)
    if "Callable" in annotation_names and not (isinstance(value, ast.Constant) and value.value is None):
        return True
    if isinstance(value, (ast.Name, ast.Attribute)):
        found = resolve_definition(module, value)
        if found is not None:
            return not isinstance(found[1], ast.ClassDef)
        terminal = value.id if isinstance(value, ast.Name) else value.attr
        if terminal[:1].isupper() or annotation_names & _SCALAR_TYPES:
            return False  # a constant, a class, an enum member
        return True
    return False


def classvar_fix(model: ClassModel, stmt: ast.AnnAssign) -> FixSpec | None:
    """``NAME: T = v`` -> ``NAME: ClassVar[T] = v``: safe only when the whole project proves no
    one uses it as a field (:mod:`flake8_tradelint.analysis.field_uses`); no fix when the program
    would break (``Desc(NAME=3)`` somewhere) or when no spelling keeps the meaning."""
    assert isinstance(stmt.target, ast.Name)
    module = model.module
    name = stmt.target.id
    if is_field_call(module, stmt.value):
        return None  # ``field(default=...)`` under ``ClassVar`` is an error, not a constant
    if is_callable_constant(module, stmt):
        return None  # it would become a method; ``staticmethod(...)`` changes its type for mypy
    if _final_head(module, stmt.annotation):
        if target_python(module) < CLASSVAR_FINAL_FROM or not isinstance(stmt.annotation, ast.Subscript):
            return None  # bare ``Final`` (inferred type) or an older target: nothing keeps Final
    spelling = classvar_spelling(module, model.node)
    if spelling is None:
        return None
    uses = field_uses(model, name)
    if uses.breaks:
        return None
    return FixSpec(
        f"Annotate `{name}` as `ClassVar`",
        "safe" if uses.proven_unused else "unsafe",
        (wrap_classvar_edit(module, stmt, spelling, other_file=False),),
    )


def _inert_default(value: ast.expr) -> bool | None:
    """True for a literal default a dataclass accepts, None for one it rejects (a mutable
    display: ``ValueError`` at class creation), False when it cannot be told."""
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return None
    if isinstance(value, ast.Constant):
        return True
    if isinstance(value, ast.Tuple):
        parts = [_inert_default(e) for e in value.elts]
        return None if None in parts else all(parts)
    if isinstance(value, ast.UnaryOp):
        return _inert_default(value.operand)
    return False


def _annotation_portable(base: ModuleInfo, sub: ModuleInfo, annotation: ast.expr) -> bool:
    """Whether the base's annotation means the same in the subclass's module at runtime."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return False  # a forward reference: its names are not checked here
        if not isinstance(node, ast.Name):
            continue
        here, there = base.qualify(node), sub.qualify(node)
        if here is None and there is None:
            if node.id in dir(builtins) and not any(_module_scope_bindings(sub, node.id)) \
                    and not any(_module_scope_bindings(base, node.id)):
                continue
            return False
        if here != there:
            return False
    return True


# The field factories each maker understands: another maker's ``field(...)`` is a plain value to it.
_MAKER_FIELDS = {
    "dataclass": {"dataclasses.field"},
    "pydantic": {"dataclasses.field", "pydantic.Field", "pydantic.fields.Field", "pydantic.dataclasses.Field"},
    "attrs": {"attrs.field", "attr.ib", "attr.attrib", "attr.field"},
}


def override_fix(
    module: ModuleInfo, stmt: ast.stmt, name: str, info: FieldInfo, subclass: ClassModel
) -> FixSpec | None:
    """TRD102. When the overriding subclass is itself a dataclass, annotating the override makes
    it that subclass's field default and touches nothing else. Otherwise (incident 001) the
    base's field becomes a ``ClassVar``, possibly in another file, on the whole-project proof."""
    base = info.owner
    # These kinds come from the class's own decorator (an inherited ``dataclass_transform`` gives
    # "transform", whose runtime is not known).
    if subclass.kind in ("dataclass", "pydantic", "attrs"):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            return None
        value = stmt.value
        if isinstance(value, ast.Call) and is_field_call(module, value):
            if module.qualify(value.func) not in _MAKER_FIELDS[subclass.kind]:
                return None  # ``dataclasses.field(...)`` in an attrs class would become the default itself
        inert = _inert_default(stmt.value)
        if inert is None or not _annotation_portable(base.module, module, info.node.annotation):
            return None
        if _final_head(base.module, info.node.annotation):
            return None  # re-declaring a ``Final`` name in a subclass is an error for type checkers
        segment = ast.get_source_segment("\n".join(base.module.lines), info.node.annotation)
        if segment is None or "\n" in segment:
            return None
        return FixSpec(
            f"Annotate `{subclass.name}.{name}` as the field it overrides",
            "safe" if inert else "unsafe",  # a call or a name may be unhashable: ValueError at import
            (EditSpec("annotate_override", stmt, (("annotation", segment),)),),
        )
    if is_field_call(base.module, info.node.value) or is_callable_constant(base.module, info.node):
        return None
    if _final_head(base.module, info.node.annotation):
        if target_python(base.module) < CLASSVAR_FINAL_FROM or not isinstance(info.node.annotation, ast.Subscript):
            return None
    base_spelling = classvar_spelling(base.module, base.node)
    if base_spelling is None:
        return None
    edits = [wrap_classvar_edit(base.module, info.node, base_spelling, other_file=base.module.path != module.path)]
    if isinstance(stmt, ast.AnnAssign):
        spelling = classvar_spelling(module, subclass.node)
        if spelling is None:
            return None
        edits.append(wrap_classvar_edit(module, stmt, spelling, other_file=False))
    uses = field_uses(base, name)
    if uses.breaks:
        return None  # ``Desc(NAME=...)`` somewhere: a ClassVar base would raise TypeError there
    safe = is_upper_constant(name) and uses.proven_unused
    return FixSpec(f"Annotate `{base.name}.{name}` as `ClassVar`", "safe" if safe else "unsafe", tuple(edits))


def runtime_classvar_import_fix(module: ModuleInfo, annotation: ast.expr) -> FixSpec | None:
    """Re-bind at runtime the name that only ``if TYPE_CHECKING:`` imports."""
    head = annotation_head(module, annotation)
    root = module.imports.root_name(head) if head is not None else None
    if root is None:
        return None
    for node, type_checking in module.index.imports:
        if not type_checking:
            continue
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if bound != root:
                continue
            as_part = f" as {alias.asname}" if alias.asname else ""
            if isinstance(node, ast.ImportFrom):
                if node.level or not node.module:
                    return None
                statement = f"from {node.module} import {alias.name}{as_part}"
            else:
                statement = f"import {alias.name}{as_part}"
            return FixSpec(
                f"Import `{root}` at runtime",
                "safe",
                (EditSpec("runtime_import", annotation, (("import", statement),)),),
            )
    return None


# -- TRD201 ---------------------------------------------------------------------------------------


def _block_of(module: ModuleInfo, stmt: ast.stmt) -> list[ast.stmt] | None:
    parent = module.parent(stmt)
    for field_name in ("body", "orelse", "finalbody"):
        block = getattr(parent, field_name, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return block
    return None


def async_with_fix(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    assign: ast.AST,
    name: str,
    ctor: str,
) -> FixSpec | None:
    """``s = X(...)`` + uses + ``await s.close()`` -> ``async with X(...) as s:`` + uses.

    Only when every use of ``s`` is in later statements of the same block, ``s`` is bound once,
    and the only closes are top-level ``await s.close()`` statements of that block."""
    if not isinstance(function, ast.AsyncFunctionDef) or not isinstance(assign, ast.Assign):
        return None
    block = _block_of(module, assign)
    if block is None or declares_outer(function, name):
        return None
    index = next(i for i, s in enumerate(block) if s is assign)
    later = block[index + 1 :]
    owners: list[int] = []
    closes: list[int] = []
    for load in name_loads(function, name):
        owner = _statement_in(module, load, later)
        if owner is None:
            return None
        if _is_top_level_close(later[owner], name):
            closes.append(owner)  # removed by the fix, so the block must reach it
            continue
        if _close_call_inside(load, module, name):
            return None  # a nested close (in an ``if``/``try``): leave the structure to a human
        owners.append(owner)
    stores = [
        n for n in ast.walk(function)
        if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, (ast.Store, ast.Del))
    ]
    if len(stores) != 1 or not owners:
        return None
    last = later[max(owners + closes)]
    return FixSpec(
        f"Use `async with {ctor}(...) as {name}:`",
        "safe",
        (EditSpec("async_with", assign, (("name", name), ("last_line", str(last.lineno)))),),
    )


def _statement_in(module: ModuleInfo, node: ast.AST, block: list[ast.stmt]) -> int | None:
    ids = {id(s): i for i, s in enumerate(block)}
    current: ast.AST | None = node
    while current is not None:
        if id(current) in ids:
            return ids[id(current)]
        current = module.parent(current)
    return None


def _is_top_level_close(stmt: ast.stmt, name: str) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Await)):
        return False
    call = stmt.value.value
    return (
        isinstance(call, ast.Call)
        and not call.args
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("close", "aclose")
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == name
    )


def _close_call_inside(load: ast.Name, module: ModuleInfo, name: str) -> bool:
    parent = module.parent(load)
    return isinstance(parent, ast.Attribute) and parent.attr in ("close", "aclose")


# -- TRD202 / TRD303 ------------------------------------------------------------------------------


def _class_path(module: ModuleInfo, cls: ast.ClassDef) -> str:
    names = [cls.name]
    for ancestor in module.ancestors(cls):
        if isinstance(ancestor, ast.ClassDef):
            names.append(ancestor.name)
        elif isinstance(ancestor, FUNCTION_NODES):
            return ""  # a class inside a function: not addressed by path
    return ".".join(reversed(names))


def _async_shutdown(cls: ast.ClassDef, names: tuple[str, ...]) -> ast.AsyncFunctionDef | None:
    methods = {s.name: s for s in cls.body if isinstance(s, ast.AsyncFunctionDef)}
    return next((methods[n] for n in names if n in methods), None)


def _assigned_in_init(cls: ast.ClassDef, attr: str) -> bool:
    init = next((s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
    if init is None:
        return False
    receiver = self_name(init)
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
        for node in ast.walk(init)
    )


def shutdown_fix(
    module: ModuleInfo,
    cls: ast.ClassDef,
    attr: str,
    shutdown_names: tuple[str, ...],
    body: str,
    title: str,
    safety: Safety,
    import_stmt: str = "",
    where: str = "end",
) -> FixSpec | None:
    """Append ``body`` (with ``{x}`` for ``self.attr``) to the class's async shutdown-like method,
    guarded by ``is not None`` when ``__init__`` sets the attribute, by ``getattr`` otherwise."""
    method = _async_shutdown(cls, shutdown_names)
    path = _class_path(module, cls)
    if method is None or not path:
        return None
    receiver = self_name(method) or "self"
    target = f"{receiver}.{attr}"
    if _assigned_in_init(cls, attr):
        guard = f"if {target} is not None:"
    else:
        guard = f'if getattr({receiver}, "{attr}", None) is not None:'
    lines = [guard] + ["    " + line.format(x=target) for line in body.splitlines()]
    code = "\n".join(lines) + "\n"
    return FixSpec(
        title.format(method=method.name),
        safety,
        (
            EditSpec(
                "append_to_method",
                method,
                (("class", path), ("method", method.name), ("code", code), ("import", import_stmt), ("where", where)),
            ),
        ),
    )


def asyncio_spelling(module: ModuleInfo) -> tuple[str, str]:
    for name, qualified in module.imports.names.items():
        if qualified == "asyncio" and name not in module.imports.type_checking_only:
            return name, ""
    return "asyncio", "import asyncio"


# -- TRD3xx discarded / local tasks ------------------------------------------------------------


def keep_task_fix(call: ast.Call, returns_task: bool = True) -> FixSpec | None:
    if not returns_task:
        return None  # a wrapper that returns nothing: there is no task to hold
    return FixSpec(
        "Keep a strong reference until the task is done",
        "safe",
        (EditSpec("keep_task", call),),
    )
