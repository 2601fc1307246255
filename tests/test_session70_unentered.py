"""Session 70: an ``__aenter__`` that can fail after it made a resource leaks it only where
something enters the class with ``async with``; a Home Assistant integration's own class that the
integration only starts and ends by hand never runs it (a false positive on fresh applications:
ha-untis-archive, ha-ninebot, ha-petlibro-lite).

An integration has no users outside it, so its code shows every way its classes are used. A
library's class is entered by users the project does not show, and is judged as before. Twins:
the same integration entering the client once (``async with UntisClient(host) as client``,
directly or through a function that makes one), and the same class outside an integration.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

API = '''\
import aiohttp


class UntisClient:
    def __init__(self, host):
        self._host = host
        self._session = None

    async def login(self):
        self._session = aiohttp.ClientSession()
        await self._session.post(self._host + "/login")

    async def close(self):
        if self._session is not None:
            await self._session.close()

    async def __aenter__(self):
        await self.login()
        return self

    async def __aexit__(self, *exc):
        await self.close()
'''

SETUP = '''\
from .api import UntisClient

DOMAIN = "untis"


async def async_setup_entry(hass, entry):
    client = UntisClient(entry.data["host"])
    try:
        await client.login()
    except Exception:
        await client.close()
        raise
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = client
    return True


async def async_unload_entry(hass, entry):
    await hass.data[DOMAIN].pop(entry.entry_id).close()
    return True
'''

FLOW = '''\
async def validate(host):
    async with MAKE as client:
        return client._host
'''

MAKER = '''\
from .api import UntisClient


def make_client(host) -> UntisClient:
    return UntisClient(host)
'''

LEAKS = (
    "api.py:10:9 TRD202 `self._session` leaks when `__aenter__()` fails after making it; close it there before"
    " re-raising"
)


def _integration(tmp_path: Path, *extra: tuple[str, str]) -> list[str]:
    files = {
        "custom_components/untis/__init__.py": SETUP,
        "custom_components/untis/api.py": API,
        "custom_components/untis/manifest.json": '{"domain": "untis"}\n',
        **{f"custom_components/untis/{name}": text for name, text in extra},
    }
    return [f for f in tree_findings(tmp_path, files, "TRD202") if "aenter" in f]


def test_an_integration_that_never_enters_its_client(tmp_path: Path) -> None:
    assert _integration(tmp_path) == []


def test_twin_the_integration_enters_it_once(tmp_path: Path) -> None:
    flow = "from .api import UntisClient\n\n\n" + FLOW.replace("MAKE", "UntisClient(host)")
    assert _integration(tmp_path, ("config_flow.py", flow)) == [LEAKS]


def test_twin_entered_through_a_function_that_makes_one(tmp_path: Path) -> None:
    # (the flow names only the maker, never the class)
    flow = "from .maker import make_client\n\n\n" + FLOW.replace("MAKE", "make_client(host)")
    assert _integration(tmp_path, ("maker.py", MAKER), ("config_flow.py", flow)) == [LEAKS]


def test_twin_a_library_class(tmp_path: Path) -> None:
    found = tree_findings(tmp_path, {"untis/__init__.py": "", "untis/api.py": API}, "TRD202", project=True)
    assert found == [LEAKS]
