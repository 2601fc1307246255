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
  ``__init_subclass__``), or one that no file names (below), neither a dunder (Python calls those) nor decorated
  other than as a ``staticmethod`` or ``classmethod`` (a decorator may register it);
- the class has no decorator and no metaclass, and every class of its lineage is first-party (a
  library base, or a framework's, calls its methods by name: ``async_turn_on``,
  ``_async_update_data``, ``run``; ``object`` and ``ABC`` aside), as is every lineage of its
  subclasses in the project (a mixin composed into a first-party controller);
- no ``getattr(x, name)`` of its module looks a method up by a computed name, and no instance of
  the class made in the project reaches code outside it, which may call any method by name
  (``bot.add_cog(Mentions(bot))``: an argument of a call of no first-party function, directly or
  through the name or attribute it is bound to, returned, yielded or put in a container);
- no file of the project names it as a word other than where a ``def`` defines it: not a call,
  not a bound method handed on, not a string (``"process_audio"`` in a dispatch table), not a
  comment;
- the module is not a test module, and it belongs to an application: a Home Assistant
  integration (under ``custom_components``), or a project none of whose folders between the
  module and the project's marker holds ``setup.py``, ``setup.cfg`` or a ``pyproject.toml``
  declaring a distribution (``[project]``, ``[tool.poetry]``): a library's public method is
  called by the code that imports it, which is not in the project.

Which files name the method is a ``mentions NAME`` scan of the project's folder, so a cached
verdict is read again when a file starts or stops naming it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tradelint.facts.class_family import class_and_bases, resolve_class_node, resolve_definition, subclasses_in_project
from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import in_tests
from tradelint.facts.packaging import is_installable
from tradelint.facts.project_files import files_naming, project_root
from tradelint.facts.syntax import FUNCTION_NODES, base_class

__all__ = ["uncalled"]

# Bases that add no method a library calls.
_NEUTRAL_BASES = frozenset({"object", "ABC"})

# Decorators that change how a method is bound, not who calls it.
_BINDING_DECORATORS = frozenset({"staticmethod", "classmethod"})

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


def _uncalled(module: ModuleInfo, method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    cls = module.parent(method)
    assert isinstance(cls, ast.ClassDef)
    name = method.name
    if name.startswith("__") and name.endswith("__"):
        return False
    if any(not (isinstance(d, ast.Name) and d.id in _BINDING_DECORATORS) for d in method.decorator_list):
        return False
    if cls.decorator_list or cls.keywords or in_tests(module) or not _application(module):
        return False
    if not _first_party_lineage(module, cls) or _looked_up_by_name(module):
        return False
    root = project_root(module)
    if root is None:
        return False
    text = module.text
    if text is None:
        return False  # (a module without its text at hand is not judged)
    lines = text.splitlines(keepends=True)
    outside = "".join(lines[: cls.lineno - 1] + lines[cls.end_lineno or cls.lineno :]).encode("utf-8", "surrogateescape")
    memo = module.project.class_memo
    key = ("class_named", cls)
    if key not in memo:
        memo[key] = _named_in_project(module, root, cls.name, outside)
    if not memo[key]:
        # Nothing outside the class names it (no import, no call, no base, no string): none of
        # its methods runs, unless a base registers its subclasses itself.
        return not _registers_subclasses(module, cls)
    if _named_in_project(module, root, name, text.encode("utf-8", "surrogateescape")):
        return False
    return _subclasses_first_party(module, cls) and not _handed_to_a_library(module, root, cls)


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
            if sub.decorator_list or sub.keywords or not _first_party_lineage(sub_module, sub):
                return False
            seen.add(sub)
            queue.append((sub_module, sub))
    return True


def _handed_to_a_library(module: ModuleInfo, root: Path, cls: ast.ClassDef) -> bool:
    """Whether an instance of ``cls`` made in the project may reach code outside it, which may
    call any of its methods by name (discord.py's ``bot.add_cog(Mentions(bot))`` registers its
    ``on_message``): given to a call of no first-party function, directly or through the name
    or attribute it is bound to, or returned, yielded or put in a container."""
    for path, _ in files_naming(module.project, root, cls.name):
        other = module if module.project.absolute(path) == module.path else module.project.module_at(path)
        if other is None:
            return True
        for call in other.index.calls:
            func = call.func
            if (func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "") == cls.name and _escapes(other, call):
                return True
    return False


def _escapes(module: ModuleInfo, made: ast.Call) -> bool:
    parent = module.parent(made)
    if isinstance(parent, ast.keyword):
        parent = module.parent(parent)
    if isinstance(parent, ast.Call) and parent.func is not made:
        return resolve_definition(module, parent.func) is None
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        scope = module.enclosing_function(made) or module.tree
        if any(isinstance(t, ast.Attribute) for t in targets):
            scope = module.tree  # (``self.app = App()``: any method of the module may hand it on)
        spelled = {ast.unparse(t) for t in targets if isinstance(t, (ast.Name, ast.Attribute))}
        if len(spelled) != len(targets):
            return True  # (unpacked, subscripted: followed no further)
        return any(
            isinstance(node, ast.Call) and resolve_definition(module, node.func) is None
            and any(ast.unparse(a) in spelled for a in (*node.args, *(k.value for k in node.keywords)))
            or isinstance(node, (ast.Return, ast.Yield)) and node.value is not None and ast.unparse(node.value) in spelled
            for node in ast.walk(scope)
        )
    return not isinstance(parent, (ast.Expr, ast.Attribute, ast.Await))


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
    word = re.escape(name.encode("utf-8"))
    every = len(re.findall(rb"(?<![A-Za-z0-9_])" + word + rb"(?![A-Za-z0-9_])", data))
    defined = len(re.findall(rb"(?<![A-Za-z0-9_])(?:def|class)[ \t]+" + word + rb"(?![A-Za-z0-9_])", data))
    return every > defined


def _first_party_lineage(module: ModuleInfo, cls: ast.ClassDef) -> bool:
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


def _looked_up_by_name(module: ModuleInfo) -> bool:
    """``getattr(obj, name)`` with a name computed at run time somewhere in the module."""
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
        and len(node.args) >= 2 and not isinstance(node.args[1], ast.Constant)
        for node in module.index.calls
    )


def _application(module: ModuleInfo) -> bool:
    """Whether ``module`` belongs to an application: a Home Assistant integration, or a project no
    folder of which, from the module's up to the project's marker, declares a distribution."""
    if "custom_components" in module.path.parts:
        return True
    root = project_root(module)
    if root is None:
        return False
    folder = module.path.parent
    while True:
        module.project.note_scan("markers", folder)
        memo = module.project.class_memo
        key = ("installable", folder)
        if key not in memo:
            memo[key] = is_installable(folder)
        if memo[key]:
            return False
        if folder == root or folder.parent == folder:
            return True
        folder = folder.parent

