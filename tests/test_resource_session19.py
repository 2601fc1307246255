"""Session 19 (issue 28, points 1, 5 and 6): what the setup keeps through a helper, what a
receiver keeps without ending it, and the tasks an ``asyncio.wait`` race leaves running.

- A coroutine that ``async_setup_entry`` awaits with its own ``hass`` or ``entry`` keeps what it
  writes there as the setup does: it must end at unload, and a close that only Home Assistant's
  stop runs is not one.
- A resource that opens on first use, kept by a first-party object that stores it and never
  releases it, is lent for that object's life: opened, and still its creator's to close. A
  release by name (``getattr(self._client, "close")``) is a release; a type known by its
  ``__aexit__`` alone may only wrap what it is given, and is not judged so.
- A task made inside the display ``asyncio.wait`` races is held by nothing after the race.
- In a Home Assistant integration an error path never ends the program: a first-party client
  closed only on the success path is reported there (not in a script).
Each shape has its negative twin."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ha_integration as _integration, preview_messages as _messages

HELPER_KEEPS = """\
import aiohttp
from homeassistant.const import EVENT_HOMEASSISTANT_STOP

DOMAIN = "demo"


class ApiClient:
    def __init__(self, key):
        self._session = aiohttp.ClientSession()

    async def async_close(self):
        await self._session.close()


async def _async_close_client(hass, account_id):
    client = hass.data[DOMAIN][account_id].get("client")
    if client is not None:
        await client.async_close()


async def async_setup_entry(hass, entry):
    account_id = entry.data["id"]
    hass.data.setdefault(DOMAIN, {})[account_id] = {}
    await _async_setup_dependencies(hass, entry.data)

    async def _close_at_stop(_event):
        await _async_close_client(hass, account_id)

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _close_at_stop))
    return True


async def _async_setup_dependencies(hass, config):
    client = ApiClient(config["key"])
    hass.data[DOMAIN][config["id"]]["client"] = client


async def async_unload_entry(hass, entry):
UNLOAD    return True
"""


def test_a_coroutine_the_setup_awaits_keeps_what_it_stores_until_the_unload(
    tmp_path: Path,
) -> None:
    path = _integration(tmp_path, HELPER_KEEPS)
    assert _messages(path, "TRD2") == [
        "34 TRD201 `client` (`ApiClient(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
    ]


def test_the_helper_s_client_closed_at_unload_is_clean(tmp_path: Path) -> None:
    path = _integration(
        tmp_path,
        HELPER_KEEPS,
        '    await _async_close_client(hass, entry.data["id"])\n',
    )
    assert _messages(path, "TRD2") == []


def test_a_coroutine_given_no_parameter_of_the_setup_keeps_nothing_for_it(
    tmp_path: Path,
) -> None:
    # The same helper given a global of its own (not the setup's ``hass``) keeps nothing on the
    # entry: not judged as kept at setup.
    source = HELPER_KEEPS.replace(
        "await _async_setup_dependencies(hass, entry.data)",
        "await _async_setup_dependencies(HUB, entry.data)",
    ).replace('DOMAIN = "demo"\n', 'DOMAIN = "demo"\nHUB = None\n')
    path = _integration(tmp_path, source)
    assert _messages(path, "TRD2") == []


LENT = '''\
import aiohttp


class Broker:
    """Opens its session on first use, closes it in ``close()``."""

    def __init__(self, url):
        self._url = url
        self._session = None

    def _get_session(self):
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def fetch(self):
        return await self._get_session().get(self._url)

    async def close(self):
        if self._session is not None:
            await self._session.close()


class Worker:
    def __init__(self, broker):
        self.broker = broker

    async def work(self):
        await self.broker.fetch()


async def serve(worker):
    await worker.work()


async def main(url):
    broker = Broker(url)
    worker = Worker(broker=broker)
    await serve(worker)
'''


def test_a_lazy_resource_kept_by_an_object_that_never_closes_it_is_opened_and_leaked(
    tmp_path: Path,
) -> None:
    # ``Broker`` opens its session on first use; ``Worker`` keeps it for its life and uses it,
    # and never closes it: the creator still owns an open session.
    path = tmp_path / "pods.py"
    path.write_text(LENT, encoding="utf-8")
    assert _messages(path, "TRD2") == [
        "37 TRD201 `broker` (`Broker(...)`) is never closed; call `await broker.close()` in a `finally`",
    ]


def test_a_lazy_resource_kept_by_an_object_that_closes_it_is_handed_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pods.py"
    path.write_text(
        LENT.replace(
            "    async def work(self):\n",
            "    async def close(self):\n        await self.broker.close()\n\n    async def work(self):\n",
        ).replace(
            "    await serve(worker)\n",
            "    try:\n        await serve(worker)\n    finally:\n        await worker.close()\n",
        ),
        encoding="utf-8",
    )
    assert _messages(path, "TRD2") == []


def test_a_lazy_resource_never_used_nor_kept_opens_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pods.py"
    path.write_text(
        LENT.replace(
            "    worker = Worker(broker=broker)\n    await serve(worker)\n",
            "    print(url)\n",
        ),
        encoding="utf-8",
    )
    assert _messages(path, "TRD2") == []


RACE = """\
import asyncio


async def page(client, func, keeper):
    task = keeper.create(func())
    await asyncio.wait([
        task,
        asyncio.create_task(client.connected.wait()),
    ], timeout=3.0, return_when=asyncio.FIRST_COMPLETED)
    return task.result() if task.done() else None


async def named(client, func, keeper):
    task = keeper.create(func())
    done, _ = await asyncio.wait([task, asyncio.ensure_future(client.connected.wait())], timeout=3.0)
    return done
"""


def test_a_task_made_inside_the_waited_display_is_held_by_nothing_after_the_race(
    tmp_path: Path,
) -> None:
    path = tmp_path / "page.py"
    path.write_text(RACE, encoding="utf-8")
    assert _messages(path, "TRD3") == [
        "8 TRD304 task from `asyncio.create_task(...)` is made inside `asyncio.wait(...)` and held by nothing after it; name it and cancel it when it loses",
        "15 TRD304 task from `asyncio.ensure_future(...)` is made inside `asyncio.wait(...)` and held by nothing after it; name it and cancel it when it loses",
    ]


def test_a_task_made_inside_the_waited_display_is_ended_by_pending_or_a_full_wait(
    tmp_path: Path,
) -> None:
    path = tmp_path / "page.py"
    path.write_text(
        RACE.replace(
            "    done, _ = await asyncio.wait([task, asyncio.ensure_future(client.connected.wait())], timeout=3.0)\n",
            "    done, pending = await asyncio.wait([task, asyncio.ensure_future(client.connected.wait())], timeout=3.0)\n"
            "    for waiting in pending:\n        waiting.cancel()\n",
        ).replace("], timeout=3.0, return_when=asyncio.FIRST_COMPLETED)", "])"),
        encoding="utf-8",
    )
    assert _messages(path, "TRD3") == []


def test_a_receiver_closing_it_through_getattr_takes_it_over(tmp_path: Path) -> None:
    # ``close = getattr(self._client, "close", None)`` then called releases the attribute as
    # ``self._client.close()`` does: the lazy client given to it is its to close.
    path = tmp_path / "pods.py"
    path.write_text(
        LENT.replace(
            "    async def work(self):\n",
            '    async def close(self):\n        close = getattr(self.broker, "close", None)\n'
            "        if close is not None:\n            await close()\n\n    async def work(self):\n",
        ).replace(
            "    await serve(worker)\n",
            "    try:\n        await serve(worker)\n    finally:\n        await worker.close()\n",
        ),
        encoding="utf-8",
    )
    assert _messages(path, "TRD2") == []


WRAPPER = '''\
import httpx


class Transport:
    """Wraps the client it is given; its ``aclose()`` closes that client."""

    def __init__(self, http):
        self._http = http

    async def get(self, path):
        return await self._http.get(path)

    async def aclose(self):
        await self._http.aclose()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()


class Coordinator:
    def __init__(self, transport):
        self.transport = transport

    async def refresh(self):
        return await self.transport.get("/state")


async def main():
    async with httpx.AsyncClient() as http:
        transport = Transport(http)
        coordinator = Coordinator(transport)
        await coordinator.refresh()
'''


def test_a_type_known_by_its_aexit_alone_kept_by_an_object_is_not_judged_lent(
    tmp_path: Path,
) -> None:
    # ``Transport`` acquires nothing itself (it wraps the client it is given, which its creator
    # closes with ``async with``): kept by ``Coordinator``, it opens nothing.
    path = tmp_path / "transport.py"
    path.write_text(WRAPPER, encoding="utf-8")
    assert _messages(path, "TRD2") == []


FLOW = """\
from homeassistant import config_entries

from .api import Machine

DOMAIN = "demo"


async def validate_input(hass, data):
    machine = await Machine.create(data["host"])
    info = await machine.get_system_info()
    await machine.close()
    return {"title": info["hostname"]}


class ConfigFlow(config_entries.ConfigFlow, domain=DOMAIN):
    async def async_step_user(self, user_input=None):
        info = await validate_input(self.hass, user_input)
        return self.async_create_entry(title=info["title"], data=user_input)
"""

API = """\
import aiohttp


class Machine:
    def __init__(self, session):
        self._session = session

    @classmethod
    async def create(cls, host):
        return cls(aiohttp.ClientSession(base_url=host))

    async def get_system_info(self):
        return await (await self._session.get("/info")).json()

    async def close(self):
        await self._session.close()
"""


def test_in_an_integration_a_first_party_client_closed_only_on_success_is_reported(
    tmp_path: Path,
) -> None:
    # Home Assistant catches what the flow raises and goes on running: when
    # ``get_system_info()`` raises, the machine's session stays open (sdwilsh/hass-truenas).
    path = _integration(
        tmp_path,
        "async def async_setup_entry(hass, entry):\n    return True\n\n\nasync def async_unload_entry(hass, entry):\n    return True\n",
    )
    (path.parent / "api.py").write_text(API, encoding="utf-8")
    flow = path.parent / "config_flow.py"
    flow.write_text(FLOW, encoding="utf-8")
    assert _messages(flow, "TRD2") == [
        "9 TRD201 `machine` (`Machine.create(...)`) is closed outside `finally`; move `machine.close()` into a `finally`",
    ]
    flow.write_text(
        FLOW.replace(
            "    info = await machine.get_system_info()\n    await machine.close()\n",
            "    try:\n        info = await machine.get_system_info()\n    finally:\n        await machine.close()\n",
        ),
        encoding="utf-8",
    )
    assert _messages(flow, "TRD2") == []


def test_in_a_script_a_first_party_client_closed_on_success_is_left_to_the_program_s_end(
    tmp_path: Path,
) -> None:
    # In a script (run as ``__main__``: its error path ends the program) the same code is not
    # reported for a first-party type. Without the ``__main__`` block, the function is one that
    # other code calls and goes on after: reported (session 24).
    (tmp_path / "api.py").write_text(API, encoding="utf-8")
    script = tmp_path / "check.py"
    body = FLOW.replace("from .api import Machine", "from api import Machine").split("\n\nclass ConfigFlow")[0]
    script.write_text(body + '\n\n\nif __name__ == "__main__":\n    pass\n', encoding="utf-8")
    # Session 42 (issue 28, point 5): the ``await`` between the creation and the close fails
    # and skips it in a script too: reported.
    assert _messages(script, "TRD2") == [
        "9 TRD201 `machine` (`Machine.create(...)`) is closed outside `finally`; move `machine.close()` into a `finally`",
    ]
    script.write_text(body + "\n", encoding="utf-8")
    assert _messages(script, "TRD2") == [
        "9 TRD201 `machine` (`Machine.create(...)`) is closed outside `finally`; move `machine.close()` into a `finally`",
    ]


VENDOR = """\
import httpx
from vendor_sdk_not_installed import Vault


async def vault_data(url):
    connection = httpx.AsyncClient(base_url=url)
    vault = Vault(connection)
    return await vault.analytics()


async def unused(url):
    connection = httpx.AsyncClient(base_url=url)
    return url
"""


def test_a_lazy_client_given_to_a_class_nothing_shows_closes_it_is_still_the_creator_s(
    tmp_path: Path,
) -> None:
    # ``Vault`` is neither installed nor in the project: nothing proves it closes what it
    # keeps, so the client it uses stays its creator's (a new one per call, never closed).
    path = tmp_path / "vaults.py"
    path.write_text(VENDOR, encoding="utf-8")
    assert _messages(path, "TRD2") == [
        "6 TRD201 `connection` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
    ]


def test_in_a_plain_function_the_cure_is_not_an_await(tmp_path: Path) -> None:
    # ``run()`` is not a coroutine: neither ``async with`` nor ``await`` can be written there.
    path = tmp_path / "pods.py"
    path.write_text(
        LENT.replace(
            "async def main(url):",
            "def run(url):\n    import asyncio\n\n    broker = Broker(url)\n    worker = Worker(broker=broker)\n    asyncio.run(serve(worker))\n\n\nasync def main(url):",
        ),
        encoding="utf-8",
    )
    assert _messages(path, "TRD2") == [
        "39 TRD201 `broker` (`Broker(...)`) is never closed; make it in the coroutine that uses it and close it there",
        "45 TRD201 `broker` (`Broker(...)`) is never closed; call `await broker.close()` in a `finally`",
    ]
