"""A close that only the program's own end can skip (TRD201, session 73).

A script's ``main()`` or a test ends the program (or the test) when it fails
(:func:`~tradelint.facts.framework_ends.goes_on_after_errors`): an error that skips a close there
is still a leak the report names (the connection outlives the error, and a tool's retry loop
around ``main()`` strands one each time). A cancellation is another thing: nothing cancels a
script's coroutine but the end of the program itself (Ctrl-C on ``asyncio.run(main())``), which
takes the connection with it. When every error of the way from the value to its close is caught
on the way, a cancellation is all that can skip the close, and nothing is reported:

```python
async def check():
    bybit = ccxtpro.bybit()
    try:
        funding = await bybit.fetch_funding_rate(symbol)   # an error is caught here and goes on
    except Exception as e:
        print(f"error: {e}")
    print(funding_summary)
    await bybit.close()                                     # reached on every error
```

Proven, not guessed: a close of the value runs on the way on (not in a handler, not in a
``try``'s ``else`` nor under a branch the value is not made in, not after a loop that makes a
value each turn); everything between the value and that close that may fail (an ``await``, an
``async for`` or ``async with``, an async comprehension, a call other than a ``print`` or a
logger's given plain names and counts of names, ``len(symbols)``, an ``assert``) is in the body of a ``try`` (inside the function,
not holding the close) one of whose handlers catches every ``Exception`` and none of which
raises or returns, or in one every handler of which closes the value, one catching every
error; or awaits a release of something else; and no ``return``, ``raise``, nor ``break`` or
``continue`` of a loop around the value lies between. In a program that goes on after the
function fails (a service's method, a handler, an integration), a cancellation of the function
is a leak and is reported as before."""

from __future__ import annotations

import ast
from collections.abc import Sequence

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import goes_on_after_errors, runs_at_top
from tradelint.facts.handlers import catches_every_error, stopped_before
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import COMPREHENSION_NODES, LOOP_NODES, own_nodes, walk
from tradelint.facts.uses import in_cleanup_block, only_reads_arguments
from tradelint.models.resources.resource_types import Creation

_LEAVES = (ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Assert)


def only_the_end_skips(module: ModuleInfo, c: Creation, close_nodes: list[ast.AST], others: Sequence[Creation] = ()) -> bool:
    """Whether ``c`` is closed on the way on in a function whose failure ends the program, and
    nothing between but a cancellation can skip that close. ``others``: the function's other
    creations; the making of a library's lazy resource from plain values among them opens nothing
    and fails for no reason the program meets (``bybit = ccxtpro.bybit(); binance =
    ccxtpro.binanceusdm()``)."""
    function = c.function
    if function is None or goes_on_after_errors(module, function, lifespans_end=False) and not runs_at_top(module):
        return False  # (a module running ``asyncio.run(check())`` at its top level is a script too)
    made = _ways(module, c.stmt, function)
    end = (getattr(c.stmt, "end_lineno", 0) or 0, getattr(c.stmt, "end_col_offset", 0) or 0)
    closes = set(map(id, close_nodes))
    plain = {id(o.call) for o in others if o is not c and o.function is function and _opens_nothing(module, o)}
    between = [n for n in own_nodes(function) if id(n) not in plain and _may_fail(module, n)]
    for close in close_nodes:
        statement = next((a for a in module.ancestors(close) if isinstance(a, ast.stmt)), None)
        if statement is None or in_cleanup_block(module, close, function) is not None:
            continue
        ways = _ways(module, statement, function)
        if any(ways.get(key) != way for key, way in made.items() if key in ways) or not set(ways) <= set(made):
            continue  # (under a branch, in a ``try``'s ``else`` or another block the value is not made in)
        if any(isinstance(node, LOOP_NODES) and id(node) not in ways for node in module.ancestors(c.stmt, function)):
            continue  # (made on each turn of a loop the close is after: the earlier ones stay open)
        start = (statement.lineno, statement.col_offset)
        if start > end and all(_caught(module, n, function, closes, c.stmt, close) for n in between if end < _at(n) < start):
            return True
    return False


def _opens_nothing(module: ModuleInfo, o: Creation) -> bool:
    """``ccxtpro.binanceusdm({"enableRateLimit": True})``: a library resource that opens only on
    its first use, made (not awaited) from constants, names and displays of them."""
    if o.spec.first_party or not o.spec.lazy or isinstance(module.parent(o.call), ast.Await):
        return False
    return all(
        isinstance(n, (ast.Constant, ast.Name, ast.Dict, ast.List, ast.Tuple, ast.JoinedStr, ast.FormattedValue, ast.expr_context))
        for a in (*o.call.args, *(k.value for k in o.call.keywords)) for n in ast.walk(a)
    )


def _at(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _ways(module: ModuleInfo, node: ast.AST, function: ast.AST) -> dict[int, str]:
    """For each statement around ``node`` in ``function``, the field of it ``node`` is in (an
    ``if``'s ``body`` or ``orelse``, a ``try``'s ``body``, ``orelse``, ``handlers``...)."""
    found: dict[int, str] = {}
    child: ast.AST = node
    for ancestor in module.ancestors(node, function):
        found[id(ancestor)] = next((f for f, v in ast.iter_fields(ancestor) if v is child or isinstance(v, list) and any(x is child for x in v)), "")
        child = ancestor
    return found


def _may_fail(module: ModuleInfo, node: ast.AST) -> bool:
    """What may raise, suspend or leave: an ``await``, an ``async for`` or ``async with``, an
    async comprehension, an exit, an ``assert``, a call (``print`` and a logger's aside, given
    names and constants only)."""
    if isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith, *_LEAVES)):
        return True
    if isinstance(node, COMPREHENSION_NODES):
        return any(g.is_async for g in node.generators)
    if not isinstance(node, ast.Call) or _counts_a_name(module, node):
        return False
    # ``print(f"rate = {rate:.6f}")`` reads names; ``print(r.status)`` may read one of ``None``;
    # ``print(f"{len(SYMBOLS)} symbols")`` counts a name, as the message's own reading of it.
    return not only_reads_arguments(module, node) or any(
        isinstance(n, (ast.Attribute, ast.Subscript, ast.Call)) and not _counts_a_name(module, n)
        for a in (*node.args, *(k.value for k in node.keywords)) for n in ast.walk(a))


def _counts_a_name(module: ModuleInfo, node: ast.AST) -> bool:
    """``len(symbols)``: the builtin ``len`` (not one the module binds) given one plain name."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and not node.keywords
            and len(node.args) == 1 and isinstance(node.args[0], ast.Name)
            and "len" not in module.imports.names and "len" not in module.top_level)


def _caught(module: ModuleInfo, node: ast.AST, function: ast.AST, closes: set[int], made: ast.AST, close: ast.AST) -> bool:
    """An error of ``node`` cannot skip ``close``, the close on the way on: it is caught on the
    way by a ``try`` that does not hold ``close`` and the function goes on, or caught by a
    ``try`` whose handlers all close the value (one of ``closes``), one of them catching every
    error; or ``node`` ends something else; or it is a ``break`` or ``continue`` of a loop inside
    the way (from the statement ``made`` that makes the value), not of one around it."""
    if isinstance(node, (ast.Break, ast.Continue)):
        loop = next((a for a in module.ancestors(node, function) if isinstance(a, LOOP_NODES)), None)
        return loop is not None and not any(a is loop for a in module.ancestors(made))
    if isinstance(node, ast.Return):
        return False
    call = node.value if isinstance(node, ast.Await) else node
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and is_release_name(call.func.attr) and not call.args:
        return True  # ``await other.close()`` first: ending something else
    if stopped_before(module, node, function, beyond=frozenset({id(close)})):
        return True
    child: ast.AST = node
    for ancestor in module.ancestors(node, function):
        if isinstance(ancestor, ast.Try) and any(s is child for s in ancestor.body) and any(map(catches_every_error, ancestor.handlers)) and all(
                any(id(n) in closes for n in walk(h)) for h in ancestor.handlers):
            return True
        child = ancestor
    return False
