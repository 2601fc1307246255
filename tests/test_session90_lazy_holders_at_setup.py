"""Session 90: a client kept for a config entry whose class never closes what it makes (issue 28,
points 1 and 5; TRD201 "is kept at setup, and ``Client`` never closes its ``self._client``").

Read on the development pool (a Home Assistant pump integration, not named here: round files name
their repositories only in their own manifest): ``async_setup_entry`` made two clients of the
integration's own, each making its ``httpx.AsyncClient`` on first use in a property, kept them in
``hass.data[DOMAIN][entry.entry_id]``, and the unload only popped that entry; neither class had a
method that closes its client. Each reload left both open; the fix gave each class a ``close()``
and awaited it at the unload. The class's own TRD202 said what leaks, never where the instance is
kept, which is the line the maintainers fixed; and a class that makes its client on first use was
not taken as holding one at all.

Twins: an unload that reaches in and closes the held client itself, an integration that cannot be
unloaded, and a class whose own ``close()`` the unload awaits. The same fix's other client was kept
by merging a dict into the entry's (``hass.data[DOMAIN][entry.entry_id].update({...})``), which
keeps its values as an assignment there does; merged into a dict of the setup's own, it is not.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

LAZY_CLIENT = """\
import httpx


class Client:
    def __init__(self, token):
        self.token = token
        self._client = None

    @property
    def http(self):
        if not self._client:
            self._client = httpx.AsyncClient()
        return self._client

    async def fetch(self):
        return await self.http.get("https://example.invalid/data")
{close}"""

EAGER_CLIENT = """\
import httpx


class Client:
    def __init__(self, token):
        self.token = token
        self._client = httpx.AsyncClient()

    async def fetch(self):
        return await self._client.get("https://example.invalid/data")
"""

SETUP = """\
from .client import Client

DOMAIN = "demo"


async def async_setup_entry(hass, entry):
    client = Client(entry.data["token"])
{keep}
    return True
{unload}"""

UNLOAD = """

async def async_unload_entry(hass, entry):
{body}
    return True
"""

POP = "    hass.data[DOMAIN].pop(entry.entry_id)"
KEEP_IN_DICT = "    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {\"client\": client}"
KEEP_ALONE = "    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = client"
CLOSE = """
    async def close(self):
        if self._client:
            await self._client.aclose()
"""

KEPT_FINDING = (
    "__init__.py:7:5 TRD201 `client` (`Client(...)`) is kept at setup, and `Client` never closes its `self._client`; "
    "give the class an async `close()`, call it in `async_unload_entry()`"
)
LAZY_FINDING = "client.py:12:13 TRD202 `self._client` is never closed; add a `close()` method that calls its `aclose()`"


def _files(client: str, keep: str = KEEP_IN_DICT, unload: str = UNLOAD.replace("{body}", POP)) -> dict[str, str]:
    return {
        "custom_components/demo/client.py": client,
        "custom_components/demo/__init__.py": SETUP.replace("{keep}", keep).replace("{unload}", unload),
    }


def test_a_lazy_client_kept_at_setup_is_reported_where_it_is_kept(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(LAZY_CLIENT.replace("{close}", "")), "TRD2") == [
        KEPT_FINDING,
        LAZY_FINDING,
    ]


def test_a_client_made_in_init_kept_alone_at_setup_is_reported_there_too(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(EAGER_CLIENT, keep=KEEP_ALONE), "TRD2") == [
        KEPT_FINDING,
        "client.py:7:9 TRD202 `self._client` is never closed; add a `close()` method that calls its `aclose()`",
    ]


def test_twin_the_unload_closes_the_held_client_itself(tmp_path: Path) -> None:
    body = "    data = hass.data[DOMAIN].pop(entry.entry_id)\n    await data[\"client\"].http.aclose()"
    files = _files(LAZY_CLIENT.replace("{close}", ""), unload=UNLOAD.replace("{body}", body))
    assert tree_findings(tmp_path, files, "TRD2") == [LAZY_FINDING]


def test_twin_an_integration_that_cannot_be_unloaded(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(LAZY_CLIENT.replace("{close}", ""), unload=""), "TRD2") == [LAZY_FINDING]


def test_twin_the_class_closes_its_client_and_the_unload_awaits_that(tmp_path: Path) -> None:
    body = "    data = hass.data[DOMAIN].pop(entry.entry_id)\n    await data[\"client\"].close()"
    files = _files(LAZY_CLIENT.replace("{close}", CLOSE), unload=UNLOAD.replace("{body}", body))
    assert tree_findings(tmp_path, files, "TRD2") == []


KEEP_BY_UPDATE = (
    "    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {}\n"
    "    hass.data[DOMAIN][entry.entry_id].update({\"client\": client})"
)


def test_a_client_merged_into_the_entry_s_dict_is_kept_there(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(LAZY_CLIENT.replace("{close}", ""), keep=KEEP_BY_UPDATE), "TRD2") == [
        KEPT_FINDING,
        LAZY_FINDING,
    ]


def test_twin_a_client_merged_into_a_dict_of_the_setup_s_own(tmp_path: Path) -> None:
    keep = "    extra = {}\n    extra.update({\"client\": client})\n    await client.fetch()"
    assert tree_findings(tmp_path, _files(LAZY_CLIENT.replace("{close}", ""), keep=keep), "TRD2") == [LAZY_FINDING]
