"""TRD201's fix, built at detection time: a local resource closed on every path by ``async with``.
Decisions live here (is the fix available? is it safe?), so the codemods only locate and rewrite."""

from __future__ import annotations

import ast

from tradelint.core.fix_plan import EditSpec, FixSpec
from tradelint.facts.context import ModuleInfo
from tradelint.facts.library_ownership import absent_library_function
from tradelint.facts.uses import declares_outer, name_loads, name_stores
from tradelint.models.resources.creation_shapes import through_wrapper
from tradelint.models.resources.method_stores import kept_unreleased_by_method


def _block_of(module: ModuleInfo, stmt: ast.stmt) -> tuple[list[ast.stmt], dict[int, int]] | None:
    """The block holding ``stmt`` and each of its statements' index by ``id`` (``_positions``,
    built once per block: every resource of a block asks, and a walk of the block for each made
    N sessions of one block cost N^2)."""
    parent = module.parent(stmt)
    for field_name in ("body", "orelse", "finalbody"):
        block = getattr(parent, field_name, None)
        if isinstance(block, list) and block:
            positions = _block_positions(module, block)
            if positions.get(id(stmt)) is not None and block[positions[id(stmt)]] is stmt:
                return block, positions
    return None


def _block_positions(module: ModuleInfo, block: list[ast.stmt]) -> dict[int, int]:
    memo = module.project.class_memo
    key = ("block-positions", id(block))
    kept = memo.get(key)
    if kept is None or kept[0] is not block:  # the block held, so its id names only it
        kept = memo[key] = (block, _positions(block))
    return kept[1]


class _Later:
    """The statements of a block after ``start - 1``, as ``block[start:]`` with
    ``_positions`` of it would give them, without copying the block."""

    def __init__(self, block: list[ast.stmt], positions: dict[int, int], start: int) -> None:
        self.block, self.positions, self.start = block, positions, start

    def __getitem__(self, index: int) -> ast.stmt:
        return self.block[self.start + index]

    def get(self, key: int) -> int | None:
        index = self.positions.get(key)
        return None if index is None or index < self.start else index - self.start


def async_with_fix(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    assign: ast.AST,
    name: str,
    ctor: str,
) -> FixSpec | None:
    """``s = X(...)`` + uses + ``await s.close()`` -> ``async with X(...) as s:`` + uses.

    Only when every use of ``s`` is in later statements of the same block, ``s`` is bound once,
    and the only closes are top-level ``await s.close()`` statements of that block."""
    if not isinstance(function, ast.AsyncFunctionDef) or not isinstance(assign, ast.Assign):
        return None
    found = _block_of(module, assign)
    if found is None or declares_outer(function, name) or through_wrapper(module, assign.value):
        return None  # (``await asyncio.wait_for(connect(url), 10)`` cannot be entered as it is)
    block, in_block = found
    later = positions = _Later(block, in_block, in_block[id(assign)] + 1)
    owners: list[int] = []
    closes: list[int] = []
    for load in name_loads(function, name):
        owner = _statement_in(module, load, positions)
        if owner is None:
            return None
        if _is_top_level_close(later[owner], name):
            closes.append(owner)  # removed by the fix, so the block must reach it
            continue
        if _close_call_inside(load, module, name):
            return None  # a nested close (in an ``if``/``try``): leave the structure to a human
        call = module.parent(load)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "setattr":
            return None  # stored on another object, which would keep a closed session
        if isinstance(call, ast.keyword):
            call = module.parent(call)
        if isinstance(call, ast.Call) and kept_unreleased_by_method(module, call, load):
            return None  # ``api.set_session(s)``: ``api`` keeps it, and may use it after the block
        if isinstance(call, ast.Call) and not isinstance(module.parent(call), ast.Await):
            qualified = module.imports.qualify(call.func)
            if qualified is not None and absent_library_function(module, qualified):
                return None  # ``register(s)``: code not read, which may keep it past the block
        owners.append(owner)
    stores = name_stores(function, name)
    if len(stores) != 1 or not owners:
        return None
    if not closes and any(_escapes(module, load) for load in name_loads(function, name)):
        return None  # ``return s.get(url)``: awaited by the caller, after the block closed ``s``
    # What was taken from the session (``response = await s.get(url)``) must be used up inside
    # the block too: reading a response after its session closed fails ("Connection closed").
    derived = _derived_owners(module, function, later, positions, name, owners, closed=bool(closes))
    if derived is None:
        return None
    last = later[max(owners + closes + derived)]
    return FixSpec(
        f"Use `async with {ctor}(...) as {name}:`",
        "safe",
        (EditSpec("async_with", assign, (("name", name), ("last_line", str(last.lineno)))),),
    )


def _derived_owners(
    module: ModuleInfo,
    function: ast.AsyncFunctionDef,
    later: _Later,
    positions: _Later,
    name: str,
    owners: list[int],
    *,
    closed: bool,
) -> list[int] | None:
    """Statements of ``later`` that use a name bound from the session, directly or through
    another such name; None when such a value may outlive the block: used outside ``later``, or
    returned or yielded itself when the original never closed the session (a response handed
    to the caller worked then, and would be dead after the fix). When the original closed it,
    the caller already got the value after the close, so the block may end after the return."""
    found: list[int] = []
    seen = {name}
    pending = [later[i] for i in owners]
    assignments: list[ast.Assign | ast.AnnAssign | ast.AugAssign] = []
    while pending or assignments:
        if not assignments:
            # Assignments anywhere in the statement (``if op: resp = await op(url)``).
            assignments = [n for n in ast.walk(pending.pop()) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))]
            continue
        stmt = assignments.pop()
        if stmt.value is None:
            continue
        if not any(isinstance(n, ast.Name) and n.id in seen for n in ast.walk(stmt.value)):
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            for bound in ast.walk(target):
                if not isinstance(bound, ast.Name) or bound.id in seen:
                    continue
                seen.add(bound.id)
                for load in name_loads(function, bound.id):
                    owner = _statement_in(module, load, positions)
                    if owner is None or (not closed and _escapes(module, load)):
                        return None
                    found.append(owner)
                    pending.append(later[owner])
    return found


def _escapes(module: ModuleInfo, load: ast.Name) -> bool:
    """The value itself leaves the function (``return response``, ``yield resp, 1``), not
    something computed from it inside the block (``return resp.status``, ``await resp.read()``)."""
    current: ast.AST = load
    parent = module.parent(current)
    while True:
        if isinstance(parent, (ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Starred)):
            current, parent = parent, module.parent(parent)
        elif isinstance(parent, ast.Call) and parent.func is current:
            # ``return caller(url)`` with ``caller = getattr(s, "get")``: the request is made
            # after the function returns, on the session the fix would have closed.
            current, parent = parent, module.parent(parent)
        elif isinstance(parent, ast.Attribute) and isinstance(call := module.parent(parent), ast.Call) and call.func is parent:
            current, parent = call, module.parent(call)  # ``return s.get(url)``, not awaited here
        elif isinstance(parent, ast.keyword) and isinstance(call := module.parent(parent), ast.Call):
            current, parent = call, module.parent(call)  # ``return cls(session=s)``: kept by what is made
        elif isinstance(parent, ast.Call) and current in parent.args:
            current, parent = parent, module.parent(parent)  # ``return cls(key, s)``
        else:
            break
    return isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom))


def _positions(block: list[ast.stmt]) -> dict[int, int]:
    """Each statement's index in ``block``, by ``id``: built once per fix, not per question."""
    return {id(s): i for i, s in enumerate(block)}


def _statement_in(module: ModuleInfo, node: ast.AST, ids: _Later) -> int | None:
    """The index (in ``ids``: the statements after the resource's) of the statement holding
    ``node``. A statement of the block at or before the resource's holds it, or none does: no
    ancestor of a block's statement is in the block."""
    current: ast.AST | None = node
    while current is not None:
        if id(current) in ids.positions:
            return ids.get(id(current))
        current = module.parent(current)
    return None


def _is_top_level_close(stmt: ast.stmt, name: str) -> bool:
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Await)):
        return False
    call = stmt.value.value
    return (
        isinstance(call, ast.Call)
        and not call.args
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in ("close", "aclose")
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == name
    )


def _close_call_inside(load: ast.Name, module: ModuleInfo, name: str) -> bool:
    parent = module.parent(load)
    return isinstance(parent, ast.Attribute) and parent.attr in ("close", "aclose")
