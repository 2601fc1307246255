"""A module made of several renamed copies of one fixture gets, copy by copy, exactly the findings
(message, fix title and help included) each copy gets alone, moved to its lines.

The shape ``benchmarks/fixture_scaling.py`` measures (issue 34): the project-wide and
module-wide questions a rule asks per task, class or fix are answered from indexes built once
per module (the loads that end an attribute, the calls of an end method by receiver, the names
registered at startup, a scope's assignments by name, ...). The copies share their attribute,
method and local names, so an index that mixed one copy's answer into another's would show here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.api import check_source
from tests.conftest import FIXTURES, load_benchmark

# The benchmark's own copies (``benchmarks/fixture_scaling.py``).
renamed_copies = load_benchmark("fixture_scaling").renamed_copies

CONFIG = "[tool.tradelint]\npreview = true\ncheck-uncalled-methods = true\n\n[tool.ruff]\nline-length = 400\n"

# The fixtures whose shapes the indexes of session 19 serve (each was above the exponent limit,
# or is checked through code that changed).
FILES = [
    "aliases.py",
    "TRD102.py",
    "TRD301.py",
    "lifecycles/error_before_handoff.py",
    "lifecycles/keyed_on_self.py",
    "lifecycles/owned.py",
    "lifecycles/proven_handoffs.py",
    "lifecycles/release_methods.py",
    "lifecycles/task_on_other_objects.py",
    "lifecycles/task_owners.py",
    "lifecycles/ha_integration/timers.py",
]

COPIES = 3

Row = tuple[int, int, str, str, str | None, str | None]


def _rows(source: str, folder: Path, name: str, offset: int = 0) -> list[Row]:
    return [
        (f.line + offset, f.column, f.code, f.message, f.fix.title if f.fix is not None else None, f.help)
        for f in check_source(source, path=folder / name)
    ]


@pytest.mark.parametrize("name", FILES)
def test_copies_of_a_fixture_are_judged_each_as_alone(name: str, tmp_path: Path) -> None:
    path = FIXTURES / name
    pieces = renamed_copies(path.read_text(encoding="utf-8"), COPIES)
    assert pieces is not None
    expected: list[Row] = []
    offset = 0
    for i, piece in enumerate(pieces):
        alone = tmp_path / f"alone{i}"
        alone.mkdir()
        (alone / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
        expected += _rows(piece, alone, path.name, offset)
        offset += piece.count("\n") + 2  # the pieces are joined by a blank line
    together = tmp_path / "together"
    together.mkdir()
    (together / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    actual = _rows("\n\n".join(pieces), together, path.name)
    assert expected  # every file listed has findings: the comparison says something
    assert sorted(actual) == sorted(expected)
