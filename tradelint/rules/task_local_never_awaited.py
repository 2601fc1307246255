from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import Text, fit
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.tasks.fixes import keep_task_fix_and_reason, no_fix_help
from tradelint.models.tasks.task_model import task_analysis


class TaskLocalNeverAwaited(Rule):
    """## What it does
    Flags a task kept in a local variable, or in a local set or list, that is never awaited,
    cancelled, passed on, stored or returned; also a task added to a module-level list, set or
    dict (`_TASKS.append(create_task(...))`) that no code of the module ever reaches to cancel,
    await or hand on. A local whose function then blocks in `loop.run_forever()` or
    `loop.run_until_complete()` lives as long as the loop runs, and one the function asserts done
    (`assert task.done()`, `self.assertTrue(task.done())`) ended within the frame: neither is flagged.
    A log call keeps nothing: `logger.info("started %s", task)` (the standard library's loggers,
    `print`) is no hand-off, and counting a local list of tasks (`len(tasks)`, `if tasks:`) hands
    none of them on, whether the list was filled by `append` or built by a comprehension, nor does
    a walk over it that only looks at each (`for t in tasks: print(t.get_name(), t.done())`; one
    that awaits, cancels or hands on each ends them); its bound `cancel` handed on is one (`return t.cancel` as a framework
    callback's cleanup, `self._cleanups.append(t.cancel)`: the method holds the task, and whoever
    holds it ends it), but not one put in a plain local. Nor is a task flagged that runs a method
    of the class whose every loop tests a flag on `self` (`while self.running:`, or `while True:`
    opening its turn with `if not self.running: return`) with a bounded
    wait at each turn (a sleep, a `wait_for` with a timeout), when an end method of the class
    (`stop()`, or a method it calls) sets the flag to end the loop: the owner's end stops it
    within one wait (not a turn that may wait without bound, `await queue.get()`, a `recv()`).
    A local the function only ever cancels (beside looking at it) is
    flagged when some normal path returns with it still running: a WebSocket handler that
    cancels its pipeline task on barge-in but not when the socket closes. A cancel in the
    `finally` of a closure the function starts as a task (`async def watch(): ... finally:
    side.cancel()`, then `create_task(watch())`) is on every path: that task holds it and ends
    it (one only defined, or whose cancel is outside its `finally`, is not). A cancel guarded by a
    test of the task (`if t is not None and not t.done(): t.cancel()`, or of its name being bound:
    `if 't' in locals():` in a `finally`, true from the task's creation on) covers the other branch,
    and so does a cancel under a test of something else too (it lets the task finish there), but
    not an `await` so tested (`if t and reason != SHUTDOWN: await t` leaves it unjoined);
    what an `except` does after an error is not followed. So is one the function awaits on some
    paths and leaves on another: a response waiter started before the request and awaited only
    if a request was sent (`if self.send_connect(): await waiter`). An `await` on a waiter the
    expression makes and nothing else can reach (`await asyncio.Event().wait()`, `await
    asyncio.Future()`, `await loop.create_future()`) completes only by its cancellation: no
    normal path goes on after it, and its way out runs the handlers of the cancellation
    (`except asyncio.CancelledError`, `except BaseException`, bare) and the `finally` blocks
    around it, then goes on as they do. A task cancelled on that way out, with no other `await`
    between its creation and the wait (one that may raise leaves by an error the handler of the
    cancellation does not see), is cancelled on every path and is not flagged:
    ```python
    async def run_bot(app, bus):
        listener = asyncio.create_task(bus.listen(app))
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            listener.cancel()
            raise
    ```
    A handler that catches only `Exception` (the cancellation passes it), one that swallows the
    cancellation and then returns with the task running, a shared event someone may set
    (`await self._stop.wait()`), a return before the wait, or an `await conn.handshake()` before
    it, is still flagged. A local task that loops until
    cancelled (a heartbeat's `while True`), which the function cancels (and may await) on every
    normal path, is flagged when an `await` between its creation and its cancel may raise with no
    `finally` (nor handler) of an enclosing `try` cancelling it: a websocket loop's heartbeat
    cancelled after the loop, left running by every disconnect that makes `receive_str()` raise,
    where the program goes on after the error (not a test, not a script's `main()`):
    ```python
    async def listen(self, ws, handler):
        beat = asyncio.create_task(self._heartbeat(ws))   # flagged
        while self.alive:
            await handler(await ws.receive_str())
        beat.cancel()
    ```
    The same with the loop in `try:` and `beat.cancel()` in its `finally:` is not flagged; a
    handler cancelling it counts only if it catches errors: `except asyncio.CancelledError:
    beat.cancel(); raise` ends it on a cancellation, and a disconnect goes past it with the
    heartbeat running (still flagged). A task that an unloadable Home
    Assistant integration's `async_setup_entry` keeps in `hass.data` or on the entry is reported
    when nothing the unload reaches mentions `cancel`; also as a part of what it keeps there (a
    value of a dict display, `{"poller": create_task(poll())}`, or a field of a first-party
    record, `entry.runtime_data = RuntimeData(create_task(poll()))`), also when bound to a local
    first (`task = create_task(poll())`, then `entry.runtime_data = RuntimeData(client, task)`),
    and whatever made it: Home Assistant keeps a `hass.async_create_task(...)` or
    `hass.async_create_background_task(...)` alive until it stops, not until the unload (a config
    entry's own `entry.async_create_background_task(hass, ...)` the unload cancels). A local task the setup (or
    a helper it awaits) keeps there and then raises after (`raise ConfigEntryNotReady`) with no
    `cancel()` of it on the way: a setup that fails is never unloaded, so the task runs on, one
    more each retry. Likewise a task a web
    application's startup handler (`app.on_startup.append(f)`, `@app.on_event("startup")`,
    `FastAPI(lifespan=f)` before its `yield`, and the startup hooks of the frameworks TRD201
    names) keeps on the application (`app["ticker"]`,
    `app.state.ticker`) when no code of the project reads that place other than to look at it
    (`.done()`): a shutdown handler that cancels or awaits it ends it, also one that reads it
    back with `getattr(app.state, "ticker", None)`. A local task the handler then stores there
    (`task = asyncio.create_task(poller()); app.state.poller = task`) is the place's, as it is
    when stored directly, when the handler does nothing else with the local than look at it or
    give it a done-callback.

    An async generator's `yield` is a way out that its consumer chooses: a `break` out of its
    `async for`, `aclose()`, a dropped stream throw `GeneratorExit` there, and only `finally`
    blocks (and handlers of `GeneratorExit`) run. A task the generator made and still holds at
    a `yield` (a local used after it, or a local list of tasks it waits on in the loop around
    it) is flagged when no `finally` around that `yield` names it (crawl4ai `9fb2aa8d`). A pytest
    fixture (pytest always resumes it after the test) and a context manager (`@asynccontextmanager`,
    whose `yield` is left early only by an error in its body; a lifespan's returns at shutdown)
    are not such generators, nor is one the module registers where its framework resumes it at
    the application's end (`app.cleanup_ctx.append(_heartbeat_ctx)`, also `extend`, `+=`; a bare
    generator given as `Starlette(lifespan=f)`): aiohttp runs it to its `yield` at startup and
    resumes it at cleanup, never throwing into it, so `heartbeat_task.cancel()` after the `yield`
    ends the task:
    ```python
    async def stream(urls, crawl):
        active = []
        for url in urls:
            active.append(asyncio.create_task(crawl(url)))    # flagged
        for next_done in asyncio.as_completed(active):
            yield await next_done
    ```
    `asyncio.gather(a, task)` raises the first error of any of its awaitables and cancels none
    of the others. A local task gathered with other work that the function cancels in a
    handler of some errors only (`except Tripwire: task.cancel(); raise`) is flagged: any other
    error leaves it running (openai-agents-python `5804bd03`), and so does each coroutine given
    to the same gather, which gather wraps in a task that nothing else holds or can cancel
    (reported at the coroutine). A `finally`, or a handler of every
    error (`except Exception`, `except BaseException`, bare), that names it ends it, and
    `return_exceptions=True` waits for every task. A task from a function defined inside the
    function that calls it (`def run_long(aw): return asyncio.create_task(aw)`) is judged as
    one from `create_task`: such a closure is a task wrapper like a module's own function. Its
    callers share one owner, the function around them: a task their locals leave running is
    reported once, where the closure makes it (gpt-researcher `e02d9c47`).

    A local collection made whole with its tasks (`tasks = [create_task(c()) for c in calls]`,
    or a display of creators) is judged as one filled by `append`: left at an async generator's
    `yield` with no `finally` naming it, or waited on (`asyncio.gather(*tasks)`,
    `asyncio.wait(tasks)`) in a `try` whose handler of some errors only cancels its tasks
    (`except asyncio.CancelledError: for t in tasks: t.cancel()`), where every other error (a
    task's own, re-raised by the gather or by awaiting it) leaves the rest running (pydantic-ai
    `d48c553a`). A `finally` or a handler of every error naming the collection, or
    `return_exceptions=True`, ends them; a display is reported once, at the assignment.
    ```python
    async def run_all(fetch, urls):
        tasks = [asyncio.create_task(fetch(u)) for u in urls]    # flagged
        try:
            return await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for t in tasks:
                t.cancel()
            raise
    ```

    ## Why is this bad?
    The reference dies with the function's frame, after which the task is as unowned as a
    discarded one: it may be garbage-collected mid-run and nothing will ever cancel it.

    ## Example
    ```python
    import asyncio

    async def refresh():
        task = asyncio.create_task(poll())
        task.add_done_callback(log_result)
    ```

    ## Use instead
    ```python
    import asyncio

    async def refresh():
        task = asyncio.create_task(poll())
        task.add_done_callback(log_result)
        await task
    ```

    A module's own task or registry (`global _task`, `_TASKS.append(...)`) that no code of the
    module ends is reported only under `--preview`: the module keeps it alive, and a maintainer
    who keeps such tasks in a module-level list to stop their collection (modal-client's
    shutdown hooks) has fixed the bug this rule is about; when they end is the module's choice.

    ## Fix safety
    In a method of a class with an async shutdown-like method, unsafe: the task is kept on the
    instance (`self._keep_task(...)`) and cancelled and awaited at the start of that method
    (never the task running it), so shutdown now stops the work. Elsewhere, safe: the project's
    own keeper (`task-keeper`) holds it, or, in a module that is a program of its own, a typed
    keeper written into it. None when the call may not give a task (a wrapper that returns None in
    some mode), in a package without `task-keeper`, and for a module-level registry (the cure is
    to end its tasks at shutdown, which the module must choose where).
    """

    code = "TRD302"
    triggers = trigger_words.TASK_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.task_config_words(config)
    # Default since issue 28: every TRD302 finding on 45 applications read, 2 of 2 true (locals
    # given only a done-callback); issue 14 counted 7 of 9 across libraries and applications
    # (uvicorn's and mitmproxy's deliberate). A module's registry stays preview (``check``).
    preview = False
    name = "task-local-never-awaited"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        for site in task_analysis(ctx).sites:
            if site.problem in MODULE_REGISTRIES and not ctx.config.preview:
                continue
            if site.problem in TEXTS:
                message, help = TEXTS[site.problem]
                # A module's own task or registry: ending it at shutdown is the module's choice.
                fix, reason = (
                    (None, "") if site.problem in ("global", "global_container", "local_some_paths", "local_awaited_some_paths", "local_error_paths", "integration", "startup", "setup_fails_after_keep", "generator_exit", "local_some_errors", "closure_local", "gather_coroutine", "collection_some_errors") else keep_task_fix_and_reason(ctx, site.call)
                )
                yield Report(
                    site.node,
                    fit(message, name=site.name, label=site.label, detail=site.detail),
                    fix,
                    no_fix_help(reason) if reason else help,
                )


# A module's own task or registry: kept alive by the module, ended where it chooses (preview).
MODULE_REGISTRIES = frozenset({"global", "global_container"})


# Per problem: message and help.
TEXTS = {
    "local": Text(
        "task `{name}` from `{label}(...)` is never awaited or kept; await or store it",
        "Once the function returns nothing references it: it can be garbage-collected mid-run",
    ),
    "local_some_paths": Text(
        "task `{name}` from `{label}(...)` is cancelled on some paths only; cancel it in a `finally`",
        "On the other paths the function returns with it running and unreferenced",
    ),
    "local_awaited_some_paths": Text(
        "task `{name}` from `{label}(...)` is awaited on some paths only; cancel it on the others",
        "On the other paths the function returns with it running and unreferenced",
    ),
    "local_error_paths": Text(
        "task `{name}` from `{label}(...)` runs on when an error comes before its `cancel()`; cancel it in a `finally`",
        "It loops until cancelled: each error here (a dropped connection) leaves one more running",
    ),
    "gather_coroutine": Text(
        "`{label}(...)` runs on when `{name}` fails: the gather's task of it is cancelled by nothing; make it a task and cancel it",
        "Only the gather holds the task it wraps this coroutine in, and a failing gather cancels none of its awaitables",
    ),
    "closure_local": Text(
        "task made here is left running by its caller's local `{name}` (`{label}(...)`); await or cancel it there",
        "The closure's callers keep its task only in a local: once the function returns, nothing ends it",
    ),
    "local_some_errors": Text(
        "task `{name}` from `{label}(...)` is cancelled only on `{detail}`; other errors from the gather leave it running",
        "`asyncio.gather` cancels none of its other awaitables when one fails: cancel the task in a `finally`",
    ),
    "collection_some_errors": Text(
        "tasks in `{name}` (from `{label}(...)`) are cancelled only on `{detail}`; any other error leaves them running",
        "A wait that raises one task's error ends none of the others: cancel them in a `finally`",
    ),
    "generator_exit": Text(
        "task from `{label}(...)` in `{name}` runs on when the consumer stops this generator at a `yield`; cancel it in a `finally`",
        "Closing an async generator (`break`, `aclose()`) throws `GeneratorExit` at the `yield`: only `finally` blocks run",
    ),
    "integration": Text(
        "task kept in `{name}` at setup is never cancelled at unload; cancel it in `async_unload_entry()`",
        "Nothing the entry's unload runs cancels it: each reload starts one more",
    ),
    "setup_fails_after_keep": Text(
        "task `{name}` from `{label}(...)` is kept at setup, then the setup raises; cancel it before raising",
        "Home Assistant unloads only an entry that set up: each failed setup, retried, leaves one running",
    ),
    "startup": Text(
        "task kept in `{name}` at startup is never cancelled at shutdown; cancel it in a shutdown handler",
        "No code of the project cancels it: it runs on after the application stops and is destroyed pending",
    ),
    "global": Text(
        "global task `{name}` from `{label}(...)` is never ended; cancel or await it on exit",
        "No code of the module awaits, cancels or hands it on",
    ),
    "global_container": Text(
        "tasks in global `{name}` (from `{label}(...)`) are never ended; cancel them at shutdown",
        "No code of the module reaches the collection to cancel, await or hand them on",
    ),
    "container": Text(
        "tasks in local `{name}` (from `{label}(...)`) are never awaited; gather or keep them",
        "The container dies with the frame, and the tasks can then be garbage-collected mid-run",
    ),
}
