"""Session 95: a module's function that nothing in the project names never runs (issue 28,
precision of TRD2 and TRD3 on application code).

Read on a trading bot nobody on the team had read (a fresh labelled set): indicator modules the
bot imports kept helpers their callers had stopped calling (an ATR percentage, a smoothed ATR
called only by it, a slow-ramp detector, a ``save_memory()`` replaced by its async twin), each
dropping a task it would create; nothing calls them, so no task is ever made. A module importing
such a function by name and never using it, or calling a library's function of the same name,
calls nothing of it either.

Twins, each a way the function could still run and the finding stays: another module calls it
(under the name it was imported as, or through the module it holds); a package's ``__init__``
re-exports it; a module imports a function of that name from a package that re-exports it, or from a module named
like it that the checkout does not show (it may be this one);
a string names it (a dispatch table); its own module's top names it; a decorator; another module
defines a function of the same name (a convention a framework calls by name); nothing imports
its module (a framework loads it by its path); its module is imported only in a string, or only
by a test; an importer holding the module looks a name up at run time; the function is a
package's ``__init__``'s; the function naming it runs; a library; a test module; the option
that reports uncalled code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_paths

DISCARDED = "TRD301 task from `asyncio.create_task(...)` is discarded; keep it and await or cancel it"
FOUND = [f"9:5 {DISCARDED}"]

INDICATORS = """\
import asyncio


def calculate_atr(candles):
    return sum(candles)


def calculate_atr_percentage(candles):
    asyncio.create_task(_log(candles))
    return calculate_atr(candles)


async def _log(candles):
    await asyncio.sleep(0)
{tail}"""

MAIN = "from bot.indicators import calculate_atr\n\nprint(calculate_atr([1]))\n"


def _app(tmp_path: Path, *, tail: str = "", main: str | None = MAIN, where: str = "bot/indicators.py",
         marker: str = "requirements.txt", files: dict[str, str] | None = None, indicators: str = INDICATORS) -> list[str]:
    (tmp_path / marker).write_text("aiohttp\n" if marker == "requirements.txt" else "[project]\nname = 'lib'\nversion = '1'\n[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n")
    texts = {".gitignore": "__pycache__/\n", "bot/__init__.py": "", **({"bot/main.py": main} if main is not None else {}), **(files or {})}
    for name, text in texts.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(indicators.replace("{tail}", tail))
    return [f"{f.line}:{f.column} {f.code} {f.message}" for f in check_paths([path], select=["TRD3"])]


def test_a_function_nothing_names_never_runs(tmp_path: Path) -> None:
    assert _app(tmp_path) == []


def test_imported_relatively(tmp_path: Path) -> None:
    assert _app(tmp_path, main="from .indicators import calculate_atr\n\nprint(calculate_atr([1]))\n") == []


def test_a_function_named_only_by_a_function_nothing_names(tmp_path: Path) -> None:
    tail = "\n\ndef smoothed_percentage(candles):\n    return calculate_atr_percentage(candles) / 2\n"
    assert _app(tmp_path, tail=tail) == []


def test_an_importer_of_names_alone_cannot_look_the_function_up(tmp_path: Path) -> None:
    # ``globals()`` of a module that imported ``calculate_atr`` alone holds no other function of it.
    main = MAIN + "print(globals()['calculate_atr'])\n"
    assert _app(tmp_path, main=main) == []


def test_a_module_that_imports_it_and_never_uses_it(tmp_path: Path) -> None:
    files = {"bot/monitor.py": "from bot.indicators import calculate_atr_percentage\n\nX = 1\n"}
    assert _app(tmp_path, files=files) == []


def test_a_module_that_calls_another_modules_function_of_that_name(tmp_path: Path) -> None:
    # (``calculate_atr_percentage`` in the report is the import's, from a library's module)
    report = "from ta_helpers import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"
    assert _app(tmp_path, files={"bot/report.py": report}) == []


def test_twin_a_package_re_exporting_it_is_where_the_name_comes_from(tmp_path: Path) -> None:
    report = "from bot.legacy import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"
    files = {"bot/report.py": report, "bot/legacy/__init__.py": "from bot.indicators import *\n"}
    assert _app(tmp_path, files=files) == FOUND


def test_twin_an_import_of_a_module_named_like_it_that_this_checkout_does_not_show(tmp_path: Path) -> None:
    # (``services.indicators`` may be this very module, found through a folder on the path)
    report = "from services.indicators import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"
    assert _app(tmp_path, files={"bot/report.py": report}) == FOUND


def test_twin_the_importing_module_uses_it(tmp_path: Path) -> None:
    files = {"bot/monitor.py": "from bot.indicators import calculate_atr_percentage as atr\n\nprint(atr([1]))\n"}
    assert _app(tmp_path, files=files) == FOUND


def test_twin_the_importing_module_holds_the_module_too(tmp_path: Path) -> None:
    report = "import bot.indicators\nfrom ta_helpers import calculate_atr_percentage\n\nprint(bot.indicators.calculate_atr_percentage([1]))\n"
    assert _app(tmp_path, files={"bot/report.py": report}) == FOUND


def test_twin_a_package_init_re_exports_it(tmp_path: Path) -> None:
    files = {"bot/__init__.py": "from bot.indicators import calculate_atr_percentage\n"}
    assert _app(tmp_path, files=files) == FOUND


def test_twin_the_function_naming_it_runs(tmp_path: Path) -> None:
    tail = "\n\ndef smoothed_percentage(candles):\n    return calculate_atr_percentage(candles) / 2\n"
    main = "from bot.indicators import smoothed_percentage\n\nprint(smoothed_percentage([1]))\n"
    assert _app(tmp_path, tail=tail, main=main) == FOUND


def test_twin_another_module_calls_it(tmp_path: Path) -> None:
    main = "from bot.indicators import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"
    assert _app(tmp_path, main=main) == FOUND


def test_twin_a_string_of_another_module_names_it(tmp_path: Path) -> None:
    files = {"bot/commands.py": "COMMANDS = ['calculate_atr_percentage']\n"}
    assert _app(tmp_path, files=files) == FOUND


def test_twin_its_own_module_names_it(tmp_path: Path) -> None:
    assert _app(tmp_path, tail="\n\nHANDLERS = {'atr': calculate_atr_percentage}\n") == FOUND


def test_twin_a_decorated_function(tmp_path: Path) -> None:
    text = "from bot.registry import register\n" + INDICATORS.replace("def calculate_atr_percentage", "@register\ndef calculate_atr_percentage")
    found = _app(tmp_path, indicators=text, files={"bot/registry.py": "def register(f):\n    return f\n"})
    assert found == [f"11:5 {DISCARDED}"]


def test_twin_another_module_defines_the_same_name(tmp_path: Path) -> None:
    # A name several modules define is a convention a framework calls by name (``setup`` in
    # every extension, ``async_setup_entry`` in every platform).
    files = {"bot/volume.py": "def calculate_atr_percentage(candles):\n    return 0\n"}
    assert _app(tmp_path, files=files) == FOUND


def test_twin_nothing_imports_the_module(tmp_path: Path) -> None:
    # A module no code of the project imports is loaded by something else (a framework, by its
    # path), which may call its functions by name.
    assert _app(tmp_path, main="print(1)\n") == FOUND


def test_twin_imported_only_in_a_string(tmp_path: Path) -> None:
    main = "import importlib\n\nindicators = importlib.import_module('bot.indicators')\n"
    assert _app(tmp_path, main=main) == FOUND


def test_twin_imported_only_by_a_test(tmp_path: Path) -> None:
    files = {"tests/test_indicators.py": "from bot.indicators import calculate_atr\n"}
    assert _app(tmp_path, main=None, files=files) == FOUND


def test_twin_an_importer_holding_the_module_looks_a_name_up(tmp_path: Path) -> None:
    main = "import sys\n\nfrom bot import indicators\n\nprint(getattr(indicators, sys.argv[1])([1]))\n"
    assert _app(tmp_path, main=main) == FOUND


def test_twin_a_star_import_with_a_lookup_of_the_importers_names(tmp_path: Path) -> None:
    main = "import sys\n\nfrom bot.indicators import *\n\nprint(globals()[sys.argv[1]]([1]))\n"
    assert _app(tmp_path, main=main) == FOUND


def test_twin_its_own_module_looks_names_up(tmp_path: Path) -> None:
    assert _app(tmp_path, tail="\n\ndef run(name):\n    return globals()[name]([1])\n") == FOUND


def test_twin_a_packages_init(tmp_path: Path) -> None:
    # (an ``__init__.py`` runs whenever any module of its package is imported)
    main = "from bot.indicators import calculate_atr\n\nprint(calculate_atr([1]))\n"
    assert _app(tmp_path, main=main, where="bot/indicators/__init__.py", files={"bot/indicators/extra.py": "X = 1\n"}) == FOUND


def test_twin_a_library(tmp_path: Path) -> None:
    assert _app(tmp_path, marker="pyproject.toml") == FOUND


def test_twin_a_test_module(tmp_path: Path) -> None:
    main = "from tests.helpers import calculate_atr\n"
    assert _app(tmp_path, main=main, where="tests/helpers.py", files={"tests/__init__.py": ""}) == FOUND


def test_twin_the_option_that_reports_uncalled_code(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tradelint]\ncheck-uncalled-methods = true\n")
    assert _app(tmp_path) == FOUND


def test_a_cached_verdict_is_dropped_when_a_caller_appears_or_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_cache_scans import run  # a cached run over the tree: the files checked, the findings

    tree = tmp_path / "tree"
    tree.mkdir()
    cache = tmp_path / "cache"
    _app(tree)
    found = ("bot/indicators.py", 9, "TRD301")
    assert run(tree, cache, monkeypatch)[1] == []
    (tree / "bot" / "report.py").write_text("from bot.indicators import calculate_atr_percentage\n\ncalculate_atr_percentage([1])\n")
    assert run(tree, cache, monkeypatch)[1] == [found]
    (tree / "bot" / "report.py").unlink()
    assert run(tree, cache, monkeypatch)[1] == []
