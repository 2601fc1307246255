"""A resource made through a call that runs its maker and gives back what it returns:
``client = await hass.async_add_executor_job(Client, host)``, ``await asyncio.to_thread(make_client,
url)``, ``await loop.run_in_executor(None, functools.partial(Client, host=h))``,
``functools.partial(Client, host)()``. The wrapper's result is the maker's, so it is a creation of
what the maker makes, kept, closed and judged where the wrapper's result goes, as a direct call of
the maker would be (:func:`tradelint.facts.runners.ran_call` reads which argument is run)."""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.runners import ran_in_a_thread, ran_sync_call
from tradelint.models.resources.class_factories import kept_instance_factory
from tradelint.models.resources.factories import MAKERS, BuiltinSpec, borrows_its_parts, given_own, imported_factory, self_method_factory
from tradelint.models.resources.project_evidence import may_be_shared
from tradelint.models.resources.resource_types import ResourceSpec, wraps_given


def ran_maker(
    module: ModuleInfo,
    call: ast.Call,
    spec_for: Callable[[ast.Call], ResourceSpec | None],
    builtin_spec: BuiltinSpec,
    model: OwnershipModel,
    resources: tuple[tuple[str, str], ...],
) -> tuple[ast.Call, ResourceSpec] | None:
    """The maker's call that ``call`` runs and the spec of what it makes, when ``call`` runs one:
    a method of the class that makes one (``self._make_client``), a first-party function that
    returns one on every path, a resource class or a library's maker; judged as a direct call of it
    is (not when it wraps, takes or borrows what it is given). Not a coroutine function run in a
    thread: that gives back a coroutine, never awaited there, and makes nothing."""
    ran = ran_sync_call(module, call)  # (not a coroutine function run in a thread)
    if ran is None:
        return None
    func = ran.func
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return None
    spec: ResourceSpec | None = None
    if root.id == "self":
        spec = self_method_factory(module, ran, builtin_spec, model, resources) if isinstance(func, ast.Attribute) and func.value is root else None
    elif root.id in module.imports.names or root.id in module.top_level:
        spec = imported_factory(module, func, builtin_spec, model) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if spec is None:
            spec = _made_by(module, ran, spec_for)
    if spec is None and isinstance(func, ast.Attribute) and not (root.id == "self" and func.value is root):
        # ``await asyncio.to_thread(self.factory.make)``, ``await loop.run_in_executor(None,
        # client.connect, host)``: a method of a receiver whose first-party class is proven, run
        # for its result, makes what a direct call of it makes (a local or a parameter of no
        # proven class: what it calls is not read).
        spec = kept_instance_factory(module, ran, builtin_spec, model, MAKERS)
    if spec is None or (ran_in_a_thread(call) and spec.awaited_maker):
        return None
    return ran, spec


def _made_by(module: ModuleInfo, ran: ast.Call, spec_for: Callable[[ast.Call], ResourceSpec | None]) -> ResourceSpec | None:
    """What a class or a library's maker makes, as the resource model reads a direct call of it."""
    spec = spec_for(ran)
    if spec is None or (spec.given and wraps_given(ran, spec) and not (spec.library and given_own(module, ran, spec.given, spec_for))):
        return None
    if spec.takes and not given_own(module, ran, spec.takes, spec_for):
        return None
    if (spec.evidenced and may_be_shared(module, ran)) or borrows_its_parts(module, ran, spec):
        return None
    return spec

