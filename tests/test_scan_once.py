"""Answers asked once per attribute name or class and run (issue 34) are each class's own:
``ended_through_instances`` lists the files reading ``x._task`` once, and judges each class by
its own file and line, so that two classes of one name in two modules keep their own verdicts,
whichever is checked first; classes whose names contain each other's (``Worker1``,
``Worker10``) are told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths

GAME = """\
import asyncio


class Game:
    def __init__(self):
        self._task = asyncio.create_task(self.run())

    async def run(self):
        await asyncio.sleep(10)
"""

KEEPER = """\
from .game import Game


class Keeper:
    def __init__(self):
        self.games = []

    def add(self):
        self.games.append(Game())

    async def close(self):
        for game in self.games:
            game._task.cancel()
"""


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "keeper.py").write_text(KEEPER, encoding="utf-8")
    (pkg / "game.py").write_text(GAME, encoding="utf-8")
    (pkg / "other_game.py").write_text(GAME, encoding="utf-8")
    return pkg / "game.py", pkg / "other_game.py"


def _trd303(paths: list[Path]) -> list[tuple[str, int]]:
    return sorted((Path(f.path).name, f.line) for f in check_paths(paths, select=["TRD303"]))


def test_two_classes_of_one_name_keep_their_own_verdict(tmp_path: Path) -> None:
    game, other = _tree(tmp_path)
    assert _trd303([game, other]) == [("other_game.py", 6)]
    assert _trd303([other, game]) == [("other_game.py", 6)]


def test_classes_whose_names_contain_each_other(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    paths = []
    for i in range(12):
        worker = GAME.replace("class Game", f"class Worker{i}")
        (pkg / f"w{i}.py").write_text(worker, encoding="utf-8")
        paths.append(pkg / f"w{i}.py")
        if i % 3 == 0:  # every third worker's instances are cancelled by a keeper of its own
            keeper = KEEPER.replace(".game import Game", f".w{i} import Worker{i}").replace("Game()", f"Worker{i}()")
            (pkg / f"k{i}.py").write_text(keeper.replace("class Keeper", f"class Keeper{i}"), encoding="utf-8")
            paths.append(pkg / f"k{i}.py")
    assert _trd303(paths) == sorted((f"w{i}.py", 6) for i in range(12) if i % 3)


def test_attributes_read_through_other_names_as_the_search_finds_them() -> None:
    import random
    import re

    from tradelint.models.tasks.other_objects import reads_through

    pieces = ["self", "cls", "selfish", "x", "_t", "t", "task", "_task", "9a", "é", "a1", ".", "..", " ", "(", ")", "\n", "_", "b"]
    rng = random.Random(34)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        data = text.encode()
        for attr in ["_t", "t", "task", "_task", "b", "x", "é", "a1", "_"]:
            needle = attr.encode()
            expected = re.search(rb"\b(?!self\b|cls\b)[A-Za-z_]\w*\." + re.escape(needle) + rb"\b", data) is not None
            assert reads_through(data, attr) == expected, (text, attr)


REGISTRY_WORKER = GAME + "\n    async def stop(self):\n        pass\n"


def test_one_file_naming_every_class_is_judged_alike_whether_searched_or_narrowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One registry module names twelve classes keeping ``self._task`` (``Worker1`` and
    ``Worker10``...), cancels the tasks of every third one's instances and stops, as their last
    use, those of every fourth: each class is judged by its own name, whether the registry is
    searched for it or found through the word index (a registry of more than 64 KiB), and
    whether ``.stop(`` is looked for in it once or per class."""
    from tradelint.models.tasks import other_objects

    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\n", encoding="utf-8")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    paths, lines = [], ["import asyncio\n"]
    for i in range(12):
        (pkg / f"w{i}.py").write_text(REGISTRY_WORKER.replace("class Game", f"class Worker{i}"), encoding="utf-8")
        paths.append(pkg / f"w{i}.py")
        lines.insert(0, f"from .w{i} import Worker{i}\n")
        if i % 3 == 0:
            lines.append(f"\n\nclass Keeper{i}:\n    def __init__(self):\n        self.games = []\n\n")
            lines.append(f"    def add(self):\n        self.games.append(Worker{i}())\n\n")
            lines.append("    async def close(self):\n        for game in self.games:\n            game._task.cancel()\n")
        if i % 4 == 0:
            lines.append(f"\n\nasync def run_{i}():\n    w = Worker{i}()\n    await asyncio.sleep(1)\n    await w.stop()\n")
    (pkg / "registry.py").write_text("".join(lines), encoding="utf-8")
    paths.append(pkg / "registry.py")
    def found() -> list[tuple[str, int, str, object]]:
        return sorted((Path(f.path).name, f.line, f.message, f.fix) for f in check_paths(paths, select=["TRD303"]))

    searched = found()
    monkeypatch.setattr(other_objects, "NAMING_BYTES", 0)
    assert found() == searched
    assert [(name, line) for name, line, _, _ in searched] == sorted((f"w{i}.py", 6) for i in range(12) if i % 3)
