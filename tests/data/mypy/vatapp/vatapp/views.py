"""Reads of the renamed attributes through every kind of receiver."""

from typing import Union

from vatlib import Drift, LegacyVat, Vat

from vatapp.state import BackendState, OwnMap, current_state


def market_count(state: BackendState) -> int:
    if state.vat is not None:
        return len(state.vat.spot_map)
    return len(state.spot_map)


def through_return() -> int:
    return len(current_state().vat_or_raise().spot_map)


def legacy(vat: LegacyVat) -> int:
    return len(vat.spot_map)


def either(source: Union[Vat, BackendState]) -> int:
    return len(source.spot_map)


def own(vat: OwnMap) -> int:
    return len(vat.spot_map)


def removed(drift: Drift) -> int:
    return len(drift.spot_map)


def strings(vat: Vat, drift: Drift, state: BackendState) -> bool:
    return hasattr(vat, "spot_map") or hasattr(drift, "spot_map") or hasattr(state, "spot_map")


def reload(vat: Vat) -> None:
    vat.load()
    vat.load_all()


def on_the_class() -> object:
    return Vat.spot_map


def price(state: BackendState) -> float:
    return state.old_price
