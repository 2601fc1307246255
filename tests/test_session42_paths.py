"""Session 42: a resource closed on one path of several (issue 28, point 5).

A first-party client type closed at the end of a script's ``main()`` was accepted: "the error
path of a ``main()`` ends the program". But an ``await`` between the creation and the close (a
login, a request) fails or is cancelled, and the close is skipped with the session open
(8go/matrix-commander ``18421a22``: the client is closed only at the end of the happy path; the
fix wraps each path in ``try/finally``). Reported now when an ``await`` lies between the creation
and every close. The same code closed in a ``finally``, entered with ``async with``, closed in an
``except`` that re-raises, closed with nothing awaited between, or in a test, gives nothing."""

from __future__ import annotations

from functools import partial

from tests.conftest import tree_findings

_check_tree = partial(tree_findings, select="TRD2", project=True)

# A first-party type owning an aiohttp session, released by its ``close()``.
CLIENT = """\
import aiohttp


class Client:
    def __init__(self, url):
        self.url = url
        self.session = aiohttp.ClientSession()

    async def login(self, password):
        async with self.session.post(self.url, data=password) as response:
            return await response.json()

    async def close(self):
        await self.session.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()
"""

HAPPY_PATH = """\
import asyncio

from .client import Client


async def main():
    client = Client("https://example.org")
    await client.login("secret")
    print("logged in")
    await client.close()


if __name__ == "__main__":
    asyncio.run(main())
"""

NOT_IN_FINALLY = "TRD201 `client` (`Client(...)`) is closed outside `finally`; move `client.close()` into a `finally`"


def test_first_party_client_closed_after_an_await_in_main(tmp_path):
    found = _check_tree(tmp_path, {"app/client.py": CLIENT, "app/cli.py": HAPPY_PATH})
    assert found == [f"cli.py:7:5 {NOT_IN_FINALLY}"]


def test_closed_in_finally_gives_nothing(tmp_path):
    source = HAPPY_PATH.replace(
        '    await client.login("secret")\n    print("logged in")\n    await client.close()\n',
        '    try:\n        await client.login("secret")\n        print("logged in")\n    finally:\n        await client.close()\n',
    )
    assert "finally:" in source
    assert _check_tree(tmp_path, {"app/client.py": CLIENT, "app/cli.py": source}) == []


def test_async_with_gives_nothing(tmp_path):
    source = HAPPY_PATH.replace(
        '    client = Client("https://example.org")\n    await client.login("secret")\n    print("logged in")\n    await client.close()\n',
        '    async with Client("https://example.org") as client:\n        await client.login("secret")\n',
    )
    assert "async with" in source
    assert _check_tree(tmp_path, {"app/client.py": CLIENT, "app/cli.py": source}) == []


def test_closed_in_except_that_reraises_gives_nothing(tmp_path):
    source = HAPPY_PATH.replace(
        '    await client.login("secret")\n',
        '    try:\n        await client.login("secret")\n    except BaseException:\n        await client.close()\n        raise\n',
    )
    assert "raise" in source
    assert _check_tree(tmp_path, {"app/client.py": CLIENT, "app/cli.py": source}) == []


def test_nothing_awaited_before_the_close_gives_nothing(tmp_path):
    source = HAPPY_PATH.replace('    await client.login("secret")\n', "")
    assert _check_tree(tmp_path, {"app/client.py": CLIENT, "app/cli.py": source}) == []


def test_in_a_test_gives_nothing(tmp_path):
    source = HAPPY_PATH.replace("async def main():", "async def test_login():")
    found = _check_tree(tmp_path, {"app/client.py": CLIENT, "tests/test_cli.py": source.replace("from .client", "from app.client")})
    assert found == []


def test_closed_by_the_handler_of_the_await_gives_nothing(tmp_path):
    # A disconnect before a retry, in the handler of the only ``await`` between the creation and
    # it, and the client kept (UsergeTeam/Userge's plugin ``__main__.py``): that ``await`` failing
    # leads to the close, it does not skip it.
    source = HAPPY_PATH.replace(
        '    await client.login("secret")\n    print("logged in")\n    await client.close()\n',
        '    try:\n        await client.login("secret")\n    except ConnectionError:\n        await client.close()\n'
        '        await client.login("secret")\n    setattr(main, "client", client)\n',
    )
    assert "ConnectionError" in source
    assert _check_tree(tmp_path, {"app/client.py": CLIENT, "app/cli.py": source}) == []
