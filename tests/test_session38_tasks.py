"""Session 38 (issue 28 point 6, tasks judged the way they die): a task a class ends only mid-life.

- **The owner's end leaves a task that is ended only mid-life (TRD303).** A class's ``run()``
  whose ``finally`` cancels the reader and writer tasks it started, while the reply task that
  the reader starts is cancelled only when the user barges in: when the call ends during a
  reply, the reply runs on (bolna-ai/bolna ``7de10a02``). Also a public release (``close()``)
  that ends two of the class's tasks while a third is cancelled only by ``pause()``. Not when
  the end names it too, a public release ends it, the coroutine of a task the end cancels ends
  it in its own ``finally``, the release is a restart, or the end ends a single task.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, files: dict[str, str], select: str = "TRD303") -> list[str]:
    paths = []
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
        paths.append(path)
    return sorted(
        f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in check_paths(paths, select=[select])
    )


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
    "call.py:26:9 TRD303 `self.reply_task` is ended only mid-life, in `_interrupt()`; the `finally` of `run()`, "
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
        "pump.py:8:9 TRD303 `self._poller` is ended only mid-life, in `pause()`; `close()`, which ends the other "
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
