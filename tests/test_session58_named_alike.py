"""Session 58: a library named like the project's own folder, and the project's word that it must be released.

A Home Assistant integration ``custom_components/idm_heatpump/`` is imported as
``custom_components.idm_heatpump``; its ``from idm_heatpump import IdmModbusClient`` names the
PyPI library of the same name. Its ``__init__`` binds ``IdmModbusClient`` only by that very import:
a module cannot import a name from itself (the import of a module not yet done fails), so that
binding supplies nothing of the project's own (``facts.first_party.supplies``), and the class is
the library's. The project's own evidence that it must be released (a ``client: IdmModbusClient``
field of the entry's data, ``await entry.runtime_data.client.disconnect()`` at unload) is then
taken (``project_evidence``), and a config flow's probe that never disconnects leaks it
(Xerolux/idm-heatpump-hass ``1133398b``).

Where it is made with ``host=str(data[CONF_HOST]).strip()``, the argument is text: a method of
what a builtin conversion returns gives a plain value, never an object another function keeps
and shares (``project_evidence.may_be_shared``).

Twins: the probe that disconnects in a ``finally`` stays silent; the same tree whose package
defines the class itself (the library's own repository) judges it by its code (it holds nothing:
silent); an argument a function provides (``async_get_clientsession(hass)``) still may be shared.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import tree_findings
from tradelint.facts.context import Project
from tradelint.facts.first_party import supplies

INIT = """\
from dataclasses import dataclass

from idm_heatpump import IdmModbusClient


@dataclass
class IdmData:
    client: IdmModbusClient


async def async_unload_entry(hass, entry):
    await entry.runtime_data.client.disconnect()
    return True
"""

FLOW = """\
from .const import DOMAIN


class Flow:
    async def _test_connection(self, data):
        from idm_heatpump import IdmModbusClient

        client = IdmModbusClient(host=str(data["host"]).strip(), port=int(data.get("port", 502)))
        try:
            await client.connect()
            return await client.probe_register(1000, 2) is not None
        except Exception:
            return False
"""

FLOW_CLOSED = FLOW.replace(
    "        except Exception:\n            return False\n",
    "        except Exception:\n            return False\n        finally:\n            await client.disconnect()\n",
)

FLOW_SHARED = FLOW.replace('host=str(data["host"]).strip()', "session=async_get_clientsession(self.hass)").replace(
    "from .const import DOMAIN\n", "from .const import DOMAIN\nfrom homeassistant.helpers.aiohttp_client import async_get_clientsession\n"
)

FOUND = (
    "config_flow.py:8:9 TRD201 `client` (`IdmModbusClient(...)`) is never closed;"
    " call `await client.disconnect()` in a `finally`"
)


def _files(flow: str) -> dict[str, str]:
    return {
        "custom_components/idm_heatpump/__init__.py": INIT,
        "custom_components/idm_heatpump/const.py": "DOMAIN = 'idm_heatpump'\n",
        "custom_components/idm_heatpump/manifest.json": '{"domain": "idm_heatpump", "requirements": ["idm-heatpump==1.0"]}',
        "custom_components/idm_heatpump/config_flow.py": flow,
    }


def test_a_module_cannot_supply_a_name_by_importing_it_from_itself(tmp_path: Path) -> None:
    files = {
        "pkg/idm_heatpump/__init__.py": "from idm_heatpump import IdmModbusClient\nfrom .own import Own\n",
        "pkg/idm_heatpump/own.py": "class Own: ...\n",
        "pkg/other/__init__.py": "from idm_heatpump import IdmModbusClient\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    project, roots = Project(), (tmp_path / "pkg",)
    assert not supplies(project, "idm_heatpump.IdmModbusClient", roots)  # its own name: the library's
    assert supplies(project, "other.IdmModbusClient", roots)  # re-exported by another module: it binds it
    assert supplies(project, "idm_heatpump.Own", roots)  # (a relative import of its own module)
    assert supplies(project, "idm_heatpump", roots)


def test_library_named_like_the_integration_released_by_the_project(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(FLOW), "TRD2") == [FOUND]


def test_twin_probe_disconnected(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(FLOW_CLOSED), "TRD2") == []


def test_twin_the_package_defines_the_class(tmp_path: Path) -> None:
    """The library's own repository: its package defines the class (which holds nothing)."""
    files = _files(FLOW)
    files["custom_components/idm_heatpump/__init__.py"] = INIT.replace(
        "from idm_heatpump import IdmModbusClient\n",
        "class IdmModbusClient:\n    async def connect(self): ...\n    async def disconnect(self): ...\n",
    )
    assert tree_findings(tmp_path, files, "TRD2") == []


def test_twin_argument_a_function_provides_may_be_shared(tmp_path: Path) -> None:
    assert tree_findings(tmp_path, _files(FLOW_SHARED), "TRD2") == []
