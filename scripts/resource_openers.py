"""The table's **owner** rule for a class that opens what it holds in a method of its own and
ends it in another (``scripts/make_resource_table.py``).

A library client often opens its connection in a public coroutine (``connect()``, ``start()``)
through private helpers, and ends it in another public method (``disconnect()``, ``stop()``)
that runs a private one, sometimes as a task (``asyncio.create_task(self._async_disconnect())``).
The first-party ownership rule finds such a class, but names the first private method that
releases the holding (``_cleanup_ws``, which ``connect()`` itself runs to drop an old
connection): a name its users never call, which the table cannot take. :func:`public_release`
is the public method that ends the instance instead: one that releases the holding or reaches a
private release of it (the first-party rule's own reading of "the method a holder calls").
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from functools import partial

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import Family, OwnershipModel, attr_releasers, family_methods, lineage, reached_from, release_entry
from tradelint.facts.summaries import is_release_name
from tradelint.facts.summary_data import ClassFacts, MethodFacts, ModuleSummary

from tradelint.facts.context import Project


def attr_release(
    family: Family, attr: str, close: str = "close", accept: Callable[[MethodFacts], bool] = lambda entry: True
) -> tuple[str, bool] | None:
    """(name, is a coroutine) of the public method that ends an instance by releasing
    ``self.<attr>`` (``close``, ``aclose`` or ``close``, the way the holding is released), or
    that reaches a private method releasing it; the first such method ``accept`` takes."""
    for releaser in attr_releasers(family, attr, frozenset({close, "close", "aclose"})):
        entry = release_entry(family, releaser, ())
        # (a release by its name, ``async_close`` too: never aiogram 3's ``context()``, an
        # ``async with`` helper that closes the session at its end)
        if entry is not None and not entry.name.startswith("_") and release_named(entry.name) and accept(entry):
            return entry.name, entry.is_async
    return None


def release_named(name: str) -> bool:
    """A release word names the method, alone or after a prefix (``async_close``)."""
    return is_release_name(name) or is_release_name(name.split("_", 1)[-1])


def public_release(project: Project, model: OwnershipModel, summary: ModuleSummary, facts: ClassFacts) -> tuple[str, bool] | None:
    """(name, is a coroutine) of the public method that ends an instance of the class by
    releasing a resource it holds, reached from that method; None when only private methods
    release what it holds (a class whose holding its users cannot end)."""
    family = lineage(project, summary, facts)
    for attr, (close, _) in _holdings(model, family, made=False):
        found = attr_release(family, attr, close, partial(_releases, model, family, attr))
        if found is not None:
            return found
    return None


def _holdings(model: OwnershipModel, family: Family, made: bool) -> Iterator[tuple[str, tuple[str, bool]]]:
    """What the lineage keeps on ``self`` and how each is released: what a constructor makes (a
    project's maker aside), then, with ``made``, what another library's maker makes
    (``ClassFacts.made``), class by class."""
    for owner_module, owner in family:
        for acquisition in owner.acquisitions:
            how = None if acquisition.ref[0] in ("maker", "class_maker") else model.owned_close(owner_module, acquisition.ref)
            if how is not None:
                yield acquisition.attr, how
        for kept in owner.made if made else ():
            how = model.method_close(owner_module, kept)
            if how is not None:
                yield kept.attr, how


def _bindings(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[tuple[ast.expr, int | None]]]:
    """Each local of ``function`` -> the values bound to it, with the element of a tuple
    target it takes (``transport, protocol = await loop.create_connection(...)``)."""
    bound: dict[str, list[tuple[ast.expr, int | None]]] = {}
    for node in ast.walk(function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not function:
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append((node.value, None))
            elif isinstance(target, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in target.elts):
                for index, element in enumerate(target.elts):
                    if isinstance(element, ast.Name):
                        bound.setdefault(element.id, []).append((node.value, index))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)):
            for name in ast.walk(node.target if isinstance(node, (ast.For, ast.AsyncFor, ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) else ast.Tuple([i.optional_vars for i in node.items if i.optional_vars is not None], ast.Load())):
                if isinstance(name, ast.Name):
                    bound.setdefault(name.id, []).append((name, None))  # bound otherwise: not one value
    return bound


def given_wrapper_factory(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    owner: ast.ClassDef | None,
    made_close: Callable[[ast.Call, int | None], str | None],
    wrapper_release: Callable[[ast.expr, ast.Call, str | int, str], tuple[str, bool] | None],
) -> tuple[str, bool] | None:
    """**factory**, through a wrapper: a public function (or class method) that opens a resource
    and returns, on every path, a new instance of a class of the library handed it, a class whose
    public release method releases what that parameter is kept as: gmqtt's
    ``MQTTConnection.create_connection()``, ``transport, protocol = await
    loop.create_connection(...)`` then ``return MQTTConnection(transport, protocol, ...)``, whose
    ``close()`` closes ``self._transport``. The caller owns the wrapper and ends it by that
    release: (its name, is a coroutine). ``made_close``: the release of what a call makes
    (element ``i`` of the tuple it returns), None when it is no resource; ``wrapper_release``:
    the public release of the class a call names that releases the parameter at a position or
    of a name the way it is released (``cls`` inside a class method names ``owner``)."""
    bound = _bindings(function)
    returned: list[ast.expr] = []
    for node in ast.walk(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Return):
            if node.value is None:
                return None
            returned.append(node.value)
    if not returned:
        return None
    found: set[tuple[str, bool]] = set()
    for value in returned:
        if isinstance(value, ast.Name) and len(bound.get(value.id, ())) == 1:
            value = bound[value.id][0][0]
        value = value.value if isinstance(value, ast.Await) else value
        if not isinstance(value, ast.Call):
            return None
        release = None
        arguments: list[tuple[str | int, ast.expr]] = [(i, a) for i, a in enumerate(value.args) if not isinstance(a, ast.Starred)]
        arguments += [(k.arg, k.value) for k in value.keywords if k.arg is not None]
        for where, argument in arguments:
            if not isinstance(argument, ast.Name) or len(bound.get(argument.id, ())) != 1:
                continue
            made, part = bound[argument.id][0]
            made = made.value if isinstance(made, ast.Await) else made
            close = made_close(made, part) if isinstance(made, ast.Call) else None
            if close is None:
                continue
            release = wrapper_release(value.func, value, where, close)
            if release is not None:
                break
        if release is None:
            return None
        found.add(release)
    return found.pop() if len(found) == 1 else None


def named_release(
    project: Project, model: OwnershipModel, summary: ModuleSummary, facts: ClassFacts, first: str
) -> tuple[str, bool] | None:
    """(name, is a coroutine) of the public release-named method that ends an instance of the
    class by releasing what ``first`` releases, a public method no release word names that the
    first-party rule took for the release as the first to release the holding (aionanit's
    ``WsTransport.async_force_reconnect()``, which closes the socket for its reader to open
    another; ``async_close()`` closes it through ``_async_close_ws()``): the holding, made by a
    constructor or by another library's maker (``ClassFacts.made``), released by the method
    itself or by one it reaches, a coroutine when the holding's release is awaited (a plain
    method ending an awaited holding blocks on a loop of its own: aiotg's ``run()``, left as it
    is). None when no such method releases it: ``first`` stays."""
    family = lineage(project, summary, facts)
    methods = family_methods(family)
    released = {owner for name in {first, *reached_from(methods, first)} if name in methods for owner, _ in methods[name].releases}
    aliases = {name: source for _, member in family for name, source in member.properties.items()}
    released |= {aliases[name] for name in released if name in aliases}
    for attr, (close, awaited) in _holdings(model, family, made=True):
        if attr not in released:
            continue
        # (not ``first`` itself; a coroutine when the holding's release is awaited)
        found = attr_release(family, attr, close, partial(_other_release, model, family, attr, first, awaited))
        if found is not None:
            return found
    return None


def _other_release(model: OwnershipModel, family: Family, attr: str, first: str, awaited: bool, entry: MethodFacts) -> bool:
    return entry.name != first and (entry.is_async or not awaited) and _releases(model, family, attr, entry)


def _releases(model: OwnershipModel, family: Family, attr: str, entry: MethodFacts) -> bool:
    """``entry`` is a release of ``self.<attr>`` for the table (``resource_lifetimes``, through
    the model): not a method that makes the holding itself, nor a generator."""
    return not model.not_a_release(family, attr, entry)
