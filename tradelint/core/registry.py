"""Rules register themselves by subclassing :class:`Rule`; nothing keeps a hand-written list."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, ClassVar, Iterator, Literal

from tradelint.core.fix_plan import FixSpec

# The rules register themselves when their modules are imported: the registry finds them by this
# package's name, as a plugin host finds plugins, and never imports the layer above it.
RULES_PACKAGE = "tradelint.rules"

_RULES: dict[str, type[Rule]] = {}

# Codes the engine itself reports; they have no rule class.
ENGINE_CODES = {
    "TRD001": "file could not be read or parsed",
    "TRD002": "invalid tradelint configuration",
    "TRD003": "unused noqa directive",
}
ENGINE_NAMES = {
    "TRD001": "unparsable-file",
    "TRD002": "invalid-configuration",
    "TRD003": "unused-noqa",
}
# Reported only when selected by more than the family's "TRD" (``TRD003``, ``TRD0``, ``ALL``), as
# ruff's RUF100 is not in its default selection.
OPT_IN_CODES = frozenset({"TRD003"})

# A family is the hundreds of a code: TRD3xx are the asyncio task rules.
FAMILIES = {
    "TRD0": "engine",
    "TRD1": "dataclass constants",
    "TRD2": "async resources",
    "TRD3": "asyncio tasks",
    "TRD4": "renamed attributes",
}

# Whether a finding of the rule comes with a fix: on every finding, on some, or never.
FixAvailability = Literal["always", "sometimes", "none"]


def family(code: str) -> str:
    return FAMILIES.get(code[:4], "unknown")


@dataclass(frozen=True)
class Report:
    """A rule's finding before the engine turns positions into 1-based character columns."""

    node: ast.AST
    message: str  # the first line: at most messages.MESSAGE_LIMIT characters, names the thing
    fix: FixSpec | None = None
    help: str | None = None  # one sentence the message does not say (messages.py)


class Rule:
    """One rule. The docstring is its documentation, in ruff's sections:
    What it does / Why is this bad? / Example / Use instead / Fix safety."""

    code: ClassVar[str]
    name: ClassVar[str]
    incident: ClassVar[str | None] = None
    fix_availability: ClassVar[FixAvailability] = "none"
    # A preview rule (ruff's model) runs only with ``preview = true`` or when its code is
    # selected by name: it has not yet shown the precision a default rule needs on real code.
    preview: ClassVar[bool] = False
    # The words a file's source must contain for this rule to be able to report in it (any one
    # of them, as bytes of the source): demand-driven checking (``runner/demand.py``) skips the
    # rule work of a file that has none of any enabled rule's, nor imports a first-party module
    # that has. Every rule declares them (registration refuses one that does not); a rule whose
    # words come from the configuration adds them in :meth:`trigger_words`.
    triggers: ClassVar[tuple[str, ...]]

    @classmethod
    def trigger_words(cls, config: Any) -> tuple[str, ...]:
        """The words of :attr:`triggers` and those of ``config`` (a ``Config``) for this rule."""
        return cls.triggers

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:
            return
        if not getattr(cls, "triggers", None):
            raise RuntimeError(f"rule {code} declares no trigger words (Rule.triggers)")
        if code in _RULES and _RULES[code] is not cls:
            raise RuntimeError(f"rule code {code} registered twice: {_RULES[code]!r} and {cls!r}")
        _RULES[code] = cls

    def check(self, ctx: Any) -> Iterator[Report]:
        """The findings of this rule in one file; ``ctx`` is a
        :class:`tradelint.facts.file_context.FileContext` (a layer above this one)."""
        raise NotImplementedError


def _load_rules() -> None:
    rules = importlib.import_module(RULES_PACKAGE)
    for info in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{RULES_PACKAGE}.{info.name}")


_loaded: list[bool] = []


def all_rules() -> dict[str, type[Rule]]:
    # Not "if not _RULES": importing one rule module directly (as the mypy plugin does for its
    # messages) registers that rule alone, and the others must still be loaded.
    if not _loaded:
        _load_rules()
        _loaded.append(True)
    return dict(sorted(_RULES.items()))


def all_codes() -> set[str]:
    return set(all_rules()) | set(ENGINE_CODES)


_preview: list[frozenset[str]] = []


def preview_codes() -> frozenset[str]:
    if not _preview:
        _preview.append(frozenset(code for code, rule in all_rules().items() if rule.preview))
    return _preview[0]
