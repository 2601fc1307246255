from __future__ import annotations

import ast
from typing import Any, Callable, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import GATHER
from tradelint.facts.uses import name_loads
from tradelint.models.tasks.completed_collections import tasks_left_behind
from tradelint.models.tasks.completions import left_behind
from tradelint.models.tasks.gathers import gather_leaves
from tradelint.models.tasks.kept_waits import outliving_a_cancelled_wait
from tradelint.models.tasks.race_helpers import handed_to_a_race, raced_parameter
from tradelint.models.tasks.race_guards import losers_cancelled_without_a_winner
from tradelint.models.tasks.race_loops import race_loop_exit
from tradelint.models.tasks.races import is_race, raced_tasks
from tradelint.models.tasks.run_roots import only_under_asyncio_run
from tradelint.models.tasks.set_waits import set_before_every_cancel
from tradelint.models.tasks.shielded_waits import WAIT_FOR, shielded_timeout_leak
from tradelint.models.tasks.task_model import task_analysis
from tradelint.models.tasks.wait_holders import LITERALS, _bare_task, _kept_elsewhere, _new_here, _waited

WAIT = {"asyncio.wait", "asyncio.tasks.wait"}
AS_COMPLETED = {"asyncio.as_completed", "asyncio.tasks.as_completed"}
AS_COMPLETED_MESSAGE = (
    "tasks `asyncio.as_completed(...)` makes of coroutines run on when this loop is left early; "
    "make them with `create_task` and cancel them in `finally`"
)
COLLECTED_MESSAGE = (
    "tasks in `{name}` given to `asyncio.as_completed(...)` run on when this loop is left early; cancel them in `finally`"
)
COLLECTED_HELP = "`as_completed` cancels none of them, and `{name}` dies with the function: nothing else holds them"
AS_COMPLETED_HELP = "Only the iterator holds them: nothing can cancel the ones not yet done"
# What an import binds for a callee that qualifies to one of ``WAIT``: each dotted prefix of it.
WAIT_ROOTS = {prefix for name in WAIT for prefix in (name.rsplit(".", n)[0] for n in range(name.count(".") + 1))}
EARLY_RETURN = {"FIRST_COMPLETED", "FIRST_EXCEPTION"}
GATHER_MESSAGE = (
    "work gathered by `asyncio.gather(...)` runs on when one of it fails; cancel the rest in `finally`, or use a `TaskGroup`"
)
SHIELD_MESSAGE = (
    "`asyncio.shield(...)` under `asyncio.wait_for(...)` leaves a new task running at each timeout; "
    "wait on it unshielded, or keep one task and wait on it again"
)
SHIELD_HELP = "A timeout cancels only the shield's outer future: the task inside runs on, held by nothing"
GATHER_HELP = "Without `return_exceptions=True`, `gather` raises the first error and cancels none of the others"
# Every finding's help: what happens to the tasks.
HELP = "`asyncio.wait` cancels nothing: the unfinished tasks run on, unowned, and die pending at exit"
# For a task ended only after the wait returns.
RACED_HELP = "A cancelled or failing wait skips the code after it, and `asyncio.wait` cancels nothing"


class PendingTasksNeverCancelled(Rule):
    """## What it does
    Flags `done, pending = await asyncio.wait(..., return_when=FIRST_COMPLETED)` (or
    `FIRST_EXCEPTION`, or with a `timeout`) when `pending` is never used afterwards and nothing
    else in the function still holds the waited tasks: not the collection (used again, or waited
    on again in a loop), not one of its tasks by name, not a `self` attribute. Also flags such a
    wait as a bare statement (`await asyncio.wait([a, b], ...)`) on tasks made in the function;
    in a generator-based coroutine (`@asyncio.coroutine`), `yield from asyncio.wait(...)` is
    that `await` (njouanin/hbmqtt `a6c8810d`).
    A task made in the function and only looked at after the wait (`t in done`, `t.done()`,
    `t.result()`) is held by nothing that ends it: when it loses, it runs on. So is a task made
    right inside the waited display (`asyncio.wait([task, asyncio.create_task(ev.wait())],
    return_when=FIRST_COMPLETED)`, or with a `timeout`) when `pending` is not kept: reported
    where it is made, also when the wait's other tasks are held elsewhere (zauberzeug/nicegui
    `479c9778`).
    ```python
    async def first(a, b):
        ta = asyncio.create_task(a)
        tb = asyncio.create_task(b)
        await asyncio.wait([ta, tb], return_when=asyncio.FIRST_COMPLETED)   # reported
        return ta.result() if ta.done() else tb.result()
    ```

    Also flags, where it is made, a task the function makes and races by name
    (`asyncio.wait([a, b], return_when=FIRST_COMPLETED)` or `FIRST_EXCEPTION`, directly or
    through a local list) when it is cancelled or awaited only after the wait returns: no
    `finally`, and no handler that catches the cancellation (bare, `BaseException`,
    `CancelledError`), around the wait ends it, nor code after the `try` that such a handler
    goes on to (`except CancelledError: pass`: aiokafka) (ends: cancels it, awaits it or hands it on: a
    `finally` that only looks at it, `if t and not t.done()`, or calls what a task does not have,
    `t.close()`, ends nothing: NabuCasa/snitun `a44ee992`). A name set back to `None` once its
    task is done (`from_peer = None`, to make the next one on the loop's next turn) still names
    one task. A task the function also keeps in a local collection (`tasks = [a, b]`,
    `tasks.append(a)`) is ended where that collection is ended (`finally: for t in tasks:
    t.cancel()`), whichever collection the wait itself was given (ydb-platform/ydb-python-sdk
    `b4a5006d`). A task the function hands on (returns, stores, adds to an object's collection,
    also inside a display: `self._tasks.update({a, b})`, passes to other code) is its new holder's, and a wait with only a `timeout` is not a race.
    Nor is it reported when nobody can cancel the wait: every call of its function in the
    project (tests aside) is awaited directly, outside any `async with` (a timeout, a task
    group) and any handler that catches the cancellation, by a function of which the same
    holds, up to `asyncio.run(main())` (a script's, or a private thread's, hass-dreo's WebSocket
    thread); `asyncio.run` cancels every task left when it returns. Another module's calls are
    followed through the name it imports the function as (`from app.bot import main as
    bot_main`), and a function of the same name of its own (a CLI's `main()`) is not this one.
    Nor is a raced task that waits on an event of the object (`create_task(self._closing.wait())`)
    when the race runs in a private method that runs only as a task the object keeps, and every
    cancel of that task (`self._main.cancel()`, `cancel_and_wait(self._main)`) first sets the
    event on its path: it finishes as soon as the wait is cancelled. A wait with only a `timeout`
    is judged the same way when the function cancels the task after it (`if not done:
    task.cancel()`): it means to end the task when the wait times out, and a cancelled wait skips
    that cancel (enarjord/passivbot `455b6b07`); one only looked at or awaited after the wait is a
    progress report, not flagged.

    Tasks an object keeps in one of its collections, the elements themselves (`self.tasks`) or
    a field of each element (`for node in self.nodes: node.output = create_task(...)`), are
    judged the same way when one of its methods waits for them with `asyncio.wait` over that
    collection (any `return_when`) and cancels them after the wait: that method is where their
    lifetime ends, and a cancelled wait skips it (knexer/llmtaskgraph `e91ab005`: a cancelled
    graph run left its subtasks running). Each creation stored there, in any method of the
    class, is reported; not when a `finally` or handler of the cancellation around the wait
    ends them (or calls a method of the object), when another method of the class cancels,
    awaits or hands them on, when the collection is handed out of the class (returned, passed,
    aliased), or when the method only runs under `asyncio.run`.
    ```python
    class Graph:
        def add(self, node):
            self.nodes.append(node)
            if self.started:
                node.output = asyncio.create_task(node.run(self))   # reported

        async def run(self):
            self.started = True
            for node in self.nodes:
                node.output = asyncio.create_task(node.run(self))   # reported
            await asyncio.wait([node.output for node in self.nodes])
            if any(node.output.exception() for node in self.nodes):
                for node in self.nodes:
                    node.output.cancel()
    ```

    Ownership moves with the tasks: a task made right in the call of a coroutine function of the
    module that races what it is given (`async def first_of(*tasks)`: `asyncio.wait(tasks,
    return_when=FIRST_COMPLETED)`, written there or as the parameter's default) and cancels the
    losers only after its wait returns is flagged where the caller makes it, when nothing in the
    helper (a `finally`, a handler of the cancellation) ends what it was given: a cancelled race
    leaves them all running (devbis/ble2mqtt `691d6a60`). The helper is judged from its
    definition (a module-level `async def`, or a method of the caller's class called on `self`),
    never its name; a caller that only runs under `asyncio.run` is exempt as above.
    ```python
    async def first_of(*tasks):
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in pending:
            t.cancel()
        return done

    async def start(read, write):
        await first_of(asyncio.create_task(read()), asyncio.create_task(write()))   # both reported
    ```

    `asyncio.as_completed(coros)` given coroutines wraps each in a task that only its iterator
    holds: nothing in the function can cancel them. A loop over it is flagged when it can be left
    before every task is done: by its own `break` or `return`, or by a cancellation the function
    expects (a `try` around the loop catches `CancelledError` and goes on) (matrix-nio
    `6ecb563e`), or by an error: its body awaits what it gets (a failed task's error is raised
    there) or raises, outside a `try` of the body that goes on after every error, where the
    program goes on after the function fails (not in a test nor a script's `main()`;
    DevilXD/TwitchDropsMiner `8ee49beb`). Tasks made with `create_task` right in the call
    (`as_completed([asyncio.create_task(f(c)) for c in cs])`) are held by nothing else either. A
    loop that runs to its end, or tasks the function made and holds by name, are not this
    finding.
    ```python
    async def sync_forever(client):
        while True:
            try:
                for response in asyncio.as_completed([client.sync(), client.upload()]):   # reported
                    await handle(await response)
            except asyncio.CancelledError:
                break
    ```

    Tasks the function makes and holds only in a local collection that it gives to
    `as_completed` (`tasks[task] = i`, `tasks.append(task)`, a comprehension of creations; then
    `asyncio.as_completed(tasks.keys())`) are held no better: when the loop is left by the same
    ways (an awaited task's error among them), the collection dies with the function and nothing
    cancels the rest (PrimeIntellect-ai/verifiers `f40fb353`). They are reported where each is
    made. A collection that is iterated (`for t in tasks: t.cancel()`), passed, returned or stored
    anywhere in the function may be ended there, and is not judged; nor is a script's `main()`.
    ```python
    async def generate(self, inputs):
        tasks = {}
        for i, item in enumerate(inputs):
            task = asyncio.create_task(self.run_rollout(item))   # reported
            tasks[task] = i
        for coro in asyncio.as_completed(tasks.keys()):
            states.append(await coro)   # one error leaves the other rollouts running
    ```

    `asyncio.gather(...)` without `return_exceptions=True` raises the first error of one of
    what it gathers and cancels none of the others. It is flagged when one of them runs until
    something ends it (a coroutine function of the module, or a method of the caller's class,
    whose own loop has no end of its own: `while True:`, `while self.running:`; for a method
    of an object nothing types, `self.cam.read(ws)`, every method of that name in the project,
    tests aside: keshavdv/unifi-cam-proxy `7c7d62f4`), also through a coroutine the function
    defines itself, or a wrapper whose own frame awaits such a call (`async def process(): await
    bot._process(stop)`, where `bot` is a local whose class is proven, also from a module-level
    instance's factory, `bot = await hub.connect(ws)` with `connect() -> Bot`: Genshin-bots/
    gsuid_core `13f6a0f7`; a `break` only under `if stop.is_set():` is no end of its own), or when the
    pieces wait on each other through a queue, so that one waits forever for what a failed one
    would have put: two of them given the same `asyncio.Queue` the function makes, one given two
    (a pipeline stage between the queue it reads and the one it writes: pulp/pulpcore
    `d0f773cd`), or one whose loop waits on `self.<queue>.get()` that another fills (a
    dispatcher and its workers: microsoft/RD-Agent `cf6e418e`); and the program
    goes on after the error: a handler around the `gather` catches every error and goes on (a
    reconnect loop then starts a new set beside the old; flyte/mqtt-io `0f510f1e`), or the
    function's caller does (not a test, nor a script's `main()`). It is reported where the
    function makes the tasks, or at the `gather` when it is given coroutines; not when a
    `finally` or handler around it cancels, nor with a `TaskGroup`, which cancels the rest itself.
    A piece is left running only by another's error: one that cannot fail (a `while True:` loop,
    or one on a flag that calls nothing, `while self._running:`, each statement of which is a pause or a `try` whose handler catches every error, logs and
    raises nothing, with one such `try` at least) raises none, so a gather of such loops only is not reported, and beside one
    other piece that may fail, only the unfailing ones are (they run on when it fails):
    ```python
    async def main_loop(self):
        while True:
            self.tasks = [asyncio.create_task(c) for c in (self.rx_loop(), self.tx_loop())]   # reported
            try:
                await asyncio.gather(*self.tasks)
            except Exception:
                log.exception("critical task failed")
            await asyncio.sleep(5)
    ```

    `asyncio.shield(aw)` given a coroutine wraps it in a new task, and `asyncio.wait_for` cancels
    only the shield's outer future when its timeout fires: the task inside runs on, and nothing
    holds it. `await asyncio.wait_for(asyncio.shield(<a call>), timeout)` is flagged where the
    timeout is the normal way on: a handler of `TimeoutError` (or of every error) around it goes
    on, in a loop of the function that waits again, so that each turn leaves one more task
    (headroomlabs-ai/headroom `548c69a1`: one `Event.wait` task per poll interval, for the life of
    the process). Not for a held task or future (`asyncio.shield(self._task)`: its holder can end
    it, and the next turn waits on the same one), a future from `run_in_executor`, a handler that
    leaves the loop (`break`, `return`, `raise`), or a wait outside a loop (a save shielded so that
    it finishes, waited for at most a while).
    ```python
    async def _poll_loop(self):
        while not self._stop.is_set():
            await self._poll()
            try:
                await asyncio.wait_for(asyncio.shield(self._stop.wait()), timeout=10)   # reported
                break
            except asyncio.TimeoutError:
                pass   # unshielded, `wait_for` would cancel the wait it times out
    ```

    A race loop waits again on what is left, turn after turn (`while pending: done, pending =
    await asyncio.wait(pending, return_when=FIRST_COMPLETED)`, also through `typing.cast(...)`):
    `pending` holds the losers until the loop has waited them all out. A `return`, `raise` or
    `break` of the loop's own body leaves it with tasks still in `pending` (omnilib/aioitertools
    `f6a600ea`: a timeout raised out of the loop left every awaitable running). Flagged at the
    wait when `pending` is the function's own (made of a call, a display or a comprehension, not
    a parameter or an alias of a kept collection) and that way out neither cancels them before
    it, nor runs a `finally` (or, for a `raise`, a handler) that names `pending`, nor hands them
    back (`return done, pending`); for a `break`, code after the loop that names `pending` may
    end them, and so may code after the loop that cancels each task `pending` can hold by the
    name the function keeps it under (`pending.add(reader)`, then `reader.cancel()`, also in a
    nested function called there: rhasspy/wyoming-satellite's `await _disconnect()`), when each
    such name is given a new task only while it holds none (`if reader is None:`), so that no
    task in `pending` is left without its name:
    ```python
    async def first_ok(aws, deadline):
        pending = set(aws)
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError()   # leaves the loop with `pending` running
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)   # reported
            ...
    ```

    A cancel of a raced task written under a test that another raced task is still running
    (`if not waiter.done() and not task.done(): waiter.cancel()`) runs only when the wait timed
    out with no winner; when `task` wins, the usual end of the race, `waiter` runs on
    (zauberzeug/nicegui `1fd33454`: one connection waiter per page load, pending until the server
    stopped). Flagged where the loser is made, by any call, when every end of it after the wait
    is so guarded; not a task whose outcome the function reads (`result()`, `exception()`, a
    done callback: it is meant to finish), nor one handed on:
    ```python
    async def page(result, client):
        task = background.create(result)
        waiter = background.create(client.connected.wait())   # reported
        await asyncio.wait([task, waiter], timeout=3, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done() and not task.done():
            waiter.cancel()
            task.cancel()
        return task.result() if task.done() else None
    ```

    ## Why is this bad?
    `asyncio.wait` does not cancel the tasks that have not finished. The losers of the race run
    on, unowned: they hold connections, raise errors nobody retrieves, and are destroyed pending
    at shutdown. A wait that is cancelled (the caller's task is cancelled, a timeout around it
    fires) or raises skips every statement after it, so cancels written after the wait never run
    on that path (modal-client fixed this shape by moving them into `finally`).

    ## Example
    ```python
    import asyncio

    async def first(tasks):
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        return done.pop().result()

    async def read_until(stream, stop):
        read = asyncio.create_task(stream.read())
        stopped = asyncio.create_task(stop.wait())
        done, pending = await asyncio.wait([read, stopped], return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return read.result() if read in done else None
    ```

    ## Use instead
    ```python
    import asyncio

    async def first(tasks):
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return done.pop().result()

    async def read_until(stream, stop):
        read = asyncio.create_task(stream.read())
        stopped = asyncio.create_task(stop.wait())
        try:
            done, pending = await asyncio.wait([read, stopped], return_when=asyncio.FIRST_COMPLETED)
            return read.result() if read in done else None
        finally:
            read.cancel()
            stopped.cancel()

    async def pump(stream):
        tasks = []
        try:
            send = asyncio.create_task(stream.send_loop())
            receive = asyncio.create_task(stream.receive_loop())
            tasks = [send, receive]
            await asyncio.wait([send, receive], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
    ```

    ## Fix safety
    No automatic fix: whether the losers should be cancelled or awaited is the caller's choice.
    """

    code = "TRD304"
    # ``asyncio.shield(`` makes a task of what it is given: a file may make its tasks only there.
    triggers = trigger_words.TASK_WORDS + ("shield(",)

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.task_config_words(config)
    name = "pending-tasks-never-cancelled"
    incident = "002"
    fix_availability = "none"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        # A call qualifies to ``asyncio.wait`` only through an import of ``asyncio``, of
        # ``asyncio.tasks`` or of ``wait`` itself (the root of a dotted callee is an imported
        # name): most modules import none, and have nothing to check.
        completes = {local for local, qualified in module.imports.names.items() if qualified in AS_COMPLETED}
        gathers = {local for local, qualified in module.imports.names.items() if qualified in GATHER}
        waits_for = {local for local, qualified in module.imports.names.items() if qualified in WAIT_FOR}
        if not completes and not gathers and not waits_for and not any(
            qualified in WAIT_ROOTS for qualified in module.imports.names.values()
        ):
            return
        # The names bound to ``asyncio.wait`` itself (``from asyncio import wait``): a called name
        # qualifies to it only if it is one of them.
        waits = {local for local, qualified in module.imports.names.items() if qualified in WAIT}
        reported: set[ast.Call] = set()
        gathered: set[ast.stmt] = set()
        races: list[ast.Call] = []
        guarded: set[ast.stmt] = set()  # losers reported as cancelled only while another runs
        kept: list[ast.Call] = []  # every wait: some wait on tasks the object keeps
        helpers = handed_to_a_race_in(ctx)
        for call in module.index.calls:
            func = call.func
            if helpers is not None and (func.__class__ is ast.Name or func.__class__ is ast.Attribute):
                yield from helpers(call)
            if (func.__class__ is ast.Name and func.id in completes) or (
                func.__class__ is ast.Attribute and func.attr == "as_completed"
            ):
                loop = left_behind(module, call) if module.imports.qualify(func) in AS_COMPLETED else None
                if loop is not None:
                    yield Report(loop, AS_COMPLETED_MESSAGE, help=AS_COMPLETED_HELP)
                elif module.imports.qualify(func) in AS_COMPLETED:
                    held = tasks_left_behind(module, call, task_analysis(ctx).creator_label)
                    if held is not None:
                        name, made_here = held
                        for made in made_here:
                            if made not in gathered:
                                gathered.add(made)
                                yield Report(made, fit(COLLECTED_MESSAGE, name=name), help=fit_help(COLLECTED_HELP, name=name))
                continue
            if (func.__class__ is ast.Name and func.id in gathers) or (
                func.__class__ is ast.Attribute and func.attr == "gather"
            ):
                if module.imports.qualify(func) in GATHER:
                    for made in gather_leaves(module, call):
                        if made not in gathered:
                            gathered.add(made)
                            yield Report(made, GATHER_MESSAGE, help=GATHER_HELP)
                continue
            if (func.__class__ is ast.Name and func.id in waits_for) or (
                func.__class__ is ast.Attribute and func.attr == "wait_for"
            ):
                shielded = shielded_timeout_leak(module, call)
                if shielded is not None:
                    yield Report(shielded, SHIELD_MESSAGE, help=SHIELD_HELP)
                continue
            if func.__class__ is ast.Name:
                if func.id not in waits:
                    continue
            elif func.__class__ is not ast.Attribute or func.attr != "wait":
                continue  # an alias renames only the root: ``aio.wait`` still ends in ``wait``
            if module.imports.qualify(func) not in WAIT:
                continue
            kept.append(call)
            if not _may_leave_pending(call):
                continue
            if is_race(call) or _timed(call):
                races.append(call)
            for loser in losers_cancelled_without_a_winner(module, call):
                guarded.add(loser.stmt)
                yield Report(
                    loser.stmt,
                    fit("task `{name}` raced in `asyncio.wait` is cancelled only while `{winner}` runs; "
                        "when `{winner}` wins it runs on", name=loser.name, winner=loser.winner),
                    help=fit_help("Cancel `{name}` whenever it is not done after the wait, whoever won", name=loser.name),
                )
            awaited = module.parent(call)
            assign = module.parent(awaited) if isinstance(awaited, (ast.Await, ast.YieldFrom)) else None
            if isinstance(assign, ast.Call) and assign.args and assign.args[-1] is awaited and module.imports.qualify(assign.func) == "typing.cast":
                assign = module.parent(assign)  # ``cast(tuple[set, set], await asyncio.wait(...))`` is its value
            if isinstance(assign, ast.Expr):
                # ``await asyncio.wait([...], ...)`` as a statement: nothing can even name the losers.
                function = module.enclosing_function(call)
                if function is not None and _new_here(function, call) and not _kept_elsewhere(module, function, call):
                    reported.add(call)
                    yield Report(
                        assign,
                        "the result of `asyncio.wait(...)` is discarded; keep `pending` and cancel its tasks",
                        help=HELP,
                    )
                else:
                    yield from _made_in_the_race(module, call)
                continue
            if not (isinstance(assign, ast.Assign) and len(assign.targets) == 1):
                continue
            target = assign.targets[0]
            if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and isinstance(target.elts[1], ast.Name)):
                continue
            pending = target.elts[1].id
            function = module.enclosing_function(call)
            if function is None:
                continue
            unused = pending == "_" or next(name_loads(function, pending), None) is None
            if _kept_elsewhere(module, function, call):
                if unused:
                    yield from _made_in_the_race(module, call)
                elif (way_out := race_loop_exit(module, function, call, assign, pending)) is not None:
                    yield Report(
                        assign,
                        fit("tasks left in `{pending}` run on when this loop is left by the `{exit}` at line {line}; "
                            "cancel them before it", pending=pending, exit=_exit_word(way_out), line=str(way_out.lineno)),
                        help=HELP,
                    )
                continue
            if pending == "_" or next(name_loads(function, pending), None) is None:
                reported.add(call)
                yield Report(
                    assign,
                    fit("`{pending}` from `asyncio.wait(...)` is never used; call `cancel()` on each of its tasks", pending=pending),
                    help=HELP,
                )
        yield from _kept_past_the_wait(ctx, kept, reported)
        # Tasks raced by name and ended only on the paths where the wait returns: one finding per
        # task, where it is made (a wait reported above is not judged again).
        if races:
            label_of = task_analysis(ctx).creator_label
            seen: set[ast.stmt] = set()
            for call in races:
                if call in reported:
                    continue
                raced_here = list(raced_tasks(module, call, label_of))
                function = module.enclosing_function(call)
                if raced_here and isinstance(function, ast.AsyncFunctionDef) and only_under_asyncio_run(module, function, call):
                    continue  # nobody can cancel the wait, and ``asyncio.run`` cancels what is left
                race = is_race(call)
                for raced in raced_here:
                    if raced.stmt in seen or raced.stmt in guarded or not (race or _cancelled_after(module, raced.name, call)):
                        continue
                    if isinstance(function, ast.AsyncFunctionDef) and set_before_every_cancel(module, function, raced.stmt):
                        continue  # whatever cancels the wait first sets the event the task waits on
                    seen.add(raced.stmt)
                    yield Report(
                        raced.stmt,
                        fit(
                            "task `{name}` raced in `asyncio.wait` outlives a cancelled wait; cancel it in `finally`"
                            if race else
                            "task `{name}` cancelled when `asyncio.wait` times out outlives a cancelled wait; cancel it in `finally`",
                            name=raced.name,
                        ),
                        help=RACED_HELP,
                    )


def _kept_past_the_wait(ctx: FileContext, waits: list[ast.Call], reported: set[ast.Call]) -> Iterator[Report]:
    """Tasks an object keeps, waited for by one of its methods and cancelled only after the wait
    returns (``kept_waits``): one finding per creation."""
    module = ctx.module
    seen: set[ast.stmt] = set()
    for call in waits:
        if call in reported:
            continue
        kept = list(outliving_a_cancelled_wait(module, call, task_analysis(ctx).creator_label))
        function = module.enclosing_function(call)
        if not kept or not isinstance(function, ast.AsyncFunctionDef) or only_under_asyncio_run(module, function, call):
            continue
        for task in kept:
            if task.stmt in seen:
                continue
            seen.add(task.stmt)
            where = f"`self.{task.place.collection}`" + (f" (as `.{task.place.field}`)" if task.place.field else "")
            yield Report(
                task.stmt,
                "task kept in " + where + fit(
                    " is cancelled only after `asyncio.wait` returns in `{method}()`; "
                    "a cancelled wait leaves it running: cancel it in `finally`",
                    method=function.name,
                ),
                help=RACED_HELP,
            )


def _exit_word(stmt: ast.stmt) -> str:
    return "return" if isinstance(stmt, ast.Return) else "raise" if isinstance(stmt, ast.Raise) else "break"


def _timed(call: ast.Call) -> bool:
    """``asyncio.wait(tasks, timeout=t)`` (no ``return_when``): it returns with the tasks running."""
    return not any(k.arg == "return_when" for k in call.keywords) and (
        len(call.args) >= 2 or any(k.arg == "timeout" for k in call.keywords)
    )


def _cancelled_after(module: ModuleInfo, name: str, wait: ast.Call) -> bool:
    """``name.cancel()`` after ``wait`` in its function: the function means to end the task when
    the wait times out (after a wait with only a timeout, ``await task`` is a progress report)."""
    function = module.enclosing_function(wait)
    if function is None:
        return False
    end = (wait.end_lineno or wait.lineno, wait.end_col_offset or 0)
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cancel"
        and isinstance(node.func.value, ast.Name) and node.func.value.id == name
        and (node.lineno, node.col_offset) > end
        for node in ast.walk(function)
    )


def handed_to_a_race_in(ctx: FileContext) -> Callable[[ast.Call], Iterator[Report]] | None:
    """What reports the tasks a call hands to a race of the module's own (``race_helpers``),
    when the module defines some coroutine function that races a parameter; else None."""
    module = ctx.module
    if not any(
        raced_parameter(module, module.enclosing_function(call))
        for call in module.index.calls
        if call.func.__class__ in (ast.Name, ast.Attribute) and module.imports.qualify(call.func) in WAIT
    ):
        return None
    label_of = task_analysis(ctx).creator_label

    def report(call: ast.Call) -> Iterator[Report]:
        for made, label, helper in handed_to_a_race(module, call, label_of):
            function = module.enclosing_function(call)
            if isinstance(function, ast.AsyncFunctionDef) and only_under_asyncio_run(module, function, call):
                return  # nobody can cancel the race, and ``asyncio.run`` cancels what is left
            yield Report(
                made,
                fit(
                    "task from `{label}(...)` raced by `{helper}()` outlives a cancelled race: it cancels the losers only after its wait returns; cancel them in its `finally`",
                    label=label, helper=helper,
                ),
                help=RACED_HELP,
            )
    return report


def _made_in_the_race(module: ModuleInfo, call: ast.Call) -> Iterator[Report]:
    """``await asyncio.wait([task, asyncio.create_task(event.wait())], return_when=FIRST_COMPLETED)``
    whose other tasks are held elsewhere: a task made right in the waited display is held by the
    wait alone, and when it loses nobody can name it to end it (nicegui ``479c9778``)."""
    arg = _waited(call)
    if not isinstance(arg, LITERALS):
        return
    for element in arg.elts:
        if _bare_task(module, element):
            assert isinstance(element, ast.Call)
            yield Report(
                element,
                fit(
                    "task from `{label}` is made inside `asyncio.wait(...)` and held by nothing after it; name it and cancel it when it loses",
                    label=f"{ast.unparse(element.func)}(...)",
                ),
                help=HELP,
            )


def _may_leave_pending(call: ast.Call) -> bool:
    for kw in call.keywords:
        if kw.arg == "timeout" and not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
            return True
        if kw.arg == "return_when":
            name = kw.value.attr if isinstance(kw.value, ast.Attribute) else getattr(kw.value, "id", "")
            if name in EARLY_RETURN:
                return True
    return len(call.args) >= 2  # positional timeout
