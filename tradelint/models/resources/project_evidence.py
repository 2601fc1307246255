"""A library type the project's own code releases is a resource (a preview until session 25).

A class of a package that is neither installed nor in the project, nor read into the library
table (``from somelib import Gateway``), is never judged by what it is: nothing says it holds
anything. The project may say so itself: when some first-party module (not a test) makes an
instance, ``gw = Gateway(host)`` or ``self.gw = Gateway(host)``, and awaits a method of that
very instance whose name says it ends the whole object (``close``, ``aclose``, ``stop``,
``shutdown``, ``disconnect``, ``cleanup``, ``teardown``, ``terminate``, or ``async_`` and one of
them, given no positional argument but constants: ``stop(guild_id)`` ends a part; not ``is_release_name``'s suffixed forms, which for a class whose code is not read end
something else: alexapy's ``disconnect_bluetooth()``) (``await gw.close()`` in the same function, ``await
self.gw.disconnect()`` in a method of the same class), a ``Gateway`` is something its makers
must release, and every other instance the project makes is judged as a first-party resource
type released by that method.

Proven, not guessed: the released receiver is bound from the constructor call of the type in the
same function (a local) or class (an attribute of ``self``), or typed by an annotation (a
parameter's, or an attribute's that a class of the same module declares once and alike: a Home
Assistant integration's ``runtime_data`` dataclass field, ``client: Gateway``); a receiver known by
its name alone is no evidence, nor is an ``async with``, which says only that the type has
``__aexit__``: it may only wrap what it is given. A name the library table
(``packs/library_resources.json``) has (a type, a versioned type, a holder) is judged by the
library's own code, as the table read it; any other class of a package the table read is
judged here, as one of a package it did not read (session 64: the table's silence on a class
says only that no generator rule fits it, pytapo's ``Streamer`` keeping an ffmpeg process;
before, it made every class of the package hold nothing, and each generator gap a lost
finding). Tests close what they make whether it holds anything or not: they give no
evidence.

Answered from an index built once per project and run (``Project.scan_memo``): only the
project's files whose text awaits a release-named method of a receiver it also assigns a call of
a CapWords name to are parsed for it (66 of OctoBot's 2,942). A package is the project's
own when a module or folder of the project has its name (``core.paginator`` of a bot run from its
root folder), whatever folder the asking module's imports start from.
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

from tradelint.facts.class_body import annotation_head
from tradelint.facts.context import ModuleInfo
from tradelint.facts.first_party import supplies
from tradelint.facts.owned_elements import element_sources, self_collection_added
from tradelint.facts.project_files import files_naming, project_files, project_root
from tradelint.facts.uses import bound_once, self_name
from tradelint.facts.syntax import capword, parameter
from tradelint.models.resources.library_table import library_judged
from tradelint.models.resources.resource_types import EXCHANGE_MODULES, ResourceSpec
from tradelint.models.resources.statements import _capword_callee


def released_by_project(module: ModuleInfo, qualified: str, table: Iterable[str]) -> ResourceSpec | None:
    """The spec of the third-party class ``qualified`` (as ``module`` imports it) when code of
    the project releases an instance of it; None otherwise. ``table``: the run's resource table
    (built in and configured); a package it or the library table names is judged by it."""
    package = qualified.partition(".")[0]
    name = _maker(qualified)
    if name is None or package in sys.stdlib_module_names:
        return None
    if library_judged(qualified) or any(n.partition(".")[0] == package for n in (*table, *EXCHANGE_MODULES)):
        return None
    named_alike = module.project.find_path(package, module.roots) is not None
    if named_alike and supplies(module.project, qualified, module.roots):
        return None  # judged by its own code (``first_party_type``), whatever the project says
    # Without a project marker (a package checked on its own, an integration's folder), the
    # folder its absolute imports start from: what can be told of the code beside it.
    root = project_root(module) or (module.roots[0] if module.roots else None)
    if root is None:
        return None
    # For the cache, memo or not: what is said of this class is said in files that name it
    # (``gw = Gateway(...)`` ... ``await gw.close()``), and that ``_index`` reads
    # (``may_be_evidence``), not in every file of the tree; and in the tree's file names.
    module.project.note_scan(f"releases {name.partition('.')[0]}", root)
    first_party, released = _index(module, root)
    if not named_alike and (_first_party(first_party, qualified) or _beside_the_code(module, package)):
        return None  # judged by its own code (``first_party_type``)
    release = released.get((package, name))
    return ResourceSpec(release, lazy=True, first_party=True, evidenced=True) if release is not None else None


def _beside_the_code(module: ModuleInfo, package: str) -> bool:
    """Whether a module or folder named ``package`` lies in a folder holding ``module``, going up
    while the folders hold Python files: without a project marker (a bot run from its root folder,
    ``bot.py`` beside ``cogs/`` and ``core/``, no ``__init__`` anywhere), ``core.paginator`` is the
    bot's own code, never a library the project could evidence."""
    memo = module.project.class_memo
    folder = module.path.parent
    while True:
        key = ("beside-the-code", folder, package)
        if key not in memo:
            memo[key] = os.path.isdir(folder / package) or os.path.isfile(folder / f"{package}.py")
        # For the cache, memo or not: the folder's modules, and the package's folder beside them.
        module.project.note_scan("folder", folder)
        module.project.note_scan("folder", folder / package)
        parent = folder.parent
        if memo[key] or parent == folder or not _holds_python(module, parent):
            return bool(memo[key])
        folder = parent


def _holds_python(module: ModuleInfo, folder: Path) -> bool:
    memo = module.project.class_memo
    key = ("holds-python", folder)
    if key not in memo:
        try:
            memo[key] = any(name.endswith(".py") for name in os.listdir(folder))
        except OSError:
            memo[key] = False
    return bool(memo[key])


def _maker(qualified: str) -> str | None:
    """How a call names what it makes: ``Gateway`` for ``somelib.Gateway(...)``, and
    ``Database.create`` for a class's own maker (``somelib.Database.create(...)``), which the
    evidence must spell alike: what such a method returns is not read, only what the project
    does with it."""
    parts = qualified.split(".")
    if len(parts) >= 2 and parts[-1][:1].isupper():
        return parts[-1]
    if len(parts) >= 3 and parts[-2][:1].isupper() and parts[-1][:1].islower() and not parts[-1].startswith("_"):
        return f"{parts[-2]}.{parts[-1]}"
    return None


# ``await <receiver>.<method>(`` where the receiver (a name, or ``self.<attr>``) is also assigned
# a call of a CapWords name (``gw = Gateway(``, ``self.db = somelib.Database.create(``): a file
# without one holds no evidence and is not parsed.
_AWAITED_CALL = re.compile(rb"await\s+(\w+(?:\.\w+)?)\.(\w+)\(")
_AWAITED_ITEM = re.compile(rb"await\s+\w+(?:\.\w+)?\[[^\]\n]*\]\.(\w+)\(")
_MADE = rb"\s*(?::[^=\n]*)?=\s*(?:await\s+)?[\w.]*\b[A-Z]\w*(?:\.\w+)?\("


# ``await <anything>.<method>(`` and an annotation naming a CapWords class (``client: Gateway``,
# ``gw: somelib.Gateway | None``): the receiver of a release may be typed by it.
_AWAITED_ANY = re.compile(rb"await\s+[\w.]+\.(\w+)\(")
_ANNOTATED = re.compile(rb"\w\s*:\s*(?:Optional\[)?[\w.]*\b[A-Z]\w*")


# A release of the whole object, as a library names it: a method of a class whose code is not read
# says no more than its name, and ``disconnect_bluetooth()`` (alexapy's ``AlexaAPI``) or
# ``release()`` (a lock) ends something else.
_WHOLE_RELEASE = re.compile(r"^(async_)?(a?close|stop|shutdown|disconnect|cleanup|teardown|terminate)$")


def may_be_evidence(relative: Path, data: bytes) -> bool:
    """Whether the project's file at ``relative`` (to its root), with text ``data``, is one the
    index reads: not a test, and with a release of something it makes (the cache's ``releases``
    records keep these files)."""
    return not _is_test(relative) and _may_hold_evidence(data)


def _may_hold_evidence(data: bytes) -> bool:
    if b"await" not in data:
        return False
    if _ANNOTATED.search(data) and any(_WHOLE_RELEASE.match(m.decode("ascii")) for m in _AWAITED_ANY.findall(data)):
        return True  # ``client: Gateway`` ... ``await entry.runtime_data.client.close()``
    receivers = {receiver for receiver, method in _AWAITED_CALL.findall(data) if _WHOLE_RELEASE.match(method.decode("ascii"))}
    if any(re.search(re.escape(receiver) + _MADE, data) for receiver in receivers):
        return True
    # ``await self.clients[key].close()``: an element released, any local made to be put there.
    return any(_WHOLE_RELEASE.match(m.decode("ascii")) for m in _AWAITED_ITEM.findall(data)) and re.search(rb"\w" + _MADE, data) is not None


# What tells a project's own module from a library's: the names of its modules and folders, and
# each module's path (``/src/ai/backend/common/client_pool``) by its last name.
FirstParty = tuple[frozenset[str], dict[str, tuple[str, ...]]]


def _index(module: ModuleInfo, root: Path) -> tuple[FirstParty, dict[tuple[str, str], str]]:
    """Once per project and run: what is its own code (:func:`_first_party`), and the release
    each third-party class (package, name) is given somewhere in it. Dropped when the text of a
    file that awaits anything changes."""
    memo = module.project.scan_memo("await")
    key = ("released-by-project", root)
    if key in memo:
        return memo[key]  # type: ignore[no-any-return]
    files = project_files(module.project, root) or []
    by_last: dict[str, list[str]] = {}
    for path in files:
        where = path.parent if path.name == "__init__.py" else path.with_suffix("")
        by_last.setdefault(where.name, []).append(where.as_posix())
    first_party: FirstParty = (
        frozenset(name for path in files for name in (root.name, path.stem, *path.relative_to(root).parts[:-1])),
        {name: tuple(paths) for name, paths in by_last.items()},
    )
    released: dict[tuple[str, str], str] = {}
    for path, data in files_naming(module.project, root, "await"):
        if not may_be_evidence(path.relative_to(root), data):
            continue
        other = module if path == module.path else module.project.module_at(path)
        if other is not None:
            for found, release in (*_released_in(other, first_party), *_annotated_releases(other, first_party)):
                released.setdefault(found, release)
    memo[key] = (first_party, released)
    return first_party, released


def _first_party(first_party: FirstParty, qualified: str) -> bool:
    """Whether ``qualified`` names code of the project: its top-level package is a module or
    folder of it (``core.paginator`` of a bot run from its root folder, whatever folder the asking
    module's imports start from), or the module it is imported from is a file of it
    (``ai.backend.common.client_pool`` under a namespace package ``ai``, with no ``__init__``)."""
    names, by_last = first_party
    if qualified.partition(".")[0] in names:
        return True
    parts = qualified.split(".")
    for end in range(len(parts) - 1, 0, -1):
        suffix = "/" + "/".join(parts[:end])
        if any(path.endswith(suffix) for path in by_last.get(parts[end - 1], ())):
            return True
    return False


def _is_test(path: Path) -> bool:
    """A test module or helper, by its path inside the project."""
    return (
        any(part in ("tests", "test", "testing") for part in path.parts)
        or path.name.startswith("test_")
        or path.name.endswith("_test.py")
        or path.name == "conftest.py"
    )


def _released_in(module: ModuleInfo, first_party: FirstParty) -> Iterator[tuple[tuple[str, str], str]]:
    """Each third-party class (package, name) an instance of which ``module`` makes and awaits a
    release of, with that release: a local of the same function, an attribute of ``self`` in the
    same class."""
    for call in module.index.calls:
        func = call.func
        if not _capword_callee(func):
            continue
        assign = module.parent(call)
        if isinstance(assign, ast.Await):  # ``client = await Client.connect(url)``
            assign = module.parent(assign)
            if not isinstance(assign, (ast.Assign, ast.AnnAssign)) or not isinstance(assign.value, ast.Await):
                continue
        elif not isinstance(assign, (ast.Assign, ast.AnnAssign)) or assign.value is not call:
            continue
        qualified = module.imports.qualify(func)
        name = _maker(qualified) if qualified is not None else None
        if qualified is None or name is None or qualified.partition(".")[0] in sys.stdlib_module_names:
            continue
        package = qualified.partition(".")[0]
        if _own_code(module, first_party, qualified) or may_be_shared(module, call):
            continue
        targets = assign.targets if isinstance(assign, ast.Assign) else [assign.target]
        function = module.enclosing_function(call)
        if len(targets) != 1 or function is None:
            continue
        target = targets[0]
        found: str | None = None
        if isinstance(target, ast.Name):
            local = target.id
            found = _awaited_release(function, lambda r: isinstance(r, ast.Name) and r.id == local)
            if found is None:
                found = _element_release(module, function, local)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            receiver, cls = self_name(function), module.parent(function)
            if receiver == target.value.id and isinstance(cls, ast.ClassDef):
                found = _class_release(cls, target.attr)
        if found is not None:
            yield (package, name), found


def _annotated_releases(module: ModuleInfo, first_party: FirstParty) -> Iterator[tuple[tuple[str, str], str]]:
    """Each third-party class (package, name) whose instances ``module`` releases through a
    receiver its annotation types: a parameter (``async def stop(gw: Gateway): await gw.close()``)
    or an attribute a class of the module annotates, once and alike (``client: Gateway`` in a
    dataclass; ``await entry.runtime_data.client.close()``). The project says the type must be
    released even where the instance is made elsewhere (a config flow's probe)."""
    fields: dict[str, set[str]] = {}
    for cls in module.index.classes:
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                # (an attribute annotated otherwise too, or with a first-party type: ambiguous)
                fields.setdefault(stmt.target.id, set()).add(_third_party(module, stmt.annotation, first_party) or "")
    for node in module.index.calls:
        func = node.func
        if not (isinstance(func, ast.Attribute) and _WHOLE_RELEASE.match(func.attr) and isinstance(module.parent(node), ast.Await)):
            continue
        if not _of_whole(node):
            continue
        receiver = func.value
        qualified: str | None = None
        if isinstance(receiver, ast.Attribute):
            named = fields.get(receiver.attr, set())
            qualified = next(iter(named)) if len(named) == 1 else None
        elif isinstance(receiver, ast.Name) and (function := module.enclosing_function(node)) is not None:
            arg = parameter(function, receiver.id)
            qualified = _third_party(module, arg.annotation, first_party) if arg is not None and arg.annotation is not None else None
        if qualified:
            name = _maker(qualified)
            if name is not None:
                yield (qualified.partition(".")[0], name), func.attr


def _third_party(module: ModuleInfo, annotation: ast.expr, first_party: FirstParty) -> str | None:
    """The third-party class an annotation names (``Gateway``, ``Gateway | None``,
    ``Optional[Gateway]``), qualified as the module imports it; None for anything else."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        kept = [side for side in sides if not (isinstance(side, ast.Constant) and side.value is None)]
        if len(kept) != 1:
            return None
        annotation = kept[0]
    elif isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) and annotation.value.id == "Optional":
        annotation = annotation.slice
    head = annotation_head(module, annotation)
    if head is None or head is not annotation and not isinstance(annotation, ast.Constant):
        return None  # ``list[Gateway]``: a collection of them
    qualified = module.imports.qualify(head)
    if qualified is None or not capword(qualified.rpartition(".")[2]) or qualified.partition(".")[0] in sys.stdlib_module_names:
        return None
    return None if _own_code(module, first_party, qualified) else qualified


def _own_code(module: ModuleInfo, first_party: FirstParty, qualified: str) -> bool:
    """Whether ``qualified``, as ``module`` imports it, names code of the project: when a module
    of the project has its top-level name from ``module``'s import roots, whether that module
    supplies it (a Home Assistant integration ``idm_heatpump`` that imports ``IdmModbusClient``
    from the PyPI library of its own name does not); else :func:`_first_party`."""
    if module.project.find_path(qualified.partition(".")[0], module.roots) is not None:
        return supplies(module.project, qualified, module.roots)
    return _first_party(first_party, qualified)


def _class_release(cls: ast.ClassDef, attr: str, *, elements: bool = False) -> str | None:
    """A release of ``self.attr`` (with ``elements``, of one of its elements) awaited in a method
    of ``cls`` (``self`` its first parameter)."""
    for method in cls.body:
        if not isinstance(method, ast.AsyncFunctionDef):
            continue
        receiver = self_name(method)
        if receiver is None:
            continue
        if elements:
            names = _element_names(method, receiver, attr)
            is_receiver: Callable[[ast.expr], bool] = lambda r: (  # noqa: E731
                (isinstance(r, ast.Subscript) and _is_self_attr(r.value, receiver, attr))
                or (isinstance(r, ast.Name) and r.id in names)
            )
        else:
            is_receiver = lambda r: _is_self_attr(r, receiver, attr)  # noqa: E731
        found = _awaited_release(method, is_receiver)
        if found is not None:
            return found
    return None


def _element_release(module: ModuleInfo, function: ast.AST, local: str) -> str | None:
    """``client = Client(); self.clients[key] = client`` in a method, and a release awaited on an
    element of ``self.clients`` in a method of the same class: ``await self.clients[k].close()``,
    or on a local taken from it (``for c in self.clients.values()``, ``c =
    self.clients.pop(k)``)."""
    cls = module.parent(function)
    receiver = self_name(function) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    if receiver is None or not isinstance(cls, ast.ClassDef):
        return None
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == local and isinstance(node.ctx, ast.Load)):
            continue
        attr = self_collection_added(module, node, receiver)
        if attr is not None:
            return _class_release(cls, attr, elements=True)
    return None


def _is_self_attr(node: ast.expr, receiver: str, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr and isinstance(node.value, ast.Name) and node.value.id == receiver


def _element_names(method: ast.AST, receiver: str, attr: str) -> set[str]:
    """Names bound in ``method`` to an element of ``self.attr``: a loop over it (its
    ``values()``), an item of it, what its ``pop(k)``/``get(k)`` return."""
    return {name for name, collection in element_sources(method, items=True) if _is_self_attr(collection, receiver, attr)}


def _awaited_release(function: ast.AST, is_receiver: Callable[[ast.expr], bool]) -> str | None:
    """``await <receiver>.<release>(...)`` in ``function`` (its nested functions too): the
    release's name."""
    for node in ast.walk(function):
        if not (isinstance(node, ast.Await) and isinstance(call := node.value, ast.Call)):
            continue
        func = call.func
        if isinstance(func, ast.Attribute) and _WHOLE_RELEASE.match(func.attr) and is_receiver(func.value) and _of_whole(call):
            return func.attr
    return None


def _of_whole(call: ast.Call) -> bool:
    """Whether the release call ends the whole receiver: its positional arguments, if any, are
    constants (``await server.stop(0)``, a grace period). A value computed at the call (``await
    player.stop(ctx.guild.id)``, ``await pool.close(conn)``) picks the part it ends: one guild's
    track, one connection, not the object, whose end the call is then no evidence of."""
    return all(isinstance(arg, ast.Constant) for arg in call.args)


def may_be_shared(module: ModuleInfo, call: ast.Call) -> bool:
    """Whether what ``call`` makes may be shared rather than its own: made by a class's maker
    given nothing (``Manager.instance()`` can only return what it already holds, or a default),
    or handed an object another function provides: an argument that is (or is a local of the
    function bound to) the result of calling a function or method that is neither a builtin nor
    a class (``Easee(user, password, async_get_clientsession(hass))``, Home Assistant's shared
    session). Nothing shows what such a type holds of its own: it may only wrap what it is
    given, and its ``close()`` leave it open (pyeasee closes only a session it made itself); so may
    one handed what a ``with`` of the same function entered (``SdkClient(session=s)``)."""
    if _is_maker_call(call) and not call.args and not call.keywords:
        return True
    function = module.enclosing_function(call)
    for value in (*call.args, *(k.value for k in call.keywords)):
        if isinstance(value, ast.Starred):
            value = value.value
        if isinstance(value, ast.Name) and function is not None and _entered_as(function, value.id):
            return True  # ``async with ClientSession() as s: SdkClient(session=s)``: wraps what the with closes
        if isinstance(value, ast.Name) and function is not None:
            value = bound_once(function, value.id) or value
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and _provides(module, value.func):
            return True
    return False


def _entered_as(function: ast.AST, name: str) -> bool:
    """Whether ``name`` is bound in ``function`` by a ``with``/``async with`` item's ``as``."""
    for node in ast.walk(function):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name) and item.optional_vars.id == name:
                    return True
    return False


def _is_maker_call(call: ast.Call) -> bool:
    """``Database.create(...)``: a lowercase method of a CapWords name, not a constructor."""
    func = call.func
    return isinstance(func, ast.Attribute) and not capword(func.attr)


def _provides(module: ModuleInfo, func: ast.expr) -> bool:
    """A callee that returns an object it keeps or shares: a function or method, not a class
    (CapWords), not a builtin, not a method of a literal (``"{}".format(x)``), not a function of
    the standard library outside asyncio (``os.getenv("MATRIX_SERVER")`` gives text: vranki/hemppa
    ``0738e78e``), not a method of a builtin conversion's text or number (``str(host).strip()``)."""
    qualified = module.imports.qualify(func)
    top = qualified.partition(".")[0] if qualified is not None else ""
    if top in sys.stdlib_module_names and top != "asyncio":
        return False
    if isinstance(func, ast.Name):
        return not capword(func.id) and func.id not in _BUILTINS
    if isinstance(func, ast.Attribute):
        return not capword(func.attr) and not isinstance(func.value, (ast.Constant, ast.JoinedStr)) and not _plain_value(func.value)
    return False


def _plain_value(node: ast.expr) -> bool:
    """A value a builtin conversion returns (``str(host)``, ``int(port)``): text or a number,
    whose methods (``str(data[CONF_HOST]).strip()``) give another such value, never an object
    kept or shared by anyone."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _PLAIN_CONVERSIONS


_PLAIN_CONVERSIONS = frozenset({"str", "bytes", "int", "float", "bool", "repr", "ascii", "format", "hex", "oct", "bin", "chr"})


_BUILTINS = frozenset(dir(builtins))
