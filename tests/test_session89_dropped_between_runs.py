"""Session 89: a client dropped by one run of a coordinator's update and made again by the next
(issue 28, points 1 and 5; TRD202 "set to ``None`` ... unclosed").

Read on the development pool (a Home Assistant portfolio integration, not named here: round files
name their repositories only in their own manifest): the coordinator's ``api_client`` property
makes a client with its own ``aiohttp`` session when the slot is empty, the coordinator's
``async_shutdown()`` closes it, and a token refresh that ``_async_update_data()`` reaches sets
``self._api_client = None`` "to force recreation with new token". A refresh on any later update
drops the client an earlier update made, with its session open, and the property makes another.
Made lazily (not in ``__init__``), a bare ``self.x = None`` was not taken as dropping one: it may
run before anything is made. That both the maker and the drop are reached by the method the
coordinator calls at every update is the proof that one is there.

Twins: the drop reached only from a method no update reaches (a reauthentication the config
flow starts), and a drop after the old client is closed.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

COORDINATOR = """\
import aiohttp

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


class Client:
    def __init__(self, token):
        self.token = token
        self._session = aiohttp.ClientSession()

    async def positions(self):
        async with self._session.get("https://example.invalid/positions") as response:
            return await response.json()

    async def close(self):
        await self._session.close()


class Coordinator(DataUpdateCoordinator):
    def __init__(self, hass, entry):
        super().__init__(hass, None, name="demo")
        self.entry = entry
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = Client(self.entry.data["token"])
        return self._client

    async def _refresh_token(self):
        self.entry.data["token"] = "new"
{drop}

    async def {refresher}(self):
        if self.entry.data.get("expired"):
            await self._refresh_token()

    async def _async_update_data(self):
{update}
        return await self.client.positions()

    async def async_shutdown(self):
        if self._client is not None:
            await self._client.close()
            self._client = None
"""


def _source(drop: str = "        self._client = None", refresher: str = "_check_token", update: str = "        await self._check_token()") -> str:
    return COORDINATOR.replace("{drop}", drop).replace("{refresher}", refresher).replace("{update}", update)


def test_a_drop_a_later_update_reaches_leaves_the_client_an_earlier_one_made_open(tmp_path: Path) -> None:
    assert source_findings(tmp_path, _source(), "TRD2", "coordinator.py") == [
        "28:13 TRD202 `self._client` is set to `None` in `_refresh_token()` unclosed; call its `close()` first",
    ]


def test_twin_a_drop_no_update_reaches(tmp_path: Path) -> None:
    # (``async_reauth`` is started by the config flow, never by an update)
    assert source_findings(tmp_path, _source(refresher="async_reauth", update="        pass"), "TRD2", "coordinator.py") == []


def test_twin_a_drop_after_the_close(tmp_path: Path) -> None:
    drop = "        if self._client is not None:\n            await self._client.close()\n        self._client = None"
    assert source_findings(tmp_path, _source(drop=drop), "TRD2", "coordinator.py") == []
