"""Path globs that behave as ruff's (the Rust ``globset`` crate, ``literal_separator`` off).

ruff matches a ``per-file-ignores`` or ``exclude`` pattern two ways: made absolute against the
folder of the configuration file and matched against the file's absolute path, and as written
against the file's name alone. ``*`` and ``?`` cross ``/``; ``**/``, ``/**/`` and ``/**`` match
any number of folders; ``[...]``/``[!...]`` classes, ``{a,b}`` alternatives and ``\\`` escapes
work; a leading ``!`` negates a per-file-ignores pattern. ``tests/test_globs.py`` checks these
against the real ruff.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


class GlobError(ValueError):
    pass


def _class(pattern: str, i: int) -> tuple[str, int]:
    """Translate ``[...]`` starting at ``pattern[i] == '['``; return (regex, index after ``]``)."""
    j = i + 1
    negated = j < len(pattern) and pattern[j] in "!^"
    if negated:
        j += 1
    items: list[str] = []
    first = True
    while j < len(pattern) and (pattern[j] != "]" or first):
        first = False
        if j + 2 < len(pattern) and pattern[j + 1] == "-" and pattern[j + 2] != "]":
            lo, hi = pattern[j], pattern[j + 2]
            if lo > hi:
                raise GlobError(f"invalid range '{lo}-{hi}' in '{pattern}'")
            items.append(f"{re.escape(lo)}-{re.escape(hi)}")
            j += 3
        else:
            items.append(re.escape(pattern[j]))
            j += 1
    if j >= len(pattern):
        raise GlobError(f"unclosed character class in '{pattern}'")
    return f"[{'^' if negated else ''}{''.join(items)}]", j + 1


def _translate(pattern: str) -> str:
    out: list[str] = []
    i = 0
    in_alternatives = False
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            after_slash = i > 0 and pattern[i - 1] == "/" and bool(out) and out[-1] == "/"
            if pattern.startswith("**/", i) and i == 0:
                out.append("(?:/?|.*/)")  # leading **/ : any folders, or none
                i += 3
                continue
            if pattern.startswith("**/", i) and after_slash:
                out[-1] = "(?:/|/.*/)"  # /**/ : one separator, or any folders between
                i += 3
                continue
            if pattern.startswith("**", i) and i + 2 == n and after_slash:
                out[-1] = "/.*"  # trailing /** : anything below
                i += 2
                continue
            out.append(".*")
            i += 2 if pattern.startswith("**", i) else 1
            continue
        elif c == "?":
            out.append(".")
        elif c == "[":
            regex, i = _class(pattern, i)
            out.append(regex)
            continue
        elif c == "{":
            if in_alternatives:
                raise GlobError(f"nested alternatives in '{pattern}'")
            in_alternatives = True
            out.append("(?:")
        elif c == "}" and in_alternatives:
            in_alternatives = False
            out.append(")")
        elif c == "," and in_alternatives:
            out.append("|")
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        elif c == "/":
            out.append("/")
        else:
            out.append(re.escape(c))
        i += 1
    if in_alternatives:
        raise GlobError(f"unclosed alternatives in '{pattern}'")
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> re.Pattern[str]:
    return re.compile(_translate(pattern), re.DOTALL)


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
