"""``typing`` is imported only inside a method and ``ClassVar`` only under ``TYPE_CHECKING``:
neither is bound when the class body runs, so the fix must add its own import."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import ClassVar


class Helper:
    def names(self) -> list[str]:
        import typing

        return sorted(typing.__all__)[:1]


@dataclass
class Limits:
    LIMIT: int = 5
    name: str = "default"


class BigLimits(Limits):
    LIMIT = 50


if __name__ == "__main__":
    print(f"limit: {BigLimits().LIMIT}")
