"""Session 68: a resource handed to a method of a first-party object that keeps it and never ends
it (issue 28, point 1: ownership moves only to a receiver shown to close it).

Before, ``api.set_session(session)`` on an object of the project's own class counted as handing
the session over, whatever the method did with it: the creator was relieved of it, and nothing
was reported. The constructor's hand-off (``Api(session)``) was already read from the class's
code; a method's was not.

Principle (ownership): the method binds the argument plainly and stores it in an attribute of
``self`` (``self._session = session``, ``self._sessions[key] = session``, ``.append(session)``),
the receiver's class is proven from the caller's code, every class of its family (bases and
subclasses) is read, and none of them releases that attribute or lets it out of the class: every
read of it releases nothing (``self._session.get(url)``, ``self._session.closed``, a test,
``key in self._sessions``). Then the object keeps the resource without ever closing it, and the
caller still owns it: "never closed" when the object is a local, "lives on in" the object when it
outlives the function (no ``async with`` fix there, which would close what the object keeps).

Twins: the class closes the attribute (ownership moves), a subclass closes it, the class returns
it (let out: nothing is proven), a base that is not read, the method hands the argument on, and a
receiver whose class is not proven: each as before, not reported.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings
from tradelint.api import fix_source

API = '''\
import aiohttp


class Api:
    def __init__(self):
        self._session = None

    def set_session(self, session):
        {store}

    async def get(self, url):
        if self._session is None:
            raise RuntimeError("no session")
        return await self._session.get(url)
{more}
'''

LOCAL_HOLDER = '''

async def fetch(url):
    api = Api()
    session = aiohttp.ClientSession()
    api.set_session(session)
    return await api.get(url)
'''

KEPT_HOLDER = '''

class Service:
    def __init__(self):
        self.api = Api()

    async def start(self):
        session = aiohttp.ClientSession()
        self.api.set_session(session)
'''

GIVEN_HOLDER = '''

async def attach(api: Api):
    session = aiohttp.ClientSession()
    api.set_session(session)
'''

REGISTRY = '''\
import aiohttp


class Registry:
    def __init__(self):
        self._sessions = {}

    def put(self, key, session):
        self._sessions[key] = session

    def has(self, key):
        return key in self._sessions


REGISTRY = Registry()


async def register(key):
    session = aiohttp.ClientSession()
    REGISTRY.put(key, session)
'''

STORE = "self._session = session"


def _api(store: str = STORE, more: str = "") -> str:
    return API.format(store=store, more=more)


def test_kept_by_a_local_object_that_never_closes_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, _api() + LOCAL_HOLDER, "TRD201") == [
        "20:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`"
    ]


def test_no_async_with_fix_when_the_object_uses_it_after_the_hand_off(tmp_path: Path) -> None:
    # ``async with`` around the hand-off alone would close the session before ``api.get(url)``.
    source = _api() + LOCAL_HOLDER
    assert fix_source(source, tmp_path / "m.py", select=["TRD201"], unsafe=True).text == source


def test_kept_by_an_object_on_self_lives_on_in_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, _api() + KEPT_HOLDER, "TRD201") == [
        "23:9 TRD201 `session` lives on in `self.api` after the function, never closed; close it where that ends"
    ]


def test_kept_by_an_object_given_to_the_function_lives_on_in_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, _api() + GIVEN_HOLDER, "TRD201") == [
        "19:5 TRD201 `session` lives on in `api` after the function, never closed; close it where that ends"
    ]


def test_kept_as_an_element_of_a_module_global_registry(tmp_path: Path) -> None:
    assert source_findings(tmp_path, REGISTRY, "TRD201") == [
        "19:5 TRD201 `session` lives on in `REGISTRY` after the function, never closed; close it where that ends"
    ]


def test_twin_the_class_closes_what_it_keeps(tmp_path: Path) -> None:
    more = "\n    async def close(self):\n        await self._session.close()\n"
    assert source_findings(tmp_path, _api(more=more) + KEPT_HOLDER, "TRD201") == []


def test_twin_a_subclass_closes_what_the_base_keeps(tmp_path: Path) -> None:
    more = "\n\nclass ClosingApi(Api):\n    async def close(self):\n        await self._session.close()\n"
    assert source_findings(tmp_path, _api(more=more) + GIVEN_HOLDER, "TRD201") == []


def test_twin_the_registry_closes_its_elements(tmp_path: Path) -> None:
    source = REGISTRY.replace(
        "    def has(self, key):",
        "    async def close(self):\n        for session in self._sessions.values():\n"
        "            await session.close()\n\n    def has(self, key):",
    )
    assert source_findings(tmp_path, source, "TRD201") == []


def test_twin_the_class_lets_it_out(tmp_path: Path) -> None:
    more = "\n    @property\n    def session(self):\n        return self._session\n"
    assert source_findings(tmp_path, _api(more=more) + KEPT_HOLDER, "TRD201") == []


def test_twin_a_base_that_is_not_read(tmp_path: Path) -> None:
    source = _api().replace("class Api:", "class Api(BaseClient):").replace(
        "import aiohttp\n", "import aiohttp\nfrom vendor_sdk import BaseClient\n"
    )
    assert source_findings(tmp_path, source + KEPT_HOLDER, "TRD201") == []


def test_twin_the_method_hands_it_on(tmp_path: Path) -> None:
    store = "self._session = session\n        register_for_shutdown(session)"
    assert source_findings(tmp_path, _api(store=store) + KEPT_HOLDER, "TRD201") == []


def test_twin_a_receiver_whose_class_is_not_proven(tmp_path: Path) -> None:
    source = _api() + KEPT_HOLDER.replace("self.api = Api()", "self.api = make_api()")
    assert source_findings(tmp_path, source, "TRD201") == []


# The other side of the same proof: a method that stores what it gets where a release method of
# its class ends it takes it over (FRCDiscord/Dozer's fix, read in session 68: the cog's session
# handed to the bot's registry, which the bot's ``close()`` closes). Before, TRD202 said the cog
# never closed it. Twin: a registry whose ``close()`` only forgets its sessions.
OWNER = '''\
import aiohttp


class Bot:
    def __init__(self):
        self.sessions = []

    def add_session(self, session):
        self.sessions.append(session)
        return session

    async def close(self):
{close}


class Feed:
    def __init__(self, bot: Bot):
        self.bot = bot
        self.http = None

    async def startup(self):
        self.http = aiohttp.ClientSession()
        self.bot.add_session(self.http)
'''

CLOSES_EACH = "        for session in self.sessions:\n            await session.close()"


def test_handed_to_a_registry_whose_release_closes_each(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OWNER.format(close=CLOSES_EACH), "TRD202") == []


def test_handed_to_a_registry_whose_release_closes_each_in_a_gather(tmp_path: Path) -> None:
    close = "        await asyncio.gather(*(s.close() for s in self.sessions))"
    source = "import asyncio\n" + OWNER.format(close=close)
    assert source_findings(tmp_path, source, "TRD202") == []


def test_twin_a_registry_that_only_forgets_them(tmp_path: Path) -> None:
    assert source_findings(tmp_path, OWNER.format(close="        self.sessions.clear()"), "TRD202") == [
        "22:9 TRD202 `self.http` is never closed; add a `close()` method that calls its `close()`"
    ]
