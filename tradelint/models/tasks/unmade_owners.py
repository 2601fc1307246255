"""A task its own class ends at the end of its object's life (``stop()`` cancels it), in a Home
Assistant integration where the unload does not reach that method: a leak only if some
instance of the class lives on without its end being called. When no code of the project
makes an instance (an orchestrator the integration never uses: txxa/hass-ans), or each one is
made by an owner that calls the end in its own end and is itself never made, or made so in
turn, or made as a local of a function whose ``finally`` calls the end, no instance outlives
the unload through that class, and the task is not reported. Only a plain class: an entity's or
a coordinator's end is the framework's (removal, shutdown); a base from another library (the
device's connection class) leaves the class plain.

Proven narrowly: any other mention of the class (handed on as a value, subclassed, made and kept
anywhere but on an owner's ``self``, made by code whose owner is made) counts as an instance
nobody ends. Tests are not the application: what they make is theirs. Asked only once the
class is known to end the task somewhere (``end_of_life_methods``)."""

from __future__ import annotations

import ast
from typing import Iterable, cast

from tradelint.facts.class_family import class_and_bases, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import is_release_name
from tradelint.facts.project_files import files_naming
from tradelint.facts.syntax import FUNCTION_NODES, base_class, walk, class_methods
from tradelint.facts.uses import methods_reached, self_name
from tradelint.models.tasks.other_objects import is_test_path, search_root

# How far owners of owners are followed: beyond it, an instance is taken as unended.
DEPTH = 3


def end_of_life_methods(module: ModuleInfo, cls: ast.ClassDef, ending: Iterable[str]) -> list[str]:
    """The release methods of ``cls``'s family (``stop()``, ``close()``, ``shutdown()``: a name
    that ends an object) that run one of ``ending`` (the methods that end the task), themselves
    or through calls on ``self``, in the family's order."""
    ending = set(ending)
    methods = family_methods(module, cls)
    found: list[str] = []
    for name in methods:
        if is_release_name(name) and name != "__del__" and (name in ending or methods_reached(methods, [name], calls_only=True) & ending):
            found.append(name)
    return found


def never_outlives(module: ModuleInfo, cls: ast.ClassDef, enders: list[str]) -> bool:
    """No code of the project makes an instance of ``cls`` whose ``enders`` nobody calls: none
    is made at all, or each is kept on an owner's ``self`` (``self.delivery = Delivery(...)``)
    by a class whose own end calls one of them and whose instances never outlive it either."""
    return bool(enders) and _plain(module, cls, in_integration=True) and not _unended_instances(module, cls, frozenset(enders), 0)


# Bases that give a class no end of its own (an abstract base, a generic).
NEUTRAL_BASES = ("abc.", "typing.", "typing_extensions.")


def _plain(module: ModuleInfo, cls: ast.ClassDef, in_integration: bool = False) -> bool:
    """A class whose family derives only from first-party classes (or ``object``, ``ABC``,
    ``Generic``): its own release method is its end of life. An entity or a coordinator is
    ended by its framework (removal, ``async_shutdown()``), not by a ``stop()`` of its own.
    ``in_integration`` (asked of a Home Assistant integration's class, whose framework is Home
    Assistant): a base from another library (the device's connection class) leaves it plain."""
    family = class_and_bases(module, cls)
    first_party = {id(owner) for _, owner in family}
    for owner_module, owner in family:
        for base in map(base_class, owner.bases):
            found = resolve_definition(owner_module, base)
            if found is not None and id(found[1]) in first_party:
                continue
            qualified = owner_module.imports.qualify(base) or ""
            if qualified.startswith(NEUTRAL_BASES) or (isinstance(base, ast.Name) and base.id == "object"):
                continue
            if not (in_integration and qualified) or qualified.startswith("homeassistant."):
                return False  # (a base not known, or the framework's: its end is the framework's)
    return True


def _unended_instances(module: ModuleInfo, cls: ast.ClassDef, enders: frozenset[str], depth: int) -> bool:
    root = search_root(module)
    if root is None or depth >= DEPTH:
        return True
    project = module.project
    project.note_scan(f"mentions {cls.name}", root)  # for the cache, memo or not
    memo = project.scan_memo(cls.name)
    key = ("unended-instances", root, str(module.path), cls.name, cls.lineno, enders)
    if key in memo:
        return bool(memo[key])
    memo[key] = True  # a cycle of owners proves nothing
    found = False
    for path, _ in files_naming(project, root, cls.name):
        if is_test_path(path):
            continue
        other = module if path == module.path else project.module_at(path)
        if other is None:
            found = True
            break
        if any(not _ended_by_owner(other, node, enders, depth) for node in _mentions(other, cls)):
            found = True
            break
    memo[key] = found
    return found


def _mentions(module: ModuleInfo, cls: ast.ClassDef) -> list[ast.expr]:
    """Where ``module``'s code names the class as a value: not its own definition, an
    annotation, an ``isinstance`` test."""
    skip: set[int] = set()
    for node in walk(module.tree):
        if isinstance(node, (ast.arg, ast.AnnAssign)) and node.annotation is not None:
            skip.update(id(n) for n in walk(node.annotation))
        elif isinstance(node, FUNCTION_NODES) and node.returns is not None:
            skip.update(id(n) for n in walk(node.returns))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "issubclass"):
            skip.update(id(n) for arg in node.args[1:] for n in walk(arg))
    found: list[ast.expr] = []
    for node in walk(module.tree):
        named = (isinstance(node, ast.Name) and node.id == cls.name) or (isinstance(node, ast.Attribute) and node.attr == cls.name)
        if named and isinstance(cast(ast.Name | ast.Attribute, node).ctx, ast.Load) and id(node) not in skip:
            found.append(cast(ast.expr, node))
    return found


def _ended_by_owner(module: ModuleInfo, node: ast.expr, enders: frozenset[str], depth: int) -> bool:
    """``self.x = Cls(...)`` in a method of a class ``D`` whose own end calls ``self.x.<ender>()``
    and whose instances never outlive that end (asked again of ``D``)."""
    call = module.parent(node)
    if not (isinstance(call, ast.Call) and call.func is node):
        return False
    stmt = module.parent(call)
    if not (isinstance(stmt, ast.Assign) and stmt.value is call and len(stmt.targets) == 1):
        return False
    function = module.enclosing_function(call)
    owner = module.parent(function) if function is not None else None
    target = stmt.targets[0]
    if isinstance(target, ast.Name) and function is not None:
        return _ended_in_finally(module, function, target.id, enders)
    if not (
        function is not None
        and isinstance(owner, ast.ClassDef)
        and isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == self_name(function)
    ):
        return False
    attr = target.attr
    methods = family_methods(module, owner)
    calling = [
        name
        for name, method in methods.items()
        if any(_calls_on(method, attr, ender) for ender in enders)
    ]
    owner_enders = end_of_life_methods(module, owner, calling)
    return bool(owner_enders) and not _unended_instances(module, owner, frozenset(owner_enders), depth + 1)


def _ended_in_finally(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str, enders: frozenset[str]) -> bool:
    """``connection = Cls(...)`` in a function one of whose ``finally`` blocks calls
    ``connection.<ender>()`` (Dmxsir/ha-reolink-battery's live stream, closed by the coroutine
    that opens it): the instance ends with the function that makes it, whatever happens, and
    whoever else keeps it. Only the one instance the name is bound to: a name bound again, or in
    a loop, may leave an earlier instance unended."""
    bindings = [n for n in walk(function) if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)]
    made = [n for n in bindings if not _binds_a_constant(module, n)]
    if len(made) != 1 or any(isinstance(a, (ast.For, ast.AsyncFor, ast.While)) for a in module.ancestors(made[0], function)):
        return False
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in enders
        and isinstance(node.func.value, ast.Name) and node.func.value.id == name
        for block in walk(function) if isinstance(block, ast.Try)
        for stmt in block.finalbody for node in walk(stmt)
    )


def _binds_a_constant(module: ModuleInfo, name: ast.Name) -> bool:
    """``connection = None``, ``connection: Conn | None = None``: the target binds no instance."""
    statement = module.parent(name)
    return isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Constant)



def _calls_on(method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str, name: str) -> bool:
    """``self.<attr>.<name>(...)`` in ``method``."""
    receiver = self_name(method)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == attr
        and isinstance(node.func.value.value, ast.Name)
        and node.func.value.value.id == receiver
        for node in walk(method)
    )


def family_methods(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The methods of ``cls`` and its first-party bases, the nearest definition of each name."""
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for _, owner in class_and_bases(module, cls):
        for name, stmt in class_methods(owner).items():
            methods.setdefault(name, stmt)
    return methods

