"""A callable constant must not become a method: ``ClassVar`` would make ``self.KEY_FN(3)``
pass ``self`` too (TypeError). Only ``LABEL``, a plain constant, is fixed."""

from dataclasses import dataclass
from typing import Callable


def _default_key(n: int) -> str:
    return f"key:{n}"


@dataclass
class Keyed:
    KEY_FN: Callable[[int], str] = _default_key
    NORMALIZE: Callable[[str], str] = lambda s: s.upper()
    LABEL: str = ""

    def key(self, n: int) -> str:
        return self.NORMALIZE(self.KEY_FN(n))


class Custom(Keyed):
    LABEL = "custom"


if __name__ == "__main__":
    c = Custom()
    print(f"key: {c.key(3)}")
    print(f"label: {c.LABEL!r}")
