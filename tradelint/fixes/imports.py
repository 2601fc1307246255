"""Adding an import where isort (and ruff's ``I`` rules, with their defaults) would put it, so a
fix never makes a sorted import block unsorted.

The top-level import block is split into isort's sections (``__future__``, standard library,
third party, first party, relative); within a section ``import x`` lines come before
``from x import y`` lines, each sorted by module name, case-insensitively and with numbers in
natural order; names in a ``from`` import are sorted by type (CONSTANTS, Classes, functions) then
name. A ``from`` import of a module the block already imports from is merged into that line
(exploded, one name a line with a trailing comma, when the merged line would be too long: ruff
keeps that layout). A block that was not sorted stays unsorted, no more.

First party, as ruff decides by default: a module found beside the file's top-level package (or
beside the file, when it is in no package).
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Sequence
from typing import Callable

import libcst as cst

MERGED_LINE = 79  # an import merged into an existing line, where the project configures no sorter (isort's default)

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)

STDLIB_NAMES = frozenset(sys.stdlib_module_names)

_EMPTY = cst.Module([])


def _code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def first_party_test(path: str | None) -> Callable[[str], bool]:
    """Whether a top-level module name is first party for the file at ``path``."""
    if not path:
        return lambda name: False
    folder = os.path.dirname(os.path.abspath(path))
    top = folder
    while os.path.isfile(os.path.join(top, "__init__.py")):
        top = os.path.dirname(top)
    roots = dict.fromkeys([top, folder, os.path.join(top, "src")])
    cache: dict[str, bool] = {}

    def test(name: str) -> bool:
        if name not in cache:
            cache[name] = any(
                os.path.isfile(os.path.join(root, name + ".py")) or os.path.isdir(os.path.join(root, name))
                for root in roots
            )
        return cache[name]

    return test


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def _module_of(small: cst.Import | cst.ImportFrom) -> tuple[str, int]:
    """The module name an import sorts by, and its relative level."""
    if isinstance(small, cst.Import):
        return _code(small.names[0].name), 0
    return (_code(small.module) if small.module is not None else ""), len(small.relative)


def _section(small: cst.Import | cst.ImportFrom, first_party: Callable[[str], bool]) -> int:
    name, level = _module_of(small)
    if level:
        return LOCAL
    top = name.split(".")[0]
    if top == "__future__":
        return FUTURE
    if top in STDLIB_NAMES:
        return STDLIB
    return FIRST_PARTY if first_party(top) else THIRD_PARTY


def _sort_key(small: cst.Import | cst.ImportFrom) -> tuple[object, ...]:
    name, level = _module_of(small)
    return (isinstance(small, cst.ImportFrom), -level, _natural(name.lower()), _natural(name))


def member_key(name: str) -> tuple[object, ...]:
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, _natural(name.lower()), _natural(name))


def _import_of(stmt: cst.BaseStatement) -> cst.Import | cst.ImportFrom | None:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def import_block(body: Sequence[cst.BaseStatement]) -> tuple[int, int]:
    """``body[start:end]``: the top-level import statements after the docstring (``start`` is
    where a first import would go when there is none)."""
    start = 0
    if body and isinstance(body[0], cst.SimpleStatementLine):
        small = body[0].body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            start = 1
    end = start
    while end < len(body) and _import_of(body[end]) is not None:
        end += 1
    return start, end


def _blank_lines(stmt: cst.BaseStatement) -> list[cst.EmptyLine]:
    leading = list(getattr(stmt, "leading_lines", []))
    count = next((i for i, line in enumerate(leading) if line.comment is not None), len(leading))
    return leading[:count]


def _without_blanks(stmt: cst.BaseStatement) -> cst.BaseStatement:
    leading = list(getattr(stmt, "leading_lines", []))
    return stmt.with_changes(leading_lines=leading[len(_blank_lines(stmt)) :])


def _with_blanks(stmt: cst.BaseStatement, count: int) -> cst.BaseStatement:
    """At least ``count`` blank lines before ``stmt`` (its comments stay just above it)."""
    blanks = _blank_lines(stmt)
    if len(blanks) >= count:
        return stmt
    leading = list(getattr(stmt, "leading_lines", []))
    return stmt.with_changes(leading_lines=[cst.EmptyLine(indent=False)] * (count - len(blanks)) + leading)


@functools.lru_cache(maxsize=64)
def _parsed_import(code: str) -> cst.BaseStatement:
    return cst.parse_statement(code + "\n")  # immutable: shared by every file that gets it


def insert_import(
    body: list[cst.BaseStatement], code: str, first_party: Callable[[str], bool], width: int = MERGED_LINE
) -> list[cst.BaseStatement]:
    """``body`` with the import ``code`` added where isort would put it."""
    new = _parsed_import(code)
    small = _import_of(new)
    assert small is not None and isinstance(new, cst.SimpleStatementLine)
    start, end = import_block(body)
    if isinstance(small, cst.ImportFrom):
        merged = _merge_from_import(body, start, end, small, width)
        if merged is not None:
            return merged
    section, key = _section(small, first_party), _sort_key(small)
    placed = [(i, _section(imp, first_party), _sort_key(imp)) for i in range(start, end) if (imp := _import_of(body[i]))]
    same = [(i, k) for i, s, k in placed if s == section]
    body = list(body)
    if same:
        # Before the first of its section that sorts after it, else after the last of them.
        after = next((i for i, k in same if k > key), None)
        if after is None:
            body.insert(same[-1][0] + 1, new)
            return body
        following = body[after]
        body[after] = _without_blanks(following)
        body.insert(after, new.with_changes(leading_lines=_blank_lines(following)))
        return body
    # A section of its own: after the sections before it, a blank line on each side.
    later = next((i for i, s, _ in placed if s > section), None)
    if later is None:
        position = end
        if end > start:
            new = new.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        elif start:
            new = new.with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        body.insert(position, new)
        if position + 1 < len(body) and end == start:
            following = body[position + 1]
            wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
            body[position + 1] = _with_blanks(following, wanted)
        return body
    following = body[later]
    body[later] = _with_blanks(_without_blanks(following), 1)
    blanks = _blank_lines(following) if later == start else [cst.EmptyLine(indent=False)]
    body.insert(later, new.with_changes(leading_lines=blanks))
    return body


def _merge_from_import(
    body: list[cst.BaseStatement], start: int, end: int, new_import: cst.ImportFrom, width: int
) -> list[cst.BaseStatement] | None:
    """``from typing import Any`` + ``ClassVar`` -> ``from typing import Any, ClassVar``, each
    name where it sorts; longer than ``width`` (where the project's sorter wraps), one name a
    line (with a trailing comma, which ruff and isort keep)."""
    if isinstance(new_import.names, cst.ImportStar) or new_import.module is None:
        return None
    target = _code(new_import.module)
    for i in range(start, end):
        stmt = body[i]
        small = _import_of(stmt)
        if not (
            isinstance(small, cst.ImportFrom)
            and small.module is not None
            and not small.relative
            and _code(small.module) == target
            and not isinstance(small.names, cst.ImportStar)
        ):
            continue
        aliases = list(small.names)
        added = [a for a in new_import.names if isinstance(a, cst.ImportAlias)]
        if small.lpar is not None and len(aliases) >= 2:
            merged_names = _merge_exploded(aliases, added)
            if merged_names is None:
                continue
            body = list(body)
            body[i] = stmt.with_changes(body=[small.with_changes(names=merged_names)])
            return body
        if small.lpar is not None:
            continue
        # Each new name where it sorts, the line's own names in their order (sorting them all
        # changed lines beyond the fix: ``Optional, Dict, Any`` became ``Any, Dict, Optional``).
        every = list(aliases)
        for alias in added:
            key = member_key(_code(alias.name))
            every.insert(next((n for n, a in enumerate(every) if member_key(_code(a.name)) > key), len(every)), alias)
        names = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for a in every]
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        one_line = stmt.with_changes(body=[small.with_changes(names=names)])
        if len(_code(one_line).rstrip("\r\n")) <= width:
            body = list(body)
            body[i] = one_line
            return body
        indent = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            indent=True,
            last_line=cst.SimpleWhitespace("    "),
        )
        closing = cst.ParenthesizedWhitespace(first_line=cst.TrailingWhitespace(), indent=True, last_line=cst.SimpleWhitespace(""))
        exploded = [a.with_changes(comma=cst.Comma(whitespace_after=indent)) for a in every]
        exploded[-1] = exploded[-1].with_changes(comma=cst.Comma(whitespace_after=closing))
        body = list(body)
        body[i] = stmt.with_changes(
            body=[
                small.with_changes(
                    names=exploded,
                    lpar=cst.LeftParen(whitespace_after=indent),
                    rpar=cst.RightParen(),
                )
            ]
        )
        return body
    return None


def _merge_exploded(aliases: list[cst.ImportAlias], added: list[cst.ImportAlias]) -> list[cst.ImportAlias] | None:
    """New names into a parenthesized list, each where it sorts, spaced as its neighbours."""
    middle = aliases[0].comma
    if not isinstance(middle, cst.Comma):
        return None
    names = list(aliases)
    for alias in added:
        key = member_key(_code(alias.name))
        index = next((n for n, a in enumerate(names) if member_key(_code(a.name)) > key), len(names))
        if index == len(names):
            last = names[-1]
            names[-1] = last.with_changes(comma=middle)
            names.append(alias.with_changes(comma=last.comma))
        else:
            names.insert(index, alias.with_changes(comma=middle))
    return names
