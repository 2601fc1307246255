"""A search of the project through no import is re-checked when a file it reads changes, and only
then (``runner/cache_scans.py``): the records keep the files each search reads, chosen by their
text (``mentions CLASS .METHOD(``: a class's last uses; ``releases NAME``: the project's release
of a library class), not every file naming the word. After every edit, a cached run prints what a
run without the cache prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.trees import configs_for, write
from tradelint.core.config import Config, clear_cache
from tradelint.core.finding import Finding
from tradelint.runner import runner
from tradelint.runner.cache import Cache
from tradelint.runner.engine import Checker


@pytest.fixture(autouse=True)
def _fresh_config_cache() -> None:
    clear_cache()


def run(tree: Path, cache: Path | None, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """The files checked by a run (cached when ``cache`` is given), and every finding whole (its
    fix's title and safety too)."""
    checked: list[str] = []
    check_path = Checker.check_path

    def recording(self: Checker, path: Path, config: Config, display: str | None = None) -> list[Finding]:
        checked.append(Path(path).relative_to(tree).as_posix())
        return check_path(self, path, config, display)

    with monkeypatch.context() as patch:
        patch.setattr(Checker, "check_path", recording)
        result = runner.check_files(configs_for(tree), cache_dir=cache)
    found = [json.dumps({**f.as_json(), "path": Path(f.path).relative_to(tree).as_posix()}, sort_keys=True) for f in result.findings]
    return sorted(checked), found


def cached(tree: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """A cached run, whose findings must be those of a run without the cache."""
    checked, found = run(tree, cache, monkeypatch)
    clear_cache()
    assert found == run(tree, None, monkeypatch)[1]
    return checked, found


BOT = """import asyncio


class Bot:
    async def start(self) -> None:
        asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        await asyncio.sleep(1)

    async def stop(self) -> None:
        pass
"""

MAIN = """from app.bot import Bot


async def main() -> None:
    bot = Bot()
    await bot.start()
    await bot.stop()
"""


def bot_project(tmp_path: Path) -> Path:
    """``Bot.start`` discards a task; the fix keeps it on ``self`` when every ``bot.stop()`` of the
    project is the bot's last use (``facts/end_of_life.py``: the files naming ``Bot`` and
    ``.stop(`` are read)."""
    tree = tmp_path / "tree"
    write(tree / "pyproject.toml", "[project]\nname = 'app'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    write(tree / "app" / "__init__.py", "")
    write(tree / "app" / "bot.py", BOT)
    write(tree / "app" / "main.py", MAIN)
    write(tree / "app" / "docs.py", '"""The Bot runs in main."""\n')
    return tree


def fix_of(found: list[str]) -> tuple[str, str]:
    (finding,) = [json.loads(f) for f in found if '"app/bot.py"' in f]
    return finding["fix"]["title"], finding["fix"]["safety"]


def test_a_last_use_search_reads_the_files_calling_the_method(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = bot_project(tmp_path)
    cache = tmp_path / "cache"
    checked, found = cached(tree, cache, monkeypatch)
    assert fix_of(found)[1] == "unsafe"  # kept on ``self``, ended in ``stop()``
    kinds = {kind for kind, _ in Cache.load(cache).entries[str(tree / "app" / "bot.py")].scans}
    assert "mentions Bot .stop(" in kinds and "mentions Bot" not in kinds
    # A file naming the class but calling no ``.stop(``, before or after: only itself.
    write(tree / "app" / "docs.py", '"""The Bot runs in main; see Bot.start."""\n')
    assert cached(tree, cache, monkeypatch) == (["app/docs.py"], found)
    # The leaf that calls it, edited without changing the search's answer: the search again.
    with open(tree / "app" / "main.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert cached(tree, cache, monkeypatch) == (["app/bot.py", "app/main.py"], found)
    # A use after ``stop()``: ``stop()`` is no longer the end, and the fix changes.
    write(tree / "app" / "main.py", MAIN + "\n\nasync def later(bot: Bot) -> None:\n    await bot.stop()\n    print(bot)\n")
    checked, after = cached(tree, cache, monkeypatch)
    assert checked == ["app/bot.py", "app/main.py"] and fix_of(after) != fix_of(found)
    # The docs now call it: read from now on.
    write(tree / "app" / "docs.py", "from app.bot import Bot\n\n\nasync def end(b: Bot) -> None:\n    await b.stop()\n")
    assert cached(tree, cache, monkeypatch)[0] == ["app/bot.py", "app/docs.py"]
    (tree / "app" / "docs.py").unlink()
    assert cached(tree, cache, monkeypatch)[0] == ["app/bot.py"]
    assert cached(tree, cache, monkeypatch) == ([], after)


SERVICE = """from somelib import Gateway


async def run(host: str) -> None:
    gw = Gateway(host)
    await gw.send(b"x")
    await gw.close()
"""

USE = """from somelib import Gateway


async def leak(host: str) -> None:
    gw = Gateway(host)
    await gw.send(b"x")
"""


def gateway_project(tmp_path: Path) -> Path:
    """``somelib`` is neither installed nor the project's: ``app/service.py`` closing its
    ``Gateway`` makes it a resource, so ``app/use.py`` leaks one (``project_evidence.py``)."""
    tree = tmp_path / "tree"
    write(tree / "pyproject.toml", "[project]\nname = 'app'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    write(tree / "app" / "__init__.py", "")
    write(tree / "app" / "service.py", SERVICE)
    write(tree / "app" / "use.py", USE)
    write(tree / "docs" / "notes.py", "# Gateway: see service\n")
    write(tree / "tests" / "test_use.py", SERVICE.replace("def run", "def test_run"))
    return tree


def leaks(found: list[str]) -> list[int]:
    return [json.loads(f)["line"] for f in found if '"app/use.py"' in f]


def test_a_release_evidence_search_reads_the_files_that_may_hold_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = gateway_project(tmp_path)
    cache = tmp_path / "cache"
    checked, found = cached(tree, cache, monkeypatch)
    assert leaks(found) == [5]
    stored = Cache.load(cache)
    assert ("releases Gateway", str(tree)) in stored.entries[str(tree / "app" / "use.py")].scans
    assert stored.scans.records["releases Gateway", str(tree)].files == {str(tree / "app" / "service.py")}
    # Files naming the class that the search does not read (a test, no release): only themselves,
    # and ``app/service.py``, whose close outside a ``finally`` is judged by who calls ``run()``
    # (``facts.entry_reach``: the test's text names ``run``).
    with open(tree / "tests" / "test_use.py", "a", encoding="utf-8") as fh:
        fh.write("# edited\n")
    assert cached(tree, cache, monkeypatch) == (["app/service.py", "tests/test_use.py"], found)
    write(tree / "docs" / "notes.py", "# Gateway, Gateway: see service\n")
    assert cached(tree, cache, monkeypatch) == (["docs/notes.py"], found)
    # The evidence edited away: ``Gateway`` is no longer a resource.
    write(tree / "app" / "service.py", SERVICE.replace("    await gw.close()\n", ""))
    checked, after = cached(tree, cache, monkeypatch)
    assert "app/use.py" in checked and leaks(after) == []
    # Evidence in a file that had none.
    write(tree / "docs" / "notes.py", SERVICE)
    checked, again = cached(tree, cache, monkeypatch)
    assert "app/use.py" in checked and leaks(again) == [5]


def test_a_release_evidence_search_is_made_again_when_a_file_is_added_removed_or_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which packages are the project's own comes from its file names: a new ``somelib.py``
    makes ``Gateway`` first-party code, judged by what it is."""
    tree = gateway_project(tmp_path)
    cache = tmp_path / "cache"
    found = cached(tree, cache, monkeypatch)[1]
    assert leaks(found) == [5]
    (tree / "docs" / "notes.py").rename(tree / "docs" / "notes2.py")
    checked, after = cached(tree, cache, monkeypatch)
    assert "app/use.py" in checked and "docs/notes2.py" in checked and after == found
    (tree / "docs" / "notes2.py").unlink()
    assert "app/use.py" in cached(tree, cache, monkeypatch)[0]
    write(tree / "somelib.py", "class Gateway:\n    def __init__(self, host: str) -> None:\n        self.host = host\n")
    checked, after = cached(tree, cache, monkeypatch)
    assert "app/use.py" in checked and leaks(after) == []
    (tree / "somelib.py").unlink()
    assert leaks(cached(tree, cache, monkeypatch)[1]) == [5]
    assert cached(tree, cache, monkeypatch)[0] == []
