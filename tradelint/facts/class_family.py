"""A class and its first-party bases read from module summaries: what ``class_and_bases`` finds,
without parsing a base's module to learn its bases, its methods or where it is.

The order is ``resource_model.class_and_bases``'s (the class first, then each base as the search
meets it), so that a method found first here is the one found first there.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import cast

from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_references import search_root
from tradelint.facts.project_files import files_naming
from tradelint.facts.named_classes import class_named, resolve_ref
from tradelint.facts.summary_data import ClassFacts, MethodFacts, ModuleSummary
from tradelint.facts.syntax import FUNCTION_NODES, base_class, base_init_calls, class_method

Member = tuple[ModuleSummary, ClassFacts]


def family_facts(module: ModuleInfo, cls: ast.ClassDef) -> list[Member]:
    """``cls`` and every first-party base class that can be resolved, as summary facts."""
    memo = module.project.class_memo
    key = ("family-facts", cls)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _family(module, cls)
    return list(found)


def _family(module: ModuleInfo, cls: ast.ClassDef) -> list[Member]:
    own = module.summary
    facts = own.classes.get(cls.lineno)
    if facts is None:
        return []
    found: list[Member] = [(own, facts)]
    seen = {(own.path, facts.line)}
    queue = [(own, facts)]
    while queue:
        summary, current = queue.pop()
        for ref in current.bases:
            base = resolve_ref(module.project, summary, ref)
            if base is not None and (base[0].path, base[1].line) not in seen:
                seen.add((base[0].path, base[1].line))
                found.append(base)
                queue.append(base)
    return found


def visible_methods(module: ModuleInfo, cls: ast.ClassDef) -> dict[str, tuple[ModuleSummary, ClassFacts, MethodFacts]]:
    """Methods visible on ``self`` in ``cls``: its own first, then its first-party bases'
    (``creators._methods``, as facts)."""
    found: dict[str, tuple[ModuleSummary, ClassFacts, MethodFacts]] = {}
    for summary, facts in family_facts(module, cls):
        for name, method in facts.methods.items():
            found.setdefault(name, (summary, facts, method))
    return found


def method_node(
    module: ModuleInfo, summary: ModuleSummary, facts: ClassFacts, method: MethodFacts
) -> tuple[ModuleInfo, ast.FunctionDef | ast.AsyncFunctionDef] | None:
    """The tree of one method found in the facts: the checked module's own, or its module's
    (parsed again if the budget forgot it): only for a method whose body is walked."""
    found = class_node(module, summary, facts)
    if found is None:
        return None
    for stmt in found[1].body:
        if isinstance(stmt, FUNCTION_NODES) and stmt.name == method.name and stmt.lineno == method.line:
            return found[0], stmt
    return None


def bases_naming(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    """``class_and_bases`` for a question about ``attr`` (is ``self.attr`` ended, made, declared
    by a base?): the bases whose summary never names it are left out, so that their modules are
    not parsed; they would answer nothing about it."""
    found = [(module, cls)]
    for summary, facts in family_facts(module, cls)[1:]:
        if facts.names(attr):
            node = class_node(module, summary, facts)
            if node is not None:
                found.append(node)
    return found


def class_node(module: ModuleInfo, summary: ModuleSummary, facts: ClassFacts) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The tree of a class found in the facts (its module parsed again if the budget forgot it)."""
    path = module.project.absolute(summary.path)
    owner = module if path == module.path else module.project.kept(path) or module.project.module_at(path)
    if owner is None or owner.digest != summary.digest:
        return None
    for cls in owner.index.classes:
        if cls.lineno == facts.line:
            return owner, cls
    return None


def resolve_definition(module: ModuleInfo, expr: ast.AST) -> tuple[ModuleInfo, ast.stmt] | None:
    """The first-party class or function an expression names, in this module or another."""
    if isinstance(expr, ast.Name) and expr.id in module.top_level and expr.id not in module.imports.names:
        return module, module.top_level[expr.id]
    qualified = module.imports.qualify(expr)
    if qualified is None:
        return None
    return module.project.lookup(qualified, module.roots)


def declared_by_a_base(module: ModuleInfo, cls: ast.ClassDef, attr: str) -> bool:
    """A first-party base declares ``attr: T`` without a value (an interface of a composite,
    as Red's audio cog mixins do): the attribute belongs to the class that combines the mixins,
    whose other parts may end it, and this class alone cannot be judged."""
    for _, base in bases_naming(module, cls, attr)[1:]:
        for stmt in base.body:
            if (
                isinstance(stmt, ast.AnnAssign)
                and stmt.value is None
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == attr
                and not any(
                    isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name in ("close", "aclose")
                    for m in base.body
                )
            ):
                return True
    return False


def class_and_bases(module: ModuleInfo, cls: ast.ClassDef) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    """``cls`` and every first-party base class that can be resolved, with their modules."""
    memo = module.project.class_memo
    key = ("bases", cls)
    if key not in memo:
        memo[key] = _class_and_bases(module, cls)
    return list(cast("list[tuple[ModuleInfo, ast.ClassDef]]", memo[key]))


def _class_and_bases(module: ModuleInfo, cls: ast.ClassDef) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    found = [(module, cls)]
    seen = {cls}
    queue = [(module, cls)]
    while queue:
        current, node = queue.pop()
        for base in node.bases:
            # ``class ChatAgent(RespondAgent[ChatConfig])``: a generic base is the class it subscripts.
            named = resolve_class_node(current, base_class(base))
            if named is not None and named[1] not in seen:
                seen.add(named[1])
                found.append(named)
                queue.append(named)
    return found


def resolve_class_node(module: ModuleInfo, expr: ast.AST) -> tuple[ModuleInfo, ast.ClassDef] | None:
    """The first-party top-level class an expression names, with its module: in this module, or
    found from the summaries and then read (no installed source)."""
    if isinstance(expr, ast.Name) and expr.id not in module.imports.names:
        stmt = module.top_level.get(expr.id)
        return (module, stmt) if isinstance(stmt, ast.ClassDef) else None
    named = class_named(module, expr)
    if named is None:
        return None  # known from the summaries, without parsing the module it names
    project = module.project
    path = project.absolute(named[0].path)
    line = named[1].line
    kept = project.kept(path)
    if kept is None:
        summary = project.summary(path)
        if summary is None or summary.classes.get(line) is None:
            return None
        kept = project.module_at(path)
        if kept is None:
            return None
    for stmt in kept.top_level.values():
        if isinstance(stmt, ast.ClassDef) and stmt.lineno == line:
            return kept, stmt
    return None


# ``class Name(Base, other.Mixin, metaclass=M):``, bases across lines included.
_CLASS_BASES = re.compile(rb"^[ \t]*class[ \t]+\w+[ \t]*\(([^)]*)\)", re.MULTILINE)


def _cooperative(cls: ast.ClassDef) -> bool:
    """A class of no base whose ``__init__`` passes its keywords on (``super().__init__(**kwargs)``):
    a mixin meant to be combined (Red's ``RPCMixin``), whose objects are those of the classes
    built from it, even though it has an ``__init__`` of its own."""
    init = class_method(cls, "__init__")
    if cls.bases or init is None or init.args.kwarg is None:
        return False
    return any(base is None and any(k.arg is None for k in call.keywords) for call, base in base_init_calls(init))


def subclasses_in_project(module: ModuleInfo, cls: ast.ClassDef, mixins_only: bool = True, installed: bool = False) -> list[tuple[ModuleInfo, ast.ClassDef]]:
    """For a mixin (a class with no ``__init__`` of its own: what it sets on ``self`` lives in
    the objects of the classes built from it), the first-party classes of the project that name
    it among their bases, wherever they are (a Red cog assembled from mixins of other modules):
    found through an index of every class statement's base names, built once per run, then
    resolved to be ``cls`` itself. A class with an ``__init__`` makes objects of its own, which
    a subclass's end does not reach: none, unless ``mixins_only`` is False (what a base's method
    reads on ``self`` that only its subclasses store). ``installed``: also a subclass in another
    distribution of the repository, which names the base as installed (``plugin.Base`` of a
    package none of its own import roots holds): its base is looked up from ``cls``'s roots."""
    if mixins_only and not _cooperative(cls) and any(isinstance(s, FUNCTION_NODES) and s.name == "__init__" for s in cls.body):
        return []
    project = module.project
    root = search_root(module)
    project.note_scan(f"mentions {cls.name}", root)
    # Kept under a word every class statement holds, so that an edited file drops it.
    memo = cast("dict[object, dict[str, set[Path]]]", project.scan_memo("class"))
    index = memo.get(("bases", root))
    if index is None:
        index = memo[("bases", root)] = {}
        for path, data in files_naming(project, root, "class"):
            for bases in _CLASS_BASES.findall(data):
                for base in bases.split(b","):
                    name = base.strip().rpartition(b".")[2].decode("utf-8", "replace")
                    if name.isidentifier():
                        index.setdefault(name, set()).add(path)
    found: list[tuple[ModuleInfo, ast.ClassDef]] = []
    for path in sorted(index.get(cls.name, ())):
        other = module if path == module.path else project.module_at(path)
        if other is None:
            continue
        for sub in other.index.classes:
            if sub is cls:
                continue
            for base in sub.bases:
                named = resolve_definition(other, base)
                if named is None and installed and (qualified := other.imports.qualify(base)) is not None:
                    named = project.lookup(qualified, module.roots)
                if named is not None and named[0].path == module.path and getattr(named[1], "lineno", None) == cls.lineno:
                    found.append((other, sub))
                    break
    return found


def class_of_cls(module: ModuleInfo, func: ast.expr) -> ast.Name | None:
    """``cls`` (the first parameter of the enclosing ``@classmethod``) named as the class."""
    if not isinstance(func, ast.Name):
        return None
    method = module.enclosing_function(func)
    owner = module.parent(method) if method is not None else None
    if method is None or not isinstance(owner, ast.ClassDef) or module.top_level.get(owner.name) is not owner:
        return None
    params = method.args.posonlyargs + method.args.args
    if not params or params[0].arg != func.id:
        return None
    if not any(isinstance(d, ast.Name) and d.id == "classmethod" for d in method.decorator_list):
        return None
    return ast.Name(owner.name, ast.Load())
