"""Session 20 (issue 28, detection that generalizes): a class the project's own code releases is a
resource (a preview until session 25, now a default).

A class of a library that is neither installed nor in the project nor read into the library table
(``from somelib import Gateway``) says nothing of itself. When a first-party module, not a test,
makes an instance and awaits a release-named method of that very instance (a local of the same
function, an attribute of ``self`` in the same class), the project says a ``Gateway`` must be
released: every other instance it makes is judged as a first-party resource type is. A receiver
known only by its name, a parameter, an ``async with`` (the type may only wrap what it is given),
a test's close, a package the resource table read: no evidence. Each shape has its negative twin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.trees import configs_for
from tradelint.api import check_paths
from tradelint.facts.context import Project
from tradelint.runner import demand, runner

HUB = """\
from somelib import Gateway


class Hub:
    async def start(self, host):
        self.gw = Gateway(host)
        await self.gw.connect()

    async def stop(self):
        await self.gw.close()
"""

CHECK = """\
from somelib import Gateway


async def check(host):
    gw = Gateway(host)
    await gw.connect()
    return await gw.info()


class Poller:
    async def start(self, host):
        self.gateway = Gateway(host)
        await self.gateway.connect()

    async def stop(self):
        pass
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n", encoding="utf-8")
    package = tmp_path / "app"
    for name, source in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    return tmp_path


def _findings(root: Path, preview: bool = True) -> list[str]:
    return sorted(
        f"{Path(f.path).relative_to(root).as_posix()}:{f.line}:{f.column} {f.code} {f.message}"
        for f in check_paths(sorted(root.rglob("*.py")), select=["TRD2"], preview=preview)
    )


LOCAL = "app/check.py:5:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.close()` in a `finally`"
ATTRIBUTE = "app/check.py:12:9 TRD202 `self.gateway` is never closed; call its `close()` in `stop()`"


def test_a_type_the_project_closes_on_self_is_a_resource_elsewhere(tmp_path: Path) -> None:
    root = _project(tmp_path, {"hub.py": HUB, "check.py": CHECK})
    assert _findings(root) == [ATTRIBUTE, LOCAL]


def test_the_evidence_is_a_default_since_session_25(tmp_path: Path) -> None:
    # Measured in preview from session 20 to 24 (one finding more on 93 applications, true):
    # the default rules judge the project's own evidence alike.
    root = _project(tmp_path, {"hub.py": HUB, "check.py": CHECK})
    assert _findings(root, preview=False) == [ATTRIBUTE, LOCAL]


def test_a_type_closed_as_a_local_is_evidence_too(tmp_path: Path) -> None:
    closer = """\
from somelib import Gateway


async def probe(host):
    gw = Gateway(host)
    await gw.connect()
    await gw.disconnect()
"""
    root = _project(tmp_path, {"probe.py": closer, "check.py": CHECK})
    # (The probe itself disconnects only when the connect succeeds: its caller goes on.)
    assert _findings(root) == [
        "app/check.py:12:9 TRD202 `self.gateway` is never closed; call its `disconnect()` in `stop()`",
        "app/check.py:5:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.disconnect()` in a `finally`",
        "app/probe.py:5:5 TRD201 `gw` (`Gateway(...)`) is closed outside `finally`; move `gw.disconnect()` into a `finally`",
    ]


def test_a_type_the_project_closes_is_clean_where_it_is_closed_in_finally(tmp_path: Path) -> None:
    closed = """\
from somelib import Gateway


async def check(host):
    gw = Gateway(host)
    try:
        await gw.connect()
        return await gw.info()
    finally:
        await gw.close()
"""
    root = _project(tmp_path, {"hub.py": HUB, "check.py": closed})
    assert _findings(root) == []


def test_a_type_never_released_anywhere_is_not_judged(tmp_path: Path) -> None:
    root = _project(tmp_path, {"check.py": CHECK})
    assert _findings(root) == []


def test_a_close_in_a_test_is_no_evidence(tmp_path: Path) -> None:
    test = HUB.replace("class Hub", "class FakeHub")
    root = _project(tmp_path, {"tests/test_hub.py": test, "check.py": CHECK})
    assert _findings(root) == []


def test_a_receiver_not_made_from_the_type_is_no_evidence(tmp_path: Path) -> None:
    given = """\
from somelib import Gateway


class Hub:
    def __init__(self, gw: Gateway):
        self.gw = gw

    async def stop(self):
        await self.gw.close()


async def run(gateway):
    gw = gateway
    await gw.close()
"""
    root = _project(tmp_path, {"hub.py": given, "check.py": CHECK})
    assert _findings(root) == []


def test_an_async_with_alone_is_no_evidence(tmp_path: Path) -> None:
    entered = """\
from somelib import Gateway


async def probe(host):
    async with Gateway(host) as gw:
        await gw.info()
"""
    root = _project(tmp_path, {"probe.py": entered, "check.py": CHECK})
    assert _findings(root) == []


def test_a_class_of_a_package_the_table_read_is_judged_by_the_table(tmp_path: Path) -> None:
    # aiohttp's own code says which of its classes are resources: ``ClientResponse`` is not one.
    table = """\
from aiohttp import ClientResponse


class Reader:
    async def start(self, url):
        self.response = ClientResponse(url)

    async def stop(self):
        await self.response.release()


async def read(url):
    response = ClientResponse(url)
    return await response.text()
"""
    root = _project(tmp_path, {"reader.py": table})
    assert _findings(root) == []


def test_a_first_party_class_is_judged_by_its_own_code(tmp_path: Path) -> None:
    own = {
        "gateway.py": "class Gateway:\n    def __init__(self, host):\n        self.host = host\n\n    async def close(self):\n        pass\n",
        "hub.py": HUB.replace("from somelib import Gateway", "from app.gateway import Gateway"),
        "check.py": CHECK.replace("from somelib import Gateway", "from app.gateway import Gateway"),
    }
    root = _project(tmp_path, own)
    assert _findings(root) == []


def test_on_demand_a_file_importing_a_third_party_type_is_checked_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check.py names no resource word: the evidence is in hub.py, and the type may come from any
    # third-party package, so every file that imports one may get a TRD2 finding; a file that
    # imports only the standard library and the project's own modules may not.
    root = _project(tmp_path, {"hub.py": HUB, "check.py": CHECK, "plain.py": "import os\nfrom app import hub\n\n\nclass Gate:\n    pass\n"})
    configs = configs_for(root)
    check = root / "app" / "check.py"
    plain = root / "app" / "plain.py"
    assert "TRD2" in demand.HostedDemand(Project()).families(check, check.read_bytes(), configs[check])
    assert "TRD2" not in demand.HostedDemand(Project()).families(plain, plain.read_bytes(), configs[plain])
    monkeypatch.setenv(demand.ENV, "1")
    lazy = runner.check_files(configs, jobs=1)
    assert sorted(f"{Path(f.path).name}:{f.line} {f.code}" for f in lazy.findings if f.code.startswith("TRD2")) == [
        "check.py:12 TRD202",
        "check.py:5 TRD201",
    ]


SHARED = """\
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from somelib import Gateway


async def validate(hass, host):
    session = async_get_clientsession(hass)
    gw = Gateway(host, session)
    await gw.connect()
    return await gw.info()


async def validate_inline(hass, host):
    gw = Gateway(host, session=async_get_clientsession(hass))
    await gw.connect()
    return await gw.info()
"""


def test_an_instance_given_an_object_another_function_provides_may_only_wrap_it(tmp_path: Path) -> None:
    # pyeasee's ``Easee(user, password, async_get_clientsession(hass))``: its ``close()`` closes
    # only a session it made itself; handed Home Assistant's shared one, it holds nothing more
    # until it is subscribed to.
    root = _project(tmp_path, {"hub.py": HUB, "flow.py": SHARED})
    assert _findings(root) == []


def test_an_instance_given_plain_values_is_judged(tmp_path: Path) -> None:
    plain = SHARED.replace("async_get_clientsession(hass)", "str(hass)")
    root = _project(tmp_path, {"hub.py": HUB, "flow.py": plain})
    assert _findings(root) == [
        "app/flow.py:13:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.close()` in a `finally`",
        "app/flow.py:7:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.close()` in a `finally`",
    ]


FACTORY_EVIDENCE = """\
from somedb import Database


class Instance:
    async def start(self, url):
        self.db = Database.create(url)
        await self.db.start()

    async def stop(self):
        await self.db.stop()
"""

FACTORY_USE = """\
from somedb import Database


class Service:
    async def start(self, url):
        self.extra_db = Database.create(url)
        await self.extra_db.start()
        self.cached_db = Database.shared(url)
        await self.cached_db.start()

    async def stop(self):
        pass
"""


def test_what_a_class_s_maker_returns_is_judged_as_the_project_releases_it(tmp_path: Path) -> None:
    # maubot's ``self.crypto_db = Database.create(...)`` (mautrix), started and never stopped,
    # where another class stops what ``Database.create`` returns. Another maker of the class
    # (``Database.shared``, which may return one instance to every caller) is not judged by it.
    root = _project(tmp_path, {"instance.py": FACTORY_EVIDENCE, "service.py": FACTORY_USE})
    assert _findings(root) == [
        "app/service.py:6:9 TRD202 `self.extra_db` is never closed; call its `stop()` in `stop()`",
    ]


SINGLETON = """\
from somelib import Manager


class App:
    async def start(self):
        self.manager = Manager.instance()
        await self.manager.start()

    async def shutdown(self):
        await self.manager.shutdown()


async def handler():
    manager = Manager.instance()
    await manager.refresh()
"""


def test_a_maker_given_nothing_may_return_a_shared_instance(tmp_path: Path) -> None:
    # ``Manager.instance()`` can only return what it already holds (or a default): the app's
    # shutdown ends the one instance, and the handler borrows it.
    root = _project(tmp_path, {"app.py": SINGLETON})
    assert _findings(root) == []
    given = SINGLETON.replace("Manager.instance()", "Manager.open(config)")
    root = _project(tmp_path, {"app.py": given})
    assert _findings(root) == [
        "app/app.py:14:5 TRD201 `manager` (`Manager.open(...)`) is never closed; call `await manager.shutdown()` in a `finally`",
    ]


def test_a_release_of_a_part_is_no_evidence(tmp_path: Path) -> None:
    # alexapy's ``await self.alexa_api.disconnect_bluetooth()`` ends a Bluetooth pairing, not the
    # ``AlexaAPI``: for a class whose code is not read only a release of the whole object counts.
    part = HUB.replace("await self.gw.close()", "await self.gw.disconnect_bluetooth()")
    root = _project(tmp_path, {"hub.py": part, "check.py": CHECK})
    assert _findings(root) == []
    whole = HUB.replace("await self.gw.close()", "await self.gw.async_close()")
    root = _project(tmp_path, {"hub.py": whole, "check.py": CHECK})
    assert _findings(root) == [
        "app/check.py:12:9 TRD202 `self.gateway` is never closed; call its `async_close()` in `stop()`",
        "app/check.py:5:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.async_close()` in a `finally`",
    ]


def test_a_class_of_a_namespace_package_of_the_project_is_its_own(tmp_path: Path) -> None:
    # backend.ai's ``ai.backend.common...ClientPool``: ``ai`` and ``ai.backend`` have no
    # ``__init__``, and a folder checked without a project marker starts its imports below them
    # (at ``ai/backend``): the module it is imported from is a file of the project all the same.
    files = {
        "src/ns/sub/common/__init__.py": "",
        "src/ns/sub/common/pool.py": "class ClientPool:\n    def __init__(self, factory):\n        self.factory = factory\n",
        "src/ns/sub/app/__init__.py": "",
        "src/ns/sub/app/hub.py": HUB.replace("from somelib import Gateway", "from ns.sub.common.pool import ClientPool as Gateway"),
        "src/ns/sub/app/check.py": CHECK.replace("from somelib import Gateway", "from ns.sub.common.pool import ClientPool as Gateway"),
    }
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source, encoding="utf-8")
    assert _findings(tmp_path) == []
    (tmp_path / "src/ns/sub/app/hub.py").write_text(HUB, encoding="utf-8")
    (tmp_path / "src/ns/sub/app/check.py").write_text(CHECK, encoding="utf-8")
    assert _findings(tmp_path) == [
        "src/ns/sub/app/check.py:12:9 TRD202 `self.gateway` is never closed; call its `close()` in `stop()`",
        "src/ns/sub/app/check.py:5:5 TRD201 `gw` (`Gateway(...)`) is never closed; call `await gw.close()` in a `finally`",
    ]
