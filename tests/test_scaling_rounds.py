"""Issue 34, session 26: ``benchmarks/scaling.py --repeat N`` measures the fitted sizes in rounds
(1x, 2x, 4x, 8x, then again), keeping each size's best CPU, so that a burst of other work on the
shared cores inflates one run of a size rather than every run of it."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.conftest import load_benchmark


def test_repeats_go_in_rounds_over_the_sizes_and_keep_the_best(monkeypatch: pytest.MonkeyPatch) -> None:
    scaling = load_benchmark("scaling")
    # CPU seconds each run of a size gives, in the order its runs are made.
    cpu = {1: [1.0, 0.9], 2: [2.0, 2.5], 4: [5.0, 4.0], 8: [math.inf]}
    calls: list[int] = []

    def measure(tree: dict[str, str], mode: str, jobs: int, repeat: int, timeout: float) -> tuple[float, float, float]:
        size = int(tree["n"])
        assert repeat == 1  # one run per call: the rounds are made by the caller
        calls.append(size)
        value = cpu[size].pop(0)
        return value, value, 10.0 * size

    monkeypatch.setattr(scaling, "measure", measure)
    make: Any = lambda n: {"n": str(n)}
    sizes, seen, reached = scaling.ladder(make, 1, [1, 2, 4, 8], False, 1.0, 60.0, "fix", 1, 2, 300.0, 0.5)
    assert sizes == [1, 2, 4, 8] and reached
    # The first round stops at the size that timed out; the second skips it.
    assert calls == [1, 2, 4, 8, 1, 2, 4]
    assert {size: seen[size][0] for size in sizes} == {1: 0.9, 2: 2.0, 4: 4.0, 8: math.inf}
    # The wall time and peak memory reported are those of the best run.
    assert seen[4] == (4.0, 4.0, 40.0)
