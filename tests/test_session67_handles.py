"""Session 67: a module global released by the module's own code through the getter that hands
it out (issue 28, point 5). Found while reading the development pool's sites still reported after
the maintainers' fix: a fix that closes a lazily made session in an aiohttp ``on_cleanup``
through its accessor was still "never closed"; the same getter shape, in a trading bot's
``start_runtime()``/``stop_runtime()`` pair, was a false positive labelled in pool59.

Principle (ownership): a top-level function of the module that returns the very global
(``return _session``) is a handle of it, and ``get_session()`` is ``_session``. The module's own
release of the handle's value, ``await get_session().close()`` or a local bound once to the call
and then closed, ends the global as ``await _session.close()`` does, wherever in the module it is
written. Twins: the handle only used, the handle's value closed without ``await``, a local
function of the same name that is not the getter, and a getter that returns a new session each
time (no global), which are all still reported as before.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

GETTER = """\
import aiohttp
from aiohttp import web

_session: aiohttp.ClientSession | None = None


def get_session() -> aiohttp.ClientSession:
    global _session
    if _session is None:
        _session = aiohttp.ClientSession()
    return _session


async def fetch(url: str) -> str:
    async with get_session().get(url) as resp:
        return await resp.text()
"""

CLOSED_ON_THE_CALL = GETTER + """

async def close_session(app: web.Application) -> None:
    await get_session().close()


def make_app() -> web.Application:
    app = web.Application()
    app.on_cleanup.append(close_session)
    return app
"""

CLOSED_THROUGH_A_LOCAL = GETTER + """

async def close_session() -> None:
    session = get_session()
    await session.close()
"""

ONLY_USED = GETTER + """

async def reset() -> None:
    session = get_session()
    await session.get("https://example.org/logout")
"""

NOT_AWAITED = GETTER + """

def close_session() -> None:
    get_session().close()
"""

SHADOWED = GETTER.replace("async def fetch(url: str) -> str:", '''async def close_other() -> None:
    def get_session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    await get_session().close()


async def fetch(url: str) -> str:''')

NEVER_CLOSED = (
    "4:9 TRD201 module global `_session` (`aiohttp.ClientSession(...)`) is never closed; close it at shutdown"
)


def test_a_global_closed_on_the_getters_call_in_a_cleanup(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CLOSED_ON_THE_CALL, "TRD201") == []


def test_a_global_closed_through_a_local_bound_to_the_getters_call(tmp_path: Path) -> None:
    assert source_findings(tmp_path, CLOSED_THROUGH_A_LOCAL, "TRD201") == []


def test_twin_the_getters_value_only_used(tmp_path: Path) -> None:
    assert source_findings(tmp_path, ONLY_USED, "TRD201") == [NEVER_CLOSED.replace("4:9", "10:9")]


def test_twin_the_getters_value_closed_without_await(tmp_path: Path) -> None:
    assert source_findings(tmp_path, NOT_AWAITED, "TRD201") == [NEVER_CLOSED.replace("4:9", "10:9")]


def test_twin_a_nested_function_of_the_same_name_is_not_the_getter(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SHADOWED, "TRD201") == [NEVER_CLOSED.replace("4:9", "10:9")]
