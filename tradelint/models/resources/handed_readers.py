"""A lazy first-party instance handed to a first-party reader opens nothing there.

Handing an instance on opens it, as a rule (:mod:`.unopened`): whatever receives it may call
any of its methods. When the receiver is a class or function of the project, its code says what
it does with the instance: ``_DatagramProtocol(listener)``, whose ``__init__`` keeps it as
``self._listener`` and whose methods only read ``self._listener.serial`` and call
``self._listener.push(packet)``, calls no method that opens the listener (``start()``). Such a
hand-off opens nothing (a development integration's test, labelled false in
``benchmarks/labels/heads70_a2.tsv``: ha-defa-balancer's ``UDPBalancerListener``).

It counts only when every use of the parameter in the callee opens nothing by the rule of
:mod:`.unopened` (a method off the opening path, a field, a test), the parameter is never
rebound, and any ``self.<attr> = parameter`` keeps it under a name that only such uses reach:
the class's own ``self.<attr>`` loads, every other mention of the name in the project being
another class's own attribute (``self.<attr>`` in a class that does not derive from it, or
``x.<attr>`` on a local bound only to instances of such a class). Handed on again,
returned, stored elsewhere or aliased, it opens as before; so it does with a callee that is not
of the project, that takes ``*args``/``**kwargs`` where the argument lands, or a call that
unpacks."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.class_family import resolve_class_node, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.unreachable import word_count
from tradelint.facts.uses import declares_outer, name_loads, name_stores, self_attribute_nodes

__all__ = ["read_only_by_callee"]

# ``opens(module, load)``: whether that use of the instance opens it (:func:`.unopened._opens`
# with the instance's ``Opening``, handing on counted as opening).
Opens = Callable[[ModuleInfo, ast.expr], bool]


def read_only_by_callee(module: ModuleInfo, load: ast.expr, opens: Opens) -> bool:
    """Whether ``load``, an argument of a call of a first-party class or function, is used there
    only in ways that open nothing (see the module's docstring)."""
    call = module.parent(load)
    if isinstance(call, ast.keyword):
        call = module.parent(call)  # (``Protocol(listener=listener)``)
    if not isinstance(call, ast.Call) or call.func is load:
        return False
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return False
    target = _callee(module, call.func)
    if target is None:
        return False
    home, function, cls = target
    parameter = _parameter(function, call, load, bound=cls is not None)
    if parameter is None or name_stores(function, parameter) or declares_outer(function, parameter):
        return False  # (bound again: what it holds may be another object)
    for use in name_loads(function, parameter):
        if home.enclosing_function(use) is not function:
            return False  # (a closure may run later, with the instance)
        kept = _kept_on_self(home, use, function)
        if kept is not None:
            if cls is None or not _read_only_in_class(home, cls, kept, opens):
                return False
            continue
        if opens(home, use):
            return False
    return True


def _callee(module: ModuleInfo, func: ast.expr) -> tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef | None] | None:
    """The first-party function a call runs: a function, or a class's own ``__init__``."""
    found = resolve_definition(module, func)
    if found is None:
        return None
    home, node = found
    if isinstance(node, FUNCTION_NODES):
        return (home, node, None) if not node.decorator_list else None
    if isinstance(node, ast.ClassDef) and not node.decorator_list and not node.keywords:
        init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
        if init is not None and not init.decorator_list:
            return home, init, node
    return None


def _parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, load: ast.expr, bound: bool) -> str | None:
    """The parameter of ``function`` that ``load`` binds in ``call``."""
    args = function.args
    keyword = next((k for k in call.keywords if k.value is load), None)
    if keyword is not None:
        names = [a.arg for a in (*args.args, *args.kwonlyargs)]
        return keyword.arg if keyword.arg in names else None
    positional = [a.arg for a in (*args.posonlyargs, *args.args)][1 if bound else 0 :]
    index = next(i for i, a in enumerate(call.args) if a is load)
    return positional[index] if index < len(positional) else None


def _kept_on_self(module: ModuleInfo, use: ast.Name, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """``self.<attr> = use`` as a statement of ``function``: ``attr``."""
    stmt = module.parent(use)
    if not (isinstance(stmt, ast.Assign) and stmt.value is use and len(stmt.targets) == 1):
        return None
    target = stmt.targets[0]
    first = function.args.args[0].arg if function.args.args else None
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == first:
        return target.attr
    return None


def _read_only_in_class(module: ModuleInfo, cls: ast.ClassDef, attr: str, opens: Opens) -> bool:
    """Whether every load of ``self.<attr>`` in ``cls`` opens nothing, and nothing else of the
    project can read that attribute: every other mention of ``attr`` is another class's own
    ``self.<attr>`` (one that does not name ``cls`` as a base), not a caller's
    ``protocol._listener``."""
    root = project_root(module)
    if root is None:
        return False
    module.project.note_scan(f"mentions {attr}", root)
    loads = list(self_attribute_nodes(cls, attr, ast.Load))
    own = {id(n) for n in (*loads, *self_attribute_nodes(cls, attr, ast.Store))}  # (the class's own, in its module)
    for path, data in files_naming(module.project, root, attr):
        other = module if path == module.path else module.project.module_at(path)
        if other is None:
            return False
        mine = own if other is module else set()
        theirs = [n for n in ast.walk(other.tree) if isinstance(n, ast.Attribute) and n.attr == attr and id(n) not in mine]
        if word_count(data, attr) != len(theirs) + len(mine) or not all(_own_attribute(other, n, cls.name) for n in theirs):
            return False  # (named otherwise: read through another object, a string, a comment)
    return not any(opens(module, load) for load in loads)


def _own_attribute(module: ModuleInfo, node: ast.Attribute, name: str) -> bool:
    """Another class's attribute: ``self.<attr>`` in a method of a class that does not name
    ``name`` among its bases, or ``x.<attr>`` on a local ``x`` that the function binds only to
    instances of such a first-party class (``flow = ConfigFlow(); flow._listener = ...``)."""
    function = module.enclosing_function(node)
    if function is None or not isinstance(node.value, ast.Name):
        return False
    receiver = node.value.id
    if function.args.args and receiver == function.args.args[0].arg:
        owner = module.parent(function)
        return isinstance(owner, ast.ClassDef) and not _names_base(owner, name)
    bindings = [n for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == receiver and not isinstance(n.ctx, ast.Load)]
    if not bindings or any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in ast.walk(function)):
        return False
    for binding in bindings:
        stmt = module.parent(binding)
        if not (isinstance(stmt, ast.Assign) and stmt.targets == [binding] and isinstance(stmt.value, ast.Call)):
            return False
        made = resolve_class_node(module, stmt.value.func)
        if made is None or made[1].name == name or _names_base(made[1], name):
            return False
    return True


def _names_base(cls: ast.ClassDef, name: str) -> bool:
    return any(name in ast.unparse(b) for b in cls.bases)
