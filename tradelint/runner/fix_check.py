"""Whether a finding's fix passes the fixer's own checks (:func:`verify.apply_checked`: it
applies, compiles, binds its names, keeps the header and the line length): only then is it
called fixable, by ``[*]``, the JSON ``fix``, SARIF fixes and the editor's code actions.

A check verifies the fixes of each file that has one, on the text it checked, all together
first (one libcst rewrite, the usual case), each alone only when together they fail; ``--fix``
does not verify twice: its passes are the verification (``fixer.py``), and only what it leaves
unapplied (unsafe fixes without ``--unsafe-fixes``) is verified here afterwards."""

from __future__ import annotations

import ast
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Any

from tradelint.core import interrupts
from tradelint.core.finding import Finding
from tradelint.core.fix_plan import Edit
from tradelint.facts.syntax import child_nodes, parse_module

# libcst nests what ``ast`` keeps flat (``a and b and ...``, implicit string concatenation): its
# native parser overflows the C stack and kills the process near 10,000 levels (measured with
# libcst 1.9), and its Python visitors raise RecursionError far sooner. Files deeper than this
# are not handed to libcst at all.
MAX_FIX_DEPTH = 1000


# Node types with a context or operator child (``Load()``, ``Add()``, ``[Eq()]``): leaves one level
# below them that ``child_nodes`` skips.
_WITH_LEAF_CHILD = frozenset(
    {ast.Attribute, ast.Subscript, ast.Starred, ast.Name, ast.List, ast.Tuple, ast.BinOp, ast.UnaryOp,
     ast.BoolOp, ast.AugAssign, ast.Compare}
)


def fix_depth(tree: ast.AST) -> int:
    """Nesting depth as libcst will build it: ``ast`` depth (as ``ast.iter_child_nodes`` counts it),
    plus one level per extra operand of a boolean operation and per extra string of an implicit
    concatenation (both nest in libcst)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(tree, 0)]
    pop, push = stack.pop, stack.append
    BoolOp, Constant = ast.BoolOp, ast.Constant
    while stack:
        node, depth = pop()
        kind = node.__class__
        if kind is BoolOp:
            depth += len(node.values)
        elif kind is Constant and isinstance(node.value, (str, bytes)):
            depth += getattr(node, "end_lineno", 0) - getattr(node, "lineno", 0)
        reach = depth + 1 if kind in _WITH_LEAF_CHILD else depth
        if reach > deepest:
            deepest = reach
        for child in child_nodes(node):
            push((child, depth + 1))
    return deepest


# The depth of the last tree asked: ``apply_checked`` applies many edit sets to one original.
# Held weakly: a checked file's tree must go with its file (tests/test_memory.py).
_last_depth: list[tuple[weakref.ref[ast.Module], int]] = []


def _depth_of(tree: ast.Module) -> int:
    if not (_last_depth and _last_depth[0][0]() is tree):
        _last_depth[:] = [(weakref.ref(tree), fix_depth(tree))]
    return _last_depth[0][1]


def _apply(before: str, edits: list[Edit], tree: ast.Module | None = None) -> tuple[str, ast.Module]:
    """Apply edits with libcst, refusing what libcst cannot take and anything that does not parse.

    ``tree`` is the ``ast`` of ``before`` when the check already has it. Returns the new text and
    its tree."""
    # Imported here: libcst (a quarter of the start-up time) is loaded by the first check that
    # has a fix to verify, never by a run that finds nothing to fix.
    from tradelint.fixes.codemods import CodemodError
    from tradelint.fixes.regions import apply_edits

    if tree is None:
        tree = parse_module(before)
    if _depth_of(tree) > MAX_FIX_DEPTH:
        raise CodemodError(f"nested more than {MAX_FIX_DEPTH} levels deep; libcst cannot rewrite it")
    try:
        after, _ = apply_edits(before, edits, tree)
    except RecursionError:
        raise CodemodError("nested too deeply for libcst to rewrite it") from None
    return after, parse_module(after)  # a fix never writes code that does not parse


def verified(findings: list[Finding], text: str, tree: ast.Module | None, path: Path) -> list[Finding]:
    """``findings`` with the fix of each kept only when it passes the checks; a fix that also
    rewrites another file (a TRD102 base class) is checked on this file's part only."""
    fixed = [f for f in findings if f.fix is not None]
    if not fixed:
        return findings
    key = str(path)
    fixes = list(dict.fromkeys(tuple(e for e in f.fix.edits if e.path == key) for f in fixed if f.fix is not None))
    fixes = [edits for edits in fixes if edits]
    refused: set[Edit] = set()
    if fixes:
        from tradelint.fixes.codemods import parses_reused
        from tradelint.fixes.verify import apply_checked

        try:
            with parses_reused():
                _, _, refusals = apply_checked(text, fixes, tree or parse_module(text), path, _apply)
            for edits, _problem in refusals:
                refused.update(edits)
        except Exception:  # the fixer refuses what cannot be applied: so does the check
            interrupts.raise_if_received()
            refused.update(e for edits in fixes for e in edits)
    if not refused:
        return findings
    return [
        replace(f, fix=None) if f.fix is not None and any(e in refused for e in f.fix.edits) else f
        for f in findings
    ]
