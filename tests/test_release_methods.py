"""The release method a TRD202/TRD303 message names (``ownership.release_method``): the class's
own word for its teardown, when that method ends something."""

from __future__ import annotations

from tradelint.api import check_paths
from tests.conftest import FIXTURES


def test_a_suffix_named_helper_that_ends_nothing_is_not_named() -> None:
    path = FIXTURES / "lifecycles" / "release_methods.py"
    found = {
        f.line: f.message
        for f in check_paths([path], select=["TRD303"])
        if f.line > 68  # the Hedger and Recorder classes
    }
    assert list(found.values()) == [
        # hummingbot's ``hedge_tasks_cleanup()`` only prunes a list: "add a shutdown method".
        "`self._main` is never cancelled or awaited; add a shutdown method that cancels and awaits it",
        "`self._pump` is never cancelled or awaited; cancel it in `session_close()`",
    ]
