"""TRD404 and the installed-library reader: stubs first, nothing imported, open classes left alone.

A fake installed package is written under a ``site-packages`` folder put on ``sys.path``; its
``__init__.py`` raises when imported, so any import of it fails the test.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

from tradelint.facts import library_source
from tradelint.models.renames import library_classes
from tradelint.core.config import clear_cache
from tradelint.facts.context import Project
from tradelint.runner.engine import Checker
from tests.test_rename_history import write

PACKAGE = {
    "__init__.py": 'raise RuntimeError("fakelib was imported")\nfrom fakelib.core import Client\n',
    # The stub wins over the source: the source's `legacy_name` is not in the stub.
    "core.py": "class Client:\n    def legacy_name(self): ...\n",
    "core.pyi": (
        "from fakelib.base import Base\n"
        "class Client(Base):\n"
        "    timeout: float\n"
        "    def __init__(self, url: str) -> None: ...\n"
        "    @property\n"
        "    def spot_markets(self) -> dict[int, str]: ...\n"
        "    def fetch_ticker(self, symbol: str) -> Ticker: ...\n"
        "class Ticker:\n"
        "    __slots__ = ('bid', 'ask')\n"
        "class Lazy:\n"
        "    def __getattr__(self, name: str) -> int: ...\n"
        "class Dynamic:\n"
        "    def __init__(self, **kw: int) -> None:\n"
        "        for k, v in kw.items():\n"
        "            setattr(self, k, v)\n"
        "def connect(url: str) -> Client: ...\n"
        # Seen on matrix-nio: pycryptodome's `AES.new` has one overload per mode.
        "from typing import overload\n"
        "@overload\n"
        "def new(mode: int) -> Ticker: ...\n"
        "@overload\n"
        "def new(mode: str) -> Lazy: ...\n"
    ),
    "base.py": "class Base(Exception):\n    def __init__(self):\n        self.session = None\n",
}

USER = '''\
from fakelib import Client
from fakelib.core import Dynamic, Lazy, connect, new


def use(client: Client, lazy: Lazy, dynamic: Dynamic) -> object:
    ticker = client.fetch_ticker("BTC/USDT")
    return (
        client.spot_market,
        client.legacy_name,
        ticker.bid,
        ticker.mid,
        connect("u").timeout,
        connect("u").time_out,
        client.session,
        client.args,
        lazy.anything,
        dynamic.anything,
        new(1).encrypt,
    )
'''


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    packages = tmp_path / "env" / "site-packages"
    for name, text in PACKAGE.items():
        write(packages / "fakelib" / name, text)
    monkeypatch.syspath_prepend(str(packages))
    library_source._package_locations.cache_clear()
    library_source.module_file.cache_clear()
    library_classes._MEMBERS.clear()
    clear_cache()
    yield packages
    library_source._package_locations.cache_clear()
    library_source.module_file.cache_clear()
    library_classes._MEMBERS.clear()


def findings(tmp_path: Path, source: str = USER) -> list[str]:
    project = tmp_path / "project"
    write(project / "pyproject.toml", "[tool.tradelint]\npreview = true\nselect = ['TRD404']\n")
    write(project / "app.py", source)
    from tradelint.core.config import config_for

    path = project / "app.py"
    return [f"{f.line}:{f.column} {f.message}" for f in Checker(Project()).check_path(path, config_for(path))]


def test_help_names_the_class_in_full_and_its_version(site: Path, tmp_path: Path) -> None:
    from tradelint.core.config import config_for

    findings(tmp_path)
    path = tmp_path / "project" / "app.py"
    helps = [f.help for f in Checker(Project()).check_path(path, config_for(path))]
    assert helps[0] == "`fakelib.Client` (installed) lacks it: reading it raises `AttributeError`"
    assert helps[2] == "`fakelib.core.Ticker` (installed) lacks it: reading it raises `AttributeError`"


def test_reads_stubs_first_and_never_imports(site: Path, tmp_path: Path) -> None:
    assert library_classes.module_file("fakelib.core") == site / "fakelib" / "core.pyi"
    assert findings(tmp_path) == [
        "8:9 `client.spot_market` is not defined on `Client`; did you mean `spot_markets`?",
        "9:9 `client.legacy_name` is not defined on `Client`; check the name against its API",
        "11:9 `ticker.mid` is not defined on `Ticker`; check the name against its API",
        "13:9 `connect('u').time_out` is not defined on `Client`; did you mean `timeout`?",
    ]
    assert "fakelib" not in sys.modules


def test_silent_without_the_package(tmp_path: Path) -> None:
    library_source._package_locations.cache_clear()
    library_source.module_file.cache_clear()
    assert findings(tmp_path) == []


def test_driftpy_vat_as_installed() -> None:
    # The test extras install driftpy 0.8.89 with --no-deps: its Vat is read from the source.
    members = library_classes.library_members("driftpy.pickle.vat.Vat", ())
    assert members is not None
    assert {"spot_markets", "perp_markets", "users", "pickle", "unpickle"} <= members
    assert "spot_map" not in members
    assert "driftpy" not in sys.modules


# How maintainers' migrated code typed its receivers (benchmarks/MIGRATIONS.md): crytic/slither
# imports web3 in a `try` whose `except ImportError` prints and exits, and reads it through a
# property; EthTx/ethtx's `connect_chain` returns `Web3 or None`.
MAINTAINERS = """\
import sys

try:
    from fakelib import Client
except ImportError:
    print("pip install fakelib")
    sys.exit(-1)

try:
    from fakelib.core import Ticker
except ImportError:
    Ticker = None  # another value without fakelib: a receiver typed by it is unknown


def connect(url: str) -> Client or None:
    return Client(url)


class Reader:
    @property
    def client(self) -> Client:
        return Client("u")

    def read(self, ticker: Ticker) -> object:
        return self.client.spot_market, connect("u").time_out, ticker.mid
"""


def test_receivers_typed_as_maintainers_typed_them(site: Path, tmp_path: Path) -> None:
    assert findings(tmp_path, MAINTAINERS) == [
        "25:16 `self.client.spot_market` is not defined on `Client`; did you mean `spot_markets`?",
        "25:41 `connect('u').time_out` is not defined on `Client`; did you mean `timeout`?",
    ]
