"""Rename packs: versioned data files of real library renames, shipped in ``tradelint/packs/``.

A pack is TOML, not code, so adding an entry never changes how tradelint behaves in general. Each
entry names the owner (a class or module, by its public import path), the old and new attribute
names, the library version from which only the new name works, whether the old name is
distinctive enough to report when the receiver's type is unknown, and the source that shows it.
``tests/test_rename_packs.py`` checks every entry against the library itself.
"""

from __future__ import annotations

import keyword
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PACK_KEYS = {"pack", "owners", "gone-modules", "attribute-types", "rename", "audit", "generated"}
HEADER_KEYS = {"name", "library", "module", "extra-modules", "description", "source"}
ENTRY_KEYS = {"owner", "old", "new", "since", "any-receiver", "source", "note"}


class PackError(Exception):
    """A malformed pack file: a bug in tradelint's data, reported with the file and the entry."""


@dataclass(frozen=True)
class PackEntry:
    owners: tuple[str, ...]
    old: str
    new: str
    since: str
    any_receiver: bool
    source: str
    note: str | None = None


@dataclass(frozen=True)
class RenamePack:
    name: str
    library: str  # the distribution on the package registry
    module: str  # its top-level import name
    description: str
    source: str
    entries: tuple[PackEntry, ...]
    # Every top-level module of the distribution (``module`` first).
    modules: tuple[str, ...] = ()
    # Other import paths of an owner (``web3.main.Web3``) -> the name entries use (``web3.Web3``).
    owners: Mapping[str, str] = field(default_factory=dict)
    # ``Owner.attr`` -> the attribute's type; ``Owner.method()`` -> what calling it returns.
    attribute_types: Mapping[str, str] = field(default_factory=dict)
    # A module the new version removed -> the package whose entries name what it defined
    # (``web3.middleware.geth_poa`` -> ``web3.middleware``): ``from M import old`` is reported.
    gone_modules: Mapping[str, str] = field(default_factory=dict)

    @property
    def renames(self) -> tuple[Rename, ...]:
        return tuple(
            Rename(
                owner,
                e.old,
                e.new,
                pack=self.name,
                since=f"{self.library} {e.since}",
                any_receiver=e.any_receiver,
                note=e.note,
            )
            for e in self.entries
            for owner in e.owners
        )


def _pack_files() -> dict[str, Any]:
    from importlib import resources  # (asked only when a configuration names a pack)

    folder = resources.files("tradelint").joinpath("packs")
    return {f.name[: -len(".toml")]: f for f in folder.iterdir() if f.name.endswith(".toml")}


@lru_cache(maxsize=None)
def available_packs() -> frozenset[str]:
    return frozenset(_pack_files())


def _identifier(value: object) -> bool:
    return isinstance(value, str) and value.isidentifier() and not keyword.iskeyword(value)


def _dotted(value: object) -> bool:
    return isinstance(value, str) and all(_identifier(part) for part in value.split("."))


def _text(where: str, table: Mapping[str, Any], key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{where}: '{key}' must be a non-empty string")
    return value


@lru_cache(maxsize=None)
def load_pack(name: str) -> RenamePack:
    files = _pack_files()
    if name not in files:
        raise PackError(f"no rename pack named '{name}'")
    where = f"packs/{name}.toml"
    data = tomllib.loads(files[name].read_text(encoding="utf-8"))
    unknown = set(data) - PACK_KEYS
    if unknown:
        raise PackError(f"{where}: unknown tables {sorted(unknown)}")
    header = data.get("pack")
    if not isinstance(header, dict) or set(header) - HEADER_KEYS:
        raise PackError(f"{where}: [pack] must have only {sorted(HEADER_KEYS)}")
    if header.get("name") != name:
        raise PackError(f"{where}: [pack] name must be '{name}'")
    module = _text(where, header, "module")
    extra = header.get("extra-modules", [])
    if not isinstance(extra, list) or not all(_identifier(m) for m in extra):
        raise PackError(f"{where}: 'extra-modules' must be a list of top-level module names")
    # The distribution's top-level modules (web3 ships `ens` too).
    modules = (module, *extra)
    owners = data.get("owners", {})
    types = data.get("attribute-types", {})
    gone = data.get("gone-modules", {})
    for table_name, table in (("owners", owners), ("gone-modules", gone), ("attribute-types", types)):
        if not isinstance(table, dict) or not all(
            _dotted(k.removesuffix("()")) and _dotted(v) for k, v in table.items()
        ):
            raise PackError(f"{where}: [{table_name}] must map dotted names to dotted names")
    entries = []
    raw_entries = data.get("rename")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise PackError(f"{where}: a pack needs at least one [[rename]]")
    for number, raw in enumerate(raw_entries, start=1):
        at = f"{where}: rename #{number}"
        if not isinstance(raw, dict) or set(raw) - ENTRY_KEYS:
            raise PackError(f"{at}: keys must be among {sorted(ENTRY_KEYS)}")
        owner = raw.get("owner")
        owner_list = [owner] if isinstance(owner, str) else owner
        if not isinstance(owner_list, list) or not owner_list or not all(_dotted(o) for o in owner_list):
            raise PackError(f"{at}: 'owner' must be a dotted name or a list of them")
        if not all(o.split(".", 1)[0] in modules for o in owner_list):
            raise PackError(f"{at}: every owner must be inside the '{module}' package")
        old, new = raw.get("old"), raw.get("new")
        if not _identifier(old) or not _identifier(new) or old == new:
            raise PackError(f"{at}: 'old' and 'new' must be two different identifiers")
        any_receiver = raw.get("any-receiver", False)
        if not isinstance(any_receiver, bool):
            raise PackError(f"{at}: 'any-receiver' must be true or false")
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            raise PackError(f"{at}: 'note' must be a string")
        entries.append(
            PackEntry(
                owners=tuple(owner_list),
                old=str(old),
                new=str(new),
                since=_text(at, raw, "since"),
                any_receiver=any_receiver,
                source=_text(at, raw, "source"),
                note=note,
            )
        )
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        for owner in entry.owners:
            if (owner, entry.old) in seen:
                raise PackError(f"{where}: '{owner}.{entry.old}' is listed twice")
            seen.add((owner, entry.old))
    return RenamePack(
        name=name,
        library=_text(where, header, "library"),
        module=module,
        modules=modules,
        description=_text(where, header, "description"),
        source=_text(where, header, "source"),
        entries=tuple(entries),
        owners=dict(owners),
        attribute_types=dict(types),
        gone_modules=dict(gone),
    )


@dataclass(frozen=True)
class PackFacts:
    """What the enabled packs say about third-party types, merged."""

    owners: Mapping[str, str]
    attribute_types: Mapping[str, str]
    gone_modules: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, type_name: str) -> str:
        return self.owners.get(type_name, type_name)


@lru_cache(maxsize=None)
def pack_facts(names: tuple[str, ...]) -> PackFacts:
    owners: dict[str, str] = {}
    types: dict[str, str] = {}
    gone: dict[str, str] = {}
    for name in names:
        pack = load_pack(name)
        owners.update(pack.owners)
        types.update(pack.attribute_types)
        gone.update(pack.gone_modules)
    return PackFacts(owners, types, gone)


@dataclass(frozen=True)
class Rename:
    """``owner.old -> new``; ``owner`` is None for an entry that matches any receiver.

    Entries from a rename pack also say which pack and library version they come from, and
    whether the old name is distinctive enough to report on a receiver whose type is unknown.
    """

    owner: str | None
    old: str
    new: str
    pack: str | None = None
    since: str | None = None  # "web3 6.0.0": the first version where only the new name works
    any_receiver: bool = False
    note: str | None = None  # what else the fix needs ("drop the await")
    # Found by ``renames --since`` from edited accesses: where the receiver's type is not known,
    # only receivers under these names (the last name of ``state.vat`` is ``vat``) are meant.
    receivers: tuple[str, ...] = ()
