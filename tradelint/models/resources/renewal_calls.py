"""A method called before a renewal that provably leaves the old value alone (issue 28, point 5).

A renewing method that calls another method of its class first (``await self.disconnect(True)``
then ``self.init_udp_client()``) may close the old value there, so the renewal is not judged. When
that method's code (and what it calls on ``self``, within the class) shows it cannot end
``self.<attr>``, it does not: the renewal drops the old value unclosed (XKNX/xknx ``b93be2a2``:
``disconnect()`` only hands the UDP client to a ``Disconnect`` request, a class of the project that
releases nothing, and ``reconnect()`` then made a new client over the open one).

What leaves the value alone: a call of a method of it whose name is no release (``self.x.send()``),
a test of it (``self.x is None``), and handing it to a first-party class whose whole lineage
releases nothing it is given (it may use it, it cannot end it). Any other use (a release, an alias, a store,
a return, a call of anything else with it) and any method not defined in the class itself (a
base's, unread) may end it."""

from __future__ import annotations

import ast
import re

from tradelint.facts.context import ModuleInfo
from tradelint.facts.holders import constructed_family
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr, self_name

# Any call that may end the value or everything its owner holds (``own_closes``' reading).
_RELEASE_CALL = re.compile(r"^_*(async_)?(a?close|stop|shutdown|disconnect|cleanup|clean_up|tear_?down|terminate|release|reset|dispose|destroy|quit|exit|kill|cancel)")


def leaves_alone(module: ModuleInfo, cls: ast.ClassDef, method: str, attr: str, seen: frozenset[str] = frozenset()) -> bool:
    """Whether calling ``self.<method>()`` of ``cls`` provably cannot end ``self.<attr>``."""
    if method in seen or len(seen) > 8:
        return method in seen  # (a cycle ends nothing more; too deep is not followed)
    defined = [s for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == method]
    if len(defined) != 1 or defined[0].decorator_list:
        return False  # inherited, redefined or wrapped: not read
    function = defined[0]
    receiver = self_name(function)
    if receiver is None:
        return False
    for node in walk(function):
        if self_attr(node, receiver) == attr and not _harmless_use(module, node):
            return False
        if (
            isinstance(node, ast.Call)
            and (called := self_attr(node.func, receiver)) is not None
            and called != attr
            and not leaves_alone(module, cls, called, attr, seen | {method})
        ):
            return False
    return True


def _harmless_use(module: ModuleInfo, node: ast.AST) -> bool:
    parent = module.parent(node)
    if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
        return False  # a store or a delete: the value is replaced or dropped there
    if isinstance(parent, ast.Compare):
        return True
    if isinstance(parent, ast.Attribute) and parent.value is node:
        call = module.parent(parent)
        return isinstance(call, ast.Call) and call.func is parent and not _RELEASE_CALL.match(parent.attr)
    if isinstance(parent, ast.Call) and (node in parent.args or any(k.value is node for k in parent.keywords)):
        return _releases_nothing(module, parent)
    return False


def _releases_nothing(module: ModuleInfo, call: ast.Call) -> bool:
    """``Disconnect(self.xknx, self.udp_client, ...)``: a first-party class whose lineage, read
    whole, releases nothing it is given (no method ends an attribute that keeps a parameter)."""
    family = constructed_family(module, call)
    if family is None:
        return False
    if sum(len(f.bases) for _, f in family) != len(family) - 1:
        return False  # a base read from nowhere (a library's) may release it
    given = {a for _, f in family for a in (*f.stored_params.values(), *f.stored_positions.values())}
    return not any(a in given for _, f in family for m in f.methods.values() for a, _ in m.releases)
