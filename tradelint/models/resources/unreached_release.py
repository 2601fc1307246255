"""A release that no end of life reaches (issue 28, point 5): the hand-off chain seen from the class.

A first-party class closes what it holds (``self._sio``) only in its own ends (``__aexit__``, a
public ``stop()``), and otherwise only where it makes it again (``refresh()``: disconnect, then
connect a new one). Each instance the project makes is handed along a chain of holders (a
coordinator that keeps it on ``self``, a record, a dict) into a framework's per-instance store
(``entry.runtime_data``, ``hass.data[DOMAIN][entry.entry_id]``, ``app[...]``), and the end of life
the framework calls (``async_unload_entry``, ``on_cleanup``, the lifespan's exit) reaches none of
its ends: the instance's own verdict (TRD201, "lives on in ``entry.runtime_data``, never closed")
proves that step by step. Then no close of the attribute ever runs at an end: the resource is
leaked where the class makes it (iprak/sensi ``9ec66e57``: the ``socketio.AsyncClient`` of a
``SensiClient`` closed only in ``__aexit__``, the client kept by the coordinator in
``entry.runtime_data``, and an unload that ended nothing). A module global is such a holder
too: an instance kept in one that no code of the project ends (the global's own verdict) reaches
no end of its class (a data layer made by a getter into ``global _data_layer``, whose
``cleanup()`` nothing calls: the pool it makes on first use stays open).

Proven, not guessed. Not judged: a class that is subclassed or named other than to construct,
annotate, import or test it (``isinstance``), or that the project never constructs; an instance
whose verdict is not "never closed" while kept beyond its function (one handed to a library
receiver or an unknown callable is not proven kept: it may be closed there); a class whose
close of the attribute lies in a public method that is no end (anyone may call it), or in a
private helper that a method calls without making the attribute again after it; an attribute
named outside the class (``coordinator.client._sio.disconnect()`` may close it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.file_context import FileContext
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import self_attr, self_attribute_nodes, self_name
from tradelint.models.resources.outliving import kept_beyond
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.resource_types import Creation

_ENDS = ("__aexit__", "__exit__")

# An instance's verdict that the module global keeping it is never ended (by any file of the
# project, for a process global).
_GLOBAL_NEVER_CLOSED = ("global_never_closed", "app_global_never_closed", "process_global_never_closed")


@dataclass(frozen=True)
class Unreached:
    """``ends``: the methods of the class whose close of the attribute no instance reaches (a
    public one first); ``instance``: where one instance is made (``path:line``); ``holder``: what
    keeps it beyond the function that made it."""

    ends: tuple[str, ...]
    instance: str
    holder: str


def release_never_reached(ctx: FileContext, c: Creation) -> Unreached | None:
    """Whether ``self.<c.name>`` of ``c.cls`` is closed only by ends of the class that no instance
    the project makes ever reaches (see the module's docstring)."""
    module, cls = ctx.module, c.cls
    if cls is None or c.kind != "self" or in_tests(module):
        return None
    ends, way = _ends_closing(_methods(module, cls), c.name, c.spec.close)
    if not ends:
        return None
    root = project_root(module) or (module.roots[0] if module.roots else None)
    if root is None:
        return None
    module.project.note_scan(f"mentions {cls.name}", root)
    module.project.note_scan(f"mentions {c.name}", root)
    others = [m for path, _ in files_naming(module.project, root, cls.name, skip=module.path)
              if (m := module.project.module_at(path)) is not None]
    if any(_named_outside(m, cls, c.name) for m in (module, *others)):
        return None
    made: list[tuple[ModuleInfo, ast.Call]] = []
    for other in (module, *others):
        calls = _constructions(other, cls)
        if calls is None or any(_kept_on_self(other, call) for call in calls):
            return None  # (an instance kept on ``self`` is its owner's to end: no verdict of its own)
        made.extend((other, call) for call in calls)
    if not made:
        return None
    for path, _ in files_naming(module.project, root, c.name, skip=module.path):
        named = module.project.module_at(path)
        if named is not None and named not in others and _named_outside(named, cls, c.name):
            return None
    if _ends_called(module, root, cls, sorted(way)):
        return None
    found: Unreached | None = None
    for other, call in made:
        holder = _never_ended(ctx, other, call)
        if holder is None:
            return None
        if found is None:
            found = Unreached(tuple(ends), f"{other.path.name}:{call.lineno}", holder)
    return found


def _kept_on_self(module: ModuleInfo, call: ast.Call) -> bool:
    """``self.<attr> = [await] C(...)`` in a method: the construction's statement stores it on the
    method's receiver."""
    parent = module.parent(call)
    stmt = module.parent(parent) if isinstance(parent, ast.Await) else parent
    function = module.enclosing_function(call)
    me = self_name(function) if isinstance(function, FUNCTION_NODES) else None
    return isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value in (call, parent) and me is not None and any(
        self_attr(t, me) is not None for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]))


def _methods(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The methods of ``cls`` and its first-party bases (the class's own first)."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for _, node in class_and_bases(module, cls):
        for stmt in node.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name not in found:
                found[stmt.name] = stmt
    return found


def _self_calls(method: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[int, str]]:
    me = self_name(method)
    return sorted((n.lineno, called) for n in walk(method)
                  if isinstance(n, ast.Call) and me is not None and (called := self_attr(n.func, me)) is not None)


def _closes(method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str, close: str) -> bool:
    """``self.<attr>.<close>()`` (or any release-named method of it) in ``method``."""
    me = self_name(method)
    return me is not None and any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and self_attr(n.func.value, me) == attr
        and (n.func.attr == close or is_release_name(n.func.attr))
        for n in walk(method)
    )


def _only_before_raise(method: ast.FunctionDef | ast.AsyncFunctionDef, attr: str, close: str) -> bool:
    """Whether every close of ``self.<attr>`` in ``method`` is a statement that a ``raise`` of the
    same block follows at once (a close on an exit by error)."""
    me = self_name(method)
    closes = [n for n in walk(method) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and me is not None
              and self_attr(n.func.value, me) == attr and (n.func.attr == close or is_release_name(n.func.attr))]
    followed: set[int] = set()
    for node in walk(method):
        for field in ("body", "orelse", "finalbody"):
            found = getattr(node, field, None)
            block: list[ast.AST] = found if isinstance(found, list) else []
            for i, stmt in enumerate(block):
                if isinstance(stmt, ast.Expr) and i + 1 < len(block) and isinstance(block[i + 1], ast.Raise):
                    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
                    followed.add(id(value))
    return bool(closes) and all(id(c) in followed for c in closes)


def _makes(methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], attr: str) -> set[str]:
    """The methods that store ``self.<attr>`` again, directly or through a method they call."""
    makers = {name for name, m in methods.items()
              if (me := self_name(m)) is not None
              and any(isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and self_attr(n, me) == attr
                      for n in walk(m))}
    grown = True
    while grown:
        grown = False
        for name, m in methods.items():
            if name not in makers and any(called in makers for _, called in _self_calls(m)):
                makers.add(name)
                grown = True
    return makers


def _ends_closing(
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef], attr: str, close: str
) -> tuple[list[str], set[str]]:
    """The ends of the class (``__aexit__``, a public release) that close ``self.<attr>``, when
    every close of it is reached only from those ends or from a renewal, and every method on the
    way from an end to a close (``_disconnect()``): calling any of them outside the class may
    close it. ([], set()) otherwise."""
    closers = {name for name, m in methods.items() if _closes(m, attr, close)}
    if not closers:
        return [], set()
    # A close that a ``raise`` follows ends the resource on a failed path only (``await
    # self.session.close(); raise ConfigEntryNotReady(...)`` in a refresh): the object is given
    # up there, and its normal life still ends only at the class's ends (an end is one all the same).
    closers = {name for name in closers if _is_end(name) or not _only_before_raise(methods[name], attr, close)}
    if not closers:
        return [], set()
    makers = _makes(methods, attr)
    callers: dict[str, list[tuple[str, int]]] = {}
    for name, m in methods.items():
        for line, called in _self_calls(m):
            callers.setdefault(called, []).append((name, line))
    ends: set[str] = set()
    way: set[str] = set()

    def proven(name: str, seen: frozenset[str]) -> bool:
        way.add(name)
        if _is_end(name):
            ends.add(name)
            return True
        if not name.startswith("_") or name.startswith("__") or name in seen or not callers.get(name):
            return False  # public (anyone may call it), a dunder, a cycle, or called from outside
        for caller, line in callers[name]:
            if _renews(methods[caller], line, attr, makers) or proven(caller, seen | {name}):
                continue
            return False
        return True

    if not (all(proven(name, frozenset()) for name in closers) and ends):
        return [], set()
    # An end that another method of the class calls (``run()`` ending in ``await self.close()``)
    # runs whenever that method does: not judged.
    if any(not _is_end(caller) for end in ends for caller, _ in callers.get(end, ())):
        return [], set()
    return sorted(ends, key=lambda e: (e in _ENDS, e)), way  # a public end first: what to call


def _is_end(name: str) -> bool:
    return name in _ENDS or (not name.startswith("_") and is_release_name(name))


def _renews(method: ast.FunctionDef | ast.AsyncFunctionDef, after: int, attr: str, makers: set[str]) -> bool:
    """Whether ``method`` stores ``self.<attr>`` again after line ``after`` (its close there is a
    renewal: the object's own use, not its end)."""
    if _is_end(method.name):
        return False
    me = self_name(method)
    return me is not None and any(
        getattr(n, "lineno", 0) > after and (
            (isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store) and self_attr(n, me) == attr)
            or (isinstance(n, ast.Call) and self_attr(n.func, me) in makers))
        for n in walk(method)
    )


def _ends_called(module: ModuleInfo, root: Path, cls: ast.ClassDef, ends: list[str]) -> bool:
    """Whether some code of the project may call one of ``ends`` (or a method on the way to the
    close) on an instance of ``cls``: a mention of its name outside the class on a receiver not
    proven of another class (``await coordinator.client.stop()``, ``entry.async_on_unload(
    client.stop)``, ``await client.__aexit__(None, None, None)``), or, for ``__aexit__``, an
    ``async with`` (``with``) of a value that is no call and no attribute made by a library's call
    (``async with self._lock`` where ``self._lock = asyncio.Lock()``), or an exit stack, or
    ``__aenter__`` called by hand."""
    words = [*ends, *(["with"] if any(e in _ENDS for e in ends) else [])]  # (``x.__aexit__(...)`` by hand too)
    family = {id(c) for _, c in class_and_bases(module, cls)}
    for word in words:
        module.project.note_scan(f"mentions {word}", root)
        for path, _ in files_naming(module.project, root, word):
            other = module.project.module_at(path)
            if other is None:
                return True
            inside = {id(n) for _, c in class_and_bases(module, cls) for n in ast.walk(c)} if other is module else set()
            for node in ast.walk(other.tree):
                if id(node) in inside:
                    continue
                if word != "with" and isinstance(node, ast.Attribute) and node.attr == word:
                    function = other.enclosing_function(node)
                    proven = receiver_class(other, function, node.value) if function is not None else None
                    if proven is None or id(proven[1]) in family:
                        return True
                if word == "with" and (
                    (isinstance(node, (ast.With, ast.AsyncWith)) and not all(_not_entering(other, i.context_expr) for i in node.items))
                    or (isinstance(node, ast.Attribute) and node.attr in ("enter_async_context", "enter_context", "__aenter__", "__enter__"))
                ):
                    return True
    return False


def _not_entering(module: ModuleInfo, expr: ast.expr) -> bool:
    """Whether the ``with`` item ``expr`` cannot be an instance made elsewhere: a call's result, or
    ``self.<attr>`` that its class only ever stores a library's call in."""
    if isinstance(expr, ast.Call):
        return True
    cls = module.enclosing_class(expr)
    function = module.enclosing_function(expr)
    if cls is None or function is None or (me := self_name(function)) is None or (attr := self_attr(expr, me)) is None:
        return False
    stores = [module.parent(n) for n in self_attribute_nodes(cls, attr, ast.Store)]
    return bool(stores) and all(
        isinstance(s, ast.Assign) and isinstance(s.value, ast.Call) and _library_call(module, s.value.func) for s in stores
    )


def _library_call(module: ModuleInfo, func: ast.expr) -> bool:
    """``asyncio.Lock`` (an imported top-level module's attribute) or a name imported from a
    module that is not the project's own (no relative import)."""
    head = func
    while isinstance(head, ast.Attribute):
        head = head.value
    if not isinstance(head, ast.Name):
        return False
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Import) and any((a.asname or a.name.split(".")[0]) == head.id for a in stmt.names):
            return head is not func
        if isinstance(stmt, ast.ImportFrom) and not stmt.level and any((a.asname or a.name) == head.id for a in stmt.names):
            return True
    return False


def _named_outside(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether ``module`` names ``.<attr>`` outside ``cls`` (and its bases' bodies)."""
    # The index's attributes when the module has one (a checked module, or one asked about),
    # else a walk; the class's nodes only when the module names ``.<attr>`` at all.
    nodes = module.index.attributes if "index" in module.__dict__ else walk(module.tree)
    named = [n for n in nodes if isinstance(n, ast.Attribute) and n.attr == attr]
    if not named:
        return False
    inside = {id(n) for _, c in class_and_bases(module, cls) for n in walk(c)}
    return any(id(n) not in inside for n in named)


def _constructions(module: ModuleInfo, cls: ast.ClassDef) -> list[ast.Call] | None:
    """The calls of ``cls`` in ``module``; None when ``module`` builds a class from it, defines
    another class of its name, or names it other than to call, import, annotate or test it."""
    calls: list[ast.Call] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ClassDef) and node is not cls and (
            node.name == cls.name or any(_names(base, cls.name) for base in node.bases)
        ):
            return None
        if not _names(node, cls.name):
            continue
        parent = module.parent(node)
        if isinstance(parent, ast.Call) and parent.func is node:
            calls.append(parent)
        elif not _annotation_or_test(module, node):
            return None
    return calls


def _names(node: ast.AST, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name)


def _annotation_or_test(module: ModuleInfo, node: ast.AST) -> bool:
    child: ast.AST = node
    parent = module.parent(node)
    while parent is not None and not isinstance(parent, (ast.stmt, ast.arg)):
        if isinstance(parent, ast.Call):
            return isinstance(parent.func, ast.Name) and parent.func.id in ("isinstance", "issubclass", "cast")
        child, parent = parent, module.parent(parent)
    if isinstance(parent, ast.ClassDef):
        # ``class Entity(CoordinatorEntity[Coordinator])``: a type argument of a base, no instance.
        return any(base is child and isinstance(base, ast.Subscript) and node is not base.value for base in parent.bases)
    if isinstance(parent, ast.arg):
        return parent.annotation is child
    if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return parent.returns is child
    if isinstance(parent, ast.AnnAssign):
        return parent.annotation is child
    return isinstance(parent, ast.TypeAlias) if hasattr(ast, "TypeAlias") else False


def _never_ended(ctx: FileContext, module: ModuleInfo, call: ast.Call) -> str | None:
    """What keeps the instance ``call`` makes beyond its function, when its own verdict is that
    nothing ever ends it (the chain of holders to the end of life, followed by the resource
    analysis of ``module``); None otherwise."""
    here = ctx if module is ctx.module else _context(ctx, module)
    for verdict in resource_analysis(here).verdicts:
        c = verdict.creation
        if c.call is not call and not any(n is call for n in ast.walk(c.stmt)):
            continue
        if verdict.problem in _GLOBAL_NEVER_CLOSED:
            # ``global _data_layer; _data_layer = DataLayer(...)``: the module keeps it for the
            # process, and no code of the project ends it (the global's own verdict).
            return c.name
        if verdict.problem not in ("never_closed", "integration_never_closed"):
            return None
        if c.kind == "integration":
            return ast.unparse(c.stmt.targets[0]) if isinstance(c.stmt, ast.Assign) else "the integration's data"
        if c.kind == "local" and c.function is not None:
            holder = kept_beyond(module, c.function, c.name)
            return ast.unparse(holder) if holder is not None else None
        return None
    return None


def _context(ctx: FileContext, module: ModuleInfo) -> FileContext:
    """One analysis context per other module and run (the class's question asked again)."""
    memo = module.project.class_memo
    key = ("unreached-release-context", module)
    found = memo.get(key)
    if not isinstance(found, FileContext) or found.config is not ctx.config:
        found = memo[key] = FileContext(module, ctx.config)
    return found
