"""A class that keeps resources as the elements of a collection of its own, and whose teardown
ends each of them, is a resource itself: ``self._clients[host] = client`` (``client =
Client(...)``) in one method, ``for client in self._clients.values(): await client.close()`` in
its ``close()``. Whoever makes an instance must call that teardown, as for a resource kept in an
attribute (``self._client = Client(...)``): nothing else reaches the elements.

The summary keeps what a class's code says of it (:func:`kept_elements`): what it adds to a
collection on ``self`` that a release-like method of its own loops over, and which release that
method calls on each element. Whether what it adds is a resource is asked of the whole project
(:func:`element_owner`), as for the class's attributes.
"""

from __future__ import annotations

import ast
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.loop_receivers import kept_local
from tradelint.facts.owned_elements import element_sources, self_collection_added
from tradelint.facts.release_names import is_release_name
from tradelint.facts.summary_data import Acquisition, ClassFacts, MethodFacts, ModuleSummary, Ref
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr

__all__ = ["ElementEnd", "element_owner", "kept_elements"]

# (method, collection attribute, the release it calls on each element, whether awaited)
ElementEnd = tuple[str, str, str, bool]

Function = ast.FunctionDef | ast.AsyncFunctionDef


def kept_elements(
    module: ModuleInfo,
    cls: ast.ClassDef,
    receiver_of: Callable[[Function], str | None],
    ref_of: Callable[[ModuleInfo, ast.expr], Ref | None],
) -> tuple[tuple[Acquisition, ...], tuple[ElementEnd, ...]]:
    """(what is added, how it is ended) for each collection on ``self`` that a release-like
    method of ``cls`` ends element by element; nothing for a class whose teardown ends none (most
    classes: only their release-like methods are walked then)."""
    methods = [(s, r) for s in cls.body if isinstance(s, FUNCTION_NODES) and (r := receiver_of(s)) is not None]
    ends: list[ElementEnd] = []
    for method, receiver in methods:
        if not is_release_name(method.name):
            continue
        loops = {
            name: attr for name, collection in element_sources(method, items=False)
            if (attr := _self_collection(collection, receiver)) is not None
        }
        for node in walk(method) if loops else ():
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in loops and is_release_name(func.attr):
                awaited = isinstance(node, ast.Call) and _awaited(module, node)
                ends.append((method.name, loops[func.value.id], func.attr, awaited))
    if not ends:
        return (), ()
    ended = {attr for _, attr, _, _ in ends}
    added: list[Acquisition] = []
    for method, receiver in methods:
        for node in walk(method):
            values = node.args if isinstance(node, ast.Call) and len(node.args) == 1 else [node.value] if isinstance(node, ast.Assign) else []
            for value in values:
                attr = self_collection_added(module, value, receiver)
                made = _made(module, value) if attr in ended else None
                ref = ref_of(module, made.func) if made is not None else None
                if attr is not None and ref is not None:
                    added.append(Acquisition(attr, ref, method.name, value.lineno))
    return tuple(added), tuple(sorted(set(ends)))


def element_owner(
    family: list[tuple[ModuleSummary, ClassFacts]],
    owned_close: Callable[[ModuleSummary, Ref], tuple[str, bool] | None],
    entry_for: Callable[[str], MethodFacts | None],
    held_lazily: Callable[[ModuleSummary, Ref], bool],
) -> tuple[str, bool, bool] | None:
    """(release, awaited, lazy) of a class of ``family`` that keeps resources as elements of a
    collection and ends each in its teardown (reached from the method a holder calls); None
    otherwise. Lazy when the elements are added outside ``__init__`` or hold nothing until used."""
    ends = [end for _, facts in family for end in facts.element_ends]
    for owner_module, facts in family:
        for kept in facts.elements:
            close = owned_close(owner_module, kept.ref)
            if close is None:
                continue
            for method, attr, name, awaited in ends:
                if attr != kept.attr or name not in (close[0], "close", "aclose") or close[1] and not awaited:
                    continue
                entry = entry_for(method)
                if entry is not None:
                    return entry.name, entry.is_async, kept.method != "__init__" or held_lazily(owner_module, kept.ref)
    return None


def _awaited(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether ``call``'s coroutine is awaited: ``await c.close()``, or as the element of a
    comprehension unpacked into an awaited ``asyncio.gather`` (``await asyncio.gather(*(c.close()
    for c in self._clients))``), which awaits each."""
    parent = module.parent(call)
    if isinstance(parent, (ast.GeneratorExp, ast.ListComp)) and parent.elt is call:
        starred = module.parent(parent)
        gather = module.parent(starred) if isinstance(starred, ast.Starred) else None
        if isinstance(gather, ast.Call) and module.qualify(gather.func) == "asyncio.gather":
            parent = module.parent(gather)
    return isinstance(parent, ast.Await)


def _self_collection(collection: ast.expr, receiver: str) -> str | None:
    """``self._clients``, also as ``list(self._clients.values())``: the attribute looped over."""
    if isinstance(collection, ast.Call) and isinstance(collection.func, ast.Name) and collection.func.id in ("list", "tuple") and len(collection.args) == 1:
        collection = collection.args[0]
        if isinstance(collection, ast.Call) and isinstance(collection.func, ast.Attribute) and collection.func.attr == "values" and not collection.args:
            collection = collection.func.value
    return self_attr(collection, receiver)


def _made(module: ModuleInfo, value: ast.expr) -> ast.Call | None:
    """The constructor call whose result ``value`` is: the call itself, or the one a local was
    bound to just before in the same block (``client = Client(...)``, then stored)."""
    if isinstance(value, ast.Name):
        store = next((a for a in module.ancestors(value) if isinstance(a, ast.stmt)), None)
        kept = kept_local(module, store, value.id) if store is not None else None
        if kept is None or kept[1] is not None:
            return None
        value = kept[0]
    if isinstance(value, ast.Await):
        value = value.value
    return value if isinstance(value, ast.Call) else None
