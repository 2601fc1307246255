"""Dataclass bases the rest of the package inherits from."""

from dataclasses import KW_ONLY, InitVar, dataclass, field
from typing import ClassVar, Final


@dataclass
class CacheSchema:
    source: str = ""
    CACHE_KEY: str = ""
    VERSION: int = 1
    ttl: int = 120
    TAGS: list[str] = field(default_factory=list)
    LIMIT: ClassVar[int] = 10
    MAX_ITEMS: Final = 5
    seed: InitVar[int] = 0
    _: KW_ONLY
    region: str = "eu"


@dataclass
class Credentials:
    API_KEY: str
    API_SECRET: str


class Plain:
    CACHE_KEY: str = ""


class LocalOverride(CacheSchema):
    ttl = 5
