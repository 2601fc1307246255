"""Task wrappers called through the name of the module that defines them: ``from botcore.utils
import scheduling``, then ``scheduling.create_task(coro)``. The call is judged as the bare name
``create_task(coro)`` would be after ``from botcore.utils.scheduling import create_task``: the
function is found from the summaries, and whether it is a wrapper is asked of its body as for
any first-party function (python-discord/bot-core ``805c6043``)."""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from tradelint.facts.summaries import definition_of

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo
    from tradelint.facts.summary_data import Definition, ModuleSummary


def module_callee(
    module: ModuleInfo,
    func: ast.Attribute,
    memo: dict[tuple[ModuleInfo, str], str | tuple[ModuleSummary, Definition] | None],
) -> tuple[ModuleSummary, Definition] | None:
    """The first-party function ``module_name.function(...)`` calls when it can be a task
    wrapper: a function (not a class, not an ``async def``'s coroutine factory alone) of an
    imported first-party module that mentions tasks. ``memo`` holds the answer per module and
    dotted text (the analysis's memo of called names)."""
    value = func.value
    if not isinstance(value, ast.Name) or value.id not in module.imports.names:
        return None
    key = (module, f"{value.id}.{func.attr}")
    if key in memo:
        known = memo[key]
        return known if isinstance(known, tuple) else None
    qualified = module.imports.qualify(func)
    found: tuple[ModuleSummary, Definition] | None = None
    # Only a dotted name of a module outside the standard library can be first-party
    # (``asyncio.create_task`` is asyncio's own creator, judged as such before this is asked).
    if qualified is not None and "." in qualified and qualified.partition(".")[0] not in sys.stdlib_module_names:
        named = definition_of(module, func)
        if named is not None and named[1].kind == "function" and named[0].mentions_tasks:
            found = named
    memo[key] = found
    return found
