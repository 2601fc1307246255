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

from tests.trees import findings, package_project

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
    await session.post("https://example.com/login")


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
    await client.post("https://example.com/login")
    try:
        return await client.get("https://example.com/cart")
    finally:
        await client.aclose()


async def lazy_used():
    client = httpx.AsyncClient()
    await client.post("https://example.com/login")
    await client.post("https://example.com/consent")
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
        await client.get(url)
        self._client = client

    async def stop(self):
        await self._ws.close()
        await self._session.close()
        await self._client.aclose()


async def keep(holder, url):
    session = aiohttp.ClientSession()
    await session.get(url)
    holder.api = Api(session)


async def keep_first(holder, url):
    session = aiohttp.ClientSession()
    holder.api = Api(session)
    await session.get(url)
"""


def test_an_await_before_the_hand_off_that_propagates(tmp_path: Path) -> None:
    root = package_project(tmp_path, {"feed.py": HANDOFF})
    assert findings(root, "TRD2") == [
        "app/feed.py:15:9 TRD201 `self._session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is stored raises; close it on that error",
        "app/feed.py:47:5 TRD201 `session` (`aiohttp.ClientSession(...)`) leaks if an `await` before it is kept raises; close it on that error",
    ]


def test_a_test_ends_with_its_error(tmp_path: Path) -> None:
    """In a test, the error ends the test: what it opened goes with it."""
    root = package_project(tmp_path, {"test_feed.py": HANDOFF})
    assert findings(root, "TRD2") == []
