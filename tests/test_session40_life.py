"""Session 40 (issue 28 point 5): the hand-off chain to an end of life, seen from the class.

A first-party class closes what it holds (``self._sio``) only in its own ends (``__aexit__``, a
public ``stop()``), and otherwise only where it makes it again (``refresh()``: disconnect, then a
new connection). Every instance the project makes is handed to a holder (a coordinator keeping it
on ``self``) kept in a framework's per-instance store (``entry.runtime_data``, aiohttp's
``app[...]``), and the end of life the framework calls (``async_unload_entry``, ``on_cleanup``)
reaches no end of it: no close of the attribute ever runs. Reported where the class makes the
attribute (iprak/sensi ``9ec66e57``: the ``socketio.AsyncClient`` of a ``SensiClient`` closed only
in ``__aexit__``, kept by the coordinator in ``entry.runtime_data``).

Each shape has its negative twin: an unload that calls the end through the chain, a holder whose
release calls it, an end of life that enters the instance, a class that also closes the attribute
in a public method anyone may call, a class whose end another method calls, an instance given
to an unknown callable (ownership unproven: not judged).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD202", project=True)

CLIENT = """\
import socketio


class Client:
    def __init__(self, hass):
        self._hass = hass
        self._sio = None

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self._disconnect()

    async def start(self):
        await self._connect()

    async def refresh(self):
        await self._disconnect()
        await self._connect()

    async def _connect(self):
        sio = self._sio = socketio.AsyncClient()
        await sio.connect("https://example.invalid")

    async def _disconnect(self):
        if self._sio:
            await self._sio.disconnect()
            self._sio = None
"""

# The same class with a public end, ``stop()``, beside ``__aexit__``.
CLIENT_STOP = CLIENT + """
    async def stop(self):
        await self._disconnect()
"""

COORDINATOR = """\
import asyncio

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .client import Client


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, client: Client):
        super().__init__(hass, None, name="demo")
        self.client = client
        self._lock = asyncio.Lock()

    async def _async_update_data(self):
        async with self._lock:
            await self.client.refresh()
"""

SETUP = """\
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .client import Client
from .coordinator import Coordinator


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    client = Client(hass)
    await client.start()
    entry.runtime_data = Coordinator(hass, client)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
UNLOAD    return await hass.config_entries.async_unload_platforms(entry, ["sensor"])
"""

REPORTED = (
    "client.py:23:9 TRD202 `self._sio` is closed only by `Client.{end}()`, which nothing calls on the one kept in "
    "`entry.runtime_data`; call it where that ends"
)


def _integration(tmp_path: Path, client: str = CLIENT, coordinator: str = COORDINATOR, unload: str = "") -> list[str]:
    folder = "custom_components/demo/"
    return _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": SETUP.replace("UNLOAD", unload),
        folder + "client.py": client,
        folder + "coordinator.py": coordinator,
    })


def test_closed_only_by_an_exit_no_unload_reaches(tmp_path: Path) -> None:
    # The client's ``__aexit__`` is its only end; ``refresh()`` closes and connects again (the
    # object's use); the coordinator keeps it in ``entry.runtime_data`` and the unload ends nothing.
    assert _integration(tmp_path) == [REPORTED.format(end="__aexit__")]


def test_closed_only_by_ends_no_unload_reaches(tmp_path: Path) -> None:
    # A public ``stop()`` that nothing calls is no end either.
    assert _integration(tmp_path, client=CLIENT_STOP) == [REPORTED.format(end="stop")]


def test_unload_calls_the_end_through_the_chain(tmp_path: Path) -> None:
    # The twin: the unload reaches the client through the coordinator and stops it.
    unload = "    coordinator = entry.runtime_data\n    await coordinator.client.stop()\n"
    assert _integration(tmp_path, client=CLIENT_STOP, unload=unload) == []


def test_holder_release_calls_the_end(tmp_path: Path) -> None:
    # The twin: the coordinator's own release stops the client, and the unload calls that release.
    coordinator = COORDINATOR + "\n    async def async_shutdown(self):\n        await self.client.stop()\n"
    unload = "    await entry.runtime_data.async_shutdown()\n"
    assert _integration(tmp_path, client=CLIENT_STOP, coordinator=coordinator, unload=unload) == []


def test_end_of_life_enters_the_instance(tmp_path: Path) -> None:
    # The twin: the instance is entered where it is kept (``async with self.client``): its
    # ``__aexit__`` runs.
    coordinator = COORDINATOR.replace("async with self._lock:", "async with self.client:")
    assert _integration(tmp_path, coordinator=coordinator) == []


def test_public_method_also_closes(tmp_path: Path) -> None:
    # The twin: a public method that closes it without making it again (anyone may call it).
    client = CLIENT + "\n    async def pause(self):\n        await self._disconnect()\n"
    assert _integration(tmp_path, client=client) == []


def test_end_called_by_another_method(tmp_path: Path) -> None:
    # The twin: ``run()`` ends in the class's own ``stop()``: the close runs whenever it does.
    client = CLIENT_STOP + "\n    async def run(self):\n        try:\n            await self.start()\n        finally:\n            await self.stop()\n"
    assert _integration(tmp_path, client=client) == []


def test_instance_given_to_an_unknown_callable(tmp_path: Path) -> None:
    # The twin: handed to a library's callable and kept nowhere of the project's: ownership is
    # unproven (the callable may close it), so the class is not judged.
    setup = SETUP.replace("entry.runtime_data = Coordinator(hass, client)", "register_client(hass, client)").replace(
        "from .client import Client\n", "from .client import Client\nfrom somelib import register_client\n")
    folder = "custom_components/demo/"
    found = _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": setup.replace("UNLOAD", ""),
        folder + "client.py": CLIENT,
    })
    assert found == []


APP_CLIENT = """\
import aiohttp


class Feed:
    def __init__(self):
        self._session = None

    async def open(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()
"""

APP = """\
from aiohttp import web

from .feed import Feed


class Hub:
    def __init__(self, feed):
        self.feed = feed


async def on_startup(app):
    feed = Feed()
    await feed.open()
    app["hub"] = Hub(feed)


async def on_cleanup(app):
CLEANUP    app.pop("hub", None)


def make_app():
    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
"""


def _app(tmp_path: Path, cleanup: str = "") -> list[str]:
    return _check_tree(tmp_path, {"svc/__init__.py": "", "svc/feed.py": APP_CLIENT, "svc/app.py": APP.replace("CLEANUP", cleanup)})


def test_aiohttp_cleanup_reaches_no_end(tmp_path: Path) -> None:
    # The feed's ``close()`` is its only end; the hub keeps it in ``app["hub"]``; ``on_cleanup``
    # drops the hub and never closes the feed.
    assert _app(tmp_path) == [
        "feed.py:9:9 TRD202 `self._session` is closed only by `Feed.close()`, which nothing calls on the one kept in "
        "`app['hub']`; call it where that ends"
    ]


def test_aiohttp_cleanup_closes_through_the_holder(tmp_path: Path) -> None:
    assert _app(tmp_path, cleanup="    await app['hub'].feed.close()\n") == []


# A local dict then a holder: one client per host, cached in a dict of the setup's own (looked up
# with ``get``, stored into), handed to a controller that the entry keeps in ``hass.data``.
FOX_CLIENT = """\
import aiohttp


class Client:
    def __init__(self, hass, host):
        self._host = host
        self._session = aiohttp.ClientSession()

    async def read(self):
        return await self._session.get(self._host)

    async def close(self):
        await self._session.close()
"""

FOX_CONTROLLER = """\
class Controller:
    def __init__(self, hass, client):
        self._client = client
        self._listeners = []

    def unload(self):
        for listener in self._listeners:
            listener()
        self._listeners.clear()
"""

FOX_SETUP = """\
from .client import Client
from .controller import Controller

DOMAIN = "demo"


async def async_setup_entry(hass, entry):
    controllers = []
    clients = {}
    for host in entry.data["hosts"]:
        client = clients.get(host)
        if client is None:
            client = Client(hass, host)
            clients[host] = client
        controllers.append(Controller(hass, client))
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = controllers
KEEP    return True


async def async_unload_entry(hass, entry):
    for controller in hass.data[DOMAIN][entry.entry_id]:
        AWAITcontroller.unload()
UNLOAD    hass.data[DOMAIN].pop(entry.entry_id)
    return True
"""


def _fox(tmp_path: Path, controller: str = FOX_CONTROLLER, keep: str = "", unload: str = "", awaited: bool = False) -> list[str]:
    folder = "custom_components/demo/"
    setup = FOX_SETUP.replace("KEEP", keep).replace("UNLOAD", unload).replace("AWAIT", "await " if awaited else "")
    return tree_findings(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}',
        folder + "__init__.py": setup,
        folder + "client.py": FOX_CLIENT,
        folder + "controller.py": controller,
    }, select="TRD2", project=True)


def test_local_dict_then_holder_unload_never_closes(tmp_path: Path) -> None:
    # The dict dies with the setup's frame: it takes nothing over. The controller keeps the client
    # in ``hass.data`` and its ``unload()`` ends only listeners: both ends of the chain reported.
    holder = "`hass...entry_id]`"  # (the message cuts a long name in the middle)
    assert _fox(tmp_path) == [
        f"__init__.py:13:13 TRD201 `client` lives on in {holder} after the function, never closed; close it where that ends",
        f"client.py:7:9 TRD202 `self._session` is closed only by `Client.close()`, which nothing calls on the one kept in {holder}; "
        "call it where that ends",
    ]


def test_local_dict_then_holder_whose_unload_closes(tmp_path: Path) -> None:
    # The twin: the controller's ``unload()`` closes the client, and the entry's unload awaits it.
    controller = FOX_CONTROLLER.replace("    def unload(self):", "    async def unload(self):") + "        await self._client.close()\n"
    assert _fox(tmp_path, controller=controller, awaited=True) == []


def test_local_dict_kept_and_closed_at_unload(tmp_path: Path) -> None:
    # The twin (the maintainers' fix): the dict's clients are kept for the entry and closed at unload.
    keep = '    hass.data[DOMAIN]["clients"] = clients.values()\n'
    unload = '    for client in hass.data[DOMAIN]["clients"]:\n        await client.close()\n'
    assert _fox(tmp_path, keep=keep, unload=unload) == []


def test_kept_directly_for_the_entry(tmp_path: Path) -> None:
    # The chain of one step: the client itself in ``entry.runtime_data``, and an unload that ends nothing.
    folder = "custom_components/demo/"
    setup = SETUP.replace("entry.runtime_data = Coordinator(hass, client)", "entry.runtime_data = client")
    found = _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}', folder + "__init__.py": setup.replace("UNLOAD", ""), folder + "client.py": CLIENT})
    assert found == [REPORTED.format(end="__aexit__")]


def test_kept_directly_and_entered_at_unload(tmp_path: Path) -> None:
    # The twin: the unload ends it by its own protocol (``__aexit__`` by hand).
    folder = "custom_components/demo/"
    setup = SETUP.replace("entry.runtime_data = Coordinator(hass, client)", "entry.runtime_data = client")
    unload = "    await entry.runtime_data.__aexit__(None, None, None)\n"
    found = _check_tree(tmp_path, {
        folder + "manifest.json": '{"domain": "demo"}', folder + "__init__.py": setup.replace("UNLOAD", unload), folder + "client.py": CLIENT})
    assert found == []


LIFESPAN = """\
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .feed import Feed


class Hub:
    def __init__(self, feed):
        self.feed = feed


@asynccontextmanager
async def lifespan(app):
    feed = Feed()
    await feed.open()
    hub = Hub(feed)
    app.state.hub = hub
    yield
EXIT

app = FastAPI(lifespan=lifespan)
"""


def test_lifespan_exit_reaches_no_end(tmp_path: Path) -> None:
    # FastAPI's lifespan: the hub kept in ``app.state`` outlives the ``yield``; nothing after it
    # closes the feed.
    found = _check_tree(tmp_path, {"svc/__init__.py": "", "svc/feed.py": APP_CLIENT, "svc/app.py": LIFESPAN.replace("EXIT", "")})
    assert found == [
        "feed.py:9:9 TRD202 `self._session` is closed only by `Feed.close()`, which nothing calls on the one kept in "
        "`app...hub`; call it where that ends"
    ]


def test_lifespan_exit_closes_through_the_holder(tmp_path: Path) -> None:
    exit_ = "    await hub.feed.close()\n"
    found = _check_tree(tmp_path, {"svc/__init__.py": "", "svc/feed.py": APP_CLIENT, "svc/app.py": LIFESPAN.replace("EXIT", exit_)})
    assert found == []
