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
from dataclasses import dataclass
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

    Returns the text to keep, its tree, and the fixes refused with why. The fixes are applied
    together and the result checked once; only when it fails are the culprits looked for, with
    the answer of trying each fix in order with the ones kept before it (the first of two that
    collide is kept). Lines the length check finds too long are first traced back to the fixes
    whose statements each comes from (:func:`_settle_lengths`): a line one fix made too long
    refuses that fix, and the fixes that share one are tried one by one, the first kept and the
    rest held back until it has passed, all lines at once, so a file is applied a few times
    whatever its number of such lines. Whatever still fails (another check, a line that cannot be
    traced) is found by halving: the first half is tried with the ones kept so far, then the
    second, and a half that fails is halved again down to one fix, which is refused (about
    2k log2(n) applications for k fixes refused, not n: a one-at-a-time fallback made a
    2,000-finding file with one over-long fix take minutes, to check as well as to fix). Every
    text returned has passed every check. ``apply`` raises as the fixer's own does (the caller
    handles it)."""
    after, after_tree = apply(before, [e for fix in fixes for e in fix], tree)
    problem = None if after == before else check_fix(before, after, tree, after_tree, path)
    if problem is None:
        return after, after_tree, []
    if len(fixes) == 1:
        return before, tree, [(fixes[0], problem)]
    order = {fix: i for i, fix in reversed(list(enumerate(fixes)))}
    settled = _settle_lengths(before, tree, path, apply, list(fixes), after, after_tree, problem, order)
    if settled.passed is not None:
        after, after_tree = settled.passed
        return after, after_tree, sorted(settled.refused, key=lambda r: order[r[0]])
    refused = settled.refused
    fixes = settled.left
    if not fixes:
        return before, tree, sorted(refused, key=lambda r: order[r[0]])
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


# Rounds of tracing too-long lines to their fixes before halving takes over: a fix refused may
# leave a neighbour's line too long only once it is gone, and fixes sharing a line are tried one
# more per round (a line that three fixes edit needs four).
BLAME_ROUNDS = 6


@dataclass
class _Settled:
    refused: list[tuple[tuple[Edit, ...], str]]
    left: list[tuple[Edit, ...]]  # in order: for the halving, when ``passed`` is None
    passed: tuple[str, ast.Module] | None  # the text of the fixes not refused, when it passed


def _settle_lengths(
    before: str,
    tree: ast.Module,
    path: Path,
    apply: Apply,
    fixes: list[tuple[Edit, ...]],
    after: str,
    after_tree: ast.Module,
    problem: str | None,
    order: dict[tuple[Edit, ...], int],
) -> _Settled:
    """Trace the lines ``after`` (all ``fixes`` applied) makes too long to the fixes that edit
    the lines of ``before`` each comes from, giving the answer of trying each fix in order with
    the ones kept before it (when a line's length depends only on the fixes editing it; the text
    kept is checked whole either way). A fix passes when none of its lines is too long. A line too long
    with one applied fix that has not passed refuses that fix; a line with several makes them a
    queue (queues sharing a fix are joined): the first stays applied and the others are held
    back, and when the first is refused or passes, the next is applied. Stops when the text
    passes with nothing held (``passed``), or when a failure is not traced (another check, a
    line of no fix or only of fixes that passed): the fixes not refused are then ``left`` to the
    halving, with the refusals made so far."""
    refused: list[tuple[tuple[Edit, ...], str]] = []
    applied = list(fixes)
    queues: list[list[tuple[Edit, ...]]] = []  # each in order: its first applied, the rest held
    passed: set[tuple[Edit, ...]] = set()
    limit = line_limit(path.parent)
    for _ in range(BLAME_ROUNDS):
        offenders = []
        if problem is not None:
            if not problem.startswith("line-length check failed"):
                break
            offenders = length_offenders(before, after, limit)
            if not offenders:
                break
        blamed, formed, hit = _judge(offenders, applied, passed, order)
        if problem is not None and not blamed and not formed:
            break
        if hit is not None:  # every line traced: the fixes on none of them passed
            passed.update(fix for fix in applied if fix not in hit)
        refused += blamed.items()
        # A queue moves on when its first is refused or has passed; one left alone is just applied.
        undecided = ([f for f in q if f not in blamed and f not in passed] for q in _join([*queues, *formed], order))
        queues = [queue for queue in undecided if len(queue) > 1]
        done = {fix for fix, _ in refused}
        holding = {fix for queue in queues for fix in queue[1:]}
        applied = [fix for fix in fixes if fix not in done and fix not in holding]
        if not applied:
            return _Settled(refused, [], None)
        try:
            after, after_tree = apply(before, [e for fix in applied for e in fix], tree)
        except Exception:  # halving below finds the fix that libcst refuses
            interrupts.raise_if_received()
            break
        problem = None if after == before else check_fix(before, after, tree, after_tree, path)
        if problem is None and not queues:
            return _Settled(refused, applied, (after, after_tree))
    done = {fix for fix, _ in refused}
    return _Settled(refused, [fix for fix in fixes if fix not in done], None)


def _judge(
    offenders: list[tuple[str, int, int]],
    applied: list[tuple[Edit, ...]],
    passed: set[tuple[Edit, ...]],
    order: dict[tuple[Edit, ...], int],
) -> tuple[dict[tuple[Edit, ...], str], list[list[tuple[Edit, ...]]], set[tuple[Edit, ...]] | None]:
    """The fixes each too long line refuses (its one applied fix that has not passed), the queues
    it makes (its several), and the fixes on them all (None when some line is not traced: one of
    no fix, of only fixes that passed, or too many lines away)."""
    owners_of = _owners(applied)
    lines: list[tuple[str, list[tuple[Edit, ...]]]] = []
    traced = True
    for message, first, last in offenders:
        owners = (
            {applied[i] for line in range(first, last + 1) for i in owners_of.get(line, ())}
            if last - first <= MAX_BLAMED_LINES
            else set()
        )
        trying = sorted((fix for fix in owners if fix not in passed), key=order.__getitem__)
        if not trying:
            traced = False
            continue
        lines.append((message, trying))
    blamed: dict[tuple[Edit, ...], str] = {}
    for message, trying in lines:
        if len(trying) == 1:
            blamed.setdefault(trying[0], message)
    # A line with a fix refused is judged again without it.
    formed = [trying for _, trying in lines if len(trying) > 1 and not any(fix in blamed for fix in trying)]
    hit = {fix for _, trying in lines for fix in trying} if traced else None
    return blamed, formed, hit


def _join(queues: list[list[tuple[Edit, ...]]], order: dict[tuple[Edit, ...], int]) -> list[list[tuple[Edit, ...]]]:
    """``queues`` with those sharing a fix joined into one, each in order; the groups in the order
    of the last queue each takes in (as joining each queue in turn into the groups before it would
    give), found by union-find: a file's lines of two fixes each are a queue each, none shared."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    fix_at: dict[int, tuple[Edit, ...]] = {}
    for queue in queues:
        ids = [order[fix] for fix in queue]
        for i, fix in zip(ids, queue):
            if i not in parent:
                parent[i], fix_at[i] = i, fix
        for i in ids[1:]:
            a, b = find(ids[0]), find(i)
            if a != b:
                parent[b] = a
    last: dict[int, int] = {}  # the last queue of each group, by its root
    empty: list[int] = []
    for k, queue in enumerate(queues):
        if queue:
            last[find(order[queue[0]])] = k
        else:
            empty.append(k)
    members: dict[int, list[int]] = {}
    for i in parent:
        members.setdefault(find(i), []).append(i)
    groups = [(k, [fix_at[i] for i in sorted(members[root])]) for root, k in last.items()]
    groups += [(k, []) for k in empty]
    return [group for _, group in sorted(groups, key=lambda g: g[0])]


def _owners(fixes: Sequence[tuple[Edit, ...]]) -> dict[int, list[int]]:
    """For each line of ``before``, the fixes (by index) whose edits reach it, from the first
    line of their first edit to the last of their last."""
    by_line: dict[int, list[int]] = {}
    for i, fix in enumerate(fixes):
        spans = [e.span for e in fix]
        if spans:
            for line in range(min(s.line for s in spans), max(s.end_line for s in spans) + 1):
                by_line.setdefault(line, []).append(i)
    return by_line


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
