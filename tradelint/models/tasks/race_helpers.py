"""Tasks handed to a race of the project's own: a coroutine function of the module that races the
tasks it is given (``async def first_of(*tasks)``: ``asyncio.wait(tasks,
return_when=FIRST_COMPLETED)``) and cancels the losers only after its wait returns. Ownership
moves with the tasks: its callers make them (``await first_of(create_task(a()),
create_task(b()))``) and keep nothing, so the helper alone can end them, and when its wait is
cancelled (the caller's task is cancelled, a timeout around it fires) the code after the wait
never runs: every task it was given runs on, unowned (devbis/ble2mqtt ``691d6a60``: a device's
handling tasks left running whenever the bridge's root task was cancelled).

The same question ``races`` asks of tasks a function makes and races itself, asked across one
call: the helper is judged from its definition (the parameter it waits on, the race, the cancel
after, no ``finally`` nor cancellation handler naming what it was given), never from its name.
Only a helper defined in the caller's module (a module-level ``async def``, or a method of the
caller's class called on ``self``) is read; the caller's tasks are those made right in the call."""

from __future__ import annotations

import ast
from typing import Callable, Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk, class_method
from tradelint.models.tasks.function_bodies import _own_nodes
from tradelint.models.tasks.races import RACE_ENDS, _ended_on_every_exit

_WAIT = frozenset({"asyncio.wait", "asyncio.tasks.wait"})


def _race_end(function: ast.AsyncFunctionDef, value: ast.expr) -> bool:
    """``FIRST_COMPLETED``/``FIRST_EXCEPTION``, written there or as a parameter's default."""
    name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
    if name in RACE_ENDS:
        return True
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(arguments.defaults):]], arguments.defaults))
    defaults.update({a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None})
    default = defaults.get(name)
    return default is not None and (
        default.attr if isinstance(default, ast.Attribute) else getattr(default, "id", "")
    ) in RACE_ENDS


def raced_parameter(module: ModuleInfo, function: ast.AST | None) -> str | None:
    """The parameter whose tasks ``function`` races and cancels only once its wait returns
    (``*tasks``, or a plain parameter holding a collection), when nothing ends them on the way
    out of a cancelled wait; else None."""
    if not isinstance(function, ast.AsyncFunctionDef):
        return None
    arguments = function.args
    parameters = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    if arguments.vararg is not None:
        parameters.add(arguments.vararg.arg)
    own = _own_nodes(function)
    if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel" for n in own):
        return None  # never cancels the losers: no race it means to end
    for node in own:
        if not (
            isinstance(node, ast.Call)
            and module.imports.qualify(node.func) in _WAIT
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in parameters
            and isinstance(module.parent(node), ast.Await)
            and any(k.arg == "return_when" and _race_end(function, k.value) for k in node.keywords)
        ):
            continue
        given = node.args[0].id
        names = {given}
        awaited = module.parent(node)
        holder = module.parent(awaited) if awaited is not None else None
        if isinstance(holder, ast.Assign):
            names |= {n.id for t in holder.targets for n in walk(t) if isinstance(n, ast.Name)}
        if _ended_on_every_exit(module, function, node, names):
            continue
        return given
    return None


def _helper(module: ModuleInfo, call: ast.Call) -> ast.AST | None:
    """The definition a call names in its own module: a module-level function, or a method of
    the caller's class called on ``self`` (or ``cls``)."""
    func = call.func
    if isinstance(func, ast.Name):
        return next(
            (s for s in module.tree.body if isinstance(s, FUNCTION_NODES) and s.name == func.id), None
        ) if func.id not in module.imports.names else None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        method = module.enclosing_function(call)
        owner = module.parent(method) if method is not None else None
        while owner is not None and not isinstance(owner, ast.ClassDef):
            owner = module.parent(owner) if isinstance(owner, FUNCTION_NODES) else None
        if isinstance(owner, ast.ClassDef):
            return class_method(owner, func.attr)
    return None


def handed_to_a_race(
    module: ModuleInfo, call: ast.Call, label_of: Callable[[ast.Call], str | None]
) -> Iterator[tuple[ast.Call, str, str]]:
    """For an awaited ``call`` of such a helper: each task made right in its arguments
    (``create_task(a())``, or inside a ``*[...]``), with its creator's label and the helper's name."""
    if not isinstance(module.parent(call), ast.Await):
        return
    helper = _helper(module, call)
    if helper is None or helper is module.enclosing_function(call):
        return
    raced = raced_parameter(module, helper)
    if raced is None:
        return
    assert isinstance(helper, ast.AsyncFunctionDef)
    positional = [a.arg for a in (*helper.args.posonlyargs, *helper.args.args)]
    if isinstance(call.func, ast.Attribute):
        positional = positional[1:]  # ``self.race(...)``: the receiver is the first
    vararg = helper.args.vararg is not None and helper.args.vararg.arg == raced
    given: list[ast.expr] = [k.value for k in call.keywords if k.arg == raced]
    for index, arg in enumerate(call.args):
        if isinstance(arg, ast.Starred) and index < len(positional):
            return  # ``f(*xs)`` before the raced parameter: which argument is which is unknown
        if (vararg and index >= len(positional)) or (index < len(positional) and positional[index] == raced):
            given.append(arg)
    for arg in given:
        values = [arg.value] if isinstance(arg, ast.Starred) else [arg]
        values = [e for v in values for e in (v.elts if isinstance(v, (ast.List, ast.Tuple, ast.Set)) else [v])]
        for value in values:
            if isinstance(value, ast.Call) and (label := label_of(value)) is not None:
                yield value, label, helper.name
