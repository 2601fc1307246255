"""A resource handed to a method of a first-party object that keeps it and never ends it:
``api.set_session(session)`` where ``set_session`` stores ``self._session = session`` (or
``self._sessions[key] = session``, ``self._sessions.append(session)``) and no method of the
object's class, its bases or its subclasses ever releases that attribute or lets it out of the
class (issue 28 point 1: ownership moves only to a receiver shown to close it). The object keeps
the resource without ever closing it, so the caller still owns it, as it does when the class's
constructor keeps it (:meth:`OwnershipModel.keeps_and_releases`). The other side of the same
proof: where a release method of the family ends the attribute (``close()`` awaiting
``self._session.close()``, or closing each element of ``self._sessions`` in a loop), the object
took the resource over (``self.bot.add_session(self.http)``: FRCDiscord/Dozer's bot closes every
session registered with it); the method may then also return what it got.

Proven from the classes' own code only: the receiver's class is read from the caller
(:func:`receiver_class`), every class of its family is first-party (or ``object`` and the typing
helpers), the method binds the argument plainly, and the class reads the attribute only through
calls and attributes that release nothing (``self._session.get(url)``, ``self._session.closed``),
tests, ``key in self._sessions`` and ``len(self._sessions)``. Any other read (handed to a call,
returned, aliased, iterated, entered, looked up by name) may end it, and proves nothing."""

from __future__ import annotations

import ast

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases, resolve_class_node, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.release_names import is_release_name, releases_name
from tradelint.facts.syntax import FUNCTION_NODES, base_class, walk
from tradelint.facts.uses import name_loads, name_stores, self_attr, self_attribute_loads, self_name
from tradelint.models.resources.callee_release import bound_parameter

ClassRef = tuple[ModuleInfo, ast.ClassDef]

# Calls that put an element into a collection of ``self``.
_GROWERS = frozenset({"append", "add", "appendleft", "insert", "setdefault"})
# Bases that hold nothing of their own.
_EMPTY_BASES = frozenset({"object", "ABC", "Generic", "Protocol"})


def kept_unreleased_by_method(module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool:
    """Whether ``call`` is a method of a first-party object, proven by its receiver, that stores
    ``arg`` in an attribute of ``self`` which its class never releases nor lets out (the module
    docstring): the caller still owns what it handed over."""
    return method_keeps(module, call, arg) is False


def method_keeps(module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool | None:
    """What the first-party method ``call`` does with ``arg``, stored in an attribute of
    ``self``: False when no class of the family ever releases it nor lets it out (the caller
    still owns it), True when a release method of the family ends it (``close()`` awaiting
    ``self._session.close()``, or looping over ``self._sessions`` and closing each: the object
    took it over), None when the code proves neither."""
    if not isinstance(call.func, ast.Attribute):
        return None
    function = module.enclosing_function(call)
    found = receiver_class(module, function, call.func.value) if function is not None else None
    family = _readable_family(*found) if found is not None else None
    found_method = _method(family, call.func.attr) if family is not None else None
    if found is None or family is None or found_method is None:
        return None
    home, method = found_method
    param = bound_parameter(method, call, arg, True)
    if param is None or name_stores(method, param):
        return None
    stored, returned = _stores(home, method, param)
    if not stored:
        return None
    classes = [*family, *subclasses_in_project(found[0], found[1], mixins_only=False)]
    if not returned and all(_never_let_out(classes, attr, container) for attr, container in stored.items()):
        return False
    if all(_released(classes, attr, container) for attr, container in stored.items()):
        return True  # ``self.bot.add_session(self.http)`` whose ``close()`` closes every one
    return None


def _readable_family(module: ModuleInfo, cls: ast.ClassDef) -> list[ClassRef] | None:
    """``cls`` and its bases when every base is first-party or holds nothing; None otherwise."""
    family = class_and_bases(module, cls)
    for home, node in family:
        for base in node.bases:
            named = base_class(base)
            if resolve_class_node(home, named) is not None:
                continue
            word = named.attr if isinstance(named, ast.Attribute) else named.id if isinstance(named, ast.Name) else ""
            if word not in _EMPTY_BASES:
                return None
        if node.keywords:
            return None  # ``metaclass=...`` may do anything with the instance
    return family


def _method(family: list[ClassRef], name: str) -> tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The plain method ``name`` that the family's first class to define it defines."""
    for home, node in family:
        for stmt in node.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name == name:
                plain = not stmt.decorator_list and self_name(stmt) is not None
                return (home, stmt) if plain else None
    return None


def _stores(home: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> tuple[dict[str, bool], bool]:
    """The attributes of ``self`` that ``method`` stores ``param`` in (True: as an element of a
    collection), when every other use of it only reads it or returns it (the second value); empty
    when a use may hand it on."""
    me = self_name(method) or "self"
    stored: dict[str, bool] = {}
    returned = False
    for load in name_loads(method, param):
        parent = home.parent(load)
        if isinstance(parent, ast.Assign) and parent.value is load and len(parent.targets) == 1:
            target = parent.targets[0]
            whole = self_attr(target, me)
            element = self_attr(target.value, me) if isinstance(target, ast.Subscript) else None
            kept = whole or element
            if kept is None:
                return {}, False
            stored[kept] = whole is None  # ``self._session = s``; ``self._sessions[key] = s``
            continue
        if (
            isinstance(parent, ast.Call)
            and load in parent.args
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in _GROWERS
            and (grown := self_attr(parent.func.value, me))
        ):
            stored[grown] = True
            continue
        if isinstance(parent, ast.Attribute) and not is_release_name(parent.attr):
            continue  # ``session.headers``, ``await session.get(url)``
        if isinstance(parent, ast.Return):
            returned = True  # ``return session``: given back to the caller, which holds it still
            continue
        if isinstance(parent, (ast.If, ast.While, ast.BoolOp, ast.UnaryOp, ast.Compare)):
            continue  # ``if session is None``
        return {}, False
    return stored, returned


def _never_let_out(classes: list[ClassRef], attr: str, container: bool) -> bool:
    """No method of ``classes`` releases ``self.attr`` or lets it (or, for a collection, its
    elements) out of the class, and no code looks it up by name."""
    for home, cls in classes:
        if any(isinstance(node, ast.Constant) and node.value == attr for node in walk(cls)):
            return False  # ``getattr(self, "_session")``
        if not all(_reads_only(home, node, container) for node in self_attribute_loads(cls, attr)):
            return False
    return True


def _reads_only(home: ModuleInfo, node: ast.Attribute, container: bool) -> bool:
    parent = home.parent(node)
    if isinstance(parent, (ast.If, ast.While, ast.BoolOp, ast.UnaryOp)):
        return True  # ``if self._session``
    if isinstance(parent, ast.Compare):
        return not container or parent.left is not node  # ``self._session is None``; ``key in self._sessions``
    if container:
        if isinstance(parent, ast.Attribute) and parent.attr in _GROWERS:
            return True  # ``self._sessions.append(s)``
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len":
            return True
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if isinstance(parent.ctx, (ast.Store, ast.Del)):
                return True  # ``self._sessions[key] = s``, ``del self._sessions[key]``
            element = home.parent(parent)
            return isinstance(element, ast.Attribute) and not is_release_name(element.attr)  # ``self._sessions[k].get()``
        return False
    return isinstance(parent, ast.Attribute) and not is_release_name(parent.attr)  # ``self._session.get(url)``


def _released(classes: list[ClassRef], attr: str, container: bool) -> bool:
    """A release method of ``classes`` (``close()``, ``stop()``, ``__aexit__``) ends ``self.attr``
    (``self.attr.close()``), or, for a collection, each of its elements in a loop over it (``for
    s in self.attr.values(): await s.close()``, or a comprehension alike)."""
    for _, cls in classes:
        for method in cls.body:
            if not isinstance(method, FUNCTION_NODES) or not is_release_name(method.name):
                continue
            me = self_name(method) or "self"
            for node in walk(method):
                if not container and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                        is_release_name(node.func.attr) and self_attr(node.func.value, me) == attr):
                    return True
                if container and isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and isinstance(node.target, ast.Name):
                    over = any(self_attr(n, me) == attr for n in walk(node.iter))
                    body = node.body if isinstance(node, (ast.For, ast.AsyncFor)) else [method]
                    if over and any(releases_name(n, node.target.id) for stmt in body for n in walk(stmt)):
                        return True
    return False

