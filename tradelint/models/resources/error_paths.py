"""Errors that end a resource's path before it is handed on (issue 28, session 15): a ``try`` whose
``except`` goes on without raising and without touching the resource, around the awaits that come
between the creation and the statement that keeps it. An error there is caught, the program goes
on, and nothing can close the resource any more (tux's cache service: made, ``await
service.connect()`` fails, ``except Exception: log(...)``)."""

from __future__ import annotations

import ast
import weakref
from collections.abc import Callable
from dataclasses import replace

from tradelint.facts.class_family import resolve_class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors, kept_by_integration, setup_parameters
from tradelint.facts.handlers import catches_every_error, goes_on, pause_only
from tradelint.facts.holders import raised_after_keep
from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.syntax import class_method, statement_block, walk
from tradelint.facts.awaited_uses import awaited_through
from tradelint.facts.summaries import is_release_name
from tradelint.facts.unfailing_calls import only_cancelled
from tradelint.facts.uses import TRY_NODES, bound_once, in_cleanup_block, misses_cancellation, name_loads, sequential
from tradelint.models.resources.callee_release import callee_release_nodes
from tradelint.models.resources.ended_through_store import ending_store
from tradelint.models.resources.enter_failure import releases_on_own_failure
from tradelint.models.resources.outliving import carrier_handoff, carrier_names, holder_outlives
from tradelint.models.resources.registered_closures import registered_closure
from tradelint.models.resources.own_start import first_use_started_clean
from tradelint.models.resources.proofs import exits_before, handed_to, releases_held
from tradelint.models.resources.statements import closed_after
from tradelint.models.resources.resource_types import OWNERSHIP_TAKERS, Creation, Problem
from tradelint.models.resources.unopened import use_opens


def handoff_problem(module: ModuleInfo, c: Creation, handoff: ast.AST, closes: list[ast.AST], model: OwnershipModel | None = None) -> Problem | None:
    """What leaves ``c`` open on its way to the statement that hands it on: an exit (``return``,
    ``raise``) or an error caught and swallowed; None when every path gets there or closes it.
    ``model``: to read which uses of a first-party lazy class can open it."""
    carried = carrier_handoff(module, c.function, handoff) if c.function is not None and isinstance(handoff, ast.expr) else handoff
    carriers = frozenset(carrier_names(module, c.function, c.name) - {c.name}) if carried is not handoff and c.function is not None else frozenset()
    if exits_before(module, c, carried, closes, carriers, use_opens(module, model, c) if model is not None else None):
        return "exit_before_handoff"  # (``device = Device(session)``: until ``return device``)
    if c.function is not None and awaited_before_handler_close(module, c.function, _closes_of(module, c)) is not None:
        return "handler_awaits_before_close"  # (every close of the name: the hand-off may come first in the walk)
    if swallowed_before_handoff(module, c, handoff) is not None:
        return "error_before_handoff"
    if raised_before_handoff(module, c, carried, closes, use_opens(module, model, c) if model is not None else None) is not None:
        return "raised_before_handoff"  # (``device = Device(session)``: until ``return device``)
    end = next((a for a in module.ancestors(handoff) if isinstance(a, ast.stmt)), None)
    if (
        isinstance(end, ast.Assign) and c.function is not None and kept_by_integration(module, c.function, end.value) is not None
        and raised_after_keep(module, c.function, end, c.name) is not None
    ):
        return "setup_fails_after_keep"
    return None


def kept_through_store(module: ModuleInfo, c: Creation, closes: list[ast.AST]) -> ast.expr | None:
    """Where an integration's setup keeps ``c`` through a holder that the unload reads back and
    releases it through (:func:`.ended_through_store.ending_store`: ``coordinator =
    Coordinator(hass, client); ...; entry.runtime_data = coordinator``, ``await
    entry.runtime_data.client.close()`` at unload), when no close of it runs but on a way out:
    the store is its hand-off, and what fails before the setup gets there (the coordinator's
    first refresh) leaves it open, as for a client kept there itself (:func:`handoff_problem`).
    None elsewhere."""
    if c.function is None or not c.name or not setup_parameters(module, c.function):
        return None
    if any(not on_a_way_out(module, n, c.function) for n in closes):
        return None
    return ending_store(module, c.function, c.name, c.spec.close, c.spec.coroutine_close)


def raised_before_handoff(
    module: ModuleInfo, c: Creation, handoff: ast.AST, closes: list[ast.AST], opens: Callable[[ast.expr], bool] | None = None,
) -> ast.Await | None:
    """An ``await`` between ``c`` and the statement that keeps it, on the same path, that no
    ``try`` around it answers by closing it: an error there (or a cancellation) propagates, and
    the caller never gets the resource to close (an integration's ``client = Client(host); await
    client.login(); hass.data[DOMAIN] = client``: each failed setup, retried, leaves one open).
    A ``return`` of it alike (the caller gets the error, not the resource); a lazy client only
    after a first awaited use of it (before, it holds nothing); of a first-party lazy class, only a
    use that ``opens`` says may open it counts (``await hub.check_config()``, a method reaching
    none of the class's acquisitions, leaves it holding nothing)."""
    function = c.function
    if function is None or not c.name or not goes_on_after_errors(module, function):
        return None  # (a test's or a script's error ends the program, and what it opened)
    args = function.args
    if c.name in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}:
        return None
    end = next((a for a in module.ancestors(handoff) if isinstance(a, ast.stmt)), None)
    if end is None or module.enclosing_function(end) is not function:
        return None
    start = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    nodes = list(walk(function))
    enders = {c.spec.close, *c.spec.ends, "close", "aclose"}
    carriers = carrier_names(module, function, c.name)
    between: list[ast.AST] = [  # (``await device.close()`` on a way out: a release of what carries it)
        n for n in nodes if releases_held(n, c.name, enders, carriers) and start < n.lineno < end.lineno]
    between += [n for n in closes if start < getattr(n, "lineno", 0) < end.lineno]
    between += [  # ``except Exception: await self._teardown(stack); raise``: a release on that way out
        n for n in callee_release_nodes(module, function, c.name, c.spec.close)
        if start < getattr(n, "lineno", 0) < end.lineno and not any(n is m for m in closes)]
    between = [n for n in between if registered_closure(module, function, n) is None]  # (runs later, when called)
    if any(not on_a_way_out(module, n, function) for n in between):
        return None  # (closed on the way on: what it hands on is not this one)
    # A close on a way out answers the failures checked before it, never an ``await`` after it.
    checked = max((getattr(n, "lineno", 0) for n in between), default=0)
    users = {c.name, *_lent_to(function, c.name)}
    used = [n for n in nodes if isinstance(n, ast.Name) and n.id in users and (awaited_through(module, n) or _lent_awaited(module, n))]
    if opens is not None:
        used = [n for n in used if n.id != c.name or opens(n)]
    for node in nodes:
        if not isinstance(node, ast.Await) or not max(start, checked) < node.lineno < end.lineno:
            continue
        if (out := _way_out(module, node, function)) is not None and any(_way_out(module, n, function) == out for n in between):
            continue  # (``await writer.wait_closed()`` after its close, on the same way out: not on the way on)
        if c.spec.lazy and not any(start < n.lineno < node.lineno or _opens(module, node, n) for n in used):
            continue
        if c.spec.lazy and not any(start < n.lineno < node.lineno for n in used) and _opened_last(module, c.call, node, c.name):
            continue
        if module.enclosing_function(node) is not function or not sequential(module, c.stmt, node):
            continue
        if only_cancelled(module, node) and not pause_only(module, node):
            continue  # (``await client.async_test_connection()``, which catches every error and answers False)
        if not sequential(module, node, end) or any(_answered(module, node, function, n) for n in carriers):
            continue  # (``except BaseException: await device.close(); raise``: through what carries it)
        if _own_opening(module, c, node) or first_use_started_clean(module, function, c.call, c.name, start, node, c.spec.close):
            continue  # ``await conn.connect()`` that releases what it opened on its own failure, or (its first use) fails before it opens
        return node
    return None


def _own_opening(module: ModuleInfo, c: Creation, node: ast.Await) -> bool:
    """``node`` awaits a method of the resource itself (``await conn.connect()``, ``conn`` made by
    a first-party class's constructor) whose every ``await`` and ``raise`` runs in a ``try`` that
    releases on every error (``except BaseException: await self.disconnect(); raise``): failing,
    it leaves nothing open, and the resource made before it holds nothing more than before."""
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(func := call.func, ast.Attribute) and isinstance(func.value, ast.Name)
            and func.value.id == c.name and isinstance(c.call, ast.Call)):
        return False
    found = resolve_class_node(module, c.call.func)
    method = class_method(found[1], func.attr, ast.AsyncFunctionDef) if found is not None else None
    return method is not None and not method.decorator_list and releases_on_own_failure(method)


def _way_out(module: ModuleInfo, node: ast.AST, function: ast.AST) -> tuple[int, str] | None:
    """The innermost way out (:func:`on_a_way_out`) ``node`` runs on: its handler, or its branch."""
    child = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return None
        if isinstance(ancestor, ast.ExceptHandler):
            return id(ancestor), "handler"
        if isinstance(ancestor, ast.If):
            for field, block in (("body", ancestor.body), ("orelse", ancestor.orelse)):
                if block and isinstance(block[-1], (ast.Raise, ast.Return)) and any(s is child for s in block):
                    return id(ancestor), field
        child = ancestor
    return None


def on_a_way_out(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    """``node`` runs only on a way out of ``function``: in an ``except`` (``except ApiError:
    await client.aclose(); raise ConfigEntryNotReady``), or in a branch that ends by leaving
    (``if not ok: await client.close(); return False``). Such a close answers the failures the
    code checked before it (the ``await`` its ``try`` or its test is about), never an ``await``
    after it that fails before the hand-off (tykeal's guesty integration: the client closed when
    the connection test fails, left open when the first refresh raises)."""
    return _way_out(module, node, function) is not None


def lent_until_closed(module: ModuleInfo, c: Creation, node: ast.expr, is_close: Callable[[ast.Name], bool]) -> bool:
    """Whether the function closes ``c`` itself after ``node`` hands it to a callee (``await
    work(client); await client.cleanup()``): lent, the creator still owns it. A close on a way out
    (an ``except`` that re-raises) does not make a holder that outlives the function a borrower (a
    device returned or stored, a coordinator its entry ends): it answers the failure before the
    hand-off, and what leaves before the hand-off is judged as such. Given to a holder dropped at
    the end, the resource is still lent, whatever closes it."""
    function = c.function
    if function is None:
        return False
    kept = holder_outlives(module, function, node)
    return closed_after(function, c.name, node, lambda n: is_close(n) and not (kept and on_a_way_out(module, n, function)))


def _lent_to(function: ast.AST, name: str) -> set[str]:
    """The locals bound once to a construction given ``name`` (or given one of them, at any depth):
    ``api = ApiClient(http_client=client)``, ``coordinator = Coordinator(hass, api)``. An awaited
    use of one (``await api.test_connection()``, ``await coordinator.async_config_entry_first_refresh()``)
    may use what it was given: for a lazy resource, that opens it as its own awaited use would."""
    lenders, found = {name}, set()
    changed = True
    while changed:
        changed = False
        for node in walk(function):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                continue
            holder = node.targets[0].id
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if holder in lenders or not isinstance(value, ast.Call) or bound_once(function, holder) is not node.value:
                continue
            if any(isinstance(a, ast.Name) and a.id in lenders for a in (*value.args, *(k.value for k in value.keywords))):
                lenders.add(holder)
                found.add(holder)
                changed = True
    return found


def _lent_awaited(module: ModuleInfo, name: ast.Name) -> bool:
    """``await probe(client)``: the resource is an argument of an awaited call, lent to be used."""
    call = module.parent(name)
    if isinstance(call, ast.keyword):
        call = module.parent(call)
    return isinstance(call, ast.Call) and call.func is not name and isinstance(module.parent(call), ast.Await)


def _opens(module: ModuleInfo, node: ast.Await, use: ast.Name) -> bool:
    """``await client.connect()``: ``node`` awaits a method of the lazy resource itself, the
    first use that opens what it holds (a socket, a session): an error there may come once that
    is open (a handshake or a login that fails after the connection is made), and leaves it open
    (aiormq's ``connect()``: ``connection = Connection(url); await connection.connect()``)."""
    call = node.value
    if not isinstance(call, ast.Call):
        return False
    return (isinstance(call.func, ast.Attribute) and call.func.value is use) or any(
        a is use for a in (*call.args, *(k.value for k in call.keywords)))


def _opened_last(module: ModuleInfo, made: ast.Call, node: ast.Await, name: str) -> bool:
    """``await monitor.async_start()`` of a first-party lazy class whose method awaits one thing
    only, the opening it keeps on ``self`` (``self._transport, _ = await loop.create_datagram_endpoint(
    ...)``): an error or a cancellation there comes before anything is open, and none can come
    after it, so its failure leaves nothing to close (JurajNyiri/HomeAssistant-Tapo-Control's
    ``TapoUdpMonitor``)."""
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)):
        return False
    if call.func.value.id != name:
        return False  # (another object's method: what it does says nothing of this one)
    return opens_only(module, made, call.func.attr)


def opens_only(module: ModuleInfo, made: ast.Call, method_name: str) -> bool:
    """Whether the method ``method_name`` of the first-party class ``made`` constructs awaits one
    thing only, the opening it keeps on ``self``, with nothing made on ``self`` before it: its
    failure opens nothing (what it makes after that await is never reached then)."""
    found = resolve_class_node(module, made.func)
    if found is None:
        return False
    method = [s for s in found[1].body if isinstance(s, ast.AsyncFunctionDef) and s.name == method_name]
    if len(method) != 1:
        return False
    awaits: list[ast.AST] = [n for n in walk(method[0]) if isinstance(n, (ast.Await, ast.AsyncFor, ast.AsyncWith))]
    if not awaits and isinstance(last := method[0].body[-1], ast.Assign) and isinstance(last.value, ast.Call):
        # ``async def start(self): self._session = ClientSession()``: nothing awaited, the opening its
        # last statement: no error comes after it (and no cancellation: it never suspends).
        awaits = [last.value]
    if len(awaits) != 1 or not isinstance(awaits[0], (ast.Await, ast.Call)):
        return False
    if any(
        isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and n.lineno < awaits[0].lineno
        and any(isinstance(t, ast.Attribute) for target in n.targets for t in (target.elts if isinstance(target, ast.Tuple) else [target]))
        for n in walk(method[0])
    ):
        return False  # (``self._session = ClientSession()`` first: the failing await leaves that open)
    stmt = found[0].parent(awaits[0])
    targets = stmt.targets if isinstance(stmt, ast.Assign) else []
    kept = [t for target in targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
    return any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self" for t in kept)


def _answered(module: ModuleInfo, node: ast.AST, function: ast.AST, name: str) -> bool:
    """An error of ``node`` is dealt with: ``node`` runs in a handler or a ``finally`` (cleanup
    code), or in the body of a ``try`` whose ``finally`` names the resource, or one of whose
    handlers catching every error (bare, ``BaseException``, ``Exception``) names it or goes on
    without raising (the function goes on: a close after the ``try`` may end it). A handler of
    some errors only (``except asyncio.TimeoutError: await client.close(); raise``) leaves the
    others to propagate with it open (huggingface_hub ``0d0603f5``)."""
    child = node
    for ancestor in module.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.ExceptHandler) or (isinstance(ancestor, ast.Try) and child in ancestor.finalbody):
            return True
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            if _names(ancestor.finalbody, name) or any(
                catches_every_error(h) and (_names(h.body, name) or goes_on(h)) for h in ancestor.handlers
            ):
                return True  # (an error caught and gone on from is ``swallowed_before_handoff``'s)
        child = ancestor
    return False


def swallowed_before_handoff(module: ModuleInfo, c: Creation, handoff: ast.AST) -> ast.ExceptHandler | None:
    """The handler that catches an error raised between ``c`` and the statement that hands it
    on (``handoff``) and goes on with it open, if there is one:

    - the hand-off is in the body of a ``try`` (the innermost such) in the creating function;
    - an ``await`` of that body runs after the creation and before the hand-off (it can raise);
    - a handler of that ``try`` neither raises nor names the resource (no close, no hand-off);
    - nothing after the ``try``, nor its ``finally``, names it: no later code can close it.

    None when the error path is covered (a close in the handler or ``finally``, a re-raise). A
    lazy resource holds something only from the first ``await`` that uses it (its ``connect()``,
    ``start()``): only that ``await`` and the later ones count."""
    function = c.function
    if function is None or not c.name:
        return None
    end = next((a for a in module.ancestors(handoff) if isinstance(a, ast.stmt)), None)
    if end is None or isinstance(end, ast.Return):
        return None  # a maker's ``return client`` / ``except ...: return None``: the caller's contract
    trial: ast.Try | None = None
    child: ast.AST = end
    for ancestor in module.ancestors(end):
        if ancestor is function or isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            break
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            trial = ancestor
            break
        child = ancestor
    if trial is None or trial.finalbody and _names(trial.finalbody, c.name):
        return None
    start = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    if any(ancestor is trial for ancestor in module.ancestors(c.stmt)) and not any(
        c.stmt is s or any(a is s for a in module.ancestors(c.stmt)) for s in trial.body
    ):
        return None  # made in a handler or the ``finally``
    awaits = [
        node for stmt in trial.body for node in walk(stmt)
        if isinstance(node, ast.Await) and start < node.lineno < end.lineno and module.evaluating_function(node) is function
        and not _covered(module, node, trial, c.name)  # (a nested ``def``'s ``await`` runs when it is called, not here)
        and not _closing_it_on_a_way_out(module, node, c, function)
        and not first_use_started_clean(module, function, c.call, c.name, start, node, c.spec.close)
    ]
    if c.spec.lazy:
        used = [n for n in walk(function) if isinstance(n, ast.Name) and n.id == c.name and awaited_through(module, n)]
        first = min((n.lineno for n in used if start < n.lineno < end.lineno), default=None)
        awaits = [node for node in awaits if first is not None and node.lineno >= first]
    if not awaits:
        return None
    after = trial.end_lineno or trial.lineno
    if any(load.lineno > after for load in name_loads(function, c.name)):
        return None  # used (closed, handed on) after the ``try``
    for handler in trial.handlers:
        if any(isinstance(node, ast.Raise) for node in walk(handler)):
            continue
        if _names(handler.body, c.name):
            continue
        return handler
    return None


def _closing_it_on_a_way_out(module: ModuleInfo, node: ast.Await, c: Creation, function: ast.AST) -> bool:
    """``if not info: await websocket.close(); return``: the ``await`` is the resource's own
    release, on a branch that leaves: an error there comes while it is being closed, on a path
    that never reaches the hand-off, not from something before it that leaves it open."""
    call = node.value
    return (
        isinstance(call, ast.Call) and isinstance(func := call.func, ast.Attribute) and isinstance(func.value, ast.Name)
        and func.value.id == c.name and (func.attr in (c.spec.close, *c.spec.ends) or is_release_name(func.attr))
        and on_a_way_out(module, node, function)
    )


def _covered(module: ModuleInfo, node: ast.AST, outer: ast.AST, name: str) -> bool:
    """``node`` is in the body of a ``try`` (inside ``outer``) whose handlers or ``finally`` name
    the resource: an error there is dealt with (``except Exception: await zc.async_close();
    raise``); or it is in a handler or ``finally`` itself."""
    child = node
    for ancestor in module.ancestors(node):
        if ancestor is outer:
            return False
        if isinstance(ancestor, ast.ExceptHandler) or (isinstance(ancestor, ast.Try) and child in ancestor.finalbody):
            return True  # an error path's own code (a cleanup), not the way to the hand-off
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            if _names(ancestor.finalbody, name) or any(_names(h.body, name) for h in ancestor.handlers):
                return True
        child = ancestor
    return False


def _names(body: list[ast.stmt], name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name for stmt in body for node in walk(stmt))


_TRIES: weakref.WeakKeyDictionary[ast.AST, list[ast.Try]] = weakref.WeakKeyDictionary()


def _own_tries(module: ModuleInfo, function: ast.AST) -> list[ast.Try]:
    """The ``try`` statements of ``function`` itself (not of a function nested in it), in
    ``walk``'s order; found once per function, which is asked once per resource it makes."""
    found = _TRIES.get(function)
    if found is None:
        found = _TRIES[function] = [
            n for n in walk(function) if isinstance(n, ast.Try) and module.enclosing_function(n) is function
        ]
    return found


def left_open_by_a_handler(module: ModuleInfo, c: Creation, closes: list[ast.AST]) -> bool:
    """A ``try`` after the creation (or around it) catches an error of an ``await`` of its body
    and leaves (``return``, ``break``, ``continue``) without closing it, before any close: the
    closes on the way on never run on that path (lbry's CLI: ``except ConnectionError: print(...);
    return 1`` after ``api = await Client.get_client()``)."""
    function = c.function
    if function is None or not c.name or not closes:
        return False
    start = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    first_close = min(getattr(close, "lineno", 0) for close in closes)
    for trial in _own_tries(module, function):
        if not (trial.lineno <= start or sequential(module, c.stmt, trial)) or trial.lineno > first_close:
            continue
        if trial.lineno <= start and not any(c.stmt is s or any(a is s for a in module.ancestors(c.stmt)) for s in trial.body):
            continue  # made before a ``try`` that encloses it, but not in its body: not this one
        if not any(isinstance(n, ast.Await) and n.lineno > start and module.evaluating_function(n) is function for s in trial.body for n in walk(s)):
            continue
        for handler in trial.handlers:
            nodes = list(walk(handler))
            if any(isinstance(n, ast.Raise) for n in nodes) or _names(handler.body, c.name):
                continue
            if any(isinstance(n, (ast.Return, ast.Break, ast.Continue)) for n in nodes):
                return True
    return False


def closed_only_before_cancellation(
    module: ModuleInfo, function: ast.AST, closes: list[str | None], close_nodes: list[ast.AST]
) -> bool:
    """``except Exception: await s.close(); raise`` beside the close on success (``closes``: where
    each of ``close_nodes`` runs, as ``in_cleanup_block`` says): a task cancelled in the ``try``
    (``CancelledError`` is no ``Exception``) skips both, when no ``finally`` closes it and every
    handler that does misses the cancellation. Or, with no close on success, where the success
    path returns it (``return Transport(exit_stack=stack)``, hikari's shard: the handlers are
    the only cleanup, and a cancellation skips them)."""
    if "except" not in closes or "finally" in closes:
        return False
    if None not in closes and not returned(function, close_nodes):
        return False
    return all(misses_cancellation(module, node, function) for kind, node in zip(closes, close_nodes) if kind == "except")


def awaited_before_handler_close(module: ModuleInfo, function: ast.AST, close_nodes: list[ast.AST]) -> ast.Await | None:
    """The first ``await`` an ``except`` runs before its close of the resource, when that handler
    is the only close on the failure path (no ``finally`` closes it): ``except BaseException:
    await report(error); await stack.aclose(); raise``. A failure or a cancellation of that
    ``await`` leaves the handler before the close, and nothing closes the resource any more. A
    close of something else (``await other.close()``) and an ``await`` inside a ``try`` of its
    own are not counted; nor a handler in a program's entry or a test, whose error ends it."""
    kinds = [in_cleanup_block(module, node, function) for node in close_nodes]
    if "finally" in kinds or not goes_on_after_errors(module, function):
        return None
    for kind, node in zip(kinds, close_nodes):
        if kind != "except":
            continue
        earlier: list[ast.stmt] = []
        child: ast.AST = node
        for ancestor in module.ancestors(node):
            if ancestor is function or isinstance(ancestor, (*TRY_NODES, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                earlier = []  # (a ``try`` of its own around the close: judged by what it says)
                break
            if (block := statement_block(ancestor, child)) is not None:
                earlier += block[: next(i for i, s in enumerate(block) if s is child)]
            if isinstance(ancestor, ast.ExceptHandler):
                break
            child = ancestor
        for stmt in earlier:
            for found in walk(stmt):
                if not isinstance(found, ast.Await) or _guarded_within(module, found, stmt):
                    continue
                awaited = found.value.func if isinstance(found.value, ast.Call) else None
                if isinstance(awaited, ast.Attribute) and (awaited.attr == "wait_closed" or is_release_name(awaited.attr)):
                    continue  # closing something else first
                return found
    return None


def _closes_of(module: ModuleInfo, c: Creation) -> list[ast.AST]:
    """The loads of ``c``'s name that its close (or ``close``/``aclose``) is called through."""
    enders = {c.spec.close, "close", "aclose"}
    return [n for n in name_loads(c.function, c.name) if isinstance(p := module.parent(n), ast.Attribute) and p.attr in enders] if c.function is not None else []


def _guarded_within(module: ModuleInfo, node: ast.AST, stmt: ast.stmt) -> bool:
    """``node`` runs inside a ``try`` (or a nested function) within ``stmt``."""
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (*TRY_NODES, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return True
        if ancestor is stmt:
            return False
    return False


def returned(function: ast.AST, close_nodes: list[ast.AST], module: ModuleInfo | None = None) -> bool:
    """The name closed at ``close_nodes`` is also in a ``return`` of ``function`` (handed on whole
    or inside what it returns; with ``module``, also inside a local that carries it: ``device =
    Device(manager)`` then ``return device``)."""
    names = {n.value.id for n in close_nodes if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)}
    names |= {n.id for n in close_nodes if isinstance(n, ast.Name)}
    if module is not None:
        names = {carried for name in names for carried in carrier_names(module, function, name)}
    return any(
        isinstance(node, ast.Return) and node.value is not None
        and any(isinstance(n, ast.Name) and n.id in names for n in walk(node.value))
        for node in walk(function)
    )


def handed_on_by_return(module: ModuleInfo, c: Creation, close_nodes: list[ast.AST]) -> bool:
    """The resource closed in a handler at ``close_nodes`` is handed on by a ``return`` on success:
    named in what it returns (:func:`returned`), or carried by a local it returns (``device =
    Device(manager)``, then ``return device``) when nothing leaves before the ``try`` whose
    handler closes it (an exit there leaks it: pyatv's parent, a ``raise`` in the loop before the
    ``try``, fixed by moving the loop into it)."""
    if c.function is None:
        return False
    if returned(c.function, close_nodes):
        return True
    return returned(c.function, close_nodes, module) and not _leaves_before_handler_try(module, c.function, c.stmt, close_nodes)


def _leaves_before_handler_try(module: ModuleInfo, function: ast.AST, stmt: ast.AST, close_nodes: list[ast.AST]) -> bool:
    """A ``return``, ``raise`` or ``await`` of ``function`` between ``stmt`` and the first ``try``
    whose handler holds one of ``close_nodes`` (or no such ``try``): a way out the handler misses."""
    starts = [
        getattr(try_, "lineno", 0) for node in close_nodes for handler in module.ancestors(node)
        if isinstance(handler, ast.ExceptHandler) for try_ in [module.parent(handler)] if isinstance(try_, TRY_NODES)
    ]
    if not starts:
        return True
    line = getattr(stmt, "end_lineno", None) or 0
    return any(
        isinstance(node, (ast.Return, ast.Raise, ast.Await)) and line < node.lineno < min(starts)
        and module.enclosing_function(node) is function for node in walk(function)
    )


def raised_before_kept(module: ModuleInfo, c: Creation) -> Problem | None:
    """``session = ClientSession(); ws = await session.ws_connect(url); self._session = session``:
    kept on ``self`` (the instance closes it), but only once that ``await`` has succeeded: its
    error or a cancellation leaves the local open, and no method can reach it. Alike for an
    element of a collection the instance ends (``state = await self._create_state(); await
    state.navigate(url); self.pages[key] = state``: Skyvern's browser manager, whose cleanup
    closes only the states it has registered)."""
    function = c.function
    made = c.stmt
    if c.kind not in ("self", "self_elements") or function is None or not isinstance(made, ast.Assign) or len(made.targets) != 1:
        return None
    local = made.targets[0]
    if not isinstance(local, ast.Name):
        return None
    store = next((n for n in name_loads(function, local.id) if _stored_in(module.parent(n), n, c.name)), None)
    if store is None:
        return None
    as_local = replace(c, kind="local", name=local.id)
    if raised_before_handoff(module, as_local, store, []) is not None:
        return "self_raised_before_kept"
    # ``new = Container(cfg); await new.start(); self._container = new`` in a ``try`` whose
    # ``except`` goes on (a rollback) without it: a ``start()`` that fails part way leaves the
    # half-started one open, and no method can reach it (SolitudeRA/astrbot_plugin_palworld
    # ``26fac233``).
    if goes_on_after_errors(module, function) and swallowed_before_handoff(module, as_local, store) is not None:
        return "self_swallowed_before_kept"
    return None


def _stored_in(stmt: ast.AST | None, node: ast.AST, attr: str) -> bool:
    """``stmt`` is ``<x>.attr = node`` or ``<x>.attr[key] = node``."""
    return isinstance(stmt, ast.Assign) and stmt.value is node and any(
        isinstance(k := (t.value if isinstance(t, ast.Subscript) else t), ast.Attribute) and k.attr == attr for t in stmt.targets
    )


def first_taken(module: ModuleInfo, function: ast.AST, name: str, node: ast.expr) -> ast.expr:
    """``node``, or an earlier load of ``name`` in the source that an exit stack takes over
    (``await stack.enter_async_context(session)``, then ``self._session = session``: omnigent's
    MCP client, session 64): the stack ends it from that statement on, whatever keeps it after."""
    earlier = [
        n for n in name_loads(function, name)
        if (n.lineno, n.col_offset) < (node.lineno, node.col_offset) and handed_to(module, n, OWNERSHIP_TAKERS)
    ]
    return min(earlier, key=lambda n: (n.lineno, n.col_offset)) if earlier else node
