"""``tradelint renames --since REV`` on real git repositories built here, with real renames."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tradelint.cli import run
from tradelint.core.config import clear_cache

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}

STATE_V1 = '''\
from dataclasses import dataclass
from typing import Any


@dataclass
class Prices:
    bid: float
    old_price: float = 0.0


class BackendState:
    refresh_seconds = 30

    def __init__(self, vat: Any) -> None:
        self.spot_map = vat.spot_markets
        self.perp_map = vat.perp_markets

    @property
    def market_count(self) -> int:
        return len(self.spot_map)

    def load_pickle(self, path: str) -> None:
        self.path = path

    def helper(self) -> int:
        return 1

    def other(self) -> int:
        return 2


class Site:
    string_reference: bool

    def shutdown_method(self) -> str:
        return "close"
'''

# spot_map -> spot_markets (instance attribute), old_price -> last_price (dataclass field),
# market_count -> spot_market_count (property), load_pickle -> load_snapshot (method),
# refresh_seconds -> refresh_interval (class attribute). Not renames: helper/other -> first/second
# (bodies changed too, names unrelated), Site.string_reference -> kind/proven (a replaced field,
# though `proven: bool` has the same shape) and Site.shutdown_method -> returns_task.
STATE_V2 = '''\
from dataclasses import dataclass
from typing import Any


@dataclass
class Prices:
    bid: float
    last_price: float = 0.0


class BackendState:
    refresh_interval = 30

    def __init__(self, vat: Any) -> None:
        self.spot_markets = vat.spot_markets
        self.perp_map = vat.perp_markets

    @property
    def spot_market_count(self) -> int:
        return len(self.spot_markets)

    def load_snapshot(self, path: str) -> None:
        self.path = path

    def first(self) -> int:
        return 10

    def second(self) -> int:
        return 20


class Site:
    kind: str
    proven: bool

    def returns_task(self) -> bool:
        return True
'''

USERS = '''\
from typing import Any

from app.state import BackendState, Prices


def matrix(state: BackendState, prices: Prices, other: Any) -> Any:
    state.load_pickle("vat.pkl")
    return state.spot_map, prices.old_price, state.market_count, other.spot_map


def fresh(state: BackendState) -> Any:
    return state.spot_markets, BackendState.refresh_seconds
'''


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True
    )
    return result.stdout


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "pyproject.toml", "[tool.tradelint]\n")
    write(root / "app" / "__init__.py", "")
    write(root / "app" / "state.py", STATE_V1)
    write(root / "app" / "users.py", USERS)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    git(root, "tag", "v1")
    write(root / "app" / "state.py", STATE_V2)
    git(root, "commit", "-q", "-am", "rename")
    return root


EXPECTED_RENAMES = [
    "Renamed since v1:",
    "  app/state.py: Prices.old_price -> last_price (class attribute)",
    "  app/state.py: BackendState.market_count -> spot_market_count (property)",
    "  app/state.py: BackendState.load_pickle -> load_snapshot (method)",
    "  app/state.py: BackendState.refresh_seconds -> refresh_interval (class attribute)",
    "  app/state.py: BackendState.spot_map -> spot_markets (instance attribute)",
    "",
    "[tool.tradelint] entries (merge into `renames` in pyproject.toml):",
    'renames = { "app.state.Prices.old_price" = "last_price", "app.state.BackendState.market_count" = '
    '"spot_market_count", "app.state.BackendState.load_pickle" = "load_snapshot", '
    '"app.state.BackendState.refresh_seconds" = "refresh_interval", '
    '"app.state.BackendState.spot_map" = "spot_markets" }',
    "",
]


def test_finds_renames_and_remaining_accesses(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["renames", "--since", "v1", str(repo)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == EXPECTED_RENAMES + [
        "Accesses under an old name:",
        "app/users.py:7:5: TRD401 [*] `state.load_pickle` was renamed: use `load_snapshot`",
        "app/users.py:8:12: TRD401 [*] `state.spot_map` was renamed: use `spot_markets`",
        "app/users.py:8:28: TRD401 [*] `prices.old_price` was renamed: use `last_price`",
        # Not fixable: with the two renames before it, line 8 would be 89 characters (limit 88).
        "app/users.py:8:46: TRD401 `state.market_count` was renamed: use `spot_market_count`",
        # `other.spot_map` is not reported: nothing says `other` is a BackendState.
        "app/users.py:12:32: TRD401 [*] `BackendState.refresh_seconds` was renamed: use `refresh_interval`",
    ]


def test_unknown_receiver_named_like_the_class(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Of unknown type, but named like the class: worth a look (TRD402); `request.state.vat` is not.
    write(repo / "app" / "routes.py", "def f(request):\n    return request.backend_state.spot_map, request.vat.spot_map\n")
    assert run(["renames", "--since", "v1", str(repo)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("app/routes.py")]
    assert lines == [
        "app/routes.py:2:12: TRD402 `request.backend_state.spot_map` may be a renamed `BackendState` attribute; "
        "annotate its receiver",
    ]


def test_working_tree_changes_count_and_fixed_tree_is_clean(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The fix is not committed: the working tree is what gets compared and checked.
    fixed = (
        USERS.replace("load_pickle", "load_snapshot").replace("state.spot_map", "state.spot_markets")
        .replace("old_price", "last_price").replace("market_count", "spot_market_count")
        .replace("other.spot_map", "other.spot_markets").replace("refresh_seconds", "refresh_interval")
    )
    write(repo / "app" / "users.py", fixed)
    assert run(["renames", "--since", "v1", str(repo)]) == 0
    assert capsys.readouterr().out.splitlines() == EXPECTED_RENAMES + ["No access under an old name remains."]


def test_moved_file_is_followed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "mv", "app/state.py", "app/backend_state.py")
    write(repo / "app" / "users.py", USERS.replace("app.state", "app.backend_state"))
    assert run(["renames", "--since", "v1", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "  app/backend_state.py: BackendState.spot_map -> spot_markets (instance attribute)\n" in out
    assert '"app.backend_state.BackendState.spot_map" = "spot_markets"' in out


def test_nothing_renamed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["renames", "--since", "HEAD", str(repo)]) == 0
    assert capsys.readouterr().out == "No renamed attributes in first-party classes or edited accesses since HEAD.\n"


def test_removed_without_replacement_is_not_a_rename(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(repo / "app" / "state.py", STATE_V2.replace("        self.perp_map = vat.perp_markets\n", ""))
    git(repo, "commit", "-q", "-am", "drop perp_map")
    assert run(["renames", "--since", "HEAD~1", str(repo)]) == 0
    assert capsys.readouterr().out == "No renamed attributes in first-party classes or edited accesses since HEAD~1.\n"


def test_unknown_revision_exits_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["renames", "--since", "v0.9", str(repo)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "tradelint renames: error: unknown revision 'v0.9'\n"


def test_shallow_clone(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow))
    assert run(["renames", "--since", "HEAD~1", str(shallow)]) == 2
    assert capsys.readouterr().err == (
        "tradelint renames: error: unknown revision 'HEAD~1'; this clone is shallow, so older commits are "
        "not here: fetch more history (git fetch --deepen=N, or --unshallow) or name a commit inside it\n"
    )
    deeper = tmp_path / "deeper"
    git(tmp_path, "clone", "-q", "--depth", "2", repo.as_uri(), str(deeper))
    assert run(["renames", "--since", "HEAD~1", str(deeper)]) == 1
    assert capsys.readouterr().out.splitlines()[: len(EXPECTED_RENAMES)] == [line.replace("v1", "HEAD~1") for line in EXPECTED_RENAMES]


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["renames", "--since", "HEAD", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"tradelint renames: error: {tmp_path} is not inside a git repository (")


def test_files_with_a_coding_cookie_are_decoded_as_python_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A latin-1 file (cookie on line 1) with a non-ASCII comment: read as UTF-8 it does not parse,
    so the rename was never found."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    cookie = "# -*- coding: latin-1 -*-\n# prix en \u20ac? non: caf\u00e9\n"
    (root / "state.py").write_bytes((cookie + "class Vat:\n    spot_map = 1\n").encode("latin-1", "replace"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v1")
    (root / "state.py").write_bytes((cookie + "class Vat:\n    spot_markets = 1\n").encode("latin-1", "replace"))
    assert run(["renames", "--since", "HEAD", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["Renamed since HEAD:", "  state.py: Vat.spot_map -> spot_markets (class attribute)"]
