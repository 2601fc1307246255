"""A first-party class whose own end leaves open what it opens (issue 28, session 36).

``ReportGenerator`` opens an aiohttp session lazily (``_get_user_avatar_bytes()``), closes it at
the end of ``generate_image_report()`` (its ``finally``), and its ``close()`` closes something
else: after ``generate_pdf_report()``, which reaches the opening helper and no close, the session
stays open, and the owner's ``close()`` of the generator cannot end it
(SXP-Simon/astrbot_plugin_qq_group_daily_analysis ``c65d26b4``, whose async ``close()`` that
closed it was replaced by a later sync one). Proven from the class's own code, not guessed:

- the class (no framework's) has a public release method (``close()``...)
  that neither closes the attribute nor reaches a method that does;
- some other method of it closes the attribute (the class knows it must be closed), but not the
  method that opens it (a per-call resource closed where it is made is no leak);
- a public method reaches the opening method through ``self.<method>()`` calls and reaches no
  method that closes it: after it, the resource stays open until the object is collected.

An instance made by the project then leaks it, whatever its maker does with the instance's own
release: only a close of the attribute through it (``gen._session.close()``) ends it.
"""

from __future__ import annotations

import ast
from pathlib import Path
from collections.abc import Collection
from typing import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel, attr_releasers, framework_teardown, lineage, release_method
from tradelint.facts.summaries import class_named_by
from tradelint.facts.syntax import class_methods, walk
from tradelint.facts.uses import self_name
from tradelint.models.resources.resource_types import ResourceSpec

Release = Callable[[ModuleInfo, ast.Call], "tuple[str, bool] | None"]


def left_by_release(module: ModuleInfo, func: ast.expr, release_of: Release, model: OwnershipModel) -> ResourceSpec | None:
    """The spec of an instance of the class ``func`` names when its release leaves open what it
    opens (the module docstring): ``holds`` the attribute, ``leaves`` the release method then
    the public methods after which the attribute stays open."""
    named = class_named_by(module, func)
    if named is None:
        return None
    summary, definition, facts = named
    if not any(a.method != "__init__" for a in facts.acquisitions):
        return None  # (asked from the summary first: a class that opens nothing later is not parsed)
    owner = module.project.module_at(Path(summary.path))
    cls = next((c for c in owner.index.classes if c.lineno == definition.line and c.name == facts.name), None) if owner else None
    if owner is None or cls is None or framework_teardown(owner, cls) is not None:
        return None
    end = release_method(owner, cls, ())
    methods = class_methods(cls)
    if end is None or end.startswith("_") or end not in methods:
        return None
    calls = {n: _self_calls(f, methods) for n, f in methods.items()}
    family = lineage(module.project, summary, facts)
    for acquisition in facts.acquisitions:
        opener = acquisition.method
        if opener == "__init__" or opener not in methods:
            continue
        call = stored_call(methods[opener], acquisition.line)
        release = release_of(owner, call) if call is not None else None
        if release is None:
            continue
        closers = set(attr_releasers(family, acquisition.attr, frozenset({release[0], "close", "aclose"})))
        if not closers or not closers <= methods.keys() or opener in closers or end in closers or _reach(calls, end) & closers:
            continue  # (a close in a base's method: what reaches it is not read here)
        leaky = [
            p for p in methods
            if not p.startswith("_") and p != end and p not in closers
            and opener in _reach(calls, p) | {p} and not _reach(calls, p) & closers
        ]
        if leaky:
            return ResourceSpec(release[0], awaited=release[1], first_party=True, holds=acquisition.attr, leaves=(end, *leaky))
    return None


def _self_calls(function: ast.FunctionDef | ast.AsyncFunctionDef, methods: Collection[str]) -> set[str]:
    me = self_name(function)
    return {
        n.func.attr for n in walk(function)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
        and n.func.value.id == me and n.func.attr in methods
    } if me is not None else set()


def _reach(calls: dict[str, set[str]], start: str) -> set[str]:
    """The methods ``start`` reaches through ``self.<method>()`` calls, transitively."""
    seen: set[str] = set()
    stack = list(calls.get(start, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(calls.get(current, ()))
    return seen


def stored_call(method: ast.FunctionDef | ast.AsyncFunctionDef, line: int) -> ast.Call | None:
    """The call whose result the store at ``line`` of ``method`` keeps (awaited or not)."""
    for node in ast.walk(method):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.lineno == line and node.value is not None:
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            return value if isinstance(value, ast.Call) else None
    return None
