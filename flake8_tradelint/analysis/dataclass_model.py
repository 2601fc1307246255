"""Which classes are dataclass-like, which names are their fields, across first-party modules."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterator, Literal, cast

from flake8_tradelint.context import ModuleInfo, parse_expression

STDLIB_DATACLASS = {"dataclasses.dataclass"}
PYDANTIC_DATACLASS = {"pydantic.dataclasses.dataclass"}
ATTRS_DECORATORS = {
    "attrs.define", "attrs.frozen", "attrs.mutable",
    "attr.define", "attr.frozen", "attr.mutable", "attr.dataclass",
}
# These make fields of annotations only with ``auto_attribs=True``.
ATTRS_AUTO_ATTRIBS = {"attr.s", "attr.attrs", "attr.attributes", "attrs.attrs"}
DATACLASS_TRANSFORM = {"typing.dataclass_transform", "typing_extensions.dataclass_transform"}
CLASSVAR = {"typing.ClassVar", "typing_extensions.ClassVar"}
NOT_FIELDS = {"dataclasses.InitVar", "dataclasses.KW_ONLY"}
FIELD_FACTORIES = {
    "dataclasses.field", "attrs.field", "attr.ib", "attr.attrib", "attr.field",
    "pydantic.Field", "pydantic.fields.Field", "pydantic.dataclasses.Field",
}

Kind = Literal["dataclass", "pydantic", "attrs", "transform"]
Binding = Literal["runtime", "type_checking"]


@dataclass(frozen=True)
class FieldInfo:
    name: str
    node: ast.AnnAssign
    owner: ClassModel
    # Only a default is sure to shadow a subclass's class attribute: a required field is a
    # constructor argument, and ``field(init=False)`` without a default is never set.
    has_default: bool


@dataclass(eq=False)
class ClassModel:
    module: ModuleInfo
    node: ast.ClassDef
    kind: Kind | None = None
    # Subclasses of this class are dataclass-like too (a ``dataclass_transform`` base or metaclass).
    transform_inherits: bool = False
    bases: list[ClassModel | None] = field(default_factory=list)
    own_fields: dict[str, FieldInfo] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.node.name

    def inherited_fields(self, _seen: frozenset[int] = frozenset()) -> dict[str, FieldInfo]:
        """Fields this class gets from its bases (nearest base first, as the MRO would)."""
        seen = _seen | {id(self)}
        found: dict[str, FieldInfo] = {}
        for base in reversed(self.bases):
            # A cycle (``class Cog(Cog)`` re-binding an imported name) ends here.
            if base is not None and id(base) not in seen:
                found.update(base.all_fields(seen))
        return found

    def all_fields(self, _seen: frozenset[int] = frozenset()) -> dict[str, FieldInfo]:
        found = self.inherited_fields(_seen)
        found.update(self.own_fields)
        return found


def _terminal_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def resolve_definition(module: ModuleInfo, expr: ast.AST) -> tuple[ModuleInfo, ast.stmt] | None:
    """The first-party class or function an expression names, in this module or another."""
    if isinstance(expr, ast.Name) and expr.id in module.top_level and expr.id not in module.imports.names:
        return module, module.top_level[expr.id]
    qualified = module.imports.qualify(expr)
    if qualified is None:
        return None
    return module.project.lookup(qualified, module.roots)


def resolve_class(module: ModuleInfo, expr: ast.AST) -> ClassModel | None:
    found = resolve_definition(module, expr)
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    return class_model(found[0], found[1])


def _is_transform_marked(module: ModuleInfo, node: ast.stmt) -> bool:
    if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if module.imports.qualify(target) in DATACLASS_TRANSFORM:
            return True
    return False


def class_model(module: ModuleInfo, node: ast.ClassDef) -> ClassModel:
    # In the project's memo, not a global one: a fix replaces a base class's module, and
    # ``Project.replace_source`` must drop every model built on the old one.
    memo = module.project.class_memo
    key = ("dataclass-model", node)
    cached = memo.get(key)
    if cached is not None:
        return cast(ClassModel, cached)
    model = ClassModel(module, node)
    memo[key] = model  # before resolving bases: inheritance cycles end here
    model.bases = [resolve_class(module, base) for base in node.bases]
    model.kind = _decorator_kind(module, node)
    metaclass = next((kw.value for kw in node.keywords if kw.arg == "metaclass"), None)
    meta_marked = False
    if metaclass is not None:
        found = resolve_definition(module, metaclass)
        meta_marked = found is not None and _is_transform_marked(*found)
    inherits = any(b is not None and b.transform_inherits for b in model.bases)
    model.transform_inherits = _is_transform_marked(module, node) or meta_marked or inherits
    if model.kind is None and (meta_marked or inherits):
        model.kind = "transform"
    if model.kind is not None:
        model.own_fields = _own_fields(model)
    return model


def _decorator_kind(module: ModuleInfo, node: ast.ClassDef) -> Kind | None:
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        qualified = module.imports.qualify(target)
        if qualified in STDLIB_DATACLASS:
            return "dataclass"
        if qualified in PYDANTIC_DATACLASS:
            return "pydantic"
        if qualified in ATTRS_DECORATORS:
            return "attrs"
        if qualified in ATTRS_AUTO_ATTRIBS:
            if isinstance(dec, ast.Call) and any(
                kw.arg == "auto_attribs" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                for kw in dec.keywords
            ):
                return "attrs"
            continue
        found = resolve_definition(module, target)
        if found is not None and _is_transform_marked(*found):
            return "transform"
    return None


def annotation_head(module: ModuleInfo, annotation: ast.expr) -> ast.expr | None:
    """The outer name of an annotation (``ClassVar`` in ``ClassVar[int]``), strings parsed."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = parse_expression(annotation.value.strip())
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    return annotation if isinstance(annotation, (ast.Name, ast.Attribute)) else None


def classvar_binding(module: ModuleInfo, annotation: ast.expr) -> Binding | None:
    """Whether an annotation is ``ClassVar`` and whether that name exists when the class is made."""
    head = annotation_head(module, annotation)
    if head is None:
        return None
    qualified = module.imports.qualify(head)
    if qualified is None:
        # Unresolvable (star import, re-bound name): trust the spelling rather than cry wolf.
        return "runtime" if _terminal_name(head) == "ClassVar" else None
    if qualified not in CLASSVAR:
        return None
    root = module.imports.root_name(head)
    return "type_checking" if root in module.imports.type_checking_only else "runtime"


def is_not_a_field(module: ModuleInfo, annotation: ast.expr) -> bool:
    """``InitVar[...]`` and ``KW_ONLY`` are annotations that never make an instance field."""
    head = annotation_head(module, annotation)
    if head is None:
        return False
    qualified = module.imports.qualify(head)
    if qualified is not None:
        return qualified in NOT_FIELDS
    return _terminal_name(head) in {"InitVar", "KW_ONLY"}


def is_field_call(module: ModuleInfo, value: ast.expr | None) -> bool:
    if not isinstance(value, ast.Call):
        return False
    qualified = module.imports.qualify(value.func)
    if qualified is not None:
        return qualified in FIELD_FACTORIES or qualified.endswith((".field", ".Field"))
    return _terminal_name(value.func) in {"field", "Field", "ib", "attrib"}


def _has_default(module: ModuleInfo, value: ast.expr | None) -> bool:
    if value is None:
        return False
    if not isinstance(value, ast.Call) or not is_field_call(module, value):
        return True
    return any(kw.arg in ("default", "default_factory", "factory") for kw in value.keywords)


def _own_fields(model: ClassModel) -> dict[str, FieldInfo]:
    fields: dict[str, FieldInfo] = {}
    module = model.module
    for stmt in model.node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        if classvar_binding(module, stmt.annotation) == "runtime" or is_not_a_field(module, stmt.annotation):
            continue
        fields[stmt.target.id] = FieldInfo(
            name=stmt.target.id, node=stmt, owner=model, has_default=_has_default(module, stmt.value)
        )
    return fields


def is_upper_constant(name: str) -> bool:
    """``CACHE_KEY``, ``VERSION``, ``_TTL``: not one-letter names (``X: float`` is a coordinate)."""
    if name.startswith("__") and name.endswith("__"):
        return False
    core = name.strip("_")
    return len(core) >= 2 and core.upper() == core and any(c.isalpha() for c in core)


def declared_fields(module: ModuleInfo, node: ast.ClassDef) -> dict[str, FieldInfo]:
    """The fields a class body declares, for a caller that already knows the class is
    dataclass-like (the mypy plugin, from mypy's own analysis)."""
    return _own_fields(class_model(module, node))


def constants_without_classvar(module: ModuleInfo, node: ast.ClassDef) -> Iterator[ast.AnnAssign]:
    """TRD101's statements in a dataclass-like class: ``NAME: T = value`` that makes an instance field."""
    for stmt in node.body:
        if not (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
            and is_upper_constant(stmt.target.id)
        ):
            continue
        if classvar_binding(module, stmt.annotation) is not None:
            continue  # runtime ClassVar is right; a TYPE_CHECKING-only one is TRD103
        if is_not_a_field(module, stmt.annotation) or is_field_call(module, stmt.value):
            continue
        yield stmt


def overriding_assignments(node: ast.ClassDef, *, redecorated: bool) -> Iterator[tuple[ast.stmt, str]]:
    """TRD102's candidates: names a subclass body sets that could be inherited fields."""
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    yield stmt, target.id
        # A dataclass subclass that re-annotates declares a real new default; an undecorated one does not.
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and not redecorated:
            if isinstance(stmt.target, ast.Name):
                yield stmt, stmt.target.id
