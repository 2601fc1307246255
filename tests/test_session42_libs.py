"""Session 42 (issue 28 point 1): which library a name comes from.

A first-party folder named like a library is that library only when it can supply what is
imported from it, as Python's import would (``facts/first_party.supplies``): livekit's plugin
``livekit/plugins/google/`` (``livekit`` and ``plugins`` are namespace packages) has no
``genai``, so ``from google.genai import Client`` is google-genai's; a Home Assistant
integration folder ``custom_components/<name>/`` that binds no ``AsyncOpenAI`` makes ``from
<name> import AsyncOpenAI`` the library's. A name two releases of a library bind differently
(aiogram 2's ``Bot`` is ended by ``close()``, aiogram 3's by ``session.close()``) is the
release's that the project declares (``facts/requirements``: ``requirements*.txt``,
``pyproject.toml``, ``setup.cfg``, a ``manifest.json``), read by ``scripts/version_entries.py``
from each release's own source. Each shape beside its negative twin.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import tree_findings
from tradelint.facts.context import Project
from tradelint.facts.first_party import supplies
from tradelint.facts.requirements import allows_major, declared

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import version_entries  # noqa: E402

LEAKS = """\
from openai import AsyncOpenAI


async def ask(prompt):
    client = AsyncOpenAI()
    return await client.responses.create(input=prompt)
"""

CLOSES = """\
from openai import AsyncOpenAI


async def ask(prompt):
    client = AsyncOpenAI()
    try:
        return await client.responses.create(input=prompt)
    finally:
        await client.close()
"""

FOUND = "llm.py:5:5 TRD201 `client` (`AsyncOpenAI(...)`) is never closed; call `await client.close()` in a `finally`"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_supplies_follows_what_the_first_party_module_binds(tmp_path: Path) -> None:
    _write(tmp_path, {
        "plugins/google/__init__.py": "from .stt import STT\n",
        "plugins/google/stt.py": "class STT: ...\n",
        "plugins/lazy/__init__.py": "def __getattr__(name): ...\n",
        "plugins/star/__init__.py": "from .impl import *\n",
        "plugins/star/impl.py": "class Thing: ...\n",
    })
    project, roots = Project(), (tmp_path / "plugins",)
    assert supplies(project, "google.STT", roots)  # bound by an import
    assert supplies(project, "google.stt.STT", roots)  # a submodule
    assert supplies(project, "google", roots)
    assert not supplies(project, "google.genai.Client", roots)  # no ``genai`` in the plugin folder
    assert not supplies(project, "google.Client", roots)
    assert not supplies(project, "openai.AsyncOpenAI", roots)  # no such first-party package
    assert supplies(project, "lazy.Anything", roots)  # a module ``__getattr__`` may supply any
    assert supplies(project, "star.Thing", roots)  # so may ``import *``


def test_namespace_plugin_folder_named_like_its_library(tmp_path: Path) -> None:
    """``pkg/plugins/openai/llm.py`` in a distribution ``pkg-plugins-openai`` (``pkg`` and
    ``plugins`` without ``__init__.py``): the folder ``openai`` is the plugin, the import the
    library's."""
    files = {"pkg/plugins/openai/__init__.py": "", "pkg/plugins/openai/llm.py": LEAKS}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == [FOUND]


def test_namespace_plugin_folder_twin_closed(tmp_path: Path) -> None:
    files = {"pkg/plugins/openai/__init__.py": "", "pkg/plugins/openai/llm.py": CLOSES}
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_the_library_itself_stays_first_party(tmp_path: Path) -> None:
    """Checking the library's own repository: its package binds the name, so the name is its
    own class, judged by the first-party rules (a class that holds nothing: no finding)."""
    files = {
        "openai/__init__.py": "from .client import AsyncOpenAI\n",
        "openai/client.py": "class AsyncOpenAI:\n    async def close(self): ...\n",
        "openai/llm.py": LEAKS,
    }
    assert tree_findings(tmp_path, files, "TRD2", project=True) == []


def test_home_assistant_integration_named_like_its_library(tmp_path: Path) -> None:
    """``custom_components/openai/`` is imported as ``custom_components.openai``: its
    ``from openai import AsyncOpenAI`` is the library's, its ``__init__`` binds no such name."""
    files = {
        "custom_components/openai/__init__.py": "DOMAIN = 'openai'\n",
        "custom_components/openai/manifest.json": '{"domain": "openai", "requirements": ["openai==1.0"]}',
        "custom_components/openai/llm.py": LEAKS,
    }
    assert tree_findings(tmp_path, files, "TRD2") == [FOUND]
    files["custom_components/openai/llm.py"] = CLOSES
    assert tree_findings(tmp_path / "twin", files, "TRD2") == []


BOT = """\
from aiogram import Bot


async def notify(token, chat, text):
    bot = Bot(token=token)
    await bot.send_message(chat, text)
"""


@pytest.mark.parametrize(
    ("declaration", "found"),
    [
        ({"requirements.txt": "aiogram==3.14.0\n"}, "`await bot.session.close()`"),
        ({"requirements.txt": "aiohttp\naiogram>=2.25,<3\n"}, "`await bot.close()`"),
        ({"pyproject.toml": "[project]\nname = 'app'\ndependencies = ['aiogram>=3.20.0.post0']\n"}, "`await bot.session.close()`"),
        ({"pyproject.toml": "[tool.poetry.dependencies]\npython = '^3.11'\naiogram = '^2.25.1'\n"}, "`await bot.close()`"),
        ({"setup.cfg": "[options]\ninstall_requires =\n    aiogram~=3.4\n"}, "`await bot.session.close()`"),
    ],
)
def test_release_the_project_declares(tmp_path: Path, declaration: dict[str, str], found: str) -> None:
    _write(tmp_path, declaration)
    findings = tree_findings(tmp_path, {"bot/notify.py": BOT}, "TRD2")
    assert findings == [f"notify.py:5:5 TRD201 `bot` (`Bot(...)`) is never closed; call {found} in a `finally`"]


def test_release_declared_in_utf16_requirements(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes("aiogram==3.14.0\r\naiohttp==3.10.11\r\n".encode("utf-16"))
    assert declared(tmp_path / "bot", "aiogram") == ("==3.14.0",)
    assert len(tree_findings(tmp_path, {"bot/notify.py": BOT}, "TRD2")) == 1


def test_release_not_declared_or_ambiguous_gives_nothing(tmp_path: Path) -> None:
    assert tree_findings(tmp_path / "none", {"bot/notify.py": BOT}, "TRD2") == []
    _write(tmp_path / "both", {"requirements.txt": "aiogram>=2.20\n"})  # 2 and 3 both fit
    assert tree_findings(tmp_path / "both", {"bot/notify.py": BOT}, "TRD2") == []


def test_release_twin_closed(tmp_path: Path) -> None:
    _write(tmp_path, {"requirements.txt": "aiogram==3.14.0\n"})
    closed = BOT.replace(
        "    await bot.send_message(chat, text)\n",
        "    try:\n        await bot.send_message(chat, text)\n    finally:\n        await bot.session.close()\n",
    )
    assert tree_findings(tmp_path, {"bot/notify.py": closed}, "TRD2") == []


def test_allows_major() -> None:
    assert allows_major(("==3.14.0",), "3.31.0") and not allows_major(("==3.14.0",), "2.25.2")
    assert allows_major((">=2.20,<3",), "2.25.2") and not allows_major((">=2.20,<3",), "3.31.0")
    assert allows_major(("<3.5",), "3.31.0") and allows_major((">=2.20",), "3.31.0")
    assert allows_major(("^2.25.1",), "2.25.2") and not allows_major(("^2.25.1",), "3.31.0")
    assert allows_major(("~=3.4",), "3.31.0") and not allows_major(("~=3.4",), "2.25.2")
    assert allows_major(("",), "2.25.2") and allows_major(("!=3.0.1",), "3.31.0")


def test_version_entries_groups_distributions_pinned_twice(tmp_path: Path) -> None:
    for folder in ("Lib_A-1.0", "lib-a-2.0", "other-1.0"):
        _write(tmp_path / folder, {"pkg/__init__.py": ""})
    listed = tmp_path / "pins.txt"
    listed.write_text("Lib_A==1.0\nlib-a==2.0  # a second major version\nother==1.0\n", encoding="utf-8")
    assert version_entries.versioned(tmp_path, [listed]) == {"lib-a": [tmp_path / "Lib_A-1.0", tmp_path / "lib-a-2.0"]}


def test_shipped_versions_come_from_both_readings() -> None:
    table = json.loads((Path(__file__).resolve().parent.parent / "tradelint/packs/library_resources.json").read_text())
    assert set(table["versions"]["aiogram.Bot"]) == {"aiogram-2.25.2", "aiogram-3.31.0"}
    assert "aiogram.Bot" not in table["types"]  # the two readings disagree: no answer without a declaration
    assert table["version_sources"]["aiogram"] == ["aiogram-2.25.2", "aiogram-3.31.0"]


def _wheel(root: Path, folder: str, files: dict[str, str]) -> Path:
    _write(root / folder, files)
    return root / folder


def test_generator_follows_a_star_re_export_to_judge_a_subclass(tmp_path: Path) -> None:
    """discord.py's ``commands.Bot(BotBase, discord.Client)``: ``discord.Client`` is bound by
    ``from .client import *``, which the subclass rule now follows while the rules run."""
    import make_resource_table as gen

    wheel = _wheel(tmp_path, "chatlib-1.0", {
        "chatlib/__init__.py": "from .client import *\n",
        "chatlib/client.py": (
            "import aiohttp\n\n\nclass Client:\n    def __init__(self):\n        self.http = aiohttp.ClientSession()\n\n"
            "    async def close(self):\n        await self.http.close()\n"
        ),
        "chatlib/ext/__init__.py": "",
        "chatlib/ext/bot.py": "import chatlib\n\n\nclass Bot(chatlib.Client):\n    pass\n",
    })
    assert "chatlib.ext.bot.Bot" in gen.generate([wheel])
    # (session 50: the class's lineage follows the star import too, as Python binds the name,
    # so either reading finds it; with neither, none does)
    gen.STAR_RULE = False
    try:
        assert "chatlib.ext.bot.Bot" in gen.generate([wheel])
        gen.STAR_REBINDING = False
        assert "chatlib.ext.bot.Bot" not in gen.generate([wheel])
    finally:
        gen.STAR_RULE = gen.STAR_REBINDING = True


def test_version_entries_records_each_reading(tmp_path: Path) -> None:
    old = {
        "botlib/__init__.py": "from .bot import Bot\n",
        "botlib/bot.py": (
            "import aiohttp\n\n\nclass Bot:\n    def __init__(self):\n        self.session = aiohttp.ClientSession()\n\n"
            "    async def close(self):\n        await self.session.close()\n"
        ),
    }
    new = {
        "botlib/__init__.py": "from .client import Bot\n",
        "botlib/client.py": (
            "import aiohttp\n\n\nclass Bot:\n    def __init__(self):\n        self.pool = aiohttp.ClientSession()\n\n"
            "    async def shutdown(self):\n        await self.pool.close()\n"
        ),
    }
    _wheel(tmp_path / "src", "botlib-1.0", old)
    _wheel(tmp_path / "src", "botlib-2.0", new)
    listed = tmp_path / "pins.txt"
    listed.write_text("botlib==1.0\nbotlib==2.0\n", encoding="utf-8")
    table = tmp_path / "table.json"
    table.write_text(json.dumps({"sources": [], "types": {}, "makers": {}, "returns": {}}), encoding="utf-8")
    assert version_entries.main(["--table", str(table), "--src", str(tmp_path / "src"), "--list", str(listed)]) == 0
    written = json.loads(table.read_text())
    assert written["types"] == {}
    assert {wheel: row["close"] for wheel, row in written["versions"]["botlib.Bot"].items()} == {"botlib-1.0": "close", "botlib-2.0": "shutdown"}
    assert written["version_sources"] == {"botlib": ["botlib-1.0", "botlib-2.0"]}


GETTER = """\
from functools import cached_property

import redis.asyncio as redis


class Store:
    def __init__(self, url):
        self.url = url
        self._redis = None

    @cached_property
    def _client(self):
        self._redis = redis.from_url(self.url)
        return self._redis

    async def get(self, key):
        return await self._client.get(key)

    async def close(self):
        CLOSE
"""


def test_closed_through_a_cached_property_getter(tmp_path: Path) -> None:
    """elastic/connectors' ``RedisClient``: ``close()`` awaits ``self._client.aclose()``, where
    ``_client`` is a ``cached_property`` returning ``self._redis_client``: that closes it. (Seen
    once ``redis`` in ``connectors/sources/redis.py`` was read as the library, not the file.)"""
    closed = {"store.py": GETTER.replace("CLOSE", "await self._client.aclose()")}
    assert tree_findings(tmp_path, closed, "TRD2") == []
    left = {"store.py": GETTER.replace("CLOSE", "pass")}
    assert tree_findings(tmp_path / "left", left, "TRD2") == [
        "store.py:13:9 TRD202 `self._redis` is never closed; call its `aclose()` in `close()`"
    ]


def test_a_module_named_like_a_library_does_not_shadow_it(tmp_path: Path) -> None:
    """``sources/redis.py`` importing ``redis.asyncio``: the module cannot supply ``asyncio``, so
    the import is redis-py's (the module would import itself only as a script's folder)."""
    source = GETTER.replace("CLOSE", "pass")
    assert tree_findings(tmp_path, {"sources/redis.py": source}, "TRD2") == [
        "redis.py:13:9 TRD202 `self._redis` is never closed; call its `aclose()` in `close()`"
    ]


LENT = """\
import asyncio

import aiohttp


class App:
    _session = None

    @property
    def session(self):
        if not self._session:
            self._session = aiohttp.ClientSession()
        return self._session

    def run(self, platforms, tasks):
        for platform in platforms:
            platform["OPTIONS"]["session"] = self.session
        for task in tasks:
            asyncio.get_event_loop().create_task(task(session=self.session))
"""


def test_a_getter_handed_on_is_no_release(tmp_path: Path) -> None:
    """rougeth/bottery: the ``session`` property is the public handle, lent to engines and tasks;
    handing it on does not close the session the class made (only a release through the getter,
    as above, does)."""
    assert tree_findings(tmp_path, {"app.py": LENT}, "TRD2") == [
        "app.py:12:13 TRD202 `self._session` is never closed; add a `close()` method that calls its `close()`"
    ]
    closed = LENT + "\n    async def close(self):\n        await self.session.close()\n"
    assert tree_findings(tmp_path / "closed", {"app.py": closed}, "TRD2") == []
