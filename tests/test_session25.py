"""Session 25 (issue 28, detection that generalizes).

- Point 2, a close never awaited, for any first-party release: ``self.link.disconnect()`` as a
  statement, where ``disconnect`` is an ``async def`` of the class ``self.link`` is proven to
  hold, releases nothing, whether or not the class is known to hold a library resource (TRD205,
  with its safe fix in a coroutine). Proven by running the program before and after the fix.
- Point 1, ownership proven: a class the project's own code releases is a resource by default
  (a preview from session 20 to 24), and an instance of it handed what a ``with`` of the same
  function entered only wraps it.
Each shape has its negative twin.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.programs import copy_program, run_python
from tests.trees import findings as _findings
from tests.trees import package_project

DATA = Path(__file__).resolve().parent / "data" / "resource_programs"


LINK = """\
from somelib import Transport


class Link:
    def __init__(self, host: str) -> None:
        self._t = Transport(host)

    async def disconnect(self) -> None:
        await self._t.shutdown()

    def close(self) -> None:
        self.closed = True

    @staticmethod
    async def stop() -> None:
        pass
"""

USERS = """\
from app.link import Link


class Bridge:
    def __init__(self, host: str) -> None:
        self.link = Link(host)

    async def stop(self) -> None:
        self.link.disconnect()

    async def restart(self) -> None:
        await self.link.disconnect()

    def reset(self) -> None:
        self.link.close()


async def probe(host: str) -> None:
    link = Link(host)
    try:
        pass
    finally:
        link.disconnect()


def shutdown(link: Link) -> None:
    link.disconnect()


async def handed(link: Link) -> None:
    task = link.disconnect()
    await task


class Other:
    async def stop(self) -> None:
        self.link.disconnect()


async def halt(link: Link) -> None:
    link.stop()
"""


def test_a_first_party_release_called_bare_releases_nothing(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"link.py": LINK, "users.py": USERS})
    assert _findings(root, "TRD205") == [
        # (Since session 27 ``Link`` is a resource type: the project releases its ``Transport``.)
        "app/users.py:23:9 TRD205 `link.disconnect()` is never awaited, so it closes nothing; await it",
        "app/users.py:27:5 TRD205 `link.disconnect()` is never awaited, so it releases nothing; await it in a coroutine",
        "app/users.py:9:9 TRD205 `self.link.disconnect()` is never awaited, so it closes nothing; await it",
    ]
    # Not: the awaited twin (12), a sync ``close()`` (15), a coroutine kept and awaited (31), an
    # attribute whose class nothing proves (``Other.link``, 37), a static method (``Link.stop``, 41).


def test_a_release_never_awaited_is_awaited_by_the_fix_and_the_program_then_releases(tmp_path: Path) -> None:
    program = copy_program(DATA / "release_not_awaited", tmp_path)
    before = run_python(["main.py"], program, timeout=120)
    assert (before.returncode, before.stdout) == (0, "link open after stop: True\n")
    assert "coroutine 'Link.disconnect' was never awaited" in before.stderr
    check = run_python(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], program, timeout=120)
    assert check.stdout.splitlines() == [
        # (Since session 38 the kept ``Link`` is reported where it is made: its only end never runs.)
        "main.py:21:9: TRD202 `self.link` (`Link(...)`) is never closed: its `disconnect()` is never awaited",
        "main.py:24:9: TRD205 [*] `self.link.disconnect()` is never awaited, so it releases nothing; await it",
    ]
    fixed = run_python(["-m", "tradelint", "--no-cache", "--fix", "."], program, timeout=120)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "        await self.link.disconnect()\n" in (program / "main.py").read_text(encoding="utf-8")
    after = run_python(["main.py"], program, timeout=120)
    assert (after.returncode, after.stdout, after.stderr) == (0, "link open after stop: False\n", "")


HUB = """\
from somelib import Gateway


class Hub:
    async def start(self, host):
        self.gw = Gateway(host)
        await self.gw.connect()

    async def stop(self):
        await self.gw.close()
"""

WRAPPED = """\
import aiohttp
from somelib import Gateway


async def wrapped(host):
    async with aiohttp.ClientSession() as session:
        gw = Gateway(session)
        return await gw.info()


async def own(host):
    gw = Gateway(host)
    return await gw.info()
"""


def test_a_type_the_project_releases_wraps_what_a_with_entered(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"hub.py": HUB, "wrapped.py": WRAPPED})
    assert _findings(root, "TRD2") == [
        "app/wrapped.py:12:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.close()` in a `finally`",
    ]


def test_a_bots_own_folder_is_never_a_library_the_project_evidences(tmp_path: Path) -> None:
    # No project marker, no ``__init__``: a bot run from its root folder (``bot.py`` beside
    # ``cogs/`` and ``core/``). ``core.paginator`` is its own code, judged by what it holds
    # (nothing), not by the close the project awaits on one instance; ``somelib`` is a library.
    (tmp_path / "bot.py").write_text("import asyncio\n", encoding="utf-8")
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "paginator.py").write_text(
        "class Paginator:\n    def __init__(self, ctx):\n        self.ctx = ctx\n\n"
        "    async def run(self):\n        pass\n\n    async def close(self):\n        pass\n",
        encoding="utf-8",
    )
    (tmp_path / "cogs").mkdir()
    (tmp_path / "cogs" / "pages.py").write_text(
        "from core.paginator import Paginator\nfrom somelib import Gateway\n\n\n"
        "async def shown(ctx):\n    p = Paginator(ctx)\n    try:\n        await p.run()\n    finally:\n        await p.close()\n\n\n"
        "async def listed(ctx):\n    p = Paginator(ctx)\n    await p.run()\n\n\n"
        "async def probe(host):\n    gw = Gateway(host)\n    try:\n        await gw.info()\n    finally:\n        await gw.close()\n\n\n"
        "async def info(host):\n    gw = Gateway(host)\n    return await gw.info()\n",
        encoding="utf-8",
    )
    assert _findings(tmp_path, "TRD2") == [
        "cogs/pages.py:27:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.close()` in a `finally`",
    ]


DB = """\
import aiohttp


class VectorDB:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def tear_down(self):
        await self.session.close()


class PineconeDB(VectorDB):
    pass


class VectorDBFactory:
    def __init__(self):
        self._cached = None

    def create_vector_db(self, config) -> VectorDB:
        return PineconeDB()

    def shared_vector_db(self, config) -> VectorDB:
        return self._cached
"""

AGENTS = """\
from app.db import PineconeDB, VectorDBFactory


class BaseAgent:
    def terminate(self):
        self.vector_db.tear_down()


class DirectAgent(BaseAgent):
    def __init__(self, config):
        self.vector_db = PineconeDB()


class FactoryAgent(BaseAgent):
    def __init__(self, config, vector_db_factory=VectorDBFactory()):
        self.vector_db = vector_db_factory.create_vector_db(config)


class SharedAgent:
    def __init__(self, config, vector_db_factory=VectorDBFactory()):
        self.vector_db = vector_db_factory.shared_vector_db(config)

    def terminate(self):
        pass


class UnknownAgent:
    def __init__(self, config, factory):
        self.vector_db = factory.create_vector_db(config)

    def terminate(self):
        pass
"""


def test_a_base_ends_what_its_subclasses_make_through_a_factory_object(tmp_path: Path) -> None:
    # vocodedev/vocode-core 9ebbc82a (round 8, dev): the agent's vector DB, made by a factory
    # object given as a parameter's default and typed by the method's return annotation, is
    # torn down by the base class's sync ``terminate()`` without ``await``. Not: a factory
    # method that returns what it keeps (``shared_vector_db``), a factory whose class nothing
    # proves (``UnknownAgent``).
    root = package_project(tmp_path, {"db.py": DB, "agents.py": AGENTS})
    assert _findings(root, "TRD2") == [
        "app/agents.py:11:9 TRD202 `self.vector_db` is never closed; call its `tear_down()` in `terminate()`",
        "app/agents.py:16:9 TRD202 `self.vector_db` is never closed; call its `tear_down()` in `terminate()`",
        "app/agents.py:6:9 TRD205 `self.vector_db.tear_down()` is never awaited, so it releases nothing; await it in a coroutine",
    ]


CONVERSATION = """\
from app.agents import BaseAgent


class Conversation:
    def __init__(self, agent: BaseAgent):
        self.agent = agent

    async def terminate(self):
        await self.agent.vector_db.tear_down()
"""


def test_an_owner_holding_a_base_closes_what_each_subclass_keeps(tmp_path: Path) -> None:
    # The fix of vocode-core 9ebbc82a: the conversation, holding the agent as a ``BaseAgent``,
    # awaits ``self.agent.vector_db.tear_down()``: every subclass's vector DB is closed there.
    # (The base's own un-awaited ``tear_down()`` is still reported.)
    agents = AGENTS.replace("class BaseAgent:", "class BaseAgent(Generic[T]):").replace(
        "from app.db import", "from typing import Generic, TypeVar\n\nfrom app.db import"
    ).replace("class DirectAgent(BaseAgent):", "T = TypeVar('T')\n\n\nclass DirectAgent(BaseAgent[int]):")
    root = package_project(tmp_path, {"db.py": DB, "agents.py": agents, "conversation.py": CONVERSATION})
    assert _findings(root, "TRD2") == [
        "app/agents.py:8:9 TRD205 `self.vector_db.tear_down()` is never awaited, so it releases nothing; await it in a coroutine",
    ]


BMS = """\
from bleak import BleakClient


class Battery:
    def __init__(self, device, reconnect: bool) -> None:
        self._device = device
        self._reconnect = reconnect
        self._client = None
        self._connected = False

    async def __del__(self) -> None:
        await self._disconnect()

    async def _connect(self) -> None:
        if not self._connected:
            self._client = BleakClient(self._device)
            await self._client.connect()
            self._connected = True

    async def _disconnect(self) -> None:
        if self._connected:
            await self._client.disconnect()
        self._client = None

    async def async_update(self) -> dict:
        await self._connect()
        if self._reconnect:
            await self._disconnect()
        return {}
"""


def test_a_close_only_mid_life_and_in_an_async_del_is_no_end(tmp_path: Path) -> None:
    # patman15/BMS_BLE-HA 2076481b (round 8, dev): ``_disconnect()`` runs only to reconnect
    # after an update and from an ``async def __del__``, which Python never awaits. Twin: a public
    # ``disconnect()`` that calls it ends the object.
    ended = BMS.replace("    async def __del__(self) -> None:", "    async def disconnect(self) -> None:")
    root = package_project(tmp_path, {"bms.py": BMS, "ended.py": ended})
    assert _findings(root, "TRD2") == [
        "app/bms.py:16:13 TRD202 `self._client` is never closed; add a `close()` method that calls its `disconnect()`",
    ]


def test_a_lazy_resource_on_self_that_nothing_reads_holds_nothing(tmp_path: Path) -> None:
    # golemfactory/yapapi (round 8, dev, at the parent): ``self._stack = AsyncExitStack()`` that
    # no method enters anything into, or even reads, holds nothing. Twin: a client that is used.
    source = """\
from contextlib import AsyncExitStack

import httpx


class Cluster:
    def __init__(self):
        self._stack = AsyncExitStack()
        self._idle = httpx.AsyncClient()
        self._client = httpx.AsyncClient()

    async def fetch(self, url):
        return await self._client.get(url)

    async def __aexit__(self, *exc):
        pass
"""
    root = package_project(tmp_path, {"cluster.py": source})
    assert _findings(root, "TRD2") == [
        "app/cluster.py:10:9 TRD202 `self._client` is never closed; call its `aclose()` in `__aexit__()`",
    ]


PUSH = """\
from bleak import BleakClient


class Push:
    def __init__(self, device) -> None:
        self._device = device
        self._client: BleakClient | None = None

    async def ensure_connected(self) -> BleakClient:
        self._client = BleakClient(self._device)
        try:
            await self._client.connect()
        except Exception:
            await self._client.disconnect()
            raise
        return self._client

    async def safe_connected(self) -> BleakClient:
        self._client = BleakClient(self._device)
        try:
            await self._client.connect()
        except BaseException:
            await self._client.disconnect()
            raise
        return self._client

    async def disconnect(self) -> None:
        if self._client:
            await self._client.disconnect()
"""


def test_a_connect_cleaned_up_only_on_exception_leaves_the_client_half_open_on_cancel(tmp_path: Path) -> None:
    # The shape of Yale-Libs/yalexs-ble c26b18f4 (round 7, dev): the new client is disconnected
    # in ``except Exception`` only, which a cancellation skips. Twins: ``except BaseException``;
    # the same code in a script (``if __name__ == "__main__":``), whose error ends the process.
    script = PUSH + '\n\nif __name__ == "__main__":\n    pass\n'
    root = package_project(tmp_path, {"push.py": PUSH, "tool.py": script})
    assert _findings(root, "TRD2") == [
        "app/push.py:10:9 TRD202 `self._client` is closed on an error in `ensure_connected()` but not on a cancellation; "
        "catch `BaseException` there",
    ]
