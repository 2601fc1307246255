from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI caches results in ./.tradelint_cache by default: keep each test's in its own folder.
    from tradelint.runner import runner

    monkeypatch.setattr(runner, "DEFAULT_CACHE_DIR", tmp_path / ".tradelint_cache")
    # The key that signs caches lives in $XDG_CACHE_HOME/tradelint: a test's own, outside tmp_path
    # (which tests list), inherited by the tradelint processes it starts.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
