"""Objects that own tasks for someone else: task-owner classes (python-discord's ``Scheduler``, or
a first-party class that keeps its tasks in a collection on itself and cancels them all in one
public method) and discord.py's ``@tasks.loop`` methods, whose ``Loop`` holds the task. Kept
apart from the plain uses of a task (``task_uses``), on which it builds: here the holder, not
the task, is what must be ended."""

from __future__ import annotations

import ast
import weakref
from bisect import bisect_left
from typing import TYPE_CHECKING, Iterator, cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.owned_elements import added_to
from tradelint.facts.named_classes import class_named
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import TRY_NODES, self_attr, self_name
from tradelint.models.tasks.creators import TaskCreators
from tradelint.models.tasks.task_uses import TaskUses

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext

# discord.py's background loops: ``@tasks.loop(...)`` makes a method a ``Loop`` whose ``start()``
# creates a task the ``Loop`` holds; only its ``cancel()`` or ``stop()`` ends it (a cog's
# ``cog_unload()``), so a started loop nobody ends runs on after the cog is unloaded or reloaded.
LOOP_DECORATORS = {"discord.ext.tasks.loop"}


LOOP_ENDERS = {"cancel", "stop"}


# Third-party task owners, whose code cannot be read here: the class, and the method that cancels
# every task an instance holds. python-discord's ``Scheduler`` (``pydis_core``, formerly
# ``botcore``), used by many discord bots, keeps one task per scheduled job until ``cancel_all()``
# (python-discord/bot 6846a4b72). ``task-owner-classes`` in the configuration adds to these.
TASK_OWNER_CLASSES: dict[str, str] = {
    "pydis_core.utils.scheduling.Scheduler": "cancel_all",
    "botcore.utils.scheduling.Scheduler": "cancel_all",
}


# (the method a holder is told to call, every method that ends the tasks): a method that only
# runs another ender (``shutdown_and_wait()``) ends them too but is never the advice, since it may
# do more than end them (``restart()``).
Enders = tuple[str, frozenset[str]]


class TaskOwners(TaskUses):
    """The task analysis's fourth layer: the task-owner classes a call instantiates, and the
    methods that end their tasks."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.owner_classes = {**TASK_OWNER_CLASSES, **dict(ctx.config.task_owner_classes)}
        self._owners_of: dict[str | tuple[str | None], Enders | None] = {}

    def _task_owner(self, func: ast.Name | ast.Attribute) -> Enders | None:
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

    def _find_task_owner(self, func: ast.Name | ast.Attribute) -> Enders | None:
        module = self.module
        configured = self.owner_classes.get(module.imports.qualify(func) or "")
        if configured is not None:
            return configured, frozenset({configured})
        # From summaries first: most callees are no class, and a class judged before (in a module
        # the budget has forgotten since) is answered without parsing it again.
        named = class_named(module, func)
        if named is None:
            return None
        lasting = module.project.lasting
        key = ("task-enders", named[0].path, named[0].digest, named[1].line)
        if key in lasting:
            return cast("Enders | None", lasting[key])
        if not named[1].cancels:
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


# Per module (weakly held: they go with it), asked for each class a task is made with.
_CANCEL_LINES: weakref.WeakKeyDictionary[ModuleInfo, list[int]] = weakref.WeakKeyDictionary()


def _cancel_lines(module: ModuleInfo) -> list[int]:
    """The lines of the module's calls ``<x>.cancel(...)``, sorted: a class's are found by
    bisection, not by a pass over the module's calls per class."""
    found = _CANCEL_LINES.get(module)
    if found is None:
        found = _CANCEL_LINES[module] = sorted(
            c.lineno for c in module.index.calls if isinstance(c.func, ast.Attribute) and c.func.attr == "cancel"
        )
    return found


def _task_enders(analysis: TaskCreators, module: ModuleInfo, cls: ast.ClassDef) -> Enders | None:
    """The public methods of ``cls``, taking no argument, that cancel every task it keeps, when
    it keeps the tasks it creates in a collection on ``self`` (``self._tasks[key] = task``), with
    the one a holder is told to call (:data:`Enders`); None when it is no task owner. Strict on purpose: a loop over the collection (its keys,
    values or a copy) whose body cancels the element, directly or through a method of the class
    that cancels something (``for key in self._tasks.copy(): self.cancel(key)``)."""
    # Most classes cancel nothing: answer them from the module's index of calls, without a walk.
    lines = _cancel_lines(module)
    first = bisect_left(lines, cls.lineno)
    if first == len(lines) or lines[first] > (cls.end_lineno or cls.lineno):
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
    # A public method that runs one of them ends every task as well (``shutdown_and_wait()``
    # calling ``self.shutdown()`` before it waits for the tasks).
    if not enders:
        return None
    advised = min(enders)
    while True:
        callers = {
            name for name, method in methods.items()
            if name not in enders and not name.startswith("_") and (receiver := self_name(method)) is not None
            and not method.args.args[1:] and not method.args.kwonlyargs
            and any(_calls_own(n, receiver, enders) for n in _unconditional_calls(method.body))
        }
        if not callers:
            return advised, frozenset(enders)
        enders |= callers


def _unconditional_calls(body: list[ast.stmt]) -> Iterator[ast.expr]:
    """The calls that are statements of ``body`` run whenever it is (``self.shutdown()``,
    ``await self.stop()``), also in a ``try``'s body or ``finally`` and a ``with``'s body; not under
    an ``if``, a loop or an ``except``: ``raise_any_exception()``, which cancels only when a task
    failed, ends nothing."""
    for stmt in body:
        if isinstance(stmt, ast.Expr):
            yield stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
        elif isinstance(stmt, TRY_NODES):
            yield from _unconditional_calls(getattr(stmt, "body"))
            yield from _unconditional_calls(getattr(stmt, "finalbody"))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            yield from _unconditional_calls(stmt.body)


def _calls_own(node: ast.AST, receiver: str, names: set[str]) -> bool:
    """``node`` is ``<receiver>.<one of names>()``."""
    return (
        isinstance(node, ast.Call) and not node.args and isinstance(node.func, ast.Attribute)
        and node.func.attr in names and isinstance(node.func.value, ast.Name) and node.func.value.id == receiver
    )


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


def names_something(module: ModuleInfo, func: ast.Name | ast.Attribute) -> bool:
    """Whether ``qualify`` or ``definition_of`` can find anything for the callee (what
    ``_task_owner`` asks): a dotted name whose root is imported, or a name the module defines."""
    root: ast.expr = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return False
    return root.id in module.imports.names or (root is func and root.id in module.top_level)
