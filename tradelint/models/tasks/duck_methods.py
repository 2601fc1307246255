"""Methods called on a receiver nothing types: ``self.cam.run()`` where ``self.cam`` is a
constructor's parameter. Whatever object it is, the code that runs is one of the project's
methods of that name (tests aside), when the project defines any: a question about what the
call does (does it loop until cancelled?) has one answer when every such method gives it.

Asked by the ``gather`` analysis (keshavdv/unifi-cam-proxy ``7c7d62f4``: a camera's websocket
loop and its event loop gathered, the error of one swallowed and the other left running)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, cast

from tradelint.facts.project_files import files_naming
from tradelint.facts.syntax import FUNCTION_NODES
from tradelint.models.tasks.other_objects import is_test_path, search_root

if TYPE_CHECKING:
    from tradelint.facts.context import ModuleInfo

Function = ast.FunctionDef | ast.AsyncFunctionDef


def project_methods(module: ModuleInfo, name: str) -> list[Function]:
    """Every method named ``name`` of a class of the project (its marked folder, or without one
    its outermost package), test code left out; empty when the project cannot be told."""
    root = search_root(module)
    if root is None:
        return []
    module.project.note_scan(f"mentions {name}", root)  # for the cache, memo or not
    memo = module.project.scan_memo(name)
    key = ("methods-named", root, name)
    if key not in memo:
        found: list[Function] = []
        for path, _ in files_naming(module.project, root, name):
            if is_test_path(path):
                continue
            other = module.project.module_at(path)
            if other is None:
                continue
            for cls in other.index.classes:
                found.extend(s for s in cls.body if isinstance(s, FUNCTION_NODES) and s.name == name)
        memo[key] = found
    return cast("list[Function]", memo[key])

