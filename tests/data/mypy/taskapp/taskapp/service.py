"""Calls whose result is a task, discarded or not, made through names only types resolve."""

import asyncio
from typing import Any, TypeVar

from hasslib import HomeAssistant

from taskapp import runtime
from taskapp.runtime import Supervisor, spawn, spawn_kept


async def poll() -> None:
    await asyncio.sleep(1)


def blocking() -> int:
    return 1


class Service:
    def __init__(self, sup: Supervisor, ev: asyncio.AbstractEventLoop, hass: HomeAssistant) -> None:
        self.sup = sup
        # A loop under a name that does not say "loop": only its type tells.
        self.ev = ev
        self.hass = hass

    async def run(self, existing: "asyncio.Task[Any]") -> None:
        spawn(poll())
        runtime.spawn(poll())
        spawn_kept(poll())
        self.sup.fire(poll())
        runtime.supervisor().fire(poll())
        Supervisor.detached(poll())
        self.sup.start(poll())
        self.sup.current()
        self.ev.create_task(poll())
        asyncio.create_task(poll())
        asyncio.ensure_future(poll())
        asyncio.ensure_future(existing)
        self.hass.async_create_task(poll())
        self.hass.async_add_job(poll())
        await self.sup.restart(poll())
        self.ev.run_in_executor(None, blocking)
        kept = spawn(poll())
        self.tasks = [self.sup.fire(poll())]
        async with asyncio.TaskGroup() as group:
            group.create_task(poll())
        await kept


T = TypeVar("T", int, str)


def schedule(value: T) -> T:
    # mypy checks this body once per value of T, on copies of it.
    asyncio.create_task(poll())
    spawn(poll()).cancel()
    return value
