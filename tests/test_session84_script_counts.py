"""Session 84: in a script whose every error between a connection and its close is caught,
``print(f"{len(SYMBOLS)} symbols")`` counts a name and fails for no reason the script meets
(session 73's :mod:`~tradelint.models.resources.program_end`; Slopez2023/Market-Data-Warehouse-API's
``scripts/init_symbols.py``, apps72, labelled false). Twins: the count of a call's value (which
may fail), and the same coroutine in a module that is no script (a cancellation of a service's
call leaves the connection open).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

SCRIPT = """\
import asyncio

import asyncpg

SYMBOLS = [("AAPL", "stock"), ("BTC", "crypto")]


async def init_symbols(url):
    conn = await asyncpg.connect(url)
    print(f"Initializing {len(SYMBOLS)} symbols")
    for symbol, kind in SYMBOLS:
        try:
            await conn.execute("INSERT INTO symbols VALUES ($1, $2)", symbol, kind)
        except Exception as error:
            print(f"{symbol}: {error}")
    await conn.close()


if __name__ == "__main__":
    asyncio.run(init_symbols("postgresql://localhost/db"))
"""


def test_a_count_of_a_name_in_a_scripts_message_fails_for_nothing(tmp_path: Path) -> None:
    assert source_findings(tmp_path, SCRIPT, "TRD2") == []


def test_twin_a_count_of_a_calls_value_may_fail(tmp_path: Path) -> None:
    source = SCRIPT.replace("{len(SYMBOLS)}", "{len(load_symbols())}") + "\n\ndef load_symbols():\n    return SYMBOLS\n"
    assert source_findings(tmp_path, source, "TRD2") == [
        "9:5 TRD201 `conn` (`asyncpg.connect(...)`) is closed outside `finally`; call `await conn.close()` in a `finally`"]


def test_twin_the_same_coroutine_in_a_service(tmp_path: Path) -> None:
    source = SCRIPT.split('\n\nif __name__')[0] + "\n"
    assert source_findings(tmp_path, source, "TRD2") == [
        "9:5 TRD201 `conn` (`asyncpg.connect(...)`) is closed outside `finally`; call `await conn.close()` in a `finally`"]
