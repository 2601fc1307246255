"""Session 94: code in a module that cannot be imported never runs (issue 28, precision of TRD2
and TRD3 on application code).

Read on a trading bot nobody on the team had read (a fresh labelled set): three of its modules
imported modules of their own project that were no longer there (``from .hybrid_portfolio_manager
import ...``, ``from src.guardian.critical_error_guardian import ...``), and a fourth sat in a
package whose ``__init__.py`` did. Importing any of them raises ``ImportError`` before a class
exists; the dozen sessions and tasks tradelint reported in them describe nothing that can happen.

Twins, each a way the module could still load and the findings stay: the module is there; the
import is guarded (``try``/``except ImportError``); the missing module is ignored by git (the
build writes it); the missing absolute import's top package is not the project's own; the
module sets ``sys.path`` before the import; a script beside a broken ``__init__.py`` that never
imports relatively (run as a script, the package is never imported); a library (its layout may
differ when installed); a test module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths

DISCARDED = "TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"

WORKER = """\
import asyncio
{imports}


async def start():
    asyncio.create_task(_run())


async def _run():
    await asyncio.sleep(1)
"""


def _app(tmp_path: Path, imports: str, *, marker: str = "requirements.txt", where: str = "bot/engine/worker.py",
         files: dict[str, str | None] | None = None) -> list[str]:
    (tmp_path / marker).write_text("aiohttp\n" if marker == "requirements.txt" else marker_text(marker))
    for name, text in {".gitignore": "__pycache__/\n", "bot/__init__.py": "", "bot/engine/__init__.py": "",
                       "bot/engine/state.py": "X = 1\n", **(files or {})}.items():
        if text is None:
            continue
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(WORKER.replace("{imports}", imports))
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD3"])]


def marker_text(marker: str) -> str:
    return "[project]\nname = 'lib'\nversion = '1'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n" if marker == "pyproject.toml" else ""


def test_a_relative_import_of_a_missing_sibling_makes_the_module_dead(tmp_path: Path) -> None:
    assert _app(tmp_path, "from .hybrid_manager import HybridManager") == []


def test_twin_an_absolute_import_of_a_missing_module_is_not_judged(tmp_path: Path) -> None:
    # A checkout of part of a project (a sparse checkout, the folders a benchmark scores) shows
    # the project's other packages absent: only a relative import names what such a checkout holds.
    assert _app(tmp_path, "from bot.guardian.critical import Guardian") == [f"6:5 {DISCARDED}"]


def test_twin_a_missing_module_two_dots_up_is_not_judged(tmp_path: Path) -> None:
    assert _app(tmp_path, "from ..utils.precision import safe_decimal") == [f"6:5 {DISCARDED}"]


def test_a_module_of_a_package_whose_init_cannot_be_imported(tmp_path: Path) -> None:
    files = {"bot/engine/__init__.py": "from .v2_handler import Handler\n"}
    assert _app(tmp_path, "from .state import X", files=files) == []


def test_twin_a_copy_without_its_ignore_files(tmp_path: Path) -> None:
    # The project's ``.py`` files alone (a benchmark's extraction of a commit's scope): a module the
    # build writes, ignored by git, looks deleted.
    assert _app(tmp_path, "from .hybrid_manager import HybridManager", files={".gitignore": None}) == [f"6:5 {DISCARDED}"]


def test_twin_the_module_is_there(tmp_path: Path) -> None:
    assert _app(tmp_path, "from .state import X\nfrom bot.engine.state import X as Y") == [f"7:5 {DISCARDED}"]


def test_twin_a_guarded_import(tmp_path: Path) -> None:
    imports = "try:\n    from .hybrid_manager import HybridManager\nexcept ImportError:\n    HybridManager = None"
    assert _app(tmp_path, imports) == [f"9:5 {DISCARDED}"]


def test_twin_the_missing_module_is_ignored_by_git(tmp_path: Path) -> None:
    files = {".gitignore": "__pycache__/\ndata/\n"}
    assert _app(tmp_path, "from .data.price_feed import PriceFeed", files=files) == [f"6:5 {DISCARDED}"]


def test_twin_a_project_with_submodules(tmp_path: Path) -> None:
    files = {".gitmodules": '[submodule "vendor"]\n\tpath = bot/engine/vendor\n'}
    assert _app(tmp_path, "from .vendor.lib import Client", files=files) == [f"6:5 {DISCARDED}"]


def test_twin_a_top_package_that_is_not_the_projects(tmp_path: Path) -> None:
    # ``telegram`` is a folder of the project without ``__init__.py``: an installed package of
    # that name comes first (``python-telegram-bot``'s ``telegram.ext``).
    files = {"telegram/handlers.py": "X = 1\n"}
    assert _app(tmp_path, "from telegram.ext import Application", files=files) == [f"6:5 {DISCARDED}"]


def test_twin_sys_path_set_before_an_absolute_import_of_a_module_that_cannot_be_imported(tmp_path: Path) -> None:
    files = {"bot/engine/state.py": "from .gone import Y\nX = 1\n"}
    imports = "import sys\nsys.path.insert(0, '/opt/shared')\nfrom bot.engine.state import X"
    assert _app(tmp_path, imports, files=files) == [f"8:5 {DISCARDED}"]


def test_sys_path_set_after_the_import_comes_too_late(tmp_path: Path) -> None:
    files = {"bot/engine/state.py": "from .gone import Y\nX = 1\n"}
    imports = "import sys\nfrom bot.engine.state import X\nsys.path.insert(0, '/opt/shared')"
    assert _app(tmp_path, imports, files=files) == []


def test_twin_a_script_beside_a_broken_init_that_never_imports_relatively(tmp_path: Path) -> None:
    files = {"bot/engine/__init__.py": "from .v2_handler import Handler\n"}
    assert _app(tmp_path, "import json", files=files) == [f"6:5 {DISCARDED}"]


def test_twin_a_library(tmp_path: Path) -> None:
    assert _app(tmp_path, "from .hybrid_manager import HybridManager", marker="pyproject.toml") == [f"6:5 {DISCARDED}"]


def test_twin_a_test_module(tmp_path: Path) -> None:
    found = _app(tmp_path, "from bot.guardian.critical import Guardian", where="tests/test_worker.py",
                 files={"tests/__init__.py": ""})
    assert found == [f"6:5 {DISCARDED}"]


def test_a_module_importing_a_module_of_the_project_that_cannot_be_imported(tmp_path: Path) -> None:
    files = {"bot/engine/state.py": "from .gone import Y\nX = 1\n"}
    assert _app(tmp_path, "from bot.engine.state import X", files=files) == []


def test_twin_the_imported_module_guards_its_import(tmp_path: Path) -> None:
    files = {"bot/engine/state.py": "try:\n    from .gone import Y\nexcept ImportError:\n    Y = None\nX = 1\n"}
    assert _app(tmp_path, "from .state import X", files=files) == [f"6:5 {DISCARDED}"]


def test_a_cached_verdict_is_dropped_when_the_missing_module_appears_or_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_cache_scans import run  # a cached run over the tree: the files checked, the findings

    tree = tmp_path / "tree"
    tree.mkdir()
    cache = tmp_path / "cache"
    _app(tree, "from .hybrid_manager import HybridManager")
    worker = ("bot/engine/worker.py", 6, "TRD301")
    assert run(tree, cache, monkeypatch)[1] == []
    (tree / "bot" / "engine" / "hybrid_manager.py").write_text("HybridManager = object\n")
    assert run(tree, cache, monkeypatch)[1] == [worker]
    (tree / "bot" / "engine" / "hybrid_manager.py").unlink()
    assert run(tree, cache, monkeypatch)[1] == []
