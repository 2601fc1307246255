"""Check a fixed file as a program, not as text, before it is written or shown by ``--diff``.

A fix passes when the fixed module

1. compiles (``compile()``, which also catches a ``from __future__`` import that is no longer at
   the top, a ``return`` outside a function, ...), unless the original did not compile either;
2. has no runtime-unbound name that the original did not have (:func:`unbound_names`);
3. keeps its module docstring, ``from __future__`` imports, shebang and coding cookie first;
4. has no added or changed line over the project's line length that was not over it before
   (:func:`line_limit`: ruff, black or flake8 configuration; 88 when there is none).

:func:`check_fix` returns the first failure as one line ("<check> check failed: <why>"), or None.
Checks 1 and 3 are written here; 2 is in ``unbound_names.py``, 4 in ``line_length.py``.
"""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path
from typing import Callable, Sequence

from tradelint.core import interrupts
from tradelint.core.fix_plan import Edit
from tradelint.fixes.line_length import _length_problem, length_offenders, line_limit
from tradelint.fixes.unbound_names import _name_problem

Apply = Callable[[str, "list[Edit]", ast.Module], "tuple[str, ast.Module]"]


def apply_checked(
    before: str, fixes: Sequence[tuple[Edit, ...]], tree: ast.Module, path: Path, apply: Apply
) -> tuple[str, ast.Module, list[tuple[tuple[Edit, ...], str]]]:
    """Apply ``fixes`` (each fix's edits on ``path``) to ``before`` and check the result.

    Returns the text to keep, its tree, and the fixes refused with why. When the fixes together
    fail a check, the lines the length check finds too long are first traced back to the one fix
    whose statement each comes from, and those fixes are refused (a file with many calls near the
    limit loses only those); whatever still fails is found by halving: the first half is tried
    with the ones kept so far, then the second, and a half that fails is halved again down to one
    fix, which is refused. One fix that makes a line too long must not cost the file its other
    fixes, two that pass alone but collide together (two inserted names, two renames on one line)
    keep the first, and a file with n fixes is applied and checked a few times plus about
    2k log2(n) times for k fixes not traced, not n times (a one-at-a-time fallback made a
    2,000-finding file with one over-long fix take minutes, to check as well as to fix).
    ``apply`` raises as the fixer's own does (the caller handles it)."""
    after, after_tree = apply(before, [e for fix in fixes for e in fix], tree)
    problem = None if after == before else check_fix(before, after, tree, after_tree, path)
    if problem is None:
        return after, after_tree, []
    if len(fixes) == 1:
        return before, tree, [(fixes[0], problem)]
    order = {fix: i for i, fix in reversed(list(enumerate(fixes)))}
    refused: list[tuple[tuple[Edit, ...], str]] = []
    for _ in range(BLAME_ROUNDS):
        blamed = _blame(before, after, problem, fixes, path)
        if not blamed:
            break
        refused += blamed.items()
        fixes = [fix for fix in fixes if fix not in blamed]
        if not fixes:
            return before, tree, sorted(refused, key=lambda r: order[r[0]])
        try:
            after, after_tree = apply(before, [e for fix in fixes for e in fix], tree)
        except Exception:  # halving below finds the fix that libcst refuses
            interrupts.raise_if_received()
            break
        problem = None if after == before else check_fix(before, after, tree, after_tree, path)
        if problem is None:
            return after, after_tree, sorted(refused, key=lambda r: order[r[0]])
    kept: list[tuple[Edit, ...]] = []
    text, text_tree = before, tree
    # Each entry: fixes still to settle, and the problem they are known to cause with ``kept``
    # (None: not tried yet). Halves are pushed second-half first, so they settle in order.
    pending: list[tuple[Sequence[tuple[Edit, ...]], str | None]] = [
        (fixes[len(fixes) // 2 :], None),
        (fixes[: len(fixes) // 2], None),
    ]
    while pending:
        chunk, known = pending.pop()
        own = known
        if own is None:
            try:
                candidate, candidate_tree = apply(before, [e for f in (*kept, *chunk) for e in f], tree)
            except Exception as exc:  # together they applied: here, refuse it as the fixer would
                interrupts.raise_if_received()
                own = f"{exc}"
            else:
                own = None if candidate == before else check_fix(before, candidate, tree, candidate_tree, path)
                if own is None:
                    kept.extend(chunk)
                    text, text_tree = candidate, candidate_tree
                    continue
        if len(chunk) == 1:
            refused.append((chunk[0], own))
            continue
        pending.append((chunk[len(chunk) // 2 :], None))
        pending.append((chunk[: len(chunk) // 2], None))
    return text, text_tree, sorted(refused, key=lambda r: order[r[0]])


# Tracing too-long lines to their fixes is tried this many times before halving takes over (a
# fix refused may leave a neighbour's line too long only once it is gone).
BLAME_ROUNDS = 3


def _blame(
    before: str, after: str, problem: str, fixes: Sequence[tuple[Edit, ...]], path: Path
) -> dict[tuple[Edit, ...], str]:
    """The fixes that made a line of ``after`` too long, each with its line's problem: a line is
    blamed on a fix only when it comes from lines of ``before`` that exactly one fix edits."""
    if not problem.startswith("line-length check failed"):
        return {}
    by_line: dict[int, list[int]] = {}
    for i, fix in enumerate(fixes):
        spans = [e.span for e in fix]
        if spans:
            for line in range(min(s.line for s in spans), max(s.end_line for s in spans) + 1):
                by_line.setdefault(line, []).append(i)
    blamed: dict[tuple[Edit, ...], str] = {}
    for message, first, last in length_offenders(before, after, line_limit(path.parent)):
        if last - first > MAX_BLAMED_LINES:
            continue
        owners = {i for line in range(first, last + 1) for i in by_line.get(line, ())}
        if len(owners) == 1:
            blamed.setdefault(fixes[owners.pop()], message)
    return blamed


MAX_BLAMED_LINES = 50


def check_fix(before: str, after: str, before_tree: ast.Module, after_tree: ast.Module, path: Path) -> str | None:
    """Why the fixed text ``after`` of ``path`` must not be written, or None when it may be."""
    problem = _compile_problem(before, after, str(path))
    if problem is None:
        problem = _header_problem(before, after, before_tree, after_tree)
    if problem is None:
        problem = _name_problem(before_tree, after_tree)
    if problem is None:
        problem = _length_problem(before, after, line_limit(path.parent))
    return problem


# --- 1. compile -------------------------------------------------------------------------------


def _compile_error(text: str, filename: str) -> str | None:
    try:
        with warnings.catch_warnings():  # SyntaxWarnings describe the checked code, not us
            warnings.simplefilter("ignore")
            compile(text, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{exc.msg} (line {exc.lineno})"
    except (ValueError, RecursionError, MemoryError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _compile_problem(before: str, after: str, filename: str) -> str | None:
    error = _compile_error(after, filename)
    if error is None or _compile_error(before, filename) is not None:
        return None
    return f"compile check failed: the fixed file does not compile: {error}"


# --- 3. docstring, __future__ imports, shebang and coding cookie first -------------------------


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_future(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"


def _header(tree: ast.Module) -> tuple[bool, list[str]]:
    """Whether the module has a docstring, and the dumps of the ``__future__`` imports after it."""
    body = tree.body
    docstring = bool(body) and _is_docstring(body[0])
    futures = []
    for stmt in body[1:] if docstring else body:
        if not _is_future(stmt):
            break
        futures.append(ast.dump(stmt))
    return docstring, futures


_MAGIC_COMMENT = re.compile(r"#!|#.*coding[:=]")


def _header_problem(before: str, after: str, before_tree: ast.Module, after_tree: ast.Module) -> str | None:
    docstring, futures = _header(before_tree)
    after_docstring, after_futures = _header(after_tree)
    if docstring and (not after_docstring or ast.dump(before_tree.body[0]) != ast.dump(after_tree.body[0])):
        return "header check failed: the module docstring would no longer be the first statement"
    if after_futures[: len(futures)] != futures:
        return "header check failed: the `from __future__` imports would no longer come first"
    old_lines, new_lines = before.splitlines()[:2], after.splitlines()[:2]
    for index, line in enumerate(old_lines):
        if _MAGIC_COMMENT.match(line) and (index >= len(new_lines) or new_lines[index] != line):
            return f"header check failed: line {index + 1} ({line.strip()}) would move"
    return None
