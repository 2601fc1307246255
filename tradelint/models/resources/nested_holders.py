"""A resource a function hands into the first-party holder it returns, through the parts that
holder keeps (issue 28 point 1, session 57).

``session = ClientSession(); return Device(Config(session))``: ``Config`` keeps the session as
``self.session`` and releases nothing, ``Device`` keeps the configuration as ``self.config`` and
its ``close()`` awaits ``self.config.session.close()``. The holder's lifecycle releases the
attribute path the session ends up in (``config.session``), directly or through a part that
releases the rest (``Device.close()`` awaiting ``self.config.close()``, which closes
``self.session``): the session moved into the holder where it was handed over, and the function
is a factory of the holder, released by the holder's release; its callers are judged for it (one
that never releases it is reported there, :func:`nested_holder_spec`). A holder whose release
leaves the path open (none, or one that closes something else) takes nothing: the creator still
owns the resource, as before.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.class_family import class_of_cls
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named, stored_at
from tradelint.facts.ownership import Family, OwnershipModel, lineage, release_entry, releases_attr
from tradelint.facts.summary_data import MethodFacts
from tradelint.facts.syntax import own_returns
from tradelint.facts.uses import bound_once, name_loads
from tradelint.models.resources.resource_types import ResourceSpec


def holding_chain(module: ModuleInfo, value: ast.expr) -> list[tuple[ast.Call, str, Family]]:
    """The first-party constructors ``value`` is passed into, innermost first, each with the
    attribute it keeps what it is given in and its class's lineage: ``Device(Config(session))``
    from ``session`` is [(``Config(...)``, ``session``), (``Device(...)``, ``config``)]. Stops at
    the first call that is no first-party constructor keeping it."""
    chain: list[tuple[ast.Call, str, Family]] = []
    while True:
        parent = module.parent(value)
        keyword = parent.arg if isinstance(parent, ast.keyword) else None
        if isinstance(parent, ast.keyword):
            parent = module.parent(parent)
        if not isinstance(parent, ast.Call) or value is parent.func:
            return chain
        found = class_named(module, class_of_cls(module, parent.func) or parent.func)
        if found is None:
            return chain
        family = lineage(module.project, found[0], found[1])
        if keyword is not None:
            attr = next((f.stored_params[keyword] for _, f in family if keyword in f.stored_params), None)
        elif value in parent.args:
            attr = stored_at(module.project, family, parent.args.index(value))
        else:
            attr = None
        if attr is None:
            return chain
        chain.append((parent, attr, family))
        value = parent


def chain_release(model: OwnershipModel, chain: list[tuple[ast.Call, str, Family]]) -> MethodFacts | None:
    """The release of the outermost holder of ``chain`` that releases what the chain starts
    from: the outermost family releases the whole attribute path (``self.config.session``), or
    the part it keeps (``self.config``), whose own holder releases the rest, and so on inward.
    None when some level leaves it open."""
    if not chain:
        return None
    *inner, (_, attr, family) = chain
    path = ".".join([attr, *(a for _, a, _ in reversed(inner))])
    releaser = _releaser(family, path)
    if releaser is None and inner and chain_release(model, inner) is not None:
        releaser = _releaser(family, attr)
    return release_entry(family, releaser, model.configured) if releaser is not None else None


def _releaser(family: Family, path: str) -> str | None:
    words = frozenset(how for _, f in family for m in f.methods.values() for owner, how in m.releases if owner == path)
    return releases_attr(family, path, frozenset({"close", "aclose"}) | words)


def moved_into_returned_holder(module: ModuleInfo, model: OwnershipModel, value: ast.expr) -> bool:
    """Whether ``value``, handed to a first-party part that keeps it without releasing it, goes
    on through such parts into a holder its function hands out (:func:`returned_holder`) and
    whose release releases it (:func:`chain_release`): the hand-off to the innermost part is
    the hand-off to that holder (judged as one, an ``await`` before it included)."""
    function = module.enclosing_function(value)
    chain = holding_chain(module, value)
    return (
        function is not None and len(chain) >= 2 and returned_holder(module, function, chain[-1][0])
        and chain_release(model, chain) is not None
    )


def returned_holder(module: ModuleInfo, function: ast.AST, holder: ast.Call) -> bool:
    """Whether ``function`` returns what ``holder`` makes: ``return Device(...)``, or ``device =
    Device(...)``, bound once, what every ``return`` of its own frame that returns a value returns."""
    parent = module.parent(holder)
    if isinstance(parent, ast.Return):
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    local = parent.targets[0].id
    returns = [r.value for r in own_returns(function) if r.value is not None]
    return bound_once(function, local) is holder and bool(returns) and all(isinstance(r, ast.Name) and r.id == local for r in returns)


def nested_holder_spec(
    module: ModuleInfo,
    model: OwnershipModel,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    made_here: Callable[[ast.Call], bool],
) -> ResourceSpec | None:
    """The spec of the first-party holder ``call`` (returned by ``function``) that a resource
    ``function`` makes is passed into through the holder's parts (``Device(Config(session))``,
    ``session`` made here, directly or through a local bound once and read once), when the
    holder's release releases it: released by that release. None otherwise."""
    for node in ast.walk(call):
        value: ast.expr = node if isinstance(node, ast.expr) else call
        if isinstance(node, ast.Name):
            made = _bound_once_used_once(module, function, node.id)
            if made is None:
                continue
        elif isinstance(node, (ast.Call, ast.Await)) and node is not call:
            made = node.value if isinstance(node, ast.Await) else node
            if isinstance(node, ast.Call) and isinstance(module.parent(node), ast.Await):
                continue  # (judged from its ``await``)
        else:
            continue
        if not (isinstance(made, ast.Call) and made_here(made)):
            continue
        chain = holding_chain(module, value)
        if len(chain) < 2 or chain[-1][0] is not call:
            continue  # (a holder given it directly: ``made_holder``)
        entry = chain_release(model, chain)
        if entry is not None:
            return ResourceSpec(entry.name, first_party=True, awaited=entry.is_async, coroutine_close=entry.is_async)
    return None


def _bound_once_used_once(module: ModuleInfo, function: ast.AST, name: str) -> ast.expr | None:
    """What the local ``name`` is bound to (awaited: what the ``await`` gives), when it is bound
    once and read once."""
    if len(list(name_loads(function, name))) != 1:
        return None
    value = bound_once(function, name)
    return value.value if isinstance(value, ast.Await) else value
