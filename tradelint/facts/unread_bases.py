"""A release method named for what it ends (``stop_audio()``) on a class whose lineage is not all
read: no proof that it is the end of the object's life.

A class's own word for its release is where a fix adds the end of what the class holds: a
method named by a release word alone (``close()``, ``stop()``), or by the word and what it ends
(``stop_monitoring()``, ``close_all()``). The second kind may end one part of the object, mid-life,
while the object's end is a method a base defines: a voice agent's text-to-speech plugin
implements the abstract ``stop_audio()`` of a base whose ``interrupt()`` calls it on every
barge-in and whose ``close()`` ends the service. When that base is in another distribution that
is not found, nothing read says which method ends the object, and a fix must see the method
proven the end (``facts.end_of_life``) before it ends anything there. A base of the standard
library or a builtin is read enough: it defines no end of an application object."""

from __future__ import annotations

import builtins
import sys

from tradelint.facts.context import Project
from tradelint.facts.named_classes import resolve_ref
from tradelint.facts.release_names import BARE_RELEASE, DUNDER_RELEASE, TEST_TEARDOWNS
from tradelint.facts.summary_data import ClassFacts, ModuleSummary

_BUILTIN_NAMES = frozenset(dir(builtins))


def own_word_for_a_part(name: str, configured: tuple[str, ...], teardown: str | None) -> bool:
    """Whether ``name`` is a class's own word for a release that names what it ends
    (``stop_audio()``, ``close_all()``): not a bare release word, a configured shutdown name, a
    dunder, a test teardown or the framework's ``teardown``."""
    return (
        name not in configured
        and name not in DUNDER_RELEASE
        and name not in TEST_TEARDOWNS
        and name != teardown
        and BARE_RELEASE.match(name.lstrip("_")) is None
    )


def unread_base(project: Project, family: list[tuple[ModuleSummary, ClassFacts]]) -> bool:
    """Whether a class of ``family`` (a class and its first-party bases) derives from a class no
    summary reads, outside the standard library and the builtins."""
    for module, facts in family:
        for ref in facts.bases:
            if resolve_ref(project, module, ref) is not None:
                continue
            kind, name = ref
            top = name.partition(".")[0]
            if kind == "qualified" and (top in sys.stdlib_module_names or top == "builtins"):
                continue
            if kind == "local" and name in _BUILTIN_NAMES:
                continue
            return True
    return False
