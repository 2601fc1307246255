"""A lazy resource its holder never opens: it holds nothing, and there is nothing to release.

A lazy resource type (:attr:`ResourceSpec.lazy`: a library client that opens its connection on
its first awaited use, a first-party class whose acquisitions happen only outside ``__init__``)
holds nothing until something opens it. When no use of the value can open it, no leak is
reported for it (``self.client = Client()`` in a class that never touches it again; a
socket.io client whose only use registers a handler, ``self.sio.on("connect")``; an executor
whose ``start_scheduler()``, the only method that acquires, is never called).

What opens it, for a first-party class whose acquiring methods are known (the methods of its
lineage that store an acquisition on ``self`` outside ``__init__``, and every method that reaches
one of them on ``self``, however deep): reaching one of those methods (called, awaited, or handed
on as a bound method), or reaching through it any name that is not a method of the lineage (a
data attribute, a library base's method). For a first-party class whose acquisitions are not all
known so (one that makes a lazy client in ``__init__``, one known by its ``__aexit__`` or its
task): any use through it. For a library type: any call through it other than a synchronous one,
given constants only, whose result is dropped or that decorates a function (``@sio.on("connect")``;
not ``stack.push_async_callback(conn.close)``), and not run by a runner. For all: entering it,
iterating it, awaiting it, handing it on (returned, yielded, given to a call, stored, aliased) or
any other use. Only a test of it (``if self.client is None``) and the uses above open nothing.

A first-party class whose ``__init__`` makes only lazy library clients (``self._http =
httpx.AsyncClient()``) is opened by the methods that use them (its first request), by those
that hand the instance on, and by every method reaching one of those: an instance of it that
has no release of its own (a holder, ``ResourceSpec.holds``) that no use opens holds nothing
either (``oai = Client(key); oai._convert_messages(conv)``). One with a release of its own (a
resource type) stays held from its construction (``OwnershipModel._held_lazily``).

For a value kept on ``self``, every spelling of the attribute outside the lineage's own
``self.<attr>`` loads (in this module or in any file of the project naming it: a caller's
``holder.client.connect()``, a subclass's method) counts as opening it."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeGuard

from tradelint.facts.awaited_uses import run_through
from tradelint.facts.class_family import bases_naming, class_and_bases, class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.coordinator_ends import COORDINATOR_BASES
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.named_classes import Found, class_named, resolve_ref
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.project_files import files_naming
from tradelint.facts.summary_data import Acquisition, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES, TASK_STARTERS
from tradelint.facts.unreachable import uncalled
from tradelint.facts.uses import name_loads, self_attribute_loads, self_name
from tradelint.models.resources.handed_readers import read_only_by_callee
from tradelint.models.resources.patched_methods import patched_around
from tradelint.models.resources.process_globals import project_folder
from tradelint.models.resources.resource_types import Creation
from tradelint.models.resources.walked_elements import element_loads, walked_loads

__all__ = [
    "built_quietly", "elements_never_opened", "holder_never_opened", "never_opened", "never_opened_on_self", "never_used", "opener_never_called", "opener_unused", "opening_methods",
    "use_opens",
]


def never_opened(module: ModuleInfo, model: OwnershipModel, c: Creation, loads: Iterable[ast.expr]) -> bool:
    """Whether no load of ``c``'s value among ``loads`` can open it (``c.spec.lazy`` only: a
    resource type whose ``__init__`` makes a lazy library client is held from its construction,
    as ``OwnershipModel._held_lazily`` says; a holder with no release of its own is read by
    :func:`holder_never_opened`). In a test, a local of such a first-party type is read as a lazy
    one when the methods that open it are known: a test that only reads it, or calls methods
    that reach no request of its client (``exchange.symbol()``, a method the test replaced),
    opens no connection, and there is nothing to close."""
    in_a_test = not c.spec.lazy and c.spec.first_party and c.kind == "local" and in_tests(module)
    if not c.spec.lazy and not in_a_test:
        return False
    opening = opening_methods(module, model, c.call.func)
    if opening is _HELD or (in_a_test and not _known(opening)):
        return False
    if c.kind == "local" and _known(opening):
        return not _opened_in_order(module, model, c.call.func, loads, opening)
    opener = c.spec.opened_by if opening is None else ""
    return not any(_opens(module, load, opening, opener) for load in loads)


def use_opens(module: ModuleInfo, model: OwnershipModel, c: Creation) -> Callable[[ast.expr], bool] | None:
    """For a first-party lazy class whose opening methods are known, whether a load of ``c``'s
    value can open it (``await hub.check_config()``, a method reaching none of the class's
    acquisitions, cannot); None for any other type (any awaited use may open it)."""
    if not (c.spec.lazy and c.spec.first_party):
        return None
    opening = opening_methods(module, model, c.call.func)
    if not _known(opening):
        return None
    return lambda load: _opens(module, load, opening)


def elements_never_opened(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """A lazy resource kept in a local collection the function walks (``c.kind ==
    "local_elements"``) whose element no walk can open (:mod:`.walked_elements`): each holds
    nothing. One never walked is judged as before."""
    if c.kind != "local_elements" or c.function is None:
        return False
    walked = walked_loads(module, c.function, c.name) if c.name else element_loads(module, c.call) or []
    return bool(walked) and never_opened(module, model, c, walked)


def _opened_in_order(module: ModuleInfo, model: OwnershipModel, func: ast.expr, loads: Iterable[ast.expr], opening: Opening | None) -> bool:
    """Whether some load of a local among ``loads``, taken in the order they run, opens it, once
    a method of its class that a store replaces on the instance (``client._read = fake_read``, a
    test's stand-in) no longer runs the class's code: neither it nor what only it reaches opens
    anything from that store on. A use before the store is read with the class's own methods. An
    attribute that is no method, set on the instance, holds what was set there from then on: a
    read of it opens nothing of the class's."""
    replaced: set[str] = set()
    overwritten: set[str] = set()  # attributes set on the instance: what is read there is what was set
    for load in sorted(loads, key=lambda n: (n.lineno, n.col_offset)):
        name = _replaced_method(module, load, opening)
        if name is not None:
            replaced.add(name)
            opening = opening_methods(module, model, func, frozenset(replaced))
            continue
        attribute = module.parent(load)
        if isinstance(attribute, ast.Attribute) and attribute.value is load and _known(opening) and attribute.attr not in opening.methods:
            if attribute.attr in overwritten:
                continue  # (``client._ws = MagicMock()``, then ``client._ws.closed = False``)
            if isinstance(attribute.ctx, ast.Store):
                overwritten.add(attribute.attr)
                if attribute.attr in opening.parts:
                    # A lazy part replaced (``dev._comm = Mock()``): what the class made there
                    # holds nothing, and its methods reach the stand-in from then on.
                    replaced.add(attribute.attr)
                    opening = opening_methods(module, model, func, frozenset(replaced))
                    continue
        if _opens(module, load, _around(module, model, func, load, opening, replaced)):
            return True
    return False


def _around(module: ModuleInfo, model: OwnershipModel, func: ast.expr, load: ast.expr, opening: Opening | None, replaced: set[str]) -> Opening | None:
    """``opening`` where ``load`` runs: also without the methods a ``patch.object`` around it
    replaces (:mod:`.patched_methods`)."""
    if not _known(opening):
        return opening
    patched = patched_around(module, load, func) & opening.methods
    if not patched - replaced:
        return opening
    return opening_methods(module, model, func, frozenset(replaced | patched))


def _replaced_method(module: ModuleInfo, load: ast.expr, opening: Opening | None) -> str | None:
    """``x.<method> = value``, ``load`` being ``x``: the name of a method of ``x``'s class the store
    replaces on the instance with a value that is not reached through ``x`` itself."""
    parent = module.parent(load)
    if opening is None or not _known(opening) or not (isinstance(parent, ast.Attribute) and parent.value is load):
        return None
    stmt = module.parent(parent)
    if not (isinstance(stmt, ast.Assign) and stmt.targets == [parent]) or parent.attr not in opening.methods:
        return None
    if parent.attr.startswith("__") or any(isinstance(n, ast.Name) and isinstance(load, ast.Name) and n.id == load.id for n in ast.walk(stmt.value)):
        return None
    return parent.attr


def _known(opening: Opening | None) -> TypeGuard[Opening]:
    """Whether ``opening`` names the methods that open a first-party class's instance."""
    return opening is not None and opening is not _UNKNOWN and opening is not _HELD


def never_opened_on_self(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """``never_opened`` for ``self.<attr> = X()``: the family's ``self.<attr>`` loads, and no other
    load of ``.<attr>`` that may reach the value, in the module or another file of the project."""
    opener = "" if c.spec.first_party else c.spec.opened_by
    if not c.spec.lazy or not _unread_in_module(module, c, opener):
        return False
    assert c.cls is not None
    return never_opened(module, model, c, _own_loads(module, c)) and not _reached_elsewhere(module, c.name, c.cls.name, opener)


def opener_never_called(module: ModuleInfo, cls: ast.ClassDef, attr: str, opener: str) -> bool:
    """Whether nothing calls ``opener`` (:func:`_opens`) through ``self.<attr>`` of ``cls``, nor
    uses it otherwise (enters it, hands it on), in the class or wherever else ``.<attr>`` may
    reach it: a library client kept there that opens only so (gql's ``Client`` until
    ``connect_async()``) holds nothing for the class to close. Read once per class, attribute
    and opener (each constructor call of the class asks)."""
    return _memo_per_class(module, cls, attr, opener, _opener_never_called)


def never_used(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether nothing reads ``self.<attr>`` of ``cls`` but to test it, in its family or
    wherever else ``.<attr>`` may reach it: what a lazy part kept there would open is never
    opened (tg_arbitrage's ``ContractResolver``, whose ``self.etherscan`` nothing uses)."""
    return _memo_per_class(module, cls, attr, "", _never_used)


def _memo_per_class(
    module: ModuleInfo, cls: ast.ClassDef, attr: str, opener: str, read: Callable[[ModuleInfo, ast.ClassDef, str, str], bool]
) -> bool:
    """``read`` once per class, attribute and opener and run; the scan of the project's files
    naming ``.<attr>`` is noted on every call, memo or not (for the cache)."""
    module.project.note_scan(f"mentions {attr}", project_folder(module))
    memo = module.project.class_memo
    key = ("unopened-attribute", read.__name__, cls, attr, opener)
    if key not in memo:
        memo[key] = read(module, cls, attr, opener)
    return bool(memo[key])


def _opener_never_called(module: ModuleInfo, cls: ast.ClassDef, attr: str, opener: str) -> bool:
    loads = list(self_attribute_loads(cls, attr))
    if any(_opens(module, load, None, opener) for load in loads):
        return False
    return not _read_in_module(module, loads, attr, cls.name, opener) and not _reached_elsewhere(module, attr, cls.name, opener)


def _never_used(module: ModuleInfo, cls: ast.ClassDef, attr: str, opener: str) -> bool:
    """(``opener`` is always empty: any read but a test is a use.)"""
    loads = [load for _, k in bases_naming(module, cls, attr) for load in self_attribute_loads(k, attr)]
    if any(not _tested(module, load, module.parent(load)) for load in loads):
        return False
    return not _read_in_module(module, loads, attr, cls.name, opener) and not _reached_elsewhere(module, attr, cls.name, opener)


def built_quietly(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether making an instance of ``cls`` hands neither the instance nor a bound method of it
    on: no ``__init__`` of its lineage registers it (``context.ws.add_route("ping", self.ping)``,
    ``bus.register(self)``), so nothing but its holder can use it."""
    family = class_and_bases(module, cls)
    methods = {s.name for _, node in family for s in node.body if isinstance(s, FUNCTION_NODES)}
    for home, node in family:
        init = next((s for s in node.body if isinstance(s, FUNCTION_NODES) and s.name == "__init__"), None)
        receiver = self_name(init) if init is not None else None
        if init is None or receiver is None:
            continue
        if _hands_self_on(home, init, receiver):
            return False
        for n in ast.walk(init):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == receiver and n.attr in methods:
                call = home.parent(n)
                if not (isinstance(call, ast.Call) and call.func is n):
                    return False  # a bound method handed on
    return True


def opener_unused(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """A library type held only from one method on (``ResourceSpec.opened_by``: gql's ``Client``
    from its ``connect_async()``) that its maker never calls it: made inline for another method
    (``await Client(transport=t).execute_async(q)``), or a local no use of which opens it."""
    if not c.spec.opened_by or c.spec.first_party:
        return False
    if c.kind == "inline":
        parent = module.parent(c.call)
        return isinstance(parent, ast.Attribute) and parent.value is c.call and parent.attr != c.spec.opened_by
    return c.kind == "local" and c.function is not None and never_opened(module, model, c, name_loads(c.function, c.name))


def holder_never_opened(module: ModuleInfo, model: OwnershipModel, c: Creation) -> bool:
    """Whether an instance of a first-party class that keeps what it holds in lazy library
    clients made in its ``__init__`` (``self._http = httpx.AsyncClient()``; ``ResourceSpec.holds``)
    is never opened: no use of it, here (a local) or in any method of its holder's family or any
    reader of the attribute (kept on ``self``), reaches a method of its class that opens one of
    those clients (``await self._http.post(...)``), or anything but a method of the class. Such an
    instance holds nothing (``oai = Client(...); oai._convert_messages(conv)``)."""
    if not c.spec.holds or c.kind not in ("local", "self_holder") or not _names_the_class(module, c.call.func):
        return False
    opening = opening_methods(module, model, c.call.func)
    if not _known(opening):
        return False
    if c.kind == "local":
        return c.function is not None and not _opened_in_order(module, model, c.call.func, name_loads(c.function, c.name), opening)
    if not _unread_in_module(module, c) or any(_opens(module, load, opening) for load in _own_loads(module, c)):
        return False
    assert c.cls is not None
    return not _reached_elsewhere(module, c.name, c.cls.name)


def _names_the_class(module: ModuleInfo, func: ast.expr) -> bool:
    """``Client(...)``, not ``Client.create(...)`` (a factory runs methods of the new instance)."""
    found = class_named(module, func)
    return found is not None and isinstance(func, (ast.Name, ast.Attribute)) and (func.id if isinstance(func, ast.Name) else func.attr) == found[1].name


def _own_loads(module: ModuleInfo, c: Creation) -> list[ast.expr]:
    assert c.cls is not None
    return [load for _, k in bases_naming(module, c.cls, c.name) for load in self_attribute_loads(k, c.name)]


def _unread_in_module(module: ModuleInfo, c: Creation, opener: str = "") -> bool:
    """Whether ``self.<attr> = X()`` is read in its module only through the family's own
    ``self.<attr>``: no other load of ``.<attr>`` there may reach the value (another file:
    :func:`_reached_elsewhere`); with ``opener`` (:func:`_opens`), none that may reach it
    calls that method."""
    # (``self._sio: Client = X()`` as ``self._sio = X()``; not ``sio = self._sio = X()``: used
    # through the local too)
    single = isinstance(c.stmt, ast.AnnAssign) or (isinstance(c.stmt, ast.Assign) and len(c.stmt.targets) == 1)
    if c.cls is None or not single:
        return False
    return not _read_in_module(module, _own_loads(module, c), c.name, c.cls.name, opener)


def _read_in_module(module: ModuleInfo, own: Iterable[ast.expr], attr: str, cls: str, opener: str) -> bool:
    """Whether a load of ``.<attr>`` in ``module`` other than the family's own (``own``) may reach
    the value an instance of ``cls`` keeps there (and, with ``opener``, calls that method)."""
    ids = {id(load) for load in own}
    return any(
        id(node) not in ids and _may_reach(module, node, attr, cls) and (not opener or _opens(module, node, None, opener))
        for node in module.index.attributes
    )


def _may_reach(module: ModuleInfo, node: ast.Attribute, attr: str, cls: str) -> bool:
    """Whether the load ``node`` of ``.<attr>`` may be of the value an instance of ``cls`` keeps:
    through a holder (``generator.client.connect()``, for a public name), or as ``self.<attr>`` in
    a subclass of ``cls`` (``class Child(cls)``). Another class's own ``self.<attr>`` is not."""
    if node.attr != attr or isinstance(node.ctx, ast.Store):
        return False
    function = module.enclosing_function(node)
    owner = module.parent(function) if function is not None else None
    if isinstance(owner, ast.ClassDef) and isinstance(node.value, ast.Name) and node.value.id == self_name(function):  # type: ignore[arg-type]
        return any((b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "")) == cls for b in owner.bases)
    return not attr.startswith("_") and not _a_module(module, node.value)


def _a_module(module: ModuleInfo, value: ast.expr) -> bool:
    """``core.sio``: the name is an imported module of the project, whose global it reads."""
    qualified = module.imports.qualify(value) if isinstance(value, ast.Name) else None
    if qualified is None:
        return False
    parts = qualified.split(".")
    for root in module.project.locate(module.path)[1]:
        folder = root.joinpath(*parts)
        if folder.with_suffix(".py").is_file() or (folder / "__init__.py").is_file():
            return True
    return False


def _reached_elsewhere(module: ModuleInfo, attr: str, cls: str, opener: str = "") -> bool:
    """Whether another file of the project loads ``.<attr>`` where it may be the value (and,
    with ``opener``, calls that method through it)."""
    top = project_folder(module)
    needle = f".{attr}".encode()
    module.project.note_scan(f"mentions {attr}", top)
    for path, data in files_naming(module.project, top, attr, skip=module.path):
        if needle not in data:
            continue
        other = module.project.module_at(path)
        if other is None or any(
            _may_reach(other, node, attr, cls) and (not opener or _opens(other, node, None, opener)) for node in other.index.attributes
        ):
            return True
    return False


@dataclass(frozen=True)
class Opening:
    """How an instance of a first-party lazy class is opened: ``methods``, the names of its
    lineage's methods; ``opening``, those that acquire or reach one that does; ``fields``, the
    attributes its methods set on ``self`` that hold nothing to release (no acquisition, no lazy
    client): reading one opens nothing (``client._subscriptions == subs`` in a test)."""

    methods: frozenset[str]
    opening: frozenset[str]
    fields: frozenset[str] = frozenset()
    parts: Mapping[str, Opening | None] = field(default_factory=dict)  # lazy parts made in ``__init__``
    # Whether every attribute a method of the family releases is one it is known to acquire (or
    # a part of it): only then is a part of this class known to hold nothing until it is opened.
    whole: bool = False


# A first-party class whose opening methods are not known: any use through it may open it.
_UNKNOWN = Opening(frozenset(), frozenset())
# One that holds something from its construction on: open whatever its holder does.
_HELD = Opening(frozenset(), frozenset())
# The refresh a Home Assistant integration's setup awaits first, before any entity listens.
FIRST_REFRESH = "async_config_entry_first_refresh"
_PROTOCOL = frozenset({"__aenter__", "__enter__", "__aiter__", "__anext__", "__await__"})


def opening_methods(module: ModuleInfo, model: OwnershipModel, func: ast.expr, replaced: frozenset[str] = frozenset()) -> Opening | None:
    """The methods of the first-party class ``func`` names that open an instance: those that store
    an acquisition on ``self`` outside ``__init__``, those that open a lazy library client its
    ``__init__`` makes (a use of ``self.<client>`` that opens it by the library rule of
    :func:`_opens`: ``await self._http.post(...)``) or hand the instance itself on
    (``bus.register(self)``), and those that reach one on ``self`` (called, awaited or handed
    on). ``_UNKNOWN`` when that is not known: not a first-party class (None), or one holding a
    resource made in ``__init__`` other than such a client, or one whose ``__init__`` itself opens
    one (or hands the instance on), or one known otherwise (by its ``__aexit__``); ``_HELD`` for
    one that starts a task in ``__init__``. ``replaced``: methods a store on the instance has
    replaced, whose code no longer runs (:func:`_opened_in_order`)."""
    found = class_named(module, func)
    if found is None:
        return None
    return _opening_of(module, model, found, replaced, frozenset())


def _opening_of(module: ModuleInfo, model: OwnershipModel, found: Found, replaced: frozenset[str], seen: frozenset[tuple[str, int]]) -> Opening:
    """:func:`opening_methods` of a class found, ``seen`` the classes whose opening asks for it
    (a part of a part: a class that keeps itself, directly or not, is not known)."""
    family = lineage(module.project, *found)
    seen = seen | {(str(found[0].path), found[1].line)}
    acquiring: set[str] = set()
    # Parts made in ``__init__`` that hold nothing until a method opens them: lazy library
    # clients (None: the library rule of :func:`_opens`), and first-party classes whose opening
    # methods are known (their ``Opening``).
    parts: dict[str, Opening | None] = {}
    kept: set[str] = set()  # what the family keeps that holds something: no field
    # Something the family holds was set aside as holding nothing (a lazy part a store on the
    # instance replaced, an acquisition no code of the application runs): acquiring nothing
    # then says that nothing opens it, not that what opens it is unknown.
    set_aside = False
    nodes: dict[int, tuple[ModuleInfo, ast.ClassDef] | None] = {}

    def node_of(index: int) -> tuple[ModuleInfo, ast.ClassDef] | None:
        if index not in nodes:
            nodes[index] = class_node(module, *family[index])
        return nodes[index]

    for index, (owner_module, facts) in enumerate(family):
        held = [a for a in facts.acquisitions if _holds(model, owner_module, a)]
        held += [a for a in facts.made if model.method_close(owner_module, a) is not None]
        kept.update(a.attr for a in (*held, *facts.elements))
        for acquisition in (*held, *facts.elements):
            if acquisition.method == "__init__":
                own = acquisition in facts.acquisitions
                lazy = own and _opened_on_use(model, acquisition)
                part = _lazy_part(module, model, owner_module, acquisition, seen) if own and not lazy else None
                if lazy or part is not None:
                    if acquisition.attr in replaced:
                        set_aside = True  # (what it made there holds nothing and is no longer reached)
                    else:
                        parts[acquisition.attr] = part
                    continue
                # (a task started there runs from the start: held, whatever opens the rest)
                return _HELD if acquisition.ref[1].rpartition(".")[2] in TASK_STARTERS else _UNKNOWN
            if _never_runs(node_of(index), acquisition.method):
                set_aside = True
                continue
            acquiring.add(acquisition.method)
    if not acquiring and not parts and not set_aside:
        return _UNKNOWN
    reaches: dict[str, set[str]] = {}
    stored: set[str] = set()
    valued: set[str] = set()  # set to something else than a plain value somewhere: may hold anything
    for index in range(len(family)):
        node = node_of(index)
        if node is None:
            return _UNKNOWN
        for stmt in node[1].body:
            if not isinstance(stmt, FUNCTION_NODES):
                continue
            receiver = self_name(stmt)
            if receiver is None:
                continue
            loads = [n for n in ast.walk(stmt) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == receiver]
            reaches.setdefault(stmt.name, set()).update(n.attr for n in loads)
            for n in loads:
                if isinstance(n.ctx, ast.Store):
                    (stored if _plain_store(node[0], n) else valued).add(n.attr)
            if parts and _hands_self_on(node[0], stmt, receiver):
                acquiring.add(stmt.name)  # (``bus.register(self)``: whoever gets it may use the clients)
            if any(n.attr in parts and isinstance(n.ctx, ast.Load) and _opens(node[0], n, parts[n.attr]) for n in loads):
                acquiring.add(stmt.name)  # (``await self._http.post(...)``: the client's first request)
    if not acquiring and not set_aside:
        return _UNKNOWN
    if "_async_update_data" in reaches and any(kind == "qualified" and name in COORDINATOR_BASES for _, f in family for kind, name in f.bases):
        # Home Assistant's coordinator: its first refresh runs the subclass's ``_async_setup()``
        # and ``_async_update_data()``, and nothing else of it (no listener is there yet).
        reaches.setdefault(FIRST_REFRESH, set()).update({"_async_setup", "_async_update_data"})
    opening = (acquiring - replaced) | _PROTOCOL
    changed = True
    while changed:
        changed = False
        for name, reached in reaches.items():
            if name not in opening and name not in replaced and reached & opening:
                opening.add(name)
                changed = True
    if parts and "__init__" in opening:
        return _UNKNOWN  # (opened as it is made: ``__init__`` uses the client, or hands the instance on)
    fields = frozenset(stored - valued - kept - parts.keys() - set(reaches))
    released = {attr for _, facts in family for method in facts.methods.values() for attr, _ in method.releases}
    whole = released <= kept | parts.keys()
    return Opening(frozenset(reaches), frozenset(opening), fields, parts, whole)


def _never_runs(node: tuple[ModuleInfo, ast.ClassDef] | None, name: str) -> bool:
    """Whether the method ``name`` of the class ``node`` is one its application never runs
    (:func:`~tradelint.facts.unreachable.uncalled`: a lazy getter nothing calls, OctopusClient's
    ``_get_session()``)."""
    if node is None:
        return False
    method = next((s for s in node[1].body if isinstance(s, FUNCTION_NODES) and s.name == name), None)
    return method is not None and uncalled(node[0], method)


def _lazy_part(module: ModuleInfo, model: OwnershipModel, owner: ModuleSummary, acquisition: Acquisition, seen: frozenset[tuple[str, int]]) -> Opening | None:
    """The opening of the first-party class ``self.<attr> = Part(...)`` makes in ``__init__``,
    when its opening methods are known: the part holds nothing until one of them runs
    (``self._transport = BleTransport(address)``, connected in ``connect()``)."""
    target = resolve_ref(module.project, owner, acquisition.ref)
    if target is None or (str(target[0].path), target[1].line) in seen:
        return None
    opening = _opening_of(module, model, target, frozenset(), seen)
    return opening if _known(opening) and opening.whole else None


# Python's own values, made of what they are given: a field set to one holds nothing to release.
_PLAIN_MAKERS = frozenset({"list", "dict", "set", "tuple", "frozenset", "str", "int", "float", "bool", "bytes", "len", "sorted"})


def _plain_store(module: ModuleInfo, target: ast.Attribute) -> bool:
    """``self.<attr> = value`` where ``value`` is a plain value: a constant, a display, a
    comprehension, an operation on plain values or names, or a builtin's container or number
    (``list(items)``), or a filter of the field itself (:func:`_filters_itself`);
    ``self.http = http_factory()`` may hold anything."""
    stmt = module.parent(target)
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) else None
    if isinstance(value, (ast.ListComp, ast.SetComp)) and _filters_itself(value, target):
        return True  # (``self._subs = [s for s in self._subs if s.get("id") not in ids]``)
    return value is not None and all(
        not isinstance(n, ast.Call) or (isinstance(n.func, ast.Name) and n.func.id in _PLAIN_MAKERS and n.func.id not in module.imports.names)
        for n in ast.walk(value)
    ) and not any(isinstance(n, (ast.Await, ast.Attribute, ast.Subscript, ast.Lambda)) for n in ast.walk(value))


def _filters_itself(value: ast.ListComp | ast.SetComp, target: ast.Attribute) -> bool:
    """``[s for s in self.<attr> if ...]`` stored back in ``self.<attr>``: the elements it keeps
    are the field's own, whatever the test that picks them; plain when the field's other stores
    are."""
    (generator, *rest) = value.generators
    source = generator.iter
    return (
        not rest and isinstance(generator.target, ast.Name) and isinstance(value.elt, ast.Name)
        and value.elt.id == generator.target.id and isinstance(source, ast.Attribute)
        and source.attr == target.attr and isinstance(source.value, ast.Name) and isinstance(target.value, ast.Name)
        and source.value.id == target.value.id
    )


def _hands_self_on(module: ModuleInfo, method: ast.AST, receiver: str) -> bool:
    """Whether ``method`` hands its instance itself on (``bus.register(self)``, ``return self``,
    ``self`` stored or aliased): anything but ``self.<name>`` or a test of it."""
    return any(
        isinstance(n, ast.Name) and n.id == receiver and isinstance(n.ctx, ast.Load)
        and not (isinstance(parent := module.parent(n), ast.Attribute) and parent.value is n) and not _tested(module, n, parent)
        for n in ast.walk(method)
    )


def _opened_on_use(model: OwnershipModel, acquisition: Acquisition) -> bool:
    """Whether ``self.<attr> = X(...)`` keeps a library client that holds nothing until a use
    opens it (:attr:`ResourceSpec.lazy`, as the library table says: ``httpx.AsyncClient``, a
    client that connects in ``connect()``); not one that wraps, lends or is a part of another."""
    kind, name = acquisition.ref
    release = model.library_release(name) if kind == "qualified" else None
    return release is not None and release[2]


def _holds(model: OwnershipModel, module: ModuleSummary, acquisition: Acquisition) -> bool:
    """Whether what ``self.<attr> = X(...)`` keeps must be released (or starts a task, or is made
    by a maker of the family that this summary cannot follow): not a cache, a lock, a parsed value."""
    kind, name = acquisition.ref
    return kind in ("maker", "class_maker") or name.rpartition(".")[2] in TASK_STARTERS or model.owned_close(module, acquisition.ref) is not None


def _opens(module: ModuleInfo, load: ast.expr, opening: Opening | None, opener: str = "", handed: bool = True) -> bool:
    """``opener``: the one method that opens a library type holding nothing until it is called
    (``ResourceSpec.opened_by``: aiohttp's ``AppRunner.setup()``, gql's ``Client.connect_async()``,
    whose other requests open and close a session of their own): no other name read through
    it opens it. ``handed``: a first-party callee the instance is handed to is read for what it
    does with it (:mod:`.handed_readers`; one level: what that callee hands on opens)."""
    parent = module.parent(load)
    if _tested(module, load, parent):
        return False
    if not (isinstance(parent, ast.Attribute) and parent.value is load):
        # Entered, iterated, awaited, handed on, stored, aliased: opened, unless handed to a
        # first-party reader that uses it only in ways that open nothing.
        if handed and _known(opening):
            known = opening
            return not read_only_by_callee(module, load, lambda home, use: _opens(home, use, known, handed=False))
        return True
    if opener:
        return parent.attr == opener
    if opening is not None:
        # A first-party class: only its opening methods, or a name that is none of its methods
        # nor a field that holds nothing; setting an attribute that is no method (a test's
        # ``client._ws = MagicMock()``) acquires nothing either.
        if parent.attr not in opening.methods and (parent.attr in opening.fields or isinstance(parent.ctx, ast.Store)):
            return False
        part = opening.parts.get(parent.attr)
        if part is not None and parent.attr not in opening.methods:
            return _opens(module, parent, part)  # (``client._transport.exchange(frame)``: read by the part's class)
        return parent.attr in opening.opening or parent.attr not in opening.methods
    call = module.parent(parent)
    if not (isinstance(call, ast.Call) and call.func is parent) or run_through(module, load):
        return True
    if not all(isinstance(a, ast.Constant) for a in (*call.args, *(k.value for k in call.keywords))):
        return True  # (``stack.push_async_callback(conn.close)``: given something to end)
    holder = module.parent(call)
    if isinstance(holder, ast.Expr):
        return False  # ``sio.on("connect")``: a synchronous call whose result is dropped
    return not (isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and call in holder.decorator_list)


def _tested(module: ModuleInfo, load: ast.expr, parent: ast.AST | None) -> bool:
    """``if self.client:``, ``self.client is None``, ``not self.client``: a test opens nothing."""
    if isinstance(parent, ast.Compare):
        return all(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.BoolOp):
        return isinstance(module.parent(parent), (ast.If, ast.While, ast.IfExp, ast.Assert)) or isinstance(module.parent(parent), ast.UnaryOp)
    return isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and getattr(parent, "test", None) is load
