"""pytest fixtures of a module, and the functions pytest calls with them (read, never run).

A test's parameter named like a fixture is what the fixture returns or yields (slither's
``def test_read_storage(web3, ganache)`` with ``@pytest.fixture(name="web3")``): the receiver
typing of the rename rules follows it. Only the module's own fixtures are read (a
``conftest.py``'s are not followed yet).
"""

from __future__ import annotations

import ast
import weakref

from tradelint.facts.context import ModuleInfo
from tradelint.facts.syntax import FUNCTION_NODES

FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})

Function = ast.FunctionDef | ast.AsyncFunctionDef
_FOUND: weakref.WeakKeyDictionary[ModuleInfo, dict[str, Function]] = weakref.WeakKeyDictionary()


def fixtures_of(module: ModuleInfo) -> dict[str, Function]:
    """The module's top-level fixtures by the name tests ask for them by (the decorator's
    ``name=``, else the function's), once per module."""
    found = _FOUND.get(module)
    if found is None:
        found = _FOUND[module] = {}
        for stmt in module.tree.body:
            if not isinstance(stmt, FUNCTION_NODES):
                continue
            for decorator in stmt.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                if module.imports.qualify(call.func if call else decorator) not in FIXTURE_DECORATORS:
                    continue
                named = [k.value.value for k in call.keywords if k.arg == "name" and isinstance(k.value, ast.Constant)
                         and isinstance(k.value.value, str)] if call else []
                found[named[0] if named else stmt.name] = stmt
    return found


def fixture_param(module: ModuleInfo, func: Function, name: str) -> Function | None:
    """The fixture pytest passes to ``func``'s parameter ``name``: the module's fixture of that
    name when pytest calls ``func`` with fixtures and no ``parametrize`` of it gives ``name``."""
    fixture = fixtures_of(module).get(name)
    if fixture is None or fixture is func or not _injected(module, func):
        return None
    for decorator in func.decorator_list:
        if isinstance(decorator, ast.Call) and (module.imports.qualify(decorator.func) or "").endswith("mark.parametrize"):
            names = decorator.args[0] if decorator.args else None
            given = names.value if isinstance(names, ast.Constant) and isinstance(names.value, str) else None
            if given is None or name in given.replace(",", " ").split():
                return None  # parametrized (or by names it cannot read): not the fixture
    return fixture


def _injected(module: ModuleInfo, func: Function) -> bool:
    """pytest calls ``func`` with fixtures: a module's ``test*`` function, a ``test*`` method of a
    ``Test*`` class, or a fixture itself."""
    parent = module.parent(func)
    if func.name.startswith("test"):
        return parent is module.tree or (isinstance(parent, ast.ClassDef) and parent.name.startswith("Test"))
    return parent is module.tree and func in fixtures_of(module).values()
