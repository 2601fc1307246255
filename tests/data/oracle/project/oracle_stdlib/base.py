from dataclasses import dataclass


@dataclass
class RemoteBase:
    CACHE_KEY: str = ""  # error: TRD101
    ttl: int = 30  # runtime: shadowed -- lower case
