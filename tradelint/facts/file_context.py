"""What a rule sees of one file: the module, its configuration, and a memo.

Each family keeps its per-file analysis in the memo under its own key (``resource_analysis``,
``task_analysis``, ``rename_sites`` in the family models), so that the rules of a family share one
analysis and this module knows of no family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradelint.core.config import Config
from tradelint.facts.context import ModuleInfo


@dataclass
class FileContext:
    """What a rule sees: the module, its configuration, and analyses shared within a family."""

    module: ModuleInfo
    config: Config
    memo: dict[str, Any] = field(default_factory=dict)
    # Whether the front-end shows fixes (and the help that says why there is none): a host that
    # shows neither (flake8) gets findings without them, and a rule need not work a fix out.
    fixes: bool = True

    @property
    def path(self) -> Path:
        return self.module.path
