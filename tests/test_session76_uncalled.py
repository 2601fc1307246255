"""Session 76: a method an application never runs leaks nothing (``facts/unreachable.py``); a field
filtered in place holds nothing (``unopened._filters_itself``).

In an application (a Home Assistant integration, or a project that no ``setup.py``,
``setup.cfg`` or ``pyproject.toml`` ``[project]``/``[tool.poetry]`` makes a distribution), a
method of a first-party class that no file of the project names (no call, no bound method handed
on, no string, no comment; a ``def`` of the same name elsewhere is no mention) never runs: no
TRD2xx or TRD3xx finding is made in it. Development applications labelled these false
(``benchmarks/labels/heads70_a.tsv``: ha-live-voice's ``process_audio()``, two TRD304s;
``benchmarks/labels/apps72.tsv``: tg_arbitrage's ``get_contract_info()``, a TRD202).

Twins, each still reported: the method's name in a string, a library project, a library base,
a decorated method, a subclass in the project with a library base, a ``getattr`` with a
computed name in the module or one composed around a part of the name in another, a test module, a module-level function, an instance handed to a library (which may call any
method by name). A subclass whose lineage is all first-party (a mixin composed into a
controller) calls nothing by name either. A cached run rechecks the file when another file starts
calling the method.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trees import findings, write

CLIENT = '''\
import aiohttp


class Client:
    async def used(self):
        self.session = aiohttp.ClientSession()

    async def unused(self):
        self.other = aiohttp.ClientSession()

    async def close(self):
        await self.session.close()
'''

MAIN = '''\
import asyncio

from app.client import Client


async def main():
    client = Client()
    try:
        await client.used()
    finally:
        await client.close()


asyncio.run(main())
'''

UNUSED = "app/client.py:9:9 TRD202 `self.other` is never closed; call its `close()` in `close()`"


def _app(root: Path, client: str = CLIENT, main: str = MAIN, marker: tuple[str, str] = ("requirements.txt", "aiohttp\n")) -> Path:
    write(root / marker[0], marker[1])
    write(root / "app" / "__init__.py", "")
    write(root / "app" / "client.py", client)
    write(root / "app" / "main.py", main)
    return root


def test_a_method_nothing_names_is_not_judged_in_an_application(tmp_path: Path) -> None:
    assert findings(_app(tmp_path), "TRD2") == []


def test_a_def_of_the_same_name_elsewhere_names_nothing(tmp_path: Path) -> None:
    root = _app(tmp_path)
    write(root / "backup.py", "class Old:\n    async def unused(self):\n        pass\n")
    assert findings(root, "TRD2") == []


def test_a_home_assistant_integration_is_an_application_whatever_its_pyproject(tmp_path: Path) -> None:
    root = tmp_path
    write(root / "pyproject.toml", "[project]\nname = 'ha-demo'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    folder = root / "custom_components" / "demo"
    write(folder / "__init__.py", "")
    write(folder / "client.py", CLIENT)
    write(folder / "main.py", MAIN.replace("app.client", "custom_components.demo.client"))
    assert findings(root, "TRD2") == []


@pytest.mark.parametrize(
    "case",
    ["string", "library", "library_base", "decorated", "subclass", "getattr", "composed", "test_module"],
)
def test_twins_that_may_run_the_method_are_still_reported(tmp_path: Path, case: str) -> None:
    client, main, marker = CLIENT, MAIN, ("requirements.txt", "aiohttp\n")
    if case == "string":
        main += 'HANDLERS = {"other": "unused"}\n'
    elif case == "library":
        marker = ("pyproject.toml", "[project]\nname = 'client-lib'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    elif case == "library_base":
        client = client.replace("import aiohttp\n", "import aiohttp\nfrom somelib import Base\n").replace("class Client:", "class Client(Base):")
    elif case == "decorated":
        client = client.replace("    async def unused", "    @register\n    async def unused").replace("import aiohttp\n", "import aiohttp\nfrom somelib import register\n")
    elif case == "subclass":
        # (A subclass with a library base: the library may call the method by name.)
        main += "\n\nfrom somelib import Base\n\n\nclass Special(Client, Base):\n    pass\n"
    elif case == "composed":
        # (A dispatcher of another module composes the name: ``getattr(handler, f"on_{event}")``.)
        main += '\n\ndef dispatch(client, kind):\n    return getattr(client, f"un{kind}")()\n'
    elif case == "getattr":
        client += "\n\nasync def dispatch(client, name):\n    await getattr(client, name)()\n"
    root = _app(tmp_path, client, main, marker)
    if case == "test_module":
        (root / "app" / "client.py").rename(root / "app" / "test_client.py")
        main = main.replace("app.client", "app.test_client")
        write(root / "app" / "main.py", main)
    path = "app/test_client.py" if case == "test_module" else "app/client.py"
    unused = {"library_base": 10, "decorated": 11}.get(case, 9)
    assert findings(root, "TRD2") == [UNUSED.replace("app/client.py:9:", f"{path}:{unused}:")]


def test_a_module_level_function_is_still_judged(tmp_path: Path) -> None:
    # (one that nothing names is not, since session 95: ``facts/uncalled_functions.py``; this one
    # a string names, as a dispatch table would)
    client = CLIENT + "\n\nasync def helper():\n    s = aiohttp.ClientSession()\n    print(s.closed)\n\nHOOKS = ['helper']\n"
    got = findings(_app(tmp_path, client), "TRD2")
    assert got == ["app/client.py:16:5 TRD201 `s` (`aiohttp.ClientSession(...)`) is never closed; open it with `async with`"]


def test_tasks_alike(tmp_path: Path) -> None:
    client = '''\
import asyncio


class Worker:
    async def run(self):
        asyncio.create_task(self.tick())

    async def run_later(self):
        asyncio.create_task(self.tick())

    async def tick(self):
        pass
'''
    main = "from app.client import Worker\n\n\nasync def main():\n    await Worker().run()\n"
    assert findings(_app(tmp_path, client, main), "TRD3") == [
        "app/client.py:6:9 TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
    ]


def test_a_cached_run_rechecks_the_class_when_a_file_starts_calling_the_method(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_cache_scans import run

    tree, cache = tmp_path / "tree", tmp_path / "cache"
    _app(tree)
    first = [(path, line) for path, line, code in run(tree, cache, monkeypatch)[1] if code.startswith("TRD2")]
    assert first == []
    write(tree / "app" / "later.py", "async def later(client):\n    await client.unused()\n")
    checked, found = run(tree, cache, monkeypatch)
    assert "app/client.py" in checked
    assert [(path, line) for path, line, code in found if code.startswith("TRD2")] == [("app/client.py", 9)]


def test_a_class_named_but_none_of_whose_methods_is(tmp_path: Path) -> None:
    # (Made, never used: a development application's ``self.etherscan = EtherscanClient()``.)
    main = "from app.client import Client\n\nclient = Client()\n"
    assert findings(_app(tmp_path, main=main), "TRD2") == []
    # Twin: the class itself given away (``print(Client)``, a factory a library calls) escapes.
    main = "from app.client import Client\n\nprint(Client)\n"
    assert findings(_app(tmp_path, main=main), "TRD2") == [UNUSED]


def test_twin_an_instance_handed_to_a_library_may_have_any_method_called(tmp_path: Path) -> None:
    # discord.py's ``bot.add_cog(Mentions(bot))`` registers the cog's ``on_message`` by its name
    # (Rapptz/RoboDanny's cogs, plain classes); so does any library given the instance.
    for main in (
        "from somelib import register\nfrom app.client import Client\n\nregister(Client())\n",
        "from somelib import register\nfrom app.client import Client\n\nclient = Client()\nregister(client)\n",
        # (Through a first-party helper, a container, an alias.)
        "from somelib import register\nfrom app.client import Client\n\n\ndef install(c):\n    register(c)\n\n\ninstall(Client())\n",
        "from somelib import Bot\nfrom app.client import Client\n\nclient = Client()\nBot(cogs=[client])\n",
        "from somelib import register\nfrom app.client import Client as C\n\nregister(C())\n",
    ):
        write(tmp_path / "app" / "main.py", main)
        assert findings(_app(tmp_path, main=main), "TRD2") == [UNUSED], main


def test_the_configuration_judges_uncalled_methods_too(tmp_path: Path) -> None:
    root = _app(tmp_path)
    write(root / "pyproject.toml", "[tool.tradelint]\ncheck-uncalled-methods = true\n")
    assert findings(root, "TRD2") == [UNUSED]


WS = '''\
import aiohttp


class WsClient:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._ws = None
        self._subs: list[dict] = []

    async def connect(self) -> None:
        self._ws = await self._session.ws_connect("ws://x")

    async def subscribe(self, subs: list[dict]) -> None:
        self._subs = list(subs)

    async def unsubscribe(self, ids: list[str]) -> None:
        self._subs = [s for s in self._subs if s.get("id") not in ids]

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
'''

CHECK = '''\
from app.ws import WsClient


async def stores_subscriptions(session):
    client = WsClient(session)
    await client.subscribe([{"id": "a"}])
    assert client._subs == [{"id": "a"}]
'''


@pytest.mark.parametrize("unsubscribe", ["[s for s in self._subs if", "[dict(s) for s in self._subs if"])
def test_a_field_filtered_in_place_holds_nothing(tmp_path: Path, unsubscribe: str) -> None:
    # A lazy client never connected holds nothing; reading a field it keeps plain values in opens
    # nothing, also when a method stores back a filter of the field itself (a development
    # application's test, labelled false in benchmarks/labels/apps72.tsv). Twin: a comprehension
    # that makes new elements may hold anything.
    write(tmp_path / "requirements.txt", "aiohttp\n")
    write(tmp_path / "app" / "__init__.py", "")
    write(tmp_path / "app" / "ws.py", WS.replace("[s for s in self._subs if", unsubscribe))
    write(tmp_path / "app" / "check.py", CHECK)
    expected = [] if unsubscribe.startswith("[s ") else [
        "app/check.py:5:5 TRD201 `client` (`WsClient(...)`) is never closed; call `await client.close()` in a `finally`"
    ]
    assert findings(tmp_path, "TRD2") == expected


def test_a_first_party_subclass_calls_nothing_by_name(tmp_path: Path) -> None:
    main = MAIN + "\n\nclass Special(Client):\n    pass\n"
    assert findings(_app(tmp_path, main=main), "TRD2") == []


def test_a_class_nothing_names_runs_none_of_its_methods(tmp_path: Path) -> None:
    # Left behind whole: no import, no call, no base, no string names it.
    assert findings(_app(tmp_path, main="print('started')\n"), "TRD2") == []


def test_twin_a_base_that_registers_its_subclasses(tmp_path: Path) -> None:
    client = CLIENT.replace("class Client:", "class Plugin:\n    def __init_subclass__(cls, **kw):\n        REGISTRY.append(cls)\n\n\nclass Client(Plugin):")
    client = "REGISTRY = []\n\n" + client
    assert findings(_app(tmp_path, client, main="print('started')\n"), "TRD2") == [
        UNUSED.replace(":9:", ":16:")
    ]
