"""Task helpers the rest of the package calls; judged by the core from this source."""

import asyncio
from typing import Any, Coroutine, Optional, Set

_background: Set["asyncio.Task[Any]"] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
    # Returns the task and keeps nothing: the caller must.
    return asyncio.create_task(coro)


def spawn_kept(coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
    # Keeps a strong reference until the task is done: owned here.
    task = asyncio.create_task(coro)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


class Supervisor:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._tasks: Set["asyncio.Task[Any]"] = set()
        self._current: Optional["asyncio.Task[Any]"] = None

    def start(self, coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        task = self._loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def fire(self, coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        return self._loop.create_task(coro)

    def current(self) -> "Optional[asyncio.Task[Any]]":
        return self._current

    async def restart(self, coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        return self.fire(coro)

    @staticmethod
    def detached(coro: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        return asyncio.create_task(coro)


def supervisor() -> Supervisor:
    return Supervisor(asyncio.get_running_loop())
