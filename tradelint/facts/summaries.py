"""Module summaries: what other modules ask about a module, as plain data that outlives its tree.

A check asks other modules the same few questions over and over: "what does ``pkg.Feed`` name
(a class, a function, an assignment; where)?", "what does this module import under that
name?", "what are this class's bases, methods, acquisitions and releases (ownership facts)?",
"which statements of its body can be dataclass fields?", "does it ever name ``self.x``, cancel
anything?". :class:`ModuleSummary` holds the answers: strings, numbers, booleans and tuples,
frozensets and dicts of them; no ``ast`` node. The project keeps every summary it built for the
whole run, outside its budget of parsed trees (a summary is about 1 % of its tree), so a module
forgotten with its tree answers these questions without being parsed again. What depends on other
modules too (what a class's makers make of it, whether a function is a task wrapper) is a verdict
kept beside them (``Project.lasting``), reached when its tree was read. Only an analysis that
walks a definition's body for the first time, or a fix that edits it, parses it again.

A summary depends on the module's text (``digest``) and on where it sits (``module_name``,
which relative imports were resolved against); :meth:`ModuleSummary.to_json` and
:meth:`ModuleSummary.from_json` carry it through a cache file, validated field by field.
"""

from __future__ import annotations

import ast
import re
import sys
from bisect import bisect_left, bisect_right
from operator import attrgetter

from tradelint.facts.class_body import field_facts, generated_init
from tradelint.facts.context import SUMMARIZERS, ModuleInfo, uncast
from tradelint.facts.element_owners import kept_elements
from tradelint.facts.loop_receivers import kept_local, loop_ref
from tradelint.facts.made_for_holder import given_made
from tradelint.facts.summary_data import (
    _NO_RELEASES,
    _NONE,
    Acquisition,
    ClassFacts,
    Definition,
    DefinitionKind,
    FieldFacts,
    MethodFacts,
    ModuleSummary,
    Ref,
)
from tradelint.facts.release_names import BARE_RELEASE, DUNDER_RELEASE, LEADING_RELEASE, TEST_TEARDOWNS, is_release_name
from tradelint.facts.returned_makers import method_of_a_value, returned_call
from tradelint.facts.syntax import FUNCTION_NODES, base_class, capword, class_method, content_digest, shadowed, walk
from tradelint.facts.uses import awaited_call, called_with_subject, element_pairs, entered_call, given_or_made, self_attr

__all__ = [
    "DUNDER_RELEASE",
    "LEADING_RELEASE",
    "TEST_TEARDOWNS",
    "Acquisition",
    "ClassFacts",
    "Definition",
    "FieldFacts",
    "MethodFacts",
    "ModuleSummary",
    "SummaryError",
    "content_digest",
    "definition_of",
    "is_release_name",
    "names_a_base",
    "summarize",
]

def summarize(module: ModuleInfo) -> ModuleSummary:
    """The summary of a parsed module (built once per text; see ``Project.summary_of``)."""
    definitions: dict[str, Definition] = {}
    # As ``class_makers.module_assignments`` reads them: a single name, module body only.
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            definitions[stmt.targets[0].id] = Definition(stmt.targets[0].id, "assign", stmt.lineno)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            definitions[stmt.target.id] = Definition(stmt.target.id, "assign", stmt.lineno)
    for name, stmt in module.top_level.items():
        kind: DefinitionKind = (
            "class"
            if isinstance(stmt, ast.ClassDef)
            else "async_function"
            if isinstance(stmt, ast.AsyncFunctionDef)
            else "function"
        )
        definitions[name] = Definition(name, kind, stmt.lineno)
    return ModuleSummary(
        str(module.path),
        module.digest,
        module.module_name,
        module.is_package,
        definitions,
        # The dotted names are built anew in every module (``typing.Optional`` thousands of times
        # over the corpus); kept past the trees, they are shared.
        {name: sys.intern(target) for name, target in module.imports.names.items()},
        frozenset(module.imports.type_checking_only) or _NONE,
        module.index.mentions_tasks,
        _class_facts(module),
    )


def class_named_by(module: ModuleInfo, func: ast.expr) -> tuple[ModuleSummary, Definition, ClassFacts] | None:
    """The first-party class a constructor call's ``func`` names (``Coordinator``,
    ``pkg.Coordinator``): its module's summary, its definition and its class facts, from summaries
    only; None for a callee not spelled as a class or not one of the project's classes."""
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if not capword(name):
        return None
    found = definition_of(module, func)
    if found is None or found[1].kind != "class":
        return None
    summary, definition = found
    facts = summary.classes.get(definition.line)
    return None if facts is None else (summary, definition, facts)


def definition_of(module: ModuleInfo, expr: ast.AST) -> tuple[ModuleSummary, Definition] | None:
    """The first-party class or function an expression names, from summaries only: what
    ``dataclass_model.resolve_definition`` finds, without parsing the module it is in."""
    # The summary's ``imports`` and ``defined`` are the module's ``imports.names`` and
    # ``top_level``: asked from those, the checked module is summarised only when one of its own
    # classes or functions is named (most calls name an import or a builtin).
    if isinstance(expr, ast.Name) and expr.id not in module.imports.names and expr.id in module.top_level:
        summary = module.summary
        found = summary.defined(expr.id)
        if found is not None:
            return summary, found
    qualified = module.imports.qualify(expr)
    if qualified is None:
        return None
    return module.project.resolve(qualified, module.roots)


# --- ownership facts -------------------------------------------------------------------------

_RELEASE_NAMES: dict[str, bool] = {}


def _is_release(name: str) -> bool:
    known = _RELEASE_NAMES.get(name)
    if known is None:
        known = _RELEASE_NAMES[name] = is_release_name(name)
    return known


def _acts_on_a_subject(module: ModuleInfo, node: ast.Attribute) -> bool:
    """``self.client.stop_notify(char)``, ``self.gh.close_pull_request(number)``: a release word
    with a word of its own after it, called with what it acts on (:func:`called_with_subject`),
    ends that (a notification, a request), not the object it is called on. A release word alone
    ends the object whatever it is given (``self.ws.close(code)``), and an exit takes the three
    arguments of its protocol."""
    return (
        called_with_subject(module, node.value)
        and not BARE_RELEASE.match(node.attr.lstrip("_")) and node.attr not in DUNDER_RELEASE
    )


def _class_facts(module: ModuleInfo) -> dict[int, ClassFacts]:
    """One pass over the index's attribute nodes, no walk of method bodies: the stores
    (``self.x = Callee(...)``, ``self.x = param``) and the release sites (``<x>.close()``) are
    attribute nodes; only release-like methods are walked (once), for the helpers they call, and
    class and static methods, for what they return."""
    if not module.index.classes:
        # Every fact below belongs to a class: a module without one has none.
        return {}
    # The dataclass model reads this module's facts, and asks for summaries of other modules.
    # Every fact is about the lines of a class (its ``name.attr`` nodes, the stores and releases
    # of its methods, its cancels), and the index keeps calls and attributes sorted by position:
    # only the nodes within the classes' ranges (nested ones inside their outer class's) are
    # looked at, found by bisection.
    spans: list[tuple[int, int]] = []
    for outer in module.index.classes:
        last = outer.end_lineno or outer.lineno
        if spans and outer.lineno <= spans[-1][1]:
            if last > spans[-1][1]:
                spans[-1] = (spans[-1][0], last)
        else:
            spans.append((outer.lineno, last))
    attributes = module.index.attributes
    # One loop over those attribute nodes (the module's most numerous after names and constants)
    # finds the candidates for stores and releases, and the ``name.attr`` nodes by line for each
    # class's range.
    # Exact types, as ``build_index`` tests them: a parsed tree holds no subclass of a node type.
    name_type, store_type = ast.Name, ast.Store
    known_releases = _RELEASE_NAMES
    candidates: list[tuple[ast.Attribute, bool]] = []
    named: list[ast.Attribute] = []
    cancel_lines: list[int] = []
    for first, last in spans:
        for node in attributes[
            bisect_left(attributes, first, key=_line_of):bisect_right(attributes, last, key=_line_of)
        ]:
            if node.attr == "cancel":
                # ``<x>.cancel(...)``: the call starts where its callee does.
                call = module.parent(node)
                if isinstance(call, ast.Call) and call.func is node:
                    cancel_lines.append(call.lineno)
            value = node.value
            if value.__class__ is name_type:
                named.append(node)
                if value.id == "self":
                    # ``self.x = ...``: the receiver is ``self`` in all but a handful of methods,
                    # and this test saves finding the enclosing method of every other store.
                    if node.ctx.__class__ is store_type and _may_store(module.parent(node)):
                        candidates.append((node, True))
                    continue
                if value.id == "cls" or node.ctx.__class__ is store_type:
                    continue
            elif node.ctx.__class__ is store_type:
                continue
            release_like = known_releases.get(node.attr)
            if release_like is None:
                release_like = _is_release(node.attr)
            if release_like:
                candidates.append((node, False))
    stores: dict[int, list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str, ast.Attribute]]] = {}
    releases: dict[tuple[int, str], set[tuple[str, str]]] = {}
    dropped: dict[tuple[int, str], set[tuple[str, str]]] = {}
    receivers: dict[ast.AST, str | None] = {}
    for node, is_store in candidates:
        function = module.enclosing_function(node)
        owner_class = module.parent(function) if function is not None else None
        if function is None or not isinstance(owner_class, ast.ClassDef) or shadowed(function, owner_class):
            continue  # (a ``def`` a later one of its name replaces never runs as the method)
        if function in receivers:
            receiver = receivers[function]
        else:
            receiver = receivers[function] = _receiver(function)
        if receiver is None:
            continue
        if is_store:
            if isinstance(node.value, ast.Name) and node.value.id == receiver:
                stores.setdefault(owner_class.lineno, []).append((function, receiver, node))
            continue
        owner = self_attr(node.value, receiver)
        if owner is None and isinstance(node.value, ast.Name):
            owner = _alias_source(function, node.value.id, receiver)
        if owner is None and isinstance(node.value, ast.Attribute) and (held := self_attr(node.value.value, receiver)):
            # ``self.api.session.close()``: a part of an object the class holds, released
            # through it (``OwnershipModel._held_part_release``).
            owner = f"{held}.{node.value.attr}"
        if owner is not None:
            if _acts_on_a_subject(module, node):
                continue
            call = module.parent(node)
            releases.setdefault((owner_class.lineno, function.name), set()).add((owner, node.attr))
            if isinstance(call, ast.Call) and call.func is node and isinstance(module.parent(call), ast.Expr):
                dropped.setdefault((owner_class.lineno, function.name), set()).add((owner, node.attr))
    for call in module.index.calls:
        # ``close = getattr(self._client, "close", None)`` (then called): a release of the
        # attribute by name, as ``self._client.close()`` is.
        func, named_args = call.func, call.args
        if not (
            func.__class__ is name_type
            and func.id == "getattr"
            and len(named_args) >= 2
            and isinstance(named_args[1], ast.Constant)
            and isinstance(named_args[1].value, str)
            and isinstance(named_args[0], ast.Attribute)
            and _is_release(named_args[1].value)
        ):
            continue
        function = module.enclosing_function(call)
        owner_class = module.parent(function) if function is not None else None
        if function is None or not isinstance(owner_class, ast.ClassDef) or shadowed(function, owner_class):
            continue
        receiver = receivers[function] if function in receivers else receivers.setdefault(function, _receiver(function))
        owner = self_attr(named_args[0], receiver) if receiver is not None else None
        if owner is not None:
            releases.setdefault((owner_class.lineno, function.name), set()).add((owner, named_args[1].value))
    cancel_lines.sort()  # for ``_any_within``: one bisection per class, not a scan
    in_finally = _finally_releases(module)
    classes: dict[int, ClassFacts] = {}
    parameters: dict[ast.AST, list[str]] = {}
    maker_lines: dict[str, list[int]] = {}
    for cls in module.index.classes:
        end = cls.end_lineno or cls.lineno
        found = tuple(sorted(set(
            map(_attr_of, named[bisect_left(named, cls.lineno, key=_line_of):bisect_right(named, end, key=_line_of)])
        )))
        bases = tuple(ref for base in cls.bases if (ref := _ref(module, base_class(base))) is not None)
        methods: dict[str, MethodFacts] = {}
        made_by: list[str] = []
        for stmt in cls.body:
            if not isinstance(stmt, FUNCTION_NODES):
                continue
            receiver = _receiver(stmt)
            # A class or static method has no receiver and a decorator (``_is_factory``); every
            # one is asked, a name defined twice included.
            if receiver is None and stmt.decorator_list and _is_factory(module, stmt, cls.name, maker_lines):
                made_by.append(stmt.name)
            if shadowed(stmt, cls):
                continue
            released = releases.get((cls.lineno, stmt.name)) if releases else None
            calls: frozenset[str] = _NONE
            extends: frozenset[str] = _NONE
            ends = False
            if receiver is not None:
                release_like = known_releases.get(stmt.name)
                if release_like is None:
                    release_like = _is_release(stmt.name)
                if released or release_like:
                    ends, calls, entered, extends = _release_facts(stmt, receiver)
                    ends = bool(released) or ends
                    released = released | entered if released else entered
            args = stmt.args
            # ``kw_defaults`` holds None for a keyword-only parameter without a default.
            required = max(0, len(args.posonlyargs) + len(args.args) - len(args.defaults) - 1) + (
                args.kw_defaults.count(None)
            )
            methods[stmt.name] = MethodFacts(
                stmt.name,
                isinstance(stmt, ast.AsyncFunctionDef),
                stmt.lineno,
                frozenset(released) if released else _NO_RELEASES,
                calls or _NONE,
                required,
                ends,
                # Shared when empty (most methods): a module with one dropped close made an empty
                # frozenset for each of its other methods (1.6 MB of the corpus's summaries).
                frozenset(gone) if (gone := dropped.get((cls.lineno, stmt.name))) else _NO_RELEASES,
                frozenset(ends_in) if (ends_in := in_finally.get((cls.lineno, stmt.name))) else _NONE,
                extends,
            )
        acquisitions: list[Acquisition] = []
        made_by_methods: list[Acquisition] = []
        stored_params: dict[str, str] = {}
        stored_positions: dict[int, str] = {}
        for function, _, target in stores.get(cls.lineno, ()):
            assign = module.parent(target)
            part: int | None = None
            if isinstance(assign, (ast.Tuple, ast.List)):
                # ``self.reader, self.writer = await asyncio.open_connection(...)``: what the
                # class keeps is one element of what the call returns (``name[i]``).
                part, assign = assign.elts.index(target), module.parent(assign)
            if not isinstance(assign, (ast.Assign, ast.AnnAssign)) or assign.value is None:
                continue
            value = uncast(module, assign.value)
            if part is not None and (pairs := element_pairs(assign)) is not None:
                # ``self.reader, self.writer = reader, writer``: each target keeps its own
                # element, as ``self.writer = writer`` would.
                value, part = uncast(module, pairs[part][1]), None
            if part is None and isinstance(value, ast.Name) and (kept := kept_local(module, assign, value.id)) is not None:
                value, part = kept  # ``(transport, _) = await ...``, then ``self.transport = transport``
            if part is not None:
                value = awaited_call(module, function, value) or value
            value = value.value if isinstance(value, ast.Await) else value
            value = entered_call(value)
            if part is None and (given := given_or_made(function, value)) is not None:
                # ``self._session = session or ClientSession()``: the instance keeps what it is
                # given, and makes its own only when given nothing (so it is the class's to
                # close then, and only then).
                param, value = given
                _store_param(function, param, target.attr, stored_params, stored_positions, parameters)
            if part is not None:
                ref = (loop_ref(module, value) or _ref(module, value.func)) if isinstance(value, ast.Call) else None
                if ref is not None and ref[0] == "qualified":
                    acquisitions.append(Acquisition(target.attr, ("qualified", f"{ref[1]}[{part}]"), function.name, assign.lineno))
                continue
            if isinstance(value, ast.Call):
                # ``self.session = self._init_session()``: what the class's own maker returns.
                made = _made_by_own_method(cls, function, value)
                # A maker this class does not define (or only raises in) is a subclass's to
                # override: ``("maker", name)``, resolved against the family that is judged.
                ref = _ref(module, made.func) if made is not None else _maker_ref(cls, function, value) or _ref(module, value.func) or loop_ref(module, value)
                if ref is None and isinstance(value.func, ast.Call):
                    # ``self.eio = self._engineio_client_class()(...)``: the class the family's
                    # nearest definition of that method returns (python-socketio's clients).
                    maker = _maker_ref(cls, function, value.func)
                    ref = ("class_maker", maker[1]) if maker is not None else None
                if ref is not None:
                    acquisitions.append(Acquisition(target.attr, ref, function.name, assign.lineno))
                    # (and what its holder is given, made for it: ``Protocol(transport=Transport(host))``)
                    acquisitions.extend(Acquisition(target.attr, inner, function.name, assign.lineno) for inner in given_made(value, ref, lambda f: _ref(module, f)))
                elif (method := method_of_a_value(value, _receiver(function))) is not None:
                    made_by_methods.append(Acquisition(target.attr, ("method", method), function.name, assign.lineno))
            elif isinstance(value, ast.Name):
                _store_param(function, value.id, target.attr, stored_params, stored_positions, parameters)
        acquisitions.sort(key=lambda a: a.line)
        fields = field_facts(module, cls)
        init_params, attrs = generated_init(module, cls, fields)
        for param, attr, position in init_params:
            stored_params.setdefault(param, attr)  # the generated ``__init__`` keeps each field
            if position is not None:
                stored_positions.setdefault(position, attr)
        classes[cls.lineno] = ClassFacts(
            cls.name, cls.lineno, bases, methods, tuple(acquisitions), stored_params, stored_positions,
            frozenset(made_by) if made_by else _NONE,
            fields, _any_within(cancel_lines, cls.lineno, end), found,
            _property_sources(cls),
            tuple(made_by_methods),
            attrs,
            *kept_elements(module, cls, _receiver, _ref),
        )
    return classes


def _any_within(lines: list[int], first: int, last: int) -> bool:
    """Whether the sorted ``lines`` hold one from ``first`` to ``last``."""
    i = bisect_left(lines, first)
    return i < len(lines) and lines[i] <= last


def _may_store(assign: ast.AST | None) -> bool:
    """Whether a ``self.x`` stored under this parent can be an acquisition or a stored parameter
    (the stores loop of ``_class_facts`` takes only these): the target of ``x = [await]
    Callee(...)``, ``x = name`` or ``x = name or Callee(...)`` (either way round, or as ``a if
    test else b``); not of a tuple, a ``for``, ``+=``, or another value."""
    if isinstance(assign, (ast.Tuple, ast.List)) and isinstance(assign.ctx, ast.Store):
        return True  # an element of an unpacked call's result (kept only for a qualified callee)
    if not isinstance(assign, (ast.Assign, ast.AnnAssign)) or assign.value is None:
        return False
    value = assign.value.value if isinstance(assign.value, ast.Await) else assign.value
    return isinstance(value, (ast.Call, ast.Name, ast.BoolOp, ast.IfExp))


# Keys for bisection and maps over nodes, without a Python call per node.
_line_of = attrgetter("lineno")
_attr_of = attrgetter("attr")


def _is_factory(
    module: ModuleInfo,
    method: ast.FunctionDef | ast.AsyncFunctionDef,
    cls_name: str,
    maker_lines: dict[str, list[int]],
) -> bool:
    """A ``@classmethod`` returning ``cls(...)`` or ``ClassName(...)`` (or a local so made), or a
    ``@staticmethod`` returning ``ClassName(...)``: every ``return`` of it (nested functions'
    too) returns one.
    ``maker_lines``: the module's lines of calls ``maker(...)`` by maker, filled when first asked."""
    is_classmethod = is_staticmethod = False
    for decorator in method.decorator_list:
        if isinstance(decorator, ast.Name):
            if decorator.id == "classmethod":
                is_classmethod = True
            elif decorator.id == "staticmethod":
                is_staticmethod = True
    if is_classmethod:
        params = method.args.posonlyargs + method.args.args
        if not params:
            return False
        makers: tuple[str, ...] = (params[0].arg, cls_name)  # ``m = CachingMachine(); ...; return m``
    elif is_staticmethod:
        makers = (cls_name,)
    else:
        return False
    # Either kind of return needs a call of a maker in the method's body, which lies within
    # its lines (the index keeps calls sorted by position): without one, nothing is walked.
    if not maker_lines:
        # Every maker's lines in one pass, at the first question: each class asks for its own
        # name, and a pass per class made a module of many classes cost its square.
        maker_lines[_ASKED] = []
        for call in module.index.calls:
            if isinstance(call.func, ast.Name):
                maker_lines.setdefault(call.func.id, []).append(call.lineno)
    for maker in makers:
        lines = maker_lines.get(maker, [])
        first = bisect_left(lines, method.lineno)
        if first < len(lines) and lines[first] <= (method.end_lineno or method.lineno):
            break
    else:
        return False
    # One walk for the assignments and the returns (``context.walk`` meets every statement
    # ``ast.walk`` does). A return of anything but a call of the maker or a name cannot be
    # saved by what is assigned: the answer is no as soon as one is met.
    made: set[str] = set()
    returned: list[str] = []
    for node in walk(method):
        if isinstance(node, ast.Return):
            value = node.value
            if isinstance(value, ast.Name):
                returned.append(value.id)
            elif value is None or not any(_is_call_of(value, maker) for maker in makers):
                return False
            else:
                returned.append("")
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1
            and isinstance(target := node.targets[0], ast.Name)
            and any(_is_call_of(node.value, maker) for maker in makers)
        ):
            made.add(target.id)
    # "" stands for a return of ``maker(...)`` itself.
    return bool(returned) and all(not name or name in made for name in returned)


# The key of ``maker_lines`` that marks it filled (no name is spelled so).
_ASKED = "()"


def _is_call_of(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _release_facts(
    method: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str
) -> tuple[bool, frozenset[str], set[tuple[str, str]], frozenset[str]]:
    """What a release-like method says, in one walk: whether it ends anything, the attributes it
    names on its receiver (the methods it calls there among them), the receiver's attributes
    it enters (``async with self.attr``), and the base methods it runs (``super().close()``,
    ``Base.close(self)``).

    It ends something when it cancels or closes something (any receiver, a loop variable's task
    included), awaits or enters something, calls another release-like method of the class, or
    clears a flag or attribute (``self._running = False``, ``self._ws = None``).
    ``hedge_tasks_cleanup()`` that only filters a list of tasks ends nothing."""
    ends = False
    named: set[str] = set()
    entered: set[tuple[str, str]] = set()
    extended: set[str] = set()
    for node in walk(method):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and names_a_base(node, receiver):
            extended.add(node.func.attr)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == receiver:
                named.add(node.attr)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            ends = True
            for item in node.items:
                attr = self_attr(item.context_expr, receiver)
                if attr is not None:
                    entered.add((attr, "with"))
        elif ends:
            continue
        elif isinstance(node, ast.Await):
            ends = True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("cancel", "set") or _is_release(node.func.attr):
                ends = True
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value in (None, False):
            if any(self_attr(target, receiver) is not None for target in node.targets):
                ends = True
    return ends, frozenset(named), entered, frozenset(extended) if extended else _NONE


def names_a_base(call: ast.Call, receiver: str) -> bool:
    """``super().<name>(...)`` (also ``super(Cls, self)``), or ``<Name>.<name>(<receiver>, ...)``."""
    assert isinstance(call.func, ast.Attribute)
    owner = call.func.value
    if isinstance(owner, ast.Call):
        return isinstance(owner.func, ast.Name) and owner.func.id == "super"
    return (
        isinstance(owner, ast.Name) and bool(call.args)
        and isinstance(call.args[0], ast.Name) and call.args[0].id == receiver
    )


def _alias_source(function: ast.AST, name: str, receiver: str) -> str | None:
    """``client = self._http`` in ``function``: the attribute a local copies."""
    for node in walk(function):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
        ):
            return self_attr(node.value, receiver)
    return None


def summary_ref(module: ModuleInfo, node: ast.expr) -> Ref | None:
    """How a summary names what ``node`` refers to: a top-level definition of the module, or an
    imported name, qualified."""
    return _ref(module, node)


def _store_param(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    name: str,
    attr: str,
    stored_params: dict[str, str],
    stored_positions: dict[int, str],
    parameters: dict[ast.AST, list[str]],
) -> None:
    """Record that ``function`` stores its parameter ``name`` (if it is one) in ``self.attr``."""
    params = parameters.get(function)
    if params is None:
        params = parameters[function] = [a.arg for a in function.args.posonlyargs + function.args.args][1:]
    if name in params:
        stored_params.setdefault(name, attr)
        if function.name == "__init__":
            stored_positions.setdefault(params.index(name), attr)
    elif name in {a.arg for a in function.args.kwonlyargs}:
        stored_params.setdefault(name, attr)


def _ref(module: ModuleInfo, node: ast.expr) -> Ref | None:
    if isinstance(node, ast.Name) and node.id in module.top_level and node.id not in module.imports.names:
        return ("local", node.id)
    qualified = module.imports.qualify(node)
    return ("qualified", qualified) if qualified is not None else None


def _finally_releases(module: ModuleInfo) -> dict[tuple[int, str], set[str]]:
    """``self.<release>()`` called in a ``finally`` of a method, by (class line, method name)."""
    found: dict[tuple[int, str], set[str]] = {}
    for call in module.index.calls:
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and _is_release(func.attr)):
            continue
        child: ast.AST = call
        in_finally = False
        for ancestor in module.ancestors(call):
            if isinstance(ancestor, ast.Try) and child in ancestor.finalbody:
                in_finally = True
            elif isinstance(ancestor, FUNCTION_NODES):
                owner = module.parent(ancestor)
                if (
                    in_finally and isinstance(owner, ast.ClassDef) and _receiver(ancestor) == func.value.id
                    and not shadowed(ancestor, owner)
                ):
                    found.setdefault((owner.lineno, ancestor.name), set()).add(func.attr)
                break
            child = ancestor
    return found


def _maker_ref(cls: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> Ref | None:
    """``self._init_session()`` with no argument, where the class's own ``_init_session`` is
    absent or makes nothing (``raise NotImplementedError``): ``("maker", "_init_session")``.
    With arguments, only a template method: the class's own is abstract (``pass``, ``...``, a
    docstring, a ``raise``), for its subclasses to override (py-consul's ``Consul.__init__``:
    ``self.http = self.http_connect(host, port, ...)``)."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == _receiver(function)):
        return None
    if call.args or call.keywords:
        own = class_method(cls, func.attr)
        if own is None or not _abstract(own):
            return None
    return ("maker", func.attr)


def _abstract(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body of ``pass``, ``...``, a docstring or a ``raise``: makes nothing."""
    return all(
        isinstance(stmt, (ast.Pass, ast.Raise)) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        for stmt in function.body
    )


def _made_by_own_method(cls: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> ast.Call | None:
    """``self._init_session()`` where that method of the class returns one constructor's call on
    every path (``return ClientSession(...)``, or a local bound once to it): that call."""
    func = call.func
    receiver = _receiver(function)
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == receiver):
        return None
    maker = class_method(cls, func.attr)
    return returned_call(maker) if maker is not None else None


def _receiver(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for dec in func.decorator_list:
        if isinstance(dec, ast.Name) and dec.id in ("staticmethod", "classmethod"):
            return None
    args = func.args
    return args.posonlyargs[0].arg if args.posonlyargs else args.args[0].arg if args.args else None


# --- JSON ------------------------------------------------------------------------------------


SUMMARIZERS.append(summarize)


def _property_sources(cls: ast.ClassDef) -> dict[str, str]:
    """``@property`` getters that return one attribute of ``self``: ``return self._client``,
    ``if (c := self._client) is None: raise ...; return c``, ``c = self._client; ...; return c``."""
    found: dict[str, str] = {}
    for stmt in cls.body:
        if not isinstance(stmt, FUNCTION_NODES) or not stmt.args.args:
            continue
        if not any(isinstance(d, ast.Name) and d.id == "property" for d in stmt.decorator_list):
            continue
        receiver = stmt.args.args[0].arg
        locals_: dict[str, str] = {}
        sources: set[str | None] = set()
        nodes = list(ast.walk(stmt))
        for node in nodes:
            if isinstance(node, (ast.Assign, ast.NamedExpr)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                attr = self_attr(node.value, receiver)
                for target in targets:
                    if isinstance(target, ast.Name) and attr is not None:
                        locals_[target.id] = attr
        for node in nodes:
            if isinstance(node, ast.Return) and node.value is not None:
                value = node.value
                attr = self_attr(value, receiver)
                if attr is None and isinstance(value, ast.Name):
                    attr = locals_.get(value.id)
                sources.add(attr)
        if len(sources) == 1 and None not in sources:
            found[stmt.name] = next(iter(sources))  # type: ignore[assignment]
    return found
