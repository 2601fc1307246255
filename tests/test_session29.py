"""Session 29 (issue 28 point 1: ownership moves only where it is proven).

A resource a class keeps on ``self`` stays the class's to close when it is given to a call whose
code does not show that it takes it: a logger of the project's own (``_log.debug(self._session)``
where ``_log = logging.get_logger()`` of a module of the project; source: tencent-connect/botpy
``2d40b0bb``, round 10's holdout, opened for development this session after it was reported).
Negative twins: a first-party receiver that keeps and closes it, aiohttp's connector (documented
to be owned by the session unless ``connector_owner=False``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths


def _project(tmp_path: Path, files: dict[str, str]) -> list[str]:
    (tmp_path / "pkg").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    paths = []
    for name, source in files.items():
        path = tmp_path / "pkg" / name
        path.write_text(source)
        paths.append(path)
    findings = check_paths(paths, select=["TRD2"])
    return [f"{Path(f.path).name}:{f.line}:{f.column} {f.code} {f.message}" for f in findings]


LOGS = "def get_logger(name=None):\n    return None\n"

LAZY = """\
import aiohttp

from . import logs

_log = logs.get_logger()


class BotHttp:
    def __init__(self):
        self._session = None

    async def check_session(self):
        if not self._session or self._session.closed:
            self._session = aiohttp.ClientSession()

    async def request(self, url):
        await self.check_session()
        _log.debug(self._session)
        async with self._session.get(url) as response:
            return await response.json()
"""


def test_a_call_that_only_may_take_it_hands_nothing_over(tmp_path: Path) -> None:
    assert _project(tmp_path, {"logs.py": LOGS, "http.py": LAZY}) == [
        "http.py:14:13 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`",
    ]


API = """\
class Api:
    def __init__(self, session):
        self._session = session

    async def close(self):
        await self._session.close()
"""

KEPT_AND_CLOSED = """\
import aiohttp

from .api import Api


class Bot:
    def __init__(self):
        self._session = aiohttp.ClientSession()
        self._api = Api(self._session)

    async def close(self):
        await self._api.close()
"""

CONNECTOR = """\
import aiohttp


class Bot:
    def __init__(self):
        self._connector = aiohttp.TCPConnector(limit=10)
        self._session = aiohttp.ClientSession(connector=self._connector{owner})

    async def close(self):
        await self._session.close()
"""


def test_a_receiver_proven_to_close_it_takes_it(tmp_path: Path) -> None:
    assert _project(tmp_path, {"api.py": API, "bot.py": KEPT_AND_CLOSED}) == []


@pytest.mark.parametrize(("owner", "expected"), [
    ("", []),
    (", connector_owner=False", [
        "bot.py:6:9 TRD202 `self._connector` is never closed; call its `close()` in `close()`",
    ]),
])
def test_a_session_owns_its_connector_unless_told_otherwise(tmp_path: Path, owner: str, expected: list[str]) -> None:
    assert _project(tmp_path, {"bot.py": CONNECTOR.format(owner=owner)}) == expected


COORDINATOR = """\
from aiohttp import ClientSession


class Coordinator:
    def __init__(self, hass):
        self.hass = hass
        self.session = ClientSession()

    async def update(self):
        return await self.session.get("http://x")

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.session.close()
"""

SETUP = """\
from .coordinator import Coordinator


async def async_setup_entry(hass, entry):
    coordinator = Coordinator(hass)
    hass.data[entry.entry_id] = coordinator
    return True
"""


def test_a_close_in_an_aexit_that_never_runs_closes_nothing(tmp_path: Path) -> None:
    # sHedC/homeassistant-mastertherm 9b0f2e6e (round 11's holdout, opened this session): the
    # coordinator's ``__aexit__`` closed its session, and no ``async with`` ever entered one.
    assert _project(tmp_path, {"coordinator.py": COORDINATOR, "setup.py": SETUP}) == [
        "coordinator.py:7:9 TRD202 `self.session` is never closed: only `__aexit__()` closes it,"
        " and no `async with` enters a `Coordinator`",
    ]


@pytest.mark.parametrize("setup", [
    # entered where it is made, or through the name it is bound to
    "from .coordinator import Coordinator\n\n\nasync def run(hass):\n    async with Coordinator(hass) as c:\n        await c.update()\n",
    "from .coordinator import Coordinator\n\n\nasync def run(hass):\n    c = Coordinator(hass)\n    async with c:\n        await c.update()\n",
    # handed to an exit stack, or returned to a caller that may enter it
    "from .coordinator import Coordinator\n\n\nasync def run(hass, stack):\n    c = await stack.enter_async_context(Coordinator(hass))\n",
    "from .coordinator import Coordinator\n\n\ndef make(hass):\n    return Coordinator(hass)\n",
    "from .coordinator import Coordinator\n\n\ndef make(hass):\n    c = Coordinator(hass)\n    c.hass = hass\n    return c\n",
    # a class built from it, judged on its own
    "from .coordinator import Coordinator\n\n\nclass Mine(Coordinator):\n    pass\n",
    # never made in the project: a library's API, entered by its users
    "from .coordinator import Coordinator\n\n\ndef kind(c: Coordinator) -> str:\n    return type(c).__name__\n",
])
def test_an_aexit_that_may_run(tmp_path: Path, setup: str) -> None:
    assert _project(tmp_path, {"coordinator.py": COORDINATOR, "setup.py": setup}) == []


TWO_IMPORTS = """\
async def first_timestamps(cc=None):
    if cc is None:
        import ccxt.async_support as ccxt

        cc = ccxt.binanceusdm()
    return await cc.load_markets()


def version():
    import ccxt

    return ccxt.__version__


def markets():
    import ccxt

    exchange = ccxt.binance()
    return exchange.load_markets()
"""


def test_an_import_inside_a_function_names_what_that_function_imports(tmp_path: Path) -> None:
    # enarjord/passivbot f1f15fea (round 11's holdout, opened this session): a later function's
    # ``import ccxt`` made the first function's async exchange a synchronous one.
    assert _project(tmp_path, {"procedures.py": TWO_IMPORTS}) == [
        "procedures.py:5:9 TRD201 `cc` (`ccxt.binanceusdm(...)`) is never closed; open it with `async with`",
    ]
    # and the other way round: a synchronous exchange, whatever another function imports
    assert _project(tmp_path / "b", {"procedures.py": SYNC_THEN_ASYNC}) == []


SYNC_THEN_ASYNC = """\
def markets():
    import ccxt

    exchange = ccxt.binance()
    return exchange.load_markets()


async def version():
    import ccxt.async_support as ccxt

    return ccxt.__version__
"""
