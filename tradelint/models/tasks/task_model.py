"""asyncio tasks: which calls create one, and whether anything keeps, awaits or cancels it."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Collection, Literal, cast

from tradelint.facts.class_family import (
    bases_naming,
    class_and_bases,
    declared_by_a_base,
    family_facts,
    method_node,
    resolve_definition,
)
from tradelint.facts.context import ModuleInfo
from tradelint.facts.owned_elements import added_to, ends_elements, made_in_family
from tradelint.facts.ownership import is_release_name, release_method
from tradelint.facts.summaries import definition_of
from tradelint.facts.summary_data import ClassFacts, Definition, MethodFacts, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES, ORDERED_FIELDS, child_nodes, ordered_fields, walk
from tradelint.facts.uses import (
    STATEMENT_LISTS,
    Use,
    assigned_to,
    classify,
    declarations,
    declares_outer,
    resolve_aliases,
    self_attr,
    self_attribute_loads,
    self_attribute_nodes,
    self_name,
)
from tradelint.models.tasks.task_factories import tasks_kept_by_a_factory

# ``Project.lasting``'s kind for a wrapper's verdict: (path, digest, line, task owners, depth) ->
# (returns a task it keeps nowhere, only adds it to a weak container).
WRAPPER = "task-wrapper"

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext

DIRECT_CREATORS = {"asyncio.create_task", "asyncio.tasks.create_task", "asyncio.Task", "asyncio.tasks.Task"}
ENSURE_FUTURE = {"asyncio.ensure_future", "asyncio.tasks.ensure_future"}
CREATOR_NAMES = {name.rpartition(".")[2] for name in DIRECT_CREATORS | ENSURE_FUTURE}
LOOP_GETTERS = {
    "asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop",
    "asyncio.events.get_event_loop", "asyncio.events.get_running_loop",
}
# Loop methods whose callback's return value is thrown away.
CALLBACK_APIS = {
    "call_soon", "call_soon_threadsafe", "call_later", "call_at", "add_signal_handler",
    "add_done_callback", "add_reader", "add_writer",
}
# Event emitters (pyee, socketio, python-binance's websocket managers): the handler's result is
# thrown away, as a loop callback's is.
EMITTER_APIS = {"on", "once", "add_listener", "add_event_listener", "add_event_handler"}
# Loop methods handed a callable: ``loop.call_soon_threadsafe(asyncio.create_task, coro)``.
HANDLE_APIS = {"call_soon", "call_soon_threadsafe", "call_later", "call_at"}
# Task methods that neither await, cancel nor keep the task.
WEAK_TASK_METHODS = {"add_done_callback", "remove_done_callback", "set_name", "get_name", "get_coro", "done", "cancelled"}
CONTAINER_ADDERS = {"add", "append", "appendleft"}
CONTAINER_BOOKKEEPING = CONTAINER_ADDERS | {"discard", "remove", "clear"}
WEAK_CONTAINERS = {"weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary"}
WEAK_CONTAINER_NAMES = {name.rpartition(".")[2] for name in WEAK_CONTAINERS}
# Attributes whose call ``sites`` asks about beyond ``self.method(...)``: the creators, the loop
# and emitter APIs handed a callable, discord's ``Loop.start``.
CALL_SITE_APIS = HANDLE_APIS | EMITTER_APIS
# Loop and emitter methods whose callback's result (a lambda's task) is thrown away.
LAMBDA_HOLDER_APIS = CALLBACK_APIS | EMITTER_APIS
SITE_ATTRIBUTES = frozenset(CREATOR_NAMES | CALL_SITE_APIS | {"create_task", "start"})
_FUNCTION_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
HANDLING_USES = {"await", "argument", "with", "return", "alias", "container"}

Problem = Literal[
    "discarded", "local", "container", "self", "self_elements", "global_container", "global", "self_loop",
    "self_owner",
]
# discord.py's background loops: ``@tasks.loop(...)`` makes a method a ``Loop`` whose ``start()``
# creates a task the ``Loop`` holds; only its ``cancel()`` or ``stop()`` ends it (a cog's
# ``cog_unload()``), so a started loop nobody ends runs on after the cog is unloaded or reloaded.
LOOP_DECORATORS = {"discord.ext.tasks.loop"}
LOOP_ENDERS = {"cancel", "stop"}
# A discord bot's cog (discord.py, its forks, Red): the framework ends it by calling
# ``cog_unload()`` (``__unload()`` before discord.py 1.0), and nothing else of it runs at unload:
# a task its commands cancel, or await, is still running when the cog is unloaded or reloaded.
COG_FRAMEWORKS = ("discord", "redbot", "disnake", "nextcord")
COG_BASES = ("Cog", "GroupCog")
COG_TEARDOWNS = ("cog_unload", "__unload")
# Uses that hand a task on (or take it over), wherever they are: whoever holds it may end it.
HAND_ON_USES = {"argument", "with", "return", "alias", "container"}

# Third-party task owners, whose code cannot be read here: the class, and the method that cancels
# every task an instance holds. python-discord's ``Scheduler`` (``pydis_core``, formerly
# ``botcore``), used by many discord bots, keeps one task per scheduled job until ``cancel_all()``
# (python-discord/bot 6846a4b72). ``task-owner-classes`` in the configuration adds to these.
TASK_OWNER_CLASSES: dict[str, str] = {
    "pydis_core.utils.scheduling.Scheduler": "cancel_all",
    "botcore.utils.scheduling.Scheduler": "cancel_all",
}


@dataclass(frozen=True)
class TaskSite:
    call: ast.Call
    problem: Problem
    label: str
    node: ast.AST  # what is reported
    name: str = ""
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    cls: ast.ClassDef | None = None
    # False where the reported call is not the task itself (``call_soon_threadsafe(spawn)``):
    # wrapping it would keep a handle, not the task.
    fixable: bool = True


class TaskAnalysis:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module = ctx.module
        self.owners = ctx.config.task_owners
        self.owner_classes = {**TASK_OWNER_CLASSES, **dict(ctx.config.task_owner_classes)}
        self._wrappers: dict[ast.AST, bool] = {}
        # Wrappers that keep their task only in a WeakSet and return nothing.
        self._returns_nothing: set[ast.AST] = set()
        self._call_targets: dict[ast.Call, ast.AST] = {}
        self._target_modules: dict[ast.Call, ModuleInfo] = {}
        self._receivers: dict[ModuleInfo, set[str]] = {}
        self._in_progress: set[ast.AST] = set()
        self._cycle = False
        # What a called name is, per module and name: every ``len(...)`` and ``self.helper(...)``
        # of a file asks the same question, and most calls in real code are such calls.
        self._named: dict[tuple[ModuleInfo, str], str | tuple[ModuleSummary, Definition] | None] = {}
        self._named_targets: dict[tuple[ModuleInfo, str], tuple[ModuleInfo, ast.stmt] | None] = {}
        self._declarations: dict[ast.AST, tuple[frozenset[str], frozenset[str]]] = {}
        self._owners_of: dict[str | tuple[str | None], frozenset[str] | None] = {}
        self._class_verdicts: dict[tuple[str, ast.ClassDef, str], bool] = {}
        self._name_loads: dict[ast.AST, dict[str, list[ast.Name]]] = {}
        # ``_own_nodes`` per function judged: a wrapper is judged at each depth it is reached at.
        self._own: dict[ast.AST, list[ast.AST]] = {}
        self._own_statements: dict[ast.AST, list[ast.AST]] = {}
        self._self_methods: dict[ast.ClassDef, dict[str, tuple[ModuleSummary, ClassFacts, MethodFacts]]] = {}
        # Per method (a function in a class's body) of the modules asked about: its class and its
        # ``self``'s name (None for a static method).
        self._method_receivers: dict[ast.AST, tuple[ast.ClassDef, str | None]] = {}

    def creator_label(self, call: ast.Call, module: ModuleInfo | None = None, depth: int = 0) -> str | None:
        """How the task-creating callee is spelled, or None when the call does not make a dangling task."""
        module = module or self.module
        func = call.func
        creates = False
        kind: str | None = None  # asyncio's own creators, however imported
        if isinstance(func, ast.Name):
            named = self._named_callee(module, func)
            if isinstance(named, str):
                kind = named
            elif named is not None and depth < 3:
                creates = self._is_dangling_named(call, module, func, named, depth)
        elif isinstance(func, ast.Attribute):
            # An import alias can only rename the root of a dotted callee, so an attribute call
            # can be ``asyncio.create_task`` only if it ends in one of these names.
            if func.attr in CREATOR_NAMES:
                kind = _creator_kind(module.imports.qualify(func))
            if kind is None and func.attr == "create_task" and _is_loop(module, func.value):
                creates = True
            elif kind is None and depth < 3 and isinstance(func.value, ast.Name):
                creates = self._is_dangling_method_call(module, call, func, func.value, depth)
            elif kind is None and 1 <= depth < 3 and isinstance(func.value, ast.Attribute):
                # Only inside a wrapper being judged (``sys_create_task()`` returning
                # ``self.coresys.create_task(...)``): typing every ``self.x.y()`` of a file costs.
                creates = self._is_dangling_attribute_call(module, call, func, func.value, depth)
        if kind == "direct":
            creates = True
        elif kind == "ensure":
            creates = bool(call.args) and isinstance(call.args[0], ast.Call)
        if not creates:
            return None
        text = ast.unparse(func)
        if any(text == owner or text.endswith("." + owner) for owner in self.owners):
            return None
        return text

    def _named_callee(self, module: ModuleInfo, func: ast.Name) -> str | tuple[ModuleSummary, Definition] | None:
        """``"direct"`` or ``"ensure"`` for asyncio's creators, else the first-party function a
        called name can be a task wrapper as (a sync function in a module that mentions tasks)."""
        key = (module, func.id)
        if key in self._named:
            return self._named[key]
        if func.id not in module.imports.names and func.id not in module.top_level:
            # A builtin, a local, a parameter: it names neither an import nor a definition of the
            # module, so neither ``qualify`` nor ``definition_of`` finds anything for it.
            self._named[key] = None
            return None
        qualified = module.imports.qualify(func)
        found: str | tuple[ModuleSummary, Definition] | None = _creator_kind(qualified)
        if found is None and not (qualified is not None and _never_first_party(qualified)):
            # Asked from the summaries first: a class, an ``async def`` or a function in a module
            # that names no task API is no wrapper, and its module need not be parsed.
            named = definition_of(module, func)
            if named is not None and named[1].kind == "function" and named[0].mentions_tasks:
                found = named
        self._named[key] = found
        return found

    def _is_dangling_named(
        self, call: ast.Call, module: ModuleInfo, func: ast.Name, named: tuple[ModuleSummary, Definition], depth: int
    ) -> bool:
        """``_is_dangling_target`` on the function a name calls: not parsed again when an earlier
        file found it no wrapper at this depth (``_known_no_wrapper``)."""
        if self._known_no_wrapper(named[0], named[1].line, depth + 1):
            return False
        key = (module, func.id)
        if key not in self._named_targets:
            target = resolve_definition(module, func)
            self._named_targets[key] = target if target is not None and isinstance(target[1], ast.FunctionDef) else None
        target = self._named_targets[key]
        return target is not None and self._is_dangling_target(call, target, depth)

    def _known_no_wrapper(self, summary: ModuleSummary, line: int, depth: int) -> bool:
        """Whether the function on ``line`` was judged no wrapper at ``depth`` (in any file of
        the run: the verdict outlives its tree, as summaries do)."""
        verdict = self.module.project.lasting.get((WRAPPER, summary.path, summary.digest, line, self.owners, depth))
        return verdict == (False, False)

    def _is_dangling_method_call(
        self, module: ModuleInfo, call: ast.Call, func: ast.Attribute, receiver: ast.Name, depth: int
    ) -> bool:
        """``self.helper(...)`` where ``helper`` is a method of the class or its first-party bases
        that returns a task it does not keep."""
        named = self._self_candidate(module, call, func, receiver)
        if named is None or self._known_no_wrapper(named[0], named[2].line, depth + 1):
            return False
        target = method_node(module, *named)
        return target is not None and self._is_dangling_target(call, target, depth)

    def _self_candidate(
        self, module: ModuleInfo, call: ast.Call, func: ast.Attribute, receiver: ast.Name
    ) -> tuple[ModuleSummary, ClassFacts, MethodFacts] | None:
        """The method ``self.helper(...)`` calls when it can be a task wrapper: a ``def`` of the
        class or its first-party bases, in a module that names a task API."""
        if receiver.id not in self._receiver_names(module):
            return None  # ``logger.info(...)``: not a call on a method's ``self``
        # ``module.enclosing_function(call)``, inlined: asked for every ``self.x()`` of a file.
        parents = module.index.parents
        method = parents.get(call)
        while method is not None and method.__class__ not in _FUNCTION_TYPES:
            method = parents.get(method)
        if method is None:
            return None
        # Noted by ``_receiver_names`` for every method of the module: anything else (None here)
        # is a plain function or one nested in a method, with no ``self`` of its own.
        noted = self._method_receivers.get(method)
        if noted is None or receiver.id != noted[1]:
            return None
        owner = noted[0]
        candidates = self._self_methods.get(owner)
        if candidates is None:
            # From summaries: a base's module is parsed only for the method called, when it is a
            # ``def`` in a module that names a task API.
            candidates = self._self_methods[owner] = _wrapper_candidates(module, owner)
        return candidates.get(func.attr)

    def _is_dangling_attribute_call(
        self, module: ModuleInfo, call: ast.Call, func: ast.Attribute, holder: ast.Attribute, depth: int
    ) -> bool:
        """``self.coresys.create_task(...)`` where the class (or a first-party base) annotates
        ``coresys: CoreSys`` and ``CoreSys.create_task`` returns a task it does not keep
        (Home Assistant Supervisor's ``sys_create_task()``)."""
        method = module.enclosing_function(call)
        owner = module.parent(method) if method is not None else None
        if (
            method is None
            or not isinstance(owner, ast.ClassDef)
            or not isinstance(holder.value, ast.Name)
            or holder.value.id != self_name(method)
        ):
            return False
        for base_module, base in bases_naming(module, owner, holder.attr):
            for stmt in base.body:
                if (
                    isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and stmt.target.id == holder.attr
                ):
                    found = resolve_definition(base_module, stmt.annotation)
                    if found is None or not isinstance(found[1], ast.ClassDef):
                        return False
                    target = _methods(found[0], found[1]).get(func.attr)
                    return (
                        target is not None
                        and isinstance(target[1], ast.FunctionDef)
                        and target[0].index.mentions_tasks
                        and self._is_dangling_target(call, target, depth)
                    )
        return False

    def _is_dangling_target(self, call: ast.Call, target: tuple[ModuleInfo, ast.stmt], depth: int) -> bool:
        assert isinstance(target[1], ast.FunctionDef)
        self._call_targets[call] = target[1]
        self._target_modules[call] = target[0]
        return self._is_dangling_wrapper(target[0], target[1], depth + 1)

    def _receiver_names(self, module: ModuleInfo) -> set[str]:
        """The first-parameter names of the module's methods (``self``, ``cls``, rarely more)."""
        names = self._receivers.get(module)
        if names is None:
            names = self._receivers[module] = set()
            # A method is a function directly in a class's body: its parent is the class. Its
            # class and receiver are noted for ``_self_candidate`` on the way.
            methods = self._method_receivers
            for cls in module.index.classes:
                for stmt in cls.body:
                    if stmt.__class__ is ast.FunctionDef or stmt.__class__ is ast.AsyncFunctionDef:
                        # ``self_name``, inlined: the first parameter, None for a static method.
                        args = stmt.args
                        params = args.posonlyargs or args.args
                        name = params[0].arg if params else None
                        for decorator in stmt.decorator_list:
                            if decorator.__class__ is ast.Name and decorator.id == "staticmethod":
                                name = None
                        methods[stmt] = (cls, name)
                        if name is not None:
                            names.add(name)
        return names

    def leaves_task_unowned(self, module: ModuleInfo, func: ast.FunctionDef) -> bool:
        """Whether a call to ``func`` hands its caller a task that nothing else keeps: what the
        mypy plugin asks about a callee it found through types."""
        return module.index.mentions_tasks and self._is_dangling_wrapper(module, func, 1)

    def returns_task(self, call: ast.Call) -> bool:
        """Whether the call's value is a task on every path: asyncio's creators always, a
        first-party wrapper only when each of its ``return`` statements gives a task it created
        and no path falls off its end (a wrapper that returns None in some mode gives no fix:
        ``None.add_done_callback`` would fail)."""
        target = self._call_targets.get(call)
        if target is None:
            return True
        if target in self._returns_nothing or not isinstance(target, ast.FunctionDef):
            return False
        return self._always_returns_task(self._target_modules[call], target, 1)

    def _always_returns_task(self, module: ModuleInfo, func: ast.FunctionDef, depth: int) -> bool:
        memo = module.project.class_memo
        key = ("always-task", func)
        verdicts = cast("dict[tuple[tuple[str, ...], int], bool]", memo.setdefault(key, {}))
        known = verdicts.get((self.owners, depth))
        if known is None:
            verdicts[(self.owners, depth)] = False  # recursion guard: unproven
            known = self._judge_always_task(module, func, depth)
            verdicts[(self.owners, depth)] = known
        return known

    def _judge_always_task(self, module: ModuleInfo, func: ast.FunctionDef, depth: int) -> bool:
        nodes = self._nodes_of(func)
        if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes) or not _always_exits(func.body):
            return False
        returns = [n for n in nodes if isinstance(n, ast.Return)]
        return bool(returns) and all(
            r.value is not None and self._is_task_value(module, func, r.value, depth) for r in returns
        )

    def _is_task_value(self, module: ModuleInfo, func: ast.FunctionDef, value: ast.expr, depth: int) -> bool:
        if isinstance(value, ast.Name):
            if any(isinstance(a, ast.arg) and a.arg == value.id for a in walk(func.args)):
                return False
            if declares_outer(func, value.id):
                return False
            stores = [
                n for n in self._nodes_of(func)
                if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For, ast.With))
                and _binds(n, value.id)
            ]
            return bool(stores) and all(
                isinstance(s, (ast.Assign, ast.AnnAssign))
                and s.value is not None
                and self._is_task_value(module, func, s.value, depth)
                for s in stores
            )
        if not isinstance(value, ast.Call) or depth > 3:
            return False
        func_node = value.func
        if isinstance(func_node, ast.Attribute) and func_node.attr == "create_task" and _is_loop(module, func_node.value):
            return True
        kind = _creator_kind(module.imports.qualify(func_node))
        if kind == "direct":
            return True
        if kind == "ensure":
            return bool(value.args) and isinstance(value.args[0], ast.Call)
        if self.creator_label(value, module, depth) is None:
            return False  # not a dangling creator: a task kept elsewhere, or not a task at all
        inner = self._call_targets.get(value)
        inner_module = self._target_modules.get(value)
        return (
            isinstance(inner, ast.FunctionDef)
            and inner_module is not None
            and inner not in self._returns_nothing
            and self._always_returns_task(inner_module, inner, depth + 1)
        )

    def _is_dangling_wrapper(self, module: ModuleInfo, func: ast.FunctionDef, depth: int) -> bool:
        """A sync function returning a task it created without keeping a strong reference."""
        if func in self._wrappers:
            if func in self._in_progress:
                self._cycle = True
            return self._wrappers[func]
        # Every file that calls a wrapper asks about it: judge it once per run. The verdict
        # depends only on the function, the task owners configured and the depth reached.
        memo = module.project.class_memo
        key = ("wrapper", func)
        verdicts = cast("dict[tuple[tuple[str, ...], int], tuple[bool, bool]]", memo.setdefault(key, {}))
        known = verdicts.get((self.owners, depth))
        if known is not None:
            result, weak_only = known
            if weak_only and not result:
                self._returns_nothing.add(func)
            self._wrappers[func] = result or weak_only
            return result or weak_only
        self._wrappers[func] = False  # recursion guard
        self._in_progress.add(func)
        outer_cycle, self._cycle = self._cycle, False
        result = False
        weak_only = False
        # Without a weak container in the module no call is an add to one, and only the returns
        # matter: its statements suffice, met in the same order as among all its nodes.
        nodes = self._nodes_of(func) if self._weak_containers(module) else self._statements_of(func)
        for node in nodes:
            if isinstance(node, ast.Call) and self._is_weak_container_add(module, node):
                # ``_weak_tasks.add(asyncio.create_task(coro))``: a WeakSet keeps nothing alive.
                if any(isinstance(a, ast.Call) and self.creator_label(a, module, depth) for a in node.args):
                    weak_only = True
            if not isinstance(node, ast.Return) or node.value is None:
                continue
            value = node.value
            if isinstance(value, ast.Call) and self.creator_label(value, module, depth) is not None:
                result = True
            elif isinstance(value, ast.Name) and self._local_task_unkept(module, func, value.id, depth):
                result = True
        if weak_only and not result:
            self._returns_nothing.add(func)
        self._in_progress.discard(func)
        if not self._cycle:
            # A verdict reached through a recursion guard depends on where the walk started:
            # keep it for this file only, so that results never depend on the order of files.
            verdicts[(self.owners, depth)] = (result, weak_only)
            module.project.lasting[(WRAPPER, str(module.path), module.digest, func.lineno, self.owners, depth)] = (
                result,
                weak_only,
            )
        self._cycle = outer_cycle or self._cycle
        result = result or weak_only
        self._wrappers[func] = result
        return result

    def _local_task_unkept(self, module: ModuleInfo, func: ast.FunctionDef, name: str, depth: int) -> bool:
        created = False
        for node in self._statements_of(func):  # assignments are statements
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                if not (isinstance(node.value, ast.Call) and self.creator_label(node.value, module, depth)):
                    return False
                created = True
        if not created:
            return False
        for load in self._loads(func, name):
            use = classify(module, load)
            if use.kind == "return" or (use.kind == "method" and use.name in WEAK_TASK_METHODS):
                continue
            if use.kind == "argument" and use.call is not None and self._is_weak_container_add(module, use.call):
                continue
            return False
        return True

    def _is_weak_container_add(self, module: ModuleInfo, call: ast.Call) -> bool:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr in CONTAINER_ADDERS):
            return False
        weak = self._weak_containers(module)
        return bool(weak) and ast.unparse(func.value) in weak

    def _weak_containers(self, module: ModuleInfo) -> set[str]:
        # Asked for every ``x.add(...)`` in every candidate wrapper: computed once per module.
        memo = module.project.class_memo
        key = ("weak-containers", module.tree)
        if key not in memo:
            memo[key] = self._find_weak_containers(module)
        return cast("set[str]", memo[key])

    def _find_weak_containers(self, module: ModuleInfo) -> set[str]:
        found: set[str] = set()
        names = module.imports.names
        for call in module.index.calls:
            # An import alias renames only the root: a dotted callee ends in the class's name, a
            # called name is bound to the class itself.
            func = call.func
            if isinstance(func, ast.Name):
                if names.get(func.id) not in WEAK_CONTAINERS:
                    continue
            elif not isinstance(func, ast.Attribute) or func.attr not in WEAK_CONTAINER_NAMES:
                continue
            if module.imports.qualify(func) in WEAK_CONTAINERS:
                parent = module.parent(call)
                if isinstance(parent, ast.Assign):
                    found.update(ast.unparse(t) for t in parent.targets)
                elif isinstance(parent, ast.AnnAssign):
                    found.add(ast.unparse(parent.target))
        return found

    @cached_property
    def sites(self) -> list[TaskSite]:
        found: list[TaskSite] = []
        owned: set[tuple[ast.AST, str]] = set()
        module = self.module
        get_parent = module.index.parents.get
        receivers = self._receiver_names(module)
        named_here: dict[str, object] = {}
        Name, Attribute, Assign, AnnAssign = ast.Name, ast.Attribute, ast.Assign, ast.AnnAssign
        # In source order already: ``build_index`` sorts the calls by (line, column).
        for call in module.index.calls:
            # Most calls can be no site: rejected here by the questions ``_call_site`` asks first,
            # with the same memos filled in the same order (``_named_callee``, ``_self_methods``).
            func = call.func
            if func.__class__ is Name:
                name = func.id
                named = named_here.get(name, named_here)
                if named is named_here:
                    named = named_here[name] = self._named_callee(module, func)
                may_create = named is not None or name == "map"
            elif func.__class__ is Attribute:
                # Beyond asyncio's creators and the loop's, emitters' and discord's methods, only
                # ``self.method(...)`` can make a task at depth 0 (``_is_dangling_method_call``).
                may_create = func.attr in SITE_ATTRIBUTES
                value = func.value
                if not may_create and value.__class__ is Name and value.id in receivers:
                    may_create = self._self_candidate(module, call, func, value) is not None
            else:
                continue  # ``f()()``, ``fs[0]()``: no creator, and no owner class named
            if not may_create:
                # ``_owner_site``'s first questions: a task owner is kept only by a one-target
                # assignment of the call itself to an attribute of some method's ``self``.
                holder = get_parent(call)
                if holder.__class__ is Assign:
                    if len(holder.targets) != 1:
                        continue
                    target = holder.targets[0]
                elif holder.__class__ is AnnAssign:
                    target = holder.target
                else:
                    continue
                if not (
                    holder.value is call
                    and target.__class__ is Attribute
                    and target.value.__class__ is Name
                    and target.value.id in receivers
                    and _names_something(module, func)
                ):
                    continue
            site = self._call_site(call)
            if site is not None and site.problem in ("discarded", "local", "container") and self._kept_by_factory:
                # The project's own task factory holds every task until it is done (electrum).
                continue
            if site is not None:
                if site.problem in ("self", "self_elements", "self_loop", "self_owner"):
                    # One finding per owned thing: the attribute, at its first creation.
                    assert site.cls is not None
                    if (site.cls, site.name) in owned:
                        continue
                    owned.add((site.cls, site.name))
                if site.problem in ("global", "global_container"):
                    # The module's own task or registry, however many functions fill it.
                    if (self.module.tree, site.name) in owned:
                        continue
                    owned.add((self.module.tree, site.name))
                found.append(site)
        return found

    def _call_site(self, call: ast.Call) -> TaskSite | None:
        label = self.creator_label(call)
        site = None
        if label is not None:
            site = self._site(call, label)
        elif isinstance(call.func, ast.Attribute) and call.func.attr in CALL_SITE_APIS:
            site = self._callback_site(call)
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "start":
            site = self._loop_site(call)
        elif isinstance(call.func, ast.Name) and call.func.id == "map":
            site = self._map_site(call)
        if site is None and label is None:
            site = self._owner_site(call)
        return site

    def _loop_site(self, call: ast.Call) -> TaskSite | None:
        """``self.poll.start()`` where ``poll`` is a ``@tasks.loop`` method of the class (or of a
        first-party base) that no method of the class's family ever cancels or stops."""
        module = self.module
        assert isinstance(call.func, ast.Attribute)
        target = call.func.value
        function = module.enclosing_function(call)
        if (
            function is None
            or not isinstance(target, ast.Attribute)
            or not isinstance(target.value, ast.Name)
            or target.value.id != self_name(function)
            or not isinstance(module.parent(call), ast.Expr)
        ):
            return None
        cls = module.parent(function)
        if not isinstance(cls, ast.ClassDef):
            return None
        family = self._class_family(cls, target.attr)
        if not any(_is_loop_method(owner_module, owner, target.attr) for owner_module, owner in family):
            return None
        if self._ended_or_handed_on(cls, target.attr, LOOP_ENDERS):
            return None
        stmt = module.parent(call)
        assert isinstance(stmt, ast.Expr)
        return TaskSite(call, "self_loop", ast.unparse(call.func), stmt, target.attr, function, cls, fixable=False)

    def _owner_site(self, call: ast.Call) -> TaskSite | None:
        """``self.scheduler = Scheduler(...)`` where ``Scheduler`` is a first-party *task owner*
        (it keeps the tasks it creates in a collection on itself and has a method that cancels
        them all: ``cancel_all()``) and no method of the holder's class family ever calls that
        method: the scheduled tasks run on after the holder is done (python-discord/bot's cogs,
        fixed by ``self.scheduler.cancel_all()`` in ``cog_unload()``). ``label``: the method."""
        module = self.module
        if not isinstance(call.func, (ast.Name, ast.Attribute)):
            return None
        # Cheap tests first: this runs for every call of the module.
        stmt = module.parent(call)
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1) and not isinstance(stmt, ast.AnnAssign):
            return None
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        if stmt.value is not call or not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return None
        function = module.enclosing_function(call)
        if function is None or module.enclosing_scope(call) is not function:
            return None
        binding = assigned_to(module, call, function)
        if binding is None or binding.kind != "self" or binding.cls is None:
            return None
        owner = self._task_owner(call.func)
        if owner is None:
            return None
        if self._ended_or_handed_on(binding.cls, binding.name, owner):
            return None
        if declared_by_a_base(module, binding.cls, binding.name):
            return None
        return TaskSite(call, "self_owner", sorted(owner)[0], binding.stmt, binding.name, function, binding.cls,
                        fixable=False)

    def _ended_or_handed_on(self, cls: ast.ClassDef, attr: str, enders: Collection[str]) -> bool:
        """Some method of the class family calls one of ``enders`` on ``self.attr`` (in a cog,
        one that runs at unload), or hands it on: whoever holds it may end it."""
        teardown = self._teardown(cls)
        for owner_module, owner in self._class_family(cls, attr):
            for node in self_attribute_loads(owner, attr):
                use = classify(owner_module, node)
                if use.kind in HAND_ON_USES:
                    return True
                if (
                    use.kind in ("method", "attribute")
                    and use.name in enders
                    and (teardown is None or self._in_teardown(owner_module, owner, node, teardown))
                ):
                    return True
        return False

    def _task_owner(self, func: ast.Name | ast.Attribute) -> frozenset[str] | None:
        """The methods that cancel every task of a class that owns tasks, or None: a configured
        (third-party) class's method, or what a first-party class's own code shows."""
        # What follows depends on the callee only through a name's id or an attribute's
        # qualified name: asked once per callee and file (a second answer would come from
        # ``lasting``, or the summary, as the same one).
        key = func.id if isinstance(func, ast.Name) else (self.module.imports.qualify(func),)
        if key in self._owners_of:
            return self._owners_of[key]
        found = self._owners_of[key] = self._find_task_owner(func)
        return found

    def _find_task_owner(self, func: ast.Name | ast.Attribute) -> frozenset[str] | None:
        module = self.module
        configured = self.owner_classes.get(module.imports.qualify(func) or "")
        if configured is not None:
            return frozenset({configured})
        # From summaries first: most callees are no class, and a class judged before (in a module
        # the budget has forgotten since) is answered without parsing it again.
        named = definition_of(module, func)
        if named is None or named[1].kind != "class":
            return None
        lasting = module.project.lasting
        key = ("task-enders", named[0].path, named[0].digest, named[1].line)
        if key in lasting:
            return cast("frozenset[str] | None", lasting[key])
        facts = named[0].classes.get(named[1].line)
        if facts is not None and not facts.cancels:
            return None  # ``_task_enders``'s first test, from the summary: it cancels nothing
        if isinstance(func, ast.Name) and func.id in module.top_level and func.id not in module.imports.names:
            found: tuple[ModuleInfo, ast.stmt] | None = (module, module.top_level[func.id])
        else:
            qualified = module.imports.qualify(func)
            found = module.project.lookup(qualified, module.roots) if qualified else None
        if found is None or not isinstance(found[1], ast.ClassDef):
            lasting[key] = None
            return None
        # Once per class and run: a scheduler class is instantiated from many modules.
        enders = lasting[key] = _task_enders(self, found[0], found[1])
        return enders

    @cached_property
    def _kept_by_factory(self) -> bool:
        return tasks_kept_by_a_factory(self.module)

    def _callback_site(self, holder: ast.Call) -> TaskSite | None:
        """``loop.call_soon_threadsafe(asyncio.create_task, coro)`` or ``(self._spawn)``: the loop
        calls the creator and throws the task away."""
        assert isinstance(holder.func, ast.Attribute)
        if holder.func.attr in EMITTER_APIS:
            # ``emitter.on("message", self.on_message)``, ``client.add_event_handler(handler, ev)``:
            # the handler's place differs between libraries; a string is the event's name.
            for arg in holder.args:
                if isinstance(arg, (ast.Name, ast.Attribute)):
                    site = self._callback_ref_site(holder, arg)
                    if site is not None:
                        return site
            return None
        position = 1 if holder.func.attr in ("call_later", "call_at") else 0
        if len(holder.args) <= position:
            return None
        return self._callback_ref_site(holder, holder.args[position])

    def _map_site(self, call: ast.Call) -> TaskSite | None:
        """``list(map(asyncio.create_task, coros))`` as a statement: every task made and the list
        thrown away (a bare ``map(...)`` is lazy and makes none)."""
        module = self.module
        outer = module.parent(call)
        if not (
            call.args
            and "map" not in module.top_level
            and isinstance(outer, ast.Call)
            and isinstance(outer.func, ast.Name)
            and outer.func.id in ("list", "tuple", "set")
            and outer.args == [call]
            and isinstance(module.parent(outer), ast.Expr)
        ):
            return None
        ref = call.args[0]
        if isinstance(ref, ast.Attribute) and ref.attr == "create_task" and _is_loop(module, ref.value):
            pass
        elif not (isinstance(ref, (ast.Name, ast.Attribute)) and _creator_kind(module.imports.qualify(ref))):
            return None
        label = ast.unparse(ref)
        if any(label == owner or label.endswith("." + owner) for owner in self.owners):
            return None
        return TaskSite(call, "discarded", label, outer, fixable=False)

    def _callback_ref_site(self, holder: ast.Call, ref: ast.expr) -> TaskSite | None:
        if isinstance(ref, ast.Call) and self.module.imports.qualify(ref.func) == "functools.partial" and ref.args:
            ref = ref.args[0]  # ``call_soon_threadsafe(partial(asyncio.create_task, coro))``
        creates = False
        if isinstance(ref, ast.Attribute) and ref.attr == "create_task" and _is_loop(self.module, ref.value):
            creates = True
        elif isinstance(ref, (ast.Name, ast.Attribute)) and _creator_kind(self.module.imports.qualify(ref)):
            creates = True
        elif isinstance(ref, ast.Name):
            named = self._named_callee(self.module, ref)
            creates = isinstance(named, tuple) and self._is_dangling_named(holder, self.module, ref, named, 0)
        elif isinstance(ref, ast.Attribute) and isinstance(ref.value, ast.Name):
            creates = self._is_dangling_method_call(self.module, holder, ref, ref.value, 0)
        if not creates:
            return None
        label = ast.unparse(ref)
        if any(label == owner or label.endswith("." + owner) for owner in self.owners):
            return None
        return TaskSite(holder, "discarded", label, holder, fixable=False)

    def _site(self, call: ast.Call, label: str) -> TaskSite | None:
        module = self.module
        expr: ast.expr = call
        parent = module.parent(call)
        # ``create_task(a()) if fast else create_task(b())``: the conditional is the value.
        while isinstance(parent, ast.IfExp) and expr is not parent.test:
            expr, parent = parent, module.parent(parent)
        if isinstance(parent, ast.Expr):
            return TaskSite(call, "discarded", label, parent)
        # ``[create_task(f(x)) for x in xs]`` or ``[create_task(a()), create_task(b())]`` as a
        # statement: the list is thrown away with every task in it.
        if (isinstance(parent, (ast.ListComp, ast.SetComp)) and parent.elt is expr) or (
            isinstance(parent, ast.DictComp) and parent.value is expr
        ):
            if isinstance(module.parent(parent), ast.Expr):
                return TaskSite(call, "discarded", label, call)
        if isinstance(parent, (ast.List, ast.Set, ast.Tuple)) and isinstance(module.parent(parent), ast.Expr):
            return TaskSite(call, "discarded", label, call)
        if (
            (isinstance(parent, (ast.ListComp, ast.SetComp)) and parent.elt is expr)
            or (isinstance(parent, ast.DictComp) and parent.value is expr)
            or isinstance(parent, (ast.List, ast.Set, ast.Tuple))
        ):
            # ``tasks = [create_task(f(x)) for x in xs]`` and ``tasks`` never used again.
            function = module.enclosing_function(call)
            if isinstance(parent, (ast.ListComp, ast.SetComp, ast.DictComp)):
                scope_ok = function is not None and module.enclosing_scope(parent) is function
            else:
                scope_ok = function is not None and module.enclosing_scope(call) is function
            held = assigned_to(module, parent, function) if function is not None and scope_ok else None
            if function is not None and held is not None and held.kind == "self" and held.cls is not None:
                # ``self._workers = [create_task(...) for ...]``: the list's elements are owned.
                if self._self_elements_unended(held.cls, held.name):
                    return TaskSite(call, "self_elements", label, held.stmt, held.name, function, held.cls)
                return None
            if function is not None and held is not None and held.kind == "local":
                if held.name == "_":
                    # ``_ = [create_task(...) for ...]`` (twitchio's dispatch): thrown away on purpose.
                    return TaskSite(call, "discarded", label, call)
                if self._local_dangles(function, held.name, held.stmt):
                    return TaskSite(call, "container", label, call, held.name, function)
            return None
        if isinstance(parent, ast.Attribute) and parent.attr in ("add_done_callback", "set_name"):
            chained = module.parent(parent)
            if isinstance(chained, ast.Call) and isinstance(module.parent(chained), ast.Expr):
                return TaskSite(call, "discarded", label, chained)
            return None
        if isinstance(parent, ast.Lambda):
            holder = module.parent(parent)
            if isinstance(holder, ast.keyword):
                holder = module.parent(holder)
            if (
                isinstance(holder, ast.Call)
                and isinstance(holder.func, ast.Attribute)
                and holder.func.attr in LAMBDA_HOLDER_APIS
            ):
                return TaskSite(call, "discarded", label, call)
            return None
        function = module.enclosing_function(call)
        if function is None or module.enclosing_scope(call) is not function:
            return None
        collection = added_to(module, expr)
        if collection is not None:
            owned = self._owned_collection(function, collection)
            if owned is not None:
                problem, name, cls = owned
                stmt = next(a for a in module.ancestors(call) if isinstance(a, ast.stmt))
                return TaskSite(call, problem, label, stmt, name, function, cls)
        binding = assigned_to(module, expr, function)
        if binding is not None:
            if binding.kind == "local" and binding.name == "_":
                return TaskSite(call, "discarded", label, binding.stmt)
            if binding.kind == "local" and binding.name in self._declared(function)[0]:
                if self._global_dangles(binding.name):
                    return TaskSite(call, "global", label, binding.stmt, binding.name, function)
                return None
            if binding.kind == "local" and self._local_dangles(function, binding.name, binding.stmt):
                return TaskSite(call, "local", label, binding.stmt, binding.name, function)
            if binding.kind == "local" and binding.name not in self._declared(function)[1]:
                kept = self._kept_in_self_collection(function, binding.name)
                owner = module.parent(function)
                if kept is not None and isinstance(owner, ast.ClassDef) and self._self_elements_unended(owner, kept.attr):
                    return TaskSite(call, "self_elements", label, binding.stmt, kept.attr, function, owner)
                return None
            if binding.cls is not None and _runs_own_teardown(call, function):
                # ``self.cleanup_task = ensure_future(self.cleanup())`` (Tribler): the task *is*
                # the teardown; it ends by finishing, and cancelling it there would undo it.
                return None
            if binding.cls is not None and not self._self_attribute_handled(binding.cls, binding.name):
                return TaskSite(call, "self", label, binding.stmt, binding.name, function, binding.cls)
            return None
        if isinstance(parent, ast.Call) and expr in parent.args:
            container = _local_container_added_to(parent)
            if container is not None and self._local_container_dangles(function, container):
                return TaskSite(call, "container", label, parent, container, function)
        return None

    def _owned_collection(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, collection: ast.expr
    ) -> tuple[Problem, str, ast.ClassDef | None] | None:
        """A task added to ``self._tasks`` or to a module-level ``_TASKS`` that no code of the
        class (or module) ever reaches to cancel, await or hand on: (problem, name, class)."""
        module = self.module
        if isinstance(collection, ast.Attribute) and isinstance(collection.value, ast.Name):
            owner = module.parent(function)
            if collection.value.id != self_name(function) or not isinstance(owner, ast.ClassDef):
                return None
            if not self._self_elements_unended(owner, collection.attr):
                return None
            return "self_elements", collection.attr, owner
        if isinstance(collection, ast.Name):
            name = collection.id
            if not any(
                isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _binds(stmt, name) and _is_empty_container(stmt.value)
                for stmt in module.tree.body
            ):
                return None  # not a module-level list, set or dict made here
            if any(isinstance(node, ast.arg) and node.arg == name for node in walk(function)):
                return None
            if any(_binds(node, name) for node in self._nodes_of(function)):
                return None  # a local of the same name
            loads = [
                node for node in walk(module.tree)
                if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
            ]
            if any(ends_elements(module, node) for node in loads):
                return None
            return "global_container", name, None
        return None

    def _self_elements_unended(self, owner: ast.ClassDef, attr: str) -> bool:
        """No code of the class family reaches the elements of ``self.attr`` to end them (in a
        cog, at unload: ending them one by one in commands leaves the rest running), nor hands
        the collection on. Asked once per class and attribute and file: each task added to the
        collection asks it."""
        key = ("elements", owner, attr)
        if key not in self._class_verdicts:
            self._class_verdicts[key] = self._judge_self_elements_unended(owner, attr)
        return self._class_verdicts[key]

    def _judge_self_elements_unended(self, owner: ast.ClassDef, attr: str) -> bool:
        if declared_by_a_base(self.module, owner, attr):
            return False
        family = self._class_family(owner, attr)
        if not made_in_family(family, attr):
            return False  # made by a base we cannot read, whose teardown may end them
        teardown = self._teardown(owner)
        for owner_module, cls in family:
            for node in self_attribute_loads(cls, attr):
                if (
                    teardown is not None
                    and not self._in_teardown(owner_module, cls, node, teardown)
                    and not _hands_on_collection(owner_module, node)
                    and not _drops_finished(owner_module, node)
                ):
                    continue
                if ends_elements(owner_module, node):
                    return False
        return True

    def _kept_in_self_collection(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> ast.Attribute | None:
        """``task = create_task(...); self._tasks[key] = task``: the collection on ``self`` that
        the local is put in, when the function does nothing else with it but look at it or give
        it a done-callback."""
        kept: ast.Attribute | None = None
        receiver = self_name(function)
        if receiver is None:
            return None
        for load in self._loads(function, name):
            collection = added_to(self.module, load)
            if collection is not None:
                if kept is not None or self_attr(collection, receiver) is None:
                    return None
                assert isinstance(collection, ast.Attribute)
                kept = collection
                continue
            use = classify(self.module, load)
            if not (use.kind == "test" or (use.kind == "method" and use.name in WEAK_TASK_METHODS)):
                return None
        return kept

    def _global_dangles(self, name: str) -> bool:
        """``global _task; _task = create_task(...)``: no code of the module awaits, cancels or
        hands on the module's task."""
        for node in walk(self.module.tree):
            if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                use = classify(self.module, node)
                if use.kind in HANDLING_USES or (use.kind == "method" and use.name not in WEAK_TASK_METHODS):
                    return False
        return True

    def _local_dangles(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, created: ast.stmt) -> bool:
        if name in self._declared(function)[1]:
            return False
        if self._runs_the_loop_after(function, created):
            return False  # ``fut = loop.create_task(...); loop.run_forever()``: the frame outlives the loop
        for load in self._loads(function, name):
            use = classify(self.module, load)
            if use.kind in HANDLING_USES or (use.kind == "method" and use.name not in WEAK_TASK_METHODS):
                return False
            if use.kind == "method" and use.name == "done" and _asserted(self.module, use.call):
                return False  # ``assert t.done()``: the function makes sure the task ended before it returns
        return True

    def _runs_the_loop_after(self, function: ast.AST, created: ast.stmt) -> bool:
        """The function itself blocks in ``run_forever()``/``run_until_complete()`` after the task
        is created: its frame, and the local with it, lives as long as the loop runs (Red's
        ``main``). A loop run before the creation, or in a nested function, keeps nothing."""
        # The function's own nodes (``_own_nodes``) are those whose nearest enclosing function,
        # lambda or class is the function: asked of the module's few such calls, not by a walk.
        end = (created.end_lineno or created.lineno, created.end_col_offset or 0)
        return any(
            (node.lineno, node.col_offset) > end and self.module.enclosing_scope(node) is function
            for node in self._loop_runs
        )

    @cached_property
    def _loop_runs(self) -> list[ast.Call]:
        """The module's ``x.run_forever()`` and ``x.run_until_complete()`` calls."""
        runs = ("run_forever", "run_until_complete")
        return [call for call in self.module.index.calls if getattr(call.func, "attr", None) in runs]

    def _loads(self, function: ast.AST, name: str) -> list[ast.Name]:
        """``name_loads(function, name)`` as a list, from one walk of the function for every name
        asked of it (a local task's function is asked about it several times)."""
        table = self._name_loads.get(function)
        if table is None:
            table = self._name_loads[function] = {}
            for node in walk(function):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    table.setdefault(node.id, []).append(node)
        return table.get(name, [])

    def _statements_of(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
        """``_own_statements``, once per function and file."""
        found = self._own_statements.get(function)
        if found is None:
            found = self._own_statements[function] = _own_statements(function)
        return found

    def _nodes_of(self, function: ast.AST) -> list[ast.AST]:
        """``_own_nodes``, once per function and file (callers only read the list)."""
        found = self._own.get(function)
        if found is None:
            found = self._own[function] = _own_nodes(function)
        return found

    def _declared(self, function: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
        """The names ``function`` declares ``global``, and those it declares ``global`` or
        ``nonlocal``, nested functions included (``declares_outer``): one pass per function."""
        found = self._declarations.get(function)
        if found is None:
            found = self._declarations[function] = declarations(function)
        return found

    def _local_container_dangles(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
        if name in self._declared(function)[1]:
            return False
        made_here = False
        for node in walk(function):
            if isinstance(node, ast.arg) and node.arg == name:
                return False  # a parameter: the caller's container
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    if not _is_empty_container(node.value):
                        return False
                    made_here = True
        if not made_here:
            return False
        for load in self._loads(function, name):
            use = classify(self.module, load)
            if use.kind in ("method", "attribute") and use.name in CONTAINER_BOOKKEEPING:
                continue
            return False
        return True

    def _self_attribute_handled(self, cls: ast.ClassDef, attr: str) -> bool:
        """Whether the task in ``self.attr`` is awaited, cancelled or handed on by the class
        family: once per class and attribute and file (each creation of it asks)."""
        key = ("handled", cls, attr)
        if key not in self._class_verdicts:
            self._class_verdicts[key] = self._judge_self_attribute_handled(cls, attr)
        return self._class_verdicts[key]

    def _judge_self_attribute_handled(self, cls: ast.ClassDef, attr: str) -> bool:
        teardown = self._teardown(cls)
        for module, owner in self._class_family(cls, attr):
            uses = [classify(module, node) for node in self_attribute_loads(owner, attr)]
            for use in resolve_aliases(module, uses):
                if use.kind in HAND_ON_USES:
                    return True
                if use.kind == "await" or (use.kind in ("method", "attribute") and use.name in ("result", "exception")):
                    # Awaited in the object's normal flow ends it; a cog's command awaiting it
                    # (a start-up task as a readiness gate) does not end it at unload.
                    if teardown is None or self._in_teardown(module, owner, use.node, teardown):
                        return True
                    if not _decorated(_method_of(module, owner, use.node)):
                        return True
                if use.kind in ("method", "attribute") and use.name == "cancel":
                    # Cancelled by a command (``daemon stop``) but not at unload: still a leak.
                    if teardown is None or self._in_teardown(module, owner, use.node, teardown):
                        return True
                if use.kind == "method" and use.name == "done" and _polled_until_done(module, use.node):
                    return True
                # A done-callback that clears the attribute manages the task's whole life: the
                # ``self`` form of the set-plus-``discard`` pattern, owned on purpose.
                if use.kind == "method" and use.name == "add_done_callback":
                    if _callback_clears(module, owner, use, attr):
                        return True
            if _dropped_after_await(owner, attr):
                return True
        return declared_by_a_base(self.module, cls, attr) or self._ended_by_collaborator(cls, attr)

    def _teardown(self, cls: ast.ClassDef) -> frozenset[str] | None:
        """The methods that run when ``cls``'s object is ended, for a class whose teardown is
        known: a discord cog (``cog_unload()`` and what it calls). None for any other class,
        where a task cancelled anywhere counts as ended: its owner may call the method that
        cancels it at its own teardown."""
        memo = self.module.project.class_memo
        known = cast("dict[tuple[str, ...], frozenset[str] | None]", memo.setdefault(("task-teardown", cls), {}))
        configured = self.ctx.config.shutdown_methods
        if configured in known:
            return known[configured]
        found: frozenset[str] | None = None
        # Only cogs: taking every class with a shutdown-like method as known reported tasks
        # cancelled by hooks its base runs at stop, or in a framework's ``on_stop()``: 3 findings
        # on the applications, none right (benchmarks/LEAKFIXES.md). Told from summaries first, so
        # that the bases of a class that is no cog are not parsed for it.
        if self._cog_by_facts(cls) and _is_cog(family := self._class_family(cls)):
            methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
            for _, owner in family:
                for stmt in owner.body:
                    if isinstance(stmt, FUNCTION_NODES):
                        methods.setdefault(stmt.name, stmt)
            entries = [name for name, method in methods.items() if self._is_teardown_method(name, method)]
            # What the teardown calls on ``self`` (or names: a callback it registers), transitively.
            reached = set(entries)
            stack = list(entries)
            while stack:
                method = methods[stack.pop()]
                receiver = self_name(method)
                for node in ast.walk(method):
                    if (
                        isinstance(node, ast.Attribute)
                        and isinstance(node.value, ast.Name)
                        and node.value.id == receiver
                        and node.attr in methods
                        and node.attr not in reached
                    ):
                        reached.add(node.attr)
                        stack.append(node.attr)
            found = frozenset(reached)
        known[configured] = found
        return found

    def _is_teardown_method(self, name: str, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """A method the object's end runs: a cog's ``cog_unload()``, a shutdown-like name. A bot
        command named ``stop`` (decorated, taking ``ctx``) is none."""
        if name in COG_TEARDOWNS:
            return True
        if not (name in self.ctx.config.shutdown_methods or is_release_name(name)) or name == "__del__":
            return False
        if name in ("__aexit__", "__exit__"):
            return True
        required = len(method.args.posonlyargs) + len(method.args.args) - 1 - len(method.args.defaults)
        return required <= 0 and not _decorated(method)

    def _in_teardown(self, module: ModuleInfo, owner: ast.ClassDef, node: ast.AST, teardown: frozenset[str]) -> bool:
        method = _method_of(module, owner, node)
        return method is None or method.name in teardown

    def _ended_by_collaborator(self, cls: ast.ClassDef, attr: str) -> bool:
        """Another object of the module ends the task through its owner: Trusty-cogs' round view
        calls ``self.game._wait_task.cancel()``. Only when no other class of the module stores an
        attribute of that name, so that ``<anything>.<attr>`` can only be this class's task."""
        module = self.module
        family = {id(node) for _, node in self._class_family(cls, attr)}
        if any(
            id(other) not in family and any(self_attribute_nodes(other, attr, ast.Store))
            for other in module.index.classes
        ):
            return False
        for node in module.index.attributes:
            if node.attr != attr or not isinstance(node.ctx, ast.Load):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue  # the class's own loads, judged above
            use = classify(module, node)
            if use.kind == "await" or (use.kind == "method" and use.name == "cancel"):
                return True
        return False

    def _class_family(self, cls: ast.ClassDef, attr: str | None = None) -> list[tuple[ModuleInfo, ast.ClassDef]]:
        """The class, its first-party bases that name ``attr`` (the others say nothing about it,
        and their modules are not parsed; every base when ``attr`` is None, as a question about
        the whole class such as its teardown needs), and its subclasses in this module."""
        family = bases_naming(self.module, cls, attr) if attr is not None else class_and_bases(self.module, cls)
        family += [(self.module, other) for other in self._subclasses_here(cls)]
        return family

    def _subclasses_here(self, cls: ast.ClassDef) -> list[ast.ClassDef]:
        """Which classes of the module derive from ``cls``, from summaries: their bases in other
        modules need not be parsed to tell."""
        place = (self.module.summary.path, cls.lineno)
        return [
            other
            for other in self.module.index.classes
            if other is not cls
            and any((summary.path, facts.line) == place for summary, facts in family_facts(self.module, other))
        ]

    def _cog_by_facts(self, cls: ast.ClassDef) -> bool:
        return _cog_in_facts(self.module, [cls, *self._subclasses_here(cls)])


def _cog_in_facts(module: ModuleInfo, classes: list[ast.ClassDef]) -> bool:
    """``_is_cog`` of the classes' families, from summaries: some class of them names a bot
    framework's ``Cog`` among its bases. Asked first, so that the bases of a class that is no
    cog are not parsed to tell."""
    for member in classes:
        for _, facts in family_facts(module, member):
            for kind, name in facts.bases:
                if kind == "qualified" and name.rpartition(".")[2] in COG_BASES and name.partition(".")[0] in COG_FRAMEWORKS:
                    return True
    return False


def teardown_name(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> str | None:
    """The method where ``cls``'s tasks must end, for messages: a cog's ``cog_unload()`` (the
    one the framework calls, whether it is written yet or not: a cog's ``stop`` is a bot
    command), else the class's own release method; None when it has none."""
    family = class_and_bases(module, cls) if _cog_in_facts(module, [cls]) else []
    if _is_cog(family):
        for _, owner in family:
            for stmt in owner.body:
                if isinstance(stmt, FUNCTION_NODES) and stmt.name in COG_TEARDOWNS:
                    return stmt.name
        return "cog_unload"
    return release_method(module, cls, configured)


def _is_cog(family: list[tuple[ModuleInfo, ast.ClassDef]]) -> bool:
    """A class of the family derives from a bot framework's ``Cog``."""
    for owner_module, owner in family:
        for base in owner.bases:
            qualified = owner_module.imports.qualify(base) or ""
            if qualified.rpartition(".")[2] in COG_BASES and qualified.partition(".")[0] in COG_FRAMEWORKS:
                return True
    return False


def _method_of(module: ModuleInfo, owner: ast.ClassDef, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method of ``owner`` whose body holds ``node`` (through nested functions)."""
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, FUNCTION_NODES) and module.parent(ancestor) is owner:
            return ancestor
    return None


def _never_first_party(qualified: str) -> bool:
    """An imported name that ``Project.resolve`` answers None without looking for a file: a
    module itself (``import foo``: no dot), or anything of the standard library."""
    return "." not in qualified or qualified.partition(".")[0] in sys.stdlib_module_names


def _names_something(module: ModuleInfo, func: ast.Name | ast.Attribute) -> bool:
    """Whether ``qualify`` or ``definition_of`` can find anything for the callee (what
    ``_task_owner`` asks): a dotted name whose root is imported, or a name the module defines."""
    root: ast.expr = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return False
    return root.id in module.imports.names or (root is func and root.id in module.top_level)


def _wrapper_candidates(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, tuple[ModuleSummary, ClassFacts, MethodFacts]]:
    """The methods visible on ``self`` in ``cls`` that can be task wrappers: each ``def`` in a
    module that names a task API. ``visible_methods`` filtered: the first of the family to
    define a name is the one ``self`` finds, whether it can be a wrapper or not."""
    found: dict[str, tuple[ModuleSummary, ClassFacts, MethodFacts]] = {}
    family = family_facts(module, cls)
    if not any(summary.mentions_tasks for summary, _ in family):
        return found  # most classes
    seen: set[str] = set()
    for summary, facts in family:
        if summary.mentions_tasks:
            for name, method in facts.methods.items():
                if name not in seen:
                    seen.add(name)
                    if not method.is_async:
                        found[name] = (summary, facts, method)
        else:
            seen.update(facts.methods)  # hides the same names of the members after it
    return found


def _decorated(method: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """A method a framework calls (a bot command, a listener, a check): any decorator but the
    plain method kinds."""
    return method is not None and any(
        _last_name(d.func if isinstance(d, ast.Call) else d) not in ("staticmethod", "classmethod", "property", "abstractmethod")
        for d in method.decorator_list
    )


def _hands_on_collection(module: ModuleInfo, load: ast.expr) -> bool:
    """The whole collection is awaited, returned, aliased or passed (``gather(*self._tasks)``),
    not iterated or indexed to end its elements one by one."""
    use = classify(module, load)
    if use.kind == "container":
        return isinstance(module.parent(load), ast.Starred)
    return use.kind in ("await", "argument", "return", "alias", "with")


def _drops_finished(module: ModuleInfo, load: ast.expr) -> bool:
    """``self._tasks.discard`` (or ``remove``): the collection keeps each task until it is done,
    asyncio's own pattern for tasks nobody else holds; it ends them wherever it stands."""
    use = classify(module, load)
    return use.kind in ("method", "attribute") and use.name in ("discard", "remove")


def _task_enders(analysis: TaskAnalysis, module: ModuleInfo, cls: ast.ClassDef) -> frozenset[str] | None:
    """The public methods of ``cls``, taking no argument, that cancel every task it keeps, when
    it keeps the tasks it creates in a collection on ``self`` (``self._tasks[key] = task``);
    None when it is no task owner. Strict on purpose: a loop over the collection (its keys,
    values or a copy) whose body cancels the element, directly or through a method of the class
    that cancels something (``for key in self._tasks.copy(): self.cancel(key)``)."""
    # Most classes cancel nothing: answer them from the module's index of calls, without a walk.
    end = cls.end_lineno or cls.lineno
    if not any(
        isinstance(c.func, ast.Attribute) and c.func.attr == "cancel" and cls.lineno <= c.lineno <= end
        for c in module.index.calls
    ):
        return None
    methods = {stmt.name: stmt for stmt in cls.body if isinstance(stmt, FUNCTION_NODES)}
    # Each method's nodes, walked once for the three questions below (in ``walk``'s order).
    walked: dict[ast.AST, list[ast.AST]] = {method: list(walk(method)) for method in methods.values()}
    cancelling = {name for name, method in methods.items() if any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
        for n in walked[method])}
    if not cancelling:
        return None
    collections: set[str] = set()
    for method in methods.values():
        receiver = self_name(method)
        if receiver is None:
            continue
        # What goes into a collection on ``self`` (``self._tasks[key] = value``, ``.add(value)``):
        # a task made right there, or a local holding one.
        for node in walked[method]:
            value: ast.expr | None = None
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
                value = node.value
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("append", "appendleft", "add") and len(node.args) == 1):
                value = node.args[0]
            if value is None:
                continue
            target = added_to(module, value)
            if self_attr(target, receiver) is None:
                continue
            assert isinstance(target, ast.Attribute)
            if isinstance(value, ast.Name):
                made = [
                    stmt.value for stmt in walked[method]
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == value.id
                    and isinstance(stmt.value, ast.Call)
                ]
                is_task = any(analysis.creator_label(call, module) is not None for call in made)
            else:
                is_task = isinstance(value, ast.Call) and analysis.creator_label(value, module) is not None
            if is_task:
                collections.add(target.attr)
    if not collections:
        return None
    enders = set()
    for name, method in methods.items():
        receiver = self_name(method)
        if receiver is None or name.startswith("_") or method.args.args[1:] or method.args.kwonlyargs:
            continue
        for loop in walked[method]:
            if not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(loop.target, ast.Name):
                continue
            iterated = loop.iter
            while isinstance(iterated, ast.Call):
                # ``list(self._tasks)``, ``self._tasks.copy()``, ``self._tasks.values()``.
                if isinstance(iterated.func, ast.Name) and iterated.func.id in ("list", "tuple", "set") and iterated.args:
                    iterated = iterated.args[0]
                elif isinstance(iterated.func, ast.Attribute) and iterated.func.attr in ("copy", "keys", "values"):
                    iterated = iterated.func.value
                else:
                    break
            if not (self_attr(iterated, receiver) is not None and isinstance(iterated, ast.Attribute)
                    and iterated.attr in collections):
                continue
            element = loop.target.id
            for n in walk(loop):
                if not isinstance(n, ast.Call) or not isinstance(n.func, ast.Attribute):
                    continue
                direct = n.func.attr == "cancel" and isinstance(n.func.value, ast.Name) and n.func.value.id == element
                helper = (
                    isinstance(n.func.value, ast.Name)
                    and n.func.value.id == receiver
                    and n.func.attr in cancelling
                    and any(isinstance(a, ast.Name) and a.id == element for a in n.args)
                )
                if direct or helper:
                    enders.add(name)
    return frozenset(enders) or None


def _is_loop_method(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    """``name`` is a method of ``cls`` decorated ``@tasks.loop(...)`` (or ``@loop(...)`` imported
    from ``discord.ext.tasks``)."""
    for stmt in cls.body:
        if isinstance(stmt, FUNCTION_NODES) and stmt.name == name:
            for decorator in stmt.decorator_list:
                func = decorator.func if isinstance(decorator, ast.Call) else decorator
                if module.imports.qualify(func) in LOOP_DECORATORS:
                    return True
    return False


def _runs_own_teardown(call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``create_task(self.close())``, ``ensure_future(self.cleanup())``: the coroutine is a
    release method of the same object."""
    coroutine = call.args[0] if call.args else None
    if not (isinstance(coroutine, ast.Call) and isinstance(coroutine.func, ast.Attribute)):
        return False
    receiver = coroutine.func.value
    return (
        isinstance(receiver, ast.Name)
        and receiver.id == self_name(function)
        and is_release_name(coroutine.func.attr)
    )


def _methods(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, tuple[ModuleInfo, ast.stmt]]:
    """Methods visible on ``self`` in ``cls``: its own first, then its first-party bases'."""
    memo = module.project.class_memo
    key = ("methods", cls)
    if key not in memo:
        found: dict[str, tuple[ModuleInfo, ast.stmt]] = {}
        for owner_module, owner in class_and_bases(module, cls):
            for stmt in owner.body:
                if isinstance(stmt, FUNCTION_NODES):
                    found.setdefault(stmt.name, (owner_module, stmt))
        memo[key] = found
    return cast("dict[str, tuple[ModuleInfo, ast.stmt]]", memo[key])


def _dropped_after_await(cls: ast.ClassDef, attr: str) -> bool:
    """A method that awaits (an event, a queue join) and then drops ``self.attr``: a cooperative
    stop that joins the task by other means, as aiogram's ``ChatActionSender._stop`` does."""
    for method in cls.body:
        if not isinstance(method, ast.AsyncFunctionDef):
            continue
        receiver = self_name(method)
        awaits = [n.lineno for n in walk(method) if isinstance(n, ast.Await)]
        for node in walk(method):
            if (
                isinstance(node, ast.Assign)
                and _is_none(node.value)
                and any(
                    isinstance(t, ast.Attribute)
                    and t.attr == attr
                    and isinstance(t.value, ast.Name)
                    and t.value.id == receiver
                    for t in node.targets
                )
                and any(line < node.lineno for line in awaits)
            ):
                return True
    return False


def _asserted(module: ModuleInfo, call: ast.Call | None) -> bool:
    """``assert t.done()`` or ``self.assertTrue(t.done())``: the function fails unless the task has
    finished, so the local held it for its whole run (hummingbot's and OctoBot's tests)."""
    if call is None:
        return False
    parent = module.parent(call)
    if isinstance(parent, ast.Assert):
        return parent.test is call
    return (
        isinstance(parent, ast.Call)
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr == "assertTrue"
        and bool(parent.args)
        and parent.args[0] is call
    )


def _polled_until_done(module: ModuleInfo, node: ast.expr) -> bool:
    """``while not self._t.done(): await asyncio.sleep(...)``: a join by polling, as faust's
    ``ThreadedProducer.on_thread_stop`` does after telling the task to stop."""
    loop = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    return (
        isinstance(loop, ast.While)
        and any(inner is node for inner in walk(loop.test))
        and any(isinstance(inner, ast.Await) for stmt in loop.body for inner in walk(stmt))
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _callback_clears(module: ModuleInfo, cls: ast.ClassDef, use: Use, attr: str) -> bool:
    """``self._t.add_done_callback(self._on_done)`` where ``_on_done`` sets ``self._t`` again."""
    call = module.parent(module.parent(use.node) or use.node)
    if not (isinstance(call, ast.Call) and call.args):
        return False
    callback = call.args[0]
    if not (isinstance(callback, ast.Attribute) and isinstance(callback.value, ast.Name)):
        return False
    method = _methods(module, cls).get(callback.attr)
    if method is None:
        return False
    return any(
        isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.ctx, ast.Store)
        for node in walk(method[1])
    )


def _creator_kind(qualified: str | None) -> str | None:
    """``"direct"`` for asyncio's task creators, ``"ensure"`` for ``ensure_future``, else None."""
    if qualified in DIRECT_CREATORS:
        return "direct"
    if qualified in ENSURE_FUTURE:
        return "ensure"
    return None


def _is_loop(module: ModuleInfo, receiver: ast.expr) -> bool:
    if isinstance(receiver, ast.Call):
        if module.imports.qualify(receiver.func) in LOOP_GETTERS:
            return True
        # A project's own getter (telethon's ``helpers.get_running_loop()``): judged by its name,
        # as a receiver named ``loop`` is.
        return _last_name(receiver.func).lower().endswith("_loop")
    return "loop" in _last_name(receiver).lower()


def _last_name(node: ast.expr) -> str:
    """``loop`` for ``loop`` and ``self.loop``; empty for anything else."""
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _binds(node: ast.AST, name: str) -> bool:
    if isinstance(node, ast.Assign):
        targets: list[ast.expr] = node.targets
    elif isinstance(node, ast.With):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For)):
        targets = [node.target]
    else:
        return False
    return any(isinstance(n, ast.Name) and n.id == name for t in targets for n in walk(t))


def _always_exits(body: list[ast.stmt]) -> bool:
    """Whether control can never fall off the end of ``body`` (every path returns or raises).

    Conservative: loops and ``match`` are taken to fall through."""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _always_exits(last.body) and _always_exits(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _always_exits(last.body)
    if isinstance(last, ast.Try):
        if last.finalbody and _always_exits(last.finalbody):
            return True
        body_exits = _always_exits(last.body) or _always_exits(last.orelse)
        return body_exits and all(_always_exits(h.body) for h in last.handlers)
    return False


def _own_nodes(func: ast.AST) -> list[ast.AST]:
    """Nodes of a function body, not descending into nested functions or classes."""
    # ``child_nodes`` inlined (the same fields in the same order), and the nodes pushed in the
    # order it gives them: the same list as popping ``child_nodes(node)`` off a stack.
    found: list[ast.AST] = []
    stack = child_nodes(func)
    pop, push, extend, keep = stack.pop, stack.append, stack.extend, found.append
    table = ORDERED_FIELDS
    while stack:
        node = pop()
        keep(node)
        kind = node.__class__
        if kind in _SCOPE_TYPES:
            continue
        fields = table.get(kind)
        if fields is None:
            fields = ordered_fields(kind)
        for name in fields:
            value = getattr(node, name, None)
            if value is None:
                continue
            if value.__class__ is list:
                extend([child for child in value if child is not None])
            else:
                push(value)
    return found


def _own_statements(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.AST]:
    """The statements of ``_own_nodes(func)`` (with the ``except`` handlers and ``case``
    clauses that hold some), in the same order: the depth-first walk pushes the same statement
    lists in the same order, and the expressions it also pushes hold no statement (a lambda's
    body is an expression), so skipping them changes nothing between two statements."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(func.body)
    table = _STATEMENT_FIELDS
    while stack:
        node = stack.pop()
        found.append(node)
        kind = node.__class__
        if kind in _SCOPE_TYPES:
            continue
        fields = table.get(kind)
        if fields is None:
            fields = table[kind] = tuple(f for f in getattr(kind, "_fields", ()) if f in STATEMENT_LISTS)
        for name in fields:
            stack.extend(getattr(node, name))
    return found


# Per statement, handler or case type: its fields that hold statements, handlers or cases.
_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}
_SCOPE_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})


def _local_container_added_to(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in CONTAINER_ADDERS and isinstance(func.value, ast.Name):
        return func.value.id
    return None


def _is_empty_container(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.Set, ast.List, ast.Dict)):
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("set", "list", "dict")
        and not value.args
    )


def task_analysis(ctx: FileContext) -> TaskAnalysis:
    """The file's task analysis, shared by the TRD3xx rules and the task fixes (built once per file)."""
    found = ctx.memo.get("tasks")
    if found is None:
        found = ctx.memo["tasks"] = TaskAnalysis(ctx)
    return cast(TaskAnalysis, found)
