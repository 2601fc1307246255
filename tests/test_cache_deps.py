"""The cache re-checks a changed file and the files that reach it through imports, nothing else;
reads that follow no import (a field's uses in the whole project, the installed packages) re-check
the results that relied on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.trees import configs_for, write
from tradelint.core.config import Config, clear_cache
from tradelint.core.finding import Finding
from tradelint.runner import cache as cache_module
from tradelint.runner import runner
from tradelint.runner.engine import Checker

BASE = (
    "from dataclasses import dataclass\n"
    "from typing import ClassVar\n\n\n"
    "@dataclass\n"
    "class Base:\n"
    "    KEY: {annotation} = ''\n"
)
DESC = 'from dataclasses import dataclass\n\n\n@dataclass\nclass Desc:\n    NAME: str = "x"\n    size: int = 0\n'


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


class Run:
    """One cached run over a tree: which files were checked (not answered from the cache)."""

    def __init__(self, tree: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        checked: list[str] = []
        check_path = Checker.check_path

        def recording(self: Checker, path: Path, config: Config, display: str | None = None) -> list[Finding]:
            checked.append(Path(path).relative_to(tree).as_posix())
            return check_path(self, path, config, display)

        with monkeypatch.context() as patch:
            patch.setattr(Checker, "check_path", recording)
            self.result = runner.check_files(configs_for(tree), cache_dir=cache)
        self.checked = sorted(checked)
        assert self.result.checked == len(self.checked)
        self.findings = [(Path(f.path).relative_to(tree).as_posix(), f.line, f.code) for f in self.result.findings]


def chain(tmp_path: Path) -> Path:
    """a imports b imports c; d and e import nothing of the project; one package."""
    tree = tmp_path / "tree"
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "c.py", "def helper() -> int:\n    return 1\n")
    write(tree / "pkg" / "b.py", "from pkg.c import helper\n\n\ndef middle() -> int:\n    return helper()\n")
    write(tree / "pkg" / "a.py", "from .b import middle\n\nVALUE = middle()\n")
    write(tree / "pkg" / "d.py", "import asyncio\n\n\nasync def f() -> None:\n    await asyncio.sleep(0)\n")
    write(tree / "pkg" / "e.py", "import json\n\nDATA = json.dumps({})\n")
    return tree


ALL = ["pkg/__init__.py", "pkg/a.py", "pkg/b.py", "pkg/c.py", "pkg/d.py", "pkg/e.py"]


def test_a_warm_run_rechecks_the_edited_file_and_its_importers_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = chain(tmp_path)
    cache = tmp_path / "cache"
    assert Run(tree, cache, monkeypatch).checked == ALL
    assert Run(tree, cache, monkeypatch).checked == []
    with open(tree / "pkg" / "c.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    edited = Run(tree, cache, monkeypatch)
    assert edited.checked == ["pkg/a.py", "pkg/b.py", "pkg/c.py"]
    assert (edited.result.cached, edited.result.checked) == (3, 3)
    assert Run(tree, cache, monkeypatch).checked == []
    with open(tree / "pkg" / "d.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/d.py"]
    with open(tree / "pkg" / "a.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/a.py"]  # nothing imports it
    # The package's ``__init__`` is imported by every ``from pkg.x import ...``: a, b and c read it.
    write(tree / "pkg" / "__init__.py", "# edited\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/__init__.py", "pkg/a.py", "pkg/b.py"]


def test_the_progress_callback_counts_every_file_once(tmp_path: Path) -> None:
    tree = chain(tmp_path)
    cache = tmp_path / "cache"
    runner.check_files(configs_for(tree), cache_dir=cache)
    with open(tree / "pkg" / "c.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    ticks: list[int] = []  # the number of files done since the last call
    result = runner.check_files(configs_for(tree), cache_dir=cache, progress=ticks.append)
    assert (sum(ticks), result.cached, result.checked) == (6, 3, 3)


def test_a_base_class_two_modules_away_updates_the_subclass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "tree"
    write(tree / "pkg" / "__init__.py", "")
    base = write(tree / "pkg" / "base.py", BASE.format(annotation="str"))
    write(tree / "pkg" / "mid.py", "from pkg.base import Base\n\n\nclass Mid(Base):\n    pass\n")
    write(tree / "pkg" / "sub.py", "from pkg.mid import Mid\n\n\nclass Sub(Mid):\n    KEY = 'signals'\n")
    write(tree / "pkg" / "other.py", "X = 1\n")
    cache = tmp_path / "cache"
    first = Run(tree, cache, monkeypatch)
    assert ("pkg/sub.py", 5, "TRD102") in first.findings
    write(base, BASE.format(annotation="ClassVar[str]"))
    second = Run(tree, cache, monkeypatch)
    assert second.checked == ["pkg/base.py", "pkg/mid.py", "pkg/sub.py"]
    assert second.findings == []
    assert Run(tree, cache, monkeypatch).checked == []


def test_a_module_reached_by_an_attribute_chain_is_a_dependency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``import pkg`` does not import ``pkg.sub``, yet ``pkg.sub.Base`` is looked up in it.
    tree = tmp_path / "tree"
    write(tree / "pkg" / "__init__.py", "")
    base = write(tree / "pkg" / "sub.py", BASE.format(annotation="str"))
    write(tree / "user.py", "import pkg\n\n\nclass Sub(pkg.sub.Base):\n    KEY = 'signals'\n")
    cache = tmp_path / "cache"
    assert ("user.py", 5, "TRD102") in Run(tree, cache, monkeypatch).findings
    write(base, BASE.format(annotation="ClassVar[str]"))
    second = Run(tree, cache, monkeypatch)
    assert second.checked == ["pkg/sub.py", "user.py"]
    assert second.findings == []


def test_a_string_annotation_is_a_dependency(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "sub.py", "class Conn:\n    pass\n")
    write(tree / "user.py", "import pkg\n\nconn: 'pkg.sub.Conn | None' = None\n")
    runner.check_files(configs_for(tree), cache_dir=tmp_path / "cache")
    cache = cache_module.Cache.load(tmp_path / "cache")
    node = cache.modules[str(tree / "user.py")]
    assert ("pkg.sub", str(tree / "pkg" / "sub.py")) in node.names
    assert ("pkg.sub.Conn", None) in node.names


def test_a_new_file_that_uses_a_field_updates_the_fix_safety(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "tree"
    write(tree / "requirements.txt", "")  # a project marker: the whole project is searched
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "desc.py", DESC)
    write(tree / "pkg" / "other.py", "X = 1\n")
    cache = tmp_path / "cache"
    first = Run(tree, cache, monkeypatch)
    assert [(f.code, f.fix.safety if f.fix else None) for f in first.result.findings] == [("TRD101", "safe")]
    # A file that nothing imports, and that imports the class: ``Desc(NAME=...)`` sets the
    # constant per instance, so the field is a field after all and the finding goes.
    write(tree / "pkg" / "user.py", 'from pkg.desc import Desc\n\nd = Desc(NAME="y")\n')
    second = Run(tree, cache, monkeypatch)
    assert second.checked == ["pkg/desc.py", "pkg/user.py"]
    assert [(f.code, f.fix) for f in second.result.findings] == []
    # An edit under the project's root re-checks the result that searched it when the file names,
    # before or after, a word the search asked about (the class, the field) or a generic word.
    with open(tree / "pkg" / "other.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/other.py"]
    write(tree / "pkg" / "other.py", "X = 1\nY = 'NAME'\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/desc.py", "pkg/other.py"]
    write(tree / "pkg" / "other.py", "X = 2\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/desc.py", "pkg/other.py"]
    write(tree / "pkg" / "other.py", "X = 3\n")
    assert Run(tree, cache, monkeypatch).checked == ["pkg/other.py"]


def test_installing_a_package_rechecks_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = chain(tmp_path)
    cache = tmp_path / "cache"
    Run(tree, cache, monkeypatch)
    assert Run(tree, cache, monkeypatch).checked == []
    monkeypatch.setattr(cache_module, "_environment", lambda: "another set of packages")
    assert Run(tree, cache, monkeypatch).checked == ALL


def test_the_environment_digest_follows_installs_not_the_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setattr(cache_module.sys, "path", [str(site)])
    before = cache_module._environment()
    (site / ".tradelint_cache").mkdir()
    (site / "notes.txt").write_text("x")
    assert cache_module._environment() == before
    (site / "newlib").mkdir()
    assert cache_module._environment() != before


def test_a_configured_keeper_module_is_a_dependency(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write(tree / "pyproject.toml", '[tool.tradelint]\ntask-keeper = "app.tasks.keep"\n')
    write(tree / "app" / "__init__.py", "")
    write(tree / "app" / "tasks.py", "def keep(task):\n    return task\n")
    write(tree / "app" / "bot.py", "import asyncio\n\n\nasync def f():\n    asyncio.create_task(f())\n")
    runner.check_files(configs_for(tree / "app" / "bot.py"), cache_dir=tmp_path / "cache")
    node = cache_module.Cache.load(tmp_path / "cache").modules[str(tree / "app" / "bot.py")]
    assert ("app.tasks", str(tree / "app" / "tasks.py")) in node.names


def test_the_cache_stores_summaries_as_plain_json(tmp_path: Path) -> None:
    tree = chain(tmp_path)
    runner.check_files(configs_for(tree), cache_dir=tmp_path / "cache")
    payload = json.loads((tmp_path / "cache" / cache_module.CACHE_FILE).read_bytes().partition(b"\n")[2])
    modules = {row[0]: row for row in payload["modules"]}
    paths = [row[0] for row in payload["modules"]]
    b = modules[str(tree / "pkg" / "b.py")]
    # [path, content hash, module name, roots, names found nowhere, [name, module index]...]
    assert b[2] == "pkg.b"
    assert payload["roots"][b[3]][0] == str(tree)
    assert {name: paths[i] for name, i in b[5]} == {
        "pkg": str(tree / "pkg" / "__init__.py"), "pkg.b": str(tree / "pkg" / "b.py"), "pkg.c": str(tree / "pkg" / "c.py"),
    }
    assert b[4] == ["pkg.c.helper"]


def test_a_module_does_not_depend_on_its_package_unless_it_imports_it(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    write(tree / "pkg" / "__init__.py", "")
    write(tree / "pkg" / "mod.py", "class Conn:\n    LIMIT = 1\n\n\nx = Conn.LIMIT\n")
    runner.check_files(configs_for(tree), cache_dir=tmp_path / "cache")
    node = cache_module.Cache.load(tmp_path / "cache").modules[str(tree / "pkg" / "mod.py")]
    assert [name for name, _ in node.names] == ["pkg.mod", "pkg.mod.Conn", "pkg.mod.Conn.LIMIT"]


def test_the_cache_resolves_names_as_the_project_does(tmp_path: Path) -> None:
    from tradelint.facts.context import Project

    write(tmp_path / "a" / "pkg" / "__init__.py", "")
    write(tmp_path / "a" / "pkg" / "mod.py", "")
    write(tmp_path / "a" / "pkg" / "sub" / "__init__.py", "")
    write(tmp_path / "b" / "pkg" / "other.py", "")
    write(tmp_path / "b" / "top.py", "")
    (tmp_path / "b" / "folder.py").mkdir()  # a folder named like a module is none
    roots = (tmp_path / "a", tmp_path / "b", tmp_path / "missing")
    cache = cache_module.Cache(tmp_path / "cache", "fp")
    project = Project()
    names = ["pkg", "pkg.mod", "pkg.sub", "pkg.other", "top", "top.x", "folder", "pkg.mod.x", "asyncio", "", "pkg.nothing"]
    expected = {name: (str(found) if (found := project.find_path(name, roots)) else None) for name in names}
    assert {name: cache._find(name, tuple(map(str, roots))) for name in names} == expected
    assert expected["pkg.mod"] == str(tmp_path / "a" / "pkg" / "mod.py")
    assert expected["pkg.sub"] == str(tmp_path / "a" / "pkg" / "sub" / "__init__.py")
    assert expected["pkg.other"] == str(tmp_path / "b" / "pkg" / "other.py")  # root by root, file by file
    assert expected["folder"] is None and expected["asyncio"] is None and expected[""] is None
    assert expected["top"] == str(tmp_path / "b" / "top.py")


FACTORY = '''\
import asyncio
from typing import Any, Coroutine, Set

_RUNNING: Set["asyncio.Future[Any]"] = set()


def install(loop: asyncio.AbstractEventLoop) -> None:
    def factory(loop_: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any], **kwargs: Any) -> "asyncio.Task[Any]":
        task = asyncio.Task(coro, loop=loop_, **kwargs)
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)
        return task

    loop.set_task_factory(factory)
'''


def test_a_task_factory_added_in_another_module_rechecks_the_tasks_it_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a package keeps every task through a factory of its own is found by reading the
    modules that name ``set_task_factory``, through no import: the cache notes that read, so a
    factory added in a module nobody imports re-checks the discarded task (no longer reported),
    and an edit elsewhere re-checks nothing else."""
    tree = tmp_path / "tree"
    write(tree / "pyproject.toml", "[project]\nname = 'app'\n")
    write(tree / "app" / "__init__.py", "")
    write(tree / "app" / "jobs.py", "import asyncio\n\n\nasync def fire() -> None:\n    asyncio.create_task(asyncio.sleep(1))\n")
    write(tree / "app" / "sub" / "__init__.py", "")
    write(tree / "app" / "sub" / "plain.py", "VALUE = 1\n")  # not beside it: the fix reads its folder
    cache = tmp_path / "cache"
    first = Run(tree, cache, monkeypatch)
    assert first.findings == [("app/jobs.py", 5, "TRD301")]
    write(tree / "app" / "sub" / "plain.py", "VALUE = 2\n")
    assert Run(tree, cache, monkeypatch).checked == ["app/sub/plain.py"]
    write(tree / "app" / "sub" / "loop.py", FACTORY)
    after = Run(tree, cache, monkeypatch)
    assert after.checked == ["app/jobs.py", "app/sub/loop.py"]
    assert after.findings == []


BOT = "from aiogram import Bot\n\n\nasync def notify(token, chat, text):\n    bot = Bot(token=token)\n    await bot.send_message(chat, text)\n"


@pytest.mark.parametrize("declaration", ["requirements-dev.txt", "manifest.json"])
def test_an_edited_requirement_file_rechecks_what_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declaration: str
) -> None:
    # Which aiogram release a project declares decides whether ``Bot(...)`` is reported and how it
    # is closed (facts/requirements): any file it reads is part of the ``markers`` digest, not
    # only the project markers (``requirements.txt``, ``pyproject.toml``, ``setup.cfg``).
    def text(spec: str) -> str:
        return json.dumps({"domain": "x", "requirements": [spec]}) if declaration == "manifest.json" else spec + "\n"

    tree = tmp_path / "tree"
    write(tree / "bot" / "notify.py", BOT)
    write(tree / "bot" / declaration, text("aiogram==3.14.0"))
    cache = tmp_path / "cache"
    first = Run(tree, cache, monkeypatch)
    assert first.findings == [("bot/notify.py", 5, "TRD201")]
    write(tree / "bot" / declaration, text("aiogram>=2.20"))  # 2 and 3 both fit: no answer
    second = Run(tree, cache, monkeypatch)
    assert (second.checked, second.findings) == (["bot/notify.py"], [])
    third = Run(tree, cache, monkeypatch)
    assert (third.checked, third.findings) == ([], [])
