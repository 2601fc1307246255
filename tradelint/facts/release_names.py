"""The words a method's name uses to say it ends something: ``close``, ``stop_monitoring``,
``close_all``, ``__aexit__``. Apart from the summaries that use them, so that what the summaries
read (the elements a class keeps in a collection of its own) can ask them too."""

from __future__ import annotations

import ast
import re

__all__ = [
    "BARE_RELEASE", "DUNDER_RELEASE", "LEADING_RELEASE", "TEST_TEARDOWNS", "exit_release", "is_release_name", "release_arguments",
    "release_call", "releases_name",
]

# Names of methods that end a class's resources, beyond the configured shutdown names: the
# class's own words for it (``stop_monitoring``, ``close_all``, ``_release_http``).
_LEADING_WORD = (
    r"^(a?close|stop|shutdown|disconnect|cleanup|clean_up|teardown|tear_down|terminate|dispose|release|"
    r"finalize|destroy)(_\w*)?$"
)
_RELEASE_WORD = re.compile(
    _LEADING_WORD
    # A suffix names a release less surely (``command_stop`` is a bot command): only the words
    # that mean nothing else.
    + r"|^\w+_(a?close|shutdown|disconnect|cleanup|teardown)$"
)
LEADING_RELEASE = re.compile(_LEADING_WORD)
# A release word alone (``close``, ``_stop``): the class's end, not one part of it.
BARE_RELEASE = re.compile(r"^(a?close|stop|shutdown|disconnect|cleanup|teardown|terminate)$")
DUNDER_RELEASE = ("__aexit__", "__exit__", "__del__")
# unittest's teardown hooks, spelled in camelCase.
TEST_TEARDOWNS = ("tearDown", "asyncTearDown")


def is_release_name(name: str) -> bool:
    if name in DUNDER_RELEASE:
        return name != "__del__"
    return name in TEST_TEARDOWNS or bool(_RELEASE_WORD.match(name.lstrip("_")))


def releases_name(node: ast.AST, name: str) -> bool:
    """``node`` is a call of a release of the local ``name``: ``name.close()``, ``name.stop_all()``."""
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_release_name(node.func.attr)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == name
    )


def release_arguments(close: str) -> str:
    """The arguments a call of the release ``close`` is written with: a context manager's exit
    called by hand takes the three of an exit without an exception (``__aexit__(None, None,
    None)``; ``__aexit__()`` raises ``TypeError`` on ``async def __aexit__(self, exc_type, exc,
    tb)``); any other release none."""
    return "None, None, None" if exit_release(close) else ""


def release_call(close: str) -> str:
    """A call of the release ``close`` as advice writes it: ``close()``, ``__aexit__(None, None, None)``."""
    return f"{close}({release_arguments(close)})"


def exit_release(close: str) -> bool:
    """The release ``close`` (a method, or a path to one: ``api.__aexit__``) is a context manager's
    exit: ``async with`` (or ``with``) is the way to it."""
    return close.rpartition(".")[2] in ("__aexit__", "__exit__")
