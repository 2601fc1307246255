from __future__ import annotations

import ast
from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.tasks.fixes import keep_task_fix_and_reason, no_fix_help
from tradelint.models.tasks.hass_waits import BACKGROUND_CREATOR
from tradelint.models.tasks.perpetual_spawns import perpetual_spawn
from tradelint.models.tasks.shielded_creations import shielded_creations
from tradelint.models.tasks.task_model import task_analysis


class DiscardedTask(Rule):
    """## What it does
    Flags a task whose creation result is thrown away: `asyncio.create_task(...)` as a statement,
    assigned to `_`, chained into `.add_done_callback(...)`, returned from a `lambda` that a loop
    callback discards, or created through a first-party wrapper that returns the task without
    keeping it (a wrapper that passes a task it is given through and makes one of a coroutine,
    `schedule_task(coro)`, only when its call is given a coroutine). A task kept only in a weak container (added to a `weakref.WeakSet`, stored as a
    value of a `weakref.WeakValueDictionary`) is discarded too: nothing holds it strongly, also
    when it is first bound to a local that is only looked at, given a done-callback or logged
    (`task = loop.create_task(c); log.debug("%r", task); self._tasks.add(task)`), and when a
    method of a class that ends the container's tasks (cancels them when it aborts) returns it:
    a task group's `create_task`, whose callers leave the task to the group (achimnol/aiotools
    `86ae705d`); returned by a class that never ends them, the caller holds it.
    `asyncio.gather(coro(), ...)` thrown away is one too: gather wraps each coroutine in a task,
    and its gathering future is all that would hold them. A name bound once at module level to a
    creator (`spawn = asyncio.ensure_future`, `make = loop.create_task`, also when imported from
    another module) is that creator. A first-party wrapper is judged however it is called: by
    its name, or through the name of the module that defines it (`from app.utils import
    scheduling`, then `scheduling.create_task(coro)`; python-discord/bot-core `805c6043`).
    A wrapper that makes its task of what it is given (`asyncio.ensure_future(action)`, a task
    only of a coroutine), keeps it nowhere (only gives it a done callback) and returns nothing
    leaves the task to nobody: each call given a coroutine is reported, at the call, where the
    caller is the only one that could keep it (inmanta/inmanta-core `8e71eb99`); given a future
    or task, it makes none. One that returns the task or keeps it until done is not this:
    ```python
    def run_logged(logger, action):
        future = asyncio.ensure_future(action)
        future.add_done_callback(lambda f: f.exception() and logger.error("failed"))

    run_logged(LOGGER, self.refresh())   # reported
    ```

    A *fire-and-forget helper* is reported in the helper itself, where the fix belongs: a plain
    function that gives its task a done callback (which handles the task's end, its errors, for
    the callers), returns it and keeps it nowhere tells its callers they may drop the task
    (osparc-simcore `fire_and_forget_task`, aiohomekit `async_create_task`); also with
    `asyncio.ensure_future(obj)` of its parameter. A helper that keeps the task until it is
    done (`_tasks.add(task)` with `task.add_done_callback(_tasks.discard)`), a factory with no
    done callback (its callers own the task, and are told so where they drop it), and a helper
    whose callers in the project (tests aside; its outermost package, without a project
    marker) all keep the task (aio-pika's `create_task`, always awaited or collected) are not.
    For a helper method, a call `self.spawn(...)` in a class that is neither its class, a base
    nor a subclass of it runs another class's `spawn()`, and is not one of its callers; in a
    mixin that defines no `spawn()` itself, it runs what the classes the project builds from the
    mixin give: composed only with another class defining `spawn()`, it is none either.
    ```python
    def spawn(coro):
        task = asyncio.create_task(coro)      # reported: callers drop it, as the helper invites
        task.add_done_callback(_log_errors)
        return task
    ```

    A *task factory*, a function that makes a task of a coroutine it picks itself and returns it
    (not a wrapper of a coroutine or awaitable its caller hands in), is reported at its `return`
    when every call of it in the project (tests aside) drops the task: the callers leave it to
    nobody, and the fix belongs where it is made (iMicknl/ha-nest-protect `0599dcfa`); each
    dropping call is reported too. A call that keeps or awaits the task, or the function handed
    on by reference (`runner(get_waiter=_register)`), whose caller is not known, makes none;
    in a package without a project marker, only a private function (`_register`) is judged:
    ```python
    def _register(hass, entry):
        return asyncio.create_task(_subscribe(hass, entry))   # reported: no caller keeps it

    async def async_setup_entry(hass, entry):
        _register(hass, entry)                                  # reported
    ```

    In a Home Assistant integration, `hass.async_create_task(...)` (or a config entry's
    `entry.async_create_task(hass, ...)`) keeps its task, and Home Assistant waits for it when
    it stops, where no entry is unloaded and no entity removed. Thrown away, such a task is
    reported when its coroutine (a method of the class, a function of the module or of the
    enclosing function, or a method of an object whose first-party class the code proves: a
    local bound once to `Cls(...)`, a parameter annotated `Cls`) holds up the stop: a loop that
    never ends by itself (`while True` with an `await`, no `return` and no `break` of its own:
    one that ends an `async for` inside it goes on with the next round), or one on a flag of
    its object (`while not self.closed:`, `while self._running:`, `while not
    self._stop.is_set():`) that the loop never sets itself and nothing the stop runs names (a
    listener of `EVENT_HOMEASSISTANT_STOP` and what it reaches by name): the unload that sets
    it does not run at the stop (a WebSocket loop started with `hass.async_create_task(
    webserver.start())` in the setup, fixed by its maintainers as a background task), or a timer (`await asyncio.sleep(d)`, `d` not a number
    under 10 s, also through a parameter the call gives, or a local or constant worked out of numbers:
    `delay = max(0, REFRESH_DELAY - 0.3)`) written to be cancelled (it catches
    `CancelledError`) that nobody can cancel (ramses-rf/ramses_cc `5fa5458f`). A one-shot task,
    a timer nobody means to cancel (a debounced save the stop may wait for), `sleep(0)`, and a
    task made with `async_create_background_task` (which the stop cancels) are not.
    `hass.create_task(...)`, the thread-safe way to the same tracked task, is judged alike, and
    the coroutine may be a method of an attribute's first-party class, when every store of the
    attribute names that class (`self.controller: ModbusController = controller`, `self.queue =
    WriteQueue()`, or a parameter annotated so): `self.hass.create_task(self.controller.
    process_write_queue())` runs that class's loop (Pho3niX90/solis_modbus `d8331b74`).
    ```python
    class Poller(CoordinatorEntity):
        def start(self):
            self.hass.async_create_task(self._poll_forever())   # reported: `while True` loop
            self.hass.async_create_task(self._refresh_once())   # not: it does not wait
    ```
    A timer nobody means to cancel is reported where a config entry is set up
    (`async_setup_entry`, or a helper it awaits given its `hass` and `entry`): the task is tied
    to `hass`, which outlives the entry, so after an unload or a reload the timer still fires on
    what was unloaded (SeloraHomes/ha-selora-ai `7a2334e3`). The entry's own
    `entry.async_create_background_task(hass, coro, name)` is cancelled at unload and at stop. A
    timer of under 10 s, a one-shot task and the component's `async_setup` (which lives as long
    as `hass`) are not. Under `--preview` only (RULES.md names `hass.async_create_task` among the
    task-owning APIs never to flag, and on applications read in session 70 every such finding was
    a one-shot Home Assistant tracks until it is done), so is a one-shot task that runs a method
    of an object the setup keeps for the entry (`hass.data[DOMAIN][entry.entry_id] = coordinator`, `entry.runtime_data =
    ...`), such as `hass.async_create_task(coordinator.async_read_initial_positions())`: the
    object lives only until the unload, the task until Home Assistant stops, and the unload
    neither waits for nor cancels it (kristofferR/ha-adjustable-bed `de27860b`). So is one that
    an instance of a class the setup keeps so (made there by its constructor, or given to a
    helper of the setup as a parameter annotated with the class) starts on one of its own
    methods, `self.hass.create_task(self.poll_controller())` (Pho3niX90/solis_modbus
    `340dffac`), unless the method is the object's release (`self.async_stop()`) or the class
    is an entity (it ends at its removal; its one-shots bridge synchronous services). Ownership is
    transitive: a class whose instance a kept object makes and keeps on itself (`self.history =
    HistoryManager(...)` in the coordinator) is kept for the entry too, and so is what the setup
    keeps through a chained assignment (`hass.data[DOMAIN]["services"] = services =
    Services(hass)`). The task may also run a coroutine defined in the method that uses the object
    (`async def _run(): ... self._fetch() ...` then `self._hass.async_create_task(_run())`,
    barneyonline/ha-enphase-ev-charger `a1ec0a02`), or a timer that acts when it fires on an object
    nothing types, when the integration defines one method of that name
    (`self.hass.async_create_task(cast(Any, entity)._clear_pending_after_timeout(30))` in a service
    handler the setup keeps, ramses-rf/ramses_cc `5fa5458f`). A coroutine of `hass` itself (a
    reload of the entry) or of an object the setup does not keep is not:
    ```python
    async def async_setup_entry(hass, entry):
        async def _delayed_discovery():
            await asyncio.sleep(30)
            await discover(hass, entry)

        hass.async_create_task(_delayed_discovery())   # reported: fires after an unload
    ```
    So is an entity's timer on itself (`self.hass.async_create_task(self._clear_after(30))` in a
    method of an entity): the entity may be removed, or its entry unloaded, while it sleeps, and
    the timer then writes the state of a removed entity (ramses-rf/ramses_cc `5fa5458f`); keep
    it and cancel it in `async_will_remove_from_hass()`. Under 10 s, or kept, it is not.
    An entity's task made anew at each refresh of its coordinator (`self.hass.async_create_task(
    self._async_on_update())` in `_handle_coordinator_update()`, its coroutine awaiting something)
    and thrown away is reported under `--preview` only: nothing cancels one refresh's task when
    the next starts another, nor the last at the entity's removal, and it writes on after it
    (woopstar/hsem `0260cc3c`), but RULES.md names `hass.async_create_task` among the task-owning
    APIs never to flag, and on the labelled applications (`benchmarks/labels/heads70_a2.tsv`)
    both such findings were bounded one-shots (a file read, a location fetch) whose late state write Home
    Assistant ignores (session 81). One made on some refreshes only (a transition's one-shot) is
    not reported at all. A class of
    the integration whose own release of the whole object the unload reaches (`async_shutdown()`
    reached from `async_unload_entry`; not `stop_notify()`) ends at the unload whoever keeps it,
    as one the setup keeps; and a task a plain method of it returns (`def request(self, r): return
    self.hass.async_create_task(self.async_request(r))`) is thrown away where a call of that
    method in the integration throws its result away (krahabb/meross_lan `f398bd3b`).
    Home Assistant's own background task, `hass.async_create_background_task(coro, name)`, does
    not hold up the stop (the stop cancels it), but no unload cancels it either: thrown away by
    per-entry code (the setup, a method of an object the setup keeps) when its coroutine waits,
    a loop that never ends by itself or a timer of 10 s or more, it outlives the entry, one more
    after each reload. One-shot work (a daily purge in an executor job) ends by itself.
    ```python
    async def async_setup_entry(hass, entry):
        hass.async_create_background_task(_poll(hass), "poll")   # reported: `_poll` loops forever
        entry.async_create_background_task(hass, _poll(hass), "poll")   # not: cancelled at unload
    ```

    A project's keeper (a first-party function that makes a task of the coroutine it is given
    and holds it in a set until it is done) answers the garbage collector, not the object's end.
    A call to it is reported, dropped, when the coroutine is a method of `self` that never ends
    by itself: it loops until cancelled (`while True:` with no way out of its own), or it hands
    `self.<itself>(...)` to a creator again (a self-rescheduling poll), in a class whose release
    method (`finalize()`, `close()`, `stop()`, the configured shutdown names) can reach it neither
    by a flag the coroutine reads (`self._running = False`) nor through the keeper's registry:
    the task runs on against the ended object (qtile `dbd42c36`: a widget's poll still ran after
    a configuration reload finalized the widget). A call whose arguments turn the reschedule off
    (`self.do_tick(requeue=False)`), a task kept on `self`, and a class without a release are not:
    ```python
    from app.utils import create_task   # keeps its tasks in a module set until they end

    class Poll(Widget):                  # Widget.finalize() ends the widget
        def timer_setup(self):
            create_task(self.do_tick())                  # reported: reschedules itself

        async def do_tick(self, requeue=True):
            self.update(await self.poll())
            if requeue:
                await asyncio.sleep(self.update_interval)
                create_task(self.do_tick())              # reported
    ```

    A task made inside `asyncio.shield(...)` (`asyncio.shield(asyncio.create_task(coro))`, or
    `ensure_future` or a loop's `create_task` of a coroutine) is held by nothing once the
    shield's outer future is cancelled (its done callback was the task's last holder), and Python's documentation of `shield` says
    to keep a reference to it. Reported at the creation, whatever becomes of the outer future
    (dbos-inc/dbos-transact-py `3850b943`: a workflow task, collectable mid-run). Not a task named
    and kept before it is shielded, nor `shield(coro)` of a coroutine (`await
    asyncio.shield(self.close())`, a save that must finish), nor a shield awaited on the spot
    (`await asyncio.shield(asyncio.create_task(save()))`), nor a task of `asyncio.sleep(0)`:
    ```python
    handle = asyncio.shield(asyncio.create_task(coro))   # reported
    task = asyncio.create_task(coro)                     # not: kept until done
    self._tasks.add(task)
    task.add_done_callback(self._tasks.discard)
    handle = asyncio.shield(task)
    ```

    ## Why is this bad?
    The event loop keeps only a weak reference to tasks. A task nobody references can be
    garbage-collected mid-run ("Task was destroyed but it is pending!"), and nobody can cancel or
    await it at shutdown.

    ## Example
    ```python
    import asyncio

    spawn = asyncio.ensure_future

    async def start():
        asyncio.create_task(poll())
        asyncio.gather(refresh_prices(), refresh_orders())
        spawn(heartbeat())
    ```

    ## Use instead
    ```python
    import asyncio

    background_tasks = set()

    async def start():
        task = asyncio.create_task(poll())
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
    ```

    ## Fix safety
    In a method of a class with an async shutdown-like method, unsafe: the task is kept on the
    instance (`self._keep_task(...)`) and cancelled and awaited at the start of that method
    (never the task running it), so shutdown now stops the work. Elsewhere, safe: the project's
    own keeper (`task-keeper`) holds it, or, in a module that is a program of its own, a typed
    keeper written into it. None when the call may not give a task (a wrapper that returns None in
    some mode) and in a package without `task-keeper`.
    """

    code = "TRD301"
    triggers = trigger_words.TASK_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.task_config_words(config)
    name = "discarded-task"
    incident = "002"
    fix_availability = "sometimes"

    @staticmethod
    def message(label: str) -> str:
        return fit("task from `{label}(...)` is discarded; keep it and await or cancel it", label=label)

    HELP = "The event loop keeps only a weak reference, so the task can be garbage-collected mid-run"
    HASS_LOOP_HELP = "Home Assistant waits for its tasks at stop, and this one loops until it is cancelled"
    HASS_ENTITY_HELP = "The entity may be removed while it sleeps; the timer then acts on the removed entity"
    HASS_TIMER_HELP = "Home Assistant waits for its tasks at stop, and this timer sleeps first; nothing can cancel it"
    HASS_ENTRY_HELP = (
        "Unload cancels `entry.async_create_background_task(hass, ...)`; a `hass` task sleeps on and fires after it"
    )
    HASS_ENTRY_OBJECT_HELP = (
        "The setup keeps that object for the entry only; a `hass` task lives until Home Assistant stops, "
        "and the unload neither waits for nor cancels it"
    )
    HASS_REFRESH_HELP = (
        "Nothing cancels the task of one refresh when the next starts another, nor the last one at the entity's "
        "removal; it writes on after it"
    )
    PERPETUAL_HELP = "The keeper holds the task until it ends, and it never does: it runs on after the object's end"
    FACTORY_HELP = "No caller keeps the task: nothing can cancel it at its owner's end, and it can be collected mid-run"
    SHIELD_HELP = (
        "Once the shield's outer future is cancelled, only the event loop's weak set holds the task inside, "
        "so it can be collected mid-run"
    )
    WEAK_HELP = "a weak container, like the event loop, lets the task be garbage-collected mid-run"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        yield from self._perpetual_spawns(ctx)
        yield from self._shielded(ctx)
        for site in task_analysis(ctx).sites:
            if site.problem == "discarded":
                fix, reason = keep_task_fix_and_reason(ctx, site.call) if site.fixable else (None, "")
                yield Report(site.node, self.message(site.label), fix, no_fix_help(reason) if reason else self.HELP)
            elif site.problem == "helper":
                assert site.function is not None
                yield Report(
                    site.node,
                    fit("task `{name}` from `{label}(...)` is left to callers told to drop it; keep it in "
                        "`{function}()`", name=site.name, label=site.label, function=site.function.name),
                    None,
                    fit_help("`{function}()` only gives it a done callback and returns it; a dropped task is "
                             "collected mid-run", function=site.function.name),
                )
            elif site.problem == "factory_dropped":
                yield Report(
                    site.node,
                    fit("task from `{label}(...)` is returned by `{name}()`, and every call of it drops the task; keep it "
                        "in `{name}()` or in a caller", label=site.label, name=site.name),
                    None,
                    self.FACTORY_HELP,
                )
            elif site.problem == "hass_waits":
                yield Report(
                    site.node,
                    fit("task from `{label}(...)` delays Home Assistant's stop; make it a background task",
                        label=site.label),
                    None,
                    self.HASS_LOOP_HELP if site.name == "loop" else self.HASS_TIMER_HELP,
                )
            elif site.problem == "hass_outlives_entry":
                yield Report(
                    site.node,
                    fit("{kind} task from `{label}(...)` outlives the config entry; make it the entry's background "
                        "task", kind="looping" if site.name == "loop" else "timer", label=site.label),
                    None,
                    self.HASS_ENTRY_HELP,
                )
            elif site.problem == "hass_entry_object":
                if not ctx.config.preview and not _background(site.call):
                    continue  # (a one-shot tracked task: preview, see the docstring)
                yield Report(
                    site.node,
                    fit("task from `{label}(...)` runs a method of `{name}` past the config entry's unload; make it "
                        "the entry's background task", label=site.label, name=site.name),
                    None,
                    self.HASS_ENTRY_OBJECT_HELP,
                )
            elif site.problem == "hass_outlives_entity":
                yield Report(
                    site.node,
                    fit("timer task from `{label}(...)` outlives the entity; keep it and cancel it in "
                        "`async_will_remove_from_hass()`", label=site.label),
                    None,
                    self.HASS_ENTITY_HELP,
                )
            elif site.problem == "hass_refresh_outlives_entity":
                if not ctx.config.preview:
                    continue  # (a task Home Assistant tracks, made by a refresh: preview, see the docstring)
                yield Report(
                    site.node,
                    fit("task from `{label}(...)` is made at each coordinator refresh and outlives the entity; keep it, "
                        "cancel the previous one and cancel it in `async_will_remove_from_hass()`", label=site.label),
                    None,
                    self.HASS_REFRESH_HELP,
                )
            elif site.problem == "weak":
                fix, reason = keep_task_fix_and_reason(ctx, site.call)
                yield Report(
                    site.node,
                    fit("task from `{label}(...)` is kept only in weak `{weak}`; keep a strong reference",
                        label=site.label, weak=site.name),
                    fix,
                    no_fix_help(reason) if reason else self.WEAK_HELP,
                )

    def _shielded(self, ctx: FileContext) -> Iterator[Report]:
        """A task made inside ``asyncio.shield(...)``, held by nothing else (``shielded_creations``)."""
        analysis = None
        for shield, inner in shielded_creations(ctx.module):
            analysis = analysis or task_analysis(ctx)
            label = analysis.creator_label(inner)
            if label is None or label.endswith("gather"):
                continue
            yield Report(
                inner,
                fit("task from `{label}(...)` is held only by `asyncio.shield(...)`; keep a reference to it",
                    label=label),
                None,
                self.SHIELD_HELP,
            )

    def _perpetual_spawns(self, ctx: FileContext) -> Iterator[Report]:
        """A never-ending coroutine of ``self`` dropped into the project's keeper, in a class whose
        release does not end it (``perpetual_spawns``)."""
        module = ctx.module
        analysis = None
        for call in module.index.calls:
            args = call.args
            if not (args and isinstance(args[0], ast.Call) and args[0].func.__class__ is ast.Attribute):
                continue
            if call.func.__class__ is not ast.Name and call.func.__class__ is not ast.Attribute:
                continue
            if module.parent(call).__class__ is not ast.Expr:
                continue
            found = perpetual_spawn(module, call, ctx.config.shutdown_methods)
            if found is None:
                continue
            analysis = analysis or task_analysis(ctx)
            if analysis.creator_label(call) is not None:
                continue  # a dangling creation: reported as discarded
            yield Report(
                call,
                fit(
                    ("task of `self.{method}()` loops until cancelled; keep it on `self` and cancel it in `{release}()`"
                     if found.how == "loop" else
                     "task of `self.{method}()` reschedules itself; keep it on `self` and cancel it in `{release}()`"),
                    method=found.method, release=found.release,
                ),
                None,
                self.PERPETUAL_HELP,
            )


def _background(call: ast.Call) -> bool:
    """``hass.async_create_background_task(...)``: Home Assistant's background task, judged only
    when its coroutine waits (a loop, a timer), in the default rules."""
    return isinstance(call.func, ast.Attribute) and call.func.attr == BACKGROUND_CREATOR
