"""Where a task is kept when the statement making it is not the one keeping it.

``task = create_task(self._run()); self._task = task`` (or ``app.state.poller = task`` in a
startup handler) keeps the task in that place as surely as ``self._task = create_task(...)``
does: the local is only a name for it on the way. The task is judged as the place's (TRD303,
TRD302's startup reading) when the function does nothing else with the local but look at it (or,
for a place of the application, give it a done-callback); an ``await``, a ``cancel()``, a return
or a hand-on decide it where it is, as before. A done-callback given to the local before it is
kept on ``self`` may be what ends the attribute's life (``task.add_done_callback(_clear)``, where
``_clear`` sets ``self._task = None``: a one-shot task dropped once done), which the class's
reading of the attribute does not see: such a local is left as it was judged before."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.uses import Binding, assigned_to, classify, name_loads
from tradelint.models.tasks.creators import only_looks

Function = ast.FunctionDef | ast.AsyncFunctionDef


def stored_once(module: ModuleInfo, function: Function, name: str) -> tuple[ast.expr, bool] | None:
    """The one load of the local ``name`` that a plain assignment stores in a place other than a
    local (``self._task = task``, ``app["ticker"] = task``), when every other load of it only
    looks at the task (:func:`~tradelint.models.tasks.creators.only_looks`), and whether each of
    those only tests it (no ``add_done_callback(...)``, no ``get_name()``)."""
    stored: ast.expr | None = None
    tested_only = True
    for load in name_loads(function, name):
        parent = module.parent(load)
        if stored is None and isinstance(parent, ast.Assign) and parent.value is load and len(parent.targets) == 1 and not isinstance(
                parent.targets[0], (ast.Name, ast.Tuple, ast.List, ast.Starred)):
            stored = load
            continue
        use = classify(module, load)
        if not only_looks(use):
            return None
        tested_only = tested_only and only_looks(use, callbacks=False)
    return (stored, tested_only) if stored is not None else None


def stored_on_self(module: ModuleInfo, call: ast.Call) -> tuple[Function, Binding, ast.ClassDef] | None:
    """The method ``call`` runs directly in, the binding and its class, when it is
    ``self.x = call`` in a class's method (not in a nested function or comprehension)."""
    function = module.enclosing_function(call)
    if function is None or module.enclosing_scope(call) is not function:
        return None
    binding = assigned_to(module, call, function)
    if binding is None or binding.kind != "self" or binding.cls is None:
        return None
    return function, binding, binding.cls
