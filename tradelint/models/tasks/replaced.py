"""A task stored over one that still runs (TRD305): ``self._reader = create_task(self._read())``
or ``self._pollers[symbol] = create_task(self._poll(symbol))`` in a method that is proven to
run again while the object lives, where the old task loops until it is cancelled.

Each step asks for proof, not for a name:

- the old task still runs: its coroutine is a method of the class that loops (a ``while`` or
  an ``async for``), so it ends only when cancelled;
- the method that stores it runs again: the class calls it inside a loop, or from two places
  (a reconnect beside the start); for a keyed store, where each call may bring another key, a
  loop must be a ``while`` (a reconnect loop), not a ``for`` over the keys;
- nothing looks at the slot first: neither the storing method before the store (``if
  self._reader is None``, ``key in self._pollers``, ``.pop(key)``, an early ``return``) nor the
  caller (it awaits, cancels or inspects the old task, itself or through a method of the class);
- the old task is not the one storing: a method the looping coroutine reaches (its own
  reconnect) replaces a task that is ending, unless another task of the class reaches it too
  (a heartbeat's reconnect replaces the reader while the reader still runs).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from tradelint.facts.getattr_names import self_getattr_calls
from tradelint.facts.lifecycle_fixes import guard_local, present_guard, walrus_allowed
from tradelint.facts.syntax import FUNCTION_NODES, base_class, class_method, contains
from tradelint.facts.uses import endless_loop, methods_reached, self_calls, self_name
from tradelint.models.tasks.repeated_stores import caller_decides, leaves_true, looping_coroutine, periodic_update
from tradelint.models.tasks.shutdown import COG_FRAMEWORKS

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class ReplacedSite:
    call: ast.Call  # the task's creation
    statement: ast.Assign  # the store
    cls: ast.ClassDef
    function: Function  # the method that stores it
    name: str  # the attribute on ``self``
    key: ast.expr | None  # the key of a keyed store, None for an attribute
    loop: str  # the looping method the task runs
    again: str  # why the storing method runs again, for the message's help
    # The old task itself reaches the storing method (its own reconnect), beside another task:
    # cancelling the old task there can cancel the very task that runs the store.
    inside_old: bool = False


def replaced_sites(module: ModuleInfo, is_task: Callable[[ast.Call], bool]) -> list[ReplacedSite]:
    """The stores of a looping task over a running one, in source order."""
    return [site for call, statement in single_stores(module) if (site := _site(module, call, statement, is_task)) is not None]


def single_stores(module: ModuleInfo) -> Iterator[tuple[ast.Call, ast.Assign]]:
    """Each call the module makes whose value one assignment stores (``self._task = create_task(...)``),
    in source order: where a task may be stored over another."""
    for call in module.index.calls:
        statement = module.parent(call)
        if isinstance(statement, ast.Assign) and statement.value is call and len(statement.targets) == 1:
            yield call, statement


def _site(
    module: ModuleInfo, call: ast.Call, statement: ast.Assign, is_task: Callable[[ast.Call], bool]
) -> ReplacedSite | None:
    target = statement.targets[0]
    key: ast.expr | None = None
    if isinstance(target, ast.Subscript):
        key, target = target.slice, target.value
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function or function.name == "__init__":
        return None
    cls = module.parent(function)
    receiver = self_name(function)
    if not isinstance(cls, ast.ClassDef) or receiver is None or target.value.id != receiver:
        return None
    loop = looping_coroutine(module, cls, call, receiver)
    if loop is None or not is_task(call):
        return None
    name = target.attr
    methods = {s.name: s for s in cls.body if isinstance(s, FUNCTION_NODES)}
    if looks_first(function, receiver, name, statement) or _guarded_before(module, cls, function, statement):
        return None
    other: str | None = None
    if function.name in methods_reached(methods, [loop], calls_only=False):
        other = _reached_by_another_task(module, cls, receiver, methods, loop, function.name, is_task)
        if other is None:
            return None  # the looping task replaces itself on its way out (its own reconnect)
    again = (
        periodic_update(module, cls, function.name)
        or _runs_again(methods, function, name, keyed=key is not None, guards=_caller_guards(module, cls, function, statement))
        or _repeated_event(module, cls, function)
    )
    if again is not None and other is not None:
        again = f"the `{other}()` task reaches it too"
    if again is None:
        return None
    return ReplacedSite(call, statement, cls, function, name, key, loop, again, inside_old=other is not None)


def _reached_by_another_task(
    module: ModuleInfo,
    cls: ast.ClassDef,
    receiver: str,
    methods: dict[str, Function],
    loop: str,
    storing: str,
    is_task: Callable[[ast.Call], bool],
) -> str | None:
    """The method another task of the class runs (``self._heartbeat()`` beside ``self._listen()``)
    when it reaches the storing method too: its reconnect replaces this task while this one still
    runs, so this task's own way out does not excuse the store."""
    for call in module.index.calls:
        if module.enclosing_class(call) is not cls or not is_task(call):
            continue
        other = _self_coroutine(call, receiver)
        if other is not None and other != loop and storing in methods_reached(methods, [other], calls_only=False):
            return other
    return None


def _self_coroutine(call: ast.Call, receiver: str) -> str | None:
    """The method of ``receiver`` whose coroutine the task runs: ``create_task(self._beat())``."""
    coro = call.args[0] if call.args else None
    if (
        isinstance(coro, ast.Call)
        and isinstance(coro.func, ast.Attribute)
        and isinstance(coro.func.value, ast.Name)
        and coro.func.value.id == receiver
    ):
        return coro.func.attr
    return None


def looping_method(cls: ast.ClassDef, call: ast.Call, receiver: str) -> str | None:
    """The method of the class that the task runs, when it loops until cancelled."""
    coroutine = _self_coroutine(call, receiver)
    if coroutine is None:
        return None
    method = class_method(cls, coroutine, ast.AsyncFunctionDef)
    if method is None or not any(endless_loop(s) for s in ast.walk(method)):
        return None
    return method.name


def _self_loads(function: Function, receiver: str, name: str) -> list[ast.expr]:
    """Reads of ``<receiver>.<name>`` in ``function``, ``getattr(<receiver>, "<name>", None)``
    among them: the guard that cancels an old task that may not be set yet reads it so."""
    loads: list[ast.expr] = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.ctx, ast.Load)
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
    ]
    return loads + [call for key, call in self_getattr_calls(function, receiver) if key == name]


def looks_first(function: Function, receiver: str, name: str, statement: ast.Assign) -> bool:
    """The method reads the slot before it stores (``if self._task is None``, ``key in
    self._tasks``, ``self._tasks.pop(key)``), or at all for a keyed store's collection."""
    return any(
        (node.lineno, node.col_offset) < (statement.lineno, statement.col_offset)
        for node in _self_loads(function, receiver, name)
    )


def _guarded_before(module: ModuleInfo, cls: ast.ClassDef, function: Function, statement: ast.Assign) -> bool:
    """A statement before the store that can leave the method (``if self._running: return``),
    or a store that runs only under a condition (``if not self._candles:``): state that
    tradelint does not follow decides whether a second store happens. Not a ``return`` or
    ``raise`` in the body of a ``try`` whose handler makes the store (the path that succeeds, or
    the error that leads to the store), nor an ``if`` on a parameter that the class's callers
    leave true (``repeated_stores.caller_decides``)."""
    around = list(module.ancestors(statement, stop=function))
    failing = [
        node for handler in around if isinstance(handler, ast.ExceptHandler)
        for node in _try_body(module, handler)
    ]
    skipped = {id(n) for stmt in failing for n in ast.walk(stmt)}
    for node in ast.walk(function):
        if isinstance(node, (ast.Return, ast.Raise)) and node.lineno < statement.lineno and id(node) not in skipped:
            return True
    return any(
        isinstance(a, (ast.IfExp, ast.Match)) or (
            isinstance(a, ast.If) and not (caller_decides(cls, function, a.test) and _contains_in(a.body, statement))
        )
        for a in around
    )


def _caller_guards(module: ModuleInfo, cls: ast.ClassDef, function: Function, statement: ast.Assign) -> list[str]:
    """The parameters of the ``if``s around the store that the callers decide (``if retry:``):
    a call that passes one of them a value other than ``True`` never reaches the store."""
    return [
        a.test.id for a in module.ancestors(statement, stop=function)
        if isinstance(a, ast.If) and isinstance(a.test, ast.Name) and caller_decides(cls, function, a.test)
        and _contains_in(a.body, statement)
    ]


def _try_body(module: ModuleInfo, handler: ast.ExceptHandler) -> list[ast.stmt]:
    guard = module.parent(handler)
    return list(getattr(guard, "body", [])) + list(getattr(guard, "orelse", []))


def _contains_in(block: list[ast.stmt], node: ast.AST) -> bool:
    return any(contains(stmt, node) for stmt in block)


def _calls_of(methods: dict[str, Function], callee: str) -> list[tuple[Function, ast.Call]]:
    """``self.<callee>(...)`` in the class's methods."""
    return [(method, call) for method in methods.values() for call, name in self_calls(method) if name == callee]


def _touches(methods: dict[str, Function], caller: Function, name: str, skip: str, keyed: bool) -> bool:
    """Whether ``caller`` reads the old task, itself or through a method of the class other
    than ``skip`` (the storing method): it awaits, cancels or inspects it. For a keyed store,
    reading only the collection's keys (``for s in list(self._pollers)``) reads no task."""
    receiver = self_name(caller)
    if receiver is None:
        return True
    if _reads_tasks(caller, receiver, name, keyed):
        return True
    for reached in methods_reached(methods, [caller.name], calls_only=False) - {skip, caller.name}:
        method = methods[reached]
        inner = self_name(method)
        if inner is not None and _reads_tasks(method, inner, name, keyed):
            return True
    return False


def _reads_tasks(function: Function, receiver: str, name: str, keyed: bool) -> bool:
    loads = _self_loads(function, receiver, name)
    if not keyed:
        return bool(loads)
    return any(not _keys_only(function, load) for load in loads)


def _keys_only(function: Function, load: ast.expr) -> bool:
    """``self._pollers`` iterated for its keys: ``for s in self._pollers``, ``list(...)``,
    ``sorted(...)``, ``.keys()``, ``len(...)``."""
    for node in ast.walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and node.iter is load:
            return True
        if isinstance(node, ast.Call) and load in node.args and isinstance(node.func, ast.Name):
            if node.func.id in ("list", "tuple", "set", "sorted", "len", "frozenset"):
                return True
        if isinstance(node, ast.Attribute) and node.value is load and node.attr == "keys":
            return True
    return False


def _over_own_keys(caller: Function, call: ast.Call, name: str) -> bool:
    """``self.<storing>(key)`` in a loop over the collection's own keys: each call stores over
    a task already there."""
    receiver = self_name(caller)
    for node in ast.walk(caller):
        if isinstance(node, (ast.For, ast.AsyncFor)) and contains(node, call):
            iterated = node.iter
            while isinstance(iterated, ast.Call) and len(iterated.args) == 1 and not iterated.keywords:
                iterated = iterated.args[0]
            if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute) and iterated.func.attr == "keys":
                iterated = iterated.func.value
            if (
                isinstance(iterated, ast.Attribute)
                and iterated.attr == name
                and isinstance(iterated.value, ast.Name)
                and iterated.value.id == receiver
            ):
                return True
    return False


def _runs_again(
    methods: dict[str, Function], function: Function, name: str, keyed: bool, guards: list[str]
) -> str | None:
    """Why the storing method runs again while the object lives, or None without proof. A call
    that gives a guarding parameter (``guards``) another value than ``True`` does not store."""
    storing = function.name
    every = _calls_of(methods, storing)
    if any(_touches(methods, caller, name, storing, keyed) for caller, _ in every):
        return None
    calls = [(caller, call) for caller, call in every if all(leaves_true(function, call, g) for g in guards)]
    for caller, call in calls:
        if keyed and _over_own_keys(caller, call, name):
            return f"`{caller.name}()` calls it for each key already there"
        loops = (ast.While,) if keyed else (ast.While, ast.For, ast.AsyncFor)
        if any(isinstance(node, loops) and contains(node, call) for node in ast.walk(caller)):
            return f"`{caller.name}()` calls it in a loop"
    callers = sorted({caller.name for caller, _ in calls})
    if len(callers) >= 2:
        return f"{', '.join(f'`{c}()`' for c in callers[:-1])} and `{callers[-1]}()` call it"
    if len(calls) >= 2:
        return f"`{callers[0]}()` calls it {len(calls)} times"
    return None


# Events a discord client (discord.py and its forks, Red: ``COG_FRAMEWORKS``) sends again while
# the bot lives: its documentation says ``on_ready`` "is not guaranteed to only be called once"
# (it follows each reconnect whose RESUME fails), and ``on_connect``/``on_resumed`` follow every
# reconnect.
REPEATED_EVENTS = frozenset({"on_ready", "on_connect", "on_resumed"})


def _repeated_event(module: ModuleInfo, cls: ast.ClassDef, function: Function) -> str | None:
    """Why the storing method runs again when it is an event handler that its framework sends
    more than once: a discord client's or cog's ``on_ready`` (or ``on_connect``, ``on_resumed``),
    in a class deriving from one of those libraries' classes (named in its bases)."""
    if function.name not in REPEATED_EVENTS or not isinstance(function, ast.AsyncFunctionDef):
        return None
    for decorator in function.decorator_list:
        # Only the framework's own registration (``@commands.Cog.listener()``, ``@bot.event``):
        # any other decorator may change how often the handler runs (a project's ``@once``).
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if not (isinstance(target, ast.Attribute) and target.attr in ("listener", "event")):
            return None
    for base in cls.bases:
        qualified = module.imports.qualify(base_class(base))
        if qualified is not None and qualified.partition(".")[0] in COG_FRAMEWORKS:
            return f"discord sends `{function.name}` again after a reconnect"
    return None


def cancel_old_code(
    receiver: str, name: str, key_node: ast.expr | None, kept_in_init: str, store: tuple[ModuleInfo, Function, ast.ClassDef, int]
) -> str | None:
    """The statements that cancel the old task before a store into ``<receiver>.<name>`` (at
    ``key_node`` for a keyed store), or None where the slot cannot be read without side effects.
    ``kept_in_init``: how ``__init__`` makes the slot (``made_in_init``; "" when it does not:
    an attribute is then read with ``getattr`` into a local, which a type checker narrows where
    it would not narrow ``self.<name>``; a keyed store, or a private name, gets no fix).
    ``store``: the module, the method that stores it, its class and the store's indentation,
    where that local is chosen and written."""
    target = f"{receiver}.{name}"
    if key_node is None and kept_in_init:
        return f"if {target} is not None:\n    {target}.cancel()\n"
    if key_node is None:
        module, function, cls, indent = store
        local = guard_local(function, cls, name)
        if local is None:
            return None  # a private name: ``getattr`` cannot read it by that name
        return f"{present_guard(receiver, name, local, indent, walrus=walrus_allowed(module))}\n    {local}.cancel()\n"
    if kept_in_init != "dict" or not _pure(key_node):
        return None
    key = ast.unparse(key_node)
    return f"if {key} in {target}:\n    {target}[{key}].cancel()\n"


def _pure(node: ast.expr) -> bool:
    """Reading it twice gives the same value and does nothing else: names, constants, their
    attributes and tuples."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return _pure(node.value)
    if isinstance(node, ast.Tuple):
        return all(_pure(e) for e in node.elts)
    return False


def made_in_init(cls: ast.ClassDef, name: str) -> str:
    """How ``__init__`` makes ``self.<name>``: "dict", "list" or "set" for an empty one of these
    (``{}``, ``dict()``, ``[]``, ``list()``, ``set()``), "other" for anything else, "" when it
    does not."""
    init = class_method(cls, "__init__", ast.FunctionDef)
    receiver = self_name(init) if init is not None else None
    if init is None or receiver is None:
        return ""
    made = ""
    for node in ast.walk(init):
        targets: list[ast.expr]
        value: ast.expr | None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        else:
            continue
        if any(
            isinstance(t, ast.Attribute) and t.attr == name and isinstance(t.value, ast.Name) and t.value.id == receiver
            for t in targets
        ):
            made = _empty_kind(value) or "other"
    return made


def _empty_kind(value: ast.expr | None) -> str:
    if isinstance(value, ast.Dict) and not value.keys:
        return "dict"
    if isinstance(value, ast.List) and not value.elts:
        return "list"
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and not value.args and not value.keywords:
        return value.func.id if value.func.id in ("dict", "list", "set") else ""
    return ""
