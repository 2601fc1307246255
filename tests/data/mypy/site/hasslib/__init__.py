"""A third-party framework with task-creating APIs, one that keeps its tasks and one that does not."""

import asyncio
from typing import Any, Coroutine, Set


class HomeAssistant:
    def __init__(self) -> None:
        self._tasks: Set["asyncio.Task[Any]"] = set()

    def async_create_task(self, target: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        task = asyncio.get_running_loop().create_task(target)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def async_add_job(self, target: Coroutine[Any, Any, Any]) -> "asyncio.Task[Any]":
        return asyncio.get_running_loop().create_task(target)
