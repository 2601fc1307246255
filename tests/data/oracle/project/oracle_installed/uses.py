"""Bases and makers from an installed package."""

from oracle_extlib import ExternalSchema, Settings, Struct, frozen_model


class Signals(ExternalSchema):
    CACHE_KEY = "signals"  # error: TRD102
    ttl = 5  # error: TRD102
    TOPIC = "signals"  # runtime: seen


@frozen_model
class Tick:
    SYMBOL: str = "BTC"  # error: TRD101


class EthTick(Tick):
    SYMBOL = "ETH"  # error: TRD102


class AppSettings(Settings):
    API_URL: str = "https://api.binance.com"  # runtime: seen


class TestSettings(AppSettings):
    API_URL = "https://testnet.binance.vision"  # runtime: seen


class Message(Struct):
    KIND: str = "message"  # runtime: seen


class Ping(Message):
    KIND = "ping"  # runtime: seen
