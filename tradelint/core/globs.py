"""Path globs that behave as ruff's (the Rust ``globset`` crate, ``literal_separator`` off).

ruff matches a ``per-file-ignores`` or ``exclude`` pattern two ways: made absolute against the
folder of the configuration file and matched against the file's absolute path, and as written
against the file's name alone. ``*`` and ``?`` cross ``/``; ``**/``, ``/**/`` and ``/**`` match
any number of folders; ``[...]``/``[!...]`` classes, ``{a,b}`` alternatives and ``\\`` escapes
work; a leading ``!`` negates a per-file-ignores pattern. ``tests/test_globs.py`` checks these
against the real ruff. Matching never backtracks: its time is linear in the path's length.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable


class GlobError(ValueError):
    pass


# A pattern is compiled to a small automaton and matched by following every state at once
# (Thompson's construction): time linear in the path's length whatever the pattern. A regular
# expression with several ``.*`` backtracks: ``*a*a*a*a*a*a*b`` took minutes on a long path.


@dataclass
class _State:
    """``test`` consumes one character (None: an empty move to each of ``next``); ``next[0]`` after."""

    test: Callable[[str], bool] | None
    next: list[int]


class _Builder:
    def __init__(self) -> None:
        self.states: list[_State] = []

    def add(self, test: Callable[[str], bool] | None, *targets: int) -> int:
        self.states.append(_State(test, list(targets)))
        return len(self.states) - 1


# A piece of pattern: a function that, given the state to continue with, returns its first state.
_Piece = Callable[[_Builder, int], int]


def _char(test: Callable[[str], bool]) -> _Piece:
    return lambda b, after: b.add(test, after)


def _star(crosses: bool = True) -> _Piece:
    """``*``: any characters; with ``crosses`` False (git's ``*``), any but ``/``."""

    def build(b: _Builder, after: int) -> int:
        loop = b.add(None, after)  # either stop here or take one more character
        step = b.add(_any if crosses else _not_slash, loop)
        b.states[loop].next.append(step)
        return loop

    return build


def _alternatives(branches: list[list[_Piece]]) -> _Piece:
    def build(b: _Builder, after: int) -> int:
        return b.add(None, *(_sequence(b, branch, after) for branch in branches))

    return build


def _sequence(b: _Builder, pieces: list[_Piece], after: int) -> int:
    for piece in reversed(pieces):
        after = piece(b, after)
    return after


def _any(c: str) -> bool:
    return True


def _not_slash(c: str) -> bool:
    return c != "/"


def _literal(char: str) -> Callable[[str], bool]:
    return lambda c: c == char


def _class(pattern: str, i: int) -> tuple[Callable[[str], bool], int]:
    """``[...]`` starting at ``pattern[i] == '['``: (its test, index after ``]``)."""
    j = i + 1
    negated = j < len(pattern) and pattern[j] in "!^"
    if negated:
        j += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while j < len(pattern) and (pattern[j] != "]" or first):
        first = False
        if j + 2 < len(pattern) and pattern[j + 1] == "-" and pattern[j + 2] != "]":
            lo, hi = pattern[j], pattern[j + 2]
            if lo > hi:
                raise GlobError(f"invalid range '{lo}-{hi}' in '{pattern}'")
            ranges.append((lo, hi))
            j += 3
        else:
            ranges.append((pattern[j], pattern[j]))
            j += 1
    if j >= len(pattern):
        raise GlobError(f"unclosed character class in '{pattern}'")
    frozen = tuple(ranges)
    return (lambda c: any(lo <= c <= hi for lo, hi in frozen) != negated), j + 1


_SLASH = _char(_literal("/"))


def _parse(pattern: str, git: bool = False) -> list[_Piece]:
    """The pieces of ``pattern``, as ruff's globset reads it (``literal_separator`` off), or with
    ``git``, as git reads a ``.gitignore`` line: ``*`` and ``?`` stop at ``/``, only ``**``
    between separators crosses them, and ``{`` is an ordinary character."""
    top: list[_Piece] = []
    out = top
    branches: list[list[_Piece]] | None = None
    last_was_slash = False
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i]
        slash_before = last_was_slash
        last_was_slash = False
        if c == "*":
            if pattern.startswith("**/", i) and i == 0:
                out.append(_alternatives([[], [_SLASH], [_star(), _SLASH]]))  # leading **/: any folders, or none
                i += 3
                continue
            if pattern.startswith("**/", i) and slash_before:
                out[-1] = _alternatives([[_SLASH], [_SLASH, _star(), _SLASH]])  # /**/: one separator or folders
                i += 3
                last_was_slash = False
                continue
            if pattern.startswith("**", i) and i + 2 == n and slash_before:
                out.append(_star())  # trailing /**: anything below
                i += 2
                continue
            out.append(_star(not git))
            i += 2 if pattern.startswith("**", i) else 1
            continue
        if c == "?":
            out.append(_char(_not_slash if git else _any))
        elif c == "[":
            test, i = _class(pattern, i)
            out.append(_char(test))
            continue
        elif c == "{" and not git:
            if branches is not None:
                raise GlobError(f"nested alternatives in '{pattern}'")
            branches = [[]]
            out = branches[0]
        elif c == "}" and branches is not None:
            top.append(_alternatives(branches))
            branches = None
            out = top
        elif c == "," and branches is not None:
            branches.append([])
            out = branches[-1]
        elif c == "\\" and i + 1 < n:
            out.append(_char(_literal(pattern[i + 1])))
            i += 2
            continue
        else:
            out.append(_char(_literal(c)))
            last_was_slash = c == "/"
        i += 1
    if branches is not None:
        raise GlobError(f"unclosed alternatives in '{pattern}'")
    return top


class Glob:
    """A compiled glob: ``fullmatch(path)`` in time linear in ``len(path)``."""

    # Sets of states met so far and where each character leads from them (a lazily built DFA);
    # past this many, steps are computed afresh each time (still linear, just slower).
    MAX_CACHED = 4096

    def __init__(self, pattern: str, git: bool = False) -> None:
        builder = _Builder()
        accept = builder.add(None)
        self._accept = accept
        self._states = builder.states
        self._start = self._closure([_sequence(builder, _parse(pattern, git), accept)])
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def _closure(self, starts: list[int]) -> frozenset[int]:
        seen: set[int] = set()
        stack = list(starts)
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            if self._states[state].test is None:
                stack.extend(self._states[state].next)
        return frozenset(seen)

    def _step(self, current: frozenset[int], char: str) -> frozenset[int]:
        key = (current, char)
        found = self._steps.get(key)
        if found is None:
            moved = []
            for state in current:
                test = self._states[state].test
                if test is not None and test(char):
                    moved.append(self._states[state].next[0])
            found = self._closure(moved)
            if len(self._steps) < self.MAX_CACHED:
                self._steps[key] = found
        return found

    def fullmatch(self, text: str) -> bool:
        current = self._start
        for char in text:
            current = self._step(current, char)
            if not current:
                return False
        return self._accept in current


@lru_cache(maxsize=1024)
def compile_glob(pattern: str, git: bool = False) -> Glob:
    return Glob(pattern, git)


def _normalize(path: str) -> str:
    """Lexically, as ruff's ``normalize_path``: ``.`` dropped, ``..`` applied, no symlinks."""
    return posixpath.normpath(path) if path else path


def absolute_posix(path: Path) -> str:
    return Path(os.path.abspath(path)).as_posix()


@dataclass(frozen=True)
class FilePattern:
    """One pattern as written, plus its absolute form for a configuration rooted at ``root``."""

    pattern: str
    absolute: str
    negated: bool = False

    @classmethod
    def make(cls, pattern: str, root: Path | None, allow_negation: bool = False) -> FilePattern:
        negated = allow_negation and pattern.startswith("!")
        if negated:
            pattern = pattern[1:]
        base = Path(pattern)
        if not base.is_absolute():
            base = (root if root is not None else Path.cwd()) / pattern
        absolute = _normalize(base.as_posix())
        # Validate both forms now, so a bad glob is a configuration error and not a crash later.
        compile_glob(pattern)
        compile_glob(absolute)
        return cls(pattern, absolute, negated)

    def hits(self, absolute_path: str) -> bool:
        """Whether the pattern applies: a match, or for a negated pattern, no match."""
        name = absolute_path.rsplit("/", 1)[-1]
        matched = bool(
            compile_glob(self.absolute).fullmatch(absolute_path) or compile_glob(self.pattern).fullmatch(name)
        )
        return matched != self.negated


@lru_cache(maxsize=4096)
def file_pattern(pattern: str, root: Path | None, allow_negation: bool = False) -> FilePattern:
    return FilePattern.make(pattern, root, allow_negation)
