"""Session 80: code an application never runs, two more ways (``facts/unpassed_defaults.py``,
``facts/unreachable.py``).

- A branch that runs only when a parameter is given away from its false default (``if
  trigger_reconnect and ...:``) never runs when no call in the project gives it: the task it
  starts is not reported (pdiegmann/ha-petkit-ble, labelled false in
  ``benchmarks/labels/heads70_a2.tsv``). Twins, each still reported: a call giving it by keyword,
  by position, or unpacking ``**kwargs``; the method handed on uncalled; the name in a string; the
  parameter assigned in the function; the ``else`` of the branch; a library project; a library
  base; a function nested in the method.
- A method named only in its own body (it reschedules itself) is started by nothing: session
  76's rule no longer counts that mention. Twin: named elsewhere too.
- A test's ``patch.object`` of a method that opens a lazy first-party client (on its class or on
  the instance: a ``with`` item around the use, a decorator of the test, or pytest-mock's
  ``mocker.patch.object`` / ``monkeypatch.setattr`` as an earlier statement) replaces it as a
  store on the instance does (session 71): a use reaching the opening code only through it opens
  nothing (ha-defa-balancer's config-flow test, labelled false in ``heads70_a2.tsv``). Twins: a
  use after the ``with``, a patch of a method off the opening path, a patch of another class, an
  unstarted ``unittest.mock.patch.object`` statement.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trees import findings, write

ADAPTER = '''\
import asyncio


class Adapter:
    def __init__(self):
        self.connected = {}
        self.reconnect_enabled = True

    async def disconnect(self, address, trigger_reconnect=False):
        try:
            client = self.connected.pop(address)
            await client.disconnect()
            if trigger_reconnect and self.reconnect_enabled:
                asyncio.create_task(self._reconnect(address))
            return True
        except Exception:
            asyncio.create_task(self._reconnect(address))
            return False

    async def _reconnect(self, address):
        await asyncio.sleep(1)
'''

SETUP = '''\
from .adapter import Adapter


async def async_setup_entry(hass, entry):
    adapter = Adapter()
    hass.data[entry.entry_id] = adapter
    return True


async def async_unload_entry(hass, entry):
    await hass.data.pop(entry.entry_id).disconnect(entry.data["address"])
    return True
'''

BRANCH = "custom_components/demo/adapter.py:14:17 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
EXCEPT = "custom_components/demo/adapter.py:17:13 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"


def _integration(root: Path, adapter: str = ADAPTER, setup: str = SETUP, extra: str = "") -> Path:
    write(root / ".gitignore", "__pycache__/\n")  # (the project's marker)
    folder = root / "custom_components" / "demo"
    write(folder / "__init__.py", setup)
    write(folder / "adapter.py", adapter)
    if extra:
        write(folder / "other.py", extra)
    return root


def test_a_branch_behind_a_parameter_no_call_gives_is_not_judged(tmp_path: Path) -> None:
    # (The same method's unconditional task, in its ``except``, is still reported.)
    assert findings(_integration(tmp_path), "TRD3") == [EXCEPT]


@pytest.mark.parametrize(
    "extra",
    [
        "async def later(adapter):\n    await adapter.disconnect('a', trigger_reconnect=True)\n",
        "async def later(adapter):\n    await adapter.disconnect('a', True)\n",
        "async def later(adapter, opts):\n    await adapter.disconnect('a', **opts)\n",
        "async def later(adapter, args):\n    await adapter.disconnect(*args)\n",
        "def later(adapter, loop):\n    loop.call_soon(adapter.disconnect)\n",
        'ACTIONS = {"off": "disconnect"}\n',
    ],
    ids=["keyword", "position", "kwargs", "args", "handed_on", "string"],
)
def test_twins_a_call_that_may_give_the_parameter(tmp_path: Path, extra: str) -> None:
    assert findings(_integration(tmp_path, extra=extra), "TRD3") == [BRANCH, EXCEPT]


def test_twin_the_parameter_assigned_in_the_function(tmp_path: Path) -> None:
    adapter = ADAPTER.replace(
        "        try:\n            client", "        trigger_reconnect = trigger_reconnect or self.reconnect_enabled\n        try:\n            client"
    )
    got = findings(_integration(tmp_path, adapter), "TRD3")
    assert got == [BRANCH.replace(":14:", ":15:"), EXCEPT.replace(":17:", ":18:")]


def test_twin_the_else_of_the_branch_runs(tmp_path: Path) -> None:
    adapter = ADAPTER.replace(
        "            if trigger_reconnect and self.reconnect_enabled:\n                asyncio.create_task(self._reconnect(address))\n",
        "            if trigger_reconnect:\n                pass\n            else:\n                asyncio.create_task(self._reconnect(address))\n",
    )
    assert findings(_integration(tmp_path, adapter), "TRD3") == [
        BRANCH.replace(":14:", ":16:"), EXCEPT.replace(":17:", ":19:")
    ]


def test_twin_a_keyword_only_parameter_given(tmp_path: Path) -> None:
    adapter = ADAPTER.replace("(self, address, trigger_reconnect=False)", "(self, address, *, trigger_reconnect=False)")
    assert findings(_integration(tmp_path, adapter), "TRD3") == [EXCEPT]
    extra = "async def later(adapter):\n    await adapter.disconnect('a', trigger_reconnect=True)\n"
    assert findings(_integration(tmp_path, adapter, extra=extra), "TRD3") == [BRANCH, EXCEPT]


def test_twin_a_library_project(tmp_path: Path) -> None:
    # (Outside ``custom_components``, a project whose ``pyproject.toml`` declares a distribution:
    # its callers are not in the project.)
    write(tmp_path / "pyproject.toml", "[project]\nname = 'adapter-lib'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    write(tmp_path / "lib" / "__init__.py", "")
    write(tmp_path / "lib" / "adapter.py", ADAPTER)
    write(tmp_path / "lib" / "use.py", "async def use(adapter):\n    await adapter.disconnect('a')\n")
    assert [f.split(" ", 1)[0] for f in findings(tmp_path, "TRD3")] == ["lib/adapter.py:14:17", "lib/adapter.py:17:13"]


def test_twin_a_library_base_may_call_the_method(tmp_path: Path) -> None:
    adapter = ADAPTER.replace("import asyncio\n", "import asyncio\n\nfrom somelib import Base\n").replace("class Adapter:", "class Adapter(Base):")
    assert findings(_integration(tmp_path, adapter), "TRD3") == [BRANCH.replace(":14:", ":16:"), EXCEPT.replace(":17:", ":19:")]


def test_twin_a_function_nested_in_the_method(tmp_path: Path) -> None:
    # (A closure may run later, with the parameter it closes over set by code of its own.)
    adapter = ADAPTER.replace(
        "            if trigger_reconnect and self.reconnect_enabled:\n                asyncio.create_task(self._reconnect(address))\n",
        "            def later(trigger_reconnect=False):\n                if trigger_reconnect:\n"
        "                    asyncio.create_task(self._reconnect(address))\n            return later\n",
    )
    got = findings(_integration(tmp_path, adapter), "TRD3")
    assert [f.split(" ", 1)[0] for f in got] == ["custom_components/demo/adapter.py:15:21", "custom_components/demo/adapter.py:19:13"]


RESCHEDULED = '''\
import asyncio


class Health:
    async def check_forever(self):
        await asyncio.sleep(300)
        asyncio.create_task(self.check_forever())
'''


def test_a_method_named_only_in_its_own_body_is_started_by_nothing(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "aiohttp\n")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "health.py", RESCHEDULED)
    write(tmp_path / "app" / "main.py", "from app.health import Health\n\nhealth = Health()\n")
    assert findings(tmp_path, "TRD3") == []
    # Twin: started from elsewhere too.
    write(tmp_path / "app" / "main.py", "from app.health import Health\n\n\nasync def main():\n    await Health().check_forever()\n")
    assert findings(tmp_path, "TRD3") == [
        "app/health.py:7:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
    ]


def test_a_cached_run_rechecks_the_branch_when_a_file_starts_giving_the_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_cache_scans import run

    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _integration(tree)
    first = run(tree, cache, monkeypatch)[1]
    assert [(path, line) for path, line, code in first if code.startswith("TRD3")] == [("custom_components/demo/adapter.py", 17)]
    write(tree / "custom_components" / "demo" / "later.py", "async def later(adapter):\n    await adapter.disconnect('a', True)\n")
    checked, found = run(tree, cache, monkeypatch)
    assert "custom_components/demo/adapter.py" in checked
    assert [(path, line) for path, line, code in found if code.startswith("TRD3")] == [
        ("custom_components/demo/adapter.py", 14), ("custom_components/demo/adapter.py", 17)
    ]


def _stand_in(tmp_path: Path, test: str) -> list[str]:
    from tests.conftest import tree_findings
    from tests.test_session71_stand_ins import CLIENT as LAZY_CLIENT

    return tree_findings(tmp_path, {"app/__init__.py": "", "app/api.py": LAZY_CLIENT, "tests/test_api.py": test}, "TRD201", project=True)


PATCHED = '''\
from unittest.mock import AsyncMock, patch

from app.api import Client


async def test_status():
    client = Client("http://host")
    with patch.object(Client, "_read", AsyncMock(return_value={"ok": True})):
        assert await client.status() == {"ok": True}
'''

PATCHED_NEVER_CLOSED = "test_api.py:7:5 TRD201 `client` (`Client(...)`) is never closed; call `await client.close()` in a `finally`"


@pytest.mark.parametrize(
    "test",
    [
        PATCHED,
        PATCHED.replace("patch.object(Client,", "patch.object(client,"),
        PATCHED.replace("async def test_status():", '@patch.object(Client, "_read", AsyncMock())\nasync def test_status():').replace(
            '    with patch.object(Client, "_read", AsyncMock(return_value={"ok": True})):\n    ', ""
        ),
        PATCHED.replace("async def test_status():", "async def test_status(mocker):").replace(
            '    with patch.object(Client, "_read", AsyncMock(return_value={"ok": True})):\n    ',
            '    mocker.patch.object(Client, "_read", AsyncMock(return_value={"ok": True}))\n',
        ),
        PATCHED.replace("async def test_status():", "async def test_status(monkeypatch):").replace(
            '    with patch.object(Client, "_read", AsyncMock(return_value={"ok": True})):\n    ',
            '    monkeypatch.setattr(Client, "_read", AsyncMock(return_value={"ok": True}))\n',
        ),
    ],
    ids=["with_on_class", "with_on_instance", "decorator", "mocker", "monkeypatch"],
)
def test_a_patched_opening_method_opens_nothing(tmp_path: Path, test: str) -> None:
    assert _stand_in(tmp_path, test) == []


@pytest.mark.parametrize(
    "test",
    [
        PATCHED + "    await client.status()\n",
        PATCHED.replace('"_read"', '"url"'),
        PATCHED.replace("patch.object(Client,", "patch.object(Other,").replace("from app.api import Client", "from app.api import Client\n\n\nclass Other:\n    pass"),
        PATCHED.replace(
            '    with patch.object(Client, "_read", AsyncMock(return_value={"ok": True})):\n    ',
            '    patch.object(Client, "_read", AsyncMock(return_value={"ok": True}))\n',
        ),
    ],
    ids=["used_after_the_with", "off_the_opening_path", "another_class", "unstarted_statement"],
)
def test_twins_the_opening_code_still_runs(tmp_path: Path, test: str) -> None:
    got = _stand_in(tmp_path, test)
    line = 11 if "class Other" in test else 7
    assert got == [PATCHED_NEVER_CLOSED.replace(":7:", f":{line}:")]


def test_twin_a_function_the_project_never_calls_is_called_from_outside(tmp_path: Path) -> None:
    # (Home Assistant calls ``async_setup_platform`` by its name, with ``discovery_info`` given.)
    platform = (
        "import asyncio\n\n\nasync def async_setup_platform(hass, config, add_entities, discovery_info=None):\n"
        "    if discovery_info:\n        asyncio.create_task(hass.async_block_till_done())\n"
    )
    root = _integration(tmp_path)
    write(root / "custom_components" / "demo" / "sensor.py", platform)
    assert findings(root, "TRD3") == [
        EXCEPT,
        "custom_components/demo/sensor.py:6:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it",
    ]


# A lazy first-party listener handed to a first-party reader that uses it only off the opening
# path opens nothing there (``handed_readers``: ha-defa-balancer's ``_DatagramProtocol(listener)``,
# labelled false in ``heads70_a2.tsv``). ``Flow`` makes the listener known as a resource (it starts
# and stops one) and keeps its own ``self._listener``, another class's attribute of the same name.
LISTENERS = """\
import asyncio


class Protocol(asyncio.DatagramProtocol):
    def __init__(self, listener):
        self._listener = listener

    def datagram_received(self, data, addr):
        if self._listener.serial and data != self._listener.serial:
            return
        self._listener.push(data)


class Listener:
    def __init__(self, port, serial=None):
        self._port = port
        self.serial = serial
        self._packets = []
        self._transport = None

    async def start(self):
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(lambda: Protocol(self), local_addr=("0.0.0.0", self._port))

    async def stop(self):
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def push(self, data):
        self._packets.append(data)

    def latest(self):
        return list(self._packets)
"""

FLOW = """\
from app.listeners import Listener


class Flow:
    def __init__(self):
        self._listener = None

    async def scan(self):
        self._listener = Listener(5000)
        await self._listener.start()

    async def close(self):
        if self._listener is not None:
            await self._listener.stop()
"""

HANDED = """\
from app.listeners import Listener, Protocol


def test_protocol_filters_by_serial():
    listener = Listener(5000, serial=b"wanted")
    protocol = Protocol(listener)
    protocol.datagram_received(b"other", ("127.0.0.1", 9999))
    assert listener.latest() == []
"""

HANDED_NEVER_CLOSED = (
    "tests/test_listeners.py:5:5 TRD201 `listener` (`Listener(...)`) is never closed; "
    "make it in the coroutine that uses it and close it there"
)


def _handed(tmp_path: Path, test: str = HANDED, listeners: str = LISTENERS, extra: str = "") -> list[str]:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'app'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "listeners.py", listeners)
    write(tmp_path / "app" / "flow.py", FLOW + extra)
    write(tmp_path / "tests" / "test_listeners.py", test)
    return findings(tmp_path, "TRD201")


def test_a_listener_handed_to_a_reader_off_the_opening_path_opens_nothing(tmp_path: Path) -> None:
    assert _handed(tmp_path) == []
    assert _handed(tmp_path, HANDED.replace("Protocol(listener)", "Protocol(listener=listener)")) == []
    # (A test's store on another class's instance, ``flow._listener = ...``, is that class's.)
    extra = "\n\ndef attach(listener):\n    flow = Flow()\n    flow._listener = listener\n"
    assert _handed(tmp_path, extra=extra) == []


@pytest.mark.parametrize(
    "case",
    ["reader_opens", "handed_on_again", "read_elsewhere", "library_callee"],
)
def test_twins_the_reader_may_open_it(tmp_path: Path, case: str) -> None:
    test, listeners, extra = HANDED, LISTENERS, ""
    if case == "reader_opens":
        # (Any method of the reader may run: one reaching the opening code is enough.)
        listeners = LISTENERS.replace(
            "        self._listener.push(data)\n", "        self._listener.push(data)\n\n    async def reopen(self):\n        await self._listener.start()\n"
        )
    elif case == "handed_on_again":
        listeners = LISTENERS.replace("        self._listener = listener\n", "        self._listener = listener\n        register(listener)\n") + (
            "\n\ndef register(listener):\n    asyncio.ensure_future(listener.start())\n"
        )
    elif case == "read_elsewhere":
        extra = "\n\nasync def later(protocol):\n    await protocol._listener.start()\n"
    elif case == "library_callee":
        test = HANDED.replace("from app.listeners import Listener, Protocol", "from app.listeners import Listener\nfrom somelib import Protocol")
    got = _handed(tmp_path, test, listeners, extra)
    line = 6 if case == "library_callee" else 5
    assert got == [HANDED_NEVER_CLOSED.replace(":5:5", f":{line}:5")]
