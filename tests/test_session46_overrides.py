"""A release a nearer class overrides without running it is no release of the subclass.

``class Quiet(Recorder)`` whose ``__aexit__`` only clears a flag replaces ``Recorder.__aexit__``,
which closed the client: an instance of ``Quiet`` has nothing that releases it, so telling its
creator to call ``__aexit__()`` is no advice (crawlee's ``_NonPersistentStatistics``, "not supposed
to do anything when entering/exiting context", was reported as given to a crawler and never
closed). An override that runs the base's (``await super().__aexit__(*exc)``, or
``Recorder.__aexit__(self, *exc)``) still releases what the base did.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings

RECORDER = """\
import httpx


class Recorder:
    def __init__(self):
        self._client = httpx.AsyncClient()

    async def record(self, item):
        await self._client.post("/items", json=item)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self._client.aclose()


class Quiet(Recorder):
    async def __aexit__(self, *exc):
        EXIT
"""

USE = """\
from app.recorder import CLASS


async def run(item):
    recorder = CLASS()
    await recorder.record(item)
"""


def _findings(tmp_path: Path, cls: str, exit_body: str = "self._active = False") -> list[str]:
    files = {
        "app/__init__.py": "",
        "app/recorder.py": RECORDER.replace("EXIT", exit_body),
        "app/use.py": USE.replace("CLASS", cls),
    }
    return tree_findings(tmp_path, files, "TRD2", project=True)


def test_base_release_reported_for_its_own_class(tmp_path: Path) -> None:
    assert [f.split(" TRD")[0] for f in _findings(tmp_path, "Recorder")] == ["use.py:5:5"]


def test_override_that_releases_nothing_replaces_the_base_release(tmp_path: Path) -> None:
    assert _findings(tmp_path, "Quiet") == []


def test_override_running_the_base_release_keeps_it(tmp_path: Path) -> None:
    through_super = _findings(tmp_path / "a", "Quiet", "self._active = False\n        await super().__aexit__(*exc)")
    by_name = _findings(tmp_path / "b", "Quiet", "self._active = False\n        await Recorder.__aexit__(self, *exc)")
    assert [f.split(" TRD")[0] for f in through_super] == ["use.py:5:5"]
    assert [f.split(" TRD")[0] for f in by_name] == ["use.py:5:5"]
