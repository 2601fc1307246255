"""Session 38 (issue 28 point 6, tasks judged the way they die): tasks the owner's end leaves.

- **The owner's end leaves a task that is ended only mid-life (TRD303).** A class's ``run()``
  whose ``finally`` cancels the reader and writer tasks it started, while the reply task that
  the reader starts is cancelled only when the user barges in: when the call ends during a
  reply, the reply runs on (bolna-ai/bolna ``7de10a02``). Also a public release (``close()``)
  that ends two of the class's tasks while a third is cancelled only by ``pause()``. Not when
  the end names it too, a public release ends it, the coroutine of a task the end cancels ends
  it in its own ``finally``, the release is a restart, or the end ends a single task. Also a
  task made in a local and then stored, and tasks kept by key in a collection on ``self`` and
  cancelled one by one.
- **A task ``__aenter__`` starts, left when ``__aenter__`` fails after (TRD303).** ``async
  with`` runs ``__aexit__`` only once ``__aenter__`` returns: a connect cancelled while it waits
  for readiness leaves the runner it started (jlowin/fastmcp ``d26b04f8``). Not when the wait is
  in a ``try`` whose handler of the cancellation ends it, a ``raise`` once the task is done, or
  nothing can fail after the start.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.conftest import tree_findings


def _check(tmp_path: Path, files: dict[str, str], select: str = "TRD303") -> list[str]:
    return tree_findings(tmp_path, files, select)


CALL = """\
import asyncio


class Call:
    def __init__(self, ws):
        self.ws = ws
        self.reply_task = None

    async def run(self):
        try:
            self.reader_task = asyncio.create_task(self._read())
            self.writer_task = asyncio.create_task(self._write())
            await self.ws.closed()
        finally:
            self.reader_task.cancel()
            self.writer_task.cancel(){also}

    async def _read(self):
        async for text in self.ws:
            await self._on_text(text)

    async def _on_text(self, text):
        if text == "<barge-in>":
            await self._interrupt()
            return
        self.reply_task = asyncio.create_task(self._reply(text))

    async def _interrupt(self):
        if self.reply_task is not None:
            self.reply_task.cancel()
            self.reply_task = None

    async def _write(self):
        while True:
            await self.ws.flush()

    async def _reply(self, text):
        await self.ws.send(text.upper())
{more}"""

MID_LIFE = (
    "call.py:26:9 TRD303 `self.reply_task` is cancelled only mid-life, in `_interrupt()`; the `finally` of `run()`, "
    "which ends the other tasks of `Call`, leaves it running"
)


def test_finally_ending_the_other_tasks_leaves_the_reply(tmp_path: Path) -> None:
    assert _check(tmp_path, {"call.py": CALL.format(also="", more="")}) == [MID_LIFE]


def test_finally_that_ends_the_reply_too(tmp_path: Path) -> None:
    also = "\n            if self.reply_task is not None:\n                self.reply_task.cancel()"
    assert _check(tmp_path, {"call.py": CALL.format(also=also, more="")}) == []


def test_finally_that_calls_the_interrupt(tmp_path: Path) -> None:
    also = "\n            await self._interrupt()"
    assert _check(tmp_path, {"call.py": CALL.format(also=also, more="")}) == []


def test_public_release_ends_the_reply(tmp_path: Path) -> None:
    more = "\n    async def close(self):\n        await self._interrupt()\n"
    assert _check(tmp_path, {"call.py": CALL.format(also="", more=more)}) == []


def test_cancelled_readers_own_finally_ends_the_reply(tmp_path: Path) -> None:
    # Cancelling the reader runs its ``finally``, which ends the reply: the end reaches it.
    source = CALL.format(also="", more="").replace(
        "        async for text in self.ws:\n            await self._on_text(text)\n",
        "        try:\n            async for text in self.ws:\n                await self._on_text(text)\n"
        "        finally:\n            await self._interrupt()\n",
    )
    assert _check(tmp_path, {"call.py": source}) == []


def test_finally_ending_one_task_is_not_the_end(tmp_path: Path) -> None:
    # The writer is awaited in the body; the ``finally`` ends the reader only.
    source = CALL.format(also="", more="").replace("            self.writer_task.cancel()\n", "").replace(
        "            await self.ws.closed()\n", "            await self.writer_task\n"
    )
    assert _check(tmp_path, {"call.py": source}) == []


def test_reply_awaited_where_it_is_made(tmp_path: Path) -> None:
    source = CALL.format(also="", more="").replace(
        "        self.reply_task = asyncio.create_task(self._reply(text))\n",
        "        self.reply_task = asyncio.create_task(self._reply(text))\n        await self.reply_task\n",
    )
    assert _check(tmp_path, {"call.py": source}) == []


PUMP = """\
import asyncio


class Pump:
    async def start(self):
        self._reader = asyncio.create_task(self._read())
        self._writer = asyncio.create_task(self._write())
        self._poller = asyncio.create_task(self._poll())

    async def pause(self):
        self._poller.cancel()

    async def resume(self):
        self._poller = asyncio.create_task(self._poll())

    async def close(self):
{close}

    async def _read(self):
        while True:
            await asyncio.sleep(1)

    async def _write(self):
        while True:
            await asyncio.sleep(1)

    async def _poll(self):
        while True:
            await asyncio.sleep(1)
"""


def test_release_ending_the_other_tasks_leaves_the_paused_one(tmp_path: Path) -> None:
    close = "        self._reader.cancel()\n        self._writer.cancel()"
    assert _check(tmp_path, {"pump.py": PUMP.format(close=close)}) == [
        "pump.py:8:9 TRD303 `self._poller` is cancelled only mid-life, in `pause()`; `close()`, which ends the other "
        "tasks of `Pump`, leaves it running"
    ]


def test_release_that_ends_every_task(tmp_path: Path) -> None:
    close = "        for t in (self._reader, self._writer, self._poller):\n            t.cancel()"
    assert _check(tmp_path, {"pump.py": PUMP.format(close=close)}) == []


def test_release_that_restarts_is_not_the_end(tmp_path: Path) -> None:
    close = "        self._reader.cancel()\n        self._writer.cancel()\n        await self.start()"
    assert _check(tmp_path, {"pump.py": PUMP.format(close=close)}) == []


def test_private_cleanup_is_not_the_objects_end(tmp_path: Path) -> None:
    # The release that ends the other tasks must be public: ``_cleanup()`` may be mid-life too.
    source = PUMP.format(close="        pass").replace(
        "    async def pause(self):",
        "    async def _cleanup(self):\n        self._reader.cancel()\n        self._writer.cancel()\n\n"
        "    async def pause(self):",
    )
    assert _check(tmp_path, {"pump.py": source}) == []


def test_the_shape_misbehaves_at_run_time() -> None:
    """The finding's claim, run: the reply outlives ``run()`` when the call ends mid-reply, and
    ends with it once the ``finally`` names it too."""

    class Socket:
        def __init__(self) -> None:
            self.done = asyncio.Event()

        def __aiter__(self) -> Socket:
            self.sent = False
            return self

        async def __anext__(self) -> str:
            if self.sent:
                await asyncio.Event().wait()
            self.sent = True
            return "hello"

        async def closed(self) -> None:
            await asyncio.sleep(0.05)

        async def flush(self) -> None:
            await asyncio.sleep(0.01)

        async def send(self, text: str) -> None:
            await asyncio.sleep(10)

    namespace: dict[str, object] = {}
    for also, expect_running in (("", True), ("\n            self.reply_task.cancel()", False)):
        exec(compile(CALL.format(also=also, more=""), "call.py", "exec"), namespace)  # noqa: S102

        async def main() -> bool:
            call = namespace["Call"](Socket())  # type: ignore[operator]
            await call.run()
            await asyncio.sleep(0.01)
            running = not call.reply_task.done()
            call.reply_task.cancel()
            return bool(running)

        assert asyncio.run(main()) is expect_running


def test_task_made_in_a_local_then_stored(tmp_path: Path) -> None:
    source = CALL.format(also="", more="").replace(
        "        self.reply_task = asyncio.create_task(self._reply(text))\n",
        "        task = asyncio.create_task(self._reply(text))\n        self.reply_task = task\n",
    )
    assert _check(tmp_path, {"call.py": source}) == [MID_LIFE]


def test_local_cancel_through_an_alias_in_the_finally(tmp_path: Path) -> None:
    also = "\n            reply = self.reply_task\n            if reply is not None:\n                reply.cancel()"
    assert _check(tmp_path, {"call.py": CALL.format(also=also, more="")}) == []


JOBS = """\
import asyncio


class Downloads:
    def __init__(self):
        self.active = dict()

    async def run(self, commands):
        try:
            self.listener = asyncio.create_task(self._listen(commands))
            self.reporter = asyncio.create_task(self._report())
            await self.listener
        finally:
            self.listener.cancel()
            self.reporter.cancel(){also}

    async def _listen(self, commands):
        async for kind, name in commands:
            if kind == "start":
                self.active[name] = asyncio.create_task(self._download(name))
            elif name in self.active:
                self.active.pop(name).cancel()

    async def _report(self):
        while True:
            await asyncio.sleep(1)

    async def _download(self, name):
        await asyncio.sleep(60)
"""


def test_keyed_tasks_cancelled_one_by_one_are_left_by_the_finally(tmp_path: Path) -> None:
    assert _check(tmp_path, {"jobs.py": JOBS.format(also="")}) == [
        "jobs.py:20:17 TRD303 tasks in `self.active` are cancelled only mid-life, in `_listen()`; the `finally` of "
        "`run()`, which ends the other tasks of `Downloads`, leaves them running"
    ]


def test_finally_that_cancels_every_keyed_task(tmp_path: Path) -> None:
    also = "\n            for task in self.active.values():\n                task.cancel()"
    assert _check(tmp_path, {"jobs.py": JOBS.format(also=also)}) == []


def test_finally_that_gathers_every_keyed_task(tmp_path: Path) -> None:
    also = "\n            await asyncio.gather(*self.active.values(), return_exceptions=True)"
    assert _check(tmp_path, {"jobs.py": JOBS.format(also=also)}) == []


CLIENT = """\
import asyncio


class Client:
    def __init__(self, transport):
        self.transport = transport
        self.ready = asyncio.Event()
        self.runner = None

    async def __aenter__(self):
        await self._connect()
        return self

    async def __aexit__(self, *exc):
        self.runner.cancel()

    async def _connect(self):
        self.runner = asyncio.create_task(self._run())
{wait}

    async def _run(self):
        await self.transport.open()
        self.ready.set()
        while True:
            await self.transport.pump()
"""
WAIT = "        await self.ready.wait()"
ENTER_LEFT = (
    "client.py:18:9 TRD303 `self.runner` is left running when `__aenter__()` fails after starting it; "
    "`__aexit__()`, which ends it, never runs then"
)


def test_task_left_when_enter_is_cancelled_in_its_wait(tmp_path: Path) -> None:
    assert _check(tmp_path, {"client.py": CLIENT.format(wait=WAIT)}) == [ENTER_LEFT]


def test_wait_in_a_try_that_cancels_the_task(tmp_path: Path) -> None:
    wait = "        try:\n    " + WAIT + "\n        except BaseException:\n            self.runner.cancel()\n            raise"
    assert _check(tmp_path, {"client.py": CLIENT.format(wait=wait)}) == []


def test_wait_in_a_try_whose_handler_misses_the_cancellation(tmp_path: Path) -> None:
    wait = "        try:\n    " + WAIT + "\n        except Exception:\n            self.runner.cancel()\n            raise"
    assert _check(tmp_path, {"client.py": CLIENT.format(wait=wait)}) == [ENTER_LEFT]


def test_raise_once_the_task_has_ended(tmp_path: Path) -> None:
    wait = "        if self.runner.done():\n            raise RuntimeError('runner failed')"
    assert _check(tmp_path, {"client.py": CLIENT.format(wait=wait)}) == []


def test_nothing_fails_after_the_start(tmp_path: Path) -> None:
    assert _check(tmp_path, {"client.py": CLIENT.format(wait="        self.ready.clear()")}) == []


def test_exit_that_does_not_end_it_is_not_this_finding(tmp_path: Path) -> None:
    source = CLIENT.format(wait=WAIT).replace("        self.runner.cancel()\n", "        pass\n")
    assert not any("__aenter__" in line for line in _check(tmp_path, {"client.py": source}))


def test_enter_failure_misbehaves_at_run_time() -> None:
    """Cancelled in its wait, ``async with`` never runs ``__aexit__``: the runner runs on; with
    the wait in a ``try`` that cancels it, it ends."""

    class Transport:
        async def open(self) -> None:
            await asyncio.sleep(10)

        async def pump(self) -> None:
            await asyncio.sleep(1)

    guarded = "        try:\n    " + WAIT + "\n        except BaseException:\n            self.runner.cancel()\n            raise"
    for wait, expect_running in ((WAIT, True), (guarded, False)):
        namespace: dict[str, object] = {}
        exec(compile(CLIENT.format(wait=wait), "client.py", "exec"), namespace)  # noqa: S102

        async def main() -> bool:
            client = namespace["Client"](Transport())  # type: ignore[operator]

            async def use() -> None:
                async with client:
                    pass

            user = asyncio.create_task(use())
            await asyncio.sleep(0.01)
            user.cancel()
            await asyncio.gather(user, return_exceptions=True)
            await asyncio.sleep(0.01)
            running = not client.runner.done()
            client.runner.cancel()
            return bool(running)

        assert asyncio.run(main()) is expect_running


def test_task_only_awaited_mid_life_is_not_this_finding(tmp_path: Path) -> None:
    # Waited for, never cancelled: the class does not say it must be stopped.
    close = "        self._reader.cancel()\n        self._writer.cancel()"
    source = PUMP.format(close=close).replace("        self._poller.cancel()\n", "        await self._poller\n")
    assert _check(tmp_path, {"pump.py": source}) == []


def test_release_that_ends_two_collections_through_one_loop_name(tmp_path: Path) -> None:
    # hummingbot/condor's ``stop()``: ``task`` names the tasks of each collection in turn.
    source = """\
import asyncio


class Streams:
    def __init__(self):
        self.streams = dict()
        self.polls = dict()

    def start(self, channel):
        self.reader = asyncio.create_task(self._read())
        self.streams[channel] = asyncio.create_task(self._stream(channel))
        self.polls[channel] = asyncio.create_task(self._poll(channel))

    def unsubscribe(self, channel):
        self.streams.pop(channel).cancel()
        self.polls.pop(channel).cancel()

    def stop(self):
        self.reader.cancel()
        for task in self.streams.values():
            task.cancel()
        for task in self.polls.values():
            task.cancel()

    async def _read(self):
        while True:
            await asyncio.sleep(1)

    async def _stream(self, channel):
        while True:
            await asyncio.sleep(1)

    async def _poll(self, channel):
        while True:
            await asyncio.sleep(1)
"""
    assert _check(tmp_path, {"streams.py": source}) == []
    kept = source.replace("        for task in self.polls.values():\n            task.cancel()\n", "")
    assert _check(tmp_path, {"streams.py": kept}) == [
        "streams.py:12:9 TRD303 tasks in `self.polls` are cancelled only mid-life, in `unsubscribe()`; `stop()`, "
        "which ends the other tasks of `Streams`, leaves them running"
    ]
