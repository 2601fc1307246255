"""Session 28 (issue 28, points 1 and 5: a value closed on one path is owned on every path).

A function that awaits ``value.close()`` (or ``aclose()``) on a value it made from a call says it
owns it, whatever the call is (a method of the class, a library object's maker nothing types, a
helper of the project). Another exit that leaves it open leaks it (TRD201): an ``except`` of the
``try`` whose body closes it that raises, returns or goes on without a later close (source:
D4Vinci/Scrapling ``d5b9ed11``, round 10's development half), and a ``return`` or ``raise`` on a
path that has not closed it. Each shape has its negative twins.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths


def _messages(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "m.py"
    path.write_text(source)
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


HANDLER = """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception as e:
            page_info.mark_error()
            raise e
"""

EARLY_RETURN = """\
async def fetch(context, url):
    page = await context.new_page()
    response = await page.goto(url)
    if response is None or response.status != 200:
        return None
    text = await response.text()
    await page.close()
    return text
"""

EARLY_RAISE = """\
async def fetch(url):
    client = await make_client(url)
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
"""

SWALLOWED = """\
async def probe(factory, log):
    conn = await factory.connect()
    try:
        await conn.ping()
        await conn.close()
    except OSError as error:
        log.warning("probe failed: %s", error)
"""


def test_a_handler_that_raises_without_closing(tmp_path: Path) -> None:
    assert _messages(tmp_path, HANDLER) == [
        "3 TRD201 `page_info.page` (`self._get_page(...)`) is closed here on one path only: the `raise` at line 10 leaves it open; close it in a `finally`",
    ]


def test_an_early_return_before_the_close(tmp_path: Path) -> None:
    assert _messages(tmp_path, EARLY_RETURN) == [
        "2 TRD201 `page` (`context.new_page(...)`) is closed here on one path only: the `return` at line 5 leaves it open; close it in a `finally`",
    ]


def test_an_early_raise_before_the_close(tmp_path: Path) -> None:
    assert _messages(tmp_path, EARLY_RAISE) == [
        "2 TRD201 `client` (`make_client(...)`) is closed here on one path only: the `raise` at line 5 leaves it open; close it in a `finally`",
    ]


def test_a_handler_that_goes_on_without_a_later_close(tmp_path: Path) -> None:
    assert _messages(tmp_path, SWALLOWED) == [
        "2 TRD201 `conn` (`factory.connect(...)`) is closed here on one path only: the `except` at line 6 goes on or leaves without closing it; close it in a `finally`",
    ]


NEGATIVES = {
    "closed in finally": """\
async def fetch(context, url):
    page = await context.new_page()
    try:
        response = await page.goto(url)
        if response is None:
            return None
        return await response.text()
    finally:
        await page.close()
""",
    "the handler closes it": """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception:
            await page_info.page.close()
            raise
""",
    "the handler releases its owner": """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception:
            await self.reset()
            raise
""",
    "the handler gives it to a call": """\
class Session:
    async def fetch(self, url):
        page_info = await self._get_page()
        try:
            response = await page_info.page.goto(url)
            await page_info.page.close()
            return response
        except Exception:
            await self._discard(page_info)
            raise
""",
    "a handler that goes on to a later close": """\
async def probe(factory, log):
    conn = await factory.connect()
    try:
        await conn.ping()
    except OSError as error:
        log.warning("probe failed: %s", error)
    await conn.close()
""",
    "a test of the value itself": """\
async def fetch(url):
    client = await make_client(url)
    if client is None:
        return None
    data = client.cached()
    await client.aclose()
    return data
""",
    "returned on the other path": """\
async def fetch(url, keep):
    client = await make_client(url)
    data = await client.get()
    if keep:
        return client
    await client.aclose()
    return data
""",
    "stored on self": """\
class Holder:
    async def open(self, url):
        client = await make_client(url)
        if not await client.ping():
            self.client = client
            return
        await client.aclose()
""",
    "kept in a container": """\
class Pool:
    async def open(self, url):
        client = await make_client(url)
        self.clients.append(client)
        if not await client.ping():
            raise RuntimeError("down")
        await client.aclose()
""",
    "closed on the way, then an exit": """\
async def fetch(url):
    client = await make_client(url)
    data = client.cached()
    await client.aclose()
    if not data:
        raise ValueError("empty")
    return data
""",
    "a close never awaited is not this rule's": """\
def fetch(url):
    client = make_client(url)
    data = client.get()
    if not data:
        raise ValueError("empty")
    client.close()
    return data
""",
    "a parameter is not made here": """\
async def fetch(client):
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
""",
    "bound twice": """\
async def fetch(url):
    client = await make_client(url)
    if await client.stale():
        client = await make_client(url)
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
""",
    "nothing can fail in the try": """\
async def stop(factory):
    conn = await factory.connect()
    try:
        await conn.close()
    except OSError:
        raise
""",
}


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative_twins(tmp_path: Path, name: str) -> None:
    assert _messages(tmp_path, NEGATIVES[name]) == []


def test_a_branch_that_closes_and_returns_does_not_close_the_path_that_stays(tmp_path: Path) -> None:
    source = """\
async def fetch(url, quick):
    client = await make_client(url)
    if quick:
        await client.aclose()
        return None
    data = await client.get()
    if not data:
        raise ValueError("empty")
    await client.aclose()
    return data
"""
    assert _messages(tmp_path, source) == [
        "2 TRD201 `client` (`make_client(...)`) is closed here on one path only: the `raise` at line 8 leaves it open; close it in a `finally`",
    ]


def test_a_known_resource_is_judged_once_by_its_creation(tmp_path: Path) -> None:
    source = """\
import aiohttp


async def fetch(url):
    session = aiohttp.ClientSession()
    response = await session.get(url)
    if response.status != 200:
        return None
    await session.close()
    return response
"""
    assert _messages(tmp_path, source) == [
        "5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`",
    ]


def test_a_test_of_its_own_answer_is_a_test_of_the_value(tmp_path: Path) -> None:
    source = """\
async def fetch(url):
    client = await make_client(url)
    if not client.initialize():
        return None
    data = client.cached()
    await client.aclose()
    return data
"""
    assert _messages(tmp_path, source) == []


FAILING_AWAIT = """\
async def reset_history(exchanges, identifier):
    for exchange in exchanges:
        metadb = MetaDatabase(identifier)
        storage = metadb.get_portfolio_db(exchange)
        await clear_history(storage)
        await metadb.close()
"""


def test_an_await_whose_error_skips_the_close(tmp_path: Path) -> None:
    # (Drakkar-Software/OctoBot's web interface, labelled in benchmarks/labels/apps_s23_changed.tsv)
    assert _messages(tmp_path, FAILING_AWAIT) == [
        "3 TRD201 `metadb` (`MetaDatabase(...)`) is closed here on one path only: an error in the `await` at line 5 leaves it open; close it in a `finally`",
    ]


@pytest.mark.parametrize("where", ["tests/test_history.py", "scripts/__main__.py"])
def test_an_await_whose_error_ends_the_program(tmp_path: Path, where: str) -> None:
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(FAILING_AWAIT.replace("async def reset_history", "async def main" if "main" in where else "async def test_reset"))
    assert [f.code for f in check_paths([path], select=["TRD2"])] == []


@pytest.mark.parametrize("guard", [
    "    try:\n        await clear_history(storage)\n    except OSError:\n        await metadb.close()\n        raise\n",
    "    try:\n        await clear_history(storage)\n    except OSError:\n        log(storage)\n",
])
def test_a_try_that_closes_or_goes_on(tmp_path: Path, guard: str) -> None:
    source = "async def reset(identifier):\n    metadb = MetaDatabase(identifier)\n    storage = metadb.get_portfolio_db()\n" + guard + "    await metadb.close()\n"
    assert _messages(tmp_path, source) == []


# An attribute its own class closes holds a resource, whatever made it.

RECONNECT = """\
from somelib import connect


class Link:
    def __init__(self, url):
        self.url = url
        self._conn = None

    async def start(self):
        self._conn = await connect(self.url)

    async def reconnect(self):
        self._conn = await connect(self.url)

    async def close(self):
        if self._conn is not None:
            await self._conn.close()
"""


def test_an_attribute_its_class_closes_is_not_replaced_unclosed(tmp_path: Path) -> None:
    assert _messages(tmp_path, RECONNECT) == [
        "13 TRD202 `self._conn` is replaced without closing the old one; call its `close()` first",
    ]


@pytest.mark.parametrize("change", [
    ("    async def reconnect(self):\n        self._conn", "    async def reconnect(self):\n        await self.close()\n        self._conn"),
    ("            await self._conn.close()", "            await self._conn.close(reason)"),
    ("    async def close(self):", "    async def ping(self):"),
    ("async def reconnect(self):\n        self._conn = await connect(self.url)", "async def reconnect(self):\n        self._conn = await Pool.instance()"),
], ids=["closed first", "a close given an argument", "no release method closes it", "a shared instance"])
def test_attribute_negative_twins(tmp_path: Path, change: tuple[str, str]) -> None:
    old, new = change
    assert old in RECONNECT
    assert _messages(tmp_path, RECONNECT.replace(old, new)) == []


# A close its owner calls without ``await`` through the holder's attribute closes nothing.

HA_INIT = """\
from dataclasses import dataclass

from .coordinator import DemoCoordinator


@dataclass
class RuntimeData:
    coordinator: DemoCoordinator


async def async_setup_entry(hass, entry):
    coordinator = DemoCoordinator(hass, entry)
    entry.runtime_data = RuntimeData(coordinator)
    return True


async def async_unload_entry(hass, entry):
UNLOAD    return True
"""

HA_COORDINATOR = """\
import aiohttp


class DemoApi:
    def __init__(self, host):
        self._session = aiohttp.ClientSession()
        self.host = host

    async def read(self):
        async with self._session.get(self.host) as response:
            return await response.json()

    async def close(self):
        await self._session.close()


class DemoCoordinator:
    def __init__(self, hass, entry):
        self.hass = hass
        self.api = DemoApi(entry.data["host"])
"""


@pytest.mark.parametrize("unload, expected", [
    ("    entry.runtime_data.coordinator.api.close()\n",
     ["coordinator.py 20 TRD202 `self.api` is never closed: its `close()` is never awaited"]),
    ("    await entry.runtime_data.coordinator.api.close()\n", []),
], ids=["called without await", "awaited"])
def test_an_owner_s_close_without_await_closes_nothing(tmp_path: Path, unload: str, expected: list[str]) -> None:
    from tests.conftest import ha_integration

    path = ha_integration(tmp_path, HA_INIT, unload)
    (path.parent / "coordinator.py").write_text(HA_COORDINATOR)
    found = check_paths(sorted(path.parent.glob("*.py")), select=["TRD2"])
    assert [f"{Path(f.path).name} {f.line} {f.code} {f.message}" for f in found] == expected


# An ``async def`` its project only ever calls without ``await`` never runs: its close is lost.

HUB = """\
from pymodbus.client import AsyncModbusTcpClient


class Hub:
    def __init__(self, host):
        self._host = host
        self._client = None

    async def connect(self):
        if self._client is None:
            self._client = AsyncModbusTcpClient(host=self._host)
        await self._client.connect()

    async def disconnect(self):
        if self._client is not None:
            self._client.close()

    async def read(self):
        try:
            return await self._client.read_holding_registers(0, count=2)
        except OSError:
            self.disconnect()
            raise

    async def shutdown(self):
        self.disconnect()
"""

SCANNER = """\
class Scanner:
    async def disconnect(self):
        pass


async def scan():
    scanner = Scanner()
    await scanner.disconnect()
"""


def _project(tmp_path: Path, files: dict[str, str]) -> list[str]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    package = tmp_path / "demo"
    package.mkdir()
    for name, text in files.items():
        (package / name).write_text(text)
    found = check_paths(sorted(package.glob("*.py")), select=["TRD202"])
    return [f"{Path(f.path).name} {f.line} {f.code} {f.message}" for f in found]


def test_a_close_in_a_method_never_awaited_closes_nothing(tmp_path: Path) -> None:
    # (WillCodeForCats/solaredge-modbus-multi 82589730, round 11's development half; another
    # class's awaited disconnect() elsewhere does not run this one)
    assert _project(tmp_path, {"hub.py": HUB, "scanner.py": SCANNER}) == [
        "hub.py 11 TRD202 `self._client` is never closed: `disconnect()` closes it but is never awaited",
    ]


@pytest.mark.parametrize("elsewhere", [
    "async def unload(hub):\n    await hub.disconnect()\n",
    "def setup(entry, hub):\n    entry.async_on_unload(hub.disconnect)\n",
    "from .hub import Hub\n\n\nasync def stop(host):\n    hub = Hub(host)\n    await hub.disconnect()\n",
], ids=["awaited on an unknown receiver", "handed on as a callback", "awaited on a proven Hub"])
def test_a_method_that_may_run(tmp_path: Path, elsewhere: str) -> None:
    assert _project(tmp_path, {"hub.py": HUB, "other.py": elsewhere}) == []


def test_a_method_awaited_in_its_own_module_runs(tmp_path: Path) -> None:
    assert _project(tmp_path, {"hub.py": HUB.replace("    async def shutdown(self):\n        self.disconnect()", "    async def shutdown(self):\n        await self.disconnect()")}) == []


# A release awaited on the same receiver elsewhere returns an awaitable: a bare call runs nothing.

EVIDENCE_RUNNABLE = '''\
import asyncio

from somewhere import make_link


class Feed:
    def __init__(self, link):
        self._link = link

    async def restart(self):
        self._link.disconnect()
        await self._link.connect()

    async def stop(self):
        await self._link.disconnect()


class Link:
    opened = 0

    async def connect(self):
        Link.opened += 1

    async def disconnect(self):
        Link.opened -= 1


async def run():
    feed = Feed(Link())
    await feed._link.connect()
    await feed.restart()
    await feed.stop()


def main():
    import warnings
    warnings.simplefilter("ignore")
    asyncio.run(run())
    print(Link.opened)


main()
'''


def test_a_release_awaited_elsewhere_on_the_same_receiver(tmp_path: Path) -> None:
    assert _messages(tmp_path, EVIDENCE_RUNNABLE) == [
        "11 TRD205 `self._link.disconnect()` is never awaited, so it releases nothing; await it",
    ]


def test_the_fixed_program_releases_what_it_opened(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tradelint.api import fix_source

    runnable = EVIDENCE_RUNNABLE.replace("from somewhere import make_link\n", "")
    path = tmp_path / "prog.py"
    path.write_text(runnable)
    before = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert before.stdout == "1\n"  # the restart's disconnect never ran
    result = fix_source(runnable, path, select=["TRD205"])
    assert result.text == runnable.replace("        self._link.disconnect()\n        await", "        await self._link.disconnect()\n        await")
    path.write_text(result.text)
    after = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert after.stdout == "0\n"


@pytest.mark.parametrize("change", [
    ("        await self._link.disconnect()\n\n\nclass Link", "        await self._other.disconnect()\n\n\nclass Link"),
    ("    async def stop(self):\n        await self._link.disconnect()", "    async def stop(self):\n        self._link.shutdown()"),
], ids=["another receiver is awaited", "nothing is awaited"])
def test_no_evidence_no_finding(tmp_path: Path, change: tuple[str, str]) -> None:
    old, new = change
    assert old in EVIDENCE_RUNNABLE
    assert _messages(tmp_path, EVIDENCE_RUNNABLE.replace(old, new)) == []


def test_a_plain_method_that_returns_an_awaitable_has_done_its_work(tmp_path: Path) -> None:
    # (Tribler's Download.stop(): a plain def that pauses and returns the checkpoint's future)
    source = """\
class Download:
    def stop(self):
        self.handle.pause()
        return self.checkpoint()

    async def stop_after_metainfo(self):
        await self.stop()

    def on_state(self, state):
        if state.seeding:
            self.stop()
"""
    assert _messages(tmp_path, source) == []


def test_a_try_on_another_branch_is_not_on_the_creation_s_path(tmp_path: Path) -> None:
    # (frankbria/codeframe: a lazy connect that returns, and a health check whose handler closes
    # the old connection before reconnecting; found through the closing attribute's evidence)
    source = """\
import asyncio

from somewhere import connect


class Database:
    async def get(self):
        if self._conn is None:
            self._conn = await connect(self.path)
            await self._conn.execute("PRAGMA foreign_keys = ON")
            return self._conn
        try:
            await self._conn.execute("SELECT 1")
            return self._conn
        except Exception:
            await self._conn.close()
            raise

    async def close(self):
        if self._conn is not None:
            await self._conn.close()
"""
    assert _messages(tmp_path, source) == []


def test_branches_that_tell_the_receivers_apart(tmp_path: Path) -> None:
    # (inclusionAI/AWorld's runner: an AsyncTool's close is awaited, another tool's is not)
    source = """\
async def finish(tools):
    for tool in tools:
        if isinstance(tool, AsyncTool):
            await tool.close()
        else:
            tool.close()
"""
    assert _messages(tmp_path, source) == []


@pytest.mark.parametrize("source", [
    "async def count(conn):\n    cur = await conn.execute('SELECT 1')\n    row = await cur.fetchone()\n    await cur.close()\n    return row\n",
    "import aiomysql\n\n\nasync def save(config, text):\n    sql = await aiomysql.connect(**config)\n    cursor = await sql.cursor()\n"
    "    await cursor.execute('INSERT', (text,))\n    await cursor.close()\n    sql.close()\n",
], ids=["a parameter's cursor", "a local's cursor"])
def test_a_part_of_another_object_is_judged_by_explicit_exits_only(tmp_path: Path, source: str) -> None:
    assert [m for m in _messages(tmp_path, source) if "cur" in m.split("`")[1]] == []


def test_a_lifespan_s_start_up_is_not_judged_by_its_awaits(tmp_path: Path) -> None:
    # (flukelaster/ai-trading-agent's lifespan: a failed start-up stops the server)
    source = """\
from contextlib import asynccontextmanager


@asynccontextmanager
async def lifespan(app):
    db_session = async_session()
    await warm_up(db_session)
    yield
    await db_session.close()
"""
    assert _messages(tmp_path, source) == []
