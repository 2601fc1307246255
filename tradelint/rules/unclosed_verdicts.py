"""TRD201's reports of the resource model's verdicts (moved out of :mod:`.unclosed_async_resource`,
whose class is mostly its documentation): the text of each problem, the message of a close never
awaited or of a resource lent to what outlives the function, and the ``async with`` fix."""

from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core.messages import fit
from tradelint.core.registry import Report
from tradelint.facts.file_context import FileContext
from tradelint.facts.syntax import statement_block
from tradelint.facts.uses import classify, name_loads, sequential
from tradelint.models.resources.fixes import async_with_fix
from tradelint.models.resources.outliving import kept_beyond
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.resource_types import Creation
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
        if verdict.problem in ("never_closed", "not_in_finally") and c.kind == "local" and c.function is not None:
            # ``self.api = Api(session)``: lent to what outlives the function, where it must
            # be closed; ``async with`` here would close it under that holder. So also where the
            # function closes it only on a way that never stores it (``if not info: await
            # ws.close(); return`` before ``self.peers[key] = Peer(ws)``): the stored one is the
            # holder's to end, and no close of the function runs after the store.
            holder = kept_beyond(ctx.module, c.function, c.name)
            if holder is not None and (verdict.problem == "never_closed" or not _closed_after(ctx, c, holder)):
                yield Report(c.stmt, fit("`{name}` lives on in `{holder}` after the function, never closed; close it where that ends",
                                         name=c.name, label=c.label, holder=ast.unparse(holder)), None, _text_kept(c))
                continue
        if c.function is not None and _fix_offered(ctx, verdict.problem, c):
            fix = async_with_fix(ctx.module, c.function, c.stmt, c.name, c.label)
        yield Report(c.stmt, text.message, fix, text.help)


def _closed_after(ctx: FileContext, c: Creation, holder: ast.expr) -> bool:
    """Whether the function ends the local ``c`` itself though it keeps it in ``holder``: a close
    of it runs after the statement that keeps it on one path, or is no early return's (one in a
    handler, a close before an error is raised: those closes are about the failures before the
    store, which the verdict's own message names)."""
    store = next((a for a in ctx.module.ancestors(holder) if isinstance(a, ast.stmt)), None)
    if store is None:
        return True
    analysis = resource_analysis(ctx)
    assert c.function is not None
    closes = [
        load for load in name_loads(c.function, c.name)
        if (use := classify(ctx.module, load)).kind in ("method", "attribute") and analysis.closes(use, c.spec)
    ]
    return not closes or any(
        (load.lineno > (store.end_lineno or store.lineno) and sequential(ctx.module, store, load))
        or not _before_a_return(ctx, c.function, load)
        for load in closes
    )


def _before_a_return(ctx: FileContext, function: ast.AST, load: ast.expr) -> bool:
    """``load`` is in a block that ends in a ``return`` (``await ws.close(); return``), under no
    handler of an error."""
    node: ast.AST = load
    while (parent := ctx.module.parent(node)) is not None and parent is not function:
        if isinstance(parent, ast.ExceptHandler):
            return False
        if isinstance(node, ast.stmt) and (block := statement_block(parent, node)) is not None:
            return isinstance(block[-1], ast.Return)
        node = parent
    return False
