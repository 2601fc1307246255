"""A resource on ``self`` closed at the end of its owner's life only when an earlier step of that
ending succeeded: ``logout = await self.client.logout()`` then ``if isinstance(logout,
LogoutResponse): await self.client.close()`` (vranki/hemppa ``0738e78e``: a failed logout left the
client's session open at exit). The close hangs on what the step returned, not on the resource's
own state: on the other outcome the release method returns with it open, and nothing else ends it.
A guard on the resource itself (``if self.client is not None``, ``if not self.ws.closed``), on a
flag of the instance (``if self._owns_session``: ownership, set when it was made) or on a
parameter is not this: only a local bound from an awaited call of the same method counts."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.models.resources.flag_resets import flag_reset_open
from tradelint.models.resources.proofs import dropped_unclosed, replaces_unclosed
from tradelint.models.resources.rerun_replaced import replaced_again
from tradelint.models.resources.resource_types import Creation, Problem


def self_left_open(
    module: ModuleInfo, creations: list[Creation], c: Creation, unhanded: Callable[[Creation], str | None] | None = None
) -> tuple[Problem | None, str]:
    """What leaves ``self.<attr>`` open although the class closes it: a new one stored over it,
    a method dropping it, a release that hangs on an earlier step's outcome, or (``unhanded``:
    :func:`.handoff_paths.kept_before_handoff`) a way out of the making method before the
    hand-off that is its only end (with the detail the message names)."""
    if replaces_unclosed(module, creations, c):
        return "self_replaced", ""
    if (again := replaced_again(module, c)) is not None:
        return "self_replaced_again", "|".join(again)  # a method that runs again stores over it
    if dropped := dropped_unclosed(module, c):
        return "self_dropped", dropped
    if c.cls is not None and (method := closed_on_one_outcome(c.cls, c.name, frozenset({c.spec.close, "close", "aclose", *c.spec.ends}))):
        return "self_closed_on_one_outcome", method
    if (reset := flag_reset_open(module.tree, c)) is not None:
        return "self_flag_reset_open", reset
    if unhanded is not None and (kept := unhanded(c)) is not None:
        return "self_kept_before_handoff", kept
    return None, ""


def closed_on_one_outcome(cls: ast.ClassDef, attr: str, closes: frozenset[str]) -> str | None:
    """``method()`` (the release method's name) when every close of ``self.<attr>`` in the
    class's own methods sits in the body of an ``if`` testing such an outcome, whose ``else``
    does not close it; None when one close does not, or when the class closes it nowhere."""
    found: str | None = None
    for method in cls.body:
        if not isinstance(method, FUNCTION_NODES) or not method.args.args:
            continue
        me = method.args.args[0].arg
        outcomes = _awaited_locals(method)
        for node in walk(method):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in closes
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == attr
                and isinstance(node.func.value.value, ast.Name) and node.func.value.value.id == me
            ):
                continue
            if not outcomes or not _under_outcome(method, node, outcomes, me, attr, closes):
                return None
            found = found or method.name
    return found


def _awaited_locals(method: ast.AST) -> frozenset[str]:
    """Locals the method binds from an awaited call (``logout = await self.client.logout()``)."""
    return frozenset(
        t.id for n in walk(method) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Await)
        for t in n.targets if isinstance(t, ast.Name)
    )


def _under_outcome(method: ast.AST, close: ast.Call, outcomes: frozenset[str], me: str, attr: str, closes: frozenset[str]) -> bool:
    for node in walk(method):
        if not isinstance(node, ast.If) or not any(n is close for s in node.body for n in walk(s)):
            continue
        names = {n.id for n in walk(node.test) if isinstance(n, ast.Name)}
        on_self = any(isinstance(n, ast.Attribute) and n.attr == attr for n in walk(node.test))
        closed_else = any(
            isinstance(n, ast.Attribute) and n.attr in closes and isinstance(n.value, ast.Attribute) and n.value.attr == attr
            for s in node.orelse for n in walk(s)
        )
        if names & outcomes and me not in names and not on_self and not closed_else:
            return True
    return False
