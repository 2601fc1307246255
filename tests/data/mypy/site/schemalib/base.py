from dataclasses import dataclass


@dataclass
class ExternalSchema:
    source: str = ""
    # The library's own constant-as-field: its errors are silenced, as mypy does for any
    # installed package.
    CACHE_KEY: str = ""
    ttl: int = 60
