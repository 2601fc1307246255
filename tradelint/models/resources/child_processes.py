"""A child process left running (issue 28): ``proc = await asyncio.create_subprocess_exec(...)``
(or ``create_subprocess_shell``) starts a process that goes on until it exits by itself or is
killed, with its pipes and its transport open until it is reaped. A function that awaits the
process's end (``await proc.wait()``, ``await proc.communicate()``) says that the process must
not outlive it; what it says on its normal path must then hold on the ways out before that end:

- a timeout around the end or a read of its pipes (``await asyncio.wait_for(proc.communicate(),
  t)``, ``async with asyncio.timeout(t):``) cancels the wait, not the child (asyncio's
  documentation: "the child process is not killed"), and the ``TimeoutError`` is handled or
  leaves the function without a ``kill()`` (uber/ADR ``5f5a74ad``);
- a cancellation of an ``await`` from the start to the end, where the function's class (for a
  module-level function, its module) cancels the task the function runs in (``task =
  asyncio.create_task(self._run_watch(id))`` ... ``task.cancel()``, the function reached from
  that coroutine by ``await self.method(...)``) and the function kills the process on another
  abnormal exit (``except asyncio.TimeoutError: proc.kill()``): a cancellation is then one of
  its ordinary ends (a watch removed, a service stopped), the process one that does not end on
  its own, and a ``CancelledError`` (not an ``Exception``) passes that handler (avibe-bot/avibe
  ``0baed63a``). A cancellation alone is not reported: a short command awaited to its end with
  nothing but the ``await`` in between is the common way (31 of the 32 starts in functions of
  the 39 labelled applications kill the process on no exit at all), and a kill on timeout alone says nothing of who cancels the caller
  (HKUDS/nanobot ``0e617c32``, where the cancelling ``/stop`` lives in another module, is
  missed so);
- a ``return`` or ``raise`` after the start and before the first end, on a path the start
  reaches, that kills nothing before it.

What ends the process on such an exit: ``kill()``, ``terminate()``, ``send_signal()``,
``os.kill``/``os.killpg`` of its ``pid``, or an awaited ``wait()``/``communicate()``, in the
handler that takes the error or in a ``finally`` around it, or after a handler that goes on
(``except asyncio.TimeoutError: break``, then ``proc.kill()``). A process the function hands on
(returned, stored, given to a call, used by a nested function) is not judged, nor one whose end
is never awaited (a launch left to run: an editor, a restart), nor one bound more than once by
anything but such a start."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from tradelint.facts.context import ModuleInfo
from tradelint.models.resources.statements import _own_walk

_MAKERS = frozenset(
    f"asyncio{module}.{name}" for module in ("", ".subprocess") for name in ("create_subprocess_exec", "create_subprocess_shell")
)
_MAKER_NAMES = frozenset({"create_subprocess_exec", "create_subprocess_shell"})
_ENDS = frozenset({"wait", "communicate"})
_KILLS = frozenset({"kill", "terminate", "send_signal"})
_PIPES = frozenset({"stdout", "stderr", "stdin"})
_OS_KILLS = frozenset({"os.kill", "os.killpg"})
_WAIT_FOR = frozenset({"asyncio.wait_for", "asyncio.tasks.wait_for"})
_TIMEOUT_BLOCKS = frozenset({"asyncio.timeout", "asyncio.timeout_at", "asyncio.timeouts.timeout", "async_timeout.timeout", "anyio.fail_after"})
_TIMEOUT_ERRORS = frozenset({
    "TimeoutError", "asyncio.TimeoutError", "asyncio.exceptions.TimeoutError", "concurrent.futures.TimeoutError",
    "OSError", "Exception", "BaseException", "builtins.TimeoutError", "builtins.OSError", "builtins.Exception", "builtins.BaseException",
})
_CANCEL_ERRORS = frozenset({
    "asyncio.CancelledError", "asyncio.exceptions.CancelledError", "BaseException", "builtins.BaseException", "CancelledError",
})


_NOTHING = "nothing kills it"


@dataclass(frozen=True)
class ProcessLeak:
    """``stmt`` starts the process bound to ``name``; ``exit`` says which way out leaves it running."""

    stmt: ast.stmt
    name: str
    label: str
    what: str  # "the timeout of `asyncio.wait_for`", "a cancellation", "the `return`"
    line: int
    why: str  # "nothing kills it", "the `except` at line 12 never kills it"

    @property
    def exit(self) -> str:
        """The way out, as a message's template text (no field in it)."""
        text = f"{self.what} at line {self.line}: {self.why}"
        return text.replace("{", "{{").replace("}", "}}")


@dataclass
class _Uses:
    ends: list[ast.Call]
    kills: list[ast.AST]
    timed: list[tuple[ast.expr | ast.stmt, str]]  # (the node a ``TimeoutError`` comes from, what raises it)


def process_leaks(module: ModuleInfo) -> list[ProcessLeak]:
    """Every process started in ``module`` that some way out of its function leaves running."""
    found: list[ProcessLeak] = []
    for call in module.index.calls:
        if _called_name(call) not in _MAKER_NAMES or module.qualify(call.func) not in _MAKERS:
            continue
        awaited = module.parent(call)
        stmt = module.parent(awaited) if isinstance(awaited, ast.Await) else None
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            continue
        assert isinstance(stmt, (ast.Assign, ast.AnnAssign))
        function = module.enclosing_function(stmt)
        if not isinstance(function, ast.AsyncFunctionDef):
            continue
        name = targets[0].id
        uses = _uses(module, function, name)
        if uses is None or not uses.ends:
            continue
        exit_ = _leaving_exit(module, function, stmt, name, uses)
        if exit_ is not None:
            found.append(ProcessLeak(stmt, name, call.func.attr if isinstance(call.func, ast.Attribute) else ast.unparse(call.func), *exit_))
    return found


def _uses(module: ModuleInfo, function: ast.AsyncFunctionDef, name: str) -> _Uses | None:
    """How ``function`` uses the process in ``name``; None when it hands it on or binds the name
    to anything but a start."""
    own = _own_walk(function)
    own_ids = {id(n) for n in own}
    uses = _Uses([], [], [])
    for node in ast.walk(function):
        if not isinstance(node, ast.Name) or node.id != name:
            continue
        if id(node) not in own_ids:
            return None  # a nested function or lambda keeps it
        parent = module.parent(node)
        if not isinstance(node.ctx, ast.Load):
            value = parent.value if isinstance(parent, (ast.Assign, ast.AnnAssign)) else ast.Name("?")
            if not (_starts(module, value) or value is None or (
                    isinstance(value, ast.Constant) and value.value is None)):
                return None  # bound to something else too (``process = None`` only holds the place)
            continue
        if not isinstance(parent, ast.Attribute):
            if isinstance(parent, ast.Compare) and all(isinstance(c, ast.Constant) and c.value is None for c in parent.comparators):
                continue  # ``proc is None``
            if isinstance(parent, ast.Call) and node in parent.args:
                uses.kills.append(parent)  # given to a call, which may stop it (``await kill_tree(proc)``)
                continue
            return None  # returned, stored, yielded, aliased
        call = module.parent(parent)
        if isinstance(call, ast.Call) and call.func is parent:
            if parent.attr in _ENDS:
                uses.ends.append(call)
                _note_timed(module, call, uses)
            elif parent.attr in _KILLS:
                uses.kills.append(call)
        elif parent.attr == "pid" and any(
                isinstance(a, ast.Call) and module.qualify(a.func) in _OS_KILLS for a in module.ancestors(parent)):
            uses.kills.append(parent)
        elif parent.attr in _PIPES:
            method = module.parent(parent)
            read = module.parent(method) if method is not None else None
            if isinstance(read, ast.Call) and read.func is method:
                _note_timed(module, read, uses)
    return uses


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _starts(module: ModuleInfo, value: ast.expr | None) -> bool:
    return isinstance(value, ast.Await) and isinstance(value.value, ast.Call) and module.qualify(value.value.func) in _MAKERS


def _note_timed(module: ModuleInfo, call: ast.Call, uses: _Uses) -> None:
    """``call`` (the end, a read of a pipe) under a timeout: in ``asyncio.wait_for(call, t)``,
    or awaited in an ``async with asyncio.timeout(t)`` block."""
    parent = module.parent(call)
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is call and module.qualify(parent.func) in _WAIT_FOR:
        limit = parent.args[1] if len(parent.args) > 1 else next((k.value for k in parent.keywords if k.arg == "timeout"), None)
        if not (isinstance(limit, ast.Constant) and limit.value is None):  # ``wait_for(..., None)`` waits for ever
            uses.timed.append((parent, ast.unparse(parent.func)))
        return
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if isinstance(ancestor, ast.AsyncWith):
            for item in ancestor.items:
                context = item.context_expr
                if isinstance(context, ast.Call) and module.qualify(context.func) in _TIMEOUT_BLOCKS:
                    uses.timed.append((ancestor, ast.unparse(context.func)))
                    return


def _leaving_exit(
    module: ModuleInfo, function: ast.AsyncFunctionDef, stmt: ast.Assign | ast.AnnAssign, name: str, uses: _Uses
) -> tuple[str, int, str] | None:
    """(what, line, why) of the first way out that leaves the process running."""
    ends = {id(c) for c in uses.ends}
    stoppers = ends | {id(k) for k in uses.kills}
    for node, wrapper in uses.timed:
        if _stopped_before(module, function, node, stoppers):
            continue  # ``proc.kill()``, then ``await asyncio.wait_for(proc.wait(), 5)``
        where = _escape(module, function, node, _TIMEOUT_ERRORS, stoppers)
        if where is not None:
            return f"the timeout of `{wrapper}`", node.lineno, where
    kills = {id(k) for k in uses.kills}
    killing = min((h for h in _own_walk(function) if isinstance(h, ast.ExceptHandler) and _stops(h.body, kills)),
                  key=lambda h: h.lineno, default=None)
    if killing is not None and _runs_in_cancelled_task(module, function):
        normal = [c.lineno for c in uses.ends if not _in_handler(module, c, function)]
        last_end = max(normal, default=0)
        for awaited in sorted(_own_walk(function), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
            if (isinstance(awaited, ast.Await) and stmt.end_lineno is not None and stmt.end_lineno < awaited.lineno <= last_end
                    and not _in_handler(module, awaited, function) and _reached(module, stmt, awaited)):
                where = _escape(module, function, awaited, _CANCEL_ERRORS, stoppers)
                if where is not None:
                    if where == _NOTHING:
                        where = f"the `except` at line {killing.lineno} that kills it does not take it"
                    return "a cancellation of its task", awaited.lineno, where
    first_end = min((c.lineno for c in uses.ends), default=0)
    for exit_ in sorted(_own_walk(function), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        if (isinstance(exit_, (ast.Return, ast.Raise)) and stmt.lineno < exit_.lineno < first_end and _reached(module, stmt, exit_)
                and not _guarded(module, exit_, stmt, name) and not _stopped_before(module, function, exit_, stoppers)):
            kind = "return" if isinstance(exit_, ast.Return) else "raise"
            return f"the `{kind}`", exit_.lineno, "it leaves before the process ends, and nothing kills it"
    return None


def _escape(module: ModuleInfo, function: ast.AST, node: ast.AST, errors: frozenset[str], stoppers: set[int]) -> str | None:
    """Where an error of ``errors`` raised at ``node`` goes without anything stopping the process:
    ``None`` when a handler or a ``finally`` on its way kills or waits for it."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function:
            return _NOTHING
        if isinstance(ancestor, ast.Try) and not any(child is s for s in ancestor.finalbody):
            for handler in ancestor.handlers if any(child is s for s in ancestor.body) else ():
                if not _catches(module, handler, errors):
                    continue
                if _stops(handler.body, stoppers) or _stops(ancestor.finalbody, stoppers):
                    return None
                if not _reraises(handler):
                    if not any(isinstance(n, (ast.Return, ast.Raise)) for n in _own_walk(handler)) and any(
                            getattr(n, "lineno", 0) > (handler.end_lineno or 0) and id(n) in stoppers for n in _own_walk(function)):
                        return None  # it goes on to code that ends the process (``break``, then ``proc.kill()``)
                    return f"the `except` at line {handler.lineno} never kills it"
                break
            if _stops(ancestor.finalbody, stoppers):
                return None
        child = ancestor
    return _NOTHING


def _catches(module: ModuleInfo, handler: ast.ExceptHandler, errors: frozenset[str]) -> bool:
    kind = handler.type
    if kind is None:
        return True
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(isinstance(k, ast.Call) or (module.qualify(k) or ast.unparse(k)) in errors for k in kinds)


def _stops(body: list[ast.stmt], stoppers: set[int]) -> bool:
    return any(id(n) in stoppers for s in body for n in _own_walk(s))


def _reraises(handler: ast.ExceptHandler) -> bool:
    return bool(handler.body) and isinstance(handler.body[-1], ast.Raise)


_TASK_MAKERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task", "asyncio.tasks.ensure_future"})


def _runs_in_cancelled_task(module: ModuleInfo, function: ast.AsyncFunctionDef) -> bool:
    """``function`` runs in a task its own code cancels: its class (or, for a module-level
    function, its module) starts a task of a coroutine of its own (``asyncio.create_task(
    self._run_watch(id))``, ``loop.create_task(...)``), cancels tasks (``task.cancel()``), and
    ``function`` is that coroutine or one it awaits, through ``await self.method(...)``
    (``await helper(...)``) calls. Then a cancellation is one of its ordinary ends (a watch
    removed, a service stopped), not only the program's."""
    parent = module.parent(function)
    owner = parent if isinstance(parent, ast.ClassDef) else None
    body = owner.body if owner is not None else module.tree.body
    functions = {f.name: f for f in body if isinstance(f, ast.AsyncFunctionDef)}
    if function.name not in functions or functions[function.name] is not function:
        return False
    nodes = [n for f in body for n in ast.walk(f)]
    cancels = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel" and not n.args
                  for n in nodes)
    if not cancels:
        return False
    roots = [_own_coroutine(module, n.args[0], owner is not None) for n in nodes if isinstance(n, ast.Call) and n.args and (
        module.qualify(n.func) in _TASK_MAKERS or (isinstance(n.func, ast.Attribute) and n.func.attr == "create_task"
                                                  and "loop" in ast.unparse(n.func.value)))]
    reached: set[str] = set()
    pending = [r for r in roots if r in functions]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        for node in _own_walk(functions[name]):
            if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
                callee = _own_coroutine(module, node.value, owner is not None)
                if callee in functions:
                    pending.append(callee)
    return function.name in reached


def _own_coroutine(module: ModuleInfo, call: ast.expr, method: bool) -> str | None:
    """``self.name(...)`` (a method) or ``name(...)`` (a module-level function): ``name``."""
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    if method:
        return func.attr if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self" else None
    return func.id if isinstance(func, ast.Name) else None


def _in_handler(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    """``node`` runs in an ``except`` or a ``finally`` of ``function``: an abnormal path."""
    child = node
    for ancestor in module.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.ExceptHandler) or (isinstance(ancestor, ast.Try) and any(child is s for s in ancestor.finalbody)):
            return True
        child = ancestor
    return False


def _reached(module: ModuleInfo, start: ast.stmt, node: ast.AST) -> bool:
    """``node`` runs after ``start`` on a path from it: both in one statement list, ``start``'s
    statement first (not another branch of an ``if``, not the handler of the ``try`` it is in)."""
    start_chain = [start, *module.ancestors(start)]
    for child, ancestor in zip([node, *module.ancestors(node)], module.ancestors(node)):
        if ancestor in start_chain:
            index = start_chain.index(ancestor)
            start_child = start_chain[index - 1] if index > 0 else None
            if start_child is None:
                return False
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(ancestor, field, None)
                if isinstance(block, list) and start_child in block:
                    return child in block and block.index(child) > block.index(start_child)
            return False
    return False


def _guarded(module: ModuleInfo, node: ast.AST, start: ast.stmt, name: str) -> bool:
    """The exit is under a test of the process itself (``if proc.returncode is not None:``)."""
    for ancestor in module.ancestors(node):
        if ancestor is start or isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        if isinstance(ancestor, (ast.If, ast.While)) and any(
                isinstance(n, ast.Name) and n.id == name for n in ast.walk(ancestor.test)):
            return True
    return False


def _stopped_before(module: ModuleInfo, function: ast.AST, node: ast.AST, stoppers: set[int]) -> bool:
    """A kill or an end runs before the exit, in one of the statement lists that hold it, or a
    ``finally`` around it stops the process."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.Try) and _stops(ancestor.finalbody, stoppers):
            return True
        for field in ("body", "orelse", "finalbody"):
            block = getattr(ancestor, field, None)
            if isinstance(block, list) and child in block and _stops(block[: block.index(child)], stoppers):
                return True
        if ancestor is function:
            return False
        child = ancestor
    return False


@dataclass(frozen=True)
class KeptProcess:
    """``stmt`` keeps a started process in ``self.<attr>`` of ``cls``, and nothing ends it."""

    stmt: ast.stmt
    attr: str
    cls: ast.ClassDef
    label: str


def kept_processes(module: ModuleInfo) -> list[KeptProcess]:
    """Every process a method keeps on ``self`` (``self._proc = await
    asyncio.create_subprocess_exec(...)``) that no code of the module ends: no ``kill()``,
    ``terminate()``, ``send_signal()``, ``wait()`` or ``communicate()`` on an attribute of that
    name, no ``os.kill`` of its ``pid``, and the attribute never read whole (handed to a call,
    returned, aliased: what takes it may end it). The owner's end of life then leaves the child
    running with its pipes open."""
    found: list[KeptProcess] = []
    for call in module.index.calls:
        if _called_name(call) not in _MAKER_NAMES or module.qualify(call.func) not in _MAKERS:
            continue
        awaited = module.parent(call)
        stmt = module.parent(awaited) if isinstance(awaited, ast.Await) else None
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if len(targets) != 1 or not isinstance(target := targets[0], ast.Attribute) or not isinstance(target.value, ast.Name):
            continue
        function = module.enclosing_function(call)
        cls = module.enclosing_class(call)
        if function is None or cls is None or target.value.id != (function.args.args[0].arg if function.args.args else ""):
            continue
        assert isinstance(stmt, ast.stmt)
        if not any(_ends_attribute(module, node) for node in module.index.attributes
                   if node.attr == target.attr and node is not target and _seen_by(module, node, cls)):
            label = call.func.attr if isinstance(call.func, ast.Attribute) else ast.unparse(call.func)
            found.append(KeptProcess(stmt, target.attr, cls, label))
    return found


def _ends_attribute(module: ModuleInfo, node: ast.Attribute) -> bool:
    """A use of ``<x>.<attr>`` that may end the process it holds, or hands it to what may."""
    if not isinstance(node.ctx, ast.Load):
        return False
    parent = module.parent(node)
    if isinstance(parent, ast.Attribute):
        call = module.parent(parent)
        if isinstance(call, ast.Call) and call.func is parent:
            return parent.attr in _ENDS or parent.attr in _KILLS
        return parent.attr == "pid" and any(isinstance(a, ast.Call) and module.qualify(a.func) in _OS_KILLS for a in module.ancestors(parent))
    if isinstance(parent, ast.Compare) and all(isinstance(c, ast.Constant) and c.value is None for c in parent.comparators):
        return False  # ``self._proc is None``
    return not isinstance(parent, (ast.If, ast.BoolOp, ast.UnaryOp))  # handed on, returned, aliased


def _seen_by(module: ModuleInfo, node: ast.AST, cls: ast.ClassDef) -> bool:
    """``node`` may reach what ``cls`` keeps: it is in ``cls``, in a class of the module derived
    from it, or outside every class."""
    other = next((a for a in module.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    return other is None or other is cls or any(isinstance(b, ast.Name) and b.id == cls.name for b in other.bases)
