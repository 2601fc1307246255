"""The backend's state: it holds a Vat and has a ``spot_map`` of its own."""

from typing import Dict, Optional

from vatlib import Vat


class BackendState:
    def __init__(self) -> None:
        self.vat: Optional[Vat] = None
        self.spot_map: Dict[str, int] = {}
        self.old_price = 0.0

    def vat_or_raise(self) -> Vat:
        if self.vat is None:
            raise RuntimeError("no vat yet")
        return self.vat


class OwnMap(Vat):
    """A subclass that defines the old name itself: its attribute, not a stale one."""

    def __init__(self) -> None:
        super().__init__()
        self.spot_map: Dict[str, int] = {}  # type: ignore[misc]


def current_state() -> BackendState:
    return BackendState()
