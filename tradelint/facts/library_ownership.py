"""Whether an installed library closes a resource handed to it, read from its source.

A resource handed to third-party code moves to it only when that code is shown to close it:
the library class's ``__init__`` stores the parameter on ``self`` and one of its methods (other
than ``__init__``/``__del__``) closes that attribute (``self._connector.close()``,
``async with self._session``). A close under ``if self.<flag>`` closes it only when the flag says
so: a flag stored from a parameter of its own (aiohttp's ``connector_owner``) moves ownership
when the caller passes it true or leaves a true default; a flag computed from the resource
parameter (``self._owns = session is None``) means the library closes only what it made itself,
so the caller's resource stays the caller's. The source is read as text, never imported; a
class that cannot be read (not installed, a C extension, ``**kwargs`` forwarded) gives None.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import NamedTuple

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.library_source import library_class, module_file
from tradelint.facts.syntax import FUNCTION_NODES, base_init_calls, class_method

_CLOSES = frozenset({"close", "aclose", "disconnect", "shutdown", "stop", "terminate"})
_NOT_ENDS = frozenset({"__init__", "__del__"})


def library_closes_argument(
    project: Project, qualified: str, call: ast.Call, arg: ast.expr, roots: tuple[Path, ...]
) -> bool | None:
    """Whether the installed class ``qualified``, constructed by ``call``, closes ``arg``: True,
    False, or None when its code cannot tell (not found, parameter not stored, unknown guard)."""
    found = library_class(project, qualified, roots)
    if found is None:
        return None
    module, cls = found
    init = _method(cls, "__init__")
    if init is None:
        return None
    param = _parameter_of(init, call, arg)
    if param is None:
        return None
    receiver = init.args.args[0].arg if init.args.args else "self"
    stored = _stores_of(init, receiver, param)
    classes = [cls]
    if not stored:
        # ``super().__init__(runner, ...)``: stored by a base class the library also defines
        # (aiohttp's ``SockSite`` hands its runner to ``BaseSite``, which keeps it and never
        # cleans it up): judged by the base's ``__init__`` and every method of the lineage.
        based = _stored_by_base(project, module, cls, init, param, roots)
        if based is None:
            return None  # used, forwarded (``super().__init__(**kw)``) or dropped: not proven
        base, stored = based
        classes.append(base)
    flags = _flags(init, receiver)
    verdict: bool | None = False
    for method in (m for c in classes for m in c.body):
        if not isinstance(method, FUNCTION_NODES) or method.name in _NOT_ENDS:
            continue
        me = method.args.args[0].arg if method.args.args else "self"
        for node, guards in _closes(method, me, stored):
            del node
            answer = _guarded(guards, me, flags, param, init, call) if len(classes) == 1 else (None if guards else True)
            if answer is True:
                return True
            if answer is None:
                verdict = None
    return verdict


def _stored_by_base(
    project: Project,
    module: ModuleInfo,
    cls: ast.ClassDef,
    init: ast.FunctionDef | ast.AsyncFunctionDef,
    param: str,
    roots: tuple[Path, ...],
) -> tuple[ast.ClassDef, set[str]] | None:
    """The base class of ``cls`` (one level, of the same library) to whose ``__init__`` ``init``
    forwards ``param`` through ``super().__init__(...)``, and the attributes it stores it in;
    None when it is not forwarded so, or the base does not store it."""
    forward = next((call for call, base in base_init_calls(init) if base is None), None)
    if forward is None or len(cls.bases) != 1:
        return None
    passed: ast.expr | None = None
    for value in (*forward.args, *(k.value for k in forward.keywords)):
        if isinstance(value, ast.Name) and value.id == param:
            passed = value
    if passed is None:
        return None
    qualified = module.imports.qualify(cls.bases[0])
    if qualified is None and isinstance(cls.bases[0], ast.Name) and isinstance(module.top_level.get(cls.bases[0].id), ast.ClassDef):
        base_module, base = module, module.top_level[cls.bases[0].id]
    else:
        found = library_class(project, qualified, roots) if qualified is not None else None
        if found is None:
            return None
        base_module, base = found
    del base_module
    base_init = _method(base, "__init__")  # type: ignore[arg-type]
    if base_init is None:
        return None
    base_param = _parameter_of(base_init, forward, passed)
    if base_param is None:
        return None
    me = base_init.args.args[0].arg if base_init.args.args else "self"
    stored = _stores_of(base_init, me, base_param)
    return (base, stored) if stored else None  # type: ignore[return-value]


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return class_method(cls, name)


def _parameter_of(init: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, arg: ast.expr) -> str | None:
    args = init.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)][1:]
    for keyword in call.keywords:
        if keyword.value is arg:
            if keyword.arg is None:
                return None
            names = {*positional, *(a.arg for a in args.kwonlyargs)}
            return keyword.arg if keyword.arg in names else None
    for index, value in enumerate(call.args):
        if value is arg:
            if isinstance(value, ast.Starred):
                return None
            return positional[index] if index < len(positional) else None
    return None


def _mentions(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _self_attr(node: ast.AST, receiver: str) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver:
        return node.attr
    return None


def _stores_of(init: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str, param: str) -> set[str]:
    """``self.x = param`` (or ``param or Default()``) in ``__init__``, also through a local that
    was rebound from the parameter (``if connector is None: connector = TCPConnector()``)."""
    names = {param}
    for node in ast.walk(init):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and _value_is(node.value, names)
        ):
            names.add(node.targets[0].id)
    return {
        attr
        for node in ast.walk(init)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _value_is(node.value, names)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if (attr := _self_attr(target, receiver)) is not None
    }


def _value_is(value: ast.expr, names: set[str]) -> bool:
    if isinstance(value, ast.Name):
        return value.id in names
    if isinstance(value, ast.BoolOp):
        return any(_value_is(v, names) for v in value.values)
    if isinstance(value, ast.IfExp):
        return _value_is(value.body, names) or _value_is(value.orelse, names)
    return False


def _flags(init: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str) -> dict[str, ast.expr]:
    """``self.flag = <expr>`` in ``__init__``: the expression, by attribute."""
    return {
        attr: node.value
        for node in ast.walk(init)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if (attr := _self_attr(target, receiver)) is not None
    }


def _closes(
    method: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str, stored: set[str]
) -> list[tuple[ast.AST, list[ast.expr]]]:
    """Closes of a stored attribute in ``method``, each with the ``if`` tests it runs under."""
    found: list[tuple[ast.AST, list[ast.expr]]] = []

    def visit(node: ast.AST, guards: list[ast.expr]) -> None:
        if isinstance(node, ast.If):
            visit(node.test, guards)
            for stmt in node.body:
                visit(stmt, [*guards, node.test])
            for stmt in node.orelse:
                visit(stmt, [*guards, ast.UnaryOp(op=ast.Not(), operand=node.test)])
            return
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _CLOSES
            and _self_attr(node.func.value, receiver) in stored
        ):
            found.append((node, guards))
        elif isinstance(node, (ast.AsyncWith, ast.With)) and any(
            _self_attr(item.context_expr, receiver) in stored for item in node.items
        ):
            found.append((node, guards))
        if isinstance(node, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)) and node is not method:
            return
        for child in ast.iter_child_nodes(node):
            visit(child, guards)

    visit(method, [])
    return found


def _guarded(
    guards: list[ast.expr],
    receiver: str,
    flags: dict[str, ast.expr],
    param: str,
    init: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
) -> bool | None:
    """Whether a close under ``guards`` closes the caller's resource."""
    answer: bool | None = True
    for test in guards:
        for node in ast.walk(test):
            attr = _self_attr(node, receiver)
            if attr is None or attr not in flags:
                continue
            source = flags[attr]
            if _mentions(source, param) and not isinstance(source, ast.Name):
                return False  # ``self._owns = session is None``: only what it made itself
            if isinstance(source, ast.Name) and source.id != param:
                if not _plain_condition(test, node):
                    return None
                passed = _passed_value(init, call, source.id)
                if passed is None:
                    return None
                if not passed:
                    return False
    return answer


def _plain_condition(test: ast.expr, node: ast.AST) -> bool:
    """``self.flag`` itself, or one operand of an ``and``: true when the flag is."""
    if test is node:
        return True
    return isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and any(v is node for v in test.values)


def _passed_value(init: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, name: str) -> bool | None:
    """The truth of the parameter ``name`` for this call: as passed, or its default; None when it
    is not a constant."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return _truth(keyword.value)
        if keyword.arg is None:
            return None
    args = init.args
    positional = [a.arg for a in (*args.posonlyargs, *args.args)][1:]
    if name in positional:
        index = positional.index(name)
        if index < len(call.args):
            return _truth(call.args[index])
        defaults = args.defaults
        offset = len(positional) - len(defaults)
        return _truth(defaults[index - offset]) if index >= offset else None
    for kwarg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if kwarg.arg == name:
            return _truth(default) if default is not None else None
    return None


def _truth(value: ast.expr) -> bool | None:
    return bool(value.value) if isinstance(value, ast.Constant) else None


def absent_library_class(module: ModuleInfo, qualified: str) -> bool:
    """A CapWords callee imported from a package that is neither installed nor found in the
    project (``aiotba.TBASession``): its code cannot be read, so nothing proves it closes what it
    is given, and the creator still owns it."""
    return qualified.rpartition(".")[2][:1].isupper() and _absent_package(module, qualified)


def absent_library_function(module: ModuleInfo, qualified: str) -> bool:
    """A function (a lowercase callee) of such a package (``unknownlib.register``): as for a
    class of one, nothing proves it closes or keeps what it is given."""
    return qualified.rpartition(".")[2][:1].islower() and _absent_package(module, qualified)


def _absent_package(module: ModuleInfo, qualified: str) -> bool:
    """``qualified`` names something of a third-party package (not the standard library) that is
    neither installed nor resolved in the project."""
    top = qualified.split(".", 1)[0]
    if top in sys.stdlib_module_names or "." not in qualified or module_file(top) is not None:
        return False
    return module.project.resolve(qualified, module.roots) is None


def unreadable_library_class(module: ModuleInfo, qualified: str) -> bool:
    """A CapWords callee of an *installed* third-party package (not first-party, not the standard
    library) whose class cannot be read (a C extension, a name built at runtime). A package that is
    not installed is left out: an unresolved import may be first-party code this run cannot find."""
    top = _third_party_class(qualified)
    if top is None or module_file(top) is None:
        return False
    if module.project.resolve(qualified, module.roots) is not None:
        return False
    # A class whose source is read but does not settle it (``**options`` that may carry the
    # flag, modal's ``ClientSession(connector=..., **extra)``) is not unreadable: trusted.
    return library_class(module.project, qualified, module.roots) is None


def _third_party_class(qualified: str) -> str | None:
    """The top package of ``qualified`` when it names a CapWords callee outside the standard
    library (a class, by its name); None otherwise."""
    top = qualified.split(".", 1)[0]
    if top in sys.stdlib_module_names or not qualified.rpartition(".")[2][:1].isupper():
        return None
    return top


# The public releases a holder's own code may end what it keeps with, in the order a release is
# looked for (``aclose`` before ``close``: the coroutine twin of a plain ``close``).
HOLDER_RELEASES = ("aclose", "close", "disconnect", "shutdown", "stop", "dispose")


class HeldParameter(NamedTuple):
    """A constructor parameter whose value a holder's release closes: by name and position (-1
    when keyword-only), with the flag parameter that says whether it does (aiohttp's
    ``connector_owner``, ``""`` when it always does) and that flag's default truth."""

    name: str
    position: int
    flag: str = ""
    flag_position: int = -1
    flag_default: bool | None = None


def released_parameters(nodes: list[ast.ClassDef]) -> tuple[str, bool, tuple[HeldParameter, ...]] | None:
    """A class (its lineage, nearest first) whose public release (:data:`HOLDER_RELEASES`, the
    first it has, followed through the methods it calls on ``self``) closes an attribute its
    ``__init__`` stores a constructor parameter in: (the release, whether it is a coroutine, those
    parameters). A close under ``if self.<flag>`` counts when the flag is stored from a parameter
    of its own (the documented owner flag, recorded with it); one under a flag computed from the
    resource's parameter (``self._owns = session is None``: only what it made itself) or under
    any other test does not. None when it closes none of them."""
    def method(name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        return next((m for n in nodes if (m := class_method(n, name)) is not None), None)

    init = method("__init__")
    release = next((name for name in HOLDER_RELEASES if method(name) is not None), None)
    if init is None or release is None or not init.args.args:
        return None
    receiver = init.args.args[0].arg
    reached: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    todo = [release]
    while todo:
        found = method(todo.pop())
        if found is None or found in reached or found.name in _NOT_ENDS:
            continue
        reached.append(found)
        me = found.args.args[0].arg if found.args.args else "self"
        todo += [name for n in ast.walk(found) if isinstance(n, ast.Call) and (name := _self_attr(n.func, me)) is not None]
    positional = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    names = [*positional, *(a.arg for a in init.args.kwonlyargs)]
    flags = _flags(init, receiver)
    held: list[HeldParameter] = []
    for param in names:
        stored = _stores_of(init, receiver, param)
        if not stored:
            continue
        verdicts = [
            _owner_flag(guards, me, flags, param, names)
            for m in reached
            for me in [m.args.args[0].arg if m.args.args else "self"]
            for _, guards in _closes(m, me, stored)
        ]
        if "" in verdicts:
            held.append(HeldParameter(param, _position(positional, param)))
        elif (flag := next((v for v in verdicts if v), None)) is not None:
            held.append(HeldParameter(param, _position(positional, param), flag, _position(positional, flag), _default(init, flag)))
    entry = method(release)
    assert entry is not None
    return (release, isinstance(entry, ast.AsyncFunctionDef), tuple(held)) if held else None


def _owner_flag(guards: list[ast.expr], receiver: str, flags: dict[str, ast.expr], param: str, names: list[str]) -> str | None:
    """``""`` for a close under no test; the flag parameter for one under ``if self.<flag>`` alone
    (or an operand of an ``and``), stored from a constructor parameter other than ``param``;
    None for any other test."""
    if not guards:
        return ""
    if len(guards) != 1:
        return None
    test = guards[0]
    for node in ast.walk(test):
        attr = _self_attr(node, receiver)
        source = flags.get(attr) if attr is not None else None
        if isinstance(source, ast.Name) and source.id != param and source.id in names and _plain_condition(test, node):
            return source.id
    return None


def _position(positional: list[str], name: str) -> int:
    return positional.index(name) if name in positional else -1


def _default(init: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool | None:
    """The truth of the parameter ``name``'s default; None when it has none or it is no constant."""
    args = init.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return next((_truth(d) for a, d in pairs if a.arg == name), None)
