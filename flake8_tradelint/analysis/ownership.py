"""Who owns what: first-party resource types, their release methods, and what a class keeps.

The TRD2xx/TRD3xx rules ask the same questions about classes in many files: "is ``Provider`` a
resource (does it acquire something and release it in a close-like method)?", "which method
releases a ``Feed``?", "does ``RestApi`` close the session it is given?". This module answers them
from *facts*: a compact summary of each module's classes (names, attribute acquisitions, release
calls, stored parameters), extracted once per module and kept instead of re-walking its tree.
It imports neither the engine nor the rules; the resource and task analyses query it.

Ownership rules, in one place:

* a class is a *resource type* when it acquires an owned thing on ``self`` (a configured resource,
  or an instance of another resource type) and some method of it or of its first-party bases
  releases that attribute; the method that does (or the release-like method that calls it) is
  the type's release method, and whoever creates an instance must call it;
* handing a resource to a *first-party* constructor moves ownership only when that class stores
  the parameter and releases the attribute; to *third-party* code (``THIRD_PARTY_HANDOFF``), it
  moves ownership: a library that is given a session is assumed to manage it, since its code
  cannot be read here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Callable, cast

from flake8_tradelint.analysis.dataclass_model import resolve_definition
from flake8_tradelint.context import FUNCTION_NODES, ModuleInfo

# What a third-party callee does with a resource handed to it: documented and fixed here; the
# first-party case is decided from the callee's own code.
THIRD_PARTY_HANDOFF = "moves"

# Names of methods that end a class's resources, beyond the configured shutdown names: the
# class's own words for it (``stop_monitoring``, ``close_all``, ``_release_http``).
_LEADING_WORD = (
    r"^(a?close|stop|shutdown|disconnect|cleanup|clean_up|teardown|tear_down|terminate|dispose|release|"
    r"finalize|destroy)(_\w*)?$"
)
_RELEASE_WORD = re.compile(
    _LEADING_WORD
    # A suffix names a release less surely (``command_stop`` is a bot command): only the words
    # that mean nothing else.
    + r"|^\w+_(a?close|shutdown|disconnect|cleanup|teardown)$"
)
_LEADING_RELEASE = re.compile(_LEADING_WORD)
DUNDER_RELEASE = ("__aexit__", "__exit__", "__del__")
# unittest's teardown hooks, spelled in camelCase.
TEST_TEARDOWNS = ("tearDown", "asyncTearDown")
_BARE_WORD = re.compile(r"^(a?close|stop|shutdown|disconnect|cleanup|teardown|terminate)$")


def is_release_name(name: str) -> bool:
    if name in DUNDER_RELEASE:
        return name != "__del__"
    return name in TEST_TEARDOWNS or bool(_RELEASE_WORD.match(name.lstrip("_")))


# Constructors that are never resources: exceptions, warnings, the commonest value types.
_NOT_RESOURCES = ("Error", "Exception", "Warning", "Event", "Config", "Settings", "Model", "Schema", "Request", "Response")

# A class reference as a module names it: ("local", "Name") for a top-level class of the same
# module, ("qualified", "pkg.mod.Name") through an import.
Ref = tuple[str, str]


@dataclass(frozen=True)
class MethodFacts:
    name: str
    is_async: bool
    line: int
    # ``self.attr.<release-like>(...)``, ``async with self.attr``, ``stack.push_async_callback(
    # self.attr.close)``: (attr, the method named, or "with").
    releases: frozenset[tuple[str, str]]
    # Methods called on ``self`` (a release method often delegates to a helper).
    self_calls: frozenset[str]
    # Parameters without a default: a release method needs none (``stop_tracking_order(oid)``
    # is not one).
    required: int = 0
    # Whether a release-named method ends anything (:func:`_ends_something`); False for the
    # other methods, which are not looked at.
    ends: bool = False


@dataclass(frozen=True)
class Acquisition:
    attr: str
    ref: Ref  # the callee of ``self.attr = Callee(...)``
    method: str
    line: int


@dataclass(frozen=True)
class ClassFacts:
    name: str
    line: int
    bases: tuple[Ref, ...]
    methods: dict[str, MethodFacts]
    acquisitions: tuple[Acquisition, ...]
    # ``self.attr = param`` in a method: param name -> attr, and positional index -> attr
    # (``self`` not counted) for ``__init__``.
    stored_params: dict[str, str] = field(default_factory=dict)
    stored_positions: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleFacts:
    classes: dict[int, ClassFacts]  # by the class statement's line


def module_facts(module: ModuleInfo) -> ModuleFacts:
    """The module's class facts, extracted once per tree (a fix's new tree gets new facts)."""
    memo = module.project.class_memo
    key = ("ownership-facts", module.tree)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _extract(module)
    return cast(ModuleFacts, found)


def class_facts(module: ModuleInfo, cls: ast.ClassDef) -> ClassFacts | None:
    return module_facts(module).classes.get(cls.lineno)


_RELEASE_NAMES: dict[str, bool] = {}


def _is_release(name: str) -> bool:
    known = _RELEASE_NAMES.get(name)
    if known is None:
        known = _RELEASE_NAMES[name] = is_release_name(name)
    return known


def _extract(module: ModuleInfo) -> ModuleFacts:
    """One pass over the index's attribute nodes, no walk of method bodies: the stores
    (``self.x = Callee(...)``, ``self.x = param``) and the release sites (``<x>.close()``) are
    attribute nodes; only release-like methods are walked, for the helpers they call."""
    stores: dict[int, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str, ast.Attribute]]] = {}
    releases: dict[tuple[int, str], set[tuple[str, str]]] = {}
    for node in module.index.attributes:
        if isinstance(node.ctx, ast.Store):
            # ``self.x = ...``: the receiver is ``self`` in all but a handful of methods, and this
            # test saves finding the enclosing method of every other store.
            if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                continue
        elif not _is_release(node.attr) or (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            continue
        function = module.enclosing_function(node)
        cls = module.parent(function) if function is not None else None
        if function is None or not isinstance(cls, ast.ClassDef):
            continue
        receiver = _receiver(function)
        if receiver is None:
            continue
        if isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id == receiver:
                stores.setdefault(cls.lineno, []).append((function, receiver, node))
            continue
        owner = _self_attr(node.value, receiver)
        if owner is None and isinstance(node.value, ast.Name):
            owner = _alias_source(function, node.value.id, receiver)
        if owner is not None:
            releases.setdefault((cls.lineno, function.name), set()).add((owner, node.attr))
    classes: dict[int, ClassFacts] = {}
    for cls in module.index.classes:
        bases = tuple(ref for base in cls.bases if (ref := _ref(module, base)) is not None)
        methods: dict[str, MethodFacts] = {}
        for stmt in cls.body:
            if isinstance(stmt, FUNCTION_NODES) and stmt.name not in methods:
                released = releases.get((cls.lineno, stmt.name), set())
                receiver = _receiver(stmt)
                calls: frozenset[str] = frozenset()
                ends = False
                if receiver is not None and (released or _is_release(stmt.name)):
                    ends = bool(released) or _ends_something(stmt, receiver)
                    calls = frozenset(
                        n.attr
                        for n in ast.walk(stmt)
                        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == receiver
                    )
                    released = released | {
                        (attr, "with")
                        for n in ast.walk(stmt)
                        if isinstance(n, (ast.With, ast.AsyncWith))
                        for item in n.items
                        if (attr := _self_attr(item.context_expr, receiver)) is not None
                    }
                positional = stmt.args.posonlyargs + stmt.args.args
                required = max(0, len(positional) - len(stmt.args.defaults) - 1) + sum(
                    1 for d in stmt.args.kw_defaults if d is None
                )
                methods[stmt.name] = MethodFacts(
                    stmt.name,
                    isinstance(stmt, ast.AsyncFunctionDef),
                    stmt.lineno,
                    frozenset(released),
                    calls,
                    required,
                    ends,
                )
        acquisitions: list[Acquisition] = []
        stored_params: dict[str, str] = {}
        stored_positions: dict[int, str] = {}
        for function, _, target in stores.get(cls.lineno, ()):
            assign = module.parent(target)
            if not isinstance(assign, (ast.Assign, ast.AnnAssign)) or assign.value is None:
                continue
            value = assign.value.value if isinstance(assign.value, ast.Await) else assign.value
            if isinstance(value, ast.Call):
                ref = _ref(module, value.func)
                if ref is not None:
                    acquisitions.append(Acquisition(target.attr, ref, function.name, assign.lineno))
            elif isinstance(value, ast.Name):
                params = [a.arg for a in function.args.posonlyargs + function.args.args][1:]
                if value.id in params:
                    stored_params.setdefault(value.id, target.attr)
                    if function.name == "__init__":
                        stored_positions.setdefault(params.index(value.id), target.attr)
                elif value.id in {a.arg for a in function.args.kwonlyargs}:
                    stored_params.setdefault(value.id, target.attr)
        acquisitions.sort(key=lambda a: a.line)
        classes[cls.lineno] = ClassFacts(
            cls.name, cls.lineno, bases, methods, tuple(acquisitions), stored_params, stored_positions
        )
    return ModuleFacts(classes)


def _ends_something(method: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str) -> bool:
    """Whether a method ends anything: cancels or closes something (any receiver, a loop
    variable's task included), awaits or enters something, calls another release-like method of
    the class, or clears a flag or attribute (``self._running = False``, ``self._ws = None``).
    ``hedge_tasks_cleanup()`` that only filters a list of tasks ends nothing."""
    for node in ast.walk(method):
        if isinstance(node, (ast.Await, ast.AsyncWith, ast.With)):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("cancel", "set") or _is_release(node.func.attr):
                return True
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value in (None, False):
            if any(_self_attr(target, receiver) is not None for target in node.targets):
                return True
    return False


def _alias_source(function: ast.AST, name: str, receiver: str) -> str | None:
    """``client = self._http`` in ``function``: the attribute a local copies."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            return _self_attr(node.value, receiver)
    return None


def _ref(module: ModuleInfo, node: ast.expr) -> Ref | None:
    if isinstance(node, ast.Name) and node.id in module.top_level and node.id not in module.imports.names:
        return ("local", node.id)
    qualified = module.imports.qualify(node)
    return ("qualified", qualified) if qualified is not None else None


def _receiver(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for dec in func.decorator_list:
        if isinstance(dec, ast.Name) and dec.id in ("staticmethod", "classmethod"):
            return None
    params = func.args.posonlyargs + func.args.args
    return params[0].arg if params else None


def _self_attr(node: ast.AST | None, receiver: str) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == receiver:
        return node.attr
    return None


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceType:
    """A first-party class whose instances must be released by calling ``release``."""

    module: ModuleInfo
    name: str
    release: str
    awaited: bool
    # Acquires only outside ``__init__`` (in ``connect()``, lazily): an instance holds nothing
    # until that method runs.
    lazy: bool


def resolve_ref(module: ModuleInfo, ref: Ref) -> tuple[ModuleInfo, ClassFacts] | None:
    kind, name = ref
    if kind == "local":
        stmt = module.top_level.get(name)
        found: tuple[ModuleInfo, ast.stmt] | None = (module, stmt) if stmt is not None else None
    else:
        found = module.project.lookup(name, module.roots)
    if found is None or not isinstance(found[1], ast.ClassDef):
        return None
    facts = class_facts(found[0], found[1])
    return (found[0], facts) if facts is not None else None


def lineage(module: ModuleInfo, facts: ClassFacts) -> list[tuple[ModuleInfo, ClassFacts]]:
    """The class and its resolvable first-party bases, nearest first."""
    found = [(module, facts)]
    seen = {(module.path, facts.line)}
    index = 0
    while index < len(found) and len(found) < 32:
        current, node = found[index]
        index += 1
        for ref in node.bases:
            base = resolve_ref(current, ref)
            if base is not None and (base[0].path, base[1].line) not in seen:
                seen.add((base[0].path, base[1].line))
                found.append(base)
    return found


def _methods(family: list[tuple[ModuleInfo, ClassFacts]]) -> dict[str, MethodFacts]:
    methods: dict[str, MethodFacts] = {}
    for _, facts in family:
        for name, method in facts.methods.items():
            methods.setdefault(name, method)
    return methods


def release_method_of(
    family: list[tuple[ModuleInfo, ClassFacts]], configured: tuple[str, ...]
) -> MethodFacts | None:
    """The method that ends an instance: a configured shutdown name first (in its order), else
    the class's own word for it (``stop_monitoring``, ``close_all``), public before private."""
    methods = _methods(family)
    for name in configured:
        if name in methods and name != "__exit__":
            return methods[name]
    # A private name counts only as a bare release word (``_close``, ``_stop``): ``_close_database``
    # is a helper that ends one thing, not the class.
    # A suffix (``hedge_tasks_cleanup()``) names a release less surely than a leading word
    # (``stop_streaming()``): such a method must also end something, since it can be a helper
    # (hummingbot's only prunes finished tasks from a list). A leading word and unittest's
    # ``tearDown()`` are the teardown whatever they do yet: the place to add the end to.
    own = [
        m
        for m in methods.values()
        if is_release_name(m.name)
        and m.name not in DUNDER_RELEASE
        and not m.required
        and (not m.name.startswith("_") or _BARE_WORD.match(m.name.lstrip("_")))
        and (m.ends or m.name in TEST_TEARDOWNS or _LEADING_RELEASE.match(m.name.lstrip("_")))
    ]
    own.sort(key=lambda m: (m.name.startswith("_"), m.line))
    if own:
        return own[0]
    return methods.get("__exit__")


def release_method(module: ModuleInfo, cls: ast.ClassDef, configured: tuple[str, ...]) -> str | None:
    """The name of the method that ends ``cls``'s resources and tasks (its own or inherited from a
    first-party base), or None when it has none: then, and only then, a message suggests adding
    one. Shared with the fixes, which add the release there."""
    facts = class_facts(module, cls)
    if facts is None:
        return None
    family = [(m, f) for m, f in lineage(module, facts)]
    method = release_method_of(family, configured)
    if method is None:
        # A teardown named its own way (``finish()``), found as the method that releases what
        # the class acquires.
        method = _releasing_method(family)
    return method.name if method is not None else None


def _releasing_method(family: list[tuple[ModuleInfo, ClassFacts]]) -> MethodFacts | None:
    acquired = {a.attr for _, f in family for a in f.acquisitions}
    for _, facts in family:
        for method in facts.methods.values():
            if any(attr in acquired for attr, _ in method.releases):
                found = own_teardown(family, method.name)
                if found is not None:
                    return found
    return None


def releases_attr(family: list[tuple[ModuleInfo, ClassFacts]], attr: str, names: frozenset[str]) -> str | None:
    """The method of the family that releases ``self.attr`` by calling one of ``names`` (or by an
    ``async with``); None if none does."""
    for _, facts in family:
        for method in facts.methods.values():
            for owner, how in method.releases:
                if owner == attr and (how in names or how == "with"):
                    return method.name
    return None


def _entry_for(
    family: list[tuple[ModuleInfo, ClassFacts]], helper: str, configured: tuple[str, ...]
) -> MethodFacts | None:
    """The release-like method that ends up calling ``helper`` (itself, when it is one)."""
    methods = _methods(family)
    release = release_method_of(family, configured)
    candidates = [m for m in methods.values() if is_release_name(m.name) and not m.required]
    if release is not None:
        candidates.insert(0, release)
    # What a creator is told to call: a named method before ``__aexit__``.
    candidates.sort(key=lambda m: m.name in DUNDER_RELEASE)
    for method in candidates:
        seen = {method.name}
        stack = [method.name]
        while stack:
            current = methods.get(stack.pop())
            if current is None:
                continue
            if current.name == helper:
                return method
            for called in current.self_calls:
                if called not in seen:
                    seen.add(called)
                    stack.append(called)
    return own_teardown(family, helper)


def own_teardown(family: list[tuple[ModuleInfo, ClassFacts]], helper: str) -> MethodFacts | None:
    """A class whose teardown has a name of its own (``finish()``, called by its owner's
    ``shutdown()``): the public method that releases what the class acquired, needs no argument
    and acquires nothing again (``reconnect()`` closes and re-opens: not a teardown)."""
    method = _methods(family).get(helper)
    if method is None or method.name.startswith(("_", "test")) or method.required or method.name in DUNDER_RELEASE:
        return None  # a test method that stops what it made is no teardown
    if any(a.method == method.name for _, f in family for a in f.acquisitions):
        return None
    return method


class OwnershipModel:
    """Project-wide ownership queries over module facts, memoised per class."""

    def __init__(self, builtin_close: Callable[[str], str | None], configured: tuple[str, ...]) -> None:
        # ``builtin_close("aiohttp.ClientSession") == "close"``: the configured resource table.
        self.builtin_close = builtin_close
        self.configured = configured
        self._types: dict[tuple[str, int], ResourceType | None] = {}

    def unlink(self) -> None:
        """Forgotten by the project's memo (``Project.forget_memos``): ``builtin_close`` is a method
        of the first file's analysis, which points back at its context and module."""
        self.__dict__.clear()

    def resource_type(self, module: ModuleInfo, facts: ClassFacts) -> ResourceType | None:
        key = (str(module.path), facts.line)
        if key in self._types:
            return self._types[key]
        self._types[key] = None  # a class that holds an instance of itself is not one by that
        found = self._resource_type(module, facts)
        self._types[key] = found
        return found

    def _resource_type(self, module: ModuleInfo, facts: ClassFacts) -> ResourceType | None:
        family = lineage(module, facts)
        if not any(m.releases for _, f in family for m in f.methods.values()):
            return None  # nothing in the lineage releases anything
        if any("__new__" in f.methods for _, f in family):
            return None  # a singleton (hummingbot's ``ConnectionsFactory``): no creator owns it
        for owner_module, owner in family:
            for acquisition in owner.acquisitions:
                close = self.owned_close(owner_module, acquisition.ref)
                if close is None:
                    continue
                names = frozenset({close[0], "close", "aclose"})
                releaser = releases_attr(family, acquisition.attr, names)
                if releaser is None:
                    continue
                entry = _entry_for(family, releaser, self.configured)
                if entry is None:
                    continue
                lazy = not any(
                    a.method == "__init__" and self.owned_close(m, a.ref) is not None
                    for m, f in family
                    for a in f.acquisitions
                )
                return ResourceType(module, facts.name, entry.name, entry.is_async, lazy)
        return None

    def owned_close(self, module: ModuleInfo, ref: Ref) -> tuple[str, bool] | None:
        """How a value made by calling ``ref`` is released: (method, awaited), or None when it is
        not a resource."""
        if ref[0] == "qualified":
            builtin = self.builtin_close(ref[1])
            if builtin is not None:
                return builtin, True
        target = resolve_ref(module, ref)
        if target is None:
            return None
        found = self.resource_type(*target)
        return (found.release, found.awaited) if found is not None else None

    def first_party_type(self, module: ModuleInfo, func: ast.expr) -> ResourceType | None:
        """The resource type a constructor call makes, for a first-party class; None otherwise."""
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if not name[:1].isupper() or name.endswith(_NOT_RESOURCES):
            return None  # classes are CapWords: skip the lookup for every ``len()`` and ``foo.bar()``
        found = resolve_definition(module, func)
        if found is None or not isinstance(found[1], ast.ClassDef):
            return None
        facts = class_facts(found[0], found[1])
        return self.resource_type(found[0], facts) if facts is not None else None

    def keeps_and_releases(self, module: ModuleInfo, call: ast.Call, arg: ast.expr) -> bool | None:
        """Whether the first-party class ``call`` constructs keeps ``arg`` and releases it: True or
        False for a first-party class, None when the callee is not one (third-party code)."""
        found = resolve_definition(module, call.func)
        if found is None or not isinstance(found[1], ast.ClassDef):
            return None
        facts = class_facts(found[0], found[1])
        if facts is None:
            return None
        family = [(m, f) for m, f in lineage(found[0], facts)]
        attr: str | None = None
        for keyword in call.keywords:
            if keyword.value is arg and keyword.arg is not None:
                attr = next((f.stored_params.get(keyword.arg) for _, f in family if keyword.arg in f.stored_params), None)
        for position, value in enumerate(call.args):
            if value is arg:
                attr = next((f.stored_positions[position] for _, f in family if position in f.stored_positions), None)
        if attr is None:
            # ``**kwargs`` forwarded to a base we cannot read, or a parameter used without being
            # stored: not proven either way, so the handoff is trusted as a third-party one.
            return None
        return releases_attr(family, attr, frozenset({"close", "aclose"}) | _release_words(family, attr)) is not None


    def stored_by_base_init(self, module: ModuleInfo, cls: ast.ClassDef, call: ast.Call, arg: ast.expr) -> str | None:
        """The attribute of ``self`` that a first-party base's ``__init__`` stores ``arg`` in, when
        ``call`` is ``super().__init__(...)`` (or ``Base.__init__(self, ...)``) in a method of
        ``cls``: the instance keeps it, so ``cls`` and its bases must end it. None when no base
        is read to store it."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
            return None
        inner = func.value
        offset = 0
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "super":
            pass
        elif isinstance(inner, (ast.Name, ast.Attribute)) and any(ast.unparse(b) == ast.unparse(inner) for b in cls.bases):
            offset = 1  # ``Base.__init__(self, ...)``: ``self`` is passed as the first argument
        else:
            return None
        facts = class_facts(module, cls)
        if facts is None:
            return None
        bases = lineage(module, facts)[1:]
        for keyword in call.keywords:
            if keyword.value is arg and keyword.arg is not None:
                return next((f.stored_params[keyword.arg] for _, f in bases if keyword.arg in f.stored_params), None)
        for position, value in enumerate(call.args):
            if value is arg and position >= offset:
                index = position - offset
                return next((f.stored_positions[index] for _, f in bases if index in f.stored_positions), None)
        return None

def _release_words(family: list[tuple[ModuleInfo, ClassFacts]], attr: str) -> frozenset[str]:
    return frozenset(how for _, f in family for m in f.methods.values() for owner, how in m.releases if owner == attr)


def ownership_model(
    module: ModuleInfo,
    builtin_close: Callable[[str], str | None],
    configured: tuple[str, ...],
    table_key: tuple[tuple[str, str], ...],
) -> OwnershipModel:
    """The run's model: one per project and configuration, dropped with the project's memo when
    a fix replaces a module."""
    memo = module.project.class_memo
    models = cast(
        "dict[tuple[object, ...], OwnershipModel]", memo.setdefault(("ownership-models", _SENTINEL), {})
    )
    key = (configured, table_key)
    model = models.get(key)
    if model is None:
        model = models[key] = OwnershipModel(builtin_close, configured)
    return model


# The project memo is keyed by (kind, node): the model belongs to no node of its own.
_SENTINEL = ast.Module(body=[], type_ignores=[])
