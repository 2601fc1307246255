"""``--add-noqa``: a ``# noqa: CODE`` on every line that has a finding, as ruff's ``--add-noqa``,
so a large codebase can adopt tradelint with its current findings silenced and every new one
reported.

A code joins a ``# noqa: ...`` list already on the line; a line whose end is inside a string or
that continues with a backslash cannot take a comment there (the comment would change the string
or break the line) and is reported instead. The file is then written as ``--fix`` writes.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from tradelint.core.suppression import NOQA

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass
class Added:
    text: str
    directives: int = 0  # comments added or extended
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def _comments_and_strings(text: str) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """Each line's comment (column, text), and the lines that end inside a string."""
    comments: dict[int, tuple[int, str]] = {}
    inside: set[int] = set()
    fstring_start = getattr(tokenize, "FSTRING_START", None)
    fstring_end = getattr(tokenize, "FSTRING_END", None)
    open_fstrings: list[int] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = (token.start[1], token.string)
        elif token.type == tokenize.STRING:
            inside.update(range(token.start[0], token.end[0]))
        elif token.type == fstring_start:
            open_fstrings.append(token.start[0])
        elif token.type == fstring_end and open_fstrings:
            inside.update(range(open_fstrings.pop(), token.end[0]))
    return comments, inside


def add_noqa(text: str, codes_by_line: dict[int, set[str]]) -> Added:
    """``text`` with each line of ``codes_by_line`` (1-based) silenced for its codes."""
    try:
        comments, inside = _comments_and_strings(text)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return Added(text, 0, [(line, "the file cannot be tokenized") for line in sorted(codes_by_line)])
    lines = LINE.findall(text)
    result = Added(text)
    for number in sorted(codes_by_line):
        if not 1 <= number <= len(lines):
            continue
        codes = sorted(codes_by_line[number])
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        if number in inside:
            result.refused.append((number, "the line ends inside a string"))
            continue
        comment = comments.get(number)
        if comment is None and body.rstrip().endswith("\\"):
            result.refused.append((number, "the line continues with a backslash"))
            continue
        match = NOQA.search(comment[1]) if comment is not None else None
        if match is not None and not match.group("codes"):
            continue  # a bare noqa silences everything already
        if comment is not None and match is not None:
            column = comment[0]
            listed = {c.upper() for c in re.findall(r"[A-Za-z]+[0-9]+", match.group("codes"))}
            missing = [c for c in codes if c not in listed]
            if not missing:
                continue
            cut = column + match.end("codes")
            body = f"{body[:cut]}, {', '.join(missing)}{body[cut:]}"
        else:
            body = f"{body.rstrip()}  # noqa: {', '.join(codes)}"
        lines[number - 1] = body + ending
        result.directives += 1
    result.text = "".join(lines)
    return result
