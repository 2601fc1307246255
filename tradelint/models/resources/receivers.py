"""Whether the code a resource is handed to closes it: a first-party class that keeps and
releases it (the ownership model), or an installed library whose source does (read, never
imported, or read into the shipped table: :mod:`.library_holders`); documented flags aside,
not known otherwise."""

from __future__ import annotations

import ast
from typing import Callable, cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel
from tradelint.facts.library_ownership import absent_library_class, library_closes_argument, unreadable_library_class
from tradelint.models.resources.library_holders import holder_takes
from tradelint.models.resources.factories import BuiltinSpec
from tradelint.models.resources.method_stores import method_keeps
from tradelint.models.resources.own_flags import closes_only_its_own
from tradelint.models.resources.nested_holders import moved_into_returned_holder
from tradelint.models.resources.returned_holders import taken_by_returned_instance
from tradelint.models.resources.proofs import result_is_ended


def receiver_closes(
    model: OwnershipModel, builtin_spec: Callable[[str], object], module: ModuleInfo, call: ast.Call, arg: ast.expr
) -> bool | None:
    """Whether the code ``call`` hands ``arg`` to closes it: a first-party class that keeps
    and releases it, or an installed library whose source does (None: not known)."""
    first_party = model.keeps_and_releases(module, call, arg)
    if first_party is True and closes_only_its_own(module, call, arg):
        return False  # ``Client(session)`` whose ``close()`` closes only a session it made itself
    if first_party is False and moved_into_returned_holder(module, model, arg):
        return True  # ``return Device(Config(session))``, whose release releases ``config.session``
    if first_party is False and taken_by_returned_instance(module, model, cast("BuiltinSpec", builtin_spec), call, arg):
        return True  # ``return cls(reader, writer)`` of a class factory the project calls: its callers are judged
    if first_party is not None:
        return first_party
    if (kept := method_keeps(module, call, arg)) is not None:
        return kept  # ``api.set_session(session)`` whose class never ends it, or ends it in its ``close()``
    qualified = module.imports.qualify(call.func)
    if qualified is None or module.top_level.get(call.func.id if isinstance(call.func, ast.Name) else "") is not None:
        return None
    found = library_closes_argument(module.project, qualified, call, arg, module.roots)
    if found is None:
        # Not installed (the checked project's libraries seldom are): the shipped table's
        # reading of the library's source (``scripts/resource_holders.py``).
        found = holder_takes(module, qualified, call, arg)
    if (
        found is None
        and builtin_spec(qualified) is None
        and absent_library_class(module, qualified)
        and not result_is_ended(module, call)
    ):
        # (A resource type of the table, ``aiohttp.ClientSession`` taking a connector, is
        # judged by what is documented for it, installed or not.)
        return False
    if found is None and unreadable_library_class(module, qualified):
        # An installed library class whose code does not show a close keeps nothing, so the
        # creator still owns it (issue 28 point 1: ownership moves only where it is proven;
        # measured in preview first: no change on 87 targets).
        return False
    return found
