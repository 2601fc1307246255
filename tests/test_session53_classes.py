"""Session 53: a first-party class found where the repository keeps it, beside the importing code.

A monorepo ships several distributions from one repository: a service under ``service/`` imports
``toolkit.client`` as installed, while the package lives in another source root of the same
repository (``libs/python/toolkit/``). No import root of the importing module holds it, so the
class it constructs was read as third-party code, and an instance never closed went unreported
(development-pool fixes: a CI service's batch client made at startup and never closed, a
worker's HTTP session made by a factory and never closed).

When no import root holds a module's top-level package, the other source roots of the
repository are searched (folders that are no package, down to three levels below a root): a
regular package (``__init__.py``) that exactly one of them holds is the project's.

Negative twins: the instance closed; the package in two source roots (a vendored copy: which one
is imported cannot be told); a folder of the same name that is no package; a namespace package
whose other parts other distributions ship (``acme.base`` beside this one's ``acme``: optional
distributions may extend a namespace, and which are installed is not the repository's to say).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.conftest import tree_findings

_check = partial(tree_findings, project=True)

CLIENT = """\
import aiohttp


class ApiClient:
    def __init__(self):
        self.session = aiohttp.ClientSession()

    async def fetch(self, url):
        async with self.session.get(url) as response:
            return await response.text()

    async def close(self):
        await self.session.close()
"""

LEAKS = """\
from toolkit.client import ApiClient


async def run(url):
    client = ApiClient()
    return await client.fetch(url)
"""

CLOSES = """\
from toolkit.client import ApiClient


async def run(url):
    client = ApiClient()
    try:
        return await client.fetch(url)
    finally:
        await client.close()
"""


def _monorepo(main: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    files = {
        "libs/python/toolkit/__init__.py": "",
        "libs/python/toolkit/client.py": CLIENT,
        "service/main.py": main,
    }
    files.update(extra or {})
    return files


def test_package_of_a_sibling_distribution(tmp_path: Path) -> None:
    assert _check(tmp_path, _monorepo(LEAKS), "TRD201") == [
        "main.py:5:5 TRD201 `client` (`ApiClient(...)`) is never closed; call `await client.close()` in a `finally`"
    ]


def test_package_of_a_sibling_distribution_closed(tmp_path: Path) -> None:
    assert _check(tmp_path, _monorepo(CLOSES), "TRD201") == []


def test_package_in_two_source_roots_is_not_guessed(tmp_path: Path) -> None:
    # A vendored copy beside the real one: which of them is imported cannot be told.
    vendored = {"vendor/copy/toolkit/__init__.py": "", "vendor/copy/toolkit/client.py": CLIENT}
    assert _check(tmp_path, _monorepo(LEAKS, vendored), "TRD201") == []


def test_folder_that_is_no_package_is_not_a_top_level_package(tmp_path: Path) -> None:
    files = {"examples/toolkit/client.py": CLIENT, "service/main.py": LEAKS}
    assert _check(tmp_path, files, "TRD201") == []


SPLIT_LEAKS = """\
from ..base.client import ApiClient


async def run(url):
    client = ApiClient()
    return await client.fetch(url)
"""

PKGUTIL = "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n"


def _split(main: str) -> dict[str, str]:
    return {
        "base-dist/acme/base/__init__.py": "",
        "base-dist/acme/base/client.py": CLIENT,
        "flow-dist/acme/__init__.py": PKGUTIL,
        "flow-dist/acme/service/__init__.py": "",
        "flow-dist/acme/service/run.py": main,
    }


def test_part_of_a_namespace_package_in_another_distribution_is_not_followed(tmp_path: Path) -> None:
    assert _check(tmp_path, _split(SPLIT_LEAKS), "TRD201") == []


def test_package_in_a_source_root_three_levels_down(tmp_path: Path) -> None:
    files = {
        "packages/toolkit-dist/src/toolkit/__init__.py": "",
        "packages/toolkit-dist/src/toolkit/client.py": CLIENT,
        "service/main.py": LEAKS,
    }
    assert _check(tmp_path, files, "TRD201") == [
        "main.py:5:5 TRD201 `client` (`ApiClient(...)`) is never closed; call `await client.close()` in a `finally`"
    ]


# A task owner's method that runs its ender ends its tasks too: exposed by the package above
# (a first-party ``BackgroundTaskManager`` whose ``shutdown_and_wait()`` calls ``shutdown()``,
# which cancels each task, read as never ended when its holder awaited ``shutdown_and_wait()``).

MANAGER = """\
import asyncio


class TaskManager:
    def __init__(self):
        self.tasks = set()

    def ensure_future(self, coroutine):
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)

    def shutdown(self):
        for task in self.tasks:
            task.cancel()

    async def shutdown_and_wait(self):
        self.shutdown()
        if self.tasks:
            await asyncio.wait(self.tasks)


class Canceller:
    def __init__(self):
        self.task_manager = TaskManager()

    async def close(self):
        ENDS
"""


def test_holder_runs_the_method_that_calls_the_ender(tmp_path: Path) -> None:
    source = MANAGER.replace("ENDS", "await self.task_manager.shutdown_and_wait()")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == []


def test_holder_ends_nothing(tmp_path: Path) -> None:
    source = MANAGER.replace("ENDS", "pass")
    assert _check(tmp_path, {"svc/__init__.py": "", "svc/tasks.py": source}, "TRD303") == [
        "tasks.py:24:9 TRD303 tasks of `self.task_manager` are never cancelled; call its `shutdown()` in `close()`"
    ]
