"""A module-level ``ClassVar = ...`` shadows the ``typing`` import: reusing the name would make
``ClassVar[int]`` index a string (TypeError at import)."""

from dataclasses import dataclass
from typing import ClassVar

ClassVar = "a module constant that happens to reuse the name"  # type: ignore[misc]


@dataclass
class Limits:
    LIMIT: int = 5


class BigLimits(Limits):
    LIMIT = 50


if __name__ == "__main__":
    print(f"limit: {BigLimits().LIMIT}")
