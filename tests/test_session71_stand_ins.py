"""Session 71: a test's stand-ins hold no resource (issue 28 point 8, false positives; the shapes
of half a of ``benchmarks/heads70.txt``, where 68 % of TRD201 findings are in tests).

Each shape is a test that makes a first-party client and replaces what would open a connection:

* a method of the instance replaced before use (``client._read = fake_read``): that method's code
  no longer runs, so neither it nor what only it reaches opens anything;
* the attribute the class fills lazily given a stand-in: what a helper of the module returns when
  every return is a ``unittest.mock`` object, or an instance of a class of the project (or of the
  test itself) that acquires nothing;
* such a stand-in handed to the constructor in the place of the resource the class otherwise
  makes (``Cloud(client=FakeClient())``): the instance keeps it and makes none;
* the library class the client makes patched where it is made (``with patch("app.api.ClientSession")``,
  ``@patch(...)``, ``monkeypatch.setattr(...)``), also for a lazy client made before the ``with``
  whose every use is inside it.

Twins: a use that opens before the replacement, a stand-in that is a real resource, a class
whose own acquisition is not replaced, a patch of something else, and a use after the ``with``
are still reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CLIENT = '''\
import aiohttp


class Client:
    def __init__(self, host):
        self._host = host
        self._session = None

    async def _ensure(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _read(self, path):
        session = await self._ensure()
        async with session.get(self._host + path) as response:
            return await response.json()

    async def status(self):
        return await self._read("/status")

    def url(self, path):
        return self._host + path

    async def close(self):
        if self._session is not None:
            await self._session.close()
'''

CLOUD = '''\
import httpx


class Cloud:
    def __init__(self, client=None):
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient()

    async def login(self):
        return await self._client.post("/login")

    async def aclose(self):
        if self._owns_client:
            await self._client.aclose()
'''

FAKES = '''\
class FakeSession:
    def __init__(self, replies=()):
        self.replies = list(replies)

    def get(self, url):
        return self.replies.pop(0)


class RealSession:
    def __init__(self):
        import aiohttp
        self.inner = aiohttp.ClientSession()
'''


def _check(tmp_path: Path, test: str) -> list[str]:
    files = {
        "app/__init__.py": "",
        "app/api.py": CLIENT,
        "app/cloud.py": CLOUD,
        "tests/fakes.py": FAKES,
        "tests/test_api.py": test,
    }
    return tree_findings(tmp_path, files, "TRD201", project=True)


def _never_closed(line: int, close: str = "close") -> str:
    return f"test_api.py:{line}:5 TRD201 `client` (`Client(...)`) is never closed; call `await client.{close}()` in a `finally`"


METHOD_REPLACED = '''\
from app.api import Client


async def test_status():
    client = Client("http://host")

    async def fake_read(path):
        return {"ok": True}

    client._read = fake_read
    assert await client.status() == {"ok": True}
'''


def test_a_method_replaced_before_use_opens_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, METHOD_REPLACED) == []


def test_twin_a_use_before_the_method_is_replaced_opens_it(tmp_path: Path) -> None:
    test = METHOD_REPLACED.replace("    client._read = fake_read\n", "    await client.status()\n    client._read = fake_read\n")
    assert _check(tmp_path, test) == [_never_closed(5)]


def test_twin_replacing_a_method_that_does_not_open_leaves_the_opening_one(tmp_path: Path) -> None:
    test = METHOD_REPLACED.replace("client._read = fake_read", "client.url = fake_read")
    assert _check(tmp_path, test) == [_never_closed(5)]


HELPER_DOUBLE = '''\
from unittest.mock import AsyncMock, MagicMock

from app.api import Client


def _mock_session(reply):
    session = MagicMock()
    session.get = AsyncMock(return_value=reply)
    return session


async def test_status():
    client = Client("http://host")
    client._session = SESSION
    await client.status()
'''


def test_a_helper_returning_a_mock_fills_the_lazy_slot(tmp_path: Path) -> None:
    assert _check(tmp_path, HELPER_DOUBLE.replace("SESSION", '_mock_session({"ok": True})')) == []


def test_a_fake_class_of_the_tests_fills_the_lazy_slot(tmp_path: Path) -> None:
    test = HELPER_DOUBLE.replace("SESSION", "FakeSession()").replace("from app.api import Client\n", "from app.api import Client\nfrom tests.fakes import FakeSession\n")
    assert _check(tmp_path, test) == []


def test_a_class_the_test_defines_fills_the_lazy_slot(tmp_path: Path) -> None:
    test = HELPER_DOUBLE.replace("SESSION", "Broken()").replace(
        '    client = Client("http://host")\n',
        '    class Broken(FakeSession):\n        def get(self, url):\n            raise OSError(url)\n\n    client = Client("http://host")\n',
    ).replace("from app.api import Client\n", "from app.api import Client\nfrom tests.fakes import FakeSession\n")
    assert _check(tmp_path, test) == []


def test_twin_a_class_that_acquires_is_no_stand_in(tmp_path: Path) -> None:
    test = HELPER_DOUBLE.replace("SESSION", "RealSession()").replace("from app.api import Client\n", "from app.api import Client\nfrom tests.fakes import RealSession\n")
    assert _check(tmp_path, test) == [_never_closed(14)]


def test_twin_a_helper_returning_a_real_session_is_no_stand_in(tmp_path: Path) -> None:
    test = HELPER_DOUBLE.replace("SESSION", "_real()").replace(
        "def _mock_session(reply):", "def _real():\n    import aiohttp\n    return aiohttp.ClientSession()\n\n\ndef _mock_session(reply):")
    assert _check(tmp_path, test) == [_never_closed(18)]


GIVEN = '''\
from app.cloud import Cloud
from tests.fakes import FakeSession


async def test_login():
    client = Cloud(client=GIVEN)
    await client.login()
'''


def test_a_stand_in_given_in_place_of_the_client_it_would_make(tmp_path: Path) -> None:
    assert _check(tmp_path, GIVEN.replace("GIVEN", "FakeSession()")) == []


def test_twin_nothing_given_makes_its_own(tmp_path: Path) -> None:
    assert _check(tmp_path, GIVEN.replace("GIVEN", "None")) == [
        "test_api.py:6:5 TRD201 `client` (`Cloud(...)`) is never closed; call `await client.aclose()` in a `finally`"
    ]


PATCHED = '''\
from unittest.mock import MagicMock, patch

from app.api import Client


async def test_status():
    with patch("TARGET", return_value=MagicMock()):
        client = Client("http://host")
        await client.status()
'''


def test_the_library_class_patched_where_the_client_makes_it(tmp_path: Path) -> None:
    assert _check(tmp_path, PATCHED.replace("TARGET", "app.api.aiohttp.ClientSession")) == []


def test_the_library_class_patched_by_its_own_name(tmp_path: Path) -> None:
    assert _check(tmp_path, PATCHED.replace("TARGET", "aiohttp.ClientSession")) == []


def test_twin_something_else_patched(tmp_path: Path) -> None:
    assert _check(tmp_path, PATCHED.replace("TARGET", "app.api.aiohttp.TCPConnector")) == [
        "test_api.py:8:9 TRD201 `client` (`Client(...)`) is never closed; call `await client.close()` in a `finally`"
    ]


def test_patched_by_a_decorator(tmp_path: Path) -> None:
    test = PATCHED.replace('async def test_status():\n    with patch("TARGET", return_value=MagicMock()):\n',
                           '@patch("app.api.aiohttp.ClientSession")\nasync def test_status(session_cls):\n    if True:\n')
    assert _check(tmp_path, test) == []


def test_patched_by_monkeypatch(tmp_path: Path) -> None:
    test = PATCHED.replace('async def test_status():\n    with patch("TARGET", return_value=MagicMock()):\n',
                           'async def test_status(monkeypatch):\n    monkeypatch.setattr("app.api.aiohttp.ClientSession", MagicMock)\n    if True:\n')
    assert _check(tmp_path, test) == []


LAZY_BEFORE = '''\
from unittest.mock import MagicMock, patch

from app.api import Client


async def test_status():
    client = Client("http://host")
    assert client._session is None
    with patch("app.api.aiohttp.ClientSession", return_value=MagicMock()):
        await client.status()
'''


def test_a_lazy_client_made_before_the_patch_and_used_only_under_it(tmp_path: Path) -> None:
    assert _check(tmp_path, LAZY_BEFORE) == []


def test_twin_a_use_after_the_patch_ends(tmp_path: Path) -> None:
    assert _check(tmp_path, LAZY_BEFORE + "    await client.status()\n") == [_never_closed(7)]


SHADOWED = '''\
from aiohttp import ClientSession


async def test_fake():
    class ClientSession:
        async def get(self, url):
            return url

    session = ClientSession()
    await session.post("x")


async def test_real():
    session = ClientSession()
    await session.post("x")
'''


def test_a_class_the_test_defines_under_an_imported_name_is_its_own(tmp_path: Path) -> None:
    # Inside ``test_fake`` the name is the local class (Python binds it for the whole function);
    # ``test_real`` still makes aiohttp's session.
    assert tree_findings(tmp_path, {"test_x.py": SHADOWED}, "TRD201") == [
        "test_x.py:14:5 TRD201 `session` (`ClientSession(...)`) is never closed; open it with `async with`",
        "test_x.py:15:11 TRD201 the response of `session.post(...)` is discarded unread; enter it with `async with`, or keep it and call its `release()`",
    ]


BASE = '''\
import aiohttp


class BaseClient:
    def __init__(self, host, session=None):
        self._host = host
        self._session = session
        self._owns_session = session is None

    async def _ensure_session(self):
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def fetch(self):
        session = await self._ensure_session()
        async with session.get(self._host) as response:
            return await response.json()

    async def close(self):
        if self._session and self._owns_session:
            await self._session.close()


class ProtectClient(BaseClient):
    def __init__(self, host, *, console=None, session=None):
        super().__init__(host, session=session)
        self._console = console


class NetworkClient(BaseClient):
    pass
'''

SETUP = '''\
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from app.clients import CLIENT


async def probe(hass, host):
    client = CLIENT(host, session=async_get_clientsession(hass))
    await client.fetch()
    return True
'''


def _given(tmp_path: Path, client: str) -> list[str]:
    files = {"app/__init__.py": "", "app/clients.py": BASE, "app/setup.py": SETUP.replace("CLIENT", client)}
    return tree_findings(tmp_path, files, "TRD201", project=True)


def test_a_subclass_handing_the_session_on_by_name_borrows_it(tmp_path: Path) -> None:
    assert _given(tmp_path, "ProtectClient") == []


def test_a_subclass_without_an_init_borrows_as_its_base(tmp_path: Path) -> None:
    assert _given(tmp_path, "NetworkClient") == []


def test_the_base_itself_borrows(tmp_path: Path) -> None:
    assert _given(tmp_path, "BaseClient") == []


def test_twin_a_subclass_given_no_session_makes_its_own(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/clients.py": BASE,
             "app/setup.py": SETUP.replace("CLIENT(host, session=async_get_clientsession(hass))", "ProtectClient(host)").replace("CLIENT", "ProtectClient")}
    assert tree_findings(tmp_path, files, "TRD201", project=True) == [
        "setup.py:7:5 TRD201 `client` (`ProtectClient(...)`) is never closed; call `await client.close()` in a `finally`"
    ]


POOL = '''\
import asyncpg


class InvalidDsnError(ValueError):
    pass


async def create_pool(dsn):
    if not dsn.startswith("postgresql://"):
        raise InvalidDsnError(dsn)
    return await asyncpg.create_pool(dsn=dsn)
'''

POOL_TEST = '''\
from unittest.mock import AsyncMock, patch

import pytest

from app.pool import InvalidDsnError, create_pool

_TARGET = "app.pool.asyncpg.create_pool"


async def test_rejected():
    with pytest.raises(InvalidDsnError):
        await create_pool("mysql://h/d")


async def test_accepted():
    with patch(_TARGET, new=AsyncMock()):
        await create_pool("postgresql://h/d")
'''


def _pool(tmp_path: Path, test: str) -> list[str]:
    files = {"app/__init__.py": "", "app/pool.py": POOL, "tests/test_pool.py": test}
    return tree_findings(tmp_path, files, "TRD201", project=True)


def test_a_creation_a_test_expects_to_raise_and_a_maker_patched_through_a_constant(tmp_path: Path) -> None:
    assert _pool(tmp_path, POOL_TEST) == []


def test_twin_the_creation_not_the_last_of_the_raises_block_and_nothing_patched(tmp_path: Path) -> None:
    test = POOL_TEST.replace('        await create_pool("mysql://h/d")\n', '        await create_pool("mysql://h/d")\n        raise InvalidDsnError("x")\n')
    test = test.replace('_TARGET = "app.pool.asyncpg.create_pool"', '_TARGET = "app.pool.asyncpg.connect"')
    inline = "TRD201 `create_pool(...)` is created inline, so nothing closes it; open it with `async with`"
    assert _pool(tmp_path, test) == [f"test_pool.py:12:15 {inline}", f"test_pool.py:18:15 {inline}"]
