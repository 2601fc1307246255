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
from typing import TYPE_CHECKING

from tradelint.core.fix_plan import EditSpec, FixSpec
from tradelint.facts.bindings import _runtime_imports, module_bindings
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.lifecycle_fixes import _class_path, ending_method
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import self_name
from tradelint.models.tasks.project_keeper import project_keeper
from tradelint.models.tasks.task_model import task_analysis

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext


KEEPER, KEEPER_SET, KEEPER_TYPEVAR = "_keep_task", "_background_tasks", "_TaskT"


END_TASKS = "_end_tasks"


def keep_task_fix(ctx: FileContext, call: ast.Call) -> FixSpec | None:
    module = ctx.module
    if not task_analysis(ctx).returns_task(call):
        return None  # a wrapper that returns nothing (or None in some mode): no task to hold
    on_instance = _instance_keeper_fix(module, call, ctx.config.shutdown_methods)
    if on_instance is not None:
        return on_instance
    if ctx.config.task_keeper:
        return _configured_keeper_fix(module, call, ctx.config.task_keeper)
    found = _found_keeper_fix(module, call)
    if found is not None:
        return found
    return _module_keeper_fix(module, call)


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
