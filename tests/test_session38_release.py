"""Session 38 (issue 28): releases that do not happen on some path.

Three readings of what the code itself says must be released, whatever the released type holds:

- a value a function makes by calling its class and ends itself by an awaited release of the
  whole object (``await ssh_client.disconnect()``, ``stop()``, ``shutdown()``..., as ``close()``
  already was), on the success path only: an ``except`` that goes on, or a ``return``/``raise``
  before it, leaves it open (TRD201; FaserF/ha-openwrt ``73cf89bc``, the SSH fallback client).
  What a getter gives may be shared: stopping it is a command on it, not judged;
- a local made by a ``@classmethod`` every ``return`` of which makes its own class
  (``transport = await Transport.connect(...)``, ``return cls(...)``) is an instance of that
  class: its ``async def close()`` called without ``await`` releases nothing, and TRD201 reports
  the creation as for a constructor's (ethereum/trinity ``cb49f383``);
- a first-party object kept on ``self`` whose owner's only end of it is an un-awaited call of its
  ``async def`` release (``self.controller.close()`` in a plain ``def close()``) is never
  released: TRD202 at each store, beside TRD205 at the call (OpenHands/OpenHands ``a48b0220``). An
  awaited release that a new store follows (a renewal) is no end; one handed on is not judged.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings


def _check(tmp_path: Path, source: str, name: str = "flow.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


SSH = """\
import logging

_LOGGER = logging.getLogger(__name__)


class SshClient:
    def __init__(self, host):
        self.host = host
        self._client = None

    async def connect(self):
        if not self.host:
            raise ConnectionError("no host")
        return True

    async def provision_user(self, name):
        return True

    async def {release}(self):
        self._client = None


async def provision(host):
    ssh_client = SshClient(host)
    try:
        if await ssh_client.connect():
            ok = await ssh_client.provision_user("homeassistant")
{close}
            return ok
    except Exception as err:
        _LOGGER.debug("SSH fallback failed: %s", err)
{finally_}
    return False
"""


def _ssh(release: str = "disconnect", close: str = "            await ssh_client.{release}()", finally_: str = "") -> str:
    return SSH.replace("{close}", close).replace("{finally_}", finally_).replace("{release}", release)


def test_disconnected_on_success_only(tmp_path: Path) -> None:
    assert _check(tmp_path, _ssh()) == [
        "24:5 TRD201 `ssh_client` (`SshClient(...)`) is closed here on one path only: the `except` at line 30 goes on "
        "or leaves without closing it; close it in a `finally`"
    ]


def test_stopped_on_success_only(tmp_path: Path) -> None:
    assert _check(tmp_path, _ssh("stop")) == [
        "24:5 TRD201 `ssh_client` (`SshClient(...)`) is closed here on one path only: the `except` at line 30 goes on "
        "or leaves without closing it; close it in a `finally`"
    ]


def test_disconnected_in_finally_is_clean(tmp_path: Path) -> None:
    source = _ssh(close="            pass", finally_="    finally:\n        await ssh_client.disconnect()")
    assert _check(tmp_path, source) == []


def test_a_call_given_arguments_is_no_release(tmp_path: Path) -> None:
    # ``await conn.disconnect(device)``: an operation on something else, not the end of the value.
    source = _ssh(close="            await ssh_client.disconnect(ok)").replace("async def disconnect(self):", "async def disconnect(self, device):")
    assert _check(tmp_path, source) == []


def test_a_shared_value_a_getter_gives_is_not_owned(tmp_path: Path) -> None:
    # ``player = get_player(guild)`` then ``await player.stop()``: a command on a shared object (a
    # music bot's ``stop`` command), not the end of one the function made.
    source = _ssh("stop").replace("    ssh_client = SshClient(host)", "    ssh_client = get_client(host)")
    source += "\n\ndef get_client(host):\n    return SshClient(host)\n"
    assert _check(tmp_path, source) == []


KEPT_IN_HOLDER = """\
class Coordinator:
    def __init__(self, host):
        self.host = host

    async def refresh(self):
        return True

    async def shutdown(self):
        self.host = None


class Data:
    def __init__(self, coordinator):
        self.coordinator = coordinator


async def setup_entry(entry, host):
    coordinator = Coordinator(host)
    if not await coordinator.refresh():
        await coordinator.shutdown()
        return False
{keep}
    return True
"""


def test_a_value_whose_holder_is_kept_is_handed_on(tmp_path: Path) -> None:
    # ``entry.runtime_data = Data(coordinator=coordinator)``: whoever ends the holder ends it.
    source = KEPT_IN_HOLDER.replace("{keep}", "    entry.runtime_data = Data(coordinator=coordinator)")
    assert _check(tmp_path, source) == []


def test_a_value_lent_to_a_call_is_still_the_function_s(tmp_path: Path) -> None:
    source = KEPT_IN_HOLDER.replace("{keep}", "    print(Data(coordinator=coordinator))")
    assert _check(tmp_path, source) == [
        "18:5 TRD201 `coordinator` (`Coordinator(...)`) is closed here on one path only: the `return` at line 23 "
        "leaves it open; close it in a `finally`"
    ]


def test_an_operation_named_otherwise_is_no_release(tmp_path: Path) -> None:
    assert _check(tmp_path, _ssh("logout")) == []


TRANSPORT = """\
import asyncio


class Transport:
    def __init__(self, reader, writer):
        self._reader = reader
        self._writer = writer

    @classmethod
    async def connect(cls, host, port):
{make}

    async def close(self):
        self._writer.close()


async def negotiate(transport):
    await asyncio.sleep(0)


async def dial_out(host, port):
    transport = await Transport.connect(host, port)
    try:
        await negotiate(transport)
    except Exception:
        {close}
        raise
    return transport
"""

MAKE_OWN = "        reader, writer = await asyncio.open_connection(host, port)\n        return cls(reader, writer)"
MAKE_SHARED = "        return cls._shared"


def test_class_maker_release_never_awaited(tmp_path: Path) -> None:
    source = TRANSPORT.replace("{make}", MAKE_OWN).replace("{close}", "transport.close()")
    assert _check(tmp_path, source) == [
        "23:5 TRD201 `transport` (`Transport.connect(...)`) is never closed: its `close()` is never awaited",
        "27:9 TRD205 `transport.close()` is never awaited, so it closes nothing; await it",
    ]


def test_class_maker_release_awaited_is_clean(tmp_path: Path) -> None:
    source = TRANSPORT.replace("{make}", MAKE_OWN).replace("{close}", "await transport.close()")
    assert _check(tmp_path, source) == []


def test_class_method_returning_a_shared_instance_makes_nothing(tmp_path: Path) -> None:
    # ``return cls._shared``: the caller may be lent one; the class it gives is not proven.
    source = TRANSPORT.replace("{make}", MAKE_SHARED).replace("{close}", "transport.close()")
    assert _check(tmp_path, source) == []


UNIT = """\
import asyncio


class Controller:
    def __init__(self, sid):
        self.sid = sid
        self.task = None

    async def start(self):
        self.task = asyncio.create_task(asyncio.sleep(60))

    async def close(self):
        if self.task is not None:
            self.task.cancel()


class AgentUnit:
    def __init__(self, sid):
        self.sid = sid
        self.controller = None

    async def create_controller(self):
        if self.controller is not None:
            await self.controller.close()
        self.controller = Controller(self.sid)
        await self.controller.start()

{end}
"""

END_BARE = "    def close(self):\n        if self.controller is not None:\n            self.controller.close()"
END_AWAITED = "    async def close(self):\n        if self.controller is not None:\n            await self.controller.close()"


def test_kept_object_release_never_awaited(tmp_path: Path) -> None:
    assert _check(tmp_path, UNIT.replace("{end}", END_BARE)) == [
        "25:9 TRD202 `self.controller` (`Controller(...)`) is never closed: its `close()` is never awaited",
        "30:13 TRD205 `self.controller.close()` is never awaited, so it releases nothing; await it in a coroutine",
    ]


def test_kept_object_release_awaited_is_clean(tmp_path: Path) -> None:
    assert _check(tmp_path, UNIT.replace("{end}", END_AWAITED)) == []


def test_kept_object_handed_on_is_not_judged(tmp_path: Path) -> None:
    # Whoever gets ``self.controller`` may end it: only the un-awaited call is reported.
    source = UNIT.replace("{end}", END_BARE + "\n\n    def current(self):\n        return self.controller")
    assert _check(tmp_path, source) == [
        "30:13 TRD205 `self.controller.close()` is never awaited, so it releases nothing; await it in a coroutine",
    ]


def test_kept_object_ended_elsewhere_is_not_judged(tmp_path: Path) -> None:
    # ``stop()`` awaits its end: the bare call in ``close()`` is TRD205's alone.
    source = UNIT.replace("{end}", END_BARE + "\n\n    async def stop(self):\n        await self.controller.close()")
    assert _check(tmp_path, source) == [
        "30:13 TRD205 `self.controller.close()` is never awaited, so it releases nothing; await it in a coroutine",
    ]
