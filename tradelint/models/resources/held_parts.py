"""A resource kept inside a holder on ``self`` and closed through it (issue 28, session 37).

``client = resolve_client(config); self.ctx = ModelContext(model, client)``: the client lives on
in ``self.ctx`` after ``__init__`` (``outliving.py``), and ``ModelContext`` (a plain dataclass)
only keeps it. It is still the class's to close, and the class may do so through the holder:
``await self.ctx.client.close()`` in ``__aexit__`` (PrimeIntellect-ai/verifiers ``6552a417``,
the fix). A release method called on that very path (the holder's attribute that stores the
argument, read from the holder class's ``__init__`` or its dataclass fields) is a close of the
resource; any other call through the holder is not."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import walk
from tradelint.facts.uses import name_loads, self_attr, self_attribute_loads, self_name
from tradelint.models.resources.closed_attributes import closed_by_release
from tradelint.models.resources.outliving import kept_beyond


def closed_through_holder(module: ModuleInfo, function: ast.AST, holder: ast.expr, value: ast.expr, close: str) -> bool:
    """Whether a method of the class around ``function`` releases the resource that ``value``
    hands to the holder call kept in ``holder`` (``self.<attr>``): ``self.<attr>.<field>.close()``
    (or another release name), where ``<field>`` is the holder class's attribute for that
    argument."""
    cls = module.parent(function)
    me = self_name(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    if not isinstance(cls, ast.ClassDef) or me is None or self_attr(holder, me) is None:
        return False
    kept = self_attr(holder, me)
    field = _field_of(module, value)
    if field is None:
        return False
    for node in walk(cls):
        if not (isinstance(node, ast.Call) and isinstance(func := node.func, ast.Attribute)):
            continue
        if not (func.attr in (close, "close", "aclose") or is_release_name(func.attr)):
            continue
        part = func.value
        if not (isinstance(part, ast.Attribute) and part.attr == field and isinstance(part.value, ast.Attribute)):
            continue
        method = next((f for f in module.ancestors(node) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
        if method is not None and (name := self_name(method)) is not None and self_attr(part.value, name) == kept:
            return True
    return False


def _field_of(module: ModuleInfo, value: ast.expr) -> str | None:
    """The attribute the first-party class constructed around ``value`` (``Holder(value)`` or
    ``Holder(x=value)``, possibly awaited) stores it in; None when not read."""
    parent = module.parent(value)
    keyword = parent.arg if isinstance(parent, ast.keyword) else None
    call = module.parent(parent) if isinstance(parent, ast.keyword) else parent
    if not isinstance(call, ast.Call):
        return None
    found = class_named(module, call.func)
    if found is None:
        return None
    facts = found[1]
    if keyword is not None:
        return facts.stored_params.get(keyword)
    position = next((i for i, a in enumerate(call.args) if a is value), None)
    return facts.stored_positions.get(position) if position is not None else None


def held_and_closed(module: ModuleInfo, function: ast.AST, value: ast.expr, close: str) -> bool:
    """Whether ``value`` (a load of the resource's local, or its creation) is handed to a
    holder built and kept on ``self`` in one statement (``self.ctx = Holder(client=value)``)
    that the class closes it through (:func:`closed_through_holder`)."""
    if part_kept_and_released(module, function, value):
        return True
    if isinstance(awaited := module.parent(value), ast.Await):
        value = awaited  # ``Holder(await make_client())``
    parent = module.parent(value)
    call = module.parent(parent) if isinstance(parent, ast.keyword) else parent
    if not isinstance(call, ast.Call):
        return False
    top: ast.AST = call
    if isinstance(outer := module.parent(top), ast.Await):
        top = outer
    stmt = module.parent(top)
    if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is top):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return len(targets) == 1 and closed_through_holder(module, function, targets[0], value, close)


def part_kept_and_released(module: ModuleInfo, function: ast.AST, value: ast.expr) -> bool:
    """Whether ``value`` (a load of the resource's local) has a part kept on ``self`` in one
    statement, ``self.<attr> = value.<part>``, where a release method of the class (or
    ``__aexit__``) awaits ``self.<attr>.close()``: the holder's resource goes on in that attribute
    and the class closes it (hail-is/hail: ``credentials = AzureCredentials.from_file(...)``,
    ``self._credential = credentials.credential``, closed by the file system's ``close()``). The
    holder's other parts, if any, are not followed: a miss, never a false report."""
    part, stmt = module.parent(value), None
    if isinstance(part, ast.Attribute) and part.value is value:
        stmt = module.parent(part)
    if not (isinstance(stmt, ast.Assign) and stmt.value is part and len(stmt.targets) == 1):
        return False
    cls = module.parent(function)
    me = self_name(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    kept = self_attr(stmt.targets[0], me) if me is not None else None
    return isinstance(cls, ast.ClassDef) and kept is not None and kept in closed_by_release(cls)


def record_handed_on(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether ``call`` builds a plain record (a first-party class with no base and no release of
    its own: only fields) that is added to a collection on ``self``, or to a local collection the
    function returns. Whoever reaches the collection's elements reaches what each record keeps,
    as it would the resource itself added there (``self.proxies.append(Proxy(path, server))``,
    each server closed where the proxies are torn down; ``self._infos[name] =
    Info(session=session)``, each session closed by ``aclose()`` through ``self._infos.values()``;
    ``proxies.append(Proxy(path, server))`` and ``return proxies``). A class with a release of its
    own that leaves the resource open is not a record: its owner ends it through that release
    (``Broker(client)`` whose ``aclose()`` forgets ``client``). A record returned alone stays the
    holder that never releases it (issue 28): only the collection is followed."""
    found = class_named(module, call.func)
    if found is None or found[1].bases or any(is_release_name(m) or m in ("close", "aclose") for m in found[1].methods):
        return False
    function = module.enclosing_function(call)
    if function is None:
        return False
    me = self_name(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    collection = _added_to(module, call)
    parent = module.parent(call)
    if collection is None and me is not None and isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1 and isinstance(
            local := parent.targets[0], ast.Name):
        # ``peer = Peer(pc=pc); self._peers[k] = peer``: the record goes where its local is added.
        collection = next((c for load in name_loads(function, local.id) if (c := _added_to(module, load)) is not None and self_attr(c, me)), None)
    if collection is None:
        return False
    if me is not None and (attr := self_attr(collection, me)) is not None:
        cls = module.parent(function)
        return isinstance(cls, ast.ClassDef) and _handed_out(module, cls, attr)
    return isinstance(collection, ast.Name) and any(
        isinstance(node, ast.Return) and node.value is not None and module.enclosing_function(node) is function
        and any(isinstance(n, ast.Name) and n.id == collection.id for n in ast.walk(node.value))
        for node in walk(function)
    )


_ADDERS = frozenset({"append", "appendleft", "add", "insert"})


def _added_to(module: ModuleInfo, value: ast.expr) -> ast.expr | None:
    """The collection ``value`` is added to by its statement: ``c.append(value)``, ``c[k] = value``."""
    parent = module.parent(value)
    if isinstance(parent, ast.Call) and value in parent.args and isinstance(parent.func, ast.Attribute) and parent.func.attr in _ADDERS:
        return parent.func.value
    if isinstance(parent, ast.Assign) and parent.value is value and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Subscript):
        return parent.targets[0].value
    return None


# Builtins that read a collection in place, handing none of it on.
_READERS = frozenset({"len", "bool", "list", "tuple", "set", "dict", "sorted", "reversed", "iter", "enumerate", "any", "all", "sum", "min", "max", "isinstance"})


def _handed_out(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether some code of ``cls`` hands the collection ``self.<attr>`` (or its elements) on
    to other code: returns or yields it, puts it in a display, passes it to a call (not a builtin
    that only reads it) or binds it to another name. Then whoever gets it may end what its
    records keep (backend.ai's kernel context returning ``{"proxies": self.proxies}``). A
    collection only grown, walked, emptied or sized by the class itself is the class's: a loop of
    its release that ends each record's part ends it (:mod:`.ended_through_store`), as for a
    record bound to a local first, and anything else leaves the creator owning it (issue 28
    point 1)."""
    for load in self_attribute_loads(cls, attr):
        parent = module.parent(load)
        if isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom, ast.Starred, ast.keyword, ast.List, ast.Tuple, ast.Set)):
            return True
        if isinstance(parent, ast.Dict) and any(v is load for v in parent.values):
            return True
        if isinstance(parent, ast.Assign) and parent.value is load:
            return True
        if isinstance(parent, ast.Call) and load in parent.args and not (isinstance(parent.func, ast.Name) and parent.func.id in _READERS):
            return True
    return False


def closed_through_local_holder(module: ModuleInfo, function: ast.AST, value: ast.expr, close: str) -> list[ast.expr]:
    """The loads of the local holder that ``value`` (a load of the resource's local) is handed to
    in one statement, ``ctx = Holder(db=value)``, through which ``function`` releases it:
    ``await ctx.db.disconnect()``, where ``db`` is the holder class's attribute for that argument
    (its ``__init__``'s or its dataclass fields). Each is a close of the resource where it runs
    (in a ``finally``, on one path). The holder must be bound once in ``function`` and not kept
    beyond it (``app.state.hub = hub``: judged where it is kept); other calls through it are
    uses, not closes."""
    parent = module.parent(value)
    call = module.parent(parent) if isinstance(parent, ast.keyword) else parent
    if not isinstance(call, ast.Call):
        return []
    stmt = module.parent(call)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1 and isinstance(holder := stmt.targets[0], ast.Name)):
        return []
    field = _field_of(module, value)
    if field is None:
        return []
    stores = [n for n in walk(function) if isinstance(n, ast.Name) and n.id == holder.id and not isinstance(n.ctx, ast.Load)]
    if stores != [holder] or kept_beyond(module, function, holder.id) is not None:  # type: ignore[arg-type]
        return []  # (a holder kept beyond the function is judged where it is kept: ``ended_through_store``)
    found: list[ast.expr] = []
    for node in walk(function):
        if not (isinstance(node, ast.Call) and isinstance(func := node.func, ast.Attribute)):
            continue
        if not (func.attr in (close, "close", "aclose") or is_release_name(func.attr)) or node.args:
            continue
        part = func.value
        if isinstance(part, ast.Attribute) and part.attr == field and isinstance(part.value, ast.Name) and part.value.id == holder.id:
            found.append(part.value)
    return found
