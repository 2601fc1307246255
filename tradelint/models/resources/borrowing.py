"""What a first-party constructor borrows rather than owns (issue 28 points 1 and 3): the
parameters a class keeps in the very attribute it would otherwise make itself (``lazily_given``),
and whether a call hands it, for one of them, something it did not make for it (``borrows``):
given one, the instance makes none of its own and holds nothing to release."""

from __future__ import annotations

import ast

from tradelint.facts.class_family import class_node
from tradelint.facts.context import ModuleInfo
from tradelint.facts.named_classes import class_named, resolve_ref
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.release_names import releases_name
from tradelint.facts.summary_data import ClassFacts, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES, base_init_calls, capword, own_nodes, own_returns, parameter, walk
from tradelint.facts.uses import bound_once
from tradelint.models.resources.given_parts import made_by_a_class
from tradelint.models.resources.mocked_parts import stand_in


def borrows(module: ModuleInfo, call: ast.Call, params: tuple[tuple[str, int], ...]) -> bool:
    """Whether ``call`` passes for one of ``params`` an object it did not make for it: not a
    constructor call (``Pool(...)``, ``Pool.from_url(...)``), directly or through a local bound
    once ; a parameter, an attribute, what another function provides is borrowed, and so is a
    stand-in made in place that holds no resource (a test's ``Cloud(client=FakeClient())``,
    :func:`.mocked_parts.stand_in`): the instance keeps it and makes none of its own."""
    function = module.enclosing_function(call)
    values = [k.value for k in call.keywords if any(k.arg == name for name, _ in params)]
    values += [call.args[position] for _, position in params if 0 <= position < len(call.args)]
    for value in values:
        if isinstance(value, ast.Constant) and value.value is None:
            continue
        if isinstance(value, ast.Name) and isinstance(function, FUNCTION_NODES) and _may_be_none(function, value.id):
            continue  # ``session=None`` handed on as it came: given nothing, the instance makes its own
        if isinstance(value, ast.Name) and isinstance(function, FUNCTION_NODES) and (
                parameter(function, value.id) is not None or _released_here(function, value.id)):
            # The caller's, or one made only when it gave none (``if session is None:``), or one
            # this function ends itself (``finally: await session.close()``): lent, not given.
            return True
        if isinstance(value, ast.Name) and function is not None:
            value = bound_once(function, value.id) or value
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and made_by_a_class(value.func) and not stand_in(module, function, value):
            continue
        if any(_makes(given) for given in _given_returns(module, function, value)):
            continue  # a function that makes a new one at each call (``establish_connection(BleakClient, ...)``)
        return True
    return False


def _given_returns(module: ModuleInfo, function: ast.AST | None, value: ast.expr) -> list[ast.expr]:
    """What a function handed on as ``value`` returns: a lambda's body, or the ``return`` values
    of a function defined beside the call (in the function around it, or at the module's top)."""
    if isinstance(value, ast.Lambda):
        return [value.body]
    if not isinstance(value, ast.Name):
        return []
    scopes = [own_nodes(function)] if function is not None else []
    scopes.append(iter(module.tree.body))
    for nodes in scopes:
        found = next((n for n in nodes if isinstance(n, FUNCTION_NODES) and n.name == value.id), None)
        if found is not None:
            return [r.value for r in own_returns(found) if r.value is not None]
    return []


def _makes(returned: ast.expr) -> bool:
    """``ClientSession()``, ``await establish_connection(BleakClient, device)``: a constructor's
    call, or a call handed the class it makes an instance of; not a getter (``async_get_
    clientsession(hass)``)."""
    if isinstance(returned, ast.Await):
        returned = returned.value
    if not isinstance(returned, ast.Call):
        return False
    first = returned.args[0] if returned.args else None
    return made_by_a_class(returned.func) or (isinstance(first, ast.Name) and capword(first.id))


def _released_here(function: ast.AST, name: str) -> bool:
    """Whether ``function`` ends the local ``name`` itself: ``name.close()`` (any release), or
    ``async with name:`` / ``with name:``."""
    for node in walk(function):
        if releases_name(node, name):
            return True
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
                isinstance(item.context_expr, ast.Name) and item.context_expr.id == name for item in node.items):
            return True
    return False


def _may_be_none(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Whether ``name`` is a parameter of ``function`` that defaults to ``None`` or is annotated
    so (``Optional[ClientSession]``, ``ClientSession | None``), and that the function never binds
    again (no ``if session is None: session = ClientSession()``): it may be ``None``."""
    args = function.args
    positional = (*args.posonlyargs, *args.args)
    defaults = dict(zip((a.arg for a in positional[len(positional) - len(args.defaults):]), args.defaults))
    defaults.update((a.arg, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    default = defaults.get(name)
    param = parameter(function, name)
    if param is None or not (isinstance(default, ast.Constant) and default.value is None or _optional(param.annotation)):
        return False
    return not any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store) for n in walk(function))


def _optional(annotation: ast.expr | None) -> bool:
    """``Optional[X]``, ``X | None``, ``Union[X, None]`` (or their strings)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        text = annotation.value.replace(" ", "")
        return text.startswith(("Optional[", "typing.Optional[")) or "|None" in text or text.startswith("None|")
    if isinstance(annotation, ast.Subscript):
        head = annotation.value
        named = head.attr if isinstance(head, ast.Attribute) else head.id if isinstance(head, ast.Name) else ""
        if named == "Optional":
            return True
        if named == "Union":
            parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
            return any(isinstance(p, ast.Constant) and p.value is None for p in parts)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return any(isinstance(side, ast.Constant) and side.value is None or _optional(side) for side in (annotation.left, annotation.right))
    return False


def lazily_given(module: ModuleInfo, func: ast.expr, model: OwnershipModel | None = None, _depth: int = 0) -> tuple[tuple[str, int], ...]:
    """The constructor parameters of a first-party resource type whose value ``__init__`` stores
    in the very attribute it would otherwise acquire itself (``self._session = session``, made by
    a getter only when absent, or ``self._session = session or ClientSession()``): given one, the
    instance borrows its caller's resource and makes none (Home Assistant's shared session handed
    to a client). As (name, position), position -1 when it is not ``__init__``'s. With ``model``,
    only an attribute whose own making is a resource: ``self.ssl_context = ssl_context or
    ssl.create_default_context()`` borrows nothing that could leak, and a caller handing one in
    still makes a resource (fredrike/pydaikin ``69cf5c77``'s ``DaikinBRP072C``, whose base opens
    a session)."""
    found = class_named(module, func)
    if found is None:
        return ()
    family = lineage(module.project, *found)
    acquired = {
        a.attr for owner, facts in family for a in facts.acquisitions
        if model is None or a.ref[0] in ("maker", "class_maker") or model.owned_close(owner, a.ref) is not None
    }
    stored, stored_positions = _stored_params(module, family)
    # (read from the tree only for a family keeping a part of the project's own: the summaries say so)
    parts = any(resolve_ref(module.project, owner, a.ref) is not None for owner, facts in family for a in facts.acquisitions
                if a.attr in acquired and a.ref[0] in ("local", "qualified"))
    if parts and _depth < _FORWARD_DEPTH:
        for param, (attr, position) in _forwarded(module, family, model, _depth).items():
            if attr in acquired and param not in stored:
                stored[param] = attr
                if position >= 0:
                    stored_positions.setdefault(position, attr)
    positions = {attr: position for position, attr in stored_positions.items()}
    provided = _provided(module, family, stored, acquired) if acquired and stored else {}
    return tuple(
        (param, positions.get(attr, -1)) for param, attr in sorted(stored.items()) if attr in acquired or param in provided
    )


# How many constructors deep a parameter handed on to a part's constructor is followed.
_FORWARD_DEPTH = 3


def _forwarded(
    module: ModuleInfo, family: list[tuple[ModuleSummary, ClassFacts]], model: OwnershipModel | None, depth: int,
) -> dict[str, tuple[str, int]]:
    """The parameters of ``family[0]``'s own ``__init__`` that it hands, unchanged, to the
    constructor of a part it keeps (``self.transport = Transport(host, session=session)``) for
    a parameter that part borrows (:func:`lazily_given`, read again for the part's class): given
    one, the part makes none of its own, and neither does the instance keeping it. As
    parameter -> (the part's attribute, the parameter's position, -1 for a keyword-only one).
    A parameter the ``__init__`` binds again (``session = session or ClientSession()``) is
    handed on as what the class made, and is not borrowed."""
    found_init = _own_init(module, *family[0])
    if found_init is None:
        return {}
    owner, init, own, names = found_init
    me = init.args.args[0].arg if init.args.args else None
    rebound = {n.id for n in walk(init) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found: dict[str, tuple[str, int]] = {}
    for stmt in walk(init):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.Call)):
            continue
        target, call = stmt.targets[0], stmt.value
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == me):
            continue
        lent = lazily_given(owner, call.func, model, depth + 1) if made_by_a_class(call.func) else ()
        for name, position in lent:
            values = [k.value for k in call.keywords if k.arg == name]
            if 0 <= position < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:position + 1]):
                values.append(call.args[position])
            for value in values:
                if isinstance(value, ast.Name) and value.id in names and value.id not in rebound:
                    found.setdefault(value.id, (target.attr, own.index(value.id) if value.id in own else -1))
    return found


def _provided(module: ModuleInfo, family: list[tuple[ModuleSummary, ClassFacts]], stored: dict[str, str], acquired: set[str]) -> set[str]:
    """The constructor parameters kept as a function that gives the very attribute the class
    would otherwise acquire itself (``self._get_session = get_session``, then ``self._session =
    self._get_session()``, the class making its own only when it has none): given one, the
    instance keeps what its caller's function gives (Home Assistant's shared session) and makes
    none (milanorszagh/evon-smart-home-homeassistant-integration's ``EvonApi(get_session=...)``)."""
    keeper = {attr: param for param, attr in stored.items()}
    found: set[str] = set()
    for summary, facts in family:
        node = class_node(module, summary, facts)
        for function in (s for s in node[1].body if isinstance(s, FUNCTION_NODES)) if node is not None else ():
            me = function.args.args[0].arg if function.args.args else None
            for stmt in walk(function):
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
                    continue
                target, value = stmt.targets[0], stmt.value
                if not (isinstance(target, ast.Attribute) and target.attr in acquired and isinstance(target.value, ast.Name) and target.value.id == me):
                    continue
                if isinstance(value, ast.Name):
                    value = bound_once(function, value.id) or value
                if isinstance(value, ast.Await):
                    value = value.value
                if (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and isinstance(value.func.value, ast.Name)
                        and value.func.value.id == me and value.func.attr in keeper):
                    found.add(keeper[value.func.attr])
    return found


def _own_init(
    module: ModuleInfo, summary: ModuleSummary, facts: ClassFacts,
) -> tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef, list[str], set[str]] | None:
    """The class's own ``__init__`` (its module, the function), its positional parameters after
    ``self`` in order, and all the names it is given by (keyword-only ones too); None when the
    class defines none or its tree cannot be had."""
    node = class_node(module, summary, facts)
    init = next((s for s in node[1].body if isinstance(s, FUNCTION_NODES) and s.name == "__init__"), None) if node is not None else None
    if node is None or init is None:
        return None
    own = [a.arg for a in (*init.args.posonlyargs, *init.args.args)][1:]
    return node[0], init, own, {*own, *(a.arg for a in init.args.kwonlyargs)}


def _stored_params(module: ModuleInfo, family: list[tuple[ModuleSummary, ClassFacts]]) -> tuple[dict[str, str], dict[int, str]]:
    """What the constructor of ``family[0]`` stores its parameters in (by name, by position),
    through its bases: a class without an ``__init__`` of its own takes its nearest base's, and
    one whose ``__init__`` hands a parameter on by name (``super().__init__(session=session)``)
    stores it where the base does (ruaan-deysel/ha-unifi-insights' ``UniFiProtectClient``)."""
    summary, facts = family[0]
    params, positions = dict(facts.stored_params), dict(facts.stored_positions)
    if "__init__" not in facts.methods:
        base = next((f for _, f in family[1:] if "__init__" in f.methods), None)
        return ({**base.stored_params, **params}, positions or dict(base.stored_positions)) if base is not None else (params, positions)
    if not any(base.stored_params for _, base in family[1:]):
        return params, positions  # (nothing a base stores: its tree is not needed)
    found_init = _own_init(module, summary, facts)
    if found_init is None:
        return params, positions
    _, init, own, names = found_init
    bases = family[1:]
    for call, named in base_init_calls(init):
        # What the class hands its base's ``__init__`` by keyword or by position, the base
        # stores: the parameter is stored there, and called at the class's own position.
        handed = [(value, next((f.stored_params[k] for _, f in bases if k in f.stored_params), None))
                  for k, value in ((k.arg, k.value) for k in call.keywords if k.arg is not None)]
        for index, value in enumerate(call.args[0 if named is None else 1:]):
            if isinstance(value, ast.Starred):
                break
            handed.append((value, next((f.stored_positions[index] for _, f in bases if index in f.stored_positions), None)))
        for value, attr in handed:
            if attr is not None and isinstance(value, ast.Name) and value.id in names:
                params.setdefault(value.id, attr)
                if value.id in own:
                    positions.setdefault(own.index(value.id), attr)
    return params, positions
