"""Session 57: tasks judged the way they die (issue 28 point 6).

A coalesced one-shot task whose guard counts the call it coalesces before returning (``if
self.task and not self.task.done(): self.busy += 1; return``): the guard still returns while
the run in flight holds the attribute, so the run is the coalesced one-shot of session 55
(kellerza/sunsynk's ``AsyncCallback.call``). Twins: a guard that starts another run before
returning, and the same guard before a run that sleeps (a timer, still judged).

A race loop left by a ``break`` whose ``pending`` holds only tasks the function keeps by name,
each cancelled after the loop through a nested function it calls (rhasspy/wyoming-satellite's
``await _disconnect()``, which cancels ``to_client_task``/``from_client_task`` by ``nonlocal``).
Twins: a name given a new task each turn whatever it holds (the task it held stays in
``pending``, nameless), and a closure that cancels only one of the names.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

COUNTED_GUARD = """\
import asyncio


class Timer:
    def __init__(self, callback) -> None:
        self.callback = callback
        self.task = None
        self.busy = 0
        self.next_run = 0

    async def wrap(self, now: int) -> None:
        try:
            await self.callback(now)
        except Exception:
            self.next_run = now

    def call(self, now: int) -> None:
        if self.task and not self.task.done():
            self.busy += 1
            self.next_run = now + 1
            return
        self.task = asyncio.create_task(self.wrap(now))
"""


def test_coalesced_guard_that_counts_before_returning(tmp_path: Path) -> None:
    assert source_findings(tmp_path, COUNTED_GUARD, "TRD303") == []


def test_coalesced_guard_that_starts_another_run_twin(tmp_path: Path) -> None:
    restarts = COUNTED_GUARD.replace(
        "            self.busy += 1\n", "            self.task = asyncio.create_task(self.wrap(now))\n"
    )
    assert source_findings(tmp_path, restarts, "TRD303") == [
        # (one finding per attribute, at its first store)
        "19:13 TRD303 `self.task` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
    ]


def test_counted_guard_before_a_sleeping_run_twin(tmp_path: Path) -> None:
    sleeps = COUNTED_GUARD.replace("            await self.callback(now)\n", "            await asyncio.sleep(60)\n")
    assert source_findings(tmp_path, sleeps, "TRD303") == [
        "22:9 TRD303 `self.task` is never cancelled or awaited; add a shutdown method that cancels and awaits it"
    ]


RACE_BY_NAME = """\
import asyncio


class Satellite:
    is_running = True

    async def proc(self, client, queue) -> None:
        reader = None
        writer = None
        pending = set()

        async def _disconnect() -> None:
            nonlocal reader, writer
            await client.disconnect()
            if reader is not None:
                reader.cancel()
                reader = None
            if writer is not None:
                writer.cancel()
                writer = None

        while self.is_running:
            try:
                if writer is None:
                    writer = asyncio.create_task(queue.get())
                    pending.add(writer)
                if reader is None:
                    reader = asyncio.create_task(client.read_event())
                    pending.add(reader)
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                if writer in done:
                    await client.write_event(writer.result())
                    writer = None
                if reader in done:
                    print(reader.result())
                    reader = None
            except asyncio.CancelledError:
                break
            except Exception:
                await _disconnect()

        await _disconnect()
"""

LEFT = (
    "30:17 TRD304 tasks left in `pending` run on when this loop is left by the `break` at line 38; "
    "cancel them before it"
)


def test_race_loop_break_ended_by_names_in_a_closure(tmp_path: Path) -> None:
    assert source_findings(tmp_path, RACE_BY_NAME, "TRD304") == []


def test_race_loop_name_given_a_new_task_each_turn_twin(tmp_path: Path) -> None:
    unguarded = RACE_BY_NAME.replace(
        "                if reader is None:\n                    reader = asyncio.create_task(client.read_event())\n",
        "                if True:\n                    reader = asyncio.create_task(client.read_event())\n",
    )
    assert source_findings(tmp_path, unguarded, "TRD304") == [LEFT]


def test_race_loop_closure_that_cancels_one_name_twin(tmp_path: Path) -> None:
    one = RACE_BY_NAME.replace("                writer.cancel()\n", "                print(writer)\n")
    assert source_findings(tmp_path, one, "TRD304") == [LEFT]


DISCARD_SET = """\
import asyncio


class Sender:
    def __init__(self, url: str) -> None:
        self._url = url
        self._pending: set[asyncio.Task[None]] = set()

    async def _post(self, payload: dict) -> bool:
        return bool(payload)

    async def _send_with_retries(self, payload: dict) -> None:
        delay = 1.0
        for attempt in range(4):
            if await self._post(payload):
                return
            await asyncio.sleep(delay)
            delay *= 2

    def fire(self, payload: dict) -> None:
        task = asyncio.create_task(self._send_with_retries(payload))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
"""

PENDING = "21:9 TRD303 tasks in `self._pending` are never cancelled or awaited; end each one in a shutdown method"


def test_discard_set_of_retrying_work_in_an_object_with_no_end(tmp_path: Path) -> None:
    # The retries wait on a timer: still pending when the loop closes, and nothing can end them.
    assert source_findings(tmp_path, DISCARD_SET, "TRD303") == [PENDING]


def test_discard_set_of_an_endless_loop_in_an_object_with_no_end(tmp_path: Path) -> None:
    # A loop until cancelled never finishes, so the discard never drops it.
    looping = DISCARD_SET.replace(
        "        for attempt in range(4):\n            if await self._post(payload):\n                return\n",
        "        while True:\n            await self._post(payload)\n",
    )
    assert source_findings(tmp_path, looping, "TRD303") == [PENDING.replace("21:9", "20:9")]


def test_discard_set_of_one_shot_work_twin(tmp_path: Path) -> None:
    # Fire-and-forget work that ends by itself: the set keeps it alive until done (asyncio's way).
    one_shot = DISCARD_SET.replace("            await asyncio.sleep(delay)\n", "")
    assert source_findings(tmp_path, one_shot, "TRD303") == []


def test_discard_set_of_retrying_work_ended_at_stop_twin(tmp_path: Path) -> None:
    stopped = DISCARD_SET + (
        "\n    async def stop(self) -> None:\n"
        "        for task in list(self._pending):\n"
        "            task.cancel()\n"
        "        await asyncio.gather(*self._pending, return_exceptions=True)\n"
    )
    assert source_findings(tmp_path, stopped, "TRD303") == []
