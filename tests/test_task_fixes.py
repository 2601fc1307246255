"""Where the TRD301/TRD302 keeper goes and which names it takes, on module shapes that broke it:
the result compiles, keeps the docstring and ``__future__`` imports first, and settles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache

SHAPES = {
    "comment-header": (
        '#!/usr/bin/env python\n# comment\n"""Doc."""\nfrom __future__ import annotations\n'
        "async def f() -> None:\n    asyncio.create_task(f())\nimport asyncio\n"
    ),
    "concatenated-docstring": (
        '("Doc " "string.")\nfrom __future__ import annotations\nimport asyncio\n'
        "async def f() -> None:\n    asyncio.create_task(f())\n"
    ),
    "two-future-imports": (
        "from __future__ import annotations\nfrom __future__ import generator_stop\nimport asyncio\n"
        "async def f() -> None:\n    asyncio.create_task(f())\n"
    ),
    "import-and-statement-on-one-line": (
        '"""Doc."""\nimport asyncio; x = 1\nasync def f() -> None:\n    asyncio.create_task(f())\n'
    ),
    "aliases-and-a-shadowed-asyncio": (
        '"""Doc."""\nimport asyncio as aio\nimport typing as t\nasyncio = 3\n'
        "async def f() -> None:\n    aio.create_task(f())\n"
    ),
}


def _fix(path: Path) -> str:
    clear_cache()
    assert run([str(path), "--fix", "--quiet", "--no-cache"]) == 0
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_keeper_goes_after_docstring_and_future_imports(tmp_path: Path, shape: str) -> None:
    path = tmp_path / "m.py"
    source = SHAPES[shape]
    path.write_text(source, encoding="utf-8")
    fixed = _fix(path)
    compile(fixed, str(path), "exec")  # a misplaced ``__future__`` import does not compile
    before, after = ast.parse(source), ast.parse(fixed)
    assert ast.get_docstring(after) == ast.get_docstring(before)
    futures = [i for i, s in enumerate(after.body) if isinstance(s, ast.ImportFrom) and s.module == "__future__"]
    first = 1 if ast.get_docstring(after) is not None else 0
    assert futures == list(range(first, first + len(futures)))
    keeper = next(s for s in after.body if isinstance(s, ast.FunctionDef) and s.name.startswith("_keep_task"))
    assert ast.unparse(keeper.returns) == ast.unparse(keeper.args.args[0].annotation)  # typed, generic
    inserted = [line for line in fixed.splitlines() if line not in source.splitlines()]
    assert all(len(line) <= 79 for line in inserted)
    assert _fix(path) == fixed  # settles


def test_shadowed_asyncio_uses_the_modules_own_alias(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SHAPES["aliases-and-a-shadowed-asyncio"], encoding="utf-8")
    fixed = _fix(path)
    assert '_TaskT = t.TypeVar("_TaskT", bound="aio.Future[t.Any]")\n' in fixed
    assert "    _keep_task(aio.create_task(f()))\n" in fixed
    assert "import asyncio\n" not in fixed and "from typing" not in fixed


def test_a_module_that_imports_a_sibling_gets_one_keeper_of_its_own(tmp_path: Path) -> None:
    """Issue 29: a module of a project gets asyncio's documented keeper (a module-level set),
    written once, whatever it imports; a second fix reuses it."""
    (tmp_path / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    path = tmp_path / "m.py"
    source = (
        "import asyncio\n\nimport helpers\n\n\nasync def f() -> None:\n    asyncio.create_task(f())\n"
        "    asyncio.ensure_future(f())\n"
    )
    path.write_text(source, encoding="utf-8")
    clear_cache()
    assert run([str(path), "--fix", "--quiet", "--no-cache"]) == 0
    fixed = path.read_text(encoding="utf-8")
    assert fixed.count("def _keep_task") == 1 and fixed.count("_background_tasks: ") == 1
    assert "    _keep_task(asyncio.create_task(f()))\n    _keep_task(asyncio.ensure_future(f()))\n" in fixed
    assert "import asyncio\nfrom typing import Any, TypeVar\n\nimport helpers\n" in fixed


@pytest.mark.parametrize(
    "imports",
    ["from cogs.utils.fmt import f", "from .utils.fmt import f"],
    ids=["its-own-folder-by-name", "relative"],
)
def test_a_module_of_a_namespace_package_gets_its_own_keeper(tmp_path: Path, imports: str) -> None:
    """RoboDanny's ``cogs/`` has no ``__init__.py`` but is a package: each module that discards
    a task gets one keeper of its own, and imports nothing new from its siblings."""
    (tmp_path / "cogs" / "utils").mkdir(parents=True)
    (tmp_path / "cogs" / "utils" / "fmt.py").write_text("def f() -> None: ...\n", encoding="utf-8")
    path = tmp_path / "cogs" / "a.py"
    source = f"import asyncio\n{imports}\n\n\nasync def go() -> None:\n    f()\n    asyncio.create_task(go())\n"
    path.write_text(source, encoding="utf-8")
    clear_cache()
    assert run([str(tmp_path / "cogs"), "--fix", "--quiet", "--no-cache"]) == 0
    fixed = path.read_text(encoding="utf-8")
    assert fixed.count("def _keep_task") == 1 and "    _keep_task(asyncio.create_task(go()))\n" in fixed
    assert fixed.count("import") == source.count("import") + 1  # ``from typing import Any, TypeVar``


SERVICE = '''import asyncio


class Service:
    def __init__(self) -> None:
        self._background_tasks: list[str] = []

    def _keep_task(self, name: str) -> str:
        return name

    async def start(self) -> None:
        asyncio.create_task(self.poll())
        asyncio.create_task(self.close())

    async def poll(self) -> None: ...

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        print("closed")
'''


def test_the_instance_keeper_takes_free_names_and_ends_in_close(tmp_path: Path) -> None:
    path = tmp_path / "service.py"
    path.write_text(SERVICE, encoding="utf-8")
    clear_cache()
    # The ``close()`` task is the shutdown itself: not cancelled by it; the module is a program of
    # its own, so the module keeper holds it (named apart from every binding, methods included).
    assert run([str(path), "--fix", "--unsafe-fixes", "--quiet", "--no-cache"]) == 0
    fixed = path.read_text(encoding="utf-8")
    assert "        self._keep_task_2(asyncio.create_task(self.poll()))\n" in fixed
    assert "        _keep_task_2(asyncio.create_task(self.close()))\n" in fixed
    # ``__aexit__`` awaits ``close()``: the tasks end in ``close()``, which callers also use alone.
    assert "    async def close(self) -> None:\n        await self._end_tasks_2()\n" in fixed
    assert "    def _keep_task_2(self, task: _TaskT) -> _TaskT:\n" in fixed
    assert '        if not hasattr(self, "_background_tasks_2"):\n' in fixed
    tree = ast.parse(fixed)
    assert [s.name for s in tree.body if isinstance(s, ast.FunctionDef)] == ["_keep_task_2"]
    clear_cache()
    assert run([str(path), "--fix", "--unsafe-fixes", "--quiet", "--no-cache"]) == 0
    assert path.read_text(encoding="utf-8") == fixed


def test_an_abstract_shutdown_gets_no_instance_keeper(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    path = tmp_path / "base.py"
    source = (
        "import asyncio\n\n\nclass Base:\n    async def start(self) -> None:\n"
        "        asyncio.create_task(self.poll())\n\n    async def poll(self) -> None: ...\n\n"
        "    async def stop(self) -> None:\n        raise NotImplementedError\n"
    )
    path.write_text(source, encoding="utf-8")
    clear_cache()
    assert run([str(path), "--fix", "--unsafe-fixes", "--quiet", "--no-cache"]) == 0
    fixed = path.read_text(encoding="utf-8")
    # Not on the instance (nothing would end it): the module's keeper holds it, safely.
    assert "_end_tasks" not in fixed and "        _keep_task(asyncio.create_task(self.poll()))\n" in fixed


# Issue 29.7: a name added to an existing ``from typing import ...`` stays on one line as long as
# the project's import sorter keeps it there (isort's ``line_length``, else ruff's ``line-length``,
# else isort's default 79), and never beyond the project's line limit.
TYPING_LINE = "from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, List, Optional, Tuple\n"
TYPING_MODULE = (
    "import asyncio\n" + TYPING_LINE + "\n\nasync def f() -> None:\n    asyncio.create_task(f())\n"
)
ONE_LINE = "from typing import TYPE_CHECKING, Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar\n"
WRAPPED = (
    "from typing import (\n    TYPE_CHECKING,\n    Any,\n    Awaitable,\n    Callable,\n    Dict,\n    List,\n    Optional,\n"
    "    Tuple,\n    TypeVar,\n)\n"
)


@pytest.mark.parametrize(
    ("config_name", "config", "expected"),
    [
        ("pyproject.toml", "[tool.isort]\nline_length = 120\n\n[tool.black]\nline-length = 120\n", ONE_LINE),
        ("setup.cfg", "[isort]\nline_length = 120\n[flake8]\nmax-line-length = 120\n", ONE_LINE),
        (".isort.cfg", "[settings]\nprofile = black\n", WRAPPED),  # 88 < 96 characters
        ("pyproject.toml", "[tool.ruff]\nline-length = 100\n", ONE_LINE),
        ("pyproject.toml", "[tool.isort]\nline_length = 120\n\n[tool.ruff]\nline-length = 88\n", WRAPPED),
        ("pyproject.toml", "[project]\nname = 'x'\n", WRAPPED),  # no sorter configured: 79
    ],
)
def test_an_added_typing_name_wraps_where_the_projects_sorter_does(
    tmp_path: Path, config_name: str, config: str, expected: str
) -> None:
    (tmp_path / config_name).write_text(config, encoding="utf-8")
    module = tmp_path / "service.py"
    module.write_text(TYPING_MODULE, encoding="utf-8")
    fixed = _fix(module)
    assert fixed.startswith("import asyncio\n" + expected), fixed
    assert len(ONE_LINE.rstrip("\n")) == 96
