"""TRD3xx fixes for discarded and local tasks, built at detection time: keep the task on the
instance (ended by the owner's shutdown), in the project's own keeper, or in a typed keeper
written into the module. Decisions live here (is the fix available? is it safe?), so the
codemods only locate and rewrite.

Three ways to keep a task, in this order:
1. in a method of a class with an async shutdown-like method: on the instance, ended (cancelled
   and awaited, never the current task) by that method. Unsafe: the work now stops at shutdown.
2. the project's own keeper: the one named by ``task-keeper`` in ``[tool.tradelint]``, else one
   found in the project and judged from its definition (``project_keeper``): imported.
3. a typed keeper written into the module (asyncio's documented pattern: a module-level set, the
   task added to it and discarded from it when done), one per module, reused by every later fix.
And only when the call gives a task on every path (see ``TaskAnalysis.returns_task``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, cast

from tradelint.core.fix_plan import EditSpec, FixSpec
from tradelint.core.messages import fit_help
from tradelint.facts.bindings import _runtime_imports, module_bindings
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_of_life import end_of_life
from tradelint.facts.lifecycle_fixes import _assigned_in_init, _class_path, ending_method, mangled
from tradelint.facts.owned_elements import ends_elements
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import self_name
from tradelint.models.tasks.project_keeper import project_keeper
from tradelint.models.tasks.end_fixes import ender_code, replaced_task_edit
from tradelint.models.tasks.replaced import made_in_init
from tradelint.models.tasks.shutdown import teardown_name
from tradelint.models.tasks.task_model import TaskSite, task_analysis

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext


KEEPER, KEEPER_SET, KEEPER_TYPEVAR = "_keep_task", "_background_tasks", "_TaskT"


END_TASKS = "_end_tasks"


def keep_task_fix(ctx: FileContext, call: ast.Call) -> FixSpec | None:
    return keep_task_fix_and_reason(ctx, call)[0]


def keep_task_fix_and_reason(ctx: FileContext, call: ast.Call) -> tuple[FixSpec | None, str]:
    """The fix, and when there is none because the class's shutdown-like method is not proven
    the end of its life, the reason (for the finding's help); neither where fixes are not shown."""
    if not ctx.fixes:
        return None, ""  # proving a keeper's place reads the class's end of life: costly
    module = ctx.module
    if not task_analysis(ctx).returns_task(call):
        return None, ""  # a wrapper that returns nothing (or None in some mode): no task to hold
    on_instance, reason = _instance_keeper_fix(ctx, call)
    if on_instance is not None:
        return on_instance, ""
    if ctx.config.task_keeper:
        fix = _configured_keeper_fix(module, call, ctx.config.task_keeper)
    else:
        fix = _found_keeper_fix(module, call) or _module_keeper_fix(module, call)
    return fix, "" if fix is not None else reason


def _found_keeper_fix(module: ModuleInfo, call: ast.Call) -> FixSpec | None:
    """The project's own keeper, when it can stand for every task of the module: it returns the
    task it keeps, typed as it was given (a TypeVar, or no annotations). One that cannot would
    need a second keeper beside it for the others: the module gets its own instead."""
    if _existing_keeper_name(module) is not None:
        return None  # an earlier fix wrote a keeper here: one keeper per module
    keeper = project_keeper(module)
    if keeper is None or not keeper.returns_task or keeper.accepts != "any":
        return None
    return _configured_keeper_fix(module, call, keeper.qualified, title=f"Keep the task with `{keeper.name}`")


def _existing_keeper_name(module: ModuleInfo) -> str | None:
    spelled = _spellings(module)
    return None if spelled is None else _existing_keeper(module, spelled[0])


def _keep_edit(call: ast.Call, wrapper: str, imports: list[str], **extra: str) -> EditSpec:
    params = (("wrapper", wrapper), ("import", "\n".join(dict.fromkeys(i for i in imports if i))))
    return EditSpec("keep_task", call, params + tuple(extra.items()))


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
    memo = module.project.class_memo
    key = ("existing_keeper", module.tree, tuple(sorted(names.items())))
    if key not in memo:
        memo[key] = _find_existing_keeper(module, names)
    return cast("str | None", memo[key])


def _find_existing_keeper(module: ModuleInfo, names: dict[str, str]) -> str | None:
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


def _configured_keeper_fix(
    module: ModuleInfo, call: ast.Call, keeper: str, title: str = ""
) -> FixSpec | None:
    """``task-keeper = "pkg.mod.keep"``: ``keep(<task>)``, importing ``keep`` where needed."""
    owner, _, name = keeper.rpartition(".")
    title = title or f"Keep the task with `{keeper}`"
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


def keeper_method_code(keeper: str, end: str, tasks: str, typevar: str, future: str) -> str:
    """The method that holds a task on ``self`` until it is done; ``end`` ends what it holds."""
    return (
        f"def {keeper}(self, task: {typevar}) -> {typevar}:\n"
        f'    """Hold ``task`` until it is done; ``{end}()`` ends it."""\n'
        f'    if not hasattr(self, "{tasks}"):\n'
        f"        self.{tasks}: set[{future}] = set()\n"
        f"    self.{tasks}.add(task)\n"
        f"    task.add_done_callback(self.{tasks}.discard)\n"
        "    return task\n"
    )


def instance_keeper_code(names: dict[str, str], keeper: str, end: str, tasks: str, typevar: str, drain: float) -> str:
    """The two methods a class gets: ``keeper`` holds a task on ``self``, ``end`` lets the held
    tasks finish for ``drain`` seconds, then cancels and awaits the rest, except the one that runs
    it (a task that calls ``stop()``)."""
    future = f'{names["asyncio"]}.Future[{names["Any"]}]'
    return keeper_method_code(keeper, end, tasks, typevar, future) + "\n" + ender_code(names, end, tasks, drain)


def class_helper_names(
    module: ModuleInfo, cls: ast.ClassDef, names: dict[str, str], drain: float, *, keeper: bool = True
) -> tuple[str, str, str, str] | None:
    """The keeper, the ender and the task set a class's fix uses, and the code of those methods
    the class does not have yet: the first suffix whose names are free or already ours (written
    by an earlier fix), so that TRD301/302 and TRD303 fixes share one ender."""
    taken_attrs = _class_names(module, cls)
    taken = module_bindings(module)
    future = f'{names["asyncio"]}.Future[{names["Any"]}]'
    for suffix in _suffixes():
        keep, end, tasks = KEEPER + suffix, END_TASKS + suffix, KEEPER_SET + suffix
        ender = ender_code(names, end, tasks, drain)
        ender_ours = _class_defines_exactly(cls, ender)
        code = "" if ender_ours else ender
        if not ender_ours and end in taken_attrs:
            continue
        if keeper:
            typevar = _class_typevar(cls, keep) or _typevar_name(module, names, taken)
            if typevar is None:
                return None
            kept = keeper_method_code(keep, end, tasks, typevar, future)
            keeper_ours = _class_defines_exactly(cls, kept)
            if not keeper_ours and keep in taken_attrs:
                continue
            if not keeper_ours:
                code = kept + ("\n" + code if code else "")
            if not (keeper_ours or ender_ours) and tasks in taken_attrs:
                continue
            return keep, end, typevar, code
        if not ender_ours and tasks in taken_attrs:
            continue
        return keep, end, "", code
    return None


def _instance_keeper_fix(ctx: FileContext, call: ast.Call) -> tuple[FixSpec | None, str]:
    """On the instance: held by ``self._keep_task(...)`` (or the class's own task set) and ended
    in the method that ends the object's life; with the reason when that method is not proven
    to be the end (``facts.end_of_life``)."""
    module, shutdown_names = ctx.module, ctx.config.shutdown_methods
    function = module.enclosing_function(call)
    if function is None:
        return None, ""
    cls = module.parent(function)
    receiver = self_name(function)
    if not isinstance(cls, ast.ClassDef) or receiver is None or _is_classmethod(function):
        return None, ""
    scope = module.enclosing_scope(call)
    if scope is not function and not (
        isinstance(scope, ast.Lambda)
        and module.enclosing_function(scope) is function
        and all(a.arg != receiver for a in ast.walk(scope.args) if isinstance(a, ast.arg))
    ):
        return None, ""
    own = own_task_set(module, cls, call)
    if own is not None:
        attr, adder = own
        return (
            FixSpec(
                f"Add the task to `{receiver}.{attr}`, which `{cls.name}` ends itself",
                "unsafe",
                (_keep_edit(call, f"{receiver}.{attr}.{adder}", []),),
            ),
            "",
        )
    method = ending_method(module, cls, shutdown_names, own=False)
    path = _class_path(module, cls)
    if method is None or method is function or not path or _fixed_layout(cls):
        return None, ""
    if any((module.qualify(b) or "").startswith(("pydantic.", "attr.", "attrs.", "msgspec.")) for b in cls.bases):
        return None, ""  # models that refuse an attribute they do not declare
    if _is_abstract(method):
        return None, ""  # subclasses replace it: what it ends would never run
    if _runs_a_shutdown(call, shutdown_names):
        return None, ""  # ``create_task(self.close())`` is the shutdown: cancelling it would undo it
    shutdown_self = self_name(method)
    spelled = _spellings(module)
    if shutdown_self is None or spelled is None:
        return None, ""
    reason = end_of_life(module, cls, method, shutdown_names, call)
    if reason is not None:
        return None, reason
    names, imports = spelled
    chosen = class_helper_names(module, cls, names, ctx.config.task_drain_seconds)
    if chosen is None:
        return None, ""
    keeper, end, typevar, methods = chosen
    typevar_code = _typevar_code(names, typevar)
    keep = _keep_edit(
        call,
        f"{receiver}.{keeper}",
        imports,
        module_code="" if _defines_exactly(module, typevar_code) else typevar_code,
        **{"class": path, "class_code": methods},
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
    title = f"Keep the task on `{receiver}`; `{method.name}()` lets it finish, then cancels it"
    return FixSpec(title, "unsafe", (keep, end_call)), ""


def no_fix_help(reason: str) -> str:
    """The help of a finding left without a fix because nothing proves the end of the owner's
    life: why, in one line."""
    return fit_help("no fix: {reason}", reason=reason)


def task_attribute_fix(ctx: FileContext, site: TaskSite) -> tuple[FixSpec | None, str]:
    """TRD303's fix for ``self.<name> = create_task(...)``: ``await self._end_tasks(self.<name>)``
    at the start of the method that ends the object's life (it lets the task finish, then
    cancels it), the ending method added to the class, and the old task cancelled where the
    method that stores it can run again. With the reason, when there is no fix."""
    module = ctx.module
    cls, name = site.cls, site.name
    assert cls is not None
    shutdown_names = ("cog_unload",) if teardown_name(module, cls, ctx.config.shutdown_methods) == "cog_unload" else ctx.config.shutdown_methods
    method = ending_method(module, cls, shutdown_names)
    path = _class_path(module, cls)
    spelled = _spellings(module)
    receiver = self_name(method) if method is not None else None
    if method is None or not path or spelled is None or receiver is None or _fixed_layout(cls):
        return None, ""
    reason = end_of_life(module, cls, method, ctx.config.shutdown_methods, site.call)
    if reason is not None:
        return None, reason
    names, imports = spelled
    chosen = class_helper_names(module, cls, names, ctx.config.task_drain_seconds, keeper=False)
    if chosen is None:
        return None, ""
    end, class_code = chosen[1], chosen[3]
    if site.problem == "self_elements":
        # Every task the collection holds: ``__init__`` made it, so it is there at the end.
        made = made_in_init(cls, name)
        if made not in ("dict", "list", "set"):
            return None, ""
        tasks = f"*{receiver}.{name}.values()" if made == "dict" else f"*{receiver}.{name}"
        code = f"await {receiver}.{end}({tasks})\n"
    else:
        code = f"await {receiver}.{end}({receiver}.{name})\n"
        if not _assigned_in_init(cls, name):  # ``stop()`` before ``start()``: no attribute yet
            if mangled(name):
                return None, ""  # ``getattr(self, "__task")`` would never find ``self.__task``
            code = f'if getattr({receiver}, "{name}", None) is not None:\n    ' + code
    params = (
        ("class", path),
        ("method", method.name),
        ("code", code),
        ("import", "\n".join(i for i in imports[:2] if i)),  # asyncio and Any: no TypeVar
        ("where", "start"),
        ("class_code", class_code),
    )
    edits = [EditSpec("append_to_method", method, params)]
    replaced = replaced_task_edit(module, cls, site)
    if replaced is not None:
        edits.append(replaced)
    what = f"the tasks in `self.{name}`" if site.problem == "self_elements" else f"`self.{name}`"
    title = f"`{method.name}()` lets {what} finish, then cancels them" if site.problem == "self_elements" else f"`{method.name}()` lets {what} finish, then cancels it"
    return FixSpec(title, "unsafe", tuple(edits)), ""


def own_task_set(module: ModuleInfo, cls: ast.ClassDef, call: ast.Call) -> tuple[str, str] | None:
    """The class's own set or list of tasks, which it ends itself (``self._tasks = set()``, a
    task added to it somewhere, and a method that reaches its elements: ``for t in self._tasks:
    t.cancel()``, ``gather(*self._tasks)``), with its adding method, when ``call`` is a statement
    of its own: ``self._tasks.add(create_task(...))`` then keeps it there. Not one the class
    prunes as its tasks finish (``discard``, ``remove``, ``pop``)."""
    if not isinstance(module.parent(call), ast.Expr):
        return None
    made: dict[str, str] = {}
    added: set[str] = set()
    ended: set[str] = set()
    pruned: set[str] = set()
    raising: set[str] = set()
    for node in ast.walk(cls):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            kind = _collection_kind(node.value)
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if kind and isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                    made[target.attr] = kind
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load)):
            continue
        parent = module.parent(node)
        if isinstance(parent, ast.Attribute) and parent.attr in ("discard", "remove", "pop"):
            pruned.add(node.attr)
        elif isinstance(parent, ast.Attribute) and parent.attr in ("add", "append"):
            adding = module.parent(parent)
            if isinstance(adding, ast.Call) and len(adding.args) == 1 and _is_a_task(module, adding.args[0]):
                added.add(node.attr)
        elif ends_elements(module, node):
            ended.add(node.attr)
            if _raises_failures(module, node):
                raising.add(node.attr)
    for attr, adder in sorted(made.items()):
        # One the class prunes as tasks finish (``add_done_callback(self._tasks.discard)``) would
        # grow with every task this fix adds: that needs a callback too, not written here. One
        # whose ending raises a failed task's exception (``for t in self._tasks: await t``)
        # would make the new task's failure stop the owner's shutdown half-way.
        if attr in added and attr in ended and attr not in pruned and attr not in raising:
            return attr, adder
    return None


def _raises_failures(module: ModuleInfo, load: ast.expr) -> bool:
    """Whether this ending of a collection raises the exception of a task that failed into the
    method ending it: each element awaited in a loop outside a ``try`` that handles it, or
    ``gather(*tasks)`` without ``return_exceptions=True``. Cancelling, ``asyncio.wait`` and a
    tolerant ``gather`` do not."""
    parent = module.parent(load)
    if isinstance(parent, ast.Starred):
        call = module.parent(parent)
        if isinstance(call, ast.Call) and _called_name(call) == "gather":
            return not any(
                k.arg == "return_exceptions" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in call.keywords
            )
        return False
    if isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is load and isinstance(parent.target, ast.Name):
        element = parent.target.id
        for node in ast.walk(parent):
            if isinstance(node, ast.Await) and isinstance(node.value, ast.Name) and node.value.id == element:
                if not _handled(module, node, parent):
                    return True
    return False


def _handled(module: ModuleInfo, node: ast.AST, stop: ast.AST) -> bool:
    """Whether ``node`` sits in the body of a ``try`` with an ``except`` below ``stop``."""
    child, current = node, module.parent(node)
    while current is not None and current is not stop:
        if isinstance(current, ast.Try) and current.handlers and child in current.body:
            return True
        child, current = current, module.parent(current)
    return False


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_a_task(module: ModuleInfo, value: ast.expr) -> bool:
    """``create_task(...)``/``ensure_future(...)``, or a local bound to one."""
    if isinstance(value, ast.Name):
        function = module.enclosing_function(value)
        return function is not None and any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == value.id for t in node.targets)
            and _is_a_task(module, node.value)
            for node in ast.walk(function)
        )
    if isinstance(value, ast.Call):
        return _called_name(value) in ("create_task", "ensure_future")
    return False


def _collection_kind(value: ast.expr) -> str:
    if isinstance(value, ast.List) and not value.elts:
        return "append"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args:
        return {"set": "add", "list": "append"}.get(value.func.id, "")
    return ""


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
            name = _called_name(node)
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
        names.update(_spelled_attributes(owner_module))
    return names


def _spelled_attributes(module: ModuleInfo) -> frozenset[str]:
    """Every ``x.name`` of the module and every string constant (``getattr(self, "name")`` and
    ``setattr`` spell attributes as strings): found once per module, each class asks."""
    memo = module.project.class_memo
    key = ("spelled-attributes", module.tree)
    if key not in memo:
        # Every constant has a parent, so the index's parent links name them all without walking.
        memo[key] = frozenset(a.attr for a in module.index.attributes) | frozenset(
            n.value for n in module.index.parents if isinstance(n, ast.Constant) and isinstance(n.value, str)
        )
    return cast("frozenset[str]", memo[key])


def _class_defines_exactly(cls: ast.ClassDef, code: str) -> bool:
    return _all_present(cls.body, ast.parse(code).body)
