"""Classes made by the project's makers (defined in another module)."""

from oracle_makers.makers import Config, Described, Entity, Row, model, record, tag


@model
class Candle:
    INTERVAL: str = "1m"  # error: TRD101
    open: float = 0.0  # runtime: shadowed -- lower case


class HourlyCandle(Candle):
    INTERVAL = "1h"  # error: TRD102


@model(frozen=True)
class Venue:
    NAME: str = "binance"  # error: TRD101


class OtherVenue(Venue):
    NAME = "bybit"  # error: TRD102


@tag
class Tagged:
    TABLE: str = "tagged"  # runtime: seen


class TaggedChild(Tagged):
    TABLE = "child"  # runtime: seen


@record
class Recorded:
    TOPIC: str = "records"  # runtime: shadowed -- an unknown maker: nothing claimed


@record
class RecordedChild(Recorded):
    TOPIC = "child"  # runtime: seen


class Quote(Entity):
    CURRENCY: str = "USD"  # error: TRD101
    bid: float = 0.0  # runtime: shadowed -- lower case


class EuroQuote(Quote):
    CURRENCY = "EUR"  # error: TRD102


class Description(Described):
    KEY: str = "description"  # runtime: seen


class LongDescription(Description):
    KEY = "long"  # runtime: seen


class Trade(Row):
    TABLE: str = "trades"  # error: TRD101


class MarginTrade(Trade):
    TABLE = "margin_trades"  # error: TRD102


class ExchangeConfig(Config):
    BASE_URL: str = "https://api.binance.com"  # runtime: seen
    timeout: float = 10.0  # runtime: seen


class TestnetConfig(ExchangeConfig):
    BASE_URL = "https://testnet.binance.vision"  # runtime: seen
    timeout = 3.0  # runtime: seen
