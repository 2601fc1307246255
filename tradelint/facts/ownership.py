"""Who owns what: first-party resource types, their release methods, and what a class keeps.

The TRD2xx/TRD3xx rules ask the same questions about classes in many files: "is ``Provider`` a
resource (does it acquire something and release it in a close-like method)?", "which method
releases a ``Feed``?", "does ``RestApi`` close the session it is given?". This module answers them
from *facts*: a compact summary of each module's classes (names, attribute acquisitions, release
calls, stored parameters), part of the module's summary (``summaries.ModuleSummary``), which the
project keeps after the tree is forgotten: these queries never parse a module. It imports neither
the engine nor the rules; the resource and task analyses query it.

Ownership rules, in one place:

* a class is a *resource type* when it acquires an owned thing on ``self`` (a configured resource,
  or an instance of another resource type) and some method of it or of its first-party bases
  releases that attribute; the method that does (or the release-like method that calls it) is
  the type's release method, and whoever creates an instance must call it;
* handing a resource to a *first-party* constructor moves ownership only when that class stores
  the parameter and releases the attribute; to an installed library's class, only when its
  source closes it (``library_ownership``); to *third-party* code whose source cannot be read
  (``THIRD_PARTY_HANDOFF``), it moves ownership: a finding there would be a guess.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import Callable, cast

from pathlib import Path

from tradelint.facts.class_family import class_of_cls
from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.made_for_holder import held_through_holders
from tradelint.facts.mid_life import closed_mid_life_only
from tradelint.facts.named_classes import class_named, resolve_ref, stored_at
from tradelint.facts.element_owners import element_owner
from tradelint.facts.end_hooks import hook_missing_exit
from tradelint.facts.never_run import never_entered
from tradelint.facts.frameworks import FRAMEWORKS, Framework, is_event_handler
from tradelint.facts.summaries import (
    DUNDER_RELEASE,
    LEADING_RELEASE,
    TEST_TEARDOWNS,
    is_release_name,
    summary_ref,
)
from tradelint.facts.release_names import BARE_RELEASE
from tradelint.facts.returned_makers import returned_call, returned_class
from tradelint.facts.unread_bases import own_word_for_a_part, unread_base
from tradelint.facts.syntax import TASK_WORDS, base_init_calls, capword, class_method
from tradelint.facts.summary_data import Acquisition, ClassFacts, MethodFacts, ModuleSummary, Ref

__all__ = [
    "DUNDER_RELEASE",
    "TEST_TEARDOWNS",
    "Acquisition",
    "ClassFacts",
    "MethodFacts",
    "OwnershipModel",
    "FRAMEWORKS",
    "Framework",
    "ResourceType",
    "framework_teardown",
    "release_runs",
    "is_release_name",
    "ownership_model",
    "release_method",
    "release_method_guessed",
]

# What a third-party callee whose source cannot be read does with a resource handed to it:
# documented and fixed here; first-party and installed code is decided from its own code.
THIRD_PARTY_HANDOFF = "moves"

# Constructors that are never resources: exceptions, warnings, the commonest value types.
_NOT_RESOURCES = ("Error", "Exception", "Warning", "Event", "Config", "Settings", "Model", "Schema", "Request", "Response")

# A class with its first-party bases, each with the summary of its module.
Family = list[tuple[ModuleSummary, ClassFacts]]


def framework_of(family: Family) -> Framework | None:
    """The framework whose base class the family derives from (through first-party bases)."""
    for _, facts in family:
        for kind, name in facts.bases:
            if kind == "qualified":
                for framework in FRAMEWORKS:
                    if name in framework.bases:
                        return framework
    return None


def framework_teardown(module: ModuleInfo, cls: ast.ClassDef) -> str | None:
    """The method a framework calls to end ``cls`` (``cog_unload`` for a discord.py cog), whether
    the class defines it or not: where a message asks to add the release when the class has no
    release method of its own."""
    facts = class_facts(module, cls)
    if facts is None:
        return None
    framework = framework_of(lineage(module.project, module.summary, facts))
    return framework.teardown if framework is not None else None


def release_runs(module: ModuleInfo, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """:func:`runs_at_teardown` for a method of a class of a parsed module."""
    if method.name == "__aexit__" and (never_entered(module, cls) or hook_missing_exit(module, cls) is not None):
        return False  # never entered, or ended by a hook of its base that never leads there
    facts = class_facts(module, cls)
    if facts is None:
        return True
    return runs_at_teardown(lineage(module.project, module.summary, facts), method.name, is_event_handler(method))


def runs_at_teardown(family: Family, method: str, handler: bool = False) -> bool:
    """Whether a release in ``method`` runs when the instance is ended: False, for a framework
    class, in a stale teardown (``logout()``) or an event handler (a bot command) that the real
    teardown (``close()``, ``cog_unload()``) does not call."""
    framework = framework_of(family)
    if framework is None or (method not in framework.stale and not handler):
        return True
    return method in reached_from(family_methods(family), framework.teardown)


def reached_from(methods: dict[str, MethodFacts], start: str) -> set[str]:
    """The names ``start`` calls on ``self``, and those the methods of the family among them call,
    transitively (``start`` itself only if a call comes back to it)."""
    reached: set[str] = set()
    stack = [start]
    seen = {start}
    while stack:
        current = methods.get(stack.pop())
        if current is None:
            continue
        reached |= current.self_calls
        for called in current.self_calls - seen:
            seen.add(called)
            stack.append(called)
    return reached


def class_facts(module: ModuleInfo, cls: ast.ClassDef) -> ClassFacts | None:
    """The ownership facts of a class of a parsed module (from its summary)."""
    return module.summary.classes.get(cls.lineno)


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceType:
    """A first-party class whose instances must be released by calling ``release``."""

    module: ModuleSummary
    name: str
    release: str
    awaited: bool
    # Acquires only outside ``__init__`` (in ``connect()``, lazily): an instance holds nothing
    # until that method runs.
    lazy: bool
    # Known by its ``__aexit__`` alone (:func:`_by_protocol`), not by what it acquires.
    by_protocol: bool = False
    # Derived from a library resource type (:meth:`OwnershipModel._library_base`): released by the
    # base's ``release`` or a method of its own that calls it, not by any method named like one.
    inherited: bool = False


def lineage(project: Project, module: ModuleSummary, facts: ClassFacts) -> Family:
    """The class and its resolvable first-party bases, nearest first."""
    found = [(module, facts)]
    seen = {(module.path, facts.line)}
    index = 0
    while index < len(found) and len(found) < 32:
        current, node = found[index]
        index += 1
        for ref in node.bases:
            base = resolve_ref(project, current, ref)
            if base is not None and (base[0].path, base[1].line) not in seen:
                seen.add((base[0].path, base[1].line))
                found.append(base)
    return found


def _by_protocol(module: ModuleSummary, facts: ClassFacts, family: Family) -> ResourceType | None:
    """A class whose ``__aexit__`` awaits a public release method of its own that ends something
    (what ``scripts/make_resource_table.py`` calls the protocol rule for a library's classes):
    ``async with`` is how it says it must be ended, and that method how to end it without
    (pyaleph's ``IpfsService``, holding clients of a library not in the table). Lazy: an instance
    holds nothing until it is used."""
    methods = family_methods(family)
    exit_ = methods.get("__aexit__")
    if exit_ is None:
        return None
    for name in sorted(exit_.self_calls):
        method = methods.get(name)
        if (
            method is not None
            and method.is_async
            and method.ends
            and method.required == 0
            and is_release_name(name)
            and not name.startswith(("_", "release"))
        ):
            return ResourceType(module, facts.name, name, True, True, by_protocol=True)
    return None


def _starts_a_task(family: Family) -> bool:
    """Whether a class of ``family`` keeps on ``self`` a task it starts (``self._loop_task =
    asyncio.ensure_future(self._keep_alive())``)."""
    return any(
        a.ref[0] == "qualified" and a.ref[1].rpartition(".")[2] in TASK_WORDS
        for _, facts in family for a in facts.acquisitions
    )


def family_methods(family: Family) -> dict[str, MethodFacts]:
    """The facts of each method name of the family, from its nearest definition (the class first)."""
    methods: dict[str, MethodFacts] = {}
    for _, facts in family:
        for name, method in facts.methods.items():
            methods.setdefault(name, method)
    return methods


def release_method_of(
    family: Family, configured: tuple[str, ...]
) -> MethodFacts | None:
    """The method that ends an instance: a configured shutdown name first (in its order), else
    the class's own word for it (``stop_monitoring``, ``close_all``), public before private."""
    methods = family_methods(family)
    framework = framework_of(family)
    if framework is not None:
        if framework.teardown in methods:
            # What the framework calls: a cog's ``cog_unload()`` before its ``stop(ctx)`` command.
            return methods[framework.teardown]
        # ``logout()``, which discord.py no longer calls: no place to release anything.
        methods = {n: m for n, m in methods.items() if n not in framework.stale}
    for name in configured:
        # A configured name taking arguments is something else (Red's ``stop(self, ctx)`` is a
        # bot command).
        if name in methods and name != "__exit__" and not methods[name].required:
            return methods[name]
    # A private name counts only as a bare release word (``_close``, ``_stop``): ``_close_database``
    # is a helper that ends one thing, not the class.
    # A suffix (``hedge_tasks_cleanup()``) names a release less surely than a leading word
    # (``stop_streaming()``): such a method must also end something, since it can be a helper
    # (hummingbot's only prunes finished tasks from a list). A leading word and unittest's
    # ``tearDown()`` are the teardown whatever they do yet: the place to add the end to.
    own = [
        m
        for m in methods.values()
        if is_release_name(m.name)
        and m.name not in DUNDER_RELEASE
        and not m.required
        and (not m.name.startswith("_") or BARE_RELEASE.match(m.name.lstrip("_")))
        and (m.ends or m.name in TEST_TEARDOWNS or LEADING_RELEASE.match(m.name.lstrip("_")))
    ]
    own.sort(key=lambda m: (m.name.startswith("_"), m.line))
    if own:
        return own[0]
    return methods.get("__exit__")


def release_method(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> str | None:
    """The name of the method that ends ``cls``'s resources and tasks (its own or inherited from a
    first-party base), or None when it has none: then, and only then, a message suggests adding
    one. Shared with the fixes, which add the release there. Once per class and configuration
    in a run (``Project.class_memo``: each stored task of a class asked again)."""
    key = ("release-method", cls, configured)
    memo = module.project.class_memo
    if key in memo:
        return cast("str | None", memo[key])
    found = memo[key] = _release_method(module, cls, configured)
    return found


def _release_method(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> str | None:
    facts = class_facts(module, cls)
    if facts is None:
        return None
    family = lineage(module.project, module.summary, facts)
    method = release_method_of(family, configured)
    if method is None:
        # A teardown named its own way (``finish()``), found as the method that releases what
        # the class acquires.
        method = _releasing_method(family)
    framework = framework_of(family)
    if method is not None and framework is not None and method.name in framework.stale:
        return None  # ``logout()``: the framework's teardown is to be added, not this one
    if method is not None and closed_mid_life_only(module, cls, method.name):
        return None  # ``_disconnect()`` called only to reconnect: no end of the object
    return method.name if method is not None else None


def release_method_guessed(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> bool:
    """Whether :func:`release_method` names a method found only as one that releases something
    the class acquires (:func:`_releasing_method`), not by its name or a framework's teardown: a
    guess, which a fix must see proven the end of the object's life before it ends anything there
    (lnbits's ``connect()``, an ``@asynccontextmanager`` whose ``finally`` releases a lock, runs
    at every query)."""
    if release_method(module, cls, configured) is None:
        return False
    facts = class_facts(module, cls)
    if facts is None:
        return False
    family = lineage(module.project, module.summary, facts)
    named = release_method_of(family, configured)
    framework = framework_of(family)
    teardown = framework.teardown if framework is not None else None
    return named is None or (own_word_for_a_part(named.name, configured, teardown) and unread_base(module.project, family))


def _releasing_method(family: Family) -> MethodFacts | None:
    acquired = {a.attr for _, f in family for a in f.acquisitions}
    for _, facts in family:
        for method in facts.methods.values():
            if any(attr in acquired for attr, _ in method.releases):
                found = own_teardown(family, method.name)
                if found is not None:
                    return found
    return None


def releases_attr(family: Family, attr: str, names: frozenset[str], awaited: bool = False) -> str | None:
    """The method of the family that releases ``self.attr`` by calling one of ``names`` (or by an
    ``async with``); None if none does. ``awaited``: the close is a coroutine function, and a call
    whose result is dropped (``self.s.close()`` as a statement) closes nothing."""
    return next(iter(attr_releasers(family, attr, names, awaited)), None)


def attr_releasers(family: Family, attr: str, names: frozenset[str], awaited: bool = False) -> list[str]:
    """Every method of the family that releases ``self.attr`` (``releases_attr``), in order (a
    request method closing the session after its call comes before ``close()``, and is no end);
    not a release that a nearer class overrides without running it (``super().__aexit__()``)."""
    aliases = {name for _, facts in family for name, source in facts.properties.items() if source == attr}
    found: list[str] = []
    replaced: set[str] = set()  # (summaries read ``super()`` in release-like methods only)
    for _, facts in family:
        for method in (m for m in facts.methods.values() if m.name not in replaced):
            for owner, how in method.releases:
                if awaited and (owner, how) in method.dropped:
                    continue
                if (owner == attr or owner in aliases) and (how in names or how == "with") and method.name not in found:
                    found.append(method.name)
        replaced.update(n for n, m in facts.methods.items() if is_release_name(n) and n not in m.extends)
    return found


def _entry_for(
    family: Family, helper: str, configured: tuple[str, ...]
) -> MethodFacts | None:
    """The release-like method that ends up calling ``helper`` (itself, when it is one)."""
    methods = family_methods(family)
    release = release_method_of(family, configured)
    # (``__aexit__(self, exc_type, exc, tb)`` takes what the protocol gives it.)
    candidates = [m for m in methods.values() if is_release_name(m.name) and (not m.required or m.name in DUNDER_RELEASE)]
    if release is not None:
        candidates.insert(0, release)
    # What a creator is told to call: a named method before ``__aexit__``.
    candidates.sort(key=lambda m: m.name in DUNDER_RELEASE)
    for method in candidates:
        if helper in methods and (helper == method.name or helper in reached_from(methods, method.name)):
            return method
    return own_teardown(family, helper)


def release_entry(family: Family, helper: str, configured: tuple[str, ...]) -> MethodFacts | None:
    """The method a holder calls to end an instance whose ``helper`` releases something."""
    return _entry_for(family, helper, configured)


def own_teardown(family: Family, helper: str) -> MethodFacts | None:
    """A class whose teardown has a name of its own (``finish()``, called by its owner's
    ``shutdown()``): the public method that releases what the class acquired, needs no argument
    and acquires nothing again (``reconnect()`` closes and re-opens: not a teardown)."""
    method = family_methods(family).get(helper)
    if method is None or method.name.startswith(("_", "test")) or method.required or method.name in DUNDER_RELEASE:
        return None  # a test method that stops what it made is no teardown
    if any(a.method == method.name for _, f in family for a in f.acquisitions):
        return None
    return method


class OwnershipModel:
    """Project-wide ownership queries over module facts, memoised per class."""

    def __init__(
        self, project: Project, builtin_close: Callable[[str], str | None], configured: tuple[str, ...]
    ) -> None:
        self.project = project
        # ``builtin_close("aiohttp.ClientSession") == "close"``: the configured resource table.
        self.builtin_close = builtin_close
        self.configured = configured
        # Whether a library resource's close is a coroutine function (aiohttp's ``ClientSession``).
        self.coroutine_close: Callable[[str], bool] = lambda qualified: False
        # How an instance of a library resource type is released, by its qualified name: (close
        # method, awaited, lazy), set by the resource analysis as ``coroutine_close`` is. What a
        # first-party subclass of it inherits.
        self.library_release: Callable[[str], tuple[str, bool, bool] | None] = lambda qualified: None
        # Whether what a library constructor makes holds nothing until a method of it is called
        # (``ResourceSpec.opened_by``), set alike.
        self.opened_by_a_call: Callable[[str], bool] = lambda qualified: False
        self.function_close: Callable[[ModuleSummary, Ref], tuple[str, bool] | None] = lambda module, ref: None
        # How what ``self.attr = [await] <value>.<method>(...)`` keeps is released (``ClassFacts.made``):
        # (close, awaited) of the library maker's type on a receiver shown to be of its class.
        self.method_close: Callable[[ModuleSummary, Acquisition], tuple[str, bool] | None] = lambda module, made: None
        # Whether a method releasing ``self.<attr>`` is no release of it all the same: the library
        # table's reading (``scripts/resource_lifetimes.py``); never, for a first-party class.
        self.not_a_release: Callable[[Family, str, MethodFacts], bool] = lambda family, attr, entry: False
        self._types: dict[tuple[str, int], ResourceType | None] = {}

    def break_cycles(self) -> None:
        """Forgotten by the project's memo (``Project.forget_memos``): ``builtin_close`` is a method
        of the first file's analysis, which points back at its context and module."""
        self.__dict__.clear()

    def resource_type(self, module: ModuleSummary, facts: ClassFacts) -> ResourceType | None:
        key = (module.path, facts.line)
        if key in self._types:
            return self._types[key]
        self._types[key] = None  # a class that holds an instance of itself is not one by that
        found = self._resource_type(module, facts)
        self._types[key] = found
        return found

    def _resource_type(self, module: ModuleSummary, facts: ClassFacts) -> ResourceType | None:
        family = lineage(self.project, module, facts)
        if any("__new__" in f.methods for _, f in family):
            return None  # a singleton (hummingbot's ``ConnectionsFactory``): no creator owns it
        inherited = self._library_base(module, facts, family)
        if inherited is not None:
            return inherited
        if not any(m.releases for _, f in family for m in f.methods.values()):
            # Nothing in the lineage releases an attribute. A class that starts a task of its own
            # and says it must be ended (``__aexit__`` awaiting its ``stop()``) is one all the same:
            # the task runs until that end (ydb's aio ``SessionPool``, whose ``stop()`` ends its
            # keep-alive task and pooled sessions); one whose end only clears a flag is not.
            return self._element_owner(module, facts, family) or (_by_protocol(module, facts, family) if _starts_a_task(family) else None)
        acquired: list[tuple[ModuleSummary, Acquisition]] = []
        for owner_module, owner in family:
            for acquisition in owner.acquisitions:
                if acquisition.ref[0] in ("maker", "class_maker"):  # what the family's own override of the maker makes
                    made = self._made_by_maker(family, acquisition.ref[1], acquisition.ref[0] == "class_maker")
                    if made is not None:
                        acquired.append((made[0], replace(acquisition, ref=made[1])))
                else:
                    acquired.append((owner_module, acquisition))
        acquired = held_through_holders(acquired, self.owned_close)  # (a holder's part: only where the holder holds nothing)
        for owner_module, acquisition in acquired:
            close = self.owned_close(owner_module, acquisition.ref)
            if close is None:
                continue
            coroutine = self.coroutine_close(acquisition.ref[1]) if acquisition.ref[0] == "qualified" else close[1]
            entry = self._release_entry(family, acquisition.attr, close[0], coroutine and close[1])
            if entry is None:
                continue
            lazy = not any(
                a.method == "__init__"
                and self.owned_close(m, a.ref) is not None
                and not self._by_protocol(m, a.ref)
                and not self._held_lazily(m, a.ref)
                for m, a in acquired
            )
            return ResourceType(module, facts.name, entry.name, entry.is_async, lazy)
        for owner_module, owner in family:
            for kept in owner.made:
                close = self.method_close(owner_module, kept)
                entry = self._release_entry(family, kept.attr, *close) if close is not None else None
                if entry is not None:
                    # (what a method of a value makes is opened there: held once that method ran)
                    return ResourceType(module, facts.name, entry.name, entry.is_async, kept.method != "__init__")
        held = self._held_part_release(family, acquired)
        if held is not None:
            return ResourceType(module, facts.name, *held)
        return self._element_owner(module, facts, family) or _by_protocol(module, facts, family)

    def _element_owner(self, module: ModuleSummary, facts: ClassFacts, family: Family) -> ResourceType | None:
        """A class that ends each resource it keeps in a collection of its own (``element_owner``)."""
        found = element_owner(family, self.owned_close, lambda m: _entry_for(family, m, self.configured), self._held_lazily)
        return ResourceType(module, facts.name, *found) if found is not None else None

    def _held_part_release(self, family: Family, acquired: list[tuple[ModuleSummary, Acquisition]]) -> tuple[str, bool, bool] | None:
        """(release, awaited, lazy) of a class that releases a resource kept by a first-party
        object it holds (``self.api = API(...)``; ``stop()`` awaits ``self.api.session.close()``):
        it owns that part (EXG1O/Telegram-Bots-Hub's ``Bot``). None otherwise."""
        for owner_module, acquisition in acquired:
            if acquisition.ref[0] == "qualified" and self.builtin_close(acquisition.ref[1]) is not None:
                continue
            target = resolve_ref(self.project, owner_module, acquisition.ref)
            for part_module, part_facts in lineage(self.project, *target) if target is not None else ():
                for part in part_facts.acquisitions:
                    close = None if part.ref[0] in ("maker", "class_maker") else self.owned_close(part_module, part.ref)
                    if close is None:
                        continue
                    entry = self._release_entry(family, f"{acquisition.attr}.{part.attr}", close[0], close[1])
                    if entry is not None:
                        return entry.name, entry.is_async, not (acquisition.method == part.method == "__init__")
        return None

    def _release_entry(self, family: Family, attr: str, close: str, awaited: bool) -> MethodFacts | None:
        """The method that ends an instance of ``family`` by releasing ``self.<attr>`` (``close``, or
        ``__aexit__``, which ends one entered by hand); ``awaited``: only an awaited release."""
        releasers = attr_releasers(family, attr, frozenset({close, "close", "aclose", "__aexit__"}), awaited)
        entries = (_entry_for(family, r, self.configured) for r in releasers)
        return next((e for e in entries if e is not None and not self.not_a_release(family, attr, e)), None)

    def _library_base(self, module: ModuleSummary, facts: ClassFacts, family: Family) -> ResourceType | None:
        """``class QLCWebsocketClient(aiohttp.ClientSession)``: a first-party class whose lineage
        derives from a library resource type is one, released as its base is (an instance is
        the base's instance, whatever the subclass adds)."""
        for _, owner in family:
            for ref in owner.bases:
                release = self.library_release(ref[1]) if ref[0] == "qualified" else None
                if release is not None:
                    return ResourceType(module, facts.name, *release, inherited=True)
        return None

    def _made_by_maker(self, family: Family, name: str, class_maker: bool = False) -> tuple[ModuleSummary, Ref] | None:
        """What the nearest class of ``family`` that defines the maker ``name`` returns (python-
        binance's ``AsyncClient._init_session()``, called by its base's ``__init__``), read from
        that class's own code: (its module, the constructor's ref); None when it makes none.
        ``class_maker``: the method returns a class, which the caller calls (python-socketio's
        ``AsyncClient._engineio_client_class()`` returning ``engineio.AsyncClient``)."""
        for module, facts in family:
            if name not in facts.methods:
                continue
            parsed = self.project.module_at(Path(module.path))
            cls = next((n for n in parsed.tree.body if isinstance(n, ast.ClassDef) and n.lineno == facts.line), None) if parsed else None
            method = class_method(cls, name) if cls else None
            if class_maker:
                named = returned_class(method) if method is not None else None
                ref = summary_ref(parsed, named) if named is not None and parsed is not None else None
                return (module, ref) if ref is not None else None
            made = returned_call(method) if method is not None and parsed is not None else None
            ref = summary_ref(parsed, made.func) if made is not None and parsed is not None else None
            return (module, ref) if ref is not None else None
        return None

    def _held_lazily(self, module: ModuleSummary, ref: Ref) -> bool:
        """What ``ref`` makes holds nothing until a method of it is called (aiohttp's ``AppRunner``
        before its ``setup()``, a first-party type that acquires outside ``__init__``): an owner
        that makes one in ``__init__`` holds nothing more until then either. A library client
        that opens on its first use (``httpx.AsyncClient``) is held from the start: any method of
        its owner may use it (frankbria/codeframe's ``GitHubIntegration``). A qualified name of
        the project's own class (``from .api import ApiClient``) is judged as the class."""
        if ref[0] == "qualified" and self.builtin_close(ref[1]) is not None:
            return self.opened_by_a_call(ref[1])
        target = resolve_ref(self.project, module, ref)
        found = self.resource_type(*target) if target is not None else None
        return found is not None and found.lazy

    def _by_protocol(self, module: ModuleSummary, ref: Ref) -> bool:
        """A first-party type known by its ``__aexit__`` alone: it holds nothing until used, and
        neither does an owner that makes one."""
        if ref[0] == "qualified" and self.builtin_close(ref[1]) is not None:
            return False
        target = resolve_ref(self.project, module, ref)
        found = self.resource_type(*target) if target is not None else None
        return found is not None and found.by_protocol

    def owned_close(self, module: ModuleSummary, ref: Ref) -> tuple[str, bool] | None:
        """How a value made by calling ``ref`` is released: (method, awaited), or None when it is
        not a resource."""
        if ref[0] == "qualified":
            builtin = self.builtin_close(ref[1])
            if builtin is not None:
                return builtin, True
        target = resolve_ref(self.project, module, ref)
        if target is None:
            return self.function_close(module, ref)  # a first-party function that returns one
        found = self.resource_type(*target)
        return (found.release, found.awaited) if found is not None else None

    def first_party_type(self, module: ModuleInfo, func: ast.expr) -> ResourceType | None:
        """The resource type a constructor call makes, for a first-party class; None otherwise."""
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        factory = ""
        if not capword(name) and isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Attribute)):
            # ``await Provider.create(url)``: a factory class method of a resource type.
            factory, func = name, func.value
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if not capword(name) or name.endswith(_NOT_RESOURCES):
            return None  # classes are CapWords: skip the lookup for every ``len()`` and ``foo.bar()``
        found = class_named(module, func)
        if found is None or (factory and factory not in found[1].factories):
            return None
        facts = found[1]
        made = self.resource_type(found[0], facts)
        if made is not None and made.lazy and factory and facts.methods[factory].is_async:
            # An async factory awaits something before it returns: the ``connect()`` a lazy type
            # waits for, as ``Provider.open()`` does.
            return replace(made, lazy=False)
        return made

    def keeps_and_releases(self, module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool | None:
        """Whether the first-party class ``call`` constructs keeps ``arg`` and releases it: True or
        False for a first-party class, None when the callee is not one (third-party code).
        ``cls(session)`` in a class method is a call of its class."""
        found = class_named(module, class_of_cls(module, call.func) or call.func)
        if found is None:
            return None
        facts = found[1]
        family = lineage(self.project, found[0], facts)
        attr: str | None = None
        for keyword in call.keywords:
            if keyword.value is arg and keyword.arg is not None:
                attr = next((f.stored_params.get(keyword.arg) for _, f in family if keyword.arg in f.stored_params), None)
        for position, value in enumerate(call.args):
            if value is arg:
                attr = stored_at(self.project, family, position)
        if attr is None:
            # ``**kwargs`` forwarded to a base we cannot read, or a parameter used without being
            # stored: not proven either way, so the handoff is trusted as a third-party one.
            return None
        return releases_attr(family, attr, frozenset({"close", "aclose"}) | release_words(family, attr)) is not None

    def released_params(self, module: ModuleInfo, func: ast.expr) -> tuple[tuple[tuple[str, int], ...], MethodFacts] | None:
        """For a first-party class that is no resource type of its own: the constructor
        parameters (name, position; -1 when not ``__init__``'s) it stores in an attribute that
        its release method closes, with that method (``Wrapper(session)`` whose ``close()`` awaits
        ``self.session.close()``). None when there are none."""
        found = class_named(module, func)
        if found is None:
            return None
        family = lineage(self.project, found[0], found[1])
        if any("__new__" in f.methods for _, f in family) or not any(f.stored_params for _, f in family):
            return None
        params: list[tuple[str, int]] = []
        entry: MethodFacts | None = None
        # As :meth:`keeps_and_releases` reads a handoff: a parameter the class or a base stores
        # (``super().__init__(transport=transport)``), the class's own first.
        stored: dict[str, str] = {}
        for _, f in family:
            for param, attr in f.stored_params.items():
                stored.setdefault(param, attr)
        places = sorted({position for _, f in family for position in f.stored_positions})
        positions = {kept: position for position in places if (kept := stored_at(self.project, family, position)) is not None}
        for param, attr in sorted(stored.items()):
            releaser = releases_attr(family, attr, frozenset({"close", "aclose"}) | release_words(family, attr))
            method = _entry_for(family, releaser, self.configured) if releaser is not None else None
            if method is not None:
                params.append((param, positions.get(attr, -1)))
                entry = entry or method
        return (tuple(params), entry) if params and entry is not None else None

    def stored_by_base_init(
        self, module: ModuleInfo, cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, arg: ast.expr
    ) -> str | None:
        """The attribute of ``self`` that a first-party base's ``__init__`` stores ``arg`` in, when
        ``call`` is ``super().__init__(...)`` (or ``Base.__init__(self, ...)``, ``Base`` one of
        its bases) in ``method``, a method of ``cls``: the instance keeps it, so ``cls`` and its
        bases must end it. None when no base is read to store it."""
        handoff = next(((found, base) for found, base in base_init_calls(method) if found is call), None)
        if handoff is None:
            return None
        base = handoff[1]
        if base is not None and not any(ast.unparse(b) == ast.unparse(base) for b in cls.bases):
            return None
        offset = 0 if base is None else 1  # ``Base.__init__(self, ...)``: ``self`` is the first argument
        facts = class_facts(module, cls)
        if facts is None:
            return None
        bases = lineage(module.project, module.summary, facts)[1:]
        for keyword in call.keywords:
            if keyword.value is arg and keyword.arg is not None:
                return next((f.stored_params[keyword.arg] for _, f in bases if keyword.arg in f.stored_params), None)
        for position, value in enumerate(call.args):
            if value is arg and position >= offset:
                index = position - offset
                return next((f.stored_positions[index] for _, f in bases if index in f.stored_positions), None)
        return None


def release_words(family: Family, attr: str) -> frozenset[str]:
    """The release calls the family's summaries record on ``self.attr`` (``disconnect``, ``stop``...)."""
    return frozenset(how for _, f in family for m in f.methods.values() for owner, how in m.releases if owner == attr)


def ownership_model(
    module: ModuleInfo,
    builtin_close: Callable[[str], str | None],
    configured: tuple[str, ...],
    table_key: tuple[tuple[str, str], ...],
) -> OwnershipModel:
    """The run's model: one per project and configuration, dropped with the project's memo when
    a fix replaces a module."""
    memo = module.project.class_memo
    models = cast(
        "dict[tuple[object, ...], OwnershipModel]", memo.setdefault(("ownership-models", _SENTINEL), {})
    )
    key = (configured, table_key)
    model = models.get(key)
    if model is None:
        model = models[key] = OwnershipModel(module.project, builtin_close, configured)
    return model


# The project memo is keyed by (kind, node): the model belongs to no node of its own.
_SENTINEL = ast.Module(body=[], type_ignores=[])
