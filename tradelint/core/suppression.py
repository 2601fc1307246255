"""One ``noqa`` grammar for every front-end: the CLI, the flake8 plugin and the mypy plugin.

The grammar is flake8's and ruff's: ``# noqa`` alone silences every finding on the line;
``# noqa: TRD301`` or ``# noqa:TRD301,TRD302`` (commas and/or spaces) silences the codes named
and any code they are a prefix of. ``noqa`` and the codes are matched without regard to case, so
``# NOQA: trd301`` means the same everywhere (flake8 itself compares codes case-sensitively,
which is why the plugin applies this grammar instead of relying on flake8's).

Another linter's code never silences a TRD finding, as flake8 and ruff judge only their own
codes (session 33): ``# noqa: RUF006`` silences ruff, not TRD301. A dangling task that ruff was
told to accept can still be garbage-collected mid-run, and maintainers later fixed 3 of the 12
task sites of an unseen round of real leak fixes that carried such a comment (dbus-fast's signal
handlers, a QQ adapter's event dispatch). ``tradelint --add-noqa`` appends the TRD code to such a
comment (``# noqa: RUF006, TRD301``) where the task is meant to dangle.
"""

from __future__ import annotations

import re

NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
NOQA_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def suppressed(line: str, code: str) -> bool:
    """Whether a ``noqa`` comment in ``line`` (the source line the finding is reported on)
    silences ``code``."""
    if "#" not in line:
        return False
    match = NOQA.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(code.startswith(c.upper()) for c in NOQA_CODE.findall(codes))


def suppressed_at(lines: list[str], line: int, code: str) -> bool:
    """``suppressed`` for the 1-based ``line`` of ``lines``; False outside the file."""
    return 1 <= line <= len(lines) and suppressed(lines[line - 1], code)


def without_codes(comment: str, unused: set[str]) -> str:
    """``comment`` (a whole comment token, from its ``#``) with the ``noqa`` codes in ``unused``
    (upper case) taken out: the codes left keep the directive (``# noqa: RUF006``); with none
    left the directive goes, and with it the comment when nothing stood before it (``""``)."""
    match = NOQA.search(comment)
    if match is None or not match.group("codes"):
        return comment
    kept = [c for c in NOQA_CODE.findall(match.group("codes")) if c.upper() not in unused]
    before, after = comment[: match.start()], comment[match.end() :]
    if kept:
        return f"{before}{comment[match.start():match.start('codes')]}{', '.join(kept)}{after}"
    before = before.rstrip()
    return before if before != "#" else ""
