"""Resources an instance makes from a field's default factory: each instance of

    @dataclass
    class Feed:
        session: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)

    class Agent(BaseModel):
        _client: httpx.AsyncClient = PrivateAttr(default_factory=lambda: httpx.AsyncClient())

makes its own, when it is built, and keeps it on ``self`` as a method's store would: the class
owns it, and some method of it must close it (browser-use ``5e644981``'s ``CloudBrowserClient``
from a pydantic ``PrivateAttr``, MetaGPT ``b5a534d6``'s kernel from a ``Field``). Nothing else
makes it: no caller hands it in, so nothing else can close it. A field given a default value
instead (``= None``, ``= field(default=None)``) holds what its caller gives."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.models.resources.resource_types import Creation, ResourceSpec

# The field declarations whose keyword names a factory called once per instance.
_FACTORY_KEYWORDS = {
    "dataclasses.field": "default_factory",
    "pydantic.Field": "default_factory",
    "pydantic.fields.Field": "default_factory",
    "pydantic.PrivateAttr": "default_factory",
    "pydantic.fields.PrivateAttr": "default_factory",
    "pydantic.v1.Field": "default_factory",
    "pydantic.v1.PrivateAttr": "default_factory",
    "attr.ib": "factory",
    "attr.attrib": "factory",
    "attr.field": "factory",
    "attrs.field": "factory",
}
# ``attrs.Factory(T)`` as the default itself, or as a declaration's ``default=``.
_ATTRS_FACTORY = frozenset({"attr.Factory", "attrs.Factory"})


def default_factory_creations(module: ModuleInfo, spec_for: Callable[[ast.Call], ResourceSpec | None]) -> Iterator[Creation]:
    """The creations of resources made by the default factories of ``module``'s class fields."""
    for cls in module.index.classes:
        init: ast.FunctionDef | ast.AsyncFunctionDef | None = None
        for stmt in cls.body:
            name, value = _field(stmt)
            if name is None or value is None:
                continue
            made = _factory_call(module, value)
            if made is None:
                continue
            spec = spec_for(made)
            if spec is None or spec.part is not None or spec.holds or spec.awaited_maker:
                continue
            if init is None:
                init = _initialiser(cls)
            yield Creation(made, spec, ast.unparse(made.func), "self", stmt, name, init, cls)


def _field(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    return None, None


def _factory_call(module: ModuleInfo, value: ast.expr) -> ast.Call | None:
    """The call each instance runs: the factory called with nothing, or a lambda's body."""
    if not isinstance(value, ast.Call):
        return None
    declared = module.imports.qualify(value.func)
    factory: ast.expr | None = None
    if declared in _ATTRS_FACTORY and value.args and not value.keywords:
        factory = value.args[0]  # ``x: T = attrs.Factory(T)`` (not ``takes_self=True``: it reads the instance)
    elif declared in _FACTORY_KEYWORDS:
        for keyword in value.keywords:
            if keyword.arg == _FACTORY_KEYWORDS[declared]:
                factory = keyword.value
            elif keyword.arg == "default" and isinstance(keyword.value, ast.Call):
                if module.imports.qualify(keyword.value.func) in _ATTRS_FACTORY and keyword.value.args and not keyword.value.keywords:
                    factory = keyword.value.args[0]
    if isinstance(factory, ast.Lambda):
        if factory.args.args or factory.args.vararg or factory.args.kwonlyargs or not isinstance(factory.body, ast.Call):
            return None
        return factory.body
    if isinstance(factory, (ast.Name, ast.Attribute)):
        # ``default_factory=ClientSession``: the class is called with no argument.
        return ast.copy_location(ast.Call(func=factory, args=[], keywords=[]), factory)
    return None


def _initialiser(cls: ast.ClassDef) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """Where the instance runs its factories: the class's own ``__init__`` if it has one, else
    the one the dataclass or model machinery writes (a stand-in, for the messages' "made in")."""
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__init__":
            return node
    made = ast.FunctionDef(
        name="__init__",
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg="self")], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=[ast.Pass()],
        decorator_list=[],
        returns=None,
    )
    return ast.copy_location(made, cls)
