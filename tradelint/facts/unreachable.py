"""Code an application never runs: a method that nothing in the project names.

A finding about a resource or a task (TRD2xx, TRD3xx) says what happens when the code runs: a
session left open, a task left running. In an application (a Home Assistant integration, a bot,
a service: a project that no packaging makes a library others import), a method that no code of
the project calls, passes on or names in any way never runs, and leaks nothing. Such methods are
common in applications that grew by copying (a ``process_audio()`` the handler stopped calling, a
client's ``get_contract_info()`` nothing asks for).

A method counts as never run only when all of these hold, each a way its code could still run:

- it is a method of a module-level class that nothing outside the class names (no import, no
  call, no base, no string: a whole class left behind, unless a base of it defines
  ``__init_subclass__``), or one that no file names (below); neither a dunder (Python calls
  those) nor decorated other than as a ``staticmethod`` or ``classmethod`` (a decorator may
  register it);
- the class has no decorator and no metaclass, and every class of its lineage is first-party (a
  library base, or a framework's, calls its methods by name: ``async_turn_on``,
  ``_async_update_data``, ``run``; ``object`` and ``ABC`` aside), as is every lineage of its
  subclasses in the project (a mixin composed into a first-party controller);
- the class body runs no call (``atexit.register(cleanup)``); no ``getattr(x, name)`` with a
  computed name, ``dir()``, ``vars()`` or ``getmembers()`` in a module of its lineage; no module
  of the project composes one around a constant part the method's name has (``getattr(h,
  f"on_{event}")``), and nothing of the class reaches code outside the project, which may call
  any method by name (``bot.add_cog(Mentions(bot))``): every instance made in the project is
  only called methods on, read attributes of or tested, the class is used only by calling it,
  and no module names ``__subclasses__`` (see :func:`_handed_to_a_library`);
- no file of the project names it as a word other than where a ``def`` defines it: not a call,
  not a bound method handed on, not a string (``"process_audio"`` in a dispatch table), not a
  comment; its own body aside (a method that only reschedules itself is started by nothing);
- the module is not a test module, and it belongs to an application: a Home Assistant
  integration (under ``custom_components``), or a project none of whose folders between the
  module and the project's marker holds ``setup.py``, ``setup.cfg`` or a ``pyproject.toml``
  declaring a distribution (``[project]``, ``[tool.poetry]``) with a build backend
  (``[build-system]``; not uv's application, which names none, nor packaging turned off): a
  library's public method is called by the code that imports it, which is not in the project.

Which files name the method, the class, an instance's binding, ``getattr`` or
``__subclasses__`` are ``mentions`` scans of the project's folder, so a cached verdict is read
again when a file starts or stops naming one."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from tradelint.facts.class_family import class_and_bases, resolve_class_node, resolve_definition, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.packaging import packaged
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.scan_memo import Scans, note, scanned_verdict
from tradelint.facts.syntax import FUNCTION_NODES, base_class

__all__ = [
    "JUDGED_FAMILIES", "application", "branches_holding", "called_by_name_only", "composed_in_project", "first_party_lineage",
    "looked_up_by_name", "uncalled", "word_count",
]

# The families whose findings say what happens when the code runs (a resource left open, a task
# left running): none is reported in a method the application never runs.
JUDGED_FAMILIES = frozenset({"TRD2", "TRD3"})

# Bases that add no method a library calls.
_NEUTRAL_BASES = frozenset({"object", "ABC"})

# Decorators that change how a method is bound, not who calls it.
_BINDING_DECORATORS = frozenset({"staticmethod", "classmethod"})


def branches_holding(
    module: ModuleInfo, node: ast.AST,
) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.If]]:
    """Each ``if`` in whose body ``node`` lies, innermost first, within the function's own frame
    (a function, lambda or class nested in it stops the walk: it may run later, with other
    values), with that function: what ``unpassed_defaults`` and ``awaitable_tests`` ask of a
    branch's test."""
    function = module.enclosing_function(node)
    if function is None:
        return
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if ancestor is function or isinstance(ancestor, (*FUNCTION_NODES, ast.Lambda, ast.ClassDef)):
            return
        if isinstance(ancestor, ast.If) and any(stmt is child for stmt in ancestor.body):
            yield function, ancestor
        child = ancestor


def uncalled(module: ModuleInfo, node: ast.AST) -> bool:
    """Whether ``node`` lies in a method of an application that no code of the project can run
    (see the module's docstring)."""
    method = _outermost_method(module, node)
    if method is None:
        return False
    memo = module.project.class_memo
    key = ("uncalled", method)
    if key not in memo:
        memo[key] = _uncalled(module, method)
    return bool(memo[key])


def _outermost_method(module: ModuleInfo, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The method of a module-level class that ``node`` lies in, however deeply nested."""
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, FUNCTION_NODES):
            found = ancestor
    if found is None:
        return None
    cls = module.parent(found)
    if not isinstance(cls, ast.ClassDef) or not isinstance(module.parent(cls), ast.Module):
        return None
    return found


def called_by_name_only(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether only code naming ``function`` runs it: no dunder (Python calls those), and no
    decorator but ``staticmethod``/``classmethod`` (a decorator may register it)."""
    name = function.name
    if name.startswith("__") and name.endswith("__"):
        return False
    return all(isinstance(d, ast.Name) and d.id in _BINDING_DECORATORS for d in function.decorator_list)


def _uncalled(module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    cls = module.parent(method)
    assert isinstance(cls, ast.ClassDef)
    name = method.name
    if not called_by_name_only(method):
        return False
    if cls.decorator_list or cls.keywords or in_tests(module) or not application(module):
        return False
    if not first_party_lineage(module, cls) or any(looked_up_by_name(owner) for owner, _ in class_and_bases(module, cls)):
        return False
    if any(isinstance(n, ast.Call) for stmt in cls.body if not isinstance(stmt, FUNCTION_NODES) for n in ast.walk(stmt)):
        return False  # (the class body runs code: ``atexit.register(cleanup)`` may register a method)
    root = project_root(module)
    if root is None:
        return False
    text = module.text
    if text is None:
        return False  # (a module without its text at hand is not judged)
    # (named outside its body, other than only as a base of classes nothing makes; the scans of
    # every name the verdict asked about are noted again for each file relying on it)
    if not scanned_verdict(module.project, ("class_may_run", cls), lambda scanned: _class_may_run(module, root, cls, text, scanned)):
        # Nothing outside the class names it (no import, no call, no base, no string), or only
        # imports and the bases of classes nothing names in turn (a mixin composed into a
        # controller the integration never makes): none of its methods runs, unless a base
        # registers its subclasses itself.
        return not _registers_subclasses(module, cls) and not _walks_subclasses(module, root)
    # A method named only in its own body (it reschedules itself: ``self.hass.async_create_task(
    # self.check())`` at its end) is never started by anything else.
    if _named_in_project(module, root, name, outside_of(text, method)) or composed_in_project(module, root, name):
        return False
    return _subclasses_first_party(module, cls) and not _handed_to_a_library(module, root, cls)


def _class_may_run(module: ModuleInfo, root: Path, cls: ast.ClassDef, text: str, scanned: Scans) -> bool:
    """Whether something outside ``cls``'s body names it, other than only as a base of classes
    that nothing names in turn (:func:`_composed_only_into_dead`)."""
    note(module.project, f"mentions {cls.name}", root, scanned)
    outside = outside_of(text, cls)
    return _named_in_project(module, root, cls.name, outside) and not _composed_only_into_dead(module, root, cls, outside, scanned)


def outside_of(text: str, node: ast.stmt) -> bytes:
    """The module's text without the lines of ``node``'s statement (a class, a method)."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[: node.lineno - 1] + lines[node.end_lineno or node.lineno :]).encode("utf-8", "surrogateescape")


def _composed_only_into_dead(module: ModuleInfo, root: Path, cls: ast.ClassDef, outside: bytes, scanned: Scans, depth: int = 0) -> bool:
    """Whether ``cls`` is a base of at least one class, and every mention of its name outside its
    body (``outside`` in its own module, the whole text elsewhere) is a base of a module-level class
    that is undecorated, has no metaclass and only first-party bases, and that nothing names in
    turn, or only so, or an import in a module that so uses it: no instance of a class built from
    ``cls`` is ever made (a mixin composed into a controller the integration never makes). A
    mention in a string or a comment is none of these, and keeps it; so does an import alone (a
    package re-exporting the class for code outside the project)."""
    if depth > 3:
        return False
    module.project.note_scan(f"mentions {cls.name}", root)
    composed = False
    for path, data in [(module.path, outside), *files_naming(module.project, root, cls.name, skip=module.path)]:
        other = module if path == module.path else module.project.module_at(path)
        if other is None:
            return False
        imports = bases = 0
        for node in ast.walk(other.tree):
            if isinstance(node, ast.alias) and node.name.rpartition(".")[2] == cls.name and node.asname in (None, cls.name):
                imports += 1
            elif isinstance(node, ast.ClassDef) and node is not cls and any(_names_class(b, cls.name) for b in node.bases):
                if node.decorator_list or node.keywords or not isinstance(other.parent(node), ast.Module) or not first_party_lineage(other, node):
                    return False
                note(module.project, f"mentions {node.name}", root, scanned)
                text = other.text if other is module else data.decode("utf-8", "surrogateescape")
                if text is None:
                    return False
                rest = outside_of(text, node)
                if _named_in_project(other, root, node.name, rest) and not _composed_only_into_dead(other, root, node, rest, scanned, depth + 1):
                    return False
                bases += sum(_names_class(b, cls.name) for b in node.bases)
        # (an import with no base beside it re-exports the class: ``from .middleware import
        # Middleware`` in a package's ``__init__``, for code outside the project to name)
        if (imports and not bases) or word_count(data, cls.name) != imports + bases:
            return False
        composed = composed or bases > 0
    return composed


def _names_class(base: ast.expr, name: str) -> bool:
    found = base_class(base)
    return isinstance(found, ast.Name) and found.id == name or isinstance(found, ast.Attribute) and found.attr == name


def _subclasses_first_party(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether every subclass of ``cls`` in the project, and theirs in turn, is undecorated, has
    no metaclass and derives only from first-party classes: no library base of one of them may
    call a method of ``cls`` by name (a mixin composed into a controller of mixins)."""
    seen = {cls}
    queue = [(module, cls)]
    while queue:
        current, node = queue.pop()
        for sub_module, sub in subclasses_in_project(current, node, mixins_only=False):
            if sub in seen:
                continue
            if sub.decorator_list or sub.keywords or not first_party_lineage(sub_module, sub):
                return False
            seen.add(sub)
            queue.append((sub_module, sub))
    return True


def _handed_to_a_library(module: ModuleInfo, root: Path, cls: ast.ClassDef) -> bool:
    """Whether the class, or an instance of it made in the project, may reach code that calls a
    method by a name the project does not spell (discord.py's ``bot.add_cog(Mentions(bot))``
    registers its ``on_message``). Only an instance whose every use is a method call or an
    attribute read on it, or a test of it, stays in the project's hands: one given to any call
    (a first-party helper may hand it on), put in a container, returned, yielded, aliased or
    stored where another module reads it escapes; so does the class itself used as a value
    (a factory given to a library, a base of ``type(...)``, a registry's entry), imported under
    another name, or made by a class method (``Mentions.create()``)."""
    if _walks_subclasses(module, root):
        return True  # (classes found by walking a base's subclasses)
    for other in _modules_naming(module, root, cls.name):
        if other is None:
            return True
        for node in ast.walk(other.tree):
            if isinstance(node, ast.alias) and node.name.rpartition(".")[2] == cls.name and node.asname not in (None, cls.name):
                return True  # (``from app.cog import Mentions as M``)
            named = isinstance(node, ast.Name) and node.id == cls.name or isinstance(node, ast.Attribute) and node.attr == cls.name
            if not named or isinstance(getattr(node, "ctx", None), ast.Store) or _in_annotation(other, node):
                continue
            parent = other.parent(node)
            if isinstance(parent, ast.ClassDef) and node in parent.bases:
                continue  # (a subclass: judged by its lineage)
            if isinstance(parent, ast.Call) and parent.func is node:
                if _escapes(other, root, parent):
                    return True
            elif isinstance(parent, ast.Attribute) and parent.value is node:
                call = other.parent(parent)
                if not (isinstance(call, ast.Call) and call.func is parent) or _escapes(other, root, call):
                    return True  # (``Mentions.create()``: a factory's instance, followed as one)
            else:
                return True  # (the class itself as a value)
    return False


def _in_annotation(module: ModuleInfo, node: ast.AST) -> bool:
    child: ast.AST = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.AnnAssign) and ancestor.annotation is child:
            return True
        if isinstance(ancestor, ast.arg) and ancestor.annotation is child:
            return True
        if isinstance(ancestor, FUNCTION_NODES) and ancestor.returns is child:
            return True
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False


def _escapes(module: ModuleInfo, root: Path, made: ast.Call) -> bool:
    """Whether what ``made`` makes may reach code outside the project (see
    :func:`_handed_to_a_library`)."""
    parent = module.parent(made)
    if isinstance(parent, (ast.Expr, ast.Await)):
        return False
    if isinstance(parent, ast.Attribute) and parent.value is made:
        return False  # (``Client().run()``)
    if not isinstance(parent, (ast.Assign, ast.AnnAssign)) or parent.value is not made:
        return True
    targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
    if len(targets) != 1 or not isinstance(targets[0], (ast.Name, ast.Attribute)):
        return True
    target = targets[0]
    if isinstance(target, ast.Attribute):
        if not isinstance(target.value, ast.Name) or target.value.id not in ("self", "cls") and target.value.id in module.imports.names:
            return True  # (``sys.stdout = Tee()``: given to a library's module)
        # Read anywhere in the project through the attribute's name (``core.cog`` elsewhere).
        return any(
            other is None or any(
                isinstance(node, ast.Attribute) and node.attr == target.attr and isinstance(node.ctx, ast.Load) and not _used_in_place(other, node)
                for node in ast.walk(other.tree)
            )
            for other in _modules_naming(module, root, target.attr)
        )
    scope = module.enclosing_function(made)
    declared = scope is not None and any(isinstance(n, ast.Global) and target.id in n.names for n in ast.walk(scope))
    if scope is not None and not declared:
        return any(
            isinstance(node, ast.Name) and node.id == target.id and isinstance(node.ctx, ast.Load) and not _used_in_place(module, node)
            for node in ast.walk(scope)
        )
    # A module's global: read in the module, or in any module importing it (``getattr(COMMANDS,
    # sys.argv[1])`` in another module).
    return any(
        other is None or any(
            isinstance(node, ast.Name) and node.id == target.id and isinstance(node.ctx, ast.Load) and not _used_in_place(other, node)
            for node in ast.walk(other.tree)
        )
        for other in _modules_naming(module, root, target.id)
    )


def _used_in_place(module: ModuleInfo, node: ast.expr) -> bool:
    """A use that keeps the value where it is: an attribute read or method call on it, or a test
    of it (``if app:``, ``app is None``)."""
    parent = module.parent(node)
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return True
    if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and getattr(parent, "test", None) is node:
        return True
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.BoolOp):
        return _used_in_place(module, parent)
    return isinstance(parent, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in parent.ops)


def _modules_naming(module: ModuleInfo, root: Path, word: str) -> Iterator[ModuleInfo | None]:
    """Each module of the project under ``root`` whose text names ``word`` (None: one that cannot
    be read), the ``mentions`` scan noted for the cache."""
    module.project.note_scan(f"mentions {word}", root)
    return (module.project.module_at(path) for path, _ in files_naming(module.project, root, word))


def _walks_subclasses(module: ModuleInfo, root: Path) -> bool:
    """Whether a file of the project names ``__subclasses__`` (classes found by walking a base's
    subclasses)."""
    module.project.note_scan("mentions __subclasses__", root)
    memo = module.project.class_memo
    key = ("walks_subclasses", root)
    if key not in memo:
        memo[key] = any(True for _ in files_naming(module.project, root, "__subclasses__"))
    return bool(memo[key])


def _registers_subclasses(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether ``cls`` or a base of it defines ``__init_subclass__`` (a registry of subclasses)."""
    return any(
        isinstance(s, FUNCTION_NODES) and s.name == "__init_subclass__"
        for _, node in class_and_bases(module, cls) for s in node.body
    )


def _named_in_project(module: ModuleInfo, root: Path, name: str, own: bytes) -> bool:
    """Whether ``own`` (the module's text, or a part of it) or another file of the project under
    ``root`` names ``name`` other than by a ``def``."""
    module.project.note_scan(f"mentions {name}", root)
    if _named(own, name):
        return True
    return any(_named(data, name) for _, data in files_naming(module.project, root, name, skip=module.path))


def _named(data: bytes, name: str) -> bool:
    """Whether ``data`` names ``name`` as a word anywhere but right after ``def`` or ``class``."""
    return word_count(data, name) > 0


def word_count(data: bytes, name: str) -> int:
    """How often ``data`` names ``name`` as a word, but right after ``def`` or ``class``."""
    word = re.escape(name.encode("utf-8"))
    every = len(re.findall(rb"(?<![A-Za-z0-9_])" + word + rb"(?![A-Za-z0-9_])", data))
    defined = len(re.findall(rb"(?<![A-Za-z0-9_])(?:def|class)[ \t]+" + word + rb"(?![A-Za-z0-9_])", data))
    return every - defined


def first_party_lineage(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether every base of ``cls``, and of its bases in turn, is a first-party class (or a
    neutral one: ``object``, ``ABC``)."""
    seen = {cls}
    queue = [(module, cls)]
    while queue:
        current, node = queue.pop()
        if node is not cls and (node.decorator_list or node.keywords):
            return False
        for base in node.bases:
            expr = base_class(base)
            last = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else ""
            if last in _NEUTRAL_BASES:
                continue
            named = resolve_class_node(current, expr)
            if named is None:
                return False
            if named[1] not in seen:
                seen.add(named[1])
                queue.append(named)
    return True


def composed_in_project(module: ModuleInfo, root: Path, name: str) -> bool:
    """Whether some module of the project looks an attribute up by a name it composes around a
    constant part that ``name`` has (``getattr(handler, f"on_{event}")``, ``getattr(self,
    "handle_" + kind)``): a dispatcher may call the method without naming it."""
    memo = module.project.class_memo
    key = ("composed_lookups", root)
    others = _modules_naming(module, root, "getattr")  # (the scan noted on every call, memo hit or not)
    if key not in memo:
        parts: set[tuple[str, str]] = set()
        for other in others:
            if other is None:
                continue
            for call in other.index.calls:
                if isinstance(call.func, ast.Name) and call.func.id in ("getattr", "hasattr") and len(call.args) >= 2:
                    parts.add(_constant_ends(call.args[1]))
        memo[key] = frozenset(parts - {("", "")})
    return any(name.startswith(prefix) and name.endswith(suffix) for prefix, suffix in memo[key])


def _constant_ends(expr: ast.expr) -> tuple[str, str]:
    """The constant prefix and suffix of a composed string: ``f"on_{event}"`` -> ``("on_", "")``,
    ``"handle_" + kind`` -> ``("handle_", "")``; a constant or a bare name composes nothing."""
    pieces: list[ast.expr] = list(expr.values) if isinstance(expr, ast.JoinedStr) else []
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        pieces = [expr.left, expr.right]
    if len(pieces) < 2:
        return ("", "")
    first, last = pieces[0], pieces[-1]
    prefix = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    suffix = last.value if isinstance(last, ast.Constant) and isinstance(last.value, str) else ""
    return (prefix, suffix)


def looked_up_by_name(module: ModuleInfo) -> bool:
    """``getattr(obj, name)`` with a name computed at run time somewhere in the module, or a
    walk of an object's names (``dir(self)``, ``inspect.getmembers(self)``)."""
    return any(
        isinstance(node.func, ast.Name) and (
            node.func.id == "getattr" and len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant)
            or node.func.id in ("dir", "vars", "getmembers"))
        or isinstance(node.func, ast.Attribute) and node.func.attr == "getmembers"
        for node in module.index.calls
    )


def application(module: ModuleInfo) -> bool:
    """Whether ``module`` belongs to an application: a Home Assistant integration, or a project no
    folder of which, from the module's up to the project's marker, declares a distribution it
    builds for others to import (:func:`packaging.packaged`: not a ``pyproject.toml`` naming no
    build backend, as uv writes an application's)."""
    if "custom_components" in module.path.parts:
        return True
    root = project_root(module)
    if root is None:
        return False
    folder = module.path.parent
    while True:
        module.project.note_scan("markers", folder)
        memo = module.project.class_memo
        key = ("packaged", folder)
        if key not in memo:
            memo[key] = packaged(folder)
        if memo[key]:
            return False
        if folder == root or folder.parent == folder:
            return True
        folder = folder.parent

