"""Session 93: a cleanup handler that reads the application's slot into a local and closes that
closes the slot (issue 28 point 5: framework lifecycles followed).

Read on an aiohttp dashboard nobody on the team had read (a fresh labelled set): ``create_app()``
made its services, kept them on the application (``app["platform_service"] = platform_svc``) and
registered ``app.on_cleanup.append(_on_cleanup)``, whose body read each slot into a local
(``platform_svc: PlatformService = app["platform_service"]``, ``usage_svc =
app.get("usage_service")``) and awaited its ``close()``. TRD201 said both "live with the
application and are never closed": the search for a close of the slot knew only
``app["platform_service"].close()`` spelled in one expression.

Twins: the local read from the slot is only flushed (reported); a local read from another slot is
closed (reported); a local bound twice, once to the slot (reported: which one is closed is not
known).
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

SERVICE = """\
import aiohttp


class PlatformService:
    def __init__(self, token: str) -> None:
        self._session = aiohttp.ClientSession(headers={"Authorization": token})

    async def post(self, text: str) -> None:
        async with self._session.post("https://example.invalid/", json={"text": text}) as response:
            response.raise_for_status()

    async def flush(self) -> None:
        pass

    async def close(self) -> None:
        await self._session.close()
"""

APP = """\
from aiohttp import web

from .service import PlatformService


async def create_app(token: str) -> web.Application:
    app = web.Application()
    platform_svc = PlatformService(token)
    usage_svc = PlatformService(token)
    app["platform_service"] = platform_svc
    app["usage_service"] = usage_svc
    app.on_cleanup.append(_on_cleanup)
    return app


async def _on_cleanup(app: web.Application) -> None:
{cleanup}
"""

CLEANUP = """\
    usage_svc = app.get("usage_service")
    if usage_svc:
        await usage_svc.close()
    platform_svc: PlatformService = app["platform_service"]
    await platform_svc.close()"""


# The twins close the usage slot in one expression, as the rule always read it.
DIRECT = CLEANUP.replace(
    '    usage_svc = app.get("usage_service")\n    if usage_svc:\n        await usage_svc.close()', '    await app["usage_service"].close()'
)


def _files(cleanup: str = CLEANUP) -> dict[str, str]:
    return {"pkg/__init__.py": "", "pkg/service.py": SERVICE, "pkg/app.py": APP.replace("{cleanup}", cleanup)}


def _lives(line: int, name: str) -> str:
    return (
        f"app.py:{line}:5 TRD201 `{name}` (`PlatformService(...)`) lives with the application and is never closed; "
        "close it at cleanup"
    )


def test_slots_read_into_locals_and_closed_at_cleanup(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(), "TRD2") == []


def test_twin_a_slot_read_into_a_local_that_is_only_flushed(tmp_path: Path) -> None:
    cleanup = DIRECT.replace("await platform_svc.close()", "await platform_svc.flush()")
    assert tree_findings(tmp_path, _files(cleanup), "TRD2") == [_lives(8, "platform_svc")]


def test_twin_a_local_read_from_another_slot(tmp_path: Path) -> None:
    cleanup = DIRECT.replace('app["platform_service"]', 'app["other_service"]')
    assert tree_findings(tmp_path, _files(cleanup), "TRD2") == [_lives(8, "platform_svc")]


def test_twin_a_local_bound_twice(tmp_path: Path) -> None:
    cleanup = DIRECT.replace(
        "    await platform_svc.close()", "    if not platform_svc:\n        platform_svc = PlatformService('x')\n    await platform_svc.close()"
    )
    assert tree_findings(tmp_path, _files(cleanup), "TRD2") == [_lives(8, "platform_svc")]
