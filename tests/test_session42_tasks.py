"""Session 42 (issue 28 point 6): task wrappers that make their task of what they are given.

``asyncio.ensure_future(p)`` of a parameter ``p`` makes a task of a coroutine and hands a
future or task back as it is: whether a call of the function makes a task is known at the call
(its argument is a call). A plain function that makes its task so, keeps it nowhere (the local
is only given a done callback) and returns nothing leaves the task to nobody: each call given a
coroutine is a discarded task (TRD301), reported at the call, where the caller is the only
place the task could be kept (inmanta/inmanta-core ``8e71eb99``: the scheduler's actions ran
on after ``stop()``). Each shape beside its negative twin.
"""

from __future__ import annotations

from functools import partial

from tests.conftest import source_findings, tree_findings

_check = partial(source_findings, select="TRD3")
_check_tree = partial(tree_findings, select="TRD3", project=True)

HELPER = """\
import asyncio
import logging

LOGGER = logging.getLogger(__name__)


def ensure_future_and_log(logger, msg, action):
    future = asyncio.ensure_future(action)

    def handler(future):
        exc = future.exception()
        if exc is not None:
            logger.error(msg, exc_info=exc)

    future.add_done_callback(handler)


async def work():
    await asyncio.sleep(1)


class Scheduler:
    def fire(self, fut):
        ensure_future_and_log(LOGGER, "failed", work())
        ensure_future_and_log(LOGGER, "failed", fut)
"""


def test_wrapper_keeping_nothing_makes_a_discarded_task_per_call(tmp_path):
    # The call given a coroutine makes a task nobody holds; the one given a future makes none.
    assert _check(tmp_path, HELPER) == [
        "24:9 TRD301 task from `ensure_future_and_log(...)` is discarded; keep it and await or cancel it",
    ]


def test_wrapper_that_returns_or_keeps_its_task_is_not_this(tmp_path):
    returned = HELPER.replace(
        "    future.add_done_callback(handler)\n", "    future.add_done_callback(handler)\n    return future\n"
    ).replace("        ensure_future_and_log(LOGGER, \"failed\", work())\n", "        self.t = ensure_future_and_log(LOGGER, \"failed\", work())\n")
    kept = HELPER.replace("LOGGER = logging", "_RUNNING = set()\nLOGGER = logging").replace(
        "    future.add_done_callback(handler)\n",
        "    _RUNNING.add(future)\n    future.add_done_callback(_RUNNING.discard)\n    future.add_done_callback(handler)\n",
    )
    assert [f for f in _check(tmp_path, returned) if "ensure_future_and_log" in f] == []
    assert _check(tmp_path, kept) == []


def test_statement_wrapper_across_modules(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/util.py": "import asyncio\n\n\ndef spawn(coro):\n    asyncio.ensure_future(coro)\n",
        "app/server.py": (
            "from app.util import spawn\n\n\nasync def tick():\n    pass\n\n\n"
            "def start(fut):\n    spawn(tick())\n    spawn(fut)\n"
        ),
    }
    assert _check_tree(tmp_path, files) == [
        "server.py:9:5 TRD301 task from `spawn(...)` is discarded; keep it and await or cancel it",
    ]


def test_local_passed_on_or_awaited_is_kept(tmp_path):
    handed = (
        "import asyncio\n\n\ndef spawn(coro, registry):\n    t = asyncio.ensure_future(coro)\n"
        "    registry.append(t)\n\n\nasync def tick():\n    pass\n\n\ndef start(r):\n    spawn(tick(), r)\n"
    )
    assert _check(tmp_path, handed) == []


# A task maker that stores its task on the object it is given, under the name it is given
# (reflex-dev/reflex ``c03ab4be``): called with ``self`` and a literal name, it is
# ``self.<name> = create_task(...)``, judged by TRD303.
STORE_HELPER = """\
import asyncio


def ensure_task(owner, task_attribute, coro_function, *args, context=None):
    task = getattr(owner, task_attribute, None)
    if task is None or task.done():
        if context is not None:
            task = context.run(asyncio.create_task, coro_function(*args))
        else:
            task = asyncio.create_task(coro_function(*args))
        setattr(owner, task_attribute, task)
    return task
"""

STORE_USERS = """\
import asyncio

from app.tasks import ensure_task


class Manager:
    def start(self):
        ensure_task(owner=self, task_attribute="_sub_task", coro_function=self._subscribe)

    async def _subscribe(self):
        while True:
            await asyncio.sleep(1)

    async def disconnect_all(self):
        pass


class Closed:
    def start(self):
        ensure_task(self, "_sub_task", self._subscribe)

    async def _subscribe(self):
        while True:
            await asyncio.sleep(1)

    async def close(self):
        if self._sub_task:
            self._sub_task.cancel()


class Other:
    def start(self, other, name):
        ensure_task(other, "_sub_task", self._run)
        ensure_task(self, name, self._run)

    async def _run(self):
        pass
"""


def test_task_stored_by_name_on_self_is_judged_as_a_store(tmp_path):
    files = {"app/__init__.py": "", "app/tasks.py": STORE_HELPER, "app/manager.py": STORE_USERS}
    assert _check_tree(tmp_path, files) == [
        "manager.py:8:9 TRD303 `self._sub_task` is never cancelled or awaited; cancel it in `disconnect_all()`",
    ]


def test_setattr_of_something_else_is_no_task_store(tmp_path):
    # ``setattr`` of a value the helper did not make (a handle it was given) stores no task of its.
    helper = STORE_HELPER.replace("setattr(owner, task_attribute, task)", "setattr(owner, task_attribute, args)")
    files = {"app/__init__.py": "", "app/tasks.py": helper, "app/manager.py": STORE_USERS}
    assert _check_tree(tmp_path, files) == []


# In a Home Assistant integration that can be unloaded, only what the unload runs ends a task:
# a message handler that cancels it through the object (a reconnect) ends it mid-life
# (mholzi/beatify ``4783879d``: the admin-disconnect timer ran on after the unload).
HANDLER = """\
import asyncio


class WebSocketHandler:
    def __init__(self, hass):
        self.hass = hass
        self._pause_task = None

    async def on_disconnect(self):
        self._pause_task = asyncio.create_task(self._pause_later())

    async def _pause_later(self):
        await asyncio.sleep(60)

    async def cleanup(self):
        if self._pause_task:
            self._pause_task.cancel()


async def handle_reconnect(hass, handler: WebSocketHandler):
    if handler._pause_task:
        handler._pause_task.cancel()


async def async_setup_entry(hass, entry):
    hass.data["demo"] = WebSocketHandler(hass)
    return True


async def async_unload_entry(hass, entry):
    handler: WebSocketHandler = hass.data.pop("demo")
    UNLOAD
    return True
"""


def test_handler_cancel_through_instance_is_no_end_at_unload(tmp_path):
    from tradelint.api import check_paths

    from tests.conftest import ha_integration

    path = ha_integration(tmp_path, HANDLER, unload="pass")
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=["TRD303"])] == [
        "10 TRD303 `self._pause_task` is cancelled in `cleanup()`, but nothing the entry's unload runs calls it",
    ]


def test_unload_cancel_through_instance_ends_it(tmp_path):
    from tradelint.api import check_paths

    from tests.conftest import ha_integration

    path = ha_integration(tmp_path, HANDLER, unload="handler._pause_task.cancel()")
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=["TRD303"])] == []
    path = ha_integration(tmp_path, HANDLER, unload="await handle_reconnect(hass, handler)")
    assert [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=["TRD303"])] == []
