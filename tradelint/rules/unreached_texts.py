"""TRD202's reports of an attribute closed only by ends of its class that no instance the project
makes reaches (``models/resources/unreached_release.py``): the hand-off chain to an end of life,
reported where the class makes what it holds."""

from __future__ import annotations

from typing import Iterator

from tradelint.core.messages import fit, fit_help
from tradelint.core.registry import Report
from tradelint.facts.file_context import FileContext
from tradelint.models.resources.resource_model import resource_analysis
from tradelint.models.resources.unreached_release import release_never_reached


def unreached_release_reports(ctx: FileContext) -> Iterator[Report]:
    """An attribute closed only by ends of its class that no instance the project makes reaches
    (``models/resources/unreached_release.py``), once per attribute, at its first creation."""
    analysis = resource_analysis(ctx)
    seen = {(id(v.creation.cls), v.creation.name) for v in analysis.verdicts}
    for c in analysis.creations:
        if c.kind != "self" or (id(c.cls), c.name) in seen:
            continue
        seen.add((id(c.cls), c.name))
        if c.cls is None or (found := release_never_reached(ctx, c)) is None:
            continue
        cls = c.cls.name
        yield Report(
            c.stmt,
            fit("`self.{name}` is closed only by `{cls}.{end}()`, which nothing calls on the one kept in `{holder}`; "
                "call it where that ends", name=c.name, end=found.ends[0], cls=cls, holder=found.holder),
            None,
            fit_help("The end of life of what keeps the `{cls}` made at {where} reaches no release of it: the `{label}(...)` "
                     "it holds stays open", cls=cls, where=found.instance, label=c.label),
        )
