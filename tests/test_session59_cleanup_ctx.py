"""Session 59: a generator aiohttp resumes at the application's end (issue 28 point 5).

``app.cleanup_ctx.append(_heartbeat_ctx)``: aiohttp runs the generator to its ``yield`` at startup
and resumes it at cleanup; it never throws into it, so the ``cancel()`` after the ``yield`` runs
at the end of life (pulp/pulpcore's content app, sample 59 FP). The same for the other ways to
register it and for a bare generator given as Starlette's ``lifespan=``. Twin: the same generator
not registered is a stream its consumer may stop at the ``yield``, and is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import source_findings

GENERATOR = """\
import asyncio

from aiohttp import web


async def _heartbeat() -> None:
    while True:
        await asyncio.sleep(5)


async def _heartbeat_ctx(app):
    heartbeat_task = asyncio.create_task(_heartbeat())
    yield
    heartbeat_task.cancel()

"""

LEFT = (
    "12:5 TRD302 task from `asyncio.create_task(...)` in `heartbeat_task` runs on when the consumer "
    "stops this generator at a `yield`; cancel it in a `finally`"
)


@pytest.mark.parametrize(
    "registration",
    [
        "app.cleanup_ctx.append(_heartbeat_ctx)",
        "app.cleanup_ctx.insert(0, _heartbeat_ctx)",
        "app.cleanup_ctx.extend([_heartbeat_ctx])",
        "app.cleanup_ctx += [_heartbeat_ctx]",
    ],
)
def test_a_cleanup_context_is_resumed_at_the_end(tmp_path: Path, registration: str) -> None:
    source = GENERATOR + f"\ndef make_app():\n    app = web.Application()\n    {registration}\n    return app\n"
    assert source_findings(tmp_path, source, "TRD302") == []


def test_a_bare_lifespan_generator_is_resumed_at_shutdown(tmp_path: Path) -> None:
    source = GENERATOR + "\nfrom starlette.applications import Starlette\n\napp = Starlette(lifespan=_heartbeat_ctx)\n"
    assert source_findings(tmp_path, source, "TRD302") == []


def test_an_unregistered_generator_is_a_stream(tmp_path: Path) -> None:
    source = GENERATOR + "\ndef make_app():\n    app = web.Application()\n    app.on_startup.append(_heartbeat_ctx)\n    return app\n"
    assert source_findings(tmp_path, source, "TRD302") == [LEFT]
