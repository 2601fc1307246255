from __future__ import annotations

import ast
from typing import Iterator

from tradelint.core.messages import fit
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.dataclasses.dataclass_model import classvars_unbound_at_runtime
from tradelint.models.dataclasses.fixes import runtime_classvar_import_fix


class ClassVarOnlyBoundUnderTypeChecking(Rule):
    """## What it does
    Flags `ClassVar[...]` annotations in a stdlib dataclass when `ClassVar` (or `typing`) is only
    imported under `if TYPE_CHECKING:` and annotations are not evaluated.

    ## Why is this bad?
    `dataclasses` recognises a string annotation as `ClassVar` by looking the name up in the
    module at runtime. Under `TYPE_CHECKING` it is not there, so type checkers see a class
    variable while the runtime makes an instance field (verified on CPython 3.11).

    ## Example
    ```python
    from __future__ import annotations
    from dataclasses import dataclass
    from typing import TYPE_CHECKING
    if TYPE_CHECKING:
        from typing import ClassVar

    @dataclass
    class X:
        KEY: ClassVar[str] = ""
    ```

    ## Use instead
    ```python
    from __future__ import annotations
    from dataclasses import dataclass
    from typing import ClassVar

    @dataclass
    class X:
        KEY: ClassVar[str] = ""
    ```

    ## Fix safety
    Safe: moving the import to runtime scope makes the runtime agree with the type checker.
    """

    code = "TRD103"
    triggers = ("ClassVar",)  # the annotation names it (``typing.ClassVar``, an alias imported)
    name = "classvar-only-bound-under-type-checking"
    incident = "001"
    fix_availability = "always"

    @staticmethod
    def message(name: str, cls: str) -> str:
        return fit(
            "`{cls}.{name}` becomes an instance field; import `ClassVar` outside `TYPE_CHECKING`",
            name=name,
            cls=cls,
        )

    # `dataclasses` reads a string annotation by looking the name up in the module.
    HELP = "`dataclasses` looks the name `ClassVar` up in the module, where only type checkers see it"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        module = ctx.module
        for node in module.index.classes:
            for stmt in classvars_unbound_at_runtime(module, node):
                assert isinstance(stmt.target, ast.Name)
                yield Report(
                    stmt,
                    self.message(stmt.target.id, node.name),
                    runtime_classvar_import_fix(module, stmt.annotation),
                    self.HELP,
                )
