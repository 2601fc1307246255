"""The project's own keeper under a name of its own: judged by what it does, not its name."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

T = TypeVar("T", bound="asyncio.Future[Any]")
_held: set[asyncio.Future[Any]] = set()


def retain(task: T) -> T:
    """Hold ``task`` until it is done."""
    _held.add(task)
    task.add_done_callback(_held.discard)
    return task


def held() -> int:
    return len(_held)
