"""A function the program reaches only on its way in does not go on after its errors: a resource
lost by an ``await`` there (TRD201) leaks nothing the program keeps running with.

Reached only from a script's ``main()`` (through ``async_main()``), or only from an application's
startup handler (through a module's factory, in another file), the error ends the program. Called
by a request handler, inside a ``try`` that handles errors, handed on as a callback, or by
nothing in the project, the function is someone's API: the program may go on."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

SERVER = """\
import asyncio

from aiohttp import web


async def start_server(app):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "localhost", 8080)
    await site.start()
    return runner


{caller}
"""

LEAK = "login.py:7:5 TRD201 `runner` (`web.AppRunner(...)`) leaks if an `await` before it is handed on raises; close it on that error"

VIA_MAIN = """\
async def async_main(app):
    runner = await start_server(app)
    await asyncio.sleep(10)
    await runner.cleanup()


def main():
    asyncio.run(async_main(web.Application()))
"""


def _check(tmp_path: Path, caller: str, extra: dict[str, str] | None = None) -> list[str]:
    files = {"app/__init__.py": "", "app/login.py": SERVER.replace("{caller}", caller)}
    files.update(extra or {})
    return tree_findings(tmp_path, files, select="TRD201", project=True)


def test_reached_only_from_a_script_main(tmp_path: Path) -> None:
    assert _check(tmp_path, VIA_MAIN) == []


def test_reached_from_a_request_handler_twin(tmp_path: Path) -> None:
    handler = "async def handle(request):\n    await start_server(request.app)\n    return web.Response()\n"
    assert _check(tmp_path, VIA_MAIN + "\n\n" + handler) == [LEAK]


def test_reached_under_a_handler_that_goes_on_twin(tmp_path: Path) -> None:
    caught = VIA_MAIN.replace(
        "    runner = await start_server(app)\n",
        "    try:\n        runner = await start_server(app)\n    except OSError:\n        return\n",
    )
    assert _check(tmp_path, caught) == [LEAK]


def test_called_by_nothing_in_the_project_twin(tmp_path: Path) -> None:
    assert _check(tmp_path, "") == [LEAK]


def test_handed_on_as_a_callback_twin(tmp_path: Path) -> None:
    assert _check(tmp_path, VIA_MAIN + "\n\nHOOKS = [start_server]\n") == [LEAK]


DRIVER = """\
from aiohttp import ClientSession

from app.tokens import fetch_token


class Driver:
    def __init__(self, session, token):
        self.session = session
        self.token = token

    @classmethod
    async def create(cls):
        session = ClientSession()
        token = await fetch_token()
        return cls(session, token)

    async def close(self):
        await self.session.close()
"""

STARTUP = """\
from aiohttp import web

from app.driver import Driver


async def on_startup(app):
    app["driver"] = await Driver.create()


async def on_cleanup(app):
    await app["driver"].close()


def make_app():
    app = web.Application()
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
"""

TOKENS = "import os\n\n\nasync def fetch_token():\n    return os.environ['TOKEN']\n"

DRIVER_LEAK = "driver.py:13:9 TRD201 `session` (`ClientSession(...)`) leaks if an `await` before it is handed on raises; close it on that error"


def test_reached_only_from_a_startup_handler_in_another_module(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/driver.py": DRIVER, "app/web.py": STARTUP, "app/tokens.py": TOKENS}
    assert tree_findings(tmp_path, files, select="TRD201", project=True) == []


def test_reached_from_a_startup_handler_and_a_request_handler_twin(tmp_path: Path) -> None:
    handler = "\n\nasync def reload(request):\n    request.app['driver'] = await Driver.create()\n    return web.Response()\n"
    files = {"app/__init__.py": "", "app/driver.py": DRIVER, "app/web.py": STARTUP + handler, "app/tokens.py": TOKENS}
    assert tree_findings(tmp_path, files, select="TRD201", project=True) == [DRIVER_LEAK]
