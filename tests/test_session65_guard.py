"""Session 65: the guard a fix writes for an attribute that may not be set yet type-checks.

TRD202's fix closes ``self.x`` in the class's shutdown method; when ``__init__`` does not set
``self.x``, a shutdown before the method that sets it would raise ``AttributeError``, so the
release is guarded. The guard was ``if getattr(self, "x", None) is not None:`` then ``await
self.x.stop()``, and mypy does not narrow ``self.x`` through a ``getattr`` test: where the class
declares ``x: Database | None`` (maubot's ``Maubot``: ``crypto_db: Database | None``, set in
``prepare_db()``), the fixed file had a new error, ``Item "None" of "Database | None" has no
attribute "stop"``. The guard now binds the value once, ``if (x := getattr(self, "x", None)) is
not None:``, and the release uses that local, which mypy narrows. TRD305's cancel of the old task
before a store (``self._reader.cancel()``, ``_reader: asyncio.Task[None] | None``) had the same
error and the same cure; TRD303's ``await self._end_tasks(self._task)`` has none (its helper takes
``None``) and is unchanged.

- The local is named after the attribute without its leading underscores, with a suffix while the
  method already binds or reads that name (a local, a parameter, a global it reads, a builtin,
  a keyword), and keeps its underscores when another attribute of the class comes to the same
  name without them.
- ``__init__`` sets the attribute: ``if self.x is not None:`` as before (mypy narrows it).
- A project that supports Python 3.7 (no ``:=``) gets ``x = getattr(self, "x", None)`` on a line
  of its own, then ``if x is not None:``.
- tradelint's own analysis reads ``(x := value)`` as ``x = value`` (``facts.uses.alias_target``):
  the fixed file has no finding left, and a walrus-bound local that is never closed is still
  reported (before, any walrus hid the attribute's finding). A property returning a local bound
  only to ``self.x`` hands out ``self.x`` (what that hole had covered in fixture
  ``lifecycles/app_factory.py``). TRD305 reads ``getattr(self, "_reader", None)`` before the store
  as a look at the slot, as it reads ``self._reader``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import tree_findings
from tests.programs import mypy_cache_for, run_python
from tradelint.api import check_paths, fix_source

DATABASE = '''\
from __future__ import annotations

import aiohttp


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self.session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self.session is not None:
            await self.session.close()

'''

# maubot's shape: the attributes are declared on the class and set in ``prepare_db()``; the
# shutdown method stops another database.
MAUBOT = DATABASE + '''
class Program:
    db: Database
    crypto_db: Database | None
    plugin_postgres_db: Database | None

    def __init__(self, url: str) -> None:
        self.url = url

    def prepare_db(self) -> None:
        self.db = Database(self.url)
        self.crypto_db = Database(self.url + "/crypto")
        self.plugin_postgres_db = Database(self.url + "/plugins")

    async def start(self) -> None:
        self.prepare_db()
        await self.db.start()
        if self.crypto_db is not None:
            await self.crypto_db.start()
        if self.plugin_postgres_db is not None:
            await self.plugin_postgres_db.start()

    async def stop(self) -> None:
        await self.db.stop()
'''


def _fixed(tmp_path: Path, source: str, select: str = "TRD202") -> str:
    return fix_source(source, tmp_path / "m.py", select=[select], unsafe=True).text


def _findings(tmp_path: Path, source: str, select: str = "TRD2") -> list[str]:
    return tree_findings(tmp_path, {"m.py": source}, select)


def test_an_attribute_declared_on_the_class_is_released_through_a_walrus_guard(tmp_path: Path) -> None:
    assert _findings(tmp_path, MAUBOT) == [
        "m.py:29:9 TRD202 `self.crypto_db` is never closed; call its `stop()` in `stop()`",
        "m.py:30:9 TRD202 `self.plugin_postgres_db` is never closed; call its `stop()` in `stop()`",
    ]
    fixed = _fixed(tmp_path, MAUBOT)
    # The second guard is longer than 79 columns on one line: split as black splits it.
    assert fixed == MAUBOT + (
        '        if (crypto_db := getattr(self, "crypto_db", None)) is not None:\n'
        "            await crypto_db.stop()\n"
        "        if (\n"
        '            plugin_postgres_db := getattr(self, "plugin_postgres_db", None)\n'
        "        ) is not None:\n"
        "            await plugin_postgres_db.stop()\n"
    )
    assert _findings(tmp_path / "after", fixed) == []


def test_the_local_takes_a_suffix_when_the_method_has_that_name(tmp_path: Path) -> None:
    # ``stop()`` binds ``crypto_db`` and reads a global ``plugin_postgres_db``: neither is taken.
    source = MAUBOT.replace(
        "    async def stop(self) -> None:\n        await self.db.stop()\n",
        "    async def stop(self) -> None:\n"
        "        crypto_db = self.db\n"
        "        await crypto_db.stop()\n"
        "        print(plugin_postgres_db)\n",
    ) + "\n\nplugin_postgres_db = 'postgres'\n"
    fixed = _fixed(tmp_path, source)
    assert fixed == source.replace(
        "        print(plugin_postgres_db)\n",
        "        print(plugin_postgres_db)\n"
        '        if (crypto_db_2 := getattr(self, "crypto_db", None)) is not None:\n'
        "            await crypto_db_2.stop()\n"
        "        if (\n"
        '            plugin_postgres_db_2 := getattr(self, "plugin_postgres_db", None)\n'
        "        ) is not None:\n"
        "            await plugin_postgres_db_2.stop()\n",
    )
    assert _findings(tmp_path / "after", fixed) == []


def test_the_local_keeps_its_underscores_beside_an_attribute_of_that_name(tmp_path: Path) -> None:
    """``self._crypto_db`` beside ``self.crypto_db``: two guards in one method, two locals (one
    ``crypto_db`` for both would get the type of the first)."""
    source = MAUBOT.replace("plugin_postgres_db", "_crypto_db")
    fixed = _fixed(tmp_path, source)
    assert fixed == source + (
        '        if (crypto_db := getattr(self, "crypto_db", None)) is not None:\n'
        "            await crypto_db.stop()\n"
        '        if (_crypto_db := getattr(self, "_crypto_db", None)) is not None:\n'
        "            await _crypto_db.stop()\n"
    )


def test_an_attribute_set_in_init_keeps_the_plain_guard(tmp_path: Path) -> None:
    """``__init__`` sets them (to ``None``): ``self.x is not None`` narrows, as before."""
    source = MAUBOT.replace(
        "        self.url = url\n\n    def prepare_db",
        "        self.url = url\n        self.crypto_db = None\n        self.plugin_postgres_db = None\n\n    def prepare_db",
    )
    assert source != MAUBOT
    fixed = _fixed(tmp_path, source)
    assert fixed == source + (
        "        if self.crypto_db is not None:\n"
        "            await self.crypto_db.stop()\n"
        "        if self.plugin_postgres_db is not None:\n"
        "            await self.plugin_postgres_db.stop()\n"
    )
    assert _findings(tmp_path / "after", fixed) == []



def test_a_project_supporting_python_3_7_gets_no_walrus(tmp_path: Path) -> None:
    """``requires-python = ">=3.7"``: 3.7 has no ``:=``, so the local is bound on a line of its
    own (which mypy narrows too); tradelint reads it as the attribute, as before."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nrequires-python = ">=3.7"\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n', encoding="utf-8")
    fixed = _fixed(tmp_path, MAUBOT)
    assert fixed == MAUBOT + (
        '        crypto_db = getattr(self, "crypto_db", None)\n'
        "        if crypto_db is not None:\n"
        "            await crypto_db.stop()\n"
        '        plugin_postgres_db = getattr(self, "plugin_postgres_db", None)\n'
        "        if plugin_postgres_db is not None:\n"
        "            await plugin_postgres_db.stop()\n"
    )
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "pyproject.toml").write_text((tmp_path / "pyproject.toml").read_text(), encoding="utf-8")
    assert _findings(tmp_path / "after", fixed) == []

WALRUS = DATABASE + '''
class Program:
    db: Database | None

    async def start(self) -> None:
        self.db = Database("postgres://")
        await self.db.start()

    async def stop(self) -> None:
        if (db := getattr(self, "db", None)) is not None:
            {use}
'''


def test_a_walrus_bound_local_is_the_attribute(tmp_path: Path) -> None:
    """``(db := getattr(self, "db", None))`` then ``await db.stop()`` stops ``self.db``; the same
    local only printed leaves it open (before, the walrus hid the finding either way)."""
    assert _findings(tmp_path, WALRUS.format(use="await db.stop()")) == []
    assert _findings(tmp_path / "b", WALRUS.format(use="print(db.url)")) == [
        "m.py:23:9 TRD202 `self.db` is never closed; call its `stop()` in `stop()`",
    ]
    # The walrus's own value is used too: ``await (db := self.db).stop()`` stops it.
    direct = WALRUS.replace(
        '        if (db := getattr(self, "db", None)) is not None:\n            {use}\n',
        "        if self.db is not None:\n            await (db := self.db).stop()\n            print(db.url)\n",
    )
    assert _findings(tmp_path / "c", direct) == []


READER = '''\
from __future__ import annotations

import asyncio


class Reader:
    _reader: asyncio.Task[None] | None

    async def _read(self) -> None:
        while True:
            await asyncio.sleep(1)

    async def _connect(self) -> None:
        self._reader = asyncio.create_task(self._read())

    async def run(self) -> None:
        while True:
            await self._connect()
            await asyncio.sleep(30)

    async def close(self) -> None:
        reader = getattr(self, "_reader", None)
        if reader is not None:
            reader.cancel()
'''


def test_the_old_task_is_cancelled_through_a_walrus_guard(tmp_path: Path) -> None:
    assert _findings(tmp_path, READER, "TRD3") == [
        "m.py:14:9 TRD305 `self._reader` is stored over a task that still runs; cancel the old one first",
    ]
    fixed = _fixed(tmp_path, READER, "TRD305")
    assert fixed == READER.replace(
        "    async def _connect(self) -> None:\n",
        "    async def _connect(self) -> None:\n"
        '        if (reader := getattr(self, "_reader", None)) is not None:\n'
        "            reader.cancel()\n",
    )
    # The guard reads the slot before the store: no finding is left (the fix does not repeat).
    assert _findings(tmp_path / "after", fixed, "TRD3") == []


PROGRAM = DATABASE + '''
import asyncio


class Service:
    db: Database | None
    _reader: asyncio.Task[None] | None

    def __init__(self, url: str) -> None:
        self.url = url
        self.cache = Database("memory://")

    def prepare(self) -> None:
        self.db = Database(self.url)

    async def _read(self) -> None:
        while True:
            await asyncio.sleep(1)

    async def _connect(self) -> None:
        self._reader = asyncio.create_task(self._read())

    async def start(self) -> None:
        self.prepare()
        await self.cache.start()
        if self.db is not None:
            await self.db.start()
        for _ in range(3):
            await self._connect()
            await asyncio.sleep(0)

    async def stop(self) -> None:
        await self.cache.stop()
        reader = getattr(self, "_reader", None)
        if reader is not None:
            reader.cancel()


async def main() -> None:
    early = Service("postgres://db")
    await early.stop()  # before start(): neither the database nor the reader is set
    service = Service("postgres://db")
    try:
        await service.start()
    finally:
        await service.stop()
    await asyncio.sleep(0)
    db = service.db
    assert db is not None and db.session is not None
    readers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    print(f"closed: {db.session.closed}, readers running: {len(readers)}")


if __name__ == "__main__":
    asyncio.run(main())
'''


def _mypy(folder: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """mypy on ``folder``'s ``main.py``, as tests/test_fix_mypy.py runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", *flags, "--no-error-summary", "--config-file", "",
         "--cache-dir", str(mypy_cache_for(folder, flags)), "main.py"],
        capture_output=True, text=True, cwd=folder,
    )


def test_the_fixed_program_runs_closes_and_type_checks(tmp_path: Path) -> None:
    """The written program: the database made in ``prepare()`` stays open and two old readers
    run on; fixed, ``stop()`` stops it and each reconnect cancels the old reader, a ``stop()``
    before ``start()`` raises nothing, ``mypy --strict`` finds nothing (before this session: two
    union-attr errors) and neither does tradelint."""
    (tmp_path / "main.py").write_text(PROGRAM, encoding="utf-8")
    assert _mypy(tmp_path, "--strict").stdout == ""
    before = run_python(["main.py"], tmp_path, timeout=120)
    assert (before.returncode, before.stdout) == (0, "closed: False, readers running: 2\n")
    assert "Unclosed client session" in before.stderr
    fixed = run_python(["-m", "tradelint", "--no-cache", "--fix", "--unsafe-fixes", "main.py"], tmp_path, timeout=120)
    assert fixed.stdout.endswith(": fixed 2 findings, 0 remaining.\n"), fixed.stdout + fixed.stderr
    text = (tmp_path / "main.py").read_text(encoding="utf-8")
    assert text == PROGRAM.replace(
        "    async def _connect(self) -> None:\n",
        "    async def _connect(self) -> None:\n"
        '        if (reader := getattr(self, "_reader", None)) is not None:\n'
        "            reader.cancel()\n",
    ).replace(
        "            reader.cancel()\n\n\nasync def main",
        "            reader.cancel()\n"
        '        if (db := getattr(self, "db", None)) is not None:\n'
        "            await db.stop()\n\n\nasync def main",
    )
    after = run_python(["main.py"], tmp_path, timeout=120)
    assert (after.returncode, after.stdout, after.stderr) == (0, "closed: True, readers running: 0\n", "")
    strict = _mypy(tmp_path, "--strict")  # its errors include plain mypy's, the union-attr one among them
    assert (strict.returncode, strict.stdout) == (0, ""), text
    check = run_python(["-m", "tradelint", "--no-cache", "--output-format", "concise", "-q", "main.py"], tmp_path)
    assert (check.returncode, check.stdout) == (0, ""), check.stdout


GETTER = DATABASE + '''
class Cache:
    def __init__(self, url: str) -> None:
        self.url = url
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if (db := self._db) is None:
            {missing}
        return db

    async def open(self) -> None:
        self._db = Database(self.url)
        await self._db.start()

    async def close(self) -> None:
        await self.db.stop()
'''


def test_a_property_returning_a_local_bound_to_the_attribute_hands_it_out(tmp_path: Path) -> None:
    """pyaleph's ``NodeCache.redis_client``: ``if (c := self._c) is None: raise``, ``return c``;
    ``await self.db.stop()`` stops ``self._db`` (the walrus no longer counts as taking care of
    ``self._db`` by itself). The local bound to another value too is no such property (twin)."""
    assert _findings(tmp_path, GETTER.format(missing='raise ValueError("call open() first")')) == []
    assert _findings(tmp_path / "b", GETTER.format(missing="db = Database(self.url)")) == [
        "m.py:31:9 TRD202 `self._db` is never closed; call its `stop()` in `close()`",
    ]


PRIVATE = '''\
import asyncio

import aiohttp


class Service:
    async def start(self) -> None:
        self.__session = aiohttp.ClientSession()
        self.__task = asyncio.create_task(self.__run())

    async def __run(self) -> None:
        await asyncio.sleep(1)

    async def close(self) -> None:
        print("closing")

    async def __aenter__(self) -> "Service":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
'''


def test_a_private_attribute_not_set_in_init_gets_no_fix(tmp_path: Path) -> None:
    """``self.__session`` is stored as ``self._Service__session``: ``getattr(self, "__session",
    None)`` never finds it, so the fix that guarded with it never closed anything (and tradelint,
    reading it as a load of ``self.__session``, reported nothing after). No fix now; the
    findings stay."""
    path = tmp_path / "m.py"
    path.write_text(PRIVATE, encoding="utf-8")
    found = [(f.line, f.code, f.fix is not None) for f in check_paths([path], select=["TRD202", "TRD303"])]
    assert found == [(8, "TRD202", False), (9, "TRD303", False)]


# maubot's ``prepare_db()`` sets ``self.crypto_db = self.db`` when the configuration says
# "default": then the two attributes are one database, which ``stop()`` already stops. Released
# again through ``crypto_db``, a database whose ``stop()`` is not idempotent raises at shutdown.
ALIASED = DATABASE.replace("import aiohttp\n", "import asyncio\n\nimport aiohttp\n").replace(
    "        if self.session is not None:\n            await self.session.close()\n",
    "        if self.session is None or self.session.closed:\n"
    '            raise RuntimeError(f"{self.url} stopped twice")\n'
    "        await self.session.close()\n",
) + '''
class Program:
    db: Database
    crypto_db: Database

    def __init__(self, crypto_url: str) -> None:
        self.crypto_url = crypto_url

    def prepare_db(self) -> None:
        self.db = Database("postgres://main")
        if self.crypto_url == "default":
            self.crypto_db = self.db
        else:
            self.crypto_db = Database(self.crypto_url)

    async def start(self) -> None:
        self.prepare_db()
        await self.db.start()
        if self.crypto_db is not self.db:
            await self.crypto_db.start()

    async def stop(self) -> None:
        await self.db.stop()


async def main() -> None:
    for url in ("default", "postgres://crypto"):
        program = Program(url)
        try:
            await program.start()
        finally:
            await program.stop()
        session = program.crypto_db.session
        assert session is not None
        print(f"{url}: crypto closed: {session.closed}")


if __name__ == "__main__":
    asyncio.run(main())
'''


def test_an_attribute_that_may_be_another_is_released_only_when_it_is_not(tmp_path: Path) -> None:
    """Before the fix, the separate crypto database stays open; fixed, it is stopped, and the
    one shared with ``self.db`` is not stopped twice (a guard that did not ask would raise
    ``RuntimeError`` at the first shutdown). The fixed file type-checks and has no finding."""
    (tmp_path / "main.py").write_text(ALIASED, encoding="utf-8")
    assert _findings(tmp_path / "check", ALIASED) == [
        "m.py:34:13 TRD202 `self.crypto_db` is never closed; call its `stop()` in `stop()`",
    ]
    before = run_python(["main.py"], tmp_path, timeout=120)
    assert (before.returncode, before.stdout) == (0, "default: crypto closed: True\npostgres://crypto: crypto closed: False\n")
    fixed = run_python(["-m", "tradelint", "--no-cache", "--fix", "--unsafe-fixes", "main.py"], tmp_path, timeout=120)
    assert fixed.stdout.endswith(": fixed 1 finding, 0 remaining.\n"), fixed.stdout + fixed.stderr
    text = (tmp_path / "main.py").read_text(encoding="utf-8")
    assert text == ALIASED.replace(
        "        await self.db.stop()\n",
        "        await self.db.stop()\n"
        '        crypto_db = getattr(self, "crypto_db", None)\n'
        "        if (\n"
        "            crypto_db is not None\n"
        '            and crypto_db is not getattr(self, "db", None)\n'
        "        ):\n"
        "            await crypto_db.stop()\n",
    )
    after = run_python(["main.py"], tmp_path, timeout=120)
    assert (after.returncode, after.stdout, after.stderr) == (0, "default: crypto closed: True\npostgres://crypto: crypto closed: True\n", "")
    strict = _mypy(tmp_path, "--strict")
    assert (strict.returncode, strict.stdout) == (0, ""), text
    assert _findings(tmp_path / "after", text) == []


def test_the_fix_checks_read_a_guard_s_own_binding_as_part_of_the_fix(tmp_path: Path) -> None:
    """``fix_at_scale.py`` and the fixture checks compare a fixed file with its source, fixes
    removed: the guard's local bound on a line of its own is the fix's too."""
    from tests.fixes import normalized_dump

    fixed = _fixed(tmp_path, ALIASED)
    assert '        crypto_db = getattr(self, "crypto_db", None)\n' in fixed
    assert normalized_dump(fixed) == normalized_dump(ALIASED)
    # A binding the guard after it does not test is code of the user's, not the fix's.
    assert normalized_dump(fixed.replace("            crypto_db is not None\n", "            other is not None\n")) != normalized_dump(ALIASED)
