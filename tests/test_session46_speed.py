"""Session 46 (issue 30): the resource tables' trigger word, an import of a table's package and a
name of its entries in the same file; the evidence family left to packages no table names. No
timing here: which files pass the filter, and that a run on demand prints what a full run does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trees import configs_for, write
from tradelint.core.config import Config
from tradelint.core.registry import all_rules
from tradelint.core.trigger_words import RESOURCE_TABLES, RESOURCE_WORDS
from tradelint.facts.context import Project
from tradelint.models.resources.library_table import table_trigger_names
from tradelint.runner import demand, runner

CONFIG = Config()


def trd2(source: str) -> bool:
    return "TRD2" in demand.run_families(source.encode("utf-8"), CONFIG)


def test_the_tables_are_one_word_of_the_resource_rules() -> None:
    assert RESOURCE_TABLES in RESOURCE_WORDS
    # Every resource rule, a new one too, can report on a table's resource: the word is its.
    resource_rules = [rule for code, rule in all_rules().items() if code.startswith("TRD2")]
    assert resource_rules and all(RESOURCE_TABLES in rule.trigger_words(CONFIG) for rule in resource_rules)
    names = table_trigger_names()
    # The built-in table's third-party packages, by the last names of their entries and releases.
    assert {"ClientSession", "TCPConnector", "AppRunner", "close"} <= names["aiohttp"]
    assert {"Redis", "from_url"} <= names["redis"]
    assert "AsyncClient" in names["httpx"] and "create_pool" in names["asyncpg"] and "connect" in names["websockets"]
    assert "asyncio" not in names and "contextlib" not in names  # words of their own
    # The library table's: a type, a maker and the class it is a method of, a function with makers.
    assert {"new_page", "BrowserContext", "async_playwright"} <= names["playwright"]


@pytest.mark.parametrize(
    "source",
    [
        "import aiohttp\n\nsession = aiohttp.ClientSession()\n",
        "from aiohttp import ClientSession as Session\n",
        "import os, redis\n\nclient = redis.asyncio.from_url(URL)\n",
        "from playwright.async_api import async_playwright\n",
        "import httpx\n\n\ndef get(client: 'httpx.AsyncClient'):\n    pass\n",
        # an import of a longer name begins with the package's (as ``from aiohttp`` matched it before)
        "from aiohttp_socks import ProxyConnector\nfrom aiohttp import TCPConnector\n",
    ],
)
def test_an_import_of_a_table_package_and_a_name_of_it_is_a_trigger(source: str) -> None:
    assert trd2(source)


@pytest.mark.parametrize(
    "source",
    [
        # names without the package: a licence's "Redistribution", a class of the project's own
        "# Redistribution and use in source and binary forms are permitted.\nx = 1\n",
        "class ClientSession:\n    pass\n\n\nsession = ClientSession()\n",
        "def connect(host):\n    return host\n",
        # the package without a name of its entries
        "from aiohttp import hdrs\n\nHEADER = hdrs.ACCEPT\n",
        "import websockets.exceptions\n\nERRORS = (websockets.exceptions.InvalidURI,)\n",
    ],
)
def test_a_name_alone_or_an_import_alone_is_not(source: str) -> None:
    assert not trd2(source)


ROOT_MARKER = "[project]\nname = 'app'\n"
WRAPPER = (
    "import aiohttp\n\n\nclass Api:\n    def __init__(self):\n        self.session = aiohttp.ClientSession()\n\n"
    "    async def get(self, url):\n        return await self.session.get(url)\n"
)
USER = "from aiohttp import hdrs\n\nfrom app.wrapper import Api\n\n\nasync def main():\n    api = Api()\n    return await api.get(hdrs.ACCEPT)\n"
UNRELATED = "from aiohttp import hdrs\n\nfrom app import wrapper\n\n\ndef accept():\n    return hdrs.ACCEPT\n"
EVIDENCE_FREE = "import aiohttp\n\n\nclass Thing:\n    pass\n\n\ndef make():\n    return Thing()\n"


def test_which_files_of_a_project_pass(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", ROOT_MARKER)
    files = {
        "init": write(tmp_path / "app" / "__init__.py", ""),
        "wrapper": write(tmp_path / "app" / "wrapper.py", WRAPPER),
        "user": write(tmp_path / "app" / "user.py", USER),
        "unrelated": write(tmp_path / "app" / "unrelated.py", UNRELATED),
        "plain": write(tmp_path / "app" / "plain.py", EVIDENCE_FREE),
        "other": write(tmp_path / "app" / "other.py", "import somelib\n\nclient = somelib.Gateway()\n"),
    }
    configs = configs_for(tmp_path)
    hosted = demand.HostedDemand(Project())
    families = {name: hosted.families(path, path.read_bytes(), configs[path]) for name, path in files.items()}
    assert "TRD2" in families["wrapper"]  # imports aiohttp and names ClientSession
    assert "TRD2" in families["user"]  # imports aiohttp for no resource, names the wrapper that makes one
    assert "TRD2" not in families["unrelated"]  # imports aiohttp and the wrapper's module, names neither
    assert "TRD2" not in families["plain"]  # imports only a package the table judges: no project evidence
    assert "TRD2" in families["other"]  # a package no table names: the project's evidence may judge it


def test_on_demand_the_output_is_the_full_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", ROOT_MARKER)
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "wrapper.py", WRAPPER)
    write(tmp_path / "app" / "user.py", USER)
    write(tmp_path / "app" / "unrelated.py", UNRELATED)
    write(tmp_path / "app" / "plain.py", EVIDENCE_FREE)
    write(tmp_path / "app" / "leak.py", "import aiohttp\n\n\nasync def fetch(url):\n    session = aiohttp.ClientSession()\n    return await session.get(url)\n")
    configs = configs_for(tmp_path)
    monkeypatch.setenv(demand.ENV, "0")
    full = runner.check_files(configs, jobs=1)
    monkeypatch.setenv(demand.ENV, "1")
    lazy = runner.check_files(configs, jobs=1)
    assert [f.as_json() for f in lazy.findings] == [f.as_json() for f in full.findings]
    assert any(f.code.startswith("TRD2") for f in full.findings)
