"""asyncio tasks: the ``TaskAnalysis`` of a file and the task sites it reports (a task thrown
away, or kept where nothing awaits or cancels it), for the TRD3xx rules and the task fixes.
The top of the task analysis's layers: ``creators`` (which calls create a task), ``shutdown``
(what ends a task's owner), ``task_uses`` (what happens to a task afterwards) and ``owners``
(task-owner classes and discord loops), each importing only those before it."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, cast

from tradelint.facts.class_family import declared_by_a_base
from tradelint.facts.context import ModuleInfo
from tradelint.facts.app_startup import kept_from_startup, place_key, task_read_somewhere
from tradelint.facts.frame_collections import dies_with_frame
from tradelint.facts.framework_ends import (
    ENTITY_TEARDOWN, kept_by_integration, kept_name, reached_at_unload, setup_parameters,
)
from tradelint.facts.holders import raised_after_keep, value_holding
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.owned_elements import added_to, weak_container
from tradelint.facts.uses import (
    Binding,
    Use,
    assigned_to,
    classify,
    only_reads_arguments,
    resolve_aliases,
    self_attribute_loads,
    self_name,
)
from tradelint.models.tasks.coalesced import coalesced_one_shot
from tradelint.models.tasks.flag_ends import ended_by_flag
from tradelint.models.tasks.named_stores import named_store
from tradelint.models.tasks.creators import WEAK_TASK_METHODS, _creator_kind, _is_loop, local_container_added_to
from tradelint.models.tasks.closures import made_by_closure
from tradelint.models.tasks.generator_exits import generator_exit
from tradelint.models.tasks.made_collections import collection_problem
from tradelint.models.tasks.read_uses import elements_only_read
from tradelint.models.tasks.partial_handlers import cancelled_for_some_errors, gathered_coroutines
from tradelint.models.tasks.startup_waits import runs_at_startup
from tradelint.models.tasks.hass_waits import (
    background_outlives_entry, dropped_by_callers, ended_at_stop, ended_before_the_stop, kept_object_timer, outlives_the_entry, refresh_task, runs_at_once, tracked_coroutine, waiting_kind,
)
from tradelint.models.tasks.entry_stores import kept_at_setup_unended, kept_on_entry_object
from tradelint.models.tasks.stop_holders import kept_past_the_stop
from tradelint.models.tasks.other_objects import callers_keep, kept_on_other_object
from tradelint.models.tasks.owners import LOOP_ENDERS, TaskOwners, _is_loop_method, names_something
from tradelint.models.tasks.task_factories import tasks_kept_by_a_factory
from tradelint.models.tasks.returned_tasks import dropped_factory, made_by_factory
from tradelint.models.tasks.site_apis import (
    CALL_SITE_APIS, EMITTER_APIS, HASS_CREATORS, LAMBDA_HOLDER_APIS, SITE_ATTRIBUTES,
)
from tradelint.models.tasks.stored_locals import stored_on_self, stored_once
from tradelint.models.tasks.task_uses import HAND_ON_USES, Problem, _runs_own_teardown

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext

@dataclass(frozen=True)
class TaskSite:
    call: ast.Call
    problem: Problem
    label: str
    node: ast.AST  # what is reported
    name: str = ""
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    cls: ast.ClassDef | None = None
    # False where the reported call is not the task itself (``call_soon_threadsafe(spawn)``):
    # wrapping it would keep a handle, not the task.
    fixable: bool = True
    # What the message names besides: the one error a handler cancels the task for.
    detail: str = ""


class TaskAnalysis(TaskOwners):
    """A file's task analysis: the task sites it reports, found with the layers it derives from."""

    @cached_property
    def sites(self) -> list[TaskSite]:
        found: list[TaskSite] = []
        owned: set[tuple[ast.AST, str]] = set()
        module = self.module
        get_parent = module.index.parents.get
        receivers = self._receiver_names(module)
        named_here: dict[str, object] = {}
        nested = self.nested_defs(module)
        Name, Attribute, Assign, AnnAssign = ast.Name, ast.Attribute, ast.Assign, ast.AnnAssign
        # In source order already: ``build_index`` sorts the calls by (line, column).
        for call in module.index.calls:
            # Most calls can be no site: rejected here by the questions ``_call_site`` asks first,
            # with the same memos filled in the same order (``_named_callee``, ``_self_methods``).
            func = call.func
            if func.__class__ is Name:
                name = func.id
                named = named_here.get(name, named_here)
                if named is named_here:
                    named = named_here[name] = self._named_callee(module, func)
                may_create = named is not None or name == "map" or name in nested
            elif func.__class__ is Attribute:
                # Beyond asyncio's creators and the loop's, emitters' and discord's methods, only
                # ``self.method(...)`` can make a task at depth 0 (``_is_dangling_method_call``).
                may_create = func.attr in SITE_ATTRIBUTES
                value = func.value
                if not may_create and value.__class__ is Name and value.id in receivers:
                    may_create = self._self_candidate(module, call, func, value) is not None
                if not may_create and value.__class__ is Name and value.id in module.imports.names:
                    # ``scheduling.create_task(coro)``: an imported first-party module's wrapper.
                    may_create = self._module_callee(module, func) is not None
            else:
                continue  # ``f()()``, ``fs[0]()``: no creator, and no owner class named
            if not may_create:
                # ``_owner_site``'s first questions: a task owner is kept only by a one-target
                # assignment of the call itself to an attribute of some method's ``self``.
                holder = get_parent(call)
                if holder.__class__ is Assign:
                    if len(holder.targets) != 1:
                        continue
                    target = holder.targets[0]
                elif holder.__class__ is AnnAssign:
                    target = holder.target
                else:
                    continue
                if not (holder.value is call and target.__class__ is Attribute and target.value.__class__ is Name
                        and target.value.id in receivers and names_something(module, func)):
                    continue
            site = self._call_site(call)
            if site is not None and site.problem == "self_elements" and ended_by_flag(module, site.cls, site.call, self._teardown, given_waits_unbounded=True):
                continue  # each element's loop leaves at the flag the class's end sets (flag_ends)
            if site is not None and site.problem in ("discarded", "local", "container", "local_some_paths", "local_awaited_some_paths", "local_error_paths", "generator_exit", "local_some_errors", "collection_some_errors", "factory_dropped") and self._kept_by_factory:
                # The project's own task factory holds every task until it is done (electrum).
                continue
            if site is not None and site.problem == "local":
                made = made_by_closure(module, self._call_targets.get(site.call))
                if made is not None:  # one finding per closure, where it makes the task
                    if (made, "closure") in owned:
                        continue
                    owned.add((made, "closure"))
                    site = replace(site, problem="closure_local", node=made)
            if site is not None and site.problem in ("self", "self_elements") and (
                factory_return := made_by_factory(module, site.call, lambda c: self.creator_label(c) is not None)
            ) is not None:
                site = replace(site, node=factory_return)  # reported where the task is made, in its factory
            if site is not None:
                if site.problem in ("self", "self_elements", "self_loop", "self_owner", "hass_waits_self", "hass_blocks_startup"):
                    # One finding per owned thing: the attribute, at its first creation.
                    assert site.cls is not None
                    if (site.cls, site.name) in owned:
                        continue
                    owned.add((site.cls, site.name))
                if site.problem in ("global", "global_container"):
                    # The module's own task or registry, however many functions fill it.
                    if (self.module.tree, site.name) in owned:
                        continue
                    owned.add((self.module.tree, site.name))
                found.append(site)
                if site.problem == "local_some_errors" and site.function is not None:
                    found.extend(
                        TaskSite(c, "gather_coroutine", ast.unparse(c.func), c, site.name, site.function, None, False, site.detail)
                        for c in gathered_coroutines(module, site.function, site.name)
                    )
        return found

    def _call_site(self, call: ast.Call) -> TaskSite | None:
        label = self.creator_label(call)
        site = None
        if label is not None:
            site = self._site(call, label)
        elif isinstance(call.func, ast.Attribute) and call.func.attr in CALL_SITE_APIS:
            site = self._callback_site(call)
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "start":
            site = self._loop_site(call)
        elif isinstance(call.func, ast.Name) and call.func.id == "map":
            site = self._map_site(call)
        if site is None and label is None:
            site = self._hass_waits_site(call)
        if site is None and label is None:
            site = self._kept_by_framework_site(call)
        if site is None and label is None:
            site = self._owner_site(call)
        if site is None and label is None:
            site = self._helper_site(call)
        if site is None and label is None and (stored := named_store(self.module, call)) is not None:
            site = None if self._self_attribute_handled(stored[4], stored[2]) else TaskSite(call, "self", *stored, fixable=False)
        if site is None and label is None and (held := kept_past_the_stop(self.module, call)) is not None:
            site = TaskSite(call, "hass_waits_kept", held.what, held.stmt, held.name, held.function, held.cls, fixable=False)
        return site

    def _helper_site(self, call: ast.Call) -> TaskSite | None:
        """``future = asyncio.ensure_future(obj)`` of a parameter in a fire-and-forget helper:
        given a coroutine, it makes the task the helper leaves to its callers."""
        module = self.module
        if not (len(call.args) == 1 and isinstance(call.args[0], ast.Name)
                and _creator_kind(module.imports.qualify(call.func)) == "ensure"):
            return None
        function = module.enclosing_function(call)
        if not isinstance(function, ast.FunctionDef) or module.enclosing_scope(call) is not function:
            return None
        if call.args[0].id not in {a.arg for a in (*function.args.posonlyargs, *function.args.args)}:
            return None
        binding = assigned_to(module, call, function)
        if binding is None or binding.kind != "local" or not self._fire_and_forget_helper(function, binding.name):
            return None
        return TaskSite(call, "helper", ast.unparse(call.func), binding.stmt, binding.name, function)

    def _hass_waits_site(self, call: ast.Call) -> TaskSite | None:
        """``hass.async_create_task(self._poll_forever())`` or a cancellable timer: Home Assistant
        tracks the task and waits for it at its stop, which it then holds up unless a stop
        listener cancels it (``hass_waits``): discarded (``hass_waits``), or kept on ``self`` and
        cancelled only at removal or unload, which the stop never runs (``hass_waits_self``)."""
        module = self.module
        if (past := background_outlives_entry(module, call)) is not None:
            return TaskSite(call, past[0], ast.unparse(call.func), call, past[1], module.enclosing_function(call), fixable=False)
        coro = tracked_coroutine(call)
        if coro is None:
            return None
        # Home Assistant keeps the task (it is among the configured task owners): it is what
        # waits for it at the stop.
        text = ast.unparse(call.func)
        kind = waiting_kind(module, call, coro, at_stop=True)
        if kind is None:
            dropped, function = dropped_by_callers(module, call), module.enclosing_function(call)
            held = outlives_the_entry(module, call, coro) if dropped else None
            if held is None and dropped and function is not None and self._entity_timer(coro, function):
                # Made anew at each coordinator refresh: the last still runs after the removal.
                held = ("hass_refresh_outlives_entity", "") if refresh_task(module, call, coro) else None
            return TaskSite(call, held[0], text, call, held[1], function, fixable=False) if held else None
        what, catches = kind
        if isinstance(module.parent(call), ast.Expr):
            # A timer nobody means to cancel (a debounced save) may well be waited for.
            if what == "loop" or catches:
                return TaskSite(call, "hass_waits", text, call, what, fixable=False)
            function = module.enclosing_function(call)
            if function is not None and setup_parameters(module, function):
                # Made while a config entry is set up, it is tied to ``hass``, which outlives the
                # entry: after an unload (or a reload) the timer still fires, on what was unloaded.
                return TaskSite(call, "hass_outlives_entry", text, call, what, function, fixable=False)
            if function is not None and self._entity_timer(coro, function):
                # An entity's timer on itself: the entity may be removed (or its entry unloaded)
                # while it sleeps; it then acts on the removed entity (ramses-rf/ramses_cc 5fa5458f).
                return TaskSite(call, "hass_outlives_entity", text, call, what, function, fixable=False)
            if kept_object_timer(module, call, coro) is not None:
                # A timer an object kept for the entry starts: it fires after the unload too.
                return TaskSite(call, "hass_outlives_entry", text, call, what, function, fixable=False)
            return None
        found = stored_on_self(module, call)
        if found is None:
            return None
        function, binding, cls = found
        uses = self._attribute_uses(cls, binding.name)
        if any(use.kind in HAND_ON_USES for _, _, use in uses):
            return None  # handed to an owner that may end it at the stop
        cancels = [
            (owner_module, use) for owner_module, _, use in uses
            if use.kind in ("method", "attribute") and use.name == "cancel"
        ]
        if what == "timer" and not (catches or cancels):
            return None
        # Only where every cancel is known not to run at the stop (an entity's removal, what the
        # unload reaches, a restart): a ``close()`` its owner calls may run there.
        if all(ended_before_the_stop(owner_module, use.node, binding.stmt) for owner_module, use in cancels) and (
                not ended_at_stop(module, binding.name)):
            return TaskSite(call, "hass_waits_self", what, binding.stmt, binding.name, function, cls, fixable=False)
        # Ended at the stop, a loop made while the integration sets up still holds the startup up.
        if what == "loop" and runs_at_startup(function, self._class_family(cls)):
            return TaskSite(call, "hass_blocks_startup", what, binding.stmt, binding.name, function, cls, fixable=False)
        return None

    def _entity_timer(self, coro: ast.Call, function: ast.AST) -> bool:
        """``self.hass.async_create_task(self._clear_after(30))`` (``coro``, the tracked
        coroutine) in a method of a Home Assistant entity: the coroutine is the entity's own method."""
        cls = self.module.parent(function)
        if not isinstance(cls, ast.ClassDef) or not isinstance(function, FUNCTION_NODES):
            return False
        func = coro.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and function.args.args
                and func.value.id == function.args.args[0].arg):
            return False
        return self.framework_end(cls) == ENTITY_TEARDOWN

    def _attribute_uses(self, cls: ast.ClassDef, attr: str) -> list[tuple[ModuleInfo, ast.ClassDef, Use]]:
        """What the class family does with ``self.attr`` (a local alias's uses in its stead)."""
        found: list[tuple[ModuleInfo, ast.ClassDef, Use]] = []
        for module, owner in self._class_family(cls, attr):
            loads = list(self_attribute_loads(owner, attr))
            found.extend((module, owner, use) for use in resolve_aliases(module, [classify(module, node) for node in loads]))
        return found

    def _kept_by_framework_site(self, call: ast.Call) -> TaskSite | None:
        """``self._watchdog = self.hass.async_create_task(...)`` (or a configured task-owning
        API's task) stored on ``self`` in a class whose end the framework defines (a Home
        Assistant coordinator or entity, a cog): the framework keeps the task alive, but only
        the owner can end it, and nothing the end runs cancels it (TTLucian/ha-electrolux
        ``faae5cde``). Discarded, such a task is no finding."""
        module = self.module
        func = call.func
        if not isinstance(func, ast.Attribute):
            return None
        text = ast.unparse(func)
        configured = any(text == owner or text.endswith("." + owner) for owner in self.owners)
        receiver = func.value.attr if isinstance(func.value, ast.Attribute) else getattr(func.value, "id", "")
        # ``hass.async_create_task(coro)``, or a config entry's ``entry.async_create_background_task(
        # hass, coro, name)``, which takes ``hass`` first.
        first = call.args[0] if call.args else None
        given_hass = (first.attr if isinstance(first, ast.Attribute) else getattr(first, "id", "")) == "hass"
        if not configured and not (func.attr in HASS_CREATORS and (receiver.lstrip("_") == "hass" or given_hass)):
            return None
        # A config entry's own background task: Home Assistant cancels it at unload and at its stop.
        entry_background = func.attr == "async_create_background_task" and receiver.lstrip("_").endswith("entry") and given_hass
        found = stored_on_self(module, call)
        if found is None:
            # ``state.release_task = self._hass.async_create_task(...)`` (fdebrus/Nikobus-HA ``e847601a``).
            other = kept_on_other_object(module, call, module.enclosing_function(call))
            other = other or kept_on_entry_object(module, call, module.enclosing_function(call))
            if other is None and receiver.lstrip("_") == "hass" and (kept := kept_at_setup_unended(module, call, module.enclosing_function(call))):
                return TaskSite(call, "integration", text, kept, kept_name(kept), module.enclosing_function(call), fixable=False)
            if other is None:
                return self._framework_task_in_collection(call, text)
            if entry_background and other.function is not None and not isinstance(module.parent(other.function), ast.ClassDef):
                return None  # (``coordinator.sse_task = entry.async_create_background_task(hass, ...)`` at setup: as below)
            return TaskSite(call, "other_object", text, other.stmt, other.name, other.function, other.cls)
        function, binding, cls = found
        if entry_background and self.framework_end(cls) != ENTITY_TEARDOWN:
            # A config entry's own background task, kept by an object that ends with the entry
            # (a coordinator, a client): Home Assistant cancels it when the entry is unloaded and
            # at its stop (kristofferR/ha-adjustable-bed ``de27860b``'s fix, reported before). An
            # entity may be removed alone, while the entry lives on: it is still judged.
            return None
        if self._teardown(cls) is None or _runs_own_teardown(call, function, cls):
            return None
        if self._self_attribute_handled(cls, binding.name) or not configured and (coro := tracked_coroutine(call)) is not None and runs_at_once(module, call, coro):
            return None  # (handled, or a one-shot Home Assistant keeps, RULES.md's task owner's: ``hass_waits.runs_at_once``)
        return TaskSite(call, "self", text, binding.stmt, binding.name, function, cls, fixable=False)

    def _framework_task_in_collection(self, call: ast.Call, text: str) -> TaskSite | None:
        """``self._refresh[key] = self._hass.async_create_task(...)`` (or ``.add``/``.append``)
        in a method: the framework keeps the task alive, the collection on ``self`` is its only
        handle, and no code of the class that runs at its end ends its elements."""
        module = self.module
        function = module.enclosing_function(call)
        if function is None or module.enclosing_scope(call) is not function:
            return None
        collection = added_to(module, call)
        receiver = self_name(function)
        owner = module.parent(function)
        if not (
            isinstance(collection, ast.Attribute) and isinstance(collection.value, ast.Name)
            and receiver is not None and collection.value.id == receiver and isinstance(owner, ast.ClassDef)
        ):
            return None
        if self._teardown(owner) is None or not self._self_elements_unended(owner, collection.attr):
            return None
        stmt = next(a for a in module.ancestors(call) if isinstance(a, ast.stmt))
        return TaskSite(call, "self_elements", text, stmt, collection.attr, function, owner, fixable=False)

    def _loop_site(self, call: ast.Call) -> TaskSite | None:
        """``self.poll.start()`` where ``poll`` is a ``@tasks.loop`` method of the class (or of a
        first-party base) that no method of the class's family ever cancels or stops."""
        module = self.module
        assert isinstance(call.func, ast.Attribute)
        target = call.func.value
        function = module.enclosing_function(call)
        if (
            function is None
            or not isinstance(target, ast.Attribute)
            or not isinstance(target.value, ast.Name)
            or target.value.id != self_name(function)
            or not isinstance(module.parent(call), ast.Expr)
        ):
            return None
        cls = module.parent(function)
        if not isinstance(cls, ast.ClassDef):
            return None
        family = self._class_family(cls, target.attr)
        if not any(_is_loop_method(owner_module, owner, target.attr) for owner_module, owner in family):
            return None
        if self._ended_or_handed_on(cls, target.attr, LOOP_ENDERS):
            return None
        stmt = module.parent(call)
        assert isinstance(stmt, ast.Expr)
        return TaskSite(call, "self_loop", ast.unparse(call.func), stmt, target.attr, function, cls, fixable=False)

    def _owner_site(self, call: ast.Call) -> TaskSite | None:
        """``self.scheduler = Scheduler(...)`` where ``Scheduler`` is a first-party *task owner*
        (it keeps the tasks it creates in a collection on itself and has a method that cancels
        them all: ``cancel_all()``) and no method of the holder's class family ever calls that
        method: the scheduled tasks run on after the holder is done (python-discord/bot's cogs,
        fixed by ``self.scheduler.cancel_all()`` in ``cog_unload()``). ``label``: the method."""
        module = self.module
        if not isinstance(call.func, (ast.Name, ast.Attribute)):
            return None
        # Cheap tests first: this runs for every call of the module.
        stmt = module.parent(call)
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1) and not isinstance(stmt, ast.AnnAssign):
            return None
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        if stmt.value is not call or not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
            return None
        found = stored_on_self(module, call)
        if found is None:
            return None
        function, binding, cls = found
        owner = self._task_owner(call.func)
        if owner is None:
            return None
        if self._ended_or_handed_on(cls, binding.name, owner[1]):
            return None
        if declared_by_a_base(module, cls, binding.name):
            return None
        return TaskSite(call, "self_owner", owner[0], binding.stmt, binding.name, function, cls,
                        fixable=False)

    @cached_property
    def _kept_by_factory(self) -> bool:
        return tasks_kept_by_a_factory(self.module)

    def _callback_site(self, holder: ast.Call) -> TaskSite | None:
        """``loop.call_soon_threadsafe(asyncio.create_task, coro)`` or ``(self._spawn)``: the loop
        calls the creator and throws the task away."""
        assert isinstance(holder.func, ast.Attribute)
        if holder.func.attr in EMITTER_APIS:
            # ``emitter.on("message", self.on_message)``, ``client.add_event_handler(handler, ev)``:
            # the handler's place differs between libraries; a string is the event's name.
            for arg in holder.args:
                if isinstance(arg, (ast.Name, ast.Attribute)):
                    site = self._callback_ref_site(holder, arg)
                    if site is not None:
                        return site
            return None
        position = 1 if holder.func.attr in ("call_later", "call_at") else 0
        if len(holder.args) <= position:
            return None
        return self._callback_ref_site(holder, holder.args[position])

    def _map_site(self, call: ast.Call) -> TaskSite | None:
        """``list(map(asyncio.create_task, coros))`` as a statement: every task made and the list
        thrown away (a bare ``map(...)`` is lazy and makes none)."""
        module = self.module
        outer = module.parent(call)
        if not (
            call.args
            and "map" not in module.top_level
            and isinstance(outer, ast.Call)
            and isinstance(outer.func, ast.Name)
            and outer.func.id in ("list", "tuple", "set")
            and outer.args == [call]
            and isinstance(module.parent(outer), ast.Expr)
        ):
            return None
        ref = call.args[0]
        if isinstance(ref, ast.Attribute) and ref.attr == "create_task" and _is_loop(module, ref.value):
            pass
        elif not (isinstance(ref, (ast.Name, ast.Attribute)) and _creator_kind(module.imports.qualify(ref))):
            return None
        label = ast.unparse(ref)
        if any(label == owner or label.endswith("." + owner) for owner in self.owners):
            return None
        return TaskSite(call, "discarded", label, outer, fixable=False)

    def _callback_ref_site(self, holder: ast.Call, ref: ast.expr) -> TaskSite | None:
        if isinstance(ref, ast.Call) and self.module.imports.qualify(ref.func) == "functools.partial" and ref.args:
            ref = ref.args[0]  # ``call_soon_threadsafe(partial(asyncio.create_task, coro))``
        creates = False
        if isinstance(ref, ast.Attribute) and ref.attr == "create_task" and _is_loop(self.module, ref.value):
            creates = True
        elif isinstance(ref, (ast.Name, ast.Attribute)) and _creator_kind(self.module.imports.qualify(ref)):
            creates = True
        elif isinstance(ref, ast.Name):
            named = self._named_callee(self.module, ref)
            creates = isinstance(named, tuple) and self._is_dangling_named(holder, self.module, ref, named, 0)
        elif isinstance(ref, ast.Attribute) and isinstance(ref.value, ast.Name):
            creates = self._is_dangling_method_call(self.module, holder, ref, ref.value, 0)
        if not creates:
            return None
        label = ast.unparse(ref)
        if any(label == owner or label.endswith("." + owner) for owner in self.owners):
            return None
        return TaskSite(holder, "discarded", label, holder, fixable=False)

    def _site(self, call: ast.Call, label: str) -> TaskSite | None:
        module = self.module
        expr: ast.expr = call
        parent = module.parent(call)
        # ``create_task(a()) if fast else create_task(b())``: the conditional is the value.
        while isinstance(parent, ast.IfExp) and expr is not parent.test:
            expr, parent = parent, module.parent(parent)
        if isinstance(parent, ast.Expr):
            return TaskSite(call, "discarded", label, parent)
        # ``[create_task(f(x)) for x in xs]`` or ``[create_task(a()), create_task(b())]`` as a
        # statement: the list is thrown away with every task in it.
        if (isinstance(parent, (ast.ListComp, ast.SetComp)) and parent.elt is expr) or (
            isinstance(parent, ast.DictComp) and parent.value is expr
        ):
            if isinstance(module.parent(parent), ast.Expr):
                return TaskSite(call, "discarded", label, call)
        if isinstance(parent, (ast.List, ast.Set, ast.Tuple)) and isinstance(module.parent(parent), ast.Expr):
            return TaskSite(call, "discarded", label, call)
        if (
            (isinstance(parent, (ast.ListComp, ast.SetComp)) and parent.elt is expr)
            or (isinstance(parent, ast.DictComp) and parent.value is expr)
            or isinstance(parent, (ast.List, ast.Set, ast.Tuple))
        ):
            # ``tasks = [create_task(f(x)) for x in xs]`` and ``tasks`` never used again.
            function = module.enclosing_function(call)
            if isinstance(parent, (ast.ListComp, ast.SetComp, ast.DictComp)):
                scope_ok = function is not None and module.enclosing_scope(parent) is function
            else:
                scope_ok = function is not None and module.enclosing_scope(call) is function
            held = assigned_to(module, parent, function) if function is not None and scope_ok else None
            if function is not None and held is not None and held.kind == "self" and held.cls is not None:
                # ``self._workers = [create_task(...) for ...]``: the list's elements are owned.
                if self._self_elements_unended(held.cls, held.name) and not (isinstance(parent, (ast.List, ast.Tuple, ast.Set)) and all(isinstance(e, ast.Call) and _runs_own_teardown(e, function, held.cls) for e in parent.elts)):
                    return TaskSite(call, "self_elements", label, held.stmt, held.name, function, held.cls)
                return None
            if function is not None and held is not None and held.kind == "local":
                if held.name == "_":
                    # ``_ = [create_task(...) for ...]`` (twitchio's dispatch): thrown away on purpose.
                    return TaskSite(call, "discarded", label, call)
                if self._local_dangles(function, held.name, held.stmt):
                    return TaskSite(call, "container", label, call, held.name, function)
                # A display's tasks are one collection: judged (and reported) once, at its first.
                first = not isinstance(parent, (ast.List, ast.Set, ast.Tuple)) or parent.elts[0] is expr
                if first and (found := collection_problem(module, function, expr, held.name, held.stmt)):
                    return TaskSite(call, cast("Problem", found[0]), label, held.stmt, found[1], function, None, False, found[2])
            return None
        if isinstance(parent, ast.Attribute) and parent.attr in ("add_done_callback", "set_name"):
            chained = module.parent(parent)
            if isinstance(chained, ast.Call) and isinstance(module.parent(chained), ast.Expr):
                return TaskSite(call, "discarded", label, chained)
            return None
        if isinstance(parent, ast.Lambda):
            holder = module.parent(parent)
            if isinstance(holder, ast.keyword):
                holder = module.parent(holder)
            if (
                isinstance(holder, ast.Call)
                and isinstance(holder.func, ast.Attribute)
                and holder.func.attr in LAMBDA_HOLDER_APIS
            ):
                return TaskSite(call, "discarded", label, call)
            return None
        function = module.enclosing_function(call)
        if function is None or module.enclosing_scope(call) is not function:
            return None
        if isinstance(parent, ast.Return) and (dropped := dropped_factory(module, call, expr)) is not None:
            # ``return create_task(self._poll())`` that every caller in the project drops.
            return TaskSite(call, "factory_dropped", label, dropped[0], dropped[1], function, None, False, str(dropped[2]))
        at_setup = kept_by_integration(module, function, value_holding(module, expr))
        if at_setup is not None:
            # ``hass.data[DOMAIN]["listener"] = create_task(...)`` in the setup: nothing that runs
            # at unload can cancel it unless it mentions ``cancel``.
            return None if reached_at_unload(module, "cancel") else TaskSite(
                call, "integration", label, at_setup, kept_name(at_setup), function
            )
        at_startup = kept_from_startup(module, expr, function)
        if at_startup is not None:
            return self._startup_site(call, label, function, at_startup)
        collection = added_to(module, expr)
        weak = weak_container(module, collection, expr) if collection is not None else None
        if weak is not None and not self._reported_at_callers(function):
            # ``self._tasks.add(create_task(...))`` into a ``WeakSet``: held by nothing strong.
            return TaskSite(call, "weak", label, call, weak, function)
        if collection is not None:
            owned = self._owned_collection(function, collection)
            if owned is not None:
                problem, name, cls = owned
                stmt = next(a for a in module.ancestors(call) if isinstance(a, ast.stmt))
                return TaskSite(call, problem, label, stmt, name, function, cls)
            made = next(a for a in module.ancestors(call) if isinstance(a, ast.stmt))
            if isinstance(collection, ast.Name) and (exit_holder := generator_exit(module, function, expr, None, made)):
                return TaskSite(call, "generator_exit", label, made, exit_holder, function)
        binding = assigned_to(module, expr, function)
        if binding is not None:
            if binding.kind == "local" and binding.name == "_":
                return TaskSite(call, "discarded", label, binding.stmt)
            if binding.kind == "local" and binding.name in self._declared(function)[0]:
                if self._global_dangles(binding.name):
                    return TaskSite(call, "global", label, binding.stmt, binding.name, function)
                return None
            if binding.kind == "local" and (keep := self._setup_keep(function, binding.name)) is not None and raised_after_keep(module, function, keep, binding.name):
                return TaskSite(call, "setup_fails_after_keep", label, binding.stmt, binding.name, function)
            if binding.kind == "local" and (at_entry := kept_at_setup_unended(module, expr, function)) is not None:
                return TaskSite(call, "integration", label, at_entry, kept_name(at_entry), function)
            if binding.kind == "local" and self._local_dangles(function, binding.name, binding.stmt) and not ended_by_flag(module, module.parent(function), call, self._teardown):
                added = self._added_to_dangling(function, binding.name)  # ``tasks.append(task)``, ``tasks`` only counted
                return TaskSite(call, "container", label, added[0], added[1], function) if added else TaskSite(call, "local", label, binding.stmt, binding.name, function)
            if binding.kind == "local" and self._cancelled_on_some_paths(function, binding.name, binding.stmt):
                return TaskSite(call, "local_some_paths", label, binding.stmt, binding.name, function)
            if binding.kind == "local" and self._cancelled_on_some_paths(function, binding.name, binding.stmt, awaits=True):
                return TaskSite(call, "local_awaited_some_paths", label, binding.stmt, binding.name, function)
            if binding.kind == "local" and self._left_running_on_errors(function, binding.name, binding.stmt, call):
                return TaskSite(call, "local_error_paths", label, binding.stmt, binding.name, function)
            if binding.kind == "local" and isinstance(caught := cancelled_for_some_errors(module, function, binding.name), str):
                return TaskSite(call, "local_some_errors", label, binding.stmt, binding.name, function, None, True, caught)
            if binding.kind == "local" and (exit_holder := generator_exit(module, function, expr, binding.name, binding.stmt)):
                return TaskSite(call, "generator_exit", label, binding.stmt, exit_holder, function)
            if binding.kind == "local" and binding.name not in self._declared(function)[1]:
                weak = self._kept_only_weakly(function, binding.name)
                if weak is not None and not self._reported_at_callers(function):
                    # ``task = create_task(...); self._tasks.add(task)`` into a ``WeakSet``.
                    return TaskSite(call, "weak", label, binding.stmt, weak, function)
                if (stored := stored_once(module, function, binding.name)) is not None:
                    # ``task = create_task(...); self._task = task``: the place's task (on ``self``
                    # only without a done-callback, which may drop the attribute once done).
                    load, tested_only = stored
                    if tested_only and (held := assigned_to(module, load, function)) is not None and held.kind == "self" and held.cls is not None:
                        return self._self_site(call, label, function, held)
                    if (at_startup := kept_from_startup(module, load, function)) is not None:
                        return self._startup_site(call, label, function, at_startup)
                kept = self._kept_in_self_collection(function, binding.name)
                owner = module.parent(function)
                if kept is not None and isinstance(owner, ast.ClassDef) and self._self_elements_unended(owner, kept.attr):
                    return TaskSite(call, "self_elements", label, binding.stmt, kept.attr, function, owner)
                if self._fire_and_forget_helper(function, binding.name):
                    return TaskSite(call, "helper", label, binding.stmt, binding.name, function)
                if (entry := kept_on_entry_object(module, expr, function)) is not None:
                    # ``task = create(...); coord._tasks[key] = task`` on an entry-kept object.
                    return TaskSite(call, "other_object", label, entry.stmt, entry.name, function, entry.cls)
                return None
            return self._self_site(call, label, function, binding) if binding.cls is not None else None
        other = kept_on_other_object(module, expr, function)
        if other is not None:
            # ``buffer.task = create_task(...)``: neither ``Buffer`` nor any code ends ``.task``.
            return TaskSite(call, "other_object", label, other.stmt, other.name, function, other.cls)
        if isinstance(parent, ast.Call) and expr in parent.args:
            container = local_container_added_to(parent)
            if container is not None and dies_with_frame(self.module, function, container, lambda load: elements_only_read(self.module, load)):  # (a walk that only looks keeps them)
                return TaskSite(call, "container", label, parent, container, function)
        return None

    def _self_site(self, call: ast.Call, label: str, function: ast.FunctionDef | ast.AsyncFunctionDef, binding: Binding) -> TaskSite | None:
        """The task ``call`` makes, kept in ``self.<binding.name>`` by ``binding.stmt``: reported
        when nothing the class does ends it."""
        cls = binding.cls
        assert cls is not None
        if _runs_own_teardown(call, function, cls) or coalesced_one_shot(self.module, call, function, cls, binding.name, binding.stmt) or ended_by_flag(self.module, cls, call, self._teardown):
            # ``self.cleanup_task = ensure_future(self.cleanup())`` (Tribler): the task *is* the teardown;
            # it ends by finishing, and cancelling it would undo it (or a coalesced save's write).
            return None
        if not self._self_attribute_handled(cls, binding.name):
            return TaskSite(call, "self", label, binding.stmt, binding.name, function, cls)
        return None

    def _startup_site(self, call: ast.Call, label: str, function: ast.FunctionDef | ast.AsyncFunctionDef, at_startup: ast.Assign) -> TaskSite | None:
        """``app["ticker"] = create_task(...)`` in a web application's startup handler: it runs
        until some code of the project reads that place to end it (a shutdown handler,
        ``on_cleanup``, the code after a lifespan's ``yield``)."""
        place = place_key(at_startup.targets[0])
        if place is not None and not task_read_somewhere(self.module, place):
            return TaskSite(call, "startup", label, at_startup, ast.unparse(at_startup.targets[0]), function)
        return None

    def _fire_and_forget_helper(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
        """A fire-and-forget helper (``def spawn(coro): t = create_task(coro);
        t.add_done_callback(_log_errors); return t``): a plain function that gives the task a
        done callback, which handles its end (its errors) for the callers, and returns it,
        keeping it nowhere. Its callers are told they may drop the task, and a dropped one
        can be collected mid-run; the fix belongs in the helper, which should keep it
        (osparc-simcore ``fire_and_forget_task``, aiohomekit ``async_create_task``). Not when
        the project's own callers (tests aside) all keep the task (aio-pika's ``create_task``,
        awaited or collected): it is a factory used as one."""
        if not isinstance(function, ast.FunctionDef) or name in self._declared(function)[1]:
            return False
        callbacks = returns = 0
        for load in self._loads(function, name):
            use = classify(self.module, load)
            if use.kind == "argument" and use.call is not None and only_reads_arguments(self.module, use.call):
                continue
            if use.kind == "method" and use.name == "add_done_callback":
                callbacks += 1
            elif use.kind == "return" and self.module.enclosing_function(load) is function:
                returns += 1
            elif not (use.kind == "method" and use.name in WEAK_TASK_METHODS):
                return False
        owner = self.module.parent(function)
        return callbacks > 0 and returns > 0 and not callers_keep(self.module, function.name, owner if isinstance(owner, ast.ClassDef) else None)

    def _reported_at_callers(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether ``function`` is a task wrapper whose callers are reported instead (a call of
        it as a statement makes a dangling task): one finding for one owned thing."""
        return any(self.creator_label(c, self.module) is not None for c in self._calls_by_name.get(function.name, ()))

    @cached_property
    def _calls_by_name(self) -> dict[str, list[ast.Call]]:
        """The module's calls of a bare name (``f(...)``), by that name, in the index's order."""
        found: dict[str, list[ast.Call]] = {}
        for c in self.module.index.calls:
            if isinstance(c.func, ast.Name):
                found.setdefault(c.func.id, []).append(c)
        return found

def task_analysis(ctx: FileContext) -> TaskAnalysis:
    """The file's task analysis, shared by the TRD3xx rules and the task fixes (built once per file)."""
    found = ctx.memo.get("tasks")
    if found is None:
        found = ctx.memo["tasks"] = TaskAnalysis(ctx)
    return cast(TaskAnalysis, found)
