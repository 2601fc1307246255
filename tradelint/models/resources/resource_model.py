"""Async resources (sessions, clients, pools): where each is created and whether it is closed."""

from __future__ import annotations

import ast
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, cast

from tradelint.facts.class_family import bases_naming, declared_by_a_base, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.first_party import supplies
from tradelint.facts.property_getters import getter_calls, getters_of
from tradelint.facts.requirements import declared
from tradelint.facts.framework_ends import goes_on_after_errors, in_tests, reached_at_unload
from tradelint.facts.library_ownership import absent_library_function
from tradelint.facts.holders import kept_at_setup
from tradelint.facts.mid_life import closed_mid_life_only
from tradelint.facts.never_run import never_runs
from tradelint.facts.subclass_helpers import helper_descendants
from tradelint.facts.global_bindings import declarations
from tradelint.facts.ownership import OwnershipModel, is_release_name, ownership_model, release_runs
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import (
    Use, called_with_subject, classify, declares_outer, in_cleanup_block, is_awaited_call,
    name_loads, only_reads_arguments, renews_after, resolve_aliases, self_attribute_loads, self_getattr_loads,
)
from tradelint.models.resources.callee_release import callee_releases, callee_takes_over
from tradelint.models.resources.global_handles import ended_through_handle
from tradelint.models.resources.class_attributes import class_attribute_closed
from tradelint.models.resources.class_factories import class_factory, kept_instance_factory
from tradelint.models.resources.returned_holders import handed_into_returned_instance
from tradelint.models.resources.getattr_releases import releases_through_getattr
from tradelint.models.resources.closed_attributes import closed_attribute_stores
from tradelint.models.resources.default_factories import default_factory_creations
from tradelint.models.resources.dynamic_classes import class_made_by_function, picked_by_name, picked_from_mapping
from tradelint.models.resources.enter_failure import cancelled_before_kept, enter_fails_after
from tradelint.models.resources.expected_errors import awaited_use, made_to_fail
from tradelint.facts.awaited_uses import run_through
from tradelint.facts.earlier_reads import read_before_made
from tradelint.facts.import_helpers import with_helper_imports
from tradelint.models.resources.try_gaps import before_try
from tradelint.models.resources.every_handler import closed_by_every_handler
from tradelint.models.resources.outliving import kept_beyond, opened_where_kept
from tradelint.models.resources.error_paths import (
    awaited_before_handler_close, closed_only_before_cancellation, first_taken, handoff_problem, kept_through_store, left_open_by_a_handler, raised_before_kept, handed_on_by_return, lent_until_closed,
)
from tradelint.models.resources.given_parts import filled_from_a_required_argument
from tradelint.models.resources.patched_makers import made_under_patch
from tradelint.models.resources.steered_in_tests import run_on_stand_ins
from tradelint.models.resources.lent import lent_to_a_library
from tradelint.models.resources.process_globals import closed_in_project
from tradelint.models.resources.program_end import only_the_end_skips
from tradelint.models.resources.release_gaps import closed_after_own_failure
from tradelint.models.resources.keyed import judge_keyed
from tradelint.models.resources.owner_leaks import holder_spec, lazy_holder_at_setup, owner_leaks
from tradelint.models.resources.held_parts import closed_through_local_holder, held_and_closed, record_handed_on
from tradelint.models.resources.released_elements import keep, released_element_stores
from tradelint.models.resources.holder_owners import holder_left_open
from tradelint.models.resources.ended_through_store import ended_through_store
from tradelint.models.resources.reused_after_with import used_after_block
from tradelint.models.resources.dropped import lost_element, shared_element
from tradelint.models.resources.returned_parts import lent_instead
from tradelint.models.resources.borrowing import lazily_given
from tradelint.models.resources.factories import (
    MAKERS, borrows_its_parts, class_given_spec, elements_factory, given_own, taking_spec, imported_factory, maker_function_close, module_factories, module_function_factory, self_method_factory,
)
from tradelint.models.resources.owner_closes import closed_by_an_owner_of_family
from tradelint.models.resources.library_holders import library_holder_spec
from tradelint.models.resources.receivers import receiver_closes
from tradelint.models.resources.registered_closures import registered_closure
from tradelint.models.resources.proofs import (
    closed_where_errors_are_swallowed, evaluated_on_one_branch,
    elements_left_open, global_elements_ended, loaded_on_the_loop_and_closed, only_borrowed_by, remade_after_release, result_is_ended, self_ending_methods, stored_back, unknown_callable, aliased_attribute,
)
from tradelint.models.resources.method_made import maker_method_close
from tradelint.models.resources.ran_makers import ran_maker
from tradelint.models.resources.library_makers import imported_makers, inherited_makers, library_maker
from tradelint.models.resources.loop_transports import LOOP_MADE, loop_transport
from tradelint.models.resources.library_table import library_packages, library_resource
from tradelint.models.resources.outcome_closes import self_left_open
from tradelint.models.resources.handoff_paths import kept_before_handoff
from tradelint.models.resources.rerun_replaced import replaced_again
from tradelint.models.resources.part_releases import closes_part_as_owner, closes_through_part, first_party_part, owner_release_parts, part_unreached, part_use
from tradelint.models.resources.responses import discarded_response, judge_response, response_spec
from tradelint.models.resources.resource_types import (
    first_party_spec, BUILTIN_RESOURCES, CLOSE_METHODS, EXCHANGE_MODULES, EXCHANGE_SPEC, NOT_TAKERS, OWNERSHIP_TAKERS,
    Creation, Problem, holds_nothing_new, ResourceSpec, UnawaitedClose, Verdict, inherited_release, unawaited_close, split_part, wraps_given,
)
from tradelint.models.resources.project_evidence import may_be_shared, released_by_project
from tradelint.models.resources.stop_only import stop_only_closer
from tradelint.models.resources.unawaited import UnawaitedIndex, unawaited_closes_of
from tradelint.facts.app_startup import closed_somewhere, place_key, registers_shutdown
from tradelint.models.resources.frame_caches import kept_by_store
from tradelint.models.resources.statements import (
    awaited_before_close, closed_at_once, lent_owner_left_open, _calls_coroutine_function, _capword_callee, _closes_a_part, _dotted, _handed_to, _is_context_manager, _is_teardown_generator,
    _keyword_is_false, _replaced_before_use, _replaced_unclosed, _yielded,
)
from tradelint.models.resources.creation_kinds import creation_of
from tradelint.models.resources.returned_self import through_returned_self
from tradelint.models.resources.setup_never_called import setup_never_called
from tradelint.models.resources.unopened import elements_never_opened, holder_never_opened, never_opened, never_opened_on_self, opener_unused

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext


class ResourceAnalysis:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module = with_helper_imports(ctx.module)
        self.table = {**BUILTIN_RESOURCES, **LOOP_MADE}
        for ctor, method in ctx.config.resources:
            self.table[ctor] = ResourceSpec(method)
        self.model: OwnershipModel = ownership_model(self.module, self.builtin_close, ctx.config.shutdown_methods, ctx.config.resources)
        self.model.coroutine_close, self.model.opened_by_a_call = self.builtin_coroutine_close, lambda q: bool((s := self.builtin_spec(q)) and s.opened_by)
        self.model.library_release, self.model.function_close = (lambda qualified: inherited_release(self.builtin_spec(qualified))), (lambda summary, ref: maker_function_close(self.model, summary, ref, self.builtin_spec))
        self.model.method_close = lambda summary, made: maker_method_close(self.model, summary, made, self.builtin_spec)

    def builtin_spec(self, qualified: str) -> ResourceSpec | None:
        spec = self.table.get(qualified) or library_resource(qualified, self._asked_from(qualified), self._declared)
        if spec is not None:
            return spec
        module, _, name = qualified.rpartition(".")
        return EXCHANGE_SPEC if module in EXCHANGE_MODULES and name.islower() and name.isidentifier() else None

    def _declared(self, dist: str) -> tuple[str, ...] | None:
        """The project's declared specifiers of distribution ``dist`` (``facts/requirements``)."""
        memo = self.__dict__.setdefault("_declared_memo", {})
        if dist not in memo:
            self.module.project.note_scan("markers", self.module.path.parent)
            memo[dist] = declared(self.module.path.parent, dist)
        return cast("tuple[str, ...] | None", memo[dist])

    def _asked_from(self, qualified: str) -> str | None:
        """The module name a library's spec is asked from: None (any library's) when the module
        shares the name's top package but the project cannot supply the name (a plugin folder
        ``google`` without ``genai``: ``google.genai.Client`` is the library's)."""
        own = self.module.module_name
        if own is None or own.partition(".")[0] != qualified.partition(".")[0]:
            return own
        return own if supplies(self.module.project, qualified, self.module.roots) else None

    def _acquired_spec(self, qualified: str) -> ResourceSpec | None:
        """The spec of what a class stores from calling ``qualified`` (``name[i]``: element ``i``
        of the tuple it returns), when that is the resource itself."""
        name, part = split_part(qualified)  # (a library type the project's own code releases, too)
        spec = self.builtin_spec(name) or (released_by_project(self.module, name, self.table) if part is None else None)
        return spec if spec is not None and spec.part == part else None

    def builtin_coroutine_close(self, qualified: str) -> bool:
        spec = self._acquired_spec(qualified)
        return spec is not None and spec.coroutine_close

    def builtin_close(self, qualified: str) -> str | None:
        spec = self._acquired_spec(qualified)
        return spec.close if spec is not None else None

    def spec_for(self, call: ast.Call) -> ResourceSpec | None:
        qualified = self.module.imports.qualify(call.func)
        if qualified is not None:
            spec = self.builtin_spec(qualified)
            if spec is not None:
                return spec
        found = self.model.first_party_type(self.module, call.func)
        # ``await Client.get_client(conf)``: a class or static method that makes one (a lazy type's
        # maker may give it what it holds from the start: ``cls(ipfs_client=make_client())``).
        made = class_factory(self.module, call.func, self.builtin_spec, self.model, MAKERS) if not found or found.lazy else None
        if found is not None and (made is None or made.lazy or made.holds or made.part is not None):  # (a tuple's element: the type's own spec, as before)
            ends = self_ending_methods(self.module, found)
            spec = first_party_spec(
                first_party_part(self.module.project, found) or found.release,  # ``api.session.close`` for ``__aexit__``
                lazy=found.lazy, awaited=found.awaited, ends=ends, by_protocol=found.by_protocol, inherited=found.inherited, part_ends=owner_release_parts(self.module.project, found),
            )
            return replace(spec, lends=lazily_given(self.module, call.func, self.model))
        if made is not None:
            return made
        if qualified is not None and found is None:
            given = class_given_spec(self.module, call, self.builtin_spec)
            if given is not None:
                return given
        if found is None and made is None and (taken := taking_spec(self.model, self.module, call.func)) is not None:
            return taken
        if (held := holder_spec(self.module, call.func, self.builtin_spec, self._class_closes, self.model) or lazy_holder_at_setup(self.module, call, self.builtin_spec, self._class_closes)) is not None:
            return held  # (an instance of a class that never closes what it opens, in ``__init__`` or a method, or on first use and kept for an entry)
        if qualified is not None:
            # A library class that closes what it is given (``RedisStorage(redis=Redis(...))``), read into the table: a resource where it is given one made for it.
            return library_holder_spec(qualified, call) or released_by_project(self.module, qualified, self.table)
        return None

    def _registers_release(self, node: ast.Name, spec: ResourceSpec) -> bool:
        """``node`` hands its release on, uncalled, to what runs it later: ``entry.async_on_unload(
        client.close)``, ``stack.push_async_callback(client.close)``."""
        use = part_use(self.module, classify(self.module, node), spec)
        if use.kind != "attribute" or not self.closes(use, spec):
            return False
        reached: ast.expr = node
        while isinstance(up := self.module.parent(reached), ast.Attribute) and up.value is reached:
            reached = up  # ``bot.session.close``: the whole path is what is handed
        return _handed_to(self.module, reached) is not None

    def closes(self, use: Use, spec: ResourceSpec, module: ModuleInfo | None = None) -> bool:
        use = part_use(module or self.module, use, spec)  # ``await bot.session.close()``: ``session.close``
        if use.kind not in ("method", "attribute"):
            return releases_through_getattr(module or self.module, use, spec.close, spec.coroutine_close or spec.awaited)
        if unawaited_close(module or self.module, use, spec):
            return False  # ``session.close()`` without ``await``: a coroutine that never runs
        if (through := closes_through_part(use, spec)) is not None:
            return through  # ``await bot.session.close()``, not the ``Bot.close()`` API call
        if use.name in CLOSE_METHODS or use.name == spec.close or use.name in spec.ends or closes_part_as_owner(module or self.module, use, spec):
            return True  # (``await client.http.close()``, when all ``client.close()`` does is that)
        if use.name == "wait_closed" and use.call is not None:
            # ``await proc.wait_closed()`` returns once it is closed (a process that exited, a stream its peer closed): an end when awaited; a bare call runs nothing.
            return isinstance((module or self.module).parent(use.call), ast.Await)
        # A first-party type may be ended by any of its release methods (``stop()`` where its ``__aexit__`` is the first found); not by ``client.close_pull_request(number)``.
        return (
            spec.first_party
            and not spec.inherited
            and is_release_name(use.name)
            and not called_with_subject(module or self.module, use.node)
        )

    @cached_property
    def creations(self) -> list[Creation]:
        found: list[Creation] = []
        # ``spec_for`` is None for most calls; a cheap test on the callee's root name rejects the rest: a
        # library constructor is named through an import of its package, a first-party class through an
        # import or a top-level CapWords definition; a root that is no ``Name`` qualifies to nothing
        # (``getattr(ccxt, name)(...)`` and ``self.<maker>(...)`` are asked first); a project's ``agent`` is no library's.
        names, scoped = self.module.imports.names, self.module.imports.scoped
        packages, library = {name.split(".", 1)[0] for name in (*self.table, *EXCHANGE_MODULES)}, library_packages()
        library_roots = {local for local, qualified in names.items() if ((top := qualified.split(".", 1)[0]) in packages or top in library) and not supplies(self.module.project, qualified, self.module.roots)}
        named_roots = names.keys() | self.module.top_level.keys()
        factories = self._factories if library_roots else {}
        imported: dict[str, ResourceSpec | None] = {}
        through_module: dict[tuple[str, str], ResourceSpec | None] = {}
        # ``spec_for`` reads only the callee's dotted name: one answer per name and module.
        specs: dict[object, ResourceSpec | None] = {}
        Attribute, Name = ast.Attribute, ast.Name
        exchanges = frozenset(local for local, qualified in names.items() if qualified in EXCHANGE_MODULES)
        makers = {**inherited_makers(self.module), **(imported_makers(self.module) if library_roots else {})}
        resources = self.ctx.config.resources
        for call in self.module.index.calls:
            func = call.func
            # ``await hass.async_add_executor_job(Client, host)``: what the run maker makes (:mod:`.ran_makers`).
            if (run := ran_maker(self.module, call, self.spec_for, self.builtin_spec, self.model, resources)) is not None:
                found.extend(replace(c, label=ast.unparse(run[0].func)) for c in [self._creation(call, run[1])] if c)
                continue
            # ``getattr(ccxt, name)(...)``; ``await self.get_redis(id)`` where the class's method makes one.
            made = EXCHANGE_SPEC if exchanges and picked_by_name(self.module, call, exchanges) else None
            made = made or (library_maker(self.module, call, makers, self.builtin_spec) if makers else None)  # ``await context.new_page()``
            if made is None and (response := response_spec(self.module, call)) is not None:  # ``await session.get(url)``
                found.extend(c for c in [self._creation(call, response)] if c and c.kind in ("local", "inline"))
                continue
            if (made := made or self_method_factory(self.module, call, self.builtin_spec, self.model, self.ctx.config.resources)) is not None:
                found.extend(c for c in [self._creation(call, made)] if c)
                continue
            node = func
            while node.__class__ is Attribute:
                node = node.value
            if node.__class__ is not Name or node.id not in named_roots:
                # ``db = factory.create_db(config)``; ``transport, _ = await loop.create_connection(...)``; ``BotClass()``.
                if made := ((loop_transport(self.module, call) or kept_instance_factory(self.module, call, self.builtin_spec, self.model, MAKERS)) if func.__class__ is Attribute else (class_made_by_function(self.module, call, self.builtin_spec) or self._picked(call))):
                    found.extend(c for c in [self._creation(call, made)] if c)
                continue  # most calls: ``self.x()``, ``len()``, a local's method
            root: str = node.id
            if func is node and (root in factories or (root in names and root not in library_roots and root.islower())):
                factory = factories.get(root)
                if root not in factories:  # asked of the definition once per name and module
                    if root not in imported:
                        imported[root] = imported_factory(self.module, func, self.builtin_spec, self.model) or elements_factory(self.module, func, self.builtin_spec, self.model)
                    factory = imported[root]
                if factory is not None:
                    creation = self._creation(call, factory)
                    if creation is not None:
                        found.append(creation)
                continue
            if root in names and root not in library_roots and (
                factory := module_function_factory(self.module, call, through_module, self.builtin_spec, self.model)
            ):
                found.extend(c for c in [self._creation(call, factory)] if c)  # ``prerequisites.get_redis()``
                continue
            if root not in library_roots and not _capword_callee(func):
                continue
            # The callee's names, as cheaply as they can be told apart: ``Provider`` (its name),
            # ``pkg.Provider`` (a pair), a longer chain (its dotted text).
            key: object = root if func.__class__ is Name else (root, func.attr) if node is func.value else _dotted(func)  # type: ignore[attr-defined]
            if root in scoped:  # (a name a function binds otherwise: its answer depends on where it is)
                key = (key, self.module.imports.qualify(func))
            if key in specs:
                spec = specs[key]
            else:
                spec = specs[key] = self.spec_for(call)
            # ``CoreV1Api(api_client)`` wraps what it is given; ``CoreV1Api(ApiClient(config))`` holds a
            # new one its caller made for it, its part: a creation of the wrapper, released through it.
            if spec is None or (spec.given and wraps_given(call, spec) and not (spec.library and given_own(self.module, call, spec.given, self.spec_for))) \
                    or (spec.takes and not given_own(self.module, call, spec.takes, self.spec_for)):
                continue
            if not ((spec.evidenced and may_be_shared(self.module, call)) or borrows_its_parts(self.module, call, spec)):
                found.extend(c for c in [self._creation(call, spec)] if c)
        # ``self._conn = await connect(url)`` where the class's ``close()`` closes ``self._conn``.
        known = {id(c.call) for c in found}
        found.extend(c for call, kept in closed_attribute_stores(self.module, known) if (c := self._creation(call, kept)))
        known |= {id(c.call) for c in found}  # ``self._tasks[key] = Task()`` whose owner ends the elements (:mod:`.released_elements`)
        found.extend(c for call, kept in released_element_stores(self.module, known) if (c := self._creation(call, kept)) and keep(self.module, c))
        found.extend(default_factory_creations(self.module, self.spec_for))  # ``field(default_factory=ClientSession)``
        return found

    @cached_property
    def _factories(self) -> dict[str, ResourceSpec]:
        return module_factories(self.module, self.builtin_spec, self.model)

    def _picked(self, call: ast.Call) -> ResourceSpec | None:
        """``CLIENTS[kind](url)``: a class picked from a registry (``picked_from_mapping``), judged
        as a call of the class itself would be: not when it wraps, takes or borrows what it is given."""
        spec = picked_from_mapping(self.module, call, lambda cls: self.spec_for(ast.Call(cls, [], [])))
        if spec is None or spec.evidenced or (spec.given and wraps_given(call, spec)) or spec.takes or borrows_its_parts(self.module, call, spec):
            return None
        return spec

    def _creation(self, call: ast.Call, spec: ResourceSpec) -> Creation | None:
        if spec.unless_given and lent_instead(self.module, call, spec):
            return None  # ``create_session(self.session)``: the holder keeps the caller's, makes none
        if handed_into_returned_instance(self.module, self.model, self.builtin_spec, call):
            return None  # ``return cls(url, ClientSession())``: the factory's callers are judged
        return creation_of(self.module, self.model, self.builtin_spec, call, spec)

    @cached_property
    def verdicts(self) -> list[Verdict]:
        found = []
        reported: set[tuple[ast.ClassDef, str]] = set()
        reported_globals: set[tuple[str, str]] = set()
        replaced_slots: set[tuple[object, str]] = set()  # (method, slot) of a local stored over an open one
        # ``close()`` closes ``self.s`` and makes a new one: that one is the leak, not the first.
        remade = {(c.cls, c.name): c for c in self.creations if c.kind == "self" and not holds_nothing_new(c.spec) and remade_after_release(c)}
        for creation in sorted(self.creations, key=lambda c: (c.call.lineno, c.call.col_offset)):
            again = remade.get((creation.cls, creation.name))
            problem = "self_remade_at_release" if creation is again else self._judge(creation)
            detail, repeat = "", False
            if again is not None and problem == "self_never_closed" and creation is not again:
                continue
            if problem is None and creation.kind == "local" and (shared := shared_element(self.module, creation)) is not None:
                problem, detail = shared
            elif problem is None and creation.kind == "self":
                problem, detail = self_left_open(self.module, self.creations, creation, lambda c: kept_before_handoff(self.module, c, self._takes_care, self._class_closes))
            if problem is None and creation.kind == "local" and (rerun := replaced_again(self.module, creation)) is not None:
                # ``client = await connect(); self._client = client`` in a poll: the slot's old one is left open.
                problem, detail = "self_replaced_again", "|".join(rerun)
                creation = replace(creation, cls=cast(ast.ClassDef, self.module.parent(cast(ast.AST, creation.function))))
                replaced_slots.add((creation.function, rerun[0]))
            elif problem == "self_replaced_again" and (creation.function, detail.split("|")[0]) in replaced_slots:
                continue  # ``self.conn = Connection(sock)``: reported where ``sock`` is made
            if problem in ("global_never_closed", "global_elements_never_closed", "app_global_never_closed"):
                if ("<module>", creation.name) in reported_globals:
                    continue
                reported_globals.add(("<module>", creation.name))
            if problem == "self_closed_at_stop_only":
                detail = self._stop_closer or ""
            if problem == "class_attr_never_closed" and creation.cls is not None:
                detail = f"{creation.cls.name}.{creation.name}"
            if problem in (
                "self_never_closed", "self_replaced", "self_dropped", "elements_never_closed", "self_closed_at_stop_only",
                "self_leaks_when_enter_fails", "self_replaced_again",
            ):
                # Each acquisition of the owned thing is reported where it is made, the first alone with the fix.
                assert creation.cls is not None
                repeat = (creation.cls, creation.name) in reported
                reported.add((creation.cls, creation.name))
            if problem is not None:
                found.append(Verdict(creation, problem, detail, repeat))
        return found

    @cached_property
    def unawaited_closes(self) -> list[UnawaitedClose]:
        """Closes of a resource this module makes, called without ``await`` (TRD205), once each."""
        return unawaited_closes_of(self.module, self.creations)

    def closed_unawaited(self, c: Creation) -> bool:
        """Whether the only closes of ``c``'s thing are calls never awaited (reported as TRD205,
        whose fix adds the ``await``: the creation's own finding gets no second fix)."""
        return self._closed_unawaited.covers(c)

    @cached_property
    def _closed_unawaited(self) -> UnawaitedIndex:
        return UnawaitedIndex(self.unawaited_closes)

    def _judge(self, c: Creation) -> Problem | None:
        if made_under_patch(self.module, self.model, c) or made_to_fail(self.module, c.call):
            return None  # what makes it is a test's double where it is made, or a test expects it to raise
        if c.spec.holds:
            if not c.spec.lazily_held and holder_never_opened(self.module, self.model, c):
                return None  # its lazy clients are opened by methods no use reaches: it holds nothing
            return holder_left_open(self.module, c, self._class_closes, self.ctx.config.shutdown_methods) if c.kind == "self_holder" else owner_leaks(self.module, c)
        if c.kind == "import_time":
            return None if loaded_on_the_loop_and_closed(self.module, c.call) else "import_time"
        if c.kind == "self_key":
            return judge_keyed(self.module, c.name, c.spec)
        if c.kind == "integration":  # kept at setup: some release of its name must run at unload
            closes = {c.spec.close, "close", "aclose"}
            return None if any(reached_at_unload(self.module, n) for n in closes) else "integration_never_closed"
        if c.spec.collected:
            if c.kind == "inline":
                return "response_discarded" if discarded_response(self.module, c) else None
            return judge_response(self.module, c)
        if (c.kind == "eager_default" and c.spec.lazy) or opener_unused(self.module, self.model, c):
            return None  # (the fallback dropped when the key is there is never used; gql's client never connected: nothing held)
        if c.kind in ("inline", "handed", "generator", "yielded", "local_elements", "eager_default"):
            return None if c.kind == "handed" and c.function is not None and held_and_closed(self.module, c.function, c.call, c.spec.close) or elements_never_opened(self.module, self.model, c) else c.kind
        if part_unreached(self.module, c):
            return None  # ``client.models.generate_content(...)``: the async part never opened
        if c.kind == "local":
            assert c.function is not None
            return self._judge_local(c)
        if c.kind == "self":
            assert c.cls is not None
            if self._class_closes(c) or closed_by_an_owner_of_family(
                self.module, c.cls, c.name, frozenset({c.spec.close, "close", "aclose"}), c.spec.coroutine_close or (c.spec.first_party and c.spec.awaited)
            ):
                return "self_closed_at_stop_only" if self._closed_at_stop_only(c) else enter_fails_after(self.module, c) or cancelled_before_kept(self.module, c) or raised_before_kept(self.module, c) or closed_after_own_failure(self.module, c)
            # A library's lazy one (an exit stack, an httpx client) that no method of the family reads holds nothing.
            if filled_from_a_required_argument(self.module, c.cls, c.name, c.call):
                return None  # ``if self._client is None: self._client = Client()``, never empty
            unread = c.spec.lazy and (c.spec.evidenced or not c.spec.first_party) and not any(next(self_attribute_loads(k, c.name), None) for _, k in bases_naming(self.module, c.cls, c.name))
            return None if unread or never_opened_on_self(self.module, self.model, c) else "self_never_closed"
        if c.kind == "startup":
            assert isinstance(c.stmt, ast.Assign)
            key = place_key(c.stmt.targets[0])
            return None if key is None or closed_somewhere(self.module, key, c.spec.close) else "startup_never_closed"
        if c.kind in ("app_global", "process_global"):  # (the other one: closed by any file of the project)
            return None if not self._judge_global(c) or (c.kind == "process_global" and closed_in_project(self.module, c.name, c.spec.close)) else "app_global_never_closed" if c.kind == "app_global" else "process_global_never_closed"
        if c.kind == "class_attr":  # ``Service.modem = Modem(...)``: the program's to close (:mod:`.class_attributes`)
            return None if class_attribute_closed(self.module, c.name, c.spec.close) else "class_attr_never_closed"
        if c.kind == "global_elements":
            return "global_elements_never_closed" if not global_elements_ended(self.module, c.name) else lost_element(self.module, c)
        if c.kind == "self_elements":
            assert c.cls is not None
            return "elements_never_closed" if elements_left_open(self.module, c.cls, c.name) else lost_element(self.module, c) or raised_before_kept(self.module, c)
        return None

    def _judge_local(self, c: Creation) -> Problem | None:
        assert c.function is not None
        if declares_outer(c.function, c.name):
            if c.name in declarations(c.function)[0]:
                return self._judge_global(c)
            # ``nonlocal session`` in a closure that caches it: the enclosing frame keeps it for every call of the closure, and code of that function must close it.
            outer = next((f for f in self.module.ancestors(c.function) if isinstance(f, FUNCTION_NODES)), None)
            return None if outer is None or self._closed_within(outer, c) else "closure_never_closed"
        if _replaced_before_use(self.module, c.function, c.stmt, c.name):
            return "replaced"
        closes: list[str | None] = []
        close_nodes: list[ast.AST] = []
        used = not c.spec.lazy or opened_where_kept(self.module, c.function, c.name)  # (kept to be used: opened there)
        by_callee, registration = False, cast("ast.Name | None", None)
        # Under ``@contextmanager``, an exception in the ``with`` body is raised at the ``yield``: yielding hands the value out only for the block, and the close must be in ``finally``.
        context_manager = _is_context_manager(self.module, c.function)
        teardown = _is_teardown_generator(self.module, c.function)  # (a context manager only as a lifespan)
        # ``async_to_sync(bot.get_me)()``: a library's request run to its end by a runner is a use. (A project's own object
        # whose method a runner runs is the program's entry, whose own code ends it or not: ``loop.run_until_complete(bot.run())``.)
        run_by_runner = c.spec.library or not c.spec.first_party
        for node in (n for n in name_loads(c.function, c.name) if not read_before_made(self.module, c.function, c.stmt, n)):
            use = part_use(self.module, classify(self.module, node), c.spec)
            if (context_manager or teardown) and _yielded(self.module, node):
                used = True
                continue
            used = used or (use.kind in ("method", "attribute") and awaited_use(self.module, node, c.call.func, run_by_runner)) or (
                run_by_runner and run_through(self.module, node)) or (
                use.kind == "argument" and use.call is not None and is_awaited_call(self.module, use.call))  # lent to be used
            use = through_returned_self(self.module, use, c.call.func)  # ``store[k] = await obj.setup()`` returning ``self``
            if not used and use.kind == "argument" and use.call is not None and not c.spec.by_protocol:
                # Kept by a first-party object that never releases it: lent for that object's life (a type known by its ``__aexit__`` alone may only wrap what it is given).
                used = receiver_closes(self.model, self.builtin_spec, self.module, use.call, use.node) is False or lent_to_a_library(
                    self.module, self.spec_for(use.call), use)  # ``Redis(connection_pool=pool)``
            if kept_at_setup(self.module, c.function, use.node, use.kind):
                # A failed setup runs only the releases registered so far (``entry.async_on_unload(
                # client.close)``), never the unload: a registration after the store is the hand-off.
                handoff = next((n for n in name_loads(c.function, c.name) if n.lineno > node.lineno and self._registers_release(n, c.spec)), node)
                return self._judge(replace(c, kind="integration")) or handoff_problem(self.module, c, handoff, close_nodes, self.model)
            kept = kept_by_store(self.module, c.function, use.node) if use.kind == "alias" else None
            if kept is not None:
                if kept:
                    return None
                continue  # ``app["cache"] = cache`` where the app's shutdown never closes it
            if use.kind == "argument" and (through := closed_through_local_holder(self.module, c.function, node, c.spec.close)):
                closes += [in_cleanup_block(self.module, n, c.function) for n in through]  # ``ctx = Ctx(db=db)`` ...
                close_nodes += through  # ... ``finally: await ctx.db.disconnect()``
                continue
            released = callee_releases(self.module, use.call, node, c.spec.close) if use.call is not None else None
            if released == "finally":  # ``await probe(session)`` closing it in its ``finally``
                return handoff_problem(self.module, c, node, close_nodes, self.model)
            if released == "first":
                closes.append(in_cleanup_block(self.module, node, c.function))
                close_nodes.append(node)  # closed as the callee starts: a close of this statement
                continue
            if released == "plain":
                # ``await self._test(client)`` whose last statement closes it: a close that an
                # error in the callee skips, as a close outside ``finally`` here would be.
                closes.append(in_cleanup_block(self.module, node, c.function))
                close_nodes.append(node)
                by_callee = True
                continue
            if self.closes(use, c.spec):
                if (found := registered_closure(self.module, c.function, node)) is not None:
                    registration = registration or found  # ``app.on_cleanup.append(_on_cleanup)``: handed on there
                    continue
                if use.kind == "attribute":
                    # ``push_async_callback(s.close)``, ``entry.async_on_unload(s.close)``: the
                    # release is handed to what runs it at the end, from this statement on; an
                    # error before it (a first refresh that fails) leaves the resource open.
                    return handoff_problem(self.module, c, node, close_nodes, self.model) if self._registers_release(node, c.spec) else None
                closes.append(in_cleanup_block(self.module, node, c.function))
                close_nodes.append(node)
            elif self._takes_care(self.module, use, c.spec):
                if use.kind == "with" and c.spec.lazy and used_after_block(
                        self.module, c.function, node, c.name, lambda n: self.closes(classify(self.module, n), c.spec)):
                    used = True
                    continue  # ``async with client:`` on the way: it ends one session of a lazy client, not the client
                if use.kind == "argument" and use.call is not None and (evaluated_on_one_branch(self.module, use.call) or (
                        c.spec.first_party and lent_until_closed(self.module, c, node, lambda n: self.closes(classify(self.module, n), c.spec)))):
                    # ``client or ClientSession()``: handed on if none is given; ``await work(client); client.close()``: lent
                    continue
                return handoff_problem(self.module, c, first_taken(self.module, c.function, c.name, node), close_nodes, self.model)
        if closes and c.spec.first_party and not c.spec.library and never_opened(self.module, self.model, c, name_loads(c.function, c.name)):
            return None  # a lazy one no use opens holds nothing, however it is closed
        if registration is not None:  # ends it on success, as a close there would; what comes before is judged
            ended = closed_only_before_cancellation(self.module, c.function, [*closes, None], [*close_nodes, registration])
            return "cancel_skips_close" if ended else handoff_problem(self.module, c, registration, close_nodes, self.model)
        if (store := kept_through_store(self.module, c, close_nodes)) is not None:
            return handoff_problem(self.module, c, store, close_nodes, self.model)  # kept through its holder: what fails before leaks it
        if closes and _replaced_unclosed(self.module, c.function, c.stmt, c.name, close_nodes):
            return "replaced_after_use"  # ``s = X(); await s.get(); s = X()``: the first one is lost
        if "finally" in closes and (gap := before_try(self.module, c.function, c.stmt, c.name, close_nodes, c.spec.lazy, c.spec.maybe_none, c.spec.owned_flag)):
            return cast(Problem, gap)
        if closes and only_the_end_skips(self.module, c, close_nodes, self.creations):
            return None  # a script's or a test's: only its end, a cancellation, can skip the close
        if closed_only_before_cancellation(self.module, c.function, closes, close_nodes):
            return "cancel_skips_close"  # ``except Exception: s.close(); raise``: not on cancel
        if "except" in closes and awaited_before_handler_close(self.module, c.function, close_nodes) is not None:
            return "handler_awaits_before_close"  # ``except BaseException: await report(); await s.close()``
        if closes and all(k == "except" for k in closes) and closed_by_every_handler(self.module, c.stmt, close_nodes) and (
                kept_beyond(self.module, c.function, c.name) is not None):
            return None  # closed on every error, kept on success by what outlives the function
        if "finally" in closes or ("except" in closes and (None in closes or handed_on_by_return(self.module, c, close_nodes))):
            return None  # (closed on every failure, handed on by a ``return`` on success)
        if closes and teardown:
            return None  # the code after the ``yield`` runs when the fixture or dependency ends
        if closes and not by_callee and closed_at_once(self.module, c.stmt, close_nodes):
            return None  # ``_, writer = await open_connection(h, p); writer.close()``: a probe
        if closes:
            # A first-party type released on the success path is used as its class asks in a test (its failure ends the test); not
            # where an ``except`` goes on without it, the program goes on after the error, or a script's ``main()`` awaits first (point 5).
            swallowed = (
                closed_where_errors_are_swallowed(self.module, close_nodes)
                or left_open_by_a_handler(self.module, c, close_nodes)
                or goes_on_after_errors(self.module, c.function)
                or (not in_tests(self.module) and awaited_before_close(self.module, c.stmt, close_nodes))
            )
            return None if c.spec.first_party and not swallowed else "not_in_finally_callee" if by_callee else "not_in_finally"
        if used and registers_shutdown(c.function):
            return "app_never_closed"  # made while building an application: its cleanup must close it
        # ``self.ctx = Holder(client)``, closed through ``self.ctx.client`` (:mod:`.held_parts`); ccxt's ``describe()`` opens no session.
        if used and c.spec.first_party and not c.spec.library and (
                never_opened(self.module, self.model, c, name_loads(c.function, c.name)) or setup_never_called(self.module, self.model, c, name_loads(c.function, c.name))
                or run_on_stand_ins(self.module, self.model, c)):
            return None  # a lazy one whose opening methods no use (here, or where it is handed) reaches, or given a test double: it holds nothing
        return "never_closed" if used and not any(held_and_closed(self.module, c.function, n, c.spec.close) for n in name_loads(c.function, c.name)) and not ended_through_store(self.module, c.function, c.name, c.spec.close, c.spec.coroutine_close) else None

    def _judge_global(self, c: Creation) -> Problem | None:
        """``global SESSION; SESSION = ClientSession()``: the module owns it, and some code of the
        module must close it."""
        memo = self.module.project.class_memo
        known = cast("dict[str, bool]", memo.setdefault(("global-closed", self.module.tree), {}))
        if c.name not in known:
            known[c.name] = self._closed_within(self.module.tree, c) or ended_through_handle(
                self.module, c.name, c.spec.close, lambda value: self.closes(classify(self.module, value), c.spec))
        return None if known[c.name] else "global_never_closed"

    def _closed_within(self, scope: ast.AST, c: Creation) -> bool:
        """Whether some code of ``scope`` closes the name ``c`` binds, or hands it to what takes it
        (a getter that returns it lends it, as a class's does)."""
        return any(
            self.closes(use, c.spec) or self._takes_care(self.module, use, c.spec, owner_is_class=True)
            for use in resolve_aliases(self.module, [classify(self.module, node) for node in name_loads(scope, c.name)])
        )

    def _takes_care(
        self, module: ModuleInfo, use: Use, spec: ResourceSpec, *, owner_is_class: bool = False
    ) -> bool:
        """Uses after which someone else owns the resource, or it is closed by a context manager."""
        if use.kind == "argument":
            assert use.call is not None
            callee = use.call.func
            if isinstance(callee, ast.Attribute) and callee.attr in OWNERSHIP_TAKERS:
                return True
            if only_reads_arguments(module, use.call):
                return False  # ``_LOGGER.debug("made %s", client)`` keeps nothing
            if isinstance(callee, ast.Name) and callee.id in NOT_TAKERS and callee.id not in module.imports.names:
                # ``getattr(session, method)`` borrows a bound method; ``setattr(obj, name, s)``
                # stores it where no code of ours is proven to close it: the creator still owns it.
                return False
            # ``await fetch_all(session, urls)`` borrows it; a constructor call takes it over,
            # unless it is a first-party class whose code shows it never closes what it keeps.
            if (
                is_awaited_call(module, use.call)
                or isinstance(module.parent(use.call), ast.YieldFrom)  # ``@asyncio.coroutine``'s await
                or _calls_coroutine_function(module, use.call, use.node)
            ):
                # A first-party object handed on (``await bot.add_cog(cog)``) is registered with
                # its new owner far more often than borrowed, unless the callee's code shows that
                # it only calls through it. A first-party ``async def`` called and not awaited
                # here (``create_task(worker(session))``) borrows it alike. A class's is released by
                # a coroutine of the project that releases it (``await close_redis(self.redis)``).
                return (owner_is_class and callee_releases(module, use.call, use.node, spec.close) is not None) or spec.first_party and not spec.evidenced and not (spec.library and owner_is_class and not callee_takes_over(module, use.call, use.node, spec.close)) and not only_borrowed_by(module, use.call, use.node)
            if only_borrowed_by(module, use.call, use.node):
                return False  # ``create_task(self._pump(stream))``: a coroutine that only reads it (session 50)
            if lent_owner_left_open(module, use.call) or (module is self.module and lent_to_a_library(self.module, self.spec_for(use.call), use)):
                return False  # ``yield Socket(session)``, closed by nothing after the block; ``Redis(connection_pool=pool)``
            closes = receiver_closes(self.model, self.builtin_spec, module, use.call, use.node)
            if closes is not None:
                return closes or record_handed_on(module, use.call)  # ``ps.append(Record(server))``: with the record
            if unknown_callable(module, callee) and not result_is_ended(module, use.call):
                # ``source(session=s)`` where ``source`` is a local, a parameter or a loop
                # variable: nothing proves that what it is bound to closes what it gets.
                return False
            qualified = module.imports.qualify(callee)
            if qualified is not None and absent_library_function(module, qualified) and not result_is_ended(module, use.call):
                # ``register(session)`` of a package not installed: nothing proves it takes it.
                return False
            # A connector given to a session with ``connector_owner=False`` stays ours to close
            # (aiohttp's documented flag, for when its source cannot be read).
            if use.keyword == "connector":
                return not _keyword_is_false(use.call, "connector_owner")
            # A class keeps what it holds until a receiver is proven to close it (issue 28 point 1):
            return not owner_is_class  # ``_log.debug(self._session)``, ``Unread(self._session)``
        if use.kind == "return":
            # A lazy getter returns ``self._session`` but the class keeps owning it.
            return not owner_is_class
        if use.kind == "container":
            # ``async for message in ws`` reads from it; ``[session]`` or ``{"s": session}`` may
            # hand it on.
            parent = module.parent(use.node)
            return not (isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is use.node)
        return use.kind in ("with", "alias")

    _stop_closer: str | None = None

    def _closed_at_stop_only(self, c: Creation) -> bool:
        """Closed only where Home Assistant's stop listener reaches (:mod:`.stop_only`)."""
        closes, spec = self.closes, c.spec
        takes_care = lambda use, home: self._takes_care(home, use, spec, owner_is_class=True)  # noqa: E731
        self._stop_closer = stop_only_closer(self.module, c, lambda use, home: closes(use, spec, home), takes_care)
        return self._stop_closer is not None

    def _class_closes(self, c: Creation, home: ModuleInfo | None = None, subclasses: bool = True, seen: frozenset[str] = frozenset(), only_closes: bool = False) -> bool:
        assert c.cls is not None
        home = home or self.module
        for module, cls in bases_naming(home, c.cls, c.name):
            uses = [classify(module, node) for node in (*self_attribute_loads(cls, c.name), *self_getattr_loads(cls, c.name))]
            for use in resolve_aliases(module, uses):
                if use.kind == "alias" and stored_back(module, use.node, c.name):
                    continue  # ``client = self._client`` on one branch, ``self._client = client`` after: still the class's
                if use.kind == "alias" and (other := aliased_attribute(module, use.node)) not in (None, c.name):
                    if other not in seen and self._class_closes(replace(c, name=other), home, subclasses, seen | {c.name}):
                        return True  # ``self._final = self._channel``: closed through the other name
                    continue
                if (closing := self.closes(use, c.spec, module)) and renews_after(module, use.node, c.name) and not holds_nothing_new(c.spec):
                    continue  # ``await self.s.close(); self.s = ClientSession()``: ends the old one only
                if closing or (not only_closes and (self._takes_care(module, use, c.spec, owner_is_class=True) or (c.spec.first_party and not c.spec.library and _closes_a_part(module, use)))):
                    method = module.enclosing_function(use.node)
                    # Not a close in ``logout()`` (discord.py no longer calls it at shutdown), a bot
                    # command or listener (unloading a cog runs neither), an async close from ``__del__``
                    # (no loop to run it on), or one in a helper only mid-life calls (``facts/mid_life.py``).
                    # Nor one in an ``async def`` the project only ever calls without ``await``.
                    if method is None or not ((method.name == "__del__" and c.spec.awaited) or (closing and closed_mid_life_only(module, cls, method.name)) or never_runs(module, method)):
                        if method is None or release_runs(home, c.cls, method):
                            return True
            for getter in getters_of(cls, c.name):
                # ``await self.client.aclose()``, ``client`` a property returning ``self._client``:
                # only a release through the getter, never the getter handed on (the property is
                # the public handle, lent to every caller; rougeth/bottery's ``session``).
                if getter not in seen and self._class_closes(replace(c, name=getter), home, subclasses, seen | {c.name}, True):
                    return True
            for call in getter_calls(cls, c.name):  # ``await self.get_client().aclose()``, alike
                method = module.enclosing_function(call)
                if self.closes(classify(module, call), c.spec, module) and method is not None and method.name != "__del__" and release_runs(home, c.cls, method):
                    return True
        if not subclasses:
            return False  # asked of a class built from the mixin: only an end of its own counts
        # A mixin's attribute is ended where the classes built from it end it (a Red cog).
        return declared_by_a_base(home, c.cls, c.name) or any(
            self._class_closes(replace(c, cls=sub), owner, False) for owner, sub in subclasses_in_project(home, c.cls)
        ) or any(  # made by a helper only subclasses call: ended, or not, by them (``facts/subclass_helpers.py``)
            self._class_closes(replace(c, cls=sub), owner, False) for owner, sub in helper_descendants(home, c.cls, c.function))


def resource_analysis(ctx: FileContext) -> ResourceAnalysis:
    """The file's resource analysis, shared by the TRD2xx rules (built once per file)."""
    found = ctx.memo.get("resources")
    if found is None:
        found = ctx.memo["resources"] = ResourceAnalysis(ctx)
    return cast(ResourceAnalysis, found)
