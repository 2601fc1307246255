"""TRD201's reports of the resource model's verdicts (moved out of :mod:`.unclosed_async_resource`,
whose class is mostly its documentation): the text of each problem, the message of a close never
awaited or of a resource lent to what outlives the function, and the ``async with`` fix."""

from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core.messages import fit
from tradelint.core.registry import Report
from tradelint.facts.file_context import FileContext
from tradelint.models.resources.fixes import async_with_fix
from tradelint.models.resources.outliving import kept_beyond
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.rules.unclosed_texts import fix_offered as _fix_offered, text_of as _text, text_kept as _text_kept


def verdict_reports(ctx: FileContext) -> Iterator[Report]:
    """TRD201's reports of the resource analysis's verdicts, each with its fix when one is offered."""
    for verdict in resource_analysis(ctx).verdicts:
        c = verdict.creation
        text = _text(verdict.problem, c, verdict.detail)
        if text is None:
            continue
        fix = None
        if verdict.problem == "never_closed" and resource_analysis(ctx).closed_unawaited(c):
            # Its close is never awaited (TRD205, which adds the ``await``).
            yield Report(c.stmt, fit("`{name}` (`{label}(...)`) is never closed: its `{close}()` is never awaited",
                                     name=c.name, label=c.label, close=c.spec.close), None, text.help)
            continue
        if verdict.problem == "never_closed" and c.kind == "local" and c.function is not None:
            # ``self.api = Api(session)``: lent to what outlives the function, where it must
            # be closed; ``async with`` here would close it under that holder.
            holder = kept_beyond(ctx.module, c.function, c.name)
            if holder is not None:
                yield Report(c.stmt, fit("`{name}` lives on in `{holder}` after the function, never closed; close it where that ends",
                                         name=c.name, label=c.label, holder=ast.unparse(holder)), None, _text_kept(c))
                continue
        if c.function is not None and _fix_offered(ctx, verdict.problem, c):
            fix = async_with_fix(ctx.module, c.function, c.stmt, c.name, c.label)
        yield Report(c.stmt, text.message, fix, text.help)
