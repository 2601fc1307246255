"""What ends a task's owner: a class's family (its first-party bases and its subclasses here) and,
for a discord cog, the teardown the framework runs at unload (``cog_unload()`` and what it
calls). Separate from the uses of a task (``task_uses``), which ask it where a task must end;
it asks nothing about tasks itself."""

from __future__ import annotations

import ast
from functools import cached_property
from typing import cast

from tradelint.facts.class_family import bases_naming, class_and_bases, family_facts
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import ENTITY_TEARDOWN, ha_kind, in_registration, unload_reach
from tradelint.facts.ownership import is_release_name, release_method
from tradelint.facts.syntax import FUNCTION_NODES, base_class, class_methods
from tradelint.facts.uses import methods_reached
from tradelint.models.tasks.creators import TaskCreators, _last_name

# A discord bot's cog (discord.py, its forks, Red): the framework ends it by calling
# ``cog_unload()``, and nothing else of it runs at unload: a task its commands cancel, or await,
# is still running when the cog is unloaded or reloaded. Red v2's name-mangled ``__unload()``
# is none: a class derived from ``Cog`` runs on discord.py 1.0 or later, which never calls it
# (SFUAnime/Ren 16c44970).
COG_FRAMEWORKS = ("discord", "redbot", "disnake", "nextcord")


COG_BASES = ("Cog", "GroupCog")


COG_TEARDOWNS = ("cog_unload",)


class OwnerShutdown(TaskCreators):
    """The task analysis's second layer: the class family of a task's owner, and the methods
    that run when the owner is ended (a cog's teardown)."""

    def _teardown(self, cls: ast.ClassDef) -> frozenset[str] | None:
        """The methods that run when ``cls``'s object is ended, for a class whose teardown is
        known: a discord cog (``cog_unload()`` and what it calls). None for any other class,
        where a task cancelled anywhere counts as ended: its owner may call the method that
        cancels it at its own teardown."""
        memo = self.module.project.class_memo
        known = cast("dict[tuple[str, ...], frozenset[str] | None]", memo.setdefault(("task-teardown", cls), {}))
        configured = self.ctx.config.shutdown_methods
        if configured in known:
            return known[configured]
        found: frozenset[str] | None = None
        # Only cogs: taking every class with a shutdown-like method as known reported tasks
        # cancelled by hooks its base runs at stop, or in a framework's ``on_stop()``: 3 findings
        # on the applications, none right (benchmarks/LEAKFIXES.md). Told from summaries first, so
        # that the bases of a class that is no cog are not parsed for it.
        if self._cog_by_facts(cls) and _is_cog(family := self._class_family(cls)):
            methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
            for _, owner in family:
                for name, stmt in class_methods(owner).items():
                    methods.setdefault(name, stmt)
            entries = [name for name, method in methods.items() if self._is_teardown_method(name, method)]
            # What the teardown calls on ``self`` (or names: a callback it registers), transitively.
            reached = set(entries) | methods_reached(methods, entries, calls_only=False)
            found = frozenset(reached)
        elif (reach := unload_reach(self.module)) is not None and ha_kind(self._class_family(cls)) != "flow":
            # A class of a Home Assistant integration that can be unloaded (an entity, a
            # coordinator, or a plain class of the integration's package: a game's round timer):
            # only what the unload (or the entity's removal) reaches ends its tasks; a
            # ``close()`` that only Home Assistant's stop runs, or a ``cancel_timer()`` nothing
            # at unload reaches, leaves them running after every reload (mholzi/beatify).
            found = reach
        known[configured] = found
        return found

    def _is_teardown_method(self, name: str, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """A method the object's end runs: a cog's ``cog_unload()``, a shutdown-like name. A bot
        command named ``stop`` (decorated, taking ``ctx``) is none."""
        if name in COG_TEARDOWNS:
            return True
        if not (name in self.ctx.config.shutdown_methods or is_release_name(name)) or name == "__del__":
            return False
        if name in ("__aexit__", "__exit__"):
            return True
        required = len(method.args.posonlyargs) + len(method.args.args) - 1 - len(method.args.defaults)
        return required <= 0 and not _decorated(method)

    def _in_teardown(self, module: ModuleInfo, owner: ast.ClassDef, node: ast.AST, teardown: frozenset[str]) -> bool:
        method = method_of(module, owner, node)
        if method is None or method.name in teardown:
            return True
        for ancestor in module.ancestors(node):
            if ancestor is method:
                break
            if isinstance(ancestor, FUNCTION_NODES) and ancestor.name in teardown:
                return True  # a cleanup defined here and registered to run at the end
        # ``self.async_on_remove(self._task.cancel)``: handed over to run at the end.
        return in_registration(module, node)

    def framework_end(self, cls: ast.ClassDef) -> str | None:
        """Where a Home Assistant class's tasks must end, for messages: an entity's
        ``async_will_remove_from_hass()``, anything else's config entry unload; None for a
        class whose end the framework does not define here."""
        if self._teardown(cls) is None or unload_reach(self.module) is None:
            return None
        kind = ha_kind(self._class_family(cls))
        return None if kind == "flow" else ENTITY_TEARDOWN if kind == "entity" else "async_unload_entry"

    def _class_family(self, cls: ast.ClassDef, attr: str | None = None) -> list[tuple[ModuleInfo, ast.ClassDef]]:
        """The class, its first-party bases that name ``attr`` (the others say nothing about it,
        and their modules are not parsed; every base when ``attr`` is None, as a question about
        the whole class such as its teardown needs), and its subclasses in this module."""
        family = bases_naming(self.module, cls, attr) if attr is not None else class_and_bases(self.module, cls)
        family += [(self.module, other) for other in self._subclasses_here(cls)]
        return family

    def _subclasses_here(self, cls: ast.ClassDef) -> list[ast.ClassDef]:
        """Which classes of the module derive from ``cls``, from summaries: their bases in other
        modules need not be parsed to tell."""
        place = (self.module.summary.path, cls.lineno)
        return [other for other in self._descendants.get(place, ()) if other is not cls]

    @cached_property
    def _descendants(self) -> dict[tuple[str, int], list[ast.ClassDef]]:
        """For each class a class of the module derives from (its place), those classes, in the
        module's order: built once, asked for every class that keeps a task."""
        found: dict[tuple[str, int], list[ast.ClassDef]] = {}
        for other in self.module.index.classes:
            for place in dict.fromkeys((summary.path, facts.line) for summary, facts in family_facts(self.module, other)):
                found.setdefault(place, []).append(other)
        return found

    def _cog_by_facts(self, cls: ast.ClassDef) -> bool:
        return _cog_in_facts(self.module, [cls, *self._subclasses_here(cls)])


def _cog_in_facts(module: ModuleInfo, classes: list[ast.ClassDef]) -> bool:
    """``_is_cog`` of the classes' families, from summaries: some class of them names a bot
    framework's ``Cog`` among its bases. Asked first, so that the bases of a class that is no
    cog are not parsed to tell."""
    for member in classes:
        for _, facts in family_facts(module, member):
            for kind, name in facts.bases:
                if kind == "qualified" and name.rpartition(".")[2] in COG_BASES and name.partition(".")[0] in COG_FRAMEWORKS:
                    return True
    return False


def teardown_name(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> str | None:
    """The method where ``cls``'s tasks must end, for messages: a cog's ``cog_unload()`` (the
    one the framework calls, whether it is written yet or not: a cog's ``stop`` is a bot
    command), else the class's own release method; None when it has none."""
    family = class_and_bases(module, cls) if _cog_in_facts(module, [cls]) else []
    if _is_cog(family):
        for _, owner in family:
            for stmt in owner.body:
                if isinstance(stmt, FUNCTION_NODES) and stmt.name in COG_TEARDOWNS:
                    return stmt.name
        return "cog_unload"
    return release_method(module, cls, configured)


def _is_cog(family: list[tuple[ModuleInfo, ast.ClassDef]]) -> bool:
    """A class of the family derives from a bot framework's ``Cog``."""
    for owner_module, owner in family:
        for base in owner.bases:
            qualified = owner_module.imports.qualify(base_class(base)) or ""
            if qualified.rpartition(".")[2] in COG_BASES and qualified.partition(".")[0] in COG_FRAMEWORKS:
                return True
    return False


def method_of(module: ModuleInfo, owner: ast.ClassDef, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method of ``owner`` whose body holds ``node`` (through nested functions)."""
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, FUNCTION_NODES) and module.parent(ancestor) is owner:
            return ancestor
    return None


def _decorated(method: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """A method a framework calls (a bot command, a listener, a check): any decorator but the
    plain method kinds."""
    return method is not None and any(
        _last_name(d.func if isinstance(d, ast.Call) else d) not in ("staticmethod", "classmethod", "property", "abstractmethod")
        for d in method.decorator_list
    )
