"""What the pytest plugin records while the tests run: where each asyncio task and each known async
resource was created, and which of them leaked.

Cheap by design, so that it can stay on for a whole test suite: no asyncio debug mode and no
stack extraction. ``BaseEventLoop.create_task`` (every task of asyncio.create_task, ensure_future,
TaskGroup, pytest-asyncio and anyio goes through it) and the ``__init__`` and close method of the
resource classes TRD2xx knows are wrapped; each records the first frame outside the standard
library, site-packages and this package, a weak reference with a callback, and nothing else.

A leak is one of:

- ``task_destroyed_pending``: a task garbage-collected before it finished (asyncio's "Task was
  destroyed but it is pending!");
- ``task_pending_at_loop_close``: a task still running when its loop was shut down (asyncio.run,
  asyncio.Runner, pytest-asyncio's loop teardown cancel it there, so it never warns);
- ``resource_never_closed``: a session or client garbage-collected without its close, or still
  open at the end of the session.
"""

from __future__ import annotations

import asyncio
import asyncio.base_events
import asyncio.runners
import functools
import inspect
import linecache
import os
import re
import sys
import sysconfig
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from tradelint.models.resources.resource_types import BUILTIN_RESOURCES
from tradelint.runtime.leaks import Leak

# Frames in these folders are the machinery, not the creation site (each as written and resolved).
_FOLDERS = [
    *(sysconfig.get_paths().get(k, "") for k in ("stdlib", "platstdlib", "purelib", "platlib")),
    os.path.dirname(__file__),
]
_SKIPPED = tuple({os.path.join(f, "") for p in _FOLDERS if p for f in (p, os.path.realpath(p))})


_LOOP_SOURCE = asyncio.base_events.__file__


@dataclass
class _Record:
    path: str
    line: int
    test: str
    what: str
    family: str  # "task" or "resource"
    closed: bool = False
    reported: bool = False
    ref: weakref.ref[Any] | None = field(default=None, repr=False)


_PACKAGES = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def _is_skipped(filename: str) -> bool:
    # Installed packages outside this interpreter's own folders too (a PYTHONPATH entry, another
    # environment's site-packages): a library's frame is never the creation site.
    return filename.startswith(_SKIPPED) or filename.startswith("<") or any(p in filename for p in _PACKAGES)


def creation_site(depth: int = 2) -> tuple[str, int]:
    """The first frame outside the standard library, site-packages and this package."""
    frame = sys._getframe(depth)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not _is_skipped(filename):
            return os.path.abspath(filename), frame.f_lineno
        frame = frame.f_back  # type: ignore[assignment]
    return "", 0


_SELF_STORE = re.compile(r"^\s*self\.\w+(\s*\[[^\]]*\])?\s*(:[^=]+)?=[^=]")
_LOCAL_STORE = re.compile(r"^\s*(\w+\s*,\s*)*\w+\s*(:[^=]+)?=[^=]|^\s*(async\s+)?with\b.*\bas\s+\w+\s*[:,)]")
_BARE_CALL = re.compile(r"^\s*(await\s+)?[\w.]+\s*\(")
_shapes: dict[tuple[str, int, str], str] = {}


def shape_at(path: str, line: int, maker: str = "") -> str:
    """How the created object is held, read from the creation line (cached per site): ``self``
    (``self.x = ...``), ``local`` (``x = ...``, ``async with ... as x``), ``discarded`` (a bare
    call statement) or ``unknown`` (a multi-line statement, a return, an argument...). With
    ``maker`` (a resource's class name), a bare call of something else is ``unknown``: the
    resource is that call's argument (``await fetch(ClientSession())``), not discarded."""
    key = (path, line, maker)
    known = _shapes.get(key)
    if known is None:
        text = linecache.getline(path, line)
        if _SELF_STORE.match(text):
            known = "self"
        elif _LOCAL_STORE.match(text):
            known = "local"
        elif (
            _BARE_CALL.match(text)
            and text.count("(") == text.count(")")
            and (not maker or re.match(rf"^\s*(await\s+)?([\w.]*\.)?{re.escape(maker)}\s*\(", text))
        ):
            known = "discarded"
        else:
            known = "unknown"
        _shapes[key] = known
    return known


_TASK_CODES = {"discarded": "TRD301", "local": "TRD302", "self": "TRD303", "unknown": "TRD3"}
_RESOURCE_CODES = {"discarded": "TRD201", "local": "TRD201", "self": "TRD202", "unknown": "TRD2"}


class Recorder:
    """The records of one pytest session; :func:`install` wires it into asyncio and the resource
    classes, :func:`uninstall` restores them."""

    def __init__(self) -> None:
        self.test = ""
        self.constructing = 0
        # How many creations were recorded, by family: a report of no leak says of how many.
        self.counts = {"task": 0, "resource": 0}
        self.leaks: list[Leak] = []
        # Alive records by id of the object; dropped when the object is collected.
        self._alive: dict[int, _Record] = {}
        self._patches: list[tuple[object, str, object]] = []
        self._instrumented: set[type] = set()
        self._pending_classes: dict[str, str] = {}  # dotted class name -> close method
        self._recording_create: object = None

    # -- recording ----------------------------------------------------------------------------

    def _track(self, obj: object, family: str, what: str) -> _Record | None:
        path, line = creation_site(3)
        if not path:
            return None
        record = _Record(path, line, self.test, what, family)
        key = id(obj)
        alive = self._alive

        def collected(_: object, record: _Record = record, key: int = key) -> None:
            if alive.get(key) is record:
                del alive[key]
            if not record.closed and not record.reported:
                record.reported = True
                self._leak(record, "task_destroyed_pending" if family == "task" else "resource_never_closed")

        try:
            record.ref = weakref.ref(obj, collected)
        except TypeError:
            return None
        alive[key] = record
        self.counts[family] += 1
        return record

    def task_created(self, task: asyncio.Task[Any]) -> None:
        coro = task.get_coro()
        code = getattr(coro, "cr_code", None)
        if code is not None and code.co_filename == _LOOP_SOURCE:
            return  # the loop's own shutdown_asyncgens, shutdown_default_executor
        if id(task) in self._alive:
            return  # a loop subclass's create_task calling the patched one after its factory
        name = getattr(coro, "__qualname__", type(coro).__name__)
        record = self._track(task, "task", f"task {name}()")
        if record is not None:
            task.add_done_callback(functools.partial(_mark_closed, record))

    def resource_created(self, obj: object, what: str) -> None:
        if id(obj) not in self._alive:  # a subclass's __init__ calling its parent's
            self._track(obj, "resource", what)

    def handed_over(self, values: tuple[object, ...]) -> None:
        for value in values:
            record = self._alive.get(id(value))
            if record is not None and record.family == "resource" and record.ref is not None and record.ref() is value:
                record.closed = True

    def resource_closed(self, obj: object) -> None:
        record = self._alive.get(id(obj))
        if record is not None:
            record.closed = True

    def _leak(self, record: _Record, kind: str) -> None:
        shape = shape_at(record.path, record.line, record.what.rpartition(".")[2] if record.family == "resource" else "")
        codes = _TASK_CODES if record.family == "task" else _RESOURCE_CODES
        self.leaks.append(Leak(kind, codes[shape], shape, record.path, record.line, record.test, record.what))

    def loop_ending(self, loop: asyncio.AbstractEventLoop) -> None:
        """Before a loop's remaining tasks are cancelled or the loop is closed: the tasks this
        run created that still run there were left behind by the program."""
        try:
            tasks = asyncio.all_tasks(loop)
        except RuntimeError:  # pragma: no cover - a set changed size in another thread
            return
        for task in tasks:
            record = self._alive.get(id(task))
            if record is not None and not task.done() and not record.reported and not _kept(task):
                record.reported = True
                self._leak(record, "task_pending_at_loop_close")

    def open_records(self, test: str | None = None) -> Iterator[_Record]:
        for record in list(self._alive.values()):
            if not record.closed and not record.reported and (test is None or record.test == test):
                yield record

    def session_end(self) -> None:
        """What is still open once the tests are over: resources never closed. (A task still
        pending here lives on a loop nobody closed; reported the same way.)"""
        for record in self.open_records():
            record.reported = True
            self._leak(record, "resource_never_closed" if record.family == "resource" else "task_pending_at_loop_close")

    def take(self) -> list[Leak]:
        leaks, self.leaks = self.leaks, []
        return leaks

    # -- wiring -------------------------------------------------------------------------------

    def _patch(self, owner: object, name: str, value: object) -> None:
        self._patches.append((owner, name, owner.__dict__[name] if name in vars(owner) else None))
        setattr(owner, name, value)

    def install(self, resources: tuple[tuple[str, str], ...] = ()) -> None:
        recorder = self
        original_create = asyncio.BaseEventLoop.create_task

        @functools.wraps(original_create)
        def create_task(self: asyncio.BaseEventLoop, *args: Any, **kwargs: Any) -> asyncio.Task[Any]:
            task = original_create(self, *args, **kwargs)
            recorder.task_created(task)
            return task

        original_close = asyncio.BaseEventLoop.close

        @functools.wraps(original_close)
        def close(self: asyncio.BaseEventLoop) -> None:
            recorder.loop_ending(self)
            original_close(self)

        self._patch(asyncio.BaseEventLoop, "create_task", create_task)
        self._patch(asyncio.BaseEventLoop, "close", close)
        # asyncio.run and asyncio.Runner (used by pytest-asyncio and anyio) cancel what is left
        # before closing the loop: look at it first.
        self._patch_cancel_all(asyncio.runners)
        # A loop class with a create_task of its own (uvloop.Loop, a compiled class nothing can
        # patch) gets a task factory instead, set as the policy (asyncio.run, pytest-asyncio,
        # asyncio.new_event_loop) or uvloop.new_event_loop (uvloop.run, anyio) makes the loop.
        original_new_loop = asyncio.events.BaseDefaultEventLoopPolicy.new_event_loop

        @functools.wraps(original_new_loop)
        def new_event_loop(self: asyncio.events.BaseDefaultEventLoopPolicy) -> asyncio.AbstractEventLoop:
            return recorder.adopt(original_new_loop(self))

        self._patch(asyncio.events.BaseDefaultEventLoopPolicy, "new_event_loop", new_event_loop)
        self._recording_create = create_task
        for name, spec in BUILTIN_RESOURCES.items():
            self._pending_classes[name] = spec.close
        for name, method in resources:
            self._pending_classes[name] = method
        self.instrument_imported()

    def adopt(self, loop: asyncio.AbstractEventLoop) -> asyncio.AbstractEventLoop:
        """Record the tasks of a new loop whose class does not inherit the patched create_task,
        through a task factory (wrapping the loop's own one, if it has one)."""
        if getattr(type(loop), "create_task", None) is self._recording_create:
            return loop
        recorder = self
        previous = loop.get_task_factory()

        def task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Future[Any]:
            if previous is not None:
                task = previous(loop, coro, **kwargs)
            else:
                task = asyncio.Task(coro, loop=loop, **kwargs)
            if isinstance(task, asyncio.Task):
                recorder.task_created(task)
            return task

        loop.set_task_factory(task_factory)
        return loop

    def _patch_cancel_all(self, module: object) -> None:
        original: Callable[[asyncio.AbstractEventLoop], None] | None = getattr(module, "_cancel_all_tasks", None)
        if original is None or getattr(original, "_tradelint", False):
            return
        recorder = self

        def cancel_all_tasks(loop: asyncio.AbstractEventLoop) -> None:
            recorder.loop_ending(loop)
            original(loop)

        cancel_all_tasks._tradelint = True  # type: ignore[attr-defined]
        self._patch(module, "_cancel_all_tasks", cancel_all_tasks)

    def _instrument_uvloop(self) -> None:
        uvloop = sys.modules.get("uvloop")
        original: Callable[[], asyncio.AbstractEventLoop] | None = getattr(uvloop, "new_event_loop", None)
        if uvloop is None or original is None or getattr(original, "_tradelint", False):
            return
        recorder = self

        @functools.wraps(original)
        def new_event_loop() -> asyncio.AbstractEventLoop:
            return recorder.adopt(original())

        new_event_loop._tradelint = True  # type: ignore[attr-defined]
        self._patch(uvloop, "new_event_loop", new_event_loop)

    def loops_closed(self, test: str) -> None:
        """The test's tasks still pending on a loop closed by now: a loop whose close could not be
        patched (uvloop's, closed by pytest-asyncio's fixture) left them behind."""
        for record in self.open_records(test):
            task = record.ref() if record.family == "task" and record.ref is not None else None
            if isinstance(task, asyncio.Task) and not task.done() and task.get_loop().is_closed() and not _kept(task):
                record.reported = True
                self._leak(record, "task_pending_at_loop_close")

    def instrument_imported(self) -> None:
        """Wrap the resource classes whose modules are imported by now (the plugin never imports
        a library itself); called again before each test, for the libraries imported since."""
        self._instrument_uvloop()
        # The backports of asyncio.Runner before Python 3.11: anyio's own, and the one
        # pytest-asyncio uses (backports.asyncio.runner).
        for name in ("anyio._backends._asyncio", "backports.asyncio.runner.runner"):
            module = sys.modules.get(name)
            if module is not None:
                self._patch_cancel_all(module)
        for name, method in list(self._pending_classes.items()):
            module_name, _, attribute = name.rpartition(".")
            module = sys.modules.get(module_name)
            if module is None:
                continue
            del self._pending_classes[name]
            cls = getattr(module, attribute, None)
            if isinstance(cls, type) and cls not in self._instrumented:
                self._instrument(cls, method)

    def _instrument(self, cls: type, method: str) -> None:
        recorder = self
        original_init: Callable[..., None] = getattr(cls, "__init__")
        original_close = getattr(cls, method, None)
        if original_close is None:
            return
        self._instrumented.add(cls)
        what = f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"

        @functools.wraps(original_init)
        def __init__(self: object, *args: Any, **kwargs: Any) -> None:
            # A resource made by another one's constructor (the session's own connector) is
            # that one's to close: only the outer one is a creation site.
            if not recorder.constructing:
                recorder.resource_created(self, what if type(self) is cls else type(self).__qualname__)
                # So is one made just before and handed over (``ClientSession(connector=...)``).
                recorder.handed_over((*args, *kwargs.values()))
            recorder.constructing += 1
            try:
                original_init(self, *args, **kwargs)
            finally:
                recorder.constructing -= 1

        if inspect.iscoroutinefunction(original_close):

            @functools.wraps(original_close)
            async def close_async(self: object, *args: Any, **kwargs: Any) -> Any:
                result = await original_close(self, *args, **kwargs)
                recorder.resource_closed(self)
                return result

            new_close: object = close_async
        else:

            @functools.wraps(original_close)
            def close_sync(self: object, *args: Any, **kwargs: Any) -> Any:
                recorder.resource_closed(self)
                return original_close(self, *args, **kwargs)

            new_close = close_sync
        self._patch(cls, "__init__", __init__)
        self._patch(cls, method, new_close)

    def uninstall(self) -> None:
        for owner, name, previous in reversed(self._patches):
            if previous is None:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)
        self._patches.clear()


def _mark_closed(record: _Record, _: object) -> None:
    record.closed = True


_KEEPERS = (set, list, weakref.WeakSet)


def _kept(task: asyncio.Task[Any]) -> bool:
    """Held by a keeper until done, as asyncio's documentation (and TRD301's fix) does it: a done
    callback that drops it from a set or list (``task.add_done_callback(background_tasks.discard)``).
    Such a task running when its loop closes is a fire-and-forget task the program meant to keep;
    the loop's shutdown cancels it, no rule flags it, and it is not reported."""
    for entry in getattr(task, "_callbacks", None) or ():
        callback = entry[0] if isinstance(entry, tuple) else entry
        if getattr(callback, "__name__", "") in ("discard", "remove") and isinstance(
            getattr(callback, "__self__", None), _KEEPERS
        ):
            return True
    return False
