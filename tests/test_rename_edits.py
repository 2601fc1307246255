"""``tradelint renames --since REV``: renames found from edited accesses, replayed as incident 000
happened (a commit edits the accesses of one module; the access left in another is the crash),
and the printed entries pasted into ``pyproject.toml`` for packages, namespace folders and scripts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache
from tests.test_rename_history import git, write

STATE = '''\
"""backend/state.py: the state object holds its own `spot_map` and a driftpy Vat."""

from typing import Any

from driftpy.pickle.vat import Vat


class BackendState:
    spot_map: Any
    perp_map: Any

    async def bootstrap(self, dc: Any, users: Any, stats: Any) -> None:
        self.vat = Vat(dc, users, stats, self.spot_map, self.perp_map)

    def spot_market_count(self) -> int:
        return len(self.vat.spot_map.market_map)

    def own_spot_markets(self) -> Any:
        return self.spot_map.values()
'''

MATRIX = '''\
"""backend/utils/matrix.py: the module the developer edited."""

from typing import Any, Dict, List

from driftpy.pickle.vat import Vat


async def get_matrix(vat: Vat) -> List[Dict[str, Any]]:
    count = len(vat.spot_map.market_map)
    return [{"index": m.data.market_index, "count": count} for m in vat.spot_map.values()]
'''

ROUTES = '''\
"""backend/api/routes.py: the receiver's type is not known here."""

from typing import Any


def spot_names(request: Any, cache: Any) -> list[str]:
    vat = request.state.backend_state.vat
    return [vat.spot_map, cache.spot_map]
'''

ROUTES_EDITED = ROUTES.replace("vat.spot_map,", "vat.spot_markets,")

OTHER_ROUTES = '''\
from typing import Any


def perp(request: Any, snapshot: Any) -> Any:
    return request.app.vat.spot_map, snapshot.spot_map
'''


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def incident_repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "pyproject.toml", "[tool.tradelint]\n")
    # `backend` has no __init__.py, as in the real project: a namespace folder.
    write(root / "backend" / "state.py", STATE)
    write(root / "backend" / "utils" / "__init__.py", "")
    write(root / "backend" / "utils" / "matrix.py", MATRIX)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dashboard")
    git(root, "tag", "before")
    # The commit of the incident: the accesses of one module move to the name driftpy has.
    write(root / "backend" / "utils" / "matrix.py", MATRIX.replace("vat.spot_map", "vat.spot_markets"))
    git(root, "commit", "-q", "-am", "Update matrix to use spot_markets")
    return root


def test_incident_000_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = incident_repo(tmp_path / "repo")
    assert run(["renames", "--since", "before", str(repo)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Renamed in edited accesses since before:",
        "  backend/utils/matrix.py:9: vat.spot_map -> vat.spot_markets (`driftpy.pickle.vat.Vat`)",
        "",
        "[tool.tradelint] entries (merge into `renames` in pyproject.toml):",
        'renames = { "driftpy.pickle.vat.Vat.spot_map" = "spot_markets" }',
        "",
        "Accesses under an old name:",
        # The access left in the other module: the crash. BackendState's own `spot_map` is quiet.
        "backend/state.py:16:20: TRD401 [*] `self.vat.spot_map` was renamed: use `spot_markets`",
    ]


def test_incident_000_entry_pasted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = incident_repo(tmp_path / "repo")
    write(repo / "pyproject.toml", '[tool.tradelint]\nrenames = { "driftpy.pickle.vat.Vat.spot_map" = "spot_markets" }\n')
    assert run(["--output-format", "concise", "--quiet", "--no-cache", str(repo / "backend")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{repo / 'backend' / 'state.py'}:16:20: TRD401 [*] `self.vat.spot_map` was renamed: use `spot_markets`",
    ]


def test_unknown_receiver_gives_an_unqualified_entry_for_that_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "pyproject.toml", "[tool.tradelint]\n")
    write(root / "backend" / "state.py", STATE)
    write(root / "backend" / "api" / "routes.py", ROUTES)
    write(root / "backend" / "api" / "other.py", OTHER_ROUTES)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    write(root / "backend" / "api" / "routes.py", ROUTES_EDITED)
    assert run(["renames", "--since", "HEAD", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Renamed in edited accesses since HEAD:",
        "  backend/api/routes.py:8: vat.spot_map -> vat.spot_markets (type unknown)",
        "",
        "[tool.tradelint] entries (merge into `renames` in pyproject.toml):",
        'renames = { "spot_map" = "spot_markets" }',
        "",
        "Accesses under an old name:",
        # Same receiver name (`vat`); not `snapshot.spot_map`, `cache.spot_map`, nor the class's own.
        "backend/api/other.py:5:12: TRD401 [*unsafe] `request.app.vat.spot_map` was renamed: use `spot_markets`",
        "backend/state.py:16:20: TRD401 [*unsafe] `self.vat.spot_map` was renamed: use `spot_markets`",
    ]


def test_sibling_method_is_not_a_rename(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # One call moved from `get_user` to `get_users` while another `vat.get_user` stays: not a rename.
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    source = "def f(vat, i):\n    a = vat.get_user(i)\n    b = vat.get_user(i + 1)\n    return a, b\n"
    write(root / "app.py", source)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    write(root / "app.py", source.replace("a = vat.get_user(i)", "a = vat.get_users(i)"))
    assert run(["renames", "--since", "HEAD", str(root)]) == 0
    assert capsys.readouterr().out == "No renamed attributes in first-party classes or edited accesses since HEAD.\n"


NS_STATE_V1 = '''\
class BackendState:
    def __init__(self) -> None:
        self.perp_map: dict[int, str] = {}

    def count(self) -> int:
        return len(self.perp_map)
'''

NS_USER = '''\
from backend.state import BackendState


def perp(state: BackendState) -> dict[int, str]:
    return state.perp_map
'''

SCRIPT_V1 = '''\
class Bot:
    def __init__(self) -> None:
        self.old_limit = 3


def main(bot: Bot) -> int:
    return bot.old_limit


if __name__ == "__main__":
    print(main(Bot()))
'''


@pytest.mark.parametrize("layout", ["namespace", "package", "script"])
def test_printed_entries_work_when_pasted(tmp_path: Path, layout: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "pyproject.toml", "[tool.tradelint]\n")
    if layout == "script":
        write(root / "bot.py", SCRIPT_V1)
        renamed = {"bot.py": SCRIPT_V1.replace("self.old_limit = 3", "self.max_limit = 3")}
        expected_key = "bot.Bot.old_limit"
    else:
        if layout == "package":
            write(root / "backend" / "__init__.py", "")
        write(root / "backend" / "state.py", NS_STATE_V1)
        write(root / "backend" / "api" / "__init__.py", "")
        write(root / "backend" / "api" / "users.py", NS_USER)
        renamed = {"backend/state.py": NS_STATE_V1.replace("self.perp_map:", "self.perp_markets:")}
        expected_key = "backend.state.BackendState.perp_map"
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    for rel, text in renamed.items():
        write(root / rel, text)
    assert run(["renames", "--since", "HEAD", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    entry_line = next(line for line in out if line.startswith("renames = "))
    assert f'"{expected_key}"' in entry_line
    reported = sorted(line.split(": TRD")[0] for line in out if ": TRD40" in line)
    # Pasted: the check reports the same accesses, in the defining module and in its importers.
    write(root / "pyproject.toml", f"[tool.tradelint]\n{entry_line}\n")
    clear_cache()
    code = run(["--output-format", "concise", "--quiet", "--no-cache", "--select", "TRD401", str(root)])
    pasted = sorted(
        str(Path(line.split(": TRD")[0]).relative_to(root)) for line in capsys.readouterr().out.splitlines()
    )
    assert code == 1
    assert pasted == reported
    assert len(reported) == (1 if layout == "script" else 2)


def test_module_function_swapped_is_not_a_rename(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Seen replaying drift-labs/v2-risk-dashboard: `st.expander(...)` became `st.subheader(...)` in
    # one page; streamlit (not installed here) is a module, and a different call is not a rename.
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    page = "import streamlit as st\n\n\ndef page():\n    with st.expander('Users'):\n        st.write(1)\n"
    write(root / "page.py", page)
    write(root / "other.py", page)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    write(root / "page.py", page.replace("with st.expander('Users'):\n        st.write(1)", "st.subheader('Users')\n    st.write(1)"))
    assert run(["renames", "--since", "HEAD", str(root)]) == 0
    assert capsys.readouterr().out == "No renamed attributes in first-party classes or edited accesses since HEAD.\n"


def test_receiver_that_changed_type_is_not_a_rename(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Seen replaying drift-labs/v2-risk-dashboard: aiohttp's `response.status` became requests'
    # `response.status_code` when the module moved to requests; other aiohttp responses are right.
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    before = (
        "async def fetch(session, url):\n"
        "    async with session.get(url) as response:\n"
        "        return response.status\n"
    )
    after = (
        "import requests\n\n\n"
        "def fetch(url):\n"
        "    response: requests.Response = requests.get(url)\n"
        "    return response.status_code\n"
    )
    write(root / "api.py", before)
    write(root / "other.py", before)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    write(root / "api.py", after)
    assert run(["renames", "--since", "HEAD", str(root)]) == 0
    assert capsys.readouterr().out == "No renamed attributes in first-party classes or edited accesses since HEAD.\n"


FIRST_PARTY_VAT = '''\
class Vat:
    """Built long ago with `spot_markets`; some code still says `spot_map`."""

    def __init__(self) -> None:
        self.spot_markets: dict[int, str] = {}
'''

OWN_SPOT_MAP = '''\
class Snapshot:
    def __init__(self) -> None:
        self.spot_map: dict[int, str] = {}
'''


@pytest.mark.parametrize("layout", ["namespace", "script"])
def test_incident_000_replayed_on_a_first_party_class(
    tmp_path: Path, layout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Incident 000 as it happened, with the receiver's class first-party (in a folder without
    ``__init__.py``, or a script beside its importers): one commit edits the accesses of one module
    (a latin-1 file with a coding cookie, decoded as Python does); the access left in another is
    reported; ``Snapshot``'s own ``spot_map`` and an unknown ``other.spot_map`` are not; the printed
    entry, qualified by the receiver's type as importers spell it, reports the same when pasted."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "pyproject.toml", "[tool.tradelint]\n")
    pkg = "backend." if layout == "namespace" else ""
    folder = root / "backend" if layout == "namespace" else root
    write(folder / "vat.py", FIRST_PARTY_VAT)
    write(folder / "snapshot.py", OWN_SPOT_MAP)
    matrix = (
        f"# -*- coding: latin-1 -*-\n# march\u00e9s au comptant\nfrom {pkg}vat import Vat\n\n\n"
        "def count(vat: Vat) -> int:\n    return len(vat.spot_map)\n"
    )
    (folder / "matrix.py").write_bytes(matrix.encode("latin-1"))
    write(
        folder / "api.py",
        f"from {pkg}snapshot import Snapshot\nfrom {pkg}vat import Vat\n\n\n"
        "def names(vat: Vat, snap: Snapshot, other: object) -> tuple[object, ...]:\n"
        "    return vat.spot_map, snap.spot_map, other.spot_map  # type: ignore[attr-defined]\n",
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    (folder / "matrix.py").write_bytes(matrix.replace("vat.spot_map", "vat.spot_markets").encode("latin-1"))
    rel = "backend/" if layout == "namespace" else ""
    owner = f"{pkg}vat.Vat"
    assert run(["renames", "--since", "HEAD", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Renamed in edited accesses since HEAD:",
        f"  {rel}matrix.py:7: vat.spot_map -> vat.spot_markets (`{owner}`)",
        "",
        "[tool.tradelint] entries (merge into `renames` in pyproject.toml):",
        f'renames = {{ "{owner}.spot_map" = "spot_markets" }}',
        "",
        "Accesses under an old name:",
        f"{rel}api.py:6:12: TRD401 [*] `vat.spot_map` was renamed: use `spot_markets`",
    ]
    write(root / "pyproject.toml", f'[tool.tradelint]\nrenames = {{ "{owner}.spot_map" = "spot_markets" }}\n')
    clear_cache()
    assert run(["--output-format", "concise", "--quiet", "--no-cache", "--select", "TRD4", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{folder / 'api.py'}:6:12: TRD401 [*] `vat.spot_map` was renamed: use `spot_markets`",
    ]


def test_a_line_deleted_near_its_replacement_is_one_edit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tompollard/tableone 72bee77: `levelcounts.iteritems()` moved below a blank line as
    # `levelcounts.items()`: the diff is a deletion and an insertion, not a replacement. Here with
    # incident 000's names (`iteritems`/`items` are too far apart for an edit to say rename).
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    before = "def limits(vat):\n    for k, _ in vat.spot_map.values():\n\n        print(k)\n"
    after = "def limits(vat):\n\n    for k, _ in vat.spot_markets.values():\n        print(k)\n"
    write(root / "table.py", before)
    write(root / "other.py", "def rows(vat):\n    return list(vat.spot_map.values())\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    write(root / "table.py", after)
    assert run(["renames", "--since", "HEAD", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Renamed in edited accesses since HEAD:",
        "  table.py:3: vat.spot_map -> vat.spot_markets (type unknown)",
        "",
        "[tool.tradelint] entries (merge into `renames` in pyproject.toml):",
        'renames = { "spot_map" = "spot_markets" }',
        "",
        "Accesses under an old name:",
        "other.py:2:17: TRD401 [*unsafe] `vat.spot_map` was renamed: use `spot_markets`",
    ]
