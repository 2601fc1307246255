"""Ending an owned thing in its owner's release method: the fix TRD202 (a resource on ``self``)
and TRD303 (a task on ``self``) share. Decisions live here (is there such a method? is the fix
safe?), so the codemods only locate and rewrite.

A release method named as one (``close()``, ``__aexit__``, a configured shutdown name, a
framework's teardown) is where the object ends. One found only because it releases something
the class acquires (a teardown named its own way, ``finish()``) is a guess: a fix goes there
only when ``facts.end_of_life`` proves it the end of the object's life, else there is no fix."""

from __future__ import annotations

import ast
import builtins
import itertools
import keyword

from tradelint.core.fix_plan import EditSpec, FixSpec, Safety
from tradelint.facts.bindings import function_names
from tradelint.facts.context import ModuleInfo
from tradelint.facts.end_of_life import end_of_life
from tradelint.facts.ownership import release_method, release_method_guessed
from tradelint.facts.packaging import target_python
from tradelint.facts.syntax import FUNCTION_NODES, class_method
from tradelint.facts.uses import self_name


def _class_path(module: ModuleInfo, cls: ast.ClassDef) -> str:
    names = [cls.name]
    for ancestor in module.ancestors(cls):
        if isinstance(ancestor, ast.ClassDef):
            names.append(ancestor.name)
        elif isinstance(ancestor, FUNCTION_NODES):
            return ""  # a class inside a function: not addressed by path
    return ".".join(reversed(names))


def _async_shutdown(
    module: ModuleInfo, cls: ast.ClassDef, names: tuple[str, ...], own: bool = True
) -> ast.AsyncFunctionDef | None:
    """The class's release method (:func:`ownership.release_method`, the one the TRD202/TRD303
    messages name), when the class itself defines it as ``async def``: the fix adds an ``await``
    there. An inherited or sync release method gets no fix. ``own=False``: only a configured
    shutdown name (the task keeper of TRD301/TRD302, whose messages name no method: a class's
    ``stop_live_update()`` is no place to end every task it starts)."""
    methods = {s.name: s for s in cls.body if isinstance(s, ast.AsyncFunctionDef)}
    if not own:
        return next((methods[n] for n in names if n in methods), None)
    name = release_method(module, cls, names)
    return methods.get(name) if name is not None else None


def ending_method(
    module: ModuleInfo, cls: ast.ClassDef, names: tuple[str, ...], own: bool = True
) -> ast.AsyncFunctionDef | None:
    """The async shutdown-like method where the class's work ends: ``__aexit__`` that awaits
    ``self.close()`` leads to ``close()``, which callers also use without ``async with``."""
    method = _async_shutdown(module, cls, names, own)
    methods = {s.name: s for s in cls.body if isinstance(s, ast.AsyncFunctionDef)}
    seen: set[str] = set()
    while method is not None and method.name not in seen:
        seen.add(method.name)
        receiver = self_name(method)
        callee = next(
            (
                methods[node.value.func.attr]
                for node in ast.walk(method)
                if isinstance(node, ast.Await)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == receiver
                and node.value.func.attr in names
                and node.value.func.attr in methods
                and node.value.func.attr != method.name
            ),
            None,
        )
        if callee is None:
            return method
        method = callee
    return method


def unproven_release(module: ModuleInfo, cls: ast.ClassDef, names: tuple[str, ...]) -> str | None:
    """Why the class's release method may take no fix, in one line, when it is a guess
    (:func:`ownership.release_method_guessed`) that ``end_of_life`` does not prove: a method
    that releases a lock it took (``self.lock.release()`` in the ``finally`` of ``connect()``)
    releases something, and is no end of the object. None when the fix may go there."""
    if not release_method_guessed(module, cls, names):
        return None
    method = _async_shutdown(module, cls, names)
    return end_of_life(module, cls, method, names) if method is not None else None


def _assigned_in_init(cls: ast.ClassDef, attr: str) -> bool:
    init = class_method(cls, "__init__", ast.FunctionDef)
    if init is None:
        return False
    receiver = self_name(init)
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == attr
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
        for node in ast.walk(init)
    )


def shutdown_fix(
    module: ModuleInfo,
    cls: ast.ClassDef,
    attr: str,
    shutdown_names: tuple[str, ...],
    body: str,
    title: str,
    safety: Safety,
) -> FixSpec | None:
    """Append ``body`` (with ``{x}`` for ``self.attr``) to the class's async shutdown-like method,
    guarded by ``is not None`` when ``__init__`` sets the attribute, by ``getattr`` otherwise
    (:func:`present_guard`: ``{x}`` is then the local it binds)."""
    method = _async_shutdown(module, cls, shutdown_names)
    path = _class_path(module, cls)
    if method is None or not path or unproven_release(module, cls, shutdown_names) is not None:
        return None
    receiver = self_name(method) or "self"
    target = f"{receiver}.{attr}"
    where = "end"
    if any(
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Store)
        and node.attr == attr
        and isinstance(node.value, ast.Name)
        and node.value.id == receiver
        for node in ast.walk(method)
    ):
        # ``self._session = None`` in the method: the end comes before the attribute is dropped.
        where = "start"
    # ``self.crypto_db = self.db`` on some path: then it is the same object, which its own
    # release ends (maubot's ``stop()`` stops ``self.db``); released again through this name, it
    # would be ended twice.
    others = [
        f"{{x}} is not {receiver}.{other}" if _assigned_in_init(cls, other) else f'{{x}} is not getattr({receiver}, "{other}", None)'
        for other in aliased_attributes(cls, attr)
    ]
    if _assigned_in_init(cls, attr):
        value = target
        guard = _if(method.col_offset + 4, [f"{target} is not None", *(c.format(x=value) for c in others)])
    else:
        local = guard_local(method, cls, attr)
        if local is None:
            return None
        value = local
        guard = present_guard(receiver, attr, value, method.col_offset + 4, tuple(c.format(x=value) for c in others),
                              walrus_allowed(module))
    inner = method.col_offset + 8
    body_lines = [_fit("    " + line.format(x=value), inner - 4) for line in body.splitlines()]
    lines = guard.splitlines() + [part for line in body_lines for part in line]
    code = "\n".join(lines) + "\n"
    return FixSpec(
        title.format(method=method.name),
        safety,
        (
            EditSpec(
                "append_to_method",
                method,
                (("class", path), ("method", method.name), ("code", code), ("import", ""), ("where", where)),
            ),
        ),
    )


def aliased_attributes(cls: ast.ClassDef, attr: str) -> list[str]:
    """The other attributes of ``cls`` that a method stores in ``self.<attr>`` as they are
    (``self.crypto_db = self.db``), in source order: on that path the two name one object."""
    found: list[str] = []
    for method in (s for s in cls.body if isinstance(s, FUNCTION_NODES)):
        receiver = self_name(method)
        for node in ast.walk(method) if receiver is not None else ():
            if (isinstance(node, ast.Assign) and isinstance(value := node.value, ast.Attribute) and isinstance(value.value, ast.Name)
                    and value.value.id == receiver and value.attr != attr and value.attr not in found
                    and any(isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == receiver and t.attr == attr
                            for t in node.targets)):
                found.append(value.attr)
    return found


def guard_local(function: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef, attr: str) -> str | None:
    """The local that :func:`present_guard` binds ``self.attr`` to in ``function``: the
    attribute's name without its leading underscores (``self._pump``: ``pump``), with a suffix
    (``pump_2``) while ``function`` already binds or reads it, or it is a builtin or a keyword.
    The name keeps its underscores when another attribute the class reads or sets comes to the
    same name without them (``self._db`` beside ``self.db``): two guards in one method then bind
    two locals, which a type checker may give different types. None for a private name
    (``self.__session``), which Python stores mangled (``_Service__session``): ``getattr(self,
    "__session", None)`` never finds it, and the release would never run."""
    if mangled(attr):
        return None
    base = attr.lstrip("_")
    if not base.isidentifier() or any(
        isinstance(node, ast.Attribute) and node.attr != attr and node.attr.lstrip("_") == base for node in ast.walk(cls)
    ):
        base = attr
    taken = function_names(function) | _BUILTINS
    names = itertools.chain([base], (f"{base}_{n}" for n in itertools.count(2)))
    return next(n for n in names if n not in taken and not keyword.iskeyword(n) and not keyword.issoftkeyword(n))


_BUILTINS = frozenset(dir(builtins))


def mangled(attr: str) -> bool:
    """``self.__session`` in a class body is stored as ``self._Service__session``: no ``getattr``
    finds it by the name written."""
    return attr.startswith("__") and not attr.endswith("__")


def present_guard(receiver: str, attr: str, local: str, indent: int, also: tuple[str, ...] = (), walrus: bool = True) -> str:
    """``if (local := getattr(self, "attr", None)) is not None:`` (then ``and`` each of
    ``also``), the guard of a release of an attribute that may not be set yet (``stop()`` before
    ``start()``), at ``indent``. A type checker narrows the local it binds, where it would not
    narrow ``self.attr`` through a ``getattr`` test (a class that declares ``attr: Database |
    None``); the release then uses the local. Split as black splits it when the line is too long;
    with ``also`` too long for one line, and with ``walrus=False`` (a project that supports
    Python 3.7, which has no ``:=``), ``local = getattr(...)`` on a line of its own, then ``if
    local is not None:``."""
    bound = f'getattr({receiver}, "{attr}", None)'
    rest = " is not None" + "".join(f" and {c}" for c in also) + ":"
    guard = f"if ({local} := {bound}){rest}"
    if walrus and indent + len(guard) <= MAX_LINE:
        return guard
    if walrus and not also:
        return f"if (\n    {local} := {bound}\n){rest}"
    return f"{local} = {bound}\n" + _if(indent, [f"{local} is not None", *also])


def _if(indent: int, conditions: list[str]) -> str:
    """``if a and b:`` at ``indent``, or, longer than ``MAX_LINE``, one condition a line as black
    splits a long chain of ``and``."""
    guard = f"if {' and '.join(conditions)}:"
    if indent + len(guard) <= MAX_LINE:
        return guard
    return "if (\n    " + "\n    and ".join(conditions) + "\n):"


def walrus_allowed(module: ModuleInfo) -> bool:
    """Whether every Python the project supports has ``:=`` (3.8 and later)."""
    return target_python(module) >= (3, 8)


def _fit(line: str, indent: int) -> list[str]:
    """``f(a, b)`` as one line when it fits in ``MAX_LINE`` at ``indent``, else its arguments on a
    line of their own."""
    if indent + len(line) <= MAX_LINE or not line.endswith(")") or "(" not in line:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    head, _, args = line.partition("(")
    return [head + "(", lead + "    " + args[:-1], lead + ")"]


MAX_LINE = 79  # the inserted code fits flake8's default, the strictest of the usual limits
