"""Session 64's **exit** rule of ``scripts/make_resource_table.py`` (issue 28 point 5: ``__aexit__``
is an end of life), on a small library written here beside the twins it must leave as they were.

A public class that makes a known resource in ``__init__`` and ends it only in its ``__aexit__``
(no method of its own releases it: meraki's ``AsyncDashboardAPI``, whose ``__aexit__`` awaits
``self._session.close()``) is a resource released by ``__aexit__`` itself. Twins: a class with a
public ``close()`` ending the same holding (the owner rule, ``close``); one whose ``__aexit__``
awaits a release method of its own (owner or protocol rule) or a public method of another name
(``finish()``: left as before, nothing); one that keeps a session it is given
(it made nothing); one whose ``__aexit__`` ends nothing it holds; one a plain ``with`` ends too
(mixpanel's ``Mixpanel``: made and ended in plain code as well).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen

from tests.test_library_table_rules import _entries, _write


def _types(*folders: Path) -> dict[str, tuple[str, bool, bool, str]]:
    return _entries(gen.generate(list(folders)))


DASHBOARD = '''\
import aiohttp


class Dashboard:
    """A client of many APIs sharing one session."""

    def __init__(self, key{parameter}):
        self._session = {made}
        self.key = key

    async def get(self, path):
        return await self._session.get(path)

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
{exit}
{extra}'''

CLOSES_SESSION = "        await self._session.close()\n"


def _library(root: Path, *, parameter: str = "", made: str = "aiohttp.ClientSession()", exit: str = CLOSES_SESSION, extra: str = "") -> Path:
    return _write(root, "dashlib-1.0", {
        "dashlib/__init__.py": "from .api import Dashboard\n",
        "dashlib/api.py": DASHBOARD.format(parameter=parameter, made=made, exit=exit, extra=extra),
    })


def test_a_holding_ended_only_by_aexit_makes_a_resource_released_by_aexit(tmp_path: Path) -> None:
    assert _types(_library(tmp_path)) == {
        "dashlib.Dashboard": ("__aexit__", True, False, "exit"),
        "dashlib.api.Dashboard": ("__aexit__", True, False, "exit"),
    }


def test_a_public_close_of_the_same_holding_is_the_owner_rule(tmp_path: Path) -> None:
    extra = "\n    async def close(self):\n        await self._session.close()\n"
    assert _types(_library(tmp_path, exit="        await self.close()\n", extra=extra)) == {
        "dashlib.Dashboard": ("close", True, False, "owner"),
        "dashlib.api.Dashboard": ("close", True, False, "owner"),
    }


def test_an_exit_awaiting_a_release_of_its_own_is_the_protocol_rule(tmp_path: Path) -> None:
    extra = "\n    async def disconnect(self):\n        await self._session.close()\n"
    assert _types(_library(tmp_path, exit="        await self.disconnect()\n", extra=extra)) == {
        "dashlib.Dashboard": ("disconnect", True, False, "owner"),
        "dashlib.api.Dashboard": ("disconnect", True, False, "owner"),
    }


def test_an_exit_running_a_public_method_of_another_name_is_left_to_the_rules_before(tmp_path: Path) -> None:
    """``__aexit__`` awaits ``finish()``, which closes the session: ``finish()`` ends the object
    too, and no rule reads it as a release (no release word); ``__aexit__`` alone would make
    every ``await d.finish()`` a leak. Left as before: nothing."""
    extra = "\n    async def finish(self):\n        await self._session.close()\n"
    assert _types(_library(tmp_path, exit="        await self.finish()\n", extra=extra)) == {}


SYNC_EXIT = "\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        pass\n"


@pytest.mark.parametrize(
    ("parameter", "made", "exit", "extra"),
    [
        (", session", "session", CLOSES_SESSION, ""),
        ("", "aiohttp.ClientSession()", "        print('bye')\n", ""),
        ("", "aiohttp.ClientSession()", CLOSES_SESSION, SYNC_EXIT),
    ],
    ids=["a-given-session", "an-exit-ending-nothing-held", "a-plain-with-too"],
)
def test_no_exit_rule_without_a_holding_the_exit_ends(tmp_path: Path, parameter: str, made: str, exit: str, extra: str) -> None:
    assert _types(_library(tmp_path, parameter=parameter, made=made, exit=exit, extra=extra)) == {}
