"""Async resources (sessions, clients, pools): where each is created and whether it is closed."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal, cast

from flake8_tradelint.analysis.dataclass_model import resolve_class
from flake8_tradelint.analysis.uses import (
    Use,
    assigned_to,
    classify,
    declares_outer,
    in_cleanup_block,
    is_awaited_call,
    name_loads,
    resolve_aliases,
    self_attribute_loads,
)
from flake8_tradelint.context import ModuleInfo

if TYPE_CHECKING:
    from flake8_tradelint.engine import FileContext


@dataclass(frozen=True)
class ResourceSpec:
    close: str
    # Needs a running event loop when constructed: creating it at import time is a bug by itself.
    needs_loop: bool = False
    # Opens connections only on first use (ccxt, httpx, redis): unused, it holds nothing to leak.
    lazy: bool = False


BUILTIN_RESOURCES: dict[str, ResourceSpec] = {
    "aiohttp.ClientSession": ResourceSpec("close", needs_loop=True),
    "aiohttp.client.ClientSession": ResourceSpec("close", needs_loop=True),
    "aiohttp.TCPConnector": ResourceSpec("close", needs_loop=True),
    "aiohttp.connector.TCPConnector": ResourceSpec("close", needs_loop=True),
    "httpx.AsyncClient": ResourceSpec("aclose", lazy=True),
    "redis.asyncio.Redis": ResourceSpec("aclose", lazy=True),
    "redis.asyncio.StrictRedis": ResourceSpec("aclose", lazy=True),
    "redis.asyncio.client.Redis": ResourceSpec("aclose", lazy=True),
    "redis.asyncio.from_url": ResourceSpec("aclose", lazy=True),
    "redis.asyncio.Redis.from_url": ResourceSpec("aclose", lazy=True),
    "redis.asyncio.client.Redis.from_url": ResourceSpec("aclose", lazy=True),
    "asyncpg.create_pool": ResourceSpec("close"),
}
# ``ccxt.async_support.binance()``: any exchange class directly under these modules.
EXCHANGE_MODULES = ("ccxt.async_support", "ccxt.pro")
CLOSE_METHODS = {"close", "aclose"}
OWNERSHIP_TAKERS = {"enter_async_context", "enter_context", "aclosing", "closing"}

Kind = Literal["local", "inline", "self", "import_time"]


@dataclass(frozen=True)
class Creation:
    call: ast.Call
    spec: ResourceSpec
    label: str  # how the constructor is spelled in the source, for messages
    kind: Kind
    stmt: ast.AST  # the node reported
    name: str = ""  # the local name or the self attribute
    function: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    cls: ast.ClassDef | None = None


Problem = Literal["never_closed", "not_in_finally", "inline", "self_never_closed", "import_time"]


@dataclass(frozen=True)
class Verdict:
    creation: Creation
    problem: Problem


class ResourceAnalysis:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.module = ctx.module
        self.table = dict(BUILTIN_RESOURCES)
        for ctor, method in ctx.config.resources:
            self.table[ctor] = ResourceSpec(method)

    def spec_for(self, call: ast.Call) -> ResourceSpec | None:
        qualified = self.module.imports.qualify(call.func)
        if qualified is None:
            return None
        spec = self.table.get(qualified)
        if spec is not None:
            return spec
        module, _, name = qualified.rpartition(".")
        if module in EXCHANGE_MODULES and name.islower() and name.isidentifier():
            return ResourceSpec("close", lazy=True)
        return None

    def closes(self, use: Use, spec: ResourceSpec) -> bool:
        return use.kind in ("method", "attribute") and use.name in (CLOSE_METHODS | {spec.close})

    @cached_property
    def creations(self) -> list[Creation]:
        found = []
        for call in self.module.index.calls:
            spec = self.spec_for(call)
            if spec is not None:
                creation = self._creation(call, spec)
                if creation is not None:
                    found.append(creation)
        return found

    def _creation(self, call: ast.Call, spec: ResourceSpec) -> Creation | None:
        module = self.module
        label = ast.unparse(call.func)
        expr: ast.expr = call
        parent = module.parent(call)
        if isinstance(parent, ast.Await):
            expr, parent = parent, module.parent(parent)
        scope = module.enclosing_scope(call)
        if scope is None or (isinstance(scope, ast.ClassDef) and module.enclosing_function(scope) is None):
            if spec.needs_loop:
                return Creation(call, spec, label, "import_time", call)
            return None
        function = module.enclosing_function(call)
        if function is None or scope is not function:
            return None  # inside a lambda or a nested class body: ownership is not ours to judge
        if isinstance(parent, ast.Attribute) and parent.value is expr:
            return Creation(call, spec, label, "inline", call, function=function)
        if isinstance(parent, ast.Expr):
            return Creation(call, spec, label, "inline", call, function=function)
        binding = assigned_to(module, expr, function)
        if binding is None:
            return None
        if binding.kind == "local":
            return Creation(call, spec, label, "local", binding.stmt, binding.name, function)
        return Creation(call, spec, label, "self", binding.stmt, binding.name, function, binding.cls)

    @cached_property
    def verdicts(self) -> list[Verdict]:
        found = []
        for creation in self.creations:
            problem = self._judge(creation)
            if problem is not None:
                found.append(Verdict(creation, problem))
        return found

    def _judge(self, c: Creation) -> Problem | None:
        if c.kind == "import_time":
            return "import_time"
        if c.kind == "inline":
            return "inline"
        if c.kind == "local":
            assert c.function is not None
            return self._judge_local(c)
        if c.kind == "self":
            return None if self._class_closes(c) else "self_never_closed"
        return None

    def _judge_local(self, c: Creation) -> Literal["never_closed", "not_in_finally"] | None:
        assert c.function is not None
        if declares_outer(c.function, c.name):
            return None
        closes: list[str | None] = []
        used = not c.spec.lazy
        for node in name_loads(c.function, c.name):
            use = classify(self.module, node)
            if use.kind == "method" and use.call is not None and is_awaited_call(self.module, use.call):
                used = True
            if self.closes(use, c.spec):
                if use.kind == "attribute":
                    return None  # ``push_async_callback(s.close)`` and friends
                closes.append(in_cleanup_block(self.module, node, c.function))
            elif self._takes_care(self.module, use):
                return None
        if "finally" in closes or ("except" in closes and None in closes):
            return None
        if closes:
            return "not_in_finally"
        # ccxt's ``describe()`` builds an exchange just to read its metadata: no session is opened.
        return "never_closed" if used else None

    def _takes_care(self, module: ModuleInfo, use: Use, *, owner_is_class: bool = False) -> bool:
        """Uses after which someone else owns the resource, or it is closed by a context manager."""
        if use.kind == "argument":
            assert use.call is not None
            callee = use.call.func
            if isinstance(callee, ast.Attribute) and callee.attr in OWNERSHIP_TAKERS:
                return True
            # ``await fetch_all(session, urls)`` borrows it; a constructor call takes it over.
            if is_awaited_call(module, use.call):
                return False
            # A connector given to a session with ``connector_owner=False`` stays ours to close.
            return not (use.keyword == "connector" and _keyword_is_false(use.call, "connector_owner"))
        if use.kind == "return":
            # A lazy getter returns ``self._session`` but the class keeps owning it.
            return not owner_is_class
        return use.kind in ("with", "alias", "container")

    def _class_closes(self, c: Creation) -> bool:
        assert c.cls is not None
        for module, cls in class_and_bases(self.module, c.cls):
            uses = [classify(module, node) for node in self_attribute_loads(cls, c.name)]
            for use in resolve_aliases(module, uses):
                if self.closes(use, c.spec) or self._takes_care(module, use, owner_is_class=True):
                    return True
        return False


def _keyword_is_false(call: ast.Call, name: str) -> bool:
    return any(
        kw.arg == name and isinstance(kw.value, ast.Constant) and kw.value.value is False for kw in call.keywords
    )


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
            model = resolve_class(current, base)
            if model is not None and model.node not in seen:
                seen.add(model.node)
                found.append((model.module, model.node))
                queue.append((model.module, model.node))
    return found
