"""The language server's whole-project searches (a task factory that keeps every task, an owner
that closes a class's resource in another module) follow unsaved buffers: an edit that adds or
removes what they look for re-checks the open files that relied on them, with the new answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.core.config import clear_cache
from tradelint.server.model import Model
from tests.test_owner_closes import API, COG  # the owner-closes shape, edited in a buffer here

JOBS = "import asyncio\n\n\nasync def fire() -> None:\n    asyncio.create_task(asyncio.sleep(1))\n"
FACTORY = '''\
import asyncio

_RUNNING: set = set()


def install(loop: asyncio.AbstractEventLoop) -> None:
    def factory(loop_, coro, **kwargs):
        task = asyncio.Task(coro, loop=loop_, **kwargs)
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
        return task

    loop.set_task_factory(factory)
'''


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def _codes(model: Model, path: Path) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in model.check(path)]


def test_a_factory_typed_in_a_buffer_rechecks_the_tasks_it_keeps(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    jobs, loop = package / "jobs.py", package / "loop.py"
    jobs.write_text(JOBS)
    loop.write_text("VALUE = 1\n")
    model = Model()
    assert model.set_buffer(jobs, JOBS) == [jobs]
    assert _codes(model, jobs) == [(5, "TRD301")]
    assert model.set_buffer(loop, "VALUE = 1\n") == [loop]  # opened: names no factory
    assert _codes(model, loop) == []
    # Typed, not saved: the project now keeps every task, and ``jobs.py`` is checked again.
    assert model.set_buffer(loop, FACTORY) == [loop, jobs]
    assert _codes(model, jobs) == []
    # An edit of a module that names no factory, before or after, re-checks nothing else.
    util = package / "util.py"
    util.write_text("VALUE = 1\n")
    assert model.set_buffer(util, "VALUE = 2\n") == [util]
    assert _codes(model, jobs) == []
    # Taken out again: the discarded task is reported again.
    assert model.set_buffer(loop, "VALUE = 1\n") == [loop, jobs]
    assert _codes(model, jobs) == [(5, "TRD301")]


def test_an_owner_closing_the_resource_in_a_buffer_rechecks_its_class(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'cogs'\n")
    package = tmp_path / "notsobot"
    package.mkdir()
    (package / "__init__.py").write_text("")
    api, cog = package / "api.py", package / "cog.py"
    api.write_text(API)
    cog.write_text(COG.format(close="close"))
    model = Model()
    model.set_buffer(api, API)
    assert _codes(model, api) == [(6, "TRD202")]
    # The cog (which names ``TenorAPI``) now closes ``self.tenor.session``: not a leak.
    assert model.set_buffer(cog, COG.format(close="session.close")) == [cog, api]
    assert _codes(model, api) == []
    # Closed unsaved: the disk's cog closes something else again.
    assert model.close_buffer(cog) == [api]
    assert _codes(model, api) == [(6, "TRD202")]


MODELS = "from dataclasses import dataclass\n\n\n@dataclass\nclass Order:\n    LIMIT: int = 3\n    name: str = ''\n"
UNUSED = "VALUE = 1\n"  # names neither the class nor the field
PASSED = "from app.models import Order\n\nVALUE = Order(LIMIT=5)\n"


def test_a_field_passed_by_name_in_another_file_follows_its_buffer_and_its_disk(tmp_path: Path) -> None:
    """The index of which files name which words (issue 34) lives as long as the server's project
    and is read again for a file whose buffer or disk text changed: ``Order(LIMIT=5)`` typed in
    another module, closed unsaved, then saved, each time changes whether ``LIMIT`` is reported."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    models, use = package / "models.py", package / "use.py"
    models.write_text(MODELS)
    use.write_text(UNUSED)
    model = Model()
    model.set_buffer(models, MODELS)
    assert _codes(model, models) == [(6, "TRD101")]
    model.set_buffer(use, PASSED)  # typed, not saved: a call passes ``LIMIT=``, a field after all
    assert _codes(model, models) == []
    model.close_buffer(use)  # the disk's text again
    assert _codes(model, models) == [(6, "TRD101")]
    use.write_text(PASSED)  # saved by another tool
    model.files_changed([use], layout_changed=False)
    assert _codes(model, models) == []
    use.write_text(UNUSED)
    model.files_changed([use], layout_changed=False)
    assert _codes(model, models) == [(6, "TRD101")]
