"""Session 54 (first written in session 53, withdrawn, brought back): a first-party class found
where the repository keeps it, beside the importing code; and what a base class makes in a
helper only its subclasses call, judged with the ends those subclasses provide.

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


# A monorepo of three distributions: a store (``libs/python/store/store/``: its folder named as
# its package), a collector framework (``libs/collect-py/collect/``) whose base makes a store's database
# in a helper it never calls itself, and plugins (``plugins/exchange/``) whose collector, built
# on the base, calls the helper at start and stops the database at its end. No import root of the
# plugin holds ``collect``, nor reaches the repository's other source roots: the plugin imports
# it as installed, and its base is looked up from the base's own roots.
DATABASE = """\
import aiosqlite


class Database:
    def __init__(self, path):
        self.path = path
        self._connection = None

    async def insert(self, row):
        if self._connection is None:
            self._connection = await aiosqlite.connect(self.path)
        await self._connection.execute("INSERT INTO rows VALUES (?)", (row,))

    async def stop(self):
        if self._connection is not None:
            await self._connection.close()
"""

BASE = """\
import store


class Collector:
    def __init__(self, path):
        self.path = path
        self.database = None

    def create_database(self):
        if not self.database:
            self.database = store.Database(self.path)

    async def stop(self):
        pass
"""

BASE_STARTS = BASE.replace("    async def stop(self):", "    async def start(self):\n        self.create_database()\n\n    async def stop(self):")

PLUGIN = """\
import collect.base as base


class ExchangeCollector(base.Collector):
    async def start(self):
        self.create_database()
        await self.database.insert({"started": True})

    async def stop(self):
        await self.database.stop()
"""

PLUGIN_KEEPS = PLUGIN.replace("        await self.database.stop()", "        self.path = None")


def _distributions(base: str, plugin: str) -> dict[str, str]:
    return {
        "libs/python/store/store/__init__.py": DATABASE,
        "libs/collect-py/collect/__init__.py": "",
        "libs/collect-py/collect/base.py": base,
        # Installed as ``plugins.exchanges...`` by a tool: no import root of it reaches ``collect``.
        "plugins/extras/Collectors/exchanges/history/__init__.py": "",
        "plugins/extras/Collectors/exchanges/history/exchange_collector.py": plugin,
    }


LEAK = "base.py:11:13 TRD202 `self.database` is never closed; call its `stop()` in `stop()`"


def test_helper_made_resource_ended_by_a_subclass_in_another_distribution(tmp_path: Path) -> None:
    assert _check(tmp_path, _distributions(BASE, PLUGIN), "TRD202") == []


def test_helper_made_resource_no_subclass_ends(tmp_path: Path) -> None:
    assert _check(tmp_path, _distributions(BASE, PLUGIN_KEEPS), "TRD202") == [LEAK]


def test_helper_the_base_calls_itself_is_the_base_s_to_end(tmp_path: Path) -> None:
    # The base's own ``start()`` makes it: each base object holds one, whatever a subclass ends.
    assert _check(tmp_path, _distributions(BASE_STARTS, PLUGIN), "TRD202") == [LEAK]


def test_resource_of_a_sibling_distribution_unknown_without_it(tmp_path: Path) -> None:
    # The store is a regular package of one source root only: without it, nothing is known of it.
    files = _distributions(BASE, PLUGIN_KEEPS)
    files["libs/vendored/store/__init__.py"] = DATABASE
    assert _check(tmp_path, files, "TRD202") == []


def test_package_of_another_checkout_beside_the_repository_is_not_followed(tmp_path: Path) -> None:
    # A folder holding checkouts of several repositories marks no project: what one imports is
    # not the other's code (it may be installed at another version, or not at all).
    files = {
        "service/pyproject.toml": "[project]\nname = 'service'\n",
        "service/app/__init__.py": "",
        "service/app/main.py": LEAKS,
        "toolkit-repo/libs/python/toolkit/__init__.py": "",
        "toolkit-repo/libs/python/toolkit/client.py": CLIENT,
    }
    assert tree_findings(tmp_path, files, "TRD201") == []
    files["service/libs/python/toolkit/__init__.py"] = ""
    files["service/libs/python/toolkit/client.py"] = CLIENT
    assert tree_findings(tmp_path, files, "TRD201") == [
        "main.py:5:5 TRD201 `client` (`ApiClient(...)`) is never closed; call `await client.close()` in a `finally`"
    ]
