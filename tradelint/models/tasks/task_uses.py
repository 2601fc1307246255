"""What happens to a task once created: whether some code awaits, cancels, keeps or hands it on
(a local, a module global, an attribute on ``self``, a collection of tasks), and so which kind
of problem (``Problem``) a task left alone is. Built on the creators and the owners' shutdown;
the sites reported (``task_model``) ask it, never the other way round."""

from __future__ import annotations

import ast
from functools import cached_property
from typing import TYPE_CHECKING, Collection, Literal

from tradelint.facts.class_family import declared_by_a_base
from tradelint.facts.context import ModuleInfo
from tradelint.facts.frame_collections import dies_with_frame
from tradelint.facts.framework_ends import goes_on_after_errors, kept_by_integration, unload_reach
from tradelint.facts.getattr_names import self_getattr_calls
from tradelint.facts.holders import value_holding
from tradelint.facts.owned_elements import added_to, made_in_family, weak_container
from tradelint.facts.ownership import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, own_nodes, walk
from tradelint.facts.uses import (
    Use, classify, endless_loop,
    name_loads,
    renews_after,
    resolve_aliases,
    self_attr,
    self_attribute_loads,
    self_attribute_nodes,
    self_name,
)
from tradelint.models.tasks.bound_cancels import bound_cancel_kept
from tradelint.models.tasks.closure_ends import ended_by_closure_task
from tradelint.models.tasks.creators import WEAK_TASK_METHODS, _methods, local_container_added_to, only_looks
from tradelint.models.tasks.done_callbacks import clearing_leaves_running, in_own_done_callback
from tradelint.models.tasks.exit_paths import left_running_on_errors, outlives_function
from tradelint.models.tasks.function_bodies import _binds
from tradelint.models.tasks.hass_waits import cancelled_from_outside, waiting_kind
from tradelint.models.tasks.other_objects import ended_through_instances
from tradelint.models.tasks.partial_ends import ended_only_in_part, made_as_field
from tradelint.models.tasks.read_uses import asserted, ends_task_elements, polled_until_done, reader_argument
from tradelint.models.tasks.restarts import restarts_after
from tradelint.models.tasks.self_leaving import dropped_by_own_helper, leaves_when_done
from tradelint.models.tasks.shutdown import OwnerShutdown, _decorated, method_of
from tradelint.models.tasks.unmade_owners import end_of_life_methods, never_outlives

if TYPE_CHECKING:
    from tradelint.facts.file_context import FileContext


HANDLING_USES = {"await", "argument", "with", "return", "alias", "container"}


Problem = Literal[
    "discarded", "local", "container", "self", "self_elements", "global_container", "global", "self_loop",
    "self_owner", "weak", "local_some_paths", "local_awaited_some_paths", "local_error_paths", "integration", "startup", "hass_waits", "hass_waits_self", "hass_waits_kept",
    "hass_blocks_startup",
    "hass_outlives_entry", "hass_entry_object", "hass_outlives_entity", "hass_refresh_outlives_entity", "helper", "other_object", "setup_fails_after_keep", "generator_exit",
    "local_some_errors", "closure_local", "gather_coroutine", "collection_some_errors", "factory_dropped",
]


# Uses that hand a task on (or take it over), wherever they are: whoever holds it may end it.
HAND_ON_USES = {"argument", "with", "return", "alias", "container"}


class TaskUses(OwnerShutdown):
    """The task analysis's third layer: whether a task created and bound somewhere is ever
    awaited, cancelled or handed on (at its owner's teardown, for a cog)."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._class_verdicts: dict[tuple[str, ast.ClassDef, str], bool] = {}

    def _owned_collection(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, collection: ast.expr
    ) -> tuple[Problem, str, ast.ClassDef | None] | None:
        """A task added to ``self._tasks`` or to a module-level ``_TASKS`` that no code of the
        class (or module) ever reaches to cancel, await or hand on: (problem, name, class)."""
        module = self.module
        if isinstance(collection, ast.Attribute) and isinstance(collection.value, ast.Name):
            owner = module.parent(function)
            if collection.value.id != self_name(function) or not isinstance(owner, ast.ClassDef):
                return None
            if not self._self_elements_unended(owner, collection.attr):
                return None
            return "self_elements", collection.attr, owner
        if isinstance(collection, ast.Name):
            name = collection.id
            if name not in self._module_containers:
                return None  # not a module-level list, set or dict made here
            if any(isinstance(node, ast.arg) and node.arg == name for node in walk(function)):
                return None
            if any(_binds(node, name) for node in self._nodes_of(function)):
                return None  # a local of the same name
            if any(ends_task_elements(module, node) for node in name_loads(module.tree, name)):
                return None
            return "global_container", name, None
        return None

    def _self_elements_unended(self, owner: ast.ClassDef, attr: str) -> bool:
        """No code of the class family reaches the elements of ``self.attr`` to end them (in a
        cog, at unload: ending them one by one in commands leaves the rest running), nor hands
        the collection on. Asked once per class and attribute and file: each task added to the
        collection asks it."""
        key = ("elements", owner, attr)
        if key not in self._class_verdicts:
            self._class_verdicts[key] = self._judge_self_elements_unended(owner, attr)
        return self._class_verdicts[key]

    def _judge_self_elements_unended(self, owner: ast.ClassDef, attr: str) -> bool:
        if declared_by_a_base(self.module, owner, attr) or leaves_when_done(owner, attr):
            return False  # a base's to end, or each task leaves it once done (one-shot work)
        family = self._class_family(owner, attr)
        if not made_in_family(family, attr) and not made_as_field(family, attr):
            return False  # made by a base we cannot read, whose teardown may end them
        teardown = self._teardown(owner)
        if teardown is not None and unload_reach(self.module) is not None:
            enders = end_of_life_methods(self.module, owner, self.ending_methods(owner, attr, elements=True))
            if never_outlives(self.module, owner, enders):
                return False  # ended by the class's own end, and no instance outlives it
        ends: list[tuple[ModuleInfo, ast.ClassDef, ast.expr]] = []
        for owner_module, cls in family:
            for node in self_attribute_loads(cls, attr):
                if (
                    teardown is not None
                    and not self._in_teardown(owner_module, cls, node, teardown)
                    and not _hands_on_collection(owner_module, node)
                    and not _drops_finished(owner_module, node)
                ):
                    continue
                if ends_task_elements(owner_module, node) and not restarts_after(owner_module, node, attr):
                    if teardown is not None:
                        return False
                    ends.append((owner_module, cls, node))
        # A plain class's own release is its end: ends elsewhere only in part are none.
        return not ends or ended_only_in_part(self.module, owner, attr, ends)

    def _kept_in_self_collection(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
    ) -> ast.Attribute | None:
        """``task = create_task(...); self._tasks[key] = task``: the collection on ``self`` that
        the local is put in, when the function does nothing else with it but look at it or give
        it a done-callback."""
        kept: ast.Attribute | None = None
        receiver = self_name(function)
        if receiver is None:
            return None
        for load in self._loads(function, name):
            collection = added_to(self.module, load)
            if collection is not None:
                if kept is not None or self_attr(collection, receiver) is None:
                    return None
                assert isinstance(collection, ast.Attribute)
                kept = collection
                continue
            if not only_looks(classify(self.module, load)):
                return None
        return kept

    def _kept_only_weakly(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str | None:
        """``task = create_task(...); self._tasks.add(task)`` where every container the local is
        put in is weak (a ``WeakSet``, a ``WeakValueDictionary``) and the function does nothing
        else with it but look at it or give it a done-callback: the weak container, as spelled;
        None when anything may hold it strongly (awaited, handed on, stored; returned, but by a task
        group's ``create_task``, whose class ends the container's tasks: achimnol/aiotools ``86ae705d``)."""
        weak: str | None = None
        returned = False
        for load in self._loads(function, name):
            collection = added_to(self.module, load)
            if collection is not None:
                found = weak_container(self.module, collection, load)
                if found is None:
                    return None
                weak = found
                continue
            use = classify(self.module, load)
            if reader_argument(self.module, use):
                continue  # ``_log.debug("%r spawned", task)``
            if use.kind == "return" and self.module.enclosing_function(load) is function:
                returned = True
            elif not only_looks(use):
                return None
        owner = self.module.parent(function)
        if returned and not (isinstance(owner, ast.ClassDef) and weak and weak.startswith(f"{self_name(function)}.")
                             and not self._self_elements_unended(owner, weak.partition(".")[2])):
            return None
        return weak

    def _global_dangles(self, name: str) -> bool:
        """``global _task; _task = create_task(...)``: no code of the module awaits, cancels or
        hands on the module's task."""
        for node in name_loads(self.module.tree, name):  # one walk of the module for every name
            use = classify(self.module, node)
            if reader_argument(self.module, use):
                continue  # ``print(_task)`` keeps nothing
            if use.kind in HANDLING_USES or (use.kind == "method" and use.name not in WEAK_TASK_METHODS):
                return False
        return True

    def _setup_keep(self, function: ast.AST, name: str) -> ast.Assign | None:
        """The statement of an integration's setup that keeps the local task ``name`` (or what
        holds it: ``{"local_task": task}``) where Home Assistant holds it, if there is one."""
        for node in name_loads(function, name):
            keep = kept_by_integration(self.module, function, value_holding(self.module, node))
            if keep is not None:
                return keep
        return None

    def _local_dangles(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, created: ast.stmt) -> bool:
        if name in self._declared(function)[1]:
            return False
        if self._runs_the_loop_after(function, created):
            return False  # ``fut = loop.create_task(...); loop.run_forever()``: the frame outlives the loop
        for load in self._loads(function, name):
            use = classify(self.module, load)
            if reader_argument(self.module, use):
                continue  # ``logger.info("started %s", task)`` keeps nothing
            if self._dangling_adder(function, use) is not None:
                continue  # ``tasks.append(task)`` into a local list that dies with the frame
            if use.kind in HANDLING_USES or (use.kind == "method" and use.name not in WEAK_TASK_METHODS) or bound_cancel_kept(self.module, load):
                return False  # handed on, or its bound ``cancel`` is (``cleanups.append(t.cancel)``)
            if use.kind == "method" and use.name == "done" and asserted(self.module, use.call):
                return False  # ``assert t.done()``: the function makes sure the task ended before it returns
        return True

    def _own_ends(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, created: ast.stmt, awaits: str
    ) -> list[ast.stmt] | None:
        """The statements of ``function`` that end the local task ``name``: its cancels, and with
        ``awaits="end"`` its awaits too; None when the function does anything else with it than
        look at it, log it, cancel it or (``awaits`` other than ``"refuse"``) await it, and with
        ``"end"`` when a closure names it (it runs wherever it is called: textual's
        ``clear_panes``). None too for a ``global`` or ``nonlocal`` name, or a function that runs
        the loop after making it (its frame lives as long)."""
        if name in self._declared(function)[1] or self._runs_the_loop_after(function, created):
            return None
        ends: list[ast.stmt] = []
        for load in self._loads(function, name):
            use = classify(self.module, load)
            if reader_argument(self.module, use):
                continue
            if awaits == "end" and self.module.enclosing_function(load) is not function:
                return None
            if awaits == "end" and use.kind == "await":
                ends.append(next(a for a in self.module.ancestors(load) if isinstance(a, ast.stmt)))
            elif use.kind == "method" and use.name == "cancel" and use.call is not None:
                ends.append(next(a for a in self.module.ancestors(use.call) if isinstance(a, ast.stmt)))
            elif not (
                use.kind == "test"
                or (use.kind == "await" and awaits == "allow")
                or (use.kind == "method" and use.name in WEAK_TASK_METHODS)
            ):
                return None
        return ends

    def _cancelled_on_some_paths(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, created: ast.stmt, awaits: bool = False
    ) -> bool:
        """A local task whose function only ever cancels it (``task.cancel()``, beside looking at
        it), and on some normal path returns with it still running: replaced on barge-in but not
        at the WebSocket's end (mdlmarkham/openclaw-voice ``aea761a3``). With ``awaits``, one
        that it awaits (or cancels) and on some path leaves: a response waiter started before
        the request, awaited only if a request was sent (python-roborock ``1ad03bef``). Anything
        else done with it (handed on, stored) is another rule's question."""
        ends = self._own_ends(function, name, created, "end" if awaits else "refuse")
        return bool(ends) and outlives_function(function, name, created, ends or []) and not ended_by_closure_task(self.module, function, ends or [])

    def _left_running_on_errors(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, created: ast.stmt, call: ast.Call
    ) -> bool:
        """A local task that runs until cancelled (a heartbeat's ``while True``), which the
        function cancels (and may await) on every normal path but not on the way out of an
        error: an ``await`` between its creation and its cancel raises (the peer went away) and
        the loop runs on, one more at each reconnect, where the program goes on after the error
        (``goes_on_after_errors``: not a test, not a script's ``main``)."""
        ends = self._own_ends(function, name, created, "allow")
        if not ends or outlives_function(function, name, created, ends):
            return False
        coro = call.args[0] if call.args and isinstance(call.args[0], ast.Call) else None
        kind = waiting_kind(self.module, call, coro) if coro is not None else None
        if kind is None or kind[0] != "loop" or not goes_on_after_errors(self.module, function, lifespans_end=False):
            return False
        imports = self.module.imports
        return left_running_on_errors(
            function, name, created, ends,
            lambda node: isinstance(node.value, ast.Call) and imports.qualify(node.value.func) == "asyncio.sleep",
        )

    def _runs_the_loop_after(self, function: ast.AST, created: ast.stmt) -> bool:
        """The function itself blocks in ``run_forever()``/``run_until_complete()`` after the task
        is created: its frame, and the local with it, lives as long as the loop runs (Red's
        ``main``). A loop run before the creation, or in a nested function, keeps nothing."""
        # The function's own nodes (``_own_nodes``) are those whose nearest enclosing function,
        # lambda or class is the function: asked of the module's few such calls, not by a walk.
        end = (created.end_lineno or created.lineno, created.end_col_offset or 0)
        return any((node.lineno, node.col_offset) > end for node in self._loop_runs.get(id(function), ()))

    @cached_property
    def _loop_runs(self) -> dict[int, list[ast.Call]]:
        """The module's ``x.run_forever()`` and ``x.run_until_complete()`` calls, by the ``id`` of
        their nearest enclosing function, lambda or class (None: the module)."""
        runs = ("run_forever", "run_until_complete")
        found: dict[int, list[ast.Call]] = {}
        for call in self.module.index.calls:
            if getattr(call.func, "attr", None) in runs:
                found.setdefault(id(self.module.enclosing_scope(call)), []).append(call)
        return found

    @cached_property
    def _module_containers(self) -> frozenset[str]:
        """Names a top-level statement of the module binds to an empty list, set or dict."""
        return frozenset(
            node.id
            for stmt in self.module.tree.body
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _is_empty_container(stmt.value)
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
            for node in walk(target)
            if isinstance(node, ast.Name)
        )

    def _added_to_dangling(self, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> tuple[ast.Call, str] | None:
        """``tasks.append(name)`` into a local collection dying with the frame, and its name."""
        uses = (classify(self.module, load) for load in self._loads(function, name))
        return next(((u.call, into) for u in uses if u.call is not None and (into := self._dangling_adder(function, u))), None)

    def _dangling_adder(self, function: ast.FunctionDef | ast.AsyncFunctionDef, use: Use) -> str | None:
        """The local collection ``use`` adds to (``tasks.append(task)``) when it dies with the frame."""
        into = local_container_added_to(use.call) if use.kind == "argument" and use.call is not None else None
        return into if into is not None and dies_with_frame(self.module, function, into) else None

    def _self_attribute_handled(self, cls: ast.ClassDef, attr: str) -> bool:
        """Whether the task in ``self.attr`` is awaited, cancelled or handed on by the class
        family: once per class and attribute and file (each creation of it asks)."""
        key = ("handled", cls, attr)
        if key not in self._class_verdicts:
            self._class_verdicts[key] = self._judge_self_attribute_handled(cls, attr)
        return self._class_verdicts[key]

    def _judge_self_attribute_handled(self, cls: ast.ClassDef, attr: str) -> bool:
        teardown = self._teardown(cls)
        if teardown is not None and unload_reach(self.module) is not None and cancelled_from_outside(
            self.module, attr, teardown
        ):
            return True  # the unload cancels it through the object that keeps it
        if teardown is not None and unload_reach(self.module) is not None:
            # Ended by the class's own end (``stop()``) that the unload does not reach: a leak
            # only if some instance lives on without it (``unmade_owners``).
            enders = end_of_life_methods(self.module, cls, self.ending_methods(cls, attr))
            if never_outlives(self.module, cls, enders):
                return True
        for module, owner in self._class_family(cls, attr):
            loads: list[ast.expr] = [*self_attribute_loads(owner, attr), *_getattr_loads(owner, attr)]
            uses = list(resolve_aliases(module, [classify(module, node) for node in loads]))
            # A method that cancels the task and then awaits or gathers it ends it by the cancel:
            # where the end of the owner is known, that method must run there.
            cancelling = {
                id(method_of(module, owner, use.node))
                for use in uses
                if use.kind in ("method", "attribute") and use.name == "cancel"
            } if teardown is not None else set()
            held = _holds_its_owner(module, owner, attr)
            for use in uses:
                if held and _in_del(module, owner, use.node):
                    continue  # ``__del__`` never runs while the task holds the object
                at_end = teardown is None or self._in_teardown(module, owner, use.node, teardown)
                if id(method_of(module, owner, use.node)) in cancelling and not at_end:
                    continue
                if use.kind == "method" and use.name == "cancel" and (
                    renews_after(module, use.node, attr, class_default=True) or restarts_after(module, use.node, attr)
                ):
                    continue  # ``self.t.cancel(); self.t = create_task(...)`` (or ``await self.start()``): a restart ends the old one only
                if reader_argument(module, use):
                    continue  # ``logger.info("started %s", self.t)`` keeps nothing, as for a local
                if use.kind in HAND_ON_USES:
                    return True
                if use.kind == "await" or (use.kind in ("method", "attribute") and use.name in ("result", "exception")):
                    # Awaited in the object's normal flow ends it; a cog's command awaiting it
                    # (a start-up task as a readiness gate) does not end it at unload, nor does
                    # its own done callback reading its outcome.
                    if use.kind != "await" and in_own_done_callback(owner, method_of(module, owner, use.node), attr):
                        continue
                    if at_end or not _decorated(method_of(module, owner, use.node)):
                        return True
                if use.kind in ("method", "attribute") and use.name == "cancel":
                    # Cancelled by a command (``daemon stop``) but not at unload: still a leak.
                    if teardown is None or self._in_teardown(module, owner, use.node, teardown):
                        return True
                if use.kind == "method" and use.name == "done" and polled_until_done(module, use.node):
                    return True
                # A done-callback that clears the attribute manages the task's whole life: the
                # ``self`` form of the set-plus-``discard`` pattern, owned on purpose.
                # Not where the class has an end and the task loops until cancelled: the callback
                # runs once it is done, and that end must still end it (``clearing_leaves_running``).
                if use.kind == "method" and use.name == "add_done_callback":
                    if _callback_clears(module, owner, use, attr) and not clearing_leaves_running(owner, attr):
                        return True
            dropping = _dropped_after_await(owner, attr)
            if dropping is not None and (teardown is None or self._in_teardown(module, owner, dropping, teardown)):
                return True
        return (
            declared_by_a_base(self.module, cls, attr)
            or self._ended_by_collaborator(cls, attr)
            or ended_through_instances(self.module, cls, attr)
        )

    def ending_methods(self, cls: ast.ClassDef, attr: str, elements: bool = False) -> dict[str, str]:
        """The methods of the class family that end the task in ``self.attr`` (cancel it, other
        than to make way for the next, or await it), or with ``elements`` the tasks in that
        collection, wherever they run, in the family's order, each with how (``"cancelled"``,
        ``"awaited"``, ``"ended"`` for elements)."""
        found: dict[str, str] = {}
        for module, owner in self._class_family(cls, attr):
            held = _holds_its_owner(module, owner, attr)
            for node in self_attribute_loads(owner, attr):
                method = method_of(module, owner, node)
                if method is None or (held and method.name == "__del__"):
                    continue
                if elements:
                    if ends_task_elements(module, node) and not restarts_after(module, node, attr):
                        found.setdefault(method.name, "ended")
                    continue
                # (``task = self._task; task.cancel()`` too: the alias's uses, as the judge reads them)
                direct = classify(module, node)
                for use in resolve_aliases(module, [direct]) if direct.kind == "alias" else [direct]:
                    if use.kind in ("method", "attribute") and use.name == "cancel" and not (
                        renews_after(module, node, attr, class_default=True) or restarts_after(module, node, attr)
                    ):
                        found[method.name] = "cancelled"
                    elif use.kind == "await":
                        found.setdefault(method.name, "awaited")
        return found

    def _ended_by_collaborator(self, cls: ast.ClassDef, attr: str) -> bool:
        """Another object of the module ends the task through its owner: Trusty-cogs' round view
        calls ``self.game._wait_task.cancel()``. Only when no other class of the module stores an
        attribute of that name, so that ``<anything>.<attr>`` can only be this class's task."""
        module = self.module
        family = {id(node) for _, node in self._class_family(cls, attr)}
        if any(
            id(other) not in family and any(self_attribute_nodes(other, attr, ast.Store))
            for other in module.index.classes
        ):
            return False
        loads = self.__dict__.get("_loads_by_attr")
        if loads is None:  # the module's attribute loads by name, once (issue 34: a scan per attribute)
            loads = {}
            for node in module.index.attributes:
                if isinstance(node.ctx, ast.Load):
                    loads.setdefault(node.attr, []).append(node)
            self.__dict__["_loads_by_attr"] = loads
        reach = unload_reach(module)  # there only what the unload runs ends it, not a handler
        for node in loads.get(attr, ()):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue  # the class's own loads, judged above
            if reach is not None and getattr(module.enclosing_function(node), "name", None) not in reach:
                continue
            use = classify(module, node)
            if use.kind == "await" or (use.kind == "method" and use.name == "cancel"):
                return True
        return False

    def _ended_or_handed_on(self, cls: ast.ClassDef, attr: str, enders: Collection[str]) -> bool:
        """Some method of the class family calls one of ``enders`` on ``self.attr`` (in a cog,
        one that runs at unload), or hands it on: whoever holds it may end it."""
        teardown = self._teardown(cls)
        for owner_module, owner in self._class_family(cls, attr):
            for node in self_attribute_loads(owner, attr):
                use = classify(owner_module, node)
                if use.kind in HAND_ON_USES:
                    return True
                if (
                    use.kind in ("method", "attribute")
                    and use.name in enders
                    and (teardown is None or self._in_teardown(owner_module, owner, node, teardown))
                ):
                    return True
        return False


# Per-class tables, kept on the class node (as ``facts.uses`` keeps its ``self.<attr>`` table):
# each stored task asks about its own attribute, and each question walked every method again
# (issue 34: N tasks stored into ``self`` attributes of one class grew with N^2).
_GETATTR_LOADS = "_tradelint_getattr_loads"
_DROPPED_AFTER_AWAIT = "_tradelint_dropped_after_await"


def _getattr_loads(cls: ast.ClassDef, attr: str) -> list[ast.Call]:
    """``getattr(self, "attr", None)`` in ``cls``'s methods: a load of ``self.attr`` spelled for
    an attribute that may not be set yet (ha-electrolux's ``close_websocket()``), or through a
    loop over the names (``facts.getattr_names``)."""
    table: dict[object, list[ast.Call]] | None = cls.__dict__.get(_GETATTR_LOADS)
    if table is None:
        table = {}
        for method in cls.body:
            if not isinstance(method, FUNCTION_NODES):
                continue
            for key, node in self_getattr_calls(method, self_name(method)):
                table.setdefault(key, []).append(node)
        setattr(cls, _GETATTR_LOADS, table)
    return list(table.get(attr, ()))


def _hands_on_collection(module: ModuleInfo, load: ast.expr) -> bool:
    """The whole collection is awaited, returned, aliased or passed (``gather(*self._tasks)``),
    not iterated or indexed to end its elements one by one."""
    use = classify(module, load)
    if use.kind == "container":
        return isinstance(module.parent(load), ast.Starred)
    return use.kind in ("await", "argument", "return", "alias", "with")


def _drops_finished(module: ModuleInfo, load: ast.expr) -> bool:
    """``self._tasks.discard`` (or ``remove``): the collection keeps each task until it is done,
    asyncio's own pattern for tasks nobody else holds; it ends them wherever it stands."""
    use = classify(module, load)
    return use.kind in ("method", "attribute") and use.name in ("discard", "remove")


def _runs_own_teardown(
    call: ast.Call, function: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef | None = None
) -> bool:
    """``create_task(self.close())``, ``ensure_future(self.cleanup())``: the coroutine is a
    release method of the same object, or of an object it holds (``create_task(
    self.worker.close(timeout=5))`` when a signal asks the worker to stop, osparc-simcore
    ``4ca23d07``): it ends by finishing, and cancelling it would undo the release. Not a method
    of ``cls`` that loops until cancelled (``self._periodical_cleanup()``, ``while True:`` sleep
    and sweep: python-discord/bot-core ``805c6043``): a periodic job, which never finishes."""
    coroutine = call.args[0] if call.args else None
    if not (isinstance(coroutine, ast.Call) and isinstance(coroutine.func, ast.Attribute)):
        return False
    receiver = coroutine.func.value
    own = isinstance(receiver, ast.Name)
    if isinstance(receiver, ast.Attribute):
        receiver = receiver.value
    if not (
        isinstance(receiver, ast.Name)
        and receiver.id == self_name(function)
        and is_release_name(coroutine.func.attr)
    ):
        return False
    if own and cls is not None:
        method = next((s for s in cls.body if isinstance(s, ast.AsyncFunctionDef) and s.name == coroutine.func.attr), None)
        if method is not None and any(endless_loop(node) for node in own_nodes(method)):
            return False
    return True


def _dropped_after_await(cls: ast.ClassDef, attr: str) -> ast.stmt | None:
    """A method that awaits and then drops ``self.attr``, where that ends the task: a
    cooperative stop that joins the task by other means (it waits for an event or a queue's
    join, as aiogram's ``ChatActionSender._stop`` does), or the task's own coroutine clearing
    its reference at its end (a debounced save: one-shot work, done when it drops itself). A
    set-up that awaits a client's creation and then sets ``self._task = None`` ends nothing."""
    table: dict[str, list[tuple[str, ast.stmt, bool]]] | None = cls.__dict__.get(_DROPPED_AFTER_AWAIT)
    if table is None:
        table = {}
        for method in cls.body:
            if not isinstance(method, ast.AsyncFunctionDef):
                continue
            receiver = self_name(method)
            awaits = [n for n in walk(method) if isinstance(n, ast.Await)]
            first_await = min((n.lineno for n in awaits), default=None)
            first_wait = min((n.lineno for n in awaits if _waits_for_something(n)), default=None)
            for node in walk(method):
                if isinstance(node, ast.Assign) and _is_none(node.value) and first_await is not None \
                        and first_await < node.lineno:
                    for t in node.targets:
                        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == receiver:
                            waits = first_wait is not None and first_wait < node.lineno
                            table.setdefault(t.attr, []).append((method.name, node, waits))
        setattr(cls, _DROPPED_AFTER_AWAIT, table)
    drops = table.get(attr, [])
    own = _coroutine_methods(cls, attr)
    return next((stmt for name, stmt, waits in drops if waits or name in own), None) or dropped_by_own_helper(cls, attr, own)


def _coroutine_methods(cls: ast.ClassDef, attr: str) -> set[str]:
    """The methods whose coroutines the class stores tasks of in ``self.attr``
    (``self._save = asyncio.create_task(self._debounced_save())``)."""
    found: set[str] = set()
    for node in walk(cls):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        if not any(isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) for t in node.targets):
            continue
        for inner in walk(node.value):
            if (
                isinstance(inner, ast.Call)
                and inner is not node.value
                and isinstance(inner.func, ast.Attribute)
                and isinstance(inner.func.value, ast.Name)
            ):
                found.add(inner.func.attr)
    return found


# What an await that joins a task by other means calls: ``Event.wait()``, ``Queue.join()``,
# ``asyncio.wait_for(...)`` around one of them, ``Condition.wait_for(...)``.
JOIN_CALLS = frozenset({"wait", "join", "wait_for", "wait_closed"})


def _waits_for_something(node: ast.Await) -> bool:
    value = node.value
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name in JOIN_CALLS


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _callback_clears(module: ModuleInfo, cls: ast.ClassDef, use: Use, attr: str) -> bool:
    """``self._t.add_done_callback(self._on_done)`` where ``_on_done`` sets ``self._t`` again."""
    call = module.parent(module.parent(use.node) or use.node)
    if not (isinstance(call, ast.Call) and call.args):
        return False
    callback = call.args[0]
    if not (isinstance(callback, ast.Attribute) and isinstance(callback.value, ast.Name)):
        return False
    method = _methods(module, cls).get(callback.attr)
    if method is None:
        return False
    return any(
        isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.ctx, ast.Store)
        for node in walk(method[1])
    )


def _is_empty_container(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.Set, ast.List, ast.Dict)):
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("set", "list", "dict")
        and not value.args
    )


def _in_del(module: ModuleInfo, owner: ast.ClassDef, node: ast.AST) -> bool:
    method = method_of(module, owner, node)
    return method is not None and method.name == "__del__"


def _holds_its_owner(module: ModuleInfo, owner: ast.ClassDef, attr: str) -> bool:
    """A task stored in ``self.attr`` runs a coroutine given the object itself (``self._run()``,
    ``worker(self)``): while it runs, the loop holds the task, the task its coroutine and the
    coroutine the object, so the object's ``__del__`` cannot run before the task ends, and a
    cancel there ends nothing (hifi/heisenbridge ``0234fe2d``: a send queue's task cancelled
    only in ``__del__``, running on after every disconnect)."""
    for node in self_attribute_nodes(owner, attr, ast.Store):
        method = method_of(module, owner, node)
        receiver = self_name(method) if method is not None else None
        stmt = module.parent(node)
        value = getattr(stmt, "value", None)
        if receiver is None or not isinstance(value, ast.Call):
            continue
        coroutine = value.args[0] if value.args else None
        if not isinstance(coroutine, ast.Call):
            continue
        # ``self._run()`` (a bound method) or ``worker(self)``; not ``pump(self._queue)``.
        func = coroutine.func
        given = [*coroutine.args, *(k.value for k in coroutine.keywords)]
        if isinstance(func, ast.Attribute):
            given.append(func.value)
        if any(isinstance(arg, ast.Name) and arg.id == receiver for arg in given):
            return True
    return False
