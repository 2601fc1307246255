"""Async generators of the project left unexhausted: a generator object whose body holds a
cleanup across a ``yield`` (an ``async with`` it opened, a ``try`` whose ``finally`` releases)
runs that cleanup only when it is exhausted or closed. ``async for`` closes nothing when the loop
is left early (PEP 525: ``aclose()`` runs on exhaustion, or when the object is finalized, PEP 533
was not accepted), nor does a generator driven by hand (``anext(gen)``) that is dropped.

Synchronous code that steps one on a loop of its own and drops it (``loop.run_until_complete(
anext(it))``, onyx-dot-app/onyx ``27df690a``) leaves the cleanup undone: the object dies when no
loop runs it, and its ``finally`` cannot await. A coroutine that leaves one (a ``break`` or
``return`` out of ``async for``, a step with no ``aclose()``) leaks nothing on CPython: the
running loop's async-generator hooks (``sys.set_asyncgen_hooks``, installed by every asyncio
loop) schedule its ``aclose()`` as soon as its last reference goes, at the loop's exit or at the
function's return. Run with the garbage collector off, 100 requests each leaving such a generator
of a pool of 3 connections are all served (``tests/test_session97_generators_closed.py``). Its
cleanup still runs later, in another task (outside the task's context variables, its errors
going to the loop's handler), and not at all when the loop ends in that turn (``asyncio.run``
cancels the pending close as its main coroutine returns, with the process about to end):
``contextlib.aclosing()`` is the hygiene flake8-async's opt-in ASYNC900 asks for, and a
coroutine's is reported under ``--preview`` only (and read only then: :func:`unexhausted_generators`).

Not judged: a generator wrapped in ``contextlib.aclosing()`` or closed (``await gen.aclose()``),
handed on, returned or kept (its holder owns it), a loop with no early exit (exhaustion closes it,
an error in its body aside), and a generator whose cleanup is only a timeout or a task group of
``asyncio``/``anyio`` (nothing to release)."""

from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Iterator

from tradelint.facts.class_family import resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.file_context import FileContext
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import name_loads, name_stores
from tradelint.models.resources.resource_model import resource_analysis

# Whether a call (in the module given) makes a known resource: the resource model's answer.
Opens = Callable[[ModuleInfo, ast.Call], bool]
_STEPS = frozenset({"__anext__", "asend", "athrow"})


@dataclass(frozen=True)
class LeftGenerator:
    call: ast.Call  # the call that makes the generator object
    label: str  # the generator function's name
    how: str  # "break", "return" (left at that line) or "by hand" (stepped, never closed)
    line: int


def unexhausted_generators(ctx: FileContext) -> Iterator[LeftGenerator]:
    """Every call of a first-party async generator holding a cleanup at a ``yield`` whose object
    the calling function leaves unexhausted and unclosed; a coroutine's only under ``--preview``
    (the running loop closes what it leaves: see the module's docstring)."""
    module, opens = ctx.module, _opener(ctx)
    for call in module.index.calls:
        # The parent first: of the module's calls, few are a loop's iterable or an assigned value.
        if not isinstance(call.func, (ast.Name, ast.Attribute)) or not isinstance(module.parent(call), (ast.AsyncFor, ast.Assign)):
            continue
        function = module.enclosing_function(call)
        if function is None or module.enclosing_scope(call) is not function:
            continue
        if isinstance(function, ast.AsyncFunctionDef) and not ctx.config.preview:
            continue  # (not read at all: most such calls are a coroutine's)
        left = _left(module, call, function)  # (first: it reads the function alone)
        generator = _generator_of(module, call, function, opens) if left is not None else None
        if left is not None and generator is not None:
            yield LeftGenerator(call, generator.name, left[0], left[1])


def _opener(ctx: FileContext) -> Opens:
    """Whether a call makes a known resource: the file's resource model's answer, or in another
    module the library or built-in type its callee names."""
    analysis = resource_analysis(ctx)

    def opens(module: ModuleInfo, call: ast.Call) -> bool:
        if module is ctx.module:
            return analysis.spec_for(call) is not None
        qualified = module.imports.qualify(call.func)
        return qualified is not None and analysis.builtin_spec(qualified) is not None
    return opens


def _generator_of(module: ModuleInfo, call: ast.Call, function: ast.AST, opens: Opens) -> ast.AsyncFunctionDef | None:
    """The async generator function ``call`` calls when it holds a cleanup at a ``yield``: a
    function nested in an enclosing one, one of the module or of the project, or ``self.<m>``
    of the enclosing class."""
    func = call.func
    found: ast.AST | None = None
    where = module
    if isinstance(func, ast.Name):
        found = _nested(module, call, func.id)
        if found is None:
            resolved = resolve_definition(module, func)
            if resolved is not None:
                where, found = resolved
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self" and isinstance(function, FUNCTION_NODES):
        owner = module.parent(function)
        if isinstance(owner, ast.ClassDef):
            found = next((s for s in owner.body if isinstance(s, FUNCTION_NODES) and s.name == func.attr), None)
    if not isinstance(found, ast.AsyncFunctionDef) or found.decorator_list or not holds_cleanup(where, found, opens, 0, _left_unset(found, call)):
        # (a decorated one may be made something else: ``@asynccontextmanager``)
        return None
    return found


def _nested(module: ModuleInfo, call: ast.Call, name: str) -> ast.AST | None:
    """The function named ``name`` defined in a function enclosing ``call`` (the closest)."""
    for node in module.ancestors(call):
        if isinstance(node, FUNCTION_NODES):
            for stmt in ast.walk(node):
                if isinstance(stmt, FUNCTION_NODES) and stmt.name == name and stmt is not node:
                    return stmt
    return None


def holds_cleanup(module: ModuleInfo, generator: ast.AsyncFunctionDef, opens: Opens, depth: int, unset: frozenset[str] = frozenset()) -> bool:
    """Whether a ``yield`` of ``generator`` (its own, not a nested function's) is inside an
    ``async with``/``with`` of a known resource it makes there, inside the body of a ``try`` whose
    ``finally`` releases something (``await session.close()``), or inside an ``async for`` over a
    call of another generator of the module that holds one. Not a ``yield`` under ``if p is not
    None:`` (or ``if p:``) of a parameter ``p`` in ``unset``, those the call leaves at ``None``:
    the call never reaches it."""
    for node in _own_nodes(generator):
        if not isinstance(node, (ast.Yield, ast.YieldFrom)) or (unset and _under_a_set_test(module, node, generator, unset)):
            continue
        child: ast.AST = node
        for parent in _chain(module, node, generator):
            if isinstance(parent, (ast.With, ast.AsyncWith)) and child in parent.body and any(
                isinstance(made := _unawaited(i.context_expr), ast.Call) and opens(module, made) for i in parent.items
            ):
                return True
            if isinstance(parent, ast.Try) and child in parent.body and any(
                isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))
                and is_release_name(n.func.id if isinstance(n.func, ast.Name) else n.func.attr)
                for s in parent.finalbody for n in ast.walk(s)
            ):
                return True
            if (
                isinstance(parent, ast.AsyncFor) and child in parent.body and depth < 2
                and isinstance(parent.iter, ast.Call) and isinstance(parent.iter.func, ast.Name)
                and isinstance(inner := module.top_level.get(parent.iter.func.id), ast.AsyncFunctionDef)
                and inner is not generator and holds_cleanup(module, inner, opens, depth + 1)
            ):
                return True
            child = parent
    return False


def _left_unset(generator: ast.AsyncFunctionDef, call: ast.Call) -> frozenset[str]:
    """The parameters of ``generator`` defaulting to ``None`` that ``call`` does not pass."""
    args = generator.args
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return frozenset()
    positional = [*args.posonlyargs, *args.args]
    if positional and positional[0].arg in ("self", "cls") and isinstance(call.func, ast.Attribute):
        positional = positional[1:]
    defaults = dict(zip([a.arg for a in positional][len(positional) - len(args.defaults):], args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    passed = {a.arg for a in positional[:len(call.args)]} | {k.arg for k in call.keywords if k.arg is not None}
    return frozenset(name for name, d in defaults.items() if isinstance(d, ast.Constant) and d.value is None and name not in passed)


def _under_a_set_test(module: ModuleInfo, node: ast.AST, generator: ast.AST, unset: frozenset[str]) -> bool:
    """Whether ``node`` is in the body of ``if p is not None:`` or ``if p:`` for ``p`` in ``unset``."""
    child: ast.AST = node
    for parent in _chain(module, node, generator):
        if isinstance(parent, ast.If) and child in parent.body:
            test = parent.test
            if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot) \
                    and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
                test = test.left
            if isinstance(test, ast.Name) and test.id in unset:
                return True
        child = parent
    return False


def _unawaited(expr: ast.expr) -> ast.expr:
    return expr.value if isinstance(expr, ast.Await) else expr


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``function``'s body, not those of functions or classes nested in it."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def _chain(module: ModuleInfo, node: ast.AST, top: ast.AST) -> Iterator[ast.AST]:
    """The ancestors of ``node`` up to (not including) ``top``."""
    for parent in module.ancestors(node):
        if parent is top:
            return
        yield parent


def _left(module: ModuleInfo, call: ast.Call, function: ast.AST) -> tuple[str, int] | None:
    """How the function leaves the generator ``call`` makes unexhausted, or None."""
    parent = module.parent(call)
    if isinstance(parent, ast.AsyncFor) and parent.iter is call:
        return _early_exit(parent)
    if not (isinstance(parent, ast.Assign) and parent.value is call and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return None
    if not _loops_or_steps(module, function):
        return None  # (what follows walks the function: most have neither)
    names = [parent.targets[0].id]
    stepped: ast.AST | None = None
    left: tuple[str, int] | None = None
    for name in names:  # (grows: ``it = gen.__aiter__()``)
        for load in name_loads(function, name):
            use = module.parent(load)
            if isinstance(use, ast.AsyncFor) and use.iter is load:
                left = left or _early_exit(use)
            elif isinstance(use, ast.Attribute) and isinstance(step := module.parent(use), ast.Call) and step.func is use:
                if use.attr in ("aclose", "athrow"):
                    return None
                if use.attr == "__aiter__" and isinstance(alias := module.parent(step), ast.Assign) and len(alias.targets) == 1 \
                        and isinstance(alias.targets[0], ast.Name):
                    names.append(alias.targets[0].id)
                elif use.attr in _STEPS:
                    stepped = stepped or step
                else:
                    return None
            elif isinstance(use, ast.Call) and isinstance(use.func, ast.Name) and use.func.id == "anext" and use.args and use.args[0] is load:
                stepped = stepped or use
            else:
                return None  # handed on, returned, kept, wrapped in ``aclosing()``
    # Each name bound once only; asked last: most generators' objects are used otherwise, and
    # the stores are a second walk of the function.
    if (left is None and stepped is None) or any(len(name_stores(function, name)) != 1 for name in names):
        return None
    if stepped is not None and not _run_to_the_end(module, stepped, function):
        return ("by hand", getattr(stepped, "lineno", call.lineno))
    return left


def _loops_or_steps(module: ModuleInfo, function: ast.AST) -> bool:
    """Whether the lines of ``function`` hold an ``async for`` or a call that steps a generator
    (``anext(x)``, ``x.__anext__()``, ``asend``, ``athrow``): a generator's object assigned there
    can be left only by one of them. From the module's index, sorted by position."""
    first: int = getattr(function, "lineno", 0)
    last: int = getattr(function, "end_lineno", None) or first
    index = module.index
    loops = index.async_loops
    if bisect_right(loops, last, key=_line_of) > bisect_left(loops, first, key=_line_of):
        return True
    calls = index.calls
    return any(
        (isinstance(c.func, ast.Name) and c.func.id == "anext") or (isinstance(c.func, ast.Attribute) and c.func.attr in _STEPS)
        for c in calls[bisect_left(calls, first, key=_line_of):bisect_right(calls, last, key=_line_of)]
    )


def _line_of(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def _early_exit(loop: ast.AsyncFor) -> tuple[str, int] | None:
    """A ``break`` of ``loop`` or a ``return`` in its body: a way out before exhaustion."""
    for node in _loop_nodes(loop.body, own_loop=True):
        if isinstance(node, ast.Break):
            return ("break", node.lineno)
        if isinstance(node, ast.Return):
            return ("return", node.lineno)
    return None


def _loop_nodes(body: list[ast.stmt], own_loop: bool) -> Iterator[ast.AST]:
    """The nodes of ``body`` a ``break``/``return`` of the loop can be among: not in nested
    functions; a ``break`` of a nested loop is that loop's (its ``return`` still leaves)."""
    stack: list[tuple[ast.AST, bool]] = [(s, own_loop) for s in body]
    while stack:
        node, own = stack.pop()
        if isinstance(node, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return) or (isinstance(node, ast.Break) and own):
            yield node
        inner = own and not isinstance(node, (ast.For, ast.AsyncFor, ast.While))
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            stack.extend((s, False) for s in node.body)
            stack.extend((s, own) for s in node.orelse)
            continue
        stack.extend((c, inner) for c in ast.iter_child_nodes(node))


def _run_to_the_end(module: ModuleInfo, step: ast.AST, function: ast.AST) -> bool:
    """Whether the step is taken in a loop left only when the generator is exhausted: inside a
    ``try`` whose handler of ``StopAsyncIteration`` is the loop's one way out (a ``break``), in a
    function that is no generator itself (a consumer of it may stop at its ``yield``)."""
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(function)):
        return False
    loop = next((a for a in _chain(module, step, function) if isinstance(a, (ast.While, ast.For, ast.AsyncFor))), None)
    handler = next(
        (h for a in _chain(module, step, function) if isinstance(a, ast.Try) for h in a.handlers
         if h.type is not None and any(isinstance(n, ast.Name) and n.id == "StopAsyncIteration" for n in ast.walk(h.type))),
        None,
    )
    if loop is None or handler is None:
        return False
    exits = list(_loop_nodes(loop.body, own_loop=True))
    return bool(exits) and all(any(e is n for n in ast.walk(handler)) for e in exits)
