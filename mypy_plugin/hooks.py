"""The plugin class: ``get_*_hook`` methods that dispatch on full names and stay thin.

Each hook is claimed only for the names it concerns, and wrapped around whatever mypy's default
plugin does for the same name (mypy asks plugins in order and uses the first hook it gets, so a
claimed name would otherwise lose mypy's own handling, e.g. the dataclass tag on ``@dataclass``).
List ``mypy_plugin`` after other plugins that hook the same names; they then keep precedence.
"""

from __future__ import annotations

from typing import Any, Callable

from mypy.nodes import CallExpr, Context, MypyFile, TypeInfo
from mypy.options import Options
from mypy.plugin import (
    AttributeContext,
    CheckerPluginInterface,
    ClassDefContext,
    FunctionContext,
    MethodContext,
    Plugin,
    ReportConfigContext,
)
from mypy.plugins.dataclasses import dataclass_tag_callback
from mypy.plugins.default import DefaultPlugin
from mypy.semanal_shared import find_dataclass_transform_spec
from mypy.types import Type

from mypy_plugin import dataclass_checks, rename_checks, task_checks
from mypy_plugin.codes import ERROR_CODES, fail, forget_source, forget_sources
from mypy_plugin.core_bridge import CoreBridge
from mypy_plugin.core_reports import CoreReports
from mypy_plugin.settings import Settings
from mypy_plugin.source import Span, discarded_expressions, span
from tradelint.api import Config, clear_cache

ClassHook = Callable[[ClassDefContext], None]
CallContext = FunctionContext | MethodContext


class TradelintMypyPlugin(Plugin):
    def __init__(self, options: Options) -> None:
        super().__init__(options)
        # One plugin per build: a process that builds again (the daemon, an API caller) must see
        # [tool.tradelint] as it is now, not as the core's per-process cache last read it.
        clear_cache()
        forget_sources()
        self._default = DefaultPlugin(options)
        self.settings = Settings()
        self.core = CoreBridge()
        self.reports = CoreReports(self.settings, self.core)
        self._files: dict[str, MypyFile] = {}
        self._statements: dict[str, tuple[MypyFile, set[Span]]] = {}
        self._returns_task: dict[str, bool] = {}
        self._parsed: set[str] = set()  # the modules mypy parsed in this plugin's life

    def set_modules(self, modules: dict[str, MypyFile]) -> None:
        # Called once the build's modules are loaded, before any hook.
        super().set_modules(modules)
        self.core.build_loaded(modules)

    # -- configuration -------------------------------------------------------------------------

    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        # Called for every parsed module before analysis: the moment to learn which attribute
        # names the fullname-keyed rename hooks must claim.
        path = file.path
        if path in self._parsed:
            # A module parsed twice by one plugin: mypy's daemon read its changed file again.
            # What was learnt from the old text goes (the core's tree and memos, noqa lines).
            self.core.source_changed(path)
            forget_source(path)
            self._files.pop(path, None)
        self._parsed.add(path)
        self.settings.load(path)
        return []

    def report_config_data(self, ctx: ReportConfigContext) -> Any:
        return self.settings.cache_data(ctx.path)

    # -- every claimed rule, as the CLI finds it -----------------------------------------------

    def get_additional_indirect_deps(self, file: MypyFile) -> set[str]:
        # Called for each module right after mypy has type-checked it: the core's findings that
        # no hook saw (inside functions without annotations, shapes that are no discarded call).
        self.reports.module_checked(file)
        return set()

    # -- TRD1xx: classes -----------------------------------------------------------------------

    def get_class_decorator_hook(self, fullname: str) -> ClassHook | None:
        if not dataclass_checks.claims_decorator(fullname):
            return None
        default = self._default.get_class_decorator_hook(fullname)

        def hook(ctx: ClassDefContext) -> None:
            if default is not None:
                default(ctx)
            elif find_dataclass_transform_spec(ctx.reason) is not None:
                # What mypy does for a dataclass_transform decorator when no plugin claims it.
                dataclass_tag_callback(ctx)
            self._check_class(ctx)

        return hook

    def get_base_class_hook(self, fullname: str) -> ClassHook | None:
        symbol = self.lookup_fully_qualified(fullname)
        if symbol is None or not isinstance(symbol.node, TypeInfo):
            return None
        if not dataclass_checks.claims_base(symbol.node):
            return None
        return self._chain_class(self._default.get_base_class_hook(fullname))

    def get_metaclass_hook(self, fullname: str) -> ClassHook | None:
        if not dataclass_checks.claims_metaclass(fullname):
            return None  # the standard library's, or pydantic's (its own plugin hooks it)
        return self._chain_class(self._default.get_metaclass_hook(fullname))

    def _chain_class(self, default: ClassHook | None) -> ClassHook:
        def hook(ctx: ClassDefContext) -> None:
            if default is not None:
                default(ctx)
            self._check_class(ctx)

        return hook

    def _check_class(self, ctx: ClassDefContext) -> None:
        dataclass_checks.check_class(ctx, self.settings, self.core)

    # -- TRD301 and TRD401: calls --------------------------------------------------------------

    def get_function_hook(self, fullname: str) -> Callable[[FunctionContext], Type] | None:
        checks: list[Callable[[CallContext], None]] = []
        if fullname in rename_checks.STRING_ACCESSORS and self.settings.renamed_names:
            checks.append(self._check_string_reference)
        if self._may_return_task(fullname):
            checks.append(lambda ctx: self._check_task(fullname, ctx))
        if not checks:
            return None
        return _chain_call(self._default.get_function_hook(fullname), checks)

    def get_method_hook(self, fullname: str) -> Callable[[MethodContext], Type] | None:
        checks: list[Callable[[CallContext], None]] = []
        renamed = self.settings.renamed_names
        if renamed and fullname.rpartition(".")[2] in renamed:
            checks.append(lambda ctx: self._check_method_rename(fullname, ctx))
        if self._may_return_task(fullname):
            checks.append(lambda ctx: self._check_task(fullname, ctx))
        if not checks:
            return None
        return _chain_call(self._default.get_method_hook(fullname), checks)

    def _may_return_task(self, fullname: str) -> bool:
        # Asked for the callee of every call mypy checks: a dict hit after the first time.
        known = self._returns_task.get(fullname)
        if known is None:
            symbol = self.lookup_fully_qualified(fullname)
            known = task_checks.may_return_task(symbol.node if symbol is not None else None)
            self._returns_task[fullname] = known
        return known

    def _check_task(self, fullname: str, ctx: CallContext) -> None:
        call = ctx.context
        if not (isinstance(call, CallExpr) and task_checks.is_task(ctx.default_return_type)):
            return
        path = ctx.api.path
        config = self.settings.enabled(path, "TRD301", _problem_reporter(ctx.api))
        if config is None or span(call) not in self._discarded(path):
            return
        if task_checks.exempt(fullname, call, ctx.arg_types, config):
            return
        self.core.checking(path)
        if self.core.judges_task_call(path, call.line, call.column, config):
            return  # the core's finding, or its reason for none, when the module is checked
        if not self._callee_leaves_task_unowned(fullname, config):
            return
        fail(ctx.api, task_checks.message(call), call, "TRD301")

    def _callee_leaves_task_unowned(self, fullname: str, config: Config) -> bool:
        """Stubs and compiled callees are judged by type; a callee with Python source by the core."""
        symbol = self.lookup_fully_qualified(fullname)
        node = symbol.node if symbol is not None else None
        if node is None or isinstance(node, TypeInfo):
            return True
        definition = getattr(node, "func", node)  # a Decorator wraps the FuncDef
        module = self._module_of(fullname)
        if module is None:
            return True
        found = self.core.function_node(module.path, definition.name, definition.line)
        if found is None:
            return not module.path.endswith(".py")
        return self.core.leaves_task_unowned(found[0], found[1], config)

    def _module_of(self, fullname: str) -> MypyFile | None:
        modules = self._modules or {}
        head = fullname
        while "." in head:
            head = head.rpartition(".")[0]
            if head in modules:
                return modules[head]
        return None

    def _discarded(self, path: str) -> set[Span]:
        tree = self._file(path)
        if tree is None:
            return set()
        cached = self._statements.get(path)
        if cached is None or cached[0] is not tree:
            cached = (tree, discarded_expressions(tree))
            self._statements[path] = cached
        return cached[1]

    def _file(self, path: str) -> MypyFile | None:
        tree = self._files.get(path)
        if tree is None:
            self._files = {file.path: file for file in (self._modules or {}).values()}
            tree = self._files.get(path)
        return tree

    # -- TRD401: attributes --------------------------------------------------------------------

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        return self._attribute_hook(fullname, self._default.get_attribute_hook(fullname))

    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        return self._attribute_hook(fullname, self._default.get_class_attribute_hook(fullname))

    def _attribute_hook(
        self, fullname: str, default: Callable[[AttributeContext], Type] | None
    ) -> Callable[[AttributeContext], Type] | None:
        renamed = self.settings.renamed_names
        if not renamed:
            return None  # asked for every attribute access: the common case must cost nothing
        old = fullname.rpartition(".")[2]
        if old not in renamed:
            return None

        def hook(ctx: AttributeContext) -> Type:
            result = default(ctx) if default is not None else ctx.default_attr_type
            self._report_rename(old, ctx.type, ctx.context, ctx.api)
            return result

        return hook

    def _check_method_rename(self, fullname: str, ctx: CallContext) -> None:
        assert isinstance(ctx, MethodContext)
        self._report_rename(fullname.rpartition(".")[2], ctx.type, ctx.context, ctx.api)

    def _report_rename(self, old: str, receiver: Type, context: Context, api: CheckerPluginInterface) -> None:
        config = self.settings.enabled(api.path, "TRD401", _problem_reporter(api))
        if config is None:
            return
        rename = rename_checks.matching_rename(config, old, receiver, self.lookup_fully_qualified)
        if rename is None or self.reports.decided(api.path, context.line, "TRD40", config):
            return
        message = rename_checks.attribute_message(context, rename)
        if message is not None:
            fail(api, message, context, "TRD401")

    def _check_string_reference(self, ctx: CallContext) -> None:
        name = rename_checks.string_reference(ctx.args)
        if name is None:
            return
        config = self.settings.enabled(ctx.api.path, "TRD401", _problem_reporter(ctx.api))
        if config is None or not ctx.arg_types or not ctx.arg_types[0]:
            return
        rename = rename_checks.matching_rename(config, name.value, ctx.arg_types[0][0], self.lookup_fully_qualified)
        if rename is not None and not self.reports.decided(ctx.api.path, name.line, "TRD40", config):
            fail(ctx.api, rename_checks.string_message(rename), name, "TRD401")


def _problem_reporter(api: CheckerPluginInterface) -> Callable[[str], None]:
    def report(problem: str) -> None:
        api.fail(problem, Context(1, 0), code=ERROR_CODES["TRD002"])

    return report


def _chain_call(default: Callable[[Any], Type] | None, checks: list[Callable[[CallContext], None]]) -> Callable[[Any], Type]:
    def hook(ctx: Any) -> Type:
        result = default(ctx) if default is not None else ctx.default_return_type
        for check in checks:
            check(ctx)
        return result

    return hook
