"""Session 45: a release never awaited on a receiver whose type an annotation declares (TRD205,
issue 28 points 2 and 7).

``s.close()`` as a statement closes nothing when ``close`` is a coroutine function. TRD205 knew
the receiver's type only for a first-party class it could prove, or a creation it saw; a library
resource type known by an annotation alone gave nothing (robinhood/faust ``2e4aab70``: ``App``
declares ``_http_client: HttpClientT = None``, a first-party subclass of aiohttp's
``ClientSession``, made lazily by ``self.conf.HttpClient()``, and ``on_stop()`` calls
``self._http_client.close()`` bare). Now the annotation is the type: a parameter's, ``self.x: T``
in any method, the class body's ``x: T``, a property's or a function's return annotation, an
annotated module global, ``Optional[T]``, ``T | None`` and string annotations alike, where ``T``
is a library type whose release the library makes a coroutine, a first-party class deriving from
one, or a first-party class whose release is an ``async def``.

Twins give nothing: the awaited release, a type whose release is synchronous
(``requests.Session.close``), an annotation of a non-resource type, a coroutine kept, returned
or handed on, a receiver re-bound in the function, a subclass redefining the release as a plain
``def``. In a plain function the call is reported without a fix (no loop to await it).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings, tree_findings
from tradelint.api import fix_source

ISSUE = """\
import aiohttp
from typing import Optional


class Sess(aiohttp.ClientSession):
    pass


class App:
    _http: Optional[aiohttp.ClientSession] = None

    def __init__(self, factory):
        self.factory = factory
        self._client: Sess = None

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = self.factory()
        return self._http

    async def on_stop(self) -> None:
        if self._http:
            self._http.close()
        if self._client:
            self._client.close()


async def stop(s: aiohttp.ClientSession) -> None:
    s.close()
"""


def _never(spelled: str, fix: bool = True) -> str:
    where = "await it" if fix else "await it in a coroutine"
    return f"TRD205 `{spelled}()` is never awaited, so it releases nothing; {where}"


def test_the_issue_example(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ISSUE, "TRD205") == [
        f"24:13 {_never('self._http.close')}",
        f"26:13 {_never('self._client.close')}",
        f"30:5 {_never('s.close')}",
    ]


def test_the_safe_fix_awaits_each_call(tmp_path: Path) -> None:
    fixed = fix_source(ISSUE, tmp_path / "worker.py", select=["TRD205"]).text
    assert fixed == (
        ISSUE.replace("            self._http.close()", "            await self._http.close()")
        .replace("            self._client.close()", "            await self._client.close()")
        .replace("    s.close()", "    await s.close()")
    )


SHAPES = """\
from __future__ import annotations

import httpx
from aiohttp import ClientSession

SHARED: ClientSession | None = None


def make_client() -> httpx.AsyncClient:
    return httpx.AsyncClient()


class Feed:
    def __init__(self) -> None:
        self._session: "ClientSession | None" = None

    def client(self) -> "httpx.AsyncClient":
        return make_client()

    @property
    def session(self) -> ClientSession:
        return self._session

    async def stop(self) -> None:
        self.session.close()
        self.client().aclose()
        make_client().aclose()


async def shutdown(factory) -> None:
    SHARED.close()
    local: httpx.AsyncClient = factory()
    local.aclose()
"""


def test_every_declaration_types_the_receiver(tmp_path: Path) -> None:
    """A property's and a method's return annotation, a function's, a string annotation, an
    annotated module global and an annotated local."""
    assert source_findings(tmp_path, SHAPES, "TRD205") == [
        f"25:9 {_never('self.session.close')}",
        f"26:9 {_never('self.client().aclose')}",
        f"27:9 {_never('make_client().aclose')}",
        f"31:5 {_never('SHARED.close')}",
        f"33:5 {_never('local.aclose')}",
    ]


def test_a_subclass_in_another_module(tmp_path: Path) -> None:
    """The faust shape: the annotation names a first-party subclass of ``ClientSession``
    defined elsewhere, the attribute made by a call tradelint cannot read."""
    files = {
        "app/types.py": "from aiohttp import ClientSession\n\n\nclass HttpClientT(ClientSession):\n    ...\n",
        "app/base.py": (
            "from app.types import HttpClientT\n\n\n"
            "class App:\n"
            "    _http_client: HttpClientT = None\n\n"
            "    def __init__(self, conf):\n        self.conf = conf\n\n"
            "    @property\n"
            "    def http_client(self) -> HttpClientT:\n"
            "        if self._http_client is None:\n"
            "            self._http_client = self.conf.HttpClient()\n"
            "        return self._http_client\n\n"
            "    async def on_stop(self) -> None:\n"
            "        if self._http_client:\n"
            "            self._http_client.close()\n"
        ),
    }
    assert tree_findings(tmp_path, files, "TRD205", project=True) == [f"base.py:18:13 {_never('self._http_client.close')}"]


def test_a_plain_function_is_reported_without_a_fix(tmp_path: Path) -> None:
    source = (
        "import atexit\n\nimport aiohttp\n\n\n"
        "def _close(session: aiohttp.ClientSession) -> None:\n    session.close()\n\n\n"
        "def register(session: aiohttp.ClientSession) -> None:\n    atexit.register(lambda: session.close())\n"
    )
    assert source_findings(tmp_path, source, "TRD205") == [f"7:5 {_never('session.close', fix=False)}"]
    assert fix_source(source, tmp_path / "worker.py", select=["TRD205"]).text == source


TWINS = """\
import asyncio
from typing import Optional

import aiohttp
import requests


class Plain(aiohttp.ClientSession):
    def close(self):
        return super().close()


class Books:
    def close(self):
        pass


class Mixed(Books, aiohttp.ClientSession):
    pass


class Holder:
    _http: Optional[aiohttp.ClientSession] = None
    _sync: requests.Session
    _books: Books
    _plain: Plain

    async def awaited(self) -> None:
        await self._http.close()

    async def renewed(self) -> None:
        self._http = Books()
        self._http.close()

    async def synchronous(self) -> None:
        self._sync.close()
        self._books.close()
        self._plain.close()


async def kept(s: aiohttp.ClientSession, m: Mixed):
    task = s.close()
    asyncio.create_task(s.close())
    await asyncio.gather(s.close())
    m.close()
    return s.close()


async def rebound(s: aiohttp.ClientSession) -> None:
    s = requests.Session()
    s.close()


async def annotated_elsewhere(s: "aiohttp.ClientSession | requests.Session", d: dict) -> None:
    s.close()
    d.clear()
"""


def test_twins_give_nothing(tmp_path: Path) -> None:
    """Awaited; re-bound in the function; a synchronous release (``requests.Session``, a
    first-party class's plain ``def close``, a subclass redefining it, a base of another class
    first in the order); kept, scheduled, gathered, returned; a union of two types."""
    assert source_findings(tmp_path, TWINS, "TRD205") == []


PARTS = """\
import aiohttp


class Api:
    session: aiohttp.ClientSession

    def __init__(self, make):
        self.session = make()


class Bot:
    def __init__(self, api: Api):
        self.api = api

    async def stop(self) -> None:
        self.api.session.close()


async def stop(api: Api) -> None:
    api.session.close()
    await api.session.close()


async def swapped(api: Api, other) -> None:
    api.session = other
    api.session.close()
"""


def test_an_attribute_declared_by_a_proven_class(tmp_path: Path) -> None:
    """``api.session`` of a parameter ``api: Api``, ``self.api.session`` of ``self.api`` stored
    from such a parameter: the session is declared in ``Api``. Not once the function stores it."""
    assert source_findings(tmp_path, PARTS, "TRD205") == [
        f"16:9 {_never('self.api.session.close')}",
        f"20:5 {_never('api.session.close')}",
    ]
