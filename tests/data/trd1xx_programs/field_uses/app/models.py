"""Dataclasses whose UPPER_CASE field is used as a field somewhere else in the project: turning
it into a ``ClassVar`` would break that use. Only ``Plain`` is used as a constant."""

from dataclasses import dataclass


@dataclass
class Kw:
    TIMEOUT: int = 5


class FastKw(Kw):
    TIMEOUT = 1


@dataclass
class Aliased:
    TIMEOUT: int = 5


@dataclass
class Partial:
    TIMEOUT: int = 5


@dataclass
class Replaced:
    TIMEOUT: int = 5


@dataclass
class SuperInit:
    TIMEOUT: int = 5


@dataclass
class TypeCall:
    TIMEOUT: int = 5


@dataclass
class Dumped:
    TIMEOUT: int = 5


@dataclass
class Matched:
    TIMEOUT: int = 5
    name: str = ""


@dataclass(slots=True)
class Slotted:
    TIMEOUT: int = 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "TIMEOUT", self.TIMEOUT * 2)


@dataclass
class Plain:
    TIMEOUT: int = 5


class FastPlain(Plain):
    TIMEOUT = 1
