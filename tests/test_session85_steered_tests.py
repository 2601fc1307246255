"""Session 85: a lazy first-party object a test steers opens what the test's stand-ins let it
open, which no reading of the class follows: left unclosed there, it is not reported (issue 28,
point 8; precision on applications).

Read on heads70 half a's labelled test findings: a test pre-fills an adapter's contract cache so
that no request runs (``adapter._contract_cache = {...}``), hands a client's transport a fake
``send``, patches a coordinator's API methods (``patch.object(coordinator.api, ...)``), replaces
a repository's ``_fetch`` with ``monkeypatch.setattr`` in the test around the coroutine that uses
it, or builds an agent loop with a fake backend; each was reported as a client never closed, and
each was false. The rule (:mod:`.steered_in_tests`) reads what the test does to the instance,
never which class or project it is. Twins: a setting the project's code computes, a public
setting, a configuration object of the project, a callback, a patch of a library name (also
where the project looks it up) or of another module's name, steering after a use, a test that
starts the object itself, the same code outside the tests, and a class that opens when it is
made.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

CLIENT = """\
import asyncio

import aiohttp


def build_retry():
    return {"tries": 1}


class Client:
    def __init__(self, host):
        self.host = host
        self.timeout = 10
        self._session = None
        self._cache = {}
        self._retry = {"tries": 3}
        self.transport = Transport()

    async def _ensure(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def fetch(self, key):
        if key in self._cache:
            return self._cache[key]
        session = await self._ensure()
        await self.transport.send(key)
        async with session.get(f"http://{self.host}/{key}") as response:
            return await response.json()

    async def close(self):
        if self._session is not None:
            await self._session.close()


class Transport:
    async def send(self, key):
        await asyncio.sleep(0)


class Coordinator:
    def __init__(self, host):
        self.api = Client(host)

    async def refresh(self):
        return await self.api.fetch("state")

    async def shutdown(self):
        await self.api.close()


class EagerClient:
    def __init__(self, host):
        self.host = host
        self._session = aiohttp.ClientSession()

    async def fetch(self, key):
        async with self._session.get(f"http://{self.host}/{key}") as response:
            return await response.json()

    async def close(self):
        await self._session.close()
"""

NEVER_CLOSED = "is never closed; call `await {0}.close()` in a `finally`"


def findings(tmp_path: Path, test: str, name: str = "tests/test_client.py") -> list[str]:
    return tree_findings(tmp_path, {"app/__init__.py": "", "app/client.py": CLIENT, "tests/__init__.py": "", name: test}, "TRD2")


def reported(name: str, variable: str, made_by: str, line: int) -> list[str]:
    return [f"{name}:{line}:5 TRD201 `{variable}` (`{made_by}(...)`) " + NEVER_CLOSED.format(variable)]


def test_a_cache_filled_by_the_test_steers_the_client(tmp_path: Path) -> None:
    test = """\
from app.client import Client


async def test_cached():
    client = Client("h")
    client._cache = {"a": 1}
    assert await client.fetch("a") == 1
"""
    assert findings(tmp_path, test) == []


def test_a_setting_the_project_computes_steers_nothing(tmp_path: Path) -> None:
    test = """\
from app.client import Client, build_retry


async def test_fetch():
    client = Client("h")
    client._retry = build_retry()
    assert await client.fetch("a") == 1
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 5)


def test_a_public_setting_steers_nothing(tmp_path: Path) -> None:
    test = """\
from app.client import Client


async def test_fetch():
    client = Client("h")
    client.timeout = 5
    assert await client.fetch("a") == 1
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 5)


def test_a_part_given_a_fake_method_steers_the_client(tmp_path: Path) -> None:
    test = """\
from app.client import Client


async def test_send_fails():
    client = Client("h")

    async def fake_send(key):
        raise OSError(key)

    client.transport.send = fake_send
    await client.fetch("a")
"""
    assert findings(tmp_path, test) == []


def test_a_patched_part_steers_its_owner(tmp_path: Path) -> None:
    test = """\
from unittest.mock import patch

from app.client import Coordinator


async def test_refresh():
    coordinator = Coordinator("h")
    with patch.object(coordinator.api, "fetch", return_value={}):
        assert await coordinator.refresh() == {}
"""
    assert findings(tmp_path, test) == []


def test_an_unpatched_owner_is_reported(tmp_path: Path) -> None:
    test = """\
from app.client import Coordinator


async def test_refresh():
    coordinator = Coordinator("h")
    assert await coordinator.refresh() == {}
"""
    expected = ["test_client.py:5:5 TRD201 `coordinator` (`Coordinator(...)`) is never closed; call `await coordinator.shutdown()` in a `finally`"]
    assert findings(tmp_path, test) == expected


def test_a_class_patched_around_the_coroutine_that_uses_it(tmp_path: Path) -> None:
    test = """\
import asyncio

from app.client import Client


def test_fetch(monkeypatch):
    async def scenario():
        client = Client("h")
        assert await client.fetch("a") == {}

    async def fake_ensure(self):
        return None

    monkeypatch.setattr(Client, "_ensure", fake_ensure)
    asyncio.run(scenario())
"""
    assert findings(tmp_path, test) == []


def test_a_patched_name_of_the_project_steers_the_client(tmp_path: Path) -> None:
    test = """\
from unittest.mock import patch

from app.client import Client


async def test_fetch():
    client = Client("h")
    with patch("app.client.build_retry"):
        await client.fetch("a")
"""
    assert findings(tmp_path, test) == []


def test_a_library_name_patched_where_the_project_looks_it_up_steers_nothing(tmp_path: Path) -> None:
    test = """\
from unittest.mock import patch

from app.client import Client


async def test_fetch():
    client = Client("h")
    with patch("app.client.asyncio.sleep"):
        await client.fetch("a")
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 7)


def test_a_patched_library_name_steers_nothing(tmp_path: Path) -> None:
    test = """\
from unittest.mock import patch

from app.client import Client


async def test_fetch():
    client = Client("h")
    with patch("asyncio.sleep"):
        await client.fetch("a")
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 7)


def test_the_same_code_outside_the_tests_is_reported(tmp_path: Path) -> None:
    code = """\
from app.client import Client


async def warm():
    client = Client("h")
    client._cache = {"a": 1}
    return await client.fetch("a")
"""
    assert findings(tmp_path, code, name="app/warm.py") == reported("warm.py", "client", "Client", 5)


def test_a_class_that_opens_when_made_is_reported_however_steered(tmp_path: Path) -> None:
    test = """\
from app.client import EagerClient


async def test_fetch():
    client = EagerClient("h")
    client._cache = {"a": 1}
    assert await client.fetch("a") == {}
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "EagerClient", 5)


def test_a_patched_method_of_a_library_class_leaves_its_instances_real(tmp_path: Path) -> None:
    test = """\
from unittest.mock import patch

from app.client import Client


async def test_fetch():
    client = Client("h")
    with patch("app.client.aiohttp.ClientSession.get"):
        await client.fetch("a")
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 7)


def test_made_with_a_stand_in_for_a_part(tmp_path: Path) -> None:
    test = """\
from app.client import Client


class FakeTransport:
    async def send(self, key):
        return None


async def test_fetch():
    client = Client("h", transport=FakeTransport())
    await client.fetch("a")
"""
    source = CLIENT.replace("def __init__(self, host):", "def __init__(self, host, transport=None):").replace(
        "self.transport = Transport()", "self.transport = transport or Transport()")
    got = tree_findings(tmp_path, {"app/__init__.py": "", "app/client.py": source, "tests/__init__.py": "", "tests/test_client.py": test}, "TRD2")
    assert got == []


def test_made_with_a_callback_of_the_test_is_reported(tmp_path: Path) -> None:
    test = """\
from app.client import Client


async def test_fetch():
    client = Client("h", on_event=lambda event: None)
    await client.fetch("a")
"""
    source = CLIENT.replace("def __init__(self, host):", "def __init__(self, host, on_event=None):")
    got = tree_findings(tmp_path, {"app/__init__.py": "", "app/client.py": source, "tests/__init__.py": "", "tests/test_client.py": test}, "TRD2")
    assert got == reported("test_client.py", "client", "Client", 5)


def test_made_with_a_configuration_of_the_project_is_reported(tmp_path: Path) -> None:
    test = """\
from app.client import Client, Settings


async def test_fetch():
    client = Client("h", settings=Settings())
    await client.fetch("a")
"""
    source = CLIENT.replace("def __init__(self, host):", "def __init__(self, host, settings=None):") + (
        "\n\nclass Settings:\n    timeout = 10\n")
    got = tree_findings(tmp_path, {"app/__init__.py": "", "app/client.py": source, "tests/__init__.py": "", "tests/test_client.py": test}, "TRD2")
    assert got == reported("test_client.py", "client", "Client", 5)


def test_steered_only_after_a_use_that_opens_it_is_reported(tmp_path: Path) -> None:
    test = """\
from app.client import Client


async def test_cached():
    client = Client("h")
    await client.fetch("b")
    client._cache = {"a": 1}
    assert await client.fetch("a") == 1
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 5)


def test_a_test_that_starts_it_itself_is_reported(tmp_path: Path) -> None:
    test = """\
from app.client import Client


async def test_session():
    client = Client("h")
    client._cache = {"a": 1}
    await client._ensure()
"""
    assert findings(tmp_path, test) == reported("test_client.py", "client", "Client", 5)


def test_a_name_of_another_module_steers_nothing(tmp_path: Path) -> None:
    test = """\
from unittest.mock import patch

from app.client import Client


async def test_fetch():
    client = Client("h")
    with patch("app.other.helper"):
        await client.fetch("a")
"""
    files = {"app/__init__.py": "", "app/client.py": CLIENT, "app/other.py": "def helper():\n    return 1\n",
             "tests/__init__.py": "", "tests/test_client.py": test}
    assert tree_findings(tmp_path, files, "TRD2") == reported("test_client.py", "client", "Client", 7)
