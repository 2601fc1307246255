from __future__ import annotations

from typing import Iterator

from flake8_tradelint.analysis.rename_model import RenameAnalysis
from flake8_tradelint.config import Rename
from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.plan import EditSpec, FixSpec, Safety
from flake8_tradelint.registry import Report, Rule


class RenamedAttribute(Rule):
    """## What it does
    Flags accesses to an attribute under a name that `[tool.tradelint] renames` says is gone:
    `"driftpy.pickle.vat.Vat.spot_map" = "spot_markets"` (only where the receiver is proven to be
    a `Vat` or a subclass) or `"spot_map" = "spot_markets"` (any receiver). String references in
    `getattr`/`hasattr`/`setattr`/`delattr`/`patch.object` are flagged too.

    ## Why is this bad?
    The old name fails only at runtime, on the path that reads it, with an `AttributeError` that
    looks like a state or pickling problem (`'Vat' object has no attribute 'spot_map'`).

    ## Example
    With this configuration:
    ```toml
    [tool.tradelint]
    renames = { "driftpy.pickle.vat.Vat.spot_map" = "spot_markets" }
    ```
    ```python
    from driftpy.pickle.vat import Vat

    def spot_count(vat: Vat) -> int:
        return len(vat.spot_map)
    ```

    ## Use instead
    ```python
    from driftpy.pickle.vat import Vat

    def spot_count(vat: Vat) -> int:
        return len(vat.spot_markets)
    ```

    ## Fix safety
    Renaming the attribute token is safe when the receiver is proven to be the owner; string
    references and unqualified entries are unsafe.
    """

    code = "TRD401"
    name = "renamed-attribute"
    incident = "000"
    fix_availability = "always"

    @staticmethod
    def attribute_message(receiver: str, rename: Rename) -> str:
        owner = f" on `{rename.owner}`" if rename.owner else ""
        return (
            f"`{receiver}.{rename.old}`: `{rename.old}` was renamed to `{rename.new}`{owner}; "
            f"use `{receiver}.{rename.new}`"
        )

    @staticmethod
    def string_message(rename: Rename) -> str:
        owner = f" on `{rename.owner}`" if rename.owner else ""
        return f"`\"{rename.old}\"` names an attribute renamed to `{rename.new}`{owner}; use `\"{rename.new}\"`"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        if not ctx.config.renames:
            return
        for site in RenameAnalysis(ctx).sites():
            rename = site.rename
            params = (("old", rename.old), ("new", rename.new))
            if site.string_reference:
                yield Report(
                    site.node,
                    self.string_message(rename),
                    FixSpec(f"Use `\"{rename.new}\"`", "unsafe", (EditSpec("rename_string", site.node, params),)),
                )
            else:
                # Safe only where the receiver is proven to be the owner.
                safety: Safety = "safe" if rename.owner else "unsafe"
                yield Report(
                    site.node,
                    self.attribute_message(site.receiver, rename),
                    FixSpec(f"Rename to `{rename.new}`", safety, (EditSpec("rename_attribute", site.node, params),)),
                )
