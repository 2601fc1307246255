"""Two more proofs that a method storing a resource on ``self`` runs again while the object lives
(TRD202 ``self_replaced_again``, :mod:`tradelint.models.resources.rerun_replaced`; issue 28
points 1 and 5):

- a retry: a loop runs the storing method (itself, or a method of the class reaching it) inside a
  ``try`` whose handler goes on with the loop, and a step after the store can raise out of the
  storing method (an ``await`` or a ``raise`` there, not caught in it). The turn that fails leaves
  the new resource open in the slot, and the next turn stores over it (``self._ws = await
  connect(url)`` then ``await self._ws.send(auth)``, retried every five seconds until it works);
- another class of the module holds an instance of the class (``self._controller``, of a
  parameter annotated with the class or one of its subclasses, or made there) and calls the
  storing method on it in a repeating loop, or in such a retry (a connection handler that
  reconnects its controller with back-off).

In both, nothing else in the loop looks at the slot: no read of it, no call of a method of the
class that reads or releases it (``await self._controller.stop()`` in the handler), and the holder
is not handed to other code there."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.attribute_types import attribute_class
from tradelint.facts.class_family import class_and_bases
from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_references import search_root
from tradelint.facts.project_files import files_naming
from tradelint.facts.reruns import SCOPES, TRIES, enclosing_loop, loop_reach, repeating, slot_loads
from tradelint.facts.syntax import class_methods, own_nodes
from tradelint.facts.uses import self_attr, self_calls, self_name, sequential

Function = ast.FunctionDef | ast.AsyncFunctionDef
Loop = ast.While | ast.For | ast.AsyncFor


def retried_or_held(
    module: ModuleInfo, cls: ast.ClassDef, methods: dict[str, Function], function: Function, store: ast.stmt,
    slot: str, reaching: set[str],
) -> str | None:
    """Why the storing method runs again: a retry loop of the class around it (or around a method
    that reaches it) when a step after the store raises, or another class's loop calling it on an
    instance it holds. None when neither is shown."""
    raises = raises_after(module, function, store)
    receiver = self_name(function) or ""
    own = _retry(module, store, function)
    if own is not None and raises_after(module, function, store, stop=own[1]):
        if not _own_loop_reads(methods, own[0], store, receiver, slot, function.name):
            return "a retry loop runs it again on error"
    for name, method in methods.items():
        me = self_name(method)
        if method is function or me is None or not raises:
            continue
        for call, callee in self_calls(method):
            statement = _statement(module, call, method)
            if callee not in reaching or callee == name or statement is None:
                continue
            loop = retry_loop(module, statement, method)
            if loop is not None and not _own_loop_reads(methods, loop, statement, me, slot, function.name):
                return f"`{name}()` retries it on error"
    return _held_elsewhere(module, cls, methods, function, slot, reaching, raises)


def _held_elsewhere(
    module: ModuleInfo, cls: ast.ClassDef, methods: dict[str, Function], function: Function, slot: str,
    reaching: set[str], raises: bool,
) -> str | None:
    """Another class of the module calls the storing method (or one reaching it) on an instance of
    the class it keeps in ``self.<attr>``, in a repeating loop or a retry, and nothing else in the
    loop looks at the slot through that instance."""
    touching = _touching_members(methods, function.name, slot)
    for home, other in _holder_candidates(module, cls):
        other_methods = class_methods(other)
        for name, method in other_methods.items():
            me = self_name(method)
            if me is None:
                continue
            for node in own_nodes(method):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in reaching):
                    continue
                attr = self_attr(node.func.value, me)
                statement = _statement(home, node, method)
                if attr is None or statement is None or not _holds(home, other, attr, module, cls):
                    continue
                loop = enclosing_loop(home, statement, method)
                if loop is not None and _until_result(loop, statement):
                    loop = None  # ``while not ok: ok = await db.connect()``: again only when it says it failed
                why = "calls it in a loop"
                if loop is None and raises:
                    loop, why = retry_loop(home, statement, method), "retries it"
                if loop is not None and not _held_loop_reads(
                    other_methods, loop, statement, me, attr, touching, name, failing=why == "retries it",
                ):
                    return f"`{other.name}` {why}"
    return None


# The project's files searched for a holder of the class: beyond these, the search stops.
HOLDER_FILES = 40


def _holder_candidates(module: ModuleInfo, cls: ast.ClassDef) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    """The other classes of the module, and those of the project's files that name the class or a
    subclass of it made in the module (an annotation, a call)."""
    found = [(module, c) for c in module.index.classes if c is not cls]
    names = {cls.name} | {
        c.name for c in module.index.classes
        if c is not cls and any(isinstance(b, ast.Name) and b.id == cls.name for b in c.bases)
    }
    project, root = module.project, search_root(module)
    paths: set[Path] = set()
    for name in sorted(names):
        project.note_scan(f"mentions {name}", root)
        paths |= {path for path, _ in files_naming(project, root, name, skip=module.path)}
    for path in sorted(paths)[:HOLDER_FILES]:
        other = project.module_at(path)
        if other is not None:
            found.extend((other, c) for c in other.index.classes)
    return found


def _until_result(loop: Loop, statement: ast.stmt) -> bool:
    """The loop's test reads what ``statement`` binds from the call: it turns again only on the
    outcome the call returns (a failure before the store, as far as the holder knows)."""
    if not isinstance(loop, ast.While) or not isinstance(statement, (ast.Assign, ast.AnnAssign)):
        return False
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    bound = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(loop.test))


def _holds(module: ModuleInfo, other: ast.ClassDef, attr: str, owner: ModuleInfo, cls: ast.ClassDef) -> bool:
    """``self.<attr>`` of ``other`` (in ``module``) is an instance of ``cls`` (in ``owner``) or of
    a subclass of it."""
    held = attribute_class(module, other, attr)
    return held is not None and any(
        node is cls or (home.path == owner.path and node.lineno == cls.lineno and node.name == cls.name)
        for home, node in class_and_bases(*held)
    )


def _touching_members(methods: dict[str, Function], storing: str, slot: str) -> set[str]:
    """The slot and the members of the class (methods, properties) that read or release it,
    themselves or through the methods they reach (not the storing one)."""
    found = {slot}
    for name, method in methods.items():
        me = self_name(method) or ""
        if name == storing:
            continue
        if any(isinstance(n, ast.Attribute) and n.attr == slot and self_attr(n, me) == slot for n in ast.walk(method)):
            found.add(name)
            continue
        for reached in loop_reach(methods, method, me, storing, whole_turn=True):
            inner = self_name(methods[reached]) or ""
            if any(self_attr(n, inner) == slot for n in ast.walk(methods[reached])):
                found.add(name)
                break
    return found


def raises_after(module: ModuleInfo, function: Function, store: ast.stmt, stop: ast.AST | None = None) -> bool:
    """A step after ``store`` on its path can raise out of ``function`` (or to the ``try`` ``stop``
    of ``function``'s own retry loop): an ``await`` or a ``raise`` that no ``try`` around it (below
    ``stop``) catches for good."""
    end = (store.end_lineno or store.lineno, store.end_col_offset or 0)
    for node in own_nodes(function):
        if not isinstance(node, (ast.Await, ast.Raise)) or (node.lineno, node.col_offset) <= end:
            continue
        if not sequential(module, store, node) or _caught(module, node, stop or function):
            continue
        return True
    return False


def _caught(module: ModuleInfo, node: ast.AST, stop: ast.AST) -> bool:
    """``node`` is in the body of a ``try`` below ``stop`` with a handler that does not raise."""
    child: ast.AST = node
    for ancestor in module.ancestors(node, stop=stop):
        if isinstance(ancestor, TRIES) and any(s is child for s in ancestor.body) and any(
            not _raises(h) for h in ancestor.handlers
        ):
            return True
        child = ancestor
    return False


def _raises(handler: ast.ExceptHandler) -> bool:
    return any(isinstance(n, ast.Raise) for n in own_nodes(handler))


def _leaves(handler: ast.ExceptHandler) -> bool:
    """The handler raises, returns or breaks out of the loop: the loop does not try again."""
    return any(isinstance(n, (ast.Raise, ast.Return, ast.Break)) for n in own_nodes(handler))


def retry_loop(module: ModuleInfo, node: ast.AST, function: Function) -> Loop | None:
    """The nearest repeating loop of ``function`` around ``node`` when ``node`` is in the body of a
    ``try`` inside it whose handlers go on with the loop (none raises, returns or breaks)."""
    found = _retry(module, node, function)
    return None if found is None else found[0]


def _retry(module: ModuleInfo, node: ast.AST, function: Function) -> tuple[Loop, ast.AST] | None:
    """:func:`retry_loop`, with the outermost such ``try``."""
    child: ast.AST = node
    retried: ast.AST | None = None
    for ancestor in module.ancestors(node, stop=function):
        if isinstance(ancestor, SCOPES):
            return None
        if isinstance(ancestor, TRIES) and any(s is child for s in ancestor.body) and ancestor.handlers and not any(
            _leaves(h) for h in ancestor.handlers
        ):
            retried = ancestor
        if isinstance(ancestor, (ast.While, ast.For, ast.AsyncFor)):
            return (ancestor, retried) if retried is not None and repeating(ancestor) else None
        child = ancestor
    return None


def _statement(module: ModuleInfo, node: ast.AST, function: Function) -> ast.stmt | None:
    return next((a for a in (node, *module.ancestors(node, stop=function)) if isinstance(a, ast.stmt)), None)


def _around(loop: ast.AST, inner: ast.AST, failing: bool = False) -> list[ast.AST]:
    """The parts of ``loop`` (its test, its statements, handlers) that do not hold ``inner``; with
    ``failing``, not those that run only when ``inner`` succeeds in the ``try`` around it (what
    follows it in that ``try``'s body, the ``try``'s ``else``)."""
    parts: list[ast.AST] = []
    current: ast.AST = loop
    in_try = False
    while current is not inner:
        holder = None
        for child in ast.iter_child_nodes(current):
            if any(n is inner for n in ast.walk(child)):
                holder = child
            elif not (failing and (in_try and holder is not None or (
                isinstance(current, TRIES) and (any(s is child for s in current.orelse) or (
                    holder is not None and any(s is child for s in current.body)))))):
                parts.append(child)
        if holder is None:
            break
        if failing and isinstance(current, TRIES) and any(s is holder for s in current.body):
            in_try = True
        current = holder
    return parts


def _own_loop_reads(
    methods: dict[str, Function], loop: ast.AST, statement: ast.stmt, receiver: str, slot: str, storing: str,
) -> bool:
    """Something else in a failing turn of the retry loop reads, releases or drops the slot,
    itself or through a method of the class it calls or a property it reads."""
    for part in _around(loop, statement, failing=True):
        if slot_loads(part, receiver, slot) or any(self_attr(n, receiver) == slot for n in ast.walk(part)):
            return True
        for reached in loop_reach(methods, part, receiver, storing, whole_turn=True):
            inner = self_name(methods[reached]) or ""
            if any(self_attr(n, inner) == slot for n in ast.walk(methods[reached])):
                return True
    return False


def _held_loop_reads(
    other_methods: dict[str, Function], loop: ast.AST, statement: ast.stmt, me: str, attr: str, touching: set[str],
    caller: str, failing: bool,
) -> bool:
    """Something else in the loop of the holding class (in a failing turn, for a retry) reaches
    the slot through the instance: ``self.<attr>.<member>`` of a member that reads or releases it,
    the instance handed to other code, or a method of the holding class doing so."""
    parts = _around(loop, statement, failing)
    for part in parts:
        reached = loop_reach(other_methods, part, me, caller, whole_turn=True)
        if _through(part, me, attr, touching) or any(
            _through(other_methods[r], self_name(other_methods[r]) or "", attr, touching) for r in reached
        ):
            return True
    return False


def _through(node: ast.AST, me: str, attr: str, touching: set[str]) -> bool:
    for n in ast.walk(node):
        if isinstance(n, ast.Attribute) and n.attr in touching and self_attr(n.value, me) == attr:
            return True
        if isinstance(n, ast.Call) and any(
            self_attr(a, me) == attr for a in (*n.args, *(k.value for k in n.keywords))
        ):
            return True  # the instance handed to other code, which may close it
    return False
