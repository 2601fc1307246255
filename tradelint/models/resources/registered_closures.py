"""A close written in a nested function that the creator hands, uncalled, to what runs it later:

    fetcher = Fetcher(url)
    await fetcher.open()

    async def _on_cleanup(app):
        await fetcher.close()

    app.on_cleanup.append(_on_cleanup)

The close does not run where it is written, nor when the creator returns: it runs when the
framework calls the function (an aiohttp cleanup signal, ``entry.async_on_unload(_close)``,
``stack.push_async_callback(_close)``). The registration is the hand-off, as it is for a bound
release handed on the same way (``entry.async_on_unload(client.close)``): what leaves before it
(an ``await`` that raises, an exit) leaks the resource, and nothing after it does. Read from the
creator's code only: the nested function is defined in the creator's own body, and every use of
its name there hands it, uncalled, to a call (aleph-im/pyaleph ``8c4520e6``: the fix that moved
two closes into the application's cleanup handler was read as two closes outside ``finally``)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import name_loads, name_stores
from tradelint.models.resources.statements import _handed_to


def registered_closure(module: ModuleInfo, function: ast.AST, node: ast.AST) -> ast.Name | None:
    """The first registration of the nested function of ``function`` that ``node`` is in: its
    name handed uncalled to a call (``app.on_cleanup.append(_on_cleanup)``); None when ``node``
    is not in such a function or the function is also used otherwise (called, stored)."""
    nested = next((a for a in module.ancestors(node, function) if isinstance(a, FUNCTION_NODES)), None)
    if nested is None or module.enclosing_function(nested) is not function or name_stores(function, nested.name):
        return None
    loads = sorted(name_loads(function, nested.name), key=lambda n: (n.lineno, n.col_offset))
    if not loads or any(_handed_to(module, load) is None for load in loads):
        return None  # (each load an argument of a call, by position or keyword: handed on uncalled)
    return loads[0]
