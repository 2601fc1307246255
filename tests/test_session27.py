"""Session 27 (issue 28, points 1 and 2: first-party resources proven by their code).

- A module-private class (``_CvApi``) is a class as a CapWords one is: one that opens a session in
  ``__init__`` and closes it in ``close()`` is a resource type, and a local instance never closed
  leaks it (TRD201). Source: KimigaiiWuyi/GenshinUID ``3fffd97a`` (round 9, half b, after its
  report).
- A class whose request method closes the session after its call (``get_rank_data()``) before its
  ``close()`` in the source: ``close()`` is still where an instance ends, and a call of that
  request method ends it too (no finding for it).
- A local bound to ``None`` and then to one constructor is that class's instance: its ``close()``
  called without ``await`` releases nothing (TRD205), and the object made is reported where it is
  made (TRD201). Source: e2b-dev/E2B ``da388cc8`` (the same).
Each shape has its negative twins.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ha_integration
from tests.trees import findings, package_project
from tradelint.api import check_paths


def _messages(path: Path, *select: str) -> list[str]:
    """``line code message`` of each default-rules finding of ``path`` for ``select``."""
    return [f"{f.line} {f.code} {f.message}" for f in check_paths([path], select=list(select))]

API = """\
from aiohttp import ClientSession


class _CvApi:
    def __init__(self):
        self.session = ClientSession()

    async def get(self, url):
        async with self.session.get(url) as response:
            return await response.json()

    async def get_rank_data(self, url):
        data = await self.get(url)
        await self.session.close()
        return data

    async def close(self):
        await self.session.close()
"""

USES = """\
from .api import _CvApi


async def leaks(url):
    api = _CvApi()
    return await api.get(url)


async def closes(url):
    api = _CvApi()
    try:
        return await api.get(url)
    finally:
        await api.close()


async def ended_by_its_request(url):
    api = _CvApi()
    return await api.get_rank_data(url)


def _helper(url):
    return url
"""


def test_private_class_is_a_resource_type_and_its_ending_request_closes_it(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"api.py": API, "uses.py": USES})
    assert findings(root, "TRD2") == [
        "app/uses.py:5:5 TRD201 `api` (`_CvApi(...)`) is never closed; call `await api.close()` in a `finally`",
    ]


def test_private_function_is_no_class(tmp_path: Path) -> None:
    source = USES.replace("_CvApi()", "_make()").replace("from .api import _CvApi", "from .api import _make")
    api = API + "\n\ndef _make():\n    return 1\n"
    root = package_project(tmp_path, {"api.py": api, "uses.py": source})
    assert findings(root, "TRD2") == []


PLAYGROUND = """\
class Session:
    def __init__(self, env):
        self.env = env
        self.closed = False

    async def open(self):
        self.closed = False

    async def close(self):
        self.closed = True


class Playground(Session):
    pass
"""

AGENT = """\
from .session import Playground


async def run(env):
    playground = None
    try:
        playground = Playground(env)
        await playground.open()
    finally:
        if playground is not None:
            playground.close()


async def run_awaited(env):
    playground = None
    try:
        playground = Playground(env)
        await playground.open()
    finally:
        if playground is not None:
            await playground.close()


async def run_two(env, other):
    playground = None
    playground = Playground(env)
    playground = other
    playground.close()
"""


def test_close_never_awaited_on_a_local_bound_past_none(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"session.py": PLAYGROUND, "agent.py": AGENT})
    assert findings(root, "TRD2") == [
        "app/agent.py:11:13 TRD205 `playground.close()` is never awaited, so it releases nothing; await it",
        "app/agent.py:7:9 TRD201 `playground` (`Playground(...)`) is never closed: its `close()` is never awaited",
    ]


RUNNABLE = '''\
import asyncio


class Session:
    opened = 0

    async def open(self):
        Session.opened += 1

    async def close(self):
        Session.opened -= 1


async def run():
    session = None
    try:
        session = Session()
        await session.open()
    finally:
        if session is not None:
            session.close()


def main():
    import warnings
    warnings.simplefilter("ignore")
    asyncio.run(run())
    print(Session.opened)


main()
'''


def test_fixed_program_closes_what_it_opened(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tradelint.api import fix_source

    path = package_project(tmp_path, {"prog.py": RUNNABLE}) / "app" / "prog.py"
    before = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert before.stdout == "1\n"
    result = fix_source(RUNNABLE, path, select=["TRD205"])
    assert result.text == RUNNABLE.replace("            session.close()", "            await session.close()")
    path.write_text(result.text, encoding="utf-8")
    after = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert after.stdout == "0\n"


BEFORE_TRY = """\
import aiohttp
import httpx


async def login(session):
    (await session.post("https://example.com/login")).release()


async def cart():
    session = aiohttp.ClientSession()
    await login(session)
    try:
        return await session.get("https://example.com/cart")
    finally:
        await session.close()


async def cart_entered_at_once():
    session = aiohttp.ClientSession()
    try:
        await login(session)
        return await session.get("https://example.com/cart")
    finally:
        await session.close()


async def cart_guarded():
    session = aiohttp.ClientSession()
    try:
        await login(session)
    except Exception:
        await session.close()
        raise
    try:
        return await session.get("https://example.com/cart")
    finally:
        await session.close()


async def lazy_unused(token):
    client = httpx.AsyncClient()
    await login(token)
    try:
        return await client.get("https://example.com/cart")
    finally:
        await client.aclose()


async def lazy_first_use():
    client = httpx.AsyncClient()
    (await client.post("https://example.com/login")).release()
    try:
        return await client.get("https://example.com/cart")
    finally:
        await client.aclose()


async def lazy_used():
    client = httpx.AsyncClient()
    (await client.post("https://example.com/login")).release()
    (await client.post("https://example.com/consent")).release()
    try:
        return await client.get("https://example.com/cart")
    finally:
        await client.aclose()
"""


def test_an_await_before_the_closing_try(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"cart.py": BEFORE_TRY})
    message = "leaks if an `await` before its `try` raises; enter the `try` just after making it"
    assert findings(root, "TRD2") == [
        f"app/cart.py:10:5 TRD201 `session` (`aiohttp.ClientSession(...)`) {message}",
        f"app/cart.py:59:5 TRD201 `client` (`httpx.AsyncClient(...)`) {message}",
    ]


RUN_BEFORE_TRY = '''\
import asyncio
import warnings


class Session:
    open = 0

    def __init__(self):
        Session.open += 1

    async def close(self):
        Session.open -= 1


async def login(session, fail):
    if fail:
        raise ConnectionError("refused")


async def before(fail):
    session = Session()
    await login(session, fail)
    try:
        return 1
    finally:
        await session.close()


async def inside(fail):
    session = Session()
    try:
        await login(session, fail)
        return 1
    finally:
        await session.close()


async def main(step):
    for fail in (False, True):
        try:
            await step(fail)
        except ConnectionError:
            pass
    print(Session.open)


warnings.simplefilter("ignore")
asyncio.run(main(before))
Session.open = 0
asyncio.run(main(inside))
'''


def test_the_await_before_the_try_leaks_when_run(tmp_path: Path) -> None:
    """The shape the rule reports leaves one session open after a failed login; entering the
    ``try`` at once leaves none."""
    import subprocess
    import sys

    path = tmp_path / "run.py"
    path.write_text(RUN_BEFORE_TRY, encoding="utf-8")
    ran = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    assert ran.stdout == "1\n0\n"


HANDOFF = """\
import aiohttp
import httpx


class Api:
    def __init__(self, session):
        self.session = session

    async def close(self):
        await self.session.close()


class Feed:
    async def start(self, url):
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(url)
        self._session = session
        self._ws = ws

    async def start_guarded(self, url):
        session = aiohttp.ClientSession()
        try:
            ws = await session.ws_connect(url)
        except BaseException:
            await session.close()
            raise
        self._session = session
        self._ws = ws

    async def start_kept_first(self, url):
        session = aiohttp.ClientSession()
        self._session = session
        self._ws = await session.ws_connect(url)

    async def start_lazy(self, url):
        client = httpx.AsyncClient()
        (await client.get(url)).release()
        self._client = client

    async def stop(self):
        await self._ws.close()
        await self._session.close()
        await self._client.aclose()


async def keep(holder, url):
    session = aiohttp.ClientSession()
    (await session.get(url)).release()
    holder.api = Api(session)


async def keep_first(holder, url):
    session = aiohttp.ClientSession()
    holder.api = Api(session)
    (await session.get(url)).release()
"""


def test_an_await_before_the_hand_off_that_propagates(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"feed.py": HANDOFF})
    assert findings(root, "TRD2") == [
        "app/feed.py:15:9 TRD201 `self._session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is stored raises; close it on that error",
        # (session 35: a lazy client's first awaited use, which opens it, may fail once it has)
        "app/feed.py:36:9 TRD201 `self._client` (`httpx.AsyncClient(...)`) leaks if an `await` before it is stored raises; close it on that error",
        "app/feed.py:47:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


def test_a_test_ends_with_its_error(tmp_path: Path) -> None:
    """In a test, the error ends the test: what it opened goes with it."""
    root = package_project(tmp_path, {"test_feed.py": HANDOFF})
    assert findings(root, "TRD2") == []


COMMON = """\
def _import_aiohttp():
    import aiohttp

    return aiohttp


def _version():
    import aiohttp

    return aiohttp.__version__
"""

CLIENT = """\
import asyncio

from ._common import _import_aiohttp, _version


async def post(url, stream):
    aiohttp = _import_aiohttp()
    client = aiohttp.ClientSession()
    try:
        response = await client.post(url)
        if stream:
            return _yield_from(client, response)
        content = await response.read()
        await client.close()
        return content
    except asyncio.TimeoutError:
        await client.close()
        raise


async def post_closed_on_any_error(url):
    aiohttp = _import_aiohttp()
    client = aiohttp.ClientSession()
    try:
        response = await client.post(url)
        return _yield_from(client, response)
    except BaseException:
        await client.close()
        raise


async def not_a_module(url):
    aiohttp = _version()
    return aiohttp.Version(url)


async def _yield_from(client, response):
    async for chunk in response.content:
        yield chunk
    await client.close()
"""


def test_a_module_returned_by_a_helper_and_a_handler_of_some_errors(tmp_path: Path) -> None:
    """``aiohttp = _import_aiohttp()`` binds the module (huggingface_hub ``0d0603f5``); a handler
    of ``TimeoutError`` alone leaves every other error to propagate before the hand-off."""
    root = package_project(tmp_path, {"_common.py": COMMON, "client.py": CLIENT})
    assert findings(root, "TRD2") == [
        "app/client.py:8:5 TRD201 `client` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is handed on raises; close it on that error",
    ]


EVIDENCED = """\
from somesdk.aio import DashboardAPI


class ApiClient:
    def __init__(self, key):
        self._sdk = DashboardAPI(api_key=key)

    async def networks(self):
        return await self._sdk.networks()

    async def close(self):
        await self._sdk.aclose()


async def validate(key):
    client: ApiClient = ApiClient(key)
    return await client.networks()


async def validate_closed(key):
    client = ApiClient(key)
    try:
        return await client.networks()
    finally:
        await client.close()
"""


def test_a_class_holding_what_its_own_close_releases_is_a_resource_type(tmp_path: Path) -> None:
    """The SDK is not installed: the class's own ``close()`` awaiting ``self._sdk.aclose()`` is the
    evidence that a ``DashboardAPI`` must be released, so the class is a resource type
    (brewmarsh/meraki-homeassistant ``ab1ce621``)."""
    root = package_project(tmp_path, {"api.py": EVIDENCED})
    assert findings(root, "TRD2") == [
        "app/api.py:16:5 TRD201 `client` (`ApiClient(...)`) is never closed; call `await client.close()` in a `finally`",
    ]


SETUP = """\
import aiohttp
from homeassistant.exceptions import ConfigEntryNotReady


class Hub:
    def __init__(self, host):
        self._session = aiohttp.ClientSession(base_url=host)

    async def connect(self):
        (await self._session.get("/hello")).release()

    async def stop(self):
        await self._session.close()


async def async_setup_entry(hass, entry):
    hub = Hub(entry.data["host"])
    entry.runtime_data = hub
    try:
        await hub.connect()
    except ConnectionError as err:
        raise ConfigEntryNotReady("hub offline") from err
    return True


async def async_unload_entry(hass, entry):
    await entry.runtime_data.stop()
    return True
"""


def test_kept_at_setup_then_the_setup_raises(tmp_path: Path) -> None:
    """A setup that fails is never unloaded: what it kept before the ``raise`` stays open
    (fdebrus/Nikobus-HA ``2cdfadab``). Closed before the ``raise``, nothing leaks."""
    path = ha_integration(tmp_path / "raises", SETUP)
    assert _messages(path, "TRD2") == [
        "17 TRD201 `hub` (`Hub(...)`) is kept at setup, then the setup raises; close it before raising",
    ]
    closed = SETUP.replace("    except ConnectionError as err:\n", "    except ConnectionError as err:\n        await hub.stop()\n")
    path = ha_integration(tmp_path / "closes", closed)
    assert _messages(path, "TRD2") == []
    # A setup that first ends what an earlier attempt kept ("close any existing clients":
    # BottlecapDave/HomeAssistant-OctopusEnergy) leaks nothing on a retry.
    retried = SETUP.replace(
        '    hub = Hub(entry.data["host"])\n    entry.runtime_data = hub\n',
        '    await _async_close_hub(hass, entry)\n    hub = Hub(entry.data["host"])\n    entry.runtime_data = hub\n',
        1,
    ) + "\n\nasync def _async_close_hub(hass, entry):\n    hub = getattr(entry, 'runtime_data', None)\n    if hub is not None:\n        await hub.stop()\n"
    path = ha_integration(tmp_path / "retried", retried)
    assert _messages(path, "TRD2") == []


SETUP_TASK = """\
import asyncio

from homeassistant.exceptions import ConfigEntryNotReady

DOMAIN = "demo"


async def listen(client):
    while True:
        await asyncio.sleep(1)


async def async_setup_entry(hass, entry):
    client = object()
    connect_task = hass.loop.create_task(listen(client))
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {"local_task": connect_task}
    devices = await asyncio.sleep(0, result=[])
    if not devices:
        raise ConfigEntryNotReady("no devices")
    return True


async def async_unload_entry(hass, entry):
    hass.data[DOMAIN].pop(entry.entry_id)["local_task"].cancel()
    return True
"""


def test_a_task_kept_at_setup_then_the_setup_raises(tmp_path: Path) -> None:
    """MapleEve/lifesmart-for-homeassistant ``57eeb236`` (round 10, half a): cancelled before the
    ``raise``, nothing is left running."""
    path = ha_integration(tmp_path / "raises", SETUP_TASK)
    assert _messages(path, "TRD3") == [
        "15 TRD302 task `connect_task` from `hass...create_task(...)` is kept at setup, then the setup raises; cancel it before raising",
    ]
    cancelled = SETUP_TASK.replace("    if not devices:\n", "    if not devices:\n        connect_task.cancel()\n")
    path = ha_integration(tmp_path / "cancels", cancelled)
    assert _messages(path, "TRD3") == []
