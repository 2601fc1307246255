"""TRD1xx fixes, built at detection time from the dataclass model: ``ClassVar[...]`` around a
constant's annotation, an annotated override, a runtime ``ClassVar`` import. Decisions live here
(is the fix available? is it safe?), so the codemods only locate and rewrite."""

from __future__ import annotations

import ast
import builtins
import sys
from typing import Iterator, cast

from tradelint.core.fix_plan import EditSpec, FixSpec
from tradelint.facts.class_body import CLASSVAR, annotation_head
from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.packaging import target_python
from tradelint.facts.syntax import child_nodes
from tradelint.models.dataclasses.dataclass_model import (
    ClassModel,
    FieldInfo,
    is_field_call,
    is_upper_constant,
)
from tradelint.models.dataclasses.field_uses import field_uses

# Python functions bind as methods when read through an instance: a callable constant that stops
# being a field would receive ``self`` (``self.KEY_FN(3)`` -> TypeError). These values cannot be
# functions.
_SCALAR_TYPES = {"int", "str", "float", "bool", "bytes", "complex", "Decimal", "Enum", "Path"}


# ``ClassVar[Final[int]]`` is accepted from Python 3.13 (earlier ``typing`` raises TypeError at
# class creation, and mypy rejects it); before that no spelling is both a class variable and Final.
CLASSVAR_FINAL_FROM = (3, 13)


def _module_scope_bindings(module: ModuleInfo, name: str) -> Iterator[ast.AST]:
    """Statements that bind ``name`` in the module's namespace (not inside a function or class),
    and ``global name`` declarations, which let a function re-bind it. Found for every name in
    one walk, kept on the tree: each fix asks for a name or two, and a walk per question made a
    module's fixes cost the square of its size."""
    table: dict[str, list[ast.AST]] | None = module.tree.__dict__.get(_SCOPE_BINDINGS)
    if table is None:
        table = _scope_bindings(module)
        setattr(module.tree, _SCOPE_BINDINGS, table)
    return iter(table.get(name, ()))


_SCOPE_BINDINGS = "_tradelint_scope_bindings"


def _scope_bindings(module: ModuleInfo) -> dict[str, list[ast.AST]]:
    """``_module_scope_bindings`` of every name, each list in the order of one walk."""
    table: dict[str, list[ast.AST]] = {}

    def add(name: str, node: ast.AST) -> None:
        table.setdefault(name, []).append(node)

    stack: list[ast.AST] = list(module.tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            add(node.name, node)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for bound in dict.fromkeys(a.asname or a.name.split(".")[0] for a in node.names):
                add(bound, node)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            add(node.id, node)
            continue
        if isinstance(node, ast.ExceptHandler) and node.name is not None:
            add(node.name, node)
        if isinstance(node, ast.Lambda) or isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            continue
        stack.extend(child_nodes(node))
    for function in module.index.functions:
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                for bound in dict.fromkeys(node.names):
                    add(bound, node)
    return table


def _class_binds(cls: ast.ClassDef, name: str) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for stmt in cls.body
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(stmt)
    ) or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and s.name == name for s in cls.body)


def _type_checking_imports(module: ModuleInfo) -> frozenset[int]:
    """The ``id`` of each import of the module under ``if TYPE_CHECKING:``: found once per
    module (each binding of each fix asks)."""
    memo = module.project.class_memo
    key = ("type-checking-imports", module.tree)
    if key not in memo:
        memo[key] = frozenset(id(imp) for imp, tc in module.index.imports if tc)
    return cast("frozenset[int]", memo[key])


def _bound_as(
    module: ModuleInfo, local: str, wanted: set[str], before: int, *, allow_type_checking: bool = False
) -> bool:
    """Whether ``local`` always names one of ``wanted`` at module scope when line ``before`` runs:
    every module-scope binding is a runtime import of it, and one comes earlier. With
    ``allow_type_checking``: whether no module-scope binding names anything else (also true
    when there is none)."""
    first = _first_binding_as(module, local, frozenset(wanted), allow_type_checking)
    if first is False:
        return False
    return allow_type_checking or (first is not None and first < before)


def _first_binding_as(module: ModuleInfo, local: str, wanted: frozenset[str], allow_type_checking: bool) -> int | None | bool:
    """False when some module-scope binding of ``local`` is not a (runtime, unless
    ``allow_type_checking``) import of one of ``wanted``; else the first line of one (None: there is
    none). Once per module and question: each fix of each class asks, and the module's bindings
    of a name (an import repeated by each part of a long module) are read once."""
    memo = module.project.class_memo
    key = ("first-binding-as", module.tree, local, wanted, allow_type_checking)
    if key in memo:
        return cast("int | None | bool", memo[key])
    first: int | None | bool = None
    for node in _module_scope_bindings(module, local):
        if not _imports_one_of(module, node, local, wanted, allow_type_checking):
            first = False
            break
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        first = node.lineno if first is None else min(first, node.lineno)
    memo[key] = first
    return first


def _imports_one_of(module: ModuleInfo, node: ast.AST, local: str, wanted: frozenset[str], allow_type_checking: bool) -> bool:
    """Whether the binding ``node`` of ``local`` is an import of one of ``wanted`` (a runtime
    one, unless ``allow_type_checking``)."""
    if not isinstance(node, (ast.Import, ast.ImportFrom)):
        return False  # ``ClassVar = ...``, a ``def``, a ``global``: shadowed
    if not allow_type_checking and id(node) in _type_checking_imports(module):
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
    return True


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


def _one_line_segment(lines: list[str], node: ast.expr) -> str | None:
    """``ast.get_source_segment`` of a node written on one line (None otherwise), read from the
    module's lines: the whole module was joined and split again for each fix."""
    if node.end_lineno != node.lineno or node.end_col_offset is None or not 0 < node.lineno <= len(lines):
        return None
    return lines[node.lineno - 1].encode()[node.col_offset : node.end_col_offset].decode()


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
        segment = _one_line_segment(base.module.lines, node.annotation)
        if segment is None:
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
