from dataclasses import dataclass


@dataclass
class ExternalSchema:
    source: str = ""
    CACHE_KEY: str = ""
    ttl: int = 60
