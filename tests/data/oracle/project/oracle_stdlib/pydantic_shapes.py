"""pydantic dataclasses are stdlib dataclasses underneath; pydantic models are never these rules."""

from typing import ClassVar

import pydantic.dataclasses
from pydantic import BaseModel
from pydantic.dataclasses import dataclass as pydantic_dataclass


@pydantic.dataclasses.dataclass
class FeedConfig:
    SOURCE: str = "ws"  # error: TRD101
    NAME: ClassVar[str] = "feed"  # runtime: seen


class RestFeedConfig(FeedConfig):
    SOURCE = "rest"  # error: TRD102
    NAME = "rest"  # runtime: seen


@pydantic_dataclass(frozen=True)
class FeeTier:
    MAKER_BPS: float = 1.0  # error: TRD101


class VipTier(FeeTier):
    MAKER_BPS = 0.5  # error: TRD102


class Settings(BaseModel):
    API_URL: str = "https://api.binance.com"  # runtime: error -- pydantic rejects a plain override, loudly
