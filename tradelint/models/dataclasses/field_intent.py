"""TRD101's findings: the dataclass constants that nothing in the project proves to be fields.

``constants_without_classvar`` finds the shape (``NAME: T = v`` that the maker makes a field);
:attr:`~tradelint.models.dataclasses.field_uses.FieldUses.used_as_field` says whether the project
sets the name per instance. Every front-end (the rule, the mypy plugin) asks here, so they agree.
"""

from __future__ import annotations

import ast
from typing import Iterator

from tradelint.facts.context import ModuleInfo
from tradelint.models.dataclasses.dataclass_model import class_model, constants_without_classvar
from tradelint.models.dataclasses.field_uses import field_uses


def reported_constants(module: ModuleInfo, node: ast.ClassDef) -> Iterator[ast.AnnAssign]:
    """Constants that became instance fields, less those the project uses as fields by intent
    (a constructor keyword names them, the class's own methods set them on the instance)."""
    model = class_model(module, node)
    for stmt in constants_without_classvar(module, node):
        assert isinstance(stmt.target, ast.Name)
        if field_uses(model, stmt.target.id).used_as_field is None:
            yield stmt
