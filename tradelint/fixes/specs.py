"""Build each family's fix at detection time, from what the analysis already knows.

Decisions live here (is the fix available? is it safe?), so the codemods only locate and rewrite.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, cast

from tradelint.models.dataclasses.dataclass_model import (
    CLASSVAR,
    ClassModel,
    FieldInfo,
    annotation_head,
    is_field_call,
    is_upper_constant,
    resolve_definition,
)
from tradelint.models.dataclasses.field_uses import field_uses, target_python
from tradelint.facts.ownership import release_method
from tradelint.facts.uses import declares_outer, name_loads, self_name
from tradelint.facts.context import FUNCTION_NODES, ModuleInfo, child_nodes
from tradelint.core.fix_plan import EditSpec, FixSpec, Safety

if TYPE_CHECKING:
    from tradelint.runner.engine import FileContext


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
    one uses it as a field (:mod:`tradelint.models.dataclasses.field_uses`); no fix when the program
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
    if not isinstance(info.node, ast.AnnAssign):
        return None  # attrs' ``x = attr.ib()``: no annotation to reuse or wrap
    node = info.node
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
        if inert is None or not _annotation_portable(base.module, module, node.annotation):
            return None
        if _final_head(base.module, node.annotation):
            return None  # re-declaring a ``Final`` name in a subclass is an error for type checkers
        segment = ast.get_source_segment("\n".join(base.module.lines), node.annotation)
        if segment is None or "\n" in segment:
            return None
        return FixSpec(
            f"Annotate `{subclass.name}.{name}` as the field it overrides",
            "safe" if inert else "unsafe",  # a call or a name may be unhashable: ValueError at import
            (EditSpec("annotate_override", stmt, (("annotation", segment),)),),
        )
    if is_field_call(base.module, node.value) or is_callable_constant(base.module, node):
        return None
    if _final_head(base.module, node.annotation):
        if target_python(base.module) < CLASSVAR_FINAL_FROM or not isinstance(node.annotation, ast.Subscript):
            return None
    base_spelling = classvar_spelling(base.module, base.node)
    if base_spelling is None:
        return None
    edits = [wrap_classvar_edit(base.module, node, base_spelling, other_file=base.module.path != module.path)]
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
    # What was taken from the session (``response = await s.get(url)``) must be used up inside
    # the block too: reading a response after its session closed fails ("Connection closed").
    derived = _derived_owners(module, function, later, name, owners, closed=bool(closes))
    if derived is None:
        return None
    last = later[max(owners + closes + derived)]
    return FixSpec(
        f"Use `async with {ctor}(...) as {name}:`",
        "safe",
        (EditSpec("async_with", assign, (("name", name), ("last_line", str(last.lineno)))),),
    )


def _derived_owners(
    module: ModuleInfo,
    function: ast.AsyncFunctionDef,
    later: list[ast.stmt],
    name: str,
    owners: list[int],
    *,
    closed: bool,
) -> list[int] | None:
    """Statements of ``later`` that use a name bound from the session, directly or through
    another such name; None when such a value may outlive the block: used outside ``later``, or
    returned or yielded itself when the original never closed the session (a response handed
    to the caller worked then, and would be dead after the fix). When the original closed it,
    the caller already got the value after the close, so the block may end after the return."""
    found: list[int] = []
    seen = {name}
    pending = [later[i] for i in owners]
    while pending:
        stmt = pending.pop()
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) or stmt.value is None:
            continue
        if not any(isinstance(n, ast.Name) and n.id in seen for n in ast.walk(stmt.value)):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            for bound in ast.walk(target):
                if not isinstance(bound, ast.Name) or bound.id in seen:
                    continue
                seen.add(bound.id)
                for load in name_loads(function, bound.id):
                    owner = _statement_in(module, load, later)
                    if owner is None or (not closed and _escapes(module, load)):
                        return None
                    found.append(owner)
                    pending.append(later[owner])
    return found


def _escapes(module: ModuleInfo, load: ast.Name) -> bool:
    """The value itself leaves the function (``return response``, ``yield resp, 1``), not
    something computed from it inside the block (``return resp.status``, ``await resp.read()``)."""
    current: ast.AST = load
    parent = module.parent(current)
    while isinstance(parent, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred)):
        current, parent = parent, module.parent(parent)
    return isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom))


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


def _async_shutdown(
    module: ModuleInfo, cls: ast.ClassDef, names: tuple[str, ...], own: bool = True
) -> ast.AsyncFunctionDef | None:
    """The class's release method (:func:`ownership.release_method`, the one the TRD202/TRD303
    messages name), when the class itself defines it as ``async def``: the fix adds an ``await``
    there. An inherited or sync release method gets no fix. ``own=False``: only a configured
    shutdown name (the task keeper of TRD301/TRD302, whose messages name no method: a class's
    ``stop_live_update()`` is no place to end every task it starts)."""
    methods = {s.name: s for s in cls.body if isinstance(s, ast.AsyncFunctionDef)}
    if not own:
        return next((methods[n] for n in names if n in methods), None)
    name = release_method(module, cls, names)
    return methods.get(name) if name is not None else None


def ending_method(
    module: ModuleInfo, cls: ast.ClassDef, names: tuple[str, ...], own: bool = True
) -> ast.AsyncFunctionDef | None:
    """The async shutdown-like method where the class's work ends: ``__aexit__`` that awaits
    ``self.close()`` leads to ``close()``, which callers also use without ``async with``."""
    method = _async_shutdown(module, cls, names, own)
    methods = {s.name: s for s in cls.body if isinstance(s, ast.AsyncFunctionDef)}
    seen: set[str] = set()
    while method is not None and method.name not in seen:
        seen.add(method.name)
        receiver = self_name(method)
        callee = next(
            (
                methods[node.value.func.attr]
                for node in ast.walk(method)
                if isinstance(node, ast.Await)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == receiver
                and node.value.func.attr in names
                and node.value.func.attr in methods
                and node.value.func.attr != method.name
            ),
            None,
        )
        if callee is None:
            return method
        method = callee
    return method


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
    also: str = "",
    follow: bool = False,
) -> FixSpec | None:
    """Append ``body`` (with ``{x}`` for ``self.attr``) to the class's async shutdown-like method,
    guarded by ``is not None`` when ``__init__`` sets the attribute, by ``getattr`` otherwise, and
    by ``also`` (a condition on ``{x}``) when given; ``follow``: in the method it awaits
    (:func:`ending_method`)."""
    method = ending_method(module, cls, shutdown_names) if follow else _async_shutdown(module, cls, shutdown_names)
    path = _class_path(module, cls)
    if method is None or not path:
        return None
    receiver = self_name(method) or "self"
    target = f"{receiver}.{attr}"
    if where == "end" and any(
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
        for node in ast.walk(method)
    ):
        # ``self._session = None`` in the method: the end comes before the attribute is dropped.
        where = "start"
    if _assigned_in_init(cls, attr):
        conditions = [f"{target} is not None"]
    else:
        conditions = [f'getattr({receiver}, "{attr}", None) is not None']
    if also:
        conditions.append(also.format(x=target))
    guard = f"if {' and '.join(conditions)}:"
    if method.col_offset + 4 + len(guard) > MAX_LINE:
        # Inserted lines stay short: one condition a line, as black would split them.
        guard = "if (\n" + "\n    and ".join("    " + c if i == 0 else c for i, c in enumerate(conditions)) + "\n):"
    inner = method.col_offset + 8
    body_lines = [_fit("    " + line.format(x=target), inner - 4) for line in body.splitlines()]
    lines = guard.splitlines() + [part for line in body_lines for part in line]
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


def _fit(line: str, indent: int) -> list[str]:
    """``f(a, b)`` as one line when it fits in ``MAX_LINE`` at ``indent``, else its arguments on a
    line of their own."""
    if indent + len(line) <= MAX_LINE or not line.endswith(")") or "(" not in line:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    head, _, args = line.partition("(")
    return [head + "(", lead + "    " + args[:-1], lead + ")"]


def asyncio_spelling(module: ModuleInfo) -> tuple[str, str]:
    for name, qualified in _runtime_imports(module).items():
        if qualified == "asyncio":
            return name, ""
    return "asyncio", "import asyncio"


# -- TRD3xx discarded / local tasks ------------------------------------------------------------
#
# Three ways to keep a task, in this order:
# 1. in a method of a class with an async shutdown-like method: on the instance, ended (cancelled
#    and awaited, never the current task) by that method. Unsafe: the work now stops at shutdown.
# 2. the project's own keeper, named by ``task-keeper`` in ``[tool.tradelint]``: imported.
# 3. a typed keeper written into the module, only when the module is a program of its own (not in
#    a package, no import between it and a module beside it): one keeper per project, never a copy
#    per file. Anywhere else there is no automatic fix; the project names its keeper instead.
# And only when the call gives a task on every path (see ``TaskAnalysis.returns_task``).

KEEPER, KEEPER_SET, KEEPER_TYPEVAR = "_keep_task", "_background_tasks", "_TaskT"
END_TASKS = "_end_tasks"
MAX_LINE = 79  # the inserted code fits flake8's default, the strictest of the usual limits


def keep_task_fix(ctx: FileContext, call: ast.Call) -> FixSpec | None:
    module = ctx.module
    if not ctx.tasks.returns_task(call):
        return None  # a wrapper that returns nothing (or None in some mode): no task to hold
    on_instance = _instance_keeper_fix(module, call, ctx.config.shutdown_methods)
    if on_instance is not None:
        return on_instance
    if ctx.config.task_keeper:
        return _configured_keeper_fix(module, call, ctx.config.task_keeper)
    return _module_keeper_fix(module, call)


def _keep_edit(call: ast.Call, wrapper: str, imports: list[str], **extra: str) -> EditSpec:
    params = (("wrapper", wrapper), ("import", "\n".join(dict.fromkeys(i for i in imports if i))))
    return EditSpec("keep_task", call, params + tuple(extra.items()))


def module_bindings(module: ModuleInfo) -> set[str]:
    """Every name the module binds in any scope: an inserted name must be none of them."""
    memo = module.project.class_memo
    key = ("bindings", module.tree)
    if key not in memo:
        names: set[str] = set()
        # The index's parent links hold every node of the tree but the module itself and the
        # shared context and operator singletons, none of which binds a name: the same names
        # as an ``ast.walk``, without walking.
        for node in module.index.parents:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.split(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                names.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                names.add(node.rest)
        memo[key] = names
    return cast("set[str]", memo[key])


def _runtime_imports(module: ModuleInfo) -> dict[str, str]:
    """Names bound at runtime by the module's own top-level absolute imports: what inserted
    module-level code may use (an import inside a function binds nothing out there)."""
    found: dict[str, str] = {}
    for node, type_checking in module.index.imports:
        if type_checking or module.enclosing_scope(node) is not None:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                continue
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        else:
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    return found


def _module_spelling(module: ModuleInfo, dotted: str) -> tuple[str, str] | None:
    """How to name module ``dotted`` (``asyncio``, ``typing``) here, and the import it needs."""
    for name, qualified in _runtime_imports(module).items():
        if qualified == dotted:
            return name, ""
    if dotted in module_bindings(module):
        return None  # the name means something else here
    return dotted, f"import {dotted}"


def _typing_spelling(module: ModuleInfo, attr: str) -> tuple[str, str] | None:
    runtime = _runtime_imports(module)
    for name, qualified in runtime.items():
        if qualified in (f"typing.{attr}", f"typing_extensions.{attr}"):
            return name, ""
    for name, qualified in runtime.items():
        if qualified == "typing":
            return f"{name}.{attr}", ""
    if attr not in module_bindings(module):
        return attr, f"from typing import {attr}"
    spelled = _module_spelling(module, "typing")
    return None if spelled is None else (f"{spelled[0]}.{attr}", spelled[1])


def _spellings(module: ModuleInfo) -> tuple[dict[str, str], list[str]] | None:
    found: dict[str, str] = {}
    imports: list[str] = []
    for key, spelled in (
        ("asyncio", _module_spelling(module, "asyncio")),
        ("Any", _typing_spelling(module, "Any")),
        ("TypeVar", _typing_spelling(module, "TypeVar")),
    ):
        if spelled is None:
            return None
        found[key] = spelled[0]
        imports.append(spelled[1])
    return found, imports


def _typevar_code(names: dict[str, str], typevar: str) -> str:
    bound = f'"{names["asyncio"]}.Future[{names["Any"]}]"'
    return f'{typevar} = {names["TypeVar"]}("{typevar}", bound={bound})\n'


def module_keeper_code(
    names: dict[str, str], keeper: str, tasks: str, typevar: str, *, quoted: bool = True
) -> str:
    """The keeper written into a module; its set's annotation is quoted unless the module has
    ``from __future__ import annotations`` (it is evaluated at import time, and ``set[...]``
    needs Python 3.9)."""
    future = f'{names["asyncio"]}.Future[{names["Any"]}]'
    annotation = f'"set[{future}]"' if quoted else f"set[{future}]"
    return (
        _typevar_code(names, typevar)
        + f"{tasks}: {annotation} = set()\n\n\n"
        + f"def {keeper}(task: {typevar}) -> {typevar}:\n"
        + '    """Hold a strong reference to ``task`` until it is done."""\n'
        + f"    {tasks}.add(task)\n"
        + f"    task.add_done_callback({tasks}.discard)\n"
        + "    return task\n"
    )


def _defines_exactly(module: ModuleInfo, code: str) -> bool:
    """Whether every statement of ``code`` is already a top-level statement of the module."""
    return _all_present(module.tree.body, ast.parse(code).body)


def _all_present(body: list[ast.stmt], wanted: list[ast.stmt]) -> bool:
    """Whether each statement of ``wanted`` is one of ``body`` (equal ``ast.dump``: the same
    code, wherever it is). Equal dumps have the same node type and the same bound names
    (``_statement_key``): only the statements that share both are dumped, which few do, where
    dumping the whole body cost more than the rest of the fix."""
    for stmt in wanted:
        key = _statement_key(stmt)
        dumped: str | None = None
        for candidate in body:
            if _statement_key(candidate) == key:
                if dumped is None:
                    dumped = ast.dump(stmt)
                if ast.dump(candidate) == dumped:
                    break
        else:
            return False
    return True


def _statement_key(stmt: ast.stmt) -> tuple[object, ...]:
    """Part of what ``ast.dump`` shows of a statement: its type, a definition's name, the names
    an assignment binds (a target that is no plain name counts as None)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (stmt.__class__, stmt.name)
    if isinstance(stmt, ast.Assign):
        return (stmt.__class__, *(t.id if isinstance(t, ast.Name) else None for t in stmt.targets))
    if isinstance(stmt, ast.AnnAssign):
        return (stmt.__class__, stmt.target.id if isinstance(stmt.target, ast.Name) else None)
    return (stmt.__class__,)


def _suffixes() -> list[str]:
    return ["", *(f"_{n}" for n in range(2, 10))]


def _module_keeper_fix(module: ModuleInfo, call: ast.Call) -> FixSpec | None:
    if not _is_standalone(module):
        return None
    spelled = _spellings(module)
    if spelled is None:
        return None
    names, imports = spelled
    title = "Keep a strong reference until the task is done"
    existing = _existing_keeper(module, names)
    if existing is not None:
        return FixSpec(title, "safe", (_keep_edit(call, existing, []),))
    taken = module_bindings(module)
    keeper = _free_name(KEEPER, taken)
    tasks = _free_name(KEEPER_SET, taken)
    typevar = _typevar_name(module, names, taken)
    if keeper is None or tasks is None or typevar is None:
        return None
    code = module_keeper_code(names, keeper, tasks, typevar, quoted=not module.index.future_annotations)
    return FixSpec(title, "safe", (_keep_edit(call, keeper, imports, module_code=code),))


def _free_name(base: str, taken: set[str]) -> str | None:
    return next((base + suffix for suffix in _suffixes() if base + suffix not in taken), None)


def _typevar_name(module: ModuleInfo, names: dict[str, str], taken: set[str]) -> str | None:
    """The keeper's TypeVar: one already written by a fix, else a free name."""
    for suffix in _suffixes():
        name = KEEPER_TYPEVAR + suffix
        if name in taken and _defines_exactly(module, _typevar_code(names, name)):
            return name
    return _free_name(KEEPER_TYPEVAR, taken)


def _existing_keeper(module: ModuleInfo, names: dict[str, str]) -> str | None:
    """The keeper an earlier fix wrote into this module, recognised by its exact text."""
    for stmt in module.tree.body:
        if not (isinstance(stmt, ast.FunctionDef) and stmt.name.startswith(KEEPER) and len(stmt.body) == 4):
            continue
        first, returns = stmt.body[1], stmt.args.args[0].annotation if stmt.args.args else None
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)):
            continue
        holder = first.value.func
        if not (isinstance(holder, ast.Attribute) and isinstance(holder.value, ast.Name)):
            continue
        if not isinstance(returns, ast.Name):
            continue
        quoted = not module.index.future_annotations
        if _defines_exactly(module, module_keeper_code(names, stmt.name, holder.value.id, returns.id, quoted=quoted)):
            return stmt.name
    return None


def _is_standalone(module: ModuleInfo) -> bool:
    """A module that is a program of its own: outside any package, and neither importing nor
    imported by a module beside it. Only there is a keeper written into the module itself the
    project's one keeper; a package names its own (``task-keeper``)."""
    path = module.path
    folder = path.parent
    module.project.note_scan("folder", folder)  # who imports whom beside it: the cache re-checks on any change
    # A script (``run-bot``, ``0_setup.py``): no module can import it, wherever it sits.
    script = path.suffix != ".py" or not path.stem.isidentifier()
    if not script and (module.is_package or _inside_a_package(module, folder)):
        return False
    imports = _folder_imports(module, folder)
    siblings = {stem for stem in imports if stem != path.stem}
    for stem in sorted(siblings):
        # Looked up as modules, so the cache re-checks this file when a sibling changes.
        module.project.find_path(stem, module.roots)
    if {q.split(".")[0] for q in module.imports.names.values()} & siblings:
        return False
    return script or not any(path.stem in imports[stem] for stem in siblings)


def _inside_a_package(module: ModuleInfo, folder: Path) -> bool:
    """In a package folder, or in a folder of one (an implicit namespace package such as
    ``driftpy/market_map/``), or importing the package whose folder holds it."""
    ancestors = [folder, *list(folder.parents)[:3]]
    if any((a / "__init__.py").exists() for a in ancestors):
        return True
    # A relative import (``from .utils import f``) is only possible inside a package.
    if any(isinstance(node, ast.ImportFrom) and node.level for node, _ in module.index.imports):
        return True
    # ``from cogs.utils import f`` in ``cogs/a.py``: its own folder is a (namespace) package.
    names = {a.name for a in ancestors}
    return any(q.split(".")[0] in names for q in module.imports.names.values())


_FOLDERS = ast.Module(body=[], type_ignores=[])  # the memo key's node for per-folder facts
IMPORTED = re.compile(r"^[ \t]*(?:from[ \t]+(\w+)|import[ \t]+([\w., \t]+))", re.M)


def _folder_imports(module: ModuleInfo, folder: Path) -> dict[str, set[str]]:
    """The top-level names each ``*.py`` module of ``folder`` imports (read once per folder)."""
    memo = module.project.class_memo
    key = (f"folder-imports:{folder}", _FOLDERS)
    if key not in memo:
        found: dict[str, set[str]] = {}
        for sibling in sorted(folder.glob("*.py")):
            if not sibling.stem.isidentifier():
                continue
            text = module.project.read_text(sibling) or ""
            names: set[str] = set()
            for match in IMPORTED.finditer(text):
                if match.group(1):
                    names.add(match.group(1))
                else:
                    names.update(part.split()[0].split(".")[0] for part in match.group(2).split(",") if part.split())
            found[sibling.stem] = names
        memo[key] = found
    return cast("dict[str, set[str]]", memo[key])


def _configured_keeper_fix(module: ModuleInfo, call: ast.Call, keeper: str) -> FixSpec | None:
    """``task-keeper = "pkg.mod.keep"``: ``keep(<task>)``, importing ``keep`` where needed."""
    owner, _, name = keeper.rpartition(".")
    title = f"Keep the task with `{keeper}`"
    home = module.project.find_module(owner, module.roots)
    if home is not None and module.project.lookup(keeper, module.roots) is None:
        return None  # the configured module is first-party and has no such function: the import would fail
    if module.module_name == owner:
        if name not in module.top_level:
            return None
        return FixSpec(title, "safe", (_keep_edit(call, name, []),))
    for bound, qualified in _runtime_imports(module).items():
        if qualified == keeper:
            return FixSpec(title, "safe", (_keep_edit(call, bound, []),))
    taken = module_bindings(module)
    for suffix in _suffixes():
        local = name + suffix
        if local not in taken:
            alias = f" as {local}" if suffix else ""
            return FixSpec(title, "safe", (_keep_edit(call, local, [f"from {owner} import {name}{alias}"]),))
    return None


# -- tasks kept on the instance ------------------------------------------------------------------


def instance_keeper_code(names: dict[str, str], keeper: str, end: str, tasks: str, typevar: str) -> str:
    """The two methods a class gets: ``keeper`` holds a task on ``self``, ``end`` cancels and
    awaits the held tasks, except the one that runs it (a task that calls ``stop()``)."""
    aio, future = names["asyncio"], f'{names["asyncio"]}.Future[{names["Any"]}]'
    return (
        f"def {keeper}(self, task: {typevar}) -> {typevar}:\n"
        f'    """Hold ``task`` until it is done; ``{end}()`` ends it."""\n'
        f'    if not hasattr(self, "{tasks}"):\n'
        f"        self.{tasks}: set[{future}] = set()\n"
        f"    self.{tasks}.add(task)\n"
        f"    task.add_done_callback(self.{tasks}.discard)\n"
        "    return task\n"
        "\n"
        f"async def {end}(self) -> None:\n"
        '    """Cancel and await the held tasks, except the one running this."""\n'
        f"    current = {aio}.current_task()\n"
        "    tasks = [\n"
        "        task\n"
        f'        for task in getattr(self, "{tasks}", ())\n'
        "        if task is not current\n"
        "    ]\n"
        "    for task in tasks:\n"
        "        task.cancel()\n"
        f"    await {aio}.gather(*tasks, return_exceptions=True)\n"
    )


def _instance_keeper_fix(module: ModuleInfo, call: ast.Call, shutdown_names: tuple[str, ...]) -> FixSpec | None:
    function = module.enclosing_function(call)
    if function is None:
        return None
    cls = module.parent(function)
    receiver = self_name(function)
    if not isinstance(cls, ast.ClassDef) or receiver is None or _is_classmethod(function):
        return None
    scope = module.enclosing_scope(call)
    if scope is not function and not (
        isinstance(scope, ast.Lambda)
        and module.enclosing_function(scope) is function
        and all(a.arg != receiver for a in ast.walk(scope.args) if isinstance(a, ast.arg))
    ):
        return None
    method = ending_method(module, cls, shutdown_names, own=False)
    path = _class_path(module, cls)
    if method is None or method is function or not path or _fixed_layout(cls):
        return None
    if any((module.qualify(b) or "").startswith(("pydantic.", "attr.", "attrs.", "msgspec.")) for b in cls.bases):
        return None  # models that refuse an attribute they do not declare
    if _is_abstract(method):
        return None  # subclasses replace it: what it ends would never run
    if _runs_a_shutdown(call, shutdown_names):
        return None  # ``create_task(self.close())`` is the shutdown: cancelling it would undo it
    shutdown_self = self_name(method)
    if shutdown_self is None:
        return None
    spelled = _spellings(module)
    if spelled is None:
        return None
    names, imports = spelled
    taken_attrs = _class_names(module, cls)
    taken = module_bindings(module)
    for suffix in _suffixes():
        keeper, end, tasks = KEEPER + suffix, END_TASKS + suffix, KEEPER_SET + suffix
        typevar = _class_typevar(cls, keeper) or _typevar_name(module, names, taken)
        if typevar is None:
            return None
        methods = instance_keeper_code(names, keeper, end, tasks, typevar)
        methods_ours = _class_defines_exactly(cls, methods)
        if not methods_ours and {keeper, end, tasks} & taken_attrs:
            continue
        typevar_code = _typevar_code(names, typevar)
        typevar_ours = _defines_exactly(module, typevar_code)
        keep = _keep_edit(
            call,
            f"{receiver}.{keeper}",
            imports,
            module_code="" if typevar_ours else typevar_code,
            **{"class": path, "class_code": "" if methods_ours else methods},
        )
        end_call = EditSpec(
            "append_to_method",
            method,
            (
                ("class", path),
                ("method", method.name),
                ("code", f"await {shutdown_self}.{end}()\n"),
                ("import", ""),
                ("where", "start"),
            ),
        )
        return FixSpec(
            f"Keep the task on `{receiver}` and cancel and await it in `{method.name}()`",
            "unsafe",
            (keep, end_call),
        )
    return None


def _is_abstract(method: ast.AsyncFunctionDef) -> bool:
    if any(
        (isinstance(d, ast.Name) and d.id == "abstractmethod")
        or (isinstance(d, ast.Attribute) and d.attr == "abstractmethod")
        for d in method.decorator_list
    ):
        return True
    body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise) and "NotImplementedError" in ast.unparse(body[0])


CLOSING_WORDS = ("close", "stop", "shutdown", "disconnect", "cleanup", "teardown", "terminate", "exit", "quit")


def _runs_a_shutdown(call: ast.Call, shutdown_names: tuple[str, ...]) -> bool:
    """Whether the task runs a close-like coroutine (``self.close()``, ``self._close(...)``,
    ``self.graceful_shutdown()``): such a task must finish, not be cancelled by shutdown."""
    for node in ast.walk(call):
        if isinstance(node, ast.Call) and node is not call:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            lowered = name.lower()
            if name in shutdown_names or any(word in lowered for word in CLOSING_WORDS):
                return True
    return False


def _class_typevar(cls: ast.ClassDef, keeper: str) -> str | None:
    """The TypeVar of a keeper method an earlier fix wrote into the class."""
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name == keeper and isinstance(stmt.returns, ast.Name):
            return stmt.returns.id
    return None


def _is_classmethod(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in function.decorator_list)


def _fixed_layout(cls: ast.ClassDef) -> bool:
    """Instances that cannot take a new attribute: ``__slots__``, frozen or slotted dataclasses,
    or attribute access the class customises."""
    for stmt in cls.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                return True
        if isinstance(stmt, FUNCTION_NODES) and stmt.name in ("__setattr__", "__getattr__", "__getattribute__"):
            return True
    for decorator in cls.decorator_list:
        if isinstance(decorator, ast.Call):
            for kw in decorator.keywords:
                if kw.arg in ("frozen", "slots") and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False
                ):
                    return True
    return False


def _class_names(module: ModuleInfo, cls: ast.ClassDef) -> set[str]:
    """Attribute names the class family may already use: any ``x.name`` in the module and in the
    modules of its first-party bases, and any name bound in their class bodies."""
    from tradelint.models.resources.resource_model import class_and_bases

    names: set[str] = set()
    modules = {id(module): module}
    for owner_module, owner in class_and_bases(module, cls):
        modules[id(owner_module)] = owner_module
        for stmt in owner.body:
            if isinstance(stmt, (*FUNCTION_NODES, ast.ClassDef)):
                names.add(stmt.name)
            for node in ast.walk(stmt) if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else ():
                if isinstance(node, ast.Name):
                    names.add(node.id)
    for owner_module in modules.values():
        names.update(a.attr for a in owner_module.index.attributes)
        # ``getattr(self, "name")`` and ``setattr`` spell attributes as strings. Every constant
        # has a parent, so the index's parent links name them all without walking the tree.
        names.update(
            n.value for n in owner_module.index.parents if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return names


def _class_defines_exactly(cls: ast.ClassDef, code: str) -> bool:
    return _all_present(cls.body, ast.parse(code).body)
