"""Which calls create an asyncio task nobody keeps: asyncio's creators, a loop's ``create_task``,
and first-party *task wrappers* (a sync function or method that returns a task it created
without keeping it), judged once per run. The first phase of the task analysis: what happens
to a task afterwards (``task_uses``) and which calls are reported (``task_model``) build on it,
and it needs neither."""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING, cast

from tradelint.facts.class_family import bases_naming, class_and_bases, family_facts, method_node, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.summaries import definition_of
from tradelint.facts.summary_data import ClassFacts, Definition, MethodFacts, ModuleSummary
from tradelint.facts.syntax import GATHER, class_methods, walk
from tradelint.facts.global_bindings import declarations
from tradelint.facts.owned_elements import ONE_ELEMENT_ADDERS
from tradelint.facts.uses import Use, classify, declares_outer, self_name
from tradelint.models.tasks.function_bodies import _always_exits, _binds, _own_nodes, _own_statements
from tradelint.models.tasks.given_makers import kept_nowhere, passthrough
from tradelint.models.tasks.imported_wrappers import module_callee

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext

# ``Project.lasting``'s kind for a wrapper's verdict: (path, digest, line, task owners, depth) ->
# (returns a task it keeps nowhere, only adds it to a weak container).
WRAPPER = "task-wrapper"


DIRECT_CREATORS = {"asyncio.create_task", "asyncio.tasks.create_task", "asyncio.Task", "asyncio.tasks.Task"}


ENSURE_FUTURE = {"asyncio.ensure_future", "asyncio.tasks.ensure_future"}


CREATOR_NAMES = {name.rpartition(".")[2] for name in DIRECT_CREATORS | ENSURE_FUTURE}


LOOP_GETTERS = {
    "asyncio.get_event_loop", "asyncio.get_running_loop", "asyncio.new_event_loop",
    "asyncio.events.get_event_loop", "asyncio.events.get_running_loop",
}


# Task methods that neither await, cancel nor keep the task.
WEAK_TASK_METHODS = {"add_done_callback", "remove_done_callback", "set_name", "get_name", "get_coro", "done", "cancelled"}


CONTAINER_ADDERS = ONE_ELEMENT_ADDERS


def only_looks(use: Use, callbacks: bool = True) -> bool:
    """A use of a task that neither ends, keeps nor hands it on: a test of it, or (with
    ``callbacks``) one of :data:`WEAK_TASK_METHODS` (``done()``, ``add_done_callback(...)``)."""
    return use.kind == "test" or (callbacks and use.kind == "method" and use.name in WEAK_TASK_METHODS)


WEAK_CONTAINERS = {"weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary"}


WEAK_CONTAINER_NAMES = {name.rpartition(".")[2] for name in WEAK_CONTAINERS}


_FUNCTION_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})


class TaskCreators:
    """The task analysis's first layer: which calls create a task that nothing keeps, and the
    per-function memos (own nodes, statements, loads, declarations) every layer reads."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module = ctx.module
        self.owners = ctx.config.task_owners
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
        self._name_loads: dict[ast.AST, dict[str, list[ast.Name]]] = {}
        # ``_own_nodes`` per function judged: a wrapper is judged at each depth it is reached at.
        self._own: dict[ast.AST, list[ast.AST]] = {}
        self._own_statements: dict[ast.AST, list[ast.AST]] = {}
        self._self_methods: dict[ast.ClassDef, dict[str, tuple[ModuleSummary, ClassFacts, MethodFacts]]] = {}
        # Per method (a function in a class's body) of the modules asked about: its class and its
        # ``self``'s name (None for a static method).
        self._method_receivers: dict[ast.AST, tuple[ast.ClassDef, str | None]] = {}
        self._alias_memo: dict[ModuleInfo, dict[str, str]] = {}
        self._nested_memo: dict[ModuleInfo, dict[str, list[ast.FunctionDef]]] = {}

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
            elif depth < 3 and func.id in self.nested_defs(module):
                nested = self._nested_def(module, call, func.id)
                creates = nested is not None and self._is_dangling_target(call, (module, nested), depth)
        elif isinstance(func, ast.Attribute):
            # An import alias can only rename the root of a dotted callee, so an attribute call
            # can be ``asyncio.create_task`` only if it ends in one of these names.
            if func.attr in CREATOR_NAMES or func.attr == "gather":
                kind = _creator_kind(module.imports.qualify(func), gather=True)
            if kind is None and func.attr == "create_task" and _is_loop(module, func.value):
                creates = True
            elif kind is None and depth < 3 and isinstance(func.value, ast.Name):
                creates = self._is_dangling_method_call(module, call, func, func.value, depth)
                if not creates and (imported := self._module_callee(module, func)) is not None:
                    creates = self._is_dangling_named(call, module, func, imported, depth)
            elif kind is None and 1 <= depth < 3 and isinstance(func.value, ast.Attribute):
                # Only inside a wrapper being judged (``sys_create_task()`` returning
                # ``self.coresys.create_task(...)``): typing every ``self.x.y()`` of a file costs.
                creates = self._is_dangling_attribute_call(module, call, func, func.value, depth)
        if kind == "direct":
            creates = True
        elif kind == "ensure":
            creates = bool(call.args) and isinstance(call.args[0], ast.Call)
        elif kind == "gather":
            creates = any(isinstance(arg, ast.Call) for arg in call.args)
        if not creates:
            return None
        text = ast.unparse(func)
        if any(text == owner or text.endswith("." + owner) for owner in self.owners):
            return None
        return text

    def nested_defs(self, module: ModuleInfo) -> dict[str, list[ast.FunctionDef]]:
        """The module's ``def``s made inside a function (a closure helper such as
        ``def run_long(aw): return asyncio.create_task(aw)``), by name: a call of one is a call of
        a first-party function, judged as a wrapper like a module's own."""
        found = self._nested_memo.get(module)
        if found is None:
            found = self._nested_memo[module] = {}
            if module.index.mentions_tasks:
                parents = module.index.parents
                for function in module.index.functions:
                    if isinstance(function, ast.FunctionDef) and parents.get(function).__class__ in _FUNCTION_TYPES:
                        found.setdefault(function.name, []).append(function)
        return found

    def _nested_def(self, module: ModuleInfo, call: ast.Call, name: str) -> ast.FunctionDef | None:
        """The ``def name`` that ``name(...)`` calls when the function around the call (or one
        around it) defines it in its own body and binds the name nowhere else."""
        candidates = self.nested_defs(module).get(name, [])
        for scope in module.ancestors(call):
            if scope.__class__ not in _FUNCTION_TYPES:
                continue
            assert isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef))
            mine = [d for d in candidates if module.parent(d) is scope]
            if mine:
                if len(mine) > 1 or name in self._declared(scope)[0] | self._declared(scope)[1]:
                    return None
                if any(
                    isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                    for n in self._nodes_of(scope)
                ):
                    return None  # rebound: the call may not reach the ``def``
                return mine[0]
            if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in self._nodes_of(scope)) \
                    or name in _parameters(scope):
                return None  # a local of a nearer function shadows any outer ``def``
        return None

    def _named_callee(self, module: ModuleInfo, func: ast.Name) -> str | tuple[ModuleSummary, Definition] | None:
        """``"direct"`` or ``"ensure"`` for asyncio's creators, else the first-party function a
        called name can be a task wrapper as (a sync function in a module that mentions tasks)."""
        key = (module, func.id)
        if key in self._named:
            return self._named[key]
        aliases = self._aliases(module)
        if func.id in aliases:
            self._named[key] = aliases[func.id]
            return aliases[func.id]
        if func.id not in module.imports.names and func.id not in module.top_level:
            # A builtin, a local, a parameter: it names neither an import nor a definition of the
            # module, so neither ``qualify`` nor ``definition_of`` finds anything for it.
            self._named[key] = None
            return None
        qualified = module.imports.qualify(func)
        found: str | tuple[ModuleSummary, Definition] | None = _creator_kind(qualified, gather=True)
        if found is None and not (qualified is not None and _never_first_party(qualified)):
            # Asked from the summaries first: a class, an ``async def`` or a function in a module
            # that names no task API is no wrapper, and its module need not be parsed.
            named = definition_of(module, func)
            if named is not None and named[1].kind == "function" and named[0].mentions_tasks:
                found = named
            elif named is None and qualified is not None:
                found = self._imported_alias(module, qualified)
        self._named[key] = found
        return found

    def _module_callee(self, module: ModuleInfo, func: ast.Attribute) -> tuple[ModuleSummary, Definition] | None:
        """``module_callee`` with this analysis's memo of called names."""
        return module_callee(module, func, self._named)

    def _aliases(self, module: ModuleInfo) -> dict[str, str]:
        """Module-level names bound once, to one of asyncio's task creators or a loop's
        ``create_task`` (``spawn = asyncio.ensure_future``): calling one makes a task as the creator
        does, so it is judged as that creator (its kind, ``"direct"`` or ``"ensure"``)."""
        if module in self._alias_memo:
            return self._alias_memo[module]
        bound: dict[str, ast.expr | None] = {}
        for stmt in module.tree.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
                stmt, (ast.AnnAssign, ast.AugAssign)) else []
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            for target in targets:
                if isinstance(target, ast.Name):
                    # Bound twice: which binding a call sees depends on when it runs.
                    bound[target.id] = value if target.id not in bound and len(targets) == 1 else None
        found: dict[str, str] = {}
        for name, value in bound.items():
            if not isinstance(value, (ast.Name, ast.Attribute)):
                continue
            kind = _creator_kind(module.imports.qualify(value))
            if kind is None and isinstance(value, ast.Attribute) and value.attr == "create_task":
                kind = "direct" if _is_loop(module, value.value) else None
            if kind is not None:
                found[name] = kind
        self._alias_memo[module] = found
        return found

    def _imported_alias(self, module: ModuleInfo, qualified: str) -> str | None:
        """``from .util import spawn`` where util.py says ``spawn = asyncio.ensure_future``: the
        kind of the creator it aliases, asked of the defining module's summary before parsing it."""
        project = module.project
        module_name, _, name = qualified.rpartition(".")
        path = project.find_path(module_name, module.roots)
        summary = project.summary(path) if path is not None else None
        definition = summary.definitions.get(name) if summary is not None and summary.mentions_tasks else None
        if path is None or definition is None or definition.kind != "assign":
            return None
        target = project.module_at(path)
        return self._aliases(target).get(name) if target is not None else None

    def _is_dangling_named(
        self, call: ast.Call, module: ModuleInfo, func: ast.expr, named: tuple[ModuleSummary, Definition], depth: int
    ) -> bool:
        """``_is_dangling_target`` on the function a name (or ``module.function``) calls: not
        parsed again when an earlier file found it no wrapper at this depth (``_known_no_wrapper``)."""
        if self._known_no_wrapper(named[0], named[1].line, depth + 1):
            return False
        key = (module, func.id if isinstance(func, ast.Name) else ast.unparse(func))
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
        if not self._is_dangling_wrapper(target[0], target[1], depth + 1):
            return False
        given = passthrough(target[0], target[1], list(walk(target[1])))
        if given is None:
            return True
        # ``schedule_task(coro)`` makes a task of a coroutine and passes a task through: only a
        # call given a coroutine (a call) makes one here.
        name, index = given
        offset = 1 if target[1].args.args and target[1].args.args[0].arg in ("self", "cls") else 0
        value = next((k.value for k in call.keywords if k.arg == name), None)
        if value is None and 0 <= index - offset < len(call.args):
            value = call.args[index - offset]
        return isinstance(value, ast.Call)

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
        if not result and kept_nowhere(module, func, self._statements_of(func), self._loads):
            weak_only = True  # it makes a task of what it is given and keeps it nowhere
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
        params = _parameters(func)
        for node in self._statements_of(func):  # assignments are statements
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                if isinstance(node.value, ast.Name) and node.value.id in params:
                    continue  # ``task = coro`` when given a task: passed through (``given_makers.passthrough``)
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
            if use.kind == "argument" and use.call is not None and _loop_callback(use.call):
                continue  # ``loop.call_soon(asyncio.ensure_future, task)``: held until it runs
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


def _never_first_party(qualified: str) -> bool:
    """An imported name that ``Project.resolve`` answers None without looking for a file: a
    module itself (``import foo``: no dot), or anything of the standard library."""
    return "." not in qualified or qualified.partition(".")[0] in sys.stdlib_module_names


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


def _methods(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, tuple[ModuleInfo, ast.stmt]]:
    """Methods visible on ``self`` in ``cls``: its own first, then its first-party bases'."""
    memo = module.project.class_memo
    key = ("methods", cls)
    if key not in memo:
        found: dict[str, tuple[ModuleInfo, ast.stmt]] = {}
        for owner_module, owner in class_and_bases(module, cls):
            for name, stmt in class_methods(owner).items():
                found.setdefault(name, (owner_module, stmt))
        memo[key] = found
    return cast("dict[str, tuple[ModuleInfo, ast.stmt]]", memo[key])


def _creator_kind(qualified: str | None, gather: bool = False) -> str | None:
    """``"direct"`` for asyncio's task creators, ``"ensure"`` for ``ensure_future``, with
    ``gather`` ``"gather"`` for ``asyncio.gather``, else None."""
    if qualified in DIRECT_CREATORS:
        return "direct"
    if qualified in ENSURE_FUTURE:
        return "ensure"
    if gather and qualified in GATHER:
        return "gather"
    return None


def _parameters(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = func.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}


def _loop_callback(call: ast.Call) -> bool:
    """``loop.call_soon(f, task)`` and its kin: the loop holds its arguments until the callback runs."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in ("call_soon", "call_soon_threadsafe", "call_later", "call_at")


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


def local_container_added_to(call: ast.Call) -> str | None:
    """``tasks.append(x)`` (or another adder) on a plain name: that name."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in CONTAINER_ADDERS and isinstance(func.value, ast.Name):
        return func.value.id
    return None
