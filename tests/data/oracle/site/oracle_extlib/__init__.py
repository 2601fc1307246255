"""An installed library: a dataclass base and its own class makers (read from its source)."""

from oracle_extlib.base import ExternalSchema
from oracle_extlib.makers import Settings, Struct, frozen_model

__all__ = ["ExternalSchema", "Settings", "Struct", "frozen_model"]
