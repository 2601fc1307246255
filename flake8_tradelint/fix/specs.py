"""Build each family's fix at detection time, from what the analysis already knows.

Decisions live here (is the fix available? is it safe?), so the codemods only locate and rewrite.
"""

from __future__ import annotations

import ast

from flake8_tradelint.analysis.dataclass_model import CLASSVAR, ClassModel, class_model, is_field_call
from flake8_tradelint.analysis.uses import declares_outer, name_loads, self_name
from flake8_tradelint.context import FUNCTION_NODES, ModuleInfo
from flake8_tradelint.fix.plan import EditSpec, FixSpec, Safety


# -- TRD1xx ---------------------------------------------------------------------------------------


def classvar_spelling(module: ModuleInfo) -> tuple[str, str]:
    """How this module can name ``ClassVar`` at runtime, and the import to add if it cannot."""
    runtime = {name: q for name, q in module.imports.names.items() if name not in module.imports.type_checking_only}
    for name, qualified in runtime.items():
        if qualified in CLASSVAR:
            return name, ""
    for name, qualified in runtime.items():
        if qualified == "typing":
            return f"{name}.ClassVar", ""
    return "ClassVar", "from typing import ClassVar"


def wrap_classvar_edit(module: ModuleInfo, stmt: ast.AnnAssign, *, other_file: bool) -> EditSpec:
    spelling, import_stmt = classvar_spelling(module)
    return EditSpec(
        "wrap_classvar",
        stmt,
        (("classvar", spelling), ("import", import_stmt)),
        path=module.path if other_file else None,
    )


def classvar_safety(model: ClassModel, name: str) -> Safety:
    """Unsafe when the field is visibly used as a field: passed to a constructor (by name or by
    position), assigned on an instance, or re-annotated by a dataclass subclass."""
    module = model.module
    family = {model.node.name}
    for node in module.index.classes:
        other = class_model(module, node)
        if any(b is not None and b.node.name in family for b in other.bases):
            family.add(node.name)
            if other.kind is not None and name in other.own_fields:
                return "unsafe"
    for call in module.index.calls:
        if isinstance(call.func, ast.Name) and call.func.id in family:
            if call.args or any(kw.arg == name or kw.arg is None for kw in call.keywords):
                return "unsafe"
        if isinstance(call.func, ast.Attribute) and call.func.attr == "replace":
            if any(kw.arg == name for kw in call.keywords):
                return "unsafe"
    for attribute in module.index.attributes:
        if attribute.attr == name and isinstance(attribute.ctx, ast.Store):
            if not (isinstance(attribute.value, ast.Name) and attribute.value.id in family):
                return "unsafe"
    return "safe"


def classvar_fix(model: ClassModel, stmt: ast.AnnAssign) -> FixSpec | None:
    assert isinstance(stmt.target, ast.Name)
    if is_field_call(model.module, stmt.value):
        return None  # ``field(default=...)`` under ``ClassVar`` is an error, not a constant
    return FixSpec(
        f"Annotate `{stmt.target.id}` as `ClassVar`",
        classvar_safety(model, stmt.target.id),
        (wrap_classvar_edit(model.module, stmt, other_file=False),),
    )


def runtime_classvar_import_fix(module: ModuleInfo, annotation: ast.expr) -> FixSpec | None:
    """Re-bind at runtime the name that only ``if TYPE_CHECKING:`` imports."""
    from flake8_tradelint.analysis.dataclass_model import annotation_head

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
