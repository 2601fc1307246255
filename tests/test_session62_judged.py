"""Session 62 (branch ``s62-judged``): a hand-off that is a class attribute's only end counts only
on the paths that reach it (issue 28, TRD2 recall; development pool, Mai-with-u/MaiBot ``82d54e08``:
``self._mcp_manager`` stored, ``if not mcp_tool_specs: return``, then handed to a provider the
tool registry closes; the early way out left the manager, and its MCP subprocesses, on ``self``).

Principle: handing a resource to an owner that ends it ends the maker's duty only on the paths
that reach the hand-off (a local's ``exit_before_handoff``). For ``self.<attr>`` whose only end
is such a hand-off in the method that stores it, a ``return`` or ``raise`` of that method between
the store and the hand-off leaves it with the class, which never closes it
(:mod:`tradelint.models.resources.handoff_paths`).

Twins (stay silent): the hand-off before the way out, the class closing the attribute too, the
exit in another branch than the store, a ``raise SystemExit``, a hand-off in another method.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SOURCE = """\
import aiohttp


class Provider:
    def __init__(self, session):
        self._session = session

    async def close(self):
        await self._session.close()


class Registry:
    def __init__(self):
        self._providers = []

    def add(self, provider):
        self._providers.append(provider)

    async def close(self):
        for provider in self._providers:
            await provider.close()


class Runtime:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, enabled):
        self._session = aiohttp.ClientSession()
        if not enabled:
            return
        self._registry.add(Provider(self._session))

    async def stop(self):
        await self._registry.close()
        self._session = None


class EveryPath:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, enabled):
        self._session = aiohttp.ClientSession()
        self._registry.add(Provider(self._session))
        if not enabled:
            return

    async def stop(self):
        await self._registry.close()


class ClosesItself:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, enabled):
        self._session = aiohttp.ClientSession()
        if not enabled:
            return
        self._registry.add(Provider(self._session))

    async def stop(self):
        await self._registry.close()
        if self._session is not None:
            await self._session.close()


class Raising:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, name):
        self._session = aiohttp.ClientSession()
        if not name:
            raise ValueError("no name")
        self._registry.add(Provider(self._session))

    async def stop(self):
        await self._registry.close()


class EndsTheProcess:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, name):
        self._session = aiohttp.ClientSession()
        if not name:
            raise SystemExit(1)
        self._registry.add(Provider(self._session))

    async def stop(self):
        await self._registry.close()


class HandedLater:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, enabled):
        self._session = aiohttp.ClientSession()
        if not enabled:
            return

    def register(self):
        self._registry.add(Provider(self._session))

    async def stop(self):
        await self._registry.close()


class OtherBranch:
    def __init__(self, registry: Registry):
        self._registry = registry
        self._session = None

    async def start(self, enabled):
        if not enabled:
            return
        self._session = aiohttp.ClientSession()
        self._registry.add(Provider(self._session))

    async def stop(self):
        await self._registry.close()
"""


def test_a_way_out_before_the_only_hand_off_leaves_the_attribute_open(tmp_path: Path) -> None:
    # ``Runtime`` returns (32) and ``Raising`` raises (80) before the hand-off: reported where
    # the attribute is made. ``EveryPath`` (46, hand-off first), ``ClosesItself`` (61, ``stop()``
    # closes it too), ``EndsTheProcess`` (93), ``HandedLater`` (108, handed in ``register()``) and
    # ``OtherBranch`` (127, the exit before the store) stay silent.
    assert source_findings(tmp_path, SOURCE, "TRD2") == [
        (
            "30:9 TRD202 `self._session` is left open when `start()` leaves at line 32 before handing it on at line 33; "
            "close it on that way out"
        ),
        (
            "78:9 TRD202 `self._session` is left open when `start()` leaves at line 80 before handing it on at line 81; "
            "close it on that way out"
        ),
    ]


def test_the_same_shapes_with_the_exit_closing_it_stay_silent(tmp_path: Path) -> None:
    fixed = SOURCE.replace(
        "        if not enabled:\n            return\n        self._registry.add(Provider(self._session))",
        "        if not enabled:\n            await self._session.close()\n            return\n"
        "        self._registry.add(Provider(self._session))",
    ).replace(
        "            raise ValueError(\"no name\")",
        "            await self._session.close()\n            raise ValueError(\"no name\")",
    )
    assert fixed != SOURCE
    assert source_findings(tmp_path, fixed, "TRD2") == []
