"""Session 72: a test's subclass of a first-party client that overrides what opens holds nothing
(issue 28 point 8, false positives; mistralai/mistral-vibe's tests, 22 TRD201 findings on
``benchmarks/heads70.txt``).

``class _Stub(RemoteClient)`` overrides ``evaluate()``, the only method of ``RemoteClient`` that
reads its lazy ``_client`` getter (which makes an ``httpx.AsyncClient``), and ``aclose()``. An
instance of ``_Stub`` runs none of the base's acquiring code: handed to ``Manager(client=...)`` in
the place of the ``RemoteClient()`` the manager would make, it is a stand-in, and the manager holds
nothing. An acquisition stays live when its method is not overridden, when the override calls
``super()``'s, or when it is public (anyone may call it) or named by another method that still
runs. Twins: each of those is still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CLIENT = '''\
from __future__ import annotations

import httpx


class RemoteClient:
    def __init__(self, url=None):
        self._url = url
        self._http = None

    @property
    def _client(self):
        if self._http is None:
            self._http = httpx.AsyncClient()
        return self._http

    async def evaluate(self, payload):
        response = await self._client.post(self._url, json=payload)
        return response.json()

    async def aclose(self):
        if self._http is not None:
            await self._http.aclose()


class EagerClient:
    def __init__(self):
        self._http = httpx.AsyncClient()

    async def fetch(self):
        return await self._http.get("/")

    async def aclose(self):
        await self._http.aclose()


class Manager:
    def __init__(self, client: RemoteClient | None = None) -> None:
        self._client = client if client is not None else RemoteClient()
        self._response = None

    async def initialize(self, payload):
        self._response = await self._client.evaluate(payload)

    async def aclose(self):
        await self._client.aclose()
'''

TEST = '''\
import pytest

from app.client import EagerClient, Manager, RemoteClient


class _Stub(RemoteClient):
    def __init__(self, response):
        self._response = response

    EVALUATE

    async def aclose(self):
        pass


@pytest.mark.asyncio
async def test_initialize():
    manager = Manager(client=_Stub({}))
    await manager.initialize({})
    assert manager._response == {}
'''

OVERRIDE = "async def evaluate(self, payload):\n        return self._response"
FINDING = "test_manager.py:18:5 TRD201 `manager` (`Manager(...)`) is never closed; call `await manager.aclose()` in a `finally`"


def _check(tmp_path: Path, test: str) -> list[str]:
    files = {"app/__init__.py": "", "app/client.py": CLIENT, "tests/test_manager.py": test}
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_a_subclass_overriding_the_only_user_of_the_lazy_getter_holds_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, TEST.replace("EVALUATE", OVERRIDE)) == []


def test_twin_the_base_evaluate_still_runs(tmp_path: Path) -> None:
    # Only ``aclose`` is overridden: ``evaluate`` still reads ``_client``, which opens a client.
    assert _check(tmp_path, TEST.replace("EVALUATE", "pass")) == [FINDING]


def test_twin_the_override_calls_the_base(tmp_path: Path) -> None:
    override = "async def evaluate(self, payload):\n        return await super().evaluate(payload)"
    assert _check(tmp_path, TEST.replace("EVALUATE", override)) == [FINDING.replace(":18:", ":19:")]


def test_twin_another_running_method_names_the_getter(tmp_path: Path) -> None:
    override = OVERRIDE + "\n\n    async def ping(self):\n        return await self._client.get('/ping')"
    assert _check(tmp_path, TEST.replace("EVALUATE", override)) == [FINDING.replace(":18:", ":22:")]


LOCAL = '''\
import pytest

from app.client import Manager, RemoteClient


@pytest.mark.asyncio
async def test_scripted():
    class _Scripted(RemoteClient):
        def __init__(self, responses):
            self._responses = responses

        EVALUATE

    manager = Manager(client=_Scripted([{}]))
    await manager.initialize({})
    assert manager._response == {}
'''


def test_a_subclass_the_test_defines_overriding_the_user_holds_nothing(tmp_path: Path) -> None:
    override = "async def evaluate(self, payload):\n            return self._responses.pop(0)"
    assert _check(tmp_path, LOCAL.replace("EVALUATE", override)) == []


def test_twin_a_subclass_the_test_defines_keeping_the_user(tmp_path: Path) -> None:
    assert _check(tmp_path, LOCAL.replace("EVALUATE", "pass")) == [
        "test_manager.py:14:5 TRD201 `manager` (`Manager(...)`) is never closed; call `await manager.aclose()` in a `finally`"
    ]


EAGER = '''\
import pytest

from app.client import EagerClient, Manager


class _Quiet(EagerClient):
    def __init__(self):
        INIT

    async def evaluate(self, payload):
        return {}


@pytest.mark.asyncio
async def test_initialize():
    manager = Manager(client=_Quiet())
    await manager.initialize({})
'''


def test_a_subclass_whose_init_replaces_the_acquiring_init_holds_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, EAGER.replace("INIT", "self._http = None")) == []


def test_twin_the_subclass_init_runs_the_base_init(tmp_path: Path) -> None:
    assert _check(tmp_path, EAGER.replace("INIT", "super().__init__()")) == [
        "test_manager.py:16:5 TRD201 `manager` (`Manager(...)`) is never closed; call `await manager.aclose()` in a `finally`"
    ]


# An ``__aenter__`` whose only await after the creation enters a first-party part whose own
# ``__aenter__`` only returns (mistralai/mistral-vibe's ``TeleportService``): nothing can fail or
# be cancelled after the client is made. Twin: the part's ``__aenter__`` awaits something.
SERVICE = '''\
import httpx


class Repo:
    def __init__(self, path):
        self._path = path

    async def __aenter__(self):
        PART_ENTER

    async def __aexit__(self, *exc):
        pass


class Service:
    def __init__(self, path, client=None):
        self._repo = Repo(path)
        self._client = client
        self._owns = client is None

    async def __aenter__(self):
        if self._client is None:
            self._client = httpx.AsyncClient()
        await self._repo.__aenter__()
        return self

    async def __aexit__(self, *exc):
        await self._repo.__aexit__(*exc)
        if self._owns and self._client is not None:
            await self._client.aclose()
'''


def test_entering_a_part_that_only_returns_cannot_fail(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"service.py": SERVICE.replace("PART_ENTER", "return self")}, "TRD2") == []


def test_twin_entering_a_part_that_awaits_can_fail(tmp_path: Path) -> None:
    enter = "await self.load()\n        return self\n\n    async def load(self):\n        return self._path"
    assert tree_findings(tmp_path, {"service.py": SERVICE.replace("PART_ENTER", enter)}, "TRD2") == [
        "service.py:27:13 TRD202 `self._client` leaks when `__aenter__()` fails after making it; close it there before re-raising"
    ]


# gql's ``Client`` connects its transport only in ``connect_async()``: ``execute`` and the
# others open and close a session of their own (ha-postnl's ``PostNLGraphql``). Twin: a class
# that connects it and never closes it.
GQL = '''\
from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport


class Api:
    def __init__(self, token):
        self.client = Client(transport=RequestsHTTPTransport(url="https://h/graphql", headers={"A": token}))

    def call(self, query):
        return self.client.execute(gql(query))

    CONNECT
'''
COORDINATOR = '''\
from .api import Api


class Coordinator:
    def __init__(self):
        self.api = None

    async def refresh(self, token):
        if self.api is None:
            self.api = Api(token)
        return self.api.call("query { ping }")

    async def async_shutdown(self):
        self.api = None
'''


def _gql(tmp_path: Path, connect: str) -> list[str]:
    files = {"app/__init__.py": "", "app/api.py": GQL.replace("CONNECT", connect), "app/coordinator.py": COORDINATOR}
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_a_gql_client_used_only_by_execute_holds_nothing(tmp_path: Path) -> None:
    assert _gql(tmp_path, "pass") == []


def test_twin_a_gql_client_connected_and_never_closed(tmp_path: Path) -> None:
    connect = "async def connect(self):\n        return await self.client.connect_async()"
    assert _gql(tmp_path, connect) == [
        "api.py:7:9 TRD202 `self.client` is never closed; add a `close()` method that calls its `close_async()`"
    ]


# A class keyword's value (``class Faceit(Cog, category=Category.LOOKUP)``) is given to the
# metaclass, not to a call: reading it while fixing a discarded task crashed the file's check
# (tooruu/arabot's ``faceit.py``, skipped whole).
COG = '''\
import asyncio

from aiohttp import ClientSession

from app.core import Category, Cog


class Faceit(Cog, category=Category.LOOKUP, keys={"FACEIT_KEY"}):
    def __init__(self, loop):
        self.loop = loop
        self.session = ClientSession()

    def cog_unload(self):
        self.loop.create_task(self.session.close())
'''


def test_a_class_keyword_is_read_without_crashing(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/core.py": "class Category:\n    LOOKUP = 1\n\n\nclass Cog:\n    pass\n", "app/faceit.py": COG}
    assert tree_findings(tmp_path, files, "TRD3") == [
        "faceit.py:14:9 TRD301 task from `self.loop.create_task(...)` is discarded; keep it and await or cancel it"
    ]


# A test that patches a class of the project on the way to the resource (``@patch(
# "app.server.Server")``, which ``create_server()`` makes for ``Hub``): every instance made while
# the patch holds is the double, and what it would keep too (jason0x43/hacs-hubitat's tests).
# Twin: a patch of another class of the project leaves the hub judged.
SERVER = '''\
from aiohttp import web


class Server:
    def __init__(self, app):
        self.app = app
        self._runner = None

    async def start(self):
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()

    async def stop(self):
        await self._runner.cleanup()


class Other:
    pass


def create_server(app):
    return Server(app)
'''
HUB = '''\
from .server import create_server


class Hub:
    def __init__(self, app):
        self.app = app
        self._server = None

    async def start(self):
        self._server = create_server(self.app)
        await self._server.start()

    async def stop(self):
        await self._server.stop()
'''
HUB_TEST = '''\
from unittest.mock import patch

import pytest

from app.hub import Hub


@patch("app.server.TARGET")
@pytest.mark.asyncio
async def test_start(mock_server):
    hub = Hub(object())
    await hub.start()
    assert mock_server.called
'''


def _hub(tmp_path: Path, target: str) -> list[str]:
    files = {"app/__init__.py": "", "app/server.py": SERVER, "app/hub.py": HUB, "tests/test_hub.py": HUB_TEST.replace("TARGET", target)}
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_a_patched_class_of_the_project_on_the_way_holds_nothing(tmp_path: Path) -> None:
    assert _hub(tmp_path, "Server") == []


def test_twin_a_patch_of_another_class_of_the_project(tmp_path: Path) -> None:
    assert _hub(tmp_path, "Other") == [
        "test_hub.py:11:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`"
    ]


# discord.py's forks (disnake, nextcord) end a cog by its ``cog_unload()`` and a bot by
# ``close()``; interactions.py ends an extension by its ``drop()`` (LightD31/michel-discord-bot,
# tooruu/arabot: the message asked for a ``close()`` nothing would call).
FRAMEWORK_CLASS = '''\
import aiohttp

from BASE_MODULE import BASE_NAME


class Feature(BASE_NAME):
    def __init__(self, bot):
        self.bot = bot
        self.session = aiohttp.ClientSession()
'''


def test_a_disnake_cog_is_ended_by_cog_unload(tmp_path: Path) -> None:
    source = FRAMEWORK_CLASS.replace("BASE_MODULE", "disnake.ext.commands").replace("BASE_NAME", "Cog")
    assert tree_findings(tmp_path, {"feature.py": source}, "TRD2") == [
        "feature.py:9:9 TRD202 `self.session` is never closed; add a `cog_unload()` method that calls its `close()`"
    ]


def test_a_nextcord_cog_is_ended_by_cog_unload(tmp_path: Path) -> None:
    source = FRAMEWORK_CLASS.replace("BASE_MODULE", "nextcord.ext.commands").replace("BASE_NAME", "Cog")
    assert tree_findings(tmp_path, {"feature.py": source}, "TRD2") == [
        "feature.py:9:9 TRD202 `self.session` is never closed; add a `cog_unload()` method that calls its `close()`"
    ]


def test_an_interactions_extension_is_ended_by_drop(tmp_path: Path) -> None:
    source = FRAMEWORK_CLASS.replace("BASE_MODULE", "interactions").replace("BASE_NAME", "Extension")
    assert tree_findings(tmp_path, {"feature.py": source}, "TRD2") == [
        "feature.py:9:9 TRD202 `self.session` is never closed; add a `drop()` method that calls its `close()`"
    ]


def test_twin_a_disnake_cog_closing_in_cog_unload(tmp_path: Path) -> None:
    source = FRAMEWORK_CLASS.replace("BASE_MODULE", "disnake.ext.commands").replace("BASE_NAME", "Cog") + (
        "\n    def cog_unload(self):\n        self.bot.loop.create_task(self.session.close())\n"
    )
    assert tree_findings(tmp_path, {"feature.py": source}, "TRD2") == []


# A fire-and-forget helper method is judged by the calls that may run it: ``self.spawn(...)`` in
# a class related to neither the helper's class nor its bases runs that class's own ``spawn``
# (Shmuel18/Arbitrage-: the exchange mixins' calls are not the controller's). Twin: a subclass
# of the controller dropping the task.
CONTROLLER = '''\
import asyncio


def _log(task):
    if not task.cancelled() and task.exception():
        print(task.exception())


class Controller:
    def spawn(self, factory):
        task = asyncio.create_task(factory())
        task.add_done_callback(_log)
        return task

    async def start(self):
        self._monitor = self.spawn(self._loop)

    async def stop(self):
        self._monitor.cancel()

    async def _loop(self):
        await asyncio.sleep(1)
'''
OTHER = '''\
import asyncio


class Mixin:
    def spawn(self, factory):
        task = asyncio.create_task(factory())
        self._tasks.add(task)
        return task


class Feeds(BASE):
    def __init__(self):
        self._tasks = set()

    def start(self):
        self.spawn(self._poll)

    async def _poll(self):
        await asyncio.sleep(1)
'''


def _spawn(tmp_path: Path, base: str) -> list[str]:
    other = OTHER.replace("BASE", base) if base == "Mixin" else "from .controller import Controller\n" + OTHER.replace("BASE", base)
    files = {"app/__init__.py": "", "app/controller.py": CONTROLLER, "app/feeds.py": other}
    return [f for f in tree_findings(tmp_path, files, "TRD3", project=True) if f.startswith("controller.py")]


def test_a_helper_method_called_by_another_classs_namesake_is_kept(tmp_path: Path) -> None:
    assert _spawn(tmp_path, "Mixin") == []


def test_twin_a_subclass_dropping_the_helpers_task(tmp_path: Path) -> None:
    assert _spawn(tmp_path, "Controller") == [
        "controller.py:11:9 TRD301 task `task` from `asyncio.create_task(...)` is left to callers told to drop it; keep it in `spawn()`"
    ]


# A holder that makes a part of the project's opening only on use (``EtherscanClient``: its
# session made in ``__aenter__`` or by its first request) and never uses it holds nothing
# (motivatedwig-art/tg_arbitrage's ``ContractResolver``). Twin: a method of the holder uses it.
PARTS = '''\
import aiohttp


class Lookup:
    def __init__(self):
        self.session = None

    async def info(self, address):
        if self.session is None:
            self.session = aiohttp.ClientSession()
        async with self.session.get("https://h/" + address) as response:
            return await response.json()

    async def close(self):
        if self.session is not None:
            await self.session.close()


class Resolver:
    def __init__(self):
        self.lookup = Lookup()

    async def resolve(self, address):
        USE


async def main():
    resolver = Resolver()
    return await resolver.resolve("0x1")
'''


def test_a_holders_lazy_part_nothing_uses_holds_nothing(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"parts.py": PARTS.replace("USE", "return address.lower()")}, "TRD2") == []


def test_twin_a_holders_lazy_part_used(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"parts.py": PARTS.replace("USE", "return await self.lookup.info(address)")}, "TRD2") == [
        "parts.py:21:9 TRD202 `self.lookup` is never closed; add a `close()` method that calls its `close()`",
        "parts.py:28:5 TRD201 `Resolver(...)` never closes its `self.lookup`; give the class an async `close()`, call it",
    ]


def test_twin_a_holders_lazy_part_that_registers_its_methods(tmp_path: Path) -> None:
    # Its ``__init__`` hands a bound method on (SteamDeckHomebrew/decky-loader's ``Utilities``,
    # routes of the holder's server): others may use it, and open it.
    source = PARTS.replace("USE", "return address.lower()").replace(
        "    def __init__(self):\n        self.session = None\n",
        "    def __init__(self, routes=None):\n        self.session = None\n        if routes is not None:\n            routes.append(self.info)\n",
        1,
    )
    assert tree_findings(tmp_path, {"parts.py": source}, "TRD2") == [
        "parts.py:30:5 TRD201 `Resolver(...)` never closes its `self.lookup`; give the class an async `close()`, call it"
    ]


# A getter that fills the attribute anew when what it holds is closed (``if self._session is None
# or self._session.closed``): a double stands in only when the test says it is open
# (``mock_session.closed = False``; a ``MagicMock``'s attributes are true), and setting another
# field first (``api._token = ...``) uses nothing (milanorszagh/evon's tests). Twin: the double
# left closed.
EVON_API = '''\
import aiohttp


class Api:
    def __init__(self, host):
        self._host = host
        self._session = None
        self._token = None

    async def _get_session(self):
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def login(self):
        session = await self._get_session()
        async with session.post(self._host + "/login") as response:
            self._token = await response.text()

    async def close(self):
        if self._session is not None:
            await self._session.close()
'''
EVON_TEST = '''\
from unittest.mock import MagicMock

import pytest

from app.api import Api


@pytest.mark.asyncio
async def test_login():
    api = Api("http://h")
    api._token = "old"
    mock_session = MagicMock()
    CLOSED
    api._session = mock_session
    await api.login()
'''


def _evon(tmp_path: Path, closed: str) -> list[str]:
    files = {"app/__init__.py": "", "app/api.py": EVON_API, "tests/test_api.py": EVON_TEST.replace("CLOSED", closed)}
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_a_double_said_open_behind_a_getter_that_refills_when_closed(tmp_path: Path) -> None:
    assert _evon(tmp_path, "mock_session.closed = False") == []


def test_twin_a_double_left_closed_behind_that_getter(tmp_path: Path) -> None:
    assert _evon(tmp_path, "mock_session.name = 'x'") == [
        "test_api.py:10:5 TRD201 `api` (`Api(...)`) is never closed; call `await api.close()` in a `finally`"
    ]


# ``patch`` replaces a name where it is looked up: a hub that imports ``Server`` itself
# (``from .server import Server``) is untouched by a patch of ``app.server.Server``, and made of
# the double under a patch of ``app.hub.Server`` (the review of session 72).
HUB_DIRECT = HUB.replace("from .server import create_server", "from .server import Server").replace(
    "create_server(self.app)", "Server(self.app)"
)


def _hub_direct(tmp_path: Path, target: str) -> list[str]:
    files = {
        "app/__init__.py": "", "app/server.py": SERVER, "app/hub.py": HUB_DIRECT,
        "tests/test_hub.py": HUB_TEST.replace("app.server.TARGET", target),
    }
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_a_patch_where_the_hub_looks_the_class_up(tmp_path: Path) -> None:
    assert _hub_direct(tmp_path, "app.hub.Server") == []


def test_twin_a_patch_where_the_class_is_defined_but_not_looked_up(tmp_path: Path) -> None:
    assert _hub_direct(tmp_path, "app.server.Server") == [
        "test_hub.py:11:5 TRD201 `hub` (`Hub(...)`) is never closed; call `await hub.stop()` in a `finally`"
    ]


# The review of session 72: an override calling its base explicitly (``RemoteClient.evaluate(self,
# ...)``) runs the base's getter; a mixin's ``self.spawn(...)`` that the mixin does not define may
# run the helper of the class it is combined with; gql's client made in a function and used only
# by ``execute_async()`` holds nothing, connected it does.
def test_twin_an_override_calling_its_base_by_name(tmp_path: Path) -> None:
    override = "async def evaluate(self, payload):\n        return await RemoteClient.evaluate(self, payload)"
    assert _check(tmp_path, TEST.replace("EVALUATE", override)) == [FINDING.replace(":18:", ":19:")]


def test_twin_a_mixin_calling_a_helper_it_does_not_define(tmp_path: Path) -> None:
    feeds = "import asyncio\n\n\nclass Feeds:\n    def start(self):\n        self.spawn(self._poll)\n\n    async def _poll(self):\n        await asyncio.sleep(1)\n"
    app = "from .controller import Controller\nfrom .feeds import Feeds\n\n\nclass App(Feeds, Controller):\n    pass\n"
    files = {"app/__init__.py": "", "app/controller.py": CONTROLLER, "app/feeds.py": feeds, "app/main.py": app}
    assert [f for f in tree_findings(tmp_path, files, "TRD3", project=True) if f.startswith("controller.py")] == [
        "controller.py:11:9 TRD301 task `task` from `asyncio.create_task(...)` is left to callers told to drop it; keep it in `spawn()`"
    ]


GQL_LOCAL = '''\
from gql import Client, gql
from gql.transport.aiohttp import AIOHTTPTransport


async def query(url, text):
    client = Client(transport=AIOHTTPTransport(url=url))
    USE
'''


def test_a_gql_client_made_in_a_function_and_only_executed(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, {"g.py": GQL_LOCAL.replace("USE", "return await client.execute_async(gql(text))")}, "TRD2") == []


def test_twin_a_gql_client_made_in_a_function_and_connected(tmp_path: Path) -> None:
    use = "session = await client.connect_async()\n    return await session.execute(gql(text))"
    assert tree_findings(tmp_path, {"g.py": GQL_LOCAL.replace("USE", use)}, "TRD2") == [
        "g.py:6:5 TRD201 `client` (`Client(...)`) is never closed; open it with `async with`"
    ]
