from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
sys.path.insert(0, str(ROOT))


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` as a module (registered in ``sys.modules`` under ``name``, as its
    dataclasses need; loaded once however many test files ask)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI caches results in ./.tradelint_cache by default: keep each test's in its own folder.
    from tradelint.runner import runner

    monkeypatch.setattr(runner, "DEFAULT_CACHE_DIR", tmp_path / ".tradelint_cache")
    # The key that signs caches lives in $XDG_CACHE_HOME/tradelint: a test's own, outside tmp_path
    # (which tests list), inherited by the tradelint processes it starts.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
