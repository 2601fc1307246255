"""attrs: define, frozen, mutable, attr.s with and without auto_attribs, explicit fields."""

from __future__ import annotations

import attr
import attrs
from typing import ClassVar


@attrs.define
class VenueConfig:
    VENUE: str = "binance"  # error: TRD101
    rate_limit: int = 1200  # runtime: shadowed -- lower case
    REGISTRY: ClassVar[dict] = {}  # runtime: seen


class BybitConfig(VenueConfig):
    VENUE = "bybit"  # error: TRD102
    rate_limit = 600  # error: TRD102
    REGISTRY = {"bybit": 1}  # runtime: seen


@attrs.frozen
class Instrument:
    TICK: float = 0.01  # error: TRD101


class Future(Instrument):
    TICK = 0.1  # error: TRD102


@attrs.mutable
class Wallet:
    CURRENCY: str = "USDT"  # error: TRD101
    NETWORK: str = attrs.field(default="TRC20")  # runtime: shadowed -- explicitly a field
    BALANCE: list = attrs.Factory(list)  # runtime: shadowed -- explicitly a field


class TronWallet(Wallet):
    NETWORK = "TRON"  # error: TRD102


@attr.s(auto_attribs=True)
class Fill:
    FEE_ASSET: str = "BNB"  # error: TRD101


class BnbFill(Fill):
    FEE_ASSET = "USDT"  # error: TRD102


# Without auto_attribs only attr.ib()s are fields; annotations stay class attributes.
@attr.s
class LegacyVenue:
    VENUE: str = "binance"  # runtime: seen
    limit = attr.ib(default=10)  # runtime: shadowed -- lower case
    WINDOW = attr.attrib(default=5)  # runtime: shadowed -- explicitly a field


class LegacyBybit(LegacyVenue):
    VENUE = "bybit"  # runtime: seen
    limit = 20  # error: TRD102
    WINDOW = 6  # error: TRD102


# attrs.define with an unannotated attrs.field(): annotations alone are not fields.
@attrs.define
class Mixed:
    SIZE: int = 3  # runtime: seen
    count = attrs.field(default=0)  # runtime: shadowed -- lower case


class MixedChild(Mixed):
    SIZE = 4  # runtime: seen
    count = 1  # error: TRD102
