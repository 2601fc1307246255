"""What a first-party factory hands its caller besides a bare resource (session 42).

A factory owns what it makes and hands it on with what it returns: whoever calls it owns the
resource then, whatever it comes wrapped in.

* In a tuple: ``return client, credentials`` (8go/matrix-commander's
  ``login_using_credentials_file()``, an ``AsyncClient`` logged in from a file and the
  credentials read). The caller's ``client, credentials = login_using_credentials_file(...)``
  binds the resource to the name in that place of the target (``ResourceSpec.part``), as
  ``reader, writer = await asyncio.open_connection(...)`` binds the writer. The element must be
  the resource on every path that makes one, and ``None`` on the paths that make none
  (``return None, None``); a function whose tuples are anything else is no factory.
* In a holder: ``return BrowserState(pw=pw, ...)`` where ``pw`` was started here and the
  first-party class keeps it in an attribute that its own release closes
  (``OwnershipModel.released_params``): the holder owns it from then on, and the caller owns the
  holder (Skyvern's ``_create_browser_state()``). A holder given only what the factory itself
  was given (a parameter, an attribute) holds nothing new: no factory.
* Made unless given, the holder told which: ``return Manager(session or ClientSession(),
  session is None)`` (postlund/pyatv's ``create_session()``). The holder keeps the flag, and its
  release closes what it keeps only when the flag says it was made for it, so releasing the holder
  is right either way; it owns a new resource whenever the factory's parameter is left ``None``.
  The caller owns the holder unless it passes a value of its own there
  (``ResourceSpec.unless_given``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from tradelint.facts.context import ModuleInfo
from tradelint.facts.ownership import OwnershipModel, lineage
from tradelint.facts.named_classes import class_named
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import plain_assignments
from tradelint.facts.uses import classify, name_loads, name_stores, self_name
from tradelint.models.resources.library_holders import library_holder_spec
from tradelint.models.resources.resource_types import ResourceSpec


def returned_part(
    value: ast.Tuple, evaluate: Callable[[ast.expr], object]
) -> tuple[int | None, ResourceSpec | None] | None:
    """The one element of the returned tuple ``value`` that is a resource (``evaluate``'s
    answer for it is a ``ResourceSpec``), as (its index, the spec with that ``part``); (None,
    None) when no element is one; None when the tuple cannot be told (a starred element, two
    resources)."""
    if any(isinstance(element, ast.Starred) for element in value.elts):
        return None
    found: tuple[int, ResourceSpec] | None = None
    for index, element in enumerate(value.elts):
        if isinstance(element, ast.Constant):
            continue
        spec = evaluate(element)
        if isinstance(spec, ResourceSpec):
            if found is not None or spec.part is not None:
                return None  # (two resources, or a part of a part: not followed)
            found = (index, spec)
    if found is None:
        return (None, None)
    index, spec = found
    return index, ResourceSpec(**{**vars(spec), "part": index})


def fits_part(value: ast.Tuple, arity: int, part: int) -> bool:
    """Whether a returned tuple that holds no resource is one of a factory's no-resource paths:
    as long as the others, ``None`` where they hold the resource."""
    element = value.elts[part] if len(value.elts) == arity else None
    return isinstance(element, ast.Constant) and element.value is None


def unowned_paths_fit(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, held: list[ast.Tuple], empty: list[ast.Tuple], part: int
) -> tuple[tuple[tuple[str, int], ...], tuple[int, bool] | None] | None:
    """Whether the returned tuples that hold no resource (``empty``) leave the caller owning
    nothing there: ``None`` in place of the resource (:func:`fits_part`), or an ownership flag
    says so. The flag is an element that is ``True`` in every returned tuple that holds the
    resource (``held``) and ``False`` in every one that does not (``return db, False`` /
    ``return Connection(), True``), or the reverse (an error flag: ``return config, True`` when
    it failed): the caller owns the element when the flag says it was made, and a release the
    flag guards (``if owned: await db.close()``) ends it. None when they do not fit; else
    the function's parameters handed back unowned because they were given (``if db is not
    None: return db, False``; ``unless_given``: a caller that passes a value of its own there is
    lent it and owns nothing) and the flag (``ResourceSpec.owned_flag``), if one."""
    arity = len(held[0].elts) if held else -1
    if all(fits_part(value, arity, part) for value in empty):
        return (), None
    if any(len(value.elts) != arity for value in [*held, *empty]):
        return None
    flags = [
        (index, owned) for index in range(arity) for owned in (True, False)
        if index != part
        and all(_constant(value.elts[index], owned) for value in held)
        and all(_constant(value.elts[index], not owned) for value in empty)
    ]
    if not flags:
        return None
    params = _positions(module, function)
    given = {
        element.id for value in empty
        if isinstance(element := value.elts[part], ast.Name) and element.id in params and _when_given(module, function, value, element.id)
    }
    return tuple(sorted((name, params[name]) for name in given)), flags[0]


def _when_given(module: ModuleInfo, function: ast.AST, value: ast.expr, name: str) -> bool:
    """Whether ``value`` is returned under a test that ``name`` was given (``if name is not
    None:``, ``if name:``, or the ``else`` of ``if name is None:``)."""
    node: ast.AST | None = value
    while node is not None and node is not function:
        parent = module.parent(node)
        if isinstance(parent, ast.If):
            if node in parent.body and _says_given(parent.test, name):
                return True
            if node in parent.orelse and says_absent(parent.test, name):
                return True
        node = parent
    return False


def _says_given(test: ast.expr, name: str) -> bool:
    """``name is not None`` or ``name``."""
    if isinstance(test, ast.Name):
        return test.id == name
    return (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.left, ast.Name) and test.left.id == name
        and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
    )


def _constant(value: ast.expr, flag: bool) -> bool:
    return isinstance(value, ast.Constant) and value.value is flag


def _positions(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    """The function's parameters by name -> their position in a call (-1 when keyword-only).
    A method is called bound (``self.client(s)``, ``obj.client(s)``): its receiver, whatever
    its name, is not among the call's arguments, so it counts for none; a static method and a
    plain function have none."""
    args = function.args
    names = [p.arg for p in args.posonlyargs + args.args]
    if names and isinstance(module.parent(function), ast.ClassDef) and self_name(function) is not None:
        names = names[1:]
    found = {name: index for index, name in enumerate(names)}
    found.update((p.arg, -1) for p in args.kwonlyargs)
    return found


def made_holder(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    model: OwnershipModel,
    made_here: Callable[[ast.Call], bool],
) -> ResourceSpec | None:
    """The spec of the first-party holder ``call`` constructs (returned by ``function``) when one
    of the parameters it keeps and releases is passed a resource ``function`` makes for it
    (``made_here``): in place, or through a local bound once that is used for nothing but method
    calls before it is handed over. Released by the holder's release method. None otherwise."""
    taken = model.released_params(module, call.func)
    if taken is not None:
        params, entry = taken
        unless = given_made_here(module, function, call, params, made_here)
        if unless is not None:
            return ResourceSpec(
                entry.name, first_party=True, awaited=entry.is_async, coroutine_close=entry.is_async, unless_given=unless
            )
        return None
    # A library class the shipped table says closes what it is given (``return
    # RedisStorage(redis=redis)``, :mod:`.library_holders`): the caller owns the holder alike.
    qualified = module.imports.qualify(call.func)
    spec = library_holder_spec(qualified, call) if qualified is not None else None
    if spec is not None and given_made_here(module, function, call, spec.takes, made_here) == ():
        return spec
    return None


def given_made_here(
    module: ModuleInfo,
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    params: tuple[tuple[str, int], ...],
    made_here: Callable[[ast.Call], bool],
) -> tuple[tuple[str, int], ...] | None:
    """Whether ``call`` passes for one of ``params`` a resource ``function`` makes for it: None
    when not; else the factory's parameter that, given, makes the holder keep it instead
    (``unless_given``, empty when there is none)."""
    values = [k.value for k in call.keywords if any(k.arg == name for name, _ in params)]
    values += [call.args[position] for _, position in params if 0 <= position < len(call.args)]
    bound = plain_assignments(function)
    for value in values:
        if isinstance(value, ast.Name):
            assigned = bound.get(value.id, ())
            if len(assigned) != 1 or not _only_handed_to(module, function, value.id, call):
                continue
            value = assigned[0].value
        unless: tuple[tuple[str, int], ...] = ()
        if isinstance(value, ast.BoolOp) and (param := _made_unless_given(module, function, call, value)) is not None:
            unless, value = (param,), value.values[-1]
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and made_here(value):
            return unless
    return None


def _made_unless_given(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, value: ast.BoolOp
) -> tuple[str, int] | None:
    """``session or ClientSession()`` handed to ``call`` with a flag saying which it is
    (``session is None``, ``not session``) that the holder keeps: ``function``'s parameter
    ``session`` with a ``None`` default, as (name, position), position -1 when keyword-only."""
    if not isinstance(value.op, ast.Or) or len(value.values) != 2:
        return None
    given = value.values[0]
    if not (isinstance(given, ast.Name) and _defaults_to_none(function, given.id)):
        return None
    flags = [(None, i, a) for i, a in enumerate(call.args)] + [(k.arg, None, k.value) for k in call.keywords if k.arg]
    found = class_named(module, call.func)
    if found is None:
        return None
    family = lineage(module.project, *found)
    for keyword, position, flag in flags:
        if not says_absent(flag, given.id):
            continue
        if (keyword is not None and any(keyword in f.stored_params for _, f in family)) or (
            position is not None and any(position in f.stored_positions for _, f in family)
        ):
            return given.id, _positions(module, function).get(given.id, -1)
    return None


def lent_instead(module: ModuleInfo, call: ast.Call, spec: ResourceSpec) -> bool:
    """Whether ``call`` of a maker that makes its resource unless given one
    (``ResourceSpec.unless_given``) passes a value of its own there: anything but ``None`` or a
    parameter of the calling function that defaults to ``None`` (left so, the maker makes one)."""
    function = module.enclosing_function(call)
    for value in given_values(call, spec.unless_given):
        if isinstance(value, ast.Constant) and value.value is None:
            continue
        if isinstance(value, ast.Name) and function is not None and _defaults_to_none(function, value.id):
            continue
        return True
    return False


def given_values(call: ast.Call, params: tuple[tuple[str, int], ...]) -> list[ast.expr]:
    """The values ``call`` passes for ``params`` (name, position)."""
    values = [k.value for k in call.keywords if any(k.arg == name for name, _ in params)]
    return values + [call.args[position] for _, position in params if 0 <= position < len(call.args)]


def _defaults_to_none(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, name: str) -> bool:
    args = function.args
    params = args.posonlyargs + args.args
    pairs = list(zip(params[len(params) - len(args.defaults):], args.defaults))
    pairs += [(p, d) for p, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return any(p.arg == name and isinstance(d, ast.Constant) and d.value is None for p, d in pairs)


def says_absent(flag: ast.expr, name: str) -> bool:
    """``name is None`` or ``not name``."""
    if isinstance(flag, ast.Compare) and len(flag.ops) == 1 and isinstance(flag.ops[0], ast.Is):
        left, right = flag.left, flag.comparators[0]
        return isinstance(left, ast.Name) and left.id == name and isinstance(right, ast.Constant) and right.value is None
    return isinstance(flag, ast.UnaryOp) and isinstance(flag.op, ast.Not) and isinstance(flag.operand, ast.Name) and flag.operand.id == name


def only_used_through(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Whether the function does nothing with its local ``name`` but call its methods (none a
    release: ``await redis.ping()``) before returning it: it keeps, registers or hands on
    nothing of it, so the caller gets it whole."""
    for load in name_loads(function, name):
        parent = module.parent(load)
        if isinstance(parent, ast.Return) or (isinstance(parent, ast.Tuple) and isinstance(module.parent(parent), ast.Return)):
            continue  # (``return client, credentials``: handed on in a tuple)
        use = classify(module, load)
        if use.kind == "attribute" and read_only(module, load, use.name):
            continue  # ``logger.debug(f"{client.logged_in}")``: a read of it keeps nothing
        if use.kind == "argument" and use.call is not None and isinstance(module.parent(use.call), ast.Await):
            continue  # ``await refresh_services(client)``: lent to an awaited call for its run
        if use.kind == "attribute" and _part_method(module, load):
            continue  # ``client.services.get_characteristic(uuid)``: a method of a part, called
        if use.kind == "method" and is_release_name(use.name or "") and _gives_up(module, load, name):
            continue  # ``except Exception: await client.disconnect(); return None, None``
        if use.kind != "method" or is_release_name(use.name or ""):
            return False
    return True


def _part_method(module: ModuleInfo, load: ast.expr) -> bool:
    """Whether ``load.<part>.<method>(...)`` calls a method (no release) of a part of it there."""
    part = module.parent(load)
    method = module.parent(part) if part is not None else None
    call = module.parent(method) if method is not None else None
    return (
        isinstance(method, ast.Attribute) and isinstance(call, ast.Call) and call.func is method
        and not is_release_name(method.attr)
    )


def _gives_up(module: ModuleInfo, load: ast.expr, name: str) -> bool:
    """Whether the release of ``name`` at ``load`` is in an ``except`` handler that then leaves
    without it (its last statement a ``raise``, or a ``return`` that names it nowhere): the maker
    ends what it made on that failure and hands nothing on."""
    handler = next((node for node in module.ancestors(load) if isinstance(node, (ast.ExceptHandler, *_SCOPES))), None)
    if not isinstance(handler, ast.ExceptHandler) or not handler.body:
        return False
    last = handler.body[-1]
    if isinstance(last, ast.Raise):
        return True
    return isinstance(last, ast.Return) and not any(
        isinstance(node, ast.Name) and node.id == name for node in ast.walk(last)
    )


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _only_handed_to(module: ModuleInfo, function: ast.AST, name: str, call: ast.Call) -> bool:
    """Whether ``function`` does nothing with its local ``name`` but hand it to ``call``, call its
    methods (none a release), read it and lend it to awaited calls: nothing else keeps it."""
    for load in name_loads(function, name):
        parent = module.parent(load)
        if parent is call or (isinstance(parent, ast.keyword) and module.parent(parent) is call):
            continue
        use = classify(module, load)
        if use.kind == "attribute" and read_only(module, load, use.name):
            continue
        if use.kind == "argument" and use.call is not None and isinstance(module.parent(use.call), ast.Await):
            continue  # lent to an awaited call for its run (``await make_context(pw)``), the holder's then
        if use.kind != "method" or is_release_name(use.name or ""):
            return False
    return True


# Where an attribute read of a value is used up at once: printed, compared, tested.
_USED_UP = (ast.FormattedValue, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.Assert, ast.Expr)


def read_only(module: ModuleInfo, load: ast.expr, name: str) -> bool:
    """Whether ``load.<name>`` is a read used up where it is made (``f"{client.logged_in}"``,
    ``if client.closed:``), which keeps no part of the object elsewhere; not a release."""
    attribute = module.parent(load)
    return attribute is not None and not is_release_name(name) and isinstance(module.parent(attribute), _USED_UP)


def awaits_a_method(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Whether ``function`` awaits a method of its local ``name`` (``await client.connect()``)."""
    for load in name_loads(function, name):
        use = classify(module, load)
        if use.kind == "method" and use.call is not None and isinstance(module.parent(use.call), ast.Await):
            return True
    return False


def unpacked_once(module: ModuleInfo, function: ast.AST, name: str) -> tuple[int, ast.expr] | None:
    """(its index, the value) when ``function`` binds its local ``name`` once, by unpacking a
    call's result into a flat tuple of names (``reader, writer = await open_connection(...)``);
    None otherwise (bound again, a starred or nested target)."""
    stores = name_stores(function, name)
    if len(stores) != 1:
        return None
    target = module.parent(stores[0])
    statement = module.parent(target) if target is not None else None
    if not (isinstance(target, ast.Tuple) and isinstance(statement, ast.Assign) and statement.targets == [target]):
        return None
    if not all(isinstance(element, ast.Name) for element in target.elts):
        return None
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    return (target.elts.index(stores[0]), statement.value) if isinstance(value, ast.Call) else None
