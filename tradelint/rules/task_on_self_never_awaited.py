from __future__ import annotations

import ast
from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import Text, fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.facts.ownership import is_release_name
from tradelint.facts.uses import self_attribute_loads
from tradelint.models.tasks.enter_failures import left_when_enter_fails
from tradelint.models.tasks.late_cancels import cancelled_late
from tradelint.models.tasks.mid_life_ends import ended_mid_life
from tradelint.models.tasks.partial_ends import partial_kind
from tradelint.models.tasks.restarts import restarted_in
from tradelint.models.tasks.siblings import left_by_ender
from tradelint.models.tasks.fixes import no_fix_help, task_attribute_fix
from tradelint.models.tasks.shutdown import teardown_name
from tradelint.models.tasks.task_model import task_analysis
from tradelint.rules.task_self_doc import DOC


# A Home Assistant task kept that holds up its stop or startup: message, help ({waits}: loops, sleeps).
_HASS_TEXTS = {
    "hass_waits_self": ("`self.{name}` delays Home Assistant's stop; cancel it on `EVENT_HOMEASSISTANT_STOP`",
                        "`{cls}` starts it in `{function}()` and it {waits}; the stop removes no entity and unloads no entry"),
    "hass_waits_kept": ("`{name}` delays Home Assistant's stop; cancel it on `EVENT_HOMEASSISTANT_STOP`",
                        "`{cls}` keeps it there in `{function}()` and it {waits}; only an unload, a removal or a restart "
                        "ends it, and the stop runs none"),
    "hass_blocks_startup": ("`self.{name}` holds up Home Assistant's startup: its loop never ends; make it a background task",
                            "`{cls}.{function}()` runs while the integration sets up, and Home Assistant waits for the tasks "
                            "it tracks before its start is done; `hass.async_create_background_task()` makes one it does not wait for"),
}


class TaskOnSelfNeverAwaited(Rule):
    __doc__ = DOC  # the shapes and their examples: :mod:`tradelint.rules.task_self_doc`

    code = "TRD303"
    triggers = trigger_words.TASK_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.task_config_words(config)
    name = "task-on-self-never-awaited"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        reported: set[tuple[str, str]] = set()
        mid_life: set[tuple[str, str]] | None = None  # what ``ended_mid_life`` reports, asked once
        for site in task_analysis(ctx).sites:
            first = site.cls is not None and (site.cls.name, site.name) not in reported
            if site.cls is not None:
                reported.add((site.cls.name, site.name))
            if site.problem == "other_object":
                assert site.function is not None and site.cls is not None
                yield Report(
                    site.node,
                    fit("task in `{name}` is never cancelled or awaited; `{cls}` keeps it and nothing ends it",
                        name=site.name, cls=site.cls.name),
                    None,
                    fit_help(
                        "`{function}()` stores it there; end it in a close method of `{cls}` that its owner calls",
                        cls=site.cls.name,
                        function=site.function.name,
                    ),
                )
                continue
            if site.problem in _HASS_TEXTS:
                assert site.function is not None and site.cls is not None
                message, help_text = _HASS_TEXTS[site.problem]
                waits = "loops" if site.label == "loop" else "sleeps"
                yield Report(
                    site.node,
                    fit(message, name=site.name),
                    None,
                    fit_help(help_text.replace("{waits}", waits), cls=site.cls.name, function=site.function.name),
                )
                continue
            if site.problem not in ("self", "self_elements", "self_loop", "self_owner"):
                continue
            assert site.cls is not None and site.function is not None
            # A cog's is ``cog_unload()``, which discord.py calls at unload.
            shutdown = teardown_name(ctx.module, site.cls, ctx.config.shutdown_methods)
            if site.problem == "self_owner":
                where = "in `{shutdown}()`" if shutdown else "at teardown"
                yield Report(
                    site.node,
                    fit("tasks of `self.{name}` are never cancelled; call its `{ender}()` " + where,
                        name=site.name, ender=site.label, shutdown=shutdown or ""),
                    None,
                    fit_help(
                        "`{cls}` makes it in `{function}()`; what it schedules runs on after `{cls}` is done",
                        cls=site.cls.name,
                        function=site.function.name,
                    ),
                )
                continue
            if site.problem == "self_loop":
                # A discord.py ``Loop`` is not awaitable: it ends by ``cancel()`` or ``stop()``, in
                # the class's teardown, which for a cog is ``cog_unload()``.
                where = "in `{shutdown}()`" if shutdown else "at teardown (`cog_unload()`)"
                yield Report(
                    site.node,
                    fit("loop `self.{name}` is started and never cancelled; cancel it " + where,
                        name=site.name, shutdown=shutdown or ""),
                    None,
                    fit_help(
                        "`{cls}` starts it in `{function}()`; it runs on after the cog is unloaded or reloaded",
                        cls=site.cls.name,
                        function=site.function.name,
                    ),
                )
                continue
            if site.problem == "self_elements":
                where = "in `{shutdown}()`" if shutdown else "in a shutdown method"
                end = task_analysis(ctx).framework_end(site.cls)
                fix, reason = (None, "") if end else task_attribute_fix(ctx, site)
                unreached = _ended_elsewhere(ctx, site.cls, site.name, True)
                part = partial_kind(ctx.module, site.cls, site.name, unreached[0]) if unreached and not end else None
                if part and first:
                    if mid_life is None:
                        mid_life = {(mid.cls.name, mid.name) for mid in ended_mid_life(ctx.module)}
                    if (site.cls.name, site.name) in mid_life:
                        reported.discard((site.cls.name, site.name))
                        continue  # told below, with the other tasks that end leaves them beside
                yield Report(
                    site.node,
                    _unreached_message("tasks in `self.{name}` are", site.name, end, unreached) if end and unreached else fit(
                        "tasks in `self.{name}` are ended " + part + " in `{method}()`; end every one " + where,
                        name=site.name, method=unreached[0], shutdown=shutdown or "",
                    ) if part and unreached else fit(
                        "tasks in `self.{name}` are cancelled only to start them again, in `{restart}()`; end each one " + where,
                        name=site.name, restart=restart, shutdown=shutdown or "",
                    ) if (restart := restarted_in(ctx.module, site.cls, site.name, True)) else fit(
                        "tasks in `self.{name}` are never cancelled or awaited; end each one " + where,
                        name=site.name,
                        shutdown=shutdown or "",
                    ),
                    fix,
                    no_fix_help(reason) if reason else fit_help(
                        "`{cls}` adds them in `{function}()`; at loop close they are destroyed while pending",
                        cls=site.cls.name,
                        function=site.function.name,
                    ),
                )
                continue
            end = task_analysis(ctx).framework_end(site.cls)
            if end is not None:
                # Home Assistant ends the owner at the config entry's unload or the entity's
                # removal: no fix, the method that cancels it may need calling from there.
                text = _framework_text(site.name, end, site.cls.name, site.function.name)
                unreached = _ended_elsewhere(ctx, site.cls, site.name, False)
                message = _unreached_message("`self.{name}` is", site.name, end, unreached) if unreached else text.message
                yield Report(site.node, message, None, text.help)
                continue
            fix, reason = task_attribute_fix(ctx, site) if site.fixable else (None, "")
            text = _text(site.name, shutdown, site.cls.name, site.function.name, _cancelled_in_del(site.cls, site.name),
                         restarted_in(ctx.module, site.cls, site.name, False))
            yield Report(site.node, text.message, fix, no_fix_help(reason) if reason else text.help)
        for late in cancelled_late(ctx.module):
            if (late.cls.name, late.name) not in reported:
                reported.add((late.cls.name, late.name))
                yield Report(
                    late.stmt,
                    fit("`self.{name}` is cancelled only after `await {release}()` in `{ender}()`; cancel it first",
                        name=late.name, ender=late.ender, release=late.release),
                    None,
                    fit_help("When `{release}()` raises or is cancelled, `{ender}()` skips the cancel and the task runs on; cancel first or in a `finally`",
                             release=late.release, ender=late.ender),
                )
        for left in left_by_ender(ctx.module):
            if (left.cls.name, left.name) not in reported:
                yield Report(
                    left.stmt,
                    fit("`self.{name}` is left running by `{ender}()`, which ends the other tasks of `{cls}`; end it there",
                        name=left.name, ender=left.ender, cls=left.cls.name),
                    None,
                    fit_help("`{ender}()` is where `{cls}` ends its background work; this task runs on after it",
                             ender=left.ender, cls=left.cls.name),
                )
                reported.add((left.cls.name, left.name))
        for left_open in left_when_enter_fails(ctx.module):
            if (left_open.cls.name, left_open.path) not in reported:
                reported.add((left_open.cls.name, left_open.path))
                yield Report(
                    left_open.stmt,
                    fit("`self.{path}` is left running when `__aenter__()` fails after starting it; `__aexit__()`, which ends it, never runs then",
                        path=left_open.path),
                    None,
                    fit_help("`{maker}()` starts it and can raise or be cancelled after; cancel it there in a `finally` or `except BaseException` that re-raises",
                             maker=left_open.maker),
                )
        for mid in ended_mid_life(ctx.module):
            if (mid.cls.name, mid.name) not in reported:
                reported.add((mid.cls.name, mid.name))
                end = ("the `finally` of `{end}()`" if mid.in_finally else "`{end}()`")
                yield Report(
                    mid.stmt,
                    fit(("tasks in `self.{name}` are" if mid.elements else "`self.{name}` is")
                        + " cancelled only mid-life, in `{ender}()`; " + end + ", which ends the other tasks of `{cls}`, leaves "
                        + ("them" if mid.elements else "it") + " running",
                        name=mid.name, ender=mid.enders[0], end=mid.end, cls=mid.cls.name),
                    None,
                    fit_help("End it also in " + end + ": when that runs while the task is in flight, the task runs on",
                             end=mid.end),
                )


def _text(name: str, shutdown: str | None, cls: str, function: str, in_del: bool = False, restart: str | None = None) -> Text:
    """``shutdown``: the class's own release method, where the task belongs, if it has one;
    ``in_del``: only ``__del__`` cancels it, which cannot run while the task holds the object;
    ``restart``: the method that cancels it only to start it again (``models.tasks.restarts``)."""
    advice = "cancel it in `{shutdown}()`" if shutdown else "add a shutdown method that cancels and awaits it"
    state = (
        "is cancelled only in `__del__()`, which cannot run while the task holds `self`" if in_del
        else "is cancelled only to start it again, in `{restart}()`" if restart
        else "is never cancelled or awaited"
    )
    return Text(
        fit("`self.{name}` " + state + "; " + advice, name=name, shutdown=shutdown or "", restart=restart or ""),
        fit_help(
            "`{cls}` starts it in `{function}()`; at loop close it is destroyed while pending",
            cls=cls,
            function=function,
        ),
    )


def _framework_text(name: str, end: str, cls: str, function: str) -> Text:
    """A Home Assistant class's task: ``end`` is where the framework ends its owner."""
    when = "at entity removal" if end == "async_will_remove_from_hass" else "at entry unload"
    return Text(
        fit("`self.{name}` is not cancelled " + when + "; cancel it from `{end}()`", name=name, end=end),
        fit_help(
            "`{cls}` starts it in `{function}()`; it runs on after each unload or reload",
            cls=cls,
            function=function,
        ),
    )


def _ended_elsewhere(ctx: FileContext, cls: ast.ClassDef, name: str, elements: bool) -> tuple[str, str] | None:
    """Where the class itself ends the task, though nothing the unload runs reaches it: the
    method and how (``("stop", "cancelled")``), a release method first; None when nothing does."""
    ending = task_analysis(ctx).ending_methods(cls, name, elements)
    if not ending:
        return None
    method = next((m for m in ending if is_release_name(m)), next(iter(ending)))
    return method, ending[method]


def _unreached_message(subject: str, name: str, end: str, unreached: tuple[str, str]) -> str:
    """The task is ended by a method of its class that the framework's end does not run."""
    runs = "the entity's removal" if end == "async_will_remove_from_hass" else "the entry's unload"
    return fit(subject + " {how} in `{method}()`, but nothing " + runs + " runs calls it",
               name=name, how=unreached[1], method=unreached[0])


def _cancelled_in_del(cls: ast.ClassDef, name: str) -> bool:
    """The class's ``__del__`` reads ``self.<name>`` (to cancel it): the finding says why that
    is no end (``TaskUses`` left it out because the task holds the object)."""
    loads = {id(node) for node in self_attribute_loads(cls, name)}
    return any(
        isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name == "__del__"
        and any(id(node) in loads for node in ast.walk(method))
        for method in cls.body
    )
