from __future__ import annotations

from typing import Iterator

from flake8_tradelint.analysis.rename_model import RenameSite
from flake8_tradelint.config import Rename
from flake8_tradelint.engine import FileContext
from flake8_tradelint.fix.plan import EditSpec, FixSpec, Safety
from flake8_tradelint.registry import Report, Rule


def origin(site: RenameSite) -> str:
    return rename_origin(site.rename, site.on_owner)


def rename_origin(rename: Rename, on_owner: bool = True) -> str:
    """`` on `Owner` in web3 6.0.0 (rename pack web3-v6)``: where the rename comes from."""
    text = f" on `{rename.owner}`" if rename.owner and on_owner else ""
    if rename.pack is not None:
        text += f" in {rename.since} (rename pack {rename.pack})"
    return text


def note(rename: Rename) -> str:
    return f" ({rename.note})" if rename.note else ""


class RenamedAttribute(Rule):
    """## What it does
    Flags accesses to an attribute under a name that is gone: from `[tool.tradelint] renames`
    (`"driftpy.pickle.vat.Vat.spot_map" = "spot_markets"` only where the receiver is proven to
    be a `Vat` or a subclass; `"spot_map" = "spot_markets"` on any receiver) and from the enabled
    `rename-packs` (`web3-v6`: `w3.eth.getBalance` -> `w3.eth.get_balance`). The receiver's class
    is inferred from constructors, annotations (`Optional`, `X | None` and strings included),
    first-party return annotations, `self.x` assignments and subclasses. String references in
    `getattr`/`hasattr`/`setattr`/`delattr`/`patch.object`, and `from numpy import float_` for a
    module owner, are flagged too.

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
    Renaming the attribute token is safe when the receiver is proven to be the owner, and so is
    `from numpy import NaN` -> `from numpy import nan as NaN`; string references, unqualified
    entries and pack entries matched on an unknown receiver (those marked `any-receiver`, whose
    old name nothing else uses) are unsafe. A pack entry with a note that asks for more than the
    new name (driftpy 0.7.1 getters became synchronous: drop the `await`) has no automatic fix.
    """

    code = "TRD401"
    name = "renamed-attribute"
    incident = "000"
    fix_availability = "sometimes"

    @staticmethod
    def attribute_message(receiver: str, rename: Rename, on_owner: bool = True) -> str:
        return (
            f"`{receiver}.{rename.old}`: `{rename.old}` was renamed to `{rename.new}`"
            f"{rename_origin(rename, on_owner)}; use `{receiver}.{rename.new}`{note(rename)}"
        )

    @staticmethod
    def string_message(rename: Rename, on_owner: bool = True) -> str:
        return (
            f"`\"{rename.old}\"` names an attribute renamed to `{rename.new}`{rename_origin(rename, on_owner)}; "
            f"use `\"{rename.new}\"`"
        )

    def check(self, ctx: FileContext) -> Iterator[Report]:
        if not (ctx.config.renames or ctx.config.pack_renames):
            return
        for site in ctx.rename_sites:
            if not site.proven:
                continue
            rename = site.rename
            params = (("old", rename.old), ("new", rename.new))
            if site.kind == "string":
                yield Report(
                    site.node,
                    self.string_message(rename, site.on_owner),
                    FixSpec(f"Use `\"{rename.new}\"`", "unsafe", (EditSpec("rename_string", site.node, params),)),
                )
            elif site.kind == "import":
                yield Report(
                    site.node,
                    f"`from {site.receiver} import {rename.old}`: `{rename.old}` was renamed to "
                    f"`{rename.new}`{origin(site)}; import `{rename.new}`",
                    FixSpec(f"Import `{rename.new}`", "safe", (EditSpec("rename_import", site.node, params),)),
                )
            else:
                # Safe only where the receiver is proven to be the owner and the new name is all
                # the fix needs (a pack note such as "drop the await" asks for more).
                proven = rename.owner is not None and site.on_owner
                safety: Safety = "safe" if proven else "unsafe"
                yield Report(
                    site.node,
                    self.attribute_message(site.receiver, rename, site.on_owner),
                    # A note ("drop the await") asks for more than the new name: no automatic fix.
                    None
                    if rename.note
                    else FixSpec(f"Rename to `{rename.new}`", safety, (EditSpec("rename_attribute", site.node, params),)),
                )
