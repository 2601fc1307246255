"""Write tradelint's table of library resource types from the libraries' own source.

A library class is an async resource when its own code says that an instance must be released,
by the same rules tradelint applies to first-party classes (read, never imported):

- **owner**: it keeps a known resource on ``self`` and releases it in one of its methods
  (``OwnershipModel.resource_type``, the first-party rule), e.g. a client that opens an
  ``aiohttp.ClientSession`` and closes it in ``close()``; or one it opens in a public coroutine
  of its own (``connect()``, ``start()``, through private helpers) and ends in another public
  method: one element of a tuple a call returns counts (``self._transport, self._protocol =
  await self._loop.create_connection(...)``, snapcast's ``Snapserver``), and when only a private
  method releases it, the public method reaching that one is the release
  (``resource_openers.public_release``: wecom's ``disconnect()`` scheduling
  ``_async_disconnect()``), and a public release no release word names gives way to a public
  release-named one that releases the same holding or reaches a private release of it, a
  coroutine when that holding's release is awaited (``resource_openers.named_release``:
  aionanit's ``WsTransport``, ``async_close()``, not ``async_force_reconnect()``, which releases
  the socket first; with none such, the first stays); a holder of a client made in ``__init__`` that opens
  only in such a method is lazy too; what another library's maker makes on a receiver of the maker's class,
  kept on ``self`` (``self._websocket = await self._session.ws_connect(url)``, ``ClassFacts.made``,
  session 49: systembridgeconnector's ``WebSocketClient``), counts as an acquisition there; a base's ``__init__`` keeping what an abstract method makes, with
  arguments, is read through the subclass's override (py-consul's ``aio.Consul``); a method that
  makes the holding it releases, itself or through a method it runs (a run loop, a reconnect), or
  a generator, is no release of it (``resource_lifetimes.py``: aiolocust's ``WebsocketUser.run()``,
  discord-aio's ``DiscordBot``, ended by ``exit()``, not ``run()``);
- **protocol**: its ``__aexit__`` always awaits one of its own coroutine methods, which does
  something (not ``pass`` nor ``raise NotImplementedError``): ``async with`` is how the library
  says it must be ended, and that method is how to end it without ``async with``. A release
  (``close``, ``aclose``, ``disconnect``...) awaited only under a test of the object's own state
  counts too (``if not self._pool: await self.close()``), never one under a test of the
  exception arguments (``commit()`` or ``rollback()`` by outcome) nor in an ``except``; and an
  ``__aexit__`` that exits what the instance holds (``await self._client.__aexit__(*args)``)
  when the class's own public release coroutine ends that holding or runs ``__aexit__`` (the
  Azure SDK's async clients);
- **subclass**: it derives from a resource type (``class Wrapper(httpx.AsyncClient)``); of a **part**
  type, when its own ``__init__`` hands the making to the base's (``super().__init__()``) and
  what it adds ends that part no other way (``resource_parts.delegated_part``: python-okx's
  ``AsyncTradeAPI``; not python-binance's ``Client``, which drives its lazy part synchronously);
- **factory**: a public function, or a class method returning ``cls(...)``, that returns a new
  instance of one on every path; or a public coroutine function that says it returns one
  (``-> SSHClientConnection``) and returns, awaited, what a private function of its own module
  makes (``return await asyncio.wait_for(_connect(...))``: asyncssh's ``connect()``);
  A public function or class method that opens a resource and returns, on every path, a new
  instance of a class of the library handed it, whose public release method releases what that
  parameter is kept as, is one too (gmqtt's ``MQTTConnection.create_connection()``:
  ``resource_openers.given_wrapper_factory``);
- **maker**: a public class with a public method that makes a new resource handed the class's
  instance (``return self._connection_cls(self)``) and a public coroutine ``aclose``, ``close``,
  ``dispose``, ``shutdown`` or ``disconnect`` of its own: the pool what it makes is drawn from
  (SQLAlchemy's ``AsyncEngine``), whatever it holds;
- **entered**: the object a context manager's ``__aenter__`` makes and returns after binding an
  attribute of it to the manager's exit or release (Playwright's ``playwright.stop =
  self.__aexit__``), released by that attribute; a public coroutine method of the manager whose
  every ``return`` is ``await self.__aenter__()`` (``start()``) makes one, known only on a
  receiver of the manager's class, which the public functions returning one type (the table's
  ``returns``: ``async_playwright()``);
- **exit** (asked last, once the part rule agrees too: :func:`_exits`): it keeps a known
  resource on ``self`` that the owner rule finds released by its ``__aexit__`` alone, an
  ``__aexit__`` that runs no public method of the class, and it has no ``__exit__`` (meraki's
  ``AsyncDashboardAPI``, whose ``__aexit__`` awaits ``self._session.close()``): ``async with`` is
  the one way to end it, and the release is ``__aexit__`` itself, called by hand as an exit
  without an exception;
- **finalizer**: its ``__del__`` ends what it holds (``self._server.shutdown(None)``) and a
  public release coroutine of it awaits that same release of that holding on every path, whatever
  arguments it takes (grpc's ``aio.Server.stop(grace)``); a public function returning a new one
  on every path (``grpc.aio.server()``) is its factory.

- **task** (``resource_tasks.py``): its ``__init__`` starts a task it keeps (``self._task =
  self._loop.create_task(self._run())``, unconditionally) and its nearest public release method
  (``aclose``, ``close``, ``dispose``, ``shutdown``, ``disconnect``, ``stop``) awaits or cancels
  it (livekit's ``rtc.AudioStream``), itself or through the private methods of the class it calls
  (aioredis 1's ``RedisConnection``: ``close()`` runs ``_do_close()``, which cancels the reader task);
- **factory** by construction (``resource_factories.py``): a public coroutine function saying it
  returns a resource type that it makes with a callable made in the function
  (``functools.partial(T, ...)`` or a nested function returning ``T``: arq's ``create_pool``); a
  public async class method returning a new instance it opened (awaited a method of it, or kept
  on it what an ``await`` gave) of a class whose public release method releases what the instance
  holds, an attribute chain of ``self`` or each element of one (asyncio_redis's
  ``Connection.create`` and ``Pool.create``, aiocoap's ``Context.create_client_context``); only
  the class method is entered, under the class's re-exports too;

- **part** (``resource_parts.py``), asked once the other rules agree: a class no rule entered
  that makes a known resource in ``__init__`` and keeps it where its users reach it (a public
  attribute, or a public property returning it), ended by releasing that part: its ``__aexit__``
  awaits the part's release (aiogram 3's ``Bot``: ``session.close``), or it has no exit and no
  release coroutine of its own (google-genai's ``Client``: ``aio.aclose``, no ``async with``);
  the close is recorded as that path. A part it hands to its library's own classes, each
  keeping it as given, is released by the whole path, private steps and all, when no public
  one reaches it (a Fern-generated SDK client: ``_client_wrapper.httpx_client.httpx_client.aclose``);
  the names of a lineage's ``__init__`` are read in its own module (a subclass of another
  module that adds methods only: llm-async's ``OpenAIProvider``).

The protocol rule takes a plain release too when ``__aexit__`` calls it under a test of the
object's own state (asyncssh's ``if not self._loop.is_closed(): self.close()``); the owner rule
follows a class a method returns (``self.eio = self._engineio_client_class()(...)``); a type of
another library read in the same run is known by the name its package re-exports. A module
is named from its wheel's folder, a namespace package's too (``azure.core``, with no
``azure/__init__.py``), and a public class's methods include those it inherits from private
classes of its library (a generated ``_OperationsMixin``), a name whose last binding in a module
is a ``from ._patch import *`` of a module exporting it being that module's, as Python binds it
(``resource_bindings.py``: the Azure SDK's ``_operations`` package imports the generated mixin,
then binds the hand-written ``_patch`` one, whose ``get_search_client`` azure-search-documents'
``SearchIndexClient`` inherits). A coroutine method under a decorator of its
library whose wrapper's result, awaited, is the coroutine's own (``resource_decorators.py``:
asyncssh's ``@async_context_manager``) makes what it says it returns
(``SSHClientConnection.create_process() -> SSHClientProcess``). What a decorator of the module stores
on the instance its wrapper is called with (matrix-nio's ``@client_session``: ``self.client_session
= ClientSession(...)``) is acquired by the method it decorates, for the owner rule. A public name
is followed through a private package's ``__init__`` (``azure.identity.aio.CertificateCredential``
-> ``aio._credentials.CertificateCredential`` -> the class), a link never entered itself.

Each rule is applied again with what the others found (a client holding another library's
pool) until nothing changes, then every public name a module binds to a resource type (a
package's ``__init__`` re-exporting ``AsyncOpenAI``) is entered under that name too, and so is
every one a public module's own ``from X import *`` binds, at its top level or in a top-level
``try`` (dask's ``dask/distributed.py``: ``dask.distributed.Client``, :func:`_star_imports`).

Usage: unpack each library's wheel into its own folder (``pip download --no-deps``, then
``unzip '*.py'``), then::

    python scripts/make_resource_table.py --out tradelint/packs/library_resources.json FOLDER...
    python scripts/make_resource_table.py --out ... --src SRC --list PINS.txt [--list ...]

The libraries read and their versions are listed in ``scripts/library_resources.txt`` (hand
picked) and ``scripts/library_resources_ha.txt`` (every requirement Home Assistant's
integrations pin); with ``--list`` each pin is read from ``SRC/<name>-<version>``. A pin not
downloaded, a module that does not parse and a class or function the rules fail on are skipped
with a message. The table records which wheel each type comes from. Nothing of the libraries
is committed.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tradelint.facts.context import ModuleInfo, Project
from tradelint.facts.loop_receivers import loop_ref
from tradelint.facts.ownership import OwnershipModel, ResourceType, lineage, resolve_ref
from tradelint.facts.self_ending import ending_methods, guarded_calls, self_calls
from tradelint.facts.summaries import is_release_name
from tradelint.facts.summary_data import Acquisition, ClassFacts, Definition, MethodFacts, ModuleSummary
from tradelint.facts.syntax import resolve_relative
from tradelint.models.resources.factories import factory_spec
from tradelint.models.resources.library_table import library_resource
from tradelint.models.resources.loop_transports import LOOP_MADE
from tradelint.models.resources.method_made import maker_method_close
from tradelint.models.resources.resource_types import (
    BUILTIN_RESOURCES,
    ResourceSpec,
    library_spec,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resource_openers import attr_release, given_wrapper_factory, named_release, public_release, release_named  # noqa: E402 (this folder's module, beside the script)
from resource_parts import Holder, carries_resource, delegated_part, made_new, part_release  # noqa: E402 (this folder's module, beside the script)
from resource_factories import callable_made_factory, class_release, opened_instance, own_nodes as _own_nodes  # noqa: E402 (this folder's module, beside the script)
from resource_tasks import task_release  # noqa: E402 (this folder's module, beside the script)
from resource_bindings import StarBindings  # noqa: E402 (this folder's module, beside the script)
from resource_decorators import awaited_through  # noqa: E402 (this folder's module, beside the script)
from resource_lifetimes import no_release  # noqa: E402 (this folder's module, beside the script)

# Whether the **part** rule is asked (``scripts/merge_part_entries.py`` runs without it, then with it).
PART_RULE = True
# Whether a package's ``from .x import *`` names the classes it re-exports while the rules run
# (:func:`_star_bindings`); off only to measure what it adds.
STAR_RULE = True
# Whether the factories of ``resource_factories.py`` are read (a callable made in the function, a
# class method returning an instance it opened); ``scripts/merge_part_entries.py --rule factories``
# runs without them, then with them.
MADE_FACTORY_RULE = True
# Whether the **task** rule (``resource_tasks.py``) is asked (``merge_part_entries.py --rule task``).
TASK_RULE = True
# Whether a class keeping on ``self`` what another library's maker makes on a receiver of the
# maker's class (``self._websocket = await self._session.ws_connect(url)``, ``ClassFacts.made``)
# and releasing it in a method of its own is an **owner**, as the checker reads a first-party
# one (``merge_part_entries.py --rule made``).
METHOD_MADE_RULE = True
# Whether a name a module binds again by a later ``from .x import *`` is resolved there, as Python
# binds it (``WheelProject._resolve``, :mod:`resource_bindings`); off only to measure what it adds.
STAR_REBINDING = True
# Whether an owner's public release that no release word names (``async_force_reconnect``) gives
# way to a public release-named method releasing what the class holds (``async_close``).
RELEASE_WORD_RULE = True
# Whether a method that makes the holding it releases (itself or through a method it runs), or
# a generator, is no owner's release (``resource_lifetimes.py``, session 51).
LIFETIME_RULE = True
# Whether a public module's own ``from X import *`` (at its top level or in a top-level ``try``)
# re-exports X's resource types under its name, as a package's ``__init__`` does
# (:func:`_star_imports`, session 63: ``dask.distributed.Client``); off only to measure it.
STAR_MODULE_RULE = True
# Whether the **exit** rule is asked, last (:func:`_exits`, session 64: meraki's
# ``AsyncDashboardAPI``); off only to measure what it adds (a run with it, minus one without).
EXIT_RULE = True

# What a class keeps from one element of a tuple a call returns, when that element is the
# resource (the summary's ``name[i]``): ``self._reader, self._writer = await
# asyncio.open_connection(...)`` in ``connect()``, ``self._transport, self._protocol = await
# self._loop.create_connection(...)`` (snapcast's ``Snapserver``), as the checker reads them.
ELEMENT_CLOSES = {
    f"{name}[{spec.part}]": spec.close
    for name, spec in {**BUILTIN_RESOURCES, **LOOP_MADE}.items()
    if spec.part is not None
}

SKIPPED_FOLDERS = {"tests", "test", "testing", "__pycache__", "examples", "docs", "benchmarks"}


@dataclass(frozen=True)
class Entry:
    close: str
    awaited: bool
    lazy: bool
    rule: str  # owner, protocol, subclass, factory or maker
    source: str  # the wheel folder it was read from
    ends: tuple[str, ...] = ()  # other methods that end the instance themselves
    # Constructor parameters (name, position) whose value the release closes: given one, the
    # instance wraps its caller's resource.
    given: tuple[tuple[str, int], ...] = ()
    # ``async with`` ends it (False only for a type released through a part it has no exit for:
    # the **part** rule's google-genai ``Client``, ended by ``await client.aio.aclose()``).
    enter: bool = True

    def spec(self) -> ResourceSpec:
        return library_spec(
            self.close, awaited=self.awaited, lazy=self.lazy, ends=self.ends, given=self.given, unenterable=not self.enter
        )


def modules(folder: Path) -> Iterator[Path]:
    for dirpath, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith(".") and not d.endswith(".dist-info"))
        for name in sorted(files):
            if name.endswith(".py") and not name.startswith("test_"):
                yield Path(dirpath) / name


def _trivial(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``pass``, ``...``, a docstring or ``raise NotImplementedError``: an abstract method."""
    for stmt in function.body:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
            continue
        if isinstance(stmt, ast.Raise):
            continue
        return False
    return True


def _class_node(module: ModuleInfo, facts: ClassFacts) -> ast.ClassDef | None:
    return next((c for c in module.index.classes if c.lineno == facts.line and c.name == facts.name), None)


def _own_method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name), None)


def _family_nodes(project: Project, summary: ModuleSummary, facts: ClassFacts) -> list[ast.ClassDef]:
    nodes: list[ast.ClassDef] = []
    for member_summary, member in lineage(project, summary, facts):
        module = project.module_at(Path(member_summary.path))
        node = _class_node(module, member) if module is not None else None
        if node is not None:
            nodes.append(node)
    return nodes


def _method(nodes: list[ast.ClassDef], name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    return next((m for n in nodes if (m := _own_method(n, name)) is not None), None)


def protocol_close(project: Project, summary: ModuleSummary, facts: ClassFacts) -> tuple[str, bool] | None:
    """The public release method that every ``__aexit__`` of the class calls first, when it
    does something and needs no argument: (its name, whether it is a coroutine function). Else
    the first such method it calls under tests of the object's own state, awaited if and only
    if it is a coroutine method (:func:`guarded_calls`): psycopg's ``AsyncConnection`` closes
    itself unless a pool owns it; asyncssh's ``SSHConnection`` calls its plain ``close()`` unless
    its loop is closed, then awaits ``wait_closed()``."""
    nodes = _family_nodes(project, summary, facts)
    exit_ = _method(nodes, "__aexit__")
    if exit_ is None:
        return None
    for name, awaited in self_calls(exit_.body):
        method = _method(nodes, name)
        if method is None or name.startswith("_") or not is_release_name(name) or _trivial(method):
            continue
        if name.startswith("release"):
            # Gives back what ``__aenter__`` took (a lock, a rate-limit bucket, a pooled
            # response): the object lives on.
            continue
        if len(method.args.args) - 1 - len(method.args.defaults) == 0:
            is_async = isinstance(method, ast.AsyncFunctionDef)
            if is_async != awaited:
                continue  # a coroutine never run, or a plain method awaited: not the library's way
            return name, is_async
    for name, awaited in guarded_calls(exit_):
        method = _method(nodes, name)
        if (
            method is not None
            and isinstance(method, ast.AsyncFunctionDef) == awaited
            and not name.startswith(("_", "release"))
            and is_release_name(name)
            and not _trivial(method)
            and len(method.args.args) - 1 - len(method.args.defaults) == 0
        ):
            return name, awaited
    return _public_twin(nodes, exit_) or _forwarded_exit(nodes, exit_)


def _unconditional(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of ``body`` run on every path that gets there: the body itself and the
    bodies and ``finally`` of its ``try`` statements (never an ``except``, an ``if`` or a loop)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.Try):
            yield from _unconditional([*stmt.body, *stmt.finalbody])


def _self_chain(node: ast.expr) -> str | None:
    """``self._client`` -> ``_client``; ``self.connection.pipeline_client`` ->
    ``connection.pipeline_client``; anything not an attribute chain on ``self``: None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join(reversed(parts)) if parts and isinstance(node, ast.Name) and node.id == "self" else None


def _awaited_calls(body: list[ast.stmt]) -> Iterator[ast.Call]:
    for stmt in _unconditional(body):
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Return)) else None
        if isinstance(value, ast.Await) and isinstance(value.value, ast.Call):
            yield value.value


def _forwarded_exit(nodes: list[ast.ClassDef], exit_: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, bool] | None:
    """**protocol**, forwarded: ``__aexit__`` exits what the instance holds on every path
    (``await self._client.__aexit__(*exc_details)``), so ``async with`` is how the library says
    the instance is ended, and the class's own public release coroutine (:func:`_own_release`)
    ends that same holding or runs ``__aexit__`` itself: the release. Every Azure SDK async
    client (``close()``: ``await self._client.close()``, the generated client it holds, which
    forwards in turn to azure-core's ``AsyncPipelineClient``, whose ``close()`` is ``await
    self.__aexit__()``). A class without such a release is no resource of this rule (azure-core's
    ``AsyncPipeline`` only exits the transport it was given)."""
    held = {
        chain
        for call in _awaited_calls(exit_.body)
        if isinstance(call.func, ast.Attribute) and call.func.attr == "__aexit__"
        and (chain := _self_chain(call.func.value)) is not None
    }
    if not held:
        return None
    release = _own_release(nodes)
    method = _method(nodes, release) if release is not None else None
    if release is None or method is None:
        return None
    for call in _awaited_calls(method.body):
        if not isinstance(call.func, ast.Attribute):
            continue
        chain = _self_chain(call.func.value)
        if (chain is None and _self_chain(call.func) == "__aexit__") or chain in held:
            return release, True
    return None


def _public_twin(nodes: list[ast.ClassDef], exit_: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, bool] | None:
    """The public release that runs what ``__aexit__`` runs when that is a private method of
    the class: grpc's ``aio.Channel`` exits by ``await self._close(None)`` and is closed without
    ``async with`` by ``close(grace=None)``, whose body is ``await self._close(grace)``. The
    public method needs no argument, does nothing else first, and calls the private one the
    same way (awaited or not) on every path; a private method that does nothing is no release."""
    for private, awaited in self_calls(exit_.body):
        helper = _method(nodes, private)
        if not private.startswith("_") or private.startswith("__") or helper is None or _trivial(helper):
            continue
        if isinstance(helper, ast.AsyncFunctionDef) != awaited:
            continue
        for node in nodes:
            for method in node.body:
                if not (
                    isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not method.name.startswith(("_", "release"))
                    and is_release_name(method.name)
                    and len(method.args.args) - 1 - len(method.args.defaults) == 0
                    and isinstance(method, ast.AsyncFunctionDef) == awaited
                ):
                    continue
                body = [s for s in method.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
                if body and next(iter(self_calls(body[:1])), None) == (private, awaited):
                    return method.name, awaited
    return None


def given_parameters(project: Project, summary: ModuleSummary, facts: ClassFacts, release: str) -> tuple[tuple[str, int], ...]:
    """A wrapper whose release closes only what its constructor stores from its parameters
    (anchorpy's ``Program(idl, pid, provider=None)``, closed by ``provider.close()``): those
    parameters, by name and position. Given one, an instance owns nothing, and closing it would
    close its caller's resource; left out, it makes its own (``Provider.env()``)."""
    family = lineage(project, summary, facts)
    methods: dict[str, MethodFacts] = {}
    for _, member in family:
        for name, method in member.methods.items():
            methods.setdefault(name, method)
    given = {attr for _, member in family for attr in member.stored_params.values()}
    defaulted = _stored_or_made(_family_nodes(project, summary, facts))
    given |= set(defaulted.values())
    released: set[str] = set()
    todo, seen = [release], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in methods:
            continue
        seen.add(name)
        released |= {attr for attr, _ in methods[name].releases}
        todo.extend(methods[name].self_calls)
    if not released or not released <= given:
        return ()
    positions = {attr: index for _, member in family for index, attr in member.stored_positions.items()}
    params = {param: attr for _, member in family for param, attr in member.stored_params.items()}
    init = _method(_family_nodes(project, summary, facts), "__init__")
    names = [a.arg for a in init.args.args[1:]] if init is not None else []
    for param, attr in defaulted.items():
        params.setdefault(param, attr)
        if param in names:
            positions.setdefault(attr, names.index(param))
    return tuple(sorted((param, positions.get(attr, -1)) for param, attr in params.items() if attr in released))


def _stored_or_made(nodes: list[ast.ClassDef]) -> dict[str, str]:
    """``self.provider = provider if provider is not None else Provider.env()`` (or ``provider or
    ...``) in ``__init__``: the parameter, by the attribute it falls back from."""
    init = _method(nodes, "__init__")
    if init is None:
        return {}
    params = {a.arg for a in (*init.args.args[1:], *init.args.kwonlyargs)}
    found: dict[str, str] = {}
    for node in ast.walk(init):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target, value = node.targets[0], node.value
        if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"):
            continue
        options = value.values if isinstance(value, ast.BoolOp) else [value.body, value.orelse] if isinstance(value, ast.IfExp) else []
        for option in options:
            if isinstance(option, ast.Name) and option.id in params:
                found[option.id] = target.attr
    return found


def _ending_methods(project: Project, summary: ModuleSummary, facts: ClassFacts, release: str) -> tuple[str, ...]:
    """The public methods besides the release that end the instance themselves (discord's
    ``Client.run()``: ``async with self`` around the whole life of the bot)."""
    return ending_methods(_family_nodes(project, summary, facts), release)


def dotted(folder: Path, path: Path) -> str:
    """The module's import name in its wheel, namespace packages (``gcloud.aio.auth``) included."""
    parts = list(path.relative_to(folder).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


_READABLE: dict[Path, list[Path]] = {}


def readable(project: Project, folder: Path) -> list[Path]:
    """The modules of ``folder`` that parse and summarise; the others are skipped with a message
    (a library of Python 2 source, a template that is not Python), never ending the run."""
    known = _READABLE.get(folder)
    if known is None:
        known = _READABLE[folder] = []
        failed = []
        for path in modules(folder):
            try:
                summary = project.summary(path)
            except Exception as error:  # noqa: BLE001 (whatever an odd module raises, the others are read)
                summary = None
                print(f"{path}: {type(error).__name__}: {error}", file=sys.stderr)
            (known if summary is not None else failed).append(path)
        if failed:
            print(f"skipped {len(failed)} of {len(failed) + len(known)} modules of {folder.name}: they do not parse", file=sys.stderr)
    return known


class WheelProject(Project):
    """A project of unpacked wheels, each folder the root its modules are imported from: a
    namespace package's module (``azure/core/__init__.py``, no ``azure/__init__.py``) is
    ``azure.core``, as :func:`dotted` names it, so its relative imports resolve (``from
    ._pipeline_client_async import AsyncPipelineClient``), not ``core``, the name its nearest
    ``__init__.py`` chain alone gives."""

    def __init__(self, folders: list[Path], **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.wheels = {folder.resolve() for folder in folders}
        self.stars = StarBindings(self)

    def _roots_of(self, folder: Path) -> list[Path]:
        roots = super()._roots_of(folder)
        wheel = next((p for p in (folder, *folder.parents) if p in self.wheels), None)
        return roots if wheel is None else list(dict.fromkeys([wheel, *roots]))

    def _resolve(self, qualified: str, roots: tuple[Path, ...], depth: int) -> tuple[ModuleSummary, Definition] | None:
        """As Python binds the name: through a later ``from ._patch import *`` that binds it
        again (:class:`resource_bindings.StarBindings`: the Azure SDK's hand-written ``_patch``
        classes), not through the module's first import of it."""
        rebound = self.stars.rebound(qualified, roots) if STAR_REBINDING and depth <= 8 else None
        found = super()._resolve(rebound[0], rebound[1], depth + 1) if rebound is not None else None
        return found if found is not None else super()._resolve(qualified, roots, depth)


def classes(project: Project, folder: Path) -> Iterator[tuple[str, ModuleSummary, ClassFacts]]:
    for path in readable(project, folder):
        summary = project.summary(path)
        assert summary is not None
        name = dotted(folder, path)
        for facts in summary.classes.values():
            if not facts.name.startswith("_"):
                yield name, summary, facts


def generate(
    folders: list[Path],
    known: dict[str, Entry] | None = None,
    makers: dict[str, Maker] | None = None,
    typed: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Entry]:
    """The resource types of ``folders``, judged together; ``known``: types found in libraries
    read before (an earlier batch), which these may hold, subclass or return. Only the names
    found here are returned; ``makers``, when given, receives the libraries' method makers
    (:func:`method_makers`), and ``typed`` the functions whose result is of a class with one
    (:func:`typed_calls`)."""
    project = WheelProject(folders, module_budget=None)
    _ENTERED_READ.clear()  # (a run's own: each batch reads other folders, a test may read one twice)
    _ENTERED_BY.clear()
    # Every tree is kept to the end: moved out of the collector's generations as it is parsed
    # (else each collection walks every tree kept so far, and reading 1,000 libraries is
    # quadratic).
    project.freeze_parsed = True
    found: dict[str, Entry] = dict(known or {})
    judged: set[tuple[str, str]] = set()
    disagree: set[str] = set()
    broken: set[tuple[str, str]] = set()
    part_skipped: set[str] = set()
    builtin = {name: spec.close for name, spec in BUILTIN_RESOURCES.items()}
    every = [(folder, name, summary, facts) for folder in folders for name, summary, facts in classes(project, folder)]
    # A class of another library read with this one is named by its public re-export
    # (python-socketio's ``engineio.AsyncClient``): judged by the type it names.
    reexports = _reexports(project, folders)
    # One import name in two major versions (aioredis 1 and 2): kept only when every wheel that
    # defines it finds the same resource, released the same way.
    definers: dict[str, set[str]] = {}
    for folder, module_name, _, facts in every:
        definers.setdefault(f"{module_name}.{facts.name}", set()).add(folder.name)
    changed = True
    while changed:
        changed = False
        table = {**{k: e.close for k, e in found.items()}, **builtin, **ELEMENT_CLOSES}
        model = OwnershipModel(project, _through(table, reexports), ())
        # A client made in ``__init__`` that opens its connection only in a method of its own
        # (an owner-rule type acquiring outside ``__init__``) holds nothing until then, nor does
        # its holder (wecom's ``WSClient`` holding a ``WsConnectionManager``): as the checker's
        # first-party reading of such a holding.
        model.opened_by_a_call = _opened_by_a_call(found, reexports)
        if METHOD_MADE_RULE:
            model.method_close = _method_close(model, table, reexports)
        if LIFETIME_RULE:
            model.not_a_release = no_release(project, model)
        for folder, module_name, summary, facts in every:
            key = f"{module_name}.{facts.name}"
            if (key, folder.name) in judged or (key, folder.name) in broken or key in builtin:
                continue
            try:
                entry = _judge(project, model, folder, module_name, summary, facts, found, reexports)
            except Exception as error:  # noqa: BLE001 (an odd class is skipped, the others are judged)
                print(f"skipped {key} of {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
                broken.add((key, folder.name))
                continue
            if entry is not None:
                judged.add((key, folder.name))
                # Two distributions of one import name (discord.py and py-cord): either's
                # ending methods end it.
                # (not ``known``: that names the earlier batches' types, which the end leaves out)
                before = found.get(key)
                if before is not None and (before.close, before.awaited) != (entry.close, entry.awaited):
                    disagree.add(key)
                found[key] = entry if before is None else replace(before, ends=tuple(sorted({*before.ends, *entry.ends})))
                changed = True
        entered = _entered(project, every, found, builtin)
        judged |= {(key, f) for key in entered for f in definers.get(key, ())}
        changed |= bool(entered)
        changed |= _factories(project, folders, found, builtin)
        if not changed:
            # Only once the other rules agree: what the libraries' classes make depends on them.
            pools = _pools(project, folders, every, found, builtin)
            judged |= pools
            changed = bool(pools)
        if not changed and PART_RULE:
            changed = _parts(project, every, found, reexports, judged, part_skipped)
        if not changed and EXIT_RULE:
            changed = _exits(project, model, every, found, judged, builtin)
    for key in list(found):
        unjudged = sorted(folder for folder in definers.get(key, ()) if (key, folder) not in judged)
        if key in disagree or unjudged:
            if len(definers.get(key, ())) > 1:
                why = "its definers disagree" if key in disagree else f"not entered from {', '.join(unjudged)}"
                print(f"dropped {key} ({found[key].rule}, {found[key].source}): {why}", file=sys.stderr)
            del found[key]
    _aliases(project, folders, found)
    if makers is not None:
        makers.update(method_makers(project, folders, found))
        if typed is not None:
            typed.update(typed_calls(project, folders, {key.rpartition(".")[0] for key in _ENTERED_BY}))
    return {key: entry for key, entry in found.items() if known is None or key not in known}


_ENTERED_BY: dict[str, str] = {}
_ENTERED_READ: set[tuple[str, str]] = set()


def entered_object(project: Project, summary: ModuleSummary, facts: ClassFacts) -> tuple[str, str, bool] | None:
    """**entered**: the class's ``__aenter__`` returns a new object it made (a local, never
    ``self``) after binding an attribute of it to the class's own exit (``playwright.stop =
    self.__aexit__``, Playwright's ``PlaywrightContextManager``) or to a release method of the
    class: the library says that object is ended by that attribute, awaited when what it is bound
    to is a coroutine method. (The object's type, named by ``__aenter__``'s annotation or by the
    one class the local is made from; the release's name; whether it is awaited.) An
    ``__aenter__`` returning an object it binds no release to is ended by the manager alone,
    which no entry of the object's type can say: not this rule's."""
    nodes = _family_nodes(project, summary, facts)
    enter = _method(nodes, "__aenter__")
    if not isinstance(enter, ast.AsyncFunctionDef) or not enter.args.args:
        return None
    receiver = enter.args.args[0].arg
    owner = next((n for n in nodes if enter in n.body), None)
    home = next(
        (module for member_summary, member in lineage(project, summary, facts)
         if (module := project.module_at(Path(member_summary.path))) is not None and _class_node(module, member) is owner),
        None,
    )
    if home is None:
        return None
    returned = {n.value.id if isinstance(n.value, ast.Name) else None for n in _own_nodes(enter) if isinstance(n, ast.Return)}
    if len(returned) != 1 or None in returned or receiver in returned:
        return None
    local = returned.pop()
    made: list[ast.expr] = []
    release: tuple[str, bool] | None = None
    for node in _own_nodes(enter):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and target.id == local:
            made.append(value)
        elif (
            isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == local
            and isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == receiver
            and (value.attr == "__aexit__" or is_release_name(value.attr))
            and (bound := _method(nodes, value.attr)) is not None and not _trivial(bound)
        ):
            release = (target.attr, isinstance(bound, ast.AsyncFunctionDef))
    if release is None or len(made) != 1:
        return None
    module_name = project.locate(Path(home.path))[0] or ""
    said = _named_type(home, module_name, _unwrap_optional(enter.returns))
    value = made[0].value if isinstance(made[0], ast.Await) else made[0]
    built = _named_type(home, module_name, value.func) if isinstance(value, ast.Call) else None
    kind = said or built
    if kind is None or (said is not None and built is not None and said != built and said.rpartition(".")[2] != built.rpartition(".")[2]):
        return None
    return kind, *release


def _entered(
    project: Project,
    every: list[tuple[Path, str, ModuleSummary, ClassFacts]],
    found: dict[str, Entry],
    builtin: dict[str, str],
) -> set[str]:
    """Applies :func:`entered_object`: the object's type enters the table, released by the
    attribute bound to the manager's exit, and each public coroutine method of the manager whose
    every ``return`` is ``await self.__aenter__()`` (``PlaywrightContextManager.start()``)
    makes one (recorded for :func:`method_makers`). The types added."""
    added: set[str] = set()
    for folder, module_name, summary, facts in every:
        key = f"{module_name}.{facts.name}"
        if (key, folder.name) in _ENTERED_READ:
            continue  # what a class's own source says does not change with what the others found
        _ENTERED_READ.add((key, folder.name))
        entered = entered_object(project, summary, facts)
        if entered is None:
            continue
        kind, release, awaited = entered
        for node in _family_nodes(project, summary, facts):
            for method in node.body:
                if isinstance(method, ast.AsyncFunctionDef) and not method.name.startswith("_") and _enters_itself(method):
                    _ENTERED_BY[f"{key}.{method.name}"] = kind
        if kind not in found and kind not in builtin:
            found[kind] = Entry(release, awaited, False, "entered", folder.name)
            added.add(kind)
    return added


def _enters_itself(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether every ``return`` of ``method`` is ``await <receiver>.__aenter__()``."""
    if not method.args.args:
        return False
    receiver = method.args.args[0].arg
    returns = [n.value for n in _own_nodes(method) if isinstance(n, ast.Return)]
    return bool(returns) and all(
        isinstance(v, ast.Await) and isinstance(v.value, ast.Call) and isinstance(v.value.func, ast.Attribute)
        and v.value.func.attr == "__aenter__" and isinstance(v.value.func.value, ast.Name) and v.value.func.value.id == receiver
        for v in returns
    )


def _pools(
    project: Project,
    folders: list[Path],
    every: list[tuple[Path, str, ModuleSummary, ClassFacts]],
    found: dict[str, Entry],
    builtin: dict[str, str],
) -> set[tuple[str, str]]:
    """**maker** rule: a public class with a public method that makes a new resource
    (:func:`method_makers`) handed the class's instance itself (``return
    self._connection_cls(self)``), and a public coroutine release method of its own (``aclose``,
    ``close``, ``dispose``, ``shutdown`` or ``disconnect``) that does something and needs no
    argument, is a resource, released by that method: it is the pool what it makes is drawn from
    and given back to (SQLAlchemy's ``AsyncEngine``, whose ``connect()`` makes an
    ``AsyncConnection`` of the engine and whose ``dispose()`` closes the connections pooled for
    them), whatever it holds is not a type the table knows (a DB-API connection a dialect makes).
    A class whose made objects are not handed the class (an API's ``containers.get()``) and a
    method that ends something else (``stop()`` of a remote container, ``stop_deployment()``)
    are not this rule's."""
    makers = method_makers(project, folders, found, by_method=True)
    by_class: dict[str, set[str]] = {}
    for key, maker in makers.items():
        owner = key.rpartition(".")[0]
        if maker.returns != owner:
            by_class.setdefault(owner, set()).add(key.rpartition(".")[2])
    added: set[tuple[str, str]] = set()
    for folder, module_name, summary, facts in every:
        key = f"{module_name}.{facts.name}"
        if key in found or key in builtin or key not in by_class:
            continue
        nodes = _family_nodes(project, summary, facts)
        if not any(_hands_itself(_method(nodes, name)) for name in by_class[key]):
            continue
        release = _own_release(nodes)
        if release is not None:
            ends = _ending_methods(project, summary, facts, release)
            found[key] = Entry(release, True, True, "maker", folder.name, ends)
            added.add((key, folder.name))
    return added


_RELEASE_ORDER = ("aclose", "close", "dispose", "shutdown", "disconnect")


def _hands_itself(method: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """Whether every ``return`` of ``method`` is a call handed the method's receiver
    (``return self._connection_cls(self)``, ``return Connection(pool=self)``)."""
    if method is None or not method.args.args:
        return False
    receiver = method.args.args[0].arg
    returns = [n.value for n in _own_nodes(method) if isinstance(n, ast.Return)]
    for value in returns:
        value = value.value if isinstance(value, ast.Await) else value
        if not isinstance(value, ast.Call):
            return False
        given = [*value.args, *(k.value for k in value.keywords)]
        if not any(isinstance(g, ast.Name) and g.id == receiver for g in given):
            return False
    return bool(returns)


def _own_release(nodes: list[ast.ClassDef]) -> str | None:
    """The public coroutine method of the family named by one of :data:`_RELEASE_ORDER` (the
    first there), that does something and needs no argument; None when there is none."""
    names: list[str] = []
    for node in nodes:
        for method in node.body:
            if (
                isinstance(method, ast.AsyncFunctionDef)
                and method.name in _RELEASE_ORDER
                and not _trivial(method)
                and len(method.args.args) - 1 - len(method.args.defaults) == 0
                and _method(nodes, method.name) is method  # not overridden by a plain method
            ):
                names.append(method.name)
    if not names:
        return None
    return min(names, key=_RELEASE_ORDER.index)


def top_packages(folders: list[Path]) -> set[str]:
    """The top-level import names the distributions in ``folders`` define."""
    return {dotted(folder, path).split(".", 1)[0] for folder in folders for path in modules(folder)}


def _may_name(top: str, taken: set[str]) -> bool:
    lowered = top.lower()
    return top not in taken and top not in sys.stdlib_module_names and ("aio" in lowered or "async" in lowered)


def generate_in_batches(
    first: list[Path],
    later: list[Path],
    size: int,
    makers: dict[str, Maker] | None = None,
    typed: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Entry]:
    """``first`` judged together (as :func:`generate`), then ``later`` in batches of ``size``
    distributions, each read in a project of its own (reading thousands of libraries at once
    does not fit in memory) with the types found so far known. A later batch never adds a name
    under a top-level package that an earlier one defines: a distribution re-using the import
    name of one read before (a fork, a vendored copy) does not change what that name is. Nor
    does a later batch name a module of the standard library or a top-level package whose name
    does not say "aio" or "async" (the batches are the population of such distributions; one
    that ships ``kombu``, ``okx`` or ``http`` is a fork or a shadow of another project)."""
    found = generate(first, makers=makers, typed=typed) if first else {}
    taken = top_packages(first)
    for start in range(0, len(later), size):
        batch = later[start:start + size]
        gc.unfreeze()  # the trees of the batch before, kept out of the collector, can go now
        gc.collect()
        _READABLE.clear()
        made: dict[str, Maker] = {}
        returned: dict[str, tuple[str, str]] = {}
        new = generate(batch, found, made, returned)
        found.update((key, entry) for key, entry in new.items() if _may_name(key.split(".", 1)[0], taken))
        if makers is not None:
            makers.update((key, maker) for key, maker in made.items() if _may_name(key.split(".", 1)[0], taken))
        if typed is not None:
            typed.update((key, kind) for key, kind in returned.items() if _may_name(key.split(".", 1)[0], taken))
        taken |= top_packages(batch)
        print(f"batch {start // size + 1}: {len(batch)} libraries, {len(found)} names so far", file=sys.stderr)
    return found


def _judge(
    project: Project,
    model: OwnershipModel,
    folder: Path,
    module_name: str,
    summary: ModuleSummary,
    facts: ClassFacts,
    found: dict[str, Entry],
    reexports: dict[str, str] | None = None,
) -> Entry | None:
    entry = _judge_own(project, model, folder, summary, facts)
    if entry is not None:
        return entry if not entry.close.startswith("_") else None
    for kind, name in facts.bases:
        qualified = name if kind == "qualified" else f"{module_name}.{name}"
        base = found.get(qualified) or found.get(_final(qualified, reexports or {}))
        if base is not None and base.rule == "part":
            return _inherited_part(project, folder, module_name, summary, facts, found, reexports or {}, base)
        if base is not None:
            return Entry(base.close, base.awaited, base.lazy, "subclass", folder.name, base.ends, base.given, base.enter)
        if qualified in BUILTIN_RESOURCES:
            spec = BUILTIN_RESOURCES[qualified]
            return Entry(spec.close, spec.awaited, spec.lazy, "subclass", folder.name)
        if kind == "local":
            local = resolve_ref(project, summary, (kind, name))
            base = found.get(f"{dotted(folder, Path(local[0].path))}.{local[1].name}") if local is not None else None
            if base is not None:
                return Entry(base.close, base.awaited, base.lazy, "subclass", folder.name, base.ends, base.given, base.enter)
            aliased = _alias_of(project, summary, name)
            known = found.get(aliased) if aliased is not None else None
            if known is None and aliased in BUILTIN_RESOURCES:
                builtin_spec = BUILTIN_RESOURCES[aliased]
                return Entry(builtin_spec.close, builtin_spec.awaited, builtin_spec.lazy, "subclass", folder.name)
            if known is not None:
                return Entry(known.close, known.awaited, known.lazy, "subclass", folder.name, known.ends, known.given, known.enter)
    # A base named through a module-level alias the summary does not resolve (``class
    # ArqRedis(BaseRedis)`` with ``BaseRedis = Redis[bytes]`` under ``if TYPE_CHECKING``).
    module = project.module_at(Path(summary.path))
    node = _class_node(module, facts) if module is not None else None
    for base_node in node.bases if node is not None else []:
        aliased = _alias_of(project, summary, base_node.id) if isinstance(base_node, ast.Name) else None
        if aliased in BUILTIN_RESOURCES:
            builtin_spec = BUILTIN_RESOURCES[aliased]
            return Entry(builtin_spec.close, builtin_spec.awaited, builtin_spec.lazy, "subclass", folder.name)
        known = found.get(aliased) if aliased is not None else None
        if known is not None:
            return Entry(known.close, known.awaited, known.lazy, "subclass", folder.name, known.ends, known.given, known.enter)
    if TASK_RULE and node is not None:
        nodes = _family_nodes(project, summary, facts)
        task = task_release(nodes)
        if task is not None:
            return Entry(task[0], task[1], False, "task", folder.name, enter=_method(nodes, "__aenter__") is not None)
    return None


def _inherited_part(
    project: Project,
    folder: Path,
    module_name: str,
    summary: ModuleSummary,
    facts: ClassFacts,
    found: dict[str, Entry],
    reexports: dict[str, str],
    base: Entry,
) -> Entry | None:
    """A subclass of a class released through a part, judged by the part rule over its own
    lineage: the methods it adds may drive that part synchronously (python-binance's
    ``Client(BaseClient)``, whose ``ws_*`` methods run the base's lazy ``WebsocketAPI`` in a loop
    of their own), and then it is no resource; otherwise it is its base's subclass."""
    try:
        entry = _part_entry(project, folder, module_name, summary, facts, found, reexports)
        if entry is None:
            # (its own ``__init__`` hands the making to the base's: the base's part, unless what
            # it adds ends that part otherwise; :func:`resource_parts.delegated_part`)
            delegated = delegated_part(
                _family_nodes(project, summary, facts), [m for _, m in lineage(project, summary, facts)],
                base.close, base.lazy, {name for name, _ in base.given},
            )
            entry = replace(base, given=delegated[0], enter=delegated[1]) if delegated is not None else None
    except Exception:  # noqa: BLE001 (an odd lineage keeps its base's entry, as before)
        entry = base
    if entry is None:
        return None
    return Entry(entry.close, entry.awaited, entry.lazy, "subclass", folder.name, entry.ends, entry.given, entry.enter)


def _parts(
    project: Project,
    every: list[tuple[Path, str, ModuleSummary, ClassFacts]],
    found: dict[str, Entry],
    reexports: dict[str, str],
    judged: set[tuple[str, str]],
    skip: set[str],
) -> bool:
    """**part**, asked once the other rules agree (what a part or an options class holds is
    known then, whatever order the classes are read in): the classes no rule entered that are
    released through a part."""
    added = False
    for folder, module_name, summary, facts in every:
        key = f"{module_name}.{facts.name}"
        if (key, folder.name) in judged or key in skip or key in found:
            continue
        try:
            entry = _part_entry(project, folder, module_name, summary, facts, found, reexports)
        except Exception as error:  # noqa: BLE001 (an odd class is skipped, the others are judged)
            print(f"skipped {key} of {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
            skip.add(key)
            continue
        if entry is not None:
            found[key] = entry
            judged.add((key, folder.name))
            added = True
    return added


def _part_entry(
    project: Project, folder: Path, module_name: str, summary: ModuleSummary, facts: ClassFacts, found: dict[str, Entry], reexports: dict[str, str]
) -> Entry | None:
    """**part** (:mod:`resource_parts`): released by releasing a resource it made and keeps
    where its users reach it (asked by :func:`_parts`; off with ``PART_RULE``: what the table was
    before it, for ``merge_part_entries.py``'s proof)."""
    module = project.module_at(Path(summary.path))
    if module is None:
        return None
    spec_of = _spec_of(found)
    family_members = lineage(project, summary, facts)
    # Names of the lineage's ``__init__`` are its module's (a subclass of another module that
    # has none of its own: elevenlabs' ``AsyncElevenLabs`` of ``base_client.AsyncBaseElevenLabs``).
    init_module, init_name = _init_home(project, folder, family_members) or (module, module_name)

    def type_of(node: ast.expr) -> str | None:
        return _named_type(init_module, init_name, node)

    def known(qualified: str) -> ResourceSpec | None:
        return spec_of(qualified) or spec_of(_final(qualified, reexports))

    def carries(qualified: str) -> bool:
        # An options class of the library with a field that holds a known resource.
        found = project.lookup(qualified, module.roots)
        if found is None or not isinstance(found[1], ast.ClassDef):
            return False
        home, cls = found
        home_name = dotted(folder, home.path) if folder in home.path.parents else module_name
        return carries_resource(cls, home.tree, lambda node: _named_type(home, home_name, node), lambda q: known(q) is not None or known(_final(q, reexports)) is not None)

    family = [member for _, member in family_members]
    reader = _LibraryReader(project, folder, known)
    part = part_release(
        _family_nodes(project, summary, facts), family, type_of, known, carries,
        reader.holder_in(init_module, init_name), reader.made_in(init_module, init_name),
    )
    if part is None:
        return None
    return Entry(part.close, part.awaited, part.lazy, "part", folder.name, (), part.given, part.enterable)


def _init_home(project: Project, folder: Path, family: list[tuple[ModuleSummary, ClassFacts]]) -> tuple[ModuleInfo, str] | None:
    """The module of the first ``__init__`` of a lineage, and its name."""
    for member_summary, member in family:
        if "__init__" in member.methods:
            home = project.module_at(Path(member_summary.path))
            return (home, _module_name(folder, home)) if home is not None else None
    return None


def _module_name(folder: Path, module: ModuleInfo) -> str:
    return dotted(folder, module.path) if folder in module.path.parents else module.module_name or module.path.stem


class _LibraryReader:
    """What the part rule's chains (:func:`resource_parts.chained_parts`) read of one library
    (``folder``): its classes a constructor call names, as holders, and its functions returning
    a new resource. Never a known resource type (``known``) nor a class of another library."""

    def __init__(self, project: Project, folder: Path, known: Callable[[str], ResourceSpec | None]) -> None:
        self.project, self.folder, self.known = project, folder, known

    def _definition(self, module: ModuleInfo, module_name: str, node: ast.expr) -> tuple[ModuleInfo, ast.stmt] | None:
        qualified = module.imports.qualify(node)
        if qualified is None and isinstance(node, ast.Name) and node.id in module.top_level:
            return module, module.top_level[node.id]
        looked = self.project.lookup(qualified, module.roots) if qualified is not None else None
        if looked is None or self.folder not in looked[0].path.parents:
            return None
        return looked

    def holder_in(self, module: ModuleInfo, module_name: str) -> Callable[[ast.expr], Holder | None]:
        def holder(node: ast.expr) -> Holder | None:
            qualified = _named_type(module, module_name, node)
            if qualified is not None and self.known(qualified) is not None:
                return None
            found = self._definition(module, module_name, node)
            if found is None or not isinstance(found[1], ast.ClassDef):
                return None
            home, cls = found
            summary = self.project.summary_of(home)
            facts = summary.classes.get(cls.lineno)
            if facts is None:
                return None
            members = lineage(self.project, summary, facts)
            init = _method(_family_nodes(self.project, summary, facts), "__init__")
            init_home = _init_home(self.project, self.folder, members)
            if init is None or init_home is None:
                return None
            properties: dict[str, str] = {}
            for _, member in reversed(members):
                properties.update(member.properties)
            return Holder(init, properties, self.holder_in(*init_home))

        return holder

    def made_in(self, module: ModuleInfo, module_name: str) -> Callable[[ast.expr], ResourceSpec | None]:
        def made_by(node: ast.expr) -> ResourceSpec | None:
            found = self._definition(module, module_name, node)
            function = found[1] if found is not None else None
            if found is None or not isinstance(function, ast.FunctionDef):
                return None
            home = found[0]
            home_name = _module_name(self.folder, home)
            said_type = _named_type(home, home_name, _unwrap_optional(function.returns))
            said = self.known(said_type) if said_type is not None else None

            def defined(callee: ast.expr) -> bool:
                return self._definition(home, home_name, callee) is not None

            return made_new(function, said, lambda n: _named_type(home, home_name, n), self.known, defined)

        return made_by


_ALIASES: dict[str, dict[str, str]] = {}


def _alias_of(project: Project, summary: ModuleSummary, name: str) -> str | None:
    """``BaseRedis = Redis[bytes]`` (or ``= Redis``) at module level, under ``if`` blocks too:
    what the alias names (read once per module)."""
    aliases = _ALIASES.get(summary.path)
    if aliases is None:
        aliases = _ALIASES[summary.path] = {}
        module = project.module_at(Path(summary.path))
        todo = list(module.tree.body) if module is not None else []
        while todo:
            node = todo.pop()
            if isinstance(node, ast.If):
                todo.extend([*node.body, *node.orelse])
            elif isinstance(node, ast.Assign) and module is not None:
                value = node.value.value if isinstance(node.value, ast.Subscript) else node.value
                qualified = module.imports.qualify(value)
                for target in node.targets:
                    if isinstance(target, ast.Name) and qualified is not None:
                        aliases.setdefault(target.id, qualified)
    return aliases.get(name)


def _judge_own(
    project: Project, model: OwnershipModel, folder: Path, summary: ModuleSummary, facts: ClassFacts
) -> Entry | None:
    made = model.resource_type(summary, facts) or _decorated_owner(project, model, summary, facts)
    if made is not None and not made.by_protocol and made.release.startswith("_"):
        # (a private release reached from a public one: ``disconnect()`` running ``_close()``)
        public = public_release(project, model, summary, facts)
        made = replace(made, release=public[0], awaited=public[1]) if public is not None else made
    elif made is not None and not made.by_protocol and RELEASE_WORD_RULE and not release_named(made.release):
        # (a release-named method releasing the same holding before the public method the
        # first-party rule takes as the first releaser: aionanit's ``async_close()``, not
        # ``async_force_reconnect()``; none such: the first stays, a ``finish()``)
        named = named_release(project, model, summary, facts, made.release)
        made = replace(made, release=named[0], awaited=named[1]) if named is not None else made
    # (the library's protocol rule is the one below, and it is asked too when the owner rule
    # finds only a private release, ``__aexit__`` itself: aioscraper's ``AIOScraper``)
    if made is not None and not made.by_protocol and not made.release.startswith("_"):
        ends = _ending_methods(project, summary, facts, made.release)
        return Entry(made.release, made.awaited, made.lazy, "owner", folder.name, ends)
    close = protocol_close(project, summary, facts)
    if close is not None:
        ends = _ending_methods(project, summary, facts, close[0])
        given = given_parameters(project, summary, facts, close[0])
        return Entry(close[0], close[1], True, "protocol", folder.name, ends, given)
    finalized = finalizer_close(_family_nodes(project, summary, facts))
    if finalized is not None:
        ends = _ending_methods(project, summary, facts, finalized)
        given = given_parameters(project, summary, facts, finalized)
        return Entry(finalized, True, True, "finalizer", folder.name, ends, given)
    return None


def _exits(
    project: Project, model: OwnershipModel, every: list[tuple[Path, str, ModuleSummary, ClassFacts]], found: dict[str, Entry],
    judged: set[tuple[str, str]], builtin: dict[str, str],
) -> bool:
    """**exit**, asked last (once the part rule agrees too: a holding its users reach is
    released through it, aiogram 3's ``Bot``): a class no rule entered whose holding, read by the
    owner rule, is released by its ``__aexit__`` alone, which runs no public method of the class
    (meraki's ``AsyncDashboardAPI``: ``await self._session.close()`` there). Whether any was."""
    added = False
    for folder, module_name, summary, facts in every:
        key = f"{module_name}.{facts.name}"
        if key in found or key in builtin or (key, folder.name) in judged:
            continue
        try:
            made = model.resource_type(summary, facts)
            alone = made is not None and not made.by_protocol and made.release == "__aexit__" and _exit_alone(project, summary, facts)
        except Exception as error:  # noqa: BLE001 (as ``generate``: an odd class is skipped)
            print(f"skipped {key} of {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
            continue
        if made is not None and alone:
            found[key] = Entry("__aexit__", made.awaited, made.lazy, "exit", folder.name)
            judged.add((key, folder.name))
            added = True
    return added


def _exit_alone(project: Project, summary: ModuleSummary, facts: ClassFacts) -> bool:
    """The class's ``__aexit__`` calls no public method of the class: what it ends, it ends
    itself (a public method it runs would end the object as well, and be read as its release,
    when a rule reads it so, or leave ``__aexit__`` no surer a release than that method). And
    the class has no ``__exit__``: one that a plain ``with`` ends too is made and ended in plain
    code as well (mixpanel's ``Mixpanel``), where no ``async with`` can be written."""
    nodes = _family_nodes(project, summary, facts)
    exit_ = _method(nodes, "__aexit__")
    return (
        exit_ is not None
        and _method(nodes, "__exit__") is None
        and all(name.startswith("_") for name, _ in self_calls(exit_.body))
    )


def decorated_acquisitions(module: ModuleInfo, cls: ast.ClassDef) -> tuple[Acquisition, ...]:
    """What the class's methods acquire through a decorator of their own module: a function of
    the module decorating a method (``@client_session``) whose wrapper stores a new object on
    the instance it is called with (``self.client_session = ClientSession(...)`` in ``def
    wrapper(self, *args)``: matrix-nio's ``AsyncClient``, which makes its session on the first
    request) acquires that object for the class, in the method it decorates, as the method's own
    ``self.<attr> = Callee(...)`` would. Whether the class owns it is then the owner rule's
    question (a release of its own ending that attribute)."""
    functions = {s.name: s for s in module.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    classes_ = {s.name for s in module.tree.body if isinstance(s, ast.ClassDef)}
    found: list[Acquisition] = []
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in method.decorator_list:
            function = functions.get(decorator.id) if isinstance(decorator, ast.Name) else None
            for wrapper in _own_nodes(function) if function is not None else ():
                if not isinstance(wrapper, (ast.FunctionDef, ast.AsyncFunctionDef)) or not wrapper.args.args:
                    continue
                receiver = wrapper.args.args[0].arg
                for node in _own_nodes(wrapper):
                    if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call)):
                        continue
                    target, func = node.targets[0], node.value.func
                    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver):
                        continue
                    qualified = module.imports.qualify(func)
                    ref: tuple[str, str] | None = (
                        ("qualified", qualified) if qualified is not None
                        else ("local", func.id) if isinstance(func, ast.Name) and func.id in classes_ else None
                    )
                    if ref is not None:
                        found.append(Acquisition(target.attr, ref, method.name, node.lineno))
    return tuple(found)


def _decorated_owner(project: Project, model: OwnershipModel, summary: ModuleSummary, facts: ClassFacts) -> ResourceType | None:
    """The owner rule, with what the class's methods acquire through a decorator of their module
    (:func:`decorated_acquisitions`) added to what they acquire themselves."""
    module = project.module_at(Path(summary.path))
    node = _class_node(module, facts) if module is not None else None
    extra = decorated_acquisitions(module, node) if module is not None and node is not None else ()
    if not extra:
        return None
    # (asked anew, past the model's answer for the class as its summary has it)
    return model._resource_type(summary, replace(facts, acquisitions=(*facts.acquisitions, *extra)))


def finalizer_close(nodes: list[ast.ClassDef]) -> str | None:
    """**finalizer**: the class's ``__del__`` ends what the instance holds (it calls a release
    of ``self.<held>``, or hands that call to a scheduler: grpc's ``aio.Server`` schedules
    ``self._server.shutdown(None)`` when dropped while running), so the library says the holding
    must be ended before the instance goes; and a public coroutine release method of the class
    awaits that same release of that same holding on every path (``stop(grace)``: ``await
    self._server.shutdown(grace)``): the release, whatever arguments it takes (a call of it is
    known by its name). Whatever the holding is (a compiled object the table cannot know). A
    ``__del__`` that only warns, or a coroutine that ends something else, is not this rule's."""
    finalizer = _method(nodes, "__del__")
    if finalizer is None:
        return None
    ended = {
        (chain, node.func.attr)
        for node in _own_nodes(finalizer)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_release_name(node.func.attr)
        and (chain := _self_chain(node.func.value)) is not None
    }
    if not ended:
        return None
    names: list[str] = []
    for node in nodes:
        for method in node.body:
            if not (
                isinstance(method, ast.AsyncFunctionDef)
                and not method.name.startswith(("_", "release"))
                and is_release_name(method.name)
                and not _trivial(method)
                and _method(nodes, method.name) is method
            ):
                continue
            if any(
                isinstance(call.func, ast.Attribute) and (_self_chain(call.func.value), call.func.attr) in ended
                for call in _awaited_calls(method.body)
            ):
                names.append(method.name)
    order = (*_RELEASE_ORDER, "stop")
    return min(names, key=lambda n: order.index(n) if n in order else len(order)) if names else None


def _spec_of(found: dict[str, Entry]) -> Callable[[str], ResourceSpec | None]:
    def spec(qualified: str) -> ResourceSpec | None:
        if qualified in BUILTIN_RESOURCES:
            return BUILTIN_RESOURCES[qualified]
        entry = found.get(qualified)
        return entry.spec() if entry is not None else None

    return spec


_BROKEN: set[str] = set()


def _factories(project: Project, folders: list[Path], found: dict[str, Entry], builtin: dict[str, str]) -> bool:
    """Public functions and class methods that return a new resource on every path."""
    changed = False
    spec = _spec_of(found)
    table = {**{k: e.close for k, e in found.items()}, **builtin}
    model = OwnershipModel(project, table.get, ())
    for folder in folders:
        for path in readable(project, folder):
            module = project.module_at(path)
            if module is None:
                continue
            module_name = dotted(folder, path)
            for stmt in module.tree.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not stmt.name.startswith("_"):
                    key = f"{module_name}.{stmt.name}"
                    if key in found or key in builtin or key in _BROKEN:
                        continue
                    try:
                        made = factory_spec(module, stmt, spec, model)
                    except Exception as error:  # noqa: BLE001 (an odd function is skipped, the others are judged)
                        print(f"skipped {key} of {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
                        _BROKEN.add(key)
                        made = None
                    if made is not None:
                        lazy = made.lazy and not isinstance(stmt, ast.AsyncFunctionDef)
                        found[key] = Entry(made.close, made.awaited, lazy, "factory", folder.name, made.ends, enter=not made.unenterable)
                        changed = True
                    elif (said := _local_class_factory(module, module_name, stmt, found) or _annotated_factory(module, module_name, stmt, found) or (
                        callable_made_factory(module, stmt, lambda n: _named_type(module, module_name, _unwrap_optional(n)), found.__contains__)
                        if MADE_FACTORY_RULE else None
                    )) is not None:
                        entry = found[said]
                        lazy = entry.lazy and not isinstance(stmt, ast.AsyncFunctionDef)
                        found[key] = Entry(entry.close, entry.awaited, lazy, "factory", folder.name, entry.ends, enter=entry.enter)
                        changed = True
            changed |= _wrapper_factories(project, module, module_name, folder, found, table, model)
            summary = project.summary_of(module)
            if MADE_FACTORY_RULE:
                changed |= _opened_factories(project, module, module_name, folder, summary, found)
            for facts in summary.classes.values():
                owner = f"{module_name}.{facts.name}"
                if owner not in found:
                    continue
                node = _class_node(module, facts)
                annotated = _annotated_makers(node) if node is not None else set()
                for name in sorted(facts.factories | annotated):
                    key = f"{owner}.{name}"
                    if key not in found and not name.startswith("_"):
                        entry = found[owner]
                        is_async = facts.methods[name].is_async if name in facts.methods else False
                        # ``await Program.at(pid, provider)``: a parameter of the wrapper's, passed on.
                        maker = _own_method(node, name) if node is not None else None
                        names = {a.arg for a in (*maker.args.args, *maker.args.kwonlyargs)} if maker is not None else set()
                        given = tuple((param, -1) for param, _ in entry.given if param in names)
                        lazy = entry.lazy and not is_async
                        found[key] = Entry(entry.close, entry.awaited, lazy, "factory", folder.name, entry.ends, given, entry.enter)
                        changed = True
    return changed


def _opened_factories(
    project: Project, module: ModuleInfo, module_name: str, folder: Path, summary: ModuleSummary, found: dict[str, Entry]
) -> bool:
    """**factory** by opening (:func:`resource_factories.opened_instance`): a public async class
    method of a public class that returns a new instance it opened, of a class whose public
    release method releases what the instance holds; the class itself is not entered (its bare
    constructor opens nothing)."""
    changed = False
    for facts in summary.classes.values():
        node = _class_node(module, facts)
        if node is None or facts.name.startswith("_"):
            continue
        for method in node.body:
            if not isinstance(method, ast.AsyncFunctionDef) or not opened_instance(node, method):
                continue
            key = f"{module_name}.{facts.name}.{method.name}"
            if key in found or f"{module_name}.{facts.name}" in found:
                continue
            nodes = _family_nodes(project, summary, facts)
            release = class_release(nodes)
            if release is None:
                continue
            enter = _method(nodes, "__aenter__") is not None
            found[key] = Entry(release[0], release[1], False, "factory", folder.name, enter=enter)
            changed = True
    return changed


def _wrapper_factories(
    project: Project, module: ModuleInfo, module_name: str, folder: Path, found: dict[str, Entry], table: dict[str, str], model: OwnershipModel
) -> bool:
    """**factory** through a wrapper (:func:`resource_openers.given_wrapper_factory`): the
    module's public functions, and the public class and static methods of its public classes,
    that return a class of the library handed a resource they open."""
    closes = {**table, **ELEMENT_CLOSES}

    def made_close(call: ast.Call, part: int | None) -> str | None:
        qualified = module.qualify(call.func) or (ref[1] if (ref := loop_ref(module, call)) is not None else None)
        if qualified is None:
            return None
        return closes.get(qualified if part is None else f"{qualified}[{part}]")

    def releaser(owner: ast.ClassDef | None) -> Callable[[ast.expr, ast.Call, str | int, str], tuple[str, bool] | None]:
        def release(func: ast.expr, call: ast.Call, where: str | int, close: str) -> tuple[str, bool] | None:
            if isinstance(func, ast.Name) and func.id == "cls" and owner is not None:
                home, cls = module, owner
            else:
                qualified = module.qualify(func)
                looked = project.lookup(qualified, module.roots) if qualified is not None else None
                if looked is None or not isinstance(looked[1], ast.ClassDef):
                    return None
                home, cls = looked[0], looked[1]
            summary = project.summary_of(home)
            facts = summary.classes.get(cls.lineno)
            if facts is None:
                return None
            family = lineage(project, summary, facts)
            init = next((f for _, f in family if "__init__" in f.methods), None)
            if init is None:
                return None
            attr = init.stored_positions.get(where) if isinstance(where, int) else init.stored_params.get(where)
            return attr_release(family, attr, close.rpartition(".")[2]) if attr is not None else None

        return release

    added = False
    functions: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef, ast.ClassDef | None]] = []
    for stmt in module.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and not stmt.name.startswith("_"):
            functions.append((f"{module_name}.{stmt.name}", stmt, None))
        elif isinstance(stmt, ast.ClassDef) and not stmt.name.startswith("_"):
            for method in stmt.body:
                if (
                    isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not method.name.startswith("_")
                    and _decorators(method) & {"classmethod", "staticmethod"}
                ):
                    functions.append((f"{module_name}.{stmt.name}.{method.name}", method, stmt))
    for key, function, owner in functions:
        if key in found or key in _BROKEN:
            continue
        try:
            made = given_wrapper_factory(module, function, owner, made_close, releaser(owner))
        except Exception as error:  # noqa: BLE001 (an odd function is skipped, the others are judged)
            print(f"skipped {key} of {folder.name}: {type(error).__name__}: {error}", file=sys.stderr)
            _BROKEN.add(key)
            continue
        if made is not None:
            found[key] = Entry(made[0], made[1], False, "factory", folder.name)
            added = True
    return added


def _local_class_factory(
    module: ModuleInfo, module_name: str, function: ast.FunctionDef | ast.AsyncFunctionDef, found: dict[str, Entry]
) -> str | None:
    """A public function that, on every path, returns a new instance of a class of its own module
    that only the maker rule (:func:`_pools`), the protocol rule or the finalizer rule finds,
    which the ownership model does not ask about: SQLAlchemy's ``create_async_engine(url)``, ``return
    AsyncEngine(sync_engine)``; grpc's ``aio.insecure_channel(target)``, ``return
    Channel(target, ...)``. The class's name."""
    local = {s.name for s in module.tree.body if isinstance(s, ast.ClassDef)}
    bound: dict[str, list[ast.expr]] = {}
    returned: list[ast.expr | None] = []
    for node in _own_nodes(function):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bound.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.Return):
            returned.append(node.value)
    made: set[str] = set()
    for value in returned:
        if isinstance(value, ast.Name) and len(bound.get(value.id, ())) == 1:
            value = bound[value.id][0]
        value = value.value if isinstance(value, ast.Await) else value
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in local):
            return None
        made.add(f"{module_name}.{value.func.id}")
    if len(made) != 1:
        return None
    key = made.pop()
    entry = found.get(key)
    return key if entry is not None and entry.rule in ("maker", "protocol", "finalizer") and not entry.given else None


_RUN_TO_END = {"asyncio.wait_for", "asyncio.shield"}


def _annotated_factory(
    module: ModuleInfo, module_name: str, function: ast.FunctionDef | ast.AsyncFunctionDef, found: dict[str, Entry]
) -> str | None:
    """A public coroutine function that says it returns a resource type (``-> SSHClientConnection``)
    and, on every path, returns what a private function of its own module makes, awaited
    (through ``asyncio.wait_for`` or ``shield`` too): asyncssh's ``connect()``, whose
    connection is built by ``_connect(...)`` from the factory it is handed. A private helper of
    the module is how the library makes it, never a cache of the caller's. The type it names."""
    if not isinstance(function, ast.AsyncFunctionDef):
        return None
    said = _named_type(module, module_name, _unwrap_optional(function.returns))
    if said not in found:
        return None
    helpers = {s.name for s in module.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name.startswith("_")}
    returns = [n for n in _own_nodes(function) if isinstance(n, ast.Return)]
    if not returns:
        return None
    for node in returns:
        value = node.value
        if not isinstance(value, ast.Await) or not isinstance(value.value, ast.Call):
            return None
        call = value.value
        if module.imports.qualify(call.func) in _RUN_TO_END and call.args and isinstance(call.args[0], ast.Call):
            call = call.args[0]
        if not (isinstance(call.func, ast.Name) and call.func.id in helpers):
            return None
    return said


def _annotated_makers(node: ast.ClassDef) -> set[str]:
    """Public ``@classmethod`` coroutines that say they return an instance of their class
    (``-> Self``, ``-> "AsyncConnection"``) and return a local variable on every path, never
    reading an attribute of the class that they do not call (a cache: ``cls._instance``):
    psycopg's ``AsyncConnection.connect``, whose instance is made by a helper
    (``rv = await waiting.wait_conn_async(cls._connect_gen(...))``)."""
    found: set[str] = set()
    for method in node.body:
        if not isinstance(method, ast.AsyncFunctionDef) or method.name.startswith("_") or not method.args.args:
            continue
        if not any(isinstance(d, ast.Name) and d.id == "classmethod" for d in method.decorator_list):
            continue
        returned = method.returns.value if isinstance(method.returns, ast.Subscript) else method.returns
        said = (
            returned.id if isinstance(returned, ast.Name)
            else returned.attr if isinstance(returned, ast.Attribute)
            else returned.value if isinstance(returned, ast.Constant) else None
        )
        if said not in ("Self", node.name):
            continue
        cls, nodes = method.args.args[0].arg, list(ast.walk(method))
        params = {a.arg for a in ast.walk(method.args) if isinstance(a, ast.arg)}
        called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
        locals_ = {t.id for n in nodes if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        returns = [n for n in nodes if isinstance(n, ast.Return)]
        if (
            returns
            and all(isinstance(r.value, ast.Name) and r.value.id in locals_ - params for r in returns)
            and not any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal)) for n in nodes)
            and not any(
                isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == cls and id(n) not in called
                for n in nodes
            )
        ):
            found.add(method.name)
    return found


def _package_bindings(project: Project, folders: list[Path]) -> Iterator[tuple[str, str, bool]]:
    """The public names each package's ``__init__`` binds to an imported name (``engineio.AsyncClient``
    -> ``engineio.async_client.AsyncClient``): (the name, what it names, whether the package is
    public). A package under a private part (``azure.identity.aio._credentials``) is a link of a
    chain of re-exports (``azure.identity.aio.CertificateCredential`` names
    ``..._credentials.CertificateCredential``, which names ``..._credentials.certificate.
    CertificateCredential``), never a name a user imports."""
    for folder in folders:
        for path in readable(project, folder):
            if path.name != "__init__.py":
                continue
            module_name = dotted(folder, path)
            summary = project.summary(path)
            public = not any(part.startswith("_") for part in module_name.split("."))
            for local, target in summary.imports.items() if summary is not None else ():
                if not local.startswith("_") and "." in target:
                    yield f"{module_name}.{local}", target, public


def _reexports(project: Project, folders: list[Path]) -> dict[str, str]:
    """The names packages' ``__init__`` modules bind to one imported name each, private packages'
    links included (:func:`_package_bindings`); a name bound to two (two wheels of one package)
    is left out."""
    targets: dict[str, set[str]] = {}
    stars = _star_bindings(project, folders) if STAR_RULE else ()
    for name, target, _ in (*_package_bindings(project, folders), *stars):
        targets.setdefault(name, set()).add(target)
    return {name: next(iter(named)) for name, named in targets.items() if len(named) == 1}


def _star_bindings(project: Project, folders: list[Path]) -> Iterator[tuple[str, str, bool]]:
    """The public classes a package's ``__init__`` binds through ``from .client import *``
    (discord: ``discord.Client`` -> ``discord.client.Client``), as :func:`_package_bindings`
    gives them: a subclass naming its base so (``class Bot(BotBase, discord.Client)``) is judged
    by the class it names, not only once the run enters the re-exports at its end."""
    for folder in folders:
        for path in readable(project, folder):
            if path.name != "__init__.py":
                continue
            module_name = dotted(folder, path)
            module = project.module_at(path)
            for stmt in module.tree.body if module is not None else []:
                if not (isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names)):
                    continue
                source = resolve_relative(stmt.module, stmt.level, module_name, True)
                found = project.find_path(source, (folder,)) if source else None
                summary = project.summary(found) if found is not None else None
                for name, definition in summary.definitions.items() if summary is not None else ():
                    if definition.kind == "class" and not name.startswith("_"):
                        yield f"{module_name}.{name}", f"{source}.{name}", True


def _final(name: str, reexports: dict[str, str]) -> str:
    """Where a name's chain of re-exports ends (``discord.Client`` -> ``discord.client.Client``)."""
    seen: set[str] = set()
    while name in reexports and name not in seen:
        seen.add(name)
        name = reexports[name]
    return name


def _opened_by_a_call(found: dict[str, Entry], reexports: dict[str, str]) -> Callable[[str], bool]:
    def opened(name: str) -> bool:
        entry = found.get(name) or found.get(_final(name, reexports))
        return entry is not None and entry.rule == "owner" and entry.lazy

    return opened


def _method_close(
    model: OwnershipModel, table: dict[str, str], reexports: dict[str, str]
) -> Callable[[ModuleSummary, Acquisition], tuple[str, bool] | None]:
    """How what a maker of another library makes is released, for ``ClassFacts.made``: the
    checker's own reading (``method_made.maker_method_close``), its types known by the shipped
    table's spec or, for one of the libraries read here, by the close found."""
    through = _through(table, reexports)

    def spec(qualified: str) -> ResourceSpec | None:
        known = library_resource(qualified) or BUILTIN_RESOURCES.get(qualified)
        close = through(qualified) if known is None else None
        return known if known is not None else ResourceSpec(close) if close is not None else None

    return lambda summary, kept: maker_method_close(model, summary, kept, spec)


def _through(table: dict[str, str], reexports: dict[str, str]) -> Callable[[str], str | None]:
    """``table.get``, following a name's chain of re-exports to the type it names."""

    def close(name: str) -> str | None:
        found = table.get(name)
        return found if found is not None else table.get(_final(name, reexports))

    return close


def _star_imports(body: list[ast.stmt], package: bool) -> Iterator[ast.ImportFrom]:
    """The ``from X import *`` a module runs at its top level: a package's ``__init__`` (discord's
    ``from .client import *``), and, with ``STAR_MODULE_RULE``, a public module of its own, there
    or in the body of a top-level ``try`` (dask's ``dask/distributed.py``: ``try: from
    distributed import *``), which binds every public name of X as Python binds it: a module
    that says nothing else re-exports them (``import dask.distributed``;
    ``dask.distributed.Client``)."""
    def star(stmt: ast.stmt) -> ast.ImportFrom | None:
        return stmt if isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names) else None

    for stmt in body:
        if (found := star(stmt)) is not None:
            yield found
        elif STAR_MODULE_RULE and not package and isinstance(stmt, ast.Try):
            yield from (found for inner in stmt.body if (found := star(inner)) is not None)


def _aliases(project: Project, folders: list[Path], found: dict[str, Entry]) -> None:
    """``openai.AsyncOpenAI`` for ``openai._client.AsyncOpenAI``: every public name a module
    imports and binds to a resource type, followed through chains of re-exports."""
    bindings: list[tuple[str, str]] = []
    stars: list[tuple[str, str]] = []
    # A private package's ``__init__`` is a link of a chain (:func:`_package_bindings`): followed,
    # never entered.
    links: dict[str, set[str]] = {}
    for name, target, public in _package_bindings(project, folders):
        if public:
            bindings.append((name, target))
        else:
            links.setdefault(name, set()).add(target)
    for folder in folders:
        for path in readable(project, folder):
            summary = project.summary(path)
            module_name = dotted(folder, path)
            package = path.name == "__init__.py"
            if summary is None or any(part.startswith("_") for part in module_name.split(".")):
                continue
            if not package and not STAR_MODULE_RULE:
                continue  # a package's public ``__init__`` re-exports; other modules import for themselves
            module = project.module_at(path)
            for stmt in _star_imports(module.tree.body if module is not None else [], package):
                # ``from .client import *`` (discord): every public name of that module.
                source = resolve_relative(stmt.module, stmt.level, module_name, package)
                if source:
                    stars.append((module_name, source))
    # A public name two wheels bind to different classes (``aioredis.Redis`` in aioredis 1 and
    # 2): left out unless every one is a resource released alike.
    targets: dict[str, set[str]] = {}
    for name, target in bindings:
        targets.setdefault(name, set()).add(target)

    def final(name: str, seen: frozenset[str] = frozenset()) -> str:
        """Where a chain of re-exports ends (``aiogram.bot.Bot`` -> ``aiogram.bot.bot.Bot``):
        each target is judged by the class it names, not by whether its alias is entered yet."""
        named = targets.get(name) or links.get(name, set())
        if name in found or len(named) != 1 or name in seen:
            return name
        return final(next(iter(named)), seen | {name})

    def linked(name: str, seen: frozenset[str] = frozenset()) -> str:
        """Where a chain of private packages' links from ``name`` ends (``name`` itself when it
        is found, or is no single link)."""
        named = links.get(name, set())
        if name in found or len(named) != 1 or name in seen:
            return name
        return linked(next(iter(named)), seen | {name})

    ambiguous = {
        name
        for name, named in targets.items()
        if len(named) > 1
        and len({(found[f].close, found[f].awaited) if f in found else None for f in (final(t) for t in named)}) > 1
    }
    changed = True
    while changed:
        changed = False
        for package, source in stars:
            prefix = f"{source}."
            for name in list(found):
                rest = name[len(prefix):]
                if name.startswith(prefix) and "." not in rest and not rest.startswith("_") and f"{package}.{rest}" not in found:
                    found[f"{package}.{rest}"] = found[name]
                    changed = True
        members: dict[str, list[str]] = {}
        for key in found:
            members.setdefault(key.rpartition(".")[0], []).append(key)
        for name, bound in bindings:
            target = linked(bound)
            if name not in found and target in found and name not in ambiguous:
                found[name] = found[target]
                changed = True
            # The class's factory methods under the re-exported name too (``binance.AsyncClient.create``).
            for factory in members.get(target, ()):
                alias = f"{name}.{factory[len(target) + 1:]}"
                # (a class whose opening class method alone is entered: aiocoap's ``Context``)
                if (target in found or found[factory].rule == "factory") and alias not in found and name not in ambiguous:
                    found[alias] = found[factory]
                    changed = True


@dataclass(frozen=True)
class Maker:
    """A method of a library's public class that returns a new instance of a resource type."""

    returns: str
    is_async: bool  # what ``await`` gives: a coroutine method's result, or an awaitable wrapper's
    source: str
    # False when another public method of the library so named returns no resource: the name
    # alone says nothing, only a receiver known to be of this class does.
    by_name: bool = True


_PLAIN_DECORATORS = {"overload", "abstractmethod"}


def _decorators(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for decorator in method.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else "?")
    return names


def _unwrap_optional(node: ast.expr | None) -> ast.expr | None:
    """``Optional[T]``, ``Union[T, None]``, ``T | None`` (string forms parsed): ``T``; another
    subscript (``Redis[bytes]``, a wrapper ``AsyncEventContextManager[Page]``) is kept whole."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        sides = [s for s in (node.left, node.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return _unwrap_optional(sides[0]) if len(sides) == 1 else None
    if isinstance(node, ast.Subscript):
        outer = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id if isinstance(node.value, ast.Name) else ""
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        inner = [s for s in inner if not (isinstance(s, ast.Constant) and s.value is None)]
        if outer in ("Optional", "Union") and len(inner) == 1:
            return _unwrap_optional(inner[0])
        return node if outer not in ("Optional", "Union") else None
    return node if isinstance(node, (ast.Name, ast.Attribute)) else None


def _named_type(module: ModuleInfo, module_name: str, node: ast.expr | None) -> str | None:
    """The qualified name a type expression names: an import, or a class of the module."""
    if node is None:
        return None
    qualified = module.imports.qualify(node)
    if qualified is not None:
        return qualified
    if isinstance(node, ast.Name) and any(isinstance(s, ast.ClassDef) and s.name == node.id for s in module.tree.body):
        return f"{module_name}.{node.id}"
    return None


def _returns_held(method: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A ``return`` of ``self`` or of what it holds (``return self._opener``): a shared object."""
    params = method.args.posonlyargs + method.args.args
    if not params:
        return False
    receiver = params[0].arg
    for node in ast.walk(method):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        values = [node.value.body, node.value.orelse] if isinstance(node.value, ast.IfExp) else (
            node.value.values if isinstance(node.value, ast.BoolOp) else [node.value]
        )
        for value in values:
            while isinstance(value, (ast.Attribute, ast.Subscript)):
                value = value.value
            if isinstance(value, ast.Name) and value.id == receiver:
                return True
    return False


def _made_type(
    module: ModuleInfo, module_name: str, method: ast.FunctionDef | ast.AsyncFunctionDef, awaitables: set[str]
) -> tuple[str | None, bool]:
    """What the method says it returns (its annotation, ``Optional`` unwrapped), else what every
    ``return T(...)`` of it constructs, when that is one class; and whether ``await`` gives it.
    ``W[T]`` where the library's ``W`` is awaitable (``__await__``) gives ``T`` when awaited
    (aiohttp's ``ws_connect() -> _BaseRequestContextManager[ClientWebSocketResponse]``); any
    other generic ``T[...]`` is ``T`` (``Redis[bytes]``)."""
    is_async = isinstance(method, ast.AsyncFunctionDef)
    if method.returns is not None:
        node = _unwrap_optional(method.returns)
        if isinstance(node, ast.Subscript):
            outer = _named_type(module, module_name, node.value)
            if outer in awaitables and not is_async:
                inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
                inner = inner.value if isinstance(inner, ast.Subscript) else inner
                return _named_type(module, module_name, inner), True
            node = node.value
        return _named_type(module, module_name, node), is_async
    made: set[str | None] = set()
    for node in ast.walk(method):
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None, is_async
        if isinstance(node, ast.Return):
            value = node.value
            made.add(_named_type(module, module_name, value.func) if isinstance(value, ast.Call) else None)
    return (made.pop() if len(made) == 1 else None), is_async


def _exported(project: Project, folder: Path) -> set[str]:
    """What the public packages of ``folder`` re-export (``playwright.async_api.Page`` for
    ``playwright.async_api._generated.Page``): the classes a user of the library holds."""
    names: set[str] = set()
    for path in readable(project, folder):
        module_name = dotted(folder, path)
        summary = project.summary(path)
        if summary is not None and path.name == "__init__.py" and not any(p.startswith("_") for p in module_name.split(".")):
            names.update(summary.imports.values())
    return names


def _methods(
    project: Project, folder: Path, path: Path, module: ModuleInfo, module_name: str, cls: ast.ClassDef, public: bool
) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ModuleInfo, str]]:
    """The methods of ``cls`` with the module each is written in: its own, then, for a public
    class, those it inherits from private classes of its library and does not define itself (a
    generated ``_SearchIndexClientOperationsMixin`` whose ``get_search_client`` is
    azure-search-documents' ``SearchIndexClient.get_search_client``): a user calls them on the
    public class, the only one they know."""
    defined: set[str] = set()
    for method in cls.body:
        if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defined.add(method.name)
            yield method, module, module_name
    summary = project.summary(path) if public else None
    facts = next((f for f in summary.classes.values() if f.name == cls.name and f.line == cls.lineno), None) if summary else None
    if summary is None or facts is None:
        return
    for member_summary, member in lineage(project, summary, facts)[1:]:
        member_path = Path(member_summary.path)
        if not member.name.startswith("_") or folder not in member_path.parents:
            continue
        home = project.module_at(member_path)
        node = _class_node(home, member) if home is not None else None
        if home is None or node is None:
            continue
        names: set[str] = set()
        for method in node.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name not in defined:
                names.add(method.name)
                yield method, home, dotted(folder, member_path)
        defined |= names


def method_makers(project: Project, folders: list[Path], found: dict[str, Entry], by_method: bool = False) -> dict[str, Maker]:
    """Methods of the libraries' public classes whose result is a new instance of a resource
    type (``BrowserContext.new_page -> "Page"``), by ``module.Class.method``. A name says what a
    call makes (``by_name``) only when every public method of the library so named, coroutine
    or plain as it is, returns a resource (``APIRequest.new_context`` returns none: a
    ``new_context`` is ``Browser.new_context`` only on a receiver known to be a ``Browser``; the
    sync API's plain ``new_page`` never answers for an awaited one). None is kept when a method
    of the library so named returns ``self`` or what it holds (a cached object: ``Page.opener()``,
    whose implementation returns ``self._opener``). Properties, class and
    static methods (the factory rule's) and context managers (``@asynccontextmanager``) make
    nothing a call's result is. ``by_method``: each method judged by its own code only (what a
    call on a receiver known to be of its class makes), whatever another method so named returns."""
    resources = set(found) | set(BUILTIN_RESOURCES)
    makers: dict[str, Maker] = {}
    for folder in folders:
        exported = _exported(project, folder)
        awaitables = {
            f"{dotted(folder, path)}.{cls.name}"
            for path in readable(project, folder)
            if (module := project.module_at(path)) is not None
            for cls in module.tree.body
            if isinstance(cls, ast.ClassDef) and any(isinstance(m, ast.FunctionDef) and m.name == "__await__" for m in cls.body)
        }
        candidates: dict[tuple[str, bool], list[tuple[str, str | None]]] = {}
        held: set[str] = set()
        for path in readable(project, folder):
            module = project.module_at(path)
            if module is None:
                continue
            module_name = dotted(folder, path)
            private_module = any(p.startswith("_") for p in module_name.split("."))
            for cls in (s for s in module.tree.body if isinstance(s, ast.ClassDef)):
                public = not cls.name.startswith("_") and (not private_module or f"{module_name}.{cls.name}" in exported)
                for method, home, home_name in _methods(project, folder, path, module, module_name, cls, public):
                    if _returns_held(method):
                        held.add(f"{module_name}.{cls.name}.{method.name}" if by_method else method.name)
                    decorators = _decorators(method)
                    if not public or method.name.startswith("_") or "overload" in decorators:
                        continue
                    try:
                        made, is_async = _made_type(home, home_name, method, awaitables)
                    except Exception as error:  # noqa: BLE001 (an odd method is skipped, the others are judged)
                        print(f"skipped {module_name}.{cls.name}.{method.name}: {type(error).__name__}: {error}", file=sys.stderr)
                        made, is_async = None, isinstance(method, ast.AsyncFunctionDef)
                    if decorators - _PLAIN_DECORATORS and not awaited_through(project, home, method, _PLAIN_DECORATORS):
                        made = None
                    key = f"{module_name}.{cls.name}.{method.name}"
                    if key in _ENTERED_BY and made not in resources:
                        made, is_async = _ENTERED_BY[key], True  # ``return await self.__aenter__()``
                    candidates.setdefault((method.name, is_async), []).append((key, made if made in resources else None))
        for (name, is_async), methods in candidates.items():
            if name in held:
                continue
            by_name = all(made is not None for _, made in methods)
            for key, made in methods:
                if made is not None and key not in held:
                    # A manager's ``start()`` makes the entered object only on a receiver known to
                    # be that manager (``async_playwright()``'s result): ``start`` is many classes'
                    # verb, some reached only through a property (``context.tracing.start()``).
                    makers[key] = Maker(made, is_async, folder.name, by_name and key not in _ENTERED_BY)
    return makers


def typed_calls(project: Project, folders: list[Path], owners: set[str]) -> dict[str, tuple[str, str]]:
    """Public plain functions of the libraries whose result is a new instance of a manager whose
    method enters it by hand (``owners``, the **entered** rule's makers, known only on a
    receiver of the manager's class): the annotation says so or every ``return`` constructs it
    (Playwright's ``async_playwright() -> PlaywrightContextManager``, whose ``start()`` makes a
    ``Playwright``), by their module's name and by the public names packages' ``__init__`` bind
    to them: (the class, the wheel). What the maker called on such a call's result makes is then
    known as on an annotated receiver (``await async_playwright().start()``). (Other makers known
    only on a typed receiver are left as they were: their receivers are not typed so.)"""
    typed: dict[str, tuple[str, str]] = {}
    bindings: list[tuple[str, str]] = []
    for folder in folders:
        for path in readable(project, folder):
            module = project.module_at(path)
            if module is None:
                continue
            module_name = dotted(folder, path)
            for stmt in module.tree.body:
                if not isinstance(stmt, ast.FunctionDef) or stmt.name.startswith("_") or _decorators(stmt):
                    continue
                try:
                    made, _ = _made_type(module, module_name, stmt, set())
                except Exception:  # noqa: BLE001 (an odd function is skipped, the others are judged)
                    made = None
                if made in owners:
                    typed[f"{module_name}.{stmt.name}"] = (made, folder.name)
            summary = project.summary(path)
            if path.name == "__init__.py" and summary is not None and not any(p.startswith("_") for p in module_name.split(".")):
                bindings.extend((f"{module_name}.{local}", target) for local, target in summary.imports.items() if not local.startswith("_"))
    for name, target in bindings:
        if target in typed and name not in typed:
            typed[name] = typed[target]
    return typed


def listed_folders(src: Path, lists: list[Path]) -> tuple[list[Path], list[str]]:
    """The folders ``SRC/<name>-<version>`` of the pins in ``lists`` (``name[extra]==version``,
    ``#`` comments), and the pins whose folder is missing or holds no Python source."""
    folders: list[Path] = []
    missing: list[str] = []
    for listed in lists:
        for line in listed.read_text(encoding="utf-8").splitlines():
            pin = line.split("#", 1)[0].strip()
            if not pin:
                continue
            name, _, version = pin.partition("==")
            folder = src / f"{name.split('[', 1)[0].strip()}-{version.strip()}"
            if folder.is_dir() and next(modules(folder), None) is not None:
                folders.append(folder)
            else:
                missing.append(pin)
    return folders, missing


def pinned_folders(src: Path | None, lists: list[Path]) -> list[Path]:
    """The folders of the pins in ``lists`` (under ``src``, ``.`` by default), in the lists'
    order; each pin without a folder is said on stderr."""
    listed, missing = listed_folders(src or Path("."), lists)
    for pin in missing:
        print(f"skipped {pin}: not downloaded, or no Python source", file=sys.stderr)
    return listed


def given_folders(folders: list[Path], src: Path | None, lists: list[Path]) -> list[Path]:
    """The folders named on the command line and those of the pins in ``lists`` (under ``src``,
    ``.`` by default), each once, resolved and sorted; each pin without a folder is said on
    stderr."""
    found = list(folders) + (pinned_folders(src, lists) if lists else [])
    return sorted({folder.resolve() for folder in found})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, help="a folder per unpacked wheel")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--src", type=Path, help="the folder holding a folder <name>-<version> per pin of --list")
    parser.add_argument("--list", type=Path, action="append", default=[], help="a file of pins (name==version)")
    parser.add_argument(
        "--batch-list", type=Path, action="append", default=[],
        help="a file of pins read after the others, in batches, each with the types found before it known",
    )
    parser.add_argument("--batch-size", type=int, default=600, help="distributions per batch of --batch-list")
    parser.add_argument(
        "--ranked-list", type=Path, action="append", default=[],
        help="a file of pins read last, in its order, in batches (resource_population.py)",
    )
    parser.add_argument(
        "--ranked-budget", type=int, default=12000,
        help="modules per batch of --ranked-list; a distribution of more than a tenth of it is left out",
    )
    parser.add_argument(
        "--seed-table", type=Path,
        help="a table written before from the --list/--batch-list pins: its entries are taken as they are "
        "(those pins are not read again) and only --ranked-list is read",
    )
    parser.add_argument(
        "--holders-list", type=Path, action="append", default=[],
        help="the pins the holders section is read from (all read at once); default: every distribution read",
    )
    args = parser.parse_args(argv)
    folders = given_folders(args.folders, args.src, args.list)
    later: list[Path] = []
    if args.batch_list:
        later = sorted({folder.resolve() for folder in pinned_folders(args.src, args.batch_list)} - set(folders))
    makers: dict[str, Maker] = {}
    typed: dict[str, tuple[str, str]] = {}
    seed: dict[str, Any] = {}
    if args.seed_table is not None:
        from resource_population import seeded

        seed = json.loads(args.seed_table.read_text(encoding="utf-8"))
        found = seeded(seed, Entry, Maker, makers, typed)
    else:
        found = (
            generate_in_batches(folders, later, args.batch_size, makers, typed) if later
            else generate(folders, makers=makers, typed=typed)
        )
    ranked: list[Path] = []
    if args.ranked_list:
        from resource_population import generate_ranked

        before = {*folders, *later}
        listed = pinned_folders(args.src, args.ranked_list)
        ranked = [folder for folder in dict.fromkeys(f.resolve() for f in listed) if folder not in before]
        found = generate_ranked(
            generate, modules, [*folders, *later], ranked, args.ranked_budget, found, makers, typed, _READABLE.clear,
        )
    table = {
        name: {
            "close": e.close,
            "awaited": e.awaited,
            "lazy": e.lazy,
            "ends": list(e.ends),
            "given": [list(g) for g in e.given],
            "rule": e.rule,
            "source": e.source,
            **({} if e.enter else {"enter": False}),
        }
        for name, e in sorted(found.items())
    }
    document = {
        "comment": "Generated by scripts/make_resource_table.py from the wheels in scripts/library_resources*.txt; do not edit.",
        "sources": sorted({*seed["sources"], *(f.name for f in ranked)} if seed else (f.name for f in [*folders, *later, *ranked])),
        "types": table,
        "makers": {
            name: {"returns": m.returns, "async": m.is_async, "by_name": m.by_name, "source": m.source}
            for name, m in sorted(makers.items())
        },
        "returns": {name: {"returns": kind, "source": source} for name, (kind, source) in sorted(typed.items())},
    }
    # The classes that are no resource of their own but close what they are given
    # (``resource_holders.py``, session 57), read from the same wheels.
    from resource_holders import holders

    # A seed's other sections (``versions``: scripts/version_entries.py) are kept as they are.
    document.update((key, value) for key, value in seed.items() if key not in document and key != "holders")
    # Read at once, all of them: with thousands of distributions, only a chosen list fits.
    if args.holders_list:
        document["holders"] = holders(given_folders([], args.src, args.holders_list), set(table))
    elif seed:
        document["holders"] = {name: entry for name, entry in seed.get("holders", {}).items() if name not in table}
    else:
        document["holders"] = holders([*folders, *later, *ranked], set(table))
    args.out.write_text(json.dumps(document, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(table)} names of {len({e.source for e in found.values()})} libraries -> {args.out}", file=sys.stderr)
    print(f"{len(makers)} method makers of {len({m.source for m in makers.values()})} libraries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
