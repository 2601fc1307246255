"""Session 49 (issue 28 point 1): the table generator reads libraries as the checker now reads a
first-party class (``ClassFacts.made``): a class that keeps on ``self`` what another library's
maker makes on a receiver of the maker's class (``self._websocket = await
self._session.ws_connect(url)``, systembridgeconnector's ``WebSocketClient``) and releases it in
a method of its own is an **owner**, lazy (held once the method that made it ran). Twins: a
class that never releases it (no release, no type), one keeping what a method of its own value
returns that is no maker. ``merge_part_entries.py --rule made`` adds exactly those entries;
``rule_candidates.py --made`` names the classes whose own source meets the condition.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import make_resource_table as gen
import merge_part_entries as merge

CLIENT = '''\
import aiohttp


class WebSocketClient:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session
        self._websocket: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, url: str) -> None:
        self._websocket = await self._session.ws_connect(url)

    async def close(self) -> None:
        if self._websocket is not None:
            await self._websocket.close()


class Listener:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def connect(self, url: str) -> None:
        self._websocket = await self._session.ws_connect(url)


class Reader:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def load(self) -> None:
        self._cookies = self._session.cookie_jar.filter_cookies("u")

    async def close(self) -> None:
        self._cookies.clear()
'''


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_class_keeping_what_a_maker_makes_is_an_owner(tmp_path: Path) -> None:
    folder = tmp_path / "wsclient-1.0"
    _write(folder, {"wsclient/__init__.py": "", "wsclient/client.py": CLIENT})
    found = {key: (e.close, e.awaited, e.lazy, e.rule) for key, e in gen.generate([folder]).items()}
    assert found == {"wsclient.client.WebSocketClient": ("close", True, True, "owner")}


def test_merge_with_the_made_rule_switched(tmp_path: Path) -> None:
    _write(tmp_path / "src" / "wsclient-1.0", {"wsclient/__init__.py": "", "wsclient/client.py": CLIENT})
    pins = tmp_path / "pins.txt"
    pins.write_text("wsclient==1.0\n", encoding="utf-8")
    table = tmp_path / "table.json"
    before = {"other.Client": {"close": "aclose", "awaited": True, "lazy": True, "ends": [], "given": [], "rule": "owner", "source": "other-1.0"}}
    table.write_text(json.dumps({"sources": ["other-1.0"], "types": before, "makers": {}, "returns": {}}), encoding="utf-8")
    assert merge.main(["--rule", "made", "--table", str(table), "--src", str(tmp_path / "src"), "--list", str(pins)]) == 0
    document = json.loads(table.read_text(encoding="utf-8"))
    assert document["types"] == {
        **before,
        "wsclient.client.WebSocketClient": {
            "close": "close", "awaited": True, "lazy": True, "ends": [], "given": [], "rule": "owner", "source": "wsclient-1.0",
        },
    }
    assert document["sources"] == ["other-1.0", "wsclient-1.0"]


def test_rule_candidates_name_the_classes_keeping_a_makers_result() -> None:
    import rule_candidates

    tree = ast.parse(CLIENT)
    assert rule_candidates.candidates(tree, frozenset({"ws_connect"})) == ["WebSocketClient (kept)", "Listener (kept)"]
    assert rule_candidates.candidates(tree) == []
