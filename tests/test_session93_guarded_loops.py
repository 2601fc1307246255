"""Session 93: a piece of a gather that loops while a flag is up, each turn's work under a handler
of every error, never fails (issue 28 point 6, TRD304's precision on application code).

Read on a trading bot nobody on the team had read (a fresh labelled set): an engine's ``run()``
gathered two loops, ``while self._running: try: ... except Exception: logger.warning(...)``
then ``await asyncio.sleep(N)``. No error leaves either loop: only a cancellation ends one, and
the gather's cancellation cancels both, so neither runs on because the other failed. TRD304 said
"work gathered ... runs on when one of it fails": the rule knew such loops only as ``while
True:``. A loop testing a flag (a name, an attribute, ``not`` of one: nothing called) cannot
fail in its test either, and when the flag drops it returns normally.

Twins: a loop whose test calls something (``while self._keep_going():``), and a loop with work
outside its ``try``, may fail: reported as before.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

GATHER = (
    "work gathered by `asyncio.gather(...)` runs on when one of it fails; cancel the rest in `finally`,"
    " or use a `TaskGroup`"
)

ENGINE = """\
import asyncio
import logging

logger = logging.getLogger(__name__)


class Engine:
    def __init__(self, observe, positions):
        self._observe = observe
        self._positions = positions
        self._running = False

    def _keep_going(self):
        return self._running

    async def run(self):
        self._running = True
        await asyncio.gather(self._observe_loop(), self._position_loop())

    async def _observe_loop(self):
        while {test}:
            try:
                self._observe()
            except Exception as e:
                logger.warning("observe error: %s", e)
            await asyncio.sleep(10)

    async def _position_loop(self):
        while not self._stopped_flag():
{work}
            await asyncio.sleep(30)

    def _stopped_flag(self):
        return not self._running
"""

GUARDED = """\
            try:
                self._positions()
            except Exception as e:
                logger.warning("position error: %s", e)"""

UNGUARDED = """\
            self._positions()"""


def _check(tmp_path: Path, source: str) -> list[str]:
    (tmp_path / "pkg").mkdir(parents=True, exist_ok=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    path = tmp_path / "pkg" / "engine.py"
    path.write_text(source)
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD3"])]


def _engine(test: str = "self._running", second: str = "not self._stopped", work: str = GUARDED) -> str:
    return ENGINE.replace("{test}", test).replace("not self._stopped_flag()", second).replace("{work}", work)


def test_two_loops_on_a_flag_with_every_error_handled_are_not_reported(tmp_path: Path) -> None:
    source = _engine().replace("        self._running = False\n", "        self._running = False\n        self._stopped = False\n")
    assert _check(tmp_path, source) == []


def test_twin_a_loop_whose_test_calls_a_method(tmp_path: Path) -> None:
    assert _check(tmp_path, _engine(second="not self._stopped_flag()")) == [f"18:9 TRD304 {GATHER}"]


def test_twin_a_loop_with_work_outside_its_handler(tmp_path: Path) -> None:
    assert _check(tmp_path, _engine(work=UNGUARDED)) == [f"18:9 TRD304 {GATHER}"]
