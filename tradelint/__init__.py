"""``import tradelint``: the Python API (``flake8_tradelint.api``) under the tool's own name.

The rules and the engine live in ``flake8_tradelint``; this package only re-exports the API.
"""

from flake8_tradelint import __version__
from flake8_tradelint.api import Config, Finding, FixResult, check_paths, check_source, fix_source, resolve_config

__all__ = [
    "Config",
    "Finding",
    "FixResult",
    "__version__",
    "check_paths",
    "check_source",
    "fix_source",
    "resolve_config",
]
