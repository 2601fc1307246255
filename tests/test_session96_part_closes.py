"""Session 96: a part closed where its owner's release does nothing but close that part (issue
28 point 8: anything a receiver proven to close it closes; precision of TRD201).

Read on a trading bot's end-to-end script nobody on the team had read: it made the exchange's
trading client and, in its ``finally``, awaited ``tr.http.close()``, exactly what the client's
``close()`` does (``if self.http is not None: await self.http.close()``). tradelint asked for
``await tr.close()``: the same call, spelled through the owner.

Twins, each a way the part's close is not the owner's: the release also runs a helper of the
class, ends a second part, or depends on a flag of the owner; the part's close is not awaited;
another part is closed. A part's close outside ``finally`` is then reported as the owner's
close would be: closed outside ``finally``.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

CLIENT = '''\
import logging

import aiohttp

_LOGGER = logging.getLogger(__name__)


class Http:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def get(self, url):
        async with self.session.get(url) as response:
            return await response.text()

    async def close(self):
        await self.session.close()


class Trading:
    def __init__(self):
        self.http = Http()
        self.feed = Http()
        self.owns = True

    async def _flush(self):
        pass

    async def close(self):
        """Close the HTTP client."""
{release}
'''

RELEASE = """\
        if self.http is not None:
            await self.http.close()
            self.http = None
            _LOGGER.debug("closed")"""

MAIN = '''\
from client import Trading


async def main():
    tr = Trading()
    try:
        print(await tr.http.get("https://example.com"))
    finally:
{close}
'''

CLOSE = "        if tr.http is not None:\n            await tr.http.close()"
NEVER = "5:5 TRD201 `tr` (`Trading(...)`) is never closed; call `await tr.close()` in a `finally`"


def _check(tmp_path: Path, *, release: str = RELEASE, close: str = CLOSE) -> list[str]:
    (tmp_path / "client.py").write_text(CLIENT.replace("{release}", release))
    main = tmp_path / "main.py"
    main.write_text(MAIN.replace("{close}", close))
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([main], select=["TRD2"])]


def test_the_part_closed_is_all_the_owners_release_closes(tmp_path: Path) -> None:
    assert _check(tmp_path) == []


def test_unguarded_in_a_try(tmp_path: Path) -> None:
    release = "        try:\n            await self.http.close()\n        except Exception:\n            _LOGGER.exception('close failed')"
    assert _check(tmp_path, release=release, close="        await tr.http.close()") == []


def test_twin_the_release_runs_a_helper_too(tmp_path: Path) -> None:
    assert _check(tmp_path, release=RELEASE + "\n        await self._flush()") == [NEVER]


def test_twin_the_release_ends_a_second_part(tmp_path: Path) -> None:
    assert _check(tmp_path, release=RELEASE + "\n        await self.feed.close()") == [NEVER]


def test_twin_the_release_depends_on_a_flag_of_the_owner(tmp_path: Path) -> None:
    release = "        if self.owns:\n            await self.http.close()"
    assert _check(tmp_path, release=release) == [NEVER]


def test_twin_the_release_sets_something_else(tmp_path: Path) -> None:
    assert _check(tmp_path, release=RELEASE + "\n        self.owns = False") == [NEVER]


def test_twin_the_parts_close_is_not_awaited(tmp_path: Path) -> None:
    found = _check(tmp_path, close="        tr.http.close()")
    assert found == [NEVER]


def test_twin_another_part_is_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, close="        await tr.feed.close()") == [NEVER]


def test_a_part_closed_outside_finally_is_a_close_outside_finally(tmp_path: Path) -> None:
    # (before, "never closed": the part's close was no close at all)
    main = "        pass\n    await tr.http.close()"
    found = _check(tmp_path, close=main)
    assert found == ["5:5 TRD201 `tr` (`Trading(...)`) is closed outside `finally`; move `tr.close()` into a `finally`"]


def test_twin_an_instance_of_a_class_the_code_cannot_prove(tmp_path: Path) -> None:
    # (a registry's class may be one whose release does more: ``Trading`` here, or ``Other``)
    other = (
        "\n\nclass Other:\n    def __init__(self):\n        self.http = Http()\n        self.feed = Http()\n\n"
        "    async def close(self):\n        await self.http.close()\n        await self.feed.close()\n"
    )
    (tmp_path / "client.py").write_text(CLIENT.replace("{release}", RELEASE) + other)
    main = tmp_path / "main.py"
    text = MAIN.replace("from client import Trading", "from client import Other, Trading\n\nKINDS = {'a': Trading, 'b': Other}")
    main.write_text(text.replace("Trading()", "KINDS[kind]()").replace("async def main():", "async def main(kind):").replace("{close}", CLOSE))
    found = [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([main], select=["TRD2"])]
    assert found == ["7:5 TRD201 `tr` (`KINDS[kind](...)`) is never closed; call `await tr.close()` in a `finally`"]
