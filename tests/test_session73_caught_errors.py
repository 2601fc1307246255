"""Session 73: errors caught on their way, and closes only a script's end can skip (TRD201 false
positives on ``benchmarks/apps72.txt``, labelled there).

1. A function that closes a value itself, its queries each in a ``try`` whose ``except Exception``
   goes on: no error of a query reaches the outer ``except Exception: return False``, so that
   ``return`` never leaves the value open (Slopez2023/Market-Data-Warehouse-API's
   ``migration_service.py``, two findings). Twins: the inner handler raises again, or catches one
   error only; the outer handler catches the cancellation too. (Since session 83 ``asyncpg.connect``
   is a resource type, and a service's connection closed outside ``finally`` is reported for the
   cancellation that skips the close: these programs use a driver tradelint knows nothing of,
   ``pgwire``, closed by the function itself, which is what this rule judges.)
2. A script's coroutine (``if __name__ == "__main__": asyncio.run(check())``) whose every ``await``
   between the value and its close is caught and gone on after, or caught by a handler that
   closes it: only a cancellation skips the close, and nothing cancels a script but its own end
   (Shmuel18/Arbitrage-'s ``check_zkp_funding.py`` and ``diag_full_spread.py``, three findings).
   Twins: the same function in a module that is no script; an ``await`` left uncaught; a
   ``return`` on the way.
3. A mixin's ``self.spawn(...)`` runs what the classes built from it give (TRD301, apps72's
   ``controller.py:202``).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings
from tests.test_session72_overrides import CONTROLLER

SERVICE = '''\
import pgwire


class Migrations:
    def __init__(self, url):
        self.url = url

    async def run(self, files):
        try:
            conn = await pgwire.connect(self.url)
            for sql in files:
                try:
                    await conn.execute(sql)
                except INNER:
                    HANDLER
            await conn.close()
            return True
        except OUTER:
            return False
'''


def _service(inner: str = "Exception", handler: str = "print(sql)", outer: str = "Exception") -> list[str]:
    return [SERVICE.replace("INNER", inner).replace("HANDLER", handler).replace("OUTER", outer)]


def _check(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return tree_findings(tmp_path, files, "TRD2")


def _one(tmp_path: Path, source: str, name: str = "migrations.py") -> list[str]:
    return _check(tmp_path, {name: source})


def test_errors_caught_and_gone_on_after_do_not_reach_the_outer_handler(tmp_path: Path) -> None:
    assert _one(tmp_path, _service()[0]) == []


def test_asyncpg_connect_in_a_service_is_left_open_by_a_cancellation(tmp_path: Path) -> None:
    # The same method with asyncpg's connection: every error of a query is caught, but a
    # cancellation of the service's coroutine skips the close.
    source = _service()[0].replace("pgwire", "asyncpg")
    assert _one(tmp_path, source) == [
        "migrations.py:10:13 TRD201 `conn` (`asyncpg.connect(...)`) is closed outside `finally`; call `await conn.close()` in a `finally`"]


CLOSED_IN_FINALLY = '''\
import asyncpg


class Migrations:
    def __init__(self, url):
        self.url = url

    async def run(self, files):
        conn = await asyncpg.connect(self.url)
        try:
            for sql in files:
                await conn.execute(sql)
            return True
        except Exception:
            return False
        finally:
            await conn.close()
'''


def test_twin_asyncpg_connect_closed_in_a_finally(tmp_path: Path) -> None:
    assert _one(tmp_path, CLOSED_IN_FINALLY) == []


def test_twin_asyncpg_connect_never_closed(tmp_path: Path) -> None:
    source = CLOSED_IN_FINALLY.replace("        finally:\n            await conn.close()\n", "")
    assert _one(tmp_path, source) == [
        "migrations.py:9:9 TRD201 `conn` (`asyncpg.connect(...)`) is never closed; call `await conn.close()` in a `finally`"]


OPEN_AT_RETURN = (
    "migrations.py:10:13 TRD201 `conn` (`pgwire.connect(...)`) is closed here on one path only: the `return` at line 19 "
    "leaves it open; close it in a `finally`"
)


def test_twin_the_inner_handler_raises_again(tmp_path: Path) -> None:
    assert _one(tmp_path, _service(handler="raise")[0]) == [OPEN_AT_RETURN]


def test_twin_the_inner_handler_catches_one_error(tmp_path: Path) -> None:
    assert _one(tmp_path, _service(inner="ValueError")[0]) == [OPEN_AT_RETURN]


def test_twin_the_outer_handler_catches_the_cancellation(tmp_path: Path) -> None:
    # ``except Exception`` inside lets a cancellation through to ``except BaseException``.
    assert _one(tmp_path, _service(outer="BaseException")[0]) == [OPEN_AT_RETURN]


LOOPED = '''\
import pgwire


class Schema:
    def __init__(self, url):
        self.url = url

    async def verify(self, tables):
        results = {}
        try:
            conn = await pgwire.connect(self.url)
            for table in tables:
                BODY
            await conn.close()
            return results
        except Exception:
            return {}
'''

CAUGHT_QUERY = """try:
                    results[table] = await conn.fetchval(table)
                except Exception:
                    results[table] = False"""


def test_a_loop_whose_queries_are_caught_cannot_fail_before_the_close(tmp_path: Path) -> None:
    assert _one(tmp_path, LOOPED.replace("BODY", CAUGHT_QUERY), "schema.py") == []


def test_twin_a_query_of_the_loop_left_uncaught(tmp_path: Path) -> None:
    assert _one(tmp_path, LOOPED.replace("BODY", "results[table] = await conn.fetchval(table)"), "schema.py") == [
        ("schema.py:11:13 TRD201 `conn` (`pgwire.connect(...)`) is closed here on one path only: the `return` at line 17 "
         "leaves it open; close it in a `finally`")
    ]


SCRIPT = '''\
import asyncio

import aiohttp


async def check():
    session = aiohttp.ClientSession()
    try:
        response = await session.get("https://example.com/rate")
        rate = float(await response.text())
    except Exception as e:
        print(f"error: {e}")
        rate = 0.0
    MIDDLE
    print(f"rate = {rate:.6f}")
    await session.close()
'''

RUN = "\n\nif __name__ == \"__main__\":\n    asyncio.run(check())\n"
NOT_IN_FINALLY = (
    "rates.py:7:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"
)


def test_a_script_whose_errors_are_all_caught_before_the_close(tmp_path: Path) -> None:
    assert _one(tmp_path, SCRIPT.replace("MIDDLE", "pass") + RUN, "rates.py") == []


def test_twin_the_same_coroutine_in_a_module_that_is_no_script(tmp_path: Path) -> None:
    # Called by code that goes on after it fails: a cancellation of it leaves the session open.
    assert _one(tmp_path, SCRIPT.replace("MIDDLE", "pass"), "rates.py") == [NOT_IN_FINALLY]


def test_twin_a_script_with_an_await_left_uncaught(tmp_path: Path) -> None:
    middle = 'await asyncio.sleep(1)'
    assert _one(tmp_path, SCRIPT.replace("MIDDLE", middle) + RUN, "rates.py") == [NOT_IN_FINALLY]


def test_twin_a_script_that_returns_on_the_way(tmp_path: Path) -> None:
    middle = "if not rate:\n        return"
    assert _one(tmp_path, SCRIPT.replace("MIDDLE", middle) + RUN, "rates.py") == [NOT_IN_FINALLY]


def test_a_loop_inside_the_way_may_continue(tmp_path: Path) -> None:
    middle = "for n in (1, 2, 3):\n        if n == 1:\n            continue\n        print(n)"
    assert _one(tmp_path, SCRIPT.replace("MIDDLE", middle) + RUN, "rates.py") == []


HANDLER_CLOSES = '''\
import asyncio

import aiohttp


async def fetch(url):
    try:
        session = aiohttp.ClientSession()
        response = await session.get(url)
        text = await response.text()
        await session.close()
        return text
    except Exception as e:
        print(f"error: {e}")
        await session.close()
        return ""
'''

CANCEL_SKIPS = (
    "fetch.py:8:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed only in an `except` that cancellation skips"
)


def test_a_script_closing_on_success_and_in_its_handler_of_every_error(tmp_path: Path) -> None:
    main = "\n\nasync def main():\n    print(await fetch('https://example.com'))\n\n\nif __name__ == \"__main__\":\n    asyncio.run(main())\n"
    assert _one(tmp_path, HANDLER_CLOSES + main, "fetch.py") == []


def test_twin_a_service_closing_on_success_and_in_its_handler_of_every_error(tmp_path: Path) -> None:
    assert _one(tmp_path, HANDLER_CLOSES, "fetch.py") == [CANCEL_SKIPS]


# A mixin's ``self.spawn(...)`` runs what the classes built from it give: composed only with
# another mixin that defines ``spawn()``, never with the controller, it does not drop the
# controller's task (Shmuel18/Arbitrage-'s funding mixin and lifecycle mixin, apps72's
# ``controller.py:202``). Twins: composed with the controller; composed nowhere in the project.
FEEDS = "import asyncio\n\n\nclass Feeds:\n    def start(self):\n        self.spawn(self._poll)\n\n    async def _poll(self):\n        await asyncio.sleep(1)\n"
LIFECYCLE = '''\
import asyncio


class Lifecycle:
    def spawn(self, factory):
        task = asyncio.create_task(factory())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task
'''
DROPPED = "controller.py:11:9 TRD301 task `task` from `asyncio.create_task(...)` is left to callers told to drop it; keep it in `spawn()`"


def _mixins(tmp_path: Path, app: str | None) -> list[str]:
    files = {"app/__init__.py": "", "app/controller.py": CONTROLLER, "app/feeds.py": FEEDS, "app/lifecycle.py": LIFECYCLE}
    if app is not None:
        files["app/main.py"] = app
    return [f for f in tree_findings(tmp_path, files, "TRD3", project=True) if f.startswith("controller.py")]


def test_a_mixin_composed_with_another_definer_does_not_call_the_controllers_helper(tmp_path: Path) -> None:
    app = "from .feeds import Feeds\nfrom .lifecycle import Lifecycle\n\n\nclass Exchange(Feeds, Lifecycle):\n    def __init__(self):\n        self._tasks = set()\n"
    assert _mixins(tmp_path, app) == []


def test_twin_a_mixin_composed_with_the_controller(tmp_path: Path) -> None:
    app = "from .controller import Controller\nfrom .feeds import Feeds\n\n\nclass App(Feeds, Controller):\n    pass\n"
    assert _mixins(tmp_path, app) == [DROPPED]


def test_twin_a_mixin_composed_nowhere_in_the_project(tmp_path: Path) -> None:
    assert _mixins(tmp_path, None) == [DROPPED]


# A test of a first-party client whose acquisitions sit in ``start()`` and ``connect()``: setting
# its fields, replacing its connection by a stand-in and reading what it set there opens nothing
# (milanorszagh/evon-smart-home-homeassistant-integration's ``EvonWsClient`` tests, 6 findings).
# Twins: the test starts it; the test connects it.
WS_CLIENT = '''\
import asyncio

import aiohttp


class WsClient:
    def __init__(self, url):
        self._url = url
        self._connected = False
        self._subscriptions = []
        self._http = None
        self._ws = None
        self._task = None

    async def connect(self):
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(self._url)
        self._connected = True

    async def start(self):
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        await self.connect()

    async def subscribe(self, items):
        self._subscriptions = list(items)
        if self._connected:
            await self._ws.send_json(items)

    async def stop(self):
        if self._task is not None:
            self._task.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._http is not None:
            await self._http.close()
'''

WS_TEST = '''\
from unittest.mock import MagicMock

from app.ws import WsClient


async def test_subscribe():
    client = WsClient("wss://example.com")
    client._connected = True
    client._ws = MagicMock()
    client._ws.closed = False
    await client.subscribe(["a"])
    USE
'''


def _ws(tmp_path: Path, use: str) -> list[str]:
    files = {"app/__init__.py": "", "app/ws.py": WS_CLIENT, "tests/test_ws.py": WS_TEST.replace("USE", use)}
    return [f for f in tree_findings(tmp_path, files, "TRD2", project=True) if f.startswith("test_ws.py")]


WS_FINDING = "test_ws.py:7:5 TRD201 `client` (`WsClient(...)`) is never closed; call `await client.stop()` in a `finally`"


def test_setting_and_reading_a_clients_fields_opens_nothing(tmp_path: Path) -> None:
    assert _ws(tmp_path, 'assert client._subscriptions == ["a"]') == []


def test_twin_the_test_starts_the_client(tmp_path: Path) -> None:
    assert _ws(tmp_path, "await client.start()") == [WS_FINDING]


def test_twin_the_test_connects_the_client(tmp_path: Path) -> None:
    assert _ws(tmp_path, "await client.connect()") == [WS_FINDING]


# A class whose only close is its ``__aexit__``, which the project never enters: what its
# ``__aenter__`` makes is never made either, and is not reported (motivatedwig-art/tg_arbitrage's
# ``EtherscanClient``, apps72). Twin: the same session made lazily by a method is still reported.
ENTERED_ONLY = '''\
import aiohttp


class Scanner:
    def __init__(self):
        self.session = None

    async def __aenter__(self):
        self.session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc):
        if self.session:
            await self.session.close()

    async def fetch(self, url):
        if not self.session:
            self.session = aiohttp.ClientSession()
        async with self.session.get(url) as response:
            return await response.text()
'''
USER = "from app.scanner import Scanner\n\n\nasync def main():\n    scanner = Scanner()\n    print(await scanner.fetch('https://example.com'))\n"


def test_what_an_unentered_aenter_makes_is_never_made(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/scanner.py": ENTERED_ONLY, "app/main.py": USER}
    assert [f for f in tree_findings(tmp_path, files, "TRD2", project=True) if f.startswith("scanner.py")] == [
        "scanner.py:18:13 TRD202 `self.session` is never closed: only `__aexit__()` closes it, and no `async with` enters a `Scanner`"
    ]


# The review of session 73: what still leaves the value open, each reported.
def test_twin_an_inner_handler_that_returns(tmp_path: Path) -> None:
    assert _one(tmp_path, _service(handler="return False")[0]) == [OPEN_AT_RETURN]


def test_twin_an_earlier_narrow_handler_raising_again(tmp_path: Path) -> None:
    source = _service(inner="pgwire.PostgresError", handler="raise")[0].replace(
        "                    raise\n", "                    raise\n                except Exception:\n                    print(sql)\n")
    assert _one(tmp_path, source) == [OPEN_AT_RETURN.replace("line 19", "line 21")]


SCRIPT_ONE = "import asyncio\n\nimport aiohttp\n\n\nasync def check(urls):\nBODY\n\n\nif __name__ == \"__main__\":\n    asyncio.run(check([]))\n"


def _script(tmp_path: Path, body: str) -> list[str]:
    return _one(tmp_path, SCRIPT_ONE.replace("BODY", body), "rates.py")


def test_twin_a_script_closing_after_the_loop_that_makes_one_each_turn(tmp_path: Path) -> None:
    body = ("    for url in urls:\n        session = aiohttp.ClientSession()\n        try:\n            r = await session.get(url)\n"
            "            r.release()\n        except Exception:\n            pass\n    await session.close()")
    assert _script(tmp_path, body) == [
        "rates.py:8:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"]


def test_twin_a_script_closing_in_the_trys_else(tmp_path: Path) -> None:
    body = ("    try:\n        session = aiohttp.ClientSession()\n        r = await session.get(urls[0])\n        r.release()\n    except Exception as e:\n"
            "        print(e)\n    else:\n        await session.close()")
    assert _script(tmp_path, body) == [
        "rates.py:8:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"]


CAUGHT_GET = "    session = aiohttp.ClientSession()\n    try:\n        r = await session.get(urls[0])\n    except Exception:\n        r = None\n"
NOT_IN_FINALLY_7 = "rates.py:7:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"


def test_twin_a_script_reading_what_may_be_none(tmp_path: Path) -> None:
    assert _script(tmp_path, CAUGHT_GET + "    print(r.status)\n    await session.close()") == [NOT_IN_FINALLY_7]


def test_twin_a_script_with_an_async_comprehension(tmp_path: Path) -> None:
    body = CAUGHT_GET + "    rows = [x async for x in r.content]\n    print(rows)\n    await session.close()"
    assert _script(tmp_path, body) == [NOT_IN_FINALLY_7]


def test_twin_a_test_asserting_before_the_close(tmp_path: Path) -> None:
    body = CAUGHT_GET.replace("urls[0]", '"https://example.com"')
    source = f"import aiohttp\n\n\nasync def test_rate():\n{body}    assert r is not None\n    await session.close()\n"
    assert tree_findings(tmp_path, {"tests/test_rate.py": source}, "TRD2") == [
        "test_rate.py:5:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"]


def test_twin_a_field_made_by_a_call_may_hold_anything(tmp_path: Path) -> None:
    api = ("import aiohttp\n\n\nclass Api:\n    def __init__(self, http_factory):\n        self.http = http_factory()\n        self._session = None\n\n"
           "    async def fetch(self, u):\n        if self._session is None:\n            self._session = aiohttp.ClientSession()\n"
           "        return await self._session.get(u)\n\n    async def close(self):\n        if self._session is not None:\n"
           "            await self._session.close()\n        await self.http.close()\n")
    test = "from app.api import Api\n\n\nasync def test_fetch(factory):\n    api = Api(factory)\n    await api.http.get('u')\n"
    files = {"app/__init__.py": "", "app/api.py": api, "tests/test_api.py": test}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [
        "test_api.py:5:5 TRD201 `api` (`Api(...)`) is never closed; call `await api.close()` in a `finally`"]


def test_twin_a_mixin_composed_further_down_with_the_controller_first(tmp_path: Path) -> None:
    app = ("from .controller import Controller\nfrom .feeds import Feeds\nfrom .lifecycle import Lifecycle\n\n\n"
           "class Exchange(Feeds, Lifecycle):\n    def __init__(self):\n        self._tasks = set()\n\n\n"
           "class Live(Controller, Exchange):\n    pass\n")
    assert _mixins(tmp_path, app) == [DROPPED]


def test_twin_a_script_closing_inside_the_try_that_goes_on(tmp_path: Path) -> None:
    # A development pool site (a bot's bot.py:30302, round 22): the error goes on after
    # the ``try``, past the close in its body.
    body = ("    try:\n        session = aiohttp.ClientSession()\n        r = await session.get(urls[0])\n        r.release()\n"
            "        await session.close()\n    except Exception as e:\n        print(e)")
    assert _script(tmp_path, body) == [
        "rates.py:8:9 TRD201 `session` (`aiohttp.ClientSession(...)`) is closed outside `finally`; open it with `async with`"]


def test_twin_an_inner_try_holding_the_close(tmp_path: Path) -> None:
    source = SERVICE.replace("INNER", "Exception").replace("HANDLER", "print(sql)").replace("OUTER", "Exception").replace(
        "                    await conn.execute(sql)\n", "                    await conn.execute(sql)\n                    await conn.close()\n")
    assert _one(tmp_path, source) == [OPEN_AT_RETURN.replace("line 19", "line 20")]


# A holder whose release ends what it is given (``cleanup()`` forwarding to its
# ``third_party_service``), given an instance of a class the test defines beside the call: that
# class's code is read, it holds nothing, and neither does the holder
# (hanchiang/market-data-notification's ``VixCentralService`` tests, 4 findings). Twin: a class
# picked at run time (an attribute of a loaded plugin module), whose code cannot be read.
HOLDER = '''\
class Service:
    def __init__(self, third_party_service):
        self.third_party_service = third_party_service

    async def current(self):
        return await self.third_party_service.get_current()

    async def cleanup(self):
        await self.third_party_service.cleanup()
'''
HOLDER_TEST = '''\
import importlib

from app.service import Service


async def test_current():
    class StubThirdPartyService:
        async def get_current(self):
            return 1

    plugin = importlib.import_module("plugins.vix")
    service = Service(third_party_service=GIVEN)
    assert await service.current() == 1
'''


def _holder(tmp_path: Path, given: str) -> list[str]:
    files = {"app/__init__.py": "", "app/service.py": HOLDER, "tests/test_service.py": HOLDER_TEST.replace("GIVEN", given)}
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_a_holder_given_a_class_the_test_defines_holds_nothing(tmp_path: Path) -> None:
    assert _holder(tmp_path, "StubThirdPartyService()") == []


def test_twin_a_holder_given_a_class_picked_at_run_time(tmp_path: Path) -> None:
    assert _holder(tmp_path, "plugin.VixClient()") == [
        "test_service.py:12:5 TRD201 `service` (`Service(...)`) is never closed; call `await service.cleanup()` in a `finally`"]
