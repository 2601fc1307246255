"""``task-owner-classes``: third-party classes whose instances hold tasks until one method cancels
them all (python-discord's ``Scheduler`` by default), owned like a task by whoever keeps one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.core.config import clear_cache, config_for
from tradelint.runner.engine import Checker

SOURCE = '''\
from jobs.pool import Pool
from pydis_core.utils.scheduling import Scheduler


class Service:
    def __init__(self) -> None:
        self.pool = Pool()
        self.kept = Pool()
        self.scheduler = Scheduler("service")

    async def close(self) -> None:
        self.kept.shutdown_all()
'''


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def _findings(tmp_path: Path, table: str) -> list[tuple[int, str, str]]:
    (tmp_path / "pyproject.toml").write_text(f"[tool.tradelint]\nselect = ['TRD3']\n{table}", encoding="utf-8")
    path = tmp_path / "service.py"
    path.write_text(SOURCE, encoding="utf-8")
    return [(f.line, f.code, f.message) for f in Checker().check_path(path, config_for(path))]


def test_the_defaults_know_pydis_cores_scheduler(tmp_path: Path) -> None:
    assert _findings(tmp_path, "") == [
        (9, "TRD303", "tasks of `self.scheduler` are never cancelled; call its `cancel_all()` in `close()`"),
    ]


def test_a_configured_class_is_owned_like_a_task(tmp_path: Path) -> None:
    assert _findings(tmp_path, "task-owner-classes = { 'jobs.pool.Pool' = 'shutdown_all' }\n") == [
        (7, "TRD303", "tasks of `self.pool` are never cancelled; call its `shutdown_all()` in `close()`"),
        (9, "TRD303", "tasks of `self.scheduler` are never cancelled; call its `cancel_all()` in `close()`"),
    ]


def test_a_configured_entry_replaces_a_default_method(tmp_path: Path) -> None:
    table = "task-owner-classes = { 'pydis_core.utils.scheduling.Scheduler' = 'stop' }\n"
    assert _findings(tmp_path, table) == [
        (9, "TRD303", "tasks of `self.scheduler` are never cancelled; call its `stop()` in `close()`"),
    ]
