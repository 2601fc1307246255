"""stdlib dataclasses: every spelling of the maker, of ClassVar, Final, KW_ONLY, InitVar, slots, frozen."""

import dataclasses
import functools
import typing
import typing as t
from dataclasses import KW_ONLY, InitVar, dataclass, field
from dataclasses import dataclass as dc
from typing import ClassVar, Final

import typing_extensions
from typing_extensions import ClassVar as ExtClassVar

frozen_dataclass = functools.partial(dataclasses.dataclass, frozen=True)
make = dataclasses.dataclass


@dataclass
class Schema:
    CACHE_KEY: str = ""  # error: TRD101
    VERSION: int = 1  # error: TRD101
    ttl: int = 60  # runtime: shadowed -- lower case: a value each instance may set, not claimed by TRD101
    source: str = field(default="ws")  # runtime: shadowed -- explicitly a field
    NAME: ClassVar[str] = "schema"  # runtime: seen
    LABEL: typing.ClassVar[str] = "label"  # runtime: seen
    TAG: t.ClassVar[str] = "tag"  # runtime: seen
    QUOTED: "ClassVar[str]" = "quoted"  # runtime: seen
    EXT: typing_extensions.ClassVar[str] = "ext"  # runtime: seen
    EXT_ALIAS: ExtClassVar[str] = "ext"  # runtime: seen
    KEY: Final = "k"  # error: TRD101
    PATH: Final[str] = "/p"  # error: TRD101


class Signals(Schema):
    CACHE_KEY = "signals"  # error: TRD102
    ttl = 5  # error: TRD102
    source = "rest"  # error: TRD102
    NAME = "signals"  # runtime: seen
    TOPIC = "topic"  # runtime: seen


class SignalsAnnotated(Schema):
    CACHE_KEY: str = "annotated"  # error: TRD102


@dataclass
class Alerts(Schema):
    CACHE_KEY: str = "alerts"  # error: TRD101
    VERSION = 2  # error: TRD102


class Deeper(Signals):
    VERSION = 3  # error: TRD102


@dc
class Aliased:
    RATE: int = 10  # error: TRD101


@dataclasses.dataclass(frozen=True)
class Frozen:
    LIMIT: int = 5  # error: TRD101


class FrozenChild(Frozen):
    LIMIT = 6  # error: TRD102


@frozen_dataclass
class PartialMade:
    WINDOW: int = 5  # error: TRD101


@make
class AliasMade:
    DEPTH: int = 20  # error: TRD101


@dataclass(slots=True)
class Slotted:
    MAX: int = 3  # error: TRD101


class SlottedChild(Slotted):
    MAX = 4  # error: TRD102


@dataclass(slots=True)
class SlottedDecoratedChild(Slotted):
    MAX = 5  # error: TRD102


@dataclass(kw_only=True)
class Order:
    symbol: str
    _: KW_ONLY
    TIME_IN_FORCE: str = "GTC"  # error: TRD101


@dataclass
class Signal:
    score: float = 0.0
    RAW: InitVar[int] = 1  # runtime: seen
    WEIGHT: dataclasses.InitVar[int] = 2  # runtime: seen

    def __post_init__(self, RAW: int, WEIGHT: int) -> None:
        pass


@dataclass
class Required:
    SYMBOL: str  # no default: a required argument


class RequiredChild(Required):
    SYMBOL = "BTC"  # runtime: shadowed -- a required constructor argument, not a default


@functools.total_ordering
@dataclass
class Level:
    PRECISION: int = 8  # error: TRD101
    price: float = 0.0

    def __lt__(self, other: "Level") -> bool:
        return self.price < other.price


class Plain:
    TIMEOUT: int = 10  # runtime: seen
