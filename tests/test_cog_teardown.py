"""A discord cog's teardown is ``cog_unload()``: the findings of ``fixtures/lifecycles/
cog_teardown.py`` name it, whether the cog has one yet or not (a cog's ``stop`` is a command)."""

from __future__ import annotations

from tradelint.core.config import config_for
from tradelint.runner.engine import Checker
from tests.conftest import FIXTURES


def test_every_cog_finding_names_cog_unload() -> None:
    path = FIXTURES / "lifecycles" / "cog_teardown.py"
    findings = [(f.line, f.message) for f in Checker().check_path(path, config_for(path)) if f.code == "TRD303"]
    assert findings == [
        (25, "`self.daemon` is never cancelled or awaited; cancel it in `cog_unload()`"),
        (37, "`self._init_task` is never cancelled or awaited; cancel it in `cog_unload()`"),
        (60, "tasks in `self.timeout_tasks` are never cancelled or awaited; end each one in `cog_unload()`"),
        (79, "loop `self.tick` is started and never cancelled; cancel it in `cog_unload()`"),
        # ``Feed`` is no cog: its restart (session 59) is no end, and its own ``close()`` is named.
        (143, "`self._task` is cancelled only to start it again, in `resubscribe()`; cancel it in `close()`"),
        (157, "`self._refresh_task` is never cancelled or awaited; cancel it in `cog_unload()`"),
        (168, "`self.bg_task` is never cancelled or awaited; cancel it in `cog_unload()`"),
    ]
