"""Session 45 (issue 28 point 6): a task stored over one that the class still means to cancel
through the slot (TRD305).

- A method that a repeating loop of the class runs at each turn (a queue consumer's
  ``while True``) stores a new task in ``self._reply`` without looking at the old one, and another
  method cancels ``self._reply`` (an interruption, the shutdown): the cancel reaches only the
  newest task, the ones it replaced run on (bolna-ai/bolna ``2a4a2a01``: a second LLM answer task
  beside the first after each final transcript). The task need not loop: the class's own cancel
  says that it may still run when the class wants it stopped.
- The same store made in a ``for`` of the method itself, or in a handler that the class gives to
  several objects in a loop (each of them calls it), is reported too.
- Nothing is reported where the store is guarded by the old task (``if self._reply is None or
  self._reply.done()``), preceded by its cancel, made once (``__init__``, a start guarded by a flag
  it sets), awaited by the storing method, where the loop cancels the old task itself at each
  turn, where the loop is a retry that leaves once it succeeds, where the handler is given to one
  object only, where the loop sleeps between stores (a fixed period), or where nothing in the class
  cancels the slot.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import source_findings

_check = partial(source_findings, select="TRD3")

CONSUMER = """\
import asyncio


class Agent:
    def __init__(self, queue):
        self._queue = queue
        self._reply = None

    async def _answer(self, text):
        await asyncio.sleep(len(text))

    async def _on_transcript(self, text):
        if not text:
            return
        GUARD
        self._reply = asyncio.create_task(self._answer(text))

    async def interrupt(self):
        if self._reply is not None:
            self._reply.cancel()
            self._reply = None

    async def listen(self):
        while True:
            message = await self._queue.get()
            if message == "interrupt":
                await self.interrupt()
            elif message == "closed":
                break
            else:
                BEFORE
                await self._on_transcript(message)
"""

LOST = (
    "16:9 TRD305 `self._reply` is stored over a task that may still run; `interrupt()` cancels only the new one"
)


def _consumer(guard: str = "pass", before: str = "pass") -> str:
    return CONSUMER.replace("GUARD", guard).replace("BEFORE", before)


def test_task_stored_at_each_turn_of_a_consumer_loop_over_one_the_class_cancels(tmp_path: Path) -> None:
    assert _check(tmp_path, _consumer()) == [LOST]


def test_store_guarded_by_the_old_task_gives_nothing(tmp_path: Path) -> None:
    guard = "if self._reply is not None and not self._reply.done():\n            return"
    assert _check(tmp_path, _consumer(guard=guard)) == []


def test_store_preceded_by_the_cancel_of_the_old_task_gives_nothing(tmp_path: Path) -> None:
    guard = "if self._reply is not None:\n            self._reply.cancel()"
    assert _check(tmp_path, _consumer(guard=guard)) == []


def test_loop_that_cancels_the_old_task_before_each_store_gives_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, _consumer(before="await self.interrupt()")) == []


def test_loop_that_sleeps_between_stores_gives_nothing(tmp_path: Path) -> None:
    # A fixed period gives the old task that time to end: only an event-driven loop proves overlap.
    assert _check(tmp_path, _consumer(before="await asyncio.sleep(30)")) == []


def test_store_under_a_flag_the_method_sets_gives_nothing(tmp_path: Path) -> None:
    guard = "if self._answering:\n            return\n        self._answering = True"
    assert _check(tmp_path, _consumer(guard=guard)) == []


def test_store_awaited_by_the_storing_method_gives_nothing(tmp_path: Path) -> None:
    source = _consumer().replace(
        "        self._reply = asyncio.create_task(self._answer(text))\n",
        "        self._reply = asyncio.create_task(self._answer(text))\n        await self._reply\n",
    )
    assert _check(tmp_path, source) == []


def test_class_that_never_cancels_the_slot_gives_no_replacement_finding(tmp_path: Path) -> None:
    source = _consumer().replace("            self._reply.cancel()\n", "            pass\n")
    assert [f for f in _check(tmp_path, source) if "TRD305" in f] == []


RETRY = """\
import asyncio


class Client:
    def __init__(self):
        self._connect_task = None

    async def _open(self):
        await asyncio.sleep(1)

    async def _connect(self):
        self._connect_task = asyncio.create_task(self._open())

    async def stop(self):
        if self._connect_task is not None:
            self._connect_task.cancel()

    async def run(self):
        while True:
            try:
                await self._connect()
                break
            except OSError:
                await asyncio.sleep(5)
"""


def test_retry_loop_that_leaves_once_it_succeeds_gives_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, RETRY) == []


def test_store_in_a_method_called_once_gives_nothing(tmp_path: Path) -> None:
    source = RETRY.replace(
        "        while True:\n            try:\n                await self._connect()\n                break\n"
        "            except OSError:\n                await asyncio.sleep(5)\n",
        "        await self._connect()\n",
    )
    assert _check(tmp_path, source) == []


BATCH = """\
import asyncio


class Sender:
    def __init__(self):
        self._send = None

    async def _post(self, item):
        await asyncio.sleep(1)

    def send_all(self, items):
        for item in items:
            self._send = asyncio.create_task(self._post(item))

    def close(self):
        if self._send is not None:
            self._send.cancel()
"""


def test_task_stored_at_each_turn_of_the_storing_methods_own_for(tmp_path: Path) -> None:
    assert _check(tmp_path, BATCH) == [
        "13:13 TRD305 `self._send` is stored over a task that may still run; `close()` cancels only the new one"
    ]


def test_own_for_that_cancels_the_old_task_first_gives_nothing(tmp_path: Path) -> None:
    source = BATCH.replace(
        "        for item in items:\n",
        "        for item in items:\n            if self._send is not None:\n                self._send.cancel()\n",
    )
    assert _check(tmp_path, source) == []


HANDLER = """\
import asyncio


class MultiClient:
    def __init__(self, databases):
        self._databases = databases
        self._probe = None

    async def _check(self, database):
        await asyncio.sleep(1)

    def _on_state_change(self, database, state):
        if state == "half-open":
            self._probe = asyncio.create_task(self._check(database))

    def initialize(self):
        REGISTER

    async def aclose(self):
        if self._probe:
            self._probe.cancel()
"""


def test_handler_given_to_several_objects_stores_over_a_running_task(tmp_path: Path) -> None:
    source = HANDLER.replace(
        "REGISTER", "for database in self._databases:\n            database.on_state_changed(self._on_state_change)"
    )
    assert _check(tmp_path, source) == [
        "14:13 TRD305 `self._probe` is stored over a task that may still run; `aclose()` cancels only the new one"
    ]


def test_handler_given_to_one_object_gives_nothing(tmp_path: Path) -> None:
    source = HANDLER.replace("REGISTER", "self._databases[0].on_state_changed(self._on_state_change)")
    assert _check(tmp_path, source) == []


def test_handler_given_to_several_objects_to_run_once_gives_nothing(tmp_path: Path) -> None:
    source = HANDLER.replace(
        "REGISTER", "for database in self._databases:\n            database.call_soon(self._on_state_change)"
    )
    assert _check(tmp_path, source) == []


RECONNECTING = """\
import asyncio


class Socket:
    def __init__(self):
        self._closing = False
        self._beat = None

    async def _heartbeat(self):
        while True:
            await asyncio.sleep(25)

    async def _read(self):
        await asyncio.sleep(1)

    async def run(self):
        while not self._closing:
            try:
                self._beat = asyncio.create_task(self._heartbeat())
                await self._read()
            except Exception:
                pass
            finally:
                FINALLY

    async def stop(self):
        self._closing = True
        if self._beat:
            self._beat.cancel()
"""


def test_store_whose_finally_cancels_the_old_task_at_each_turn_gives_nothing(tmp_path: Path) -> None:
    # (review of s45-tasks: ha-termoweb's reconnecting socket) the ``finally`` of the ``try``
    # around the store runs at each turn before the next store, and cancels the slot's task.
    finally_cancels = "if self._beat:\n                    self._beat.cancel()\n                    self._beat = None"
    assert _check(tmp_path, RECONNECTING.replace("FINALLY", finally_cancels)) == []
    assert _check(tmp_path, RECONNECTING.replace("FINALLY", "pass")) == [
        "19:17 TRD305 `self._beat` is stored over a task that may still run; `stop()` cancels only the new one"
    ]
