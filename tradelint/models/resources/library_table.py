"""Library resource types read from the libraries' own source by
``scripts/make_resource_table.py`` and shipped as data (``packs/library_resources.json``), so
that they are known where the library is not installed (pre-commit's own environment, CI
without the application's dependencies): ``openai.AsyncOpenAI`` closed by ``await
client.close()``, ``aiokafka.AIOKafkaProducer`` by ``await producer.stop()``."""

from __future__ import annotations

import json
import pkgutil
import sys
from functools import lru_cache
from typing import Any, Callable, NamedTuple, cast

from tradelint.facts.requirements import allows_major

from tradelint.models.resources.resource_types import BUILTIN_RESOURCES, ResourceSpec, library_spec


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    # Through the package's loader, as ``importlib.resources`` would read it, without importing
    # that (and zipfile with it: 10 ms of every run's start).
    data = pkgutil.get_data("tradelint", "packs/library_resources.json")
    assert data is not None  # (a loader that cannot read data files has no package data at all)
    return cast("dict[str, Any]", json.loads(data.decode("utf-8")))


@lru_cache(maxsize=1)
def _table() -> dict[str, ResourceSpec]:
    types = _document()["types"]
    return {name: _spec(entry) for name, entry in types.items()}


def library_resource(
    qualified: str, asked_from: str | None = None, declared: Callable[[str], tuple[str, ...] | None] | None = None,
) -> ResourceSpec | None:
    """The spec of a library resource type (or factory) by its qualified name, if the table has
    it. Not inside the library itself (``asked_from``, the asking module's name, in the same
    top-level package): there its classes are first-party, judged by the first-party rules. A
    name two releases of its distribution read differently (``aiogram.Bot``) is the release's
    that the project declares (``declared``: a distribution's specifiers), when one alone fits."""
    package = qualified.partition(".")[0]
    if asked_from is not None and asked_from.partition(".")[0] == package:
        return None
    # A name of no package of the table (``asyncio.sleep``, most names asked) is answered from
    # the packages alone: the specs are built only for a module that can use one.
    if package not in library_packages():
        return None
    found = _table().get(qualified)
    if found is None and declared is not None and qualified in _document().get("versions", {}):
        return _by_version(qualified, declared)
    return found


def library_rule(qualified: str) -> str | None:
    """Which of the generator's rules made a library type a resource (``protocol``: its own
    ``__aexit__`` awaits its release; ``owner``, ``subclass``, ...), by its defining name."""
    entry = _document()["types"].get(qualified) if qualified.partition(".")[0] in library_packages() else None
    return None if entry is None else cast("str | None", entry.get("rule"))


def _by_version(qualified: str, declared: Callable[[str], tuple[str, ...] | None]) -> ResourceSpec | None:
    readings = _document()["versions"][qualified]
    for dist, wheels in _document().get("version_sources", {}).items():
        if not any(wheel in readings for wheel in wheels):
            continue
        specifiers = declared(dist)
        fits = [wheel for wheel in wheels if specifiers is not None and allows_major(specifiers, wheel.rpartition("-")[2])]
        if len(fits) != 1 or fits[0] not in readings:
            return None  # not declared, no release or several fit, or not a resource in the one that does
        return _spec(readings[fits[0]])
    return None


def _spec(entry: dict[str, Any]) -> ResourceSpec:
    return library_spec(
        entry["close"],
        awaited=entry["awaited"],
        lazy=entry["lazy"],
        ends=tuple(entry.get("ends", ())),
        given=tuple((name, position) for name, position in entry.get("given", ())),
        unenterable=not entry.get("enter", True),
    )


@lru_cache(maxsize=1)
def library_packages() -> frozenset[str]:
    """The top-level packages the table names: a module importing none of them makes none.
    From the names alone: every run asks (``table_trigger_names``), few need a spec."""
    return frozenset(name.split(".", 1)[0] for name in (*_document()["types"], *_document().get("versions", {})))


def library_judged(qualified: str) -> bool:
    """Whether the table says what ``qualified`` is: a resource type (in some release read), or
    a holder of what it is given."""
    package = qualified.partition(".")[0]
    if package not in library_packages() and package not in holder_packages():
        return False
    document = _document()
    return qualified in document["types"] or qualified in document.get("versions", {}) or qualified in document.get("holders", {})


@lru_cache(maxsize=1)
def coroutine_release_names() -> frozenset[str]:
    """The names of the table's releases that are coroutine functions (``close``, ``aclose``,
    ``dispose``): a method of another name releases no library resource of the table."""
    return frozenset(entry["close"] for entry in _document()["types"].values() if entry["awaited"])


@lru_cache(maxsize=1)
def table_trigger_names() -> dict[str, frozenset[str]]:
    """For each top-level package of the library table and of the built-in table's third-party
    entries (``aiohttp``, ``httpx``, ``redis``, ``asyncpg``, ``websockets``; the standard library's
    stay words of their own: ``asyncio`` is in every module that could use them), the names a
    module that makes or ends one of its resources must spell (``runner/demand.py``,
    ``trigger_words.RESOURCE_TABLES``): the last name of
    each type, factory and versioned name (``ClientSession`` of ``aiohttp.client.ClientSession``),
    each maker's method and the class it is a method of (``new_page``, ``BrowserContext``), each
    function whose result has makers (``async_playwright``), and each release (``dispose`` of
    ``engine.dispose``). ``qualify`` resolves a callee only through the module's imports, so a
    creation of the table's ``P.X`` is spelt ``X`` (``from P import X``, ``P.X(...)``,
    ``mod.X(...)``), a maker's call its method's name, a release its own; an annotation naming the
    type spells it too. A module that imports ``P`` and spells none of them (``from hikari import
    snowflakes``) can reach P's resources only through another module, whose facts reach it as
    any first-party module's do."""
    found: dict[str, set[str]] = {}

    def add(qualified: str, *names: str) -> None:
        found.setdefault(qualified.partition(".")[0], set()).update(n.rpartition(".")[2] for n in names if n)

    for name, spec in BUILTIN_RESOURCES.items():
        if name.partition(".")[0] not in sys.stdlib_module_names:
            add(name, name, spec.close)
    document = _document()
    for name, entry in document["types"].items():
        add(name, name, entry["close"])
    for name, readings in document.get("versions", {}).items():
        add(name, name, *(reading["close"] for reading in readings.values()))
    for name in document.get("makers", {}):
        owner, _, method = name.rpartition(".")
        add(name, owner, method)
    for name in document.get("returns", {}):
        add(name, name)
    return {package: frozenset(names) for package, names in found.items()}


class Maker(NamedTuple):
    owner: str  # the class, by its defining module: ``playwright.async_api._generated.Browser``
    returns: str  # the resource type it makes, named alike
    by_name: bool  # whether the method's name alone says so (no other method so named returns another thing)


@lru_cache(maxsize=1)
def library_makers() -> dict[str, dict[tuple[str, bool], tuple[Maker, ...]]]:
    """The libraries' method makers (``BrowserContext.new_page`` returns a new ``Page``), by
    top-level package, then by (method name, coroutine or not)."""
    found: dict[str, dict[tuple[str, bool], list[Maker]]] = {}
    for name, entry in _document().get("makers", {}).items():
        owner, _, method = name.rpartition(".")
        maker = Maker(owner, entry["returns"], entry.get("by_name", True))
        found.setdefault(name.partition(".")[0], {}).setdefault((method, entry["async"]), []).append(maker)
    return {package: {key: tuple(makers) for key, makers in methods.items()} for package, methods in found.items()}


@lru_cache(maxsize=1)
def library_returns() -> dict[str, str]:
    """Library functions whose result is an instance of a class with a method maker, read from
    their annotation or returns (Playwright's ``async_playwright() -> PlaywrightContextManager``):
    what a maker called on such a call's result makes is known (``await
    async_playwright().start()``)."""
    return {name: entry["returns"] for name, entry in _document().get("returns", {}).items()}


class Holder(NamedTuple):
    """A library class that is no resource of its own but closes what it is given
    (``scripts/resource_holders.py``: aiogram's ``RedisStorage(redis=...)``, whose ``close()``
    closes the client): its release, whether that is a coroutine, and the constructor parameters
    (name, position) whose value the release closes, each with the owner flag that says whether
    it does (name, position, default truth; ``None`` when it always does)."""

    close: str
    awaited: bool
    given: tuple[tuple[str, int, tuple[str, int, bool | None] | None], ...]


@lru_cache(maxsize=None)
def library_holder(qualified: str) -> Holder | None:
    """The holder entry of the table for ``qualified`` (its defining or a re-exported name)."""
    if qualified.partition(".")[0] not in holder_packages():
        return None
    entry = _document().get("holders", {}).get(qualified)
    if entry is None:
        return None
    given = tuple((g[0], g[1], (g[2], g[3], g[4]) if len(g) > 2 else None) for g in entry["given"])
    return Holder(entry["close"], entry["awaited"], given)


@lru_cache(maxsize=1)
def holder_packages() -> frozenset[str]:
    return frozenset(name.partition(".")[0] for name in _document().get("holders", {}))
