"""Session 55 review mends: twins that read the same thing two ways now read it one way.

- The enter-failure rule asks whether the method ``__aexit__`` calls on a held first-party object
  ends it; that method is the one an instance runs, the subclass's over its base's (the table of
  methods was built so that a base's method replaced the subclass's override).
- A base's helper that only subclasses call is found by calls on each method's own receiver, as
  ``facts.uses.self_calls`` reads them, whatever the first parameter is named.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings
from tradelint.api import check_paths

SESSION = """\
from .streams import open_stream


class Base:
    async def connect(self, host):
        self.reader, self.writer = await open_stream(host, 21)

    async def login(self, user):
        self.writer.write(user.encode())
        await self.writer.drain()

    async def quit(self):
        self.writer.write(b"QUIT")
{base_close}

    def close(self):
        self.writer.close()


class Client(Base):
    async def quit(self):
        self.writer.write(b"BYE")
{client_close}


class ClientSession:
    def __init__(self, host, user):
        self.host = host
        self.user = user

    async def __aenter__(self):
        self.client = Client()
        await self.client.connect(self.host)
        await self.client.login(self.user)
        return self.client

    async def __aexit__(self, *exc_info):
        await self.client.quit()
"""

CLOSE = "        self.close()"


def _check(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "ftp.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


def test_the_override_that_ends_the_client_is_the_one_run(tmp_path: Path) -> None:
    source = SESSION.replace("{base_close}", "").replace("{client_close}", CLOSE)
    assert _check(tmp_path, source) == [
        "32:9 TRD202 `self.client` is left open when `__aenter__()` fails after opening it; close it there before re-raising"
    ]


def test_the_override_that_does_not_end_it_twin(tmp_path: Path) -> None:
    # The base's ``quit()`` closes, but a ``Client`` runs its own, which does not.
    source = SESSION.replace("{base_close}", CLOSE).replace("{client_close}", "")
    assert _check(tmp_path, source) == []


# A base makes a store in a helper it never calls itself; a subclass, whose methods name their
# receiver ``collector``, calls the helper at start and stops the store at its end.
STORE = """\
import aiosqlite


class Store:
    def __init__(self, path):
        self.path = path
        self._connection = None

    async def insert(self, row):
        if self._connection is None:
            self._connection = await aiosqlite.connect(self.path)
        await self._connection.execute("INSERT INTO rows VALUES (?)", (row,))

    async def stop(self):
        if self._connection is not None:
            await self._connection.close()
"""

BASE = """\
from app.store import Store


class Collector:
    def __init__(self, path):
        self.path = path
        self.store = None

    def create_store(self):
        if not self.store:
            self.store = Store(self.path)

    async def stop(self):
        pass
"""

PLUGIN = """\
from app.base import Collector


class ExchangeCollector(Collector):
    async def start(collector):
        collector.create_store()
        await collector.store.insert({"started": True})

    async def stop(collector):
        {end}
"""


def _tree(tmp_path: Path, end: str) -> list[str]:
    files = {"app/__init__.py": "", "app/store.py": STORE, "app/base.py": BASE, "app/plugin.py": PLUGIN.replace("{end}", end)}
    return tree_findings(tmp_path, files, select="TRD202")


def test_helper_called_on_a_receiver_not_named_self(tmp_path: Path) -> None:
    assert _tree(tmp_path, "await collector.store.stop()") == []


def test_helper_called_on_a_receiver_not_named_self_twin(tmp_path: Path) -> None:
    assert _tree(tmp_path, "collector.path = None") == [
        "base.py:11:13 TRD202 `self.store` is never closed; call its `stop()` in `stop()`"
    ]
