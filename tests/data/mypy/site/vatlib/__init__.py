"""A third-party library whose ``Vat.spot_map`` became ``spot_markets`` (incident 000)."""

from typing import Dict


class Vat:
    def __init__(self) -> None:
        self.spot_markets: Dict[str, int] = {}

    @property
    def spot_map(self) -> Dict[str, int]:
        """Deprecated alias, kept for old callers."""
        return self.spot_markets

    def load(self) -> None:
        """Deprecated: use load_all()."""

    def load_all(self) -> None:
        pass


class LegacyVat(Vat):
    pass


class Drift:
    """Renamed without an alias: ``spot_map`` no longer exists."""

    def __init__(self) -> None:
        self.spot_markets: Dict[str, int] = {}
