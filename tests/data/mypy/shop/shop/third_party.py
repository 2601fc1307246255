"""Bases from installed packages: a dataclass, dataclass_transform base class, decorator and
metaclass (followed into their source), a marked base with nothing behind it, a stub-only package
(no runtime to judge), and pydantic (excluded: UPPER_CASE settings are intended there)."""

import pydantic.dataclasses
from pydantic import BaseModel
from schemalib.base import ExternalSchema
from schemalib.models import MetaModel, Model, Struct, record
from tickdata import Tick


class Signals(ExternalSchema):
    CACHE_KEY = "signals"


class Feed(Model):
    CHANNEL = "feed"
    TOPIC: str = "prices"
    retries: int = 5


@record
class Order:
    SIDE: str = "buy"
    qty: int = 0


class Quote(MetaModel):
    VENUE: str = "binance"


class BtcTick(Tick):
    SYMBOL = "BTC"


@pydantic.dataclasses.dataclass
class PriceSchema:
    CACHE_KEY: str = "prices"


class Settings(BaseModel):
    API_URL: str = "https://api.binance.com"


class SettingsOverride(Settings):
    API_URL = "https://testnet.binance.vision"


class Message(Struct):
    KIND: str = "message"
