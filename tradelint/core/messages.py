"""Finding texts: a first line that fits in 100 characters whatever the names, and a help line.

A finding's message names the thing and says what to do; its help adds one thing the message
does not say (why it matters, or where the thing comes from); the long reason is in the rule's
documentation. Names come from the checked code and can be any length (``load_vat(dc, None,
None).spot_map``), so each rule writes its text as a template and :func:`fit` shortens the
longest names, in the middle, until the line fits. A name is cut only between whole tokens
(identifiers, punctuation): what is kept is its first and its last identifiers, whole
(``load_vat...spot_map``), never part of one (``self._gate..._task`` would name nothing). A
name that has no whole token to drop (one long identifier) is kept whole, even if the line
then passes the limit.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

# The first line of a finding (ruff's messages are about as long).
MESSAGE_LIMIT = 100
# The help line: one short sentence; a rename pack's note may make it a little longer.
HELP_LIMIT = 120
# A name is never cut shorter than this: it must still be recognisable.
MIN_NAME = 12
ELISION = "..."


class Text(NamedTuple):
    """A finding's message and help."""

    message: str
    help: str


# An identifier (any script's letters and digits), a run of spaces, or one other character.
_TOKEN = re.compile(r"\w+|\s+|.", re.DOTALL)


def elide(name: str, width: int) -> str:
    """``name`` in at most ``width`` characters if whole tokens can be dropped from its middle to
    get there: its first and last identifiers always stay, whole, and more of its end than of its
    start. Without such a cut the shortest whole-token form is returned (``name`` itself when
    dropping tokens would not make it shorter)."""
    if len(name) <= width:
        return name
    tokens = _TOKEN.findall(name)
    word = [token[0].isalnum() or token[0] == "_" for token in tokens]
    words = [i for i, is_word in enumerate(word) if is_word]
    if len(words) < 2:
        return name
    # Keep tokens[:i] and tokens[j:]: an identifier on each side of the elision, so neither a dot
    # nor a bracket sits beside it ("self...._task", "load_vat(...spot_map").
    first, last = words[0] + 1, words[-1]
    starts = [i for i in range(first, last + 1) if word[i - 1]]
    ends = [j for j in range(first, last + 1) if word[j]]
    prefix = [0]
    for token in tokens:
        prefix.append(prefix[-1] + len(token))
    total = prefix[-1]
    # For each end of the kept start, the earliest start of the kept end that fits (the most
    # kept); the best of them keeps the most, then the most of the end.
    best: tuple[int, int, int, int] | None = None
    ends_at = [prefix[j] for j in ends]
    for i in starts:
        k = bisect_left(ends_at, max(total + prefix[i] + len(ELISION) - width, prefix[i] + 1))
        if k < len(ends):
            j = ends[k]
            kept = total - prefix[j] + prefix[i]
            if best is None or (kept, total - prefix[j]) > best[:2]:
                best = (kept, total - prefix[j], i, j)
    if best is not None:
        i, j = best[2], best[3]
    elif starts and ends and starts[0] < ends[-1] and prefix[ends[-1]] - prefix[starts[0]] > len(ELISION):
        i, j = starts[0], ends[-1]  # nothing fits: drop all that may go
    else:
        return name
    return "".join(tokens[:i]) + ELISION + "".join(tokens[j:])


def fit(template: str, /, **names: str) -> str:
    """``template.format(**names)``, the longest names cut in the middle, between whole tokens,
    until it is at most MESSAGE_LIMIT characters long (or every name is down to MIN_NAME or to
    its first and last identifiers). Whitespace in a name (an
    expression written over several lines) becomes one space: a message is one line."""
    return _fit(template, MESSAGE_LIMIT, names)


def fit_help(template: str, /, **names: str) -> str:
    """:func:`fit` for a help line (HELP_LIMIT)."""
    return _fit(template, HELP_LIMIT, names)


def _fit(template: str, limit: int, names: dict[str, str]) -> str:
    values = {key: " ".join(value.split()) for key, value in names.items()}
    text = template.format_map(values)
    # Names that may still give up tokens.
    used = [key for key in values if "{" + key + "}" in template]
    while len(text) > limit and used:
        current = max(len(values[k]) for k in used)
        if current <= MIN_NAME:
            break
        # The longest names give up what is too much, each use its share, but none becomes shorter
        # than the next longest: long names share the cut.
        longest = [k for k in used if len(values[k]) == current]
        uses = sum(template.count("{" + k + "}") for k in longest)
        wanted = current - -(-(len(text) - limit) // uses)  # ceil
        shorter = max((len(values[k]) for k in used if len(values[k]) < current), default=0)
        target = max(wanted, MIN_NAME, shorter)
        for key in longest:
            cut = elide(values[key], target)
            if len(cut) >= len(values[key]):
                used.remove(key)  # no whole token left to drop
            values[key] = cut
        text = template.format_map(values)
    return text


def short_type(qualified: str) -> str:
    """``driftpy.pickle.vat.Vat`` -> ``Vat``: the class as the reader knows it; the full name
    goes in the help."""
    return qualified.rsplit(".", 1)[-1]
