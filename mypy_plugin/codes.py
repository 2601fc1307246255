"""One mypy error code per tradelint rule, named after it (``trd102``), so that
``disable_error_code = ["trd102"]`` and ``# type: ignore[trd102]`` work like any mypy code.

Codes and descriptions come from the core's rule registry: nothing here lists rules by hand.
"""

from __future__ import annotations

from mypy.errorcodes import ErrorCode

from flake8_tradelint.registry import ENGINE_CODES, all_rules

CATEGORY = "tradelint"


def _build() -> dict[str, ErrorCode]:
    codes = {code: ErrorCode(code.lower(), rule.name, CATEGORY) for code, rule in all_rules().items()}
    # A broken [tool.tradelint] table is reported through mypy as TRD002, as under flake8.
    codes["TRD002"] = ErrorCode("trd002", ENGINE_CODES["TRD002"], CATEGORY)
    return codes


ERROR_CODES = _build()
