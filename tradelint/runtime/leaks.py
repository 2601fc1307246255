"""A leak the project's tests showed, as the pytest plugin writes it and the check reads it back
(kept apart from the recorder, so that ``tradelint check`` does not import asyncio to read one)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KIND_TEXT = {
    "task_destroyed_pending": "destroyed while pending",
    "task_pending_at_loop_close": "still pending when its loop closed",
    "resource_never_closed": "never closed",
}


@dataclass(frozen=True)
class Leak:
    kind: str
    code: str  # the static rule for this shape (TRD301), or the family (TRD3) when unknown
    shape: str  # discarded, local, self, unknown
    path: str  # absolute
    line: int
    test: str  # the nodeid of the test that created it, "" outside any test
    what: str  # ``task worker()``, ``aiohttp.ClientSession``

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
