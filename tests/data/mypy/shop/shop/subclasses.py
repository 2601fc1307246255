"""Subclasses in another module than their dataclass base (incident 001's layout)."""

from dataclasses import dataclass

from shop.schemas import CacheSchema, Plain

# A forward reference at module level makes mypy analyse this module's top level twice.
pending: "Late"


class SignalsSchema(CacheSchema):
    CACHE_KEY = "analysis:signals"
    VERSION: int = 2
    unrelated = 3
    LIMIT = 20
    seed = 7


@dataclass
class MarketSchema(CacheSchema):
    CACHE_KEY = "market"
    ttl: int = 30
    SYMBOL: str = "BTC"


class Deeper(SignalsSchema):
    CACHE_KEY = "deeper"


class NotData(Plain):
    CACHE_KEY = "plain"


class KeywordOnly(CacheSchema):
    region = "us"


class Late(CacheSchema):
    CACHE_KEY = "late"


def factory() -> type:
    class Local(CacheSchema):
        CACHE_KEY = "local"

    return Local
