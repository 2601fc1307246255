"""Session 65: every message that tells the user to call a release writes the call as it must be
made. A type released by its context manager's exit alone (``__aexit__``; session 64's exit rule,
meraki's ``AsyncDashboardAPI``) is ended by hand with the exit's three arguments:
``__aexit__()`` raises ``TypeError`` on ``async def __aexit__(self, exc_type, exc, tb)``. Session
64 mended the TRD202 "never closed" advice and its fix; the other advice (a replaced attribute, a
value dropped or stored over, a close outside ``finally``, ...) still wrote ``__aexit__()``; a
close outside ``finally`` of such a type is cured by ``async with``, as a close never written
is. Twin: a ``close()`` release is written ``close()`` as before."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import tree_findings
from tests.test_session64_evidence import KNOWN, _table_with


@pytest.fixture
def dash_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    yield from _table_with(monkeypatch, {"types": {
        "dashlib.Dashboard": {**KNOWN, "close": "__aexit__", "rule": "exit", "source": "dashlib-1.0"},
        "dashlib.Console": {**KNOWN, "source": "dashlib-1.0"},
    }})


SOURCE = '''\
import dashlib


class Monitor:
    def __init__(self):
        self.dash = None

    async def connect(self):
        self.dash = dashlib.{cls}()

    async def reconnect(self):
        self.dash = dashlib.{cls}()

    async def stop(self):
        await self.dash.{release}


async def poll():
    dash = dashlib.{cls}()
    try:
        await dash.fetch()
    except ValueError:
        return None
    await dash.{release}
'''


@pytest.mark.parametrize(
    ("cls", "release", "call", "cure"),
    [
        ("Dashboard", "__aexit__(None, None, None)", "__aexit__(None, None, None)", "open it with `async with`"),
        ("Console", "close()", "close()", "move `dash.close()` into a `finally`"),
    ],
    ids=["exit-only", "close"],
)
def test_advice_writes_the_release_with_the_arguments_it_takes(tmp_path: Path, dash_table: None, cls: str, release: str, call: str, cure: str) -> None:
    assert tree_findings(tmp_path, {"monitor.py": SOURCE.format(cls=cls, release=release)}, "TRD2") == [
        f"monitor.py:12:9 TRD202 `self.dash` is replaced without closing the old one; call its `{call}` first",
        f"monitor.py:19:5 TRD201 `dash` (`dashlib.{cls}(...)`) is closed outside `finally`; {cure}",
    ]
