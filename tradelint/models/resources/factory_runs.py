"""What a factory class method runs on the instance it makes, before handing it to its caller.

``client = await CoAPClient.create(host)`` where ``create`` is ``obj = cls(host); await
obj._init(); return obj``: the factory is the class's constructor as its callers see it (an
``__init__`` cannot await), so what the methods it runs on the new instance open on ``self`` is
held from the moment the caller has the instance, as what ``__init__`` opens is. The holder rule
of ``owner_leaks.unclosed_by_class`` reads those methods as it reads ``__init__``
(kongo09/philips-airpurifier-coap: ``_init()`` opens an aiocoap context no method shuts down).
Read from the class's own code only; a factory that hands back anything else on some path (a
cached instance, an attribute) is no constructor (``summaries._is_factory`` decides which
methods are factories)."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import family_methods, lineage, reached_from
from tradelint.facts.named_classes import class_named
from tradelint.facts.summaries import class_named_by
from tradelint.facts.syntax import capword, class_method, walk

INIT = "__init__"


def factory_run(module: ModuleInfo, func: ast.expr) -> tuple[ast.expr, frozenset[str]] | None:
    """For ``Cls.factory(...)``, a factory class or static method of a first-party class that
    returns the one instance it makes (a local bound once to ``cls(...)`` or ``Cls(...)``):
    the class's expression and the methods that have run on the instance when the caller gets
    it: ``__init__``, the methods the factory calls on the local, and those they call on
    ``self`` (through the class's family). None for any other callee."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Name, ast.Attribute))) or capword(func.attr):
        return None
    owner = func.value
    named = class_named_by(module, owner)
    if named is None or func.attr not in named[2].factories:
        return None
    summary, definition, facts = named
    home = module.project.module_at(Path(summary.path))
    cls = next((c for c in home.index.classes if c.lineno == definition.line and c.name == facts.name), None) if home else None
    method = class_method(cls, func.attr) if cls is not None else None
    if method is None or cls is None:
        return None
    local = _returned_instance(method, cls.name)
    if local is None:
        return None
    called = {
        node.func.attr
        for node in walk(method)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name) and node.func.value.id == local
    }
    if not called:
        return None
    found = class_named(module, owner)
    if found is None:
        return None
    methods = family_methods(lineage(module.project, *found))
    # (``__init__`` has run already: what it calls is read as it is for any construction)
    after_init = {name: facts for name, facts in methods.items() if name != INIT}
    starts = {name for name in called if name in after_init}
    run = {INIT} | starts | {n for name in starts for n in reached_from(after_init, name) if n in methods}
    return owner, frozenset(run)


def _returned_instance(method: ast.FunctionDef | ast.AsyncFunctionDef, cls_name: str) -> str | None:
    """The local every ``return`` of ``method`` returns, bound once to a call of the class
    (``cls(...)``, ``Cls(...)``); None when it returns anything else on some path."""
    params = method.args.posonlyargs + method.args.args
    makers = {cls_name} | ({params[0].arg} if params and any(
        isinstance(d, ast.Name) and d.id == "classmethod" for d in method.decorator_list) else set())
    binds: dict[str, list[ast.expr]] = {}
    returned: set[str] = set()
    for node in walk(method):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not method:
            return None  # (a nested function's returns are not the factory's)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    binds.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and isinstance(node.target, ast.Name):
            binds.setdefault(node.target.id, []).append(node.value if node.value is not None else node.target)
        elif isinstance(node, ast.Return):
            if not isinstance(node.value, ast.Name):
                return None
            returned.add(node.value.id)
    if len(returned) != 1:
        return None
    local = next(iter(returned))
    values = binds.get(local, [])
    if len(values) != 1:
        return None
    value = values[0].value if isinstance(values[0], ast.Await) else values[0]
    return local if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in makers else None
