"""Session 59: a release looked up by ``getattr`` over a loop's literal names, in the function or
in the first-party function the resource is given to (issue 28, sites still reported after their
fix commit: a provider adapter's ``finally: await close_provider_client(client)`` whose body tries
``for name in ("aclose", "close"): closer = getattr(client, name, None)``).

Principle: a name the code looks up with ``getattr`` from a fixed set of release names, then calls
(and awaits), is the object's release, whichever spelling the object has; a function the
resource is handed to ends it the same way. Twins: the callee called outside ``finally`` (closed
on the normal path only), a loop over names of which one is not a release (``flush``), and a name
that is not a literal.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

HELPERS = """\
from typing import Any

import httpx


async def close_client(client: Any) -> None:
    for name in ("aclose", "close"):
        closer = getattr(client, name, None)
        if closer is not None:
            await closer()
            return


async def flush_client(client: Any) -> None:
    for name in ("flush", "close"):
        closer = getattr(client, name, None)
        if closer is not None:
            await closer()
            return

"""

IN_A_CALLEE = HELPERS + """
async def fetch(url: str) -> str:
    client = httpx.AsyncClient()
    try:
        response = await client.get(url)
        return response.text
    finally:
        await close_client(client)

"""

INLINE_LOOP = HELPERS + """
async def fetch_loop(url: str) -> str:
    client = httpx.AsyncClient()
    try:
        response = await client.get(url)
        return response.text
    finally:
        for name in ("aclose", "close"):
            closer = getattr(client, name, None)
            if closer is not None:
                await closer()
                break
"""

TWINS = HELPERS + """

async def fetch_plain(url: str) -> str:
    client = httpx.AsyncClient()
    response = await client.get(url)
    await close_client(client)
    return response.text


async def fetch_flush(url: str) -> str:
    client = httpx.AsyncClient()
    try:
        response = await client.get(url)
        return response.text
    finally:
        await flush_client(client)


async def fetch_any(url: str, attr: str) -> str:
    client = httpx.AsyncClient()
    try:
        response = await client.get(url)
        return response.text
    finally:
        closer = getattr(client, attr)
        await closer()
"""


def test_a_callee_releasing_through_getattr_over_literal_names_ends_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, IN_A_CALLEE, "TRD201") == []


def test_a_loop_over_literal_release_names_ends_it(tmp_path: Path) -> None:
    assert source_findings(tmp_path, INLINE_LOOP, "TRD201") == []


def test_twins_stay_reported(tmp_path: Path) -> None:
    assert source_findings(tmp_path, TWINS, "TRD201") == [
        "24:5 TRD201 `client` (`httpx.AsyncClient(...)`) is closed by the function it is given, outside `finally`; open it with `async with`",
        "31:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
        "40:5 TRD201 `client` (`httpx.AsyncClient(...)`) is never closed; open it with `async with`",
    ]
