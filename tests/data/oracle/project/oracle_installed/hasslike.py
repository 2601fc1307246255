"""Entity descriptions on the Home Assistant-style base: a plain override works there."""

from dataclasses import dataclass

from oracle_hasslike import EntityDescription


@dataclass(frozen=True, kw_only=True)
class SensorDescription(EntityDescription):
    has_entity_name = True  # runtime: seen
    ICON = "mdi:thermometer"  # runtime: seen
    UNIT: str = "C"  # runtime: shadowed -- an unknown maker: nothing claimed
