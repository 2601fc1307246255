"""TRD202: a resource on ``self`` that its owner closes from another module (Trusty-cogs'
``NotSoBot.cog_unload()`` closes ``self.tenor.session`` of the ``TenorAPI`` it holds)."""

from __future__ import annotations

from pathlib import Path

from tradelint.api import check_paths

API = '''\
import aiohttp


class TenorAPI:
    def __init__(self) -> None:
        self.session = aiohttp.ClientSession()
'''

COG = '''\
from .api import TenorAPI


class NotSoBot:
    def __init__(self) -> None:
        self.tenor = TenorAPI()

    async def cog_unload(self) -> None:
        await self.tenor.{close}()
'''


def _check(tmp_path: Path, close: str) -> list[str]:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'cogs'\n", encoding="utf-8")
    package = tmp_path / "notsobot"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "api.py").write_text(API, encoding="utf-8")
    (package / "cog.py").write_text(COG.format(close=close), encoding="utf-8")
    return [f"{Path(f.path).name}:{f.line} {f.message}" for f in check_paths([package / "api.py"], select=["TRD202"])]


def test_an_owner_in_another_module_closes_it(tmp_path: Path) -> None:
    assert _check(tmp_path, "session.close") == []


def test_an_owner_that_closes_something_else_does_not(tmp_path: Path) -> None:
    assert _check(tmp_path, "close") == [
        "api.py:6 `self.session` is never closed; add a `close()` method that calls its `close()`"
    ]
