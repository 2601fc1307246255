"""A resource released by releasing one of its parts (issue 28 points 1 and 2, session 41).

Some classes have no release of their own: their users end them by ending a resource they made
and keep where the users reach it. aiogram 3's ``Bot`` makes ``self.session = AiohttpSession()``
and its ``__aexit__`` is ``await self.session.close()``; google-genai's ``Client`` keeps the
``AsyncClient`` of its ``aio`` property, closed by ``await client.aio.aclose()``. The library
table records such a close as a path (``session.close``, ``aio.aclose``: the **part** rule of
``scripts/make_resource_table.py``), and so may a first-party type. A use of the resource that
follows that path is then its close: ``await bot.session.close()`` is a call of the close
(awaited or not: a coroutine close called as a bare statement closes nothing, TRD205),
``push_async_callback(bot.session.close)`` hands it on as a plain close is handed; any other
use of the part (``bot.session.get(...)``) is no close. ``async with bot`` is a ``with`` use,
as for any resource."""

from __future__ import annotations

import ast

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.ownership import Family, ResourceType, family_methods, lineage
from tradelint.facts.named_classes import class_named
from tradelint.facts.awaited_uses import awaited_through, result_put_to_use, run_through
from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import bases_naming, class_and_bases
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.facts.uses import LOGGER_METHODS, Use, name_loads, self_attr, self_attribute_loads
from tradelint.models.resources.resource_types import Creation, ResourceSpec


def part_use(module: ModuleInfo, use: Use, spec: ResourceSpec) -> Use:
    """``use`` read through ``spec``'s close path: ``bot.session.close(...)`` -> a "method" use
    named ``session.close`` (its call the close's call), ``bot.session.close`` uncalled -> an
    "attribute" use so named; any other use, or a spec whose close is a plain name, as it is."""
    if use.kind not in ("attribute", "argument"):
        return use
    if "." not in spec.close:
        for path in spec.part_ends:  # ``client.http.close()``: a "method" use so named, judged by :func:`closes_part_as_owner`
            reached = _path_end(module, use.node, path.split("."))
            if reached is not None and isinstance(call := module.parent(reached), ast.Call) and call.func is reached:
                return Use(use.node, "method", path, call=call)
        return use
    reached = _path_end(module, use.node, spec.close.split("."))
    if reached is None:
        return use
    expr = module.parent(reached)
    if isinstance(expr, ast.Call) and expr.func is reached:
        return Use(use.node, "method", spec.close, call=expr)
    return Use(use.node, "attribute", spec.close)


def _path_end(module: ModuleInfo, holder: ast.expr, names: list[str], depth: int = 0) -> ast.expr | None:
    """The expression that reaches ``holder``'s attribute path ``names``: ``holder.a.b``, or
    step by step through ``getattr(holder, "a", None)`` and locals the steps are kept in
    (``wrapper = getattr(self.client, "_client_wrapper", None)``, then ``http =
    wrapper.http``...), in the function of ``holder``; None if no use of it does."""
    if not names:
        return holder
    expr = module.parent(holder)
    step: ast.expr
    name: object
    if isinstance(expr, ast.Attribute) and expr.value is holder:
        step, name = expr, expr.attr
    elif isinstance(expr, ast.Call) and _getattr_of(expr, holder):
        step, name = expr, getattr(expr.args[1], "value", None)
    else:
        return None
    if name != names[0]:
        return None
    if len(names) == 1:
        return step
    kept = module.parent(step)
    function = module.enclosing_function(step)
    if (isinstance(kept, ast.Assign) and kept.value is step and len(kept.targets) == 1 and isinstance(kept.targets[0], ast.Name)
            and function is not None and depth < len(names) + 1):
        for load in name_loads(function, kept.targets[0].id):
            if (found := _path_end(module, load, names[1:], depth + 1)) is not None:
                return found
        return None
    return _path_end(module, step, names[1:], depth + 1)


def _getattr_of(call: ast.Call, holder: ast.expr) -> bool:
    """``getattr(holder, "name")`` or ``getattr(holder, "name", default)``."""
    return (
        isinstance(call.func, ast.Name) and call.func.id == "getattr" and 2 <= len(call.args) <= 3 and not call.keywords
        and call.args[0] is holder and isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str)
    )


def closes_through_part(use: Use, spec: ResourceSpec) -> bool | None:
    """For a spec whose close is a path: whether ``use`` (read by :func:`part_use`) ends the
    resource. That path does. For a library's type, read into the table, only that path, an
    ``ends`` method or ``__aexit__`` of one ``async with`` may enter, never the object's own
    ``close()`` or ``aclose()`` (aiogram's ``Bot.close()`` is a Telegram API call; genai's plain
    ``Client.close()`` leaves the async transports open). None otherwise (a plain close, or
    another use of a first-party type's: judged as any first-party release is)."""
    if "." not in spec.close:
        return None
    if use.name == spec.close:
        return True
    if spec.library:
        return use.name in spec.ends or (use.name == "__aexit__" and not spec.unenterable)
    return None


def first_party_part(project: Project, found: ResourceType) -> str | None:
    """The close path of a first-party type whose only release is its ``__aexit__`` when that
    exit releases a resource the class made in ``__init__`` and keeps where its users reach it (a
    public attribute, or a public property returning it), as aiogram's ``Bot`` does: ``class
    Api`` with ``self.session = session or ClientSession()`` and ``await self.session.close()`` in
    ``__aexit__`` is ended without ``async with`` by ``await api.session.close()``. None for any
    other type, or when the part is not so reached."""
    if found.release != "__aexit__" or not found.awaited:
        return None
    pairs = type_family(project, found)
    family = [member for _, member in pairs]
    made = {a.attr for member in family for a in member.acquisitions if a.method == "__init__"}
    properties: dict[str, str] = {}
    for member in reversed(family):
        properties.update(member.properties)
    exit_ = family_methods(pairs).get("__aexit__")
    if exit_ is None:
        return None
    for attr, method in sorted(exit_.releases):
        if method == "with" or attr not in made or (attr, method) in exit_.dropped:
            continue
        names = [attr] if not attr.startswith("_") else sorted(p for p, a in properties.items() if a == attr and not p.startswith("_"))
        if names:
            return f"{names[0]}.{method}"
    return None


def gives_held(module: ModuleInfo, call: ast.Call, name: str, held: str) -> bool:
    """Whether ``name`` is a public property of the first-party class ``call`` constructs that
    returns its attribute ``held`` (``@property def http(self): return self._session``): ``await
    client.http.close()`` closes what the instance holds, as ``await client._session.close()``
    would."""
    found = class_named(module, call.func)
    if found is None or name.startswith("_"):
        return False
    return any(member.properties.get(name) == held for _, member in lineage(module.project, *found))


def part_unreached(module: ModuleInfo, c: Creation) -> bool:
    """A library type released through a lazy part (genai's ``Client``, whose ``aio`` client
    opens its transports on first use) whose part nothing reaches: every use of the instance
    goes through another attribute and awaits nothing (``client.models.generate_content(...)``,
    the sync API run in an executor), never through the part nor handed on (an argument, a
    ``return``, an alias: who gets it may reach it). It holds nothing to close. (An awaited
    method of it, ``await bot.send_message(...)``, may open the part, as may one a runner runs:
    ``async_to_sync(bot.get_me)()``, or one whose result is put to use later: entered by hand,
    kept and entered, iterated or awaited, and, when the part is private (every public
    sub-client shares it, as a generated SDK's ``_client_wrapper``), handed on by a coroutine
    function: ``return Audio.from_response(client.tts.stream(text))``.)"""
    if "." not in c.spec.close or not (c.spec.lazy and c.spec.library):
        return False
    part = c.spec.close.split(".", 1)[0]
    if c.kind == "local" and c.function is not None:
        loads: list[tuple[ModuleInfo, ast.expr]] = [(module, n) for n in name_loads(c.function, c.name)]
    elif c.kind == "self" and c.cls is not None:
        loads = [(home, n) for home, k in bases_naming(module, c.cls, c.name) for n in self_attribute_loads(k, c.name)]
    else:
        return False
    for home, node in loads:
        parent = home.parent(node)
        if not (isinstance(parent, ast.Attribute) and parent.value is node) or parent.attr == part or awaited_through(home, node) or run_through(home, node):
            return False
        if result_put_to_use(home, node, handed=part.startswith("_")):
            return False
    return True


def owner_release_parts(project: Project, found: ResourceType) -> tuple[str, ...]:
    """The part release a first-party type's own release may be, all it is: ``close()`` whose one
    release is ``await self.http.close()``, calling no other method of the class and no base's
    release; its path (``http.close``), read from the summaries. Whether the release does nothing
    else is read from its code only where a user ends the part so (:func:`closes_part_as_owner`).
    Empty for any other type (a release that also ends another part, cancels a task, or runs a
    helper of the class)."""
    if found.inherited or found.by_protocol:
        return ()
    family = type_family(project, found)
    release = family_methods(family).get(found.release)
    if release is None or len(release.releases) != 1 or release.extends or release.dropped or release.finally_releases:
        return ()
    ((attr, method),) = release.releases
    if method == "with" or not any(a.attr == attr for _, member in family for a in member.acquisitions):
        return ()
    if any(name in member.methods or name in member.properties for name in release.self_calls - {attr} for _, member in family):
        return ()  # (a helper of the class runs too: ``self._cancel_tasks()``)
    return (f"{attr}.{method}",)


def type_family(project: Project, found: ResourceType) -> Family:
    """The lineage of a first-party resource type's class, from the summaries (no module is
    parsed for it); empty when its facts are not found."""
    facts = next((f for f in found.module.classes.values() if f.name == found.name), None)
    return lineage(project, found.module, facts) if facts is not None else []


def closes_part_as_owner(module: ModuleInfo, use: Use, spec: ResourceSpec) -> bool:
    """Whether ``use`` (``client.http.close()``, read by :func:`part_use`) is a call of a part
    release that is the whole of the instance's own release (:func:`owner_release_parts`),
    awaited where that release is. The instance's class is the one the code proves
    (``receiver_class``: a local bound once to ``Client(...)``, an annotated parameter), and its
    release's body holds that call (in an ``if`` testing the part, a ``try``), a reset of the
    part (``self.http = None``) and log lines, nothing else: ``await client.http.close()`` is then
    ``await client.close()``."""
    if use.kind != "method" or use.call is None or (spec.awaited and not isinstance(module.parent(use.call), ast.Await)):
        return False
    if use.name not in spec.part_ends:
        return False
    function = module.enclosing_function(use.node)
    typed = receiver_class(module, function, use.node) if function is not None else None
    if typed is None:
        return False  # (its class unproven: ``CLIENTS[kind](url)`` may make one whose release does more)
    release = next((s for _, cls in class_and_bases(*typed) for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == spec.close), None)
    attr, _, method = use.name.partition(".")
    return release is not None and _only_releases(release.body, attr, method, first=True)


def _only_releases(body: list[ast.stmt], attr: str, method: str, first: bool = False) -> bool:
    """Whether ``body`` does nothing but release ``self.<attr>`` by ``method``: that call (awaited
    or not), ``self.<attr> = None``, log lines, ``pass``, an ``if`` testing the part alone, a
    ``try`` of such statements (its handlers too); its docstring first."""
    for index, stmt in enumerate(body):
        if first and index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr):
            call = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
            if isinstance(call, ast.Call) and (_self_attr(call.func, attr, method) or _logs(call.func)):
                continue
            return False
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _self_attr(stmt.targets[0], attr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is None:
            continue
        if isinstance(stmt, ast.If) and _tests_part(stmt.test, attr) and _only_releases(stmt.body, attr, method) and _only_releases(stmt.orelse, attr, method):
            continue
        if isinstance(stmt, ast.Try) and all(_only_releases(b, attr, method) for b in (stmt.body, stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers))):
            continue
        return False
    return True


def _self_attr(expr: ast.expr, attr: str, method: str | None = None) -> bool:
    """``self.<attr>``, or ``self.<attr>.<method>`` when ``method`` is given."""
    if method is not None:
        return isinstance(expr, ast.Attribute) and expr.attr == method and self_attr(expr.value, "self") == attr
    return self_attr(expr, "self") == attr


def _tests_part(test: ast.expr, attr: str) -> bool:
    """``self.<attr>``, ``self.<attr> is not None``, ``not self.<attr>.closed``: a test of the part
    alone (of nothing else the release could depend on)."""
    names = [n for n in ast.walk(test) if isinstance(n, ast.Name)]
    calls = [n for n in ast.walk(test) if isinstance(n, ast.Call)]
    return not calls and bool(names) and all(n.id == "self" for n in names) and all(
        _self_attr(n, attr) for n in ast.walk(test) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
    )


def _logs(func: ast.expr) -> bool:
    """A log line: ``logger.info(...)``, ``self._log.debug(...)``, ``print(...)``."""
    return (isinstance(func, ast.Name) and func.id == "print") or (isinstance(func, ast.Attribute) and func.attr in LOGGER_METHODS)
