from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.resources.child_processes import process_leaks
from tradelint.models.resources.driven_generators import unexhausted_generators
from tradelint.models.resources.narrow_handlers import narrow_releases
from tradelint.models.resources.own_closes import open_exits
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.rules.unclosed_texts import unawaited_release_reports, generator_report, narrow_release_report, open_exit_report as _open_exit_report, process_report as _process_report
from tradelint.rules.unclosed_doc import DOC
from tradelint.rules.unclosed_verdicts import verdict_reports


class UnclosedAsyncResource(Rule):
    __doc__ = DOC  # the shapes and their examples: :mod:`tradelint.rules.unclosed_doc`


    code = "TRD201"
    triggers = trigger_words.RESOURCE_WORDS

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.RELEASE_WORDS + trigger_words.resource_config_words(config)
    name = "unclosed-async-resource"
    incident = "002"
    fix_availability = "sometimes"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        reported: set[int] = set()
        for report in verdict_reports(ctx):
            reported.add(id(report.node))
            yield report
        yield from unawaited_release_reports(ctx, reported)  # (TRD205's releases: :mod:`.unclosed_texts`)
        # A value the function closes itself on one path, whatever its type, and another exit
        # leaves open; a known resource's creation is judged above.
        known = frozenset(id(c.stmt) for c in resource_analysis(ctx).creations)
        for left in (x for x in open_exits(ctx.module, known) if id(x.binding) not in reported):
            reported.add(id(left.binding))
            yield _open_exit_report(left)
        # Released in an ``except`` of some errors only: every other error leaves it open.
        model = resource_analysis(ctx).model
        for narrow in narrow_releases(ctx.module, frozenset(reported), lambda call, arg: model.keeps_and_releases(ctx.module, call, arg) is True):
            reported.add(id(narrow.binding))
            yield narrow_release_report(narrow)
        yield from map(_process_report, process_leaks(ctx.module))
        yield from map(generator_report, unexhausted_generators(ctx))  # (a coroutine's: preview, see driven_generators)
