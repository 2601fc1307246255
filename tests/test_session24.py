"""Session 24 (issue 28): rules from the dev halves' misses, each with its negative twin."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ha_integration, preview_messages

# Issue 28, point 6: a timer kept on an entity and re-armed by the event that starts it
# (``cancel`` then a new ``hass.async_create_task``) is restarted there, not ended. An integration
# whose stop listener reaches that method by name (a gateway's stop that updates every entity)
# used to count the re-arm as the task's end at the stop (AlexxIT/XiaomiGateway3 ``9bbf7e92``).
SENSOR = """\
import asyncio

from homeassistant.components.binary_sensor import BinarySensorEntity
from homeassistant.const import EVENT_HOMEASSISTANT_STOP


class Motion(BinarySensorEntity):
    _clear_task = None

    async def async_clear_state(self, delay):
        await asyncio.sleep(delay)
        self._attr_is_on = False
        self.async_write_ha_state()

    def async_set_state(self, data):
        if self._clear_task:
            self._clear_task.cancel()
        self._attr_is_on = True
        self._clear_task = self.hass.async_create_task(self.async_clear_state(90))
ENDED

class Gateway:
    def __init__(self, entities):
        self.entities = entities

    async def stop(self, *args):
        for entity in self.entities:
            entity.async_set_state({})


async def async_setup_entry(hass, entry):
    gw = Gateway([])
    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, gw.stop))
    return True


async def async_unload_entry(hass, entry):
    UNLOAD
    return True
"""

ENDED_AT_STOP = """
    async def async_will_remove_from_hass(self):
        self.async_stop()

    def async_stop(self):
        if self._clear_task:
            self._clear_task.cancel()
            self._clear_task = None
"""


def test_a_re_armed_timer_is_not_ended_by_its_re_arm(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, SENSOR.replace("ENDED", ""), "pass")
    assert preview_messages(path, "TRD3") == [
        "19 TRD303 `self._clear_task` delays Home Assistant's stop; cancel it on `EVENT_HOMEASSISTANT_STOP`"
    ]


def test_a_timer_cancelled_by_what_the_stop_reaches_is_ended(tmp_path: Path) -> None:
    # The twin: the stop reaches a method that cancels the timer (and sets it to None), which
    # the entity's removal runs too.
    source = SENSOR.replace("ENDED", ENDED_AT_STOP).replace("entity.async_set_state({})", "entity.async_stop()")
    path = ha_integration(tmp_path, source, "pass")
    assert preview_messages(path, "TRD3") == []


# Issue 28, points 5 and 6: the loop a tracked task runs may be a method of another first-party
# object the class holds (``self.controller.process_write_queue()``, the attribute annotated or
# constructed with its class), and ``hass.create_task`` is the thread-safe way to the same
# tracked task (Pho3niX90/solis_modbus ``d8331b74``). Twins: an attribute of unknown class, a
# method that does not loop, and the task made as the entry's background task.
CONTROLLER = """\
import asyncio


class Controller:
    def __init__(self):
        self.queue = asyncio.Queue()

    async def process_write_queue(self):
        while True:
            request = await self.queue.get()
            await self.write(request)

    async def write(self, request):
        await asyncio.sleep(0.1)

    async def flush_once(self):
        await self.write(await self.queue.get())
"""

RETRIEVAL = """\
from .controller import Controller


class DataRetrieval:
    def __init__(self, hass, controller: Controller, other):
        self.hass = hass
        self.controller: Controller = controller
        self.made = Controller()
        self.other = other

    async def poll(self):
        self.hass.create_task(self.controller.process_write_queue())
        self.hass.async_create_task(self.made.process_write_queue())
        self.hass.async_create_task(self.other.process_write_queue())
        self.hass.async_create_task(self.controller.flush_once())


async def async_setup_entry(hass, entry):
    hass.data["demo"] = DataRetrieval(hass, Controller(), None)
    return True


async def async_unload_entry(hass, entry):
    UNLOAD
    return True
"""


def test_a_loop_of_an_attribute_of_known_class_holds_up_the_stop(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, RETRIEVAL, "pass")
    (path.parent / "controller.py").write_text(CONTROLLER, encoding="utf-8")
    message = "TRD301 task from `{}(...)` delays Home Assistant's stop; make it a background task"
    assert preview_messages(path, "TRD3") == [
        "12 " + message.format("self.hass.create_task"),
        "13 " + message.format("self.hass.async_create_task"),
    ]
    twin = RETRIEVAL.replace("self.hass.create_task(", "entry.async_create_background_task(hass, ")
    path.write_text(twin.replace("UNLOAD", "pass"), encoding="utf-8")
    assert preview_messages(path, "TRD3") == ["13 " + message.format("self.hass.async_create_task")]


# Issue 28, point 1: an ``AsyncExitStack`` owns what is entered into it until its ``aclose()``
# (the MCP clients' way to hold a transport and a session); a class holding one is a resource
# type released by the method that closes the stack, and a local one never closed is reported.
MCP = """\
from contextlib import AsyncExitStack


class McpClient:
    def __init__(self, config):
        self.config = config
        self.exit_stack = AsyncExitStack()

    async def connect(self, transport):
        self.session = await self.exit_stack.enter_async_context(transport)

    async def call(self, name):
        return await self.session.call_tool(name)

    async def cleanup(self):
        await self.exit_stack.aclose()


class Leaky:
    def __init__(self):
        self.exit_stack = AsyncExitStack()

    async def connect(self, transport):
        self.session = await self.exit_stack.enter_async_context(transport)


async def call_tool(config, transport, name):
    client = McpClient(config)
    await client.connect(transport)
    result = await client.call(name)
    await client.cleanup()
    return result


async def call_tool_safely(config, transport, name):
    client = McpClient(config)
    try:
        await client.connect(transport)
        return await client.call(name)
    finally:
        await client.cleanup()


async def enter_all(transports):
    stack = AsyncExitStack()
    for transport in transports:
        await stack.enter_async_context(transport)


async def enter_all_safely(transports):
    async with AsyncExitStack() as stack:
        for transport in transports:
            await stack.enter_async_context(transport)
"""


def test_an_exit_stack_owns_what_is_entered_into_it(tmp_path: Path) -> None:
    path = tmp_path / "mcp.py"
    path.write_text(MCP, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "21 TRD202 `self.exit_stack` is never closed; add a `close()` method that calls its `aclose()`",
        "28 TRD201 `client` (`McpClient(...)`) is closed outside `finally`; move `client.cleanup()` into a `finally`",
        "45 TRD201 `stack` (`AsyncExitStack(...)`) is never closed; open it with `async with`",
    ]


# Issue 28, points 1 and 5: a maker method that constructs one of several clients by
# configuration (``return SseClient(c)`` or ``return StdioClient(c)``) makes what its caller
# owns, and a caller that is not a program's entry (a service's method) goes on after an error:
# closed only on the success path, the client stays open on every failure (letta-ai/letta
# ``c38b1f59``). The client classes live in a package imported through a namespace folder (no
# ``__init__.py`` above it). Twins: closed in ``finally``; the same code in a script's ``main()``,
# whose error ends the program.
CLIENTS = """\
import aiohttp


class SseClient:
    def __init__(self, config):
        self.session = aiohttp.ClientSession()

    async def connect(self):
        await self.session.get("http://localhost/sse")

    async def call(self, name):
        return await self.session.post("http://localhost/call", json=name)

    async def cleanup(self):
        await self.session.close()


class StdioClient(SseClient):
    pass
"""

MANAGER = """\
from letta.services.clients import SseClient, StdioClient


class Manager:
    async def get_client(self, config):
        if config.sse:
            return SseClient(config)
        elif config.stdio:
            return StdioClient(config)
        raise ValueError(config)

    async def execute(self, config, work):
        client = await self.get_client(config)
        await client.connect()
        result = await client.call(work)
        await client.cleanup()
        return result

    async def execute_safely(self, config, work):
        client = await self.get_client(config)
        try:
            await client.connect()
            return await client.call(work)
        finally:
            await client.cleanup()
"""

SCRIPT = """\
from letta.services.clients import SseClient


async def main(config, work):
    client = SseClient(config)
    await client.connect()
    await client.call(work)
    await client.cleanup()
"""


def test_a_client_a_service_closes_only_on_success_stays_open_on_failure(tmp_path: Path) -> None:
    package = tmp_path / "letta" / "services"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "clients.py").write_text(CLIENTS, encoding="utf-8")
    manager = package / "manager.py"
    manager.write_text(MANAGER, encoding="utf-8")
    script = package / "script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    assert preview_messages(manager, "TRD2") == [
        "13 TRD201 `client` (`self.get_client(...)`) is closed outside `finally`; move `client.cleanup()` into a `finally`"
    ]
    # Session 42 (issue 28, point 5): a script's main() no longer excuses it when an ``await``
    # lies between the creation and the close (a failed connect or call skips the cleanup).
    assert preview_messages(script, "TRD2") == [
        "5 TRD201 `client` (`SseClient(...)`) is closed outside `finally`; move `client.cleanup()` into a `finally`"
    ]


# Issue 28, point 1: a first-party client handed to a callee and then closed by its creator was
# lent, not handed over: the creator still owns it, and closes it outside ``finally``. Twin: the
# creator hands it on and never closes it (an owner registered with its new home).
LENT = """\
import aiohttp


class Client:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def cleanup(self):
        await self.session.close()


async def lent(work):
    client = Client()
    await work(client)
    await client.cleanup()


async def handed_on(registry):
    client = Client()
    await registry.add(client)
"""


def test_a_client_lent_to_a_callee_is_still_its_creators(tmp_path: Path) -> None:
    path = tmp_path / "lent.py"
    path.write_text(LENT, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "13 TRD201 `client` (`Client(...)`) is closed outside `finally`; move `client.cleanup()` into a `finally`"
    ]


# Issue 28, point 5: an entity's timer on itself, thrown away, outlives the entity's removal and
# then acts on the removed entity (ramses-rf/ramses_cc ``5fa5458f``). Twins: kept and cancelled at
# removal, a pause under 10 s, a task that does not sleep, and the same timer in a class that is
# no entity.
ENTITY = """\
import asyncio

from homeassistant.components.number import NumberEntity


class Param(NumberEntity):
    _pending = None

    async def _clear_after(self, timeout):
        await asyncio.sleep(timeout)
        self._attr_native_value = None
        self.async_write_ha_state()

    async def _refresh(self):
        self.async_write_ha_state()

    def request(self):
        self.hass.async_create_task(self._clear_after(30))
        self.hass.async_create_task(self._clear_after(1))
        self.hass.async_create_task(self._refresh())

    def request_kept(self):
        if self._pending is not None:
            self._pending.cancel()
        self._pending = self.hass.async_create_task(self._clear_after(30))

    async def async_will_remove_from_hass(self):
        if self._pending is not None:
            self._pending.cancel()


class Helper:
    def __init__(self, hass):
        self.hass = hass

    async def _clear_after(self, timeout):
        await asyncio.sleep(timeout)

    def request(self):
        self.hass.async_create_task(self._clear_after(30))


async def async_setup_entry(hass, entry):
    return True


async def async_unload_entry(hass, entry):
    UNLOAD
    return True
"""


def test_an_entitys_timer_thrown_away_outlives_the_entity(tmp_path: Path) -> None:
    path = ha_integration(tmp_path, ENTITY, "pass")
    # (The kept one is ended at removal: what is left of it is that the stop waits for it.)
    assert preview_messages(path, "TRD3") == [
        "18 TRD301 timer task from `self...async_create_task(...)` outlives the entity; keep it and cancel it in "
        "`async_will_remove_from_hass()`",
        "25 TRD303 `self._pending` delays Home Assistant's stop; cancel it on `EVENT_HOMEASSISTANT_STOP`",
    ]


# Exits that leak nothing: ``raise SystemExit`` ends the process with what it opened, and a
# ``raise`` inside a ``try`` whose handlers catch everything and go on is no exit (lablup/
# backend.ai's exit stack, entered by hand and closed after the ``yield``). Twins: a plain
# ``raise`` before the handing on, and one whose handler re-raises.
EXITS = """\
import contextlib

import aiohttp


class Hub:
    def __init__(self, session):
        self.session = session


async def cli(args):
    session = aiohttp.ClientSession()
    if not args.ok:
        raise SystemExit(1)
    async with session:
        return await session.get(args.url)


async def leaky(args):
    session = aiohttp.ClientSession()
    if not args.ok:
        raise ValueError(args)
    async with session:
        return await session.get(args.url)


@contextlib.asynccontextmanager
async def server(args, log):
    stack = contextlib.AsyncExitStack()
    await stack.__aenter__()
    try:
        await stack.enter_async_context(aiohttp.ClientSession())
        if args.root:
            raise ValueError("user must be given")
    except Exception:
        log.exception("start-up failed")
    try:
        yield
    finally:
        await stack.__aexit__(None, None, None)


@contextlib.asynccontextmanager
async def server_reraising(args, log):
    stack = contextlib.AsyncExitStack()
    await stack.__aenter__()
    try:
        await stack.enter_async_context(aiohttp.ClientSession())
        if args.root:
            raise ValueError("user must be given")
    except Exception:
        log.exception("start-up failed")
        raise
    try:
        yield
    finally:
        await stack.__aexit__(None, None, None)
"""


def test_exits_that_end_the_process_or_are_caught_leak_nothing(tmp_path: Path) -> None:
    path = tmp_path / "exits.py"
    path.write_text(EXITS, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "20 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks on an exit before it is handed on; call its "
        "`close()` on that path",
        "45 TRD201 `stack` (`contextlib.AsyncExitStack(...)`) leaks on an exit before its `try`; create it just "
        "before it",
    ]


# Issue 28, point 5: closed only by the ``except Exception`` cleanup of a connect and returned on
# success (hikari's shard transport): a cancellation skips the cleanup. Twin: ``except
# BaseException``, which a cancellation reaches.
RETURNED = """\
import contextlib

import aiohttp


class Transport:
    def __init__(self, ws, exit_stack):
        self.ws = ws
        self.exit_stack = exit_stack


async def connect(url):
    exit_stack = contextlib.AsyncExitStack()
    try:
        session = await exit_stack.enter_async_context(aiohttp.ClientSession())
        ws = await exit_stack.enter_async_context(session.ws_connect(url))
        return Transport(ws=ws, exit_stack=exit_stack)
    except Exception:
        await exit_stack.aclose()
        raise


async def connect_safely(url):
    exit_stack = contextlib.AsyncExitStack()
    try:
        session = await exit_stack.enter_async_context(aiohttp.ClientSession())
        ws = await exit_stack.enter_async_context(session.ws_connect(url))
        return Transport(ws=ws, exit_stack=exit_stack)
    except BaseException:
        await exit_stack.aclose()
        raise
"""


def test_a_cleanup_on_failure_of_what_is_returned_misses_the_cancellation(tmp_path: Path) -> None:
    path = tmp_path / "transport.py"
    path.write_text(RETURNED, encoding="utf-8")
    assert preview_messages(path, "TRD2") == [
        "13 TRD201 `exit_stack` (`contextlib.AsyncExitStack(...)`) is closed only in an `except` that cancellation "
        "skips"
    ]


def test_the_word_index_reads_a_packed_fix_overlay_once_per_text(tmp_path: Path) -> None:
    # Issue 34: in a bounded ``--fix`` the overlay keeps each file compressed and decodes it
    # anew when asked; the word index asked for the text each time it met the file (a registry
    # of 12,800 modules: past 300 s). What stands for the text (``version``) answers instead,
    # and a text changed by a fix is read again.
    from tradelint.facts.project_files import _WordIndex
    from tradelint.runner.fixer import Snapshots, SnapshotTexts, SourceFile

    path = tmp_path / "registry.py"
    path.write_text("class Registry:\n    workers = []\n", encoding="utf-8")
    snapshots = Snapshots(packed=True)
    snapshots.add(path, SourceFile.read(path))
    overlay = SnapshotTexts(snapshots)
    index = _WordIndex()
    first, words = index.text(path, overlay)
    again, _ = index.text(path, overlay)
    assert again is first and b"Registry" in words
    overlay[path] = "class Renamed:\n    pass\n"
    changed, words = index.text(path, overlay)
    assert changed == b"class Renamed:\n    pass\n" and b"Renamed" in words and b"Registry" not in words
