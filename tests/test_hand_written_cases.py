"""The hand-written lifecycle cases of issue 14 (``benchmarks/resource_cases/``,
``benchmarks/task_cases/``), scored as ``benchmarks/LEAKFIXES.md`` records: each mark found or
listed as missed, and no near miss reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "score_resource_cases.py"


def _score(*args: str) -> list[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=True).stdout.splitlines()


def test_the_resource_cases_score_as_recorded() -> None:
    # The last miss, a session handed on through a setter (``n.use(s)`` storing ``self.http =
    # http``, which ``Notifier`` never closes), is found since session 68 (``method_stores``).
    assert _score() == ["default: 56/56 marked found (recall 1.00), 0 unmarked (precision 1.00)"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            (),
            ["default: 69/69 marked found (recall 1.00), 0 unmarked (precision 1.00)"],
        ),
        # TRD302 is a default rule since issue 28. p52 cancels its task only in a restart: a class
        # that is no cog counts any cancel as its end (LEAKFIXES.md, session 6: the stricter
        # reading reported 3 tasks on the applications, none rightly), but since session 59 a
        # cancel followed by a call of the class's method that starts the task again is no end.
        (("--preview",), ["preview: 69/69 marked found (recall 1.00), 0 unmarked (precision 1.00)"]),
    ],
)
def test_the_task_cases_score_as_recorded(args: tuple[str, ...], expected: list[str]) -> None:
    assert _score("--family", "TRD3", *args) == expected
