"""Session 69: a lazy client kept where it outlives the function is opened there (issue 28, point
5: framework lifecycles, FastAPI/Starlette ``lifespan`` and startup handlers).

A client that opens on its first request (``httpx.AsyncClient``) holds nothing until used, so a
local one that the function never uses is no leak. But one the function keeps where it outlives
it (``client = httpx.AsyncClient(); app.state.client = client`` in a lifespan) is kept there to
be used: the model reported ``app.state.client = httpx.AsyncClient()`` at a lifespan's startup,
and the same aiohttp session through a local, but not the httpx client through a local.

Principle (ownership): a store that keeps a lazy resource beyond the function opens it, as
handing it on does (``unopened``'s own reading of a hand-off). What an object keeps on ``self``
stays its class's to judge. Twins: the lifespan that closes it after its ``yield`` (through the
local or through the place), one that closes it in ``finally``, a function no framework runs
at startup (the caller's object keeps it: handed on), and a local stored on ``self``.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import source_findings

LIFESPAN = '''\
import contextlib

import httpx
from fastapi import FastAPI


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    client = httpx.AsyncClient()
    app.state.client = client
{after}

api = FastAPI(lifespan=lifespan)
'''

LIVES_ON = (
    "9:5 TRD201 `client` lives on in `app.state.client` after the function, never closed;"
    " close it where that ends"
)


def test_a_lifespan_keeps_a_lazy_client_it_never_closes(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LIFESPAN.format(after="    yield\n"), "TRD201") == [LIVES_ON]


def test_a_startup_handler_keeps_one_in_an_item(tmp_path: Path) -> None:
    source = '''\
import httpx
from aiohttp import web


async def on_startup(app):
    client = httpx.AsyncClient()
    app["client"] = client


def make_app():
    app = web.Application()
    app.on_startup.append(on_startup)
    return app
'''
    assert source_findings(tmp_path, source, "TRD201") == [
        "6:5 TRD201 `client` lives on in `app['client']` after the function, never closed; close it where that ends"
    ]


def test_twin_closed_after_the_yield(tmp_path: Path) -> None:
    assert source_findings(tmp_path, LIFESPAN.format(after="    yield\n    await client.aclose()\n"), "TRD201") == []


def test_twin_closed_through_the_place(tmp_path: Path) -> None:
    after = "    yield\n    await app.state.client.aclose()\n"
    assert source_findings(tmp_path, LIFESPAN.format(after=after), "TRD201") == []


def test_twin_closed_in_finally(tmp_path: Path) -> None:
    after = "    try:\n        yield\n    finally:\n        await client.aclose()\n"
    assert source_findings(tmp_path, LIFESPAN.format(after=after), "TRD201") == []


def test_twin_no_framework_runs_it(tmp_path: Path) -> None:
    source = "import httpx\n\n\nasync def attach(app):\n    client = httpx.AsyncClient()\n    app.state.client = client\n"
    assert source_findings(tmp_path, source, "TRD201") == []


def test_twin_kept_on_self(tmp_path: Path) -> None:
    source = '''\
import httpx


class Service:
    def __init__(self):
        self.client = None

    async def start(self):
        client = httpx.AsyncClient()
        self.client = client
'''
    assert source_findings(tmp_path, source, "TRD201") == []
