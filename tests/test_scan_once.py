"""Answers asked once per attribute name or class and run (issue 34) are each class's own:
``ended_through_instances`` lists the files reading ``x._task`` once, and judges each class by
its own file and line, so that two classes of one name in two modules keep their own verdicts,
whichever is checked first; classes whose names contain each other's (``Worker1``,
``Worker10``) are told apart."""

from __future__ import annotations

from pathlib import Path

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
