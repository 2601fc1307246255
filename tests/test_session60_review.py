"""Session 60 review: behaviours the refactor of session 59's duplicates moved and no test pinned.

- One walker of framework registrations (:mod:`tradelint.facts.registrations`) answers both
  "what runs at the application's end" (a function handed to aiohttp's ``on_cleanup`` /
  ``on_shutdown``, to ``add_event_handler("shutdown", f)`` or ``@app.on_event("shutdown")``) and
  "which generator a framework resumes past its ``yield``" (``cleanup_ctx``, ``lifespan=``:
  ``tests/test_session59_cleanup_ctx.py``). Principle (lifetime): a function put in a
  framework's teardown list runs at the application's end, whatever list method puts it there;
  ``insert``, ``extend`` and ``+=`` were read for ``cleanup_ctx`` only before, ``append`` alone
  for the teardown signals. Twin: the same function put in the startup list ends nothing.
- One reading of ``global``/``nonlocal`` declarations (:func:`tradelint.facts.global_bindings.
  declarations`), asked of all the code a function holds (a closure's ``nonlocal x`` sends the
  frame's ``x`` out of it: no leak reported for it) or of its own scope only (where a name it
  reads lives: ``tests/test_session59_scopes.py``). Twin: the same creation without the closure
  is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import source_findings, tree_findings

SERVICES = """\
import httpx

_client: httpx.AsyncClient | None = None


def get_client() -> httpx.AsyncClient:
    global _client
    if _client is None:
        _client = httpx.AsyncClient()
    return _client
"""

AIOHTTP_MAIN = """\
from aiohttp import web

from app.services import get_client


async def close_client(_app: web.Application) -> None:
    await get_client().aclose()


def make_app() -> web.Application:
    app = web.Application()
    {registration}
    return app
"""

FASTAPI_MAIN = """\
from fastapi import FastAPI

from app.services import get_client

app = FastAPI()


{decorator}
async def close_client() -> None:
    await get_client().aclose()
{registration}
"""

NEVER_CLOSED = "services.py:9:9 TRD201 module global `_client` (`httpx.AsyncClient(...)`) is never closed; close it at shutdown"


def _findings(tmp_path: Path, main: str) -> list[str]:
    files = {"app/__init__.py": "", "app/services.py": SERVICES, "app/main.py": main}
    return tree_findings(tmp_path, files, "TRD201", project=True)


@pytest.mark.parametrize(
    "registration",
    [
        "app.on_cleanup.append(close_client)",
        "app.on_shutdown.append(close_client)",
        "app.on_cleanup.insert(0, close_client)",
        "app.on_shutdown.extend([close_client])",
        "app.on_cleanup += [close_client]",
    ],
)
def test_a_global_closed_by_a_function_of_a_teardown_signal_is_closed(tmp_path: Path, registration: str) -> None:
    assert _findings(tmp_path, AIOHTTP_MAIN.format(registration=registration)) == []


@pytest.mark.parametrize(
    ("decorator", "registration"),
    [("", 'app.add_event_handler("shutdown", close_client)'), ('@app.on_event("shutdown")', "")],
)
def test_a_global_closed_by_a_shutdown_handler_is_closed(tmp_path: Path, decorator: str, registration: str) -> None:
    assert _findings(tmp_path, FASTAPI_MAIN.format(decorator=decorator, registration=registration)) == []


@pytest.mark.parametrize(
    "registration", ["app.on_startup.append(close_client)", "app.on_startup.extend([close_client])"]
)
def test_twin_the_function_registered_at_startup_ends_nothing(tmp_path: Path, registration: str) -> None:
    assert _findings(tmp_path, AIOHTTP_MAIN.format(registration=registration)) == [NEVER_CLOSED]


@pytest.mark.parametrize(
    ("decorator", "registration"),
    [("", 'app.add_event_handler("startup", close_client)'), ('@app.on_event("startup")', "")],
)
def test_twin_a_startup_handler_ends_nothing(tmp_path: Path, decorator: str, registration: str) -> None:
    assert _findings(tmp_path, FASTAPI_MAIN.format(decorator=decorator, registration=registration)) == [NEVER_CLOSED]


CLOSURES = """\
import asyncio

import aiohttp


async def fetch(url: str) -> str:
    session = aiohttp.ClientSession()

    def forget() -> None:
        nonlocal session
        session = None

    async with session.get(url) as r:
        text = await r.text()
    forget()
    return text


async def spawn() -> None:
    task = asyncio.create_task(asyncio.sleep(1))

    def drop() -> None:
        nonlocal task
        task = None

    drop()
"""

NO_CLOSURES = """\
import asyncio

import aiohttp


async def fetch(url: str) -> str:
    session = aiohttp.ClientSession()
    async with session.get(url) as r:
        text = await r.text()
    return text


async def spawn() -> None:
    task = asyncio.create_task(asyncio.sleep(1))
"""


@pytest.mark.parametrize("code", ["TRD201", "TRD302"])
def test_a_name_a_closure_declares_nonlocal_leaves_the_frame(tmp_path: Path, code: str) -> None:
    assert source_findings(tmp_path, CLOSURES, code) == []


def test_twin_without_the_closure_the_name_is_the_frame_s(tmp_path: Path) -> None:
    assert source_findings(tmp_path, NO_CLOSURES, "TRD201") + source_findings(tmp_path, NO_CLOSURES, "TRD302") == [
        "7:5 TRD201 `session` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`",
        "14:5 TRD302 task `task` from `asyncio.create_task(...)` is never awaited or kept; await or store it",
    ]
