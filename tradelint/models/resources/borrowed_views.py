"""Objects that hold nothing of their own: what they are built around belongs to someone else.

Two shapes, each a condition about who owns the parts:

- A wrapper of the process's own standard stream (``anyio.wrap_file(TextIOWrapper(
  sys.stdout.buffer))``): the process owns stdin, stdout and stderr; closing the wrapper would
  close them under the rest of the program, so there is nothing for its maker to release.
- A first-party type known only by its ``async with`` protocol (its ``__aexit__`` awaits its own
  ``close()``) that acquires nothing anywhere in its family, built only from the parameters of
  the function that makes it (``self._transport = Transport(client, url)`` in an ``__init__``
  given ``client``): its ``close()`` can only close the parts it was lent, which are the
  caller's. Given a part made here (``Transport(httpx.AsyncClient(), url)``), it owns that part
  and is judged as ever.
"""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.models.resources.resource_types import ResourceSpec

# The process's standard streams and the buffers under them.
_STREAMS = frozenset({"stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__"})


def holds_nothing_of_its_own(module: ModuleInfo, model: OwnershipModel, call: ast.Call, spec: ResourceSpec) -> bool:
    """Whether what ``call`` makes only wraps a part its maker does not own (see the module)."""
    return wraps_a_process_stream(call) or _view_over_parameters(module, model, call, spec)


def wraps_a_process_stream(call: ast.Call) -> bool:
    """Whether the first positional argument of ``call``, followed through the first positional
    argument of each call it is, is ``sys.stdout`` (or stdin, stderr), its ``.buffer``, or its
    ``fileno()``."""
    value: ast.expr = call
    for _ in range(8):
        if not (isinstance(value, ast.Call) and value.args):
            return False
        value = value.args[0]
        if _process_stream(value):
            return True
    return False


def _process_stream(value: ast.expr) -> bool:
    if isinstance(value, ast.Call) and not value.args and isinstance(value.func, ast.Attribute) and value.func.attr == "fileno":
        value = value.func.value
    if isinstance(value, ast.Attribute) and value.attr == "buffer":
        value = value.value
    return (
        isinstance(value, ast.Attribute)
        and value.attr in _STREAMS
        and isinstance(value.value, ast.Name)
        and value.value.id == "sys"
    )


def _view_over_parameters(module: ModuleInfo, model: OwnershipModel, call: ast.Call, spec: ResourceSpec) -> bool:
    if not (spec.first_party and spec.by_protocol) or not (call.args or call.keywords):
        return False
    function = module.enclosing_function(call)
    if function is None:
        return False
    found = class_named(module, call.func)
    if found is None:
        return False
    family = lineage(model.project, *found)
    for owner, facts in family:
        if facts.acquisitions or facts.elements or any(model.method_close(owner, a) is not None for a in facts.made):
            return False  # it makes something of its own (``self._ws = await self._session.ws_connect()``)
    params = _parameters(function)
    values = [*call.args, *(k.value for k in call.keywords)]
    return all(_borrowed(value, params) for value in values)


def _borrowed(value: ast.expr, params: frozenset[str]) -> bool:
    """A parameter of the making function or a constant: nothing made here."""
    if isinstance(value, ast.Starred):
        value = value.value
    return (isinstance(value, ast.Name) and value.id in params) or isinstance(value, ast.Constant)


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    if names and names[0] in ("self", "cls") and not function.args.posonlyargs and function.args.args:
        names = names[1:]
    return frozenset(names)
