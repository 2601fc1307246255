"""What proves that a resource is ended, or that it is not: the facts the resource analysis asks
of a creation's surroundings (issue 28, session 12). A hand-off counts only to a receiver shown
to end what it gets (or one that is itself ended); a close that only renews, a drop after a
test, a hand-off on one branch, a module cache fed through a local are no ends."""

from __future__ import annotations

import ast
from collections.abc import Callable, Set as AbstractSet
from typing import Literal, TypeGuard

from tradelint.facts.context import ModuleInfo
from tradelint.facts.class_family import bases_naming, declared_by_a_base
from tradelint.facts.given_back import given_back
from tradelint.facts.owned_elements import added_to, ends_elements, made_as_field, made_in_family, self_collection_added
from tradelint.facts.class_family import class_of_cls
from tradelint.facts.ownership import ResourceType, family_methods, is_release_name, lineage, release_runs
from tradelint.facts.syntax import capword, walk
from tradelint.facts.named_classes import class_named
from tradelint.facts.awaited_uses import awaited_through, runs
from tradelint.facts.unfailing_calls import unreached_handler
from tradelint.facts.uses import (
    classify, declares_outer, name_loads, name_stores, self_attr, self_attribute_loads, self_name, sequential, stored_target,
)
from tradelint.models.resources.callee_release import awaited_callee, callee_release_nodes
from tradelint.models.resources.part_releases import type_family
from tradelint.models.resources.renewal_calls import leaves_alone
from tradelint.models.resources.resource_types import CLOSE_METHODS, STACK_TAKERS, Creation
from tradelint.models.resources.rerun_replaced import dropped_between_runs
from tradelint.models.resources.statements import (
    RENEWING,
    _first_touch,
    _flag_of_release,
    _in_loop_between,
    _module_collection,
    _renewed_by_a_caller,
    ends_process,
)


def result_is_ended(module: ModuleInfo, call: ast.Call) -> bool:
    """What ``call`` makes is itself ended by its holder: entered (``async with X(s=s) as x``),
    closed where it is kept locally (``x = X(s=s) ... await x.close()``), or kept on ``self`` and
    released by a method of the class (``self.sdk = Sdk(session=s)``, ``await self.sdk.close()``).
    Whoever ends the receiver ends what it was given along with it, as far as a reader can tell."""
    node: ast.AST = call
    parent = module.parent(node)
    if isinstance(parent, ast.Await):
        node, parent = parent, module.parent(parent)
    if isinstance(parent, ast.withitem):
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and parent.value is node):
        return False
    target = parent.targets[0]
    function = module.enclosing_function(call)
    if function is None:
        return False
    if isinstance(target, ast.Name):
        return any(_ends(module, load) for load in name_loads(function, target.id))
    owner = module.parent(function)
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == self_name(function)
        and isinstance(owner, ast.ClassDef)
    ):
        return any(_ends(module, load) for load in self_attribute_loads(owner, target.attr))
    return False


def _ends(module: ModuleInfo, load: ast.expr) -> bool:
    """This use enters the value or calls (or hands on) its release method."""
    use = classify(module, load)
    return use.kind == "with" or (use.kind in ("method", "attribute") and is_release_name(use.name))


def dropped_unclosed(module: ModuleInfo, c: Creation) -> str | None:
    """``self.x = None`` in another method that only tests the old value, if it looks at it
    at all, and calls no other method first (``reset()``): the method that drops it
    unclosed. Made in ``__init__``, the value exists whenever another method runs; made
    elsewhere (a lazy getter), only a method that tests it first (``if self.x is not None:
    self.x = None``) shows that it may be dropping one: a bare ``self.x = None`` may run
    before anything is made (a test's ``setUp()``)."""
    assert c.cls is not None and c.function is not None
    made_at_init = c.function.name == "__init__"
    notified = _callbacks_given(c.call, self_name(c.function))
    for method in c.cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method is c.function:
            continue
        if method.name == "__init__":
            continue  # ``self.x = None`` before anything is made
        if method.name in notified:
            continue  # ``disconnected_callback=self._on_disconnect``: the resource has ended itself
        receiver = self_name(method)
        for node in walk(method):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and node.value.value is None
                and any(
                    isinstance(t, ast.Attribute)
                    and t.attr == c.name
                    and isinstance(t.value, ast.Name)
                    and t.value.id == receiver
                    for t in node.targets
                )
                and receiver is not None
                and _first_touch(module, method, receiver, c.name, node.lineno, tests_allowed=True)
                and (made_at_init or tested_before(module, method, receiver, c.name, node.lineno) or dropped_between_runs(module, c, method))
                and not _awaits_close_task(c.cls, method, receiver, c.name)
            ):
                return method.name
    return None


def _awaits_close_task(cls: ast.ClassDef, method: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str, name: str) -> bool:
    """``await self._close_task`` in the dropping method, where another method keeps
    ``self._close_task = asyncio.create_task(self._ws.close())``: the close ran as a task, and the
    drop waits for it (nats-py's websocket transport: ``close()`` then ``wait_closed()``)."""
    tasks: set[str] = set()
    for other in cls.body:
        if not isinstance(other, (ast.FunctionDef, ast.AsyncFunctionDef)) or (own := self_name(other)) is None:
            continue
        for node in walk(other):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and node.value.args:
                closing = node.value.args[0]
                if (
                    isinstance(closing, ast.Call) and isinstance(closing.func, ast.Attribute) and closing.func.attr in CLOSE_METHODS
                    and self_attr(closing.func.value, own) == name
                ):
                    tasks.update(a for t in node.targets if (a := self_attr(t, own)) is not None)
    return any(isinstance(n, ast.Await) and self_attr(n.value, receiver) in tasks for n in walk(method))


def _callbacks_given(call: ast.Call, receiver: str | None) -> frozenset[str]:
    """The methods of ``self`` the creating call is given as callbacks (``self._on_disconnect``,
    not called): the resource calls them on its own events, and one that drops it there follows
    the resource's own end."""
    return frozenset(
        value.attr
        for value in (*call.args, *(k.value for k in call.keywords))
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == receiver
    )


def unknown_callable(module: ModuleInfo, callee: ast.expr) -> bool:
    """A called name that the calling function binds itself: a parameter, a loop variable, a
    local, whose value no reading of the code can name (a name it does not bind may come from
    an import, a star import or a definition, and is judged as such)."""
    if not isinstance(callee, ast.Name):
        return False
    function = module.enclosing_function(callee)
    if function is None:
        return False
    name = callee.id
    if class_of_cls(module, callee) is not None:
        return False  # ``cls(...)`` in a class method: its class, read as a call of it is
    arguments = function.args
    if any(a.arg == name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)):
        return True
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        for node in walk(function)
    ) and not declares_outer(function, name)


def callee_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def names_class(call: ast.Call) -> bool:
    """The callee is a class by its name (``ClientSession``, ``httpx.AsyncClient``)."""
    return capword(callee_name(call))


def tested_before(module: ModuleInfo, method: ast.AST, receiver: str, attr: str, line: int) -> bool:
    """``self.attr`` (or ``hasattr(self, "attr")``) is tested in ``method`` before ``line``."""
    for node in walk(method):
        if getattr(node, "lineno", line) >= line:
            continue
        if (
            isinstance(node, ast.Attribute)
            and node.attr == attr
            and isinstance(node.value, ast.Name)
            and node.value.id == receiver
            and classify(module, node).kind == "test"
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "hasattr"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == attr
        ):
            return True
    return False


def evaluated_on_one_branch(module: ModuleInfo, call: ast.Call) -> bool:
    """``call`` runs only on one branch of an expression: a later operand of ``a or b`` /
    ``a and b``, or a branch of ``b if t else c``."""
    child: ast.AST = call
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, ast.stmt):
            return False
        if isinstance(ancestor, ast.BoolOp) and child is not ancestor.values[0]:
            return True
        if isinstance(ancestor, ast.IfExp) and child is not ancestor.test:
            return True
        child = ancestor
    return False


def module_cache_of(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str | None:
    """The module-level collection the local ``name`` is put in (``_CACHE[key] = name``,
    ``_POOL.append(name)``), when it is: the module's cache then holds it."""
    for node in name_loads(function, name):
        collection = added_to(module, node)
        if isinstance(collection, ast.Name) and _module_collection(module, function, collection.id):
            return collection.id
    return None


def kept_on_self(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> tuple[Literal["self", "self_elements"], str] | None:
    """Where on ``self`` a method keeps the local ``name``, when it never closes the local
    itself: ``("self_elements", attr)`` for a collection (:func:`self_collection_of`), ``("self",
    attr)`` for ``self.attr = name`` (``if session is None: session = ClientSession()`` then
    ``self.session = session``: python-roborock ``96cc718d``), as if made in place."""
    found = self_collection_of(module, function, name)
    if found is not None:
        return "self_elements", found
    receiver = self_name(function)
    if receiver is None or not isinstance(module.parent(function), ast.ClassDef):
        return None
    for node in name_loads(function, name):
        # ``self.session = name``, or ``self.reader, self.writer = reader, name``: a tuple of
        # values stored in a tuple of targets keeps each element in its own target; ``self.session
        # = wrap(name)`` of a function that gives back what it is given stores ``name`` itself, as
        # ``self.session = wrap(name) if flag else name`` does on either branch.
        value: ast.expr = node
        while (back := given_back(module, value) or _branch_of(module, value)) is not None:
            value = back
        stored = stored_target(module, value)
        if stored is not None and (attr := self_attr(stored[1], receiver)) is not None and not _closes_local(module, function, name):
            return "self", attr
    return None


def _branch_of(module: ModuleInfo, value: ast.expr) -> ast.expr | None:
    """The conditional expression ``value`` is a branch of (``a if test else b``): its value is
    ``value`` on that branch."""
    parent = module.parent(value)
    return parent if isinstance(parent, ast.IfExp) and value is not parent.test else None


def _closes_local(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """The method ends the local itself: a release of it, or an exit stack it hands it to
    (``await stack.enter_async_context(session)``, then ``self._session = session``: omnigent's
    MCP client; session 64), or an ``async with`` of it."""
    for node in name_loads(function, name):
        use = classify(module, node)
        if use.kind in ("method", "attribute") and (use.name in CLOSE_METHODS or is_release_name(use.name)):
            return True
        if handed_to(module, node, STACK_TAKERS):
            return True
        parent = module.parent(node)
        if isinstance(parent, ast.withitem) and parent.context_expr is node:
            return True
    return False


def handed_to(module: ModuleInfo, node: ast.expr, takers: AbstractSet[str]) -> bool:
    """``node`` is the one argument of a call of a method named in ``takers``
    (``await stack.enter_async_context(node)``)."""
    call = module.parent(node)
    return isinstance(call, ast.Call) and call.args == [node] and isinstance(call.func, ast.Attribute) and call.func.attr in takers


def self_collection_of(module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str | None:
    """The collection on ``self`` the local ``name`` is put in (``self._clients[key] = name``,
    ``self._pool.append(name)``) by a method that never closes the local itself: the instance
    then keeps it as an element, as if it had been made in place (``self._clients[key] =
    ClientSession()``), and the class must end that collection's elements."""
    receiver = self_name(function)
    if receiver is None or not isinstance(module.parent(function), ast.ClassDef):
        return None
    found: str | None = None
    for node in name_loads(function, name):
        attr = self_collection_added(module, node, receiver)
        if attr is not None:
            found = found or attr
            continue
        use = classify(module, node)
        if use.kind in ("method", "attribute") and use.name is not None and (
            use.name in CLOSE_METHODS or is_release_name(use.name)
        ):
            return None  # closed here too: judged as the local it also is
    return found


def elements_left_open(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether the class family makes the collection ``self.attr`` and no method of it reaches
    its elements to end them where the owner's life ends: ended by a bot command or listener,
    they are still open after the cog unloads (as an attribute closed there would be). Judged
    once per class and collection: each method putting an element in it asks."""
    memo = module.project.class_memo
    key = ("elements-left-open", cls, attr)
    if key not in memo:
        memo[key] = _elements_left_open(module, cls, attr)
    return bool(memo[key])


def global_elements_ended(module: ModuleInfo, name: str) -> bool:
    """Whether some load of the module's global collection ``name`` ends its elements: judged
    once per module and name (each element put in it asks)."""
    memo = module.project.class_memo
    key = ("global-elements-ended", module.tree, name)
    if key not in memo:
        memo[key] = any(ends_elements(module, node) for node in name_loads(module.tree, name))
    return bool(memo[key])


def _elements_left_open(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    family = bases_naming(module, cls, attr)
    if declared_by_a_base(module, cls, attr) or not (made_in_family(family, attr) or made_as_field(family, attr)):
        return False
    for home, owner in bases_naming(module, cls, attr):
        for node in self_attribute_loads(owner, attr):
            method = home.enclosing_function(node)
            if ends_elements(home, node) and (method is None or release_runs(module, cls, method)):
                return False
    return True


def loaded_on_the_loop_and_closed(module: ModuleInfo, call: ast.Call) -> bool:
    """``session = aiohttp.ClientSession()`` in a class body (or at module level) of a discord.py
    extension (the module or its package's ``__init__`` defines ``setup(bot)``): the bot imports
    it inside ``await bot.load_extension(...)``, on its running loop, so the session binds to the
    right loop; it is judged by whether the module closes it (``self.session.close()`` in
    ``cog_unload()``, a task made of it included)."""
    stmt = module.parent(call)
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return False
    name = stmt.targets[0].id
    if not _defines_setup(module.tree) and not _package_defines_setup(module):
        return False
    for node in walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in CLOSE_METHODS
            and (
                (isinstance(node.func.value, ast.Attribute) and node.func.value.attr == name)
                or (isinstance(node.func.value, ast.Name) and node.func.value.id == name)
            )
        ):
            return True
    return False


def _defines_setup(tree: ast.Module) -> bool:
    """Whether the module defines ``setup(bot)``: found once per tree (each import-time creation
    asks)."""
    found = _SETUP.get(id(tree))
    if found is None or found[0] is not tree:
        if len(_SETUP) > 8:  # a few trees held, not the run's
            _SETUP.clear()
        found = _SETUP[id(tree)] = (tree, any(
            isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "setup" and len(stmt.args.args) == 1
            for stmt in tree.body
        ))
    return found[1]


_SETUP: dict[int, tuple[ast.Module, bool]] = {}


def _package_defines_setup(module: ModuleInfo) -> bool:
    init = module.path.parent / "__init__.py"
    module.project.note_scan("folder", module.path.parent)  # for the cache: the package's __init__ is read
    if init == module.path or not init.is_file():
        return False
    package = module.project.module_at(init)
    return package is not None and _defines_setup(package.tree)


def replaces_unclosed(module: ModuleInfo, creations: list[Creation], c: Creation) -> bool:
    """``self.x = X()`` in a method that neither looks at the old ``self.x`` nor calls another
    method first, when an old value can exist as it runs: ``__init__`` also creates it, or the
    method renews it (``reconnect()``, ``refresh_token()``) and another method creates it
    too, or a renewing method calls it unguarded (``recreate(force=True)`` calling
    ``_create_session()``): the old value is dropped unclosed."""
    assert c.cls is not None and c.function is not None
    if c.function.name == "__init__":
        return False
    others = [
        o for o in creations
        if o.kind == "self" and o.cls is c.cls and o.name == c.name and o.function is not c.function
    ]
    # ``connect()`` and ``load()``, or test methods that each make one, may never both run;
    # a method named to renew runs over a value made before.
    renews = bool(others) and RENEWING.match(c.function.name) is not None
    if not (
        any(o.function is not None and o.function.name == "__init__" for o in others)
        or renews
        or _renewed_by_a_caller(c.cls, c.function.name, c.name, lambda m: leaves_alone(module, c.cls, m, c.name))  # type: ignore[arg-type]
    ):
        return False
    if _in_loop_between(module, c.stmt, c.function):
        return False
    receiver = c.function.args.args[0].arg if c.function.args.args else "self"
    if any(
        isinstance(a, ast.If) and _flag_of_release(c.cls, a.test, receiver, c.name)
        for a in module.ancestors(c.stmt)
        if module.enclosing_function(a) is c.function or a is c.function
    ):
        return False  # ``if self.status == "stopped":`` where the release sets that status
    return _first_touch(module, c.function, receiver, c.name, getattr(c.stmt, "lineno", 0))


def remade_after_release(c: Creation) -> bool:
    """``await self.session.close(); self.session = ClientSession()`` in the class's release
    method itself (``close()``, ``stop()``): made again for a reuse that the last call never
    has, the new one outlives its owner (emlove/jsonrpc-websocket ``d814df84``)."""
    assert c.cls is not None and c.function is not None
    if c.function.name == "__init__" or not is_release_name(c.function.name):
        return False
    receiver = self_name(c.function) or "self"
    line = getattr(c.stmt, "lineno", 0)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOSE_METHODS | {c.spec.close}
        and self_attr(node.func.value, receiver) == c.name
        and node.lineno < line
        for node in walk(c.function)
    )


def only_borrowed_by(module: ModuleInfo, call: ast.Call, arg: ast.expr, depth: int = 0) -> bool:
    """``await upsert(session, ...)`` where ``upsert`` is a first-party ``async def`` that only
    calls through the parameter it gets (``await session.execute(...)``): nothing of it keeps,
    returns, hands on or closes the value, so the caller still owns it (Codin-Nerds/Neutron-Bot
    ``c4106099``). Handing it on in turn to such a coroutine, awaited there (``await
    _dominant_thread(client, ...)`` inside ``_resolve_thread(client, ...)``), borrows it too, up to
    five calls deep. Read from the functions' own code; any other use, or a callee not found,
    proves nothing."""
    # (or a coroutine method of the caller's own class called on ``self``: ``await
    # self.get_user(url, reddit)`` that only calls through it, jbsparrow/CyberDropDownloader
    # ``1f6d28f3``)
    found = awaited_callee(module, call)
    if found is None:
        return False
    home, function, skip_self = found
    params = [*function.args.posonlyargs, *function.args.args][1 if skip_self else 0 :]
    param: str | None = None
    if arg in call.args:
        index = call.args.index(arg)
        if index >= len(params) or any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
            return False
        param = params[index].arg
    else:
        param = next((k.arg for k in call.keywords if k.value is arg), None)
        if param is None or param not in {p.arg for p in (*params, *function.args.kwonlyargs)}:
            return False
    loads = list(name_loads(function, param))
    return bool(loads) and all(_borrowing_use(home, node, depth) for node in loads)


def _borrowing_use(home: ModuleInfo, node: ast.Name, depth: int) -> bool:
    use = classify(home, node)
    if use.kind in ("method", "attribute"):
        return not is_release_name(use.name or "")  # ``await client.read()``, ``client.services``
    if use.kind == "test":
        return True  # ``if client.is_connected`` reads it
    if use.kind == "container" and isinstance(parent := home.parent(node), (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
        # ``async for frame in stream`` reads it, as iterating it in the caller does (session 50)
        return True
    if use.kind == "argument" and use.call is not None and depth < 4 and isinstance(home.parent(use.call), ast.Await):
        return only_borrowed_by(home, use.call, node, depth + 1)
    if use.kind == "argument" and use.call is not None and depth < 4:
        return _local_wrapper_borrows(home, use.call, node, depth)
    return False


def _local_wrapper_borrows(home: ModuleInfo, call: ast.Call, arg: ast.expr, depth: int) -> bool:
    """``transport = GattTransport(client, config)`` in the callee: a first-party class that keeps
    the argument where none of its methods (nor its bases') releases it, made into a local that
    the callee only calls through or lends on as it does the argument: the wrapper dies with the
    call, and the caller still owns what it wraps."""
    if arg not in call.args or any(isinstance(a, ast.Starred) for a in call.args):
        return False
    found = class_named(home, call.func)
    statement = home.parent(call)
    if found is None or not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return False
    target, function = statement.targets[0], home.enclosing_function(call)
    facts = found[1]
    if not isinstance(target, ast.Name) or function is None:
        return False
    attr = facts.stored_positions.get(call.args.index(arg))
    # (a release of a part of it, ``self._client.stop_notify(uuid)``, leaves it open)
    if attr is None or any(
        released == attr and (how == "with" or (is_release_name(how) and "_" not in how.strip("_")))
        for _, member in lineage(home.project, found[0], facts) for m in member.methods.values() for released, how in m.releases
    ):
        return False
    loads = list(name_loads(function, target.id))
    return len(name_stores(function, target.id)) == 1 and all(_borrowing_use(home, load, depth + 1) for load in loads)


def awaitable_here(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether ``await`` may be written at ``call``: its nearest function is an ``async def``
    (not a lambda, a nested ``def`` or a comprehension's own scope at module level)."""
    for ancestor in module.ancestors(call):
        if isinstance(ancestor, ast.AsyncFunctionDef):
            return True
        if isinstance(ancestor, (ast.FunctionDef, ast.Lambda, ast.ClassDef)):
            return False
    return False


def self_ending_methods(module: ModuleInfo, found: ResourceType) -> tuple[str, ...]:
    """The public methods of a first-party resource type that end an instance themselves,
    whatever happens (a ``start()`` whose ``finally`` calls ``self._cleanup()``): a call of one
    closes it. From the summaries: no module is parsed for it."""
    family = type_family(module.project, found)
    methods = family_methods(family)
    # A public method that releases what the type acquires is an end too: ``get_rank_data()``
    # closing the session after its last request. Counting it as a close can only spare a finding.
    if found.inherited:
        # A subclass of a library type: its own methods end it only by calling the base's release
        # (``disconnect()`` closing the websocket it opened ends no ``ClientSession``).
        ends = {found.release}
        grown = True
        while grown:
            more = {n for n, m in methods.items() if n not in ends and m.self_calls & ends}
            ends |= more
            grown = bool(more)
        return tuple(sorted(n for n in ends if not n.startswith("_") and n != found.release))
    held = {a.attr for _, member in family for a in member.acquisitions}
    return tuple(
        sorted(
            n
            for n, m in methods.items()
            if not n.startswith("_")
            and n != found.release
            and (m.finally_releases or any(owner in held and (owner, how) not in m.dropped for owner, how in m.releases))
        )
    )


def releases_held(node: ast.AST, name: str, enders: AbstractSet[str], carriers: AbstractSet[str]) -> TypeGuard[ast.Attribute]:
    """``node`` is ``<name>.<ender>``, a release of the resource itself (``session.close``), or a
    release-named method of a local that carries it (``device.close``, ``device.disconnect``)."""
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and (
        node.attr in enders if node.value.id == name else node.value.id in carriers and is_release_name(node.attr))


def exits_before(
    module: ModuleInfo, c: Creation, handoff: ast.AST, closes: list[ast.AST], carriers: frozenset[str] = frozenset(),
    opens: Callable[[ast.expr], bool] | None = None,
) -> ast.stmt | None:
    """A ``raise`` or ``return`` on the path from ``c`` to the statement that hands it on (or
    enters it), with no close of it before: that exit leaves it open (an integration's
    ``raise ConfigEntryNotReady`` after a failed ``await client.connect()``, before the client
    is stored where unload disconnects it). A ``return`` of it hands it on and is not one.
    ``carriers``: the locals that carry it to that statement (``device = Device(session)`` ...
    ``return device``): an exit naming one hands it on, and a release of one closes it."""
    function = c.function
    if function is None or not c.name:
        return None
    args = function.args
    if c.name in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}:
        return None  # ``if connector is None: connector = TCPConnector()``: the caller's, or a fallback
    start = getattr(c.stmt, "end_lineno", None) or c.stmt.lineno  # type: ignore[attr-defined]
    end = next((a for a in module.ancestors(handoff) if isinstance(a, ast.stmt)), None)
    if end is None:
        return None
    enders = {c.spec.close, *c.spec.ends, "close", "aclose"}
    nodes = list(walk(function))
    # Every close of it in the function (``closes`` holds those met so far, breadth first).
    lines = [getattr(close, "lineno", 0) for close in closes] + [
        n.lineno
        for n in nodes
        if releases_held(n, c.name, enders, carriers)
    ] + [getattr(n, "lineno", 0) for n in callee_release_nodes(module, function, c.name, c.spec.close)]  # ``await self._teardown(stack)``
    # What opens on first use holds nothing until a method of it is awaited (a cog whose session
    # ``cog_load()`` makes, left before it is added): an exit before that leaves nothing open.
    # Of a first-party lazy class, only a use that ``opens`` says may open it counts (``await
    # client.async_initial_snapshot()``, a request through a shared session, opens nothing),
    # unless a call that opens it was scheduled before (``hass.async_create_task(client.connect())``):
    # from there on, it may be open whatever is awaited.
    loads = [n for n in nodes if isinstance(n, ast.Name) and n.id == c.name] if c.spec.lazy else []
    background = min((n.lineno for n in loads if opens is not None and _scheduled(module, n) and opens(n)), default=None)
    used = [
        n.lineno for n in loads if awaited_through(module, n)
        and (opens is None or opens(n) or (background is not None and background <= n.lineno))
    ]
    for node in nodes:
        if not isinstance(node, (ast.Return, ast.Raise)) or not start < node.lineno < end.lineno:
            continue
        if any(isinstance(n, ast.Name) and (n.id == c.name or n.id in carriers) for n in walk(node)) or (
                isinstance(node, ast.Raise) and ends_process(node)):
            continue  # ``return client``, ``raise Error(client)``, ``raise SystemExit``
        if c.spec.lazy and not any(start < line <= node.lineno for line in used):
            continue
        if module.enclosing_function(node) is not function or not sequential(module, c.stmt, node):
            continue
        if any(start < line <= node.lineno for line in lines):
            continue
        if _caught_and_closed(module, node, function, lines) or unreached_handler(module, node, function):
            continue  # (``except Exception: raise NotReady`` around a connection test that catches every error)
        return node
    return None


def _scheduled(module: ModuleInfo, node: ast.Name) -> bool:
    """``create_task(node.connect())``: a method of ``node`` called and scheduled, not awaited."""
    attribute = module.parent(node)
    call = module.parent(attribute) if isinstance(attribute, ast.Attribute) else None
    return isinstance(call, ast.Call) and call.func is attribute and not isinstance(module.parent(call), ast.Await) and runs(module, call)


def _caught_and_closed(module: ModuleInfo, exit_: ast.stmt, function: ast.AST, closes: list[int]) -> bool:
    """Whether ``exit_`` is in the body of a ``try`` whose handlers or ``finally`` close it."""
    child: ast.AST = exit_
    for ancestor in module.ancestors(exit_):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.Try) and child in ancestor.body:
            start = ancestor.handlers[0].lineno if ancestor.handlers else (ancestor.finalbody or ancestor.body)[0].lineno
            if any(start <= line <= (ancestor.end_lineno or 0) for line in closes):
                return True
        child = ancestor
    return False


def closed_where_errors_are_swallowed(module: ModuleInfo, closes: list[ast.AST]) -> bool:
    """Every close is in the body of a ``try`` one of whose handlers goes on without raising
    (``except Exception: log(...)``): an error before the close skips it, and the program, which
    caught the error to go on, goes on with the resource open."""
    if not closes:
        return False
    for close in closes:
        child: ast.AST = close
        swallowed = False
        for ancestor in module.ancestors(close):
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                break
            if isinstance(ancestor, ast.Try) and child in ancestor.body:
                swallowed = any(not any(isinstance(s, ast.Raise) for s in walk(h)) for h in ancestor.handlers)
                break
            child = ancestor
        if not swallowed:
            return False
    return True


def stored_back(module: ModuleInfo, node: ast.AST, attr: str) -> bool:
    """``self.<attr> = local``: a value (copied from ``self.<attr>`` on some path) stored into that
    same attribute of the method's receiver, which keeps owning it."""
    parent = module.parent(node)
    if not isinstance(parent, ast.Assign) or parent.value is not node:
        return False
    function = module.enclosing_function(node)
    receiver = function.args.args[0].arg if function is not None and function.args.args else None
    return any(
        isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == receiver
        for t in parent.targets
    )


def aliased_attribute(module: ModuleInfo, node: ast.AST) -> str | None:
    """``self._final = self._channel``: the other attribute of the same receiver the value is kept
    in too. The class still owns it, under two names, and must close it through one of them
    (pymilvus ``b5a9626d``): a store into its own attribute is no hand-over."""
    parent = module.parent(node)
    if not isinstance(parent, ast.Assign) or parent.value is not node or len(parent.targets) != 1:
        return None
    function = module.enclosing_function(node)
    receiver = function.args.args[0].arg if function is not None and function.args.args else None
    return self_attr(parent.targets[0], receiver) if receiver is not None else None
