"""TRD101, TRD102 and TRD103 in mypy, decided by the core as the CLI decides them.

What a class maker does at runtime (``@dataclass`` under any alias, attrs, a project's or a
library's own decorator, base class or metaclass) is in its code, not in ``dataclass_transform``,
which speaks to type checkers only: the core follows that code, first-party or installed, and
this module finds the installed packages where mypy found them (``core.installed_from``). mypy
decides which classes are worth asking about: the hooks claim decorators, bases and metaclasses
that are not the standard library's, and :func:`check_class` asks the core only when the body
binds a candidate name.

The hooks run during semantic analysis, after the class body is analysed; the core reads the
sources, so a base in the same module or import cycle is judged the same as any other.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from mypy.nodes import AssignmentStmt, ClassDef, Context, NameExpr, TempNode, TypeInfo, Var
from mypy.plugin import ClassDefContext
from mypy.server.trigger import make_wildcard_trigger

from mypy_plugin.codes import ERROR_CODES, fail
from mypy_plugin.core_bridge import INSTALLED_DIRS, CoreBridge
from mypy_plugin.settings import Settings
from tradelint.api import (
    ClassVarOnlyBoundUnderTypeChecking,
    DataclassConstantWithoutClassVar,
    DataclassFieldOverriddenByClassAttribute,
    classvars_unbound_at_runtime,
    is_upper_constant,
    overridden_fields,
    reported_constants,
)

# pydantic models: never these rules (UPPER_CASE settings are intended); pydantic's own plugin
# handles the classes, so their hooks are not claimed.
PYDANTIC_MODELS = frozenset({"pydantic.main.BaseModel", "pydantic.v1.main.BaseModel"})
STDLIB_MODULES = frozenset(sys.stdlib_module_names) | {"builtins", "typing_extensions", "mypy_extensions"}


def is_stdlib_name(fullname: str) -> bool:
    return fullname.split(".", 1)[0] in STDLIB_MODULES and not fullname.startswith("dataclasses.")


def claims_decorator(fullname: str) -> bool:
    """A class decorator that may make fields: ``dataclasses.dataclass``, or anything outside the
    standard library (attrs, pydantic dataclasses, a project's or a library's maker)."""
    return not is_stdlib_name(fullname)


def claims_base(info: TypeInfo) -> bool:
    """A base whose subclasses may inherit fields or be made by a maker: one defined outside the
    standard library (asked for the base of every class mypy analyses: one pass, no allocation)."""
    if is_stdlib_name(info.fullname):
        return False
    return not any(base.fullname in PYDANTIC_MODELS for base in info.mro)


def claims_metaclass(fullname: str) -> bool:
    return not is_stdlib_name(fullname) and not fullname.startswith("pydantic.")


def check_class(ctx: ClassDefContext, settings: Settings, core: CoreBridge) -> None:
    """TRD101-103 for one class, decided by the core exactly as the CLI decides them.

    What a class maker does at runtime is in its code, which the core follows (first-party, or
    installed where mypy found the package); mypy's own view (``dataclass_transform`` says
    "dataclass") is a type checker's, and is used only to skip classes with nothing to check."""
    cls = ctx.cls
    api = ctx.api
    path = api.modules[api.cur_mod_id].path
    if not path.endswith(".py"):
        return  # a stub declares types; nothing in it runs
    if not INSTALLED_DIRS.isdisjoint(Path(path).parts):
        return  # an installed package: mypy reports nothing there, so nothing is worth computing

    def report(problem: str) -> None:
        api.fail(problem, Context(1, 0), serious=True, code=ERROR_CODES["TRD002"])

    # mypy's tree says cheaply whether the body has a candidate at all; only then does the core
    # read the source (most classes under these hooks, in the project and in its dependencies,
    # have none).
    constants, overrides, classvars = _candidates(cls)
    overrides = {name for name in overrides if _inherited_name(cls.info, name)}
    constants_config = settings.enabled(path, "TRD101", report) if constants else None
    overrides_config = settings.enabled(path, "TRD102", report) if overrides else None
    classvars_config = settings.enabled(path, "TRD103", report) if classvars else None
    if constants_config is None and overrides_config is None and classvars_config is None:
        return
    core.installed_from(api.modules)
    core.checking(path)
    found = core.class_node(path, cls.name, cls.line)
    if found is None:
        return
    module, node = found
    if constants_config is not None:
        for constant in reported_constants(module, node):
            assert isinstance(constant.target, ast.Name)
            message = DataclassConstantWithoutClassVar.message(constant.target.id, cls.name)
            _fail(ctx, message, constant, "TRD101")
    if classvars_config is not None:
        for classvar in classvars_unbound_at_runtime(module, node):
            assert isinstance(classvar.target, ast.Name)
            _fail(ctx, ClassVarOnlyBoundUnderTypeChecking.message(classvar.target.id, cls.name), classvar, "TRD103")
    if overrides_config is None:
        return
    # The daemon re-checks this class when a base changes (as mypy's dataclass plugin does).
    for base in cls.info.mro[1:]:
        if base.module_name not in STDLIB_MODULES and base.module_name.split(".", 1)[0] not in STDLIB_MODULES:
            api.add_plugin_dependency(make_wildcard_trigger(base.fullname))
    for stmt, name, info in overridden_fields(module, node):
        message = DataclassFieldOverriddenByClassAttribute.message(cls.name, name, info.owner.name)
        _fail(ctx, message, stmt, "TRD102")


def _inherited_name(info: TypeInfo, name: str) -> bool:
    """Whether a base outside the standard library declares ``name`` as a field could be: with an
    annotation, or (attrs' ``x = attr.ib()``) in a class mypy's attrs plugin processed."""
    for base in info.mro[1:]:
        symbol = base.names.get(name)
        if symbol is None or is_stdlib_name(base.fullname):
            continue
        node = symbol.node
        if isinstance(node, Var) and (not node.is_inferred or "attrs" in base.metadata):
            return True
    return False


def _candidates(cls: ClassDef) -> tuple[set[str], set[str], bool]:
    """Names the body binds that could be a TRD101 constant or a TRD102 override, and whether it
    annotates a name ``ClassVar`` (TRD103; mypy sees one under ``TYPE_CHECKING`` too): a superset
    of what the core will confirm from the source."""
    constants: set[str] = set()
    overrides: set[str] = set()
    classvars = False
    for stmt in cls.defs.body:
        if not isinstance(stmt, AssignmentStmt):
            continue
        annotated = stmt.unanalyzed_type is not None
        has_value = not (isinstance(stmt.rvalue, TempNode) and stmt.rvalue.no_rhs)
        for target in stmt.lvalues:
            if not isinstance(target, NameExpr):
                continue
            if annotated and isinstance(target.node, Var) and target.node.is_classvar:
                classvars = True
            if annotated and has_value and is_upper_constant(target.name):
                constants.add(target.name)
            if not annotated or has_value:
                overrides.add(target.name)
    return constants, overrides, classvars


def _fail(ctx: ClassDefContext, message: str, stmt: ast.stmt, code: str) -> None:
    """Report on mypy's own statement node where there is one, so positions match mypy's."""
    context: Context | None = next((s for s in ctx.cls.defs.body if s.line == stmt.lineno), None)
    if context is None:
        context = Context(stmt.lineno, stmt.col_offset)
    fail(ctx.api, message, context, code)

