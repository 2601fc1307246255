from dataclasses import dataclass

from oracle_makers.hooks import Unmarked, Versioned, entity, frozen_record, register


@frozen_record
class Window:
    SIZE: int = 20  # error: TRD101


class WideWindow(Window):
    SIZE = 50  # error: TRD102


@entity
class Account:
    CURRENCY: str = "USD"  # error: TRD101


class Versions(Versioned):
    TAG: str = "v1"  # runtime: shadowed -- an unknown maker: nothing claimed


class Table(Unmarked):
    NAME: str = "table"  # error: TRD101


class OtherTable(Table):
    NAME = "other"  # error: TRD102


# A decorator that only reads and registers the class: the stdlib maker under it decides.
@register
@dataclass
class Registered:
    CODE: str = "r"  # error: TRD101
