"""``Final`` constants: before Python 3.13 no annotation is both ``Final`` and a class variable
(``ClassVar[Final[int]]`` raises TypeError at class creation), so there is no fix; the program
is left as it is."""

from dataclasses import dataclass
from typing import Final


@dataclass
class Limits:
    LIMIT: Final[int] = 5


if __name__ == "__main__":
    print(f"limit: {Limits().LIMIT}, fields: {sorted(Limits.__dataclass_fields__)}")
