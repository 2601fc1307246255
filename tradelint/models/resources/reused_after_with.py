"""A lazy client entered by an ``async with`` on one path and used again after the block.

``async with client:`` ends what the block opened: a lazy client (one that opens its session on
its first use, :attr:`ResourceSpec.lazy`) closes that session as the block exits, and opens a new
one at its next use. When the code goes on to use the same object after the block (hands it to a
coordinator, awaits its methods), the block was not the end of its life: the object is judged by
what comes after, as if the block were one more use (an integration's setup that migrates its
stored credentials inside ``async with client:``, then hands the client on for its whole life)."""

from __future__ import annotations

import ast
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import statement_block
from tradelint.facts.uses import name_loads, sequential


def used_after_block(module: ModuleInfo, function: ast.AST, node: ast.AST, name: str, releases: Callable[[ast.Name], bool]) -> bool:
    """``node`` (a load of ``name`` in a ``with`` item) enters a block after whose end the function
    reads ``name`` again on the same path, other than to release it."""
    item = module.parent(node)
    block = module.parent(item) if isinstance(item, ast.withitem) and item.context_expr is node else None
    if not isinstance(block, (ast.With, ast.AsyncWith)):
        return False
    end = getattr(block, "end_lineno", None) or block.lineno
    return any(
        load.lineno > end and sequential(module, block, load) and not releases(load) and not _left_before(module, function, block, load.lineno)
        for load in name_loads(function, name)
    )


def _left_before(module: ModuleInfo, function: ast.AST, block: ast.stmt, line: int) -> bool:
    """A ``return`` or ``raise`` follows ``block`` in a body that holds it, before ``line``: the
    path from the block never gets there (``async with stack: ...`` then ``return``)."""
    child: ast.AST = block
    for ancestor in module.ancestors(block):
        if (stmts := statement_block(ancestor, child)) is not None:
            after = stmts[next(i for i, s in enumerate(stmts) if s is child) + 1:]
            if any(isinstance(s, (ast.Return, ast.Raise)) and s.lineno < line for s in after):
                return True
        if ancestor is function:
            return False
        child = ancestor
    return False
