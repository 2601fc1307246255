"""Session 56 (applications): first-party objects that never hold anything, kept through a
setup method returning ``self``, and aiohttp responses without a body (TRD201).

A first-party class whose ``__init__`` acquires nothing and whose acquisitions are made by other
methods (``start()``) holds nothing until one of them runs on the instance. A test that builds
one and hands it to another object (``Panel(hub)``) without ever starting it leaks nothing, as
long as no code of the project can call an opening method on that instance: every spelling
``<x>.start`` has as receiver ``self``, a local made by a constructor there, or an attribute no
code stores anything at.

A method returning its own instance (``-> Self``, ``return self``) gives the object itself:
``store[key] = await entry.setup()`` stores ``entry`` as ``store[key] = entry`` would (twin: a
setup returning a flag stores the flag).

Twins: the function starts it itself; a private list that may hold it (filled with what a
method is given) is started; the object it is given to starts it (``self._hub.start()``
through a stored attribute); a function it is given to starts it (a parameter); a class whose
``__init__`` opens its session; an object returned to code out of the project.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings

HUB = """\
import aiohttp


class Hub:
    def __init__(self, name: str) -> None:
        self.name = name
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()

    def label(self) -> str:
        return self.name


class Panel:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    def title(self) -> str:
        return self._hub.label()


async def boot(name: str) -> None:
    hub = Hub(name)
    try:
        await hub.start()
    finally:
        await hub.stop()


def test_panel() -> None:
    hub = Hub("a")
    assert Panel(hub).title() == "a"


async def test_started() -> None:
    hub = Hub("a")
    await hub.start()
    assert Panel(hub).title() == "a"
"""

STARTER = HUB + """

class Runner:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    async def run(self) -> None:
        await self._hub.start()


def test_runner() -> None:
    hub = Hub("b")
    assert Runner(hub) is not None
"""

OPENER = HUB + """

async def open_hub(hub: Hub) -> None:
    await hub.start()


def test_opened() -> None:
    hub = Hub("c")
    assert Panel(hub).title() == "c"
"""

EAGER = """\
import aiohttp


class Hub:
    def __init__(self, name: str) -> None:
        self.name = name
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        await self._session.close()

    def label(self) -> str:
        return self.name


class Panel:
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    def title(self) -> str:
        return self._hub.label()


def test_panel() -> None:
    hub = Hub("a")
    assert Panel(hub).title() == "a"
"""

RETURNED = HUB + """

def make_panel(name: str) -> Panel:
    hub = Hub(name)
    return Panel(hub)
"""

ENTRIES = """\
from typing import Self

import aiohttp


class Entry:
    def __init__(self, name: str) -> None:
        self.name = name
        self._session: aiohttp.ClientSession | None = None

    async def setup(self) -> Self:
        self._session = aiohttp.ClientSession()
        return self

    async def prepare(self) -> "Entry":
        self._session = aiohttp.ClientSession()
        return self

    async def check(self) -> bool:
        self._session = aiohttp.ClientSession()
        return True

    async def unload(self) -> None:
        if self._session is not None:
            await self._session.close()


class Manager:
    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._checked: dict[str, bool] = {}

    async def add(self, key: str) -> None:
        entry = Entry(key)
        self._entries[key] = await entry.setup()

    async def add_prepared(self, key: str) -> None:
        entry = Entry(key)
        self._entries[key] = await entry.prepare()

    async def add_checked(self, key: str) -> None:
        entry = Entry(key)
        self._checked[key] = await entry.check()

    async def close(self) -> None:
        for entry in self._entries.values():
            await entry.unload()
"""


def test_an_object_never_started_and_only_handed_on_is_not_reported(tmp_path: Path) -> None:
    # ``test_panel``: nothing calls ``start`` on its hub (``boot()`` starts a hub it makes);
    # ``test_started`` starts its own and never stops it.
    assert source_findings(tmp_path, HUB, "TRD201") == [
        "42:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`",
    ]


def test_an_object_started_by_the_one_it_is_given_to_stays_reported(tmp_path: Path) -> None:
    # ``Runner.run()`` starts ``self._hub``: an attribute that holds what it is given (and
    # ``Panel`` keeps its hub at an attribute of the same name: ``test_panel`` is reported too).
    assert source_findings(tmp_path, STARTER, "TRD201") == [
        "37:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "42:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`",
        "56:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]


def test_an_object_a_function_of_the_project_may_start_stays_reported(tmp_path: Path) -> None:
    # ``open_hub(hub)`` starts what it is given: any hub handed on may be one of those.
    assert source_findings(tmp_path, OPENER, "TRD201") == [
        "37:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "42:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`",
        "52:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]


def test_an_object_that_opens_in_its_constructor_stays_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, EAGER, "TRD201") == [
        "25:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]


def test_an_object_returned_inside_another_stays_reported(tmp_path: Path) -> None:
    # ``return Panel(hub)``: code out of the project may start it through what it gets.
    assert source_findings(tmp_path, RETURNED, "TRD201") == [
        "42:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`",
        "48:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]


def test_a_setup_returning_its_instance_keeps_it_where_its_result_is_stored(tmp_path: Path) -> None:
    # ``self._entries[key] = await entry.setup()`` with ``setup() -> Self`` (or every ``return``
    # returning ``self``) stores the entry, which ``close()`` unloads; ``check()`` returns a
    # flag: what is stored is not the entry, which nothing ends.
    assert source_findings(tmp_path, ENTRIES, "TRD201") == [
        "42:9 TRD201 `entry` (`Entry(...)`) is never closed; call `await entry.unload()` in a `finally`",
    ]


PROBE = """\
import aiohttp


async def alive(session: aiohttp.ClientSession, url: str) -> bool:
    response = await session.head(url)
    return response.status < 300


async def alive_by_method(session: aiohttp.ClientSession, url: str) -> bool:
    response = await session.request("head", url)
    return response.status < 300


async def fetched(session: aiohttp.ClientSession, url: str) -> bool:
    response = await session.get(url)
    return response.status < 300


async def fetched_by_method(session: aiohttp.ClientSession, url: str) -> bool:
    response = await session.request("GET", url)
    return response.status < 300
"""


def test_a_head_response_holds_no_connection(tmp_path: Path) -> None:
    # aiohttp parses a HEAD response with ``skip_payload``: its empty payload's ``on_eof`` runs
    # ``_response_eof`` at once, which releases the connection. A GET response keeps it.
    assert source_findings(tmp_path, PROBE, "TRD201") == [
        "15:5 TRD201 `response` (`session.get(...)`) is never read nor released; call `response.release()` in a `finally`",
        "20:5 TRD201 `response` (`session.request(...)`) is never read nor released; call `response.release()` in a `finally`",
    ]


FLEET = HUB + """

class Fleet:
    def __init__(self) -> None:
        self._hubs: list[Hub] = []

    def build(self) -> None:
        self._hubs.append(Hub("x"))

    async def start_all(self) -> None:
        for hub in self._hubs:
            await hub.start()

    async def stop_all(self) -> None:
        for hub in self._hubs:
            await hub.stop()
"""

ADOPTING = FLEET + """

    def adopt(self, hub: Hub) -> None:
        self._hubs.append(hub)
"""


def test_a_private_list_filled_with_constructions_holds_no_object_made_elsewhere(tmp_path: Path) -> None:
    # ``Fleet.start_all()`` starts the hubs of ``self._hubs``, which only ``Hub("x")`` fills:
    # the hub of ``test_panel`` is never one of them.
    assert source_findings(tmp_path, FLEET, "TRD201") == [
        "42:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`",
    ]


def test_a_private_list_filled_with_what_it_is_given_may_hold_it(tmp_path: Path) -> None:
    # ``adopt(hub)`` puts any hub in ``self._hubs``, and ``start_all()`` starts them.
    assert source_findings(tmp_path, ADOPTING, "TRD201") == [
        "37:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "42:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`",
    ]


HUB_MODULE = HUB.split("\n\nclass Panel")[0] + "\n"

UNREAD = """\
from app.hub import Hub
from app.absent import Broker


def test_broker() -> None:
    hub = Hub("a")
    assert Broker(hub=hub) is not None
"""

READ = UNREAD.replace("from app.absent import Broker", "from app.broker import Broker")

BROKER = """\
class Broker:
    def __init__(self, hub: object) -> None:
        self.hub = hub
"""


def test_an_object_given_to_code_of_the_project_that_cannot_be_read_stays_reported(tmp_path: Path) -> None:
    # ``app.absent`` is a module of the project's own package that is not here: what ``Broker``
    # does with the hub is not known. Once ``app/broker.py`` is read, it is known to start nothing.
    files = {"app/__init__.py": "", "app/hub.py": HUB_MODULE, "app/test_unread.py": UNREAD}
    assert tree_findings(tmp_path / "a", files, "TRD201", project=True) == [
        "test_unread.py:6:5 TRD201 `hub` (`Hub(...)`) is never closed; make it in the coroutine that uses it and close it there",
    ]
    files = {"app/__init__.py": "", "app/hub.py": HUB_MODULE, "app/broker.py": BROKER, "app/test_read.py": READ}
    assert tree_findings(tmp_path / "b", files, "TRD201", project=True) == []
