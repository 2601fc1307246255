"""Whether a coroutine function only ever runs inside the main coroutine of ``asyncio.run``,
where nothing can cancel it: every call of it in the project is awaited directly (not under a
timeout, a task group or any other ``async with``; not in a ``try`` whose handler catches the
cancellation and goes on) by a function of which the same holds, up to ``asyncio.run(f(...))``
(wherever that runs: a script's ``main``, a private thread's target, hass-dreo's WebSocket
thread). Nobody holds that main task to cancel it, and when it returns ``asyncio.run`` cancels
every task left: a race whose losers are cancelled only after the wait returns cannot leave
them running past a cancelled wait, since no one cancels the wait.

A top-level function is followed by what refers to it: in its own module its name, elsewhere
its name or the alias it is imported as (``from app.bot import main as bot_main``; ``await
bot_main()``), but not another module's function of the same name (a CLI's own ``main()``,
called plainly). A name that cannot be told apart is taken as a mention.

Tests are not the application: what they await is theirs. A function nothing calls, or one
handed on, stored or run as a task anywhere, is not proven."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.project_files import files_naming
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.models.tasks.other_objects import is_test_path, search_root
from tradelint.models.tasks.races import _catches_cancellation

RUNNERS = frozenset({"asyncio.run", "asyncio.runners.run"})


# How many awaiting functions are followed up to ``asyncio.run``.
DEPTH = 6


def only_under_asyncio_run(module: ModuleInfo, function: ast.AsyncFunctionDef, node: ast.AST) -> bool:
    """``node`` (a wait) in ``function`` cannot be cancelled: it is under nothing in the
    function that cancels it, and the function only runs as described above."""
    return _uncancelled_here(module, function, node) and _only_run(module, function.name, 0)


def _only_run(module: ModuleInfo, name: str, depth: int) -> bool:
    root = search_root(module)
    if root is None or depth >= DEPTH:
        return False
    project = module.project
    project.note_scan(f"mentions {name}", root)  # for the cache, memo or not
    memo = project.scan_memo(name)
    qualified = f"{module.module_name}.{name}" if module.module_name and name in module.top_level else None
    key = ("only-under-asyncio-run", root, qualified or name)
    if key in memo:
        return bool(memo[key])
    memo[key] = False  # a function awaited by itself proves nothing
    calls = 0
    proven = True
    for path, _ in files_naming(project, root, name):
        if is_test_path(path):
            continue
        other = module if path == module.path else project.module_at(path)
        if other is None:
            proven = False
            break
        names = {name} if other is module or qualified is None else {name} | _aliases(other, name)
        for node in walk(other.tree):
            named = (isinstance(node, ast.Name) and node.id in names) or (isinstance(node, ast.Attribute) and node.attr == name)
            if not named or not isinstance(getattr(node, "ctx", None), ast.Load):
                continue
            if other is not module and qualified is not None and isinstance(node, ast.expr) and not _may_refer(other, node, qualified):
                continue
            calls += 1
            if not _run_or_awaited(other, node, depth):
                proven = False
                break
        if not proven:
            break
    memo[key] = proven and calls > 0
    return bool(memo[key])


def _aliases(module: ModuleInfo, name: str) -> set[str]:
    """The names ``name`` is imported as in ``module`` (``from app.bot import main as bot_main``)."""
    return {
        alias.asname
        for node in walk(module.tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name == name and alias.asname
    }


def _may_refer(module: ModuleInfo, node: ast.expr, qualified: str) -> bool:
    """Whether ``node`` in ``module`` may name the function ``qualified``: it does, as imported
    or re-exported, or cannot be told; it does not when it names another first-party function
    (the module's own ``main``) or something of another package."""
    named = module.qualify(node)
    if named is None or named == qualified:
        return True
    project, roots = module.project, module.roots
    target = project.resolve(qualified, roots)
    found = project.resolve(named, roots)
    if found is not None:
        return target is None or (found[0].path, found[1].name) == (target[0].path, target[1].name)
    # Not resolved: another package's, unless its module is one of the project's.
    return project.find_path(named.rpartition(".")[0], roots) is not None


def _run_or_awaited(module: ModuleInfo, node: ast.AST, depth: int) -> bool:
    """``asyncio.run(name(...))``, or ``await name(...)`` where nothing cancels it in a function
    that only runs so in turn."""
    call = module.parent(node)
    if not (isinstance(call, ast.Call) and call.func is node):
        return False
    holder = module.parent(call)
    if isinstance(holder, ast.Call) and holder.args and holder.args[0] is call:
        return module.imports.qualify(holder.func) in RUNNERS
    if not isinstance(holder, ast.Await):
        return False
    function = module.enclosing_function(holder)
    if not isinstance(function, ast.AsyncFunctionDef) or module.enclosing_scope(holder) is not function:
        return False
    return _uncancelled_here(module, function, holder) and _only_run(module, function.name, depth + 1)


# ``try``, and ``try``/``except*`` where the interpreter has it (3.11+).
_TRIES: tuple[type[ast.Try], ...] = (ast.Try, getattr(ast, "TryStar", ast.Try))


def _uncancelled_here(module: ModuleInfo, function: ast.AST, node: ast.AST) -> bool:
    """Nothing around ``node`` in ``function`` cancels it or goes on after its cancellation: no
    ``async with`` (a timeout, a task group), no handler that catches the cancellation."""
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, FUNCTION_NODES):
            break
        if isinstance(ancestor, ast.AsyncWith) and any(child is stmt for stmt in ancestor.body):
            return False
        if isinstance(ancestor, _TRIES) and any(child is stmt for stmt in ancestor.body):
            if any(_catches_cancellation(handler) for handler in ancestor.handlers):
                return False
        child = ancestor
    return True
