"""Check 4 of a fixed file (``verify.py``): no line the fix added or changed goes over the
project's line length unless it was over it before.

:func:`line_limit` finds that length: the strictest of each tool's nearest configuration (ruff,
black, flake8), 88 when none sets one.
"""

from __future__ import annotations

import bisect
import configparser
import difflib
import functools
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


DEFAULT_LINE_LENGTH = 88


@dataclass(frozen=True)
class LineLimit:
    length: int
    source: str  # "ruff line-length in pyproject.toml", "the default"


def _toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _get(table: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(table, dict):
            return None
        table = table.get(key)
    return table


def _ruff_length(table: object) -> int | None:
    value = _get(table, "lint", "pycodestyle", "max-line-length") or _get(table, "line-length")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _folder_limits(folder: Path) -> Iterator[tuple[str, int | None, str]]:
    """(tool, length or None when the file configures the tool without one, where)."""
    for name in ("ruff.toml", ".ruff.toml"):
        if (folder / name).is_file():
            yield "ruff", _ruff_length(_toml(folder / name)), f"ruff line-length in {name}"
    if (folder / "pyproject.toml").is_file():
        tool = _get(_toml(folder / "pyproject.toml"), "tool")
        if isinstance(tool, dict):
            if "ruff" in tool:
                yield "ruff", _ruff_length(tool["ruff"]), "ruff line-length in pyproject.toml"
            if "black" in tool:
                length = _get(tool["black"], "line-length")
                yield "black", length if isinstance(length, int) and length > 0 else None, "black line-length in pyproject.toml"
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        if not (folder / name).is_file():
            continue
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read(folder / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_section("flake8"):
            raw = parser.get("flake8", "max-line-length", fallback=None) or parser.get(
                "flake8", "max_line_length", fallback=None
            )
            length = int(raw) if raw is not None and raw.strip().isdigit() else None
            yield "flake8", length, f"flake8 max-line-length in {name}"


@functools.lru_cache(maxsize=256)
def line_limit(folder: Path) -> LineLimit:
    """The strictest line length configured for ``folder``: each tool's nearest configuration
    (ruff ``line-length``, black ``line-length``, flake8 ``max-line-length``), looked for in every
    folder above it, as ruff does (never stopping at a ``.git``: a clone and an unpacked archive
    get the same limit); 88 (black's and ruff's default) when none sets one."""
    found: dict[str, LineLimit] = {}
    settled: set[str] = set()
    for current in (folder, *folder.parents):
        for tool, length, where in _folder_limits(current):
            if tool in settled:
                continue
            settled.add(tool)  # the nearest configuration of a tool wins, even without a length
            if length is not None:
                found[tool] = LineLimit(length, where)
    if not found:
        return LineLimit(DEFAULT_LINE_LENGTH, "the default")
    return min(found.values(), key=lambda limit: limit.length)


ISORT_DEFAULT_LENGTH = 79  # isort's own default, and flake8's


def _isort_length(folder: Path) -> tuple[bool, int | None]:
    """(whether ``folder`` configures isort, its line length if it sets one): ``.isort.cfg``,
    ``[tool.isort]`` in pyproject.toml, ``[isort]``/``[tool:isort]`` in setup.cfg or tox.ini, as
    isort looks for them; ``profile = "black"`` is 88."""
    tables: list[dict[str, object]] = []
    if (folder / "pyproject.toml").is_file():
        table = _get(_toml(folder / "pyproject.toml"), "tool", "isort")
        if isinstance(table, dict):
            tables.append(table)
    for name, sections in ((".isort.cfg", ("settings", "isort")), ("setup.cfg", ("isort", "tool:isort")),
                           ("tox.ini", ("isort", "tool:isort"))):
        if not (folder / name).is_file():
            continue
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read(folder / name, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        tables.extend(dict(parser.items(section)) for section in sections if parser.has_section(section))
    if not tables:
        return False, None
    table = tables[0]
    raw = table.get("line_length", table.get("line-length"))
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return True, raw
    profile = table.get("profile")
    return True, 88 if isinstance(profile, str) and profile.strip("'\" ") == "black" else None


@functools.lru_cache(maxsize=256)
def import_line_length(folder: Path) -> int:
    """How long a ``from m import a, b`` line may be before the project's import sorter wraps
    it: isort's nearest configuration (its ``line_length``, 79 when it sets none), else ruff's
    (its ``line-length``: ruff's ``I`` rules wrap there, 88 by default), else 79; never over
    the project's :func:`line_limit`."""
    length: int | None = None
    for current in (folder, *folder.parents):
        configured, isort = _isort_length(current)
        if configured:
            length = isort or ISORT_DEFAULT_LENGTH
            break
        ruff = [value for tool, value, _ in _folder_limits(current) if tool == "ruff"]
        if ruff:
            length = ruff[0] or DEFAULT_LINE_LENGTH
            break
    return min(length or ISORT_DEFAULT_LENGTH, line_limit(folder).length)


_NOQA_E501 = re.compile(r"#\s*noqa(?!:)|#\s*noqa:[\s\w,]*E501", re.IGNORECASE)


def _too_long(line: str, limit: int) -> bool:
    return len(line) > limit and not _NOQA_E501.search(line)


def _length_problem(before: str, after: str, limit: LineLimit) -> str | None:
    """Only lines the fix added or changed are judged, and a changed line only if it was within
    the limit before: a fix must not add an E501, but need not repair the old ones.

    Linear in the usual case: a long line of the result that was already a long line of the text
    before (as many times) is old; only when some long line is unexplained are the changed lines
    found, by a diff of the part between the common head and tail."""
    found = length_offenders(before, after, limit, first_only=True)
    return found[0][0] if found else None


def length_offenders(
    before: str, after: str, limit: LineLimit, first_only: bool = False
) -> list[tuple[str, int, int]]:
    """Each line the fix made too long, in order: its problem line, and the lines of ``before``
    it came from (1-based, first and last; first > last for a line only inserted)."""
    new = after.splitlines()
    long_new = [j for j, line in enumerate(new) if _too_long(line, limit.length)]
    if not long_new:
        return []
    old = before.splitlines()
    old_long = Counter(line for line in old if _too_long(line, limit.length))
    unexplained = False
    for j in long_new:
        if old_long[new[j]] > 0:
            old_long[new[j]] -= 1
        else:
            unexplained = True
    if not unexplained:
        return []
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old_mid, new_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    found: list[tuple[str, int, int]] = []
    for tag, i1, i2, j1, j2 in _changes(old_mid, new_mid):
        if tag not in ("insert", "replace"):
            continue
        paired = tag == "replace" and i2 - i1 == j2 - j1
        for offset, line in enumerate(new_mid[j1:j2]):
            if not _too_long(line, limit.length):
                continue
            was = [old_mid[i1 + offset]] if paired else old_mid[i1:i2]
            if any(_too_long(o, limit.length) for o in was):
                continue
            first, last = (i1 + offset, i1 + offset) if paired else (i1, i2 - 1)
            found.append((
                f"line-length check failed: line {head + j1 + offset + 1} would be {len(line)} "
                f"characters long; the limit is {limit.length} ({limit.source})",
                head + first + 1,
                head + last + 1,
            ))
            if first_only:
                return found
    return found


def _changes(old: list[str], new: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    """``SequenceMatcher.get_opcodes()`` of ``old`` and ``new`` but "equal", in order, with fixed
    points: a line found as many times in each is paired, its k-th time in ``old`` with its k-th
    in ``new``, and the longest run of such pairs in the same order in both is kept; difflib
    is run only between them. One run over a whole file costs its length times the number of
    changes (minutes for a long module with a fix every few lines, or for one written as the
    same block many times); the lines a fix does not touch keep their number, so the pieces left
    between them are a fix's own statements."""
    count_old = Counter(old)
    count_new = Counter(new)
    at_new: dict[str, list[int]] = {}
    for j, line in enumerate(new):
        if count_old[line] == count_new[line]:
            at_new.setdefault(line, []).append(j)
    seen: Counter[str] = Counter()
    pairs: list[tuple[int, int]] = []
    for i, line in enumerate(old):
        places = at_new.get(line)
        if places is not None:
            pairs.append((i, places[seen[line]]))
            seen[line] += 1
    i0 = j0 = 0
    for i, j in [*_increasing(pairs), (len(old), len(new))]:
        matcher = difflib.SequenceMatcher(None, old[i0:i], new[j0:j], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                yield tag, i0 + i1, i0 + i2, j0 + j1, j0 + j2
        i0, j0 = i + 1, j + 1


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (in order of their first item) whose second items increase."""
    tails: list[int] = []  # the second item ending the best run of each length
    ends: list[int] = []  # the index in ``pairs`` of that run's last pair
    before: list[int] = []  # each pair's predecessor in its run
    for index, (_, j) in enumerate(pairs):
        at = bisect.bisect_left(tails, j)
        before.append(ends[at - 1] if at else -1)
        if at == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[at] = j
            ends[at] = index
    run: list[tuple[int, int]] = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]
