from __future__ import annotations

from typing import Any, Iterator

from tradelint.core import trigger_words
from tradelint.core.messages import fit, short_type
from tradelint.core.registry import Report, Rule
from tradelint.facts.file_context import FileContext
from tradelint.models.renames.rename_model import rename_sites
from tradelint.rules.renamed_attribute import rename_help


class RenamedAttributeUnprovenReceiver(Rule):
    """## What it does
    Only with `renames-unknown-receivers = true`: flags an access under an owner-qualified renamed
    name (`"driftpy.pickle.vat.Vat.spot_map" = "spot_markets"`, or a rename pack entry) when the
    receiver's type cannot be inferred, so it may or may not be the owner. A rename pack entry is
    reported only in a module that imports the pack's library: its old names are everyday words
    (`copy`, `json`, `get_user`), and elsewhere the receiver is almost always something else.

    ## Why is this bad?
    If the receiver is the owner, the access fails at runtime like TRD401. tradelint could not
    prove it is, so this is a lower-confidence report: a lead to check, not a verdict.

    ## Example
    With this configuration:
    ```toml
    [tool.tradelint]
    renames = { "driftpy.pickle.vat.Vat.spot_map" = "spot_markets" }
    renames-unknown-receivers = true
    ```
    ```python
    def spot_count(state) -> int:
        return len(state.vat.spot_map)      # is state.vat a Vat?
    ```

    ## Use instead
    ```python
    from driftpy.pickle.vat import Vat

    def spot_count(vat: Vat) -> int:       # proven: TRD401 would report the old name
        return len(vat.spot_markets)
    ```

    ## Fix safety
    No safe fix: the receiver may be an unrelated object whose `spot_map` is right. Annotate the
    receiver (or the attribute it comes from) so the rename is proven, then fix it.
    """

    code = "TRD402"
    # The old names of the configured renames and packs: none configured, none to find
    # (a NUL byte never occurs in a checked file).
    triggers = ("\0",)

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        return cls.triggers + trigger_words.rename_config_words(config)
    name = "renamed-attribute-unproven-receiver"
    incident = "000"

    def check(self, ctx: FileContext) -> Iterator[Report]:
        if not ctx.config.renames_unknown_receivers or not (ctx.config.renames or ctx.config.pack_renames):
            return
        for site in rename_sites(ctx):
            if site.proven:
                continue
            rename = site.rename
            thing = "`\"{old}\"`" if site.kind == "string" else "`{receiver}.{old}`"
            owner = short_type(rename.owner) if rename.owner else "its owner"
            yield Report(
                site.node,
                fit(
                    thing + " may be a renamed `{owner}` attribute; annotate its receiver",
                    receiver=site.receiver,
                    old=rename.old,
                    owner=owner,
                ),
                help=rename_help(rename, site.on_owner, "no fix while the type is unproven", new=True),
            )
