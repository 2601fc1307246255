"""TRD201's messages, one per problem the resource model finds (``Problem``): what the message
says to do (``{cure}``, filled in by the rule) and why it leaks (the help); and the reports of the
leaks found beside that model (values closed on one path only, child processes)."""

from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core.messages import Text, fit, fit_help
from tradelint.core.registry import Report
from tradelint.facts.file_context import FileContext
from tradelint.facts.release_names import exit_release, release_call
from tradelint.models.resources.child_processes import ProcessLeak
from tradelint.models.resources.driven_generators import LeftGenerator
from tradelint.models.resources.narrow_handlers import NarrowRelease
from tradelint.models.resources.own_closes import OpenExit
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.resource_types import Creation
from tradelint.models.resources.unawaited_release import made_here, unawaited_releases_of

# Per problem: the message (what to do in ``{cure}``) and the help (why it leaks).
TEXTS = {
    "never_closed": Text(
        "`{name}` (`{label}(...)`) is never closed; {cure}",
        "An unclosed `{label}` leaks its connections and sockets",
    ),
    "not_in_finally": Text(
        "`{name}` (`{label}(...)`) is closed outside `finally`; {cure}",
        "An exception or cancellation before the close skips it, and it leaks",
    ),
    "cancel_skips_close": Text(
        "`{name}` (`{label}(...)`) is closed only in an `except` that cancellation skips",
        "`asyncio.CancelledError` is no `Exception`: close it in `finally`, or in `except BaseException`",
    ),
    "handler_awaits_before_close": Text(
        "`{name}` (`{label}(...)`) is closed in an `except` after another `await`; close it first, or in `finally`",
        "An error or cancellation of that `await` leaves the handler before the close, and nothing else closes it",
    ),
    "not_in_finally_callee": Text(
        "`{name}` (`{label}(...)`) is closed by the function it is given, outside `finally`; {cure}",
        "An exception or cancellation in that function before its close skips it, and it leaks",
    ),
    "inline": Text(
        "`{label}(...)` is created inline, so nothing closes it; open it with `async with`",
        "Its connections and sockets leak until the process exits",
    ),
    "discarded": Text(
        "`{label}(...)` is discarded, so nothing closes it; keep it and call its `{call}`",
        "Its listening socket stays open until the process exits",
    ),
    "eager_default": Text(
        "`{label}(...)` is made even when `{name}()` finds what it looks up, and then dropped unclosed; make it only when missing",
        "An argument is evaluated before the call: the fallback is made on every call (`d.get(k) or X()` makes it only when needed)",
    ),
    "transport_discarded": Text(
        "the transport of `{label}(...)` is discarded and `{name}` never closes it; keep it and call its `close()`",
        "Its socket stays open until the process exits, also when a later step fails",
    ),
    "response_discarded": Text(
        "the response of `{label}(...)` is discarded unread; enter it with `async with`, or keep it and call its `{call}`",
        "An unread response keeps its pooled connection checked out until it is collected",
    ),
    "response_never_released": Text(
        "`{name}` (`{label}(...)`) is never read nor released; {cure}",
        "An unread response keeps its pooled connection checked out until it is collected",
    ),
    "response_replaced": Text(
        "`{name}` (`{label}(...)`) is replaced by the next response before it is released; call its `{call}` first",
        "Nothing can release the old response any more: its pooled connection stays checked out",
    ),
    "response_open_at_yield": Text(
        "`{name}` (`{label}(...)`) is left open when the generator is closed at its `yield`; release it in a `finally`",
        "A consumer that stops early closes the generator there: the response keeps its connection, and the server goes on sending",
    ),
    "response_open_in_generator": Text(
        "`{name}` (`{label}(...)`) is handed to an async generator that leaves it open when closed at its `yield`; release it in a `finally` there",
        "A consumer that stops early closes the generator there: the response keeps its connection, and the server goes on sending",
    ),
    "response_open_on_error": Text(
        "`{name}` (`{label}(...)`) is left open when a later step fails and the error is handled; call its `{call}` in the handler",
        "The function goes on after the error (a retry, a fallback) and nothing can release that response any more: its pooled connection stays checked out",
    ),
    "response_open_on_raise": Text(
        "`{name}` (`{label}(...)`) is left open when a later step raises; call its `{call}` in a `finally` or in a handler that re-raises",
        "Nothing releases an httpx response when it is collected: one dropped by an error keeps its pooled connection checked out",
    ),
    "integration_never_closed": Text(
        "`{name}` (`{label}(...)`) is kept at setup and never closed at unload; close it in `async_unload_entry()`",
        "Nothing the entry's unload runs calls `{close}()`: each reload leaks one",
    ),
    "local_elements": Text(
        "`{label}(...)` kept in local `{name}` is never closed; close each before the function returns",
        "The collection dies with the frame, and nothing closes its elements",
    ),
    "walked_elements": Text(
        "`{label}(...)` makes new resources that this walk never closes; close each in it",
        "`{label}` makes every element for its caller, and nothing keeps them after the walk",
    ),
    "made_elements": Text(
        "`{name}` (`{label}(...)`) holds new resources, each of them never closed; close each before the function returns",
        "`{label}` makes every element for its caller, and the collection dies with the frame",
    ),
    "yielded": Text(
        "`{label}(...)` is yielded and never closed; bind it and close it after the `yield` in a `finally`",
        "The code after the `yield` runs when the block ends, and nothing there closes it",
    ),
    "replaced": Text(
        "`{name}` (`{label}(...)`) is reassigned before it is closed; close it first",
        "Nothing can close the first one any more, and its connections leak",
    ),
    "replaced_after_use": Text(
        "`{name}` (`{label}(...)`) is reassigned before it is closed; close it first",
        "The old value was used, then dropped unclosed: its connections leak",
    ),
    "early_exit": Text(
        "`{name}` (`{label}(...)`) leaks on an exit before its `try`; create it just before it",
        "The `finally` that closes it runs only once the `try` is entered",
    ),
    "error_before_try": Text(
        "`{name}` (`{label}(...)`) leaks if an `await` before its `try` raises; enter the `try` just after making it",
        "The `finally` that closes it runs only once the `try` is entered, and an error or cancellation can end any `await`",
    ),
    "exit_before_handoff": Text(
        "`{name}` (`{label}(...)`) leaks on an exit before it is handed on; call its `{call}` on that path",
        "A `raise` or `return` between its creation and where it is kept or entered leaves it open",
    ),
    "error_before_handoff": Text(
        "`{name}` (`{label}(...)`) leaks when an error before it is handed on is caught; close it in that `except`",
        "The `except` goes on without raising or closing it, and nothing after the `try` can reach it",
    ),
    "raised_before_handoff": Text(
        "`{name}` (`{label}(...)`) leaks if an `await` before it is handed on raises; close it on that error",
        "The error or cancellation propagates, and nothing else holds it to close it",
    ),
    "self_raised_before_kept": Text(
        "`self.{name}` (`{label}(...)`) leaks if an `await` before it is stored raises; close it on that error",
        "The error or cancellation propagates before the instance holds it, and nothing else can close it",
    ),
    "self_swallowed_before_kept": Text(
        "`self.{name}` (`{label}(...)`) leaks when an error before it is stored is caught; close it in that `except`",
        "The `except` goes on without closing it, and the instance never holds it to close it",
    ),
    "setup_fails_after_keep": Text(
        "`{name}` (`{label}(...)`) is kept at setup, then the setup raises; close it before raising",
        "Home Assistant unloads only an entry that set up: each failed setup, retried, leaves one open",
    ),
    "global_never_closed": Text(
        "module global `{name}` (`{label}(...)`) is never closed; close it at shutdown",
        "Nothing in the module calls `{close}()` on it, so its connections live until exit",
    ),
    "class_attr_never_closed": Text(
        "class attribute `{name}` (`{label}(...)`) is never closed; close it at shutdown",
        "Every instance shares it and it lives as long as the class; no file of the project calls `{close}()` on it",
    ),
    "handed": Text(
        "`{label}(...)` given to `{name}(...)` is never closed; call `{call}` when done",
        "No method of `{name}` closes it, so the caller still owns it",
    ),
    "app_global_never_closed": Text(
        "module global `{name}` (`{label}(...)`) outlives the application; close it at its end of life",
        "The module ends its application (a lifespan, `on_shutdown`, `on_cleanup`), and no code of the module calls `{close}()` on it",
    ),
    "process_global_never_closed": Text(
        "`{name}` (`{label}(...)`) is kept for the whole process and never closed; close it at the application's end of life",
        "The project ends its application (a lifespan, a shutdown handler, `on_cleanup`), and no file of it calls `{close}()` on it",
    ),
    "closure_never_closed": Text(
        "`{name}` (`{label}(...)`) kept by a closure is never closed; close it at shutdown",
        "The enclosing function's frame keeps it for every call of the closure, and no code there calls `{close}()` on it",
    ),
    "global_elements_never_closed": Text(
        "`{label}()` kept in global `{name}` is never closed; close them at shutdown",
        "No code of the module reaches the elements of `{name}` to close them, so they live until exit",
    ),
    "global_element_dropped": Text(
        "this `{label}` is taken out of global `{name}` unclosed; call its `{call}` first",
        "Kept in `{name}`, it was the collection's to close; taken out again, nothing holds it: it leaks",
    ),
    "global_element_replaced": Text(
        "this `{label}` is stored in global `{name}` over one never closed; call the old one's `{call}` first",
        "The function read the old `{label}` from the same key, so the slot was full: replaced, it leaks",
    ),
    "startup_never_closed": Text(
        "`{name}` is made at startup and never closed; close it in a shutdown handler",
        "No shutdown handler, `on_cleanup` or code after a lifespan's `yield` closes this `{label}`",
    ),
    "app_never_closed": Text(
        "`{name}` (`{label}(...)`) lives with the application and is never closed; close it at cleanup",
        "The application's `on_cleanup`/shutdown handlers registered here do not close it",
    ),
    "owner_closed_outside_finally": Text(
        "`{name}.{held}` is closed outside `finally`; close it in a `finally`",
        "An `except` between its creation and the close goes on without closing it, and it leaks",
    ),
    "holder_opened_never_closed": Text(
        "`{name}.{held}` is never closed once `{name}.{opened}()` opens it; call its `{call}` in a `finally`",
        "`{label}` keeps what `{opened}()` opens in `self.{held}` and no method of it closes it: its maker must",
    ),
    "holder_release_leaves": Text(
        "`{label}.{leaves}()` leaves `{name}.{held}` open once `{name}.{opened}()` has run; close it in `{leaves}()`",
        "`{label}` closes its `self.{held}` only in some of its methods, and its `{leaves}()` does not",
    ),
    "holder_kept_at_setup": Text(
        "`{name}` (`{label}(...)`) is kept at setup, and `{label}` never closes its `self.{held}`; give the class an async `close()`, call it in `async_unload_entry()`",
        "Nothing the entry's unload runs can release what it holds: each reload leaks one",
    ),
    "owner_leaks": Text(
        "`{label}(...)` never closes its `self.{held}`; give the class an async `close()`, call it",
        "Every instance made here leaks its connections: no method of `{label}` closes `self.{held}`",
    ),
}


def text_of(problem: str, c: Creation, detail: str = "") -> Text | None:
    if problem == "inline" and c.spec.unenterable:
        problem = "discarded"  # ``await asyncio.start_server(...)`` as a statement: no ``async with`` takes it
    elif problem == "inline" and c.spec.part is not None:
        problem = "transport_discarded"  # ``_, protocol = await loop.create_connection(...)``: ``c.name`` is the protocol's class
    if problem == "local_elements" and c.spec.elements:
        # (``connectors = get_enabled_connectors(config)``; ``for c in get_enabled_connectors(config):``)
        problem = "made_elements" if c.name else "walked_elements"
    template = TEXTS.get(problem)
    if template is None:
        return None
    # A first-party resource type is released by its own method, not necessarily as a
    # context manager.
    cure = "open it with `async with`"
    # Released by its exit alone: ``async with`` (by hand, ``__aexit__`` takes the exit's arguments).
    exit_only = exit_release(c.spec.close) and not c.spec.unenterable
    if c.spec.first_party and problem == "not_in_finally" and not exit_only:
        cure = "move `{name}.{call}` into a `finally`"  # it is closed, on one path
    elif not exit_only and (c.spec.first_party or c.spec.maybe_none or c.spec.unenterable or c.spec.part is not None):
        # (a maker that may return None, a tuple's element, a server: no ``async with``)
        cure = f"call `{'await ' if c.spec.awaited else ''}{{name}}.{{close}}()` in a `finally`"
    if isinstance(c.function, ast.FunctionDef) and c.spec.coroutine_close and "{cure}" in template.message:
        # Made in a plain function (``run()`` then ``asyncio.run(main(worker))``): neither
        # ``async with`` nor ``await`` can be written there.
        cure = "make it in the coroutine that uses it and close it there"
    # (A local kept in a module's collection: the collection is what is named.)
    name = detail if problem in ("global_element_dropped", "global_element_replaced", "class_attr_never_closed") and detail else c.name
    names = {"name": name, "label": c.label, "close": c.spec.close, "call": release_call(c.spec.close), "held": c.spec.holds, "opened": c.spec.opened_by or ", ".join(c.spec.leaves[1:2]), "leaves": ", ".join(c.spec.leaves[:1])}
    message = fit(template.message.replace("{cure}", cure), **names)
    if c.spec.some_paths and "{cure}" in template.message:
        # (``build_notifier()`` returns a ``NullNotifier`` on its other paths, with no ``aclose()``)
        return Text(message, fit_help("`{label}` returns one on some paths only, and other classes without `{close}()` on the others: give them "
                                      "one too (a method that does nothing), so that every caller can close what it gets", **names))
    return Text(message, fit_help(template.help, **names))


def text_kept(c: Creation) -> str:
    """The help of a resource kept beyond its function through a holder made from it."""
    return fit_help("The `{label}` is lent to what is kept there; closing it in the function would end it too soon", label=c.label)


def awaited_maker(ctx: FileContext, c: Creation) -> bool:
    """``s = await make_session()`` where ``make_session`` is the project's own coroutine: what
    it returns is the resource, but the call is a coroutine, which ``async with`` cannot enter
    (``await asyncpg.create_pool()`` is a library's, entered as ``async with create_pool()``)."""
    if not isinstance(ctx.module.parent(c.call), ast.Await):
        return False
    qualified = ctx.module.imports.qualify(c.call.func)
    return qualified is None or resource_analysis(ctx).builtin_spec(qualified) is None


def single_name(c: Creation) -> bool:
    """``name = X()``: the only binding the ``async with`` rewrite knows how to move."""
    stmt = c.stmt
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
    return len(targets) == 1 and isinstance(targets[0], ast.Name)


def open_exit_report(left: OpenExit) -> Report:
    """The report of a value the function closes itself on one path, left open by ``left.exit``."""
    where = "the `except` at line {line} goes on or leaves without closing it" if isinstance(left.exit, ast.ExceptHandler) else (
        "the `return` at line {line} leaves it open" if isinstance(left.exit, ast.Return) else
        "the `raise` at line {line} leaves it open" if isinstance(left.exit, ast.Raise) else "an error in the `await` at line {line} leaves it open")
    return Report(left.binding, fit("`{closed}` (`{label}(...)`) is closed here on one path only: " + where + "; close it in a `finally`",
                                    closed=left.closed, label=left.label, line=str(left.exit.lineno)),
                  None, fit_help("The function closes it itself, so it owns it: every way out must close it"))


def narrow_release_report(narrow: NarrowRelease) -> Report:
    """The report of a value released only by an ``except`` of some errors."""
    return Report(narrow.binding, fit("`{name}` (`{label}(...)`) is released only when `except {caught}` (line {line}) catches; "
                                      "`{escapes}` from its `try` leaves it open; release it in `except Exception` or a `finally`",
                                      name=narrow.name, label=narrow.label, caught=narrow.caught, line=str(narrow.handler.lineno),
                                      escapes=narrow.escapes),
                  None, fit_help("The function releases it itself on that error, so it owns it: another exception or a cancellation "
                                 "propagates past the `except`, and nothing else can reach it"))


def process_report(leak: ProcessLeak) -> Report:
    """The report of a child process that ``leak.exit`` leaves running."""
    return Report(leak.stmt, fit("`{name}` (`{label}(...)`) keeps running after " + leak.exit, name=leak.name, label=leak.label),
                  None, fit_help("A child process runs on until it exits or is killed: kill it there (`{name}.kill()`, "
                                 "then `await {name}.wait()`)", name=leak.name))


def fix_offered(ctx: FileContext, problem: str, c: Creation) -> bool:
    """Whether TRD201 offers ``async with`` for the creation ``c`` reported for ``problem``: a
    library resource bound to one name, never ``None``, enterable, not a part of another, not
    made by an awaited maker, and not a fallback (``s = session or ClientSession()``: ``async
    with`` would also close the caller's)."""
    fallback = isinstance(getattr(c.stmt, "value", None), (ast.BoolOp, ast.IfExp))
    return (
        problem in ("never_closed", "not_in_finally")
        and c.function is not None
        and not c.spec.first_party
        and not c.spec.maybe_none
        and not c.spec.some_paths
        and not c.spec.unenterable
        and c.spec.part is None
        and not fallback
        and single_name(c)
        and not awaited_maker(ctx, c)
    )


def unawaited_release_reports(ctx: FileContext, reported: set[int]) -> Iterator[Report]:
    """TRD201 where a first-party object made here is left open because its only release is never
    awaited (TRD205 reports the call); ``reported``: the nodes already reported, grown here."""
    for release in unawaited_releases_of(ctx):
        # A first-party object made here whose only release is never awaited (TRD205).
        made = made_here(ctx.module, release)
        if made is not None and id(made) not in reported and release.released is not None:
            reported.add(id(made))
            call = made.value.value if isinstance(made.value, ast.Await) else made.value
            yield Report(made, fit("`{name}` (`{label}(...)`) is left open: `{spelled}({name})` is never awaited",
                                   name=release.released, label=ast.unparse(call.func), spelled=release.spelled),  # type: ignore[attr-defined]
                         None, fit_help("`{spelled}()` is a coroutine function: the call only creates a coroutine, "
                                        "and closes nothing", spelled=release.spelled))
        elif made is not None and id(made) not in reported:
            reported.add(id(made))
            call = made.value.value if isinstance(made.value, ast.Await) else made.value
            yield Report(made, fit("`{name}` (`{label}(...)`) is never closed: its `{close}()` is never awaited",
                                   name=release.call.func.value.id, label=ast.unparse(call.func), close=release.method),  # type: ignore[attr-defined]
                         None, fit_help("`{owner}.{method}()` is a coroutine function: the call only creates a coroutine",
                                        owner=release.owner, method=release.method))


def generator_report(left: LeftGenerator) -> Report:
    """The report of a first-party async generator holding a cleanup that ``left`` leaves unexhausted."""
    how = ("stepped by hand and never closed (line {line})" if left.how == "by hand" else
           "left by the `" + left.how + "` at line {line} before it is exhausted")
    return Report(left.call, fit("`{label}(...)` holds a cleanup at its `yield` and is " + how + "; wrap it in `contextlib.aclosing()`",
                                 label=left.label, line=str(left.line)),
                  None, fit_help("An async generator left unexhausted is closed only by the garbage collector, so its `async with` or "
                                 "`finally` runs late or never"))
