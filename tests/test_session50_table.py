"""Session 50's rules of ``scripts/make_resource_table.py`` (issue 28 point 1), each on a small
library written here, beside the twin it must leave as it was:

- a name a package imports, then binds again by ``from ._patch import *`` of a module whose
  ``__all__`` lists it, is that module's (the Azure SDK's hand-written ``_patch`` mixins:
  azure-search-documents' ``SearchIndexClient.get_search_client``); twins: ``__all__`` empty, and
  the star import before the explicit one;
- a coroutine method under a decorator of the library whose wrapper's result, awaited, is the
  coroutine's own (asyncssh's ``@async_context_manager``: ``SSHClientConnection.create_process``);
  twin: a decorator whose wrapper awaits something else;
- an owner's release is a release-named public method releasing its holding before another
  public method that releases it first (aionanit's ``WsTransport``: ``async_close``, not
  ``async_force_reconnect``); twin: when no release-named method releases it, the first stays.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

from tests.test_library_table_rules import _entries, _write


def _generate(folder: Path) -> tuple[dict[str, tuple[str, bool, bool, str]], dict[str, gen.Maker]]:
    makers: dict[str, gen.Maker] = {}
    found = gen.generate([folder], makers=makers)
    return _entries(found), makers


CLIENT = '''\
class {name}:
    def __init__(self, endpoint):
        self._endpoint = endpoint
        self._open = True

    async def close(self):
        self._open = False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
'''

PATCHED = '''\
from typing import TYPE_CHECKING

from ._operations import _IndexOperationsMixin as _GeneratedMixin

if TYPE_CHECKING:
    import searchlib.aio


class _IndexOperationsMixin(_GeneratedMixin):
    """Hand-written operations, added to the generated ones."""

    def get_search_client(self, index_name: str) -> "searchlib.aio.SearchClient":
        from ....aio import SearchClient

        return SearchClient(self._endpoint + "/" + index_name)


__all__ = {exported}
'''

STAR_LAST = '''\
from ._operations import _IndexOperationsMixin
from ._patch import *
from ._patch import __all__ as _patch_all
'''

STAR_FIRST = '''\
from ._patch import *
from ._operations import _IndexOperationsMixin
'''


def _search_library(root: Path, package_init: str, exported: str) -> Path:
    return _write(root, "searchlib-1.0", {
        "searchlib/__init__.py": "",
        "searchlib/aio/__init__.py": "from ._client import SearchClient\n",
        "searchlib/aio/_client.py": CLIENT.format(name="SearchClient"),
        "searchlib/indexes/__init__.py": "",
        "searchlib/indexes/aio/__init__.py": "from ._client import IndexClient\n",
        "searchlib/indexes/aio/_client.py": "from ._operations import _IndexOperationsMixin\n\n\n"
        + CLIENT.format(name="IndexClient(_IndexOperationsMixin)"),
        "searchlib/indexes/aio/_operations/__init__.py": package_init,
        "searchlib/indexes/aio/_operations/_operations.py": '''\
class _IndexOperationsMixin:
    """Generated operations."""

    async def get_index(self, name: str) -> dict:
        return {"name": name}
''',
        "searchlib/indexes/aio/_operations/_patch.py": PATCHED.format(exported=exported),
    })


SEARCH_TYPES = {
    "searchlib.aio.SearchClient": ("close", True, True, "protocol"),
    "searchlib.aio._client.SearchClient": ("close", True, True, "protocol"),
    "searchlib.indexes.aio.IndexClient": ("close", True, True, "protocol"),
    "searchlib.indexes.aio._client.IndexClient": ("close", True, True, "protocol"),
}


def test_a_method_of_a_mixin_a_later_star_import_binds_is_a_maker(tmp_path: Path) -> None:
    folder = _search_library(tmp_path, STAR_LAST, '["_IndexOperationsMixin"]')
    types, makers = _generate(folder)
    assert types == SEARCH_TYPES
    assert makers == {
        "searchlib.indexes.aio._client.IndexClient.get_search_client": gen.Maker("searchlib.aio.SearchClient", False, "searchlib-1.0", True),
    }


@pytest.mark.parametrize(
    ("package_init", "exported"),
    [(STAR_LAST, "[]"), (STAR_FIRST, '["_IndexOperationsMixin"]')],
    ids=["the-patch-exports-nothing", "the-explicit-import-binds-last"],
)
def test_a_mixin_no_later_star_import_binds_keeps_the_generated_one(tmp_path: Path, package_init: str, exported: str) -> None:
    folder = _search_library(tmp_path, package_init, exported)
    types, makers = _generate(folder)
    assert types == SEARCH_TYPES
    assert makers == {}


SSH = {
    "sshlike/__init__.py": "from .connection import Connection\nfrom .process import Process\n",
    "sshlike/misc.py": '''\
import functools


class _AwaitableManager:
    """Awaited: the coroutine's result; entered: that result entered."""

    def __init__(self, coro):
        self._coro = coro
        self._result = None

    def __await__(self):
        return self._coro.__await__()

    async def __aenter__(self):
        self._result = await self._coro
        return await self._result.__aenter__()

    async def __aexit__(self, *exc):
        return await self._result.__aexit__(*exc)


def async_context_manager(coro):
    @functools.wraps(coro)
    def wrapper(*args, **kwargs):
        return _AwaitableManager(coro(*args, **kwargs))

    return wrapper


class _Retrying:
    """Twin: awaited, it runs the coroutine function again until it succeeds."""

    def __init__(self, coro):
        self._coro = coro

    def __await__(self):
        return self._until_done().__await__()

    async def _until_done(self):
        return await self._coro


def retried(coro):
    @functools.wraps(coro)
    def wrapper(*args, **kwargs):
        return _Retrying(coro(*args, **kwargs))

    return wrapper
''',
    "sshlike/process.py": '''\
import asyncio
from typing import AnyStr, Generic


class Process(Generic[AnyStr]):
    def __init__(self):
        self._done = asyncio.Event()

    def close(self):
        self._done.set()

    async def wait_closed(self):
        await self._done.wait()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.close()
        await self.wait_closed()
''',
    "sshlike/connection.py": '''\
from typing import AnyStr

from .misc import async_context_manager, retried
from .process import Process


class Connection:
    async def create_session(self, factory):
        return object(), factory()

    @async_context_manager
    async def create_process(self, command: str) -> Process[AnyStr]:
        channel, process = await self.create_session(Process)
        return process

    @retried
    async def start_process(self, command: str) -> Process[AnyStr]:
        channel, process = await self.create_session(Process)
        return process
''',
}


def test_a_coroutine_under_a_decorator_keeping_what_await_gives_is_a_maker(tmp_path: Path) -> None:
    folder = _write(tmp_path, "sshlike-1.0", SSH)
    types, makers = _generate(folder)
    assert types == {
        "sshlike.Process": ("close", False, True, "protocol"),
        "sshlike.process.Process": ("close", False, True, "protocol"),
    }
    # (``start_process``, under a decorator whose result awaits another coroutine: no maker)
    assert makers == {
        "sshlike.connection.Connection.create_process": gen.Maker("sshlike.process.Process", True, "sshlike-1.0", True),
    }


TRANSPORT = '''\
import asyncio

import aiohttp


class Transport:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._closed = False

    async def connect(self, url: str) -> None:
        await self._close_ws()
        self._ws = await self._session.ws_connect(url)

    async def force_reconnect(self) -> None:
        """Close the socket; the reader's loop opens another."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()

{release}
    async def _close_ws(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        self._ws = None
'''

RELEASES = {
    # The release-named coroutine reaches the private release of the same socket: it is the release.
    "async_close": """\
    async def async_close(self) -> None:
        self._closed = True
        await self._close_ws()
""",
    # Twins, where the first releaser stays: the release-named method releases nothing ...
    "flag-only": """\
    async def async_close(self) -> None:
        self._closed = True
""",
    # ... or is a plain method that ends the awaited socket on a loop of its own ...
    "plain": """\
    def stop(self) -> None:
        asyncio.get_event_loop().run_until_complete(self._close_ws())
""",
}


@pytest.mark.parametrize(
    ("name", "release"),
    [("async_close", "async_close"), ("flag-only", "force_reconnect"), ("plain", "force_reconnect")],
)
def test_an_owners_release_is_a_release_named_method_when_one_releases_the_holding(tmp_path: Path, name: str, release: str) -> None:
    folder = _write(tmp_path, "camlib-1.0", {"camlib/__init__.py": "", "camlib/transport.py": TRANSPORT.format(release=RELEASES[name])})
    types, makers = _generate(folder)
    assert types == {"camlib.transport.Transport": (release, True, True, "owner")}
    assert makers == {}


OTHER_HOLDING = '''\
import aiohttp


class Transport:
    def __init__(self) -> None:
        self._client = aiohttp.ClientSession()
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, url: str) -> None:
        self._ws = await self._client.ws_connect(url)

    async def wait_closed(self) -> None:
        await self._client.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
'''


def test_a_release_named_method_releasing_another_holding_is_not_the_release(tmp_path: Path) -> None:
    # (... or releases another holding than the first releaser's: the session, made in
    # ``__init__``, is released by ``wait_closed()`` alone)
    folder = _write(tmp_path, "natslike-1.0", {"natslike/__init__.py": "", "natslike/transport.py": OTHER_HOLDING})
    types, makers = _generate(folder)
    assert types == {"natslike.transport.Transport": ("wait_closed", True, False, "owner")}
    assert makers == {}


PART_BASE = '''\
import aiohttp


class Provider:
    def __init__(self, session=None):
        self.session = session or aiohttp.ClientSession()

    async def fetch(self, url):
        async with self.session.get(url) as response:
            return await response.text()
'''


@pytest.mark.parametrize(
    ("subclass", "expected"),
    [
        # its own ``__init__`` hands the making to the base's: the base's part, given by name
        (
            "class Lyrics(Provider):\n    def __init__(self, token, session=None):\n        super().__init__(session)\n        self.token = token\n",
            ("session.close", True, False, "subclass", (("session", 1),)),
        ),
        (
            "class Lyrics(Provider):\n    def __init__(self, token):\n        Provider.__init__(self)\n        self.token = token\n",
            ("session.close", True, False, "subclass", ()),
        ),
        # twins: it binds the part itself (the part rule's own reading), or adds a release of its own
        ("class Lyrics(Provider):\n    def __init__(self, session):\n        super().__init__()\n        self.session = session\n", None),
        (
            "class Lyrics(Provider):\n    def __init__(self):\n        super().__init__()\n\n    async def close(self):\n        self.closed = True\n",
            None,
        ),
    ],
)
def test_a_subclass_whose_init_hands_the_making_to_its_base_keeps_the_part(tmp_path: Path, subclass: str, expected: tuple[object, ...] | None) -> None:
    folder = _write(tmp_path, "lyricslib-1.0", {
        "lyricslib/__init__.py": "",
        "lyricslib/base.py": PART_BASE,
        "lyricslib/lyrics.py": "from lyricslib.base import Provider\n\n\n" + subclass,
    })
    found = gen.generate([folder])
    assert (found["lyricslib.base.Provider"].close, found["lyricslib.base.Provider"].rule) == ("session.close", "part")
    entry = found.get("lyricslib.lyrics.Lyrics")
    got = None if entry is None else (entry.close, entry.awaited, entry.lazy, entry.rule, entry.given)
    assert got == expected
