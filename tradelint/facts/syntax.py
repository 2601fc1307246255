"""Syntax facts of one module: the parse (on a large stack where needed), one index pass over
every node (parents, calls, attributes, classes, functions, imports) and the import map. Nothing
here knows of other modules."""

from __future__ import annotations

import ast
import hashlib
import operator
import re
import sys
import threading
import warnings
import weakref
from dataclasses import dataclass, field
from collections.abc import Collection
from typing import Any, Iterator

NEWLINE = re.compile(r"\r\n|\r|\n")


FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)


def in_function_frame(func: ast.FunctionDef | ast.AsyncFunctionDef, child: ast.AST) -> bool:
    """Whether ``child``, a direct child of ``func``, runs in ``func``'s own frame. Decorators,
    parameter defaults and annotations and the return annotation run when the ``def`` statement
    does, in the enclosing scope: there a parameter's name is still the outer binding (``def
    process(self, details: details.Details)`` names the module ``details``)."""
    return not (
        child is func.args
        or child is func.returns
        or any(child is d for d in func.decorator_list)
        or any(child is t for t in getattr(func, "type_params", ()))
    )


TASK_WORDS = {"create_task", "ensure_future", "Task"}
# The calls that start a task of the running loop (``asyncio.create_task``, ``loop.create_task``).
TASK_MAKERS = frozenset({"create_task", "ensure_future"})
# Those and a task group's or nursery's (``tg.start_soon(...)``, ``spawn(...)``), by last name:
# what an object starts this way runs on until it is ended, as anything it opens does.
TASK_STARTERS = TASK_MAKERS | {"start_soon", "spawn"}
# asyncio's gather, qualified. It wraps each coroutine it is given in a task: a gathering future
# nobody awaits or keeps leaves those tasks as unowned as a discarded ``create_task``'s.
GATHER = frozenset({"asyncio.gather", "asyncio.tasks.gather"})


def last_name(expr: ast.expr) -> str:
    """``b`` of ``a.b`` or of ``b``; "" for anything else."""
    return expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""


def attribute_place(target: ast.expr) -> tuple[str, str] | None:
    """``holder.attr`` or ``holder.attr[key]`` (a plain name's attribute, or an item of it) as
    (``holder``, ``attr``); None for anything else."""
    if isinstance(target, ast.Subscript):
        target = target.value
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return target.value.id, target.attr
    return None


def decorated_by(function: ast.FunctionDef | ast.AsyncFunctionDef, names: Collection[str]) -> bool:
    """Whether a decorator of ``function`` (called or not) is named one of ``names``, by its last name."""
    return any(last_name(d.func if isinstance(d, ast.Call) else d) in names for d in function.decorator_list)


SCOPE_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)

# What runs its body again: the loop statements, and the comprehensions (each with a frame of its
# own), for ``isinstance``.
LOOP_NODES = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSION_NODES = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Fields that hold statements (or handlers and cases, which hold them in their ``body``).
STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")


def class_methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The function each name of ``cls``'s body is bound to once the body has run: the LAST
    ``def`` of a name, as Python keeps it (a class that defines ``async def close()`` and later a
    sync ``def close()`` has only the sync one; an ``@overload`` stub gives way to its
    implementation). A ``@name.setter`` (``.getter``, ``.deleter``) ``def`` builds on the property
    the earlier one made, whose getter is that earlier ``def``: it rebinds nothing here."""
    found = _CLASS_METHODS.get(cls)
    if found is None:
        found = {}
        for stmt in cls.body:
            if isinstance(stmt, FUNCTION_NODES) and not (stmt.name in found and _extends_property(stmt)):
                found[stmt.name] = stmt
        _CLASS_METHODS[cls] = found
    return found


def instance_parameter(function: ast.AST) -> str | None:
    """The first parameter of a method that receives its instance: None for a static or class
    method (decorated by bare name) and for anything but a function with a parameter."""
    if not isinstance(function, FUNCTION_NODES) or not function.args.args:
        return None
    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in function.decorator_list):
        return None
    return function.args.args[0].arg


def class_method(
    cls: ast.ClassDef, name: str, kind: type[ast.FunctionDef] | type[ast.AsyncFunctionDef] | None = None
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method ``name`` of ``cls``'s own body (its last definition: :func:`class_methods`);
    with ``kind``, only when it is a ``def`` of that kind (an ``async def __aexit__``)."""
    found = class_methods(cls).get(name)
    return found if kind is None or isinstance(found, kind) else None


def shadowed(function: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef) -> bool:
    """Whether ``function``, a ``def`` of ``cls``'s body, is replaced by a later ``def`` of its
    name: its body never runs as that method, and says nothing of what the class does."""
    return class_methods(cls).get(function.name, function) is not function


def _extends_property(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(d, ast.Attribute) and d.attr in ("setter", "getter", "deleter")
        and isinstance(d.value, ast.Name) and d.value.id == function.name
        for d in function.decorator_list
    )


_CLASS_METHODS: weakref.WeakKeyDictionary[ast.ClassDef, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]] = (
    weakref.WeakKeyDictionary()
)


def base_class(base: ast.expr) -> ast.expr:
    """A base of a class statement by the class it names: a generic base by its class
    (``DataUpdateCoordinator[dict[str, Any]]``, ``CoordinatorEntity[Coordinator]``, ``Generic[T]``)."""
    return base.value if isinstance(base, ast.Subscript) else base


def capword(name: str) -> bool:
    """``name`` is spelled as a class is: CapWords, a module-private class alike (``_CvApi``,
    ``__Pool``). Not a constant (``MAX``) by itself: callers that care say so."""
    return name.lstrip("_")[:1].isupper()


def parse_module(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` without the compiler's SyntaxWarnings (``"\\d"``, ``"a"()``): they describe the
    checked code, not tradelint, and would be printed to stderr as if tradelint had a problem.
    Python 3.14's ``except A, B:`` (PEP 758) is read as ``except (A, B):`` by the older
    interpreters tradelint runs on; the text itself is never changed."""
    try:
        return _parse(source, filename)
    except SyntaxError:
        parenthesized = _parenthesize_excepts(source) if sys.version_info < (3, 14) else None
        if parenthesized is None:
            raise
        try:
            return _parse(parenthesized, filename)
        except SyntaxError:
            pass
        raise


def _parse(source: str | bytes, filename: str) -> ast.Module:
    if sys.version_info < (3, 11):
        return _parse_on_a_large_stack(source, filename)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=filename)


# ``except A, B:`` and ``except* A, B:`` without ``as`` (PEP 758), on one line.
_BARE_EXCEPT_TUPLE = re.compile(rb"^([ \t]*except\*?[ \t]+)([^\s(:#][^:#\n]*?,[^:#\n]*?)([ \t]*:)", re.MULTILINE)


def _parenthesize_excepts(source: str | bytes) -> str | bytes | None:
    """The text with each PEP 758 ``except`` clause parenthesized (the same lines, two more
    characters on each such line), or None when it has none."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if b"except" not in data:
        return None
    rewritten, count = _BARE_EXCEPT_TUPLE.subn(
        lambda m: m.group(1) + b"(" + m.group(2) + b")" + m.group(3) if b" as " not in m.group(2) else m.group(0), data
    )
    if not count or rewritten == data:
        return None
    return rewritten.decode("utf-8", "surrogatepass") if isinstance(source, str) else rewritten


# CPython 3.10 builds the ``ast`` of a long operator chain (``1+1+...``, 150,000 terms) with C
# recursion and no depth check: it overflows an 8 MB stack and kills the process (3.11 raises
# RecursionError instead). 512 MB of address space, committed only as used, holds the deepest
# chain a 10 MiB file can spell.
PARSE_STACK_BYTES = 512 * 2**20


def _parse_on_a_large_stack(source: str | bytes, filename: str) -> ast.Module:
    outcome: list[ast.Module | BaseException] = []

    def work() -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome.append(ast.parse(source, filename=filename))
        except BaseException as exc:  # handed to the caller's thread as is
            outcome.append(exc)

    try:
        previous = threading.stack_size(PARSE_STACK_BYTES)
    except (ValueError, RuntimeError):  # a platform that cannot size thread stacks
        work()
    else:
        try:
            worker = threading.Thread(target=work, name="tradelint-parse")
            worker.start()
        except RuntimeError:  # no thread with such a stack (``ulimit -v``): parse here
            worker = None
        finally:
            threading.stack_size(previous)
        if worker is None:
            work()
        else:
            worker.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def content_digest(source: str | bytes) -> str:
    """sha256 of a module's text: of its UTF-8 encoding for a decoded text (a checked file, an
    unsaved buffer, a fix computed in memory), else of the file's bytes as read."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    return hashlib.sha256(data).hexdigest()


def parse_expression(source: str) -> ast.expr:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, mode="eval").body


@dataclass
class Index:
    """Everything one pass over the tree collects."""

    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    calls: list[ast.Call] = field(default_factory=list)
    classes: list[ast.ClassDef] = field(default_factory=list)
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)
    attributes: list[ast.Attribute] = field(default_factory=list)
    imports: list[tuple[ast.Import | ast.ImportFrom, bool]] = field(default_factory=list)
    async_loops: list[ast.AsyncFor] = field(default_factory=list)
    future_annotations: bool = False
    # Whether any task-creating API is named at all: most modules can then skip wrapper analysis.
    mentions_tasks: bool = False


def is_type_checking_test(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


# Fields that never hold a node worth indexing. Expression contexts and operators are shared
# singletons (``Load()``): walking them costs a quarter of all nodes and records nonsense parents.
# The rest hold identifiers, strings or numbers (checked against ``_field_types`` on 3.13 by
# tests/test_index.py).
_NON_NODE_FIELDS = frozenset({
    "ctx", "op", "ops", "name", "id", "attr", "arg", "asname", "module", "level", "kind",
    "type_comment", "simple", "conversion", "is_async", "rest", "kwd_attrs", "tag", "str", "lineno",
})


# Per node type: (fields holding a node or None, fields holding a list of nodes).
_CHILD_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ast.Constant: ((), ()),
    ast.MatchSingleton: ((), ()),
    ast.Global: ((), ()),
    ast.Nonlocal: ((), ()),
}


def node_field_names(kind: type) -> tuple[str, ...]:
    """The fields of a node type that can hold a node or a list of nodes."""
    fixed = _CHILD_FIELDS.get(kind)
    if fixed is not None:
        return fixed[0] + fixed[1]
    names = [f for f in getattr(kind, "_fields", ()) if f not in _NON_NODE_FIELDS]
    if kind.__name__ == "TypeAlias":  # ``type X = ...``: its ``name`` is a Name node
        names.insert(0, "name")
    return tuple(names)


def _child_fields(node: ast.AST) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Learn a node type's fields from its first instance: a list field is a list in every instance."""
    kind = type(node)
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        names = node_field_names(kind)
        single = tuple(f for f in names if not isinstance(getattr(node, f, None), list))
        lists = tuple(f for f in names if isinstance(getattr(node, f, None), list))
        fields = _CHILD_FIELDS[kind] = (single, lists)
    return fields


# Calls, attributes, classes and functions all have positions.
_position = operator.attrgetter("lineno", "col_offset")


ORDERED_FIELDS: dict[type, tuple[str, ...]] = {}


def ordered_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that ``walk`` follows, in ``_fields`` order (learnt once per
    type, in ``ORDERED_FIELDS``, which the walks that inline ``walk`` read first)."""
    fields = ORDERED_FIELDS.get(kind)
    if fields is None:
        wanted = set(node_field_names(kind))
        fields = ORDERED_FIELDS[kind] = tuple(f for f in getattr(kind, "_fields", ()) if f in wanted)
    return fields


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``ast.iter_child_nodes`` in the same order, minus the shared context and operator
    singletons, and faster: for the analyses that walk a scope themselves."""
    kind = type(node)
    fields = ORDERED_FIELDS.get(kind) or ordered_fields(kind)
    found: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if value is None:
            continue
        if type(value) is list:
            found.extend(child for child in value if child is not None)
        else:
            found.append(value)
    return found


def contains(outer: ast.AST, inner: ast.AST) -> bool:
    """Whether ``inner`` is ``outer`` or one of the nodes below it."""
    return any(node is inner for node in ast.walk(outer))


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk``: the same nodes in the same (breadth-first) order, minus the shared expression
    context and operator singletons (``Load()``, ``Add()``: about a quarter of all nodes, which
    no analysis looks for), at about half its cost. For the analyses that walk a function or a
    class per question; a caller that looks for a context or an operator node uses ``ast.walk``."""
    todo = [node]
    table = ORDERED_FIELDS
    # A list iterated while it grows: each node is yielded before its children are queued, so a
    # caller that stops early queues nothing more.
    for current in todo:
        yield current
        kind = current.__class__
        fields = table.get(kind)
        if fields is None:
            fields = ordered_fields(kind)
        for name in fields:
            value = getattr(current, name, None)
            if value is None:
                continue
            if value.__class__ is list:
                todo.extend(child for child in value if child is not None)
            else:
                todo.append(value)


def parameter(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.arg | None:
    """The parameter ``name`` of ``function`` (positional or keyword; not ``*args``/``**kwargs``)."""
    args = function.args
    return next((a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.arg == name), None)


def base_init_calls(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[ast.Call, ast.expr | None]]:
    """Each call in ``function`` (a method) that hands its instance to a base's ``__init__``, with
    the base it names: ``super().__init__(...)`` (None: the next class of the MRO) or
    ``Base.__init__(self, ...)`` (``Base``, a name or dotted name, given the method's own first
    parameter). What a class hands its base's ``__init__``: a library subclass forwarding a
    parameter, a cooperative mixin's keywords, a resource the base keeps."""
    params = (*function.args.posonlyargs, *function.args.args)
    me = params[0].arg if params else None
    for node in ast.walk(function):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "__init__"):
            continue
        base = node.func.value
        if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
            yield node, None
        elif isinstance(base, (ast.Name, ast.Attribute)) and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == me:
            yield node, base


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Every node of a function's (or a loop's) own frame: nested functions, lambdas and classes
    are yielded but not entered."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPE_NODES):
            stack.extend(ast.iter_child_nodes(node))


def own_returns(function: ast.AST) -> list[ast.Return]:
    """The ``return`` statements of a function's own frame (nested functions and classes aside)."""
    return [node for node in own_nodes(function) if isinstance(node, ast.Return)]


Exit = ast.Return | ast.Yield | ast.YieldFrom


def plain_assignments(function: ast.AST) -> dict[str, list[ast.Assign]]:
    """The ``name = value`` statements in ``function`` (one target, a plain name; ``name = None``
    left out), by name, in the order of :func:`walk`, nested functions included."""
    return _function_table(function)[0]


def exits(function: ast.AST) -> list[Exit]:
    """The ``return``, ``yield`` and ``yield from`` nodes in ``function``, in the order of
    :func:`walk`, nested functions included."""
    return _function_table(function)[1]


def _function_table(function: ast.AST) -> tuple[dict[str, list[ast.Assign]], list[Exit]]:
    # One walk answers both, kept on the node (as ``uses.name_loads`` keeps its table): a maker's
    # returns and the locals they name, and each kept call's receiver, ask of the same functions.
    table: tuple[dict[str, list[ast.Assign]], list[Exit]] | None = function.__dict__.get(_FUNCTION_TABLE)
    if table is None:
        table = ({}, [])
        for node in walk(function):
            if isinstance(node, ast.Assign):
                target = node.targets[0]
                if len(node.targets) == 1 and isinstance(target, ast.Name):
                    if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                        table[0].setdefault(target.id, []).append(node)
            elif isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
                table[1].append(node)
        setattr(function, _FUNCTION_TABLE, table)
    return table


_FUNCTION_TABLE = "_tradelint_function_table"


def build_index(tree: ast.Module) -> Index:
    # The hottest loop of the tool after ``ast.parse`` (one iteration per node of every checked
    # file): it dispatches on exact types, reads only fields that can hold nodes, and handles the
    # leaves (names, constants: about half of all nodes) without pushing them.
    index = Index()
    parents = index.parents
    calls = index.calls
    attributes = index.attributes
    Call, Attribute, Name, Constant = ast.Call, ast.Attribute, ast.Name, ast.Constant
    FunctionDef, AsyncFunctionDef, ClassDef = ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef
    Import, ImportFrom, AsyncFor = ast.Import, ast.ImportFrom, ast.AsyncFor
    task_words = TASK_WORDS
    table = _CHILD_FIELDS
    mentions_tasks = False
    # Iterative on purpose: deeply nested input must not overflow the Python stack.
    # ``Any``: the loop tests exact types itself, faster than isinstance narrowing would be.
    stack: list[Any] = [tree]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        kind = node.__class__
        if kind is Call:
            calls.append(node)
        elif kind is Attribute:
            attributes.append(node)
            if node.attr in task_words:
                mentions_tasks = True
        elif kind is FunctionDef or kind is AsyncFunctionDef:
            index.functions.append(node)
        elif kind is ClassDef:
            index.classes.append(node)
        elif kind is Import or kind is ImportFrom:
            index.imports.append((node, False))
        elif kind is AsyncFor:
            index.async_loops.append(node)
        fields = table.get(kind) or _child_fields(node)
        for name in fields[0]:
            child = getattr(node, name, None)
            if child is not None:
                parents[child] = node
                child_kind = child.__class__
                if child_kind is Name:
                    if child.id in task_words:
                        mentions_tasks = True
                elif child_kind is not Constant:
                    push(child)
        for name in fields[1]:
            for child in getattr(node, name, ()):
                if child is None:  # ``{**other}``: a dict's key list holds None
                    continue
                parents[child] = node
                child_kind = child.__class__
                if child_kind is Name:
                    if child.id in task_words:
                        mentions_tasks = True
                elif child_kind is not Constant:
                    push(child)
    if index.imports:
        index.imports = [(node, _under_type_checking(node, parents)) for node, _ in index.imports]
        for node, _ in index.imports:
            if any(alias.name.rpartition(".")[2] in task_words for alias in node.names):
                mentions_tasks = True
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                if any(alias.name == "annotations" for alias in node.names):
                    index.future_annotations = True
    index.mentions_tasks = mentions_tasks
    # Source order makes reports and cross-references deterministic.
    for seq in (index.calls, index.classes, index.functions, index.attributes, index.async_loops):
        seq.sort(key=_position)
    index.imports.sort(key=lambda item: (item[0].lineno, item[0].col_offset))
    return index


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether ``node`` is in the body (not the ``else``) of an ``if TYPE_CHECKING:``."""
    child = node
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.If) and is_type_checking_test(parent.test) and child in parent.body:
            return True
        child, parent = parent, parents.get(parent)
    return False


# What ``ImportMap.scoped`` holds for a class or function defined inside a function under an
# imported name: there the name is that local definition, not the import.
LOCAL_DEFINITION = "<local definition>"


@dataclass
class ImportMap:
    """Local names bound by imports, mapped to dotted qualified names."""

    names: dict[str, str] = field(default_factory=dict)
    # Local names bound by an import only under ``if TYPE_CHECKING:``.
    type_checking_only: set[str] = field(default_factory=set)
    # A name that imports inside functions bind to different modules (``import ccxt.async_support
    # as ccxt`` in one, ``import ccxt`` in another): (first line, last line, qualified) per function.
    scoped: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    def qualify(self, node: ast.AST) -> str | None:
        """``ah.ClientSession`` -> ``aiohttp.ClientSession`` when ``import aiohttp as ah``."""
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self._scoped(node) if node.id in self.scoped else None
        if base is None:
            base = self.names.get(node.id)
        if base is None or base == LOCAL_DEFINITION:
            return None
        return ".".join([base, *reversed(attrs)])

    def _scoped(self, node: ast.Name) -> str | None:
        """What the innermost function around ``node`` imports as its name, if one does."""
        line = getattr(node, "lineno", None)
        spans = [(last - first, qualified) for first, last, qualified in self.scoped[node.id] if line is not None and first <= line <= last]
        return min(spans)[1] if spans else None

    def root_name(self, node: ast.AST) -> str | None:
        while isinstance(node, ast.Attribute):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None


def build_imports(index: Index, module_name: str | None, is_package: bool) -> ImportMap:
    imports = ImportMap()
    runtime: set[str] = set()
    in_functions: dict[str, list[tuple[int, int, str]]] = {}
    for node, type_checking in index.imports:
        bound: list[tuple[str, str]] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound.append((alias.asname, alias.name))
                else:
                    top = alias.name.split(".", 1)[0]
                    bound.append((top, top))
        else:
            base = resolve_relative(node.module, node.level, module_name, is_package)
            if base is None:
                continue
            for alias in node.names:
                if alias.name == "*":
                    continue
                bound.append((alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name))
        span = _function_span(node, index.parents)
        for local, qualified in bound:
            if span is not None:
                in_functions.setdefault(local, []).append((*span, qualified))
            imports.names.setdefault(local, qualified)
            if not type_checking:
                imports.names[local] = qualified
                runtime.add(local)
            elif local not in runtime:
                imports.type_checking_only.add(local)
    imports.type_checking_only -= runtime
    for definition in (*index.classes, *index.functions):
        # (a test's own ``class Baichuan:`` inside a test method shadows the imported one there)
        span = _function_span(definition, index.parents) if definition.name in imports.names else None
        if span is not None:
            in_functions.setdefault(definition.name, []).append((*span, LOCAL_DEFINITION))
    imports.scoped = {
        local: spans for local, spans in in_functions.items()
        if any(qualified != imports.names.get(local) for _, _, qualified in spans)
    }
    return imports


def _function_span(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[int, int] | None:
    """The lines of the innermost function whose body holds ``node`` (None: not in a function)."""
    parent = parents.get(node)
    while parent is not None:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return parent.lineno, parent.end_lineno or parent.lineno
        parent = parents.get(parent)
    return None


def resolve_relative(module: str | None, level: int, module_name: str | None, is_package: bool) -> str | None:
    if level == 0:
        return module or ""
    if module_name is None:
        return None
    parts = module_name.split(".")
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts):
        return None
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    if module:
        parts.append(module)
    return ".".join(parts)


def top_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Module statements, looking into ``if``/``try`` blocks where definitions often hide."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from top_level_statements(stmt.body)
            yield from top_level_statements(stmt.orelse)
        elif isinstance(stmt, ast.Try):
            yield from top_level_statements(stmt.body)
            for handler in stmt.handlers:
                yield from top_level_statements(handler.body)
            yield from top_level_statements(stmt.orelse)


def statement_block(parent: ast.AST | None, stmt: ast.AST) -> list[ast.stmt] | None:
    """The statement list of ``parent`` (its ``body``, ``orelse`` or ``finalbody``) that holds
    ``stmt``; None when ``stmt`` stands in none of them (a handler's, a match case's)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(s is stmt for s in block):
            return block
    return None
