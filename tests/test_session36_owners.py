"""Session 36 (issue 28): ownership and lifetime through the project's own classes.

- **The last definition of a method in a class body is the one that counts.** Python keeps the
  last ``def`` of a name: a class that defines ``async def close()`` (closing its session) and
  later a plain ``def close()`` (closing something else) has only the plain one. Every model that
  reads a class's members (summaries, release methods, un-awaited releases, the class's own
  closes) reads that last ``def`` (SXP-Simon/astrbot_plugin_qq_group_daily_analysis ``c65d26b4``:
  the plugin's ``terminate()`` called the sync ``close()``, and the session was never closed).
  A ``@name.setter`` ``def`` builds on the earlier property and replaces nothing.
"""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths
from tests.conftest import source_findings


def _check(tmp_path: Path, source: str, name: str = "worker.py") -> list[str]:
    return source_findings(tmp_path, source, "TRD2", name)


REPLACED = """\
import aiohttp


class Client:
    def __init__(self):
        self._session = aiohttp.ClientSession()

{first}

{second}


class Owner:
    def __init__(self):
        self.client = Client()

    async def stop(self):
        self.client.close()
"""
ASYNC_CLOSE = """\
    async def close(self):
        await self._session.close()"""
SYNC_CLOSE = """\
    def close(self):
        pass"""


def test_a_close_replaced_by_a_later_definition_closes_nothing(tmp_path: Path) -> None:
    source = REPLACED.replace("{first}", ASYNC_CLOSE).replace("{second}", SYNC_CLOSE)
    assert _check(tmp_path, source) == [
        "6:9 TRD202 `self._session` is never closed: the `close()` that closes it is replaced by a later `close()`",
    ]


def test_the_last_close_is_the_one_called(tmp_path: Path) -> None:
    # Negative twin of the above, in the other order: the async ``close()`` is the one Python
    # keeps, so the session is closed by it, and the owner's bare call of it runs nothing.
    source = REPLACED.replace("{first}", SYNC_CLOSE).replace("{second}", ASYNC_CLOSE)
    assert _check(tmp_path, source) == [
        "17:9 TRD202 `self.client` is never closed: its `close()` is never awaited",
        "20:9 TRD205 `self.client.close()` is never awaited, so it closes nothing; await it",
    ]


PROPERTY = """\
import aiohttp


class Client:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    @property
    def close(self):
        return self._close

    @close.setter
    def close(self, value):
        self._close = value

    async def _close(self):
        await self._session.close()


async def main():
    client = Client()
    await client.close()
"""


def test_a_property_setter_replaces_nothing(tmp_path: Path) -> None:
    assert _check(tmp_path, PROPERTY) == []


def _project(tmp_path: Path, files: dict[str, str], only: str) -> list[str]:
    """The findings in the file ``only`` of a project of ``files``."""
    for name, source in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    found = check_paths([tmp_path / name for name in files], select=["TRD2"])
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in found if Path(f.path).name == only]


CONNECTOR = """\
import aiohttp


async def connect(host):
    connection = Connection()
    await connection.connect(host)
    return connection


class Connection:
    def __init__(self):
        self._session = None

    async def connect(self, host):
        self._session = aiohttp.ClientSession(base_url=host)

    async def close(self):
        if self._session is not None:
            await self._session.close()
"""
FLOW = """\
from connector import connect as open_connection


class Flow:
    async def step(self, host):
        {body}
        return host
"""


def test_an_imported_async_maker_that_opened_what_it_returns_makes_a_resource(tmp_path: Path) -> None:
    # ``connect()`` awaits a method of the lazy ``Connection`` it returns: the caller gets one in
    # use, which it must close (planbnet/livisi_unofficial ``827d5016``'s config flow).
    flow = FLOW.replace("{body}", "self.connection = await open_connection(host)")
    assert _project(tmp_path, {"connector.py": CONNECTOR, "flow.py": flow}, "flow.py") == [
        "6:9 TRD202 `self.connection` is never closed; add a `close()` method that calls its `close()`",
    ]


def test_an_imported_async_maker_s_resource_closed_by_its_holder(tmp_path: Path) -> None:
    # Negative twin: the flow's own ``close()`` closes what it got.
    flow = FLOW.replace("{body}", "self.connection = await open_connection(host)") + (
        "\n    async def close(self):\n        await self.connection.close()\n"
    )
    assert _project(tmp_path, {"connector.py": CONNECTOR, "flow.py": flow}, "flow.py") == []


COORDINATOR = """\
from connector import connect


class Coordinator:
    def __init__(self, host):
        self.host = host

    async def setup(self):
        self.api = await connect(self.host)

    async def devices(self):
        return await self.api.devices()
"""
MIGRATE = """\
from coordinator import Coordinator


async def migrate(host):
    coordinator = Coordinator(host)
{body}
"""


def test_an_instance_opened_by_its_own_method_and_dropped_leaks_what_it_opened(tmp_path: Path) -> None:
    # ``Coordinator`` keeps what its ``setup()`` opens and no method of it closes it: the
    # function that made one and set it up must close it (livisi ``3749b125``).
    body = "    await coordinator.setup()\n    return await coordinator.devices()"
    files = {"connector.py": CONNECTOR, "coordinator.py": COORDINATOR, "migrate.py": MIGRATE.replace("{body}", body)}
    assert _project(tmp_path, files, "migrate.py") == [
        "5:5 TRD201 `coordinator.api` is never closed once `coordinator.setup()` opens it; call its `close()` in a `finally`",
    ]


def test_an_instance_opened_and_closed_through_it_or_never_opened_is_fine(tmp_path: Path) -> None:
    # Negative twins: closed in a ``finally`` through the instance; never set up (it holds
    # nothing); kept in a container (whoever reads it there ends it).
    closed = "    await coordinator.setup()\n    try:\n        return await coordinator.devices()\n    finally:\n        await coordinator.api.close()"
    never = "    return coordinator.host"
    kept = "    await coordinator.setup()\n    REGISTRY[host] = coordinator"
    for body in (closed, never, kept):
        files = {"connector.py": CONNECTOR, "coordinator.py": COORDINATOR, "migrate.py": "REGISTRY = {}\n" + MIGRATE.replace("{body}", body)}
        assert _project(tmp_path, files, "migrate.py") == [], body


PROBE = """\
from connector import connect


async def probe(host):
    connection = await connect(host)
    return host
"""


def test_what_a_maker_opened_is_held_even_unused(tmp_path: Path) -> None:
    # The maker awaited ``connection.connect()``: what it returns holds its session already.
    assert _project(tmp_path, {"connector.py": CONNECTOR, "probe.py": PROBE}, "probe.py") == [
        "5:5 TRD201 `connection` (`connect(...)`) is never closed; call `await connection.close()` in a `finally`",
    ]


def test_what_a_maker_did_not_open_holds_nothing_unused(tmp_path: Path) -> None:
    # Negative twin: a lazy connection the maker never used holds nothing until it is.
    connector = CONNECTOR.replace("    await connection.connect(host)\n", "")
    assert _project(tmp_path, {"connector.py": connector, "probe.py": PROBE}, "probe.py") == []


DEVICE = """\
import ssl

import aiohttp


class Device:
    def __init__(self, host, session=None, ssl_context=None):
        self.host = host
        self.session = session or aiohttp.ClientSession()
        self.ssl_context = ssl_context or ssl.create_default_context()

    async def init(self):
        await self.session.get(self.host)

    async def aclose(self):
        await self.session.close()


async def probe(host, context, shared):
    device = Device(host, {given})
    await device.init()
    return device.host
"""


def test_a_given_value_that_is_no_resource_borrows_nothing(tmp_path: Path) -> None:
    # ``ssl_context`` is stored where the class would make its own, but an SSL context is no
    # resource: the device still makes and owns its session (fredrike/pydaikin ``69cf5c77``).
    assert _check(tmp_path, DEVICE.replace("{given}", "ssl_context=context")) == [
        "20:5 TRD201 `device` (`Device(...)`) is never closed; call `await device.aclose()` in a `finally`",
    ]


def test_a_given_session_is_borrowed(tmp_path: Path) -> None:
    # Negative twin: handed the caller's session, the device makes none of its own.
    assert _check(tmp_path, DEVICE.replace("{given}", "session=shared")) == []


CONTAINER = """\
import aiohttp


class Container:
    def __init__(self, cfg):
        self.cfg = cfg
        self._session = None

    async def start(self):
        self._session = aiohttp.ClientSession()
        await self._session.get(self.cfg)

    async def stop(self):
        await self._session.close()


class Plugin:
    def __init__(self):
        self._container = None

    async def restart(self, cfg):
        try:
            if self._container is not None:
                await self._container.stop()
            new = Container(cfg)
{start}
            self._container = new
            return True
        except Exception:
            return False

    async def terminate(self):
        if self._container is not None:
            await self._container.stop()
"""


def test_a_half_started_instance_dropped_by_a_rollback_leaks(tmp_path: Path) -> None:
    # ``start()`` fails part way; the ``except`` goes on without the new container, which is
    # never stored, so nothing stops it (SolitudeRA/astrbot_plugin_palworld ``26fac233``).
    source = CONTAINER.replace("{start}", "            await new.start()")
    assert _check(tmp_path, source) == [
        "25:13 TRD201 `self._container` (`Container(...)`) leaks when an error before it is stored is caught; close it in that `except`",
    ]


def test_a_half_started_instance_stopped_before_re_raising_is_fine(tmp_path: Path) -> None:
    # Negative twin: the fix stops the new container before the error goes on.
    start = (
        "            try:\n                await new.start()\n            except Exception:\n"
        "                await new.stop()\n                raise"
    )
    assert _check(tmp_path, CONTAINER.replace("{start}", start)) == []


def test_an_error_before_a_lazy_instance_is_started_leaks_nothing(tmp_path: Path) -> None:
    # Negative twin: the only ``await`` before the store is not the container's: made and not
    # yet started, it holds nothing.
    source = CONTAINER.replace("{start}", "            await self.notify(cfg)").replace(
        "    async def terminate(self):", "    async def notify(self, cfg):\n        pass\n\n    async def terminate(self):"
    )
    assert _check(tmp_path, source) == []


GENERATOR = """\
import aiohttp

from diskcache import Cache


class Generator:
    def __init__(self, path):
        self._session = None
        self._cache = Cache(path)

    async def image_report(self, ids):
        try:
            return [await self._avatar(i) for i in ids]
        finally:
            if self._session:
                await self._session.close()
                self._session = None

    async def pdf_report(self, ids):
        return [await self._avatar(i) for i in ids]

    async def _avatar(self, user_id):
        if not self._session:
            self._session = aiohttp.ClientSession()
        return await self._session.get(user_id)

{close}


class Plugin:
    def __init__(self, path):
        self.generator = Generator(path)

    async def terminate(self):
        await self.generator.close()

    async def report(self, ids):
        return await self.generator.pdf_report(ids)
"""


def test_a_release_that_leaves_what_another_path_opens_open(tmp_path: Path) -> None:
    # ``pdf_report()`` reaches the helper that opens the session and nothing that closes it,
    # and ``close()`` closes only the cache: the plugin's ``close()`` of the generator cannot end
    # the session (SXP-Simon/astrbot_plugin_qq_group_daily_analysis ``c65d26b4``).
    close = "    async def close(self):\n        self._cache.close()"
    assert _check(tmp_path, GENERATOR.replace("{close}", close)) == [
        "33:9 TRD202 `self.generator` holds a `self._session` that its `close()` leaves open after `pdf_report()`; "
        "close it in `Generator.close()`",
    ]


def test_a_release_that_closes_what_every_path_opens(tmp_path: Path) -> None:
    # Negative twin: the generator's ``close()`` closes the session too (the fix).
    close = "    async def close(self):\n        self._cache.close()\n        if self._session:\n            await self._session.close()"
    assert _check(tmp_path, GENERATOR.replace("{close}", close)) == []
