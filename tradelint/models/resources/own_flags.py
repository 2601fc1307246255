"""A class that closes a kept value only under a flag of its own (issue 28 point 1: ownership
moves only to a receiver shown to close it).

Clients that accept a caller's session commonly make their own only when given none, and set a
flag saying so; their ``close()`` closes the session only under that flag:

```python
class Client:
    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        if session is None:
            session = aiohttp.ClientSession()
            self._close_session = True
        else:
            self._close_session = False
        self._session = session

    async def close(self) -> None:
        if self._close_session:
            await self._session.close()

client = Client(aiohttp.ClientSession())   # reported: client.close() never closes it
```

Handed a session, such a class keeps it but never closes it, so the creator still owns it. Proven,
not guessed: every release of the attribute the value is kept in runs only while ``self.F`` is
true (under ``if self.F:``, or after ``if not self.F: return``), and every assignment of ``F``
in the class leaves it false when the value is given: a false constant, a true one only where
the class makes the attribute's value itself (beside a constructor's call assigned to it, or
under ``if session is None:``), or ``F = session is None`` before the parameter is bound again.
A flag the caller sets (``close_session=True``), or anything else, proves nothing, and the value
is handed over as before."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_node, class_of_cls
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import attr_releasers, lineage
from tradelint.facts.syntax import FUNCTION_NODES, walk

Function = ast.FunctionDef | ast.AsyncFunctionDef


def closes_only_its_own(module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool:
    """Whether the first-party class ``call`` constructs keeps ``arg`` in an attribute that it
    releases only under a flag of its own that a given value leaves false."""
    found = class_named(module, class_of_cls(module, call.func) or call.func)
    if found is None:
        return False
    family = lineage(module.project, *found)
    nodes = [class_node(module, summary, facts) for summary, facts in family]
    classes = [node[1] for node in nodes if node is not None]
    if len(classes) != len(family):
        return False
    methods: dict[str, Function] = {}
    for cls in classes:
        for stmt in cls.body:
            if isinstance(stmt, FUNCTION_NODES):
                methods.setdefault(stmt.name, stmt)
    param = _param_of(methods.get("__init__"), call, arg)
    attr = next((f.stored_params[param] for _, f in family if param is not None and param in f.stored_params), None)
    if param is None or attr is None:
        return False
    words = frozenset({"close", "aclose"}) | frozenset(how for _, f in family for m in f.methods.values() for owner, how in m.releases if owner == attr)
    releasers = attr_releasers(family, attr, words)
    flags: set[str] = set()
    for name in releasers:
        method = methods.get(name)
        if method is None:
            return False
        sites = list(_releases(method, attr, words))
        if not sites:
            return False  # (released through an alias or a property: not read here)
        for site in sites:
            flag = _guard(method, site, attr)
            if flag is None:
                return False
            flags.add(flag)
    return (
        bool(flags) and all(_false_when_given(classes, methods.get("__init__"), param, attr, flag) for flag in flags)
        and not _set_from_outside(module, classes, flags)
    )


def _set_from_outside(module: ModuleInfo, classes: list[ast.ClassDef], flags: set[str]) -> bool:
    """The caller's module sets one of the flags on an instance itself (``obj._own_session =
    True``, ``setattr(obj, "_own_session", True)``: fredrike/pydaikin ``69cf5c77``'s factory)."""
    inside = {id(node) for cls in classes for node in walk(cls)}
    for node in walk(module.tree):
        if id(node) in inside:
            continue
        if isinstance(node, ast.Attribute) and node.attr in flags and isinstance(node.ctx, ast.Store):
            return True
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant) and node.args[1].value in flags
        ):
            return True
    return False


def _param_of(init: Function | None, call: ast.Call, arg: ast.expr) -> str | None:
    for keyword in call.keywords:
        if keyword.value is arg:
            return keyword.arg
    if init is None:
        return None
    positional = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    return next((positional[i] for i, value in enumerate(call.args) if value is arg and i < len(positional)), None)


def _receiver(function: Function) -> str | None:
    return function.args.args[0].arg if function.args.args else None


def _is_self_attr(node: ast.AST, me: str | None, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == me


def _releases(method: Function, attr: str, words: frozenset[str]) -> list[ast.AST]:
    """The statements of ``method`` that release ``self.attr``: a call of one of ``words`` on it,
    or an ``async with`` / ``with`` of it."""
    me = _receiver(method)
    found: list[ast.AST] = []
    for node in walk(method):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in words and _is_self_attr(node.func.value, me, attr):
            found.append(node)
        elif isinstance(node, (ast.With, ast.AsyncWith)) and any(_is_self_attr(item.context_expr, me, attr) for item in node.items):
            found.append(node)
    return found


def _flag_of(test: ast.expr, me: str | None, attr: str) -> str | None:
    """``self.F`` (or ``self.F and ...``) as a test: the flag that must be true (not the released
    attribute itself: ``if self._session and self._close_session:``)."""
    if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == me and test.attr != attr:
        return test.attr
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return next((flag for value in test.values if (flag := _flag_of(value, me, attr)) is not None), None)
    return None


def _parents(function: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in walk(function) for child in ast.iter_child_nodes(node)}


def _guard(method: Function, site: ast.AST, attr: str) -> str | None:
    """The flag ``site`` runs only under: an ``if self.F:`` around it, or an ``if not self.F:``
    that leaves the method before it, in a block around it."""
    me = _receiver(method)
    parents = _parents(method)
    child: ast.AST = site
    node = parents.get(id(site))
    while node is not None:
        if isinstance(node, ast.If) and any(s is child for s in node.body) and (flag := _flag_of(node.test, me, attr)) is not None:
            return flag
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and any(s is child for s in block):
                for stmt in block[: next(i for i, s in enumerate(block) if s is child)]:
                    if (
                        isinstance(stmt, ast.If) and not stmt.orelse and isinstance(stmt.test, ast.UnaryOp) and isinstance(stmt.test.op, ast.Not)
                        and isinstance(stmt.body[-1], (ast.Return, ast.Raise)) and (flag := _flag_of(stmt.test.operand, me, attr)) is not None
                    ):
                        return flag
        if node is method:
            return None
        child, node = node, parents.get(id(node))
    return None


def _false_when_given(classes: list[ast.ClassDef], init: Function | None, param: str, attr: str, flag: str) -> bool:
    """Every assignment of the flag in the class family leaves it false when ``param`` is given."""
    seen = False
    for cls in classes:
        for stmt in cls.body:
            if any(isinstance(t, ast.Name) and t.id == flag for t in _targets(stmt)):
                seen = True
                if not _falsy(_value(stmt)):
                    return False
        for function in (s for s in cls.body if isinstance(s, FUNCTION_NODES)):
            me = _receiver(function)
            parents = _parents(function)
            plain: set[int] = set()
            for node in walk(function):
                if not any(_is_self_attr(t, me, flag) for t in _targets(node)):
                    continue
                seen = True
                value = _value(node)
                plain.update(id(t) for t in _targets(node))
                if _falsy(value):
                    continue
                if function is init and value is not None and _tests_absent(value, param) and not _bound_before(function, param, node):
                    continue  # ``self._close_session = session is None``
                if value is not None and _truthy(value) and _makes_its_own(function, parents, node, param if function is init else None, attr, me):
                    continue
                return False
            if any(_is_self_attr(n, me, flag) and isinstance(n.ctx, ast.Store) and id(n) not in plain for n in walk(function) if isinstance(n, ast.Attribute)):
                return False  # (``self.F, x = ...``, ``self.F |= ...``: not read here)
    return seen


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    return [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []


def _value(node: ast.AST) -> ast.expr | None:
    return node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None


def _falsy(value: ast.expr | None) -> bool:
    return isinstance(value, ast.Constant) and not value.value


def _truthy(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and bool(value.value)


def _tests_absent(test: ast.expr, param: str) -> bool:
    """``param is None`` or ``not param``: true only when the caller gave nothing."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == param
    return (
        isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == param and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    )


def _bound_before(function: Function, name: str, stmt: ast.AST) -> bool:
    at = (getattr(stmt, "lineno", 0), getattr(stmt, "col_offset", 0))
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store) and (node.lineno, node.col_offset) < at
        for node in walk(function)
    )


def _makes_its_own(function: Function, parents: dict[int, ast.AST], assign: ast.AST, param: str | None, attr: str, me: str | None) -> bool:
    """The flag is set true where the class makes the value itself: in a block that also assigns
    a call to the attribute (or to the parameter, in ``__init__``), or under a test that the
    parameter was not given."""
    node = parents.get(id(assign))
    block = next((b for f in ("body", "orelse") if isinstance(b := getattr(node, f, None), list) and any(s is assign for s in b)), None)
    if node is None or block is None:
        return False
    for stmt in block:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.Call, ast.Await)) and any(
                _is_self_attr(t, me, attr) or param is not None and isinstance(t, ast.Name) and t.id == param for t in stmt.targets):
            return True
    if isinstance(node, ast.If) and param is not None:
        given_absent = _tests_absent(node.test, param)
        given_present = isinstance(node.test, ast.Name) and node.test.id == param or (
            isinstance(node.test, ast.Compare) and isinstance(node.test.left, ast.Name) and node.test.left.id == param
            and len(node.test.ops) == 1 and isinstance(node.test.ops[0], ast.IsNot)
            and isinstance(node.test.comparators[0], ast.Constant) and node.test.comparators[0].value is None)
        return (given_absent and block is node.body) or (given_present and block is node.orelse)
    return False
