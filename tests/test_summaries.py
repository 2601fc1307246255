"""Module summaries: plain data that answers cross-module questions once a tree is forgotten, the
same in a bounded run as in an unbounded one, and through JSON unchanged."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tradelint.facts.summary_data import (
    Acquisition,
    ClassFacts,
    Definition,
    MethodFacts,
    ModuleSummary,
    SummaryError,
)
from tradelint.cli import discover
from tradelint.core.config import clear_cache, config_for
from tradelint.facts.context import Project
from tradelint.runner.engine import Checker
from tradelint.core.finding import Finding
from tests.test_memory import PROJECTS


def _check_bounded(root: Path, budget: int | None) -> tuple[list[Finding], int, int]:
    """Every finding of a batch check of ``root`` with this module budget, and how many modules
    the project parsed and parsed again."""
    project = Project(module_budget=budget)
    checker = Checker(project, batch=True)
    findings = [f for file in discover([root], None) for f in checker.check_path(file, config_for(file))]
    return findings, project.parses, project.reparses


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


FEED = '''\
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp as ah

from .base import Base

if TYPE_CHECKING:
    from .types import Tick

LIMIT = 10
name: str = "feed"


class Feed(Base):
    def __init__(self, session, *, loop=None):
        self._session = session
        self._client = ah.ClientSession()

    async def close(self):
        await self._client.close()

    def stop_all(self, force):
        self.close()


try:
    def helper():
        return asyncio.create_task(asyncio.sleep(1))
except ImportError:
    async def helper():
        pass
'''


def write_package(root: Path) -> Path:
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "base.py").write_text("class Base:\n    pass\n")
    feed = pkg / "feed.py"
    feed.write_text(FEED)
    return feed


def test_a_summary_holds_what_other_modules_ask(tmp_path: Path) -> None:
    feed = write_package(tmp_path)
    project = Project()
    summary = project.summary(feed)
    assert summary == ModuleSummary(
        path=str(feed),
        digest=hashlib.sha256(FEED.encode()).hexdigest(),
        module_name="pkg.feed",
        is_package=False,
        definitions={
            "LIMIT": Definition("LIMIT", "assign", 13),
            "name": Definition("name", "assign", 14),
            "Feed": Definition("Feed", "class", 17),
            # The last definition wins, as at runtime.
            "helper": Definition("helper", "async_function", 33),
        },
        imports={
            "annotations": "__future__.annotations",
            "asyncio": "asyncio",
            "TYPE_CHECKING": "typing.TYPE_CHECKING",
            "ah": "aiohttp",
            "Base": "pkg.base.Base",
            "Tick": "pkg.types.Tick",
        },
        type_checking_only=frozenset({"Tick"}),
        mentions_tasks=True,
        classes={
            17: ClassFacts(
                name="Feed",
                line=17,
                bases=(("qualified", "pkg.base.Base"),),
                methods={
                    "__init__": MethodFacts("__init__", False, 18, frozenset(), frozenset(), 1),
                    "close": MethodFacts(
                        "close", True, 22, frozenset({("_client", "close")}), frozenset({"_client"}), 0, True
                    ),
                    "stop_all": MethodFacts("stop_all", False, 25, frozenset(), frozenset({"close"}), 1, True),
                },
                acquisitions=(Acquisition("_client", ("qualified", "aiohttp.ClientSession"), "__init__", 20),),
                stored_params={"session": "_session"},
                stored_positions={0: "_session"},
                attributes=("ClientSession", "_client", "_session", "close"),
            )
        },
    )
    assert summary is not None and summary.defined("LIMIT") is None
    assert summary.defined("Feed") == Definition("Feed", "class", 17)


def test_a_summary_outlives_its_tree_and_answers_without_a_parse(tmp_path: Path) -> None:
    feed = write_package(tmp_path)
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg.feed import Feed as Feed\n")
    project = Project(module_budget=1)
    roots = project.locate(feed)[1]
    resolved = project.resolve("pkg.Feed", roots)
    assert resolved is not None and (resolved[0].path, resolved[1]) == (str(feed), Definition("Feed", "class", 17))
    assert project.parses == 2  # ``pkg/__init__.py`` (the re-export) and ``pkg/feed.py``
    project.end_file()
    assert project._modules == {} and project._lookup_cache == {}
    assert project.resolve("pkg.Feed", roots) == resolved
    assert project.summary(feed) is resolved[0]
    assert (project.parses, project.reparses) == (2, 0)
    # What needs the class's nodes parses it again, and only the module that defines it.
    found = project.lookup("pkg.Feed", roots)
    assert found is not None and found[1].lineno == 17
    assert (project.parses, project.reparses) == (3, 1)


def test_a_fix_replaces_the_summary_of_its_module(tmp_path: Path) -> None:
    feed = write_package(tmp_path)
    project = Project()
    before = project.summary(feed)
    assert before is not None and "LIMIT" in before.definitions
    text = FEED.replace("LIMIT = 10", "MAXIMUM = 10")
    from tradelint.facts.syntax import parse_module

    project.replace_source(feed, text, parse_module(text))
    after = project.summary(feed)
    assert after is not None and "MAXIMUM" in after.definitions and "LIMIT" not in after.definitions
    assert after.digest == hashlib.sha256(text.encode()).hexdigest() != before.digest


def test_every_summary_goes_through_json_unchanged() -> None:
    project = Project(module_budget=None)
    count = 0
    for file in discover(PROJECTS, None):
        summary = project.summary(file)
        if summary is None:
            continue
        text = json.dumps(summary.to_json())
        assert ModuleSummary.from_json(json.loads(text)) == summary
        count += 1
    assert count > 60


def _valid() -> dict[str, Any]:
    return {
        "path": "/p/m.py",
        "digest": "0" * 64,
        "module_name": "m",
        "is_package": False,
        "definitions": {"C": ["class", 1]},
        "imports": {"ah": "aiohttp"},
        "type_checking_only": [],
        "mentions_tasks": False,
        "classes": [
            {
                "name": "C",
                "line": 1,
                "bases": [["local", "B"]],
                "methods": [["close", True, 2, [["_s", "close"]], ["_s"], 0, True, [["_s", "close"]], [], []]],
                "acquisitions": [["_s", ["qualified", "aiohttp.ClientSession"], "__init__", 3]],
                "stored_params": {},
                "stored_positions": [[0, "_x"]],
                "factories": ["create"],
                "fields": [["TTL", 4, True, False, True, False, False]],
                "cancels": False,
                "attributes": ["_s"],
                "properties": {"s": "_s"},
                "made": [["_ws", ["method", "ws_connect"], "connect", 5]],
                "attrs": None,
                "elements": [["_clients", ["qualified", "aiohttp.ClientSession"], "add", 6]],
                "element_ends": [["close", "_clients", "close", True]],
            }
        ],
    }


def _set(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = _valid()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def test_the_valid_example_loads() -> None:
    summary = ModuleSummary.from_json(_valid())
    assert summary.classes[1].methods["close"].releases == frozenset({("_s", "close")})
    assert summary.classes[1].made == (Acquisition("_ws", ("method", "ws_connect"), "connect", 5),)
    assert summary.classes[1].element_ends == (("close", "_clients", "close", True),)
    assert summary.to_json() == _valid()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "summary: expected an object"),
        ({**_valid(), "extra": 1}, "summary: keys ["),
        (_set(("digest",), "abc"), "digest: expected 64 hexadecimal digits"),
        (_set(("is_package",), 0), "is_package: expected true or false"),
        (_set(("module_name",), 3), "module_name: expected a string"),
        (_set(("definitions", "C"), ["module", 1]), "definition 'C': unknown kind 'module'"),
        (_set(("definitions", "C"), ["class", True]), "expected a non-negative integer, not True"),
        (_set(("definitions", "C"), ["class", -1]), "expected a non-negative integer, not -1"),
        (_set(("imports", "ah"), None), "import: expected a string"),
        (_set(("classes", 0, "bases"), [["global", "B"]]), "ref: unknown kind 'global'"),
        (_set(("classes", 0, "methods"), [["close", True, 2]]), "method: expected 10 items"),
        (_set(("classes", 0, "methods", 0, 3), [["_s"]]), "release: expected 2 items"),
        (_set(("classes", 0, "acquisitions", 0, 3), 1.5), "expected a non-negative integer, not 1.5"),
        (_set(("classes", 0, "stored_positions"), [["0", "_x"]]), "expected a non-negative integer, not '0'"),
        (_set(("classes",), [_valid()["classes"][0]] * 2), "two classes on line 1"),
        (_set(("classes", 0, "fields", 0), ["TTL", 4, True, False, True]), "field: expected 7 items"),
        (_set(("classes", 0, "fields", 0, 4), 1), "field flag: expected true or false"),
        (_set(("classes", 0, "fields", 0, 0), None), "field name: expected a string"),
        (_set(("classes", 0, "cancels"), None), "cancels: expected true or false"),
        (_set(("classes", 0, "attributes"), [1]), "attributes: expected a string"),
    ],
)
def test_a_summary_that_is_not_one_is_refused(data: Any, message: str) -> None:
    with pytest.raises(SummaryError) as raised:
        ModuleSummary.from_json(data)
    assert str(raised.value).startswith(message)


PROVIDER = '''\
import aiohttp


class HistoryProvider:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def connect(self) -> None:
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
'''
SPAWN = "import asyncio\n\n\ndef spawn(coro):\n    return asyncio.create_task(coro)\n"
SERVICE = '''\
from pkg import HistoryProvider
from pkg.spawn import spawn


class Service:
    def __init__(self) -> None:
        self._history = HistoryProvider()

    async def start(self) -> None:
        await self._history.connect()
        spawn(self.poll())

    async def poll(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def fetch() -> None:
    provider = HistoryProvider()
    await provider.connect()
'''


def test_a_bounded_run_reads_forgotten_modules_from_their_summaries(tmp_path: Path) -> None:
    """Budget 1 forgets every tree after every file. Three services each ask for the provider
    (through the package's re-export: is it a resource type, which method releases it? does it
    own tasks?) and for the task wrapper ``spawn``. Before summaries, each service parsed
    ``pkg/__init__.py``, ``pkg/provider.py`` and ``pkg/spawn.py`` again once forgotten: 9 parses,
    6 of them again. Now only the wrapper, whose body is walked, is parsed again; the provider,
    which cancels nothing (its summary says so), never (the services are read once more for the
    question of who constructs the provider, never again)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('from pkg.provider import HistoryProvider\n\n__all__ = ["HistoryProvider"]\n')
    (pkg / "provider.py").write_text(PROVIDER)
    (pkg / "spawn.py").write_text(SPAWN)
    for name in "abc":
        (pkg / f"service_{name}.py").write_text(SERVICE)
    runs = {}
    for budget in (None, 1):
        findings, parses, reparses = _check_bounded(tmp_path, budget)
        runs[budget] = ([(Path(f.path).name, f.line, f.code, f.message, f.fix) for f in findings], parses, reparses)
    lines = ((7, "TRD202"), (11, "TRD301"), (21, "TRD201"))
    expected = sorted((f"service_{name}.py", line, code) for name in "abc" for line, code in lines)
    assert sorted(f[:3] for f in runs[None][0]) == expected
    assert runs[1][0] == runs[None][0]
    # ``spawn.py``, asked for before it was checked, and the three services: the provider closes
    # ``self._session`` only in its end ``close()``, and TRD202's unreached-release reading asks
    # which modules construct it (session 40; each read once, none again).
    assert runs[None][1:] == (4, 0)
    # ``spawn.py`` for each service, and the services read by that question, once each; and,
    # once forgotten, the provider's class and the services again for TRD202's question whether
    # a lazy provider is ever opened (session 55: the methods that reach its acquisitions).
    assert runs[1][1:] == (10, 4)


FACTORIES = '''\
class Provider:
    @classmethod
    async def create(cls, url):
        self = cls(url)
        await self.connect()
        return self

    @classmethod
    def default(cls):
        return cls("u")

    @staticmethod
    def local():
        return Provider("l")

    @classmethod
    def maybe(cls, url):
        if not url:
            return None
        return cls(url)

    @classmethod
    def other(cls):
        return dict()

    def copy(self):
        return Provider("c")
'''


def test_factories_are_the_class_and_static_methods_that_return_a_new_instance(tmp_path: Path) -> None:
    path = tmp_path / "providers.py"
    path.write_text(FACTORIES, encoding="utf-8")
    summary = Project().summary(path)
    assert summary is not None
    assert summary.classes[1].factories == frozenset({"create", "default", "local"})
    assert ModuleSummary.from_json(summary.to_json()) == summary


def test_fields_from_the_summary_are_the_fields_of_the_tree() -> None:
    """Every class of the fixtures and test programs, under each maker: the fields
    ``fields_from_facts`` reads from a summary are those ``_own_fields`` reads from the tree."""
    from tradelint.models.dataclasses.dataclass_model import ClassModel, _own_fields, fields_from_facts

    project = Project(module_budget=None)
    compared = 0
    for file in discover(PROJECTS, None):
        module = project.module_at(file)
        if module is None:
            continue
        for node in module.index.classes:
            facts = module.summary.classes[node.lineno].fields
            for kind, mode in (("dataclass", "auto"), ("pydantic", "auto"), ("attrs", "auto"), ("attrs", "explicit")):
                model = ClassModel.of(module, node)
                model.kind, model.attrs_mode = kind, mode  # type: ignore[assignment]
                from_tree = {n: (f.line, f.has_default) for n, f in _own_fields(model).items()}
                from_facts = {n: (f.line, f.has_default) for n, f in fields_from_facts(model, facts).items()}
                assert from_facts == from_tree, (file, node.name, kind, mode)
                compared += bool(from_tree)
    assert compared > 200


BASE = '''\
from dataclasses import dataclass


@dataclass
class Base:
    key: str = ""
    ttl: int = 120
'''


def test_a_bounded_run_models_a_forgotten_dataclass_base_from_its_summary(tmp_path: Path) -> None:
    """Four subclasses in four modules of one dataclass base (TRD102 in one). Budget 1 forgets
    the base's tree after its own check. The finding's fix parses the base (it may edit it) and
    the three modules not checked yet (the field-use search): 4 parses, as many as an unbounded
    run's 3 plus the forgotten base. Before, each later subclass parsed the base again to model
    it: 7 parses, 3 of them again. Now its verdict and its summary's fields answer."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "base.py").write_text(BASE)
    (pkg / "sub_a.py").write_text('from pkg.base import Base\n\n\nclass A(Base):\n    key = "a"\n')
    for name in "bcd":
        (pkg / f"sub_{name}.py").write_text(f"from pkg.base import Base\n\n\nclass {name.upper()}(Base):\n    pass\n")
    runs = {}
    for budget in (None, 1):
        findings, parses, reparses = _check_bounded(tmp_path, budget)
        runs[budget] = ([(Path(f.path).name, f.line, f.code, f.message, f.help, f.fix) for f in findings], parses, reparses)
    assert [f[:3] for f in runs[None][0]] == [("sub_a.py", 5, "TRD102")]
    assert "(base.py:6)" in str(runs[None][0][0][4])
    assert runs[1][0] == runs[None][0]
    assert runs[None][1:] == (3, 0)
    assert runs[1][1:] == (4, 0)


HOLDER = '''\
import asyncio


class Holder:
    def __init__(self) -> None:
        self.name = "holder"

    def kick(self) -> None:
        self._task = asyncio.create_task(asyncio.sleep(1))
'''
WORKER = '''\
import asyncio

from pkg.holder import Holder


class Worker(Holder):
    def start(self) -> None:
        self._poller = asyncio.create_task(asyncio.sleep(1))
'''
RESTARTER = '''\
import asyncio

from pkg.holder import Holder


class Restarter(Holder):
    def restart(self) -> None:
        self._task = asyncio.create_task(asyncio.sleep(1))
'''


def test_a_base_that_never_names_the_attribute_is_not_parsed_again(tmp_path: Path) -> None:
    """Whether ``self._poller`` (TRD303) is ended is asked of ``Worker`` and its bases: the base
    ``Holder``, whose summary never names ``_poller``, says nothing and is not parsed again
    (before: parsed again, 1 parse). ``Restarter`` makes ``self._task``, which the base names:
    the base is read, parsed again once its tree is forgotten."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "holder.py").write_text(HOLDER)
    (pkg / "worker.py").write_text(WORKER)
    runs = {}
    for budget in (None, 1):
        findings, parses, reparses = _check_bounded(tmp_path, budget)
        runs[budget] = ([(Path(f.path).name, f.line, f.code) for f in findings], parses, reparses)
    assert runs[None][0] == [("holder.py", 9, "TRD303"), ("worker.py", 8, "TRD303")]
    assert runs[1] == (runs[None][0], 0, 0)
    (pkg / "restarter.py").write_text(RESTARTER)
    findings, parses, reparses = _check_bounded(tmp_path, 1)
    assert [(Path(f.path).name, f.line, f.code) for f in findings] == [
        ("holder.py", 9, "TRD303"), ("restarter.py", 8, "TRD303"), ("worker.py", 8, "TRD303")
    ]
    assert (parses, reparses) == (1, 0)


EDGES = '''\
def outside(task):
    task.cancel()


class A:
    def __init__(self, conn, *, loop):
        self.a, self.b = conn, loop
        self.c = conn
        self.d = loop
        self.n = 0
        self.m: int = 1

    @classmethod
    def nested(cls):
        def inner():
            return 1
        return cls()

    @staticmethod
    def far():
        return A(
            1,
        )

    @staticmethod
    def made():
        made = A()
        return made

    @classmethod
    def elsewhere(cls):
        return B()

    class Inner:
        def stop(self):
            handle = self.t.cancel
            self.t.cancel()


class B:
    def close(self):
        self.flag = 0

    def shutdown(self):
        return [t for t in self.tasks if t.done()]
'''


def test_class_facts_at_their_edges(tmp_path: Path) -> None:
    """What the one pass over a class's lines finds, where a shortcut could miss it: a nested
    function's ``return`` spoils a factory, a call of the maker may span lines, a tuple of values
    stored in a tuple of targets stores each parameter in its own target (session 61; the first
    store of a parameter names it), a constant stores none, a nested class's cancel is its outer class's too, a function
    outside every class cancels for none, ``self.flag = 0`` clears a flag."""
    path = tmp_path / "edges.py"
    path.write_text(EDGES, encoding="utf-8")
    summary = Project().summary(path)
    assert summary is not None
    a, inner, b = summary.classes[5], summary.classes[34], summary.classes[40]
    assert a.factories == frozenset({"far", "made"})
    assert (a.stored_params, a.stored_positions) == ({"conn": "a", "loop": "b"}, {0: "a"})
    assert a.acquisitions == ()
    assert (a.cancels, inner.cancels, b.cancels) == (True, True, False)
    assert inner.methods["stop"] == MethodFacts("stop", False, 35, frozenset(), frozenset({"t"}), 0, True)
    assert a.attributes == ("a", "b", "c", "d", "m", "n", "t")
    assert b.methods["close"].ends and not b.methods["shutdown"].ends
    assert b.methods["shutdown"].self_calls == frozenset({"tasks"})
    assert ModuleSummary.from_json(summary.to_json()) == summary
