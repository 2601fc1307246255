"""Session 46 (issue 28 point 6): work ``asyncio.gather`` leaves running when one of what it
gathers fails, where the piece that runs until cancelled is reached through a wrapper.

- A coroutine the function defines itself (a local ``async def``) is read like one of the module:
  a local loop that only ends from outside runs until cancelled.
- A wrapper whose own frame awaits a call that runs until cancelled (``async def process():
  try: await bot._process(stop) except CancelledError: pass``) runs until cancelled too
  (Genshin-bots/gsuid_core ``13f6a0f7``: a websocket endpoint gathers the bot's queue consumer
  with the connection's reader; the consumer runs on after the reader fails).
- A method called on a local of the function (or of the function around it) that nothing types
  is one of the project's methods of that name, as one called on ``self.<attr>`` is: it runs
  until cancelled when every one of them does.
- A loop left only by a ``break`` under a test of a stop signal (``if stop.is_set(): break``)
  ends when something outside sets the event, as ``while not self._stop.is_set():`` does; a
  negated test (``if not ready.is_set(): break``) or any other ``break`` ends it by itself.
Each shape has a negative twin: the same function cancelling the rest in its ``finally``, or a
worker that ends by itself, gives nothing.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD3", project=True)

GATHER = (
    "TRD304 work gathered by `asyncio.gather(...)` runs on when one of it fails; cancel the rest in "
    "`finally`, or use a `TaskGroup`"
)

WORKER = """\
import asyncio


class Bot:
    def __init__(self):
        self.queue = asyncio.Queue()

    async def _process(self, stop=None):
        while True:
            if stop is not None and stop.is_set():
                break
            item = await self.queue.get()
            print(item)
"""

ENDPOINT = """\
import asyncio

from app.bot import Bot


async def serve(reader, stop):
    bot = Bot()

    async def read():
        while True:
            data = await reader.read()
            if not data:
                break

    async def process():
        try:
            await bot._process(stop)
        except asyncio.CancelledError:
            pass

    try:
        await asyncio.gather(process(), read())
    finally:
        print("closed")
"""


def test_wrapper_of_a_worker_that_runs_until_stopped_is_left_running(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/bot.py": WORKER, "app/endpoint.py": ENDPOINT}
    assert _check_tree(tmp_path, files) == [f"endpoint.py:22:9 {GATHER}"]


def test_wrapper_cancelled_in_finally_is_not_reported(tmp_path: Path) -> None:
    cancelled = ENDPOINT.replace(
        "        await asyncio.gather(process(), read())\n",
        "        work = asyncio.gather(process(), read())\n        await work\n",
    ).replace('        print("closed")\n', '        work.cancel()\n')
    files = {"app/__init__.py": "", "app/bot.py": WORKER, "app/endpoint.py": cancelled}
    assert _check_tree(tmp_path, files) == []


def test_worker_that_breaks_by_itself_is_not_reported(tmp_path: Path) -> None:
    ends = WORKER.replace("if stop is not None and stop.is_set():", "if self.queue.empty():")
    files = {"app/__init__.py": "", "app/bot.py": ends, "app/endpoint.py": ENDPOINT}
    assert _check_tree(tmp_path, files) == []


def test_negated_stop_test_ends_the_loop_by_itself(tmp_path: Path) -> None:
    ends = WORKER.replace("if stop is not None and stop.is_set():", "if not stop.is_set():")
    files = {"app/__init__.py": "", "app/bot.py": ends, "app/endpoint.py": ENDPOINT}
    assert _check_tree(tmp_path, files) == []


HUB = """\
from app.bot import Bot


class Hub:
    async def connect(self, reader) -> Bot:
        return Bot()


hub = Hub()
"""

INGEST = "class Ingest:\n    async def _process(self, record):\n        return record\n"


def test_worker_of_an_object_a_module_instance_makes_is_left_running(tmp_path: Path) -> None:
    # ``bot`` comes from the project's module-level ``hub``, whose ``connect()`` says it makes a
    # ``Bot``: the ``_process`` that runs is ``Bot``'s, whatever other class has one.
    endpoint = ENDPOINT.replace("from app.bot import Bot\n", "from app.hub import hub\n").replace(
        "    bot = Bot()\n", "    bot = await hub.connect(reader)\n"
    )
    files = {"app/__init__.py": "", "app/bot.py": WORKER, "app/hub.py": HUB, "app/ingest.py": INGEST, "app/endpoint.py": endpoint}
    assert _check_tree(tmp_path, files) == [f"endpoint.py:22:9 {GATHER}"]


def test_untyped_receiver_runs_one_of_the_project_methods_of_that_name(tmp_path: Path) -> None:
    # ``bot`` is a parameter nothing types: every ``_process`` of the project must loop.
    endpoint = ENDPOINT.replace("async def serve(reader, stop):\n    bot = Bot()\n", "async def serve(reader, stop, bot):\n")
    files = {"app/__init__.py": "", "app/bot.py": WORKER, "app/endpoint.py": endpoint}
    assert _check_tree(tmp_path, files) == [f"endpoint.py:21:9 {GATHER}"]
    files["app/ingest.py"] = INGEST
    assert _check_tree(tmp_path / "other", files) == []


LOCAL_LOOP = """\
import asyncio


async def handle(ws):
    async def heartbeat():
        while True:
            await ws.ping()
            await asyncio.sleep(10)

    async def receive():
        async for message in ws:
            print(message)

    try:
        await asyncio.gather(heartbeat(), receive())
    except Exception:
        print("lost")
"""


def test_local_coroutine_that_loops_until_cancelled_is_left_running(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/ws.py": LOCAL_LOOP}
    assert _check_tree(tmp_path, files) == [f"ws.py:15:9 {GATHER}"]


def test_local_coroutine_that_ends_by_itself_is_not_reported(tmp_path: Path) -> None:
    finite = LOCAL_LOOP.replace("        while True:\n", "        for _ in range(3):\n")
    files = {"app/__init__.py": "", "app/ws.py": finite}
    assert _check_tree(tmp_path, files) == []


# A task on ``self`` whose done callback clears the attribute: the ``self`` form of the
# set-plus-``discard`` pattern, judged alike. In a class with an end of its own whose task loops
# until cancelled, the callback ends nothing while it runs, and the end must still end it.
CLEARED = """\
import asyncio


class Link:
    def __init__(self, writer):
        self.writer = writer
        self.wait_task = None

    async def open(self):
        self.wait_task = asyncio.create_task(self.pump())
        self.wait_task.add_done_callback(self.pumped)

    async def pump(self):
        while True:
            await asyncio.sleep(1)

    def pumped(self, task):
        self.wait_task = None

    async def close(self):
        self.writer.close()
"""

NEVER_ENDED = "TRD303 `self.wait_task` is never cancelled or awaited; cancel it in `close()`"


def test_task_cleared_by_its_done_callback_still_needs_the_end(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/link.py": CLEARED}
    assert _check_tree(tmp_path, files) == [f"link.py:10:9 {NEVER_ENDED}"]


def test_task_cleared_by_its_done_callback_and_cancelled_at_the_end_is_not_reported(tmp_path: Path) -> None:
    ended = CLEARED.replace(
        "        self.writer.close()\n",
        "        if self.wait_task is not None:\n            self.wait_task.cancel()\n        self.writer.close()\n",
    )
    files = {"app/__init__.py": "", "app/link.py": ended}
    assert _check_tree(tmp_path, files) == []


def test_one_shot_task_cleared_by_its_done_callback_is_not_reported(tmp_path: Path) -> None:
    one_shot = CLEARED.replace("        while True:\n            await asyncio.sleep(1)\n", "        await asyncio.sleep(1)\n")
    files = {"app/__init__.py": "", "app/link.py": one_shot}
    assert _check_tree(tmp_path, files) == []


def test_task_cleared_by_its_done_callback_in_a_class_without_an_end_is_not_reported(tmp_path: Path) -> None:
    no_end = CLEARED.replace("    async def close(self):\n        self.writer.close()\n", "")
    files = {"app/__init__.py": "", "app/link.py": no_end}
    assert _check_tree(tmp_path, files) == []
