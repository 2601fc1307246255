"""A class's bases as the project's summaries record them: a generic base by its class.

``class Coordinator(DataUpdateCoordinator[dict[str, Any]])`` and ``class Sensor(CoordinatorEntity[
Coordinator])`` are how current Home Assistant code spells its framework bases. The summary of a
class (read by other modules: ownership, framework ends, coordinator ends) recorded a base only
when it was a plain name or attribute, so a subscripted base vanished and the class lost its
framework family in every question asked from another module.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_session45_lifecycle import REFRESH, SHUTDOWN_COORDINATOR, _integration, _setup

GENERIC = SHUTDOWN_COORDINATOR.replace(
    "from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n",
    "from typing import Any\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n",
).replace("class Coordinator(DataUpdateCoordinator):", "class Coordinator(DataUpdateCoordinator[dict[str, Any]]):")


def test_generic_coordinator_ended_by_its_entry(tmp_path: Path) -> None:
    assert "DataUpdateCoordinator[dict[str, Any]]" in GENERIC
    assert _integration(tmp_path, _setup(REFRESH), GENERIC) == []
