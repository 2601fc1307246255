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


# --- a library base's end hook, read through a generic base -----------------------------------

from tests.test_session38_lifecycle import EXIT_ONLY, HOOK_MESSAGE, SIBLING, _check_tree  # noqa: E402


def _generic(source: str, base: str) -> str:
    return source.replace("from app.base import Plugin", "from framework import Plugin").replace(
        "(Plugin):", f"({base}):"
    )


def test_library_base_spelt_generic_declares_its_siblings_hook(tmp_path: Path) -> None:
    # ``class Moderation(Plugin[Config])``: the same library base, whose other subclasses
    # release in ``shutdown()``.
    found = _check_tree(tmp_path, {
        "plugins/moderation.py": _generic(EXIT_ONLY, "Plugin[dict]"), "plugins/opa.py": _generic(SIBLING, "Plugin[dict]"),
    })
    assert found == ["moderation.py:9:9 " + HOOK_MESSAGE.format(base="Plugin")]


def test_typing_generic_is_no_framework(tmp_path: Path) -> None:
    # ``Generic[T]`` (or ``Protocol``) gives a type's form, no life a framework ends: another
    # generic class closing in ``shutdown()`` says nothing about this one's end.
    def typed(source: str) -> str:
        return _generic(source, "Generic[T]").replace(
            "from framework import Plugin\n", "from typing import Generic, TypeVar\n\nT = TypeVar('T')\n"
        ).replace("        super().__init__(config)\n", "")
    found = _check_tree(tmp_path, {"plugins/moderation.py": typed(EXIT_ONLY), "plugins/opa.py": typed(SIBLING)})
    assert found == []
