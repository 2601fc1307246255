"""Session 96: a module's function that nothing names, when another module defines a function of
the same name that the project imports by name (issue 28, precision of TRD2 and TRD3 on
application code).

Read on a trading bot nobody on the team had read: an indicator module kept its own
``calculate_ema`` after every caller had moved to another module's (``from .ema import
calculate_ema``), and a monitor's ``log_trade_result`` was shadowed the same way. Session 95's
rule kept every finding in a function whose name another module also defines, as a convention a
framework may call by name; a name the project itself imports by name from that other module is
that module's function, called directly, not a convention.

Twins, each a way the function could still run or the name still be a convention: the other
module's function is imported by name only by a test; no module imports it by name (both may be
called by a framework); the other module imports this one (it may hand the function on); the
other module is a package's ``__init__`` (it may re-export this one).
"""

from __future__ import annotations

from pathlib import Path

from tests.test_session95_uncalled_functions import FOUND, _app

VOLUME = "def calculate_atr_percentage(candles):\n    return 0\n"
REPORT = "from bot.volume import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"


def test_the_project_imports_the_other_modules_function_by_name(tmp_path: Path) -> None:
    assert _app(tmp_path, files={"bot/volume.py": VOLUME, "bot/report.py": REPORT}) == []


def test_imported_relatively_from_the_other_module(tmp_path: Path) -> None:
    report = "from .volume import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"
    assert _app(tmp_path, files={"bot/volume.py": VOLUME, "bot/report.py": report}) == []


def test_twin_only_a_test_imports_the_other_modules_function(tmp_path: Path) -> None:
    files = {"bot/volume.py": VOLUME, "tests/test_volume.py": REPORT}
    assert _app(tmp_path, files=files) == FOUND


def test_twin_nothing_imports_either_function_by_name(tmp_path: Path) -> None:
    report = "import bot.volume\n\nprint(bot.volume.calculate_atr_percentage([1]))\n"
    assert _app(tmp_path, files={"bot/volume.py": VOLUME, "bot/report.py": report}) == FOUND


def test_twin_the_other_module_imports_this_one(tmp_path: Path) -> None:
    volume = "import bot.indicators\n\n\n" + VOLUME
    assert _app(tmp_path, files={"bot/volume.py": volume, "bot/report.py": REPORT}) == FOUND


def test_twin_the_other_module_is_a_packages_init(tmp_path: Path) -> None:
    report = "from bot.volume import calculate_atr_percentage\n\nprint(calculate_atr_percentage([1]))\n"
    files = {"bot/volume/__init__.py": VOLUME, "bot/volume/extra.py": "X = 1\n", "bot/report.py": report}
    assert _app(tmp_path, files=files) == FOUND
