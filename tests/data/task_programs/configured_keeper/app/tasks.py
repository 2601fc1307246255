"""The project's own keeper, named by ``task-keeper`` in pyproject.toml."""

import asyncio
from typing import Any, TypeVar

F = TypeVar("F", bound="asyncio.Future[Any]")
_running: "set[asyncio.Future[Any]]" = set()


def keep(task: F) -> F:
    _running.add(task)
    task.add_done_callback(_running.discard)
    print("kept by app.tasks.keep")
    return task
