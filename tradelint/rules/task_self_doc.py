"""The documentation of TRD303 (``tradelint rule TRD303``, docs/rules.md): the shapes of a task
kept on ``self`` that nothing ends, each with an example. Kept apart from the rule's code
(:mod:`tradelint.rules.task_on_self_never_awaited`), which sets it as the rule class's docstring."""

DOC = """## What it does
    Flags a task stored on `self` when no method of the class (its first-party bases and
    subclasses in the same module included) ever cancels or awaits it: once per attribute, at its
    first creation, naming the class's own release method (`stop_monitoring()`, `close_all()`...).
    Giving the task to a call that keeps none of its arguments (`print`, `logging` itself or the
    module's own `logging.getLogger(...)`) neither ends it nor hands it on, as for a local:
    ```python
    class Poller:
        async def start(self):
            self._poller = asyncio.create_task(self._poll())   # flagged: `_poll()` loops
            logger.info("polling in %s", self._poller)          # only read

        async def stop(self):
            self._stopped = True
    ```
    A task made into a local and then stored on `self` is the attribute's, and judged as if it
    were stored directly, when the method does nothing else with the local than look at it (an
    `await task`, a `cancel()`, a `return task` or a hand-on decide it where it is; a done
    callback given to the local may drop the attribute once the task is done, and leaves it as
    it was judged before):
    ```python
    class Feed:
        async def start(self):
            task = asyncio.create_task(self._run())   # `_run()` loops
            self._task = task                         # flagged: `close()` never ends it

        async def close(self):
            await self._session.close()
    ```
    Nor does a loop over a collection of tasks that only looks at each one (a test, `done()`,
    `get_name()`, a logger, an f-string), directly or through `values()`/`items()`, nor a
    comprehension that does (a status map): it reaches the tasks and ends none.
    ```python
    class Workers:
        async def start(self):
            self._workers.append(asyncio.create_task(self._work()))   # flagged: `_work()` loops

        def is_busy(self):
            return any(not t.done() for t in self._workers)            # only looks

        async def stop(self):
            for worker in self._workers:
                logger.info("%s done: %s", worker.get_name(), worker.done())
    ```
    Tasks kept as elements of a collection on `self` (`self._tasks.append(create_task(...))`,
    `self._jobs[key] = ...`, or in a map of maps, `self._streams[conn][stream] = ...`, whose
    inner maps are the outer's elements: vmagamedov/grpclib `9ffb2d05`) are flagged when no method
    reaches the elements to cancel or await them (`for t in self._tasks: t.cancel()`,
    `gather(*self._tasks)`; for a map of maps, any method reaching the inner maps), other than to
    make way for the next task at the same key (`self._jobs[key].cancel()`, or the task got or
    popped at `key` and cancelled, followed on the same path by `self._jobs[key] = ...`: it ends
    the task it replaces, never the last one; fdebrus/Nikobus-HA `e847601a`); a set each task leaves
    when done (`task.add_done_callback(self._tasks.discard)`, asyncio's way to keep background
    tasks alive) drops only finished tasks, so in an object with an end of its own (`stop()`,
    `close()`, a cog's unload; `stop_polling()` only if it ends something the object holds, not
    MaiBot's `cleanup_invalid_descriptions_in_db()`, which deletes rows) tasks running one of its methods that loops until cancelled
    (`while True`, `while self._running` with no `break` or `return` of its own, `async for`,
    also in a method of the class it calls) still need that; one-shot work kept so until it is
    done does not. In an object with no end of its own, such a loop never leaves the set, and
    neither does work that waits on a timer (`await asyncio.sleep(delay)`: a retry's backoff, a
    delayed action) until the timer fires: nothing can end either, and both are flagged where the
    task is made, to be ended in a shutdown method (LuthienResearch/luthien-proxy `60b68dd4`:
    webhook deliveries retried with backoff outlived the gateway's shutdown). A task that leaves the collection by itself is judged alike: its
    own coroutine removes its entry at its end (`del self._jobs[key]` in its `else` and `except`,
    `self._jobs.pop(key, None)` in a `finally`), or a done callback given to it does (`lambda t:
    self._finished(key, t)`, where `_finished` pops the key); in an object with an end of its own
    one that sleeps first (a debounced reload, still waiting at that end) must still be ended. So is a coalesced one-shot task on
    `self`, started only once the one it holds is done (`if self._save is not None and not
    self._save.done(): return`, also after counting the call it coalesces: `self.busy += 1;
    return`), running a method of the class that neither loops nor sleeps:
    it marks the run in flight and ends by itself, and cancelling it would drop its work (a
    save's write); a debounce that sleeps first, or a task replaced while it runs, is still judged. A done callback that clears the attribute (`self.t.add_done_callback(
    self._on_done)`, where `_on_done` sets `self.t = None`) is judged alike: it drops the task once
    done, and in such a class the end must still end a task that loops until cancelled. Dropping the attribute (`self._task = None`) after an `await`
    ends the task only where that await joins it by other means (a stop that sets an event and
    waits for the worker to signal its end, `await self._closed.wait()`, or a queue's `join()`),
    or where the dropping method is the task's own coroutine (a debounced save that clears its
    reference when done, also through a method of the class it awaits after its pause: `await
    asyncio.sleep(window)`, then `await self._reset()`, which sets the attribute to `None`); a set-up that awaits a client's creation and then sets the task
    attribute to `None` ends nothing (philips-airpurifier-coap `87119d02`). A discord.py background
    loop (a `@tasks.loop` method) started with `self.poll.start()` is flagged when no method
    cancels or stops it: it runs on after its cog is unloaded, and a reload starts a second one. So
    is an instance of a *task owner* (a first-party class that keeps the tasks it creates in a
    collection on itself and has a public method that cancels them all, `cancel_all()`; or a
    class of the `task-owner-classes` table, which starts with python-discord's `Scheduler`)
    stored on `self` when no method of the class calls that method. Reading the task's outcome
    (`self.task.exception()`, `.result()`) in the method the class gives to
    `self.task.add_done_callback(...)` ends nothing: that callback runs once the task is done
    (wazuh/wazuh `87d9ae97`). A task running the object's own release (`create_task(
    self.cleanup())`) is the teardown itself and not reported, unless that method loops until
    cancelled (`self._periodical_cleanup()`, a `while True` sweep): a periodic job never
    finishes by itself (python-discord/bot-core `805c6043`); so is a display of such tasks the
    end makes (`self._closing = [ensure_future(self.kernel.shutdown()),
    ensure_future(self.manager.close())]` in `on_close()`). Nor is a task that runs a method of
    the class whose every loop tests a flag on `self` (`while not self.stopping:`) with a
    bounded wait at each turn (a sleep, a `wait_for` with a timeout), when an end method of the
    class (`stop()`, or a method it calls) sets the flag to end the loop: the end stops it within
    one wait, as a cancel would; a turn that may wait without bound (`await queue.get()`, a
    `recv()`) reads the flag only when something arrives, and is still reported. A `while True:`
    opening its turn with a guard that leaves it (`if not self._connected: return`) tests the flag
    alike; tasks kept in a collection of the class end by it too, unless a turn awaits what the
    method was given (`await watch()`). A cancel in `__del__` ends no task that runs a coroutine given the object itself
    (`self._run()`, `worker(self)`): the loop holds the task, the task its coroutine and the
    coroutine the object, so `__del__` cannot run while the task does, and the finding says so
    ("is cancelled only in `__del__()`"); a task of `pump(self._queue)` does not hold the object,
    and its `__del__` cancel ends it. A cancel that only restarts
    the task (`self.t.cancel()` followed, on the same path of the same method, by `self.t =
    create_task(...)`) ends the old task, not the last one: when the class's own `__init__` sets
    the attribute, or its body gives it a default (`_clear_task: Task = None`, XiaomiGateway3
    `9bbf7e92`), some other method must still end it. The same holds when the restart goes
    through the class's own methods: a cancel followed, whenever it runs, by a call of a method
    that (itself or through what it calls on `self`) starts a task into the same attribute
    (OctoBot-Trading `177c80aa`; a start only under a branch of its own, after a `return` that
    may leave first, or in a method the class does not define leaves the cancel an end):
    ```python
    class Updater:
        async def start(self):
            self.tasks = [asyncio.create_task(self._update(p)) for p in self.pairs]   # reported

        async def resume(self):
            for task in self.tasks:
                task.cancel()
            await self.start()          # starts them again: the cancel ends the old ones only

        async def stop(self):
            self.stopped = True
    ```
    In a discord cog, only what
    `cog_unload()` does (or a method it calls) ends them: a task that a command cancels or
    awaits still runs after the cog is unloaded, and so does one that only Red v2's
    name-mangled `__unload()` cancels (a class derived from `Cog` runs on discord.py 1.0 or
    later, which never calls it). In a Home Assistant integration that can be unloaded (it has
    `async_unload_entry`), a task of any class of the integration's package (a coordinator, an
    entity, or a plain class such as a game's round timer, whatever its module imports) counts
    as ended only by what the unload reaches: `async_unload_entry()`, callbacks given to
    `entry.async_on_unload(...)` or `self.async_on_remove(...)`, `async_will_remove_from_hass()`,
    `async_shutdown()`, and what those call (followed by name; a web view's `get()`/`post()` runs
    per request, never at unload); a `close()` that only a Home Assistant stop listener runs leaves the task running
    after every reload; the message then names the method that does end it ("is cancelled in
    `stop()`, but nothing the entry's unload runs calls it"). A callback the integration hands
    an object by reference (`ws.set_connection_callback(self._on_connection)`, or a constructor's
    `on_close=`), which the object keeps on an attribute, runs at unload where what the unload
    reaches calls that attribute (`self._connection_callback(False)` in the `disconnect()` it
    runs). A task a plain class (no Home Assistant base: an entity's or a coordinator's end is the
    framework's; a device library's base is none) ends in its own end (`stop()`, and what it calls
    on `self`) is not reported when no code of the project (tests aside) makes an instance of the
    class, or each is kept on an owner's `self` by a class whose own end calls that end and whose
    instances are as safe in turn (txxa/hass-ans's orchestrator, never used), or is the one a local
    holds in a function whose `finally` calls that end; else, or handed on as a value, not proven.
    There a task from `hass.async_create_task(...)` stored on `self` whose coroutine is shown to
    wait (a loop that never ends by itself, any `asyncio.sleep`: a timer of 0.3 s still acts on an
    entity removed meanwhile) is judged too (one that does not, a refresh or a command, or one
    that cannot be read, ends by itself, and RULES.md names `hass.async_create_task` a task
    owner), as is one
    from a config entry's `entry.async_create_background_task(hass, coro, name)` kept by an entity
    (the entry cancels it at unload, not when the entity alone is removed; kept by a coordinator
    or client, which ends with the entry, or stored on one at setup (`coordinator.sse_task =
    entry.async_create_background_task(hass, ...)`), it is ended there and no finding) (Home Assistant
    keeps it alive, but only the owner can end it; discarded, it is no finding), and no fix is
    offered. The watchdog below is reported, since only a stop listener
    cancels it (TTLucian/ha-electrolux `faae5cde`):
    ```python
    class Coordinator(DataUpdateCoordinator):
        def start(self):
            self._watchdog = self.hass.async_create_task(self._watch())

        async def close_websocket(self):   # run only on EVENT_HOMEASSISTANT_STOP
            self._watchdog.cancel()

    async def async_unload_entry(hass, entry):
        return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    ```
    A task kept on another object's attribute (`buffer.flush_task = create_task(...)`) belongs
    to that object: it is reported when the object's class is known (made in the function,
    `buffer = Buffer()`, or an annotated parameter, `def attach(job: Job)`) and neither the
    class (its methods and first-party bases) nor any code of the project ever does more than
    look at an attribute of that name (cancels, awaits, hands it on; `t = buffer.flush_task;
    t.cancel()` counts, and so does collecting it into a list that is handed on, `workers =
    [s.worker for s in self._sessions.values()]`). A connection whose own `close()` cancels the reader a caller stores on
    it is not reported; nor is an object whose class is not known. A task Home Assistant keeps
    (`hass.async_create_task(...)`) is judged the same way: `hass` holds it until it stops, not
    until the entry is unloaded, and the record is its only handle (`state.release_task =
    self._hass.async_create_task(self._wait_for_release(state))`, fdebrus/Nikobus-HA `e847601a`).
    ```python
    async def buffer_message(buffers, key, text):
        buffer = Buffer()
        buffers[key] = buffer
        buffer.flush_task = asyncio.create_task(flush(key))   # reported: nothing ends it
    ```
    A cancel that only makes way for the next task in the same place, later on the same path of
    the same function (`t = buffer.flush_task; t.cancel(); buffer.flush_task = create_task(...)`),
    ends the task it replaces, never the last one: it is not counted as an end.
    A task attribute that the unload cancels through the object that keeps it
    (`device._restart_task.cancel()` in `async_unload_entry`, ha-ld2410 `c0b13ef1`) is ended.
    In a Home Assistant integration, a task stored on an object the setup keeps for the entry
    (or one such an object keeps on itself) by code of another object, on its attribute or an
    element of it (`coord._restarts[sn] = task`, the local `task` otherwise only looked at,
    `coord` a typed attribute of the helper, `coord = self.coordinator`), lives until that
    object's end, which is what the unload runs: it is reported unless code the unload runs
    (itself or what it reaches) ends that attribute. A helper's cancel of the previous task, mid-life, does not
    (barneyonline/ha-enphase-ev-charger `9373dcb8`):
    ```python
    def schedule_restart(self, sn):
        coord = self.coordinator
        task = coord.hass.async_create_task(self._restart(sn))   # reported
        coord._restarts[sn] = task    # the coordinator's async_shutdown never cancels it
    ```
    So is one that any code of the project ends through an object proven to be an instance of
    the class (made by its constructor or annotated with it in that function, or an element of
    a collection on `self` into which the class puts only instances of it), in a function that
    runs when its own object ends: not a bot command or listener (FlameCogs `977fd293`):
    ```python
    class Monopoly(commands.Cog):
        async def start(self, ctx):
            game = MonopolyGame(ctx)         # keeps `self._task = create_task(self.run())`
            self.games.append(game)

        def cog_unload(self):                # ends every game's task: no finding
            return [game._task.cancel() for game in self.games]
    ```
    In a Home Assistant integration that can be unloaded, such an end through an instance
    counts only in a function the unload runs: a message handler's cancel (a reconnect that
    stops a pause timer) is mid-life, and the task runs on after the unload (mholzi/beatify
    `4783879d`).

    A first-party function that stores the task it makes on an object it is given, under a name
    it is given (`setattr(owner, task_attribute, task)`), called with the method's own `self`
    and a literal name, stores the task on `self`: `ensure_task(owner=self,
    task_attribute="_sub_task", coro_function=self._subscribe)` is judged as `self._sub_task =
    create_task(...)` (reflex-dev/reflex `c03ab4be`: the token manager's Redis subscriber tasks
    ran on after the app's lifespan); no fix is offered.
    A task from `hass.async_create_task(...)` that loops (`while True`) or is a timer of 10 s
    or more, kept on `self` and cancelled only where Home Assistant's *stop* never goes (the
    entity's removal, what the unload reaches, a restart before it is made again), is reported
    too: the stop removes no entity and unloads no entry, and waits for the task
    (ramses-rf/ramses_cc `ce8e12cb`). One that loops, made as the integration sets up (a coordinator's
    `_async_update_data()` or `_async_setup()`, an entity's `async_added_to_hass()`), holds up Home
    Assistant's startup whoever cancels it later (andlo/ha-meshcentral `89ad3035`, "Fix bootstrap
    timeout"): a background task is not waited for. Cancelled by a stop listener
    (`hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, ...)`, and what it reaches by name
    in the integration) or a coordinator's `async_shutdown()`, handed on to another owner, or
    cancelled by a `close()` whose caller is not known, it is not. What the stop reaches and
    re-arms the timer (cancels it, then stores a new task in its place: a motion sensor's
    `async_set_state()` that a gateway's stop calls on every entity) restarts it, and does not
    end it (AlexxIT/XiaomiGateway3 `9bbf7e92`):
    ```python
    class ParamNumber(NumberEntity):
        def request(self):
            if self._pending is not None:
                self._pending.cancel()
            self._pending = self.hass.async_create_task(self._clear_after(30))   # reported

        async def async_will_remove_from_hass(self):
            if self._pending is not None:
                self._pending.cancel()
    ```
    The same holds wherever the task is kept: on the other object whose method it runs
    (`entity._pending_timer = self.hass.async_create_task(cast(Any, entity)._clear_after(t))` in a
    service handler, ramses-rf/ramses_cc `ce8e12cb`), or in a collection of `self`, also through a
    local, with the coroutine the method's parameter, read at each call of the method in the class
    (mosandlt/Bosch-Smart-Home-Camera-Tool-HomeAssistant `34d52089`). Every end of the place must
    be one the stop never runs; a task handed on to anything else, or returned to a caller that
    keeps it, is not judged:
    ```python
    def _replace_renewal_task(self, cam_id, coro):
        task = self.hass.async_create_task(coro)   # reported: `_auto_renew` loops, only unload cancels
        self._renewal_tasks[cam_id] = task

    def start(self, cam_id):
        self._replace_renewal_task(cam_id, self._auto_renew(cam_id))
    ```
    A task that runs the
    object's own teardown (`self._closing = create_task(self.close())`), or the release of an
    object it holds (`self.task = create_task(self.worker.close())`, osparc-simcore
    `4ca23d07`), is not flagged: it ends by finishing, and cancelling it at shutdown would undo
    it.

    A task kept on `self` that some method awaits for its result (a getter, `return await
    self._device_manager_task`) is not ended by that await, which nothing may ever run: it is
    reported when the class's end of life leaves it running. That end is a method that ends,
    itself or through the methods it calls on `self`, every task the class ends anywhere, and
    starts none again (not a restart); the task no method ends runs on after it
    (allenporter/python-google-nest-sdm `3d617c61`, whose `stop_async()` cancels the watchdog
    task only).

    A task whose every cancel in the class is in a release method (`close()`, `stop()`) after
    that method awaits the release of another attribute (`await self._ws.close()`), with no `try`
    around that await and no `finally` around the cancel, is reported too: when the release
    raises (a broken connection, an attribute still `None`) or the closing task is cancelled
    while it waits, the cancel is skipped and the task runs on (Thomas55555/aioautomower
    `e838ffde`, lbbrhzn/ocpp `1ef35ba4`, both fixed by cancelling first or in a `finally`). Not
    when the method first sets a flag on `self` that every loop of the task's coroutine tests
    (`self.should_stop = True`, `while not self.should_stop:`): the task then ends by itself
    (an `async for` over a connection inside does not test it, and is still reported).
    ```python
    class Session:
        async def connect(self):
            self._poller = asyncio.create_task(self._poll())   # reported

        async def close(self):
            await self._ws.close()
            self._poller.cancel()
    ```

    A task the class cancels only mid-life is reported where it is stored when the class's end
    leaves it running. That end is a `finally` of a method that ends two or more of the tasks the
    class keeps on `self` (cancels them, awaits them, hands them to `gather` or a helper), for
    the tasks its `try` starts (stores there, or in the methods it calls on `self` or runs as
    tasks), or a public release method (`close()`, `stop()`, `__aexit__`...) that ends two or
    more of them and starts none. A task that some other method cancels (a barge-in handler that
    cancels the running reply) is in flight when the end comes, and runs on (bolna-ai/bolna
    `7de10a02`, whose `run()` cancels its synthesizer, transcriber and output tasks in a
    `finally`, but not the LLM task). The task may be made in a local first (`task =
    create_task(...)`, then `self.reply = task`), and tasks kept in a collection on `self`
    (`self.active[name] = create_task(...)`) that the class cancels one by one (`self.active.
    pop(name).cancel()`) are judged alike: the end must reach them all (`for t in
    self.active.values(): t.cancel()`, `gather(*self.active.values())`). Not when a public
    release ends it too, nor when the `finally` (or handler of the cancellation) of a task the
    end cancels ends it, nor a task that other methods only await (one-shot work waited for):
    ```python
    class Call:
        async def run(self):
            try:
                self.reader = asyncio.create_task(self._read())   # reaches `_on_text()`
                self.writer = asyncio.create_task(self._write())
                await self.ws.closed()
            finally:
                self.reader.cancel()
                self.writer.cancel()

        async def _on_text(self, text):
            if text == BARGE_IN:
                self.reply.cancel()
            else:
                self.reply = asyncio.create_task(self._reply(text))   # reported
    ```

    `async with` runs `__aexit__` only once `__aenter__` has returned. A task that `__aenter__`
    starts and keeps on `self` (itself, through the methods it calls on `self`, or on an
    attribute's attribute, `self._state.session_task`), which what `__aexit__` runs ends, is
    reported where it is started when an `await` after its start may raise or be cancelled, or
    a `raise` follows, with no `try` around them whose `finally` or handler of the cancellation
    (bare, `BaseException`, `CancelledError`) ends it: a connect cancelled while it waits for
    the session to be ready leaves the session runner running (jlowin/fastmcp `d26b04f8`). Not
    a `raise` under a test of the task (`if self.t.done(): raise ...`), an `await` of the task
    itself, an `__aenter__` with a `try` of its own, nor a test or a script's `main()`:
    ```python
    class Client:
        async def __aenter__(self):
            self.runner = asyncio.create_task(self._run())   # reported
            await self.ready.wait()
            return self

        async def __aexit__(self, *exc):
            self.runner.cancel()
    ```

    A plain class (its bases all first-party) with a release method of its own (`close()`,
    `stop()`, `shutdown()`, taking nothing that picks what it ends: not `close_session(sid)`)
    ends its life there. Tasks it keeps in a collection on `self`
    (also a dataclass field made with `default_factory`) and ends only in part elsewhere are
    reported when nothing that release reaches ends them: one at a time, each picked by its key
    (`self.active.pop(key).cancel()` in a command; exo-explore/exo `10930802`: downloads ran on
    after the coordinator shut down), or only in an `except` handler (`except CancelledError:
    for t in self.loops: t.cancel()`, which a normal return never runs; bachya/ecowitt2mqtt
    `b3eabfa9`). Not when the release calls the method that ends them, when a loop over the
    collection picks them all (`while self.active: self.active.popitem()[1].cancel()`), when
    the handler only keeps the collection in step (`task.add_done_callback(self._tasks.discard)`:
    the set-plus-discard pattern is judged as before), nor in a class without a release or with
    a base that is no first-party class (a framework may call that method at its end); tasks
    that a release ending the class's other tasks leaves behind keep their mid-life finding:
    ```python
    @dataclass
    class Coordinator:
        active: dict[str, asyncio.Task[None]] = field(default_factory=dict)

        def start(self, key, fetch):
            self.active[key] = asyncio.create_task(fetch(key))   # reported

        def cancel(self, key):
            self.active.pop(key).cancel()

        def shutdown(self):
            self.stopped = True
    ```

    A task Home Assistant keeps (`self._hass.async_create_task(...)`) stored in a collection on
    `self` (`self._refresh[key] = ...`, `.add(...)`, `.append(...)`) of an integration's class
    is judged as one stored on `self`: Home Assistant holds it until it stops, and only the
    collection can end it at the entry's unload (fdebrus/Nikobus-HA `e847601a`).

    A task made by a factory method (or a function of the module) that makes it of a coroutine
    it picks and returns it, kept on `self` by the factory's only call in the project, is
    reported at the factory's `return`, where the task is made (bachya/ecowitt2mqtt `b3eabfa9`);
    a factory called from two places keeps the finding where the task is first stored:
    ```python
    def _create_loop_task(self, queue):
        return asyncio.create_task(self._loop(queue))   # reported: `stop()` never ends it

    def on_payload(self, queue):
        self._loop_tasks.append(self._create_loop_task(queue))
    ```

    ## Why is this bad?
    The service's `shutdown()` returns while the task runs on; when the loop closes the task is
    destroyed while pending, and tests that start and stop the service leak it
    ("Task was destroyed but it is pending!").

    ## Example
    ```python
    import asyncio

    class ContextService:
        async def startup(self):
            self._backfill_task = asyncio.create_task(self._backfill())

        async def shutdown(self):
            pass
    ```

    ## Use instead
    ```python
    import asyncio
    import contextlib

    class ContextService:
        async def startup(self):
            self._backfill_task = asyncio.create_task(self._backfill())

        async def shutdown(self):
            if self._backfill_task:
                self._backfill_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._backfill_task
    ```

    ## Fix safety
    Unsafe: the fix adds `await self._end_tasks(self.x)` at the start of the class's
    shutdown-like method, so shutdown now stops the work instead of letting it run on. Only in a
    method proven to end the object's life (its `__aexit__` or a framework teardown reaches it,
    or every caller in the project drops the object after it); not in a `stop()` that
    `restart()` calls before starting again, nor in a `close()` that is a remote call: there is
    no fix, and the help says why. `_end_tasks` lets the task finish for `task-drain-seconds`,
    then cancels and awaits it, skipping the task running shutdown; a task that loops, stored
    again over a running one, has the old one cancelled first.
    A Home Assistant class's task gets no fix: where it must end (the unload, or the call of
    the method that cancels it from there) is the integration's choice.
    """
