"""A function the program reaches only on its way in: its error ends the program.

``goes_on_after_errors`` asks whether the program goes on after a function raises (a resource
lost by an ``await`` then stays open while the program runs). A script's ``main()`` and a test do
not go on. Neither does a function that only they reach: ``start_server()`` of a command-line
login, called by ``async_main()`` alone, which ``main()`` runs; a driver's ``create()`` called only
by the application's startup handler, whose error fails the start (aiohttp's ``run_app`` raises).
Proven, not guessed: every call of the function the project makes is found (by its name in the
module, on ``self``/``cls`` or the class in its class, through an import in another file of the
project), and each is made, outside any ``try`` with a handler, by a program entry, a startup
handler, a function of this kind (three calls deep at most), or the script's own body (``if
__name__ == "__main__": asyncio.run(serve())``, ``__main__.py``'s top level: nothing imports
it). A call of the standard library of the same name (``asyncio.run()`` beside the project's
``run()``) is no call of the function; one run as a task (``asyncio.create_task(f())``, not a
task group's) is no call on the way in: the task gets the error, and its maker goes on. A
function nothing in the project calls, or called
through anything else (an instance of another name, a callback handed on), goes on: a library's
API and a request handler are called by code that catches and goes on.
"""

from __future__ import annotations

import ast
from typing import Callable

from tradelint.facts.app_startup import is_startup_handler
from tradelint.facts.context import ModuleInfo
from tradelint.facts.module_paths import is_stdlib
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES, TASK_MAKERS

Function = ast.FunctionDef | ast.AsyncFunctionDef
_DEPTH = 3


def reached_only_on_the_way_in(
    module: ModuleInfo, function: ast.AST, is_entry: Callable[[ModuleInfo, ast.AST], bool], depth: int = _DEPTH
) -> bool:
    """Whether every call of ``function`` in the project is made by an entry (``is_entry``), a
    startup handler, or (``depth`` calls up) a function reached only so, outside a ``try`` with
    a handler; False when none is found or one cannot be told."""
    if depth == 0 or not isinstance(function, FUNCTION_NODES):
        return False
    key = ("way-in", module.path, function.lineno, depth)
    memo = module.project.class_memo
    if key not in memo:
        memo[key] = False  # a cycle of calls proves nothing
        memo[key] = _reached(module, function, is_entry, depth)
    return bool(memo[key])


def _reached(module: ModuleInfo, function: Function, is_entry: Callable[[ModuleInfo, ast.AST], bool], depth: int) -> bool:
    owner = module.parent(function)
    if isinstance(owner, ast.ClassDef):
        qualified = f"{module.module_name}.{owner.name}.{function.name}" if module.module_name else None
    elif owner is module.tree:
        qualified = f"{module.module_name}.{function.name}" if module.module_name else None
    else:
        return False
    calls = [(module, call) for call in module.index.calls if _calls_here(module, call, function, owner)]
    here = len(calls)
    if qualified is not None:
        root = project_root(module)
        if root is not None:
            module.project.note_scan(f"mentions {function.name}", root)
            for path, _ in files_naming(module.project, root, function.name, skip=module.path):
                other = module.project.module_at(path)
                if other is None:
                    return False
                for call in other.index.calls:
                    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
                    if name != function.name:
                        continue
                    callee = other.imports.qualify(call.func)
                    if callee != qualified:
                        if _standard_library(callee, qualified):
                            continue  # ``asyncio.run(...)`` beside the project's ``run()``
                        return False  # called on something else of that name: cannot be told
                    calls.append((other, call))
    if not calls:
        return False
    return all(_on_the_way_in(home, call, is_entry, depth) for home, call in calls) and not _named_elsewhere(module, function, owner, here)


def _calls_here(module: ModuleInfo, call: ast.Call, function: Function, owner: ast.AST) -> bool:
    func = call.func
    if isinstance(owner, ast.ClassDef):
        if not (isinstance(func, ast.Attribute) and func.attr == function.name and isinstance(func.value, ast.Name)):
            return False
        if func.value.id == owner.name:
            return True
        caller = module.enclosing_function(call)
        return func.value.id in ("self", "cls") and caller is not None and module.parent(caller) is owner
    return isinstance(func, ast.Name) and func.id == function.name


def _named_elsewhere(module: ModuleInfo, function: Function, owner: ast.AST, here: int) -> bool:
    """The module names the function other than by its ``here`` calls in the module (handed on as
    a value: a callback, a router's handler), so what else calls it is unknown."""
    name = function.name
    if isinstance(owner, ast.ClassDef):
        uses = sum(1 for node in module.index.attributes if node.attr == name)
    else:
        uses = sum(1 for node in ast.walk(module.tree) if isinstance(node, ast.Name) and node.id == name)
    return uses > here


def _standard_library(callee: str | None, qualified: str) -> bool:
    """``callee`` is a name of the standard library (``asyncio.run``, ``subprocess.run``), not of
    the project's package that ``qualified`` names (a project package named like a standard
    module, ``queue``, is its own)."""
    return is_stdlib(callee) and callee is not None and callee.partition(".")[0] != qualified.partition(".")[0]


def _on_the_way_in(module: ModuleInfo, call: ast.Call, is_entry: Callable[[ModuleInfo, ast.AST], bool], depth: int) -> bool:
    caller = module.enclosing_function(call)
    for ancestor in module.ancestors(call):
        if ancestor is caller:
            break
        if isinstance(ancestor, ast.Try) and ancestor.handlers:
            return False
    if _made_a_task(module, call):
        return False  # ``create_task(f())``: the task, not its maker, gets f's error
    if caller is None:
        # At import time whatever imports the module may go on; not in the script's own body
        # (``if __name__ == "__main__": asyncio.run(serve())``, ``__main__.py``'s top level),
        # which nothing imports: its error ends the process.
        return _script_body(module, call)
    if is_entry(module, caller) or is_startup_handler(module, caller):
        return True
    return reached_only_on_the_way_in(module, caller, is_entry, depth - 1)


def _made_a_task(module: ModuleInfo, call: ast.Call) -> bool:
    """``asyncio.create_task(f())``, ``loop.create_task(f())``, ``ensure_future(f())``: the
    coroutine runs as a task, whose error ends the task; the code that made it goes on unless it
    awaits the task, so the error does not end the program there."""
    parent = module.parent(call)
    if not (isinstance(parent, ast.Call) and call in parent.args):
        return False
    func = parent.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in TASK_MAKERS:
        return False
    # A task group's task (``async with TaskGroup() as tg: tg.create_task(f())``) raises its
    # error at the group's exit, in the code that made it.
    return not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and _entered_as(module, call, func.value.id))


def _entered_as(module: ModuleInfo, node: ast.AST, name: str) -> bool:
    """``name`` is bound by an ``async with ... as name`` around ``node``."""
    return any(
        isinstance(ancestor, (ast.AsyncWith, ast.With))
        and any(isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == name for item in ancestor.items)
        for ancestor in module.ancestors(node)
    )


def _script_body(module: ModuleInfo, node: ast.AST) -> bool:
    """``node`` is in the module-level code that runs only when the module is the program:
    the top level of ``__main__.py``, or a top-level ``if __name__ == "__main__":`` block."""
    if module.path.name == "__main__.py":
        return True
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.If) and module.parent(ancestor) is module.tree and _tests_main(ancestor.test):
            return child in ancestor.body  # (its ``else`` runs when the module is imported)
        child = ancestor
    return False


def _tests_main(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` (either side)."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = (test.left, test.comparators[0])
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in sides
    )
