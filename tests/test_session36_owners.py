"""Session 36 (issue 28): ownership and lifetime through the project's own classes.

- **The last definition of a method in a class body is the one that counts.** Python keeps the
  last ``def`` of a name: a class that defines ``async def close()`` (closing its session) and
  later a plain ``def close()`` (closing something else) has only the plain one. Every model that
  reads a class's members (summaries, release methods, un-awaited releases, the class's own
  closes) reads that last ``def`` (SXP-Simon/astrbot_plugin_qq_group_daily_analysis ``c65d26b4``:
  the plugin's ``terminate()`` called the sync ``close()``, and the session was never closed).
  A ``@name.setter`` ``def`` builds on the earlier property and replaces nothing.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths


def _check(tmp_path: Path, source: str, name: str = "worker.py") -> list[str]:
    path = tmp_path / name
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD2"])]


REPLACED = """\
import aiohttp


class Client:
    def __init__(self):
        self._session = aiohttp.ClientSession()

{first}

{second}


class Owner:
    def __init__(self):
        self.client = Client()

    async def stop(self):
        self.client.close()
"""
ASYNC_CLOSE = """\
    async def close(self):
        await self._session.close()"""
SYNC_CLOSE = """\
    def close(self):
        pass"""


def test_a_close_replaced_by_a_later_definition_closes_nothing(tmp_path: Path) -> None:
    source = REPLACED.replace("{first}", ASYNC_CLOSE).replace("{second}", SYNC_CLOSE)
    assert _check(tmp_path, source) == [
        "6:9 TRD202 `self._session` is never closed: the `close()` that closes it is replaced by a later `close()`",
    ]


def test_the_last_close_is_the_one_called(tmp_path: Path) -> None:
    # Negative twin of the above, in the other order: the async ``close()`` is the one Python
    # keeps, so the session is closed by it, and the owner's bare call of it runs nothing.
    source = REPLACED.replace("{first}", SYNC_CLOSE).replace("{second}", ASYNC_CLOSE)
    assert _check(tmp_path, source) == [
        "17:9 TRD202 `self.client` is never closed: its `close()` is never awaited",
        "20:9 TRD205 `self.client.close()` is never awaited, so it closes nothing; await it",
    ]


PROPERTY = """\
import aiohttp


class Client:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    @property
    def close(self):
        return self._close

    @close.setter
    def close(self, value):
        self._close = value

    async def _close(self):
        await self._session.close()


async def main():
    client = Client()
    await client.close()
"""


def test_a_property_setter_replaces_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, PROPERTY) == []
