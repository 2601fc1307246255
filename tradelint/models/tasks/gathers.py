"""Work ``asyncio.gather`` leaves running when one of what it gathers fails.

Without ``return_exceptions=True``, the first error of one awaitable is raised at once by the
``await``, and ``gather`` cancels none of the others (the documented behaviour): each goes on,
held by nothing the failing code still reaches. That is a leak where one of them runs until it
is cancelled (a coroutine function of the project whose loop only ends from outside: ``while
True:``, ``while self.running:``), or the pieces wait on each other through a queue (one
waits forever for what a failed one would have put: ``_wired_by_a_queue``), and the program
goes on after the error: a handler around the ``gather`` swallows it (a reconnect loop that starts a fresh set beside the old, flyte/mqtt-io
``0f510f1e``), or the function is one whose caller catches and goes on (a service's method, a
request handler: ``goes_on_after_errors``). Not when a ``finally`` or handler around it cancels
something (the function ends what it started), nor when a ``TaskGroup`` is used (it cancels the
rest itself).

Asked by TRD304; it reads no other layer of the task model (``duck_methods``, the project's
methods of a name, reads only facts)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors, in_tests
from tradelint.facts.handlers import goes_on
from tradelint.facts.syntax import FUNCTION_NODES, GATHER, SCOPE_NODES, TASK_MAKERS, class_method, last_name, own_nodes, walk
from tradelint.models.tasks.duck_methods import project_methods
from tradelint.models.tasks.gather_receivers import called_method
from tradelint.models.tasks.unfailing_loops import never_fails

_COLLECTIONS = (ast.List, ast.Tuple, ast.Set, ast.ListComp, ast.SetComp, ast.GeneratorExp)
QUEUES = frozenset({"asyncio.Queue", "asyncio.PriorityQueue", "asyncio.LifoQueue", "asyncio.queues.Queue"})


def gather_leaves(module: ModuleInfo, call: ast.Call) -> list[ast.stmt]:
    """Where to report the work ``await asyncio.gather(...)`` (``call``) leaves running when one
    of its awaitables fails: the statements that make its tasks in this function, or the
    ``gather`` itself when it is given coroutines. Empty when nothing is left or it cannot be
    shown."""
    awaited = module.parent(call)
    statement = module.parent(awaited) if isinstance(awaited, ast.Await) else None
    if not isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) or _returns_exceptions(call):
        return []
    function = module.enclosing_function(call)
    if not isinstance(function, ast.AsyncFunctionDef) or module.enclosing_scope(call) is not function:
        return []
    elements: list[tuple[ast.expr, ast.stmt | None]] = []
    several: set[int] = set()  # the elements that stand for several pieces (a collection's)
    many = len(call.args) >= 2
    for arg in call.args:
        if isinstance(arg, ast.Starred):
            made = (
                list(_made_elements(module, function, arg.value, None))
                if isinstance(arg.value, _COLLECTIONS)
                else list(_collection_elements(module, function, arg.value))
            )
            if not made:
                return []  # a collection made elsewhere: who holds its work is not known here
            several.update(range(len(elements), len(elements) + len(made)))
            elements.extend(made)
            many = True
        else:
            elements.extend(_element_values(module, function, arg, None))
    if not many:
        return []
    # The cheap questions first: whether a piece runs until cancelled may read other files.
    if in_tests(module):
        return []  # a test's failure ends the test, and what it leaves ends with its loop
    swallowed = _swallowed_around(module, function, statement)
    if swallowed is None:
        return []  # a ``finally`` or handler around it cancels: the function ends what it started
    if not swallowed and not goes_on_after_errors(module, function, lifespans_end=False):
        return []  # the error ends the program (a script's ``main()``)
    if not any(_runs_until_cancelled(module, function, value) for value, _ in elements) and not _wired_by_a_queue(
        module, function, [value for value, _ in elements]
    ):
        return []
    # A piece is left running only by another piece's error: one whose loop catches every error
    # and goes on (``unfailing_loops``) raises none.
    failing = [not never_fails(module, _resolved(module, function, value)) for value, _ in elements]
    kept = [
        s for i, (_, s) in enumerate(elements)
        if any(f for j, f in enumerate(failing) if j != i) or (failing[i] and i in several)
    ]
    if not kept:
        return []
    made_at = sorted({id(s): s for s in kept if s is not None}.values(), key=lambda s: (s.lineno, s.col_offset))
    return made_at or [statement]


def _resolved(module: ModuleInfo, function: ast.AST, value: ast.expr) -> ast.AST | None:
    """The coroutine function a piece of the gather calls (``self.poll()``, ``worker()``)."""
    if not isinstance(value, ast.Call):
        return None
    found = _definition(module, function, value.func)
    if found is None and isinstance(value.func, ast.Attribute):
        found = called_method(module, function, value.func)
    return found


def _returns_exceptions(call: ast.Call) -> bool:
    """``return_exceptions=`` given anything but a literal false: the errors come back as values."""
    return any(
        k.arg == "return_exceptions" and not (isinstance(k.value, ast.Constant) and not k.value.value) for k in call.keywords
    )


def _element_values(
    module: ModuleInfo, function: ast.AST, value: ast.expr, made_at: ast.stmt | None
) -> Iterator[tuple[ast.expr, ast.stmt | None]]:
    """The coroutine calls an element stands for, each with the statement of this function that
    makes its task (None for a coroutine handed to ``gather`` itself): ``create_task(c)`` is
    ``c``; a local is what it is bound to."""
    if isinstance(value, ast.Call) and _task_maker(value):
        if value.args:
            yield value.args[0], made_at or _statement_of(module, value)
        return
    if isinstance(value, ast.Name):
        for bound in _bindings(function, value.id):
            yield from _element_values(module, function, bound.value, bound)
        return
    yield value, made_at


def _collection_elements(
    module: ModuleInfo, function: ast.AST, value: ast.expr
) -> Iterator[tuple[ast.expr, ast.stmt | None]]:
    """What ``*tasks`` spreads, when the function itself makes the collection: a display or a
    comprehension bound to the local (or to ``self.<attr>``) in the function, or a local list
    it fills with ``append`` (``futures = []`` then ``futures.append(stage(in_q, out_q))`` in a
    loop: pulp/pulpcore ``d0f773cd``)."""
    for bound in _bindings(function, value):
        yield from _made_elements(module, function, bound.value, bound)
    if isinstance(value, ast.Name):
        for node in own_nodes(function):
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "append"
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == value.id
                and len(node.value.args) == 1
            ):
                yield from _element_values(module, function, node.value.args[0], None)


def _made_elements(
    module: ModuleInfo, function: ast.AST, made: ast.expr, bound: ast.stmt | None
) -> Iterator[tuple[ast.expr, ast.stmt | None]]:
    """The elements of a display or a one-generator comprehension, with the statement that makes
    them (None for one spread right into the ``gather``: ``*[self.work() for _ in range(n)]``,
    microsoft/RD-Agent ``cf6e418e``)."""
    if isinstance(made, (ast.List, ast.Tuple, ast.Set)):
        for element in made.elts:
            yield from _element_values(module, function, element, bound)
    elif isinstance(made, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and len(made.generators) == 1:
        generator = made.generators[0]
        spread = made.elt
        if isinstance(spread, ast.Call) and _task_maker(spread) and spread.args:
            spread = spread.args[0]
            bound = bound or _statement_of(module, made)
        if (
            isinstance(spread, ast.Name)
            and isinstance(generator.target, ast.Name)
            and spread.id == generator.target.id
            and isinstance(generator.iter, (ast.List, ast.Tuple, ast.Set))
        ):
            for element in generator.iter.elts:  # ``[create_task(c) for c in (self.a(), self.b())]``
                yield element, bound
        else:
            yield spread, bound


def _bindings(function: ast.AST, target: ast.expr | str) -> list[ast.Assign]:
    """The plain assignments of the function's own frame to a local (by name) or to
    ``self.<attr>``."""
    found: list[ast.Assign] = []
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and _same_target(node.targets[0], target):
            found.append(node)
    return found


def _same_target(node: ast.expr, target: ast.expr | str) -> bool:
    if isinstance(target, str):
        return isinstance(node, ast.Name) and node.id == target
    if isinstance(target, ast.Name):
        return isinstance(node, ast.Name) and node.id == target.id
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
        and isinstance(node, ast.Attribute)
        and node.attr == target.attr
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def _task_maker(call: ast.Call) -> bool:
    return last_name(call.func) in TASK_MAKERS


def _statement_of(module: ModuleInfo, node: ast.AST) -> ast.stmt | None:
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.stmt):
            return ancestor
    return None


def _runs_until_cancelled(module: ModuleInfo, function: ast.AST, value: ast.expr, depth: int = 0) -> bool:
    """A call of a coroutine function of the module, of the caller's own frame (a local ``async
    def``) or of a method of the caller's class and its bases, on ``self``, whose own frame loops
    until something outside ends it, or awaits a call that does (a wrapper that only catches the
    worker's cancellation: ``async def process(): await bot._process(stop)``, Genshin-bots/
    gsuid_core ``13f6a0f7``)."""
    if not isinstance(value, ast.Call) or depth > 2:
        return False
    definition = _definition(module, function, value.func)
    if definition is None and isinstance(value.func, ast.Attribute):
        definition = called_method(module, function, value.func)
    if definition is None and _untyped_receiver(module, function, value.func):
        # ``self.cam._run(ws)`` or ``bot._process()`` on an object nothing types: one of the
        # project's methods of that name runs, and every one of them loops until cancelled.
        assert isinstance(value.func, ast.Attribute)
        found = project_methods(module, value.func.attr)
        return bool(found) and all(_loops_until_cancelled(method) for method in found)
    if _loops_until_cancelled(definition):
        return True
    return isinstance(definition, ast.AsyncFunctionDef) and any(
        isinstance(node, ast.Await) and _runs_until_cancelled(module, definition, node.value, depth + 1)
        for node in own_nodes(definition)
    )


def _loops_until_cancelled(definition: ast.AST | None) -> bool:
    return isinstance(definition, ast.AsyncFunctionDef) and any(
        isinstance(node, ast.While) and _open_ended(node.test) and not _leaves(node) for node in own_nodes(definition)
    )


def _untyped_receiver(module: ModuleInfo, function: ast.AST, func: ast.expr) -> bool:
    """``self.<attr>.<method>``: a method of an object the function's ``self`` holds; or
    ``<name>.<method>`` on a name of the function's frames (a local or one of an enclosing
    function's) that no import, class or function of the module stands for."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Attribute, ast.Name))):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Attribute):
        return isinstance(receiver.value, ast.Name) and receiver.value.id == "self"
    if receiver.id in ("self", "cls") or module.imports.qualify(receiver) is not None:
        return False
    if any(isinstance(s, (*FUNCTION_NODES, ast.ClassDef)) and s.name == receiver.id for s in module.tree.body):
        return False
    frames = [function, *(a for a in module.ancestors(function) if isinstance(a, FUNCTION_NODES))]
    return any(_binds(frame, receiver.id) for frame in frames)


def _binds(function: ast.AST, name: str) -> bool:
    """``name`` is a parameter of ``function`` or assigned in its own frame."""
    if isinstance(function, FUNCTION_NODES):
        arguments = function.args
        if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
            return True
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store) for node in own_nodes(function)
    )


def _wired_by_a_queue(module: ModuleInfo, function: ast.AST, values: list[ast.expr]) -> bool:
    """The gathered pieces wait on each other through a queue, so that when one fails another
    waits forever for what it would have put (or for room it would have made): two of them
    given the same queue this function makes, or one given two (a stage of a pipeline, between
    the queue it reads and the one it writes: pulp/pulpcore ``d0f773cd``); or one whose loop
    waits on ``self.<queue>.get()`` for what another puts there (a dispatcher and its workers:
    microsoft/RD-Agent ``cf6e418e``)."""
    calls = [value for value in values if isinstance(value, ast.Call)]
    holders: dict[int, set[int]] = {}  # id of a queue's construction -> the calls given it
    for call in calls:
        arguments = [list(_queues_made(module, function, arg)) for arg in (*call.args, *(k.value for k in call.keywords))]
        if sum(1 for made in arguments if made) >= 2:
            return True  # the queue it reads and the one it writes (one construction in a loop makes both)
        for made_id in {id(q) for made in arguments for q in made}:
            holders.setdefault(made_id, set()).add(id(call))
    if any(len(held) >= 2 for held in holders.values()):
        return True
    waits: dict[str, set[int]] = {}
    puts: dict[str, set[int]] = {}
    for call in calls:
        definition = _definition(module, function, call.func)
        if not isinstance(definition, ast.AsyncFunctionDef):
            continue
        for node in own_nodes(definition):
            if isinstance(node, ast.While):
                for waited in own_nodes(node):
                    got = _queue_call(waited.value, "get") if isinstance(waited, ast.Await) else None
                    if got is not None:
                        waits.setdefault(got, set()).add(id(definition))
            put = _queue_call(node, "put") or _queue_call(node, "put_nowait")
            if put is not None:
                puts.setdefault(put, set()).add(id(definition))
    return any(puts.get(queue, set()) - waiting for queue, waiting in waits.items())


def _queue_call(node: ast.AST, method: str) -> str | None:
    """``self.<queue>.<method>(...)``: the attribute's name."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method:
        return _self_attribute(node.func.value)
    return None


def _queues_made(module: ModuleInfo, function: ast.AST, value: ast.expr, depth: int = 0) -> Iterator[ast.Call]:
    """The ``asyncio.Queue(...)`` constructions of the function a local passed on stands for."""
    if not isinstance(value, ast.Name) or depth > 3:
        return
    for bound in _bindings(function, value.id):
        made = bound.value
        if isinstance(made, ast.Call) and module.imports.qualify(made.func) in QUEUES:
            yield made
        elif isinstance(made, ast.Name):
            yield from _queues_made(module, function, made, depth + 1)


def _self_attribute(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def _leaves(loop: ast.While) -> bool:
    """The loop ends itself: a ``break`` of its own or a ``return`` in it (a pagination loop's
    ``while True: ... if not page: break``). Not one under a test of a stop signal only (``if
    stop.is_set(): break``): that loop ends when something outside sets the event, as ``while
    not self._stop.is_set():`` does."""
    stack: list[ast.AST] = list(loop.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Break, ast.Return)):
            return True
        if isinstance(node, SCOPE_NODES) or (isinstance(node, ast.If) and not node.orelse and _tests_a_stop_signal(node.test)):
            continue
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend(n for n in ast.walk(node) if isinstance(n, ast.Return))  # (its breaks are its own)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _definition(module: ModuleInfo, function: ast.AST, func: ast.expr) -> ast.AST | None:
    if isinstance(func, ast.Name):
        # A local ``async def`` of the function (or of one around it) before one of the module.
        for frame in (function, *(a for a in module.ancestors(function) if isinstance(a, FUNCTION_NODES))):
            local = next((s for s in own_nodes(frame) if isinstance(s, FUNCTION_NODES) and s.name == func.id), None)
            if local is not None:
                return local
        return next((s for s in module.tree.body if isinstance(s, FUNCTION_NODES) and s.name == func.id), None)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        cls = module.parent(function)
        if not isinstance(cls, ast.ClassDef):
            return None
        for _, member in class_and_bases(module, cls):
            found = class_method(member, func.attr)
            if found is not None:
                return found
    return None


def _tests_a_stop_signal(test: ast.expr) -> bool:
    """``stop.is_set()`` (also ``event is not None and event.is_set()``): a test whose only calls
    ask whether an event is set, none of them negated (``if not ready.is_set(): break`` leaves
    by itself)."""
    calls = [node for node in ast.walk(test) if isinstance(node, ast.Call)]
    return (
        bool(calls)
        and all(isinstance(c.func, ast.Attribute) and c.func.attr == "is_set" and not c.args for c in calls)
        and not any(isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) for node in ast.walk(test))
    )


def _open_ended(test: ast.expr) -> bool:
    """``while True:``, ``while self.running:``, ``while not self._stop.is_set():``: a loop whose
    test no step of its own counts down (not a comparison, not a local)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Call):
        test = test.func.value if isinstance(test.func, ast.Attribute) else test.func
    while isinstance(test, ast.Attribute):
        test = test.value
    return isinstance(test, ast.Name) and test.id == "self"


def _swallowed_around(module: ModuleInfo, function: ast.AST, statement: ast.stmt) -> bool | None:
    """Whether a ``try`` of the function around ``statement`` catches every error and goes on;
    None when one around it cancels something in its ``finally`` or a handler."""
    swallowed = False
    child: ast.AST = statement
    for ancestor in module.ancestors(statement):
        if ancestor is function:
            break
        if isinstance(ancestor, ast.Try) and any(child is s for s in ancestor.body):
            ends = [*ancestor.finalbody, *(s for h in ancestor.handlers for s in h.body)]
            if any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "cancel"
                for s in ends for n in walk(s)
            ):
                return None
            swallowed = swallowed or any(goes_on(h) for h in ancestor.handlers)
        child = ancestor
    return swallowed
