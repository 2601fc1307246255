from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.fix_plan import EditSpec, FixSpec
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.facts.uses import self_name
from tradelint.models.tasks.lost_handles import lost_handle_sites
from tradelint.models.tasks.replaced import cancel_old_code, made_in_init, replaced_sites
from tradelint.models.tasks.task_model import task_analysis


class TaskReplacedWhileRunning(Rule):
    """## What it does
    Flags a task stored over one that still runs: `self._reader = create_task(self._read())`
    or `self._pollers[symbol] = create_task(self._poll(symbol))` in a method that the class
    runs again while the object lives (inside a loop, or from two places such as `start()` and
    `reconnect()`; for a keyed store, inside a `while` loop or from two places; or a discord
    client's or cog's `on_ready`, `on_connect` or `on_resumed`, which discord.py and its forks
    send again after a reconnect: "not guaranteed to only be called once"), when the task
    runs a method of the class that loops until it is cancelled (`while True`, `while
    self._running`, an `async for` over a stream; not a loop that waits for a condition, `while
    not self.ready`). Not when the storing method or its caller looks at the old task first (`if
    self._reader is None`, `getattr(self, "_reader", None)`, `key in self._pollers`,
    `.pop(key)`, an early `return`, a call of the method that cancels it), nor when the store
    runs only under an `if` (state decides whether it happens again), nor when the looping task
    itself reaches the storing method (its own reconnect replaces a task that is ending) and no
    other task of the class does (a heartbeat task's reconnect replaces the reader while the
    reader still runs). A loop whose only way out is an `except` handler (`except
    ConnectionClosed: break`) loops until it is cancelled or fails. A task stored on `self`
    that nothing ends at all is TRD303's.

    ```python
    class Poller(commands.Cog):
        @commands.Cog.listener()
        async def on_ready(self):
            self.task = asyncio.create_task(self.poll())   # reported: a second poller after a reconnect
    ```

    The loop may be another object's: a method of the first-party class that an attribute of
    `self` holds (typed by what the class stores in it: `self.api = api` of a parameter annotated
    `Api`), looping itself or in a method of its class that it awaits. A Home Assistant
    `DataUpdateCoordinator`'s `_async_update_data()`, which Home Assistant calls at every update
    interval, runs again what it reaches through awaited calls of its class. An `if` on a
    parameter with a true default that every call from another method of the class leaves true
    (`if retry:`; the call `self._update(False)` that passes it false never stores) is decided by
    the caller, not by state; nor does a `return` or `raise` in the `try` whose `except` makes the
    store guard it: that is the path that succeeds, or the error that leads to the store
    (gndean/home-assistant-hypervolt-charger `31ac39ea`: each failed update started two more
    websocket loops beside the running ones).
    ```python
    class Coordinator(DataUpdateCoordinator[State]):
        def __init__(self, hass, api: Api) -> None:
            super().__init__(hass, LOGGER, name=DOMAIN, update_interval=INTERVAL)
            self.api = api
            self.push_task = None

        async def _async_update_data(self):
            return await self._update()

        async def _update(self, retry=True):
            try:
                return await self.api.fetch()
            except Exception:
                if retry:
                    self.push_task = asyncio.create_task(self.api.listen())   # reported
                    return await self._update(False)
                raise
    ```

    The task need not loop when the class cancels the slot elsewhere (`self._reply.cancel()` on
    an interruption or at shutdown): that cancel says the task may still run when the class wants
    it stopped. Reported when a repeating loop runs the store again (a `while` or `async for` of
    another method that calls the storing method at each turn, or a `for` around the store) and
    nothing on that loop's path reads the slot, or when the storing method is the handler the
    class gives to several objects in a loop. Not when the store is guarded by the old task,
    follows its cancel, is awaited by the storing method, or sits under a flag that the storing
    method or the task sets (`if self._busy: return`), nor in a retry loop left once it succeeds
    or a loop that sleeps between stores (a fixed period gives the old task time to end)
    (bolna-ai/bolna `2a4a2a01`: a second answer task beside the first after each transcript).
    ```python
    class Agent:
        async def _on_transcript(self, text):
            self._reply = asyncio.create_task(self._answer(text))   # reported

        async def interrupt(self):
            if self._reply is not None:
                self._reply.cancel()

        async def listen(self):
            while True:
                message = await self._queue.get()
                if message == "interrupt":
                    await self.interrupt()
                else:
                    await self._on_transcript(message)
    ```

    ## Why is this bad?
    The old task keeps running beside the new one: after each reconnect one more reader reads
    the same socket and one more poller polls the same feed, every message is handled twice,
    and the class's shutdown ends only the last one. The others run until the loop closes and
    are destroyed while pending.

    ## Example
    ```python
    import asyncio

    class Feed:
        def __init__(self):
            self._reader = None

        async def _read(self):
            while True:
                await asyncio.sleep(1)

        async def _connect(self):
            self._reader = asyncio.create_task(self._read())

        async def run(self):
            while True:
                await self._connect()
                await asyncio.sleep(30)

        async def close(self):
            if self._reader is not None:
                self._reader.cancel()
    ```

    ## Use instead
    ```python
    import asyncio

    class Feed:
        def __init__(self):
            self._reader = None

        async def _read(self):
            while True:
                await asyncio.sleep(1)

        async def _connect(self):
            if self._reader is not None:
                self._reader.cancel()
            self._reader = asyncio.create_task(self._read())

        async def run(self):
            while True:
                await self._connect()
                await asyncio.sleep(30)

        async def close(self):
            if self._reader is not None:
                self._reader.cancel()
    ```

    ## Fix safety
    Unsafe: the fix cancels the old task just before the new one is stored, which stops work
    the old task may have been doing at that moment (it loops until cancelled, so only its
    current turn is lost). For a keyed store the fix is offered only when `__init__` makes the
    collection an empty dict and the key can be read twice without side effects, and never
    where the old task itself can run the store (its own reconnect, beside another task's):
    the cancel would stop the task doing the reconnect. An attribute `__init__` does not set is
    read into a local the fix then cancels, `if (reader := getattr(self, "_reader", None)) is
    not None: reader.cancel()`, which a type checker narrows (`_reader: Task[None] | None`).
    """

    code = "TRD305"
    triggers = trigger_words.TASK_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.task_config_words(config)
    name = "task-replaced-while-running"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        analysis = task_analysis(ctx)
        module = ctx.module
        # A task that nothing ends at all is TRD303's, whose fix cancels the old one too.
        never_ended = {(s.cls, s.name) for s in analysis.sites if s.problem in ("self", "self_elements")}
        is_task = lambda call: analysis.creator_label(call, module) is not None  # noqa: E731
        reported: set[int] = set()
        for site in replaced_sites(module, is_task):
            reported.add(id(site.statement))
            if (site.cls, site.name) in never_ended:
                continue
            receiver = self_name(site.function)
            assert receiver is not None
            code = None
            if not site.inside_old:  # else the cancel may hit the task running the store
                code = cancel_old_code(receiver, site.name, site.key, made_in_init(site.cls, site.name),
                                       (module, site.function, site.cls, site.statement.col_offset))
            fix = None
            if code is not None:
                fix = FixSpec("Cancel the old task before storing the new one", "unsafe",
                              (EditSpec("insert_before", site.statement, (("code", code),)),))
            slot = f"self.{site.name}[...]" if site.key is not None else f"self.{site.name}"
            yield Report(
                site.statement,
                fit("`{slot}` is stored over a task that still runs; cancel the old one first", slot=slot),
                fix,
                fit_help("it runs `{loop}()`, which loops until cancelled; {again}", loop=site.loop, again=site.again),
            )
        for lost in lost_handle_sites(module, is_task):
            if id(lost.statement) in reported or (lost.cls, lost.name) in never_ended:
                continue
            yield Report(
                lost.statement,
                fit(
                    "`self.{name}` is stored over a task that may still run; `{ender}()` cancels only the new one",
                    name=lost.name, ender=lost.ender,
                ),
                None,
                fit_help("{again}; cancel the old task (or skip the store while it runs) first", again=lost.again),
            )
