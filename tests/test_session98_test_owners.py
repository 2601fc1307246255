"""Session 98 (issue 28, precision): in a test, a first-party client that nothing opens holds nothing.

A first-party class whose ``__init__`` makes a lazy library client (``httpx.AsyncClient``: no
connection before its first request) and closes it in a release of its own is a resource type,
held from its construction (``OwnershipModel._held_lazily``): in application code, a local of it
left unclosed is reported, whatever it is used for. In a test, an instance is commonly made to
read an attribute, to call a method that makes no request, or with the methods that would make
one replaced: it opens no connection, and there is nothing to close. So in a test module a local
of such a type is read as a lazy one is, when the methods that open it are known: reported only
when the test reaches one of them. A development trading bot's tests of a simulated exchange
(its price source replaced) and of a client whose transport the test swaps were labelled false
(``benchmarks/labels/apps93.tsv``); one labeller of another set counts an unused client true.

Twins: a test that makes a request through it, and the same unused instance in application code.
"""

from __future__ import annotations

from pathlib import Path

from tests.trees import findings, write

EXCHANGE = '''\
import httpx


class Exchange:
    def __init__(self, base="https://api.example"):
        self.base = base
        self._http = httpx.AsyncClient(base_url=base)

    def symbol(self):
        return "BTC"

    async def price(self):
        response = await self._http.get("/price")
        return response.json()["price"]

    async def close(self):
        await self._http.aclose()
'''

TESTS = '''\
from app.exchange import Exchange


async def test_symbol():
    exchange = Exchange()
    assert exchange.symbol() == "BTC"


async def test_price_replaced(monkeypatch):
    exchange = Exchange()

    async def fake():
        return 1.0

    monkeypatch.setattr(exchange, "price", fake)
    assert exchange.base.startswith("https")
'''

TEST_WITH_REQUEST = '''\
from app.exchange import Exchange


async def test_price():
    exchange = Exchange()
    assert await exchange.price() > 0
'''

MAIN = '''\
import asyncio

from app.exchange import Exchange


async def main():
    exchange = Exchange()
    print(exchange.symbol())


asyncio.run(main())
'''


def _tree(root: Path, files: dict[str, str]) -> Path:
    write(root / "app" / "__init__.py", "")
    write(root / "app" / "exchange.py", EXCHANGE)
    write(root / "tests" / "__init__.py", "")
    for name, text in files.items():
        write(root / name, text)
    return root


def test_a_test_s_client_that_nothing_opens_is_not_reported(tmp_path: Path) -> None:
    assert findings(_tree(tmp_path, {"tests/test_exchange.py": TESTS}), "TRD2") == []


def test_a_test_that_makes_a_request_through_it_is_reported(tmp_path: Path) -> None:
    assert findings(_tree(tmp_path, {"tests/test_exchange.py": TEST_WITH_REQUEST}), "TRD2") == [
        "tests/test_exchange.py:5:5 TRD201 `exchange` (`Exchange(...)`) is never closed; call `await exchange.close()` "
        "in a `finally`",
    ]


def test_the_same_client_in_application_code_is_reported(tmp_path: Path) -> None:
    assert findings(_tree(tmp_path, {"app/main.py": MAIN}), "TRD2") == [
        "app/main.py:7:5 TRD201 `exchange` (`Exchange(...)`) is never closed; call `await exchange.close()` in a `finally`",
    ]
