"""Session 45 (lead, issue 28 points 3 and 5): a lazy resource used through what it was lent to.

An integration's setup makes a lazy client (``httpx.AsyncClient``: it opens a connection on first
use), lends it to a first-party wrapper (``api = ApiClient(http_client=client)``, a coordinator
given that wrapper), awaits the wrapper (``await api.test_connection()``, the coordinator's first
refresh), then keeps the client where the unload closes it. An error of those awaits propagates
with the client opened by the wrapper's use and not yet kept: Home Assistant unloads only an entry
that set up, so each failed setup, retried, leaves one open. An awaited use of what the client was
lent to counts as a use of the client (as ``await client.get(...)`` itself did).

Negative twins: the same setup whose ``try`` closes the client on every error and re-raises, or
closes it in a handler on the way (taken as the answer, as ``fixtures/lifecycles/
exits_before_handoff.py``'s ``setup_entry_closed``); a wrapper made but never awaited before the
keep (the lazy client holds nothing yet).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

API = """\
import httpx


class ApiError(Exception):
    pass


class ApiClient:
    def __init__(self, http_client: httpx.AsyncClient) -> None:
        self._http = http_client

    async def test_connection(self) -> None:
        await self._http.get("https://example.invalid")
"""

SETUP = """\
import httpx
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from .api import ApiClient, ApiError

DOMAIN = "demo"


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    http_client = httpx.AsyncClient(timeout=10)
    api_client = ApiClient(http_client=http_client)
BODY
    hass.data.setdefault(DOMAIN, {})
    hass.data[DOMAIN][entry.entry_id] = {"http_client": http_client, "api": api_client}
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    data = hass.data[DOMAIN].pop(entry.entry_id)
    await data["http_client"].aclose()
    return True
"""

MESSAGE = (
    "__init__.py:12:5 TRD201 `http_client` (`httpx.AsyncClient(...)`) leaks if an `await` before it "
    "is handed on raises; close it on that error"
)


def _findings(tmp_path: Path, body: str) -> list[str]:
    files = {
        "custom_components/demo/manifest.json": '{"domain": "demo"}',
        "custom_components/demo/api.py": API,
        "custom_components/demo/__init__.py": SETUP.replace("BODY\n", body),
    }
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_client_used_through_the_wrapper_it_was_lent_to(tmp_path: Path) -> None:
    assert _findings(tmp_path, "    await api_client.test_connection()\n") == [MESSAGE]


def test_a_close_in_a_handler_on_the_way_is_the_answer(tmp_path: Path) -> None:
    body = (
        "    try:\n"
        "        await api_client.test_connection()\n"
        "    except ApiError as exc:\n"
        "        await http_client.aclose()\n"
        "        raise ConfigEntryNotReady('unreachable') from exc\n"
    )
    assert _findings(tmp_path, body) == []


def test_closed_on_every_error_of_the_wrapper(tmp_path: Path) -> None:
    body = (
        "    try:\n"
        "        await api_client.test_connection()\n"
        "    except BaseException:\n"
        "        await http_client.aclose()\n"
        "        raise\n"
    )
    assert _findings(tmp_path, body) == []


def test_wrapper_never_awaited_before_the_keep(tmp_path: Path) -> None:
    assert _findings(tmp_path, "    await hass.async_add_executor_job(print)\n") == []
