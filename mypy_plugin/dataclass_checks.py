"""TRD101 and TRD102 with mypy's knowledge of classes.

mypy decides what types add: whether a class is dataclass-like (``@dataclass`` under any alias,
attrs, ``dataclass_transform`` decorators, bases and metaclasses, from any module or installed
package) and which fields its bases declare, with or without a default (the ``dataclass`` and
``attrs`` metadata mypy's own plugins store on each processed ``TypeInfo``, cached with it). The
core decides, from the class body's source, which statements are at fault, and words the message.

The hooks that call :func:`check_class` run during semantic analysis, after the class body is
analysed. A base in another module (or an installed package) has been fully processed by then;
a base in the same module or import cycle has only its ``dataclass_tag`` yet, so its own fields
are read from its source by the core instead.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from mypy.nodes import (
    AssignmentStmt,
    CallExpr,
    ClassDef,
    Context,
    MypyFile,
    NameExpr,
    Node,
    RefExpr,
    TempNode,
    TypeInfo,
    Var,
)
from mypy.plugin import ClassDefContext
from mypy.plugins.attrs import attr_class_makers, attr_dataclass_makers, attr_define_makers, attr_frozen_makers
from mypy.plugins.dataclasses import dataclass_makers
from mypy.semanal_shared import find_dataclass_transform_spec
from mypy.server.trigger import make_wildcard_trigger

from flake8_tradelint.analysis.dataclass_model import (
    constants_without_classvar,
    declared_fields,
    is_upper_constant,
    overriding_assignments,
)
from flake8_tradelint.config import Config
from flake8_tradelint.rules.dataclass_constant_without_classvar import DataclassConstantWithoutClassVar
from flake8_tradelint.rules.dataclass_field_overridden_by_class_attribute import (
    DataclassFieldOverriddenByClassAttribute,
)
from mypy_plugin.codes import ERROR_CODES, fail
from mypy_plugin.core_bridge import CoreBridge
from mypy_plugin.settings import Settings

# attrs makers that take annotations as fields only with ``auto_attribs=True``.
ATTRS_EXPLICIT = frozenset(attr_class_makers)
FIELD_MAKERS = frozenset(dataclass_makers | attr_dataclass_makers | attr_define_makers | attr_frozen_makers)
# UPPER_CASE settings fields are intended in pydantic models (RULES.md), though their metaclass
# is a dataclass_transform.
PYDANTIC_MODELS = frozenset({"pydantic.main.BaseModel", "pydantic.v1.main.BaseModel"})
TAGS = ("dataclass_tag", "attrs_tag")
# A virtual environment inside the project is still installed code, not the project's.
INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})
# What mypy's dataclass and attrs plugins leave on a class: tagged when analysed, fields when processed.
MARKERS = frozenset({"dataclass", "attrs", *TAGS})


@dataclass(frozen=True)
class InheritedField:
    owner: TypeInfo
    line: int
    has_default: bool


def is_field_maker(fullname: str, node: object) -> bool:
    """Whether a decorator's full name (and symbol) makes a dataclass-like class."""
    return fullname in FIELD_MAKERS or fullname in ATTRS_EXPLICIT or _transform_spec_of(node)


def _transform_spec_of(node: object) -> bool:
    return isinstance(node, Node) and find_dataclass_transform_spec(node) is not None


def is_pydantic_model(info: TypeInfo) -> bool:
    return any(base.fullname in PYDANTIC_MODELS for base in info.mro)


def is_dataclass_like_ancestry(info: TypeInfo) -> bool:
    """A base whose subclasses may override dataclass fields, or become dataclasses themselves.

    Asked for the base of every class mypy analyses (typeshed's included): one pass, no allocation.
    """
    found = False
    for base in info.mro:
        if base.fullname in PYDANTIC_MODELS:
            return False
        if not found and (base.dataclass_transform_spec is not None or _declares_fields(base)):
            found = True
    if found:
        return True
    metaclass = info.metaclass_type
    return metaclass is not None and metaclass.type.dataclass_transform_spec is not None


def _declares_fields(info: TypeInfo) -> bool:
    metadata = info.metadata
    return bool(metadata) and not MARKERS.isdisjoint(metadata)


def is_dataclass_like(cls: ClassDef) -> bool:
    """The class itself is processed as a dataclass: a field-making decorator, or a
    ``dataclass_transform`` base or metaclass."""
    for decorator in cls.decorators:
        target = decorator.callee if isinstance(decorator, CallExpr) else decorator
        name = target.fullname if isinstance(target, RefExpr) else ""
        if name in FIELD_MAKERS:
            return True
        if name in ATTRS_EXPLICIT:
            if isinstance(decorator, CallExpr) and _true_keyword(decorator, "auto_attribs"):
                return True
            continue
        if find_dataclass_transform_spec(decorator) is not None:
            return True
    return find_dataclass_transform_spec(cls.info) is not None


def _true_keyword(call: CallExpr, name: str) -> bool:
    return any(
        arg_name == name and isinstance(arg, NameExpr) and arg.fullname == "builtins.True"
        for arg_name, arg in zip(call.arg_names, call.args)
    )


def check_class(ctx: ClassDefContext, settings: Settings, core: CoreBridge) -> None:
    cls = ctx.cls
    api = ctx.api
    if is_pydantic_model(cls.info):
        return
    path = api.modules[api.cur_mod_id].path
    if not path.endswith(".py"):
        return  # a stub declares types; nothing in it runs

    def report(problem: str) -> None:
        api.fail(problem, Context(1, 0), serious=True, code=ERROR_CODES["TRD002"])

    dataclass_like = is_dataclass_like(cls)
    # mypy's tree says cheaply whether the body has a candidate at all; only then does the core
    # read the source (most classes under these hooks, in the project and in its dependencies,
    # have none).
    constants, overrides = _candidates(cls, redecorated=dataclass_like)
    constants_config = settings.enabled(path, "TRD101", report) if constants and dataclass_like else None
    overrides_config = settings.enabled(path, "TRD102", report) if overrides else None
    inherited: dict[str, InheritedField] = {}
    if overrides_config is not None:
        inherited = {
            name: found
            for name, found in inherited_fields(ctx, core, overrides).items()
            if found.has_default
        }
    if constants_config is None and not inherited:
        return
    found = core.class_node(path, cls.name, cls.line)
    if found is None:
        return
    module, node = found
    if constants_config is not None:
        for constant in constants_without_classvar(module, node):
            assert isinstance(constant.target, ast.Name)
            message = DataclassConstantWithoutClassVar.message(constant.target.id, cls.name)
            _fail(ctx, message, constant, "TRD101")
    for stmt, name in overriding_assignments(node, redecorated=dataclass_like):
        field = inherited.get(name)
        if field is not None:
            assert overrides_config is not None
            where = _where(api.modules, path, overrides_config, field)
            message = DataclassFieldOverriddenByClassAttribute.message(cls.name, name, field.owner.name, where)
            _fail(ctx, message, stmt, "TRD102")


def _candidates(cls: ClassDef, *, redecorated: bool) -> tuple[set[str], set[str]]:
    """Names the body binds that could be a TRD101 constant or a TRD102 override (a superset
    of what the core will confirm from the source)."""
    constants: set[str] = set()
    overrides: set[str] = set()
    for stmt in cls.defs.body:
        if not isinstance(stmt, AssignmentStmt):
            continue
        annotated = stmt.unanalyzed_type is not None
        has_value = not (isinstance(stmt.rvalue, TempNode) and stmt.rvalue.no_rhs)
        for target in stmt.lvalues:
            if not isinstance(target, NameExpr):
                continue
            # A ClassVar is what TRD101 asks for (mypy and the core agree on every spelling).
            classvar = isinstance(target.node, Var) and target.node.is_classvar
            if annotated and has_value and not classvar and is_upper_constant(target.name):
                constants.add(target.name)
            if not annotated or (has_value and not redecorated):
                overrides.add(target.name)
    return constants, overrides


def inherited_fields(ctx: ClassDefContext, core: CoreBridge, names: set[str]) -> dict[str, InheritedField]:
    """Fields among ``names`` the class gets from its dataclass-like ancestors: for each name, the
    nearest ancestor that declares it, as the MRO resolves it."""
    found: dict[str, InheritedField] = {}
    for base in ctx.cls.info.mro[1:]:
        own = {name for name in names if name in base.names and name not in found}
        if not own:
            continue
        declared = _declared(base, ctx, core)
        if declared is None:
            continue  # a plain class in between: the dataclass ancestor's __init__ still runs
        # The daemon re-checks this class when the base's fields change (as mypy's dataclass plugin does).
        ctx.api.add_plugin_dependency(make_wildcard_trigger(base.fullname))
        for name, line, has_default in declared:
            if name in own:
                found[name] = InheritedField(base, line, has_default)
    return found


def _declared(base: TypeInfo, ctx: ClassDefContext, core: CoreBridge) -> list[tuple[str, int, bool]] | None:
    metadata = base.metadata
    if "dataclass" in metadata:
        return [
            (attr["name"], attr["line"], attr["has_default"])
            for attr in metadata["dataclass"]["attributes"]
            if not attr.get("is_init_var")
        ]
    if "attrs" in metadata:
        return [(attr["name"], attr["context_line"], attr["has_default"]) for attr in metadata["attrs"]["attributes"]]
    if is_pydantic_model(base) or not (any(tag in metadata for tag in TAGS) or find_dataclass_transform_spec(base)):
        return None
    # Same module or import cycle: mypy has not collected its fields yet; the core reads them.
    module_file = ctx.api.modules.get(base.module_name)
    if module_file is None:
        return None
    found = core.class_node(module_file.path, base.name, base.defn.line)
    if found is None:
        return None
    return [(name, info.node.lineno, info.has_default) for name, info in declared_fields(*found).items()]


def _fail(ctx: ClassDefContext, message: str, stmt: ast.stmt, code: str) -> None:
    """Report on mypy's own statement node where there is one, so positions match mypy's."""
    context: Context | None = next((s for s in ctx.cls.defs.body if s.line == stmt.lineno), None)
    if context is None:
        context = Context(stmt.lineno, stmt.col_offset)
    fail(ctx.api, message, context, code)


def _package_root(path: Path) -> Path:
    folder = path.resolve().parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _where(modules: dict[str, MypyFile], path: str, config: Config, field: InheritedField) -> str:
    owner_file = modules.get(field.owner.module_name)
    if owner_file is None or owner_file.path == path:
        return ""
    owner_path = os.path.abspath(owner_file.path)
    root = config.root or _package_root(Path(path))
    installed = not INSTALLED_DIRS.isdisjoint(Path(owner_path).parts)
    if not installed and Path(owner_path).is_relative_to(root):
        return f" ({os.path.relpath(owner_path, os.path.dirname(os.path.abspath(path)))}:{field.line})"
    # An installed package: its import path reads better than a path into site-packages.
    stem, extension = os.path.splitext(os.path.basename(owner_path))
    shown = field.owner.module_name.replace(".", "/") + ("/__init__" if stem == "__init__" else "") + extension
    return f" ({shown}:{field.line})"
