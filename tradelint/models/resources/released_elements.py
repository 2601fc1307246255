"""What a collection's owner releases when it takes it out must be released on every way out
(issue 28 points 3 and 5, session 37).

``await bots.pop(key).stop()`` (EXG1O/Telegram-Bots-Hub's stop route) or ``for task in
self._tasks.values(): await task.destroy()`` (acgnhiki/blrec's ``destroy_all_tasks``) is the
owner's own word that the elements of that collection must be ended by that method: whatever
their class is (read or not, whatever it opens deep inside), a value made from a class call and
stored in that collection under a key is a resource released by it. Each such store is a creation
judged as an element of the collection is (:mod:`.dropped`): taken out again by the function that
put it there without that release (``del self._tasks[key]`` when its setup fails), or stored
over an entry the function read and left running (a ``restart`` route), it leaks.

Proven, not guessed: only an awaited call of a method that ends a whole object (``close``,
``aclose``, ``stop``, ``shutdown``, ``disconnect``, ``cleanup``, ``teardown``, ``terminate``,
``destroy``, ``dispose``, or ``async_`` and one of them) on an element taken out of the very
collection (``pop``/``get``/subscript, or the loop variable over it, its ``values()`` or
``items()``) counts; the collection is an attribute of ``self`` (asked of the methods of the
same class) or a collection the module makes at top level or imports (asked of the module); the
creation is a call of a ``CapWords`` callee (a class) stored under a key, directly or through a
local bound once to it in the same function; no call already judged as a creation, and none whose
value may be shared (:func:`.project_evidence.may_be_shared`). A class the project defines is
judged by its own code where that code speaks: its release that ends no part and calls no release
of its own says the element holds nothing. Only the losses of :mod:`.dropped` are reported for
such a creation (``keep``)."""

from __future__ import annotations

import ast
import re
from typing import Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import lineage
from tradelint.facts.summaries import class_named_by, is_release_name
from tradelint.facts.syntax import capword, walk
from tradelint.facts.uses import classify, name_loads, self_attr, self_name
from tradelint.models.resources.callee_release import awaited_callee, bound_parameter
from tradelint.models.resources.dropped import lost_element, shared_element
from tradelint.models.resources.project_evidence import may_be_shared
from tradelint.models.resources.resource_types import Creation, ResourceSpec
from tradelint.models.resources.statements import _module_collection

_ENDS_WHOLE = re.compile(r"^(async_)?(a?close|stop|shutdown|disconnect|cleanup|teardown|terminate|destroy|dispose)$")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def released_element_stores(module: ModuleInfo, known: set[int]) -> list[tuple[ast.Call, ResourceSpec]]:
    """``(call, spec)`` of each class call of ``module`` kept under a key of a collection whose
    elements its owner releases, with that release; ``known`` holds the ids of calls already
    found as creations."""
    found: list[tuple[ast.Call, ResourceSpec]] = []
    asked: dict[str, str | None] = {}
    for function in _storing_functions(module):
        for node in walk(function):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript)):
                continue
            if module.enclosing_function(node) is not function:
                continue
            call = _made(module, function, node.value)
            if call is None or id(call) in known or may_be_shared(module, call):
                continue
            collection = node.targets[0].value
            owner, key = _owner(module, function, collection)
            if owner is None:
                continue
            if key not in asked:
                asked[key] = _element_release(module, owner, collection)
            release = asked[key]
            if release is not None and not _ends_nothing(module, call, release):
                found.append((call, ResourceSpec(release, evidenced=True)))
    found.sort(key=lambda pair: (pair[0].lineno, pair[0].col_offset))
    return found


def _storing_functions(module: ModuleInfo) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions with a ``c[key] = value`` of their own, found from the index's parents (each
    function was walked for them, and nested ones once more per function around them: a tenth of
    a check). In source order: the stores' order within a function is still its walk's."""
    functions: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    Assign, Subscript = ast.Assign, ast.Subscript
    for child, parent in module.index.parents.items():
        if child.__class__ is Subscript and parent.__class__ is Assign:
            assert isinstance(parent, ast.Assign)
            if len(parent.targets) == 1 and parent.targets[0] is child:
                function = module.enclosing_function(parent)
                if function is not None:
                    functions.setdefault(id(function), function)
    return sorted(functions.values(), key=lambda f: (f.lineno, f.col_offset))


def _ends_nothing(module: ModuleInfo, call: ast.Call, release: str) -> bool:
    """Whether the class ``call`` makes is read (first-party) and its ``release`` passes the end
    on to nothing: no release of a part (``self.api.session.close()``), no release-like method of
    its own (``await self._destroy()``). Its own code then says what an element holds, whatever
    the owner calls (``stop()`` that only resets a field, session 33's twin)."""
    named = class_named_by(module, call.func)  # ``call`` is a CapWords call (:func:`_made`)
    if named is None:
        return False
    method = next((f.methods[release] for _, f in lineage(module.project, named[0], named[2]) if release in f.methods), None)
    return method is not None and not method.releases and not any(is_release_name(c) for c in method.self_calls)


def _made(module: ModuleInfo, function: ast.AST, value: ast.expr) -> ast.Call | None:
    """The class call ``value`` is (awaited or not), or the one the local ``value`` is bound to
    once in ``function``."""
    if isinstance(value, ast.Name):
        binds = [
            n for n in walk(function)
            if isinstance(n, (ast.Assign, ast.AnnAssign)) and module.enclosing_function(n) is function and any(
                isinstance(t, ast.Name) and t.id == value.id for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
        ]
        if len(binds) != 1 or binds[0].value is None:
            return None
        value = binds[0].value
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return value if capword(last) and not last.isupper() else None


def _owner(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, collection: ast.expr) -> tuple[ast.AST | None, str]:
    """Where the releases of ``collection``'s elements are looked for (the class around
    ``function`` for ``self.<attr>``, the module for a module's collection), with a key for
    the memo; (None, "") for any other collection."""
    me = self_name(function)
    attr = self_attr(collection, me) if me is not None else None
    if attr is not None:
        cls = module.parent(function)
        return (cls, f"{id(cls)}.{attr}") if isinstance(cls, ast.ClassDef) else (None, "")
    if isinstance(collection, ast.Name) and (
        _module_collection(module, function, collection.id) or collection.id in module.imports.names
    ):
        return module.tree, collection.id
    return None, ""


def _element_release(module: ModuleInfo, owner: ast.AST, collection: ast.expr) -> str | None:
    """The name of the method the code of ``owner`` awaits on an element taken out of
    ``collection`` to end it; None when it ends none."""
    for function in walk(owner):
        if not isinstance(function, _FUNCTIONS):
            continue
        me = self_name(function)
        same = (lambda e: self_attr(e, me) == collection.attr) if isinstance(collection, ast.Attribute) and me is not None else (
            (lambda e: isinstance(e, ast.Name) and e.id == collection.id) if isinstance(collection, ast.Name) else None)
        if same is None:
            continue
        found = next((func.attr for _, func in _element_ends(function, same) if _ENDS_WHOLE.match(func.attr)), None)
        if found is not None:
            return found
    return None


def _element_ends(function: ast.AST, same: object) -> Iterator[tuple[ast.For | ast.AsyncFor | None, ast.Attribute]]:
    """Each method ``function`` awaits on an element of the collection ``same`` tells (``await
    <element>.<method>(...)``), in the order of ``walk``, with the loop over the collection
    (:func:`_over`) whose body awaits it on its own variable (None for any other element). An
    element is such a loop's variable (the last name of a tuple target: ``for key, task in
    C.items()``), a local bound to an element taken out (:func:`_taken`: ``task = C.pop(key)``)
    or that taken-out element itself (``await C.pop(key).stop()``)."""
    elements: set[str] = set()
    loops: dict[int, list[tuple[ast.For | ast.AsyncFor, str]]] = {}  # an await's id -> the loops around it
    for node in walk(function):
        if isinstance(node, (ast.For, ast.AsyncFor)) and _over(node.iter, same):
            target = node.target.elts[-1] if isinstance(node.target, ast.Tuple) and node.target.elts else node.target
            if isinstance(target, ast.Name):
                elements.add(target.id)
                for inner in (n for s in node.body for n in walk(s)):
                    if isinstance(inner, ast.Await):
                        loops.setdefault(id(inner), []).append((node, target.id))
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and _taken(node.value, same):
            elements.add(node.targets[0].id)
    for node in walk(function):
        if not (isinstance(node, ast.Await) and isinstance(call := node.value, ast.Call) and isinstance(func := call.func, ast.Attribute)):
            continue
        receiver = func.value
        if isinstance(receiver, ast.Name) and receiver.id in elements:
            yield next((loop for loop, name in loops.get(id(node), ()) if name == receiver.id), None), func
        elif _taken(receiver, same):
            yield None, func


def ends_whole(name: str) -> bool:
    """Whether the method ``name`` ends a whole object (``close``, ``shutdown``, ``stop``, ...)."""
    return _ENDS_WHOLE.match(name) is not None


def ends_each_element(module: ModuleInfo, function: ast.AST, collection: str, close: str | None, depth: int = 0) -> ast.AST | None:
    """Where ``function`` ends every element of its local (or parameter) ``collection``: a loop
    over it whose body awaits a release of the whole element on its variable
    (:func:`_element_ends`: ``for service in services: await service.shutdown()``), or the
    awaited call that hands the collection to a first-party coroutine that does so (a few calls
    deep). None when it ends none."""
    same = lambda e: isinstance(e, ast.Name) and e.id == collection  # noqa: E731
    for loop, func in _element_ends(function, same):
        if loop is not None and (_ENDS_WHOLE.match(func.attr) or func.attr == close):
            return loop
    if depth >= 3:
        return None
    for load in name_loads(function, collection):
        use = classify(module, load)
        if use.kind != "argument" or use.call is None or not isinstance(module.parent(use.call), ast.Await):
            continue
        found = awaited_callee(module, use.call)
        param = bound_parameter(found[1], use.call, load, found[2]) if found is not None else None
        if found is not None and param is not None and ends_each_element(found[0], found[1], param, close, depth + 1) is not None:
            return use.call  # ``await shutdown_services(services)``
    return None


def _taken(value: ast.expr, same: object) -> bool:
    """``C[key]``, ``C.pop(key)`` or ``C.get(key)`` of the collection ``same`` tells."""
    assert callable(same)
    if isinstance(value, ast.Subscript):
        return bool(same(value.value))
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in ("pop", "get")
        and bool(value.args)
        and bool(same(value.func.value))
    )


def _over(iterated: ast.expr, same: object) -> bool:
    """``C``, ``C.values()``, ``C.items()`` (or ``list(...)``/``.copy()`` of them)."""
    assert callable(same)
    if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Name) and iterated.func.id in ("list", "tuple") and iterated.args:
        iterated = iterated.args[0]
    if isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Attribute) and iterated.func.attr in ("values", "items", "copy"):
        inner = iterated.func.value
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "copy":
            inner = inner.func.value
        return bool(same(inner))
    return bool(same(iterated))


def keep(module: ModuleInfo, c: Creation) -> bool:
    """Whether the creation of such a store is lost by its own function (:mod:`.dropped`): the
    only problem these creations are judged for."""
    if c.kind == "self_elements":
        return lost_element(module, c) is not None
    return c.kind == "local" and c.function is not None and shared_element(module, c) is not None
