"""Finding texts: a first line that fits in 100 characters whatever the names, and a help line.

A finding's message names the thing and says what to do; its help adds one thing the message
does not say (why it matters, or where the thing comes from); the long reason is in the rule's
documentation. Names come from the checked code and can be any length (``load_vat(dc, None,
None).spot_map``), so each rule writes its text as a template and :func:`fit` shortens the
longest names, in the middle, until the line fits: a line never grows past the limit, and what
is kept of a name is its start and its end (``current_...vat_or_raise()``).
"""

from __future__ import annotations

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


def elide(name: str, width: int) -> str:
    """``name`` in at most ``width`` characters: its start and (the longer part) its end."""
    if len(name) <= width:
        return name
    keep = max(width - len(ELISION), 2)
    head = (keep + 1) // 2
    return name[:head] + ELISION + name[len(name) - (keep - head):]


def fit(template: str, /, **names: str) -> str:
    """``template.format(**names)``, the longest names cut in the middle until it is at most
    MESSAGE_LIMIT characters long (or every name is down to MIN_NAME). Whitespace in a name (an
    expression written over several lines) becomes one space: a message is one line."""
    return _fit(template, MESSAGE_LIMIT, names)


def fit_help(template: str, /, **names: str) -> str:
    """:func:`fit` for a help line (HELP_LIMIT)."""
    return _fit(template, HELP_LIMIT, names)


def _fit(template: str, limit: int, names: dict[str, str]) -> str:
    values = {key: " ".join(value.split()) for key, value in names.items()}
    text = template.format_map(values)
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
            values[key] = elide(values[key], target)
        text = template.format_map(values)
    return text


def short_type(qualified: str) -> str:
    """``driftpy.pickle.vat.Vat`` -> ``Vat``: the class as the reader knows it; the full name
    goes in the help."""
    return qualified.rsplit(".", 1)[-1]
