"""What a first-party class keeps from a method of a value (``ClassFacts.made``): ``self._ws =
await self._session.ws_connect(url)`` in ``connect()``, where ``self._session`` is stored from a
parameter annotated ``aiohttp.ClientSession``. A library maker on a receiver shown to be of the
maker's class makes a resource (:func:`.library_makers.library_maker`, as for a local); the
class that keeps it and releases it in a method of its own (``disconnect()`` awaiting
``self._ws.close()``) is a resource type then, opened by the method that made it (hummingbot's
``WSConnection``). Asked from the ownership model's summaries, so the class's module is parsed
only for a method name some library's maker has."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import cast

from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.summary_data import Acquisition, ModuleSummary
from tradelint.models.resources.library_makers import library_maker, maker_names, module_makers
from tradelint.models.resources.resource_types import ResourceSpec
from tradelint.models.resources.factories import BuiltinSpec


def maker_method_close(
    model: OwnershipModel, summary: ModuleSummary, made: Acquisition, builtin_spec: BuiltinSpec
) -> tuple[str, bool] | None:
    """(close, awaited) of the library resource ``made`` keeps, or None: not a maker's name, a
    receiver not shown to be of the maker's class, or a part of what it makes."""
    if made.ref[1] not in maker_names():
        return None
    project = model.project
    key = ("method-made", summary.path, summary.digest, made.line, made.attr)
    memo = project.class_memo
    if key not in memo:
        memo[key] = None
        module = project.module_at(Path(summary.path))
        call = _stored_call(module.index.calls, made) if module is not None else None
        spec: ResourceSpec | None = None
        if module is not None and call is not None:
            spec = library_maker(module, call, module_makers(module), builtin_spec)
        if spec is not None and spec.part is None and not spec.holds and not spec.given:
            memo[key] = (spec.close, spec.awaited)
    return cast("tuple[str, bool] | None", memo[key])


def _stored_call(calls: list[ast.Call], made: Acquisition) -> ast.Call | None:
    """The call of ``made.ref``'s method on its line (the summary's store of it)."""
    return next(
        (c for c in calls if c.lineno == made.line and isinstance(c.func, ast.Attribute) and c.func.attr == made.ref[1]),
        None,
    )
