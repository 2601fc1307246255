"""Resources made by methods of library objects that nothing types: ``page = await
context.new_page()`` in a module that imports Playwright. The library's own source says which
of its public methods return a new instance of one of its resource types
(``scripts/make_resource_table.py``, the ``makers`` of ``packs/library_resources.json``); the
module's import of the library is the evidence that the receiver may be one of its objects.
A name that another public method of the library uses for something else (Playwright's
``new_context``: ``APIRequest.new_context`` makes no resource) makes one only on a receiver known
to be of the maker's class: bound from another maker's result (``self.browser = await
chromium.connect_over_cdp(url)``), annotated with it, stored from a parameter annotated with it
(``def __init__(self, browser: Browser): self.browser = browser``), or bound from a project
function whose return annotation names it (``async def connect() -> Browser``)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import cast

from tradelint.facts.attribute_types import receiver_class
from tradelint.facts.class_family import class_and_bases, family_facts, resolve_definition
from tradelint.facts.context import ModuleInfo
from tradelint.facts.global_bindings import global_bindings, reads_global
from tradelint.facts.module_paths import is_stdlib
from tradelint.facts.summaries import is_release_name
from tradelint.facts.syntax import capword
from tradelint.facts.uses import classify, name_loads, self_attr
from tradelint.models.resources.library_table import Maker, library_makers, library_resource, library_returns, library_rule
from tradelint.models.resources.resource_types import BUILTIN_RESOURCES, ResourceSpec

Makers = dict[tuple[str, bool], tuple[Maker, ...]]
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def imported_makers(module: ModuleInfo) -> Makers:
    """The method makers of the libraries ``module`` imports, by (name, coroutine or not)."""
    table = library_makers()
    found: dict[tuple[str, bool], list[Maker]] = {}
    for package in sorted({qualified.partition(".")[0] for qualified in module.imports.names.values()} & table.keys()):
        if (module.module_name or "").partition(".")[0] == package:
            # Inside the library's own package (its repository, at a release the table did not
            # read: a2a-python's ``QueueManager.tap()`` judged by its own code). Not a module
            # merely named like it beside the asking one (apscheduler's ``eventbrokers/redis.py``).
            continue
        for key, makers in table[package].items():
            found.setdefault(key, []).extend(makers)
    # A method of the module's own classes so named may be what is called (a first-party
    # ``PagePool.new_page()``): its own code says what it returns, not the library's. So the name
    # alone says nothing there, and the library's maker is taken only on a receiver shown to be
    # of the maker's class (``await async_playwright().start()`` in a first-party ``start()``).
    own = {s.name for c in module.index.classes for s in c.body if isinstance(s, _FUNCTIONS)}
    return {
        key: tuple(m._replace(by_name=False) for m in makers) if key[0] in own else tuple(makers)
        for key, makers in found.items()
    }


def module_makers(module: ModuleInfo) -> Makers:
    """The makers a call of ``module`` may be, its imports' and its first-party bases' (a
    factory's returned call asks them): built once per module while the project's memos last."""
    memo = module.project.class_memo
    key = ("module-makers", module.path)
    found: Makers | None = memo.get(key)
    if found is None:
        found = memo[key] = {**inherited_makers(module), **imported_makers(module)}
    return found


def inherited_makers(module: ModuleInfo) -> Makers:
    """The method makers of the libraries that the modules of the module's classes' first-party
    bases import, where the module itself imports none of them: a subclass calling
    ``await self.context.new_page()`` on an attribute its base (in another module) annotates as a
    Playwright ``BrowserContext``. The subclass's module imports nothing of Playwright, so only a
    receiver whose type a base states (:func:`_annotated_attribute`) is taken for the library's:
    each maker here asks for a typed receiver (``by_name`` off)."""
    table = library_makers()
    names = maker_names()
    if not any(  # (no ``self.<attr>.<maker>(...)`` here: the bases' modules are not read)
        isinstance(f := call.func, ast.Attribute) and f.attr in names and isinstance(f.value, ast.Attribute)
        and isinstance(f.value.value, ast.Name) for call in module.index.calls
    ):
        return {}
    own = {qualified.partition(".")[0] for qualified in module.imports.names.values()}
    home = (module.module_name or "").partition(".")[0]
    found: dict[tuple[str, bool], list[Maker]] = {}
    for cls in module.index.classes:
        for summary, _ in family_facts(module, cls)[1:]:  # (the bases' summaries: no parse)
            if summary.path == module.summary.path:
                continue
            imported = {q.partition(".")[0] for q in summary.imports.values()}
            for package in sorted((imported - own) & table.keys()):
                if package in (home, (summary.module_name or "").partition(".")[0]):
                    continue  # (inside the library's own package, as in :func:`imported_makers`)
                for key, makers in table[package].items():
                    found.setdefault(key, []).extend(m._replace(by_name=False) for m in makers if m not in found.get(key, ()))
    return {key: tuple(makers) for key, makers in found.items()}


@lru_cache(maxsize=1)
def maker_names() -> frozenset[str]:
    """Every method name of the table's makers, in any library."""
    return frozenset(name for methods in library_makers().values() for name, _ in methods)


def library_maker(
    module: ModuleInfo, call: ast.Call, makers: Makers, builtin_spec: Callable[[str], ResourceSpec | None]
) -> ResourceSpec | None:
    """What ``await <receiver>.<method>(...)`` makes when ``method`` is a maker of an imported
    library whose awaited result is the resource (a coroutine, or an awaitable wrapper). Not
    when the callee is an import's own function (``aio_pika.connect``), nor when the receiver is
    shown to be a first-party object (its class's code says what the method returns)."""
    types = _made(module, call, makers, 0)
    if not types:
        return None
    # (inside the library itself its types are first-party: no spec, judged by its own code)
    found = [builtin_spec(t) for t in sorted(types)]
    specs = {(spec.close, spec.awaited): spec for spec in found if spec is not None}
    if len(specs) != 1 or None in found:
        return None
    spec = next(iter(specs.values()))
    # Made already open (an awaited maker connects), and by no constructor whose arguments it wraps.
    return replace(spec, given=(), lazy=spec.lazy and not isinstance(module.parent(call), ast.Await))


def _made(module: ModuleInfo, call: ast.Call, makers: Makers, depth: int) -> set[str]:
    """The types ``call`` makes, by the makers its name and its receiver allow."""
    func = call.func
    if not isinstance(func, ast.Attribute) or depth > 3:
        return set()
    # Awaited only: an awaited maker connects; a plain method's result (a redis ``pipeline()``, a
    # cursor) opens nothing until used, and its use may end it (``execute()`` resets a pipeline).
    # Except at the end of a builder's chain rooted at the very class it builds.
    if not isinstance(module.parent(call), ast.Await):
        return (_built(module, call, makers) or _plain_made(module, call, makers)) if depth == 0 else set()
    candidates = makers.get((func.attr, True))
    if not candidates or module.imports.qualify(func) is not None:
        return set()
    function = module.enclosing_function(call)
    if function is None or receiver_class(module, function, func.value) is not None:
        return set()
    if depth == 0 and parent_ended(module, function, call, func.value, 0):
        return set()
    owners = _receiver_types(module, function, func.value, makers, depth)
    if owners is not None:
        return {m.returns for m in candidates if m.owner in owners or _names_owner(owners, m.owner)}
    return {m.returns for m in candidates} if all(m.by_name for m in candidates) else set()


def _built(module: ModuleInfo, call: ast.Call, makers: Makers) -> set[str]:
    """The type a plain maker at the end of a builder's chain makes: a chain of calls rooted at
    the class the maker returns (python-telegram-bot's ``Application.builder().token(t).build()``)
    says which library's builder the receiver is, as an annotation would. A plain maker called
    on anything else (a redis ``pipeline()``, a cursor) is left alone."""
    assert isinstance(call.func, ast.Attribute)
    candidates = makers.get((call.func.attr, False))
    node: ast.expr = call.func.value
    if not candidates or not isinstance(node, ast.Call):
        return set()
    while isinstance(node, (ast.Call, ast.Attribute)):
        node = node.func if isinstance(node, ast.Call) else node.value
    root = module.imports.qualify(node) if isinstance(node, ast.Name) else None
    if root is None or not _awaited_through(module, call):
        return set()
    return {m.returns for m in candidates if _names_owner({root}, m.returns)}


def _plain_made(module: ModuleInfo, call: ast.Call, makers: Makers) -> set[str]:
    """The type a plain maker makes on a receiver shown to be of the maker's class (bound from
    a constructor, a maker or a typed library function, or annotated): ``pubsub =
    self.redis.pubsub()`` of ``self.redis = Redis.from_url(url)``. Only a lazy type whose own
    ``__aexit__`` awaits its release (the table's ``protocol`` rule: ``async with`` is how its
    library says to end it): redis's ``PubSub`` takes a connection of its own at its first
    ``subscribe()`` and keeps it until ``aclose()``. A type released another way is left alone
    (a pipeline that ``execute()`` resets, a cursor its exhaustion ends), and whether the value
    was opened at all is the lazy judgement's (an awaited use of it)."""
    assert isinstance(call.func, ast.Attribute)
    candidates = makers.get((call.func.attr, False))
    if not candidates or module.imports.qualify(call.func) is not None:
        return set()
    function = module.enclosing_function(call)
    if function is None or receiver_class(module, function, call.func.value) is not None:
        return set()
    if parent_ended(module, function, call, call.func.value, 0):
        return set()  # (made with its parent and ended with it, as an awaited maker's)
    owners = _receiver_types(module, function, call.func.value, makers, 1)
    if owners is None:
        return set()
    return {
        m.returns for m in candidates
        if (m.owner in owners or _names_owner(owners, m.owner)) and library_rule(m.returns) == "protocol"
    }


def _awaited_through(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether the code awaits a method of what ``call`` makes, where it binds it (a local of the
    function, an attribute of ``self`` in the class): a built object opens nothing until then, and
    one only run by its own blocking runner (``app.run_polling()``, which starts and shuts it down
    itself) is never awaited by the code."""
    stmt = module.parent(call)
    function = module.enclosing_function(call)
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1 or function is None:
        return False
    target = stmt.targets[0]
    if isinstance(target, ast.Name):
        scope: ast.AST = function
    elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
        owner = module.parent(function)
        if not isinstance(owner, ast.ClassDef):
            return False
        scope = owner
    else:
        return False
    spelled = ast.dump(target, annotate_fields=False).replace("Store()", "Load()")
    for node in ast.walk(scope):
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            receiver = node.value.func
            while isinstance(receiver, ast.Attribute):
                receiver = receiver.value
                if ast.dump(receiver, annotate_fields=False) == spelled:
                    return True
    return False


def _roots(value: ast.expr) -> list[ast.expr]:
    """What a value is made from: ``await p.chromium.launch()`` -> ``p``; ``b.contexts[0] if
    b.contexts else await b.new_context()`` -> ``b`` twice."""
    if isinstance(value, ast.Await):
        return _roots(value.value)
    if isinstance(value, ast.IfExp):
        return [*_roots(value.body), *_roots(value.orelse)]
    if isinstance(value, ast.BoolOp):
        return [r for v in value.values for r in _roots(v)]
    if isinstance(value, ast.Call):
        return _roots(value.func.value) if isinstance(value.func, ast.Attribute) else []
    if isinstance(value, ast.Subscript):
        return _roots(value.value)
    if isinstance(value, ast.Attribute) and not (isinstance(value.value, ast.Name) and value.value.id == "self"):
        return _roots(value.value)
    return [value] if isinstance(value, (ast.Name, ast.Attribute)) else []


def parent_ended(module: ModuleInfo, function: ast.AST, call: ast.Call, receiver: ast.expr, depth: int) -> bool:
    """Whether what the call is made from is ended with it: a name the function entered with
    ``async with`` whose block holds the call (``async with async_playwright() as p:`` stops the
    driver and every browser it launched), or closes in the ``finally`` of a ``try`` that holds
    it (closing a browser closes its pages), or an attribute of ``self`` the function makes and
    the class closes (a browser and its first page made together, closed together), directly or
    through locals made from it (``browser = await p.chromium.launch()``, then
    ``browser.new_page()``); or (session 61) a local resource the function itself makes and keeps,
    of which the code never ends the part itself (:func:`_made_here_once`, :func:`_kept_here`,
    :func:`_ends_itself`): the function's verdict on the parent is the part's. A parent made
    elsewhere (a parameter, a long-lived browser on ``self``) leaves each child made here to be
    closed here."""
    roots = _roots(receiver)
    return bool(roots) and depth <= 3 and all(_root_ended(module, function, call, root, depth) for root in roots)


def _root_ended(module: ModuleInfo, function: ast.AST, call: ast.Call, root: ast.expr, depth: int) -> bool:
    if isinstance(root, ast.Attribute):  # ``self.<attr>``
        owner = module.parent(function)
        made_here = any(self_attr(t, "self") == root.attr for t, _ in _assignments(function))
        # (closed by the class or a base of it: Scrapling's sessions stop the driver in their base's
        # ``close()``; or handed to a helper named for releasing it: ``await _close_redis(self._redis)``)
        return made_here and isinstance(owner, ast.ClassDef) and any(
            isinstance(n, ast.Call) and (
                (isinstance(n.func, ast.Attribute) and n.func.attr in _ENDS and self_attr(n.func.value, "self") == root.attr)
                or (isinstance(n.func, (ast.Name, ast.Attribute)) and is_release_name(n.func.id if isinstance(n.func, ast.Name) else n.func.attr)
                    and any(self_attr(arg, "self") == root.attr for arg in n.args))
            )
            for _, cls in class_and_bases(module, owner) for n in ast.walk(cls)
        )
    assert isinstance(root, ast.Name)
    name = root.id
    for node in module.ancestors(call):
        if node is function:
            break
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == name for item in node.items
        ):
            return True
        if isinstance(node, ast.Try) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _ENDS
            and isinstance(n.func.value, ast.Name) and n.func.value.id == name
            for stmt in node.finalbody for n in ast.walk(stmt)
        ):
            return True
    # (kept on ``self`` here and closed by the class: ``browser = await pw.chromium.launch()``, its
    # context and page made from it, then ``self._browser = browser``, closed in ``close()``)
    assigned = _assignments(function)
    if any(
        isinstance(t, ast.Attribute) and isinstance(v, ast.Name) and v.id == name and _root_ended(module, function, call, t, depth)
        for t, v in assigned if self_attr(t, "self") is not None
    ):
        return True
    values = [v for t, v in assigned if isinstance(t, ast.Name) and t.id == name and not _is_none(v)]
    if (
        values and _kept_here(module, function, name) and not _ends_itself(module, function, call)
        and all(_made_here_once(module, function, call, v, depth) for v in values)
    ):
        return True
    return bool(values) and all(parent_ended(module, function, call, v, depth + 1) for v in values)


def _ends_itself(module: ModuleInfo, function: ast.AST, call: ast.Call) -> bool:
    """Whether the code ends the part ``call`` makes itself somewhere: a release (or ``async
    with``) of the local it is bound to in ``function``, or of the ``self.<attr>`` it is stored in,
    in the class. Such a part is a resource the code tracks on its own: a path that skips its end
    is judged as any resource's. One the code never ends relies on its parent."""
    stmt = module.parent(call)
    if isinstance(stmt, ast.Await):
        stmt = module.parent(stmt)
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return True  # (not bound: judged as before)
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else getattr(stmt, "target", None)
    if isinstance(target, ast.Name):
        return any(_ends_use(module, load) for load in name_loads(function, target.id))
    attr = self_attr(target, "self") if target is not None else None
    owner = module.parent(function)
    if attr is None or not isinstance(owner, ast.ClassDef):
        return True
    return any(
        isinstance(n, ast.Attribute) and self_attr(n, "self") == attr and _ends_use(module, n)
        for _, cls in class_and_bases(module, owner) for n in ast.walk(cls)
    )


def _ends_use(module: ModuleInfo, node: ast.expr) -> bool:
    use = classify(module, node)
    return use.kind == "with" or (use.kind == "method" and (use.name in _ENDS or is_release_name(use.name or "")))


def _kept_here(module: ModuleInfo, function: ast.AST, name: str) -> bool:
    """Whether the function only calls methods of its local ``name``, reads its attributes or
    tests it (``browser.close()``, ``browser.contexts``, ``if browser is not None``): it stores,
    returns or hands on nothing of it, so its whole life is the function's, and the function's
    verdict on it (released, or reported) is the verdict on everything made from it. A parent
    kept on ``self`` or handed on lives on where the function cannot tell."""
    return all(classify(module, load).kind in ("method", "attribute", "test", "with") for load in name_loads(function, name))


def _made_here_once(module: ModuleInfo, function: ast.AST, call: ast.Call, value: ast.expr, depth: int) -> bool:
    """Whether the parent's value is a resource this very function makes (a maker's awaited
    result, or a resource type of the tables built here: ``browser = await
    pw.chromium.launch()``, ``session = ClientSession()``), bound outside every loop the part is
    made in. The function owns that parent, kept in it (:func:`_kept_here`), and is judged for
    it (released on every path, or reported as left open); the part made from it once per
    parent ends when it does, so its leak is the parent's. A part made in a loop around which
    the parent lives on (a page per turn of one browser) accumulates while the parent is open:
    not ended with it."""
    inner = value.value if isinstance(value, ast.Await) else value
    if not isinstance(inner, ast.Call):
        return False
    qualified = module.imports.qualify(inner.func)
    typed = qualified is not None and (qualified in BUILTIN_RESOURCES or library_resource(qualified, module.module_name) is not None)
    if not typed and not _made(module, inner, module_makers(module), depth + 1):
        return False
    for ancestor in module.ancestors(call):
        if ancestor is function:
            break
        if isinstance(ancestor, (ast.For, ast.AsyncFor, ast.While)) and not any(n is value for n in ast.walk(ancestor)):
            return False
    return True


def _is_none(value: ast.expr) -> bool:
    """``None``: what a name let go of is set to (``browser = None`` after its close), no value of it."""
    return isinstance(value, ast.Constant) and value.value is None


_ENDS = ("close", "aclose", "stop")


def _assignments(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """(target, value) of every ``x = v`` and ``x: T = v`` under ``node``."""
    found: list[tuple[ast.expr, ast.expr]] = []
    for n in ast.walk(node):
        if isinstance(n, ast.Assign):
            found.extend((t, n.value) for t in n.targets)
        elif isinstance(n, ast.AnnAssign) and n.value is not None:
            found.append((n.target, n.value))
    return found


def _names_owner(annotated: set[str], owner: str) -> bool:
    """``playwright.async_api.Browser``, a resource type of the table re-exported from
    ``playwright.async_api._generated.Browser``, names it (``redis.Redis``, the sync client, names
    no ``redis.asyncio.client.Redis``: no resource of the table)."""
    return any(
        a.partition(".")[0] == owner.partition(".")[0] and a.rpartition(".")[2] == owner.rpartition(".")[2]
        and (library_resource(a) is not None or a in BUILTIN_RESOURCES)
        for a in annotated
    )


def _receiver_types(module: ModuleInfo, function: ast.AST, receiver: ast.expr, makers: Makers, depth: int) -> set[str] | None:
    """The library classes the receiver is known to be: every value bound to the local (or to
    ``self.<attr>`` in the class) made by a maker or returned by a library function the table
    types (``async_playwright()``), or the parameter's annotation. None when nothing is known."""
    values: list[ast.expr] = []
    declared: set[str] | None = None
    if isinstance(receiver, ast.Call):
        returned = _typed_call(module, receiver)
        if returned is None:
            # ``self.api.session().new_context()``: what a project function or a proven
            # receiver's method says it returns (``def session(self) -> Browser``)
            return _said(module, _factory_returns(module, receiver, False), makers) or _getter_types(module, receiver, makers, depth)
        return {returned}
    if isinstance(receiver, ast.Name) and isinstance(function, _FUNCTIONS):
        args = function.args
        param = next((a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.arg == receiver.id), None)
        if param is not None:
            return _declared(module, [param.annotation]) if param.annotation is not None else None
        if reads_global(module, function, receiver.id):
            # ``pubsub = _client.pubsub()`` of ``_client: Optional[Redis] = None``, bound at
            # module level or by a function declaring it ``global``: what the module binds there.
            bindings = global_bindings(module, receiver.id)
            if bindings is None or depth > 2:
                return None
            made = _value_types(module, function, list(bindings.values), makers, depth + 1) if bindings.values else None
            return made if made is not None else _said(module, _declared(module, list(bindings.annotations)) if bindings.annotations else None, makers)
        # (``browser = None`` after its close: a name let go of holds no other type)
        values = [v for t, v in _assignments(function) if isinstance(t, ast.Name) and t.id == receiver.id and not _is_none(v)]
        declared = _annotated_local(module, function, receiver.id)
    elif isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == "self":
        owner = module.parent(function)
        if not isinstance(owner, ast.ClassDef):
            return None
        values = [
            v for t, v in _assignments(owner)
            if isinstance(t, ast.Attribute) and t.attr == receiver.attr and isinstance(t.value, ast.Name) and t.value.id == "self"
            and not (isinstance(v, ast.Constant) and v.value is None)
        ]
        given = _stored_parameters(module, owner, receiver.attr)
        if values and given is not None and _of_the_table(given, makers):
            # ``def __init__(self, browser: Browser): self.browser = browser``: what the
            # parameters are annotated with (``T | None``, ``Optional[T]``, ``Redis[bytes]``: T).
            return given
        declared = _annotated_attribute(module, owner, receiver.attr)
        if not values:
            return _said(module, declared, makers)
    elif isinstance(receiver, ast.Attribute) and depth < 3 and (held := receiver_class(module, function, receiver.value)) is not None:
        # ``await self.api.browser.new_context()``, ``api.browser`` of ``api: Api``: what the
        # receiver's proven first-party class says of its own attribute, as for ``self.browser``
        # in that class's methods.
        home, cls = held
        method = next((m for m in cls.body if isinstance(m, _FUNCTIONS) and m.args.args), None)
        if method is None:
            return _said(home, _annotated_attribute(home, cls, receiver.attr), makers)
        return _receiver_types(home, method, ast.Attribute(ast.Name(method.args.args[0].arg, ast.Load()), receiver.attr, ast.Load()), makers, depth + 1)
    made = _value_types(module, function, values, makers, depth)
    # What a value's code does not tell, the name's declared type does, as a type checker reads
    # it (``_client: SearchIndexClient`` in the class, bound from an unannotated helper's call).
    return made if made is not None else _said(module, declared, makers)


def _said(module: ModuleInfo, declared: set[str] | None, makers: Makers) -> set[str] | None:
    """A declared type, when it says something: a class of the table's libraries, or one of
    another library (not the maker's: ``-> "motor.core.Database"``, no pymongo database). A type
    of no library the table knows, a project's protocol, says nothing: the receiver stays
    untyped."""
    if declared is None:
        return None
    return declared if _of_the_table(declared, makers) or _of_another_library(module, declared, makers) else None


def _value_types(module: ModuleInfo, function: ast.AST, values: list[ast.expr], makers: Makers, depth: int) -> set[str] | None:
    """The library classes every value is known to make; None when any is unknown."""
    made: set[str] = set()
    for value in values:
        inner = value.value if isinstance(value, ast.Await) else value
        if inner is value and self_attr(inner, "self") is not None and depth < 3:
            # ``db = self.db``: what the class says ``self.db`` is
            types = _receiver_types(module, function, inner, makers, depth + 1) or set()
            if not types:
                return None
            made |= types
            continue
        types = _made(module, inner, makers, depth + 1) if isinstance(inner, ast.Call) else set()
        if not types and inner is value and isinstance(inner, ast.Call) and (returned := _typed_call(module, inner)) is not None:
            types = {returned}
        if not types and isinstance(inner, ast.Call) and (stated := _factory_returns(module, inner, inner is not value)) is not None:
            types = stated if _of_the_table(stated, makers) else set()
        if not types and inner is value and isinstance(inner, ast.Call):
            types = _getter_types(module, inner, makers, depth) or set()
        if not types:
            return None
        made |= types
    return made or None


def _annotated_local(module: ModuleInfo, function: ast.AST, name: str) -> set[str] | None:
    """The types a function declares its local to be (``ws: WSClient = await make()``)."""
    return _declared(module, [
        n.annotation for n in ast.walk(function)
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id == name
    ])


def _declared(module: ModuleInfo, annotations: list[ast.expr]) -> set[str] | None:
    """The classes annotations name, read in ``module``'s imports: ``T | None``,
    ``Optional[T]`` and ``"T"`` name ``T``, ``Redis[bytes]`` names ``Redis``. None when there is
    none, or one is no import."""
    types: set[str] = set()
    for annotation in annotations:
        for stated in _not_none(annotation):
            qualified = module.imports.qualify(stated.value if isinstance(stated, ast.Subscript) else stated)
            if qualified is None:
                return None
            types.add(qualified)
    return types or None


def _stored_parameters(module: ModuleInfo, owner: ast.ClassDef, attr: str) -> set[str] | None:
    """The library types of the annotated parameters a method of ``owner`` stores as
    ``self.<attr>`` (``self.redis = redis`` of ``redis: Redis[bytes]``), when every store of it
    (``None`` aside) is one; None when any is not, or an annotation is no import."""
    types: set[str] = set()
    for method in owner.body:
        if not isinstance(method, _FUNCTIONS) or not method.args.args:
            continue
        me = method.args.args[0].arg
        params = {a.arg: a.annotation for a in (*method.args.posonlyargs, *method.args.args[1:], *method.args.kwonlyargs)}
        for target, value in _assignments(method):
            if not (isinstance(target, ast.Attribute) and target.attr == attr and isinstance(target.value, ast.Name) and target.value.id == me):
                continue
            if isinstance(value, ast.Constant) and value.value is None:
                continue
            annotation = params.get(value.id) if isinstance(value, ast.Name) else None
            stated = _declared(module, [annotation]) if annotation is not None else None
            if stated is None:
                return None
            types |= stated
    return types or None


def _of_the_table(types: set[str], makers: Makers) -> bool:
    """Whether every type is a class of the table's libraries: a resource, or the owner of a
    maker (a project's own protocol says nothing of what a library method makes)."""
    return all(library_resource(t) is not None or any(
        _names_owner({t}, m.owner) or t == m.owner for ms in makers.values() for m in ms) for t in types)


def _of_another_library(module: ModuleInfo, types: set[str], makers: Makers) -> bool:
    """Whether every type is a class of a third-party package none of the makers is of (neither
    the project's own, a protocol it may write, nor the standard library's ``typing.Any``, nor a
    typing backport's ``typing_extensions.Any``)."""
    packages = {m.owner.partition(".")[0] for ms in makers.values() for m in ms}
    return all(
        (top := t.partition(".")[0]) not in packages and not is_stdlib(t)
        and "." in t and module.project.find_path(top, module.roots) is None
        for t in types
    )


def _factory_returns(module: ModuleInfo, call: ast.Call, awaited: bool) -> set[str] | None:
    """What a first-party function says it returns (``async def connect() -> Browser``, called
    and awaited; a plain function called), read in its own module's imports."""
    found = resolve_definition(module, call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
    if found is None and isinstance(call.func, ast.Attribute):
        found = _proven_method(module, call.func)  # ``self.api.session()``, ``api.session()`` of ``api: Api``
    if found is None:
        return None
    where, function = found
    if not isinstance(function, _FUNCTIONS) or function.returns is None or awaited != isinstance(function, ast.AsyncFunctionDef):
        return None
    return _declared(where, [function.returns])


def _getter_types(module: ModuleInfo, call: ast.Call, makers: Makers, depth: int) -> set[str] | None:
    """What a getter of the project returns (``def browser(self): return self._browser``, no
    annotation, called plainly): every ``return`` gives the same attribute of ``self``, so the
    call gives what the class says that attribute is (a constructor parameter's annotation, a
    maker's value, a declaration), as reading the attribute would."""
    if depth > 2 or not isinstance(call.func, ast.Attribute):
        return None
    found = _proven_method(module, call.func)
    method = found[1] if found is not None else None
    if found is None or not isinstance(method, ast.FunctionDef) or not method.args.args:
        return None
    home = found[0]
    me = method.args.args[0].arg
    returned = {
        value.attr if isinstance(value := node.value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == me else None
        for node in ast.walk(method) if isinstance(node, ast.Return)
    }
    if len(returned) != 1 or None in returned:
        return None
    attr = cast(str, next(iter(returned)))
    return _receiver_types(home, method, ast.Attribute(ast.Name(me, ast.Load()), attr, ast.Load()), makers, depth + 1)


def _proven_method(module: ModuleInfo, func: ast.Attribute) -> tuple[ModuleInfo, ast.stmt] | None:
    """The method ``func`` calls, when its receiver's first-party class is proven
    (``receiver_class``): the class's own or a base's, as Python finds it."""
    function = module.enclosing_function(func)
    owner = receiver_class(module, function, func.value) if function is not None else None
    if owner is None:
        return None
    for home, cls in class_and_bases(*owner):
        method = next((s for s in cls.body if isinstance(s, _FUNCTIONS) and s.name == func.attr), None)
        if method is not None:
            return home, method
    return None


def _typed_call(module: ModuleInfo, call: ast.Call) -> str | None:
    """The class a call of a library function returns, when the table types it, or a built-in
    resource type's constructor or class method makes (``Redis(...)``, ``Redis.from_url(url)``)."""
    qualified = module.imports.qualify(call.func)
    if qualified is None:
        return None
    if qualified in BUILTIN_RESOURCES:
        owner, _, name = qualified.rpartition(".")
        if capword(name):
            return qualified
        if owner in BUILTIN_RESOURCES and capword(owner.rpartition(".")[2]):
            return owner
    return library_returns().get(qualified)


def _annotated_attribute(module: ModuleInfo, owner: ast.ClassDef, attr: str) -> set[str] | None:
    """The library class that the class or a first-party base (in any module) states
    ``self.<attr>`` to be: a ``@property`` named so with a return annotation, a class-level
    ``attr: T``, or ``self.attr: T = ...`` (``T | None`` and ``Optional[T]`` name ``T``); read in
    the defining module's imports. None when no base states it, or a stated type is no import."""
    for where, cls in class_and_bases(module, owner):
        stated: list[ast.expr] = []
        for stmt in cls.body:
            if isinstance(stmt, _FUNCTIONS) and stmt.name == attr and stmt.returns is not None and any(
                (d.id if isinstance(d, ast.Name) else d.attr if isinstance(d, ast.Attribute) else "") in ("property", "cached_property")
                for d in stmt.decorator_list
            ):
                stated.append(stmt.returns)
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
                stated.append(stmt.annotation)
        stated.extend(
            n.annotation for n in ast.walk(cls)
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Attribute) and n.target.attr == attr
            and isinstance(n.target.value, ast.Name) and n.target.value.id == "self"
        )
        if stated:
            return _declared(where, stated)
    return None


def _not_none(annotation: ast.expr) -> list[ast.expr]:
    """The types an annotation allows besides ``None``: ``T | None`` and ``Optional[T]`` -> ``T``;
    a string annotation is read as the expression it spells."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return [annotation]
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return [*_not_none(annotation.left), *_not_none(annotation.right)]
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return []
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)) and (
        annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
    ) == "Optional":
        return _not_none(annotation.slice)
    return [annotation]
