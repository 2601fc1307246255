"""A part a class makes for the holder it keeps (issue 28 point 1: ownership is transitive).

``self.protocol = protocol or IotProtocol(transport=XorTransport(config=config))``: the class
keeps an ``IotProtocol`` that holds nothing of its own, but is given a transport made for it right
there; ``IotProtocol.close()`` closes what it is given, and the class's own end (``await
self.protocol.close()``) closes the transport through it. A class summary records such a part as a
second acquisition of the same attribute (:func:`given_made`), so that the class is read as owning
what its holder holds (python-kasa's ``Device``, round 10's development half). A release of the
attribute that does not reach the part (a holder that never closes what it is given) is no
release of it, as for any acquisition read through a release name of the wrong kind."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TypeVar

from tradelint.facts.summary_data import Acquisition, Ref
from tradelint.facts.syntax import capword

M = TypeVar("M")


def given_made(call: ast.Call, ref: Ref, ref_of: Callable[[ast.expr], Ref | None]) -> Iterator[Ref]:
    """The refs of the constructor calls ``call`` (itself a constructor: ``ref``'s last name is
    CapWords) is given, by position or keyword (awaited or not): ``XorTransport`` for
    ``IotProtocol(transport=XorTransport(config=config))``."""
    if not capword(ref[1].rpartition(".")[2]):
        return
    for arg in (*call.args, *(k.value for k in call.keywords)):
        inner = arg.value if isinstance(arg, ast.Await) else arg
        if isinstance(inner, ast.Call) and isinstance(inner.func, (ast.Name, ast.Attribute)):
            name = inner.func.id if isinstance(inner.func, ast.Name) else inner.func.attr
            if capword(name) and (found := ref_of(inner.func)) is not None:
                yield found


def held_through_holders(acquired: list[tuple[M, Acquisition]], owned: Callable[[M, Ref], object | None]) -> list[tuple[M, Acquisition]]:
    """``acquired`` without the parts :func:`given_made` read where the holder they were given to
    is a resource of its own (``ClientSession(connector=TCPConnector())``: the session is what the
    class holds, and its own spec says what it does with its connector): a part stands for its
    holder only where the holder holds nothing by itself. Each part follows its holder's
    acquisition (same attribute, method and line)."""
    kept: list[tuple[M, Acquisition]] = []
    first: dict[tuple[str, str, int], bool] = {}
    for owner, acquisition in acquired:
        key = (acquisition.attr, acquisition.method, acquisition.line)
        if key not in first:
            first[key] = owned(owner, acquisition.ref) is not None
        elif first[key]:
            continue
        kept.append((owner, acquisition))
    return kept
