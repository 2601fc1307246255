from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.fix_plan import EditSpec, FixSpec, Safety
from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report, Rule
from tradelint.core.rename_packs import Rename
from tradelint.facts.file_context import FileContext
from tradelint.models.renames.rename_model import rename_sites


def rename_help(
    rename: Rename, on_owner: bool = True, failure: str = "the old name raises `AttributeError`", new: bool = False
) -> str:
    """The help of a rename finding. A pack entry's note says what else the change needs (``get_x
    is synchronous: drop the await (driftpy 0.7.1, rename pack driftpy-0.7)``), and is never cut.
    Otherwise where the rename comes from (``Renamed on `Owner` in web3 6.0.0 (rename pack
    web3-v6)``; ``new``: with the new name), and for a configured one ``failure``, what the old
    name does at runtime."""
    names = {"owner": rename.owner or "", "since": rename.since or "", "pack": rename.pack or "", "new": rename.new}
    if rename.note:
        note = rename.note.replace("{", "{{").replace("}", "}}")
        return fit_help(note + (" ({since}, rename pack {pack})" if rename.pack else ""), **names)
    template = "Renamed to `{new}`" if new else "Renamed"
    if rename.owner and on_owner:
        template += " on `{owner}`"
    if rename.pack is not None:
        template += " in {since} (rename pack {pack})"
    else:
        template += " in the `renames` configuration; " + failure
    return fit_help(template, **names)


# A pack entry with a note asks for more than the new name, and the note is in the help.
SEE_NOTE = " (see the note)"


class RenamedAttribute(Rule):
    """## What it does
    Flags accesses to an attribute under a name that is gone: from `[tool.tradelint] renames`
    (`"driftpy.pickle.vat.Vat.spot_map" = "spot_markets"` only where the receiver is proven to
    be a `Vat` or a subclass; `"spot_map" = "spot_markets"` on any receiver) and from the enabled
    `rename-packs` (`web3-v6`: `w3.eth.getBalance` -> `w3.eth.get_balance`). The receiver's class
    is inferred from constructors, annotations (`Optional`, `X | None` and strings included),
    first-party return annotations, `self.x` assignments (a declared `vat: Vat` in the class body
    over stores whose values say nothing, `self.vat = load()`) and subclasses, and a test's parameter
    from the module's pytest fixture of that name (`def test_read(web3)` with
    `@pytest.fixture(name="web3")` returning a `Web3`; not when `parametrize` gives it). String references in
    `getattr`/`hasattr`/`setattr`/`delattr`/`patch.object`, and `from numpy import float_` for a
    module owner, are flagged too, as is an import from a module the new version removed whose
    name the owner re-exported (`from web3.middleware.geth_poa import geth_poa_middleware`: import
    `ExtraDataToPOAMiddleware` from `web3.middleware`; the pack's generated `[gone-modules]`),
    and an import of such a module itself when the file reads a renamed name of it
    (`from web3.middleware import geth_poa` ... `geth_poa.geth_poa_middleware`).

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
    new name (driftpy 0.7.1 getters became synchronous: drop the `await`; pydantic 2's
    `root_validator` -> `model_validator`, which needs `mode=` and another signature) has no
    automatic fix, on an attribute or in an import.
    """

    code = "TRD401"
    # The old names of the configured renames and packs: none configured, none to find
    # (a NUL byte never occurs in a checked file).
    triggers = ("\0",)

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.rename_config_words(config)
    name = "renamed-attribute"
    incident = "000"
    fix_availability = "sometimes"

    @staticmethod
    def attribute_message(receiver: str, rename: Rename) -> str:
        see = SEE_NOTE if rename.note else ""
        return fit(
            "`{receiver}.{old}` was renamed: use `{new}`" + see, receiver=receiver, old=rename.old, new=rename.new
        )

    @staticmethod
    def string_message(rename: Rename) -> str:
        return fit("`\"{old}\"` names a renamed attribute: use `\"{new}\"`", old=rename.old, new=rename.new)

    @staticmethod
    def import_message(module: str, rename: Rename, moved_to: str | None = None) -> str:
        see = SEE_NOTE if rename.note else ""
        if moved_to is not None:
            # ``from web3.middleware.geth_poa import geth_poa_middleware``: the module is gone.
            return fit(
                "`{old}` from `{module}` was renamed: import `{new}` from `{package}` (`{module}` is gone)" + see,
                old=rename.old, module=module, new=rename.new, package=moved_to,
            )
        return fit(
            "`{old}` from `{module}` was renamed: import `{new}`" + see, old=rename.old, module=module, new=rename.new
        )

    @staticmethod
    def gone_module_message(module: str, rename: Rename, package: str) -> str:
        return fit(
            "`{module}` is gone: `{name}.{old}` was renamed, import `{new}` from `{package}`",
            module=module, name=module.rpartition(".")[2], old=rename.old, new=rename.new, package=package,
        )

    def check(self, ctx: FileContext) -> Iterator[Report]:
        if not (ctx.config.renames or ctx.config.pack_renames):
            return
        for site in rename_sites(ctx):
            if not site.proven:
                continue
            rename = site.rename
            params = (("old", rename.old), ("new", rename.new))
            if site.kind == "string":
                yield Report(
                    site.node,
                    self.string_message(rename),
                    FixSpec(f"Use `\"{rename.new}\"`", "unsafe", (EditSpec("rename_string", site.node, params),)),
                    rename_help(rename, site.on_owner, "`getattr` with it raises `AttributeError`"),
                )
            elif site.kind == "module":
                yield Report(
                    site.node,
                    self.gone_module_message(site.receiver, rename, site.moved_to or ""),
                    None,  # the module and every use of it change: no automatic fix
                    rename_help(rename, site.on_owner, "the old import raises `ImportError`"),
                )
            elif site.kind == "import":
                yield Report(
                    site.node,
                    self.import_message(site.receiver, rename, site.moved_to),
                    # As for an attribute: a note (pydantic's "migrate to `@model_validator`",
                    # whose signature differs) asks for more than importing the new name; from a
                    # module the new version removed, the import needs another module too.
                    None
                    if rename.note or site.moved_to
                    else FixSpec(f"Import `{rename.new}`", "safe", (EditSpec("rename_import", site.node, params),)),
                    rename_help(rename, site.on_owner, "the old import raises `ImportError`"),
                )
            else:
                # Safe only where the receiver is proven to be the owner and the new name is all
                # the fix needs (a pack note such as "drop the await" asks for more).
                proven = rename.owner is not None and site.on_owner
                safety: Safety = "safe" if proven else "unsafe"
                yield Report(
                    site.node,
                    self.attribute_message(site.receiver, rename),
                    # A note ("drop the await") asks for more than the new name: no automatic fix.
                    None
                    if rename.note
                    else FixSpec(f"Rename to `{rename.new}`", safety, (EditSpec("rename_attribute", site.node, params),)),
                    rename_help(rename, site.on_owner),
                )
