"""Calls that await the awaitable they are given and return its result: ``asyncio.wait_for(fut,
timeout)`` and ``asyncio.shield(arg)``. What such a call gives, awaited, is what its argument
gives awaited; one reading for every model that looks through them (and :mod:`.runners`, the
calls that run the callable they are given)."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo

# Each pass-through call with the name of the parameter it awaits.
PASS_THROUGH = {
    "asyncio.wait_for": "fut",
    "asyncio.tasks.wait_for": "fut",
    "asyncio.shield": "arg",
    "asyncio.tasks.shield": "arg",
}


def passed_argument(module: ModuleInfo, call: ast.Call) -> ast.expr | None:
    """The awaitable a pass-through call awaits: its first positional argument, or the keyword of
    that parameter's own name (``fut`` of ``wait_for``, ``arg`` of ``shield``); None when ``call``
    is not one of :data:`PASS_THROUGH` (or its awaitable is unpacked, ``wait_for(*args)``)."""
    parameter = PASS_THROUGH.get(module.imports.qualify(call.func) or "")
    if parameter is None:
        return None
    if call.args:
        return None if isinstance(call.args[0], ast.Starred) else call.args[0]
    return next((k.value for k in call.keywords if k.arg == parameter), None)
