"""An object kept on ``self`` whose class holds a resource it never releases (issue 28, session
34): ``self._inference = AsyncInference(config)`` in a client whose ``close()`` closes only its
own HTTP client, where ``AsyncInference.__init__`` makes its own ``AsyncHTTPClient`` and the
class has no release at all (pinecone-io/pinecone-python-client ``173e3119``). The owner ends
its own life (it has a release method), but nothing it can call ends what the held object
holds: each owner closed leaks the held object's resource. The held class's own TRD202 finding
says what it leaks; this one says which owner's end should reach it.

The owner's end is what runs at the end of its life (session 60, :func:`owner_release`): a
framework's hook for it, the model's release method when named or proven the object's end, a
teardown it defines; not any release-like name (eufy_security's websocket callback
``on_close()`` had been taken for its coordinator's end, whose end is ``async_shutdown()``)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_of_life import TEARDOWN_METHODS, end_of_life, framework_end
from tradelint.facts.ownership import release_method
from tradelint.facts.summaries import DUNDER_RELEASE, LEADING_RELEASE, TEST_TEARDOWNS, is_release_name
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.resources.owner_closes import closed_by_an_owner_of_family
from tradelint.models.resources.resource_types import Creation, Problem


def holder_left_open(
    module: ModuleInfo, c: Creation, class_closes: Callable[[Creation], bool], configured: tuple[str, ...]
) -> Problem | None:
    """``self_holder_left_open`` when the class keeping ``c`` on ``self`` has a release method
    and no code of the project ends ``self.<name>`` or reaches in to close what it holds; None
    otherwise (an owner with no end of its own is a chain with no end to hang the close on: the
    held class's own finding is the one to act on)."""
    assert c.cls is not None
    if owner_release(module, c.cls, configured) is None:
        return None
    if c.spec.leaves:
        # The held class's own release leaves its part open: only a close of that part counts.
        return None if _closes_part(module, c.name, c.spec.holds) else "self_holder_release_leaves"
    if class_closes(c) or closed_by_an_owner_of_family(module, c.cls, c.name, frozenset({c.spec.close, "close", "aclose"})):
        return None
    return "self_holder_left_open"


def owner_release(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> str | None:
    """The method that runs at the end of a ``cls`` object's life, where a fix would end what it
    holds; None when it has none. First what a framework runs at its end, defined or inherited
    (:func:`end_of_life.framework_end`: an entity's ``async_will_remove_from_hass()``, a
    coordinator's ``async_shutdown()``, a cog's ``cog_unload()``); else the ownership model's
    release method (:func:`ownership.release_method`) when its name says it ends the whole
    object (a configured shutdown name, a leading release word: ``stop_monitoring``) or
    :func:`end_of_life.end_of_life` proves it the object's last act: a callback named for an
    event (``on_close()``, ``handle_disconnect()``), which runs when something else closes, is
    no end of the owner; else a teardown the class defines for a framework or the context
    manager protocol (:data:`end_of_life.TEARDOWN_METHODS`)."""
    end = framework_end(module, cls)
    if end is not None:
        return end
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for _, node in class_and_bases(module, cls):  # the nearest definition of each name
        for stmt in reversed(node.body):
            if isinstance(stmt, FUNCTION_NODES):
                methods.setdefault(stmt.name, stmt)
    # What an owner's caller is told to call: a named method before ``__aexit__`` (as
    # ``ownership.release_entry`` orders them); ``__aexit__`` itself comes last, below.
    name = release_method(module, cls, tuple(n for n in configured if n not in DUNDER_RELEASE))
    method = methods.get(name) if name is not None else None
    if method is not None and (_names_the_end(method.name, configured) or end_of_life(module, cls, method, configured) is None):
        return method.name
    return next((name for name in TEARDOWN_METHODS if name in methods), None)


def _names_the_end(name: str, configured: tuple[str, ...]) -> bool:
    """``close``, ``stop_monitoring``, ``_close``, ``tearDown``, ``__aexit__``, a configured
    shutdown name: a name that says it ends the object, not that it answers an event of it."""
    return (
        name in configured or name in DUNDER_RELEASE or name in TEST_TEARDOWNS
        or bool(LEADING_RELEASE.match(name.lstrip("_")))
    )


def _closes_part(module: ModuleInfo, name: str, part: str) -> bool:
    """Whether ``module`` closes ``<...>.<name>.<part>`` (``self.gen._session.close()``)."""
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and is_release_name(n.func.attr)
        and isinstance(held := n.func.value, ast.Attribute) and held.attr == part
        and isinstance(held.value, ast.Attribute) and held.value.attr == name
        for n in module.index.calls
    )
