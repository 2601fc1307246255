from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI caches results in ./.tradelint_cache by default: keep each test's in its own folder.
    from tradelint.runner import runner

    monkeypatch.setattr(runner, "DEFAULT_CACHE_DIR", tmp_path / ".tradelint_cache")
