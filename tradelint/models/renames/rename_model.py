"""Where a renamed attribute is still used: config ``renames`` and the enabled rename packs.

Each site is *proven* (the receiver is the owner or a first-party subclass that does not define
the old name, or the entry matches any receiver) or *unproven* (an owner-qualified entry on a
receiver whose type is unknown: TRD402 reports those when ``renames-unknown-receivers`` is on).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping, cast

from tradelint.core.config import Config
from tradelint.core.rename_packs import Rename
from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import resolve_relative
from tradelint.facts.uses import self_name
from tradelint.models.renames.library_classes import library_class
from tradelint.models.renames.receiver_types import UNKNOWN, ReceiverTypes, TypeFacts, find_class, types_for

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext

STRING_ACCESSORS = {"getattr", "hasattr", "setattr", "delattr"}


@dataclass(frozen=True)
class RenameSite:
    node: ast.AST
    rename: Rename
    receiver: str  # the receiver's source text (the module, for ``from M import old``)
    kind: str  # "attribute", "string", "import" or "module" (``from P import gone_module``)
    proven: bool
    # The receiver is shown to be the owner (False for an ``any-receiver`` entry on an unknown one).
    on_owner: bool = True
    # ``from M import old`` where the new version removed ``M``: the package to import from instead.
    moved_to: str | None = None


@lru_cache(maxsize=64)
def facts_for(rename_packs: tuple[str, ...]) -> TypeFacts:
    if not rename_packs:
        return TypeFacts()
    from tradelint.core.rename_packs import pack_facts

    facts = pack_facts(rename_packs)
    return TypeFacts(facts.owners, facts.attribute_types)


def _gone_modules(rename_packs: tuple[str, ...]) -> Mapping[str, str]:
    if not rename_packs:
        return {}
    from tradelint.core.rename_packs import pack_facts

    return pack_facts(rename_packs).gone_modules


def defines(module: ModuleInfo, cls: ast.ClassDef, name: str) -> bool:
    """Whether ``cls`` itself defines ``name``: class attribute, method, or ``self.name = ...``."""
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
            return True
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return True
    return any(
        isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.ctx, ast.Store)
        for node in ast.walk(cls)
    )


def _last_name(expr: ast.expr) -> str | None:
    """``vat`` for ``vat``, ``self.vat`` and ``request.state.vat``; None for calls and the like."""
    if isinstance(expr, ast.Name):
        return expr.id
    return expr.attr if isinstance(expr, ast.Attribute) else None


class RenameAnalysis:
    def __init__(self, ctx: FileContext) -> None:
        self.module = ctx.module
        self.config: Config = ctx.config
        self.renames = ctx.config.all_renames
        self.facts = facts_for(ctx.config.rename_packs)
        self._gone_modules = _gone_modules(ctx.config.rename_packs)
        self.by_old: dict[str, list[Rename]] = {}
        self._imported_roots: set[str] | None = None
        self._owner_classes: dict[str, tuple[Path, str, int] | None] = {}
        for rename in self.renames:
            self.by_old.setdefault(rename.old, []).append(rename)

    @property
    def types(self) -> ReceiverTypes:
        return types_for(self.module, self.facts)

    # -- ownership -----------------------------------------------------------------------------

    def is_owner(self, type_name: str, rename: Rename, depth: int = 0) -> bool:
        """``type_name`` is the owner, or a first-party subclass that does not redefine the old name."""
        if type_name == UNKNOWN or depth > 10:
            return False
        if self.facts.canonical(type_name) == rename.owner:
            return True
        found = find_class(self.module, type_name)
        if found is None:
            return self._library_subclass(type_name, rename, depth)
        module, cls = found
        if defines(module, cls, rename.old):
            return False
        if self._is_owner_class(module, cls, rename.owner):
            return True
        return any(
            qualified is not None and self.is_owner(qualified, rename, depth + 1)
            for qualified in (module.qualify(base) for base in cls.bases)
        )

    def _library_subclass(self, type_name: str, rename: Rename, depth: int) -> bool:
        """An installed class whose bases lead to the owner (``HTTPProvider`` for an entry on
        ``BaseProvider``), read from its source, and that does not define the old name itself."""
        if rename.owner is None or type_name.split(".", 1)[0] != rename.owner.split(".", 1)[0]:
            return False
        found = library_class(self.module.project, type_name, self.module.roots)
        if found is None:
            return False
        module, cls = found
        if defines(module, cls, rename.old):
            return False
        return any(
            qualified is not None and self.is_owner(qualified, rename, depth + 1)
            for qualified in (module.qualify(base) for base in cls.bases)
        )

    def _is_owner_class(self, module: ModuleInfo, cls: ast.ClassDef, owner: str | None) -> bool:
        """The owner named otherwise: a module of a folder without ``__init__.py`` is ``state`` to
        itself and ``backend.state`` to its importers; both spell the same file's class."""
        if owner is None or "." not in owner:
            return False
        if owner not in self._owner_classes:
            found = find_class(self.module, owner)
            self._owner_classes[owner] = (found[0].path, found[1].name, found[1].lineno) if found else None
        return self._owner_classes[owner] == (module.path, cls.name, cls.lineno)

    def defined_by_known_class(self, type_name: str, old: str) -> bool:
        return any(defines(module, cls, old) for module, cls in self.types.mro(type_name))

    def classify(self, rename: Rename, receiver: ast.expr, at: ast.AST) -> bool | None:
        """True: report for sure; False: the receiver's type is unknown; None: not this rename."""
        type_name = self.types.receiver_type(receiver, at)
        if rename.receivers and (rename.owner is None or type_name == UNKNOWN):
            # An entry found from edited accesses: on a receiver of unknown type, only the
            # receivers the edit was seen on are meant.
            if _last_name(receiver) not in rename.receivers:
                return None
        if rename.owner is None:
            # Unqualified: any receiver, but not a class that defines the name itself.
            cls = self.module.enclosing_class(at)
            func = self.module.evaluating_function(at)
            if (
                cls is not None
                and func is not None
                and isinstance(receiver, ast.Name)
                and receiver.id == self_name(func)
                and defines(self.module, cls, rename.old)
            ):
                return None
            if type_name != UNKNOWN and self.defined_by_known_class(type_name, rename.old):
                return None
            return True
        if type_name != UNKNOWN:
            return True if self.is_owner(type_name, rename) else None
        if rename.any_receiver:
            return True
        if rename.pack is not None and not self._imports_library(rename.pack):
            # A pack's old names are everyday words (``copy``, ``json``, ``get_user``): on a receiver
            # of unknown type in a module that never imports the library, the receiver is almost
            # always something else (a dict, an aiohttp response, a discord bot).
            return None
        return False

    def _imports_library(self, pack: str) -> bool:
        from tradelint.core.rename_packs import load_pack

        if self._imported_roots is None:
            self._imported_roots = {name.split(".", 1)[0] for name in self.module.imports.names.values()}
        loaded = load_pack(pack)
        return any(m in self._imported_roots for m in loaded.modules or (loaded.module.split(".", 1)[0],))

    def _on_owner(self, receiver: ast.expr, at: ast.AST) -> bool:
        return self.types.receiver_type(receiver, at) != UNKNOWN

    # -- sites ---------------------------------------------------------------------------------

    def sites(self) -> Iterator[RenameSite]:
        if not self.by_old:
            return
        module = self.module
        for node in module.index.attributes:
            for rename in self.by_old.get(node.attr, ()):
                verdict = self.classify(rename, node.value, node)
                if verdict is not None:
                    yield RenameSite(
                        node, rename, ast.unparse(node.value), "attribute", verdict, self._on_owner(node.value, node)
                    )
                    break
        for call in module.index.calls:
            site = self._string_site(call)
            if site is not None:
                yield site
        for stmt, _ in module.index.imports:
            if isinstance(stmt, ast.ImportFrom):
                yield from self._import_sites(stmt)

    def _import_sites(self, stmt: ast.ImportFrom) -> Iterator[RenameSite]:
        base = resolve_relative(stmt.module, stmt.level, self.module.module_name, self.module.is_package)
        if not base:
            return
        owner = self.facts.canonical(base)
        moved_to = self._gone_modules.get(base)
        for alias in stmt.names:
            package = self._gone_modules.get(f"{base}.{alias.name}")
            if package is not None:
                # ``from web3.middleware import geth_poa``: the module itself is gone; the entry
                # that renames what the file reads of it (``geth_poa.geth_poa_middleware``).
                read = self._read_through(alias.asname or alias.name, package)
                if read is not None:
                    yield RenameSite(alias, read, f"{base}.{alias.name}", "module", True, moved_to=package)
                continue
            for rename in self.by_old.get(alias.name, ()):
                if rename.owner is not None and rename.owner == owner:
                    yield RenameSite(alias, rename, base, "import", True)
                    break
                if rename.owner is not None and rename.owner == moved_to:
                    yield RenameSite(alias, rename, base, "import", True, moved_to=moved_to)
                    break

    def _read_through(self, local: str, package: str) -> Rename | None:
        """The first pack entry on ``package`` whose old name the module reads as ``local.<old>``."""
        for node in self.module.index.attributes:
            if isinstance(node.value, ast.Name) and node.value.id == local:
                for rename in self.by_old.get(node.attr, ()):
                    if rename.owner == package:
                        return rename
        return None

    def _string_site(self, call: ast.Call) -> RenameSite | None:
        if len(call.args) < 2:
            return None
        name = call.args[1]
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value in self.by_old):
            return None
        func = call.func
        is_accessor = isinstance(func, ast.Name) and func.id in STRING_ACCESSORS
        is_patch = (
            isinstance(func, ast.Attribute)
            and func.attr == "object"
            and ast.unparse(func.value).split(".")[-1] == "patch"
        )
        if not (is_accessor or is_patch):
            return None
        target = call.args[0]
        for rename in self.by_old[name.value]:
            verdict: bool | None
            if is_patch:
                qualified = self.module.qualify(target)
                verdict = (
                    True
                    if qualified is not None and (rename.owner is None or self.is_owner(qualified, rename))
                    else None
                )
            else:
                verdict = self.classify(rename, target, call)
            if verdict is not None:
                on_owner = is_patch or self._on_owner(target, call)
                return RenameSite(name, rename, ast.unparse(target), "string", verdict, on_owner)
        return None


def rename_sites(ctx: FileContext) -> list[RenameSite]:
    """Accesses under a renamed name, shared by TRD401 (proven) and TRD402 (unproven)."""
    found = ctx.memo.get("rename-sites")
    if found is None:
        found = ctx.memo["rename-sites"] = list(RenameAnalysis(ctx).sites())
    return cast("list[RenameSite]", found)
