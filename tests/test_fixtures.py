"""Every fixture's complete set of findings equals what its ``# error:`` markers declare."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradelint.core.config import config_for
from tradelint.runner.engine import Checker
from tests.conftest import FIXTURES
from tests.markers import expected_findings

FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*.py"))
CHECKER = Checker()


def test_fixtures_exist() -> None:
    assert len(FIXTURE_FILES) >= 12


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture(path: Path) -> None:
    findings = CHECKER.check_path(path, config_for(path))
    actual = {(f.line, f.code) for f in findings}
    expected = expected_findings(path)
    messages = {(f.line, f.code): f.message for f in findings}
    unexpected = sorted(actual - expected)
    missing = sorted(expected - actual)
    assert not unexpected and not missing, (
        f"unexpected: {[(line, code, messages[(line, code)]) for line, code in unexpected]}\n"
        f"missing: {missing}"
    )
