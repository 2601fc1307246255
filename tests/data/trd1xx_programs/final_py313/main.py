from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final


@dataclass
class Limits:
    LIMIT: Final[int] = 5
    NAME: Final[ClassVar[str]] = "limits"
