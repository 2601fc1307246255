"""An import cycle: mypy analyses both modules together, so Node's fields are not collected yet
when Leaf's hooks run; the core reads them from the source."""

from dataclasses import dataclass

from shop import cycle_b


@dataclass
class Node:
    KIND: str = "node"
    weight: int = 1

    def first_leaf(self) -> "cycle_b.Leaf":
        return cycle_b.Leaf()
