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
Read over the whole class family (every method, bases' too, methods under a class-level ``if``):
a release that is not guarded, an alias of the attribute, the parameter kept in a second attribute,
a flag the caller sets (``close_session=True``, a field of a dataclass), one set through
``setattr`` or ``__dict__``, or one any other file of the project names (a factory's
``obj._own_session = True``, fredrike/pydaikin ``69cf5c77``) proves nothing, and the value is
handed over as before. The verdict is kept per class and parameter (the project's memo)."""

from __future__ import annotations

import ast
import weakref

from tradelint.facts.class_family import class_node, class_of_cls
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import lineage, release_words
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES, walk

Function = ast.FunctionDef | ast.AsyncFunctionDef
Classes = list[tuple[ModuleInfo, ast.ClassDef]]
Methods = list[tuple[ModuleInfo, Function]]  # each with the module whose tree holds it (its parents)

# Per module: the attribute names it stores on anything but ``self`` (``obj.F = ...``) or names to
# ``setattr``.
_STORES: weakref.WeakKeyDictionary[ModuleInfo, frozenset[str]] = weakref.WeakKeyDictionary()


def closes_only_its_own(module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool:
    """Whether the first-party class ``call`` constructs keeps ``arg`` in an attribute that it
    releases only under a flag of its own that a given value leaves false."""
    found = class_named(module, class_of_cls(module, call.func) or call.func)
    if found is None:
        return False
    family = lineage(module.project, *found)
    nodes = [class_node(module, summary, facts) for summary, facts in family]
    classes = [node for node in nodes if node is not None]
    if len(classes) != len(family):
        return False
    init = next((s for _, cls in classes for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == "__init__"), None)
    param = _param_of(init, call, arg)
    attr = next((f.stored_params[param] for _, f in family if param is not None and param in f.stored_params), None)
    if param is None or attr is None:
        return False
    key = ("own-flags", found[0].path, found[1].line, param)
    memo = module.project.class_memo
    if key not in memo:
        words = frozenset({"close", "aclose"}) | release_words(family, attr)
        memo[key] = _proven_flags(classes, init, param, attr, words)
    flags: frozenset[str] = memo[key]
    return bool(flags) and not _set_elsewhere(module, classes, flags)


def _proven_flags(classes: Classes, init: Function | None, param: str, attr: str, words: frozenset[str]) -> frozenset[str]:
    """The flags every release of ``self.attr`` in the family runs under, when each is proven
    false for a given value; empty when anything is not proven."""
    functions: Methods = [(owner, f) for owner, cls in classes for f in walk(cls) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    flags: set[str] = set()
    for owner, function in functions:
        me = _receiver(function)
        for node in walk(function):
            if _writes_around(node, me) or _kept_elsewhere(node, me, param, attr):
                return frozenset()  # (``setattr(self, ...)``, ``self.__dict__``, the value in a second attribute)
            if isinstance(node, ast.Assign) and _is_self_attr(node.value, me, attr):
                return frozenset()  # (an alias: ``session = self._session``, released as a local)
            if _releases(node, me, attr, words):
                flag = _guard(owner, function, me, node, attr)
                if flag is None:
                    return frozenset()
                flags.add(flag)
    if not flags or not all(_false_when_given(classes, functions, init, param, attr, flag) for flag in flags):
        return frozenset()
    return frozenset(flags)


def _set_elsewhere(module: ModuleInfo, classes: Classes, flags: frozenset[str]) -> bool:
    """A flag is set on an instance other than through ``self`` (``obj._own_session = True``,
    ``setattr(obj, "_own_session", True)``: fredrike/pydaikin ``69cf5c77``'s factory) in the
    caller's module or a class's, or in any other file of the project that names it."""
    owners = {module.path: module} | {owner.path: owner for owner, _ in classes}
    # (The class's own factory counts too: ``llm = LLM(client=c); llm._owns_client = True`` in a
    # static method of ``LLM``, livekit/agents' ``with_azure``.)
    if any(flags & _stores(owner) for owner in owners.values()):
        return True
    # (A bare folder of modules has no project marker: the folder of the caller's package is read.)
    root = project_root(module) or (module.roots[0] if module.roots else module.path.parent)
    for flag in sorted(flags):
        module.project.note_scan(f"mentions {flag}", root)
        for path, _ in files_naming(module.project, root, flag, skip=module.path):
            if module.project.absolute(path) in owners:
                continue
            other = module.project.module_at(path)
            if other is None or flag in _stores(other):
                return True
    return False


def _stores(module: ModuleInfo) -> frozenset[str]:
    found = _STORES.get(module)
    if found is None:
        found = _STORES[module] = frozenset(
            # (``self.F = ...`` in a method is that class's own flag, read with its class)
            node.attr for node in module.index.attributes
            if isinstance(node.ctx, ast.Store) and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ) | frozenset(
            str(call.args[1].value) for call in module.index.calls
            if isinstance(call.func, ast.Name) and call.func.id == "setattr" and len(call.args) > 1 and isinstance(call.args[1], ast.Constant)
        )
    return found


def _param_of(init: Function | None, call: ast.Call, arg: ast.expr) -> str | None:
    for keyword in call.keywords:
        if keyword.value is arg:
            return keyword.arg
    if init is None:
        return None
    positional = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    return next((positional[i] for i, value in enumerate(call.args) if value is arg and i < len(positional)), None)


def _receiver(function: Function) -> str | None:
    # (Not ``uses.self_name``, which gives a static method no instance: here its first parameter
    # is read as one, so a static helper's unguarded close of it proves the flag nothing.)
    positional = [*function.args.posonlyargs, *function.args.args]
    return positional[0].arg if positional else None


def _is_self_attr(node: ast.AST | None, me: str | None, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == me


def _writes_around(node: ast.AST, me: str | None) -> bool:
    """``setattr(self, ...)``, ``object.__setattr__(self, ...)``, ``self.__dict__``: stores not read here."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        return True
    if isinstance(node, ast.Call) and (
            isinstance(node.func, ast.Name) and node.func.id == "setattr" or isinstance(node.func, ast.Attribute) and node.func.attr == "__setattr__"):
        return True
    return False


def _kept_elsewhere(node: ast.AST, me: str | None, param: str, attr: str) -> bool:
    """The parameter kept in a second attribute (``self.session = session`` beside ``self._session``)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
        return False
    value = node.value
    keeps = isinstance(value, ast.Name) and value.id == param or isinstance(value, (ast.BoolOp, ast.IfExp)) and any(
        isinstance(v, ast.Name) and v.id == param for v in ast.iter_child_nodes(value))
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return keeps and any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == me and t.attr != attr for t in targets)


def _releases(node: ast.AST, me: str | None, attr: str, words: frozenset[str]) -> bool:
    """``node`` releases ``self.attr``: a call of one of ``words`` on it, or an ``async with`` /
    ``with`` of it."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in words:
        return _is_self_attr(node.func.value, me, attr)
    return isinstance(node, (ast.With, ast.AsyncWith)) and any(_is_self_attr(item.context_expr, me, attr) for item in node.items)


def _flag_of(test: ast.expr, me: str | None, attr: str) -> str | None:
    """``self.F`` (or ``self.F and ...``) as a test: the flag that must be true (not the released
    attribute itself: ``if self._session and self._close_session:``)."""
    if isinstance(test, ast.Attribute) and isinstance(test.value, ast.Name) and test.value.id == me and test.attr != attr:
        return test.attr
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return next((flag for value in test.values if (flag := _flag_of(value, me, attr)) is not None), None)
    return None


def _guard(owner: ModuleInfo, method: Function, me: str | None, site: ast.AST, attr: str) -> str | None:
    """The flag ``site`` runs only under: an ``if self.F:`` around it, or an ``if not self.F:``
    that leaves the method before it, in a block around it."""
    child: ast.AST = site
    node = owner.parent(site)
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
        child, node = node, owner.parent(node)
    return None


def _false_when_given(classes: Classes, functions: Methods, init: Function | None, param: str, attr: str, flag: str) -> bool:
    """Every assignment of the flag in the class family leaves it false when ``param`` is given.
    A class-level default proves only in a plain class (not a dataclass's, attrs' or a model's
    field, which its generated ``__init__`` takes from the caller)."""
    seen = False
    for _, cls in classes:
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == flag:
                return False
            if any(isinstance(t, ast.Name) and t.id == flag for t in _targets(stmt)):
                seen = True
                if cls.decorator_list or not _falsy(_value(stmt)):
                    return False
    for owner, function in functions:
        me = _receiver(function)
        plain: set[int] = set()
        stored: list[ast.Attribute] = []
        for node in walk(function):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _is_self_attr(node, me, flag):
                stored.append(node)
            if not any(_is_self_attr(t, me, flag) for t in _targets(node)):
                continue
            seen = True
            value = _value(node)
            plain.update(id(t) for t in _targets(node))
            if _falsy(value):
                continue
            if function is init and value is not None and _tests_absent(value, param) and not _bound_before(function, param, node):
                continue  # ``self._close_session = session is None``
            if value is not None and _truthy(value) and _makes_its_own(owner, node, param if function is init else None, attr, me):
                continue
            return False
        if any(id(n) not in plain for n in stored):
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
    return _compared_to_none(test, param, ast.Is)


def _tests_given(test: ast.expr, param: str) -> bool:
    """``param`` or ``param is not None``: true when the caller gave one."""
    if isinstance(test, ast.Name):
        return test.id == param
    return _compared_to_none(test, param, ast.IsNot)


def _compared_to_none(test: ast.expr, param: str, op: type[ast.cmpop]) -> bool:
    return (
        isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == param and len(test.ops) == 1
        and isinstance(test.ops[0], op) and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    )


def _bound_before(function: Function, name: str, stmt: ast.AST) -> bool:
    at = (getattr(stmt, "lineno", 0), getattr(stmt, "col_offset", 0))
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store) and (node.lineno, node.col_offset) < at
        for node in walk(function)
    )


def _makes_its_own(owner: ModuleInfo, assign: ast.AST, param: str | None, attr: str, me: str | None) -> bool:
    """The flag is set true where the class makes the value itself: in a block that also assigns
    to the attribute (or to the parameter, in ``__init__``) a call given neither (not
    ``session = checked(session)``), or under a test that the parameter was not given."""
    node = owner.parent(assign)
    block = next((b for f in ("body", "orelse") if isinstance(b := getattr(node, f, None), list) and any(s is assign for s in b)), None)
    if node is None or block is None:
        return False
    for stmt in block:
        value = stmt.value.value if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Await) else getattr(stmt, "value", None)
        if isinstance(stmt, ast.Assign) and isinstance(value, ast.Call) and not _mentions(value, param, attr, me) and any(
                _is_self_attr(t, me, attr) or param is not None and isinstance(t, ast.Name) and t.id == param for t in stmt.targets):
            return True
    if isinstance(node, ast.If) and param is not None:
        return (_tests_absent(node.test, param) and block is node.body) or (_tests_given(node.test, param) and block is node.orelse)
    return False


def _mentions(call: ast.Call, param: str | None, attr: str, me: str | None) -> bool:
    return any(isinstance(n, ast.Name) and n.id == param or _is_self_attr(n, me, attr) for n in walk(call))
