"""Tasks kept on another object's attribute: ``buffer.task = asyncio.create_task(...)`` where
``buffer`` is an instance of a first-party class made in the function (``buffer = Buffer()``) or
a parameter annotated with one (``def attach(job: Job)``). The object owns the task: its class
must end ``self.task`` (cancel, await, hand it on), or some other code must end ``<x>.task``.
When neither the class (its family's own methods) nor any code of the function's or the class's
module ever ends an attribute of that name, the task is left to nobody (codex-autorunner's
coalesce buffers, llmtaskgraph's subtasks kept on ``task.output``).

Deliberately narrow: an object whose class is not known (a parameter without annotation, a
value from a dictionary), and an attribute name that any code of those modules cancels, awaits
or hands on (``t = buffer.task; t.cancel()``), are left alone."""

from __future__ import annotations

import ast
import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from tradelint.facts.class_family import class_and_bases, resolve_definition, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import unload_reach
from tradelint.facts.owned_elements import element_sources, self_collection_added
from tradelint.facts.ownership import release_runs
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES, walk
from tradelint.facts.uses import attribute_loads, classify, self_name, sequential

# Uses of a task that end it or hand it on to someone who may: anything but a look at it.
LOOKS = frozenset({"test", "other"})


LOOKING_METHODS = frozenset({"done", "cancelled", "get_name", "set_name", "add_done_callback", "remove_done_callback"})


@dataclass(frozen=True)
class OtherHolder:
    holder: str  # the object's name in the function
    attr: str
    cls: ast.ClassDef
    stmt: ast.Assign | ast.AnnAssign
    function: ast.FunctionDef | ast.AsyncFunctionDef

    @property
    def name(self) -> str:
        return f"{self.holder}.{self.attr}"


def kept_on_other_object(
    module: ModuleInfo, expr: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef | None
) -> OtherHolder | None:
    """``holder.attr = expr`` in ``function`` where ``holder`` is a first-party object that
    nothing ends ``attr`` of; else None. Also for a task Home Assistant keeps to its stop
    (``hass.async_create_task``): the object is still its only owner, and nothing ends it."""
    if function is None:
        return None
    stmt = module.parent(expr)
    if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is expr):
        return None
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    if len(targets) != 1:
        return None
    target = targets[0]
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
        return None
    holder = target.value.id
    in_class = isinstance(module.parent(function), ast.ClassDef)
    if (in_class and holder == self_name(function)) or holder in ("self", "cls"):
        return None
    found = holder_class(module, function, holder)
    if found is None:
        return None
    cls_module, cls = found
    if _ended_by_class(cls_module, cls, target.attr):
        return None
    for other in {id(module): module, id(cls_module): cls_module}.values():
        if _ended_anywhere(other, target.attr, target):
            return None
    if _ended_in_the_project(module, target.attr):
        return None
    return OtherHolder(holder, target.attr, cls, stmt, function)


def _ended_in_the_project(module: ModuleInfo, attr: str) -> bool:
    """``_ended_anywhere`` in every file of the project that names ``.attr`` (once per name and
    run): the object may be ended by code far from where the task is stored. Outside a project
    and a package (who else reads the object cannot be told), it may be."""
    root = search_root(module)
    if root is None:
        return True
    module.project.note_scan(f"mentions {attr}", root)  # for the cache, memo or not
    memo = module.project.scan_memo(attr)
    key = ("attribute-ended", root, attr)
    if key not in memo:
        needle = f".{attr}".encode()
        found = False
        for path, data in files_naming(module.project, root, attr, skip=module.path):
            if needle not in data:
                continue
            other = module.project.module_at(path)
            if other is not None and _ended_anywhere(other, attr, None):
                found = True
                break
        memo[key] = found
    return bool(memo[key])


def holder_class(
    module: ModuleInfo, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party class ``name`` is an instance of in ``function``: made by its constructor
    there, or annotated (as a parameter or a local), when all of these agree."""
    classes: dict[int, tuple[ModuleInfo, ast.ClassDef]] = {}
    for arg in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs):
        if arg.arg == name and arg.annotation is not None:
            found = resolve_definition(module, arg.annotation)
            if found is not None and isinstance(found[1], ast.ClassDef):
                classes[id(found[1])] = (found[0], found[1])
    for node in walk(function):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == name
            and isinstance(node.value, ast.Call)
        ):
            found = resolve_definition(module, node.value.func)
            if found is not None and isinstance(found[1], ast.ClassDef):
                classes[id(found[1])] = (found[0], found[1])
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            # ``buffer: Buffer = buffers[key]``: the annotation says what it is.
            found = resolve_definition(module, node.annotation)
            if found is not None and isinstance(found[1], ast.ClassDef):
                classes[id(found[1])] = (found[0], found[1])
    if len(classes) != 1:
        return None
    return next(iter(classes.values()))


def _ended_by_class(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether a method of the class or its first-party bases does more than look at
    ``self.attr`` (cancels, awaits, hands it on), or the class declares no such attribute and
    reads it through ``getattr``."""
    for owner_module, owner in class_and_bases(module, cls):
        for method in owner.body:
            if not isinstance(method, FUNCTION_NODES):
                continue
            receiver = self_name(method)
            for node in walk(method):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == attr
                    and isinstance(node.ctx, ast.Load)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == receiver
                    and _ends(owner_module, node)
                ):
                    return True
    return False


def _ended_anywhere(module: ModuleInfo, attr: str, skip: ast.expr | None) -> bool:
    """Whether any load of ``<x>.attr`` in ``module`` (but ``skip``) does more than look at it,
    other than to make way for a new task in the same place."""
    return any(node is not skip for node in ending_loads(module, attr))


# Per module and attribute name, the loads that end it (weakly held: they go with their module).
# Every task kept on another object asks about its attribute's name: the loads are judged once.
_ENDING: weakref.WeakKeyDictionary[ModuleInfo, dict[str, list[ast.Attribute]]] = weakref.WeakKeyDictionary()


def ending_loads(module: ModuleInfo, attr: str) -> list[ast.Attribute]:
    """The loads of ``<x>.attr`` in ``module`` that do more than look at it, other than to make
    way for a new task in the same place, in the order of ``attribute_loads``."""
    table = _ENDING.get(module)
    if table is None:
        table = _ENDING[module] = {}
    found = table.get(attr)
    if found is None:
        found = table[attr] = [
            node for node in attribute_loads(module.tree, attr) if _ends(module, node) and not _renewed_after(module, node, attr)
        ]
    return found


def _renewed_after(module: ModuleInfo, node: ast.Attribute, attr: str) -> bool:
    """``t = x.attr; t.cancel(); x.attr = create_task(...)``: the old task is ended (or handed
    on) so that a new one takes its place on the same object, later on the same path of the same
    function. That ends the task it replaces, never the object's last one, which is still left
    to nobody (codex-autorunner's coalesce buffers: each new message cancels the pending flush
    and starts another; the last one outlives the service)."""
    if not isinstance(node.value, ast.Name):
        return False
    function = module.enclosing_function(node)
    if function is None:
        return False
    ended = next((a for a in module.ancestors(node) if isinstance(a, ast.stmt)), None)
    if ended is None:
        return False
    holder = node.value.id
    for other in walk(function):
        if not isinstance(other, (ast.Assign, ast.AnnAssign)) or other.value is None:
            continue
        if isinstance(other.value, ast.Constant) and other.value.value is None:
            continue
        targets = other.targets if isinstance(other, ast.Assign) else [other.target]
        if any(
            isinstance(t, ast.Attribute) and t.attr == attr and isinstance(t.value, ast.Name) and t.value.id == holder
            for t in targets
        ) and other.lineno > (ended.end_lineno or ended.lineno) and module.enclosing_function(other) is function and sequential(
            module, ended, other
        ):
            return True
    return False


def _ends(module: ModuleInfo, node: ast.expr) -> bool:
    parent = module.parent(node)
    if isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and parent.elt is node:
        # ``[s.worker for s in self._sessions.values()]``: collected, each is used as the list is.
        return _ends(module, parent)
    use = classify(module, node)
    if use.kind in ("method", "attribute"):
        return use.name not in LOOKING_METHODS
    return use.kind not in LOOKS


def callers_keep(module: ModuleInfo, name: str, owner: ast.ClassDef | None = None) -> bool:
    """Whether the project calls a function named ``name`` (tests aside) and every such call
    keeps its result (awaits, binds, passes or returns it: anything but a statement of its
    own). Outside a project and a package, callers cannot be told: as if they kept it. For a
    method of ``owner``, a call on ``self`` in a class that is neither ``owner``'s base nor its
    subclass runs another class's method of that name, and is not counted (Shmuel18/Arbitrage-:
    an exchange mixin's ``self._create_supervised_task(...)`` is not the controller's)."""
    root = search_root(module)
    if root is None:
        return True
    module.project.note_scan(f"mentions {name}", root)  # for the cache, memo or not
    memo = module.project.scan_memo(name)
    family = frozenset((str(m.path), c.lineno) for m, c in class_and_bases(module, owner)) if owner is not None else frozenset()
    key = ("callers-keep", root, name, family)
    if key not in memo:
        kept = dropped = 0
        needle = f"{name}(".encode()
        for path, data in files_naming(module.project, root, name):
            if needle not in data or is_test_path(path):
                continue
            other = module if path == module.path else module.project.module_at(path)
            if other is None:
                continue
            for call in other.index.calls:
                func = call.func
                if (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "") != name:
                    continue
                if family and not _may_run_owners(other, call, name, family):
                    continue
                if isinstance(other.parent(call), ast.Expr):
                    dropped += 1
                else:
                    kept += 1
        memo[key] = kept > 0 and dropped == 0
    return bool(memo[key])


def _may_run_owners(module: ModuleInfo, call: ast.Call, name: str, family: frozenset[tuple[str, int]]) -> bool:
    """Whether ``call`` may run the method ``name`` of the class whose family (itself and its
    bases, by file and line) is ``family``: anything but ``self.<name>(...)`` in a class whose
    own lineage defines ``name`` in a class outside that family before it reaches one inside it
    (a mixin that calls a ``spawn()`` it does not define may be combined with the owner's)."""
    func = call.func
    function = module.enclosing_function(call)
    cls = module.parent(function) if function is not None else None
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and isinstance(cls, ast.ClassDef)
            and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and func.value.id == self_name(function)):
        return True
    reaches = _lineage_reaches(module, cls, name, family)
    if reaches is not None:
        return reaches
    # A mixin: ``self`` is an object of a class built from it. Where the project builds some, the
    # call runs what their lineages give (Shmuel18/Arbitrage-'s funding mixin, composed with the
    # lifecycle mixin that defines ``_create_supervised_task``, never with the controller).
    return _built_may_run(module, cls, name, family, 3) is not False


def _built_may_run(module: ModuleInfo, cls: ast.ClassDef, name: str, family: frozenset[tuple[str, int]], depth: int) -> bool | None:
    """Whether a class the project builds from ``cls`` (``depth`` levels down) runs the method of
    ``family`` for ``self.<name>()``: one whose lineage reaches it first, or one that reaches
    neither it nor another definition and from which nothing more is built. None when the project
    builds nothing from ``cls``. A class whose lineage defines ``name`` elsewhere may still have
    a subclass that puts the family first (``class Live(Controller, Exchange)``)."""
    built = subclasses_in_project(module, cls, mixins_only=False)
    if not built:
        return None
    for home, node in built:
        reaches = _lineage_reaches(home, node, name, family)
        below = _built_may_run(home, node, name, family, depth - 1) if depth > 1 else None
        if reaches or below or (reaches is None and below is None):
            return True
    return False


def _lineage_reaches(module: ModuleInfo, cls: ast.ClassDef, name: str, family: frozenset[tuple[str, int]]) -> bool | None:
    """Whether ``self.<name>()`` in ``cls`` runs the method of ``family``: True when the lineage
    reaches the family first, False when a class outside it defines ``name`` first, None when the
    lineage does neither (a mixin's)."""
    for home, node in class_and_bases(module, cls):
        if (str(home.path), node.lineno) in family:
            return True
        if any(isinstance(s, FUNCTION_NODES) and s.name == name for s in node.body):
            return False  # the caller's own class family defines it first: another method
    return None


def search_root(module: ModuleInfo) -> Path | None:
    """Where the code that may use ``module``'s objects lives: its project (the folder with the
    project marker), or, without one (a package checked on its own), its outermost package."""
    root = project_root(module)
    if root is not None:
        return root
    folder = module.path.parent
    if not os.path.isfile(folder / "__init__.py"):
        return None
    while os.path.isfile(folder.parent / "__init__.py") and folder.parent != folder:
        folder = folder.parent
    return folder


def is_test_path(path: Path) -> bool:
    return any(part in ("tests", "test") for part in path.parts) or path.name.startswith("test_") or path.name == "conftest.py"


def ended_through_instances(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """Whether code of the project ends ``<x>.attr`` where ``x`` is proven to be an instance of
    ``cls`` (made by its constructor or annotated with it in that function, or an element of a
    collection of its class that holds only such instances: ``for game in self.games:
    game._task.cancel()``), in a function that runs when its own object is ended (not a bot
    command or listener). Whoever keeps the instances ends the task each one keeps (FlameCogs'
    games, cancelled by the cog's ``cog_unload``)."""
    root = search_root(module)
    if root is None:
        return False
    # A file that proves an instance of the class names the class (its constructor, an
    # annotation), as well as the attribute it ends: only such files are parsed.
    module.project.note_scan(f"mentions {attr}", root)  # for the cache, memo or not
    module.project.note_scan(f"mentions {cls.name}", root)
    memo = module.project.scan_memo(attr)
    target = (str(module.path), cls.name, cls.lineno)
    key = ("ended-through-instances", root, attr, target)
    if key not in memo:
        found = False
        named = cls.name.encode()
        reading = _reading_through(module, root, attr)
        if len(reading) > NAMING_AFTER or sum(len(data) for _, data in reading) > NAMING_BYTES:
            # Every class keeping ``self.attr`` asks: the files naming this one are found through
            # the project's word index (exactly those whose bytes contain the name), not by
            # searching each file reading ``x.attr``.
            at = _reading_positions(module, root, attr)
            naming = (at.get(path) for path, _ in files_naming(module.project, root, cls.name))
            reading = [reading[i] for i in sorted(i for i in naming if i is not None)]
        else:
            reading = [(path, data) for path, data in reading if named in data]
        for path, _ in reading:
            if target in _proven_in(module, root, attr, path):
                found = True
                break
        memo[key] = found
    return bool(memo[key])


# Files reading ``x.attr`` searched for a class's name one by one; more files, or more bytes, are
# narrowed to those the project's word index lists for the name: each of N classes searching N
# files cost N^2, and so did each searching one file naming them all (a registry of N classes).
NAMING_AFTER = 8
NAMING_BYTES = 64 * 1024


def _reading_through(module: ModuleInfo, root: Path, attr: str) -> list[tuple[Path, bytes]]:
    """The project's files (tests aside) that read ``<x>.attr`` through a name other than
    ``self`` or ``cls``, with their bytes: listed once per attribute name and run (every class
    keeping a task in ``self.attr`` asks), not once per class."""
    memo = module.project.scan_memo(attr)
    key = ("reading-through", root, attr)
    if key not in memo:
        memo[key] = [
            (path, data) for path, data in files_naming(module.project, root, attr)
            if not is_test_path(path) and reads_through(data, attr)
        ]
    return cast("list[tuple[Path, bytes]]", memo[key])


def _reading_positions(module: ModuleInfo, root: Path, attr: str) -> dict[Path, int]:
    """Each file of ``_reading_through``'s list by its place in it, made once per list."""
    memo = module.project.scan_memo(attr)
    key = ("reading-through-at", root, attr)
    if key not in memo:
        memo[key] = {path: i for i, (path, _) in enumerate(_reading_through(module, root, attr))}
    return cast("dict[Path, int]", memo[key])


def reads_through(data: bytes, attr: str) -> bool:
    """Whether ``data`` reads ``<x>.attr`` (``game._task``) through a name ``x`` other than
    ``self`` or ``cls``. The names so read are listed once per text (each attribute name of a
    module asks: a class storing many tasks in many attributes), the answer that of searching
    ``\\b(?!self\\b|cls\\b)[A-Za-z_]\\w*\\.attr\\b``, which a name not of word characters still does."""
    needle = attr.encode()
    if _WORD_NAME.fullmatch(needle) is None:
        return re.search(rb"\b(?!self\b|cls\b)[A-Za-z_]\w*\." + re.escape(needle) + rb"\b", data) is not None
    key = (len(data), hash(data))
    names = _THROUGH.get(key)
    if names is None:
        if len(_THROUGH) > 4096:
            _THROUGH.clear()
        names = _THROUGH[key] = frozenset(
            m.group(2) for m in _READ_THROUGH.finditer(data) if m.group(1) not in (b"self", b"cls")
        )
    return needle in names


_WORD_NAME = re.compile(rb"\w+")
# ``x.name``: a word starting with a letter or ``_``, a dot, the word after it (looked ahead, so that
# ``a.b.c`` gives ``b`` and ``c``).
_READ_THROUGH = re.compile(rb"\b([A-Za-z_]\w*)\.(?=(\w+))")
_THROUGH: dict[tuple[int, int], frozenset[bytes]] = {}


def _proven_in(module: ModuleInfo, root: Path, attr: str, path: Path) -> frozenset[tuple[str, str, int]]:
    """The classes (file, name, line) whose instances the file at ``path`` proves it ends
    ``<x>.attr`` of, judged once per file and attribute name (parsed only when a class it names
    asks)."""
    memo = module.project.scan_memo(attr)
    key = ("proven-through", root, attr, path)
    if key not in memo:
        found: set[tuple[str, str, int]] = set()
        other = module if path == module.path else module.project.module_at(path)
        if other is not None:
            for node in ending_loads(other, attr):
                proven = _instance_class(other, node)
                if proven is not None:
                    found.add((str(proven[0].path), proven[1].name, proven[1].lineno))
        memo[key] = frozenset(found)
    return cast("frozenset[tuple[str, str, int]]", memo[key])


def _instance_class(module: ModuleInfo, node: ast.Attribute) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The class ``x`` of ``x.attr`` is proven an instance of, when ``x`` is not the enclosing
    method's own object and that function runs at its owner's end."""
    if not isinstance(node.value, ast.Name):
        return None
    function = module.enclosing_function(node)
    if function is None:
        return None
    owner = module.parent(function)
    name = node.value.id
    if isinstance(owner, ast.ClassDef) and name == self_name(function):
        return None  # the class's own task, judged by the class
    if isinstance(owner, ast.ClassDef) and not release_runs(module, owner, function):
        return None
    reach = unload_reach(module)
    if reach is not None and function.name not in reach:
        # In an integration that can be unloaded only what the unload runs ends the instance: a
        # message handler's cancel (a reconnect's, mid-life) leaves the task running after it.
        return None
    found = holder_class(module, function, name)
    if found is None and isinstance(owner, ast.ClassDef):
        found = _element_class(module, owner, function, name)
    return found


def _element_class(
    module: ModuleInfo, owner: ast.ClassDef, function: ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """``for name in self.coll`` (or ``self.coll.values()``, or a comprehension) in a method of
    ``owner``, where every element the class puts in ``self.coll`` is an instance of one
    first-party class: that class."""
    receiver = self_name(function)
    collection: str | None = None
    for bound, iterated in element_sources(function, items=False):
        if bound != name:
            continue
        if isinstance(iterated, ast.Attribute) and isinstance(iterated.value, ast.Name) and iterated.value.id == receiver:
            if collection not in (None, iterated.attr):
                return None
            collection = iterated.attr
        else:
            return None
    if collection is None:
        return None
    classes: dict[int, tuple[ModuleInfo, ast.ClassDef]] = {}
    for method in owner.body:
        if not isinstance(method, FUNCTION_NODES):
            continue
        own = self_name(method)
        for value in walk(method):
            if not isinstance(value, ast.expr):
                continue
            if self_collection_added(module, value, own) != collection:
                continue
            if isinstance(value, ast.Call):
                made = resolve_definition(module, value.func)
                made = made if made is not None and isinstance(made[1], ast.ClassDef) else None
            elif isinstance(value, ast.Name):
                made = holder_class(module, method, value.id)
            else:
                made = None
            if made is None:
                return None  # an element of unknown class: nothing is proven
            classes[id(made[1])] = (made[0], made[1])  # type: ignore[assignment]
            if len(classes) > 1:
                # Elements of two classes: nothing is proven, whatever the others are (a
                # registry of N classes: not N lookups, each parsing its module).
                return None
    return next(iter(classes.values())) if classes else None
