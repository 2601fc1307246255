"""Which method of an owner is no release of what it holds, by the holding's lifetime
(``scripts/make_resource_table.py``, the **owner** rule; session 51).

The first-party rule takes the first public method that releases a holding as the class's
release. Two kinds of method release a holding without ending what an instance holds between
calls, and the table names neither (:func:`no_release`):

- a method that **makes the holding itself**, in its own body or in a method of the class it
  runs whenever it runs (``self.connect()``, ``super().run()``, a property it reads; not one
  called under a test or in an ``except``: aiorabbit's ``close()`` reconnects only on a channel's
  error). If it ends the holding after making it, it ends only what it made (a run loop:
  aiolocust's ``WebsocketUser.run()`` awaits ``on_start()``, which connects, and closes the socket
  in its ``finally``; the instance holds nothing between calls); if before, it replaces it
  (binance-ws-async's ``recover()`` closes the socket, then awaits ``run()``, which connects
  again). A holding that holds nothing until a method of it is called is made by calling the
  method of its class that makes what it holds (discord-aio's ``DiscordBot.run()`` runs
  ``_start()``, which calls ``self.http.create_session()``; ``setup()`` of aiohttp's
  ``AppRunner``), not by binding it again (``self._stack = AsyncExitStack()`` after its
  ``aclose()`` holds nothing). A make under a test of the holding itself (``if self._http is
  None: self._http = ClientSession()``, or after ``if <connected>: return``) makes it only when
  nothing is held: a coroutine reaching one uses what is held (async-xenapi's ``logout()`` posts
  through ``_ensure_http()``, then closes the session ``login_with_password()`` made), but a plain
  method reaching one runs the class's coroutines on a loop of its own, from the making to the
  end (aiotg's ``Bot.run()``: ``run_until_complete`` of ``loop()``, whose requests make the
  session through the ``session`` property, then of ``self.session.close()``);
- a **generator**, undecorated or made a context manager by ``contextlib`` (not a generator-based
  coroutine: ``@asyncio.coroutine``, ``yield from``, Twisted's ``@inlineCallbacks``): calling it
  runs nothing, its ``finally`` runs only when its iteration ends (aiokafka-service-secretaria's
  ``consume()``; aiomonobnk's ``@asynccontextmanager`` ``context()``).

Either way the release is another method that releases the holding, and with none the class is
no owner (another rule may still take it: its ``__aexit__``, a part its users reach).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

from tradelint.facts.context import Project
from tradelint.facts.named_classes import resolve_ref
from tradelint.facts.ownership import Family, OwnershipModel, lineage
from tradelint.facts.summaries import is_release_name
from tradelint.facts.summary_data import Acquisition, ClassFacts, MethodFacts, ModuleSummary, Ref
from tradelint.facts.syntax import STATEMENT_LISTS, own_nodes
from tradelint.facts.uses import TRY_NODES, self_attr, self_name
from tradelint.models.resources.resource_types import BUILTIN_RESOURCES, holds_nothing_new

Function = ast.FunctionDef | ast.AsyncFunctionDef
# The family's classes, nearest first: each class's methods by name (none: not parsed).
Members = list[dict[str, Function]]

_PROPERTY_DECORATORS = ("property", "cached_property")
_CONTEXT_MAKERS = ("contextmanager", "asynccontextmanager")


def no_release(project: Project, model: OwnershipModel) -> Callable[[Family, str, MethodFacts], bool]:
    """The table's ``OwnershipModel.not_a_release``: whether ``entry``, a method of ``family``
    that releases ``self.<attr>``, is no release of it (the module's two kinds)."""
    members: dict[tuple[str, int], dict[str, Function]] = {}

    def judged(family: Family, attr: str, entry: MethodFacts) -> bool:
        nodes = [_methods(project, members, summary, facts) for summary, facts in family]
        start = next(((index, own[entry.name]) for index, own in enumerate(nodes) if entry.name in own), None)
        if start is None:
            return False
        if _generator(start[1]):
            return True
        return _makes(project, model, family, nodes, attr.split(".", 1)[0], start, plain=not entry.is_async)

    return judged


def _methods(project: Project, members: dict[tuple[str, int], dict[str, Function]], summary: ModuleSummary, facts: ClassFacts) -> dict[str, Function]:
    key = (summary.path, facts.line)
    found = members.get(key)
    if found is None:
        module = project.module_at(Path(summary.path))
        cls = next((c for c in module.index.classes if c.lineno == facts.line and c.name == facts.name), None) if module is not None else None
        found = members[key] = {} if cls is None else {s.name: s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return found


def _generator(function: Function) -> bool:
    """A ``yield`` in the function's own body (not in a function it defines), the function left
    a generator by its decorators: none, or ``contextlib``'s context-manager makers (aiomonobnk's
    ``@asynccontextmanager`` ``context()``). A plain one with ``yield from`` or a decorator that
    drives it is a generator-based coroutine, and may be a release (``@asyncio.coroutine``: a
    library of Python 3.4's, aioslacker's ``close()``; Twisted's ``@inlineCallbacks``:
    scrapy-aiohttp-downloader's handler ``close()``)."""
    nodes = list(own_nodes(function))
    if not any(isinstance(node, ast.Yield) for node in nodes):
        return False
    if isinstance(function, ast.FunctionDef) and any(isinstance(node, ast.YieldFrom) for node in nodes):
        return False
    return all(_decorator_name(d) in _CONTEXT_MAKERS for d in function.decorator_list)


def _decorator_name(decorator: ast.expr) -> str:
    decorator = decorator.func if isinstance(decorator, ast.Call) else decorator
    return decorator.id if isinstance(decorator, ast.Name) else decorator.attr if isinstance(decorator, ast.Attribute) else ""


def _makes(project: Project, model: OwnershipModel, family: Family, nodes: Members, root: str, start: tuple[int, Function], plain: bool) -> bool:
    """Whether the method ``start`` (its class's index in the family, its node), or a method of
    the family it runs, makes ``self.<root>`` (binds it anew, or calls the method of the holding
    that opens it); one under a test of the holding itself only when the method is ``plain``."""
    names = {root} | {name for _, facts in family for name, source in facts.properties.items() if source == root}
    made: dict[tuple[int, str], list[Acquisition]] = {}
    for index, (_, facts) in enumerate(family):
        for acquisition in (*facts.acquisitions, *facts.made):
            if acquisition.attr == root:
                made.setdefault((index, acquisition.method), []).append(acquisition)
    openers = _openers(project, model, family, root)
    for index, function in _reached(nodes, start):
        receiver = self_name(function)
        if receiver is None:
            continue
        for acquisition in made.get((index, function.name), ()):
            if _holds_nothing_new(acquisition.ref):
                # (a library type holding nothing until used, made again: ``self._stack =
                # AsyncExitStack()`` after ``await self._stack.aclose()``; its opener makes it)
                continue
            bound = _binding(function, acquisition, receiver, names)
            if bound is None or plain or not _when_missing(function, bound, receiver, names):
                return True
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in openers
                and self_attr(node.func.value, receiver) in names
                and (plain or not _when_missing(function, node, receiver, names))
            ):
                return True
    return False


def _reached(nodes: Members, start: tuple[int, Function]) -> Iterator[tuple[int, Function]]:
    """``start`` and the methods of the family it runs, transitively: ``self.name(...)`` (the
    nearest definition), ``super().name(...)`` (the next one after the caller's class), and a
    property it reads (not ``self.<property>.close()``, its release of what that property returns)."""
    seen = {(start[0], start[1].name)}
    todo = [start]
    while todo:
        index, function = todo.pop()
        yield index, function
        for name, after in _calls(function, index, nodes):
            found = next(((i, own[name]) for i, own in enumerate(nodes) if i > after and name in own), None)
            if found is not None and (found[0], name) not in seen:
                seen.add((found[0], name))
                todo.append(found)


def _calls(function: Function, index: int, nodes: Members) -> Iterator[tuple[str, int]]:
    """(name, the index of the class after which it is looked up) of what ``function``, a method
    of the family's class ``index``, runs on its instance whenever it runs: not under a test nor in
    an ``except`` (aiorabbit's ``close()`` reaches a reconnect only on a channel's error)."""
    receiver = self_name(function)
    properties = {name for own in nodes for name, f in own.items() if any(_names_property(d) for d in f.decorator_list)}
    released: set[int] = set()
    for node in _run(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            value = node.func.value
            if receiver is not None and self_attr(value, receiver) is not None and is_release_name(node.func.attr):
                released.add(id(value))  # ``self.session.close()``: the property's own release
            elif isinstance(value, ast.Name) and value.id == receiver:
                yield node.func.attr, -1
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super" and not value.args:
                yield node.func.attr, index
    for node in _run(function):
        if receiver is not None and id(node) not in released and (name := self_attr(node, receiver)) in properties:
            yield name, -1


def _run(function: Function) -> Iterator[ast.AST]:
    """The nodes of ``function`` that run whenever it runs (loops' bodies included)."""
    stack: list[ast.AST] = [function]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.If, ast.IfExp)):
            stack.append(node.test)
        elif isinstance(node, ast.BoolOp):
            stack.append(node.values[0])
        elif isinstance(node, TRY_NODES):  # (its handlers run only on an error)
            stack.extend(s for block in ("body", "orelse", "finalbody") for s in getattr(node, block))
        elif isinstance(node, ast.Match):
            stack.append(node.subject)
        else:
            stack.extend(ast.iter_child_nodes(node))


def _names_property(decorator: ast.expr) -> bool:
    return (isinstance(decorator, ast.Name) and decorator.id in _PROPERTY_DECORATORS) or (
        isinstance(decorator, ast.Attribute) and decorator.attr in (*_PROPERTY_DECORATORS, "getter")
    )


def _openers(project: Project, model: OwnershipModel, family: Family, root: str) -> set[str]:
    """The methods of what ``self.<root>`` is made as that make what it holds, when it holds
    nothing until one is called: ``setup`` of aiohttp's ``AppRunner``, ``create_session`` of a
    library's ``HTTPHandler`` that makes its session there (none for a class not read here)."""
    found: set[str] = set()
    for summary, facts in family:
        for acquisition in facts.acquisitions:
            if acquisition.attr == root:
                found |= _opening_methods(project, model, summary, acquisition.ref)
    return found


def _opening_methods(project: Project, model: OwnershipModel, summary: ModuleSummary, ref: Ref) -> set[str]:
    if ref[0] == "qualified" and ref[1] in BUILTIN_RESOURCES:
        opened_by = BUILTIN_RESOURCES[ref[1]].opened_by
        return {opened_by} if opened_by else set()
    target = resolve_ref(project, summary, ref) if ref[0] != "maker" and ref[0] != "class_maker" else None
    if target is None:
        return set()
    return {
        a.method
        for member_summary, member in lineage(project, *target)
        for a in member.acquisitions
        if a.method != "__init__"
        and not a.method.startswith("__")
        and not is_release_name(a.method)  # (``close()`` making a new, empty ``AsyncExitStack``)
        and not _holds_nothing_new(a.ref)
        and model.owned_close(member_summary, a.ref) is not None
    }


def _holds_nothing_new(ref: Ref) -> bool:
    spec = BUILTIN_RESOURCES.get(ref[1].partition("[")[0]) if ref[0] == "qualified" else None
    return spec is not None and holds_nothing_new(spec)


def _binding(function: Function, acquisition: Acquisition, receiver: str, names: set[str]) -> ast.stmt | None:
    """The statement of ``function`` binding ``self.<root>`` that ``acquisition`` records."""
    for node in ast.walk(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno == acquisition.line:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            flat = [e for t in targets for e in (t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t])]
            if any(self_attr(t, receiver) in names for t in flat):
                return node
    return None


def _when_missing(function: Function, node: ast.AST, receiver: str, names: set[str]) -> bool:
    """Whether ``node`` (a binding of the holding, a call opening it) runs only under a test of
    the holding itself: in an ``if``/``while`` testing it, after an ``if`` testing it that
    returns or raises, or binding a value that reads it (``self.s = self.s or ClientSession()``)."""
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _tests(node.value, receiver, names):
        return True
    parents = {id(child): parent for parent in ast.walk(function) for child in ast.iter_child_nodes(parent)}
    current: ast.AST = node
    while current is not function and id(current) in parents:
        parent = parents[id(current)]
        if isinstance(parent, (ast.If, ast.While)) and current is not parent.test and _tests(parent.test, receiver, names):
            return True
        for field in STATEMENT_LISTS:
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is current for s in block):
                before = block[:next(i for i, s in enumerate(block) if s is current)]
                if any(isinstance(s, ast.If) and _tests(s.test, receiver, names) and _leaves(s.body) for s in before):
                    return True
        current = parent
    return False


def _tests(expr: ast.expr, receiver: str, names: set[str]) -> bool:
    return any(
        self_attr(node, receiver) in names or (isinstance(node, ast.Constant) and node.value in names)
        for node in ast.walk(expr)
    )


def _leaves(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))
