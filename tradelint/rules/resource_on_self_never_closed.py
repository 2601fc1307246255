from __future__ import annotations

import ast
from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.facts.lifecycle_fixes import shutdown_fix, unproven_release
from tradelint.facts.release_names import release_arguments, release_call
from tradelint.facts.ownership import framework_teardown, release_method
from tradelint.facts.end_hooks import exit_close_missed_by_hook
from tradelint.facts.never_run import closed_by_exit_never_entered, closer_never_run, closer_replaced
from tradelint.models.resources.child_processes import kept_processes
from tradelint.models.resources.enter_failure import opened_then_failing
from tradelint.models.resources.holder_owners import owner_release
from tradelint.models.resources.owner_closes import closed_by_an_owner_of_family
from tradelint.models.resources.release_gaps import failing_use_before_close
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.yield_releases import released_after_yield
from tradelint.models.resources.unawaited_attribute import never_awaited_attributes
from tradelint.rules.self_doc import DOC
from tradelint.rules.self_texts import lent_unawaited as _lent, never_closed_text as _text
from tradelint.rules.unreached_texts import unreached_release_reports


class ResourceOnSelfNeverClosed(Rule):
    __doc__ = DOC  # the shapes and their examples: :mod:`tradelint.rules.self_doc`

    code = "TRD202"
    triggers = trigger_words.RESOURCE_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.resource_config_words(config)
    name = "resource-on-self-never-closed"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        judged = {id(v.creation.stmt) for v in resource_analysis(ctx).verdicts}
        for cls in ctx.module.index.classes:
            for opening, attr in opened_then_failing(ctx.module, cls):
                if id(opening) in judged:
                    continue  # made there as a known resource: its own verdict says it
                yield Report(
                    opening,
                    fit("`self.{name}` is left open when `__aenter__()` fails after opening it; close it there before re-raising",
                        name=attr),
                    None,
                    fit_help("`__aexit__()` closes it, but runs only once `__aenter__()` has returned"),
                )
        for kept in kept_processes(ctx.module):
            yield Report(kept.stmt, fit("`self.{name}` (`{label}(...)`) is never killed or waited for; end it in `{release}()`",
                                        name=kept.attr, label=kept.label, release=owner_release(ctx.module, kept.cls, ctx.config.shutdown_methods) or "close"),
                         None, fit_help("A child process runs on until it exits or is killed: `{cls}` ended leaves it running "
                                        "with its pipes open", cls=kept.cls.name))
        for kept_object in never_awaited_attributes(ctx):
            if id(kept_object.store) not in judged:
                # A first-party object whose only release is never awaited (TRD205 reports the call).
                yield Report(kept_object.store,
                             fit("`self.{name}` (`{label}(...)`) is never closed: its `{close}()` is never awaited",
                                 name=kept_object.attr, label=kept_object.label, close=kept_object.method),
                             None, fit_help("`{close}()` is a coroutine function: the call at line {line} only creates a coroutine",
                                            close=kept_object.method, line=str(kept_object.release.lineno)))
        yield from unreached_release_reports(ctx)
        for opening, made, generator, release in released_after_yield(ctx.module, resource_analysis(ctx).creations):
            yield Report(
                opening,
                fit("`self.{name}` opened here for `{generator}()`'s block is left open when the block raises; "
                    "release it in a `finally`", name=made.name, generator=generator.name),
                None,
                fit_help("An error in the `async with` body is raised at the `yield`: the `{release}()` after it never runs",
                         release=release),
            )
        for verdict in resource_analysis(ctx).verdicts:
            if verdict.problem not in (
                "self_never_closed", "self_replaced", "self_dropped", "elements_never_closed", "self_closed_at_stop_only",
                "self_remade_at_release", "key_never_closed", "key_close_not_awaited", "self_leaks_when_enter_fails",
                "self_cancel_skips_close", "element_dropped", "element_replaced", "self_closed_after_own_use",
                "self_closed_on_one_outcome", "self_holder_left_open", "self_holder_release_leaves", "self_flag_reset_open",
                "self_replaced_again", "self_kept_before_handoff",
            ):
                continue
            c = verdict.creation
            assert c.cls is not None and c.function is not None
            if verdict.problem == "self_holder_left_open":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` holds a `self.{held}` that nothing closes, and `{release}()` cannot end it; "
                        "give `{label}` a `close()` that closes it and call it from `{release}()`",
                        name=c.name, held=c.spec.holds, release=owner_release(ctx.module, c.cls, ctx.config.shutdown_methods) or "close", label=c.label),
                    None,
                    fit_help("`{label}` makes its own `self.{held}` and has no release: each `{cls}` ended leaks it",
                             label=c.label, held=c.spec.holds, cls=c.cls.name),
                )
                continue
            if verdict.problem == "self_holder_release_leaves":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` holds a `self.{held}` that its `{release}()` leaves open after `{method}()`; "
                        "close it in `{label}.{release}()`",
                        name=c.name, held=c.spec.holds, release=c.spec.leaves[0], method=c.spec.leaves[1], label=c.label),
                    None,
                    fit_help("`{label}` closes its `self.{held}` only in some of its methods: each `{cls}` ended after "
                             "`{method}()` leaks it", label=c.label, held=c.spec.holds, cls=c.cls.name, method=c.spec.leaves[1]),
                )
                continue
            if verdict.problem == "self_leaks_when_enter_fails":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` leaks when `__aenter__()` fails after making it; close it there before re-raising",
                        name=c.name),
                    None,
                    fit_help("`__aexit__()` runs only once `__aenter__()` has returned: an error after `{function}()` "
                             "leaves the `{label}` open", function=c.function.name, label=c.label),
                )
                continue
            if verdict.problem == "self_cancel_skips_close":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is closed on an error in `{function}()` but not on a cancellation; "
                        "catch `BaseException` there", name=c.name, function=c.function.name),
                    None,
                    fit_help("`CancelledError` is no `Exception`: a task cancelled there leaves the `{label}` "
                             "half-open on `self`", label=c.label),
                )
                continue
            if verdict.problem == "self_closed_after_own_use":
                gap = failing_use_before_close(ctx.module, c)
                assert gap is not None
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is closed in `{method}()` only after `await self.{use}()`, which raises once it "
                        "is broken; close it in a `finally`" if gap[2] == "broken" else "`self.{name}` is closed in "
                        "`{method}()` only after `{use}`, which raises while `{unset}` is None; test it first",
                        name=c.name, method=gap[0], use=gap[1], unset=gap[1].rsplit(".", 1)[0]),
                    None,
                    fit_help("An error of the `{label}` itself leaves `{method}()` before the close: it stays open "
                             "when it most needs closing" if gap[2] == "broken" else "A `{cls}` closed before it started "
                             "leaves `{method}()` there: the `{label}` stays open", label=c.label, method=gap[0], cls=c.cls.name),
                )
                continue
            if verdict.problem == "self_kept_before_handoff":
                method, exit_line, handoff_line = verdict.detail.split("|")
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is left open when `{method}()` leaves at line {exit} before handing it on at line {handoff}; "
                        "close it on that way out", name=c.name, method=method, exit=exit_line, handoff=handoff_line),
                    None,
                    fit_help("The owner it is handed to ends it, but only once handed: on that way out it stays on `self`, "
                             "where no method of `{cls}` closes the `{label}`", cls=c.cls.name, label=c.label),
                )
                continue
            if verdict.problem == "key_close_not_awaited":
                # Closed only by calls never awaited: TRD205 reports them and adds the ``await``.
                yield Report(
                    c.stmt,
                    fit("`self[{key}]` is never closed: its `{close}()` is never awaited", key=repr(c.name), close=c.spec.close),
                    None,
                    fit_help("An un-awaited `{close}()` only creates a coroutine; the `{label}` stays open",
                             close=c.spec.close, label=c.label),
                )
                continue
            if verdict.problem == "key_never_closed":
                yield Report(
                    c.stmt,
                    fit("`self[{key}]` is never closed; close it where the `{cls}` ends", key=repr(c.name), cls=c.cls.name),
                    None,
                    fit_help("No code of the project calls `{close}()` on `[{key}]`: each `{cls}` leaks a `{label}`",
                             close=c.spec.close, key=repr(c.name), cls=c.cls.name, label=c.label),
                )
                continue
            if verdict.problem == "self_closed_on_one_outcome":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is closed in `{method}()` only on one outcome of an earlier step; close it on every path",
                        name=c.name, method=verdict.detail),
                    None,
                    fit_help("When that step fails, `{method}()` returns with the `{label}` open, and nothing else ends it",
                             method=verdict.detail, label=c.label),
                )
                continue
            if verdict.problem == "self_flag_reset_open":
                method, flag, start = verdict.detail.split("|")
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is left open when `{method}()` resets `self.{flag}` without closing it; "
                        "close it there", name=c.name, method=method, flag=flag),
                    None,
                    fit_help("The reset flag makes `{start}()` run again, which stores a new `{label}` over the open one: "
                             "it leaks", start=start, label=c.label),
                )
                continue
            if verdict.problem == "self_closed_at_stop_only":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is closed only at Home Assistant stop; also call `{method}()` on unload",
                        name=c.name, method=verdict.detail),
                    None,
                    fit_help("Only the stop listener calls `{method}()`: each reload of the entry leaks a `{label}`",
                             method=verdict.detail, label=c.label),
                )
                continue
            if verdict.problem == "element_dropped":
                yield Report(
                    c.stmt,
                    fit("`{function}()` takes this `{label}(...)` out of `self.{name}` unclosed; call its `{call}` first",
                        function=c.function.name, label=c.label, name=c.name, call=release_call(c.spec.close)),
                    None,
                    fit_help("Out of `self.{name}`, whose elements the `{cls}` closes, nothing holds it: it leaks",
                             name=c.name, cls=c.cls.name),
                )
                continue
            if verdict.problem == "element_replaced":
                yield Report(
                    c.stmt,
                    fit("`{function}()` stores this `{label}(...)` in `self.{name}` over one never closed; call the old one's "
                        "`{call}` first", function=c.function.name, label=c.label, name=c.name, call=release_call(c.spec.close)),
                    None,
                    fit_help("It read the old `{label}` from the same key, so the slot was full: replaced, it leaks",
                             label=c.label),
                )
                continue
            if verdict.problem == "self_replaced":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is replaced without closing the old one; call its `{call}` first",
                        name=c.name, call=release_call(c.spec.close)),
                    None,
                    fit_help("`{function}()` drops the previous `{label}(...)` unclosed: it leaks",
                             function=c.function.name, label=c.label),
                )
                continue
            if verdict.problem == "self_replaced_again":
                slot, again = verdict.detail.split("|", 1)
                yield Report(
                    c.stmt,
                    fit("`{function}()` stores a new `{label}(...)` in `self.{slot}` each time it runs without closing the "
                        "old one; close it first", function=c.function.name, label=c.label, slot=slot),
                    None,
                    fit_help("{again}: each run leaves the previous `{label}` open, and the class closes only the last",
                             again=again[0].upper() + again[1:], label=c.label),
                )
                continue
            if verdict.problem == "self_remade_at_release":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is made again in `{function}()` after its close; make it where it is used",
                        name=c.name, function=c.function.name),
                    None,
                    fit_help("After the last `{function}()` nothing closes this `{label}(...)`: it leaks",
                             function=c.function.name, label=c.label),
                )
                continue
            if verdict.problem == "self_dropped":
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is set to `None` in `{method}()` unclosed; call its `{call}` first",
                        name=c.name, method=verdict.detail or "", call=release_call(c.spec.close)),
                    None,
                    fit_help("The `{label}(...)` made in `{function}()` can no longer be reached, so it leaks",
                             label=c.label, function=c.function.name),
                )
                continue
            shutdown = release_method(ctx.module, c.cls, ctx.config.shutdown_methods)
            # A method found only because it releases something (``connect()`` releasing the
            # lock it took) and not proven the end of the object's life: neither named nor fixed.
            unproven = unproven_release(ctx.module, c.cls, ctx.config.shutdown_methods)
            if unproven is not None:
                shutdown = None
            # Without one, the method to add: the framework's teardown (a cog's ``cog_unload()``).
            add = framework_teardown(ctx.module, c.cls) or "close"
            if verdict.problem == "elements_never_closed":
                where = "in `{shutdown}()`" if shutdown else "in a `{add}()` method"
                yield Report(
                    c.stmt,
                    fit("`{label}(...)` items of `self.{name}` are never closed; close each " + where,
                        label=c.label, name=c.name, shutdown=shutdown or "", add=add),
                    None,
                    fit_help("No method of `{cls}` reaches what `{function}()` adds to it",
                             cls=c.cls.name, function=c.function.name),
                )
                continue
            if resource_analysis(ctx).closed_unawaited(c) or closed_by_an_owner_of_family(
                    ctx.module, c.cls, c.name, frozenset({c.spec.close, "close", "aclose"})):
                # Closed only by calls never awaited (here, or by its owner through it:
                # ``entry.runtime_data.coordinator.api.close()``), which create coroutines only.
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is never closed: its `{close}()` is never awaited", name=c.name, close=c.spec.close),
                    None,
                    fit_help("An un-awaited `{close}()` only creates a coroutine; the `{label}` stays open",
                             close=c.spec.close, label=c.label),
                )
                continue
            if (lost := closer_replaced(c.cls, c.name)) is not None:
                # Its close is in a ``def`` that a later ``def`` of the same name replaces.
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is never closed: the `{method}()` that closes it is replaced by a later `{method}()`",
                        name=c.name, method=lost),
                    None,
                    fit_help("Python keeps the last definition of a name in a class body: merge the two `{method}()` methods",
                             method=lost),
                )
                continue
            if (lost := closer_never_run(ctx.module, c.cls, c.name)) is not None:
                # Its close is in an ``async def`` called only without ``await`` (TRD205 adds it).
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is never closed: `{method}()` closes it but is never awaited", name=c.name, method=lost),
                    None,
                    fit_help("`{method}()` is a coroutine function and every call of it only creates a coroutine: the `{label}` stays open",
                             method=lost, label=c.label),
                )
                continue
            if closed_by_exit_never_entered(ctx.module, c.cls, c.name):
                # Its only close is in ``__aexit__``, and the project never enters an instance:
                # what ``__aenter__`` makes is never made either (tg_arbitrage's ``EtherscanClient``).
                if getattr(c.function, "name", None) == "__aenter__":
                    continue
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is never closed: only `__aexit__()` closes it, and no `async with` enters a `{cls}`",
                        name=c.name, cls=c.cls.name),
                    None,
                    fit_help("`__aexit__()` runs only when an instance is entered; close it where `{cls}` ends",
                             cls=c.cls.name),
                )
                continue
            if (hooked := exit_close_missed_by_hook(ctx.module, c.cls, c.name)) is not None:
                # Its only close is in ``__aexit__``; its framework ends it by its base's hook.
                yield Report(
                    c.stmt,
                    fit("`self.{name}` is never closed: only `__aexit__()` closes it, and `{hook}()`, which ends a `{base}`, never leads there",
                        name=c.name, hook=hooked[0], base=hooked[1]),
                    None,
                    fit_help("What ends a `{base}` awaits its `{hook}()` and enters no `async with`: close it in `{hook}()`, and call that from `__aexit__()`",
                             base=hooked[1], hook=hooked[0]),
                )
                continue
            awaited = "await " if c.spec.awaited else ""
            # ``self.s = session or ClientSession()`` may hold the caller's session, which
            # closing at shutdown would close under them: no fix.
            # So may a field whose default factory made it (``field(default_factory=ClientSession)``).
            fallback = isinstance(getattr(c.stmt, "value", None), (ast.BoolOp, ast.IfExp)) or ctx.module.parent(c.stmt) is c.cls
            # Lent to an object that keeps it (``Client(client_session=self.http)``), it may be
            # used by that object after the class's ``stop()``: no fix closes it there.
            # Made by a maker that returns, on other paths, a class with no such release: no fix.
            fix = None if fallback or verdict.repeat or c.spec.some_paths or _lent(ctx, c.cls, c.name) else shutdown_fix(
                ctx.module,
                c.cls,
                c.name,
                ctx.config.shutdown_methods,
                f"{awaited}{{x}}.{c.spec.close}({release_arguments(c.spec.close)})",
                f"Close `self.{c.name}` in `{{method}}()`",
                "safe",
            )
            text = _text(c.name, c.spec.close, shutdown, add, c.cls.name, c.label, c.function.name)
            yield Report(c.stmt, text.message, fix, fit_help("no fix: {reason}", reason=unproven) if unproven else text.help)

