"""Whether a Home Assistant integration ever enters an instance of one of its classes with
``async with`` (session 70, a false positive on fresh applications).

An integration's classes have no users outside it: Home Assistant imports the integration, never
its client classes. A class that defines ``__aenter__``/``__aexit__`` but that the integration
itself only ever starts and ends by hand (``await client.login()`` ... ``await client.close()``)
never runs its ``__aenter__``, and what that ``__aenter__`` could leave open when it fails is no
path the program takes (dvophuysen/ha-untis-archive's ``UntisClient``, dknowles2/ha-ninebot's
``NinebotClient``). A library's class is entered by its users, whom the project does not show:
outside an integration the question is not asked.

Read conservatively, in the files of the integration that name the class or a subclass of it:
an ``async with`` (or ``enter_async_context(...)``, or a call of ``__aenter__`` not on
``super()``) of a call of the class (``async with Client(...)``, ``Client.create(...)``), or of a
name or attribute that some statement of those files binds to such a call or annotates with the
class, or of anything those files cannot tell (a subscript, a call of something else whose result
may be one), enters it."""

from __future__ import annotations

import ast
from pathlib import Path

from tradelint.facts.context import ModuleInfo
from tradelint.facts.framework_ends import integration_folder
from tradelint.facts.project_files import files_naming
from tradelint.facts.syntax import last_name, walk


def never_entered_in_integration(module: ModuleInfo, cls: ast.ClassDef) -> bool:
    """Whether ``cls`` belongs to a Home Assistant integration none of whose code enters an
    instance of it (or of a subclass of it) with ``async with``."""
    folder = integration_folder(module)
    if folder is None:
        return False
    # Kept in the memo of every name searched (a changed text naming one of them drops it there),
    # and each search noted on every call, memo hit or not: the cache must know what it relied on.
    project = module.project
    key = ("entered-in-integration", folder, module.path, cls.lineno)
    found = project.scan_memo(cls.name).get(key)
    if found is None or not all(key in project.scan_memo(name) for name in found[1]):
        searched: set[str] = set()
        found = (not _entered(module, folder, cls.name, searched), tuple(sorted(searched)))
        for name in found[1]:
            project.scan_memo(name)[key] = found
    for name in found[1]:
        project.note_scan(f"mentions {name}", folder)
    return bool(found[0])


def _entered(module: ModuleInfo, folder: Path, name: str, searched: set[str]) -> bool:
    names = {name}
    trees: dict[int, ast.Module] = {id(module.tree): module.tree}
    for _ in range(3):  # (the class, its subclasses and makers, theirs: a few rounds)
        for wanted in sorted(names - searched):
            searched.add(wanted)
            for path, _ in files_naming(module.project, folder, wanted):
                other = module if path == module.path else module.project.module_at(path)
                if other is None:
                    return True  # (a file that cannot be read: anything may be in it)
                trees[id(other.tree)] = other.tree
        # Subclasses, and functions that make one (``return Client(...)``, ``-> Client``): what
        # their callers enter may be one too.
        names.update(
            node.name for tree in trees.values() for node in walk(tree)
            if (isinstance(node, ast.ClassDef) and any(last_name(base) in names for base in node.bases))
            or (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _makes(node, names))
        )
        if names <= searched:
            break
    bound = {place for tree in trees.values() for place in _bound_to(tree, names)}
    for tree in trees.values():
        for node in walk(tree):
            for entered in _entered_values(node):
                if _may_be(entered, names, bound):
                    return True
    return False


def _entered_values(node: ast.AST) -> list[ast.expr]:
    """What ``node`` enters: the items of an ``async with``, the argument of
    ``enter_async_context(...)``, the receiver of ``x.__aenter__()`` (not ``super()``'s)."""
    if isinstance(node, ast.AsyncWith):
        return [item.context_expr for item in node.items]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "enter_async_context" and node.args:
            return [node.args[0]]
        receiver = node.func.value
        if node.func.attr == "__aenter__" and not (isinstance(receiver, ast.Call) and last_name(receiver.func) == "super"):
            return [receiver]
    return []


def _bound_to(tree: ast.Module, names: set[str]) -> set[str]:
    """The last names of the places ``tree`` binds to a call of one of ``names`` or annotates
    with one of them (``client = Client(...)``, ``self._client: Client``)."""
    found: set[str] = set()
    for node in walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and _made_by(node.value, names):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.update(last_name(t) for t in targets if isinstance(t, (ast.Name, ast.Attribute)))
        if isinstance(node, ast.AnnAssign) and _names_one(node.annotation, names):
            found.add(last_name(node.target) if isinstance(node.target, (ast.Name, ast.Attribute)) else "")
        if isinstance(node, ast.arg) and _names_one(node.annotation, names):
            found.add(node.arg)
    return found


def _makes(function: ast.FunctionDef | ast.AsyncFunctionDef, names: set[str]) -> bool:
    if _names_one(function.returns, names):
        return True
    return any(isinstance(n, ast.Return) and n.value is not None and _made_by(n.value, names) for n in walk(function))


def _names_one(annotation: ast.expr | None, names: set[str]) -> bool:
    """An annotation that names one of ``names`` (``Client``, ``Client | None``; a string is not read)."""
    return annotation is not None and any(
        last_name(n) in names for n in walk(annotation) if isinstance(n, (ast.Name, ast.Attribute))
    )


def _made_by(value: ast.expr, names: set[str]) -> bool:
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    return last_name(func) in names or (isinstance(func, ast.Attribute) and last_name(func.value) in names)


def _may_be(entered: ast.expr, names: set[str], bound: set[str]) -> bool:
    """Whether what is entered may be an instance of one of ``names``."""
    if isinstance(entered, ast.Await):
        entered = entered.value
    if isinstance(entered, ast.Call):
        if _made_by(entered, names):
            return True
        func = entered.func
        # A library's own context managers and those of other names are not the class's; a
        # call of a name the files bind to an instance (``client.session()``) is not either.
        return isinstance(func, (ast.Name, ast.Attribute)) and last_name(func) in bound
    if isinstance(entered, (ast.Name, ast.Attribute)):
        return last_name(entered) in bound
    return True  # (a subscript, a conditional: cannot be told)
